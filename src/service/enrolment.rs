//! Who gets an account, and when the two welcome mails go (SPEC.md "Mail rules"): an employee
//! at the first payslip or annual statement in its dossier, an employer at the first document
//! for it or its employees, a bureau never. A corrected address re-sends them while the
//! password was never set.

use chrono::{DateTime, Utc};

use super::ServiceError;
use super::accounts::{LinkMail, issue_link};
use super::reauth::tell_account;
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::party::{Account, AccountParty, Username};
use crate::domain::{DocumentKind, Dossier};
use crate::mail::messages::AccountChange;
use crate::mail::messages::Mail;
use crate::store::accounts::{self as store_accounts, AccountInsertError, NewAccount};
use crate::store::links::{self, Purpose};
use crate::store::outbox;
use crate::store::parties;
use crate::store::{Transaction, audit};

/// The accounts a newly placed document calls into being (and their welcome mails), in the
/// placing transaction.
pub(super) fn after_placing(
    tx: &Transaction<'_>,
    mail: &LinkMail,
    dossier: Dossier,
    kind: DocumentKind,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    if let Dossier::Employee { employee, .. } = dossier
        && matches!(kind, DocumentKind::Payslip | DocumentKind::AnnualStatement)
    {
        ensure_account(tx, mail, AccountParty::Employee(employee), now)?;
    }
    if let Some(employer) = dossier.employer() {
        ensure_account(tx, mail, AccountParty::Employer(employer), now)?;
    }
    Ok(())
}

/// Creates the party's account with its contact address as username (made unique) and
/// queues the welcome mails, unless the account exists or existed.
fn ensure_account(
    tx: &Transaction<'_>,
    mail: &LinkMail,
    party: AccountParty,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    // Made already — or made once and removed by the administrator: a removal is for good,
    // payroll software does not invite the party again.
    if store_accounts::own_login_made(tx, party)? {
        return Ok(());
    }
    let email = match party {
        AccountParty::Employer(r) => parties::employer(tx, r)?.map(|r| r.data.email.to_string()),
        AccountParty::Employee(e) => {
            parties::employee(tx, e)?.map(|e| e.data.work_email.to_string())
        }
        AccountParty::Bureau(_) => None,
    };
    let Some(email) = email else {
        return Ok(());
    };
    let account = insert_with_free_username(tx, &email, party, now)?;
    welcome(tx, mail, &account, now)?;
    audit::append(
        tx,
        &[AuditEvent {
            at: now,
            account: Some(account.key),
            actor: "system".to_owned(),
            action: AuditAction::AccountCreated,
            subject: None,
            client_addr: None,
            detail: Some(format!("{} invited", party.role().as_str())),
        }],
    )?;
    Ok(())
}

/// The e-mail address as username; when taken (colleagues sharing an address), with a
/// number behind it.
fn insert_with_free_username(
    tx: &Transaction<'_>,
    email: &str,
    party: AccountParty,
    now: DateTime<Utc>,
) -> Result<Account, ServiceError> {
    for n in 1..1000 {
        let candidate = if n == 1 {
            email.to_owned()
        } else {
            format!("{email}-{n}")
        };
        let Ok(username) = Username::parse(&candidate) else {
            break;
        };
        let account = NewAccount {
            username: &username,
            party,
            staff_name: None,
            staff_email: None,
            password_hash: None,
            invited_at: Some(now),
        };
        match store_accounts::insert_account(tx, &account, now) {
            Ok(account) => return Ok(account),
            Err(AccountInsertError::UsernameTaken) => continue,
            Err(AccountInsertError::Store(e)) => return Err(e.into()),
        }
    }
    Err(ServiceError::invalid(
        "email",
        "no free username could be made from this address",
    ))
}

/// The two welcome mails: one naming the username, one with the link to set a password.
pub(super) fn welcome(
    tx: &Transaction<'_>,
    mail: &LinkMail,
    account: &Account,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let addresses = store_accounts::mail_addresses(tx, account.key)?;
    if let Some(to) = addresses.private.clone().or(addresses.contact.clone()) {
        outbox::enqueue(
            tx,
            &Mail::WelcomeUsername {
                username: account.username.clone(),
                role: account.party.role().as_str().to_owned(),
                link: format!("{}/aanmelden", mail.base),
            }
            .queue(Some(account.key), to, addresses.language.clone()),
            now,
        )?;
    }
    issue_link(tx, mail, account.key, Purpose::Welcome, now)?;
    Ok(())
}

/// After a sync changed a party's contact address from `old`. If its account never set a
/// password, the old links die and the welcome mails go again, to the new address (the
/// username stays). If someone already activated it, both addresses are told, pending reset
/// links die and, with `end_sessions`, its sessions end: the activation may have been by
/// whoever got a mistyped address.
pub(super) fn after_address_change(
    tx: &Transaction<'_>,
    mail: &LinkMail,
    party: AccountParty,
    old: &str,
    end_sessions: bool,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    // A disabled account gets no mail and no links until it is enabled again.
    let Some(account) = store_accounts::account_of(tx, party)?
        .filter(|a| a.status != crate::domain::party::AccountStatus::Disabled)
    else {
        return Ok(());
    };
    if store_accounts::password_hash(tx, account.key)?.is_none() {
        links::retire(tx, account.key, &[Purpose::Welcome, Purpose::Reset], now)?;
        return welcome(tx, mail, &account, now);
    }
    let every = [Purpose::Welcome, Purpose::Reset, Purpose::ConfirmEmail];
    links::retire(tx, account.key, &every, now)?;
    if end_sessions {
        crate::store::sessions::delete_for_account(tx, account.key, None)?;
    }
    let change = AccountChange::ContactEmail;
    tell_account(
        tx,
        &mail.base,
        account.key,
        change,
        Some(old.to_owned()),
        now,
    )?;
    // The new address too, always: a private address on the account may be the one the
    // wrong person gave.
    if let Some(new) = store_accounts::mail_addresses(tx, account.key)?.contact {
        tell_account(tx, &mail.base, account.key, change, Some(new), now)?;
    }
    Ok(())
}
