//! What the retention jobs remove: finding documents and backups past their time, removing
//! their rows (the files go after the commit), and purging expired sign-in state.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, Transaction, named_params};

use super::StoreError;
use super::time::to_db;
use crate::domain::{DocumentKind, PublicId};

/// A row about to go, with the files to remove once its removal is committed (one for a
/// document or backup; a request's receipts, none for most requests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doomed {
    pub key: i64,
    pub public_id: PublicId,
    pub files: Vec<String>,
}

fn doomed(
    conn: &Connection,
    sql: &str,
    params: &[(&str, &dyn rusqlite::ToSql)],
) -> Result<Vec<Doomed>, StoreError> {
    let mut statement = conn.prepare_cached(sql)?;
    let rows = statement.query_map(params, |row| {
        let public: String = row.get(1)?;
        Ok(Doomed {
            key: row.get(0)?,
            public_id: PublicId::parse(&public).ok_or_else(|| super::time::corrupt(1, &public))?,
            files: vec![row.get(2)?],
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Payroll files of years before `first_kept_year` (every version).
pub fn payroll_before(conn: &Connection, first_kept_year: i32) -> Result<Vec<Doomed>, StoreError> {
    doomed(
        conn,
        "SELECT id, public_id, file_id FROM documents WHERE origin = 'payroll' AND year < :year \
         ORDER BY id",
        named_params! { ":year": first_kept_year },
    )
}

/// Employees' own uploads of `kind` whose employment ended in a year before
/// `ended_before_year`.
pub fn uploads_of_leavers(
    conn: &Connection,
    kind: DocumentKind,
    ended_before_year: i32,
) -> Result<Vec<Doomed>, StoreError> {
    doomed(
        conn,
        "SELECT d.id, d.public_id, d.file_id FROM documents d \
         JOIN employees e ON e.id = d.employee_id \
         WHERE d.origin = 'upload' AND d.dossier_kind = 'employee' AND d.kind = :kind \
           AND e.employment_end IS NOT NULL \
           AND CAST(substr(e.employment_end, 1, 4) AS INTEGER) < :year \
         ORDER BY d.id",
        named_params! { ":kind": kind.as_str(), ":year": ended_before_year },
    )
}

/// Requests closed — withdrawn, rejected or processed — before `before`, with their receipts.
/// A request still waiting for the employer or for payroll software is work outstanding and
/// stays, however old.
pub fn requests_closed_before(
    conn: &Connection,
    before: DateTime<Utc>,
) -> Result<Vec<Doomed>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT r.id, r.public_id, \
           (SELECT json_group_array(f.file_id) FROM request_files f WHERE f.request_id = r.id) \
         FROM requests r \
         WHERE r.state IN ('withdrawn', 'rejected', 'processed') AND r.updated_at < :before \
         ORDER BY r.id",
    )?;
    let rows = statement.query_map(named_params! { ":before": to_db(before) }, |row| {
        let public: String = row.get(1)?;
        let files: String = row.get(2)?;
        Ok(Doomed {
            key: row.get(0)?,
            public_id: PublicId::parse(&public).ok_or_else(|| super::time::corrupt(1, &public))?,
            files: serde_json::from_str(&files).map_err(|_| super::time::corrupt(2, &files))?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Retracted or deleted documents whose removal happened before `before`.
pub fn trash_before(conn: &Connection, before: DateTime<Utc>) -> Result<Vec<Doomed>, StoreError> {
    doomed(
        conn,
        "SELECT id, public_id, file_id FROM documents \
         WHERE (retracted_at IS NOT NULL AND retracted_at < :before) \
            OR (deleted_at IS NOT NULL AND deleted_at < :before) \
         ORDER BY id",
        named_params! { ":before": to_db(before) },
    )
}

/// Backups beyond the newest `keep` of their owner (bureau or self-administering employer).
pub fn backups_beyond(conn: &Connection, keep: usize) -> Result<Vec<Doomed>, StoreError> {
    doomed(
        conn,
        "SELECT id, public_id, file_id FROM ( \
             SELECT id, public_id, file_id, row_number() OVER ( \
                 PARTITION BY coalesce('b' || bureau_id, 'e' || employer_lhn) \
                 ORDER BY created_at DESC, id DESC) AS newest \
             FROM backups) \
         WHERE newest > :keep ORDER BY id",
        named_params! { ":keep": i64::try_from(keep).unwrap_or(i64::MAX) },
    )
}

/// Removes document rows (shares, read markers and pending mail go with them). A later
/// version that stays keeps no link to a removed earlier one.
pub fn remove_documents(tx: &Transaction<'_>, doomed: &[Doomed]) -> Result<usize, StoreError> {
    let mut unlink =
        tx.prepare_cached("UPDATE documents SET corrects_id = NULL WHERE corrects_id = ?1")?;
    let mut remove = tx.prepare_cached("DELETE FROM documents WHERE id = ?1")?;
    let mut removed = 0;
    for row in doomed {
        unlink.execute([row.key])?;
        removed += remove.execute([row.key])?;
    }
    Ok(removed)
}

/// Removes request rows; their events, receipts' rows and pending notices go with them (the
/// foreign keys cascade).
pub fn remove_requests(tx: &Transaction<'_>, doomed: &[Doomed]) -> Result<usize, StoreError> {
    let mut remove = tx.prepare_cached("DELETE FROM requests WHERE id = ?1")?;
    let mut removed = 0;
    for row in doomed {
        removed += remove.execute([row.key])?;
    }
    Ok(removed)
}

/// Removes backup rows.
pub fn remove_backups(tx: &Transaction<'_>, doomed: &[Doomed]) -> Result<usize, StoreError> {
    let mut remove = tx.prepare_cached("DELETE FROM backups WHERE id = ?1")?;
    let mut removed = 0;
    for row in doomed {
        removed += remove.execute([row.key])?;
    }
    Ok(removed)
}

/// How many rows of each kind of expired sign-in state went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    pub sessions: usize,
    pub links: usize,
    pub throttles: usize,
    pub idempotency_keys: usize,
    /// Sent messages whose fields were still stored.
    pub mail_fields: usize,
}

/// Removes sessions past their end or idle limit, links that expired or were used, sign-in
/// throttles nobody is blocked by any more and whose last failure was before
/// `throttles_before`, idempotency answers older than `keys_before`, and the fields (links)
/// of sent mail.
pub fn purge_expired(
    tx: &Transaction<'_>,
    now: DateTime<Utc>,
    idle_since: DateTime<Utc>,
    throttles_before: DateTime<Utc>,
    keys_before: DateTime<Utc>,
) -> Result<Purged, StoreError> {
    let now_db = to_db(now);
    Ok(Purged {
        sessions: tx
            .prepare_cached("DELETE FROM sessions WHERE expires_at <= ?1 OR last_seen_at <= ?2")?
            .execute((&now_db, to_db(idle_since)))?,
        links: tx
            .prepare_cached(
                "DELETE FROM account_links WHERE expires_at <= ?1 OR used_at IS NOT NULL",
            )?
            .execute([&now_db])?,
        throttles: tx
            .prepare_cached(
                "DELETE FROM sign_in_throttle WHERE blocked_until <= ?1 AND last_failure_at <= ?2",
            )?
            .execute((&now_db, to_db(throttles_before)))?,
        idempotency_keys: tx
            .prepare_cached("DELETE FROM idempotency_keys WHERE created_at <= ?1")?
            .execute([to_db(keys_before)])?,
        // Sent before sent mail was wiped at once (older versions kept every link for ever).
        mail_fields: tx
            .prepare_cached(
                "UPDATE outbox SET params = '{}' WHERE status = 'sent' AND params <> '{}'",
            )?
            .execute([])?,
    })
}

/// Every row that holds a stored file — a document, a backup, a request's receipt — as (whose,
/// file id, size, sha256). The orphan sweep, fsck and snapshots all read this one list, so a
/// new kind of file cannot be known to one and unknown to another.
const FILE_ROWS: &str = "SELECT 'document ' || public_id AS owner, file_id, size, sha256 FROM documents \
     UNION ALL SELECT 'backup ' || public_id, file_id, size, sha256 FROM backups \
     UNION ALL SELECT 'receipt ' || r.public_id || ' ' || f.number, f.file_id, f.size, f.sha256 \
       FROM request_files f JOIN requests r ON r.id = f.request_id";

/// Every file id a row refers to.
pub fn referenced_files(
    conn: &Connection,
) -> Result<std::collections::HashSet<String>, StoreError> {
    let mut statement = conn.prepare(&format!("SELECT DISTINCT file_id FROM ({FILE_ROWS})"))?;
    let rows = statement.query_map([], |row| row.get::<_, String>(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One row's file as the check expects it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedFile {
    /// "document" or "backup", and its public id.
    pub owner: String,
    pub file_id: String,
    pub size: u64,
    pub sha256: String,
}

/// Every row's file with its recorded size and hash.
pub fn expected_files(conn: &Connection) -> Result<Vec<ExpectedFile>, StoreError> {
    let mut statement = conn.prepare(FILE_ROWS)?;
    let rows = statement.query_map([], |row| {
        Ok(ExpectedFile {
            owner: row.get(0)?,
            file_id: row.get(1)?,
            size: u64::try_from(row.get::<_, i64>(2)?).unwrap_or(0),
            sha256: row.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The files a snapshot's database (a copy at `path`, not the live one) refers to.
pub fn expected_files_in_copy(path: &std::path::Path) -> Result<Vec<ExpectedFile>, StoreError> {
    let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    expected_files(&conn)
}

/// Drops from a snapshot's database copy the rows of files that were removed while it was
/// made (their rows were already gone in the live database).
pub fn forget_files_in_copy(path: &std::path::Path, file_ids: &[String]) -> Result<(), StoreError> {
    let mut conn = Connection::open(path)?;
    let tx = conn.transaction()?;
    for file in file_ids {
        tx.prepare_cached(
            "UPDATE documents SET corrects_id = NULL \
             WHERE corrects_id IN (SELECT id FROM documents WHERE file_id = ?1)",
        )?
        .execute([file])?;
        tx.prepare_cached("DELETE FROM documents WHERE file_id = ?1")?
            .execute([file])?;
        tx.prepare_cached("DELETE FROM backups WHERE file_id = ?1")?
            .execute([file])?;
        tx.prepare_cached("DELETE FROM request_files WHERE file_id = ?1")?
            .execute([file])?;
    }
    tx.commit()?;
    Ok(())
}
