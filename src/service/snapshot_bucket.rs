//! Snapshots when files live in a bucket: the database copy, the sealing key and a manifest of
//! the objects the copy refers to go to `snapshots/<name>/` in the bucket — beside the files,
//! off the machine. Objects are immutable, so they are not copied: the manifest names them, and
//! [`crate::blobs::BlobStore::delete`] keeps an object a kept snapshot may refer to until the
//! snapshot is pruned (SPEC.md Part 2, "Storage beyond one disk").
//!
//! The manifest is written last: a folder without one is a snapshot cut short, which is never
//! restored from and protects nothing.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use futures_util::StreamExt;

use super::retention::JobReport;
use super::snapshot::{Restored, SnapshotError};
use super::{ServiceError, Services};
use crate::blobs::objects::{MANIFEST, STARTED};
use crate::blobs::{BlobError, FileId, Objects};
use crate::data_dir::{DataDir, Task};
use crate::store::retention::{self as store_retention, ExpectedFile};

const DATABASE: &str = "loondossier.db";
const KEY: &str = "secret.key";
/// Objects checked at once by a restore.
const CHECKS_AT_ONCE: usize = 16;

fn failed(what: &str) -> impl FnOnce(BlobError) -> ServiceError + '_ {
    move |e| ServiceError::Maintenance(format!("snapshot: {what}: {e}"))
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ServiceError + '_ {
    move |e| ServiceError::Maintenance(format!("snapshot: {}: {e}", path.display()))
}

/// One manifest line: a file the snapshot's database refers to.
fn manifest_line(file: &ExpectedFile) -> String {
    let mut line = serde_json::json!({
        "file": file.file_id,
        "size": file.size,
        "sha256": file.sha256,
        "owner": file.owner,
    })
    .to_string();
    line.push('\n');
    line
}

impl Services {
    /// `snapshot` with files in `objects`: the database is copied in one read transaction to
    /// a private file first (writers keep going), rows whose object went meanwhile are dropped
    /// from the copy (their removal had committed), and the copy, the key and the manifest are
    /// uploaded; then all but the newest `[retention] snapshots_keep` are removed.
    pub(super) async fn run_snapshot_in_bucket(
        &self,
        objects: &Objects,
        name: String,
    ) -> Result<JobReport, ServiceError> {
        let data_dir = self.blobs.data_dir().clone();
        let _lock = self
            .lock_task(Task::Snapshot, std::time::Duration::from_secs(120))
            .await?;
        let mut report = JobReport::default();
        let existing = objects.folders("snapshots").await.map_err(failed("list"))?;
        let mut folder = name.clone();
        let mut n = 2;
        while existing.contains(&folder) {
            folder = format!("{name}-{n}");
            n += 1;
        }
        let base = format!("snapshots/{folder}");
        // Before the copy: from now on, what the copy may refer to is kept (see
        // `BlobStore::delete`).
        objects
            .put_named(&format!("{base}/{STARTED}"), bytes::Bytes::new())
            .await
            .map_err(failed("start"))?;
        // A private scratch directory for the copy, removed whatever happens.
        let scratch = Scratch::new(&data_dir)?;
        let copy = scratch.path().join(DATABASE);
        self.store.copy_to(copy.clone()).await?;
        let expected = {
            let copy = copy.clone();
            tokio::task::spawn_blocking(move || store_retention::expected_files_in_copy(&copy))
                .await
                .map_err(|_| ServiceError::Maintenance("snapshot task failed".to_owned()))??
        };
        let present: HashSet<String> = objects
            .list("files")
            .await
            .map_err(failed("list"))?
            .into_iter()
            .map(|l| l.name)
            .collect();
        let (kept, vanished): (Vec<ExpectedFile>, Vec<ExpectedFile>) = expected
            .into_iter()
            .partition(|f| present.contains(&f.file_id));
        if !vanished.is_empty() {
            let ids: Vec<String> = vanished.iter().map(|f| f.file_id.clone()).collect();
            let copy = copy.clone();
            tokio::task::spawn_blocking(move || store_retention::forget_files_in_copy(&copy, &ids))
                .await
                .map_err(|_| ServiceError::Maintenance("snapshot task failed".to_owned()))??;
            report.notes.push(format!(
                "{} rows were being removed while the snapshot was made; it holds the state after",
                vanished.len()
            ));
        }
        let manifest = scratch.path().join(MANIFEST);
        {
            use std::io::Write;
            let mut out =
                std::io::BufWriter::new(std::fs::File::create(&manifest).map_err(io(&manifest))?);
            for file in &kept {
                out.write_all(manifest_line(file).as_bytes())
                    .map_err(io(&manifest))?;
            }
            out.flush().map_err(io(&manifest))?;
        }
        objects
            .put_file(&format!("{base}/{DATABASE}"), &copy)
            .await
            .map_err(failed("database"))?;
        match tokio::fs::read(data_dir.secret_key_path()).await {
            Ok(key) => objects
                .put_named(&format!("{base}/{KEY}"), key.into())
                .await
                .map_err(failed("key"))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(&data_dir.secret_key_path())(e)),
        }
        objects
            .put_file(&format!("{base}/{MANIFEST}"), &manifest)
            .await
            .map_err(failed("manifest"))?;
        report.count = kept.len() as u64;
        report.notes.push(format!(
            "made {}{base} ({})",
            objects.shown(),
            crate::blobs::files_count(kept.len() as u64)
        ));
        self.prune_bucket_snapshots(objects, &mut report).await;
        Ok(report)
    }

    /// Removes all but the newest `snapshots_keep` finished snapshots from the bucket, and
    /// folders of snapshot runs cut short (older than the newest finished one). A failure is
    /// reported, not fatal: the new snapshot is made.
    async fn prune_bucket_snapshots(&self, objects: &Objects, report: &mut JobReport) {
        let pruned = async {
            // Each folder with when it began (its oldest object, by the store's clock: names
            // of snapshots made in one second may be reused after a prune, times are not)
            // and whether it is finished.
            let mut folders: std::collections::HashMap<String, (std::time::SystemTime, bool)> =
                std::collections::HashMap::new();
            for listed in objects.list("snapshots").await? {
                let Some(folder) = snapshot_folder(&listed.path) else {
                    continue;
                };
                let entry = folders.entry(folder).or_insert((listed.modified, false));
                entry.0 = entry.0.min(listed.modified);
                entry.1 |= listed.name == MANIFEST;
            }
            let mut done: Vec<(std::time::SystemTime, String)> = folders
                .iter()
                .filter(|(_, (_, finished))| *finished)
                .map(|(folder, (began, _))| (*began, folder.clone()))
                .collect();
            done.sort();
            let keep = self.settings.retention.snapshots_keep;
            let newest = done.last().map(|(began, _)| *began);
            let old = done.len().saturating_sub(keep);
            for (_, folder) in done.drain(..old) {
                objects
                    .remove_snapshot(&format!("snapshots/{folder}"))
                    .await?;
                report.notes.push(format!("removed snapshot {folder}"));
            }
            for (folder, (began, finished)) in &folders {
                if !finished && newest.is_some_and(|n| *began < n) {
                    objects
                        .remove_snapshot(&format!("snapshots/{folder}"))
                        .await?;
                    report
                        .notes
                        .push(format!("removed {folder} (cut short by a crash)"));
                }
            }
            Ok::<(), BlobError>(())
        }
        .await;
        if let Err(e) = pruned {
            report.problems += 1;
            report.notes.push(format!("pruning old snapshots: {e}"));
        }
    }
}

/// A directory of one snapshot run's own (`.snapshot-upload-<pid>-<random>` in the data
/// directory), removed when the run ends however it ends.
struct Scratch(PathBuf);

impl Scratch {
    fn new(data_dir: &DataDir) -> Result<Self, ServiceError> {
        use std::os::unix::fs::DirBuilderExt;
        let path = data_dir.root().join(format!(
            ".snapshot-upload-{}-{}",
            std::process::id(),
            FileId::random()
        ));
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(&path)
            .map_err(io(&path))?;
        Ok(Self(path))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The snapshot folder an object key like `…/snapshots/<folder>/manifest.json` is in.
fn snapshot_folder(key: &Path) -> Option<String> {
    key.parent()?.file_name()?.to_str().map(str::to_owned)
}

/// Restores the snapshot `name` of the bucket into `target` (new or empty): every object the
/// manifest names is checked to be in the bucket with its size, then the key and, last, the
/// database are put in place. The files stay in the bucket; the restored directory uses them.
pub async fn restore_from_bucket(
    objects: &Objects,
    name: &str,
    target: &Path,
    holder: &str,
) -> Result<Restored, SnapshotError> {
    let base = format!("snapshots/{name}");
    let not_a_snapshot =
        || SnapshotError::NotASnapshot(PathBuf::from(format!("{}{base}", objects.shown())));
    let manifest = match objects.get_named(&format!("{base}/{MANIFEST}")).await {
        Ok(bytes) => bytes,
        Err(BlobError::NotFound) => return Err(not_a_snapshot()),
        Err(e) => return Err(unavailable(e)),
    };
    if target.exists()
        && std::fs::read_dir(target)
            .map_err(|source| SnapshotError::Io {
                path: target.to_path_buf(),
                source,
            })?
            .next()
            .is_some()
    {
        return Err(SnapshotError::NotEmpty(target.to_path_buf()));
    }
    let data_dir = DataDir::open(target)?;
    let _restoring = data_dir.lock_for_server(holder)?;
    let mut entries = Vec::new();
    for line in String::from_utf8_lossy(&manifest).lines() {
        let entry: serde_json::Value = serde_json::from_str(line).map_err(|_| not_a_snapshot())?;
        let file = entry["file"].as_str().and_then(FileId::parse);
        let size = entry["size"].as_u64();
        let (Some(file), Some(size)) = (file, size) else {
            return Err(not_a_snapshot());
        };
        let owner = entry["owner"].as_str().unwrap_or_default().to_owned();
        entries.push((file, size, owner));
    }
    let referenced: HashSet<String> = entries.iter().map(|(f, _, _)| f.to_string()).collect();
    let mut checks = futures_util::stream::iter(entries)
        .map(|(file, size, owner)| async move {
            match objects.head(file).await {
                Ok(found) if found.size == size => Ok(size),
                Ok(_) => Err(SnapshotError::Damaged {
                    file: file.to_string(),
                }),
                Err(BlobError::NotFound) => Err(SnapshotError::Incomplete {
                    owner,
                    file: file.to_string(),
                }),
                Err(e) => Err(unavailable(e)),
            }
        })
        .buffer_unordered(CHECKS_AT_ONCE);
    let mut restored = Restored { files: 0, bytes: 0 };
    while let Some(checked) = checks.next().await {
        restored.bytes += checked?;
        restored.files += 1;
    }
    drop(checks);
    // The restored database refers to these objects again: deletion markers left for them
    // (their rows were removed after the snapshot) no longer say when they went.
    let markers = objects.list("deleted").await.map_err(unavailable)?;
    for marker in markers.iter().filter(|m| referenced.contains(&m.name)) {
        if let Some(id) = FileId::parse(&marker.name) {
            objects.unmark_deleted(id).await.map_err(unavailable)?;
        }
    }
    match objects
        .get_named_to_file(&format!("{base}/{KEY}"), &data_dir.secret_key_path())
        .await
    {
        Ok(_) | Err(BlobError::NotFound) => {}
        Err(e) => return Err(unavailable(e)),
    }
    // The database last, under a temporary name first: it is what makes this a data directory.
    let staged = target.join(format!("{DATABASE}.partial"));
    match objects
        .get_named_to_file(&format!("{base}/{DATABASE}"), &staged)
        .await
    {
        Ok(_) => {}
        // Pruned while this restore ran (the manifest goes first, then the database).
        Err(BlobError::NotFound) => {
            let _ = std::fs::remove_file(&staged);
            return Err(SnapshotError::BeingRemoved(PathBuf::from(format!(
                "{}{base}",
                objects.shown()
            ))));
        }
        Err(e) => return Err(unavailable(e)),
    }
    std::fs::rename(&staged, data_dir.database_path()).map_err(|source| SnapshotError::Io {
        path: staged.clone(),
        source,
    })?;
    std::fs::File::open(target)
        .and_then(|d| d.sync_all())
        .map_err(|source| SnapshotError::Io {
            path: target.to_path_buf(),
            source,
        })?;
    Ok(restored)
}

fn unavailable(e: BlobError) -> SnapshotError {
    SnapshotError::Io {
        path: PathBuf::from("the bucket"),
        source: std::io::Error::other(e.to_string()),
    }
}
