//! Sync API tokens: created by the administrator, found by hash, listed, revoked.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, named_params};

use super::StoreError;
use super::time::{from_db, to_db};
use crate::domain::access::TokenScope;
use crate::domain::{BureauKey, Lhn};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    pub key: i64,
    pub public_id: String,
    pub label: String,
    pub scope: TokenScope,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked: bool,
}

const COLUMNS: &str = "id, public_id, label, bureau_id, employer_lhn, created_at, last_used_at, \
    revoked_at IS NOT NULL";

fn row(row: &Row<'_>) -> Result<TokenRow, rusqlite::Error> {
    let bureau: Option<i64> = row.get(3)?;
    let lhn: Option<String> = row.get(4)?;
    let scope = match (bureau, lhn) {
        (Some(b), _) => TokenScope::Bureau(BureauKey(b)),
        (None, Some(lhn)) => {
            TokenScope::Employer(Lhn::parse(&lhn).map_err(|e| super::time::corrupt(4, e))?)
        }
        (None, None) => return Err(super::time::corrupt(3, "token without scope")),
    };
    let created: String = row.get(5)?;
    let used: Option<String> = row.get(6)?;
    Ok(TokenRow {
        key: row.get(0)?,
        public_id: row.get(1)?,
        label: row.get(2)?,
        scope,
        created_at: from_db(&created, 5)?,
        last_used_at: used.map(|u| from_db(&u, 6)).transpose()?,
        revoked: row.get(7)?,
    })
}

pub fn insert(
    tx: &Transaction<'_>,
    public_id: &str,
    token_hash: &str,
    label: &str,
    scope: &TokenScope,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let (bureau, lhn) = match scope {
        TokenScope::Bureau(b) => (Some(b.0), None),
        TokenScope::Employer(lhn) => (None, Some(lhn.as_str().to_owned())),
    };
    tx.prepare_cached("INSERT INTO api_tokens (public_id, token_hash, label, bureau_id, employer_lhn, created_at) \
         VALUES (:public_id, :hash, :label, :bureau, :lhn, :at)")?.execute(named_params! {
            ":public_id": public_id,
            ":hash": token_hash,
            ":label": label,
            ":bureau": bureau,
            ":lhn": lhn,
            ":at": to_db(at),
        })?;
    Ok(())
}

/// A live (not revoked) token by the hash of its secret.
pub fn active_by_hash(conn: &Connection, hash: &str) -> Result<Option<TokenRow>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM api_tokens WHERE token_hash = ?1 AND revoked_at IS NULL"
        ))?
        .query_row([hash], row)
        .optional()?)
}

pub fn all(conn: &Connection) -> Result<Vec<TokenRow>, StoreError> {
    let mut statement = conn.prepare(&format!("SELECT {COLUMNS} FROM api_tokens ORDER BY id"))?;
    let rows = statement.query_map([], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn touch(tx: &Transaction<'_>, key: i64, at: DateTime<Utc>) -> Result<(), StoreError> {
    tx.prepare_cached("UPDATE api_tokens SET last_used_at = ?2 WHERE id = ?1")?
        .execute((key, to_db(at)))?;
    Ok(())
}

pub fn revoke(
    tx: &Transaction<'_>,
    public_id: &str,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    Ok(tx
        .prepare_cached(
            "UPDATE api_tokens SET revoked_at = ?2 WHERE public_id = ?1 AND revoked_at IS NULL",
        )?
        .execute((public_id, to_db(at)))?
        == 1)
}

/// A remembered answer to a request with an Idempotency-Key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remembered {
    pub request_hash: String,
    pub status: u16,
    pub body: String,
}

pub fn remembered(
    conn: &Connection,
    token: i64,
    key: &str,
) -> Result<Option<Remembered>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT request_hash, status, body FROM idempotency_keys WHERE token_id = ?1 AND key = ?2")?
        .query_row((token, key), |r| {
                Ok(Remembered {
                    request_hash: r.get(0)?,
                    status: r.get(1)?,
                    body: r.get(2)?,
                })
            })
        .optional()?)
}

pub fn remember(
    tx: &Transaction<'_>,
    token: i64,
    key: &str,
    answer: &Remembered,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.prepare_cached("INSERT OR IGNORE INTO idempotency_keys (token_id, key, request_hash, status, body, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?.execute((token, key, &answer.request_hash, answer.status, &answer.body, to_db(at)))?;
    Ok(())
}
