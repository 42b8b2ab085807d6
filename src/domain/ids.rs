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
    /// One pass over the digits: a table of employees parses one per row.
    pub fn parse(text: &str) -> Option<Self> {
        fn nibble(digit: u8) -> Option<u8> {
            match digit {
                b'0'..=b'9' => Some(digit - b'0'),
                b'a'..=b'f' => Some(digit - b'a' + 10),
                _ => None,
            }
        }
        let digits = text.as_bytes();
        if digits.len() != 32 {
            return None;
        }
        let mut bytes = [0u8; 16];
        for (byte, pair) in bytes.iter_mut().zip(digits.chunks_exact(2)) {
            *byte = (nibble(pair[0])? << 4) | nibble(pair[1])?;
        }
        Some(Self(bytes))
    }

    /// The text form, on the stack.
    pub fn hex(&self) -> [u8; 32] {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut text = [0u8; 32];
        for (pair, byte) in text.chunks_exact_mut(2).zip(self.0) {
            pair[0] = DIGITS[usize::from(byte >> 4)];
            pair[1] = DIGITS[usize::from(byte & 0x0f)];
        }
        text
    }
}

impl fmt::Display for PublicId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.hex();
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
        let known = PublicId::parse("00ff10a9b8c7d6e5f40123456789abcd").unwrap();
        assert_eq!(known.to_string(), "00ff10a9b8c7d6e5f40123456789abcd");
        assert_eq!(known.0[..3], [0x00, 0xff, 0x10]);
        for bad in [
            "",
            "1",
            "../etc/passwd",
            &id.to_string().to_uppercase(),
            &format!("{id}0"),
            "0123456789abcdef0123456789abcdeg",
            "+123456789abcdef0123456789abcdef",
            "0123456789abcdef0123456789abcdé",
        ] {
            assert_eq!(PublicId::parse(bad), None, "{bad}");
        }
    }
}
