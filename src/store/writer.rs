//! Group commit. Writes that arrive while another is being committed wait for it, then go in
//! together under one `BEGIN IMMEDIATE … COMMIT`: one fsync for all of them instead of one
//! each, which is what bounds a payroll-day burst of placements. One blocking thread commits
//! group after group while writes wait; the writes themselves wait without a thread (a burst
//! of sign-ins once held a blocking thread per waiting write: 160 threads, 70 MB more memory). A write that fails is undone
//! alone: the first of a group runs straight in the transaction (rolled back and begun anew
//! if it fails), the others each in a savepoint. The first goes without one because SQLite's
//! statement journal inside a savepoint grows with the work done there: a write of thousands
//! of statements (the demo data, a retention run), which mostly comes alone, would slow down
//! quadratically. Each caller hears only after the commit.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use rusqlite::{Connection, Transaction, TransactionBehavior};
use tokio::sync::oneshot;

use super::StoreError;

/// Tells a waiting caller how its write ended, given the commit's outcome (`None`: committed).
type Deliver = Box<dyn FnOnce(Option<&StoreError>) + Send>;

/// How a waiting write is to run.
enum Run<'t, 'c> {
    /// First in its transaction: its failure rolls the transaction back.
    Bare(&'t Transaction<'c>),
    /// After others: in a savepoint of its own.
    Savepoint(&'t Transaction<'c>),
    /// Not at all: the transaction could not begin or is gone; only report the error.
    Not,
}

/// A waiting write: runs as told; returns how to answer its caller and whether it succeeded.
type Job = Box<dyn for<'t, 'c> FnOnce(Run<'t, 'c>) -> (Deliver, bool) + Send>;

/// The one writing connection and the writes waiting for it.
pub(super) struct Writer {
    conn: Mutex<Connection>,
    waiting: Mutex<Vec<Job>>,
    /// Whether a blocking thread commits what waits (or is about to start): a write that finds
    /// it set only waits to be taken.
    committing: AtomicBool,
    /// Committing threads started so far.
    committers: AtomicU64,
    /// Groups committed (or failed) so far.
    groups: AtomicU64,
}

impl Writer {
    pub(super) fn new(conn: Connection) -> Self {
        Self {
            conn: Mutex::new(conn),
            waiting: Mutex::new(Vec::new()),
            committing: AtomicBool::new(false),
            committers: AtomicU64::new(0),
            groups: AtomicU64::new(0),
        }
    }

    /// How many groups have been run.
    #[cfg(test)]
    pub(super) fn groups(&self) -> u64 {
        self.groups.load(Ordering::Relaxed)
    }

    /// How many committing threads have been started.
    #[cfg(test)]
    pub(super) fn committers(&self) -> u64 {
        self.committers.load(Ordering::Relaxed)
    }

    /// How many writes wait for the next group.
    #[cfg(test)]
    pub(super) fn waiting(&self) -> usize {
        self.waiting
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// The connection itself, for work outside transactions (checkpoints, copies).
    pub(super) fn connection(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` in the next group's transaction (bare if first, else in a savepoint); answers
    /// once that committed.
    pub(super) async fn write<T, E, F>(self: &Arc<Self>, f: F) -> Result<T, E>
    where
        F: FnOnce(&Transaction<'_>) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        let (answer, answered) = oneshot::channel::<Result<T, E>>();
        let job: Job = Box::new(move |run: Run<'_, '_>| -> (Deliver, bool) {
            let outcome = match run {
                Run::Bare(tx) => Some(f(tx)),
                Run::Savepoint(tx) => Some(in_savepoint(tx, f)),
                Run::Not => None,
            };
            let succeeded = matches!(outcome, Some(Ok(_)));
            let deliver: Deliver = Box::new(move |failed: Option<&StoreError>| {
                let result = match (outcome, failed) {
                    (Some(Err(e)), _) => Err(e),
                    (Some(Ok(value)), None) => Ok(value),
                    (_, Some(error)) => Err(E::from(copy(error))),
                    (None, None) => Err(E::from(StoreError::WorkerGone)),
                };
                // The caller may have gone away (a dropped request); the write stands.
                let _ = answer.send(result);
            });
            (deliver, succeeded)
        });
        self.waiting
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(job);
        self.keep_committing();
        // The answer comes after the commit; a write whose group panicked hears "gone".
        answered
            .await
            .map_err(|_| E::from(StoreError::WorkerGone))?
    }

    /// Starts a committing thread unless one runs. Detached: it goes on when the caller that
    /// started it goes away (a dropped request's write stands).
    fn keep_committing(self: &Arc<Self>) {
        if self.committing.swap(true, Ordering::SeqCst) {
            return;
        }
        self.committers.fetch_add(1, Ordering::Relaxed);
        let committer = Committer {
            writer: Arc::clone(self),
            ran: false,
        };
        drop(tokio::task::spawn_blocking(move || committer.run()));
    }

    /// Whether a committing thread runs or is about to.
    #[cfg(test)]
    pub(super) fn is_committing(&self) -> bool {
        self.committing.load(Ordering::SeqCst)
    }

    /// Commits group after group until nothing waits. A write queued between the last take
    /// and `committing` being cleared found the flag still set and left itself to this thread,
    /// so the queue is looked at once more after clearing it: taken by this thread, or by the
    /// one that write started.
    fn commit_until_idle(&self) {
        loop {
            // A write that panics ends its own group (its writes' callers hear "gone"); the
            // others still go.
            let _ = std::panic::catch_unwind(AssertUnwindSafe(|| self.commit_waiting()));
            self.committing.store(false, Ordering::SeqCst);
            let idle = self
                .waiting
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .is_empty();
            if idle || self.committing.swap(true, Ordering::SeqCst) {
                return;
            }
        }
    }

    /// Takes every waiting write and commits them as one group.
    fn commit_waiting(&self) {
        let mut conn = self.connection();
        if !conn.is_autocommit() {
            // A group that panicked midway and whose rollback then failed left its transaction
            // open; every later group would fail to begin.
            if let Err(error) = conn.execute_batch("ROLLBACK") {
                tracing::error!(%error, "the writer's unfinished transaction could not be rolled back");
            }
        }
        let jobs =
            std::mem::take(&mut *self.waiting.lock().unwrap_or_else(PoisonError::into_inner));
        if jobs.is_empty() {
            return;
        }
        self.groups.fetch_add(1, Ordering::Relaxed);
        let mut jobs = jobs.into_iter();
        while jobs.len() > 0 {
            // A group, or what is left of it after its first write failed.
            let tx = match conn.transaction_with_behavior(TransactionBehavior::Immediate) {
                Ok(tx) => tx,
                Err(e) => {
                    let error = StoreError::from(e);
                    for job in jobs {
                        job(Run::Not).0(Some(&error));
                    }
                    return;
                }
            };
            let mut delivers = Vec::with_capacity(jobs.len());
            if let Some(first) = jobs.next() {
                let (deliver, succeeded) = first(Run::Bare(&tx));
                if !succeeded {
                    // Undo it (unless SQLite already did); the rest starts over.
                    drop(tx);
                    deliver(None);
                    continue;
                }
                delivers.push(deliver);
            }
            for job in jobs.by_ref() {
                // Some errors (disk full, I/O) make SQLite roll back the whole transaction; the
                // writes after that must not run outside one, statement by statement.
                let run = if tx.is_autocommit() {
                    Run::Not
                } else {
                    Run::Savepoint(&tx)
                };
                delivers.push(job(run).0);
            }
            let outcome = if tx.is_autocommit() {
                Err(StoreError::from(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ABORT),
                    Some("the transaction was rolled back by an earlier error".to_owned()),
                )))
            } else {
                tx.commit().map_err(StoreError::from)
            };
            for deliver in delivers {
                deliver(outcome.as_ref().err());
            }
        }
    }
}

/// The right to commit, moved into the thread [`Writer::keep_committing`] starts. Dropped
/// without having run (the runtime could not start the thread, or cancelled it while shutting
/// down), it answers what waits with "gone" and clears `committing`: no write waits for a
/// thread that never comes, and the next one starts a thread anew.
struct Committer {
    writer: Arc<Writer>,
    ran: bool,
}

impl Committer {
    fn run(mut self) {
        self.ran = true;
        self.writer.commit_until_idle();
    }
}

impl Drop for Committer {
    fn drop(&mut self) {
        if self.ran {
            return;
        }
        let jobs = {
            // Under the queue's lock: a write queued after this sees `committing` cleared.
            let mut waiting = self
                .writer
                .waiting
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            self.writer.committing.store(false, Ordering::SeqCst);
            std::mem::take(&mut *waiting)
        };
        let gone = StoreError::WorkerGone;
        for job in jobs {
            job(Run::Not).0(Some(&gone));
        }
    }
}

/// Runs `f` between `SAVEPOINT` and `RELEASE`; undoes its changes when it fails.
fn in_savepoint<T, E, F>(tx: &Transaction<'_>, f: F) -> Result<T, E>
where
    F: FnOnce(&Transaction<'_>) -> Result<T, E>,
    E: From<StoreError>,
{
    let sql = |statement: &str| tx.execute_batch(statement).map_err(StoreError::from);
    sql("SAVEPOINT write")?;
    match f(tx) {
        Ok(value) => {
            sql("RELEASE write")?;
            Ok(value)
        }
        Err(e) => {
            // When SQLite already rolled everything back there is no savepoint left to undo.
            if !tx.is_autocommit() {
                let _ = sql("ROLLBACK TO write");
                let _ = sql("RELEASE write");
            }
            Err(e)
        }
    }
}

/// The same error again, for each write of a group that failed together.
fn copy(error: &StoreError) -> StoreError {
    match error {
        StoreError::Sqlite(rusqlite::Error::SqliteFailure(code, message)) => {
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(*code, message.clone()))
        }
        StoreError::WorkerGone => StoreError::WorkerGone,
        other => StoreError::Sqlite(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ERROR),
            Some(other.to_string()),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A committing thread that never runs (refused or cancelled by the runtime) leaves no
    /// write waiting: each hears "gone", and the next write starts a thread anew.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_committer_that_never_runs_answers_what_waits() {
        let writer = Arc::new(Writer::new(Connection::open_in_memory().unwrap()));
        let create = |tx: &Transaction<'_>| -> Result<(), StoreError> {
            tx.execute_batch("CREATE TABLE IF NOT EXISTS t (n INTEGER)")?;
            Ok(())
        };
        // As if a thread had been asked for and not yet started.
        writer.committing.store(true, Ordering::SeqCst);
        let stranded = tokio::spawn({
            let writer = Arc::clone(&writer);
            async move { writer.write(create).await }
        });
        while writer.waiting() < 1 {
            tokio::task::yield_now().await;
        }
        drop(Committer {
            writer: Arc::clone(&writer),
            ran: false,
        });
        // Bounded only so that a regression fails instead of hanging the run.
        let answer = tokio::time::timeout(std::time::Duration::from_secs(30), stranded)
            .await
            .expect("the stranded write is answered");
        assert!(matches!(answer.unwrap(), Err(StoreError::WorkerGone)));
        assert!(!writer.is_committing());
        writer.write(create).await.unwrap();
        assert_eq!(writer.groups(), 1, "only the later write ran");
    }
}
