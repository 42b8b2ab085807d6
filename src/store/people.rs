//! The lists of people the employer and bureau pages and the sync API show.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, named_params};

use super::StoreError;
use super::consent::{CHOICE_OF_W, choice_from};
use super::parties::{
    ACCOUNT_STATE, EMPLOYEE_COLUMNS, EMPLOYER_COLUMNS, date, employee_row, employer_row, public_id,
    status,
};
use crate::domain::consent::DeliveryChoice;
use crate::domain::party::{AccountStatus, Employee, Employer};
use crate::domain::{BureauKey, EmployerKey, PublicId};

/// One row of the Werknemers table. The BSN is masked by the query itself, so a list of
/// employees never holds a whole one; showing it whole is a separate, audited request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmployeeLine {
    pub id: PublicId,
    pub personnel_number: String,
    pub name: String,
    pub birth_date: NaiveDate,
    pub bsn_masked: String,
    pub email: String,
    pub employment_start: Option<NaiveDate>,
    pub employment_end: Option<NaiveDate>,
    pub status: AccountStatus,
    /// Electronic or paper payslips (BW 7:626 lid 4), as the employee chose.
    pub delivery: DeliveryChoice,
}

/// An employee as the sync API's employee list gives it: its account and its payslip choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmployeeAccount {
    pub employee: Employee,
    pub status: AccountStatus,
    pub invited_at: Option<DateTime<Utc>>,
    pub last_login_at: Option<DateTime<Utc>>,
    pub delivery: DeliveryChoice,
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
        .map(super::like_pattern);
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {EMPLOYER_COLUMNS}, \
             (SELECT {ACCOUNT_STATE} FROM accounts a WHERE a.employer_id = r.id AND a.role = 'employer' AND a.staff_name IS NULL AND a.removed_at IS NULL) \
         FROM employers r WHERE r.bureau_id = :bureau \
           AND (:search IS NULL OR r.name LIKE :search ESCAPE '\\' OR r.lhn LIKE :search ESCAPE '\\' OR r.client_number LIKE :search ESCAPE '\\') \
         ORDER BY r.name COLLATE NOCASE, r.id"
    ))?;
    let rows = statement.query_map(
        named_params! { ":bureau": bureau.0, ":search": search },
        |row| Ok((employer_row(row)?, status(row.get(13)?))),
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Which employees of an employer a list shows: employed in a year, matching a search
/// (name, personnel number or work address). Only the filters given are written into the
/// query: a condition on a parameter that happens to be NULL still makes SQLite read every
/// employee's row, where without it the count of a whole list is read from the name index.
pub(super) struct Matching {
    employer: i64,
    /// The year's first and last day, `yyyy-mm-dd`.
    year: Option<(String, String)>,
    /// A LIKE pattern.
    search: Option<String>,
}

impl Matching {
    pub(super) fn new(employer: EmployerKey, year: Option<u16>, search: Option<&str>) -> Self {
        Self {
            employer: employer.0,
            year: year.map(|y| (format!("{y:04}-01-01"), format!("{y:04}-12-31"))),
            search: search
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(super::like_pattern),
        }
    }

    /// The condition on `employees w`.
    pub(super) fn condition(&self) -> String {
        let mut sql = String::from("w.employer_id = :employer");
        if self.year.is_some() {
            sql.push_str(
                " AND (w.employment_start IS NULL OR w.employment_start <= :last) \
                 AND (w.employment_end IS NULL OR w.employment_end >= :first)",
            );
        }
        if self.search.is_some() {
            sql.push_str(
                " AND (w.name LIKE :search ESCAPE '\\' OR w.personnel_number LIKE :search ESCAPE '\\' \
                 OR w.work_email LIKE :search ESCAPE '\\')",
            );
        }
        sql
    }

    /// The values of the parameters [`Matching::condition`] names.
    fn params(&self) -> Vec<(&'static str, &dyn rusqlite::ToSql)> {
        let mut params: Vec<(&str, &dyn rusqlite::ToSql)> = vec![(":employer", &self.employer)];
        if let Some((first, last)) = &self.year {
            params.push((":first", first));
            params.push((":last", last));
        }
        if let Some(search) = &self.search {
            params.push((":search", search));
        }
        params
    }
}

/// A page of Werknemers: the `page`-th (1-based; past the last means the last) run of
/// `per_page` employees matching the year and search, in name order, with how many match in
/// all and the page it is and how many there are. Count and rows come from one read
/// transaction, so they agree even while payroll software adds or removes employees.
pub fn employees_page(
    conn: &Connection,
    employer: EmployerKey,
    year: Option<u16>,
    search: Option<&str>,
    page: u32,
    per_page: u32,
) -> Result<EmployeesPage, StoreError> {
    // Deferred: the snapshot starts at the first read and holds for both. Inside a caller's
    // transaction (`Store::read_now` opens one) that one already holds it.
    let snapshot = if conn.is_autocommit() {
        Some(conn.unchecked_transaction()?)
    } else {
        None
    };
    let matching = Matching::new(employer, year, search);
    let total = count_employees_of(conn, &matching)?;
    let per_page = per_page.max(1);
    let pages = u32::try_from(total.div_ceil(u64::from(per_page)))
        .unwrap_or(u32::MAX)
        .max(1);
    let page = page.clamp(1, pages);
    let offset = u64::from(page - 1) * u64::from(per_page);
    let lines = employees_of(conn, &matching, per_page, offset)?;
    if let Some(snapshot) = snapshot {
        snapshot.commit()?;
    }
    Ok(EmployeesPage {
        lines,
        total,
        first: offset + 1,
        page,
        pages,
    })
}

/// What [`employees_page`] gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmployeesPage {
    pub lines: Vec<EmployeeLine>,
    /// All employees the year and search match.
    pub total: u64,
    /// The 1-based place of the first line among them.
    pub first: u64,
    /// This page (1-based) and how many there are (at least 1).
    pub page: u32,
    pub pages: u32,
}

/// How many employees of `employer` match (see [`employees_of`]).
fn count_employees_of(conn: &Connection, matching: &Matching) -> Result<u64, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT count(*) FROM employees w WHERE {}",
            matching.condition()
        ))?
        .query_row(&matching.params()[..], |row| row.get::<_, i64>(0))
        .map(|n| u64::try_from(n).unwrap_or(0))?)
}

/// An employer's employees with their account status, by name: `limit` of them from the
/// `offset`-th on (a page of Werknemers). With a year, only those employed at some time in
/// that year; with a search, those whose name, personnel number or e-mail contains it. Only
/// the columns the table shows are read, and read as the store wrote them (they were checked
/// on the way in).
fn employees_of(
    conn: &Connection,
    matching: &Matching,
    limit: u32,
    offset: u64,
) -> Result<Vec<EmployeeLine>, StoreError> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT w.public_id, w.personnel_number, w.name, w.birth_date, \
             '*****' || substr(w.bsn, 7), w.work_email, w.employment_start, w.employment_end, \
             (SELECT {ACCOUNT_STATE} FROM accounts a WHERE a.employee_id = w.id AND a.role = 'employee' AND a.removed_at IS NULL), \
             {CHOICE_OF_W} \
         FROM employees w WHERE {condition} \
         ORDER BY w.name COLLATE NOCASE, w.id LIMIT :limit OFFSET :offset",
        condition = matching.condition(),
    ))?;
    let offset = i64::try_from(offset).unwrap_or(i64::MAX);
    let mut params = matching.params();
    params.push((":limit", &limit));
    params.push((":offset", &offset));
    let rows = statement.query_map(&params[..], |row| {
        Ok(EmployeeLine {
            id: public_id(row, 0)?,
            personnel_number: row.get(1)?,
            name: row.get(2)?,
            birth_date: date(row, 3)?
                .ok_or_else(|| super::time::corrupt(3, "missing birth date"))?,
            bsn_masked: row.get(4)?,
            email: row.get(5)?,
            employment_start: date(row, 6)?,
            employment_end: date(row, 7)?,
            status: status(row.get(8)?),
            delivery: choice_from(row.get(9)?, 9)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// An employer's employees with their account's status, invitation and last sign-in.
pub fn employee_accounts(
    conn: &Connection,
    employer: EmployerKey,
) -> Result<Vec<EmployeeAccount>, StoreError> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {EMPLOYEE_COLUMNS}, a.id IS NOT NULL, {ACCOUNT_STATE}, a.invited_at, a.last_login_at, \
             {CHOICE_OF_W} \
         FROM employees w LEFT JOIN accounts a ON a.employee_id = w.id AND a.role = 'employee' \
           AND a.removed_at IS NULL \
         WHERE w.employer_id = ?1 ORDER BY w.personnel_number, w.id"
    ))?;
    let rows = statement.query_map([employer.0], |row| {
        let has_account: bool = row.get(16)?;
        let state: i64 = row.get(17)?;
        let invited: Option<String> = row.get(18)?;
        let login: Option<String> = row.get(19)?;
        Ok(EmployeeAccount {
            employee: employee_row(row)?,
            status: status(has_account.then_some(state)),
            invited_at: invited.map(|t| super::time::from_db(&t, 18)).transpose()?,
            last_login_at: login.map(|t| super::time::from_db(&t, 19)).transpose()?,
            delivery: choice_from(row.get(20)?, 20)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
