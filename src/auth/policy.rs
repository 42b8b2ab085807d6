//! What makes a password acceptable (NIST SP 800-63B, OWASP ASVS 2.1): long enough, not too
//! long, not a known common password, not built from the account's own names — and no
//! composition rules. Also a strength hint for the form.

use zxcvbn::matching::patterns::MatchPattern;

use super::password::MAX_CHARS;

/// The minimum for accounts that must also use a second factor.
pub const MIN_CHARS_WITH_2FA: usize = 12;
/// The minimum when the password may be the only factor.
pub const MIN_CHARS_PASSWORD_ONLY: usize = 15;

/// Why a password is refused; each says what to do instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    #[error("use at least {min} characters (a few words with spaces work well)")]
    TooShort { min: usize },
    #[error("use at most {MAX_CHARS} characters")]
    TooLong,
    #[error("this password is among the most used ones, or too easy to guess; choose another")]
    Common,
    #[error("the password may not contain your {0}")]
    Personal(&'static str),
}

pub use crate::domain::party::PersonalWords;

/// Legal forms and short words that say nothing about a company.
const GENERIC: [&str; 8] = [
    "b.v.", "bv", "n.v.", "nv", "v.o.f.", "vof", "holding", "groep",
];

fn significant_words(name: &str) -> impl Iterator<Item = String> + '_ {
    name.split(|c: char| c.is_whitespace() || c == ',' || c == '&')
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| w.chars().count() >= 4 && !GENERIC.contains(&w.as_str()))
}

/// Checks a new password against the policy.
pub fn check(
    password: &str,
    min_chars: usize,
    personal: &PersonalWords,
) -> Result<(), PasswordProblem> {
    let length = password.chars().count();
    if length > MAX_CHARS {
        return Err(PasswordProblem::TooLong);
    }
    if length < min_chars {
        return Err(PasswordProblem::TooShort { min: min_chars });
    }
    let lower = password.to_lowercase();
    let username = personal.username.to_lowercase();
    if username.chars().count() >= 3 && lower.contains(&username) {
        return Err(PasswordProblem::Personal("username"));
    }
    for email in &personal.emails {
        let local = email.split('@').next().unwrap_or("").to_lowercase();
        if local.chars().count() >= 3 && lower.contains(&local) {
            return Err(PasswordProblem::Personal("e-mail address"));
        }
    }
    for name in &personal.names {
        let whole = name.to_lowercase();
        if (whole.chars().count() >= 4 && lower.contains(&whole))
            || significant_words(name).any(|w| lower.contains(&w))
        {
            return Err(PasswordProblem::Personal(
                "name or your employer's or bureau's name",
            ));
        }
    }
    if is_common(password) {
        return Err(PasswordProblem::Common);
    }
    Ok(())
}

/// Whether the password is, as a whole, one of the 30,000 most common passwords (also
/// reversed or with l33t substitutions), or guessable within 10^8 tries (keyboard walks,
/// repeats, sequences, dates).
fn is_common(password: &str) -> bool {
    let entropy = zxcvbn::zxcvbn(password, &[]);
    if u8::from(entropy.score()) <= 2 {
        return true;
    }
    match entropy.sequence() {
        // zxcvbn does not export its dictionary type; its Debug name is stable.
        [only] => matches!(
            &only.pattern,
            MatchPattern::Dictionary(d) if format!("{:?}", d.dictionary_name) == "Passwords"
        ),
        _ => false,
    }
}

/// A hint for the form: 0 (weak) to 4 (very strong).
pub fn strength(password: &str, personal: &PersonalWords) -> u8 {
    let mut inputs: Vec<&str> = vec![personal.username.as_str()];
    inputs.extend(personal.emails.iter().map(String::as_str));
    inputs.extend(personal.names.iter().map(String::as_str));
    u8::from(zxcvbn::zxcvbn(password, &inputs).score())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn me() -> PersonalWords {
        PersonalWords {
            username: "anja.faber".into(),
            emails: vec!["AnjaFaber@gmail.com".into()],
            names: vec!["Faber, A".into(), "Bakkerij De Korenschoof BV".into()],
        }
    }

    #[test]
    fn length_rules() {
        assert_eq!(
            check("kort", 12, &me()),
            Err(PasswordProblem::TooShort { min: 12 })
        );
        assert_eq!(
            check("twaalf tekens", 15, &me()),
            Err(PasswordProblem::TooShort { min: 15 })
        );
        assert_eq!(
            check(&"x".repeat(129), 12, &me()),
            Err(PasswordProblem::TooLong)
        );
        // Spaces and any Unicode are fine, no composition rules.
        assert_eq!(check("rode fiets onder de brug", 15, &me()), Ok(()));
        assert_eq!(check("ĳsbeer eet stroopwafels 🍪", 15, &me()), Ok(()));
    }

    #[test]
    fn common_passwords_are_refused() {
        for common in [
            "passwordpassword",
            "123456789012",
            "qwertyuiopasdfgh",
            "1q2w3e4r5t6y",
        ] {
            assert_eq!(
                check(common, 12, &PersonalWords::default()),
                Err(PasswordProblem::Common),
                "{common}"
            );
        }
    }

    #[test]
    fn personal_words_are_refused() {
        let problem = |p| check(p, 12, &me()).unwrap_err();
        assert_eq!(
            problem("mijn naam is anja.faber!"),
            PasswordProblem::Personal("username")
        );
        assert_eq!(
            problem("anjafaber in de zon 2026"),
            PasswordProblem::Personal("e-mail address")
        );
        assert!(matches!(
            problem("korenschoof brood 2026"),
            PasswordProblem::Personal(_)
        ));
        // "BV" alone is not a name.
        assert_eq!(check("bv bv bv paarse olifant", 12, &me()), Ok(()));
    }

    #[test]
    fn strength_hint_grows_with_length() {
        let weak = strength("welkom12345", &me());
        let strong = strength("rode fiets onder de brug bij nacht", &me());
        assert!(weak < strong && strong == 4, "{weak} {strong}");
    }
}
