//! Who an account is — its actor, the name shown top right, its language and whether its
//! menu has Backups — read together, as every signed-in request needs it.

use super::ServiceError;
use crate::domain::party::AccountParty;
use crate::domain::{AccountKey, Actor};
use crate::store::accounts as store_accounts;
use crate::store::parties;

/// Who an account is, as every signed-in request needs it.
pub(super) struct AccountFacts {
    pub actor: Actor,
    pub display_name: String,
    pub username: String,
    pub language: String,
    pub keeps_backups: bool,
    /// An employee not yet asked how it wants its payslips (its pages ask first).
    pub asks_payslip_delivery: bool,
}

/// Reads an account and its party in one go; `None` when either is gone.
pub(super) fn account_facts(
    conn: &crate::store::Connection,
    account: AccountKey,
) -> Result<Option<AccountFacts>, ServiceError> {
    // A disabled (or removed) account signs nobody in, whatever session it still had.
    let Some(found) = store_accounts::account(conn, account)?
        .filter(|a| a.status != crate::domain::party::AccountStatus::Disabled)
    else {
        return Ok(None);
    };
    let mut asks_payslip_delivery = false;
    let (actor, display_name, keeps_backups) = match found.party {
        AccountParty::Bureau(bureau) => (
            Actor::Bureau { account, bureau },
            found.staff_name.unwrap_or_else(|| found.username.clone()),
            true,
        ),
        AccountParty::Employer(employer) => {
            let Some((name, bureau)) = parties::employer_name_and_bureau(conn, employer)? else {
                return Ok(None);
            };
            (
                Actor::Employer { account, employer },
                // A colleague is named itself; the employer's own login by the employer.
                found.staff_name.clone().unwrap_or(name),
                bureau.is_none(),
            )
        }
        AccountParty::Employee(employee) => {
            let Some((name, employer)) = parties::employee_name_and_employer(conn, employee)?
            else {
                return Ok(None);
            };
            asks_payslip_delivery = !crate::store::consent::has_chosen(conn, employee)?;
            (
                Actor::Employee {
                    account,
                    employee,
                    employer,
                },
                name,
                false,
            )
        }
    };
    Ok(Some(AccountFacts {
        actor,
        display_name,
        username: found.username,
        language: found.language,
        keeps_backups,
        asks_payslip_delivery,
    }))
}
