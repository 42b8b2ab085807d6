//! The audit log table: appended in batches, read back for review.

use rusqlite::{Connection, Transaction};

use super::StoreError;
use super::time::{from_db, to_db};
use crate::domain::AccountKey;
use crate::domain::audit::AuditEvent;

/// Appends a batch of events in the caller's transaction.
pub fn append(tx: &Transaction<'_>, events: &[AuditEvent]) -> Result<(), StoreError> {
    let mut statement = tx.prepare_cached(
        "INSERT INTO audit_events (at, account_id, actor, action, subject, client_addr, detail) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for event in events {
        statement.execute((
            to_db(event.at),
            event.account.map(|a| a.0),
            &event.actor,
            event.action.as_str(),
            &event.subject,
            &event.client_addr,
            &event.detail,
        ))?;
    }
    Ok(())
}

/// The most recent events, newest first.
pub fn recent(conn: &Connection, limit: u32) -> Result<Vec<AuditEvent>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT at, account_id, actor, action, subject, client_addr, detail \
         FROM audit_events ORDER BY id DESC LIMIT ?1",
    )?;
    let rows = statement.query_map([limit], |row| {
        let at: String = row.get(0)?;
        let action: String = row.get(3)?;
        Ok(AuditEvent {
            at: from_db(&at, 0)?,
            account: row.get::<_, Option<i64>>(1)?.map(AccountKey),
            actor: row.get(2)?,
            action: crate::domain::audit::AuditAction::parse(&action)
                .ok_or_else(|| super::time::corrupt(3, action))?,
            subject: row.get(4)?,
            client_addr: row.get(5)?,
            detail: row.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
