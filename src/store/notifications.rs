//! Pending "new documents" notices: noted when a document is placed, turned into one mail per
//! account once due (if still unread), then removed.

use chrono::{DateTime, Utc};
use rusqlite::{Transaction, named_params};

use super::StoreError;
use super::time::to_db;
use crate::domain::{AccountKey, DocumentKey};

/// Notes that `account` may be told about `document` from `due` on.
pub fn note(
    tx: &Transaction<'_>,
    account: AccountKey,
    document: DocumentKey,
    due: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT OR IGNORE INTO pending_notifications (account_id, document_id, due_at) \
         VALUES (?1, ?2, ?3)",
    )?
    .execute((account.0, document.0, to_db(due)))?;
    Ok(())
}

/// One account's due notices: how many of its documents are still unread (and not
/// deleted, retracted or superseded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueNotice {
    pub account: AccountKey,
    pub unread: i64,
    /// Whether the account wants these mails and can sign in (a password is set).
    pub wanted: bool,
}

/// Takes every notice due at `now`, grouped per account, and removes them.
pub fn take_due(tx: &Transaction<'_>, now: DateTime<Utc>) -> Result<Vec<DueNotice>, StoreError> {
    let now = to_db(now);
    let notices = {
        let mut statement = tx.prepare(
            "SELECT p.account_id, \
                 SUM(d.deleted_at IS NULL AND d.retracted_at IS NULL AND d.superseded_at IS NULL \
                     AND NOT EXISTS (SELECT 1 FROM read_markers m \
                         WHERE m.account_id = p.account_id AND m.document_id = p.document_id)), \
                 a.notify_new_documents = 1 AND a.password_hash IS NOT NULL AND a.disabled_at IS NULL \
             FROM pending_notifications p \
             JOIN documents d ON d.id = p.document_id \
             JOIN accounts a ON a.id = p.account_id \
             WHERE p.due_at <= :now GROUP BY p.account_id ORDER BY p.account_id",
        )?;
        let rows = statement.query_map(named_params! { ":now": now }, |row| {
            Ok(DueNotice {
                account: AccountKey(row.get(0)?),
                unread: row.get(1)?,
                wanted: row.get(2)?,
            })
        })?;
        rows.collect::<Result<Vec<_>, _>>()?
    };
    tx.prepare_cached("DELETE FROM pending_notifications WHERE due_at <= :now")?
        .execute(named_params! { ":now": now })?;
    Ok(notices)
}

/// Whether an account gets "new documents" mail.
pub fn set_wanted(tx: &Transaction<'_>, account: AccountKey, on: bool) -> Result<(), StoreError> {
    tx.prepare_cached("UPDATE accounts SET notify_new_documents = ?2 WHERE id = ?1")?
        .execute((account.0, i64::from(on)))?;
    Ok(())
}
