//! The employer's green light on a period's series overview (SPEC.md Part 2, "Approval of
//! series overviews"): akkoord or niet akkoord, with an optional comment. Each decision is a new
//! record; the newest one counts, earlier ones stay as history.

use chrono::{DateTime, Utc};

use super::checks::Invalid;

/// The employer's answer on a series overview.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// "Akkoord": the payroll software may place the period's payslips.
    Approved,
    /// "Niet akkoord": the bureau should look at the comment first.
    Rejected,
}

impl Decision {
    /// The stored and API form: `approved` or `rejected`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Approved => "approved",
            Self::Rejected => "rejected",
        }
    }

    /// Errors: anything but `approved` or `rejected`.
    pub fn parse(text: &str) -> Result<Self, Invalid> {
        match text {
            "approved" => Ok(Self::Approved),
            "rejected" => Ok(Self::Rejected),
            other => Err(Invalid(format!(
                "{other:?} is not a decision: use approved or rejected"
            ))),
        }
    }
}

/// The longest comment with a decision, in characters.
pub const COMMENT_MAX_CHARS: usize = 1000;

/// One decision on a series overview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    pub decision: Decision,
    /// What the employer wrote with it, if anything (at most [`COMMENT_MAX_CHARS`]).
    pub comment: Option<String>,
    /// The deciding party's name as it was then (the employer's).
    pub by: String,
    pub at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions_round_trip_and_nothing_else_parses() {
        for d in [Decision::Approved, Decision::Rejected] {
            assert_eq!(Decision::parse(d.as_str()), Ok(d));
        }
        assert!(Decision::parse("akkoord").is_err());
    }
}
