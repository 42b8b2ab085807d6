//! The data directory: its layout (database, `files/`, `tmp/`, `snapshots/`), its creation with
//! owner-only permissions, and the lock that keeps a second server off it.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Name of the SQLite database inside the data directory.
pub const DATABASE_FILE: &str = "loondossier.db";
const LOCK_FILE: &str = "server.lock";

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
        } else {
            let mode = fs::metadata(root).map_err(io(root))?.permissions().mode();
            if mode & 0o077 != 0 {
                tracing::warn!(
                    path = %root.display(),
                    mode = format_args!("{:o}", mode & 0o777),
                    "data directory is readable by other users; chmod 700 it"
                );
            }
        }
        let dir = Self {
            root: root.to_path_buf(),
        };
        for sub in [dir.files_dir(), dir.tmp_dir(), dir.snapshots_dir()] {
            create_synced(&sub, root).map_err(io(&sub))?;
        }
        Ok(dir)
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

    /// Takes the server lock: only one server may serve a data directory at a time. Admin
    /// commands do not take it; SQLite's own locking keeps them consistent with the server.
    pub fn lock_for_server(&self) -> Result<ServerLock, DataDirError> {
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
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                return Err(DataDirError::InUse {
                    path: self.root.clone(),
                    holder: if holder.is_empty() {
                        String::new()
                    } else {
                        format!(" (pid {holder})")
                    },
                });
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        // The pid is only a hint for the message above; the lock itself is what counts.
        file.set_len(0).map_err(io)?;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        writeln!(file, "{}", std::process::id()).map_err(io)?;
        Ok(ServerLock { _file: file })
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
    fs::DirBuilder::new().mode(0o700).create(dir)?;
    File::open(parent)?.sync_all()
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
        let held = dir.lock_for_server().unwrap();
        let err = dir.lock_for_server().unwrap_err().to_string();
        assert!(
            err.contains("in use by another loondossier server"),
            "{err}"
        );
        assert!(
            err.contains(&format!("pid {}", std::process::id())),
            "{err}"
        );
        drop(held);
        dir.lock_for_server().unwrap();
    }
}
