//! The outbox: mail waiting to be sent. Rows are written in the transaction of the change that
//! causes them; the mail worker sends them.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, Transaction, named_params};

use super::StoreError;
use crate::domain::AccountKey;

/// A message to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    pub account: Option<AccountKey>,
    pub to: String,
    /// Which message, e.g. `reset_password`.
    pub message: &'static str,
    pub language: String,
    /// What the message needs, as JSON.
    pub params: serde_json::Value,
}

pub fn enqueue(tx: &Transaction<'_>, mail: &Queued, now: DateTime<Utc>) -> Result<(), StoreError> {
    let now = super::time::to_db(now);
    tx.prepare_cached(
        "INSERT INTO outbox (created_at, account_id, to_address, message, language, params, \
             next_attempt_at) \
         VALUES (:now, :account, :to, :message, :language, :params, :now)",
    )?
    .execute(named_params! {
        ":now": now,
        ":account": mail.account.map(|a| a.0),
        ":to": mail.to,
        ":message": mail.message,
        ":language": mail.language,
        ":params": mail.params.to_string(),
    })?;
    Ok(())
}

/// Everything still queued, oldest first.
pub fn queued(conn: &Connection) -> Result<Vec<Queued>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT account_id, to_address, message, language, params FROM outbox \
         WHERE status = 'queued' ORDER BY id",
    )?;
    let rows = statement.query_map([], |row| {
        let message: String = row.get(2)?;
        let params: String = row.get(4)?;
        Ok(Queued {
            account: row.get::<_, Option<i64>>(0)?.map(AccountKey),
            to: row.get(1)?,
            message: known_message(&message),
            language: row.get(3)?,
            params: serde_json::from_str(&params).unwrap_or(serde_json::Value::Null),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The message names this version writes (others read back as "unknown").
pub const MESSAGES: [&str; 11] = [
    "welcome_username",
    "welcome_set_password",
    "forgot_username",
    "reset_password",
    "password_changed",
    "confirm_private_email",
    "two_factor_reset",
    "account_changed",
    "new_documents",
    "new_requests",
    "request_decided",
];

fn known_message(name: &str) -> &'static str {
    MESSAGES
        .iter()
        .find(|m| **m == name)
        .copied()
        .unwrap_or("unknown")
}

/// A queued message whose turn has come.
#[derive(Debug, Clone)]
pub struct Due {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub attempts: i64,
    pub mail: Queued,
}

/// Queued messages with `next_attempt_at` at or before `now`, oldest first.
pub fn due(conn: &Connection, now: DateTime<Utc>, limit: usize) -> Result<Vec<Due>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT id, created_at, attempts, account_id, to_address, message, language, params \
         FROM outbox WHERE status = 'queued' AND next_attempt_at <= :now \
         ORDER BY next_attempt_at, id LIMIT :limit",
    )?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = statement.query_map(
        named_params! { ":now": super::time::to_db(now), ":limit": limit },
        |row| {
            let created: String = row.get(1)?;
            let message: String = row.get(5)?;
            let params: String = row.get(7)?;
            Ok(Due {
                id: row.get(0)?,
                created_at: super::time::from_db(&created, 1)?,
                attempts: row.get(2)?,
                mail: Queued {
                    account: row.get::<_, Option<i64>>(3)?.map(AccountKey),
                    to: row.get(4)?,
                    message: known_message(&message),
                    language: row.get(6)?,
                    params: serde_json::from_str(&params).unwrap_or(serde_json::Value::Null),
                },
            })
        },
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The server accepted the message. Its fields (links among them) are wiped: nothing needs
/// them any more.
pub fn mark_sent(tx: &Transaction<'_>, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
    tx.prepare_cached(
        "UPDATE outbox SET status = 'sent', sent_at = :now, attempts = attempts + 1, \
             last_error = NULL, params = '{}' WHERE id = :id AND status = 'queued'",
    )?
    .execute(named_params! { ":now": super::time::to_db(now), ":id": id })?;
    Ok(())
}

/// A temporary failure: try again at `next`.
pub fn mark_retry(
    tx: &Transaction<'_>,
    id: i64,
    error: &str,
    next: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "UPDATE outbox SET attempts = attempts + 1, last_error = :error, next_attempt_at = :next \
         WHERE id = :id AND status = 'queued'",
    )?
    .execute(named_params! { ":error": error, ":next": super::time::to_db(next), ":id": id })?;
    Ok(())
}

/// A permanent failure, or temporary ones for too long: give up until an administrator retries.
pub fn mark_failed(tx: &Transaction<'_>, id: i64, error: &str) -> Result<(), StoreError> {
    tx.prepare_cached(
        "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = :error \
         WHERE id = :id AND status = 'queued'",
    )?
    .execute(named_params! { ":error": error, ":id": id })?;
    Ok(())
}

/// Requeues every failed message for an attempt now; returns how many.
pub fn retry_failed(tx: &Transaction<'_>, now: DateTime<Utc>) -> Result<usize, StoreError> {
    let now = super::time::to_db(now);
    Ok(tx
        .prepare_cached(
            "UPDATE outbox SET status = 'queued', attempts = 0, next_attempt_at = :now, \
             created_at = :now WHERE status = 'failed'",
        )?
        .execute(named_params! { ":now": now })?)
}

/// One message that did not go out (yet), for `mail status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub id: i64,
    pub message: String,
    pub status: String,
    pub attempts: i64,
    pub error: String,
}

/// How the outbox stands.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Summary {
    pub queued: i64,
    pub failed: i64,
    pub sent: i64,
    /// The most recent errors, newest first.
    pub problems: Vec<Problem>,
}

/// Whether `message` was queued for `to_address` after `since` (to answer a flood of
/// "forgotten" requests with one mail).
pub fn queued_since(
    conn: &Connection,
    to_address: &str,
    message: &str,
    since: DateTime<Utc>,
) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM outbox WHERE to_address = ?1 AND message = ?2 AND created_at > ?3)",
        )?
        .query_row((to_address, message, super::time::to_db(since)), |r| r.get(0))?)
}

pub fn summary(conn: &Connection, problems: usize) -> Result<Summary, StoreError> {
    let (queued, failed, sent) = conn
        .prepare_cached(
            "SELECT COALESCE(SUM(status = 'queued'), 0), COALESCE(SUM(status = 'failed'), 0), \
             COALESCE(SUM(status = 'sent'), 0) FROM outbox",
        )?
        .query_row([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
    let mut statement = conn.prepare(
        "SELECT id, message, status, attempts, last_error FROM outbox \
         WHERE status != 'sent' AND last_error IS NOT NULL ORDER BY id DESC LIMIT :limit",
    )?;
    let limit = i64::try_from(problems).unwrap_or(i64::MAX);
    let rows = statement.query_map(named_params! { ":limit": limit }, |row| {
        Ok(Problem {
            id: row.get(0)?,
            message: row.get(1)?,
            status: row.get(2)?,
            attempts: row.get(3)?,
            error: row.get(4)?,
        })
    })?;
    Ok(Summary {
        queued,
        failed,
        sent,
        problems: rows.collect::<Result<_, _>>()?,
    })
}
