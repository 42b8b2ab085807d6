//! The file store: under the data directory (uploads stream into `tmp/` while hashed and
//! counted, are fsynced, renamed into `files/` and the directory fsynced — only then are they
//! "stored") or in an S3-compatible bucket ([`objects`]; stored once the store acknowledged the
//! whole object). Files are named by generated ids, never by anything a user sent.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Buf;
use futures_util::{Stream, StreamExt};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// "1 file" or "N files", for what the maintenance commands and jobs report.
pub fn files_count(n: u64) -> String {
    if n == 1 {
        "1 file".to_owned()
    } else {
        format!("{n} files")
    }
}

use crate::data_dir::DataDir;

mod cached;
mod content;
pub mod copy;
pub mod migrate;
pub mod objects;
pub use content::Content;
pub use objects::Objects;

/// A stored file's name: 128 random bits, shown as 32 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileId([u8; 16]);

impl FileId {
    pub fn random() -> Self {
        let mut bytes = [0u8; 16];
        rand::rng().fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// Parses the hex form; anything else is not a file id.
    pub fn parse(text: &str) -> Option<Self> {
        let mut bytes = [0u8; 16];
        if text.len() != 32 || !text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return None;
        }
        hex::decode_to_slice(text, &mut bytes).ok()?;
        Some(Self(bytes))
    }
}

impl fmt::Display for FileId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for FileId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FileId({self})")
    }
}

/// What `put` reports once the file is durable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBlob {
    pub id: FileId,
    pub size: u64,
    pub sha256: [u8; 32],
}

/// A file found in the store's directories.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub name: String,
    pub path: PathBuf,
    pub size: u64,
    pub modified: std::time::SystemTime,
}

impl Listed {
    /// The entry's details; `None` if it went between listing and looking (an upload's temp
    /// file renamed into the store, a file removed after its row): not an error while
    /// uploads and removals go on beside a check.
    fn of(entry: std::fs::DirEntry) -> std::io::Result<Option<Self>> {
        let meta = match entry.metadata() {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        Ok(Some(Self {
            name: entry.file_name().to_string_lossy().into_owned(),
            path: entry.path(),
            size: meta.len(),
            modified: meta.modified()?,
        }))
    }
}

/// A durability step, in the order `put` and `delete` take them; observable for tests and traces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlobStep {
    /// All bytes are in the temp file (not yet durable).
    TempWritten(PathBuf),
    /// The temp file's contents are on disk.
    TempSynced(PathBuf),
    /// The temp file has its final name.
    Renamed(PathBuf),
    /// The directory entry of the final name is on disk: the file is stored.
    DirSynced(PathBuf),
    /// A stored file was removed (its directory is synced next).
    Unlinked(PathBuf),
}

type Observer = Arc<dyn Fn(&BlobStep) + Send + Sync>;

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("the file is larger than the limit of {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("the upload was interrupted: {0}")]
    Body(Box<dyn std::error::Error + Send + Sync>),
    #[error("no such stored file")]
    NotFound,
    /// The object store did not do what was asked (unreachable, too few nodes, refused).
    #[error("the object store is unavailable: {0}")]
    Unavailable(String),
    #[error("file store I/O error: {0}")]
    Io(#[from] std::io::Error),
}

/// The stored files of one data directory: in its `files/`, or in a bucket.
#[derive(Clone)]
pub struct BlobStore {
    data_dir: DataDir,
    files: PathBuf,
    tmp: PathBuf,
    objects: Option<Objects>,
    observer: Option<Observer>,
}

impl fmt::Debug for BlobStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlobStore")
            .field("files", &self.files)
            .field("objects", &self.objects)
            .finish_non_exhaustive()
    }
}

impl BlobStore {
    pub fn new(data_dir: &DataDir) -> Self {
        Self {
            data_dir: data_dir.clone(),
            files: data_dir.files_dir(),
            tmp: data_dir.tmp_dir(),
            objects: None,
            observer: None,
        }
    }

    /// Files in `objects` (a bucket) instead of the data directory's `files/`.
    pub fn in_bucket(data_dir: &DataDir, objects: Objects) -> Self {
        Self {
            objects: Some(objects),
            ..Self::new(data_dir)
        }
    }

    /// The bucket, when files live in one.
    pub fn objects(&self) -> Option<&Objects> {
        self.objects.as_ref()
    }

    /// Where the files are, for messages: a directory or "s3://bucket/prefix".
    pub fn shown(&self) -> String {
        match &self.objects {
            Some(objects) => objects.shown().to_owned(),
            None => self.files.display().to_string(),
        }
    }

    /// Whether the file store answers now (for `/healthz`): the bucket is asked; a directory
    /// is always there while the server runs.
    pub async fn probe(&self) -> Result<(), BlobError> {
        match &self.objects {
            Some(objects) => objects.probe().await,
            None => Ok(()),
        }
    }

    /// Reports each durability step to `observer` (used by tests to check the order).
    pub fn with_observer(mut self, observer: impl Fn(&BlobStep) + Send + Sync + 'static) -> Self {
        self.observer = Some(Arc::new(observer));
        self
    }

    fn step(&self, step: BlobStep) {
        tracing::trace!(?step, "file store");
        if let Some(observer) = &self.observer {
            observer(&step);
        }
    }

    /// Where a stored file lives: sharded by its first two hex digits to keep directories small.
    fn path_of(&self, id: FileId) -> (PathBuf, PathBuf) {
        let name = id.to_string();
        let shard = self.files.join(&name[..2]);
        (shard.join(&name), shard)
    }

    /// Streams `body` into a new stored file, refusing more than `limit` bytes. Returns only
    /// once the file and its directory entry are on disk; on any error nothing is left behind.
    pub async fn put<S, B, E>(&self, body: S, limit: u64) -> Result<StoredBlob, BlobError>
    where
        S: Stream<Item = Result<B, E>>,
        B: Buf,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let id = FileId::random();
        if let Some(objects) = &self.objects {
            return objects.put(id, body, limit).await;
        }
        let temp = self.tmp.join(format!("{id}.part"));
        let outcome = self.write_and_store(&temp, id, body, limit).await;
        if outcome.is_err() {
            let _ = tokio::fs::remove_file(&temp).await;
        }
        outcome
    }

    /// Receives the body into memory in batches of [`BATCH`] and writes each full batch to the
    /// temp file; the last batch, the fsync, the rename and the directory fsync then happen in
    /// one trip to a blocking thread. A payslip thus costs one such trip, not one per chunk
    /// the network delivered plus one per step.
    async fn write_and_store<S, B, E>(
        &self,
        temp: &Path,
        id: FileId,
        body: S,
        limit: u64,
    ) -> Result<StoredBlob, BlobError>
    where
        S: Stream<Item = Result<B, E>>,
        B: Buf,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let mut hasher = Sha256::new();
        let mut size: u64 = 0;
        let mut file: Option<std::fs::File> = None;
        let mut batch = bytes::BytesMut::new();
        let mut body = std::pin::pin!(body);
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| BlobError::Body(e.into()))?;
            absorb(chunk, &mut size, limit, &mut hasher, &mut batch)?;
            if batch.len() >= BATCH {
                let full = batch.split().freeze();
                let path = temp.to_path_buf();
                let written = tokio::task::spawn_blocking(move || write_batch(file, &path, &full))
                    .await
                    .map_err(|e| std::io::Error::other(e.to_string()))?;
                match written {
                    Ok(open) => file = Some(open),
                    Err(e) => {
                        // Read (and drop) the rest of what the client sends, within the limit,
                        // so it hears why instead of seeing its connection cut mid-request.
                        drain(body.as_mut(), limit.saturating_sub(size)).await;
                        return Err(e.into());
                    }
                }
            }
        }
        let last = batch.freeze();
        let (path, shard) = self.path_of(id);
        let files = self.files.clone();
        let temp = temp.to_path_buf();
        let store = self.clone();
        tokio::task::spawn_blocking(move || -> Result<(), BlobError> {
            let file = write_batch(file, &temp, &last)?;
            store.step(BlobStep::TempWritten(temp.clone()));
            // Read-only before it gets its final name: nothing writes to a stored file again.
            copy::make_read_only(&file)?;
            file.sync_all()?;
            store.step(BlobStep::TempSynced(temp.clone()));
            ensure_dir(&shard, &files)?;
            std::fs::rename(&temp, &path)?;
            store.step(BlobStep::Renamed(path));
            std::fs::File::open(&shard)?.sync_all()?;
            store.step(BlobStep::DirSynced(shard));
            Ok(())
        })
        .await
        .map_err(|e| std::io::Error::other(e.to_string()))??;
        Ok(StoredBlob {
            id,
            size,
            sha256: hasher.finalize().into(),
        })
    }

    /// The data directory the files belong to.
    pub fn data_dir(&self) -> &DataDir {
        &self.data_dir
    }

    /// Where the stored file `id` lives.
    pub fn path(&self, id: FileId) -> PathBuf {
        self.path_of(id).0
    }

    /// Every stored file: its name, path (or object key), size and last change; for the checks
    /// and the orphan sweep. Names that are not file ids are listed too (as found).
    pub async fn list_stored(&self) -> Result<Vec<Listed>, BlobError> {
        if let Some(objects) = &self.objects {
            return objects.list("files").await;
        }
        let store = self.clone();
        tokio::task::spawn_blocking(move || store.list_stored_here())
            .await
            .map_err(|e| std::io::Error::other(e.to_string()))?
            .map_err(BlobError::from)
    }

    fn list_stored_here(&self) -> std::io::Result<Vec<Listed>> {
        let mut out = Vec::new();
        for shard in std::fs::read_dir(&self.files)? {
            let shard = shard?;
            if !shard.file_type()?.is_dir() {
                continue;
            }
            for entry in std::fs::read_dir(shard.path())? {
                out.extend(Listed::of(entry?)?);
            }
        }
        Ok(out)
    }

    /// Every file in `tmp/`: uploads in progress, or left by a crash. A bucket has none (an
    /// interrupted multipart upload is aborted, or cleaned by the bucket's lifecycle rule).
    pub async fn list_temporary(&self) -> Result<Vec<Listed>, BlobError> {
        if self.objects.is_some() {
            return Ok(Vec::new());
        }
        let tmp = self.tmp.clone();
        tokio::task::spawn_blocking(move || -> std::io::Result<Vec<Listed>> {
            let mut out = Vec::new();
            for entry in std::fs::read_dir(&tmp)? {
                out.extend(Listed::of(entry?)?);
            }
            Ok(out)
        })
        .await
        .map_err(|e| std::io::Error::other(e.to_string()))?
        .map_err(BlobError::from)
    }

    /// The size and SHA-256 of the stored file `id`, read through once (`fsck`).
    pub async fn digest(&self, id: FileId) -> Result<(u64, [u8; 32]), BlobError> {
        if let Some(objects) = &self.objects {
            return objects.digest(id).await;
        }
        let path = self.path(id);
        tokio::task::spawn_blocking(move || -> Result<(u64, [u8; 32]), BlobError> {
            let file = std::fs::File::open(&path).map_err(not_found)?;
            Ok(copy::digest(file)?)
        })
        .await
        .map_err(|e| std::io::Error::other(e.to_string()))?
    }

    /// Removes a listed stored or temporary file that no row refers to (the orphan sweep).
    /// Already gone is fine.
    pub async fn remove_listed(&self, file: &Listed) -> Result<(), BlobError> {
        if let Some(objects) = &self.objects {
            return match FileId::parse(&file.name) {
                Some(id) => objects.delete(id).await,
                None => Ok(()),
            };
        }
        match tokio::fs::remove_file(&file.path).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Of the stored files no row refers to, those a kept snapshot cannot refer to either.
    /// In a directory that is all of them (a snapshot holds its own links). In a bucket, an
    /// object is kept while a snapshot may refer to it ([`objects::SnapshotSpan`]): one that
    /// began before the object's deletion (its `deleted/` marker's time; without a marker — a
    /// crash between a row's removal and its object's — now) and finished after it was stored
    /// or is still being made.
    pub async fn unprotected(&self, unreferenced: Vec<Listed>) -> Result<Vec<Listed>, BlobError> {
        let Some(objects) = &self.objects else {
            return Ok(unreferenced);
        };
        if unreferenced.is_empty() {
            return Ok(unreferenced);
        }
        let snapshots = objects.snapshot_spans().await?;
        if snapshots.is_empty() {
            return Ok(unreferenced);
        }
        let deleted: std::collections::HashMap<String, std::time::SystemTime> = objects
            .list("deleted")
            .await?
            .into_iter()
            .map(|l| (l.name, l.modified))
            .collect();
        let now = std::time::SystemTime::now();
        Ok(unreferenced
            .into_iter()
            .filter(|object| {
                let gone = deleted.get(&object.name).copied().unwrap_or(now);
                !snapshots
                    .iter()
                    .any(|s| s.may_refer_to(object.modified, gone))
            })
            .collect())
    }

    /// Whether a listed file is still there (it may have been removed after its row).
    pub async fn still_there(&self, listed: &Listed) -> Result<bool, BlobError> {
        let Some(objects) = &self.objects else {
            return Ok(tokio::fs::try_exists(&listed.path).await?);
        };
        let Some(id) = FileId::parse(&listed.name) else {
            return Ok(false);
        };
        match objects.head(id).await {
            Ok(_) => Ok(true),
            Err(BlobError::NotFound) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Moves listed files aside (never deletes them): into a new directory
    /// `data_dir/quarantine/<time>/`, or under `quarantine/<time>/` in the bucket. Returns
    /// where they went.
    pub async fn quarantine(
        &self,
        listed: &[Listed],
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<PathBuf, BlobError> {
        let stamp = now.format("%Y%m%d-%H%M%S").to_string();
        if let Some(objects) = &self.objects {
            return objects.quarantine(listed, &stamp).await;
        }
        let parent = self.data_dir.root().join("quarantine");
        let paths: Vec<PathBuf> = listed.iter().map(|l| l.path.clone()).collect();
        tokio::task::spawn_blocking(move || quarantine_here(&parent, &stamp, &paths))
            .await
            .map_err(|e| std::io::Error::other(e.to_string()))?
            .map_err(BlobError::from)
    }

    /// Counts the stored files and their total size (walks the shards or lists the bucket; for
    /// status and checks).
    pub async fn usage(&self) -> Result<(u64, u64), BlobError> {
        if let Some(objects) = &self.objects {
            let listed = objects.list("files").await?;
            return Ok((listed.len() as u64, listed.iter().map(|l| l.size).sum()));
        }
        let files = self.files.clone();
        tokio::task::spawn_blocking(move || {
            let (mut count, mut bytes) = (0u64, 0u64);
            for shard in std::fs::read_dir(&files)? {
                let shard = shard?;
                if !shard.file_type()?.is_dir() {
                    continue;
                }
                for entry in std::fs::read_dir(shard.path())? {
                    let entry = entry?;
                    count += 1;
                    bytes += entry.metadata()?.len();
                }
            }
            Ok((count, bytes))
        })
        .await
        .map_err(|e| std::io::Error::other(e.to_string()))?
    }

    /// Stores bytes without syncing them, for bulk loads (demo data) that end with
    /// [`BlobStore::sync_filesystem`]. Blocking: call it on the blocking pool (a bucket is
    /// written through the runtime's handle). Never used for anything a user sent.
    pub fn write_unsynced(&self, bytes: &[u8]) -> Result<StoredBlob, BlobError> {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        if let Some(objects) = &self.objects {
            let handle = tokio::runtime::Handle::try_current()
                .map_err(|e| BlobError::Io(std::io::Error::other(e)))?;
            return handle.block_on(objects.put_bytes(bytes::Bytes::copy_from_slice(bytes)));
        }
        let id = FileId::random();
        let (path, shard) = self.path_of(id);
        ensure_dir(&shard, &self.files)?;
        // Created read-only: this handle may write, nothing opened later may.
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(copy::STORED_MODE)
            .open(&path)?;
        file.write_all(bytes)?;
        Ok(StoredBlob {
            id,
            size: bytes.len() as u64,
            sha256: Sha256::digest(bytes).into(),
        })
    }

    /// Makes everything written to the file system holding the store durable at once.
    pub fn sync_filesystem(&self) -> Result<(), BlobError> {
        if self.objects.is_some() {
            // Each object was acknowledged whole by the store.
            return Ok(());
        }
        let dir = std::fs::File::open(&self.files)?;
        rustix::fs::syncfs(&dir).map_err(std::io::Error::from)?;
        Ok(())
    }

    /// Opens a stored file for sending, with its size. Small files are read whole (see
    /// [`Content`]): on the calling thread when the kernel has everything in memory, otherwise
    /// in one trip to a blocking thread.
    pub async fn open(&self, id: FileId) -> Result<(Content, u64), BlobError> {
        if let Some(objects) = &self.objects {
            return objects.open(id).await;
        }
        let (path, _) = self.path_of(id);
        if let Some(opened) = cached::open(&path) {
            return Ok(opened);
        }
        tokio::task::spawn_blocking(move || -> Result<(Content, u64), BlobError> {
            let mut file = std::fs::File::open(&path).map_err(not_found)?;
            let size = file.metadata()?.len();
            if size <= content::READ_WHOLE_UP_TO {
                let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
                std::io::Read::read_to_end(&mut file, &mut bytes)?;
                return Ok(Content::whole(bytes));
            }
            Ok(Content::stream(file, size))
        })
        .await
        .map_err(|e| BlobError::Io(std::io::Error::other(e)))?
    }

    /// Opens a stored file for reading on the calling thread, which must be one of the
    /// runtime's blocking pool, for a job that reads many files in a row (a dossier's ZIP).
    pub fn open_blocking(&self, id: FileId) -> Result<Box<dyn std::io::Read + Send>, BlobError> {
        if let Some(objects) = &self.objects {
            let handle = tokio::runtime::Handle::try_current()
                .map_err(|e| BlobError::Io(std::io::Error::other(e)))?;
            return Ok(Box::new(objects.open_blocking(id, &handle)?));
        }
        let (path, _) = self.path_of(id);
        Ok(Box::new(std::fs::File::open(&path).map_err(not_found)?))
    }

    /// Removes a stored file. Callers commit the row removal first: a crash in between leaves
    /// an orphan file (swept later), never a row without its file.
    ///
    /// In a bucket, snapshots refer to objects instead of holding copies (SPEC.md Part 2): an
    /// object stored before a kept snapshot was made is only marked deleted
    /// (`deleted/<id>`), and the orphan sweep removes it once no kept snapshot can refer to it
    /// — as a local snapshot's hard link keeps a file until the snapshot is pruned.
    pub async fn delete(&self, id: FileId) -> Result<(), BlobError> {
        if let Some(objects) = &self.objects {
            let object = match objects.head(id).await {
                Ok(object) => object,
                Err(BlobError::NotFound) => return Err(BlobError::NotFound),
                Err(e) => return Err(e),
            };
            let snapshots = objects.snapshot_spans().await?;
            let now = std::time::SystemTime::now();
            return if snapshots
                .iter()
                .any(|s| s.may_refer_to(object.modified, now))
            {
                objects.mark_deleted(id).await
            } else {
                objects.delete(id).await
            };
        }
        let (path, shard) = self.path_of(id);
        tokio::fs::remove_file(&path).await.map_err(not_found)?;
        self.step(BlobStep::Unlinked(path));
        sync_dir(shard.clone()).await?;
        self.step(BlobStep::DirSynced(shard));
        Ok(())
    }
}

/// Moves `paths` into a new directory `<parent>/<stamp>` (or `<stamp>-2`, …). Blocking.
fn quarantine_here(parent: &Path, stamp: &str, paths: &[PathBuf]) -> std::io::Result<PathBuf> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(parent)?;
    // A directory of this run's own, created exclusively: a rename into it never replaces
    // what an earlier run moved aside.
    let mut dir = parent.join(stamp);
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

fn not_found(e: std::io::Error) -> BlobError {
    if e.kind() == std::io::ErrorKind::NotFound {
        BlobError::NotFound
    } else {
        BlobError::Io(e)
    }
}

/// Adds a received chunk to `batch`, counting it into `size` and `hasher`; more than `limit`
/// bytes in all is `TooLarge`.
fn absorb(
    mut chunk: impl Buf,
    size: &mut u64,
    limit: u64,
    hasher: &mut Sha256,
    batch: &mut bytes::BytesMut,
) -> Result<(), BlobError> {
    while chunk.has_remaining() {
        let bytes = chunk.chunk();
        *size += bytes.len() as u64;
        if *size > limit {
            return Err(BlobError::TooLarge { limit });
        }
        hasher.update(bytes);
        batch.extend_from_slice(bytes);
        let n = bytes.len();
        chunk.advance(n);
    }
    Ok(())
}

/// Consumes up to `at_most` more bytes of a body, discarding them.
async fn drain<S, B, E>(mut body: std::pin::Pin<&mut S>, at_most: u64)
where
    S: Stream<Item = Result<B, E>>,
    B: Buf,
{
    let mut left = at_most;
    while let Some(Ok(chunk)) = body.next().await {
        let n = chunk.remaining() as u64;
        if n > left {
            return;
        }
        left -= n;
    }
}

/// How much of an upload is gathered in memory before it goes to disk in one write.
const BATCH: usize = 256 * 1024;

/// Appends `bytes` to the temp file, creating it (owner-only, never an existing one) first.
fn write_batch(
    file: Option<std::fs::File>,
    temp: &Path,
    bytes: &[u8],
) -> std::io::Result<std::fs::File> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = match file {
        Some(file) => file,
        None => std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(temp)?,
    };
    file.write_all(bytes)?;
    Ok(file)
}

/// Creates a shard directory once, durably.
fn ensure_dir(dir: &Path, parent: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    match std::fs::DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => std::fs::File::open(parent)?.sync_all(),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

async fn sync_dir(dir: PathBuf) -> std::io::Result<()> {
    tokio::task::spawn_blocking(move || std::fs::File::open(dir)?.sync_all())
        .await
        .map_err(|e| std::io::Error::other(e.to_string()))?
}

#[cfg(test)]
mod tests;
