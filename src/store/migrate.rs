//! Schema migrations: numbered SQL files embedded in the binary, applied in order, the version
//! kept in `PRAGMA user_version`. A database newer than this binary is refused, never touched.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use super::StoreError;

/// The migrations in order; entry `i` brings the schema from version `i` to `i + 1`.
/// Append only: a released migration is never edited. A migration that rebuilds a table
/// (create, copy, drop, rename) drops the table's triggers with it: it must create again those
/// of `0021_unread_generations.sql` on it, or the kept unread badges go stale
/// (`store::tests::the_unread_triggers_are_all_there` names them).
const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_installation",
        include_str!("migrations/0001_installation.sql"),
    ),
    (
        "0002_dossiers",
        include_str!("migrations/0002_dossiers.sql"),
    ),
    (
        "0003_sessions",
        include_str!("migrations/0003_sessions.sql"),
    ),
    (
        "0004_account_security",
        include_str!("migrations/0004_account_security.sql"),
    ),
    (
        "0005_sync_api",
        include_str!("migrations/0005_sync_api.sql"),
    ),
    ("0006_backups", include_str!("migrations/0006_backups.sql")),
    (
        "0007_notifications",
        include_str!("migrations/0007_notifications.sql"),
    ),
    (
        "0008_dossier_indexes",
        include_str!("migrations/0008_dossier_indexes.sql"),
    ),
    (
        "0009_employer_namespaces",
        include_str!("migrations/0009_employer_namespaces.sql"),
    ),
    (
        "0010_upload_index",
        include_str!("migrations/0010_upload_index.sql"),
    ),
    (
        "0011_series_approvals",
        include_str!("migrations/0011_series_approvals.sql"),
    ),
    (
        "0012_share_recipients",
        include_str!("migrations/0012_share_recipients.sql"),
    ),
    (
        "0013_browser_letters",
        include_str!("migrations/0013_browser_letters.sql"),
    ),
    (
        "0014_requests",
        include_str!("migrations/0014_requests.sql"),
    ),
    (
        "0015_account_status",
        include_str!("migrations/0015_account_status.sql"),
    ),
    (
        "0016_payslip_delivery",
        include_str!("migrations/0016_payslip_delivery.sql"),
    ),
    (
        "0017_access_history",
        include_str!("migrations/0017_access_history.sql"),
    ),
    (
        "0018_employer_colleagues",
        include_str!("migrations/0018_employer_colleagues.sql"),
    ),
    (
        "0019_passkeys",
        include_str!("migrations/0019_passkeys.sql"),
    ),
    (
        "0020_page_indexes",
        include_str!("migrations/0020_page_indexes.sql"),
    ),
    (
        "0021_unread_generations",
        include_str!("migrations/0021_unread_generations.sql"),
    ),
    (
        "0022_current_payroll_indexes",
        include_str!("migrations/0022_current_payroll_indexes.sql"),
    ),
];

/// The schema version this binary writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// Brings the database up to [`SCHEMA_VERSION`], one transaction per migration.
///
/// Foreign keys are off while a migration runs, so one may rebuild a table that others refer to
/// (SQLite's procedure for changes `ALTER TABLE` cannot make); `PRAGMA foreign_key_check` must
/// find nothing before its commit, and they are on again afterwards, also when it fails.
pub fn migrate(conn: &mut Connection, now: &str) -> Result<u32, StoreError> {
    // The pragma is a no-op inside a transaction, so it is set around them.
    conn.execute_batch("PRAGMA foreign_keys = OFF")?;
    let result = migrate_all(conn, now);
    conn.execute_batch("PRAGMA foreign_keys = ON")?;
    result
}

fn migrate_all(conn: &mut Connection, now: &str) -> Result<u32, StoreError> {
    let found: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    for (index, (name, sql)) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let version = index as u32 + 1;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(sql)
            .map_err(|source| StoreError::Migration { name, source })?;
        if version == 1 {
            tx.execute(
                "INSERT INTO installation (id, created_at, created_by) VALUES (1, ?1, ?2)",
                (now, concat!("loondossier ", env!("CARGO_PKG_VERSION"))),
            )?;
        }
        let dangling: Option<String> = tx
            .query_row("PRAGMA foreign_key_check", [], |r| r.get(0))
            .optional()?;
        if let Some(table) = dangling {
            return Err(StoreError::Migration {
                name,
                source: rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY),
                    Some(format!("a row of {table} refers to a missing row")),
                ),
            });
        }
        // PRAGMA takes no parameters; the value is our own integer.
        tx.execute_batch(&format!("PRAGMA user_version = {version}"))?;
        tx.commit()?;
        tracing::info!(migration = name, version, "database migrated");
    }
    Ok(SCHEMA_VERSION)
}

#[cfg(test)]
mod tests {
    use super::{MIGRATIONS, SCHEMA_VERSION, migrate};
    use rusqlite::Connection;

    /// A database of the previous release (one employer per number in the whole installation)
    /// keeps its rows and links when the employers table is rebuilt, and afterwards two bureaus
    /// may each have an employer with the same number, but one bureau not two.
    #[test]
    fn employer_namespaces_keep_existing_rows() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("PRAGMA foreign_keys = ON").unwrap();
        for (index, (_, sql)) in MIGRATIONS.iter().enumerate().take(8) {
            conn.execute_batch(sql).unwrap();
            conn.execute_batch(&format!("PRAGMA user_version = {}", index + 1))
                .unwrap();
        }
        conn.execute_batch(
            "INSERT INTO bureaus (id, public_id, client_number, name, created_at)
                 VALUES (1, 'b1', 'K1', 'Bakker', 't'), (2, 'b2', 'K2', 'Ander', 't');
             INSERT INTO employers (id, public_id, bureau_id, lhn, name, email, created_at, updated_at)
                 VALUES (7, 'r7', 1, '131459077L01', 'Active BV', 'a@b.nl', 't', 't');
             INSERT INTO employees (id, public_id, employer_id, personnel_number, name, birth_date,
                     bsn, work_email, created_at, updated_at)
                 VALUES (3, 'w3', 7, '1', 'Bakker, N', '1960-12-31', 'x', 'n@b.nl', 't', 't');",
        )
        .unwrap();
        assert_eq!(migrate(&mut conn, "t").unwrap(), SCHEMA_VERSION);
        let (employer, name): (i64, String) = conn
            .query_row(
                "SELECT w.employer_id, r.name FROM employees w JOIN employers r ON r.id = w.employer_id",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((employer, name.as_str()), (7, "Active BV"));
        let on: i64 = conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!(on, 1);
        let insert = |id: i64, bureau: Option<i64>| {
            conn.execute(
                "INSERT INTO employers (id, public_id, bureau_id, lhn, name, email, created_at, updated_at)
                 VALUES (?1, ?1, ?2, '131459077L01', 'X', 'x@y.nl', 't', 't')",
                (id, bureau),
            )
        };
        insert(8, Some(2)).unwrap();
        insert(9, None).unwrap();
        assert!(insert(10, Some(1)).is_err(), "two of one bureau");
        assert!(insert(11, None).is_err(), "two without a bureau");
        // Rows that point nowhere are still refused.
        assert!(
            conn.execute("DELETE FROM employers WHERE id = 7", [])
                .is_err()
        );
    }

    /// Shares made before they named a recipient went one step up: an employee's to its
    /// employer, an employer's to the bureau it has; one of an employer without a bureau reached
    /// nobody and goes.
    #[test]
    fn existing_shares_get_their_recipient() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("PRAGMA foreign_keys = ON").unwrap();
        for (index, (_, sql)) in MIGRATIONS.iter().enumerate().take(11) {
            conn.execute_batch(sql).unwrap();
            conn.execute_batch(&format!("PRAGMA user_version = {}", index + 1))
                .unwrap();
        }
        let document = |id: i64, kind: &str, employer: i64, employee: Option<i64>| {
            format!(
                "INSERT INTO documents (id, public_id, dossier_kind, employer_id, employee_id, origin,
                     kind, year, period_kind, period, title, file_name, media_type, size, sha256,
                     file_id, created_at)
                 VALUES ({id}, 'd{id}', '{kind}', {employer}, {}, 'upload', 'other', 2026, 'year',
                     1, 't', 'f.pdf', 'application/pdf', 1, 'x', 'f{id}', 't');",
                employee.map_or("NULL".to_owned(), |e| e.to_string())
            )
        };
        conn.execute_batch(&format!(
            "INSERT INTO bureaus (id, public_id, client_number, name, created_at)
                 VALUES (1, 'b1', 'K1', 'Bakker', 't');
             INSERT INTO employers (id, public_id, bureau_id, lhn, name, email, created_at, updated_at)
                 VALUES (7, 'r7', 1, '131459077L01', 'Active BV', 'a@b.nl', 't', 't'),
                        (8, 'r8', NULL, '123456782L01', 'Zelf BV', 'z@b.nl', 't', 't');
             INSERT INTO employees (id, public_id, employer_id, personnel_number, name, birth_date,
                     bsn, work_email, created_at, updated_at)
                 VALUES (3, 'w3', 7, '1', 'Bakker, N', '1960-12-31', 'x', 'n@b.nl', 't', 't');
             INSERT INTO accounts (id, public_id, username, username_folded, role, employer_id, created_at)
                 VALUES (1, 'a1', 'a', 'a', 'employer', 7, 't');
             {}{}{}
             INSERT INTO shares (document_id, shared_by_account_id, shared_at)
                 VALUES (1, 1, 't'), (2, 1, 't'), (3, 1, 't');",
            document(1, "employee", 7, Some(3)),
            document(2, "employer", 7, None),
            document(3, "employer", 8, None),
        ))
        .unwrap();
        assert_eq!(migrate(&mut conn, "t").unwrap(), SCHEMA_VERSION);
        let mut statement = conn
            .prepare("SELECT document_id, recipient, bureau_id FROM shares ORDER BY document_id")
            .unwrap();
        let rows: Vec<(i64, String, Option<i64>)> = statement
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            rows,
            vec![
                (1, "employer".to_owned(), None),
                (2, "bureau".to_owned(), Some(1)),
            ]
        );
    }

    #[test]
    fn every_migration_file_is_listed_in_order() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store/migrations");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sql"))
            .collect();
        files.sort();
        let listed: Vec<String> = MIGRATIONS.iter().map(|(n, _)| format!("{n}.sql")).collect();
        assert_eq!(files, listed);
        for (index, name) in listed.iter().enumerate() {
            assert!(
                name.starts_with(&format!("{:04}_", index + 1)),
                "{name} out of order"
            );
        }
    }
}
