//! Checking and tidying the stored files: `fsck` (every row's file there with its size and
//! SHA-256, every file with a row, no stale temporary files), the orphan sweep, and the
//! integrity job (the database's own checks plus the file check).

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use super::retention::JobReport;
use super::{ServiceError, Services};
use crate::blobs::{BlobStore, Listed};
use crate::store::retention::{self as store_retention, ExpectedFile};

/// Temporary files younger than this may be uploads in progress; `fsck` leaves them alone.
const TEMP_IN_USE: Duration = Duration::from_secs(3600);

/// What `fsck` found (and, with `--repair`, moved aside).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FsckReport {
    pub rows: u64,
    pub stored_files: u64,
    /// Rows whose file is gone: "document <id>: file <file id>".
    pub missing: Vec<String>,
    /// Rows whose file has another size or SHA-256.
    pub damaged: Vec<String>,
    /// Stored files no row refers to.
    pub orphans: Vec<PathBuf>,
    /// Temporary files older than an hour.
    pub stale_temp: Vec<PathBuf>,
    /// Where `--repair` moved orphans and stale temporary files.
    pub quarantine: Option<PathBuf>,
}

impl FsckReport {
    /// Every row has its file intact.
    pub fn rows_ok(&self) -> bool {
        self.missing.is_empty() && self.damaged.is_empty()
    }

    /// Nothing at all to report.
    pub fn clean(&self) -> bool {
        self.rows_ok() && self.orphans.is_empty() && self.stale_temp.is_empty()
    }
}

fn sha256_of(path: &std::path::Path) -> std::io::Result<(u64, String)> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 256 * 1024];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        size += n as u64;
    }
    Ok((size, hex::encode(hasher.finalize())))
}

/// The file check itself; blocking (it reads every stored file).
fn check_files(
    blobs: &BlobStore,
    expected: &[ExpectedFile],
    now: SystemTime,
) -> std::io::Result<FsckReport> {
    let mut report = FsckReport {
        rows: expected.len() as u64,
        ..FsckReport::default()
    };
    let stored = blobs.list_stored()?;
    report.stored_files = stored.len() as u64;
    let present: HashSet<&str> = stored.iter().map(|l| l.name.as_str()).collect();
    let referenced: HashSet<&str> = expected.iter().map(|e| e.file_id.as_str()).collect();
    for row in expected {
        let Some(id) = crate::blobs::FileId::parse(&row.file_id)
            .filter(|_| present.contains(row.file_id.as_str()))
        else {
            report
                .missing
                .push(format!("{}: file {}", row.owner, row.file_id));
            continue;
        };
        let (size, sha256) = sha256_of(&blobs.path(id))?;
        if size != row.size || sha256 != row.sha256 {
            report.damaged.push(format!(
                "{}: file {} has {size} bytes and SHA-256 {sha256}, expected {} and {}",
                row.owner, row.file_id, row.size, row.sha256
            ));
        }
    }
    report.orphans = stored
        .iter()
        .filter(|l| !referenced.contains(l.name.as_str()))
        .map(|l| l.path.clone())
        .collect();
    report.stale_temp = blobs
        .list_temporary()?
        .into_iter()
        .filter(|l| older_than(l, now, TEMP_IN_USE))
        .map(|l| l.path)
        .collect();
    Ok(report)
}

fn older_than(file: &Listed, now: SystemTime, age: Duration) -> bool {
    now.duration_since(file.modified).is_ok_and(|d| d >= age)
}

/// Moves `paths` into a new quarantine directory beside the data (never deletes them).
fn quarantine(
    blobs: &BlobStore,
    paths: &[PathBuf],
    now: chrono::DateTime<chrono::Utc>,
) -> std::io::Result<PathBuf> {
    use std::os::unix::fs::DirBuilderExt;
    let dir = blobs
        .data_dir()
        .root()
        .join("quarantine")
        .join(now.format("%Y%m%d-%H%M%S").to_string());
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&dir)?;
    for path in paths {
        if let Some(name) = path.file_name() {
            std::fs::rename(path, dir.join(name))?;
        }
    }
    std::fs::File::open(&dir)?.sync_all()?;
    Ok(dir)
}

impl Services {
    /// Checks every row's file (size and SHA-256), every stored file's row, and the temporary
    /// files. With `repair`, orphans and stale temporary files are moved to
    /// `data_dir/quarantine/<time>/`; rows with missing or damaged files are only reported
    /// (they need a restore).
    pub async fn fsck(&self, repair: bool) -> Result<FsckReport, ServiceError> {
        let expected = self
            .store
            .read(|conn| -> Result<_, ServiceError> { Ok(store_retention::expected_files(conn)?) })
            .await?;
        let blobs = self.blobs.clone();
        let now = self.clock.now();
        let clock_now = SystemTime::now();
        tokio::task::spawn_blocking(move || -> Result<FsckReport, ServiceError> {
            let mut report =
                check_files(&blobs, &expected, clock_now).map_err(crate::blobs::BlobError::from)?;
            if repair {
                let moved: Vec<PathBuf> = report
                    .orphans
                    .iter()
                    .chain(&report.stale_temp)
                    .cloned()
                    .collect();
                if !moved.is_empty() {
                    report.quarantine = Some(
                        quarantine(&blobs, &moved, now).map_err(crate::blobs::BlobError::from)?,
                    );
                }
            }
            Ok(report)
        })
        .await
        .map_err(|_| ServiceError::Maintenance("the file check stopped unexpectedly".to_owned()))?
    }

    /// `orphan_sweep`: removes stored files no row refers to and temporary files, once older
    /// than `[retention] orphan_grace_hours` (younger ones may belong to an upload whose row
    /// is about to commit).
    pub async fn run_orphan_sweep(&self) -> Result<JobReport, ServiceError> {
        let referenced = self
            .store
            .read(|conn| -> Result<_, ServiceError> {
                Ok(store_retention::referenced_files(conn)?)
            })
            .await?;
        let grace =
            Duration::from_secs(u64::from(self.settings.retention.orphan_grace_hours) * 3600);
        // File times are the file system's; the grace is measured against the same clock.
        let now = SystemTime::now();
        let blobs = self.blobs.clone();
        let (report, removed) = tokio::task::spawn_blocking(move || -> Result<_, ServiceError> {
            let mut report = JobReport::default();
            let mut removed = Vec::new();
            let stored = blobs.list_stored().map_err(crate::blobs::BlobError::from)?;
            let temporary = blobs
                .list_temporary()
                .map_err(crate::blobs::BlobError::from)?;
            let doomed = stored
                .iter()
                .filter(|l| !referenced.contains(&l.name))
                .chain(temporary.iter())
                .filter(|l| older_than(l, now, grace));
            for file in doomed {
                match std::fs::remove_file(&file.path) {
                    Ok(()) => {
                        report.count += 1;
                        removed.push(file.name.clone());
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => report.notes.push(format!("{}: {e}", file.path.display())),
                }
            }
            Ok((report, removed))
        })
        .await
        .map_err(|_| {
            ServiceError::Maintenance("the orphan sweep stopped unexpectedly".to_owned())
        })??;
        if !removed.is_empty() {
            let detail = serde_json::json!({
                "job": "orphan_sweep", "what": "files", "count": removed.len(), "ids": removed,
            });
            self.note_purge("orphan_sweep", detail).await;
        }
        Ok(report)
    }

    /// `integrity`: SQLite's `integrity_check` and `foreign_key_check`, then the file check.
    pub async fn run_integrity(&self) -> Result<JobReport, ServiceError> {
        let (lines, broken_keys) = self.store.check().await?;
        let files = self.fsck(false).await?;
        let mut report = JobReport {
            count: files.rows,
            ..JobReport::default()
        };
        if lines != ["ok"] {
            report.problems += lines.len() as u64;
            report
                .notes
                .extend(lines.into_iter().map(|l| format!("integrity_check: {l}")));
        }
        if broken_keys > 0 {
            report.problems += broken_keys as u64;
            report.notes.push(format!(
                "foreign_key_check: {broken_keys} rows refer to nothing"
            ));
        }
        report.problems += (files.missing.len() + files.damaged.len()) as u64;
        report
            .notes
            .extend(files.missing.iter().map(|m| format!("missing {m}")));
        report
            .notes
            .extend(files.damaged.iter().map(|d| format!("damaged {d}")));
        if !files.orphans.is_empty() || !files.stale_temp.is_empty() {
            report.notes.push(format!(
                "{} stored files without a row and {} stale temporary files (the orphan sweep removes them)",
                files.orphans.len(),
                files.stale_temp.len()
            ));
        }
        Ok(report)
    }
}
