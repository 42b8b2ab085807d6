//! Unread documents: what an account may see and has not opened, listed newest first and
//! counted (up to a cap) for the menu's badge.

use rusqlite::{Connection, named_params};

use super::StoreError;
use super::documents::{COLUMNS, FROM, record};
use super::scope::{NOT_REMOVED, newest_first, scope_key, visible};
use crate::domain::{AccountKey, Actor, DocumentRecord};

/// Everything `actor` may see that its account has not read yet, newest first.
pub fn unread(
    conn: &Connection,
    actor: Actor,
    account: AccountKey,
    limit: u32,
) -> Result<Vec<DocumentRecord>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} {FROM} WHERE {scope} AND d.superseded_at IS NULL AND {NOT_REMOVED} \
           AND NOT EXISTS (SELECT 1 FROM read_markers r WHERE r.account_id = :account AND r.document_id = d.id) \
         ORDER BY d.created_at DESC, d.id DESC LIMIT :limit",
        scope = visible(actor)
    );
    let scope = scope_key(actor);
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map(
        named_params! { ":scope_key": scope, ":account": account.0, ":limit": limit },
        record,
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// How many documents `actor` may see that its account has not read yet, counting no
/// further than `up_to`. The cap keeps the count cheap for a bureau that may see a million
/// documents: the scan goes newest first and stops at the `up_to`-th unread one, so it costs
/// about `up_to` plus the documents the account has read among the newest.
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

/// The query of [`unread_count`].
pub(super) fn unread_count_sql(actor: Actor) -> String {
    format!(
        "SELECT count(*) FROM (SELECT 1 {FROM} WHERE {scope} AND d.superseded_at IS NULL AND {NOT_REMOVED} \
           AND NOT EXISTS (SELECT 1 FROM read_markers r WHERE r.account_id = :account AND r.document_id = d.id) \
         ORDER BY {order} LIMIT :up_to)",
        scope = visible(actor),
        order = newest_first(actor),
    )
}
