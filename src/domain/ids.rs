//! Ids that appear in URLs: 128 random bits, so guessing one reveals nothing and lists cannot
//! be walked. Rows are joined on internal integer keys that never leave the server.

use std::fmt;

use rand::RngCore;

/// A public identifier of a document, party or account: 32 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PublicId([u8; 16]);

impl PublicId {
    pub fn random() -> Self {
        let mut bytes = [0u8; 16];
        rand::rng().fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// Parses the text form; anything else (wrong length, upper case, path tricks) is `None`.
    pub fn parse(text: &str) -> Option<Self> {
        if text.len() != 32 || !text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return None;
        }
        let mut bytes = [0u8; 16];
        hex::decode_to_slice(text, &mut bytes).ok()?;
        Some(Self(bytes))
    }
}

impl fmt::Display for PublicId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // On the stack: a long table writes a few ids per row.
        let mut text = [0u8; 32];
        hex::encode_to_slice(self.0, &mut text).map_err(|_| fmt::Error)?;
        f.write_str(std::str::from_utf8(&text).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for PublicId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicId({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_ids_round_trip_and_parse_strictly() {
        let id = PublicId::random();
        assert_ne!(id, PublicId::random());
        assert_eq!(PublicId::parse(&id.to_string()), Some(id));
        for bad in [
            "",
            "1",
            "../etc/passwd",
            &id.to_string().to_uppercase(),
            &format!("{id}0"),
        ] {
            assert_eq!(PublicId::parse(bad), None, "{bad}");
        }
    }
}
