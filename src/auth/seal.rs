//! Encryption at rest for secrets the server must read back (TOTP secrets): ChaCha20-Poly1305
//! with a 256-bit key kept in a file outside the database, so a copy of the database alone
//! opens nothing.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use rand::RngCore;
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("cannot read or create the key file {path}: {source}")]
    KeyFile {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "the key file {path} is damaged ({bytes} bytes, a key has 32): two-factor secrets \
         cannot be opened without it; restore it from a snapshot (snapshots/*/secret.key, \
         the newest first) and start again"
    )]
    BadKey { path: String, bytes: usize },
    #[error(
        "the key file {0} is missing, but the database exists and needs it: restore it from a \
         snapshot (snapshots/*/secret.key, the newest first) and start again; a new key would \
         not open the two-factor secrets already stored"
    )]
    Missing(String),
}

/// The size of the key in bytes (ChaCha20-Poly1305 takes a 256-bit key).
const KEY_BYTES: usize = 32;

/// Seals and opens small secrets with the installation's key.
pub struct Sealer {
    key: LessSafeKey,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(<key>)")
    }
}

impl Sealer {
    /// Reads the key file. When it does not exist and `may_create` (the database is new too),
    /// makes it: 32 random bytes in a temporary file (mode 0600, synced), published under its
    /// name with a hard link, which never replaces an existing file (if another process made
    /// the key a moment earlier, that key is used), then the directory synced. The key file is
    /// never written again. A missing key beside an existing database, or one of the wrong
    /// size, is refused with a message saying to restore it.
    pub fn open_or_create(path: &Path, may_create: bool) -> Result<Self, SealError> {
        let io = |source| SealError::KeyFile {
            path: path.display().to_string(),
            source,
        };
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && may_create => {
                create_once(path).map_err(io)?;
                std::fs::read(path).map_err(io)?
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(SealError::Missing(path.display().to_string()));
            }
            Err(e) => return Err(io(e)),
        };
        Self::from_key(&bytes).ok_or_else(|| SealError::BadKey {
            path: path.display().to_string(),
            bytes: bytes.len(),
        })
    }

    /// A sealer for `bytes`; `None` unless they are exactly [`KEY_BYTES`] long.
    pub fn from_key(bytes: &[u8]) -> Option<Self> {
        if bytes.len() != KEY_BYTES {
            return None;
        }
        let key = UnboundKey::new(&CHACHA20_POLY1305, bytes).ok()?;
        Some(Self {
            key: LessSafeKey::new(key),
        })
    }

    /// Encrypts `plain`, bound to `context` (e.g. the account it belongs to), as hex.
    pub fn seal(&self, plain: &[u8], context: &[u8]) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let mut data = plain.to_vec();
        // Sealing only fails for inputs larger than ring allows (gigabytes): never here.
        let sealed = self.key.seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(context),
            &mut data,
        );
        if sealed.is_err() {
            return String::new();
        }
        let mut out = nonce.to_vec();
        out.extend_from_slice(&data);
        hex::encode(out)
    }

    /// Decrypts what [`Sealer::seal`] made for the same `context`; `None` if it was altered,
    /// moved to another context, or sealed with another key.
    pub fn open(&self, sealed: &str, context: &[u8]) -> Option<Vec<u8>> {
        let bytes = hex::decode(sealed).ok()?;
        if bytes.len() < NONCE_LEN {
            return None;
        }
        let (nonce, rest) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut data = rest.to_vec();
        let plain = self
            .key
            .open_in_place(nonce, Aad::from(context), &mut data)
            .ok()?;
        Some(plain.to_vec())
    }
}

/// Creates the key file at `path` if nobody has: see [`Sealer::open_or_create`].
fn create_once(path: &Path) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut key = [0u8; KEY_BYTES];
    rand::rng().fill_bytes(&mut key);
    let mut nonce = [0u8; 8];
    rand::rng().fill_bytes(&mut nonce);
    let temp = dir.join(format!(
        ".secret.key.{}.{}",
        std::process::id(),
        hex::encode(nonce)
    ));
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&temp)?;
    let published = file
        .write_all(&key)
        .and_then(|()| file.sync_all())
        .and_then(|()| std::fs::hard_link(&temp, path));
    let _ = std::fs::remove_file(&temp);
    match published {
        Ok(()) => {}
        // Someone else's key won; use it.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_open_only_with_the_key_and_context() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.key");
        let sealer = Sealer::open_or_create(&path, true).unwrap();
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let sealed = sealer.seal(b"JBSWY3DPEHPK3PXP", b"account:7");
        assert!(!sealed.contains("JBSWY3DP"));
        assert_eq!(
            sealer.open(&sealed, b"account:7").unwrap(),
            b"JBSWY3DPEHPK3PXP"
        );
        assert_eq!(
            sealer.open(&sealed, b"account:8"),
            None,
            "bound to its account"
        );
        let again = Sealer::open_or_create(&path, true).unwrap();
        assert_eq!(
            again.open(&sealed, b"account:7").unwrap(),
            b"JBSWY3DPEHPK3PXP"
        );
        let other = Sealer::from_key(&[7u8; 32]).unwrap();
        assert_eq!(other.open(&sealed, b"account:7"), None);
        let mut tampered = sealed.clone();
        tampered.replace_range(40..42, if &sealed[40..42] == "00" { "11" } else { "00" });
        assert_eq!(sealer.open(&tampered, b"account:7"), None);
    }

    #[test]
    fn the_key_is_made_once_and_a_missing_or_damaged_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.key");
        // An existing database without its key: refused, nothing made.
        let missing = Sealer::open_or_create(&path, false)
            .unwrap_err()
            .to_string();
        assert!(missing.contains("is missing"), "{missing}");
        assert!(missing.contains("restore it from a snapshot"), "{missing}");
        assert!(!path.exists());
        // Made once; opening again (even "may create") never rewrites it.
        Sealer::open_or_create(&path, true).unwrap();
        let first = std::fs::read(&path).unwrap();
        Sealer::open_or_create(&path, true).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), first);
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, vec!["secret.key"], "no temporary file left");
        // Empty or cut short: refused with the way out.
        for damaged in [&b""[..], &first[..31]] {
            std::fs::remove_file(&path).unwrap();
            std::fs::write(&path, damaged).unwrap();
            let err = Sealer::open_or_create(&path, true).unwrap_err().to_string();
            assert!(err.contains("is damaged"), "{err}");
            assert!(err.contains("restore it from a snapshot"), "{err}");
            assert_eq!(std::fs::read(&path).unwrap(), damaged, "left as found");
        }
    }

    #[test]
    fn two_processes_making_the_key_at_once_end_with_one_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.key");
        let keys: Vec<Vec<u8>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|_| {
                    s.spawn(|| {
                        Sealer::open_or_create(&path, true).unwrap();
                        std::fs::read(&path).unwrap()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(keys.iter().all(|k| k == &keys[0] && k.len() == KEY_BYTES));
    }
}
