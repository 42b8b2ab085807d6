//! `loondossier storage migrate --to s3`: copies a data directory's stored files into the
//! configured bucket, checking each one read back from the store against the local file's size
//! and SHA-256, and finishing by moving `files/` aside — the step that lets a server start on
//! the bucket (SPEC.md Part 2, "Storage beyond one disk").
//!
//! It can run while a server still serves the local files (it copies what is there), and again
//! after an interruption: files already checked are listed in `storage-migration.progress`
//! (with the bucket they went to) and skipped. The last step needs the server lock, so it only
//! happens with no server running; until then each run copies what came since.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use futures_util::StreamExt;

use super::{BlobError, FileId, Listed, Objects};
use crate::data_dir::DataDir;

/// The progress file in the data directory: the target on the first line, then one checked
/// file id per line.
const PROGRESS: &str = "storage-migration.progress";
/// Left in the new, empty `files/` once every file is in the bucket: names where they went,
/// so a server started on the old config refuses instead of serving without its files.
pub const MOVED: &str = "MOVED-TO-BUCKET";
/// Files copied at once.
const AT_ONCE: usize = 4;

#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("file {file}: {source}")]
    Store { file: String, source: BlobError },
    #[error(
        "file {file}: the bucket holds {got_size} bytes with SHA-256 {got_sha}, the data \
         directory {size} bytes with SHA-256 {sha}"
    )]
    Mismatch {
        file: String,
        size: u64,
        sha: String,
        got_size: u64,
        got_sha: String,
    },
    #[error("{0}")]
    DataDir(#[from] crate::data_dir::DataDirError),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> MigrateError + '_ {
    move |source| MigrateError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Migrated {
    /// Files copied and checked by this run.
    pub copied: u64,
    pub bytes: u64,
    /// Files an earlier run had copied and checked already.
    pub skipped: u64,
    /// Where `files/` went once all was copied; `None` while a server still runs.
    pub moved_aside: Option<PathBuf>,
    /// The server holding the data directory, when one does (the run must be repeated).
    pub server: Option<String>,
}

/// Copies every stored file of `data_dir` into `objects`, then, when no server holds the data
/// directory, copies what came meanwhile and moves `files/` aside. `holder` names this run in
/// the server lock (see [`crate::data_dir::holder_line`]).
pub async fn to_bucket(
    data_dir: &DataDir,
    objects: &Objects,
    holder: &str,
) -> Result<Migrated, MigrateError> {
    let mut done = Progress::open(data_dir, objects.identity())?;
    let mut report = Migrated::default();
    let files = data_dir.files_dir();
    copy_pass(&files, objects, &mut done, &mut report).await?;
    let mut skipped = report.skipped;
    let _lock = match data_dir.lock_for_server(holder) {
        Ok(lock) => lock,
        Err(crate::data_dir::DataDirError::InUse { holder, .. }) => {
            report.server = Some(holder);
            return Ok(report);
        }
        Err(e) => return Err(e.into()),
    };
    // No server now, and none can start: what came since the first pass is copied. What
    // earlier runs copied is looked at once more in the bucket (size), so a progress file
    // never vouches for an object that is not there.
    skipped -= recheck(&files, objects, &mut done).await?;
    copy_pass(&files, objects, &mut done, &mut report).await?;
    // The second pass skips what the first copied; only the earlier runs' count is news.
    report.skipped = skipped;
    let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
    let aside = data_dir.root().join(format!("files-migrated-{stamp}"));
    std::fs::rename(&files, &aside).map_err(io(&files))?;
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(&files)
            .map_err(io(&files))?;
        let moved = files.join(MOVED);
        let mut note = std::fs::OpenOptions::new();
        std::os::unix::fs::OpenOptionsExt::mode(&mut note, 0o600);
        note.write(true)
            .create_new(true)
            .open(&moved)
            .and_then(|mut f| {
                writeln!(f, "{}", objects.shown())?;
                f.sync_all()
            })
            .map_err(io(&moved))?;
        std::fs::File::open(&files)
            .and_then(|d| d.sync_all())
            .map_err(io(&files))?;
    }
    std::fs::File::open(data_dir.root())
        .and_then(|d| d.sync_all())
        .map_err(io(data_dir.root()))?;
    // An admin command still on the old config (it takes no server lock) may have stored a
    // file after the last pass listed `files/`: it is in the directory moved aside now.
    let before = report.copied;
    copy_pass(&aside, objects, &mut done, &mut report).await?;
    report.skipped = skipped;
    if report.copied > before {
        tracing::info!(
            files = report.copied - before,
            "copied files stored while the migration finished"
        );
    }
    done.finish()?;
    report.moved_aside = Some(aside);
    Ok(report)
}

/// The stored files in the shards of a `files/` directory (or one moved aside).
async fn list_files(files: &Path) -> Result<Vec<Listed>, MigrateError> {
    let dir = files.to_path_buf();
    tokio::task::spawn_blocking(move || -> std::io::Result<Vec<Listed>> {
        let mut out = Vec::new();
        for shard in std::fs::read_dir(&dir)? {
            let shard = shard?;
            if !shard.file_type()?.is_dir() {
                continue;
            }
            for entry in std::fs::read_dir(shard.path())? {
                let entry = entry?;
                let meta = match entry.metadata() {
                    Ok(meta) => meta,
                    // Removed meanwhile by the server (its row went first).
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                    Err(e) => return Err(e),
                };
                out.push(Listed {
                    name: entry.file_name().to_string_lossy().into_owned(),
                    path: entry.path(),
                    size: meta.len(),
                    modified: meta.modified()?,
                });
            }
        }
        Ok(out)
    })
    .await
    .map_err(|e| io(files)(std::io::Error::other(e)))?
    .map_err(io(files))
}

/// Forgets the progress entries whose object is not in the bucket with the local file's
/// size, so the next pass copies them again; returns how many.
async fn recheck(
    files: &Path,
    objects: &Objects,
    done: &mut Progress,
) -> Result<u64, MigrateError> {
    let earlier: Vec<(FileId, Listed)> = list_files(files)
        .await?
        .into_iter()
        .filter(|file| done.has(&file.name))
        .filter_map(|file| FileId::parse(&file.name).map(|id| (id, file)))
        .collect();
    let mut checks = futures_util::stream::iter(earlier)
        .map(|(id, file)| async move {
            match objects.head(id).await {
                Ok(found) => Ok((file.name, found.size == file.size)),
                Err(BlobError::NotFound) => Ok((file.name, false)),
                Err(source) => Err(MigrateError::Store {
                    file: file.name,
                    source,
                }),
            }
        })
        .buffer_unordered(AT_ONCE * 4);
    let mut forgotten = 0;
    while let Some(checked) = checks.next().await {
        let (name, there) = checked?;
        if !there {
            done.forget(&name);
            forgotten += 1;
        }
    }
    Ok(forgotten)
}

/// Copies the files not yet checked, [`AT_ONCE`] at a time; each one is read back from the
/// bucket and compared before it counts as done. A file removed meanwhile (the server
/// removed its row, then the file) is passed over.
async fn copy_pass(
    files: &Path,
    objects: &Objects,
    done: &mut Progress,
    report: &mut Migrated,
) -> Result<(), MigrateError> {
    let listed = list_files(files).await?;
    let mut todo: Vec<(FileId, Listed)> = Vec::new();
    for file in listed {
        let Some(id) = FileId::parse(&file.name) else {
            continue;
        };
        if done.has(&file.name) {
            report.skipped += 1;
        } else {
            todo.push((id, file));
        }
    }
    let mut copies = futures_util::stream::iter(todo)
        .map(|(id, file)| copy_one(objects, id, file))
        .buffer_unordered(AT_ONCE);
    while let Some(copied) = copies.next().await {
        let Some((name, size)) = copied? else {
            continue;
        };
        done.add(&name)?;
        report.copied += 1;
        report.bytes += size;
    }
    done.sync()
}

async fn copy_one(
    objects: &Objects,
    id: FileId,
    file: Listed,
) -> Result<Option<(String, u64)>, MigrateError> {
    let opened = match tokio::fs::File::open(&file.path).await {
        Ok(opened) => opened,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(&file.path)(e)),
    };
    let body = tokio_util::io::ReaderStream::with_capacity(opened, 256 * 1024);
    let store_error = |source| MigrateError::Store {
        file: file.name.clone(),
        source,
    };
    let sent = objects.put(id, body, u64::MAX).await.map_err(store_error)?;
    let (got_size, got_sha) = objects.digest(id).await.map_err(store_error)?;
    if got_size != sent.size || got_sha != sent.sha256 {
        return Err(MigrateError::Mismatch {
            file: file.name,
            size: sent.size,
            sha: hex::encode(sent.sha256),
            got_size,
            got_sha: hex::encode(got_sha),
        });
    }
    Ok(Some((file.name, sent.size)))
}

/// The ids checked so far, kept in the progress file.
struct Progress {
    path: PathBuf,
    file: std::fs::File,
    done: HashSet<String>,
    unsynced: usize,
}

impl Progress {
    /// Opens the progress of an earlier run to the same target, or starts one.
    fn open(data_dir: &DataDir, target: &str) -> Result<Self, MigrateError> {
        let path = data_dir.root().join(PROGRESS);
        let earlier = match std::fs::read_to_string(&path) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(io(&path)(e)),
        };
        let done: HashSet<String> = match &earlier {
            Some(text) if text.lines().next() == Some(target) => {
                text.lines().skip(1).map(str::to_owned).collect()
            }
            _ => HashSet::new(),
        };
        let same_target = earlier
            .as_deref()
            .is_some_and(|t| t.lines().next() == Some(target));
        let mut file = {
            use std::os::unix::fs::OpenOptionsExt;
            std::fs::OpenOptions::new()
                .create(true)
                .append(same_target)
                .write(true)
                .truncate(!same_target)
                .mode(0o600)
                .open(&path)
                .map_err(io(&path))?
        };
        if !same_target {
            writeln!(file, "{target}").map_err(io(&path))?;
        }
        Ok(Self {
            path,
            file,
            done,
            unsynced: 0,
        })
    }

    fn has(&self, name: &str) -> bool {
        self.done.contains(name)
    }

    /// Drops an entry for this run (the file is copied again; a later entry in the file wins
    /// nothing, as entries only ever say "done").
    fn forget(&mut self, name: &str) {
        self.done.remove(name);
    }

    fn add(&mut self, name: &str) -> Result<(), MigrateError> {
        writeln!(self.file, "{name}").map_err(io(&self.path))?;
        self.done.insert(name.to_owned());
        self.unsynced += 1;
        // A crash loses at most the last few entries: those files are copied again.
        if self.unsynced >= 256 {
            self.sync()?;
        }
        Ok(())
    }

    fn sync(&mut self) -> Result<(), MigrateError> {
        self.file.sync_data().map_err(io(&self.path))?;
        self.unsynced = 0;
        Ok(())
    }

    /// The migration is complete: the progress file goes.
    fn finish(self) -> Result<(), MigrateError> {
        std::fs::remove_file(&self.path).map_err(io(&self.path))
    }
}
