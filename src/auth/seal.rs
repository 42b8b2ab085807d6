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
    #[error("the key file {0} does not hold a 32-byte key")]
    BadKey(String),
}

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
    /// Reads the key file, creating it (mode 0600, 32 random bytes) on first use.
    pub fn load_or_create(path: &Path) -> Result<Self, SealError> {
        let io = |source| SealError::KeyFile {
            path: path.display().to_string(),
            source,
        };
        if !path.exists() {
            let mut key = [0u8; 32];
            rand::rng().fill_bytes(&mut key);
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)
                .map_err(io)?;
            file.write_all(&key).map_err(io)?;
            file.sync_all().map_err(io)?;
        }
        let bytes = std::fs::read(path).map_err(io)?;
        Self::from_key(&bytes).ok_or_else(|| SealError::BadKey(path.display().to_string()))
    }

    pub fn from_key(bytes: &[u8]) -> Option<Self> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_open_only_with_the_key_and_context() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.key");
        let sealer = Sealer::load_or_create(&path).unwrap();
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
        let again = Sealer::load_or_create(&path).unwrap();
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
}
