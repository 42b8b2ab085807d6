//! The employee's consent to electronic payslips (SPEC.md Part 2, "Privacy and consent"). Dutch
//! law lets an employer hand out payslips electronically only with the employee's consent
//! (BW 7:626 lid 4); the choice is kept with its time and the version of the text shown, and
//! payroll software reads it to know who wants paper.

use chrono::{DateTime, Utc};

/// The version of the consent text the pages show (`consent_*` in the text catalog). Change it
/// with the text: each stored choice names the version its employee read.
pub const CONSENT_TEXT_VERSION: &str = "2026-12";

/// How an employee wants its payslips.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayslipDelivery {
    /// In the online dossier (consent given).
    Electronic,
    /// On paper from the employer (consent refused or withdrawn).
    Paper,
    /// Not asked yet: the employee has not signed in since the question was added.
    NotAsked,
}

impl PayslipDelivery {
    /// The word the sync API and the database use.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Electronic => "electronic",
            Self::Paper => "paper",
            Self::NotAsked => "not_asked",
        }
    }

    /// A choice an employee can make (`electronic` or `paper`); `None` for anything else.
    pub fn parse_choice(text: &str) -> Option<Self> {
        match text {
            "electronic" => Some(Self::Electronic),
            "paper" => Some(Self::Paper),
            _ => None,
        }
    }
}

/// The choice that counts (the newest), with when it was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryChoice {
    pub delivery: PayslipDelivery,
    /// When the employee chose; `None` when not asked yet.
    pub since: Option<DateTime<Utc>>,
}

impl DeliveryChoice {
    /// Nothing chosen yet.
    pub const NOT_ASKED: Self = Self {
        delivery: PayslipDelivery::NotAsked,
        since: None,
    };
}

#[cfg(test)]
mod tests {
    use super::PayslipDelivery;

    #[test]
    fn only_the_two_choices_parse() {
        for choice in [PayslipDelivery::Electronic, PayslipDelivery::Paper] {
            assert_eq!(PayslipDelivery::parse_choice(choice.as_str()), Some(choice));
        }
        assert_eq!(PayslipDelivery::parse_choice("not_asked"), None);
        assert_eq!(PayslipDelivery::parse_choice("Electronic"), None);
    }
}
