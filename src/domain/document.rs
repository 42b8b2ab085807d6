//! Documents and dossiers: what kinds exist, whose dossier a document is in, and how it got there
//! (placed by payroll software, or uploaded by the dossier's own party).

use chrono::{DateTime, Utc};

use super::checks::Invalid;
use super::ids::PublicId;
use super::period::{Period, Year};

/// Internal row keys. They never appear in URLs (public ids do); they exist so the access rule
/// can compare parties without strings.
macro_rules! key {
    ($name:ident) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub i64);
    };
}
key!(BureauKey);
key!(EmployerKey);
key!(EmployeeKey);
key!(AccountKey);
key!(DocumentKey);

/// The three kinds of dossier: every party has exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DossierKind {
    Bureau,
    Employer,
    Employee,
}

impl DossierKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Bureau => "bureau",
            Self::Employer => "employer",
            Self::Employee => "employee",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Bureau, Self::Employer, Self::Employee]
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

/// Whose dossier a document is in. An employee's dossier always belongs to one employer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dossier {
    Bureau(BureauKey),
    Employer(EmployerKey),
    Employee {
        employee: EmployeeKey,
        employer: EmployerKey,
    },
}

impl Dossier {
    pub fn kind(self) -> DossierKind {
        match self {
            Self::Bureau(_) => DossierKind::Bureau,
            Self::Employer(_) => DossierKind::Employer,
            Self::Employee { .. } => DossierKind::Employee,
        }
    }

    /// The employer this dossier belongs to, directly or through its employee.
    pub fn employer(self) -> Option<EmployerKey> {
        match self {
            Self::Bureau(_) => None,
            Self::Employer(employer) | Self::Employee { employer, .. } => Some(employer),
        }
    }
}

/// Who placed a payroll file through the sync API: a bureau for its client, or a
/// self-administering employer for itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Placer {
    Bureau(BureauKey),
    Employer(EmployerKey),
}

/// How a document came to be in its dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Origin {
    /// A payroll file ("Loon-bestand"), changed only through the sync API.
    Payroll(Placer),
    /// A file the dossier's own party uploaded ("Overige bestanden"); private until shared.
    Upload,
}

/// What a document is. Payroll kinds belong in a particular kind of dossier; upload kinds are
/// what users choose when they upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocumentKind {
    Payslip,
    AnnualStatement,
    Letter,
    SeriesOverview,
    JournalEntry,
    PaymentList,
    Sepa,
    WageTaxReturn,
    Report,
    IdCopy,
    ExpenseClaim,
    Other,
}

impl DocumentKind {
    pub const ALL: [Self; 12] = [
        Self::Payslip,
        Self::AnnualStatement,
        Self::Letter,
        Self::SeriesOverview,
        Self::JournalEntry,
        Self::PaymentList,
        Self::Sepa,
        Self::WageTaxReturn,
        Self::Report,
        Self::IdCopy,
        Self::ExpenseClaim,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Payslip => "payslip",
            Self::AnnualStatement => "annual_statement",
            Self::Letter => "letter",
            Self::SeriesOverview => "series_overview",
            Self::JournalEntry => "journal_entry",
            Self::PaymentList => "payment_list",
            Self::Sepa => "sepa",
            Self::WageTaxReturn => "wage_tax_return",
            Self::Report => "report",
            Self::IdCopy => "id_copy",
            Self::ExpenseClaim => "expense_claim",
            Self::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == text)
            .ok_or_else(|| Invalid(format!("\"{text}\" is not a document kind")))
    }

    /// The Dutch name used in default titles.
    pub fn label_nl(self) -> &'static str {
        match self {
            Self::Payslip => "Loonstrook",
            Self::AnnualStatement => "Jaaropgave",
            Self::Letter => "Brief",
            Self::SeriesOverview => "Serie-overzicht",
            Self::JournalEntry => "Journaalpost",
            Self::PaymentList => "Betaallijst",
            Self::Sepa => "SEPA-bestand",
            Self::WageTaxReturn => "Loonaangifte",
            Self::Report => "Overzicht",
            Self::IdCopy => "Kopie identiteitsbewijs",
            Self::ExpenseClaim => "Declaratie",
            Self::Other => "Bestand",
        }
    }

    /// Whether payroll software may place this kind in a dossier of `dossier` kind.
    pub fn is_payroll_for(self, dossier: DossierKind) -> bool {
        match self {
            Self::Payslip | Self::AnnualStatement => dossier == DossierKind::Employee,
            Self::Letter => matches!(dossier, DossierKind::Employee | DossierKind::Employer),
            Self::SeriesOverview
            | Self::JournalEntry
            | Self::PaymentList
            | Self::Sepa
            | Self::WageTaxReturn
            | Self::Report => dossier == DossierKind::Employer,
            Self::IdCopy | Self::ExpenseClaim | Self::Other => false,
        }
    }

    /// Whether a user may give this kind to a file they upload.
    pub fn is_upload_kind(self) -> bool {
        matches!(self, Self::IdCopy | Self::ExpenseClaim | Self::Other)
    }
}

/// With whom an upload is shared (SPEC.md Part 2, "Sharing onward"): an employee's with its
/// employer (and by the employer onward with its bureau), an employer's with its bureau.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Shares {
    /// An employee's upload is shared with its employer.
    pub with_employer: bool,
    /// Shared with this bureau (by an employer, its own upload or an employee's passed on).
    pub with_bureau: Option<BureauKey>,
}

impl Shares {
    /// Shared with nobody.
    pub const NONE: Self = Self {
        with_employer: false,
        with_bureau: None,
    };

    /// Shared with anyone at all.
    pub fn any(self) -> bool {
        self.with_employer || self.with_bureau.is_some()
    }
}

/// Everything the access rule needs to know about one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentFacts {
    pub dossier: Dossier,
    /// The current bureau of the dossier's employer (`None` for bureau dossiers and for
    /// self-administering employers).
    pub employer_bureau: Option<BureauKey>,
    pub origin: Origin,
    /// With whom an upload is shared (always nobody for payroll files).
    pub shared: Shares,
    /// Retracted by payroll software or deleted by its owner: gone for every user.
    pub removed: bool,
}

/// A document about to be stored (its file already is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDocument {
    pub public_id: PublicId,
    pub dossier: Dossier,
    pub origin: Origin,
    /// The person who put it here through the browser: the uploader of an upload, or the writer
    /// of a letter (a payroll file that then never corrects or is corrected by another).
    pub uploaded_by: Option<AccountKey>,
    pub kind: DocumentKind,
    pub year: Year,
    pub period: Period,
    pub title: String,
    pub file_name: String,
    pub media_type: String,
    pub size: u64,
    pub sha256: String,
    pub file_id: String,
    pub created_at: DateTime<Utc>,
    /// The version this one corrects, if any.
    pub corrects: Option<DocumentKey>,
    pub version: u32,
}

/// A stored document with everything lists and details show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRecord {
    pub key: DocumentKey,
    pub public_id: PublicId,
    pub facts: DocumentFacts,
    pub uploaded_by: Option<AccountKey>,
    pub kind: DocumentKind,
    pub year: Year,
    pub period: Period,
    pub title: String,
    pub file_name: String,
    pub media_type: String,
    pub size: u64,
    pub sha256: String,
    pub file_id: String,
    pub created_at: DateTime<Utc>,
    pub version: u32,
    pub corrects: Option<DocumentKey>,
    /// A later correction replaced this version for readers.
    pub superseded: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_belong_to_dossiers() {
        for kind in DocumentKind::ALL {
            assert_eq!(DocumentKind::parse(kind.as_str()), Ok(kind));
            let payroll_somewhere = [DossierKind::Employee, DossierKind::Employer]
                .into_iter()
                .any(|d| kind.is_payroll_for(d));
            assert_ne!(payroll_somewhere, kind.is_upload_kind(), "{kind:?}");
            assert!(!kind.is_payroll_for(DossierKind::Bureau));
        }
        assert!(DocumentKind::Payslip.is_payroll_for(DossierKind::Employee));
        assert!(!DocumentKind::Payslip.is_payroll_for(DossierKind::Employer));
        assert!(DocumentKind::SeriesOverview.is_payroll_for(DossierKind::Employer));
        assert!(!DocumentKind::SeriesOverview.is_payroll_for(DossierKind::Employee));
        assert!(DocumentKind::parse("cv").is_err());
    }
}
