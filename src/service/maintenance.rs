//! Checking and tidying the stored files: `fsck` (every row's file there with its size and
//! SHA-256, every file with a row, no stale temporary files), the orphan sweep, and the
//! integrity job (the database's own checks plus the file check).

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use super::retention::JobReport;
use super::{ServiceError, Services};
use crate::blobs::{BlobStore, Listed};
use crate::data_dir::{DataDirError, Task, TaskLock, holder_line};
use crate::store::retention::{self as store_retention, ExpectedFile};

/// Temporary files younger than this may be uploads in progress; `fsck` leaves them alone.
const TEMP_IN_USE: Duration = Duration::from_secs(3600);
/// How long the orphan sweep or `fsck --repair` waits for the other to finish.
const SWEEP_WAIT: Duration = Duration::from_secs(120);

/// Runs blocking file work on the blocking pool; `what` names it if the task dies.
async fn blocking<T: Send + 'static>(
    what: &'static str,
    work: impl FnOnce() -> std::io::Result<T> + Send + 'static,
) -> Result<T, ServiceError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| ServiceError::Maintenance(format!("{what} stopped unexpectedly")))?
        .map_err(|e| ServiceError::Blob(crate::blobs::BlobError::from(e)))
}

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
}

/// How a row's file stands now: `None` when intact, else what is wrong. Blocking.
fn verify(blobs: &BlobStore, row: &ExpectedFile) -> std::io::Result<Option<Suspect>> {
    let Some(id) = crate::blobs::FileId::parse(&row.file_id) else {
        return Ok(Some(Suspect::Missing(row.clone())));
    };
    match sha256_of(&blobs.path(id)) {
        Ok((size, sha256)) if size == row.size && sha256 == row.sha256 => Ok(None),
        Ok((size, sha256)) => Ok(Some(Suspect::Damaged(
            row.clone(),
            format!(
                "{}: file {} has {size} bytes and SHA-256 {sha256}, expected {} and {}",
                row.owner, row.file_id, row.size, row.sha256
            ),
        ))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Ok(Some(Suspect::Missing(row.clone())))
        }
        Err(e) => Err(e),
    }
}

/// The file check's first pass; blocking (it reads every stored file).
fn scan_files(
    blobs: &BlobStore,
    expected: &[ExpectedFile],
    now: SystemTime,
) -> std::io::Result<Scan> {
    let mut report = FsckReport {
        rows: expected.len() as u64,
        ..FsckReport::default()
    };
    let stored = blobs.list_stored()?;
    report.stored_files = stored.len() as u64;
    let present: HashSet<&str> = stored.iter().map(|l| l.name.as_str()).collect();
    let referenced: HashSet<&str> = expected.iter().map(|e| e.file_id.as_str()).collect();
    let mut suspects = Vec::new();
    for row in expected {
        if !present.contains(row.file_id.as_str()) {
            suspects.push(Suspect::Missing(row.clone()));
        } else if let Some(suspect) = verify(blobs, row)? {
            suspects.push(suspect);
        }
    }
    let orphans = stored
        .into_iter()
        .filter(|l| !referenced.contains(l.name.as_str()))
        .collect();
    report.stale_temp = blobs
        .list_temporary()?
        .into_iter()
        .filter(|l| older_than(l, now, TEMP_IN_USE))
        .map(|l| l.path)
        .collect();
    Ok(Scan {
        report,
        suspects,
        orphans,
    })
}

/// The second look: suspects whose row is still there (with the same file) and whose file is
/// still wrong become faults; orphans a row now refers to are dropped. Blocking.
fn confirm(blobs: &BlobStore, scan: Scan, rows_now: &[ExpectedFile]) -> std::io::Result<Scan> {
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
        match verify(blobs, row)? {
            None => {}
            Some(Suspect::Missing(row)) => report
                .missing
                .push(format!("{}: file {}", row.owner, row.file_id)),
            Some(Suspect::Damaged(_, detail)) => report.damaged.push(detail),
        }
    }
    let orphans: Vec<Listed> = scan
        .orphans
        .into_iter()
        .filter(|l| !referenced.contains(l.name.as_str()) && l.path.exists())
        .collect();
    report.orphans = orphans.iter().map(|l| l.path.clone()).collect();
    Ok(Scan {
        report,
        suspects: Vec::new(),
        orphans,
    })
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
    let parent = blobs.data_dir().root().join("quarantine");
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&parent)?;
    // A directory of this run's own, created exclusively: a rename into it never replaces
    // what an earlier run moved aside.
    let stamp = now.format("%Y%m%d-%H%M%S").to_string();
    let mut dir = parent.join(&stamp);
    let mut n = 2;
    loop {
        match std::fs::DirBuilder::new().mode(0o700).create(&dir) {
            Ok(()) => break,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                dir = parent.join(format!("{stamp}-{n}"));
                n += 1;
            }
            Err(e) => return Err(e),
        }
    }
    for path in paths {
        if let Some(name) = path.file_name() {
            match std::fs::rename(path, dir.join(name)) {
                // Removed meanwhile (its row's removal committed and the file went after).
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                other => other?,
            }
        }
    }
    std::fs::File::open(&dir)?.sync_all()?;
    Ok(dir)
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
        let blobs = self.blobs.clone();
        let clock_now = SystemTime::now();
        let scan = blocking("the file check", move || {
            scan_files(&blobs, &expected, clock_now)
        })
        .await?;
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
            let blobs = self.blobs.clone();
            blocking("the file check", move || confirm(&blobs, scan, &rows_now)).await?
        };
        let mut report = scan.report;
        if let Some(_lock) = lock {
            let grace =
                Duration::from_secs(u64::from(self.settings.retention.orphan_grace_hours) * 3600);
            let mut moved: Vec<PathBuf> = scan
                .orphans
                .iter()
                .filter(|l| older_than(l, clock_now, grace))
                .map(|l| l.path.clone())
                .collect();
            moved.extend(report.stale_temp.iter().cloned());
            if !moved.is_empty() {
                let blobs = self.blobs.clone();
                let now = self.clock.now();
                report.quarantine =
                    Some(blocking("the repair", move || quarantine(&blobs, &moved, now)).await?);
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
        let blobs = self.blobs.clone();
        let (report, removed) = tokio::task::spawn_blocking(move || -> Result<_, ServiceError> {
            let _lock = lock;
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
