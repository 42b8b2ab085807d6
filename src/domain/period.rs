//! Payroll years and periods (month, four-week period, week, or the whole year) and the Dutch
//! titles derived from them, such as "Loonstrook - maart 2020".

use std::fmt;

use super::checks::Invalid;

/// The first and last payroll year the portal accepts.
pub const YEARS: std::ops::RangeInclusive<u16> = 1990..=2100;

/// A payroll year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Year(u16);

impl Year {
    pub fn new(year: i64) -> Result<Self, Invalid> {
        u16::try_from(year)
            .ok()
            .filter(|y| YEARS.contains(y))
            .map(Self)
            .ok_or_else(|| {
                Invalid(format!(
                    "year {year} is outside {}–{}",
                    YEARS.start(),
                    YEARS.end()
                ))
            })
    }

    pub fn get(self) -> u16 {
        self.0
    }
}

impl fmt::Display for Year {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// How a payroll run divides the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeriodKind {
    Month,
    FourWeeks,
    Week,
    Year,
}

impl PeriodKind {
    pub const ALL: [Self; 4] = [Self::Month, Self::FourWeeks, Self::Week, Self::Year];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Month => "month",
            Self::FourWeeks => "four_weeks",
            Self::Week => "week",
            Self::Year => "year",
        }
    }

    pub fn parse(text: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == text)
            .ok_or_else(|| {
                Invalid(format!(
                    "\"{text}\" is not a period kind; use month, four_weeks, week or year"
                ))
            })
    }

    /// The highest period number of this kind (a year has the single period 0).
    pub fn last(self) -> u8 {
        match self {
            Self::Month => 12,
            Self::FourWeeks => 13,
            Self::Week => 53,
            Self::Year => 0,
        }
    }
}

/// One period of a payroll year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    kind: PeriodKind,
    number: u8,
}

const MONTHS_NL: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

impl Period {
    /// A period; `number` is ignored (and stored as 0) for [`PeriodKind::Year`].
    pub fn new(kind: PeriodKind, number: i64) -> Result<Self, Invalid> {
        if kind == PeriodKind::Year {
            return Ok(Self { kind, number: 0 });
        }
        u8::try_from(number)
            .ok()
            .filter(|n| (1..=kind.last()).contains(n))
            .map(|number| Self { kind, number })
            .ok_or_else(|| {
                Invalid(format!(
                    "period {number} does not exist for {}; use 1–{}",
                    kind.as_str(),
                    kind.last()
                ))
            })
    }

    pub fn whole_year() -> Self {
        Self {
            kind: PeriodKind::Year,
            number: 0,
        }
    }

    pub fn kind(self) -> PeriodKind {
        self.kind
    }

    pub fn number(self) -> u8 {
        self.number
    }

    /// The Dutch name of the period within `year`: "maart 2020", "periode 3 2020", "week 12
    /// 2020", or "2020".
    pub fn label_nl(self, year: Year) -> String {
        match self.kind {
            PeriodKind::Month => {
                let month = MONTHS_NL[usize::from(self.number.saturating_sub(1)).min(11)];
                format!("{month} {year}")
            }
            PeriodKind::FourWeeks => format!("periode {} {year}", self.number),
            PeriodKind::Week => format!("week {} {year}", self.number),
            PeriodKind::Year => year.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_ranges() {
        for (kind, last) in [
            (PeriodKind::Month, 12_i64),
            (PeriodKind::FourWeeks, 13),
            (PeriodKind::Week, 53),
        ] {
            assert!(Period::new(kind, 1).is_ok());
            assert!(Period::new(kind, last).is_ok());
            assert!(Period::new(kind, 0).is_err());
            assert!(Period::new(kind, last + 1).is_err());
            assert!(Period::new(kind, -1).is_err());
        }
        assert_eq!(Period::new(PeriodKind::Year, 7).unwrap().number(), 0);
        assert!(PeriodKind::parse("quarter").is_err());
        assert_eq!(
            PeriodKind::parse("four_weeks").unwrap(),
            PeriodKind::FourWeeks
        );
    }

    #[test]
    fn dutch_labels() {
        let y = Year::new(2020).unwrap();
        let label = |k, n| Period::new(k, n).unwrap().label_nl(y);
        assert_eq!(label(PeriodKind::Month, 3), "maart 2020");
        assert_eq!(label(PeriodKind::FourWeeks, 13), "periode 13 2020");
        assert_eq!(label(PeriodKind::Week, 53), "week 53 2020");
        assert_eq!(Period::whole_year().label_nl(y), "2020");
    }

    #[test]
    fn year_range() {
        assert!(Year::new(1989).is_err());
        assert!(Year::new(2101).is_err());
        assert_eq!(Year::new(2026).unwrap().get(), 2026);
    }
}
