//! Schema migrations: numbered SQL files embedded in the binary, applied in order, the version
//! kept in `PRAGMA user_version`. A database newer than this binary is refused, never touched.

use rusqlite::{Connection, TransactionBehavior};

use super::StoreError;

/// The migrations in order; entry `i` brings the schema from version `i` to `i + 1`.
/// Append only: a released migration is never edited.
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
];

/// The schema version this binary writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// Brings the database up to [`SCHEMA_VERSION`], one transaction per migration.
pub fn migrate(conn: &mut Connection, now: &str) -> Result<u32, StoreError> {
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
        // PRAGMA takes no parameters; the value is our own integer.
        tx.execute_batch(&format!("PRAGMA user_version = {version}"))?;
        tx.commit()?;
        tracing::info!(migration = name, version, "database migrated");
    }
    Ok(SCHEMA_VERSION)
}

#[cfg(test)]
mod tests {
    use super::MIGRATIONS;

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
