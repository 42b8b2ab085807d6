//! Snapshots of a data directory and restoring one: a consistent copy of the database (read
//! in one transaction, writers keep going), the files it refers to (hard links, so a snapshot
//! costs little space until files are removed from the live store; stored files are never
//! written again, so a link is as good as a copy), and a real copy of the sealing key.
//!
//! One snapshot is made at a time per data directory ([`Task::Snapshot`]); each builds in a
//! directory of its own, named only it uses, and becomes visible by one rename when complete.
//! A restore holds a shared lock on the snapshot it reads, so pruning skips it.

use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::retention::JobReport;
use super::{ServiceError, Services};
use crate::blobs::FileId;
use crate::blobs::copy::{STORED_MODE, copy_new, link_or_copy};
use crate::data_dir::{DataDir, Task};
use crate::store::retention as store_retention;

/// Names of what a snapshot directory holds.
const DATABASE: &str = "loondossier.db";
const FILES: &str = "files";
const KEY: &str = "secret.key";
/// Marks a snapshot still being made (`<name>.partial-<pid>-<random>`): never listed or
/// restored from; removed only by a later snapshot run holding the snapshot lock, when it can
/// only be left from a run that crashed.
const PARTIAL: &str = ".partial";
/// How long a snapshot waits for another one to finish before giving up.
const SNAPSHOT_WAIT: std::time::Duration = std::time::Duration::from_secs(120);

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the snapshot's database: {0}")]
    Database(#[from] crate::store::StoreError),
    #[error(
        "{0} is not a snapshot (it has no {DATABASE}, or it is one still being made or cut \
         short by a crash)"
    )]
    NotASnapshot(PathBuf),
    #[error("{0} is not empty: restore only into a new or empty directory")]
    NotEmpty(PathBuf),
    #[error("the snapshot lacks file {file} (of {owner}); it cannot be restored whole")]
    Incomplete { owner: String, file: String },
    #[error("file {file} in the snapshot does not match its SHA-256")]
    Damaged { file: String },
    #[error("{0}")]
    DataDir(#[from] crate::data_dir::DataDirError),
    #[error("{0} is being removed by a snapshot run pruning old ones; choose a newer snapshot")]
    BeingRemoved(PathBuf),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> SnapshotError + '_ {
    move |source| SnapshotError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The file of `file_id` under a `files` directory (sharded like the live store).
fn file_path(files: &Path, file_id: &str) -> PathBuf {
    files.join(&file_id[..2]).join(file_id)
}

fn sync_dir(path: &Path) -> Result<(), SnapshotError> {
    std::fs::File::open(path)
        .and_then(|d| d.sync_all())
        .map_err(io(path))
}

fn create_dir(path: &Path) -> Result<(), SnapshotError> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(path)
        .map_err(io(path))
}

/// The snapshot directory name for a moment: sorts in time order.
fn snapshot_name(at: DateTime<Utc>) -> String {
    format!("snapshot-{}", at.format("%Y%m%d-%H%M%S"))
}

/// Makes a snapshot of `data_dir` at `target` from a database copy already there. Files that
/// vanished since the copy were being removed (a removal commits the row first), so their
/// rows go from the copy too: the snapshot is the state just after those removals.
fn fill_snapshot(data_dir: &DataDir, target: &Path) -> Result<JobReport, SnapshotError> {
    let mut report = JobReport::default();
    let expected = store_retention::expected_files_in_copy(&target.join(DATABASE))?;
    let files = target.join(FILES);
    create_dir(&files)?;
    let mut vanished = Vec::new();
    let mut shards = std::collections::BTreeSet::new();
    for file in &expected {
        if FileId::parse(&file.file_id).is_none() {
            vanished.push(file.clone());
            continue;
        }
        let shard = files.join(&file.file_id[..2]);
        if shards.insert(shard.clone()) {
            create_dir(&shard)?;
        }
        let from = file_path(&data_dir.files_dir(), &file.file_id);
        let to = file_path(&files, &file.file_id);
        match link_or_copy(&from, &to, STORED_MODE) {
            Ok(()) => report.count += 1,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => vanished.push(file.clone()),
            Err(e) => return Err(io(&to)(e)),
        }
    }
    if !vanished.is_empty() {
        let ids: Vec<String> = vanished.iter().map(|f| f.file_id.clone()).collect();
        store_retention::forget_files_in_copy(&target.join(DATABASE), &ids)?;
        report.notes.push(format!(
            "{} rows were being removed while the snapshot was made; it holds the state after",
            vanished.len()
        ));
    }
    // A real copy, never a link: the live key must not share its inode with anything a
    // later tool might touch.
    let key = data_dir.secret_key_path();
    match std::fs::File::open(&key) {
        Ok(source) => {
            copy_new(source, &target.join(KEY), 0o400).map_err(io(&key))?;
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io(&key)(e)),
    }
    std::fs::File::open(target.join(DATABASE))
        .and_then(|f| f.sync_all())
        .map_err(io(target))?;
    for shard in &shards {
        sync_dir(shard)?;
    }
    sync_dir(&files)?;
    sync_dir(target)?;
    Ok(report)
}

/// The snapshots in a directory, oldest first (finished ones only).
pub fn list_snapshots(dir: &Path) -> Result<Vec<PathBuf>, SnapshotError> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io(dir))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("snapshot-") && !n.contains(PARTIAL))
        })
        .collect();
    found.sort();
    Ok(found)
}

impl Services {
    /// `snapshot`: a consistent copy of the data directory in `data_dir/snapshots`, keeping
    /// the newest `[retention] snapshots_keep`. Waits up to two minutes while another snapshot
    /// is being made (by the server or a command), then refuses, naming who holds it.
    pub async fn run_snapshot(&self) -> Result<JobReport, ServiceError> {
        if let Some(objects) = self.blobs.objects() {
            let name = snapshot_name(self.clock.now());
            return self.run_snapshot_in_bucket(&objects.clone(), name).await;
        }
        let data_dir = self.blobs.data_dir().clone();
        let lock = self.lock_task(Task::Snapshot, SNAPSHOT_WAIT).await?;
        let dir = data_dir.snapshots_dir();
        let name = snapshot_name(self.clock.now());
        let partial = dir.join(format!(
            "{name}{PARTIAL}-{}-{}",
            std::process::id(),
            FileId::random()
        ));
        // Ours alone: a name nobody else uses, created exclusively.
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(&partial)
            .map_err(io(&partial))
            .map_err(snapshot_failed)?;
        let copied = self.store.copy_to(partial.join(DATABASE)).await;
        let keep = self.settings.retention.snapshots_keep;
        let made = tokio::task::spawn_blocking(move || -> Result<JobReport, SnapshotError> {
            let _lock = lock;
            let built = copied
                .map_err(SnapshotError::from)
                .and_then(|()| fill_snapshot(&data_dir, &partial))
                .and_then(|report| {
                    let target = free_name(&dir, &name);
                    // A directory rename never replaces a non-empty directory, and none is
                    // there: the lock keeps other snapshot runs out.
                    std::fs::rename(&partial, &target).map_err(io(&target))?;
                    sync_dir(&dir)?;
                    Ok((report, target))
                });
            let (mut report, target) = match built {
                Ok(built) => built,
                Err(e) => {
                    // Only what this run made.
                    let _ = std::fs::remove_dir_all(&partial);
                    return Err(e);
                }
            };
            report.notes.push(format!("made {}", target.display()));
            // The snapshot is made; a failure to tidy older ones is reported, not fatal.
            if let Err(e) = prune(&dir, keep, &mut report) {
                report.problems += 1;
                report.notes.push(format!("pruning old snapshots: {e}"));
            }
            Ok(report)
        })
        .await
        .map_err(|_| ServiceError::Maintenance("snapshot task failed".to_owned()))?;
        made.map_err(snapshot_failed)
    }
}

/// The first of `snapshot-<time>`, `snapshot-<time>-2`, … that is free (two snapshots in one
/// second get different names, sorting in the order they were made).
fn free_name(dir: &Path, name: &str) -> PathBuf {
    let mut target = dir.join(name);
    let mut n = 2;
    while target.exists() {
        target = dir.join(format!("{name}-{n}"));
        n += 1;
    }
    target
}

/// Removes all but the newest `keep` snapshots, skipping one that is being restored from, and
/// the half-made directories of snapshot runs that crashed. Called with the snapshot lock
/// held, so no partial directory can belong to a run still going.
fn prune(dir: &Path, keep: usize, report: &mut JobReport) -> Result<(), SnapshotError> {
    let all = list_snapshots(dir)?;
    for old in all.iter().take(all.len().saturating_sub(keep)) {
        let Ok(_unused) = lock_snapshot(old, Exclusive::Yes) else {
            report
                .notes
                .push(format!("kept {}: it is being restored from", old.display()));
            continue;
        };
        match std::fs::remove_dir_all(old) {
            Ok(()) => report.notes.push(format!("removed {}", old.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(old)(e)),
        }
    }
    for entry in std::fs::read_dir(dir)
        .map_err(io(dir))?
        .filter_map(Result::ok)
    {
        let path = entry.path();
        let stale = entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with("snapshot-") && n.contains(PARTIAL));
        if stale {
            std::fs::remove_dir_all(&path).map_err(io(&path))?;
            report
                .notes
                .push(format!("removed {} (left by a crash)", path.display()));
        }
    }
    Ok(())
}

#[derive(PartialEq, Eq)]
enum Exclusive {
    Yes,
    No,
}

/// A `flock` on a snapshot's directory: shared while restoring from it, exclusive (never
/// waiting) to remove it.
fn lock_snapshot(snapshot: &Path, exclusive: Exclusive) -> std::io::Result<std::fs::File> {
    let handle = std::fs::File::open(snapshot)?;
    if exclusive == Exclusive::Yes {
        handle.try_lock().map_err(std::io::Error::from)?;
    } else {
        handle.try_lock_shared().map_err(std::io::Error::from)?;
    }
    Ok(handle)
}

fn snapshot_failed(e: SnapshotError) -> ServiceError {
    ServiceError::Maintenance(format!("snapshot: {e}"))
}

/// What a restore put in place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    pub files: u64,
    pub bytes: u64,
}

/// Restores `snapshot` into `target`, which must be new or empty. Every file is copied,
/// checked against its SHA-256 and synced before the database is put in place, so a
/// restore that fails half-way leaves no database that could be started by mistake.
///
/// The snapshot is read under a shared lock (pruning leaves it alone meanwhile) and `target`
/// is held with the server lock (`holder`, see [`crate::data_dir::holder_line`]), so neither a
/// server nor a second restore can use it half-made.
pub fn restore(snapshot: &Path, target: &Path, holder: &str) -> Result<Restored, SnapshotError> {
    // Held first, so pruning cannot take the snapshot away between the checks and the copy.
    let _reading = lock_snapshot(snapshot, Exclusive::No).map_err(|e| {
        if e.kind() == std::io::ErrorKind::WouldBlock {
            SnapshotError::BeingRemoved(snapshot.to_path_buf())
        } else {
            io(snapshot)(e)
        }
    })?;
    let database = snapshot.join(DATABASE);
    let half_made = std::fs::canonicalize(snapshot)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().contains(PARTIAL)))
        .unwrap_or(true);
    if !database.is_file() || half_made {
        return Err(SnapshotError::NotASnapshot(snapshot.to_path_buf()));
    }
    if target.exists()
        && std::fs::read_dir(target)
            .map_err(io(target))?
            .next()
            .is_some()
    {
        return Err(SnapshotError::NotEmpty(target.to_path_buf()));
    }
    let data_dir = DataDir::open(target)?;
    // No server may start on a half-restored directory, and no second restore may fill it.
    let _restoring = data_dir.lock_for_server(holder)?;
    let expected = store_retention::expected_files_in_copy(&database)?;
    let mut restored = Restored { files: 0, bytes: 0 };
    let mut shards = std::collections::BTreeSet::new();
    for file in &expected {
        let from = file_path(&snapshot.join(FILES), &file.file_id);
        let shard = data_dir.files_dir().join(&file.file_id[..2]);
        if shards.insert(shard.clone()) {
            create_dir(&shard)?;
        }
        let to = file_path(&data_dir.files_dir(), &file.file_id);
        let source = std::fs::File::open(&from).map_err(|_| SnapshotError::Incomplete {
            owner: file.owner.clone(),
            file: file.file_id.clone(),
        })?;
        let (size, sha256) = copy_new(source, &to, STORED_MODE).map_err(io(&to))?;
        if hex::encode(sha256) != file.sha256 {
            return Err(SnapshotError::Damaged {
                file: file.file_id.clone(),
            });
        }
        restored.files += 1;
        restored.bytes += size;
    }
    for shard in &shards {
        sync_dir(shard)?;
    }
    sync_dir(&data_dir.files_dir())?;
    let key = snapshot.join(KEY);
    if key.exists() {
        let source = std::fs::File::open(&key).map_err(io(&key))?;
        let key_path = data_dir.secret_key_path();
        copy_new(source, &key_path, 0o600).map_err(io(&key_path))?;
    }
    // The database last, under a temporary name first: it is what makes this a data directory.
    let staged = target.join(format!("{DATABASE}{PARTIAL}"));
    let source = std::fs::File::open(&database).map_err(io(&database))?;
    copy_new(source, &staged, 0o600).map_err(io(&staged))?;
    std::fs::rename(&staged, data_dir.database_path()).map_err(io(target))?;
    sync_dir(target)?;
    Ok(restored)
}
