//! The SQLite database: one writer connection and two small sets of readers (quick lookups on
//! the calling thread, longer reads on blocking threads). The only module that touches rusqlite.

pub mod accounts;
pub mod api_tokens;
pub mod approvals;
pub mod audit;
pub mod backups;
pub mod consent;
pub mod documents;
pub mod links;
pub mod marks;
pub(crate) mod migrate;
pub mod notifications;
pub mod outbox;
pub mod parties;
pub mod passkeys;
pub mod people;
pub mod requests;
pub mod retention;
mod scope;
pub mod sessions;
pub mod stats;
pub mod throttle;
mod time;
pub mod two_factor;
pub mod unread;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use rusqlite::OpenFlags;
use tokio::sync::Semaphore;

pub use migrate::SCHEMA_VERSION;
/// The connection that `read` and `write` closures receive (a transaction derefs to it).
pub use rusqlite::{Connection, Transaction};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "the database was written by a newer loondossier (schema version {found}; this binary \
         knows up to {supported}): run the newer version, or restore a snapshot made by this one"
    )]
    TooNew { found: u32, supported: u32 },
    #[error("database migration {name} failed: {source}")]
    Migration {
        name: &'static str,
        source: rusqlite::Error,
    },
    #[error("cannot open the database {path}: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("the database worker stopped unexpectedly")]
    WorkerGone,
}

/// What the database says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseInfo {
    pub created_at: String,
    pub created_by: String,
    pub schema_version: u32,
    pub size_bytes: u64,
}

/// Handle to the database; cheap to clone.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    writer: Arc<writer::Writer>,
    /// Readers for [`Store::read_now`]: short lookups run on the calling (async) thread.
    quick: Readers,
    /// Readers for [`Store::read`]: work handed to a blocking thread.
    pooled: Readers,
}

/// A set of reader connections and the slots that guard them. The quick lookups and the
/// blocking reads have a set each: when they shared one, a lookup that found every reader
/// taken by a blocking read went to the blocking pool itself and held a reader across that
/// hand-off, so under load most page lookups ended up on the blocking pool (seen in
/// `perf record -g` as the dossier page's queries running on blocking threads).
struct Readers {
    connections: Mutex<Vec<Connection>>,
    slots: Semaphore,
}

impl Readers {
    /// `count` (at least one) read connections to the database at `path`.
    fn open(path: &Path, count: usize) -> Result<Self, rusqlite::Error> {
        let connections = (0..count.max(1))
            .map(|_| {
                let conn = Connection::open_with_flags(
                    path,
                    OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                configure(&conn, true)?;
                Ok(conn)
            })
            .collect::<Result<Vec<_>, rusqlite::Error>>()?;
        Ok(Self {
            slots: Semaphore::new(connections.len()),
            connections: Mutex::new(connections),
        })
    }
}

/// A reader taken from a set; it goes back when dropped, also when the query panicked.
struct Lease<'a> {
    readers: &'a Readers,
    conn: Option<Connection>,
}

impl<'a> Lease<'a> {
    /// Call only while holding one of `readers.slots`: then a reader is always there.
    fn take(readers: &'a Readers) -> Result<Self, StoreError> {
        let conn = readers
            .connections
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop()
            .ok_or(StoreError::WorkerGone)?;
        Ok(Self {
            readers,
            conn: Some(conn),
        })
    }

    fn conn(&self) -> &Connection {
        // Present from `take` until `drop`.
        self.conn.as_ref().unwrap_or_else(|| unreachable!())
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.readers
                .connections
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(conn);
        }
    }
}

/// One read transaction on a quick reader, for all of a [`Store::read_now`] closure's
/// statements: they see one snapshot (a page's count and rows agree), and SQLite takes its
/// locks and reads the WAL's index once instead of once per statement. Ended (rolled back:
/// nothing was written) when dropped, before the reader goes back, whatever the closure
/// returned. `BEGIN` and `ROLLBACK` come from the statement cache: rusqlite's `Transaction`
/// would prepare them anew on every read.
struct Snapshot<'c>(&'c Connection);

impl<'c> Snapshot<'c> {
    fn begin(conn: &'c Connection) -> Result<Self, StoreError> {
        // A reader handed back still in a transaction (its rollback failed) would fail every
        // later read with "cannot start a transaction within a transaction": end it first.
        if !conn.is_autocommit() {
            conn.prepare_cached("ROLLBACK")?.execute([])?;
        }
        conn.prepare_cached("BEGIN")?.execute([])?;
        Ok(Self(conn))
    }
}

impl Drop for Snapshot<'_> {
    fn drop(&mut self) {
        // The closure may have ended it itself.
        if self.0.is_autocommit() {
            return;
        }
        if let Err(error) = self
            .0
            .prepare_cached("ROLLBACK")
            .and_then(|mut rollback| rollback.execute([]))
        {
            tracing::warn!(%error, "a quick read's transaction did not end; the next read ends it");
        }
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.inner.path)
            .finish_non_exhaustive()
    }
}

impl StoreError {
    /// SQLite could not grow the database or its journal: the disk is full.
    pub fn is_full(&self) -> bool {
        match self {
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => {
                e.code == rusqlite::ErrorCode::DiskFull
            }
            _ => false,
        }
    }
}

impl Store {
    /// Opens (creating if needed) and migrates the database, with `readers` connections for
    /// [`Store::read_now`] (as many as threads run requests) and half as many, at least two,
    /// for [`Store::read`].
    /// Blocking: call at start-up.
    pub fn open(path: &Path, now: &str, readers: usize) -> Result<Self, StoreError> {
        let open_err = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        let mut writer = Connection::open(path).map_err(open_err)?;
        configure(&writer, false).map_err(open_err)?;
        // WAL lets readers (and the admin CLI) work while the server writes.
        let mode: String = writer
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(open_err)?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(mode, "database could not switch to WAL mode");
        }
        migrate::migrate(&mut writer, now)?;
        let quick = Readers::open(path, readers).map_err(open_err)?;
        // Longer reads are fewer at once; each reader keeps its own page cache.
        let pooled = Readers::open(path, (readers / 2).max(2)).map_err(open_err)?;
        Ok(Self {
            inner: Arc::new(Inner {
                path: path.to_path_buf(),
                quick,
                pooled,
                writer: Arc::new(writer::Writer::new(writer)),
            }),
        })
    }

    /// Runs `f` in a `BEGIN IMMEDIATE` transaction on the writer, together with the writes
    /// that arrived meanwhile (group commit, see `writer`); keeps its changes if it returns
    /// `Ok` and the group commits, undoes them if it returns `Err` (whatever the caller's
    /// error type). Answers after the commit.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&Transaction<'_>) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        self.inner.writer.write(f).await
    }

    /// Runs `f` on a pooled read-only connection.
    pub async fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        let _slot = self
            .inner
            .pooled
            .slots
            .acquire()
            .await
            .map_err(|_| E::from(StoreError::WorkerGone))?;
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || {
            let lease = Lease::take(&inner.pooled)?;
            f(lease.conn())
        })
        .await
        .map_err(|_| E::from(StoreError::WorkerGone))?
    }

    /// Runs `f` on a reader on the calling thread, in one read transaction (all its statements
    /// see the database as of the first). For lookups by key and bounded pages that
    /// take microseconds (the session behind a request, the unread badge, a dossier's year):
    /// handing those to a blocking thread and back costs more than the query. These readers
    /// are apart from [`Store::read`]'s, one per thread that can run them (`readers`), so a
    /// slow blocking read never holds them up; when all are taken it waits for one without
    /// blocking the thread.
    pub async fn read_now<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        let _slot = match self.inner.quick.slots.try_acquire() {
            Ok(slot) => slot,
            Err(_) => self
                .inner
                .quick
                .slots
                .acquire()
                .await
                .map_err(|_| E::from(StoreError::WorkerGone))?,
        };
        let lease = Lease::take(&self.inner.quick)?;
        let snapshot = Snapshot::begin(lease.conn())?;
        f(snapshot.0)
    }

    /// A cheap query proving the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.read(|conn| -> Result<(), StoreError> {
            conn.prepare_cached("SELECT count(*) FROM installation")?
                .query_row([], |r| r.get::<_, i64>(0))?;
            Ok(())
        })
        .await
    }

    /// Facts about the database for `loondossier status`.
    pub async fn info(&self) -> Result<DatabaseInfo, StoreError> {
        self.read(|conn| -> Result<DatabaseInfo, StoreError> {
            let (created_at, created_by) = conn
                .prepare_cached("SELECT created_at, created_by FROM installation WHERE id = 1")?
                .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            let schema_version = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            let pages: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
            let page_size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
            Ok(DatabaseInfo {
                created_at,
                created_by,
                schema_version,
                size_bytes: u64::try_from(pages * page_size).unwrap_or(0),
            })
        })
        .await
    }

    /// Folds the WAL back into the database and empties it, so old page images (of removed
    /// personal data, say) do not linger there. Best effort: readers in progress may keep
    /// part of it until the next time; says whether it got all of it.
    pub async fn truncate_wal(&self) -> Result<bool, StoreError> {
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || -> Result<bool, StoreError> {
            let conn = inner.writer.connection();
            // While it waits for readers to finish, the checkpoint holds off every writer,
            // other processes' too: it waits briefly, then does what it can without them.
            conn.busy_timeout(CHECKPOINT_WAIT)?;
            let busy = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                r.get::<_, i64>(0)
            });
            conn.busy_timeout(WRITER_WAIT)?;
            Ok(busy? == 0)
        })
        .await
        .map_err(|_| StoreError::WorkerGone)?
    }

    /// Writes a consistent copy of the database to `target` (which must not exist) without
    /// holding up writers: a separate connection reads one snapshot of it.
    pub async fn copy_to(&self, target: PathBuf) -> Result<(), StoreError> {
        let path = self.inner.path.clone();
        tokio::task::spawn_blocking(move || -> Result<(), StoreError> {
            let conn = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
            conn.busy_timeout(std::time::Duration::from_secs(30))?;
            conn.prepare_cached("VACUUM INTO ?1")?
                .execute([target.to_string_lossy().as_ref()])?;
            Ok(())
        })
        .await
        .map_err(|_| StoreError::WorkerGone)?
    }

    /// `PRAGMA integrity_check` (its lines; `["ok"]` when sound) and the number of rows
    /// `PRAGMA foreign_key_check` finds.
    pub async fn check(&self) -> Result<(Vec<String>, usize), StoreError> {
        self.read(|conn| -> Result<_, StoreError> {
            let mut statement = conn.prepare("PRAGMA integrity_check")?;
            let lines = statement
                .query_map([], |r| r.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()?;
            let mut statement = conn.prepare("PRAGMA foreign_key_check")?;
            let mut rows = statement.query([])?;
            let mut broken = 0;
            while rows.next()?.is_some() {
                broken += 1;
            }
            Ok((lines, broken))
        })
        .await
    }

    /// Folds the WAL back into the database file so a stopped server leaves one tidy file.
    pub fn close(&self) -> Result<(), StoreError> {
        let conn = self.inner.writer.connection();
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }
}

/// How long a writing connection waits for another's write lock (another process: a command
/// or a job started by hand, a checkpoint) before it gives up: longer than any of those holds
/// it, so an upload waits for them rather than failing. Group commit keeps this process's own
/// writes to one connection.
const WRITER_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// How long a reading connection waits (only while another process recovers the WAL).
const READER_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// How long emptying the WAL waits for readers to finish; writers wait meanwhile.
const CHECKPOINT_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

/// Settings every connection needs; `synchronous = FULL` because an acknowledged upload must
/// survive power loss.
fn configure(conn: &Connection, read_only: bool) -> Result<(), rusqlite::Error> {
    conn.busy_timeout(if read_only { READER_WAIT } else { WRITER_WAIT })?;
    // Every statement stays prepared (queries are built per actor and dossier kind).
    conn.set_prepared_statement_cache_capacity(256);
    // Plans stay as prepared: without this, binding a new value to a LIKE pattern (the dossier
    // search) marks the statement for a fresh prepare on every page view.
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    conn.execute_batch(
        "PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA cache_size = -8000;
         PRAGMA temp_store = MEMORY;",
    )?;
    if read_only {
        conn.execute_batch("PRAGMA query_only = ON;")?;
    } else {
        // Removed personal data is overwritten in the file, not just unlinked from the tree.
        conn.execute_batch("PRAGMA secure_delete = ON;")?;
    }
    Ok(())
}

/// `%text%` for `LIKE … ESCAPE '\'`, with the wildcard characters of the user's text taken
/// literally: a search for `100%` finds "100%", not everything starting with 100.
pub(crate) fn like_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

#[cfg(test)]
mod tests;
