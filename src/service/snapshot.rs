//! Snapshots of a data directory and restoring one: a consistent copy of the database (read
//! in one transaction, writers keep going), the files it refers to (hard links, so a snapshot
//! costs little space until files are removed from the live store), and the sealing key.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::retention::JobReport;
use super::{ServiceError, Services};
use crate::blobs::FileId;
use crate::data_dir::DataDir;
use crate::store::retention as store_retention;

/// Names of what a snapshot directory holds.
const DATABASE: &str = "loondossier.db";
const FILES: &str = "files";
const KEY: &str = "secret.key";
/// A snapshot still being made; never restored from, removed when found stale.
const PARTIAL: &str = ".partial";

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the snapshot's database: {0}")]
    Database(#[from] crate::store::StoreError),
    #[error("{0} is not a snapshot (it has no {DATABASE})")]
    NotASnapshot(PathBuf),
    #[error("{0} is not empty: restore only into a new or empty directory")]
    NotEmpty(PathBuf),
    #[error("the snapshot lacks file {file} (of {owner}); it cannot be restored whole")]
    Incomplete { owner: String, file: String },
    #[error("file {file} in the snapshot does not match its SHA-256")]
    Damaged { file: String },
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

/// Puts `from` at `to`: a hard link when both are on one file system, else a synced copy.
fn link_or_copy(from: &Path, to: &Path) -> std::io::Result<()> {
    match std::fs::hard_link(from, to) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(e),
        Err(_) => {
            std::fs::copy(from, to)?;
            std::fs::File::open(to)?.sync_all()
        }
    }
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
        match link_or_copy(&from, &to) {
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
    let key = data_dir.secret_key_path();
    if key.exists() {
        link_or_copy(&key, &target.join(KEY)).map_err(io(&key))?;
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
                .is_some_and(|n| n.starts_with("snapshot-") && !n.ends_with(PARTIAL))
        })
        .collect();
    found.sort();
    Ok(found)
}

impl Services {
    /// `snapshot`: a consistent copy of the data directory in `data_dir/snapshots`, keeping
    /// the newest `[retention] snapshots_keep`.
    pub async fn run_snapshot(&self) -> Result<JobReport, ServiceError> {
        let data_dir = self.blobs.data_dir().clone();
        let dir = data_dir.snapshots_dir();
        let name = snapshot_name(self.clock.now());
        let partial = dir.join(format!("{name}{PARTIAL}"));
        let target = dir.join(&name);
        if target.exists() {
            return Err(ServiceError::invalid(
                "snapshot",
                format!("{} exists already; try again in a second", target.display()),
            ));
        }
        let _ = std::fs::remove_dir_all(&partial);
        create_dir(&partial).map_err(snapshot_failed)?;
        self.store.copy_to(partial.join(DATABASE)).await?;
        let keep = self.settings.retention.snapshots_keep;
        let made = tokio::task::spawn_blocking(move || -> Result<JobReport, SnapshotError> {
            let mut report = fill_snapshot(&data_dir, &partial)?;
            std::fs::rename(&partial, &target).map_err(io(&target))?;
            sync_dir(&dir)?;
            report.notes.push(format!("made {}", target.display()));
            let all = list_snapshots(&dir)?;
            for old in all.iter().take(all.len().saturating_sub(keep)) {
                std::fs::remove_dir_all(old).map_err(io(old))?;
                report.notes.push(format!("removed {}", old.display()));
            }
            // Snapshots a crash left half-made.
            for entry in std::fs::read_dir(&dir)
                .map_err(io(&dir))?
                .filter_map(Result::ok)
            {
                let path = entry.path();
                if path.to_string_lossy().ends_with(PARTIAL) {
                    let _ = std::fs::remove_dir_all(&path);
                }
            }
            Ok(report)
        })
        .await
        .map_err(|_| ServiceError::Maintenance("snapshot task failed".to_owned()))?;
        made.map_err(snapshot_failed)
    }
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
pub fn restore(snapshot: &Path, target: &Path) -> Result<Restored, SnapshotError> {
    let database = snapshot.join(DATABASE);
    if !database.is_file() {
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
    let data_dir = DataDir::open(target).map_err(|e| SnapshotError::Io {
        path: target.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    })?;
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
        let (size, sha256) = copy_synced(source, &to)?;
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
        copy_synced(source, &data_dir.secret_key_path())?;
    }
    // The database last, under a temporary name first: it is what makes this a data directory.
    let staged = target.join(format!("{DATABASE}{PARTIAL}"));
    let source = std::fs::File::open(&database).map_err(io(&database))?;
    copy_synced(source, &staged)?;
    std::fs::rename(&staged, data_dir.database_path()).map_err(io(target))?;
    sync_dir(target)?;
    Ok(restored)
}

/// Copies `source` to a new file at `path` (owner-only), synced; returns its size and SHA-256.
/// Streams in blocks: backups can be gigabytes.
fn copy_synced(mut source: std::fs::File, path: &Path) -> Result<(u64, [u8; 32]), SnapshotError> {
    use sha2::{Digest, Sha256};
    use std::io::{Read, Write};
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(io(path))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 256 * 1024];
    let mut size = 0u64;
    loop {
        let n = source.read(&mut buffer).map_err(io(path))?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        file.write_all(&buffer[..n]).map_err(io(path))?;
        size += n as u64;
    }
    file.sync_all().map_err(io(path))?;
    Ok((size, hasher.finalize().into()))
}
