//! Employees' choices between electronic and paper payslips: appended, never edited; the
//! newest counts.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction};

use super::StoreError;
use super::time::{corrupt, from_db, to_db};
use crate::domain::consent::{DeliveryChoice, PayslipDelivery};
use crate::domain::{AccountKey, EmployeeKey};

/// The choice that counts for the employee `w` as one SQL value for a list's SELECT:
/// "electronic 2026-12-01T…" or NULL; read it with [`choice_from`].
pub(super) const CHOICE_OF_W: &str = "(SELECT c.delivery || ' ' || c.chosen_at \
    FROM payslip_delivery_choices c WHERE c.employee_id = w.id ORDER BY c.id DESC LIMIT 1)";

/// Reads a [`CHOICE_OF_W`] value from column `index`.
pub(super) fn choice_from(
    value: Option<String>,
    index: usize,
) -> Result<DeliveryChoice, rusqlite::Error> {
    let Some(value) = value else {
        return Ok(DeliveryChoice::NOT_ASKED);
    };
    let (word, at) = value
        .split_once(' ')
        .ok_or_else(|| corrupt(index, &value))?;
    Ok(DeliveryChoice {
        delivery: PayslipDelivery::parse_choice(word).ok_or_else(|| corrupt(index, word))?,
        since: Some(from_db(at, index)?),
    })
}

/// Appends an employee's choice, made by `account` having read the text of `text_version`.
pub fn record(
    tx: &Transaction<'_>,
    employee: EmployeeKey,
    delivery: PayslipDelivery,
    text_version: &str,
    at: DateTime<Utc>,
    account: Option<AccountKey>,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO payslip_delivery_choices (employee_id, delivery, text_version, chosen_at, \
             account_id) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute((
        employee.0,
        delivery.as_str(),
        text_version,
        to_db(at),
        account.map(|a| a.0),
    ))?;
    Ok(())
}

/// The employee's choice that counts.
pub fn current(conn: &Connection, employee: EmployeeKey) -> Result<DeliveryChoice, StoreError> {
    let value: Option<String> = conn
        .prepare_cached(&format!(
            "SELECT {CHOICE_OF_W} FROM employees w WHERE w.id = ?1"
        ))?
        .query_row([employee.0], |r| r.get(0))
        .optional()?
        .flatten();
    Ok(choice_from(value, 0)?)
}

/// Whether the employee has chosen at all: one index probe, for every signed-in request of an
/// employee (its pages ask the question first until it has).
pub fn has_chosen(conn: &Connection, employee: EmployeeKey) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM payslip_delivery_choices WHERE employee_id = ?1)",
        )?
        .query_row([employee.0], |r| r.get(0))?)
}
