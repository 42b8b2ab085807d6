//! Requests: the row with its sealed details and current state, its events (appended, never
//! changed), its receipts, the lists each party sees, the sync API's approved-order cursor, and
//! pending "new requests" notices.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, ToSql, Transaction, named_params};

use super::StoreError;
use super::time::{corrupt, from_db, to_db};
use crate::domain::access::TokenScope;
use crate::domain::access::requests::Inbox;
use crate::domain::request::{RequestKind, RequestState};
use crate::domain::{AccountKey, BureauKey, EmployeeKey, EmployerKey, Lhn, PublicId};

/// A request's key inside the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RequestKey(pub i64);

/// One request with what the access rule and the lists need about its people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRow {
    pub key: RequestKey,
    pub public_id: PublicId,
    pub employee: EmployeeKey,
    pub employee_public_id: PublicId,
    pub employee_name: String,
    pub personnel_number: String,
    pub employer: EmployerKey,
    pub employer_name: String,
    pub employer_lhn: Lhn,
    pub employer_bureau: Option<BureauKey>,
    pub kind: RequestKind,
    /// The details as JSON, sealed (see `service::requests`).
    pub details_sealed: String,
    pub state: RequestState,
    pub submitted_at: DateTime<Utc>,
    pub approved_seq: Option<i64>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "q.id, q.public_id, q.employee_id, w.name, w.personnel_number, \
    q.employer_id, r.name, r.lhn, r.bureau_id, q.kind, q.details_sealed, q.state, \
    q.submitted_at, q.approved_seq, q.updated_at, w.public_id";
const FROM: &str = "FROM requests q JOIN employees w ON w.id = q.employee_id \
    JOIN employers r ON r.id = q.employer_id";

fn row(row: &Row<'_>) -> Result<RequestRow, rusqlite::Error> {
    let public: String = row.get(1)?;
    let lhn: String = row.get(7)?;
    let kind: String = row.get(9)?;
    let state: String = row.get(11)?;
    let submitted: String = row.get(12)?;
    let updated: String = row.get(14)?;
    let employee_public: String = row.get(15)?;
    Ok(RequestRow {
        key: RequestKey(row.get(0)?),
        public_id: PublicId::parse(&public).ok_or_else(|| corrupt(1, &public))?,
        employee: EmployeeKey(row.get(2)?),
        employee_public_id: PublicId::parse(&employee_public)
            .ok_or_else(|| corrupt(15, &employee_public))?,
        employee_name: row.get(3)?,
        personnel_number: row.get(4)?,
        employer: EmployerKey(row.get(5)?),
        employer_name: row.get(6)?,
        employer_lhn: Lhn::parse(&lhn).map_err(|e| corrupt(7, e))?,
        employer_bureau: row.get::<_, Option<i64>>(8)?.map(BureauKey),
        kind: RequestKind::parse(&kind).map_err(|e| corrupt(9, e))?,
        details_sealed: row.get(10)?,
        state: RequestState::parse(&state).map_err(|e| corrupt(11, e))?,
        submitted_at: from_db(&submitted, 12)?,
        approved_seq: row.get(13)?,
        updated_at: from_db(&updated, 14)?,
    })
}

/// A request about to be stored.
#[derive(Debug, Clone)]
pub struct NewRequest<'a> {
    pub public_id: PublicId,
    pub employee: EmployeeKey,
    pub employer: EmployerKey,
    pub kind: RequestKind,
    pub details_sealed: &'a str,
    pub at: DateTime<Utc>,
}

/// Stores a submitted request; its first event is the submission by `by`.
pub fn insert(
    tx: &Transaction<'_>,
    request: &NewRequest<'_>,
    by: AccountKey,
    by_name: &str,
) -> Result<RequestKey, StoreError> {
    tx.prepare_cached(
        "INSERT INTO requests (public_id, employee_id, employer_id, kind, details_sealed, state, \
             submitted_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, 'submitted', ?6, ?6)",
    )?
    .execute((
        request.public_id.to_string(),
        request.employee.0,
        request.employer.0,
        request.kind.as_str(),
        request.details_sealed,
        to_db(request.at),
    ))?;
    let key = RequestKey(tx.last_insert_rowid());
    add_event(
        tx,
        key,
        RequestState::Submitted,
        request.at,
        Some(by),
        by_name,
        None,
    )?;
    Ok(key)
}

/// Appends one event to a request's history (a step, or a note in the same state).
pub fn add_event(
    tx: &Transaction<'_>,
    key: RequestKey,
    state: RequestState,
    at: DateTime<Utc>,
    by: Option<AccountKey>,
    by_name: &str,
    comment: Option<&str>,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO request_events (request_id, state, at, by_account, by_name, comment) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute((
        key.0,
        state.as_str(),
        to_db(at),
        by.map(|a| a.0),
        by_name,
        comment,
    ))?;
    Ok(())
}

/// Moves a request from `from` to `to`, recording the event; approval takes the next place in
/// the approved order: above every place given before and at least the approval time in
/// microseconds since 1970, so that a database restored from a snapshot never hands out again
/// a place the payroll software's cursor has already passed (the clock has moved on since).
/// `false` (and nothing changed) when it was no longer in `from` — another
/// change came first.
#[allow(clippy::too_many_arguments)]
pub fn change_state(
    tx: &Transaction<'_>,
    key: RequestKey,
    from: RequestState,
    to: RequestState,
    at: DateTime<Utc>,
    by: Option<AccountKey>,
    by_name: &str,
    comment: Option<&str>,
) -> Result<bool, StoreError> {
    let changed = tx
        .prepare_cached(
            "UPDATE requests SET state = :to, updated_at = :at, approved_seq = CASE \
                 WHEN :to = 'approved' THEN \
                   max((SELECT coalesce(max(approved_seq), 0) + 1 FROM requests), :at_micros) \
                 ELSE approved_seq END \
             WHERE id = :id AND state = :from",
        )?
        .execute(named_params! {
            ":to": to.as_str(),
            ":from": from.as_str(),
            ":at": to_db(at),
            ":at_micros": at.timestamp_micros(),
            ":id": key.0,
        })?;
    if changed == 0 {
        return Ok(false);
    }
    add_event(tx, key, to, at, by, by_name, comment)?;
    Ok(true)
}

pub fn by_public_id(conn: &Connection, id: PublicId) -> Result<Option<RequestRow>, StoreError> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} {FROM} WHERE q.public_id = ?1"))?
        .query_row([id.to_string()], row)
        .optional()?)
}

/// An employee's own requests, newest first.
pub fn of_employee(
    conn: &Connection,
    employee: EmployeeKey,
) -> Result<Vec<RequestRow>, StoreError> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} {FROM} WHERE q.employee_id = ?1 ORDER BY q.id DESC LIMIT 500"
    ))?;
    let rows = statement.query_map([employee.0], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// What an inbox lists, narrowed by state, kind and employee.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InboxFilter {
    pub state: Option<RequestState>,
    pub kind: Option<RequestKind>,
    /// Text in the employee's name or personnel number (as the Werknemers search: any case,
    /// anywhere in it); blank is no filter.
    pub employee: Option<String>,
}

/// The requests of an inbox (`access::requests::inbox_of`), newest first, at most 500: an
/// employer's all of its employees'; a bureau's the approved and processed of its clients.
pub fn of_inbox(
    conn: &Connection,
    inbox: Inbox,
    filter: InboxFilter,
) -> Result<Vec<RequestRow>, StoreError> {
    let (scope, key) = match inbox {
        Inbox::Employer(r) => ("q.employer_id = :key", r.0),
        Inbox::Bureau(b) => (
            "r.bureau_id = :key AND q.state IN ('approved', 'processed')",
            b.0,
        ),
    };
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} {FROM} WHERE {scope} \
           AND (:state IS NULL OR q.state = :state) AND (:kind IS NULL OR q.kind = :kind) \
           AND (:employee IS NULL OR w.name LIKE :employee ESCAPE '\\' \
                OR w.personnel_number LIKE :employee ESCAPE '\\') \
         ORDER BY q.id DESC LIMIT 500"
    ))?;
    let state = filter.state.map(RequestState::as_str);
    let kind = filter.kind.map(RequestKind::as_str);
    let employee = filter
        .employee
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(super::like_pattern);
    let params: [(&str, &dyn ToSql); 4] = [
        (":key", &key),
        (":state", &state),
        (":kind", &kind),
        (":employee", &employee),
    ];
    let rows = statement.query_map(&params[..], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// How many of an employer's requests wait for its decision (the menu's count).
pub fn submitted_count(conn: &Connection, employer: EmployerKey) -> Result<u64, StoreError> {
    let count: i64 = conn
        .prepare_cached(
            "SELECT count(*) FROM requests WHERE employer_id = ?1 AND state = 'submitted'",
        )?
        .query_row([employer.0], |r| r.get(0))?;
    Ok(count.unsigned_abs())
}

/// Approved (or processed) requests a sync token reaches, in approved order after `after`, at
/// most `limit`: the sync API's stable cursor.
pub fn for_payroll_after(
    conn: &Connection,
    scope: &TokenScope,
    state: RequestState,
    after: i64,
    limit: u32,
) -> Result<Vec<RequestRow>, StoreError> {
    // A bureau's token: its current clients'; an employer's: its own, without a bureau.
    let (condition, client): (&str, Box<dyn ToSql>) = match scope {
        TokenScope::Bureau(b) => ("r.bureau_id = :client", Box::new(b.0)),
        TokenScope::Employer(lhn) => (
            "r.bureau_id IS NULL AND r.lhn = :client",
            Box::new(lhn.as_str().to_owned()),
        ),
    };
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} {FROM} WHERE q.approved_seq > :after AND q.state = :state \
           AND {condition} ORDER BY q.approved_seq LIMIT :limit"
    ))?;
    let params: [(&str, &dyn ToSql); 4] = [
        (":after", &after),
        (":state", &state.as_str()),
        (":client", client.as_ref()),
        (":limit", &limit),
    ];
    let rows = statement.query_map(&params[..], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One step in a request's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestEvent {
    pub state: RequestState,
    pub at: DateTime<Utc>,
    pub by_name: String,
    pub comment: Option<String>,
}

/// A request's history, oldest first.
pub fn events(conn: &Connection, key: RequestKey) -> Result<Vec<RequestEvent>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT state, at, by_name, comment FROM request_events WHERE request_id = ?1 ORDER BY id",
    )?;
    let rows = statement.query_map([key.0], |r| {
        let state: String = r.get(0)?;
        let at: String = r.get(1)?;
        Ok(RequestEvent {
            state: RequestState::parse(&state).map_err(|e| corrupt(0, e))?,
            at: from_db(&at, 1)?,
            by_name: r.get(2)?,
            comment: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A receipt of an expense claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestFile {
    /// 1, 2, … in the order they were sent.
    pub number: u32,
    pub file_name: String,
    pub media_type: String,
    pub size: u64,
    pub sha256: String,
    pub file_id: String,
}

pub fn add_file(
    tx: &Transaction<'_>,
    key: RequestKey,
    file: &RequestFile,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO request_files (request_id, number, file_name, media_type, size, sha256, \
             file_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute((
        key.0,
        file.number,
        &file.file_name,
        &file.media_type,
        i64::try_from(file.size).unwrap_or(i64::MAX),
        &file.sha256,
        &file.file_id,
    ))?;
    Ok(())
}

/// A request's receipts, in their order.
pub fn files(conn: &Connection, key: RequestKey) -> Result<Vec<RequestFile>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT number, file_name, media_type, size, sha256, file_id FROM request_files \
         WHERE request_id = ?1 ORDER BY number",
    )?;
    let rows = statement.query_map([key.0], |r| {
        Ok(RequestFile {
            number: r.get(0)?,
            file_name: r.get(1)?,
            media_type: r.get(2)?,
            size: u64::try_from(r.get::<_, i64>(3)?).unwrap_or(0),
            sha256: r.get(4)?,
            file_id: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Notes that `account` may be told about `request` from `due` on.
pub fn note(
    tx: &Transaction<'_>,
    account: AccountKey,
    request: RequestKey,
    due: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT OR IGNORE INTO pending_request_notices (account_id, request_id, due_at) \
         VALUES (?1, ?2, ?3)",
    )?
    .execute((account.0, request.0, to_db(due)))?;
    Ok(())
}

/// Takes every due notice, per account: how many of its requests still wait for a decision,
/// and whether the account wants such mail; removes them.
pub fn take_due_notices(
    tx: &Transaction<'_>,
    now: DateTime<Utc>,
) -> Result<Vec<(AccountKey, i64, bool)>, StoreError> {
    let now = to_db(now);
    let due = {
        let mut statement = tx.prepare_cached(
            "SELECT p.account_id, SUM(q.state = 'submitted'), \
                 a.notify_new_documents = 1 AND a.password_hash IS NOT NULL AND a.disabled_at IS NULL \
             FROM pending_request_notices p \
             JOIN requests q ON q.id = p.request_id \
             JOIN accounts a ON a.id = p.account_id \
             WHERE p.due_at <= ?1 GROUP BY p.account_id ORDER BY p.account_id",
        )?;
        let rows = statement.query_map([&now], |r| {
            Ok((AccountKey(r.get(0)?), r.get(1)?, r.get(2)?))
        })?;
        rows.collect::<Result<Vec<_>, _>>()?
    };
    tx.prepare_cached("DELETE FROM pending_request_notices WHERE due_at <= ?1")?
        .execute([&now])?;
    Ok(due)
}
