//! The data directory: its layout (database, `files/`, `tmp/`, `snapshots/`, `locks/`), its
//! creation with owner-only permissions, the lock that keeps a second server off it, and the
//! locks that keep two runs of one maintenance task apart (across processes and within one).

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Name of the SQLite database inside the data directory.
pub const DATABASE_FILE: &str = "loondossier.db";
const LOCK_FILE: &str = "server.lock";
const LOCKS_DIR: &str = "locks";

#[derive(Debug, thiserror::Error)]
pub enum DataDirError {
    #[error("cannot create or open the data directory {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the data directory {path} is in use by another loondossier server{holder}; \
         stop that server first (admin commands such as check-config keep working alongside it)"
    )]
    InUse { path: PathBuf, holder: String },
    #[error("{what} is already under way, {holder}; try again when it has finished")]
    Busy { what: &'static str, holder: String },
}

/// A maintenance task of which only one may run at a time per data directory, whoever starts
/// it (the server's scheduler, the mail worker, or a CLI command). Others run alongside freely.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    /// Making a snapshot and pruning old ones (`snapshots/`).
    Snapshot,
    /// Removing or quarantining stored files without a row: the orphan sweep, `fsck --repair`.
    FileSweep,
    /// A round of sending the outbox (two rounds at once would send a message twice).
    MailRound,
}

impl Task {
    fn file_name(self) -> &'static str {
        match self {
            Task::Snapshot => "snapshot.lock",
            Task::FileSweep => "file-sweep.lock",
            Task::MailRound => "mail-round.lock",
        }
    }

    /// What the task does, for messages: "a snapshot".
    pub fn what(self) -> &'static str {
        match self {
            Task::Snapshot => "a snapshot",
            Task::FileSweep => "a sweep of unreferenced files",
            Task::MailRound => "a round of sending mail",
        }
    }
}

/// Who holds a lock, as written into its file: the command line, the pid and since when.
/// `since` is passed in (the caller's clock); the rest is this process.
pub fn holder_line(since: chrono::DateTime<chrono::Utc>) -> String {
    let mut args = std::env::args();
    let program = args
        .next()
        .and_then(|p| {
            Path::new(&p)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "loondossier".to_owned());
    let command: Vec<String> = std::iter::once(program).chain(args).collect();
    format!(
        "`{}` (pid {}) since {}",
        command.join(" "),
        std::process::id(),
        since.format("%Y-%m-%d %H:%M:%S UTC")
    )
}

/// Held while a [`Task`] runs; released when dropped (or when the process dies: the lock is
/// the kernel's, on the open file, so a crash never leaves it stuck).
#[derive(Debug)]
pub struct TaskLock {
    file: File,
}

impl Drop for TaskLock {
    fn drop(&mut self) {
        // The holder line is only a hint for whoever waits; clear it before the lock goes.
        let _ = self.file.set_len(0);
    }
}

/// Takes an exclusive `flock` on `file` without waiting and, once held, writes `holder` into
/// it. `Ok(Err(text))` when someone else holds it: `text` is what they wrote.
fn try_lock_with_holder(file: &mut File, holder: &str) -> std::io::Result<Result<(), String>> {
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let mut text = String::new();
            let _ = file.read_to_string(&mut text);
            let text = text.trim();
            return Ok(Err(if text.is_empty() {
                "held by another process".to_owned()
            } else {
                format!("held by {text}")
            }));
        }
        Err(TryLockError::Error(e)) => return Err(e),
    }
    file.set_len(0)?;
    file.seek(SeekFrom::Start(0))?;
    writeln!(file, "{holder}")?;
    Ok(Ok(()))
}

/// A data directory that exists, with its subdirectories in place.
#[derive(Debug, Clone)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    /// Opens the directory, creating it (mode 0700) and its subdirectories on first use.
    pub fn open(root: &Path) -> Result<Self, DataDirError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| DataDirError::Io { path, source }
        };
        if !root.exists() {
            fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(root)
                .map_err(io(root))?;
            // The mode above is filtered by the umask; the data is too sensitive to rely on it.
            fs::set_permissions(root, fs::Permissions::from_mode(0o700)).map_err(io(root))?;
        }
        let dir = Self {
            root: root.to_path_buf(),
        };
        dir.owner_only().map_err(io(root))?;
        for sub in [
            dir.files_dir(),
            dir.tmp_dir(),
            dir.snapshots_dir(),
            dir.root.join(LOCKS_DIR),
        ] {
            create_synced(&sub, root).map_err(io(&sub))?;
        }
        Ok(dir)
    }

    /// Takes group and other access away from the directory, its subdirectories, the database
    /// (with its WAL and shared-memory files) and the key, where any was given (a copy made
    /// with a loose umask, a `chmod -R 755` by hand): payslips, BSNs and the key that opens
    /// second-factor secrets are the owner's alone. Each change is logged with the path; one
    /// that cannot be made (not the owner) stops the start with that path.
    fn owner_only(&self) -> std::io::Result<()> {
        let dirs = [
            self.root.clone(),
            self.files_dir(),
            self.tmp_dir(),
            self.snapshots_dir(),
            self.root.join(LOCKS_DIR),
        ];
        let files = [
            self.database_path(),
            self.root.join(format!("{DATABASE_FILE}-wal")),
            self.root.join(format!("{DATABASE_FILE}-shm")),
            self.secret_key_path(),
        ];
        let wanted = dirs
            .iter()
            .map(|d| (d, 0o700))
            .chain(files.iter().map(|f| (f, 0o600)));
        for (path, mode) in wanted {
            // The mode of what a symbolic link points at (a link's own mode is always 777).
            let found = match fs::metadata(path) {
                Ok(meta) => meta.permissions().mode() & 0o777,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(e),
            };
            if found & 0o077 == 0 {
                continue;
            }
            fs::set_permissions(path, fs::Permissions::from_mode(found & mode)).map_err(|e| {
                std::io::Error::new(
                    e.kind(),
                    format!(
                        "{} is open to other users (mode {found:o}) and could not be made \
                         owner-only ({e}); chmod go-rwx it",
                        path.display()
                    ),
                )
            })?;
            tracing::warn!(
                path = %path.display(),
                was = format_args!("{found:o}"),
                now = format_args!("{:o}", found & mode),
                "was open to other users; made owner-only"
            );
        }
        Ok(())
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn database_path(&self) -> PathBuf {
        self.root.join(DATABASE_FILE)
    }

    pub fn files_dir(&self) -> PathBuf {
        self.root.join("files")
    }

    pub fn tmp_dir(&self) -> PathBuf {
        self.root.join("tmp")
    }

    /// The key that seals second-factor secrets: beside the database, never inside it.
    pub fn secret_key_path(&self) -> PathBuf {
        self.root.join("secret.key")
    }

    pub fn snapshots_dir(&self) -> PathBuf {
        self.root.join("snapshots")
    }

    /// Takes the server lock: only one server may serve a data directory at a time (and a
    /// restore into it holds it too). `holder` (see [`holder_line`]) is written into the lock
    /// file for the refusal message. Admin commands do not take it; SQLite's own locking keeps
    /// them consistent with the server.
    pub fn lock_for_server(&self, holder: &str) -> Result<ServerLock, DataDirError> {
        let path = self.root.join(LOCK_FILE);
        let io = |source| DataDirError::Io {
            path: path.clone(),
            source,
        };
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        match try_lock_with_holder(&mut file, holder).map_err(io)? {
            Ok(()) => Ok(ServerLock { _file: file }),
            Err(held) => Err(DataDirError::InUse {
                path: self.root.clone(),
                holder: format!(" ({held})"),
            }),
        }
    }

    /// Takes the lock of `task` if nobody holds it; `holder` (see [`holder_line`]) is written
    /// into it. Otherwise [`DataDirError::Busy`] says who holds it, with command, pid and since
    /// when. Locks are per open file, so two jobs in one process exclude each other too.
    pub fn try_lock_task(&self, task: Task, holder: &str) -> Result<TaskLock, DataDirError> {
        let dir = self.root.join(LOCKS_DIR);
        let path = dir.join(task.file_name());
        let io = |source| DataDirError::Io {
            path: path.clone(),
            source,
        };
        // A data directory made before `locks/` existed gets it here.
        create_synced(&dir, &self.root).map_err(io)?;
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(&path)
            .map_err(io)?;
        match try_lock_with_holder(&mut file, holder).map_err(io)? {
            Ok(()) => Ok(TaskLock { file }),
            Err(held) => Err(DataDirError::Busy {
                what: task.what(),
                holder: held,
            }),
        }
    }
}

/// Held for as long as the server runs; the lock goes with the file handle.
#[derive(Debug)]
pub struct ServerLock {
    _file: File,
}

/// Creates `dir` if missing and makes its entry durable in `parent`.
fn create_synced(dir: &Path, parent: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    match fs::DirBuilder::new().mode(0o700).create(dir) {
        // Another process made it a moment ago.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
        Ok(()) => File::open(parent)?.sync_all(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_owner_only_layout() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("nested/data");
        let dir = DataDir::open(&root).unwrap();
        let mode = fs::metadata(&root).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
        for sub in ["files", "tmp", "snapshots"] {
            assert!(root.join(sub).is_dir(), "{sub} missing");
        }
        assert_eq!(dir.database_path(), root.join(DATABASE_FILE));
        // Opening again is harmless.
        DataDir::open(&root).unwrap();
    }

    #[test]
    fn second_server_lock_is_refused_with_the_holder() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = DataDir::open(tmp.path()).unwrap();
        let held = dir.lock_for_server("`loondossier serve` (pid 1)").unwrap();
        let err = dir
            .lock_for_server(&holder_line(chrono::Utc::now()))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("in use by another loondossier server"),
            "{err}"
        );
        assert!(err.contains("`loondossier serve` (pid 1)"), "{err}");
        drop(held);
        dir.lock_for_server(&holder_line(chrono::Utc::now()))
            .unwrap();
    }

    #[test]
    fn a_task_lock_excludes_a_second_holder_and_names_the_first() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = DataDir::open(tmp.path()).unwrap();
        let since = chrono::DateTime::parse_from_rfc3339("2026-12-01T01:00:00Z")
            .unwrap()
            .to_utc();
        let held = dir
            .try_lock_task(Task::Snapshot, &holder_line(since))
            .unwrap();
        // Within one process too: the lock belongs to the open file.
        let err = dir
            .try_lock_task(Task::Snapshot, "someone else")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("a snapshot is already under way"), "{err}");
        assert!(
            err.contains(&format!("(pid {})", std::process::id())),
            "{err}"
        );
        assert!(err.contains("since 2026-12-01 01:00:00 UTC"), "{err}");
        // Other tasks are not held up.
        let sweep = dir.try_lock_task(Task::FileSweep, "sweeper").unwrap();
        drop(held);
        drop(sweep);
        dir.try_lock_task(Task::Snapshot, "next").unwrap();
    }
}
