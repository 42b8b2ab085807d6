//! Unread documents: what is addressed to an account's party (`domain::access::addressed_to`)
//! and the account has not opened, listed newest first with whom each is from, and counted (up
//! to a cap) for the menu's badge.

use rusqlite::{Connection, OptionalExtension, named_params};

use super::StoreError;
use super::documents::{COLUMNS, FROM, record};
use super::scope::{NOT_REMOVED, addressed, addressed_branches, scope_key};
use crate::domain::{AccountKey, Actor, DocumentRecord};

/// One unread document and the party it is from or for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unread {
    pub record: DocumentRecord,
    /// The employee who shared an upload, the employer whose payslip or upload it is, or the
    /// bureau that placed a report in an employer's dossier. `None`: the payroll
    /// administration of a self-administering employer placed it in its own dossier.
    pub from: Option<String>,
}

/// Who a document is from, as a column: see [`Unread::from`].
const FROM_NAME: &str = "CASE \
    WHEN d.origin = 'upload' AND d.dossier_kind = 'employee' \
      THEN (SELECT w.name FROM employees w WHERE w.id = d.employee_id) \
    WHEN d.origin = 'upload' OR d.dossier_kind = 'employee' THEN e.name \
    WHEN d.placed_by_bureau_id IS NOT NULL \
      THEN (SELECT b.name FROM bureaus b WHERE b.id = d.placed_by_bureau_id) \
    ELSE NULL END";

/// The condition for unread news of `actor` read by `:account`.
fn unread_condition(actor: Actor) -> String {
    format!(
        "d.id IN ({news}) AND d.superseded_at IS NULL AND {NOT_REMOVED} \
           AND NOT EXISTS (SELECT 1 FROM read_markers r WHERE r.account_id = :account AND r.document_id = d.id)",
        news = addressed(actor)
    )
}

/// Everything addressed to `actor` that its account has not read yet, newest first, at most
/// `limit` rows.
pub fn unread(
    conn: &Connection,
    actor: Actor,
    account: AccountKey,
    limit: u32,
) -> Result<Vec<Unread>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS}, {FROM_NAME} {FROM} WHERE {condition} \
         ORDER BY d.created_at DESC, d.id DESC LIMIT :limit",
        condition = unread_condition(actor)
    );
    let scope = scope_key(actor);
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map(
        named_params! { ":scope_key": scope, ":account": account.0, ":limit": limit },
        |row| {
            Ok(Unread {
                record: record(row)?,
                from: row.get(super::documents::COLUMN_COUNT)?,
            })
        },
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// How many documents addressed to `actor` its account has not read yet, counting no further
/// than `up_to`. News is found through narrow indexes (see `scope::addressed`), so the count
/// costs about the party's own payroll files and the uploads shared with it.
pub fn unread_count(
    conn: &Connection,
    actor: Actor,
    account: AccountKey,
    up_to: u32,
) -> Result<u64, StoreError> {
    let sql = unread_count_sql(actor);
    let scope = scope_key(actor);
    let count: i64 = conn.prepare_cached(&sql)?.query_row(
        named_params! { ":scope_key": scope, ":account": account.0, ":up_to": up_to },
        |row| row.get(0),
    )?;
    Ok(u64::try_from(count).unwrap_or(0))
}

/// The generation of `account`'s unread news: a number that every write which may change
/// [`unread_count`] for it raises (the triggers of `0021_unread_generations.sql`); 0 before the
/// first. A count taken after reading generation `g` is at least as new as `g`.
pub fn generation(conn: &Connection, account: AccountKey) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached("SELECT generation FROM unread_generations WHERE account_id = ?1")?
        .query_row([account.0], |row| row.get(0))
        .optional()?
        .unwrap_or(0))
}

/// The query of [`unread_count`]: each branch of the news on its own, so the current documents
/// of an own dossier are counted from their index alone (no list of ids built first, no table
/// row read), the read markers probed by key.
pub(super) fn unread_count_sql(actor: Actor) -> String {
    let branches = addressed_branches(actor)
        .iter()
        .map(|branch| {
            format!(
                "SELECT 1 FROM documents d WHERE {branch} \
                   AND d.superseded_at IS NULL AND {NOT_REMOVED} \
                   AND NOT EXISTS (SELECT 1 FROM read_markers r \
                     WHERE r.account_id = :account AND r.document_id = d.id)"
            )
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    format!("SELECT count(*) FROM ({branches} LIMIT :up_to)")
}
