//! Requests (verzoeken) an employee makes of its employer (SPEC.md Part 2, "Requests"): leave,
//! an address change, a bank account change, an expense claim with receipts, a letter. What
//! each kind holds and how it is checked; the states a request goes through. Who sees and
//! decides is in `access::requests`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use iban::IbanLike;

use super::checks::Invalid;

/// A request's kind, as stored and in the sync API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    Leave,
    AddressChange,
    BankAccountChange,
    ExpenseClaim,
    LetterRequest,
}

impl RequestKind {
    pub const ALL: [Self; 5] = [
        Self::Leave,
        Self::AddressChange,
        Self::BankAccountChange,
        Self::ExpenseClaim,
        Self::LetterRequest,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Leave => "leave",
            Self::AddressChange => "address_change",
            Self::BankAccountChange => "bank_account_change",
            Self::ExpenseClaim => "expense_claim",
            Self::LetterRequest => "letter_request",
        }
    }

    /// Errors: a name that is not one of [`RequestKind::ALL`].
    pub fn parse(text: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == text)
            .ok_or_else(|| Invalid(format!("{text:?} is not a kind of request")))
    }
}

/// Which leave (the Dutch kinds of verlof an employee asks for most).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeaveKind {
    /// Vakantieverlof.
    Vacation,
    /// Bijzonder verlof (a wedding, a funeral, moving house).
    Special,
    /// Ouderschapsverlof.
    Parental,
    /// Onbetaald verlof.
    Unpaid,
}

/// Which letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LetterKind {
    /// A werkgeversverklaring (for a mortgage or a rental).
    EmployerStatement,
    Other,
}

/// What a request asks, per kind. Amounts in euro cents, durations in minutes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RequestDetails {
    Leave {
        from: NaiveDate,
        to: NaiveDate,
        /// The working time taken off, in minutes.
        minutes: u32,
        leave: LeaveKind,
        note: Option<String>,
    },
    AddressChange {
        street: String,
        postal_code: String,
        city: String,
        /// ISO 3166-1 alpha-2.
        country: String,
        /// From when the new address holds.
        from: NaiveDate,
    },
    BankAccountChange {
        /// In its electronic form: no spaces, upper case; mod-97 checked (ISO 13616).
        iban: String,
        holder: String,
    },
    ExpenseClaim {
        amount_cents: u64,
        date: NaiveDate,
        description: String,
    },
    LetterRequest {
        letter: LetterKind,
        reason: String,
    },
}

/// A request's details that do not hold, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct DetailProblem {
    pub field: &'static str,
    pub message: String,
}

fn problem(field: &'static str, message: impl Into<String>) -> DetailProblem {
    DetailProblem {
        field,
        message: message.into(),
    }
}

/// The largest expense claim, in euro cents (€ 100,000: beyond that it is not a claim).
pub const EXPENSE_MAX_CENTS: u64 = 10_000_000;
/// The longest free text (a note, description or reason), in characters.
pub const TEXT_MAX_CHARS: usize = 1000;
/// The longest leave one request covers, in days.
pub const LEAVE_MAX_DAYS: i64 = 366;

fn text(field: &'static str, value: &str, required: bool) -> Result<(), DetailProblem> {
    let value = value.trim();
    if required && value.is_empty() {
        return Err(problem(field, "is required"));
    }
    if value.chars().count() > TEXT_MAX_CHARS {
        return Err(problem(
            field,
            format!("at most {TEXT_MAX_CHARS} characters"),
        ));
    }
    Ok(())
}

/// A Dutch postal code: four digits (not starting with 0), optionally a space, two letters.
fn dutch_postal_code(code: &str) -> bool {
    let compact: Vec<char> = code.chars().filter(|c| !c.is_whitespace()).collect();
    compact.len() == 6
        && compact[0] != '0'
        && compact[..4].iter().all(char::is_ascii_digit)
        && compact[4..].iter().all(char::is_ascii_alphabetic)
}

/// An IBAN in its electronic form when valid (country format and mod-97, with the
/// iban_validate crate); errors name what is wrong.
pub fn normalize_iban(text: &str) -> Result<String, Invalid> {
    let compact: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    compact
        .parse::<iban::Iban>()
        .map(|iban| iban.electronic_str().to_owned())
        .map_err(|e| Invalid(format!("{text:?} is not a valid IBAN ({e})")))
}

impl RequestDetails {
    pub fn kind(&self) -> RequestKind {
        match self {
            Self::Leave { .. } => RequestKind::Leave,
            Self::AddressChange { .. } => RequestKind::AddressChange,
            Self::BankAccountChange { .. } => RequestKind::BankAccountChange,
            Self::ExpenseClaim { .. } => RequestKind::ExpenseClaim,
            Self::LetterRequest { .. } => RequestKind::LetterRequest,
        }
    }

    /// Checks the details as submitted on `today`; the first problem names its field.
    pub fn check(&self, today: NaiveDate) -> Result<(), DetailProblem> {
        match self {
            Self::Leave {
                from,
                to,
                minutes,
                note,
                ..
            } => {
                if to < from {
                    return Err(problem("to", "the last day comes before the first"));
                }
                let days = (*to - *from).num_days() + 1;
                if days > LEAVE_MAX_DAYS {
                    return Err(problem("to", "one request covers at most a year"));
                }
                let most = u32::try_from(days * 24 * 60).unwrap_or(u32::MAX);
                if *minutes == 0 || *minutes > most {
                    return Err(problem(
                        "hours",
                        "give the hours taken off, more than 0 and at most 24 a day",
                    ));
                }
                text("note", note.as_deref().unwrap_or_default(), false)
            }
            Self::AddressChange {
                street,
                postal_code,
                city,
                country,
                from,
            } => {
                text("street", street, true)?;
                text("city", city, true)?;
                text("postal_code", postal_code, true)?;
                if country.len() != 2 || !country.chars().all(|c| c.is_ascii_uppercase()) {
                    return Err(problem(
                        "country",
                        "give the two-letter country code, e.g. NL",
                    ));
                }
                if country == "NL" && !dutch_postal_code(postal_code) {
                    return Err(problem(
                        "postal_code",
                        "a Dutch postal code looks like 1234 AB",
                    ));
                }
                if (*from - today).num_days().abs() > 366 {
                    return Err(problem("from", "give a date within a year from today"));
                }
                Ok(())
            }
            Self::BankAccountChange { iban, holder } => {
                normalize_iban(iban).map_err(|e| problem("iban", e.0))?;
                text("holder", holder, true)
            }
            Self::ExpenseClaim {
                amount_cents,
                date,
                description,
            } => {
                if *amount_cents == 0 || *amount_cents > EXPENSE_MAX_CENTS {
                    return Err(problem(
                        "amount",
                        "give an amount above € 0 and at most € 100.000",
                    ));
                }
                if *date > today {
                    return Err(problem("date", "the expense cannot be in the future"));
                }
                text("description", description, true)
            }
            Self::LetterRequest { reason, .. } => text("reason", reason, true),
        }
    }
}

/// Where a request stands. Submitted → approved | rejected (the employer) → processed (payroll
/// software, approved ones only); withdrawn by the employee while submitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestState {
    Submitted,
    Withdrawn,
    Approved,
    Rejected,
    Processed,
}

impl RequestState {
    pub const ALL: [Self; 5] = [
        Self::Submitted,
        Self::Withdrawn,
        Self::Approved,
        Self::Rejected,
        Self::Processed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Withdrawn => "withdrawn",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Processed => "processed",
        }
    }

    /// Errors: a name that is not one of [`RequestState::ALL`].
    pub fn parse(text: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
            .ok_or_else(|| Invalid(format!("{text:?} is not a request state")))
    }

    /// Whether a request may go from this state to `next`.
    pub fn may_become(self, next: Self) -> bool {
        matches!(
            (self, next),
            (
                Self::Submitted,
                Self::Withdrawn | Self::Approved | Self::Rejected
            ) | (Self::Approved, Self::Processed)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn ibans_are_checked_by_mod_97_and_kept_electronic() {
        assert_eq!(
            normalize_iban("nl91 abna 0417 1643 00").unwrap(),
            "NL91ABNA0417164300"
        );
        assert!(
            normalize_iban("NL92ABNA0417164300").is_err(),
            "check digits"
        );
        assert!(normalize_iban("NL91ABNA041716430").is_err(), "length");
        assert!(normalize_iban("").is_err());
    }

    #[test]
    fn each_kind_names_the_field_that_does_not_hold() {
        let today = day(2026, 12, 1);
        let leave = |from, to, minutes| RequestDetails::Leave {
            from,
            to,
            minutes,
            leave: LeaveKind::Vacation,
            note: None,
        };
        assert_eq!(
            leave(day(2026, 12, 21), day(2026, 12, 24), 32 * 60).check(today),
            Ok(())
        );
        let field = |d: RequestDetails| d.check(today).unwrap_err().field;
        assert_eq!(field(leave(day(2026, 12, 24), day(2026, 12, 21), 60)), "to");
        assert_eq!(
            field(leave(day(2026, 12, 21), day(2026, 12, 21), 0)),
            "hours"
        );
        assert_eq!(
            field(leave(day(2026, 12, 21), day(2026, 12, 21), 25 * 60)),
            "hours"
        );
        assert_eq!(field(leave(day(2026, 1, 1), day(2027, 6, 1), 60)), "to");
        let address = |postal: &str, country: &str| RequestDetails::AddressChange {
            street: "Dorpsstraat 1".into(),
            postal_code: postal.into(),
            city: "Delft".into(),
            country: country.into(),
            from: today,
        };
        assert_eq!(address("2611 HV", "NL").check(today), Ok(()));
        assert_eq!(field(address("261 HV", "NL")), "postal_code");
        assert_eq!(address("B-1000", "BE").check(today), Ok(()));
        assert_eq!(field(address("1000", "Belgie")), "country");
        let bank = |iban: &str, holder: &str| RequestDetails::BankAccountChange {
            iban: iban.into(),
            holder: holder.into(),
        };
        assert_eq!(bank("NL91ABNA0417164300", "A. Smit").check(today), Ok(()));
        assert_eq!(field(bank("NL91ABNA0417164301", "A. Smit")), "iban");
        assert_eq!(field(bank("NL91ABNA0417164300", " ")), "holder");
        let claim = |cents, date| RequestDetails::ExpenseClaim {
            amount_cents: cents,
            date,
            description: "Treinkaartje".into(),
        };
        assert_eq!(claim(1250, today).check(today), Ok(()));
        assert_eq!(field(claim(0, today)), "amount");
        assert_eq!(field(claim(1250, day(2026, 12, 2))), "date");
        let letter = RequestDetails::LetterRequest {
            letter: LetterKind::EmployerStatement,
            reason: "x".repeat(TEXT_MAX_CHARS + 1),
        };
        assert_eq!(field(letter), "reason");
    }

    #[test]
    fn states_move_forward_only() {
        use RequestState::*;
        assert!(Submitted.may_become(Approved) && Submitted.may_become(Withdrawn));
        assert!(Approved.may_become(Processed));
        for (from, to) in [
            (Rejected, Processed),
            (Withdrawn, Approved),
            (Processed, Approved),
            (Submitted, Processed),
        ] {
            assert!(!from.may_become(to), "{from:?} → {to:?}");
        }
        for kind in RequestKind::ALL {
            assert_eq!(RequestKind::parse(kind.as_str()), Ok(kind));
        }
    }
}
