//! Bureaus, employers, employees and their accounts: upserts from payroll data and the lists
//! the employer and bureau pages show.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Row, ToSql, Transaction, named_params};

use super::StoreError;
use super::time::{corrupt, to_db};
use crate::domain::party::{
    Account, AccountParty, AccountStatus, Address, Bureau, Employee, EmployeeData, Employer,
    EmployerData, Username,
};
use crate::domain::{AccountKey, Bsn, BureauKey, Email, EmployeeKey, EmployerKey, Lhn, PublicId};

fn public_id(row: &Row<'_>, index: usize) -> Result<PublicId, rusqlite::Error> {
    let text: String = row.get(index)?;
    PublicId::parse(&text).ok_or_else(|| corrupt(index, text))
}

fn date(row: &Row<'_>, index: usize) -> Result<Option<NaiveDate>, rusqlite::Error> {
    let text: Option<String> = row.get(index)?;
    text.map(|t| NaiveDate::parse_from_str(&t, "%Y-%m-%d").map_err(|e| corrupt(index, e)))
        .transpose()
}

fn address(row: &Row<'_>, first: usize) -> Result<Address, rusqlite::Error> {
    Ok(Address {
        street: row.get(first)?,
        postal_code: row.get(first + 1)?,
        city: row.get(first + 2)?,
        country: row.get(first + 3)?,
    })
}

fn status(password_set: Option<bool>) -> AccountStatus {
    match password_set {
        None => AccountStatus::NotInvited,
        Some(false) => AccountStatus::Invited,
        Some(true) => AccountStatus::Active,
    }
}

/// The update parameters plus what only an insert needs.
fn with_extra<'a>(
    params: &[(&'a str, &'a dyn ToSql)],
    extra: &[(&'a str, &'a dyn ToSql)],
) -> Vec<(&'a str, &'a dyn ToSql)> {
    let mut all = params.to_vec();
    all.extend_from_slice(extra);
    all
}

pub fn insert_bureau(
    tx: &Transaction<'_>,
    client_number: &str,
    name: &str,
    at: DateTime<Utc>,
) -> Result<Bureau, StoreError> {
    let public = PublicId::random();
    tx.execute(
        "INSERT INTO bureaus (public_id, client_number, name, created_at) VALUES (?1, ?2, ?3, ?4)",
        (public.to_string(), client_number, name, to_db(at)),
    )?;
    Ok(Bureau {
        key: BureauKey(tx.last_insert_rowid()),
        public_id: public,
        client_number: client_number.to_owned(),
        name: name.to_owned(),
    })
}

fn bureau_row(row: &Row<'_>) -> Result<Bureau, rusqlite::Error> {
    Ok(Bureau {
        key: BureauKey(row.get(0)?),
        public_id: public_id(row, 1)?,
        client_number: row.get(2)?,
        name: row.get(3)?,
    })
}

pub fn bureau(conn: &Connection, key: BureauKey) -> Result<Option<Bureau>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT id, public_id, client_number, name FROM bureaus WHERE id = ?1",
            [key.0],
            bureau_row,
        )
        .optional()?)
}

pub fn bureau_by_client_number(
    conn: &Connection,
    client_number: &str,
) -> Result<Option<Bureau>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT id, public_id, client_number, name FROM bureaus WHERE client_number = ?1",
            [client_number],
            bureau_row,
        )
        .optional()?)
}

const EMPLOYER_COLUMNS: &str = "r.id, r.public_id, r.bureau_id, r.lhn, r.name, r.email, \
    r.client_number, r.phone, r.street, r.postal_code, r.city, r.country, r.payroll_year";

fn employer_row(row: &Row<'_>) -> Result<Employer, rusqlite::Error> {
    let lhn: String = row.get(3)?;
    let email: String = row.get(5)?;
    let year: Option<i64> = row.get(12)?;
    Ok(Employer {
        key: EmployerKey(row.get(0)?),
        public_id: public_id(row, 1)?,
        bureau: row.get::<_, Option<i64>>(2)?.map(BureauKey),
        data: EmployerData {
            lhn: Lhn::parse(&lhn).map_err(|e| corrupt(3, e))?,
            name: row.get(4)?,
            email: Email::parse(&email).map_err(|e| corrupt(5, e))?,
            client_number: row.get(6)?,
            phone: row.get(7)?,
            address: address(row, 8)?,
            payroll_year: year.and_then(|y| u16::try_from(y).ok()),
        },
    })
}

/// Creates or updates an employer by its loonheffingennummer. Returns its key and whether it
/// was new. The bureau is only set on creation.
pub fn upsert_employer(
    tx: &Transaction<'_>,
    bureau: Option<BureauKey>,
    data: &EmployerData,
    at: DateTime<Utc>,
) -> Result<(EmployerKey, bool), StoreError> {
    let existing: Option<i64> = tx
        .query_row(
            "SELECT id FROM employers WHERE lhn = ?1",
            [data.lhn.as_str()],
            |r| r.get(0),
        )
        .optional()?;
    let params = named_params! {
        ":lhn": data.lhn.as_str(),
        ":name": data.name,
        ":email": data.email.as_str(),
        ":client_number": data.client_number,
        ":phone": data.phone,
        ":street": data.address.street,
        ":postal_code": data.address.postal_code,
        ":city": data.address.city,
        ":country": data.address.country,
        ":payroll_year": data.payroll_year,
        ":at": to_db(at),
    };
    if let Some(id) = existing {
        tx.execute(
            "UPDATE employers SET name = :name, email = :email, client_number = :client_number, \
                 phone = :phone, street = :street, postal_code = :postal_code, city = :city, \
                 country = :country, payroll_year = :payroll_year, updated_at = :at \
             WHERE lhn = :lhn",
            params,
        )?;
        return Ok((EmployerKey(id), false));
    }
    tx.execute(
        "INSERT INTO employers (public_id, bureau_id, lhn, name, email, client_number, phone, \
             street, postal_code, city, country, payroll_year, created_at, updated_at) \
         VALUES (:public_id, :bureau, :lhn, :name, :email, :client_number, :phone, :street, \
             :postal_code, :city, :country, :payroll_year, :at, :at)",
        &with_extra(
            params,
            named_params! {
                ":public_id": PublicId::random().to_string(),
                ":bureau": bureau.map(|b| b.0),
            },
        )[..],
    )?;
    Ok((EmployerKey(tx.last_insert_rowid()), true))
}

pub fn employer(conn: &Connection, key: EmployerKey) -> Result<Option<Employer>, StoreError> {
    Ok(conn
        .query_row(
            &format!("SELECT {EMPLOYER_COLUMNS} FROM employers r WHERE r.id = ?1"),
            [key.0],
            employer_row,
        )
        .optional()?)
}

pub fn employer_by_public_id(
    conn: &Connection,
    id: PublicId,
) -> Result<Option<Employer>, StoreError> {
    Ok(conn
        .query_row(
            &format!("SELECT {EMPLOYER_COLUMNS} FROM employers r WHERE r.public_id = ?1"),
            [id.to_string()],
            employer_row,
        )
        .optional()?)
}

pub fn employer_by_lhn(conn: &Connection, lhn: &Lhn) -> Result<Option<Employer>, StoreError> {
    Ok(conn
        .query_row(
            &format!("SELECT {EMPLOYER_COLUMNS} FROM employers r WHERE r.lhn = ?1"),
            [lhn.as_str()],
            employer_row,
        )
        .optional()?)
}

/// A bureau's clients with the status of their accounts, by name, optionally searched.
pub fn employers_of(
    conn: &Connection,
    bureau: BureauKey,
    search: Option<&str>,
) -> Result<Vec<(Employer, AccountStatus)>, StoreError> {
    let search = search
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| format!("%{s}%"));
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {EMPLOYER_COLUMNS}, \
             (SELECT a.password_hash IS NOT NULL FROM accounts a WHERE a.employer_id = r.id AND a.role = 'employer') \
         FROM employers r WHERE r.bureau_id = :bureau \
           AND (:search IS NULL OR r.name LIKE :search OR r.lhn LIKE :search OR r.client_number LIKE :search) \
         ORDER BY r.name COLLATE NOCASE, r.id"
    ))?;
    let rows = statement.query_map(
        named_params! { ":bureau": bureau.0, ":search": search },
        |row| Ok((employer_row(row)?, status(row.get(13)?))),
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

const EMPLOYEE_COLUMNS: &str = "w.id, w.public_id, w.employer_id, w.private_email, \
    w.personnel_number, w.name, w.birth_date, w.bsn, w.work_email, w.phone, w.street, \
    w.postal_code, w.city, w.country, w.employment_start, w.employment_end";

fn employee_row(row: &Row<'_>) -> Result<Employee, rusqlite::Error> {
    let private: Option<String> = row.get(3)?;
    let bsn: String = row.get(7)?;
    let work: String = row.get(8)?;
    Ok(Employee {
        key: EmployeeKey(row.get(0)?),
        public_id: public_id(row, 1)?,
        employer: EmployerKey(row.get(2)?),
        private_email: private
            .map(|e| Email::parse(&e).map_err(|err| corrupt(3, err)))
            .transpose()?,
        data: EmployeeData {
            personnel_number: row.get(4)?,
            name: row.get(5)?,
            birth_date: date(row, 6)?.ok_or_else(|| corrupt(6, "missing birth date"))?,
            bsn: Bsn::parse(&bsn).map_err(|_| corrupt(7, "stored BSN fails the 11-check"))?,
            work_email: Email::parse(&work).map_err(|e| corrupt(8, e))?,
            phone: row.get(9)?,
            address: address(row, 10)?,
            employment_start: date(row, 14)?,
            employment_end: date(row, 15)?,
        },
    })
}

/// Creates or updates an employee by (employer, personnel number). Returns its key and
/// whether it was new. The private e-mail is the employee's own and never overwritten here.
pub fn upsert_employee(
    tx: &Transaction<'_>,
    employer: EmployerKey,
    data: &EmployeeData,
    at: DateTime<Utc>,
) -> Result<(EmployeeKey, bool), StoreError> {
    let existing: Option<i64> = tx
        .query_row(
            "SELECT id FROM employees WHERE employer_id = ?1 AND personnel_number = ?2",
            (employer.0, &data.personnel_number),
            |r| r.get(0),
        )
        .optional()?;
    let fmt = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
    let params = named_params! {
        ":employer": employer.0,
        ":personnel_number": data.personnel_number,
        ":name": data.name,
        ":birth_date": data.birth_date.format("%Y-%m-%d").to_string(),
        ":bsn": data.bsn.as_str(),
        ":work_email": data.work_email.as_str(),
        ":phone": data.phone,
        ":street": data.address.street,
        ":postal_code": data.address.postal_code,
        ":city": data.address.city,
        ":country": data.address.country,
        ":employment_start": fmt(data.employment_start),
        ":employment_end": fmt(data.employment_end),
        ":at": to_db(at),
    };
    if let Some(id) = existing {
        tx.execute(
            "UPDATE employees SET name = :name, birth_date = :birth_date, bsn = :bsn, \
                 work_email = :work_email, phone = :phone, street = :street, \
                 postal_code = :postal_code, city = :city, country = :country, \
                 employment_start = :employment_start, employment_end = :employment_end, \
                 updated_at = :at \
             WHERE employer_id = :employer AND personnel_number = :personnel_number",
            params,
        )?;
        return Ok((EmployeeKey(id), false));
    }
    let public = PublicId::random().to_string();
    tx.execute(
        "INSERT INTO employees (public_id, employer_id, personnel_number, name, birth_date, bsn, \
             work_email, phone, street, postal_code, city, country, employment_start, \
             employment_end, created_at, updated_at) \
         VALUES (:public_id, :employer, :personnel_number, :name, :birth_date, :bsn, \
             :work_email, :phone, :street, :postal_code, :city, :country, :employment_start, \
             :employment_end, :at, :at)",
        &with_extra(params, named_params! { ":public_id": public })[..],
    )?;
    Ok((EmployeeKey(tx.last_insert_rowid()), true))
}

pub fn employee(conn: &Connection, key: EmployeeKey) -> Result<Option<Employee>, StoreError> {
    Ok(conn
        .query_row(
            &format!("SELECT {EMPLOYEE_COLUMNS} FROM employees w WHERE w.id = ?1"),
            [key.0],
            employee_row,
        )
        .optional()?)
}

pub fn employee_by_public_id(
    conn: &Connection,
    id: PublicId,
) -> Result<Option<Employee>, StoreError> {
    Ok(conn
        .query_row(
            &format!("SELECT {EMPLOYEE_COLUMNS} FROM employees w WHERE w.public_id = ?1"),
            [id.to_string()],
            employee_row,
        )
        .optional()?)
}

/// An employer's employees with their account status, by name. With a year, only those
/// employed at some time in that year; with a search, those whose name, personnel number or
/// e-mail contains it.
pub fn employees_of(
    conn: &Connection,
    employer: EmployerKey,
    year: Option<u16>,
    search: Option<&str>,
) -> Result<Vec<(Employee, AccountStatus)>, StoreError> {
    let search = search
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| format!("%{s}%"));
    let (first, last) = match year {
        Some(y) => (Some(format!("{y:04}-01-01")), Some(format!("{y:04}-12-31"))),
        None => (None, None),
    };
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {EMPLOYEE_COLUMNS}, \
             (SELECT a.password_hash IS NOT NULL FROM accounts a WHERE a.employee_id = w.id AND a.role = 'employee') \
         FROM employees w WHERE w.employer_id = :employer \
           AND (:last IS NULL OR w.employment_start IS NULL OR w.employment_start <= :last) \
           AND (:first IS NULL OR w.employment_end IS NULL OR w.employment_end >= :first) \
           AND (:search IS NULL OR w.name LIKE :search OR w.personnel_number LIKE :search \
                OR w.work_email LIKE :search) \
         ORDER BY w.name COLLATE NOCASE, w.id"
    ))?;
    let rows = statement.query_map(
        named_params! {
            ":employer": employer.0,
            ":first": first,
            ":last": last,
            ":search": search,
        },
        |row| Ok((employee_row(row)?, status(row.get(16)?))),
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Sets the employee's own private e-mail address (or clears it).
pub fn set_private_email(
    tx: &Transaction<'_>,
    employee: EmployeeKey,
    email: Option<&Email>,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE employees SET private_email = ?2 WHERE id = ?1",
        (employee.0, email.map(Email::as_str)),
    )?;
    Ok(())
}

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

pub fn insert_account(
    tx: &Transaction<'_>,
    account: &NewAccount<'_>,
    at: DateTime<Utc>,
) -> Result<Account, AccountInsertError> {
    let taken: bool = tx
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM accounts WHERE username_folded = ?1)",
            [account.username.folded()],
            |r| r.get(0),
        )
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
    tx.execute(
        "INSERT INTO accounts (public_id, username, username_folded, role, bureau_id, \
             employer_id, employee_id, staff_name, staff_email, password_hash, invited_at, \
             activated_at, created_at) \
         VALUES (:public_id, :username, :folded, :role, :bureau, :employer, :employee, \
             :staff_name, :staff_email, :hash, :invited, :activated, :at)",
        named_params! {
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
        },
    )
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
    employee_id, password_hash IS NOT NULL, staff_name";

pub fn account(conn: &Connection, key: AccountKey) -> Result<Option<Account>, StoreError> {
    Ok(conn
        .query_row(
            &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = ?1"),
            [key.0],
            account_row,
        )
        .optional()?)
}

pub fn account_by_username(
    conn: &Connection,
    username: &Username,
) -> Result<Option<Account>, StoreError> {
    Ok(conn
        .query_row(
            &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE username_folded = ?1"),
            [username.folded()],
            account_row,
        )
        .optional()?)
}

/// The login of an employer or employee, if one was made.
pub fn account_of(conn: &Connection, party: AccountParty) -> Result<Option<Account>, StoreError> {
    let (condition, key) = match party {
        AccountParty::Employer(r) => ("role = 'employer' AND employer_id = ?1", r.0),
        AccountParty::Employee(e) => ("role = 'employee' AND employee_id = ?1", e.0),
        // Bureaus have several staff accounts; there is no single one to return.
        AccountParty::Bureau(_) => return Ok(None),
    };
    Ok(conn
        .query_row(
            &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE {condition}"),
            [key],
            account_row,
        )
        .optional()?)
}

/// How many bureaus and employers do not carry the given markers (demo data carries them).
pub fn count_unmarked(
    conn: &Connection,
    bureau_client_number: &str,
    employer_client_prefix: &str,
) -> Result<u64, StoreError> {
    let n: i64 = conn.query_row(
        "SELECT (SELECT count(*) FROM bureaus WHERE client_number <> ?1) + \
                (SELECT count(*) FROM employers WHERE client_number IS NULL \
                    OR substr(client_number, 1, length(?2)) <> ?2)",
        (bureau_client_number, employer_client_prefix),
        |r| r.get(0),
    )?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Accounts that can sign in (their password is set).
pub fn active_accounts(conn: &Connection) -> Result<Vec<AccountKey>, StoreError> {
    let mut statement = conn.prepare("SELECT id FROM accounts WHERE password_hash IS NOT NULL")?;
    let rows = statement.query_map([], |r| Ok(AccountKey(r.get(0)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A bureau's first client and that client's first employee, if any.
pub fn first_client(
    conn: &Connection,
    bureau: BureauKey,
) -> Result<Option<(EmployerKey, Option<EmployeeKey>)>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT r.id, (SELECT min(w.id) FROM employees w WHERE w.employer_id = r.id) \
             FROM employers r WHERE r.bureau_id = ?1 ORDER BY r.id LIMIT 1",
            [bureau.0],
            |r| {
                Ok((
                    EmployerKey(r.get(0)?),
                    r.get::<_, Option<i64>>(1)?.map(EmployeeKey),
                ))
            },
        )
        .optional()?)
}

/// The first account of a party (a bureau's first staff member).
pub fn first_account_of(
    conn: &Connection,
    party: AccountParty,
) -> Result<Option<AccountKey>, StoreError> {
    let (condition, key) = match party {
        AccountParty::Bureau(b) => ("role = 'bureau' AND bureau_id = ?1", b.0),
        AccountParty::Employer(r) => ("role = 'employer' AND employer_id = ?1", r.0),
        AccountParty::Employee(e) => ("role = 'employee' AND employee_id = ?1", e.0),
    };
    Ok(conn
        .query_row(
            &format!("SELECT id FROM accounts WHERE {condition} ORDER BY id LIMIT 1"),
            [key],
            |r| Ok(AccountKey(r.get(0)?)),
        )
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
        .query_row(
            "SELECT coalesce(a.staff_email, r.email, w.work_email), w.private_email, a.language \
             FROM accounts a \
             LEFT JOIN employers r ON r.id = a.employer_id \
             LEFT JOIN employees w ON w.id = a.employee_id \
             WHERE a.id = ?1",
            [account.0],
            |row| {
                Ok(MailAddresses {
                    contact: row.get(0)?,
                    private: row.get(1)?,
                    language: row.get(2)?,
                })
            },
        )
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
         WHERE lower(a.staff_email) = lower(?1) OR lower(r.email) = lower(?1) \
            OR lower(w.work_email) = lower(?1) OR lower(w.private_email) = lower(?1) \
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
    tx.execute(
        "UPDATE accounts SET password_hash = ?2, activated_at = coalesce(activated_at, ?3) \
         WHERE id = ?1",
        (account.0, hash, to_db(now)),
    )?;
    Ok(())
}

/// The words a password of this account may not contain: its username, its addresses, and
/// the names of its person, employer and bureau.
pub fn personal_words(
    conn: &Connection,
    account: AccountKey,
) -> Result<crate::domain::party::PersonalWords, StoreError> {
    Ok(conn
        .query_row(
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
            [account.0],
            |row| {
                let text = |i| row.get::<_, Option<String>>(i);
                let emails = [text(1)?, text(3)?, text(6)?, text(7)?];
                let names = [text(2)?, text(4)?, text(5)?, text(8)?];
                Ok(crate::domain::party::PersonalWords {
                    username: row.get(0)?,
                    emails: emails.into_iter().flatten().collect(),
                    names: names.into_iter().flatten().collect(),
                })
            },
        )
        .optional()?
        .unwrap_or_default())
}

/// Gives an account a new username; false if another account has it (case-insensitively).
pub fn set_username(
    tx: &Transaction<'_>,
    account: AccountKey,
    username: &Username,
) -> Result<bool, StoreError> {
    let taken: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM accounts WHERE username_folded = ?1 AND id <> ?2)",
        (username.folded(), account.0),
        |r| r.get(0),
    )?;
    if taken {
        return Ok(false);
    }
    tx.execute(
        "UPDATE accounts SET username = ?2, username_folded = ?3 WHERE id = ?1",
        (account.0, username.as_str(), username.folded()),
    )?;
    Ok(true)
}

/// The account's language for pages and mail: "nl" or "en".
pub fn set_language(
    tx: &Transaction<'_>,
    account: AccountKey,
    language: &str,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE accounts SET language = ?2 WHERE id = ?1",
        (account.0, language),
    )?;
    Ok(())
}

/// The account's own settings for Profiel.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountSettings {
    pub language: String,
    pub private_email: Option<String>,
}

pub fn settings(conn: &Connection, account: AccountKey) -> Result<AccountSettings, StoreError> {
    Ok(conn
        .query_row(
            "SELECT a.language, w.private_email FROM accounts a \
             LEFT JOIN employees w ON w.id = a.employee_id WHERE a.id = ?1",
            [account.0],
            |r| {
                Ok(AccountSettings {
                    language: r.get(0)?,
                    private_email: r.get(1)?,
                })
            },
        )
        .optional()?
        .unwrap_or_default())
}

/// Notes a completed sign-in.
pub fn record_login(
    tx: &Transaction<'_>,
    account: AccountKey,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE accounts SET last_login_at = ?2 WHERE id = ?1",
        (account.0, to_db(at)),
    )?;
    Ok(())
}

/// An employee of `employer` by personnel number.
pub fn employee_by_number(
    conn: &Connection,
    employer: EmployerKey,
    number: &str,
) -> Result<Option<Employee>, StoreError> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {EMPLOYEE_COLUMNS} FROM employees w WHERE w.employer_id = ?1 AND w.personnel_number = ?2"
            ),
            (employer.0, number),
            employee_row,
        )
        .optional()?)
}

/// An employer's employees with their account's status, invitation and last sign-in.
#[expect(clippy::type_complexity, reason = "a row of four plain parts")]
pub fn employee_accounts(
    conn: &Connection,
    employer: EmployerKey,
) -> Result<
    Vec<(
        Employee,
        AccountStatus,
        Option<DateTime<Utc>>,
        Option<DateTime<Utc>>,
    )>,
    StoreError,
> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {EMPLOYEE_COLUMNS}, a.id IS NOT NULL, a.password_hash IS NOT NULL, a.invited_at, a.last_login_at \
         FROM employees w LEFT JOIN accounts a ON a.employee_id = w.id AND a.role = 'employee' \
         WHERE w.employer_id = ?1 ORDER BY w.personnel_number, w.id"
    ))?;
    let rows = statement.query_map([employer.0], |row| {
        let has_account: bool = row.get(16)?;
        let active: bool = row.get(17)?;
        let invited: Option<String> = row.get(18)?;
        let login: Option<String> = row.get(19)?;
        Ok((
            employee_row(row)?,
            status(has_account.then_some(active)),
            invited.map(|t| super::time::from_db(&t, 18)).transpose()?,
            login.map(|t| super::time::from_db(&t, 19)).transpose()?,
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
