//! The payroll sync API's use cases: tokens, master data of employers and employees, placing
//! and listing and retracting payroll files — each limited to what the token's client may
//! reach (anything else is "not found").

use chrono::{DateTime, Utc};

use super::files::RequestContext;
use super::placing::{PlaceRequest, Placed};
use super::{ServiceError, Services};
use crate::domain::access::{self, TokenScope};
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::party::{
    AccountParty, AccountStatus, Employee, EmployeeData, Employer, EmployerData,
};
use crate::domain::{DocumentKind, Dossier, Lhn, Origin, Period, Placer, PublicId, Year};
use crate::store::api_tokens;
use crate::store::people;
use crate::store::{Connection, audit, documents, parties};

/// What every sync token starts with, so a leaked one is recognisable (secret scanners).
pub const TOKEN_PREFIX: &str = "ldsync_";

/// The caller of the sync API, from its bearer token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiClient {
    pub(super) token: i64,
    pub(super) scope: TokenScope,
    /// The token's label, as its owner named it when creating it ("Loket", "Nmbrs koppeling").
    pub(super) name: String,
}

impl ApiClient {
    pub fn token_key(&self) -> i64 {
        self.token
    }

    pub(super) fn scope(&self) -> &TokenScope {
        &self.scope
    }

    pub(super) fn label(&self) -> String {
        match &self.scope {
            TokenScope::Bureau(b) => format!("sync bureau {}", b.0),
            TokenScope::Employer(lhn) => format!("sync employer {lhn}"),
        }
    }
}

/// Whether a sync created or updated a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Synced {
    Created,
    Updated,
}

/// An employee as the sync API lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiEmployee {
    pub personnel_number: String,
    pub name: String,
    pub status: AccountStatus,
    pub invited_at: Option<DateTime<Utc>>,
    pub last_login_at: Option<DateTime<Utc>>,
    /// Electronic or paper payslips, as the employee chose (BW 7:626 lid 4).
    pub delivery: crate::domain::consent::DeliveryChoice,
}

/// A document as the sync API lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiDocument {
    pub id: PublicId,
    pub kind: DocumentKind,
    pub year: Year,
    pub period: Period,
    pub title: String,
    pub file_name: String,
    pub size: u64,
    pub sha256: String,
    pub version: u32,
    pub created_at: DateTime<Utc>,
    /// A series overview's decision that counts (SPEC.md Part 2), if any.
    pub approval: Option<crate::domain::approval::Approval>,
}

/// The employer a client may reach by this loonheffingennummer, if any.
fn reachable_employer(
    conn: &Connection,
    client: &ApiClient,
    lhn: &Lhn,
) -> Result<Option<Employer>, ServiceError> {
    match access::employer_namespace(&client.scope, lhn) {
        Some(bureau) => Ok(parties::employer_in_namespace(conn, bureau, lhn)?),
        None => Ok(None),
    }
}

fn placer(client: &ApiClient, employer: &Employer) -> Placer {
    access::placer_for(&client.scope, employer.key)
}

impl Services {
    /// `PUT /api/v1/employers/{lhn}`.
    pub async fn sync_employer(
        &self,
        client: &ApiClient,
        data: EmployerData,
    ) -> Result<Synced, ServiceError> {
        let client = client.clone();
        let now = self.clock.now();
        let mail = self.link_mail();
        let end_sessions = self.settings.end_sessions_on_address_change;
        self.store
            .write(move |tx| -> Result<Synced, ServiceError> {
                // Another bureau's employer with this number is another record: the answer
                // and the effect are those for a free number.
                let bureau = access::employer_namespace(&client.scope, &data.lhn)
                    .ok_or(ServiceError::NotFound)?;
                let existing = parties::employer_in_namespace(tx, bureau, &data.lhn)?;
                let (key, created) = parties::upsert_employer(tx, bureau, &data, now)?;
                if let Some(before) = existing.filter(|r| r.data.email != data.email) {
                    super::enrolment::after_address_change(
                        tx,
                        &mail,
                        AccountParty::Employer(key),
                        before.data.email.as_str(),
                        end_sessions,
                        now,
                    )?;
                }
                Ok(if created {
                    Synced::Created
                } else {
                    Synced::Updated
                })
            })
            .await
    }

    /// `PUT /api/v1/employers/{lhn}/employees/{nr}`.
    pub async fn sync_employee(
        &self,
        client: &ApiClient,
        lhn: Lhn,
        data: EmployeeData,
    ) -> Result<Synced, ServiceError> {
        let client = client.clone();
        let now = self.clock.now();
        let mail = self.link_mail();
        let end_sessions = self.settings.end_sessions_on_address_change;
        self.store
            .write(move |tx| -> Result<Synced, ServiceError> {
                let employer =
                    reachable_employer(tx, &client, &lhn)?.ok_or(ServiceError::NotFound)?;
                let before = employee_by_number(tx, &employer, &data.personnel_number)?;
                let (key, created) = parties::upsert_employee(tx, employer.key, &data, now)?;
                if let Some(before) = before.filter(|e| e.data.work_email != data.work_email) {
                    super::enrolment::after_address_change(
                        tx,
                        &mail,
                        AccountParty::Employee(key),
                        before.data.work_email.as_str(),
                        end_sessions,
                        now,
                    )?;
                }
                Ok(if created {
                    Synced::Created
                } else {
                    Synced::Updated
                })
            })
            .await
    }

    /// `GET /api/v1/employers/{lhn}/employees`: who has an account, and since when.
    pub async fn api_employees(
        &self,
        client: &ApiClient,
        lhn: Lhn,
    ) -> Result<Vec<ApiEmployee>, ServiceError> {
        let client = client.clone();
        self.store
            .read(move |conn| -> Result<_, ServiceError> {
                let employer =
                    reachable_employer(conn, &client, &lhn)?.ok_or(ServiceError::NotFound)?;
                Ok(people::employee_accounts(conn, employer.key)?
                    .into_iter()
                    .map(|e| ApiEmployee {
                        personnel_number: e.employee.data.personnel_number,
                        name: e.employee.data.name,
                        status: e.status,
                        invited_at: e.invited_at,
                        last_login_at: e.last_login_at,
                        delivery: e.delivery,
                    })
                    .collect())
            })
            .await
    }

    /// Resolves the dossier a document request names, and who places in it.
    async fn api_dossier(
        &self,
        client: &ApiClient,
        lhn: Lhn,
        number: Option<String>,
    ) -> Result<(Dossier, Placer), ServiceError> {
        let client = client.clone();
        self.store
            .read(move |conn| -> Result<_, ServiceError> {
                let employer =
                    reachable_employer(conn, &client, &lhn)?.ok_or(ServiceError::NotFound)?;
                let placer = placer(&client, &employer);
                let dossier = match number {
                    None => Dossier::Employer(employer.key),
                    Some(number) => {
                        let employee = employee_by_number(conn, &employer, &number)?
                            .ok_or(ServiceError::NotFound)?;
                        Dossier::Employee {
                            employee: employee.key,
                            employer: employer.key,
                        }
                    }
                };
                Ok((dossier, placer))
            })
            .await
    }

    /// `POST …/documents`: places (or corrects) a payroll file.
    #[expect(
        clippy::too_many_arguments,
        reason = "the request's parts, each from the URL or query"
    )]
    pub async fn api_place<S, B, E>(
        &self,
        client: &ApiClient,
        context: RequestContext,
        lhn: Lhn,
        number: Option<String>,
        kind: DocumentKind,
        year: Year,
        period: Period,
        title: Option<String>,
        file_name: Option<String>,
        body: S,
    ) -> Result<Placed, ServiceError>
    where
        S: futures_util::Stream<Item = Result<B, E>> + Unpin,
        B: bytes::Buf,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let (dossier, placer) = self.api_dossier(client, lhn, number).await?;
        let request = PlaceRequest {
            dossier,
            kind,
            year,
            period,
            title,
            file_name,
        };
        self.place_payroll(placer, context, request, body).await
    }

    /// `GET …/documents`: what this client placed in that dossier (current versions), newest
    /// first, optionally for one year and kind, `limit` per page from `offset`.
    #[expect(
        clippy::too_many_arguments,
        reason = "the request's parts, each from the URL or query"
    )]
    pub async fn api_documents(
        &self,
        client: &ApiClient,
        lhn: Lhn,
        number: Option<String>,
        year: Option<Year>,
        kind: Option<DocumentKind>,
        offset: u32,
        limit: u32,
    ) -> Result<Vec<ApiDocument>, ServiceError> {
        let (dossier, placer) = self.api_dossier(client, lhn, number).await?;
        self.store
            .read(move |conn| -> Result<_, ServiceError> {
                let rows = documents::placed_in(conn, dossier, placer, year, kind, offset, limit)?;
                let mut approvals = Vec::with_capacity(rows.len());
                for r in &rows {
                    approvals.push(if r.kind == DocumentKind::SeriesOverview {
                        crate::store::approvals::current(conn, r.key)?
                    } else {
                        None
                    });
                }
                Ok(rows
                    .into_iter()
                    .zip(approvals)
                    .map(|(r, approval)| ApiDocument {
                        id: r.public_id,
                        kind: r.kind,
                        year: r.year,
                        period: r.period,
                        title: r.title,
                        file_name: r.file_name,
                        size: r.size,
                        sha256: r.sha256,
                        version: r.version,
                        created_at: r.created_at,
                        approval,
                    })
                    .collect())
            })
            .await
    }

    /// `DELETE /api/v1/documents/{id}`: hides a payroll file this client placed, at once.
    pub async fn api_retract(
        &self,
        client: &ApiClient,
        context: RequestContext,
        id: PublicId,
    ) -> Result<(), ServiceError> {
        let client = client.clone();
        let now = self.clock.now();
        let label = client.label();
        self.store
            .write(move |tx| -> Result<(), ServiceError> {
                let record = documents::by_public_id(tx, id)?.ok_or(ServiceError::NotFound)?;
                let Origin::Payroll(placed_by) = record.facts.origin else {
                    return Err(ServiceError::NotFound);
                };
                let employer = record
                    .facts
                    .dossier
                    .employer()
                    .map(|r| parties::employer(tx, r))
                    .transpose()?
                    .flatten();
                let ours = access::may_retract(
                    &client.scope,
                    placed_by,
                    employer.as_ref().map(|r| access::DocumentEmployer {
                        key: r.key,
                        bureau: r.bureau,
                        lhn: &r.data.lhn,
                    }),
                );
                if !ours || record.facts.removed {
                    return Err(ServiceError::NotFound);
                }
                documents::mark_retracted(tx, record.key, now)?;
                audit::append(
                    tx,
                    &[AuditEvent {
                        at: now,
                        account: None,
                        actor: label,
                        action: AuditAction::Retract,
                        subject: Some(id.to_string()),
                        client_addr: context.client_addr.map(|a| a.to_string()),
                        detail: None,
                    }],
                )?;
                Ok(())
            })
            .await
    }

    /// A remembered answer for a retried request with an Idempotency-Key.
    pub async fn remembered_answer(
        &self,
        client: &ApiClient,
        key: &str,
    ) -> Result<Option<api_tokens::Remembered>, ServiceError> {
        let token = client.token;
        let key = key.to_owned();
        self.store
            .read(move |conn| -> Result<_, ServiceError> {
                Ok(api_tokens::remembered(conn, token, &key)?)
            })
            .await
    }

    pub async fn remember_answer(
        &self,
        client: &ApiClient,
        key: &str,
        answer: api_tokens::Remembered,
    ) -> Result<(), ServiceError> {
        let token = client.token;
        let key = key.to_owned();
        let now = self.clock.now();
        self.store
            .write(move |tx| -> Result<(), ServiceError> {
                Ok(api_tokens::remember(tx, token, &key, &answer, now)?)
            })
            .await
    }
}

fn employee_by_number(
    conn: &Connection,
    employer: &Employer,
    number: &str,
) -> Result<Option<Employee>, ServiceError> {
    Ok(parties::employee_by_number(conn, employer.key, number)?)
}
