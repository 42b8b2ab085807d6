//! Checking and tidying the stored files: `fsck` (every row's file there with its size and
//! SHA-256, every file with a row, no stale temporary files), the orphan sweep, and the
//! integrity job (the database's own checks plus the file check).

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use super::retention::JobReport;
use super::{ServiceError, Services};
use crate::blobs::{BlobError, BlobStore, Listed};
use crate::data_dir::{DataDirError, Task, TaskLock, holder_line};
use crate::store::retention::{self as store_retention, ExpectedFile};

/// Temporary files younger than this may be uploads in progress; `fsck` leaves them alone.
const TEMP_IN_USE: Duration = Duration::from_secs(3600);
/// How long the orphan sweep or `fsck --repair` waits for the other to finish.
const SWEEP_WAIT: Duration = Duration::from_secs(120);

/// What `fsck` found (and, with `--repair`, moved aside).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FsckReport {
    pub rows: u64,
    pub stored_files: u64,
    /// Rows whose file is gone: "document <id>: file <file id>".
    pub missing: Vec<String>,
    /// Rows whose file has another size or SHA-256.
    pub damaged: Vec<String>,
    /// Stored files no row (and, in a bucket, no kept snapshot) refers to.
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

/// What looked wrong with a row's file in one pass; asked again before it is reported, since a
/// row removed (or a file stored) while the pass ran is no fault.
#[derive(Debug, Clone)]
enum Suspect {
    Missing(ExpectedFile),
    Damaged(ExpectedFile, String),
}

/// One pass over the rows and the files: the report's counts and stale temporary files, the
/// rows whose file looked missing or damaged, and the files no row referred to.
struct Scan {
    report: FsckReport,
    suspects: Vec<Suspect>,
    orphans: Vec<Listed>,
    stale: Vec<Listed>,
}

/// How a row's file stands now: `None` when intact, else what is wrong.
async fn verify(blobs: &BlobStore, row: &ExpectedFile) -> Result<Option<Suspect>, BlobError> {
    let Some(id) = crate::blobs::FileId::parse(&row.file_id) else {
        return Ok(Some(Suspect::Missing(row.clone())));
    };
    match blobs.digest(id).await {
        Ok((size, sha256)) if size == row.size && hex::encode(sha256) == row.sha256 => Ok(None),
        Ok((size, sha256)) => Ok(Some(Suspect::Damaged(
            row.clone(),
            format!(
                "{}: file {} has {size} bytes and SHA-256 {}, expected {} and {}",
                row.owner,
                row.file_id,
                hex::encode(sha256),
                row.size,
                row.sha256
            ),
        ))),
        Err(BlobError::NotFound) => Ok(Some(Suspect::Missing(row.clone()))),
        Err(e) => Err(e),
    }
}

/// The file check's first pass (it reads every stored file).
async fn scan_files(
    blobs: &BlobStore,
    expected: &[ExpectedFile],
    now: SystemTime,
) -> Result<Scan, BlobError> {
    let mut report = FsckReport {
        rows: expected.len() as u64,
        ..FsckReport::default()
    };
    let stored = blobs.list_stored().await?;
    report.stored_files = stored.len() as u64;
    let present: HashSet<&str> = stored.iter().map(|l| l.name.as_str()).collect();
    let referenced: HashSet<&str> = expected.iter().map(|e| e.file_id.as_str()).collect();
    let mut suspects = Vec::new();
    for row in expected {
        if !present.contains(row.file_id.as_str()) {
            suspects.push(Suspect::Missing(row.clone()));
        } else if let Some(suspect) = verify(blobs, row).await? {
            suspects.push(suspect);
        }
    }
    let unreferenced: Vec<Listed> = stored
        .into_iter()
        .filter(|l| !referenced.contains(l.name.as_str()))
        .collect();
    let orphans = blobs.unprotected(unreferenced).await?;
    let stale: Vec<Listed> = blobs
        .list_temporary()
        .await?
        .into_iter()
        .filter(|l| older_than(l, now, TEMP_IN_USE))
        .collect();
    report.stale_temp = stale.iter().map(|l| l.path.clone()).collect();
    Ok(Scan {
        report,
        suspects,
        orphans,
        stale,
    })
}

/// The second look: suspects whose row is still there (with the same file) and whose file is
/// still wrong become faults; orphans a row now refers to, or that are gone, are dropped.
async fn confirm(
    blobs: &BlobStore,
    scan: Scan,
    rows_now: &[ExpectedFile],
) -> Result<Scan, BlobError> {
    let still: HashSet<(&str, &str)> = rows_now
        .iter()
        .map(|r| (r.owner.as_str(), r.file_id.as_str()))
        .collect();
    let referenced: HashSet<&str> = rows_now.iter().map(|r| r.file_id.as_str()).collect();
    let mut report = scan.report;
    for suspect in scan.suspects {
        let row = match &suspect {
            Suspect::Missing(row) | Suspect::Damaged(row, _) => row,
        };
        if !still.contains(&(row.owner.as_str(), row.file_id.as_str())) {
            continue;
        }
        match verify(blobs, row).await? {
            None => {}
            Some(Suspect::Missing(row)) => report
                .missing
                .push(format!("{}: file {}", row.owner, row.file_id)),
            Some(Suspect::Damaged(_, detail)) => report.damaged.push(detail),
        }
    }
    let mut orphans = Vec::new();
    for listed in scan.orphans {
        if !referenced.contains(listed.name.as_str()) && blobs.still_there(&listed).await? {
            orphans.push(listed);
        }
    }
    report.orphans = orphans.iter().map(|l| l.path.clone()).collect();
    Ok(Scan {
        report,
        suspects: Vec::new(),
        orphans,
        stale: scan.stale,
    })
}

fn older_than(file: &Listed, now: SystemTime, age: Duration) -> bool {
    now.duration_since(file.modified).is_ok_and(|d| d >= age)
}

impl Services {
    /// Takes the lock of a maintenance `task` (see [`Task`]), retrying every 100 ms for up to
    /// `wait` while another run holds it (the server's scheduler or mail worker, or a
    /// command); then refuses with a message naming the holder's command, pid and start.
    pub async fn lock_task(&self, task: Task, wait: Duration) -> Result<TaskLock, ServiceError> {
        let holder = holder_line(self.clock.now());
        let give_up = tokio::time::Instant::now() + wait;
        let mut told = false;
        loop {
            match self.blobs.data_dir().try_lock_task(task, &holder) {
                Ok(lock) => return Ok(lock),
                Err(DataDirError::Busy { holder, .. }) if tokio::time::Instant::now() < give_up => {
                    if !told {
                        tracing::info!(task = task.what(), %holder, "waiting for the lock");
                        told = true;
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => return Err(ServiceError::Maintenance(e.to_string())),
            }
        }
    }

    /// Checks every row's file (size and SHA-256), every stored file's row, and the temporary
    /// files. What looks wrong is asked again before it is reported, so rows removed and files
    /// stored while the check runs are not reported as faults. With `repair`, unreferenced
    /// files older than `[retention] orphan_grace_hours` (younger ones may belong to an upload
    /// whose row is about to commit) and stale temporary files are moved to
    /// `data_dir/quarantine/<time>/`, holding the file-sweep lock; rows with missing or damaged
    /// files are only reported (they need a restore).
    pub async fn fsck(&self, repair: bool) -> Result<FsckReport, ServiceError> {
        let expected = self.expected_files().await?;
        let clock_now = SystemTime::now();
        let scan = scan_files(&self.blobs, &expected, clock_now).await?;
        // Taken after the long pass that reads every file, before the second look and the
        // moving aside: the nightly sweep never waits for a whole check.
        let lock = if repair {
            Some(self.lock_task(Task::FileSweep, SWEEP_WAIT).await?)
        } else {
            None
        };
        let scan = if scan.suspects.is_empty() && scan.orphans.is_empty() {
            scan
        } else {
            let rows_now = self.expected_files().await?;
            confirm(&self.blobs, scan, &rows_now).await?
        };
        let mut report = scan.report;
        if let Some(_lock) = lock {
            let grace =
                Duration::from_secs(u64::from(self.settings.retention.orphan_grace_hours) * 3600);
            let mut moved: Vec<Listed> = scan
                .orphans
                .into_iter()
                .filter(|l| older_than(l, clock_now, grace))
                .collect();
            moved.extend(scan.stale);
            if !moved.is_empty() {
                report.quarantine = Some(self.blobs.quarantine(&moved, self.clock.now()).await?);
            }
        }
        Ok(report)
    }

    async fn expected_files(&self) -> Result<Vec<ExpectedFile>, ServiceError> {
        self.store
            .read(|conn| -> Result<_, ServiceError> { Ok(store_retention::expected_files(conn)?) })
            .await
    }

    /// `orphan_sweep`: removes stored files no row refers to and temporary files, once older
    /// than `[retention] orphan_grace_hours` (younger ones may belong to an upload whose row
    /// is about to commit).
    pub async fn run_orphan_sweep(&self) -> Result<JobReport, ServiceError> {
        // Held before the rows are read, so what counts as referenced is read under it.
        let lock = self.lock_task(Task::FileSweep, SWEEP_WAIT).await?;
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
        let _lock = lock;
        let mut report = JobReport::default();
        let mut removed = Vec::new();
        let unreferenced: Vec<Listed> = self
            .blobs
            .list_stored()
            .await?
            .into_iter()
            .filter(|l| !referenced.contains(&l.name))
            .collect();
        let stored = self.blobs.unprotected(unreferenced).await?;
        let temporary = self.blobs.list_temporary().await?;
        let doomed = stored
            .iter()
            .chain(temporary.iter())
            .filter(|l| older_than(l, now, grace));
        for file in doomed {
            match self.blobs.remove_listed(file).await {
                Ok(()) => {
                    report.count += 1;
                    removed.push(file.name.clone());
                }
                Err(e) => report.notes.push(format!("{}: {e}", file.path.display())),
            }
        }
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
