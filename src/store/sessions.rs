//! Sessions: created at sign-in, found by the hash of the cookie's id, touched on use, ended
//! at sign-out, expiry or revocation.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, named_params};

use super::StoreError;
use super::time::{corrupt, from_db, to_db};
use crate::domain::AccountKey;

/// How far a session has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The password was right; the second factor is still to come.
    Password,
    /// The password was right; a second factor must be set up before anything else.
    Enroll,
    Complete,
}

impl Stage {
    fn as_str(self) -> &'static str {
        match self {
            Self::Password => "password",
            Self::Enroll => "enroll",
            Self::Complete => "complete",
        }
    }
}

/// A stored session (never its id: only the hash is kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub key: i64,
    pub public_id: String,
    pub account: AccountKey,
    pub stage: Stage,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub client_addr: Option<String>,
    pub user_agent: Option<String>,
}

/// A session to create.
#[derive(Debug, Clone)]
pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub account: AccountKey,
    pub stage: Stage,
    pub csrf_token: &'a str,
    pub now: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub client_addr: Option<&'a str>,
    pub user_agent: Option<&'a str>,
}

const COLUMNS: &str = "id, account_id, stage, csrf_token, created_at, last_seen_at, expires_at, \
    client_addr, user_agent, public_id";

fn row(row: &Row<'_>) -> Result<SessionRow, rusqlite::Error> {
    let stage: String = row.get(2)?;
    let created: String = row.get(4)?;
    let seen: String = row.get(5)?;
    let expires: String = row.get(6)?;
    Ok(SessionRow {
        key: row.get(0)?,
        account: AccountKey(row.get(1)?),
        stage: match stage.as_str() {
            "password" => Stage::Password,
            "enroll" => Stage::Enroll,
            "complete" => Stage::Complete,
            _ => return Err(corrupt(2, stage)),
        },
        csrf_token: row.get(3)?,
        created_at: from_db(&created, 4)?,
        last_seen_at: from_db(&seen, 5)?,
        expires_at: from_db(&expires, 6)?,
        client_addr: row.get(7)?,
        user_agent: row.get(8)?,
        public_id: row.get(9)?,
    })
}

pub fn insert(tx: &Transaction<'_>, session: &NewSession<'_>) -> Result<i64, StoreError> {
    tx.prepare_cached(
        "INSERT INTO sessions (public_id, token_hash, account_id, stage, csrf_token, created_at, \
             last_seen_at, expires_at, client_addr, user_agent) \
         VALUES (:public_id, :hash, :account, :stage, :csrf, :now, :now, :expires, :addr, :agent)",
    )?
    .execute(named_params! {
        ":public_id": crate::domain::PublicId::random().to_string(),
        ":hash": session.token_hash,
        ":account": session.account.0,
        ":stage": session.stage.as_str(),
        ":csrf": session.csrf_token,
        ":now": to_db(session.now),
        ":expires": to_db(session.expires_at),
        ":addr": session.client_addr,
        ":agent": session.user_agent,
    })?;
    Ok(tx.last_insert_rowid())
}

pub fn by_token_hash(conn: &Connection, hash: &str) -> Result<Option<SessionRow>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM sessions WHERE token_hash = ?1"
        ))?
        .query_row([hash], row)
        .optional()?)
}

/// Records activity; the caller decides how often that is worth a write.
pub fn touch(tx: &Transaction<'_>, key: i64, at: DateTime<Utc>) -> Result<(), StoreError> {
    tx.prepare_cached("UPDATE sessions SET last_seen_at = ?2 WHERE id = ?1")?
        .execute((key, to_db(at)))?;
    Ok(())
}

/// Moves a session to a later stage under a new id (the old id stops working).
pub fn advance(
    tx: &Transaction<'_>,
    key: i64,
    new_token_hash: &str,
    stage: Stage,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    Ok(tx
        .prepare_cached(
            "UPDATE sessions SET token_hash = ?2, stage = ?3, last_seen_at = ?4 WHERE id = ?1",
        )?
        .execute((key, new_token_hash, stage.as_str(), to_db(at)))?
        == 1)
}

/// Ends one of an account's sessions by its public id.
pub fn delete_by_public_id(
    tx: &Transaction<'_>,
    account: AccountKey,
    public_id: &str,
) -> Result<bool, StoreError> {
    Ok(tx
        .prepare_cached("DELETE FROM sessions WHERE account_id = ?1 AND public_id = ?2")?
        .execute((account.0, public_id))?
        == 1)
}

pub fn delete(tx: &Transaction<'_>, key: i64) -> Result<bool, StoreError> {
    Ok(tx
        .prepare_cached("DELETE FROM sessions WHERE id = ?1")?
        .execute([key])?
        == 1)
}

/// Ends every session of an account except `keep` (after a password change, say).
pub fn delete_for_account(
    tx: &Transaction<'_>,
    account: AccountKey,
    keep: Option<i64>,
) -> Result<usize, StoreError> {
    Ok(tx
        .prepare_cached("DELETE FROM sessions WHERE account_id = ?1 AND (?2 IS NULL OR id <> ?2)")?
        .execute((account.0, keep))?)
}

pub fn for_account(conn: &Connection, account: AccountKey) -> Result<Vec<SessionRow>, StoreError> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM sessions WHERE account_id = ?1 ORDER BY last_seen_at DESC"
    ))?;
    let rows = statement.query_map([account.0], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Removes sessions past their absolute end or idle for longer than `idle_since` allows.
pub fn delete_expired(
    tx: &Transaction<'_>,
    now: DateTime<Utc>,
    idle_since: DateTime<Utc>,
) -> Result<usize, StoreError> {
    Ok(tx
        .prepare_cached("DELETE FROM sessions WHERE expires_at <= ?1 OR last_seen_at <= ?2")?
        .execute((to_db(now), to_db(idle_since)))?)
}
