//! Single-use account links (welcome, reset, confirm e-mail), stored by token hash.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, named_params};

use super::StoreError;
use super::time::{corrupt, from_db, to_db};
use crate::domain::AccountKey;

/// What a link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Welcome,
    Reset,
    ConfirmEmail,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Welcome => "welcome",
            Self::Reset => "reset",
            Self::ConfirmEmail => "confirm_email",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        [Self::Welcome, Self::Reset, Self::ConfirmEmail]
            .into_iter()
            .find(|p| p.as_str() == text)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRow {
    pub key: i64,
    pub account: AccountKey,
    pub purpose: Purpose,
    pub email: Option<String>,
    pub expires_at: DateTime<Utc>,
    pub used: bool,
}

/// Whether a link of `purpose` made for `account` after `since` still works at `now`: not
/// used, not retired (both set `used_at`) and not expired. A spent link is no reason to
/// withhold a new one.
pub fn usable_created_since(
    conn: &Connection,
    account: AccountKey,
    purpose: Purpose,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM account_links \
             WHERE account_id = ?1 AND purpose = ?2 AND created_at > ?3 \
               AND used_at IS NULL AND expires_at > ?4)",
        )?
        .query_row(
            (account.0, purpose.as_str(), to_db(since), to_db(now)),
            |r| r.get(0),
        )?)
}

/// Stores a new link and retires the account's older unused links of the same purpose.
pub fn create(
    tx: &Transaction<'_>,
    account: AccountKey,
    purpose: Purpose,
    email: Option<&str>,
    token_hash: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    retire(tx, account, &[purpose], now)?;
    tx.prepare_cached("INSERT INTO account_links (token_hash, account_id, purpose, email, created_at, expires_at) \
         VALUES (:hash, :account, :purpose, :email, :now, :expires)")?.execute(named_params! {
            ":hash": token_hash,
            ":account": account.0,
            ":purpose": purpose.as_str(),
            ":email": email,
            ":now": to_db(now),
            ":expires": to_db(expires_at),
        })?;
    Ok(())
}

/// Makes every unused link of these purposes unusable (after a newer link, a password or
/// e-mail change).
pub fn retire(
    tx: &Transaction<'_>,
    account: AccountKey,
    purposes: &[Purpose],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    for purpose in purposes {
        tx.prepare_cached(
            "UPDATE account_links SET used_at = ?3 \
             WHERE account_id = ?1 AND purpose = ?2 AND used_at IS NULL",
        )?
        .execute((account.0, purpose.as_str(), to_db(now)))?;
    }
    Ok(())
}

/// The link with this digest — none for an account that is disabled or removed: its links
/// were retired then, and one that slipped through still does nothing.
pub fn by_token_hash(conn: &Connection, hash: &str) -> Result<Option<LinkRow>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT l.id, l.account_id, l.purpose, l.email, l.expires_at, l.used_at IS NOT NULL \
             FROM account_links l JOIN accounts a ON a.id = l.account_id \
             WHERE l.token_hash = ?1 AND a.disabled_at IS NULL",
        )?
        .query_row([hash], |row| {
            let purpose: String = row.get(2)?;
            let expires: String = row.get(4)?;
            Ok(LinkRow {
                key: row.get(0)?,
                account: AccountKey(row.get(1)?),
                purpose: Purpose::parse(&purpose).ok_or_else(|| corrupt(2, &purpose))?,
                email: row.get(3)?,
                expires_at: from_db(&expires, 4)?,
                used: row.get(5)?,
            })
        })
        .optional()?)
}

/// Uses a link; false if it was used already (a concurrent request got there first).
pub fn consume(tx: &Transaction<'_>, key: i64, now: DateTime<Utc>) -> Result<bool, StoreError> {
    Ok(tx
        .prepare_cached("UPDATE account_links SET used_at = ?2 WHERE id = ?1 AND used_at IS NULL")?
        .execute((key, to_db(now)))?
        == 1)
}
