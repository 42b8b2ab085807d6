//! Requests (SPEC.md Part 2, "Requests"): an employee submits one (with receipts for an expense
//! claim, the password again for a bank account), withdraws it while submitted; its employer
//! approves or rejects it with a comment; payroll software fetches approved ones in a stable
//! order and marks them processed. Details are sealed at rest; every change is an audited event.

use bytes::Buf;
use chrono::{DateTime, Utc};
use futures_util::Stream;

use super::files::RequestContext;
use super::sniff::{Sniffing, UPLOAD_TYPES};
use super::sync::ApiClient;
use super::{CurrentSession, ServiceError, Services};
use crate::auth::seal::Sealer;
use crate::blobs::FileId;
use crate::domain::access::requests::{
    RequestFacts, inbox_of, may_decide_request, may_withdraw, sees_request, submits_as,
    token_reaches_request,
};
use crate::domain::audit::AuditAction;
use crate::domain::party::AccountParty;
use crate::domain::request::{RequestDetails, RequestKind, RequestState, normalize_iban};
use crate::domain::{Actor, PublicId};
use crate::store::requests::{
    self as store_requests, InboxFilter, NewRequest, RequestEvent, RequestFile, RequestRow,
};
use crate::store::{Connection, accounts as store_accounts, audit};

/// The most receipts one expense claim carries.
pub const RECEIPTS_MAX: usize = 10;

/// A receipt stored and waiting for its request to be submitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StagedReceipt {
    pub file_id: FileId,
    pub file_name: String,
    pub media_type: &'static str,
    pub size: u64,
    pub sha256: String,
}

/// One request as a page or the sync API shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestView {
    pub id: PublicId,
    pub kind: RequestKind,
    pub details: RequestDetails,
    pub state: RequestState,
    pub submitted_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The employee's public id (its dossier's address, for a letter answering the request).
    pub employee_id: PublicId,
    pub employee_name: String,
    pub personnel_number: String,
    pub employer_name: String,
    pub employer_lhn: String,
    /// The place in the approved order (the sync API's cursor), once approved.
    pub approved_seq: Option<i64>,
    /// Oldest first: submitted, then what happened.
    pub history: Vec<RequestEvent>,
    pub receipts: Vec<RequestFile>,
    pub may_withdraw: bool,
    pub may_decide: bool,
    /// A letter request the reader (its employer, or the bureau) may answer with a letter.
    pub may_answer_with_letter: bool,
}

fn facts(row: &RequestRow) -> RequestFacts<'_> {
    RequestFacts {
        employee: row.employee,
        employer: row.employer,
        employer_bureau: row.employer_bureau,
        employer_lhn: &row.employer_lhn,
        state: row.state,
    }
}

/// What the details are sealed to: this request only.
pub(super) fn seal_context(id: PublicId) -> Vec<u8> {
    format!("request {id}").into_bytes()
}

/// The details of a stored request, unsealed.
fn open_details(sealer: &Sealer, row: &RequestRow) -> Result<RequestDetails, ServiceError> {
    let plain = sealer
        .open(&row.details_sealed, &seal_context(row.public_id))
        .ok_or_else(|| ServiceError::Unreadable(format!("request {}", row.public_id)))?;
    serde_json::from_slice(&plain)
        .map_err(|e| ServiceError::Unreadable(format!("request {}: {e}", row.public_id)))
}

/// A stored request as `actor` sees it.
fn view(
    sealer: &Sealer,
    conn: &Connection,
    actor: Actor,
    row: RequestRow,
) -> Result<RequestView, ServiceError> {
    let details = open_details(sealer, &row)?;
    let history = store_requests::events(conn, row.key)?;
    let receipts = store_requests::files(conn, row.key)?;
    let facts = facts(&row);
    Ok(RequestView {
        may_withdraw: may_withdraw(actor, &facts),
        may_decide: may_decide_request(actor, &facts),
        id: row.public_id,
        kind: row.kind,
        details,
        state: row.state,
        submitted_at: row.submitted_at,
        updated_at: row.updated_at,
        employee_id: row.employee_public_id,
        may_answer_with_letter: row.kind == RequestKind::LetterRequest
            && matches!(row.state, RequestState::Submitted | RequestState::Approved)
            && crate::domain::access::letter_writer(
                actor,
                crate::domain::Dossier::Employee {
                    employee: row.employee,
                    employer: row.employer,
                },
                row.employer_bureau,
            )
            .is_some(),
        employee_name: row.employee_name,
        personnel_number: row.personnel_number,
        employer_name: row.employer_name,
        employer_lhn: row.employer_lhn.to_string(),
        approved_seq: row.approved_seq,
        history,
        receipts,
    })
}

/// Queues the "your request was decided" mail for the employee's account, if it can sign in.
fn tell_employee(
    tx: &crate::store::Transaction<'_>,
    employee: crate::domain::EmployeeKey,
    approved: bool,
    link: String,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let Some(account) = store_accounts::account_of(tx, AccountParty::Employee(employee))? else {
        return Ok(());
    };
    // Only an account that can sign in (a password set, not disabled) hears of it.
    if account.status != crate::domain::party::AccountStatus::Active {
        return Ok(());
    }
    let addresses = store_accounts::mail_addresses(tx, account.key)?;
    if let Some(to) = addresses.private.or(addresses.contact) {
        crate::store::outbox::enqueue(
            tx,
            &crate::mail::messages::Mail::RequestDecided { approved, link }.queue(
                Some(account.key),
                to,
                addresses.language,
            ),
            now,
        )?;
    }
    Ok(())
}

impl Services {
    /// Stores one receipt (PDF, PNG or JPEG, judged by its bytes) for an expense claim the
    /// employee is about to submit. Errors as for uploads: `UnsupportedType`, `TooLarge`,
    /// `EmptyFile`; `Forbidden` for anyone but an employee.
    pub async fn stage_receipt<S, B, E>(
        &self,
        actor: Actor,
        file_name: &str,
        body: S,
    ) -> Result<StagedReceipt, ServiceError>
    where
        S: Stream<Item = Result<B, E>> + Unpin,
        B: Buf,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let (Some(_), Some(dossier)) = (submits_as(actor), actor.own_dossier()) else {
            return Err(ServiceError::Forbidden("only an employee submits requests"));
        };
        // Receipts share the room of the employee's own files (`[uploads] quota_mb`).
        let quota = self.settings.upload_quota_bytes;
        let used = self
            .store
            .read(move |conn| -> Result<_, ServiceError> {
                Ok(crate::store::documents::upload_bytes(conn, dossier)?)
            })
            .await?;
        let room = quota.saturating_sub(used);
        if room == 0 {
            return Err(ServiceError::QuotaFull { limit: quota });
        }
        let limit = self.settings.upload_max_bytes.min(room);
        let (sniffing, found) = Sniffing::new(body, UPLOAD_TYPES);
        let stored = self.blobs.put(sniffing, limit).await.map_err(|e| match e {
            crate::blobs::BlobError::TooLarge { .. } if limit < self.settings.upload_max_bytes => {
                ServiceError::QuotaFull { limit: quota }
            }
            other => super::files::refused_file(other),
        })?;
        let media_type = found
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .unwrap_or("application/octet-stream");
        let file_name = super::file_names::clean_file_name(file_name);
        Ok(StagedReceipt {
            file_id: stored.id,
            file_name: super::file_names::with_extension_of(&file_name, media_type),
            media_type,
            size: stored.size,
            sha256: hex::encode(stored.sha256),
        })
    }

    /// Removes receipts whose request was never stored.
    pub async fn discard_receipts(&self, receipts: &[StagedReceipt]) {
        for receipt in receipts {
            if let Err(e) = self.blobs.delete(receipt.file_id).await {
                tracing::warn!(error = %e, "could not remove a receipt of a refused request");
            }
        }
    }

    /// Submits the signed-in employee's request: details checked (the field named when one
    /// does not hold), a bank account change only with the account's `password` again, an
    /// expense claim with 1 to [`RECEIPTS_MAX`] `receipts` (other kinds with none). The
    /// employer hears of it by mail after the delay. The receipts are removed when it fails.
    pub async fn submit_request(
        &self,
        session: &CurrentSession,
        context: RequestContext,
        details: RequestDetails,
        password: &str,
        receipts: Vec<StagedReceipt>,
    ) -> Result<PublicId, ServiceError> {
        let submitted = self
            .try_submit(session, context, details, password, &receipts)
            .await;
        if submitted.is_err() {
            self.discard_receipts(&receipts).await;
        }
        submitted
    }

    async fn try_submit(
        &self,
        session: &CurrentSession,
        context: RequestContext,
        mut details: RequestDetails,
        password: &str,
        receipts: &[StagedReceipt],
    ) -> Result<PublicId, ServiceError> {
        let (Some((employee, employer)), Some(account)) =
            (submits_as(session.actor), session.actor.account())
        else {
            return Err(ServiceError::Forbidden("only an employee submits requests"));
        };
        let now = self.clock.now();
        let today = now
            .with_timezone(&chrono_tz::Europe::Amsterdam)
            .date_naive();
        details
            .check(today)
            .map_err(|p| ServiceError::invalid(p.field, p.message))?;
        let wants_receipts = details.kind() == RequestKind::ExpenseClaim;
        match (wants_receipts, receipts.len()) {
            (true, 0) => {
                return Err(ServiceError::invalid(
                    "receipts",
                    "add at least one receipt (PDF, PNG or JPEG)",
                ));
            }
            (true, n) if n > RECEIPTS_MAX => {
                return Err(ServiceError::invalid(
                    "receipts",
                    format!("at most {RECEIPTS_MAX} receipts"),
                ));
            }
            (false, n) if n > 0 => {
                return Err(ServiceError::invalid(
                    "receipts",
                    "only an expense claim has receipts",
                ));
            }
            _ => {}
        }
        if let RequestDetails::BankAccountChange { iban, .. } = &mut details {
            // Where the salary goes: the password again, as for other sensitive changes.
            self.confirm_password(session, context, password).await?;
            *iban = normalize_iban(iban).map_err(|e| ServiceError::invalid("iban", e.0))?;
        }
        let id = PublicId::random();
        let json = serde_json::to_vec(&details)
            .map_err(|e| ServiceError::Unreadable(format!("request details: {e}")))?;
        let sealed = self.sealer.seal(&json, &seal_context(id));
        let kind = details.kind();
        let event = self.audit_event(
            session.actor,
            AuditAction::RequestSubmitted,
            id,
            context,
            Some(kind.as_str().to_owned()),
        );
        let due = now + self.settings.notify_delay;
        let receipts = receipts.to_vec();
        let quota = self.settings.upload_quota_bytes;
        self.store
            .write(move |tx| -> Result<(), ServiceError> {
                // Asked again where it counts: receipts staged at once share the room.
                let dossier = crate::domain::Dossier::Employee { employee, employer };
                let adding: u64 = receipts.iter().map(|r| r.size).sum();
                if adding > 0
                    && crate::store::documents::upload_bytes(tx, dossier)? + adding > quota
                {
                    return Err(ServiceError::QuotaFull { limit: quota });
                }
                let by = super::dossier::owner_name(
                    tx,
                    crate::domain::Dossier::Employee { employee, employer },
                )?;
                let key = store_requests::insert(
                    tx,
                    &NewRequest {
                        public_id: id,
                        employee,
                        employer,
                        kind,
                        details_sealed: &sealed,
                        at: now,
                    },
                    account,
                    &by,
                )?;
                for (index, receipt) in receipts.iter().enumerate() {
                    store_requests::add_file(
                        tx,
                        key,
                        &RequestFile {
                            number: u32::try_from(index + 1).unwrap_or(u32::MAX),
                            file_name: receipt.file_name.clone(),
                            media_type: receipt.media_type.to_owned(),
                            size: receipt.size,
                            sha256: receipt.sha256.clone(),
                            file_id: receipt.file_id.to_string(),
                        },
                    )?;
                }
                // The employer hears of it later, bundled with others.
                for employer_account in
                    store_accounts::signed_up_accounts_of(tx, AccountParty::Employer(employer))?
                {
                    store_requests::note(tx, employer_account, key, due)?;
                }
                audit::append(tx, &[event])?;
                Ok(())
            })
            .await?;
        Ok(id)
    }

    /// One request, if `actor` sees it (`access::requests::sees_request`); otherwise
    /// `NotFound`, exactly as for one that does not exist.
    pub async fn request(&self, actor: Actor, id: PublicId) -> Result<RequestView, ServiceError> {
        let sealer = self.sealer.clone();
        self.store
            .read(move |conn| -> Result<_, ServiceError> {
                let row = store_requests::by_public_id(conn, id)?
                    .filter(|row| sees_request(actor, &facts(row)))
                    .ok_or(ServiceError::NotFound)?;
                view(&sealer, conn, actor, row)
            })
            .await
    }

    /// The signed-in employee's own requests, newest first.
    pub async fn my_requests(&self, actor: Actor) -> Result<Vec<RequestView>, ServiceError> {
        let Some((employee, _)) = submits_as(actor) else {
            return Err(ServiceError::NotFound);
        };
        let sealer = self.sealer.clone();
        self.store
            .read(move |conn| -> Result<_, ServiceError> {
                store_requests::of_employee(conn, employee)?
                    .into_iter()
                    .map(|row| view(&sealer, conn, actor, row))
                    .collect()
            })
            .await
    }

    /// The employer's Verzoeken (all of its employees' requests) or the bureau's (its current
    /// clients' approved and processed ones), narrowed by `filter`; newest first, at most 500.
    /// `NotFound` for an employee (its own are [`Services::my_requests`]).
    pub async fn inbox(
        &self,
        actor: Actor,
        filter: InboxFilter,
    ) -> Result<Vec<RequestView>, ServiceError> {
        let inbox = inbox_of(actor).ok_or(ServiceError::NotFound)?;
        let sealer = self.sealer.clone();
        self.store
            .read(move |conn| -> Result<_, ServiceError> {
                store_requests::of_inbox(conn, inbox, filter)?
                    .into_iter()
                    .filter(|row| sees_request(actor, &facts(row)))
                    .map(|row| view(&sealer, conn, actor, row))
                    .collect()
            })
            .await
    }

    /// How many requests wait for the employer's decision (the menu's count); 0 for others.
    pub async fn requests_waiting(&self, actor: Actor) -> Result<u64, ServiceError> {
        let Actor::Employer { employer, .. } = actor else {
            return Ok(0);
        };
        self.store
            .read_now(move |conn| -> Result<_, ServiceError> {
                Ok(store_requests::submitted_count(conn, employer)?)
            })
            .await
    }

    /// Moves a request `from` one state `to` another as `actor` (or the payroll software,
    /// named `by_name`), recording `comment`; `check` is the access rule that must allow it.
    /// Errors: `NotFound` when the actor does not see it; `Forbidden` when the rule or the
    /// state does not allow the step.
    #[allow(clippy::too_many_arguments)]
    async fn change_request(
        &self,
        actor: Actor,
        context: RequestContext,
        id: PublicId,
        to: RequestState,
        comment: Option<String>,
        by_name: Option<String>,
        check: fn(Actor, &RequestFacts<'_>) -> bool,
    ) -> Result<RequestState, ServiceError> {
        let now = self.clock.now();
        let event = self.audit_event(
            actor,
            AuditAction::RequestChanged,
            id,
            context,
            Some(to.as_str().to_owned()),
        );
        let link = format!("{}/verzoeken/{id}", self.public_url());
        self.store
            .write(move |tx| -> Result<RequestState, ServiceError> {
                let row = store_requests::by_public_id(tx, id)?
                    .filter(|row| sees_request(actor, &facts(row)))
                    .ok_or(ServiceError::NotFound)?;
                if !check(actor, &facts(&row)) {
                    return Err(ServiceError::Forbidden(
                        "this request cannot take that step (any more)",
                    ));
                }
                let by = match (&by_name, actor) {
                    (Some(name), _) => name.clone(),
                    (
                        None,
                        Actor::Employee {
                            employee, employer, ..
                        },
                    ) => super::dossier::owner_name(
                        tx,
                        crate::domain::Dossier::Employee { employee, employer },
                    )?,
                    (None, _) => row.employer_name.clone(),
                };
                let changed = store_requests::change_state(
                    tx,
                    row.key,
                    row.state,
                    to,
                    now,
                    actor.account(),
                    &by,
                    comment.as_deref(),
                )?;
                if !changed {
                    return Err(ServiceError::Forbidden("the request changed meanwhile"));
                }
                if matches!(to, RequestState::Approved | RequestState::Rejected) {
                    // The employee hears of the decision at once — that it was made, not what
                    // was asked.
                    tell_employee(tx, row.employee, to == RequestState::Approved, link, now)?;
                }
                audit::append(tx, &[event])?;
                Ok(to)
            })
            .await
    }

    /// The employee withdraws its own request while it is submitted.
    pub async fn withdraw_request(
        &self,
        actor: Actor,
        context: RequestContext,
        id: PublicId,
    ) -> Result<(), ServiceError> {
        self.change_request(
            actor,
            context,
            id,
            RequestState::Withdrawn,
            None,
            None,
            may_withdraw,
        )
        .await
        .map(|_| ())
    }

    /// The employer approves (`approve`) or rejects its employee's submitted request, with an
    /// optional `comment` (at most 1000 characters, `Invalid { field: "comment" }` beyond).
    pub async fn decide_request(
        &self,
        actor: Actor,
        context: RequestContext,
        id: PublicId,
        approve: bool,
        comment: &str,
    ) -> Result<(), ServiceError> {
        let comment = comment.trim();
        if comment.chars().count() > crate::domain::request::TEXT_MAX_CHARS {
            return Err(ServiceError::invalid("comment", "at most 1000 characters"));
        }
        let to = if approve {
            RequestState::Approved
        } else {
            RequestState::Rejected
        };
        self.change_request(
            actor,
            context,
            id,
            to,
            (!comment.is_empty()).then(|| comment.to_owned()),
            None,
            may_decide_request,
        )
        .await
        .map(|_| ())
    }

    /// Opens receipt `number` of request `id` for download, if `actor` sees the request;
    /// audited as a download.
    pub async fn open_receipt(
        &self,
        actor: Actor,
        context: RequestContext,
        id: PublicId,
        number: u32,
    ) -> Result<super::OpenedDocument, ServiceError> {
        let receipt = self
            .store
            .read(move |conn| -> Result<_, ServiceError> {
                let row = store_requests::by_public_id(conn, id)?
                    .filter(|row| sees_request(actor, &facts(row)))
                    .ok_or(ServiceError::NotFound)?;
                store_requests::files(conn, row.key)?
                    .into_iter()
                    .find(|f| f.number == number)
                    .ok_or(ServiceError::NotFound)
            })
            .await?;
        let file = FileId::parse(&receipt.file_id).ok_or(ServiceError::NotFound)?;
        let (content, size) = self.blobs.open(file).await?;
        if !context.head_only {
            let event = self.audit_event(
                actor,
                AuditAction::Download,
                id,
                context,
                Some(format!("receipt {number}")),
            );
            self.audit.record(event, None).await;
        }
        Ok(super::OpenedDocument {
            id,
            file: content,
            size,
            inline: false,
            media_type: receipt.media_type,
            file_name: receipt.file_name,
            sha256: receipt.sha256,
        })
    }

    /// `GET /api/v1/requests`: the requests in `state` (approved or processed) a sync client
    /// reaches, in the order they were approved, after the cursor `after`, at most `limit`.
    pub async fn api_requests(
        &self,
        client: &ApiClient,
        state: RequestState,
        after: i64,
        limit: u32,
    ) -> Result<Vec<RequestView>, ServiceError> {
        if !matches!(state, RequestState::Approved | RequestState::Processed) {
            return Err(ServiceError::invalid(
                "status",
                "payroll software sees approved and processed requests",
            ));
        }
        let scope = client.scope().clone();
        let sealer = self.sealer.clone();
        self.store
            .read(move |conn| -> Result<_, ServiceError> {
                store_requests::for_payroll_after(conn, &scope, state, after, limit)?
                    .into_iter()
                    .filter(|row| token_reaches_request(&scope, &facts(row)))
                    .map(|row| view(&sealer, conn, Actor::system(), row))
                    .collect()
            })
            .await
    }

    /// `POST /api/v1/requests/{id}/processed`: the payroll software took an approved request
    /// over. Idempotent: processed already is fine. `NotFound` when the client does not reach
    /// it; `Forbidden` when it is not approved.
    pub async fn api_mark_processed(
        &self,
        client: &ApiClient,
        context: RequestContext,
        id: PublicId,
    ) -> Result<(), ServiceError> {
        let scope = client.scope().clone();
        let label = client.label();
        let now = self.clock.now();
        let event = crate::domain::audit::AuditEvent {
            at: now,
            account: None,
            actor: label.clone(),
            action: AuditAction::RequestChanged,
            subject: Some(id.to_string()),
            client_addr: context.client_addr.map(|a| a.to_string()),
            detail: Some(RequestState::Processed.as_str().to_owned()),
        };
        self.store
            .write(move |tx| -> Result<(), ServiceError> {
                let row = store_requests::by_public_id(tx, id)?
                    .filter(|row| token_reaches_request(&scope, &facts(row)))
                    .ok_or(ServiceError::NotFound)?;
                if row.state == RequestState::Processed {
                    return Ok(());
                }
                if !store_requests::change_state(
                    tx,
                    row.key,
                    RequestState::Approved,
                    RequestState::Processed,
                    now,
                    None,
                    "salarispakket",
                    None,
                )? {
                    return Err(ServiceError::Forbidden(
                        "only approved requests are processed",
                    ));
                }
                audit::append(tx, &[event])?;
                Ok(())
            })
            .await
    }
}
