//! The parties (bureau, employer, employee), their master data, and their accounts.

use super::checks::{Bsn, Email, Invalid, Lhn};
use super::document::{AccountKey, BureauKey, EmployeeKey, EmployerKey};
use super::ids::PublicId;

/// A postal address as payroll software sends it; every line optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Address {
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bureau {
    pub key: BureauKey,
    pub public_id: PublicId,
    pub client_number: String,
    pub name: String,
}

/// An employer's master data as the payroll software last sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmployerData {
    pub lhn: Lhn,
    pub name: String,
    pub email: Email,
    pub client_number: Option<String>,
    pub phone: Option<String>,
    pub address: Address,
    pub payroll_year: Option<u16>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Employer {
    pub key: EmployerKey,
    pub public_id: PublicId,
    pub bureau: Option<BureauKey>,
    pub data: EmployerData,
}

/// An employee's master data as the payroll software last sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmployeeData {
    pub personnel_number: String,
    pub name: String,
    pub birth_date: chrono::NaiveDate,
    pub bsn: Bsn,
    pub work_email: Email,
    pub phone: Option<String>,
    pub address: Address,
    pub employment_start: Option<chrono::NaiveDate>,
    pub employment_end: Option<chrono::NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Employee {
    pub key: EmployeeKey,
    pub public_id: PublicId,
    pub employer: EmployerKey,
    pub private_email: Option<Email>,
    pub data: EmployeeData,
}

/// Whether someone can sign in yet, as the Werknemers list shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountStatus {
    /// No account: nothing has been placed that would invite them.
    NotInvited,
    /// An account exists, the password has not been set yet.
    Invited,
    /// The password is set.
    Active,
    /// Turned off by an admin (`loondossier user disable`): the password is right but nobody
    /// signs in with it until it is enabled again.
    Disabled,
}

impl AccountStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotInvited => "not_invited",
            Self::Invited => "invited",
            Self::Active => "active",
            Self::Disabled => "disabled",
        }
    }
}

/// The three kinds of account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Bureau,
    Employer,
    Employee,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Bureau => "bureau",
            Self::Employer => "employer",
            Self::Employee => "employee",
        }
    }

    /// The role [`Role::as_str`] names.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Bureau, Self::Employer, Self::Employee]
            .into_iter()
            .find(|r| r.as_str() == text)
    }
}

/// The party an account signs in for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountParty {
    Bureau(BureauKey),
    Employer(EmployerKey),
    Employee(EmployeeKey),
}

impl AccountParty {
    pub fn role(self) -> Role {
        match self {
            Self::Bureau(_) => Role::Bureau,
            Self::Employer(_) => Role::Employer,
            Self::Employee(_) => Role::Employee,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub key: AccountKey,
    pub public_id: PublicId,
    pub username: String,
    pub party: AccountParty,
    pub status: AccountStatus,
    /// A bureau staff member's own name.
    pub staff_name: Option<String>,
    /// "nl" or "en": the language of its pages and mail.
    pub language: String,
}

/// What a password may not contain: the account's username, addresses and names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonalWords {
    pub username: String,
    pub emails: Vec<String>,
    /// The employer's and bureau's names (and the employee's own name).
    pub names: Vec<String>,
}

/// A username: trimmed, 3–254 characters, no control characters. Compared without case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(text: &str) -> Result<Self, Invalid> {
        let text = text.trim();
        let length = text.chars().count();
        if !(3..=254).contains(&length) {
            return Err(Invalid("a username has 3 to 254 characters".to_owned()));
        }
        if text.chars().any(char::is_control) {
            return Err(Invalid(
                "a username cannot contain control characters".to_owned(),
            ));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form uniqueness is checked on.
    pub fn folded(&self) -> String {
        self.0.to_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_fold_case_and_refuse_junk() {
        let a = Username::parse(" Anja.Faber@Gmail.com ").unwrap();
        assert_eq!(a.as_str(), "Anja.Faber@Gmail.com");
        assert_eq!(a.folded(), "anja.faber@gmail.com");
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("a\u{0}bc").is_err());
        assert_eq!(Username::parse("ÉMILE").unwrap().folded(), "émile");
    }
}
