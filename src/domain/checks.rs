//! Validated identifiers from Dutch payroll: BSN (citizen service number), loonheffingennummer
//! (wage-tax number) and e-mail addresses. A value of these types has passed its check.

use std::fmt;

/// Why a value was refused; the message is for the person who typed or sent it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);

/// The Dutch "elfproef": 9 digits weighted 9..2 and -1 must sum to a multiple of 11.
fn passes_eleven_check(digits: &[u8; 9]) -> bool {
    let sum: i32 = digits
        .iter()
        .zip([9, 8, 7, 6, 5, 4, 3, 2, -1])
        .map(|(d, w)| i32::from(*d) * w)
        .sum();
    sum % 11 == 0 && sum != 0
}

fn nine_digits(text: &str) -> Option<[u8; 9]> {
    let bytes = text.as_bytes();
    if bytes.len() != 9 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut digits = [0u8; 9];
    for (d, b) in digits.iter_mut().zip(bytes) {
        *d = b - b'0';
    }
    Some(digits)
}

/// A citizen service number. `Debug` masks it so it cannot reach a log by accident.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Bsn(String);

impl Bsn {
    pub fn parse(text: &str) -> Result<Self, Invalid> {
        let text = text.trim();
        let digits =
            nine_digits(text).ok_or_else(|| Invalid("a BSN has exactly 9 digits".to_owned()))?;
        if !passes_eleven_check(&digits) {
            return Err(Invalid(
                "this BSN does not pass the 11-check (elfproef); check for a typing error"
                    .to_owned(),
            ));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form shown by default: only the last three digits, as `*****782`.
    pub fn masked(&self) -> String {
        format!("*****{}", &self.0[6..])
    }
}

impl fmt::Debug for Bsn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Bsn({})", self.masked())
    }
}

/// A loonheffingennummer such as `123456782L01`: a fiscal number passing the 11-check, `L`,
/// and a two-digit sequence number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Lhn(String);

impl Lhn {
    pub fn parse(text: &str) -> Result<Self, Invalid> {
        let text = text.trim().to_ascii_uppercase();
        let shape_ok = text.len() == 12
            && text.as_bytes()[9] == b'L'
            && text[10..].bytes().all(|b| b.is_ascii_digit());
        let digits = nine_digits(text.get(..9).unwrap_or(""));
        match (shape_ok, digits) {
            (true, Some(digits)) if passes_eleven_check(&digits) => Ok(Self(text)),
            (true, Some(_)) => Err(Invalid(
                "the first 9 digits of this loonheffingennummer do not pass the 11-check"
                    .to_owned(),
            )),
            _ => Err(Invalid(
                "a loonheffingennummer looks like 123456782L01: 9 digits, L, 2 digits".to_owned(),
            )),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Lhn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An e-mail address as browsers accept it in `<input type=email>` (WHATWG), with a dotted
/// domain, at most 254 characters. Stored as given; compared case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(text: &str) -> Result<Self, Invalid> {
        let text = text.trim();
        let invalid = || Invalid(format!("\"{text}\" is not an e-mail address"));
        if text.len() > 254 {
            return Err(invalid());
        }
        let (local, domain) = text.split_once('@').ok_or_else(invalid)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ".!#$%&'*+/=?^_`{|}~-".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if local_ok && domain_ok {
            Ok(Self(text.to_owned()))
        } else {
            Err(invalid())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bsn_eleven_check() {
        // From the reference manual's screenshots, leading zeros included.
        for good in [
            "009633042",
            "127819277",
            "164879845",
            "060316573",
            "267069984",
            "023079757",
        ] {
            assert!(Bsn::parse(good).is_ok(), "{good}");
        }
        assert!(Bsn::parse("123456789").is_err());
        assert!(Bsn::parse("000000000").is_err(), "all zeros sums to 0");
        assert!(Bsn::parse("12345678").is_err());
        assert!(Bsn::parse("12345678a").is_err());
        assert!(Bsn::parse("1234567890").is_err());
        let err = Bsn::parse("009633043").unwrap_err().to_string();
        assert!(err.contains("11-check"), "{err}");
    }

    #[test]
    fn bsn_never_shows_in_debug() {
        let bsn = Bsn::parse("009633042").unwrap();
        assert_eq!(format!("{bsn:?}"), "Bsn(*****042)");
        assert_eq!(bsn.masked(), "*****042");
    }

    #[test]
    fn lhn_shape_and_eleven_check() {
        assert_eq!(Lhn::parse("131459077L01").unwrap().as_str(), "131459077L01");
        assert_eq!(
            Lhn::parse(" 131459077l01 ").unwrap().as_str(),
            "131459077L01"
        );
        for bad in [
            "131459077",
            "131459077L1",
            "131459077X01",
            "13145907aL01",
            "131459077L0a",
        ] {
            let err = Lhn::parse(bad).unwrap_err().to_string();
            assert!(err.contains("looks like"), "{bad}: {err}");
        }
        let err = Lhn::parse("131459078L01").unwrap_err().to_string();
        assert!(err.contains("11-check"), "{err}");
    }

    #[test]
    fn email_syntax() {
        for good in [
            "a@b.nl",
            "Anja.Faber+loon@gmail.com",
            "x_y@sub.example.co.uk",
        ] {
            assert!(Email::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "", "a", "a@", "@b.nl", "a@b", "a b@c.nl", "a@-b.nl", "a@b..nl", "a@b.nl>",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
        assert!(Email::parse(&format!("{}@b.nl", "a".repeat(65))).is_err());
    }
}
