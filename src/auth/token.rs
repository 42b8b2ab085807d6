//! Random secrets handed to clients (session ids, link tokens, CSRF tokens): 128 random bits
//! shown as 32 hex digits, stored only as their SHA-256 so a copy of the database opens nothing.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// A fresh secret for a client to hold.
pub fn generate() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// What the server stores of a secret.
pub fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Compares two secrets in time independent of where they differ.
pub fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether `text` has the shape of a token we hand out (so junk never reaches the database).
pub fn well_formed(text: &str) -> bool {
    text.len() == 32 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_hex_and_stored_hashed() {
        let a = generate();
        assert!(well_formed(&a));
        assert_ne!(a, generate());
        assert_eq!(digest(&a).len(), 64);
        assert_ne!(digest(&a), a);
        assert!(same(&a, &a.clone()));
        assert!(!same(&a, &generate()));
        assert!(!same("abc", "abcd"));
        assert!(!well_formed("ABCDEF0123456789ABCDEF0123456789"));
    }
}
