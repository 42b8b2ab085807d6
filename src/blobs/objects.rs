//! Stored files as objects in an S3-compatible bucket (SPEC.md Part 2, "Storage beyond one
//! disk"), through Apache Arrow's `object_store` client: requests are signed by it (SigV4,
//! ring), sent over rustls, and every upload carries its SHA-256 (`x-amz-checksum-sha256`) so
//! the store refuses bytes that changed on the way.
//!
//! Layout under the configured prefix: `files/<file id>` (one object per stored file, never
//! written twice), `deleted/<file id>` (an empty marker: the file's row is gone but a kept
//! snapshot may still refer to it, see [`super::BlobStore::delete`]), `quarantine/<time>/…`
//! (what `fsck --repair` moved aside) and `snapshots/<name>/…` (database copies).

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::{Buf, Bytes};
use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt};
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as Key;
use object_store::{
    ClientOptions, GetOptions, GetRange, ObjectStore, ObjectStoreExt, PutPayload, RetryConfig,
    WriteMultipart,
};
use sha2::{Digest, Sha256};

use super::{BlobError, FileId, Listed, StoredBlob};
use crate::config::S3Config;

/// The name of a snapshot's manifest in its folder; written last, so a snapshot with one is
/// complete.
pub const MANIFEST: &str = "manifest.json";
/// An empty object a snapshot run puts in its folder before it copies the database: from then
/// on the snapshot protects what it may come to refer to.
pub const STARTED: &str = "started";

/// When a snapshot in the bucket began and (once its manifest is there) finished, by the
/// store's clock. Its database copy was made in between, so it refers to exactly the objects
/// stored before it finished whose rows were removed after it began (or not at all).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SnapshotSpan {
    pub started: std::time::SystemTime,
    pub finished: Option<std::time::SystemTime>,
}

impl SnapshotSpan {
    /// Whether this snapshot may refer to an object stored at `stored` whose row went at
    /// `gone` (now, if it has not gone yet). A snapshot still being made may refer to
    /// anything stored before it finishes.
    pub fn may_refer_to(&self, stored: std::time::SystemTime, gone: std::time::SystemTime) -> bool {
        gone >= self.started && self.finished.is_none_or(|finished| stored <= finished)
    }
}

/// Parts of a multipart upload, in bytes: files up to this size go in one request. S3 wants
/// at least 5 MiB per part (except the last).
const PART: usize = 5 * 1024 * 1024;
/// Parts of one upload in flight at once (the next part fills while fewer are sending): with
/// [`PART`], an upload holds at most about 2 × 5 MiB however large the file (measured in
/// bench/NOTES.md: one part at a time saves little memory and takes 2.8 × as long).
const PARTS_IN_FLIGHT: usize = 2;
/// What all uploads still below [`PART`] may hold together, in KiB: 64 MiB.
const SMALL_BUDGET: usize = 64 * 1024;
/// Multipart uploads at once (each up to about 10 MiB in memory).
const LARGE_AT_ONCE: usize = 4;

static SMALL: std::sync::LazyLock<Arc<tokio::sync::Semaphore>> =
    std::sync::LazyLock::new(|| Arc::new(tokio::sync::Semaphore::new(SMALL_BUDGET)));
static LARGE: std::sync::LazyLock<Arc<tokio::sync::Semaphore>> =
    std::sync::LazyLock::new(|| Arc::new(tokio::sync::Semaphore::new(LARGE_AT_ONCE)));

/// `units` of an upload budget, waited for: for [`SMALL`] bytes in KiB (rounded up), for
/// [`LARGE`] one slot.
async fn budget(
    semaphore: &std::sync::LazyLock<Arc<tokio::sync::Semaphore>>,
    units: usize,
) -> Result<tokio::sync::OwnedSemaphorePermit, BlobError> {
    let kib = if std::ptr::eq(semaphore, &SMALL) {
        units.div_ceil(1024)
    } else {
        units
    };
    let wanted = u32::try_from(kib).unwrap_or(u32::MAX);
    Arc::clone(semaphore)
        .acquire_many_owned(wanted)
        .await
        .map_err(|e| BlobError::Io(std::io::Error::other(e)))
}

/// A multipart upload under way; aborted (in the background) if dropped before it finished,
/// e.g. when the client went away and the request was dropped.
struct Uploading(Option<WriteMultipart>);

impl Drop for Uploading {
    fn drop(&mut self) {
        if let Some(writer) = self.0.take()
            && let Ok(handle) = tokio::runtime::Handle::try_current()
        {
            handle.spawn(async move {
                // Best effort: parts the store keeps are cleaned by its lifecycle rule.
                let _ = writer.abort().await;
            });
        }
    }
}
/// How long the store may stay silent within a request before it counts as failed: it is on
/// the local network.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// How long to keep retrying a failed request (the store's own retry with backoff): long
/// enough to ride out a node restarting, short enough that a user hears "unavailable" while
/// the request is still theirs.
const RETRY_FOR: Duration = Duration::from_secs(10);

/// What [`Objects::check`] found wrong at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// The config names a bucket or key the store refuses: fix the config.
    Wrong(String),
    /// The store did not answer now.
    Unavailable(String),
}

/// A bucket (and prefix) holding one installation's files.
#[derive(Clone)]
pub struct Objects {
    store: Arc<AmazonS3>,
    /// The configured prefix ("" or "name/").
    prefix: String,
    /// "s3://bucket/prefix", for messages.
    shown: String,
    /// The endpoint, bucket and prefix: what tells two targets apart.
    identity: String,
}

impl std::fmt::Debug for Objects {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown)
    }
}

/// How an object-store error reads to the layers above: a missing object is `NotFound`; a
/// refused key or a broken precondition is a fault of this installation (500, logged); a
/// request that failed on the way or in the store (connection, timeout, 5xx, after the
/// client's retries) means the store could not do it now (503).
fn failed(e: object_store::Error) -> BlobError {
    match e {
        object_store::Error::NotFound { .. } => BlobError::NotFound,
        object_store::Error::Generic { .. } => BlobError::Unavailable(e.to_string()),
        other => BlobError::Io(std::io::Error::other(other.to_string())),
    }
}

impl Objects {
    /// A client for the bucket in `config`. Builds no connection yet; [`Objects::probe`]
    /// checks that the store answers.
    pub fn new(config: &S3Config) -> Result<Self, BlobError> {
        // The HTTP client takes the process's rustls provider (ring); a command or test that
        // has not installed it yet does so here.
        crate::tls::install_default_provider();
        let endpoint = config.endpoint.as_str().trim_end_matches('/').to_owned();
        let retry = RetryConfig {
            max_retries: 3,
            retry_timeout: RETRY_FOR,
            ..RetryConfig::default()
        };
        let options = ClientOptions::new()
            .with_allow_http(config.endpoint.scheme() == "http")
            // No limit on a whole request (a large download is sent as fast as its client
            // reads), but on each wait for the store.
            .with_timeout_disabled()
            .with_read_timeout(REQUEST_TIMEOUT)
            .with_connect_timeout(Duration::from_secs(5));
        let store = AmazonS3Builder::new()
            .with_endpoint(endpoint)
            .with_region(&config.region)
            .with_bucket_name(&config.bucket)
            .with_access_key_id(&config.access_key_id)
            .with_secret_access_key(&config.secret_access_key)
            .with_virtual_hosted_style_request(false)
            .with_checksum_algorithm(object_store::aws::Checksum::SHA256)
            .with_retry(retry)
            .with_client_options(options)
            .build()
            .map_err(|e| BlobError::Unavailable(e.to_string()))?;
        Ok(Self {
            store: Arc::new(store),
            prefix: config.prefix.clone(),
            shown: format!("s3://{}/{}", config.bucket, config.prefix),
            identity: format!(
                "{} {}/{}",
                config.endpoint.as_str().trim_end_matches('/'),
                config.bucket,
                config.prefix
            ),
        })
    }

    /// "s3://bucket/prefix/", for messages and reports.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// The endpoint, bucket and prefix in one line: the same for two configs only when they
    /// name the same place.
    pub fn identity(&self) -> &str {
        &self.identity
    }

    /// The key of `name` under the prefix.
    pub fn key(&self, name: &str) -> Key {
        Key::from(format!("{}{name}", self.prefix))
    }

    fn file(&self, id: FileId) -> Key {
        self.key(&format!("files/{id}"))
    }

    fn marker(&self, id: FileId) -> Key {
        self.key(&format!("deleted/{id}"))
    }

    /// Streams `body` into the object of `id`: one request for a small file, a multipart
    /// upload (at most [`PARTS_IN_FLIGHT`] parts of [`PART`] bytes in flight) for a large one.
    /// Returns once the store has acknowledged the whole object; on any error — or when the
    /// caller stops waiting — the multipart upload is aborted and no object is there.
    ///
    /// Memory: the body is kept as the chunks the network delivered (no copy, never one large
    /// buffer), small uploads together hold at most [`SMALL_BUDGET`] KiB and at most
    /// [`LARGE_AT_ONCE`] multipart uploads run at once; others wait, which slows their senders
    /// (TCP backpressure) instead of growing the process.
    pub async fn put<S, B, E>(
        &self,
        id: FileId,
        body: S,
        limit: u64,
    ) -> Result<StoredBlob, BlobError>
    where
        S: Stream<Item = Result<B, E>>,
        B: Buf,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let location = self.file(id);
        let mut hasher = Sha256::new();
        let mut size: u64 = 0;
        // Blocks not yet handed to a multipart upload, and the budget they hold.
        let mut pending: Vec<Bytes> = Vec::new();
        let mut pending_len = 0usize;
        let mut held: Vec<tokio::sync::OwnedSemaphorePermit> = Vec::new();
        let mut upload = Uploading(None);
        let mut _slot: Option<tokio::sync::OwnedSemaphorePermit> = None;
        let mut body = std::pin::pin!(body);
        loop {
            let Some(chunk) = body.next().await else {
                break;
            };
            let mut chunk = chunk.map_err(|e| BlobError::Body(e.into()))?;
            // The chunk as the network delivered it, kept without a copy.
            let block = chunk.copy_to_bytes(chunk.remaining());
            size += block.len() as u64;
            if size > limit {
                return Err(BlobError::TooLarge { limit });
            }
            hasher.update(&block);
            if block.is_empty() {
                continue;
            }
            match upload.0.as_mut() {
                Some(writer) => {
                    writer
                        .wait_for_capacity(PARTS_IN_FLIGHT)
                        .await
                        .map_err(failed)?;
                    writer.put(block);
                }
                None => {
                    held.push(budget(&SMALL, block.len()).await?);
                    pending_len += block.len();
                    pending.push(block);
                    if pending_len >= PART {
                        _slot = Some(budget(&LARGE, 1).await?);
                        let started = self.store.put_multipart(&location).await.map_err(failed)?;
                        let writer = upload
                            .0
                            .insert(WriteMultipart::new_with_chunk_size(started, PART));
                        for block in pending.drain(..) {
                            writer
                                .wait_for_capacity(PARTS_IN_FLIGHT)
                                .await
                                .map_err(failed)?;
                            writer.put(block);
                        }
                        held.clear();
                    }
                }
            }
        }
        match upload.0.take() {
            Some(writer) => writer.finish().await.map_err(failed)?,
            None => self
                .store
                .put(&location, pending.into_iter().collect::<PutPayload>())
                .await
                .map_err(failed)?,
        };
        Ok(StoredBlob {
            id,
            size,
            sha256: hasher.finalize().into(),
        })
    }

    /// Stores `bytes` as the object of a new id (demo data, migrations).
    pub async fn put_bytes(&self, bytes: Bytes) -> Result<StoredBlob, BlobError> {
        let id = FileId::random();
        let size = bytes.len() as u64;
        let sha256 = Sha256::digest(&bytes).into();
        self.store
            .put(&self.file(id), PutPayload::from(bytes))
            .await
            .map_err(failed)?;
        Ok(StoredBlob { id, size, sha256 })
    }

    /// Stores `bytes` under `name` (below the prefix), replacing what is there: for a
    /// snapshot's database, key and manifest, never for a stored file.
    pub async fn put_named(&self, name: &str, bytes: Bytes) -> Result<(), BlobError> {
        self.store
            .put(&self.key(name), PutPayload::from(bytes))
            .await
            .map(|_| ())
            .map_err(failed)
    }

    /// Streams a local file to `name` (below the prefix), as a multipart upload when larger
    /// than [`PART`]: a snapshot's database copy may be gigabytes.
    pub async fn put_file(&self, name: &str, path: &std::path::Path) -> Result<(), BlobError> {
        use tokio::io::AsyncReadExt;
        let mut file = tokio::fs::File::open(path).await?;
        // A multipart upload needs at least one non-empty part: small files go in one request.
        if file.metadata().await?.len() <= PART as u64 {
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes).await?;
            return self.put_named(name, bytes.into()).await;
        }
        let started = self
            .store
            .put_multipart(&self.key(name))
            .await
            .map_err(failed)?;
        let mut writer = WriteMultipart::new_with_chunk_size(started, PART);
        let mut buffer = vec![0u8; PART];
        loop {
            let n = match file.read(&mut buffer).await {
                Ok(n) => n,
                Err(e) => {
                    let _ = writer.abort().await;
                    return Err(e.into());
                }
            };
            if n == 0 {
                break;
            }
            if let Err(e) = writer.wait_for_capacity(PARTS_IN_FLIGHT).await {
                let _ = writer.abort().await;
                return Err(failed(e));
            }
            writer.write(&buffer[..n]);
        }
        writer.finish().await.map(|_| ()).map_err(failed)
    }

    /// The bytes stored under `name` (below the prefix), whole.
    pub async fn get_named(&self, name: &str) -> Result<Bytes, BlobError> {
        let got = self.store.get(&self.key(name)).await.map_err(failed)?;
        got.bytes().await.map_err(failed)
    }

    /// Streams the object `name` (below the prefix) into a new local file at `path`.
    pub async fn get_named_to_file(
        &self,
        name: &str,
        path: &std::path::Path,
    ) -> Result<u64, BlobError> {
        use std::os::unix::fs::OpenOptionsExt;
        use tokio::io::AsyncWriteExt;
        let got = self.store.get(&self.key(name)).await.map_err(failed)?;
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)?;
        let mut file = tokio::fs::File::from_std(file);
        let mut stream = got.into_stream();
        let mut size = 0u64;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(failed)?;
            size += chunk.len() as u64;
            file.write_all(&chunk).await?;
        }
        file.sync_all().await?;
        Ok(size)
    }

    /// Opens the object of `id` for sending: one GET, read whole when small (see
    /// [`super::content::READ_WHOLE_UP_TO`]), else streamed and seekable (a seek starts a
    /// ranged GET from there).
    pub async fn open(&self, id: FileId) -> Result<(super::Content, u64), BlobError> {
        let location = self.file(id);
        let got = self.store.get(&location).await.map_err(failed)?;
        let size = got.meta.size;
        if size <= super::content::READ_WHOLE_UP_TO {
            let bytes = got.bytes().await.map_err(failed)?;
            return Ok(super::Content::whole(bytes.to_vec()));
        }
        let reader = RemoteReader {
            store: Arc::clone(&self.store),
            location,
            size,
            position: 0,
            state: std::sync::Mutex::new(State::Reading(got.into_stream(), Bytes::new())),
        };
        Ok((super::Content::Remote(Box::new(reader)), size))
    }

    /// The object of `id` as a blocking reader, for a job on a blocking thread (a ZIP). Each
    /// read waits on `handle` for the next chunk of one streamed GET.
    pub fn open_blocking(
        &self,
        id: FileId,
        handle: &tokio::runtime::Handle,
    ) -> Result<BlockingReader, BlobError> {
        let got = handle
            .block_on(self.store.get(&self.file(id)))
            .map_err(failed)?;
        Ok(BlockingReader {
            handle: handle.clone(),
            stream: got.into_stream(),
            buffer: Bytes::new(),
        })
    }

    /// Size and SHA-256 of the object of `id`, read through once (fsck, migration checks).
    pub async fn digest(&self, id: FileId) -> Result<(u64, [u8; 32]), BlobError> {
        let got = self.store.get(&self.file(id)).await.map_err(failed)?;
        let mut stream = got.into_stream();
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(failed)?;
            size += chunk.len() as u64;
            hasher.update(&chunk);
        }
        Ok((size, hasher.finalize().into()))
    }

    /// The size and time of the object of `id`, or `NotFound`.
    pub async fn head(&self, id: FileId) -> Result<Listed, BlobError> {
        let meta = self.store.head(&self.file(id)).await.map_err(failed)?;
        Ok(Listed {
            name: id.to_string(),
            path: std::path::PathBuf::from(meta.location.as_ref()),
            size: meta.size,
            modified: meta.last_modified.into(),
        })
    }

    /// Removes the object of `id` (and a deletion marker, if any). Removing what is not
    /// there is not an error in S3; callers that must know use [`Objects::head`] first.
    pub async fn delete(&self, id: FileId) -> Result<(), BlobError> {
        self.store.delete(&self.file(id)).await.map_err(failed)?;
        self.store.delete(&self.marker(id)).await.map_err(failed)
    }

    /// Marks the object of `id` as no longer referenced by the live database, keeping it for
    /// the snapshots that may still refer to it (see [`super::BlobStore::delete`]).
    pub async fn mark_deleted(&self, id: FileId) -> Result<(), BlobError> {
        self.store
            .put(&self.marker(id), PutPayload::default())
            .await
            .map(|_| ())
            .map_err(failed)
    }

    /// Removes the deletion marker of `id` (a restored database refers to the object again).
    pub async fn unmark_deleted(&self, id: FileId) -> Result<(), BlobError> {
        self.store.delete(&self.marker(id)).await.map_err(failed)
    }

    /// Every object under `<prefix><folder>/`, by the name after that folder.
    pub async fn list(&self, folder: &str) -> Result<Vec<Listed>, BlobError> {
        let prefix = self.key(folder);
        let mut listing = self.store.list(Some(&prefix));
        let mut out = Vec::new();
        while let Some(meta) = listing.next().await {
            let meta = meta.map_err(failed)?;
            let name = meta.location.filename().unwrap_or_default().to_owned();
            out.push(Listed {
                name,
                path: std::path::PathBuf::from(meta.location.as_ref()),
                size: meta.size,
                modified: meta.last_modified.into(),
            });
        }
        Ok(out)
    }

    /// The names directly below `<prefix><folder>/` that are folders themselves (snapshots).
    pub async fn folders(&self, folder: &str) -> Result<Vec<String>, BlobError> {
        let listed = self
            .store
            .list_with_delimiter(Some(&self.key(folder)))
            .await
            .map_err(failed)?;
        Ok(listed
            .common_prefixes
            .iter()
            .filter_map(|p| p.filename().map(str::to_owned))
            .collect())
    }

    /// Removes a snapshot's folder: its manifest first (from then on it is unfinished and no
    /// restore starts from it), its `started` marker last (so it protects what it referred to
    /// until everything else is gone).
    pub async fn remove_snapshot(&self, folder: &str) -> Result<(), BlobError> {
        let mut listed = self.list(folder).await?;
        listed.sort_by_key(|l| match l.name.as_str() {
            MANIFEST => 0,
            STARTED => 2,
            _ => 1,
        });
        for object in listed {
            self.store
                .delete(&Key::from(object.path.to_string_lossy().as_ref()))
                .await
                .map_err(failed)?;
        }
        Ok(())
    }

    /// Moves stored file objects (by key, as listed) to `quarantine/<stamp>/`: a server-side
    /// copy, then removal of the original. Returns where they went.
    pub async fn quarantine(
        &self,
        listed: &[Listed],
        stamp: &str,
    ) -> Result<std::path::PathBuf, BlobError> {
        let folder = format!("quarantine/{stamp}");
        for file in listed {
            let from = Key::from(file.path.to_string_lossy().as_ref());
            let to = self.key(&format!("{folder}/{}", file.name));
            match self.store.copy(&from, &to).await {
                Ok(()) => self.store.delete(&from).await.map_err(failed)?,
                // Removed meanwhile (its row's removal committed and the object went after).
                Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(failed(e)),
            }
        }
        Ok(std::path::PathBuf::from(format!("{}{folder}", self.shown)))
    }

    /// Checks at start that the bucket is there and the key may use it: a LIST of a prefix
    /// that holds nothing. A missing bucket or a refused key is [`Check::Wrong`], naming the
    /// config key to fix; a store that does not answer (or has too few nodes) is
    /// [`Check::Unavailable`] — the server starts anyway and `/healthz` says so.
    pub async fn check(&self, endpoint: &str) -> Result<(), Check> {
        let Err(e) = self
            .store
            .list_with_delimiter(Some(&self.key("healthz")))
            .await
        else {
            return Ok(());
        };
        let text = e.to_string();
        let said = |code: &str| text.contains(code);
        if said("NoSuchBucket") || matches!(e, object_store::Error::NotFound { .. }) {
            return Err(Check::Wrong(format!(
                "bucket: {endpoint} has no bucket by that name (or the key may not see it)\n  \
                 fix: the bucket's name as the store knows it (`garage bucket list`)"
            )));
        }
        let refused = [
            "InvalidAccessKeyId",
            "SignatureDoesNotMatch",
            "Invalid signature",
        ]
        .iter()
        .any(|code| said(code))
            || said("AccessDenied")
            || said("Forbidden")
            || said("403")
            || matches!(
                e,
                object_store::Error::PermissionDenied { .. }
                    | object_store::Error::Unauthenticated { .. }
            );
        if refused {
            return Err(Check::Wrong(format!(
                "access_key_id / secret_access_key_file: {endpoint} refused the key: {text}\n  \
                 fix: the key id and its secret as the store gave them, and a key allowed on \
                 the bucket (`garage bucket allow --read --write`)"
            )));
        }
        Err(Check::Unavailable(format!(
            "endpoint: {endpoint} did not answer: {text}"
        )))
    }

    /// The snapshots in the bucket, finished or still being made (see [`SnapshotSpan`]).
    pub async fn snapshot_spans(&self) -> Result<Vec<SnapshotSpan>, BlobError> {
        let mut spans: std::collections::HashMap<std::path::PathBuf, SnapshotSpan> =
            std::collections::HashMap::new();
        for listed in self.list("snapshots").await? {
            let Some(folder) = listed.path.parent().map(std::path::Path::to_path_buf) else {
                continue;
            };
            let span = spans.entry(folder).or_insert(SnapshotSpan {
                started: listed.modified,
                finished: None,
            });
            span.started = span.started.min(listed.modified);
            if listed.name == MANIFEST {
                span.finished = Some(listed.modified);
            }
        }
        Ok(spans.into_values().collect())
    }

    /// Whether the store answers: a HEAD of an object that need not exist (a read quorum in
    /// a replicated store). `NotFound` is an answer.
    pub async fn probe(&self) -> Result<(), BlobError> {
        match self.store.head(&self.key("healthz")).await {
            Ok(_) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(failed(e)),
        }
    }
}

/// A stored file being read from the store as it is sent; seeking starts a ranged GET.
pub struct RemoteReader {
    store: Arc<AmazonS3>,
    location: Key,
    size: u64,
    position: u64,
    /// Behind a mutex only to be `Sync` (a response body must be); one reader uses it.
    state: std::sync::Mutex<State>,
}

enum State {
    /// No request open: the next read starts one at `position`.
    Idle,
    Opening(BoxFuture<'static, object_store::Result<object_store::GetResult>>),
    /// A response body, and what is left of its last chunk.
    Reading(BoxStream<'static, object_store::Result<Bytes>>, Bytes),
}

impl std::fmt::Debug for RemoteReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteReader")
            .field("location", &self.location.as_ref())
            .field("size", &self.size)
            .field("position", &self.position)
            .finish_non_exhaustive()
    }
}

impl tokio::io::AsyncRead for RemoteReader {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let state = this
            .state
            .get_mut()
            .map_err(|_| std::io::Error::other("a read of this object panicked"))?;
        loop {
            match state {
                State::Idle => {
                    if this.position >= this.size || buf.remaining() == 0 {
                        return Poll::Ready(Ok(()));
                    }
                    let store = Arc::clone(&this.store);
                    let location = this.location.clone();
                    let options = GetOptions {
                        range: Some(GetRange::Offset(this.position)),
                        ..GetOptions::default()
                    };
                    *state = State::Opening(Box::pin(async move {
                        store.get_opts(&location, options).await
                    }));
                }
                State::Opening(request) => {
                    let got = ready!(request.as_mut().poll(cx)).map_err(std::io::Error::other)?;
                    *state = State::Reading(got.into_stream(), Bytes::new());
                }
                State::Reading(stream, left) => {
                    if !left.is_empty() {
                        let n = left.len().min(buf.remaining());
                        buf.put_slice(&left.split_to(n));
                        this.position += n as u64;
                        return Poll::Ready(Ok(()));
                    }
                    match ready!(stream.poll_next_unpin(cx)) {
                        Some(chunk) => *left = chunk.map_err(std::io::Error::other)?,
                        None if this.position >= this.size => return Poll::Ready(Ok(())),
                        None => {
                            return Poll::Ready(Err(std::io::Error::new(
                                std::io::ErrorKind::UnexpectedEof,
                                "the object store ended the file early",
                            )));
                        }
                    }
                }
            }
        }
    }
}

impl tokio::io::AsyncSeek for RemoteReader {
    fn start_seek(self: Pin<&mut Self>, position: std::io::SeekFrom) -> std::io::Result<()> {
        let this = self.get_mut();
        let std::io::SeekFrom::Start(to) = position else {
            return Err(std::io::Error::new(
                std::io::ErrorKind::Unsupported,
                "only seeks from the start",
            ));
        };
        if to != this.position {
            this.position = to;
            this.state = std::sync::Mutex::new(State::Idle);
        }
        Ok(())
    }

    fn poll_complete(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<u64>> {
        Poll::Ready(Ok(self.position))
    }
}

/// An object read on a blocking thread, chunk by chunk.
pub struct BlockingReader {
    handle: tokio::runtime::Handle,
    stream: BoxStream<'static, object_store::Result<Bytes>>,
    buffer: Bytes,
}

impl std::io::Read for BlockingReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.buffer.is_empty() {
            match self.handle.block_on(self.stream.next()) {
                Some(chunk) => self.buffer = chunk.map_err(std::io::Error::other)?,
                None => return Ok(0),
            }
        }
        let n = self.buffer.len().min(out.len());
        out[..n].copy_from_slice(&self.buffer.split_to(n));
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::SnapshotSpan;
    use std::time::{Duration, SystemTime};

    #[test]
    fn a_snapshot_refers_to_what_was_stored_before_it_finished_and_removed_after_it_began() {
        let t = |s: u64| SystemTime::UNIX_EPOCH + Duration::from_secs(1_000 + s);
        let done = SnapshotSpan {
            started: t(10),
            finished: Some(t(20)),
        };
        let making = SnapshotSpan {
            started: t(10),
            finished: None,
        };
        // (stored, gone) → may the finished / the unfinished snapshot refer to it?
        let rows = [
            ((0, 5), false, false),  // removed before the snapshot began
            ((0, 15), true, true),   // removed while it was being made: the copy may have it
            ((0, 30), true, true),   // removed after: the copy has it
            ((15, 30), true, true),  // stored while it was being made
            ((25, 30), false, true), // stored after it finished; an unfinished one may still
            ((0, 10), true, true),   // removed the moment it began (times are whole seconds)
        ];
        for ((stored, gone), finished, unfinished) in rows {
            assert_eq!(
                done.may_refer_to(t(stored), t(gone)),
                finished,
                "finished, stored {stored}, gone {gone}"
            );
            assert_eq!(
                making.may_refer_to(t(stored), t(gone)),
                unfinished,
                "being made, stored {stored}, gone {gone}"
            );
        }
    }
}
