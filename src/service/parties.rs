//! The people behind the dossiers: an employer's employees ("Werknemers") and a bureau's
//! clients ("Werkgevers"), as those who may see them see them.

use super::{ServiceError, Services};
use crate::domain::approval::Decision;
use crate::domain::party::AccountStatus;
use crate::domain::{Actor, PublicId, access};
use crate::domain::{Period, Year};
use crate::store::approvals;
use crate::store::parties;
use crate::store::people;
pub use crate::store::people::EmployeeLine;

/// One row of the Werkgevers table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmployerLine {
    pub id: PublicId,
    pub name: String,
    pub lhn: String,
    pub client_number: Option<String>,
    pub email: String,
    pub status: AccountStatus,
    /// The newest series overview the bureau placed for this client and its akkoord.
    pub latest_series: Option<LatestSeries>,
}

/// A client's newest series overview as the bureau's Werkgevers shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatestSeries {
    pub id: PublicId,
    pub year: Year,
    pub period: Period,
    /// `None` while the employer has not decided.
    pub decision: Option<Decision>,
}

/// A revealed BSN and whose it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevealedBsn {
    pub name: String,
    pub personnel_number: String,
    /// The employer's public id (a bureau's way back goes to this client's Werknemers).
    pub employer_id: PublicId,
    pub bsn: String,
}

/// Rows on a page of Werknemers: what a screen shows and a clerk reads; the search finds
/// anyone else (over all of them).
pub const EMPLOYEES_PER_PAGE: u32 = 50;

/// A page of an employer's employees: its lines, how many match in all, where it stands.
pub type EmployeeList = people::EmployeesPage;

impl Services {
    /// One page of the employees of `employer` (default: the actor's own employer), optionally
    /// only those employed in `year` and matching `search`, [`EMPLOYEES_PER_PAGE`] to a page in
    /// name order; a page past the last is the last. Employers see their own; bureaus their
    /// clients'; nobody else any.
    pub async fn employees(
        &self,
        actor: Actor,
        employer: Option<PublicId>,
        year: Option<u16>,
        search: Option<String>,
        page: u32,
    ) -> Result<EmployeeList, ServiceError> {
        let filtered = year.is_some() || search.is_some();
        let work = move |conn: &crate::store::Connection| -> Result<_, ServiceError> {
            let employer = match (actor, employer) {
                (Actor::Employer { employer: own, .. }, None) => parties::employer(conn, own)?,
                (_, Some(id)) => parties::employer_by_public_id(conn, id)?,
                _ => None,
            };
            let Some(employer) = employer else {
                return Ok(None);
            };
            if !access::sees_employees_of(actor, employer.key, employer.bureau) {
                return Ok(None);
            }
            Ok(Some(people::employees_page(
                conn,
                employer.key,
                year,
                search.as_deref(),
                page,
                EMPLOYEES_PER_PAGE,
            )?))
        };
        // Without a filter a page walks the employer's name index only (the count about 70 ns
        // an employee), so it runs on the request's thread like the dossier's one-year
        // listing: the hand-off to a blocking thread cost more. A search or year reads each
        // employee's row and goes to the blocking pool.
        let list = if filtered {
            self.store.read(work).await?
        } else {
            self.store.read_now(work).await?
        };
        list.ok_or(ServiceError::NotFound)
    }

    /// The full BSN of an employee with the employee's name and personnel number (so the page
    /// says whose it is), for the employee itself, its employer or that employer's bureau;
    /// every look is in the audit log.
    /// Anyone else gets "not found".
    pub async fn reveal_bsn(
        &self,
        actor: Actor,
        context: super::RequestContext,
        employee: PublicId,
    ) -> Result<RevealedBsn, ServiceError> {
        let now = self.clock.now();
        self.store
            .write(move |tx| -> Result<_, ServiceError> {
                let employee =
                    parties::employee_by_public_id(tx, employee)?.ok_or(ServiceError::NotFound)?;
                let employer =
                    parties::employer(tx, employee.employer)?.ok_or(ServiceError::NotFound)?;
                if !access::may_reveal_bsn(actor, employee.key, employer.key, employer.bureau) {
                    return Err(ServiceError::NotFound);
                }
                let account = actor.account();
                crate::store::audit::append(
                    tx,
                    &[crate::domain::audit::AuditEvent {
                        at: now,
                        account,
                        actor: super::files::actor_label(actor).to_owned(),
                        action: crate::domain::audit::AuditAction::RevealBsn,
                        subject: Some(employee.public_id.to_string()),
                        client_addr: context.client_addr.map(|a| a.to_string()),
                        detail: None,
                    }],
                )?;
                Ok(RevealedBsn {
                    name: employee.data.name.clone(),
                    personnel_number: employee.data.personnel_number.clone(),
                    employer_id: employer.public_id,
                    bsn: employee.data.bsn.as_str().to_owned(),
                })
            })
            .await
    }

    /// A bureau's clients, optionally matching `search`.
    pub async fn employers(
        &self,
        actor: Actor,
        search: Option<String>,
    ) -> Result<Vec<EmployerLine>, ServiceError> {
        let bureau = access::sees_clients_of(actor).ok_or(ServiceError::NotFound)?;
        self.store
            .read(move |conn| -> Result<_, ServiceError> {
                let rows = people::employers_of(conn, bureau, search.as_deref())?;
                let mut lines = Vec::with_capacity(rows.len());
                for (r, status) in rows {
                    let latest_series = approvals::latest_series_overview(conn, r.key, bureau)?
                        .map(|(id, year, period, decision)| LatestSeries {
                            id,
                            year,
                            period,
                            decision,
                        });
                    lines.push(EmployerLine {
                        id: r.public_id,
                        name: r.data.name,
                        lhn: r.data.lhn.to_string(),
                        client_number: r.data.client_number,
                        email: r.data.email.to_string(),
                        status,
                        latest_series,
                    });
                }
                Ok(lines)
            })
            .await
    }
}
