//! Documents: inserting, reading one, listing a dossier as an actor sees it (with each one's
//! read marker), corrections and removal. Unread lists and counts are in `unread`.

use rusqlite::{Connection, OptionalExtension, Row, ToSql, Transaction, named_params};

use super::StoreError;
use super::scope::{NOT_REMOVED, scope_key, visible};
use super::time::{corrupt, from_db, to_db};
use crate::domain::approval::Decision;
use crate::domain::{
    AccountKey, Actor, BureauKey, DocumentFacts, DocumentKey, DocumentKind, DocumentRecord,
    Dossier, EmployeeKey, EmployerKey, NewDocument, Origin, Period, PeriodKind, Placer, PublicId,
    Shares, Year,
};

/// Which list of a dossier: payroll files ("Loon-bestanden") or uploads ("Overige bestanden").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Payroll,
    Other,
}

/// A listed document and whether the listing account has read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub record: DocumentRecord,
    pub read: bool,
    /// A series overview's decision that counts (the newest), if any.
    pub approval: Option<Decision>,
}

/// Columns every document query selects, in the order [`record`] reads them.
pub(super) const COLUMNS: &str = "d.id, d.public_id, d.dossier_kind, d.bureau_id, d.employer_id, \
    d.employee_id, e.bureau_id, d.origin, d.placed_by_bureau_id, d.placed_by_employer_id, \
    EXISTS (SELECT 1 FROM shares s WHERE s.document_id = d.id AND s.recipient = 'employer'), \
    (d.retracted_at IS NOT NULL OR d.deleted_at IS NOT NULL), d.uploaded_by_account_id, d.kind, \
    d.year, d.period_kind, d.period, d.title, d.file_name, d.media_type, d.size, d.sha256, \
    d.file_id, d.created_at, d.version, d.corrects_id, d.superseded_at IS NOT NULL, \
    (SELECT s.bureau_id FROM shares s WHERE s.document_id = d.id AND s.recipient = 'bureau')";

/// How many columns [`COLUMNS`] has: a query's extra columns start at this index.
pub(super) const COLUMN_COUNT: usize = 28;

pub(super) const FROM: &str = "FROM documents d LEFT JOIN employers e ON e.id = d.employer_id";

pub(super) fn record(row: &Row<'_>) -> Result<DocumentRecord, rusqlite::Error> {
    let public: String = row.get(1)?;
    let dossier_kind: String = row.get(2)?;
    let bureau: Option<i64> = row.get(3)?;
    let employer: Option<i64> = row.get(4)?;
    let employee: Option<i64> = row.get(5)?;
    let dossier = match (dossier_kind.as_str(), bureau, employer, employee) {
        ("bureau", Some(b), _, _) => Dossier::Bureau(BureauKey(b)),
        ("employer", _, Some(r), _) => Dossier::Employer(EmployerKey(r)),
        ("employee", _, Some(r), Some(e)) => Dossier::Employee {
            employee: EmployeeKey(e),
            employer: EmployerKey(r),
        },
        _ => return Err(corrupt(2, dossier_kind)),
    };
    let origin_text: String = row.get(7)?;
    let placed_by_bureau: Option<i64> = row.get(8)?;
    let placed_by_employer: Option<i64> = row.get(9)?;
    let origin = match (origin_text.as_str(), placed_by_bureau, placed_by_employer) {
        ("payroll", Some(b), None) => Origin::Payroll(Placer::Bureau(BureauKey(b))),
        ("payroll", None, Some(r)) => Origin::Payroll(Placer::Employer(EmployerKey(r))),
        ("upload", None, None) => Origin::Upload,
        _ => return Err(corrupt(7, origin_text)),
    };
    let kind: String = row.get(13)?;
    let year: i64 = row.get(14)?;
    let period_kind: String = row.get(15)?;
    let period: i64 = row.get(16)?;
    let period = PeriodKind::parse(&period_kind)
        .and_then(|k| Period::new(k, period))
        .map_err(|e| corrupt(15, e))?;
    let size: i64 = row.get(20)?;
    let created: String = row.get(23)?;
    let version: i64 = row.get(24)?;
    Ok(DocumentRecord {
        key: DocumentKey(row.get(0)?),
        public_id: PublicId::parse(&public).ok_or_else(|| corrupt(1, &public))?,
        facts: DocumentFacts {
            dossier,
            employer_bureau: row.get::<_, Option<i64>>(6)?.map(BureauKey),
            origin,
            shared: Shares {
                with_employer: row.get(10)?,
                with_bureau: row.get::<_, Option<i64>>(27)?.map(BureauKey),
            },
            removed: row.get(11)?,
        },
        uploaded_by: row.get::<_, Option<i64>>(12)?.map(AccountKey),
        kind: DocumentKind::parse(&kind).map_err(|e| corrupt(13, e))?,
        year: Year::new(year).map_err(|e| corrupt(14, e))?,
        period,
        title: row.get(17)?,
        file_name: row.get(18)?,
        media_type: row.get(19)?,
        size: u64::try_from(size).map_err(|e| corrupt(20, e))?,
        sha256: row.get(21)?,
        file_id: row.get(22)?,
        created_at: from_db(&created, 23)?,
        version: u32::try_from(version).map_err(|e| corrupt(24, e))?,
        corrects: row.get::<_, Option<i64>>(25)?.map(DocumentKey),
        superseded: row.get(26)?,
    })
}

fn listed(row: &Row<'_>) -> Result<Listed, rusqlite::Error> {
    let approval: Option<String> = row.get(COLUMN_COUNT + 1)?;
    Ok(Listed {
        record: record(row)?,
        read: row.get(COLUMN_COUNT)?,
        approval: approval
            .map(|a| Decision::parse(&a).map_err(|e| corrupt(COLUMN_COUNT + 1, e)))
            .transpose()?,
    })
}

/// The dossier condition and its key.
pub(super) fn dossier_match(dossier: Dossier) -> (&'static str, i64) {
    match dossier {
        Dossier::Bureau(b) => ("d.dossier_kind = 'bureau' AND d.bureau_id = :dossier", b.0),
        Dossier::Employer(r) => (
            "d.dossier_kind = 'employer' AND d.employer_id = :dossier",
            r.0,
        ),
        Dossier::Employee { employee, .. } => (
            "d.dossier_kind = 'employee' AND d.employee_id = :dossier",
            employee.0,
        ),
    }
}

/// The bytes the dossier's own uploads take, for the upload quota: deleted ones too until the
/// trash is purged (their files are still on disk), so delete-and-upload cannot fill it.
pub fn upload_bytes(conn: &Connection, dossier: Dossier) -> Result<u64, StoreError> {
    let (clause, key) = dossier_match(dossier);
    let total: i64 = conn
        .prepare_cached(&format!(
            "SELECT coalesce(sum(d.size), 0) FROM documents d \
             WHERE {clause} AND d.origin = 'upload'"
        ))?
        .query_row(rusqlite::named_params! { ":dossier": key }, |r| r.get(0))?;
    // An employee's receipts of expense claims share the room of its own files.
    let receipts: i64 = match dossier {
        Dossier::Employee { employee, .. } => conn
            .prepare_cached(
                "SELECT coalesce(sum(f.size), 0) FROM request_files f \
                 JOIN requests q ON q.id = f.request_id WHERE q.employee_id = ?1",
            )?
            .query_row([employee.0], |r| r.get(0))?,
        Dossier::Employer(_) | Dossier::Bureau(_) => 0,
    };
    Ok(total.unsigned_abs() + receipts.unsigned_abs())
}

pub fn insert(tx: &Transaction<'_>, doc: &NewDocument) -> Result<DocumentKey, StoreError> {
    let (kind, bureau, employer, employee) = match doc.dossier {
        Dossier::Bureau(b) => ("bureau", Some(b.0), None, None),
        Dossier::Employer(r) => ("employer", None, Some(r.0), None),
        Dossier::Employee { employee, employer } => {
            ("employee", None, Some(employer.0), Some(employee.0))
        }
    };
    let (origin, placed_bureau, placed_employer) = match doc.origin {
        Origin::Payroll(Placer::Bureau(b)) => ("payroll", Some(b.0), None),
        Origin::Payroll(Placer::Employer(r)) => ("payroll", None, Some(r.0)),
        Origin::Upload => ("upload", None, None),
    };
    tx.prepare_cached(
        "INSERT INTO documents (public_id, dossier_kind, bureau_id, employer_id, employee_id, \
             origin, placed_by_bureau_id, placed_by_employer_id, uploaded_by_account_id, kind, \
             year, period_kind, period, title, file_name, media_type, size, sha256, file_id, \
             created_at, corrects_id, version, written_by_account_id) \
         VALUES (:public_id, :dossier_kind, :bureau, :employer, :employee, :origin, \
             :placed_bureau, :placed_employer, :uploaded_by, :kind, :year, :period_kind, :period, \
             :title, :file_name, :media_type, :size, :sha256, :file_id, :created_at, :corrects, \
             :version, :written_by)",
    )?
    .execute(named_params! {
            ":public_id": doc.public_id.to_string(),
            ":dossier_kind": kind,
            ":bureau": bureau,
            ":employer": employer,
            ":employee": employee,
            ":origin": origin,
            ":placed_bureau": placed_bureau,
            ":placed_employer": placed_employer,
            // A person who puts a payroll file here (a letter from the browser) wrote it; one
            // who puts an upload here uploaded it.
            ":uploaded_by": (origin == "upload").then_some(doc.uploaded_by.map(|a| a.0)).flatten(),
            ":written_by": (origin == "payroll").then_some(doc.uploaded_by.map(|a| a.0)).flatten(),
            ":kind": doc.kind.as_str(),
            ":year": doc.year.get(),
            ":period_kind": doc.period.kind().as_str(),
            ":period": doc.period.number(),
            ":title": doc.title,
            ":file_name": doc.file_name,
            ":media_type": doc.media_type,
            ":size": i64::try_from(doc.size).unwrap_or(i64::MAX),
            ":sha256": doc.sha256,
            ":file_id": doc.file_id,
            ":created_at": to_db(doc.created_at),
            ":corrects": doc.corrects.map(|k| k.0),
            ":version": doc.version,
    })?;
    Ok(DocumentKey(tx.last_insert_rowid()))
}

/// One document by its public id, whoever may see it (callers apply the access rule).
pub fn by_public_id(conn: &Connection, id: PublicId) -> Result<Option<DocumentRecord>, StoreError> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} {FROM} WHERE d.public_id = ?1"))?
        .query_row([id.to_string()], record)
        .optional()?)
}

/// The current payroll document for a dossier, kind, year and period, if any.
pub fn current_payroll(
    conn: &Connection,
    dossier: Dossier,
    kind: DocumentKind,
    year: Year,
    period: Period,
) -> Result<Option<DocumentRecord>, StoreError> {
    let (condition, key) = dossier_match(dossier);
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} {FROM} WHERE {condition} AND d.origin = 'payroll' \
             AND d.kind = :kind AND d.year = :year AND d.period_kind = :period_kind \
             AND d.period = :period AND d.superseded_at IS NULL AND d.retracted_at IS NULL \
             AND d.written_by_account_id IS NULL"
        ))?
        .query_row(
            named_params! {
                ":dossier": key,
                ":kind": kind.as_str(),
                ":year": year.get(),
                ":period_kind": period.kind().as_str(),
                ":period": period.number(),
            },
            record,
        )
        .optional()?)
}

/// The current documents of one section of a dossier for a year, as `actor` may see them,
/// newest period first, optionally filtered by title or file name.
pub fn list_dossier(
    conn: &Connection,
    actor: Actor,
    dossier: Dossier,
    year: Year,
    section: Section,
    search: Option<&str>,
) -> Result<Vec<Listed>, StoreError> {
    let (_, key) = dossier_match(dossier);
    let sql = list_dossier_sql(actor, dossier, section);
    let search = search
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(super::like_pattern);
    let account = actor.account().map(|a| a.0);
    let scope = scope_key(actor);
    let year = year.get();
    let mut params: Vec<(&str, &dyn ToSql)> = vec![
        (":dossier", &key),
        (":search", &search),
        (":account", &account),
        (":scope_key", &scope),
    ];
    if section == Section::Payroll {
        params.push((":year", &year));
    }
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map(&params[..], listed)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The query of [`list_dossier`]. Payroll files are those of `:year`, newest period first;
/// uploads ("Overige bestanden") are not tied to a payroll year (SPEC.md, seed manual): all
/// of them, newest first, whatever year is chosen.
pub(super) fn list_dossier_sql(actor: Actor, dossier: Dossier, section: Section) -> String {
    let (condition, _) = dossier_match(dossier);
    // The origin is written into the query, not bound, so SQLite may use the partial indexes
    // of uploads: an employee's few own files are then found without walking its payslips.
    let (year, origin, order) = match section {
        Section::Payroll => (
            "d.year = :year",
            "'payroll'",
            "d.period DESC, d.created_at DESC, d.id DESC",
        ),
        Section::Other => ("1", "'upload'", "d.created_at DESC, d.id DESC"),
    };
    format!(
        "SELECT {COLUMNS}, \
             EXISTS (SELECT 1 FROM read_markers r WHERE r.account_id = :account AND r.document_id = d.id), \
             CASE WHEN d.kind = 'series_overview' THEN (SELECT a.decision FROM approvals a \
               WHERE a.document_id = d.id ORDER BY a.id DESC LIMIT 1) END \
         {FROM} WHERE {condition} AND {year} AND d.origin = {origin} \
           AND d.superseded_at IS NULL AND {NOT_REMOVED} AND {scope} \
           AND (:search IS NULL OR d.title LIKE :search ESCAPE '\\' OR d.file_name LIKE :search ESCAPE '\\') \
         ORDER BY {order} LIMIT 5000",
        scope = visible(actor)
    )
}

/// The current documents of `dossier` (of `year`, or all), for its owner's ZIP: payroll files
/// by year, period and kind, then the owner's own uploads by date.
pub fn for_archive(
    conn: &Connection,
    dossier: Dossier,
    year: Option<Year>,
) -> Result<Vec<DocumentRecord>, StoreError> {
    let (condition, key) = dossier_match(dossier);
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} {FROM} WHERE {condition} \
           AND d.superseded_at IS NULL AND {NOT_REMOVED} \
           AND (:year IS NULL OR d.year = :year) \
         ORDER BY d.origin = 'upload', d.year, d.period, d.kind, d.created_at, d.id"
    ))?;
    let rows = statement.query_map(
        named_params! { ":dossier": key, ":year": year.map(Year::get) },
        record,
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The years in which `dossier` has documents `actor` may see, newest first.
pub fn dossier_years(
    conn: &Connection,
    actor: Actor,
    dossier: Dossier,
) -> Result<Vec<Year>, StoreError> {
    let (_, key) = dossier_match(dossier);
    let sql = dossier_years_sql(actor, dossier);
    let scope = scope_key(actor);
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map(
        named_params! { ":dossier": key, ":scope_key": scope },
        |row| row.get::<_, i64>(0),
    )?;
    let years = rows
        .map(|year| Year::new(year?).map_err(|e| corrupt(0, e)))
        .collect::<Result<_, _>>()?;
    Ok(years)
}

/// The query of [`dossier_years`]: from the newest year down, each step asks the dossier's
/// (party, year) index for the newest visible document of an earlier year, so a dossier of
/// many years costs a probe per year instead of a visit to every document in it.
pub(super) fn dossier_years_sql(actor: Actor, dossier: Dossier) -> String {
    let (condition, _) = dossier_match(dossier);
    let newest = format!(
        "SELECT d.year {FROM} WHERE {condition} AND d.origin = 'payroll' \
         AND d.superseded_at IS NULL AND {NOT_REMOVED} AND {scope}",
        scope = visible(actor)
    );
    format!(
        "WITH RECURSIVE years(year) AS ( \
             SELECT ({newest} ORDER BY d.year DESC LIMIT 1) \
             UNION ALL \
             SELECT ({newest} AND d.year < years.year ORDER BY d.year DESC LIMIT 1) \
             FROM years WHERE years.year IS NOT NULL) \
         SELECT year FROM years WHERE year IS NOT NULL ORDER BY year DESC"
    )
}

/// [`dossier_years`] with the work SQLite did for it: virtual machine steps, a count that does
/// not depend on the machine's speed (for tests of how the query scales).
#[cfg(test)]
pub(crate) fn dossier_years_with_steps(
    conn: &Connection,
    actor: Actor,
    dossier: Dossier,
) -> Result<(Vec<Year>, i32), StoreError> {
    use rusqlite::StatementStatus::VmStep;
    let sql = dossier_years_sql(actor, dossier);
    // Prepared (and cached) by the first call; its counter then covers only the second.
    dossier_years(conn, actor, dossier)?;
    conn.prepare_cached(&sql)?.reset_status(VmStep);
    let years = dossier_years(conn, actor, dossier)?;
    let steps = conn.prepare_cached(&sql)?.get_status(VmStep);
    Ok((years, steps))
}

/// Every document `actor` may list, for checks against the Rust rule.
pub fn all_visible(conn: &Connection, actor: Actor) -> Result<Vec<DocumentKey>, StoreError> {
    let sql = format!(
        "SELECT d.id {FROM} WHERE {scope} AND {NOT_REMOVED} ORDER BY d.id",
        scope = visible(actor)
    );
    let scope = scope_key(actor);
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map(named_params! { ":scope_key": scope }, |row| {
        Ok(DocumentKey(row.get(0)?))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Every document, removed ones included (for checks and jobs).
pub fn all(conn: &Connection) -> Result<Vec<DocumentRecord>, StoreError> {
    let mut statement = conn.prepare(&format!("SELECT {COLUMNS} {FROM} ORDER BY d.id"))?;
    let rows = statement.query_map([], record)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The earlier versions of a corrected document, newest first.
pub fn earlier_versions(
    conn: &Connection,
    key: DocumentKey,
) -> Result<Vec<DocumentRecord>, StoreError> {
    let sql = format!(
        "WITH RECURSIVE chain(id) AS ( \
             SELECT corrects_id FROM documents WHERE id = :key AND corrects_id IS NOT NULL \
             UNION ALL \
             SELECT p.corrects_id FROM documents p JOIN chain c ON p.id = c.id WHERE p.corrects_id IS NOT NULL) \
         SELECT {COLUMNS} {FROM} WHERE d.id IN (SELECT id FROM chain) ORDER BY d.version DESC"
    );
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map(named_params! { ":key": key.0 }, record)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Marks `key` as replaced by a correction.
pub fn supersede(
    tx: &Transaction<'_>,
    key: DocumentKey,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    tx.prepare_cached("UPDATE documents SET superseded_at = ?2 WHERE id = ?1")?
        .execute((key.0, to_db(at)))?;
    Ok(())
}

/// Marks an upload deleted by its owner; the file goes with the trash purge.
pub fn mark_deleted(
    tx: &Transaction<'_>,
    key: DocumentKey,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<bool, StoreError> {
    let changed = tx
        .prepare_cached(
            "UPDATE documents SET deleted_at = ?2 WHERE id = ?1 AND deleted_at IS NULL",
        )?
        .execute((key.0, to_db(at)))?;
    Ok(changed == 1)
}

/// Retracts the document `key` with all its versions (those it corrects and those correcting
/// it) that the same placer put there: a retraction never hides what another bureau or the
/// employer placed. `false` when all were retracted already.
pub fn mark_retracted(
    tx: &Transaction<'_>,
    key: DocumentKey,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<bool, StoreError> {
    // Every version of the document goes, earlier and later ones alike: a retracted payslip
    // must not stay reachable through the address of a version no list shows.
    let changed = tx
        .prepare_cached(
            "WITH RECURSIVE versions(id) AS ( \
                 SELECT ?1 \
                 UNION SELECT d.corrects_id FROM documents d JOIN versions v ON d.id = v.id \
                     WHERE d.corrects_id IS NOT NULL \
                 UNION SELECT d.id FROM documents d JOIN versions v ON d.corrects_id = v.id \
             ), \
             placer AS (SELECT placed_by_bureau_id AS b, placed_by_employer_id AS r \
                 FROM documents WHERE id = ?1) \
             UPDATE documents SET retracted_at = ?2 \
             WHERE id IN (SELECT id FROM versions) AND retracted_at IS NULL \
               AND placed_by_bureau_id IS (SELECT b FROM placer) \
               AND placed_by_employer_id IS (SELECT r FROM placer)",
        )?
        .execute((key.0, to_db(at)))?;
    Ok(changed >= 1)
}

/// The current payroll documents `placer` put in `dossier`, newest first, one page.
pub fn placed_in(
    conn: &Connection,
    dossier: Dossier,
    placer: Placer,
    year: Option<Year>,
    kind: Option<DocumentKind>,
    offset: u32,
    limit: u32,
) -> Result<Vec<DocumentRecord>, StoreError> {
    let (condition, key) = dossier_match(dossier);
    let (placer_column, placer_key) = match placer {
        Placer::Bureau(b) => ("d.placed_by_bureau_id", b.0),
        Placer::Employer(r) => ("d.placed_by_employer_id", r.0),
    };
    let sql = format!(
        "SELECT {COLUMNS} {FROM} WHERE {condition} AND d.origin = 'payroll' AND {placer_column} = :placer \
           AND d.superseded_at IS NULL AND {NOT_REMOVED} \
           AND (:year IS NULL OR d.year = :year) AND (:kind IS NULL OR d.kind = :kind) \
         ORDER BY d.year DESC, d.period DESC, d.id DESC LIMIT :limit OFFSET :offset"
    );
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map(
        named_params! {
            ":dossier": key,
            ":placer": placer_key,
            ":year": year.map(Year::get),
            ":kind": kind.map(DocumentKind::as_str),
            ":limit": limit,
            ":offset": offset,
        },
        record,
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}
