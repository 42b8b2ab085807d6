//! Marks an account leaves on documents: shares (one step up) and read markers.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, Transaction};

use super::StoreError;
use super::time::to_db;
use crate::domain::{AccountKey, DocumentKey};

/// Shares an upload one step up; sharing twice changes nothing.
pub fn share(
    tx: &Transaction<'_>,
    key: DocumentKey,
    by: AccountKey,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let changed = tx.prepare_cached("INSERT OR IGNORE INTO shares (document_id, shared_by_account_id, shared_at) VALUES (?1, ?2, ?3)")?.execute((key.0, by.0, to_db(at)))?;
    Ok(changed == 1)
}

pub fn unshare(tx: &Transaction<'_>, key: DocumentKey) -> Result<bool, StoreError> {
    Ok(tx
        .prepare_cached("DELETE FROM shares WHERE document_id = ?1")?
        .execute([key.0])?
        == 1)
}

pub fn mark_read(
    tx: &Transaction<'_>,
    account: AccountKey,
    key: DocumentKey,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let changed = tx
        .prepare_cached(
            // A document purged meanwhile leaves nothing to mark (and must not fail the batch).
            "INSERT OR IGNORE INTO read_markers (account_id, document_id, read_at) \
         SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM documents WHERE id = ?2)",
        )?
        .execute((account.0, key.0, to_db(at)))?;
    Ok(changed == 1)
}

pub fn is_read(
    conn: &Connection,
    account: AccountKey,
    key: DocumentKey,
) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM read_markers WHERE account_id = ?1 AND document_id = ?2)",
        )?
        .query_row((account.0, key.0), |r| r.get(0))?)
}

pub fn mark_unread(
    tx: &Transaction<'_>,
    account: AccountKey,
    key: DocumentKey,
) -> Result<bool, StoreError> {
    let changed = tx
        .prepare_cached("DELETE FROM read_markers WHERE account_id = ?1 AND document_id = ?2")?
        .execute((account.0, key.0))?;
    Ok(changed == 1)
}
