//! Payroll-software backups: stored per client, listed newest first, trimmed to the newest N.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, named_params};

use super::StoreError;
use super::time::{corrupt, from_db, to_db};
use crate::domain::PublicId;
use crate::domain::access::TokenScope;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupRow {
    pub key: i64,
    pub public_id: PublicId,
    pub file_name: String,
    pub description: String,
    pub size: u64,
    pub sha256: String,
    pub file_id: String,
    pub created_at: DateTime<Utc>,
}

/// A backup to store (its file already is).
#[derive(Debug, Clone)]
pub struct NewBackup<'a> {
    pub public_id: PublicId,
    pub owner: &'a TokenScope,
    pub file_name: &'a str,
    pub description: &'a str,
    pub size: u64,
    pub sha256: &'a str,
    pub file_id: &'a str,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, public_id, file_name, description, size, sha256, file_id, created_at";

fn row(row: &Row<'_>) -> Result<BackupRow, rusqlite::Error> {
    let public: String = row.get(1)?;
    let size: i64 = row.get(4)?;
    let created: String = row.get(7)?;
    Ok(BackupRow {
        key: row.get(0)?,
        public_id: PublicId::parse(&public).ok_or_else(|| corrupt(1, &public))?,
        file_name: row.get(2)?,
        description: row.get(3)?,
        size: u64::try_from(size).map_err(|e| corrupt(4, e))?,
        sha256: row.get(5)?,
        file_id: row.get(6)?,
        created_at: from_db(&created, 7)?,
    })
}

fn owner_condition(owner: &TokenScope) -> (&'static str, String) {
    match owner {
        TokenScope::Bureau(b) => ("bureau_id = :owner", b.0.to_string()),
        TokenScope::Employer(lhn) => ("employer_lhn = :owner", lhn.as_str().to_owned()),
    }
}

pub fn insert(tx: &Transaction<'_>, backup: &NewBackup<'_>) -> Result<(), StoreError> {
    let (bureau, lhn) = match backup.owner {
        TokenScope::Bureau(b) => (Some(b.0), None),
        TokenScope::Employer(lhn) => (None, Some(lhn.as_str().to_owned())),
    };
    tx.prepare_cached("INSERT INTO backups (public_id, bureau_id, employer_lhn, file_name, description, size, \
             sha256, file_id, created_at) \
         VALUES (:public_id, :bureau, :lhn, :file_name, :description, :size, :sha256, :file_id, :at)")?.execute(named_params! {
            ":public_id": backup.public_id.to_string(),
            ":bureau": bureau,
            ":lhn": lhn,
            ":file_name": backup.file_name,
            ":description": backup.description,
            ":size": i64::try_from(backup.size).unwrap_or(i64::MAX),
            ":sha256": backup.sha256,
            ":file_id": backup.file_id,
            ":at": to_db(backup.created_at),
        })?;
    Ok(())
}

/// A client's backups, newest first.
pub fn of(conn: &Connection, owner: &TokenScope) -> Result<Vec<BackupRow>, StoreError> {
    let (condition, key) = owner_condition(owner);
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM backups WHERE {condition} ORDER BY created_at DESC, id DESC"
    ))?;
    let rows = statement.query_map(named_params! { ":owner": key }, row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One of a client's backups.
pub fn find(
    conn: &Connection,
    owner: &TokenScope,
    id: PublicId,
) -> Result<Option<BackupRow>, StoreError> {
    let (condition, key) = owner_condition(owner);
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM backups WHERE {condition} AND public_id = :id"
        ))?
        .query_row(named_params! { ":owner": key, ":id": id.to_string() }, row)
        .optional()?)
}

/// Removes a backup's row; its file is the caller's to unlink after the commit.
pub fn delete(tx: &Transaction<'_>, key: i64) -> Result<bool, StoreError> {
    Ok(tx
        .prepare_cached("DELETE FROM backups WHERE id = ?1")?
        .execute([key])?
        == 1)
}
