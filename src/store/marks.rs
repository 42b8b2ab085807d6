//! Marks an account leaves on documents: shares (with a named recipient) and read markers.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, Transaction};

use super::StoreError;
use super::time::to_db;
use crate::domain::{AccountKey, BureauKey, DocumentKey};

/// With whom a share is (SPEC.md Part 2, "Sharing onward").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recipient {
    /// An employee's upload, with its employer.
    Employer,
    /// With this bureau: an employer's own upload, or an employee's passed on.
    Bureau(BureauKey),
}

/// Shares an upload with `recipient`; sharing twice changes nothing (nor does sharing with a
/// bureau again after the client moved: the newest share with a bureau counts).
pub fn share(
    tx: &Transaction<'_>,
    key: DocumentKey,
    recipient: Recipient,
    by: AccountKey,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let (kind, bureau) = match recipient {
        Recipient::Employer => ("employer", None),
        Recipient::Bureau(b) => ("bureau", Some(b.0)),
    };
    let changed = tx
        .prepare_cached(
            "INSERT INTO shares (document_id, recipient, bureau_id, shared_by_account_id, shared_at) \
             VALUES (?1, ?2, ?3, ?4, ?5) \
             ON CONFLICT (document_id, recipient) DO UPDATE SET \
               bureau_id = excluded.bureau_id, shared_by_account_id = excluded.shared_by_account_id, \
               shared_at = excluded.shared_at \
             WHERE shares.bureau_id IS NOT excluded.bureau_id",
        )?
        .execute((key.0, kind, bureau, by.0, to_db(at)))?;
    Ok(changed == 1)
}

/// Which shares "stop sharing" withdraws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Withdraw {
    /// The owner's: every share.
    All,
    /// An employer's on an employee's upload: only what it passed on to its bureau.
    BureauOnly,
}

/// Withdraws shares of an upload; whether any went.
pub fn unshare(
    tx: &Transaction<'_>,
    key: DocumentKey,
    which: Withdraw,
) -> Result<bool, StoreError> {
    let sql = match which {
        Withdraw::All => "DELETE FROM shares WHERE document_id = ?1",
        Withdraw::BureauOnly => {
            "DELETE FROM shares WHERE document_id = ?1 AND recipient = 'bureau'"
        }
    };
    Ok(tx.prepare_cached(sql)?.execute([key.0])? > 0)
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
