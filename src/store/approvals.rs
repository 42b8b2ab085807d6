//! Decisions on series overviews: appended, never changed; the newest per document counts.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, Transaction};

use super::StoreError;
use super::time::{corrupt, from_db, to_db};
use crate::domain::approval::{Approval, Decision};
use crate::domain::{AccountKey, DocumentKey, Period, PeriodKind, PublicId, Year};

/// Adds a decision on `document` by `account`, known as `by_name`.
pub fn record(
    tx: &Transaction<'_>,
    document: DocumentKey,
    decision: Decision,
    comment: Option<&str>,
    account: AccountKey,
    by_name: &str,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO approvals (document_id, decision, comment, decided_by_account, \
             decided_by_name, decided_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute((
        document.0,
        decision.as_str(),
        comment,
        account.0,
        by_name,
        to_db(at),
    ))?;
    Ok(())
}

fn approval(row: &Row<'_>) -> Result<Approval, rusqlite::Error> {
    let decision: String = row.get(0)?;
    let at: String = row.get(3)?;
    Ok(Approval {
        decision: Decision::parse(&decision).map_err(|e| corrupt(0, e))?,
        comment: row.get(1)?,
        by: row.get(2)?,
        at: from_db(&at, 3)?,
    })
}

/// The decision that counts for `document` (the newest), if any.
pub fn current(conn: &Connection, document: DocumentKey) -> Result<Option<Approval>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT decision, comment, decided_by_name, decided_at FROM approvals \
             WHERE document_id = ?1 ORDER BY id DESC LIMIT 1",
        )?
        .query_row([document.0], approval)
        .optional()?)
}

/// Every decision on `document`, newest first (the history on its details page).
pub fn history(conn: &Connection, document: DocumentKey) -> Result<Vec<Approval>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT decision, comment, decided_by_name, decided_at FROM approvals \
         WHERE document_id = ?1 ORDER BY id DESC",
    )?;
    let rows = statement.query_map([document.0], approval)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The newest current series overview that `bureau` placed in `employer`'s dossier, with its
/// decision: what the bureau's Werkgevers shows per client ("november 2026: akkoord").
/// `(public id, year, period, decision)`.
pub type LatestSeries = (PublicId, Year, Period, Option<Decision>);

/// See [`LatestSeries`]; `None` when the bureau placed no series overview there.
pub fn latest_series_overview(
    conn: &Connection,
    employer: crate::domain::EmployerKey,
    bureau: crate::domain::BureauKey,
) -> Result<Option<LatestSeries>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT d.public_id, d.year, d.period_kind, d.period, \
                 (SELECT a.decision FROM approvals a WHERE a.document_id = d.id \
                  ORDER BY a.id DESC LIMIT 1) \
             FROM documents d \
             WHERE d.employer_id = ?1 AND d.dossier_kind = 'employer' \
               AND d.kind = 'series_overview' AND d.origin = 'payroll' \
               AND d.placed_by_bureau_id = ?2 AND d.superseded_at IS NULL \
               AND d.retracted_at IS NULL AND d.deleted_at IS NULL \
             ORDER BY d.year DESC, d.period DESC, d.id DESC LIMIT 1",
        )?
        .query_row((employer.0, bureau.0), |row| {
            let id: String = row.get(0)?;
            let kind: String = row.get(2)?;
            let number: i64 = row.get(3)?;
            let decision: Option<String> = row.get(4)?;
            Ok((
                PublicId::parse(&id).ok_or_else(|| corrupt(0, &id))?,
                Year::new(row.get(1)?).map_err(|e| corrupt(1, e))?,
                PeriodKind::parse(&kind)
                    .and_then(|k| Period::new(k, number))
                    .map_err(|e| corrupt(2, e))?,
                decision
                    .map(|d| Decision::parse(&d))
                    .transpose()
                    .map_err(|e| corrupt(4, e))?,
            ))
        })
        .optional()?)
}
