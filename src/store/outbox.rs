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
    tx.execute(
        "INSERT INTO outbox (created_at, account_id, to_address, message, language, params, \
             next_attempt_at) \
         VALUES (:now, :account, :to, :message, :language, :params, :now)",
        named_params! {
            ":now": now,
            ":account": mail.account.map(|a| a.0),
            ":to": mail.to,
            ":message": mail.message,
            ":language": mail.language,
            ":params": mail.params.to_string(),
        },
    )?;
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
pub const MESSAGES: [&str; 8] = [
    "welcome_username",
    "welcome_set_password",
    "forgot_username",
    "reset_password",
    "password_changed",
    "confirm_private_email",
    "two_factor_reset",
    "new_documents",
];

fn known_message(name: &str) -> &'static str {
    MESSAGES
        .iter()
        .find(|m| **m == name)
        .copied()
        .unwrap_or("unknown")
}
