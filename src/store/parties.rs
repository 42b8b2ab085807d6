//! Bureaus, employers, employees and their accounts: upserts from payroll data and the lists
//! the employer and bureau pages show.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Row, ToSql, Transaction, named_params};

use super::StoreError;
use super::time::{corrupt, to_db};
use crate::domain::party::{
    AccountStatus, Address, Bureau, Employee, EmployeeData, Employer, EmployerData,
};
use crate::domain::{Bsn, BureauKey, Dossier, Email, EmployeeKey, EmployerKey, Lhn, PublicId};

pub(super) fn public_id(row: &Row<'_>, index: usize) -> Result<PublicId, rusqlite::Error> {
    let text: String = row.get(index)?;
    PublicId::parse(&text).ok_or_else(|| corrupt(index, text))
}

pub(super) fn date(row: &Row<'_>, index: usize) -> Result<Option<NaiveDate>, rusqlite::Error> {
    let text: Option<String> = row.get(index)?;
    text.map(|t| iso_date(&t).ok_or_else(|| corrupt(index, format!("not a date: {t}"))))
        .transpose()
}

/// Reads the `yyyy-mm-dd` dates the store writes, without a format string to interpret: a
/// list of employees has a few per row.
fn iso_date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        bytes[range].iter().try_fold(0u32, |n, b| {
            b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
        })
    };
    let year = i32::try_from(number(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, number(5..7)?, number(8..10)?)
}

fn address(row: &Row<'_>, first: usize) -> Result<Address, rusqlite::Error> {
    Ok(Address {
        street: row.get(first)?,
        postal_code: row.get(first + 1)?,
        city: row.get(first + 2)?,
        country: row.get(first + 3)?,
    })
}

pub(super) fn status(state: Option<i64>) -> AccountStatus {
    match state {
        None => AccountStatus::NotInvited,
        Some(0) => AccountStatus::Invited,
        Some(1) => AccountStatus::Active,
        Some(_) => AccountStatus::Disabled,
    }
}

/// An account's state for [`status`] as SQL on `accounts` aliased `a`: 0 invited (no password
/// yet), 1 active, 2 disabled. Removed accounts are left out where this is used.
pub(super) const ACCOUNT_STATE: &str = "CASE WHEN a.disabled_at IS NOT NULL THEN 2 \
    WHEN a.password_hash IS NOT NULL THEN 1 ELSE 0 END";

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
    tx.prepare_cached(
        "INSERT INTO bureaus (public_id, client_number, name, created_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute((public.to_string(), client_number, name, to_db(at)))?;
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
        .prepare_cached("SELECT id, public_id, client_number, name FROM bureaus WHERE id = ?1")?
        .query_row([key.0], bureau_row)
        .optional()?)
}

pub fn bureau_by_client_number(
    conn: &Connection,
    client_number: &str,
) -> Result<Option<Bureau>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT id, public_id, client_number, name FROM bureaus WHERE client_number = ?1",
        )?
        .query_row([client_number], bureau_row)
        .optional()?)
}

pub(super) const EMPLOYER_COLUMNS: &str = "r.id, r.public_id, r.bureau_id, r.lhn, r.name, r.email, \
    r.client_number, r.phone, r.street, r.postal_code, r.city, r.country, r.payroll_year";

pub(super) fn employer_row(row: &Row<'_>) -> Result<Employer, rusqlite::Error> {
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

/// Creates or updates the employer with this loonheffingennummer among `bureau`'s employers
/// (`None`: among the self-administering ones). Returns its key and whether it was new.
/// Another bureau's employer with the same number is neither seen nor touched: each bureau has
/// its own namespace (migration `0009_employer_namespaces`).
pub fn upsert_employer(
    tx: &Transaction<'_>,
    bureau: Option<BureauKey>,
    data: &EmployerData,
    at: DateTime<Utc>,
) -> Result<(EmployerKey, bool), StoreError> {
    let existing = employer_in_namespace(tx, bureau, &data.lhn)?.map(|r| r.key);
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
    if let Some(key) = existing {
        tx.prepare_cached(
            "UPDATE employers SET name = :name, email = :email, client_number = :client_number, \
                 phone = :phone, street = :street, postal_code = :postal_code, city = :city, \
                 country = :country, payroll_year = :payroll_year, updated_at = :at \
             WHERE id = :id AND lhn = :lhn",
        )?
        .execute(&with_extra(params, named_params! { ":id": key.0 })[..])?;
        return Ok((key, false));
    }
    tx.prepare_cached(
        "INSERT INTO employers (public_id, bureau_id, lhn, name, email, client_number, phone, \
             street, postal_code, city, country, payroll_year, created_at, updated_at) \
         VALUES (:public_id, :bureau, :lhn, :name, :email, :client_number, :phone, :street, \
             :postal_code, :city, :country, :payroll_year, :at, :at)",
    )?
    .execute(
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
        .prepare_cached(&format!(
            "SELECT {EMPLOYER_COLUMNS} FROM employers r WHERE r.id = ?1"
        ))?
        .query_row([key.0], employer_row)
        .optional()?)
}

/// The bureau that runs `key`'s payroll, if any (`None` too when there is no such employer):
/// one column, for the access rules every dossier page applies.
pub fn bureau_of_employer(
    conn: &Connection,
    key: EmployerKey,
) -> Result<Option<BureauKey>, StoreError> {
    let bureau: Option<Option<i64>> = conn
        .prepare_cached("SELECT bureau_id FROM employers WHERE id = ?1")?
        .query_row([key.0], |row| row.get(0))
        .optional()?;
    Ok(bureau.flatten().map(BureauKey))
}

/// An employer's name and its bureau (`None`: it runs its own payroll), or `None` when there
/// is no such employer: two columns, for the session behind every request.
pub fn employer_name_and_bureau(
    conn: &Connection,
    key: EmployerKey,
) -> Result<Option<(String, Option<BureauKey>)>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT name, bureau_id FROM employers WHERE id = ?1")?
        .query_row([key.0], |row| {
            Ok((row.get(0)?, row.get::<_, Option<i64>>(1)?.map(BureauKey)))
        })
        .optional()?)
}

/// An employee's name and employer, or `None` when there is no such employee: two columns,
/// for the session behind every request (the whole record checks e-mail addresses and the
/// BSN as it reads them).
pub fn employee_name_and_employer(
    conn: &Connection,
    key: EmployeeKey,
) -> Result<Option<(String, EmployerKey)>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT name, employer_id FROM employees WHERE id = ?1")?
        .query_row([key.0], |row| Ok((row.get(0)?, EmployerKey(row.get(1)?))))
        .optional()?)
}

/// The name of the party whose dossier `dossier` is (empty when it is gone): one column, for
/// headings and "shared with" lines.
pub fn name_of(conn: &Connection, dossier: Dossier) -> Result<String, StoreError> {
    let (sql, key) = match dossier {
        Dossier::Bureau(b) => ("SELECT name FROM bureaus WHERE id = ?1", b.0),
        Dossier::Employer(r) => ("SELECT name FROM employers WHERE id = ?1", r.0),
        Dossier::Employee { employee, .. } => {
            ("SELECT name FROM employees WHERE id = ?1", employee.0)
        }
    };
    Ok(conn
        .prepare_cached(sql)?
        .query_row([key], |row| row.get(0))
        .optional()?
        .unwrap_or_default())
}

pub fn employer_by_public_id(
    conn: &Connection,
    id: PublicId,
) -> Result<Option<Employer>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {EMPLOYER_COLUMNS} FROM employers r WHERE r.public_id = ?1"
        ))?
        .query_row([id.to_string()], employer_row)
        .optional()?)
}

/// The employer with this loonheffingennummer among `bureau`'s employers, or among the
/// self-administering ones for `None`.
pub fn employer_in_namespace(
    conn: &Connection,
    bureau: Option<BureauKey>,
    lhn: &Lhn,
) -> Result<Option<Employer>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {EMPLOYER_COLUMNS} FROM employers r \
             WHERE coalesce(r.bureau_id, 0) = ?1 AND r.lhn = ?2"
        ))?
        .query_row((bureau.map_or(0, |b| b.0), lhn.as_str()), employer_row)
        .optional()?)
}

/// Whether any bureau administers an employer with this loonheffingennummer (for the admin,
/// who sees across namespaces).
pub fn lhn_run_by_a_bureau(conn: &Connection, lhn: &Lhn) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM employers WHERE lhn = ?1 AND bureau_id IS NOT NULL LIMIT 1")?
        .query_row([lhn.as_str()], |_| Ok(()))
        .optional()?
        .is_some())
}

pub(super) const EMPLOYEE_COLUMNS: &str = "w.id, w.public_id, w.employer_id, w.private_email, \
    w.personnel_number, w.name, w.birth_date, w.bsn, w.work_email, w.phone, w.street, \
    w.postal_code, w.city, w.country, w.employment_start, w.employment_end";

pub(super) fn employee_row(row: &Row<'_>) -> Result<Employee, rusqlite::Error> {
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
        .prepare_cached(
            "SELECT id FROM employees WHERE employer_id = ?1 AND personnel_number = ?2",
        )?
        .query_row((employer.0, &data.personnel_number), |r| r.get(0))
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
        tx.prepare_cached(
            "UPDATE employees SET name = :name, birth_date = :birth_date, bsn = :bsn, \
                 work_email = :work_email, phone = :phone, street = :street, \
                 postal_code = :postal_code, city = :city, country = :country, \
                 employment_start = :employment_start, employment_end = :employment_end, \
                 updated_at = :at \
             WHERE employer_id = :employer AND personnel_number = :personnel_number",
        )?
        .execute(params)?;
        return Ok((EmployeeKey(id), false));
    }
    let public = PublicId::random().to_string();
    tx.prepare_cached(
        "INSERT INTO employees (public_id, employer_id, personnel_number, name, birth_date, bsn, \
             work_email, phone, street, postal_code, city, country, employment_start, \
             employment_end, created_at, updated_at) \
         VALUES (:public_id, :employer, :personnel_number, :name, :birth_date, :bsn, \
             :work_email, :phone, :street, :postal_code, :city, :country, :employment_start, \
             :employment_end, :at, :at)",
    )?
    .execute(&with_extra(params, named_params! { ":public_id": public })[..])?;
    Ok((EmployeeKey(tx.last_insert_rowid()), true))
}

pub fn employee(conn: &Connection, key: EmployeeKey) -> Result<Option<Employee>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {EMPLOYEE_COLUMNS} FROM employees w WHERE w.id = ?1"
        ))?
        .query_row([key.0], employee_row)
        .optional()?)
}

pub fn employee_by_public_id(
    conn: &Connection,
    id: PublicId,
) -> Result<Option<Employee>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {EMPLOYEE_COLUMNS} FROM employees w WHERE w.public_id = ?1"
        ))?
        .query_row([id.to_string()], employee_row)
        .optional()?)
}

/// Sets the employee's own private e-mail address (or clears it).
pub fn set_private_email(
    tx: &Transaction<'_>,
    employee: EmployeeKey,
    email: Option<&Email>,
) -> Result<(), StoreError> {
    tx.prepare_cached("UPDATE employees SET private_email = ?2 WHERE id = ?1")?
        .execute((employee.0, email.map(Email::as_str)))?;
    Ok(())
}

/// How many bureaus and employers do not carry the given markers (demo data carries them).
pub fn count_unmarked(
    conn: &Connection,
    bureau_client_number: &str,
    employer_client_prefix: &str,
) -> Result<u64, StoreError> {
    let n: i64 = conn
        .prepare_cached(
            "SELECT (SELECT count(*) FROM bureaus WHERE client_number <> ?1) + \
                (SELECT count(*) FROM employers WHERE client_number IS NULL \
                    OR substr(client_number, 1, length(?2)) <> ?2)",
        )?
        .query_row((bureau_client_number, employer_client_prefix), |r| r.get(0))?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// A bureau's first client and that client's first employee, if any.
pub fn first_client(
    conn: &Connection,
    bureau: BureauKey,
) -> Result<Option<(EmployerKey, Option<EmployeeKey>)>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT r.id, (SELECT min(w.id) FROM employees w WHERE w.employer_id = r.id) \
             FROM employers r WHERE r.bureau_id = ?1 ORDER BY r.id LIMIT 1",
        )?
        .query_row([bureau.0], |r| {
            Ok((
                EmployerKey(r.get(0)?),
                r.get::<_, Option<i64>>(1)?.map(EmployeeKey),
            ))
        })
        .optional()?)
}

/// The loonheffingennummers of employers that run their own payroll (no bureau) and whose
/// client number starts with `prefix`.
pub fn own_payroll_employers(conn: &Connection, prefix: &str) -> Result<Vec<Lhn>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT lhn FROM employers WHERE bureau_id IS NULL AND substr(client_number, 1, length(?1)) = ?1 \
         ORDER BY id",
    )?;
    let rows = statement.query_map([prefix], |row| row.get::<_, String>(0))?;
    rows.map(|lhn| {
        let lhn = lhn?;
        Lhn::parse(&lhn).map_err(|_| StoreError::from(corrupt(0, &lhn)))
    })
    .collect()
}

/// An employee of `employer` by personnel number.
pub fn employee_by_number(
    conn: &Connection,
    employer: EmployerKey,
    number: &str,
) -> Result<Option<Employee>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
                "SELECT {EMPLOYEE_COLUMNS} FROM employees w WHERE w.employer_id = ?1 AND w.personnel_number = ?2"
            ))?
        .query_row((employer.0, number), employee_row)
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_dates_are_read_strictly() {
        assert_eq!(iso_date("2026-03-05"), NaiveDate::from_ymd_opt(2026, 3, 5));
        for bad in [
            "2026-02-30",
            "2026-3-05",
            "2026/03/05",
            "2026-03-0x",
            "",
            "12026-03-05",
        ] {
            assert_eq!(iso_date(bad), None, "{bad}");
        }
    }
}
