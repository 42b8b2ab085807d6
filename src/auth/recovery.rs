//! Recovery codes: ten single-use codes for when the authenticator app is lost. High entropy
//! (50 bits each), so a plain SHA-256 is enough to store them.

use rand::Rng;

const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
pub const COUNT: usize = 10;

/// Ten fresh codes like `k7qm-2xtr-9p`.
pub fn generate() -> Vec<String> {
    let mut rng = rand::rng();
    (0..COUNT)
        .map(|_| {
            let raw: String = (0..10)
                .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
                .collect();
            format!("{}-{}-{}", &raw[..4], &raw[4..8], &raw[8..])
        })
        .collect()
}

/// A typed code in the form it was stored: lower case, no dashes or spaces.
pub fn normalize(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// What is stored of a code.
pub fn digest(code: &str) -> String {
    super::token::digest(&normalize(code))
}

/// Whether input looks like a recovery code rather than a 6-digit app code.
pub fn looks_like_one(input: &str) -> bool {
    normalize(input).len() == 10
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_typed_loosely() {
        let codes = generate();
        assert_eq!(codes.len(), COUNT);
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), COUNT);
        let code = &codes[0];
        assert!(looks_like_one(code));
        assert!(!looks_like_one("123456"));
        assert_eq!(digest(code), digest(&code.to_uppercase().replace('-', " ")));
    }
}
