//! The audit log table: appended in batches, read back for review.

use rusqlite::{Connection, Transaction};

use super::StoreError;
use super::accounts::{OF_BUREAU, PARTY_JOINS, PARTY_NAME};
use super::time::{corrupt, from_db, to_db};
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

/// One look at a document: when, opened or downloaded, by which account (its role and its
/// party's name as they are now; none for the system).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessLine {
    pub at: chrono::DateTime<chrono::Utc>,
    pub download: bool,
    pub account: Option<AccountKey>,
    pub role: Option<crate::domain::party::Role>,
    /// The employer's, bureau's or employee's name.
    pub party_name: String,
    pub document: crate::domain::PublicId,
    pub title: String,
}

fn access_line(row: &rusqlite::Row<'_>) -> Result<AccessLine, rusqlite::Error> {
    let at: String = row.get(0)?;
    let role: Option<String> = row.get(3)?;
    let document: String = row.get(5)?;
    Ok(AccessLine {
        at: from_db(&at, 0)?,
        download: row.get(1)?,
        account: row.get::<_, Option<i64>>(2)?.map(AccountKey),
        role: role
            .map(|r| crate::domain::party::Role::parse(&r).ok_or_else(|| corrupt(3, r)))
            .transpose()?,
        party_name: row.get(4)?,
        document: crate::domain::PublicId::parse(&document).ok_or_else(|| corrupt(5, document))?,
        title: row.get(6)?,
    })
}

/// Who opened or downloaded the document `id` (any version is its own document), newest first,
/// at most `limit`.
pub fn access_of_document(
    conn: &Connection,
    id: crate::domain::PublicId,
    limit: u32,
) -> Result<Vec<AccessLine>, StoreError> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT e.at, e.action = 'download', e.account_id, a.role, coalesce({PARTY_NAME}, ''), \
             d.public_id, d.title \
         FROM audit_events e JOIN documents d ON d.public_id = e.subject \
         LEFT JOIN accounts a ON a.id = e.account_id {PARTY_JOINS} \
         WHERE e.subject = ?1 AND e.action IN ('view', 'download') \
         ORDER BY e.at DESC, e.id DESC LIMIT ?2"
    ))?;
    let rows = statement.query_map((id.to_string(), limit), access_line)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Every look at the documents of `dossier` by an account other than `except` (or by the
/// system), newest first, at most `limit`.
pub fn access_by_others(
    conn: &Connection,
    dossier: crate::domain::Dossier,
    except: AccountKey,
    limit: u32,
) -> Result<Vec<AccessLine>, StoreError> {
    let (condition, key) = super::documents::dossier_match(dossier);
    let mut statement = conn.prepare_cached(&format!(
        "SELECT e.at, e.action = 'download', e.account_id, a.role, coalesce({PARTY_NAME}, ''), \
             d.public_id, d.title \
         FROM documents d \
         JOIN audit_events e ON e.subject = d.public_id AND e.action IN ('view', 'download') \
         LEFT JOIN accounts a ON a.id = e.account_id {PARTY_JOINS} \
         WHERE {condition} AND (e.account_id IS NULL OR e.account_id <> :me) \
         ORDER BY e.at DESC, e.id DESC LIMIT :limit"
    ))?;
    let rows = statement.query_map(
        rusqlite::named_params! { ":dossier": key, ":me": except.0, ":limit": limit },
        access_line,
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Which audit lines `loondossier audit` exports; empty parts match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// From this moment (inclusive).
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    /// Before this moment (exclusive).
    pub before: Option<chrono::DateTime<chrono::Utc>>,
    /// Only these actions.
    pub actions: Vec<crate::domain::audit::AuditAction>,
    /// Only lines of this account (by username).
    pub username: Option<String>,
    /// Only lines of this bureau's accounts (by client number): its staff, its clients' logins
    /// and their employees'.
    pub bureau: Option<String>,
}

/// One exported audit line, with the account's username, role and party as they are now.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ExportedLine {
    pub id: i64,
    pub at: String,
    /// The account's public id: one account, whatever its username was or became.
    pub account: Option<String>,
    /// The account was removed since (its username may be someone else's now).
    pub removed: bool,
    pub username: Option<String>,
    pub role: Option<String>,
    pub party: Option<String>,
    pub actor: String,
    pub action: String,
    pub subject: Option<String>,
    pub client_addr: Option<String>,
    pub detail: Option<String>,
}

/// Calls `each` for every audit line matching `filter`, oldest first, one row at a time (the
/// log may be large: nothing is collected). Stops at the first error `each` returns.
pub fn export<E: From<StoreError>>(
    conn: &Connection,
    filter: &AuditFilter,
    mut each: impl FnMut(ExportedLine) -> Result<(), E>,
) -> Result<u64, E> {
    let actions: Vec<&str> = filter.actions.iter().map(|a| a.as_str()).collect();
    let actions = serde_json::to_string(&actions).unwrap_or_else(|_| "[]".to_owned());
    // As sign-in compares usernames (any case, trimmed); a removed account by its old name.
    let username = filter.username.as_deref().map(str::trim);
    let folded = username.map(|u| {
        crate::domain::party::Username::parse(u).map_or_else(|_| u.to_lowercase(), |u| u.folded())
    });
    let mut statement = conn
        .prepare(&format!(
            "SELECT e.id, e.at, a.username, a.role, {PARTY_NAME}, e.actor, \
                 e.action, e.subject, e.client_addr, e.detail, a.public_id, \
                 coalesce(a.removed_at IS NOT NULL, 0) \
             FROM audit_events e LEFT JOIN accounts a ON a.id = e.account_id {PARTY_JOINS} \
             WHERE (:from IS NULL OR e.at >= :from) AND (:before IS NULL OR e.at < :before) \
               AND (json_array_length(:actions) = 0 \
                    OR e.action IN (SELECT value FROM json_each(:actions))) \
               AND (:username IS NULL OR a.username_folded = :folded \
                    OR (a.removed_at IS NOT NULL AND a.username = :username)) AND {OF_BUREAU} \
             ORDER BY e.id"
        ))
        .map_err(|e| E::from(e.into()))?;
    let mut rows = statement
        .query(rusqlite::named_params! {
            ":from": filter.from.map(to_db),
            ":before": filter.before.map(to_db),
            ":actions": actions,
            ":username": username,
            ":folded": folded,
            ":bureau": filter.bureau,
        })
        .map_err(|e| E::from(e.into()))?;
    let mut count = 0;
    while let Some(row) = rows.next().map_err(|e| E::from(e.into()))? {
        let line = (|| -> Result<ExportedLine, rusqlite::Error> {
            Ok(ExportedLine {
                id: row.get(0)?,
                at: row.get(1)?,
                account: row.get(10)?,
                removed: row.get(11)?,
                username: row.get(2)?,
                role: row.get(3)?,
                party: row.get(4)?,
                actor: row.get(5)?,
                action: row.get(6)?,
                subject: row.get(7)?,
                client_addr: row.get(8)?,
                detail: row.get(9)?,
            })
        })()
        .map_err(|e| E::from(e.into()))?;
        each(line)?;
        count += 1;
    }
    Ok(count)
}
