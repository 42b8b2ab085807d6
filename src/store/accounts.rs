//! Accounts: creating them, finding them, their passwords, addresses for mail, and the
//! settings the account changes itself.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, named_params};

use super::StoreError;
use super::parties::{public_id, status};
use super::time::{corrupt, to_db};
use crate::domain::party::{Account, AccountParty, AccountStatus, Username};
use crate::domain::{AccountKey, BureauKey, Email, EmployeeKey, EmployerKey, PublicId};

/// A new account: for a bureau staff member (with their own name and address) or for an
/// employer or employee (whose master data names them).
#[derive(Debug, Clone)]
pub struct NewAccount<'a> {
    pub username: &'a Username,
    pub party: AccountParty,
    pub staff_name: Option<&'a str>,
    pub staff_email: Option<&'a Email>,
    pub password_hash: Option<&'a str>,
    pub invited_at: Option<DateTime<Utc>>,
}

/// Why an account could not be created.
#[derive(Debug)]
pub enum AccountInsertError {
    UsernameTaken,
    Store(StoreError),
}

impl From<rusqlite::Error> for AccountInsertError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Store(e.into())
    }
}

pub fn insert_account(
    tx: &Transaction<'_>,
    account: &NewAccount<'_>,
    at: DateTime<Utc>,
) -> Result<Account, AccountInsertError> {
    let taken: bool = tx
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM accounts WHERE username_folded = ?1)")?
        .query_row([account.username.folded()], |r| r.get(0))
        .map_err(|e| AccountInsertError::Store(e.into()))?;
    if taken {
        return Err(AccountInsertError::UsernameTaken);
    }
    let (role, bureau, employer, employee) = match account.party {
        AccountParty::Bureau(b) => ("bureau", Some(b.0), None, None),
        AccountParty::Employer(r) => ("employer", None, Some(r.0), None),
        AccountParty::Employee(e) => ("employee", None, None, Some(e.0)),
    };
    let public = PublicId::random();
    let activated = account.password_hash.map(|_| to_db(at));
    tx.prepare_cached(
        "INSERT INTO accounts (public_id, username, username_folded, role, bureau_id, \
             employer_id, employee_id, staff_name, staff_email, password_hash, invited_at, \
             activated_at, created_at) \
         VALUES (:public_id, :username, :folded, :role, :bureau, :employer, :employee, \
             :staff_name, :staff_email, :hash, :invited, :activated, :at)",
    )?
    .execute(named_params! {
        ":public_id": public.to_string(),
        ":username": account.username.as_str(),
        ":folded": account.username.folded(),
        ":role": role,
        ":bureau": bureau,
        ":employer": employer,
        ":employee": employee,
        ":staff_name": account.staff_name,
        ":staff_email": account.staff_email.map(Email::as_str),
        ":hash": account.password_hash,
        ":invited": account.invited_at.map(to_db),
        ":activated": activated,
        ":at": to_db(at),
    })
    .map_err(|e| AccountInsertError::Store(e.into()))?;
    Ok(Account {
        key: AccountKey(tx.last_insert_rowid()),
        public_id: public,
        username: account.username.as_str().to_owned(),
        party: account.party,
        status: if account.password_hash.is_some() {
            AccountStatus::Active
        } else {
            AccountStatus::Invited
        },
        staff_name: account.staff_name.map(str::to_owned),
        language: "nl".to_owned(),
    })
}

fn account_row(row: &Row<'_>) -> Result<Account, rusqlite::Error> {
    let role: String = row.get(3)?;
    let party = match (
        role.as_str(),
        row.get::<_, Option<i64>>(4)?,
        row.get::<_, Option<i64>>(5)?,
        row.get::<_, Option<i64>>(6)?,
    ) {
        ("bureau", Some(b), _, _) => AccountParty::Bureau(BureauKey(b)),
        ("employer", _, Some(r), _) => AccountParty::Employer(EmployerKey(r)),
        ("employee", _, _, Some(e)) => AccountParty::Employee(EmployeeKey(e)),
        _ => return Err(corrupt(3, role)),
    };
    Ok(Account {
        key: AccountKey(row.get(0)?),
        public_id: public_id(row, 1)?,
        username: row.get(2)?,
        party,
        status: status(Some(row.get(7)?)),
        staff_name: row.get(8)?,
        language: row.get(9)?,
    })
}

/// The stored password hash of an account, if its password is set.
pub fn password_hash(conn: &Connection, account: AccountKey) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT password_hash FROM accounts WHERE id = ?1")?
        .query_row([account.0], |r| r.get(0))
        .optional()?
        .flatten())
}

const ACCOUNT_COLUMNS: &str = "id, public_id, username, role, bureau_id, employer_id, \
    employee_id, CASE WHEN disabled_at IS NOT NULL THEN 2 \
      WHEN password_hash IS NOT NULL THEN 1 ELSE 0 END, staff_name, language";

pub fn account(conn: &Connection, key: AccountKey) -> Result<Option<Account>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = ?1"
        ))?
        .query_row([key.0], account_row)
        .optional()?)
}

pub fn account_by_username(
    conn: &Connection,
    username: &Username,
) -> Result<Option<Account>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE username_folded = ?1"
        ))?
        .query_row([username.folded()], account_row)
        .optional()?)
}

/// The own login of an employer (not a colleague it invited) or of an employee, if one was
/// made.
pub fn account_of(conn: &Connection, party: AccountParty) -> Result<Option<Account>, StoreError> {
    // Bureaus have several staff accounts; there is no single one to return.
    if let AccountParty::Bureau(_) = party {
        return Ok(None);
    }
    let (condition, key) = party_condition(party);
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE {condition} AND staff_name IS NULL"
        ))?
        .query_row([key], account_row)
        .optional()?)
}

/// Whether an employer or employee ever had its own login made — also one removed since
/// (a removal is for good: the party is not invited again).
pub fn own_login_made(conn: &Connection, party: AccountParty) -> Result<bool, StoreError> {
    let (condition, key) = match party {
        AccountParty::Employer(r) => ("role = 'employer' AND employer_id = ?1", r.0),
        AccountParty::Employee(e) => ("role = 'employee' AND employee_id = ?1", e.0),
        AccountParty::Bureau(_) => return Ok(false),
    };
    Ok(conn
        .prepare_cached(&format!(
            "SELECT EXISTS (SELECT 1 FROM accounts WHERE {condition} AND staff_name IS NULL)"
        ))?
        .query_row([key], |r| r.get(0))?)
}

/// The accounts of `party` as a condition on `accounts` and its `?1`.
fn party_condition(party: AccountParty) -> (&'static str, i64) {
    match party {
        AccountParty::Bureau(b) => (
            "role = 'bureau' AND bureau_id = ?1 AND removed_at IS NULL",
            b.0,
        ),
        AccountParty::Employer(r) => (
            "role = 'employer' AND employer_id = ?1 AND removed_at IS NULL",
            r.0,
        ),
        AccountParty::Employee(e) => (
            "role = 'employee' AND employee_id = ?1 AND removed_at IS NULL",
            e.0,
        ),
    }
}

/// Every account of a party that can sign in (its password is set and it is not disabled): a
/// bureau's staff, or the one login of an employer or employee.
pub fn signed_up_accounts_of(
    conn: &Connection,
    party: AccountParty,
) -> Result<Vec<AccountKey>, StoreError> {
    let (condition, key) = party_condition(party);
    let mut statement = conn.prepare_cached(&format!(
        "SELECT id FROM accounts WHERE {condition} AND password_hash IS NOT NULL \
           AND disabled_at IS NULL ORDER BY id"
    ))?;
    let rows = statement.query_map([key], |r| Ok(AccountKey(r.get(0)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Accounts that can sign in (their password is set and they are not disabled).
pub fn active_accounts(conn: &Connection) -> Result<Vec<AccountKey>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT id FROM accounts WHERE password_hash IS NOT NULL AND disabled_at IS NULL",
    )?;
    let rows = statement.query_map([], |r| Ok(AccountKey(r.get(0)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The first account of a party (a bureau's first staff member).
pub fn first_account_of(
    conn: &Connection,
    party: AccountParty,
) -> Result<Option<AccountKey>, StoreError> {
    let (condition, key) = party_condition(party);
    Ok(conn
        .prepare_cached(&format!(
            "SELECT id FROM accounts WHERE {condition} ORDER BY id LIMIT 1"
        ))?
        .query_row([key], |r| Ok(AccountKey(r.get(0)?)))
        .optional()?)
}

/// Where an account's mail goes: its contact address (the employer's, the employee's work
/// address as payroll sent it, a staff member's own) and the employee's private address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailAddresses {
    pub contact: Option<String>,
    pub private: Option<String>,
    pub language: String,
}

pub fn mail_addresses(conn: &Connection, account: AccountKey) -> Result<MailAddresses, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT coalesce(a.staff_email, r.email, w.work_email), w.private_email, a.language \
             FROM accounts a \
             LEFT JOIN employers r ON r.id = a.employer_id \
             LEFT JOIN employees w ON w.id = a.employee_id \
             WHERE a.id = ?1",
        )?
        .query_row([account.0], |row| {
            Ok(MailAddresses {
                contact: row.get(0)?,
                private: row.get(1)?,
                language: row.get(2)?,
            })
        })
        .optional()?
        .unwrap_or_default())
}

/// Usernames whose contact or private address is `email` (case-insensitive), by address.
pub fn usernames_by_email(
    conn: &Connection,
    email: &str,
) -> Result<Vec<(AccountKey, String, String)>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT a.id, a.username, a.language FROM accounts a \
         LEFT JOIN employers r ON r.id = a.employer_id \
         LEFT JOIN employees w ON w.id = a.employee_id \
         WHERE (lower(a.staff_email) = lower(?1) \
            OR (a.staff_name IS NULL AND lower(r.email) = lower(?1)) \
            OR lower(w.work_email) = lower(?1) OR lower(w.private_email) = lower(?1)) \
           AND a.disabled_at IS NULL AND a.removed_at IS NULL \
         ORDER BY a.id",
    )?;
    let rows = statement.query_map([email], |row| {
        Ok((AccountKey(row.get(0)?), row.get(1)?, row.get(2)?))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Stores a new password hash; the first one also marks the account active.
pub fn set_password_hash(
    tx: &Transaction<'_>,
    account: AccountKey,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "UPDATE accounts SET password_hash = ?2, activated_at = coalesce(activated_at, ?3) \
         WHERE id = ?1",
    )?
    .execute((account.0, hash, to_db(now)))?;
    Ok(())
}

/// The words a password of this account may not contain: its username, its addresses, and
/// the names of its person, employer and bureau.
pub fn personal_words(
    conn: &Connection,
    account: AccountKey,
) -> Result<crate::domain::party::PersonalWords, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT a.username, a.staff_email, a.staff_name, \
                    coalesce(r.email, wr.email), coalesce(r.name, wr.name), \
                    w.name, w.work_email, w.private_email, \
                    coalesce(b.name, rb.name, wb.name) \
             FROM accounts a \
             LEFT JOIN bureaus b ON b.id = a.bureau_id \
             LEFT JOIN employers r ON r.id = a.employer_id \
             LEFT JOIN bureaus rb ON rb.id = r.bureau_id \
             LEFT JOIN employees w ON w.id = a.employee_id \
             LEFT JOIN employers wr ON wr.id = w.employer_id \
             LEFT JOIN bureaus wb ON wb.id = wr.bureau_id \
             WHERE a.id = ?1",
        )?
        .query_row([account.0], |row| {
            let text = |i| row.get::<_, Option<String>>(i);
            let emails = [text(1)?, text(3)?, text(6)?, text(7)?];
            let names = [text(2)?, text(4)?, text(5)?, text(8)?];
            Ok(crate::domain::party::PersonalWords {
                username: row.get(0)?,
                emails: emails.into_iter().flatten().collect(),
                names: names.into_iter().flatten().collect(),
            })
        })
        .optional()?
        .unwrap_or_default())
}

/// Gives an account a new username; false if another account has it (case-insensitively).
pub fn set_username(
    tx: &Transaction<'_>,
    account: AccountKey,
    username: &Username,
) -> Result<bool, StoreError> {
    let taken: bool = tx
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM accounts WHERE username_folded = ?1 AND id <> ?2)",
        )?
        .query_row((username.folded(), account.0), |r| r.get(0))?;
    if taken {
        return Ok(false);
    }
    tx.prepare_cached("UPDATE accounts SET username = ?2, username_folded = ?3 WHERE id = ?1")?
        .execute((account.0, username.as_str(), username.folded()))?;
    Ok(true)
}

/// The account's language for pages and mail: "nl" or "en".
pub fn set_language(
    tx: &Transaction<'_>,
    account: AccountKey,
    language: &str,
) -> Result<(), StoreError> {
    tx.prepare_cached("UPDATE accounts SET language = ?2 WHERE id = ?1")?
        .execute((account.0, language))?;
    Ok(())
}

/// The account's own settings for Profiel.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountSettings {
    pub language: String,
    pub private_email: Option<String>,
    /// Mail when new documents wait unread (Profiel switch).
    pub notify_new_documents: bool,
}

pub fn settings(conn: &Connection, account: AccountKey) -> Result<AccountSettings, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT a.language, w.private_email, a.notify_new_documents = 1 FROM accounts a \
             LEFT JOIN employees w ON w.id = a.employee_id WHERE a.id = ?1",
        )?
        .query_row([account.0], |r| {
            Ok(AccountSettings {
                language: r.get(0)?,
                private_email: r.get(1)?,
                notify_new_documents: r.get(2)?,
            })
        })
        .optional()?
        .unwrap_or_default())
}

/// Notes a completed sign-in.
pub fn record_login(
    tx: &Transaction<'_>,
    account: AccountKey,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.prepare_cached("UPDATE accounts SET last_login_at = ?2 WHERE id = ?1")?
        .execute((account.0, to_db(at)))?;
    Ok(())
}

/// The joins that name an account `a`'s party: `b` its bureau, `r` its employer, `w` its
/// employee and `we` that employee's employer.
pub(super) const PARTY_JOINS: &str = "LEFT JOIN bureaus b ON b.id = a.bureau_id \
    LEFT JOIN employers r ON r.id = a.employer_id \
    LEFT JOIN employees w ON w.id = a.employee_id \
    LEFT JOIN employers we ON we.id = w.employer_id";
/// The name of account `a`'s party (with [`PARTY_JOINS`]); NULL for no account.
pub(super) const PARTY_NAME: &str = "coalesce(b.name, r.name, w.name)";
/// Whether account `a` belongs to the bureau whose client number is `:bureau` (NULL: any):
/// its staff, its clients' logins and their employees' (with [`PARTY_JOINS`]).
pub(super) const OF_BUREAU: &str = "(:bureau IS NULL OR :bureau IN \
    (SELECT client_number FROM bureaus WHERE id IN (a.bureau_id, r.bureau_id, we.bureau_id)))";

/// One account as `loondossier user list` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountLine {
    pub username: String,
    pub role: crate::domain::party::Role,
    /// The party it belongs to (bureau, employer or employee name) and, for staff, its own name.
    pub party_name: String,
    pub staff_name: Option<String>,
    pub status: AccountStatus,
    pub last_login_at: Option<DateTime<Utc>>,
}

/// Which accounts `user list` shows; `None` is any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountFilter {
    pub role: Option<crate::domain::party::Role>,
    /// Accounts of this bureau (by client number): its staff, its clients' logins and their
    /// employees'.
    pub bureau: Option<String>,
    pub status: Option<AccountStatus>,
}

/// Every account that is not removed, matching `filter`, by role and username.
pub fn list(conn: &Connection, filter: &AccountFilter) -> Result<Vec<AccountLine>, StoreError> {
    let role = filter.role.map(crate::domain::party::Role::as_str);
    let state = filter.status.map(|s| match s {
        AccountStatus::NotInvited | AccountStatus::Invited => 0,
        AccountStatus::Active => 1,
        AccountStatus::Disabled => 2,
    });
    let mut statement = conn.prepare(&format!(
        "SELECT a.username, a.role, coalesce({PARTY_NAME}, ''), a.staff_name, \
             {state_sql}, a.last_login_at \
         FROM accounts a {PARTY_JOINS} \
         WHERE a.removed_at IS NULL \
           AND (:role IS NULL OR a.role = :role) \
           AND (:state IS NULL OR {state_sql} = :state) AND {OF_BUREAU} \
         ORDER BY a.role, a.username_folded",
        state_sql = super::parties::ACCOUNT_STATE,
    ))?;
    let rows = statement.query_map(
        named_params! { ":role": role, ":state": state, ":bureau": filter.bureau },
        |row| {
            let role: String = row.get(1)?;
            let login: Option<String> = row.get(5)?;
            Ok(AccountLine {
                username: row.get(0)?,
                role: crate::domain::party::Role::parse(&role).ok_or_else(|| corrupt(1, &role))?,
                party_name: row.get(2)?,
                staff_name: row.get(3)?,
                status: status(Some(row.get(4)?)),
                last_login_at: login.map(|t| super::time::from_db(&t, 5)).transpose()?,
            })
        },
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// What an account turned off or removed loses at once: its sessions, its links (welcome,
/// reset, address confirmation), the notices waiting for it and its mail not yet sent.
fn cut_off(tx: &Transaction<'_>, account: AccountKey) -> Result<(), StoreError> {
    for table in [
        "account_links",
        "pending_notifications",
        "pending_request_notices",
    ] {
        tx.prepare_cached(&format!("DELETE FROM {table} WHERE account_id = ?1"))?
            .execute([account.0])?;
    }
    tx.prepare_cached("DELETE FROM outbox WHERE account_id = ?1 AND status = 'queued'")?
        .execute([account.0])?;
    super::sessions::delete_for_account(tx, account, None)?;
    Ok(())
}

/// Turns an account off (`at`) or on again (`None`); when turned off it is cut off at once
/// (sessions, links, waiting notices and unsent mail go).
/// `false` when nothing changed (it already was so).
pub fn set_disabled(
    tx: &Transaction<'_>,
    account: AccountKey,
    at: Option<DateTime<Utc>>,
) -> Result<bool, StoreError> {
    let changed = tx
        .prepare_cached(
            "UPDATE accounts SET disabled_at = ?2 \
             WHERE id = ?1 AND removed_at IS NULL AND (disabled_at IS NULL) = (?2 IS NOT NULL)",
        )?
        .execute((account.0, at.map(to_db)))?;
    if at.is_some() {
        cut_off(tx, account)?;
    }
    Ok(changed == 1)
}

/// Removes an account: its sessions, links, recovery codes, passkeys and waiting notices go, its
/// password, second factor and address are wiped and its username freed; the row stays as a
/// name for the history (audit lines, request events and shares refer to it).
pub fn remove(
    tx: &Transaction<'_>,
    account: AccountKey,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let changed = tx
        .prepare_cached(
            "UPDATE accounts SET removed_at = ?2, disabled_at = coalesce(disabled_at, ?2), \
                 username_folded = 'removed' || char(9) || public_id, password_hash = NULL, \
                 staff_email = NULL, totp_secret = NULL, totp_pending = NULL \
             WHERE id = ?1 AND removed_at IS NULL",
        )?
        .execute((account.0, to_db(at)))?;
    tx.prepare_cached("DELETE FROM recovery_codes WHERE account_id = ?1")?
        .execute([account.0])?;
    super::passkeys::remove_all(tx, account)?;
    cut_off(tx, account)?;
    Ok(changed == 1)
}

/// A colleague an employer invited, as its Profiel lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColleagueLine {
    pub id: PublicId,
    pub key: AccountKey,
    pub username: String,
    pub name: String,
    pub email: Option<String>,
    pub status: AccountStatus,
    pub last_login_at: Option<DateTime<Utc>>,
}

/// The colleagues of an employer's own login (accounts it invited, not removed), by name.
pub fn colleagues_of(
    conn: &Connection,
    employer: EmployerKey,
) -> Result<Vec<ColleagueLine>, StoreError> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT a.public_id, a.username, a.staff_name, a.staff_email, {state}, a.last_login_at, \
             a.id \
         FROM accounts a WHERE a.role = 'employer' AND a.employer_id = ?1 \
           AND a.staff_name IS NOT NULL AND a.removed_at IS NULL \
         ORDER BY a.staff_name COLLATE NOCASE, a.id",
        state = super::parties::ACCOUNT_STATE,
    ))?;
    let rows = statement.query_map([employer.0], |row| {
        let login: Option<String> = row.get(5)?;
        Ok(ColleagueLine {
            id: public_id(row, 0)?,
            key: AccountKey(row.get(6)?),
            username: row.get(1)?,
            name: row.get(2)?,
            email: row.get(3)?,
            status: status(Some(row.get(4)?)),
            last_login_at: login.map(|t| super::time::from_db(&t, 5)).transpose()?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// An account by its public id, with whether it is a colleague an employer invited (it has a
/// name of its own and belongs to an employer).
pub fn by_public_id(
    conn: &Connection,
    id: PublicId,
) -> Result<Option<(Account, bool)>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {ACCOUNT_COLUMNS}, role = 'employer' AND staff_name IS NOT NULL \
             FROM accounts WHERE public_id = ?1 AND removed_at IS NULL"
        ))?
        .query_row([id.to_string()], |row| {
            Ok((account_row(row)?, row.get(10)?))
        })
        .optional()?)
}
