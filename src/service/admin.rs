//! What the administrator does from the command line: add a bureau and its staff accounts.

use chrono::Utc;

use super::accounts::issue_link;
use super::{PasswordChangeError, ServiceError, Services};
use crate::auth::policy;
use crate::domain::Email;
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::party::{AccountParty, PersonalWords, Role, Username};
use crate::store::accounts::{self as store_accounts, AccountInsertError, NewAccount};
use crate::store::links::Purpose;
use crate::store::parties;
use crate::store::{Transaction, audit};

/// A new staff account and how its owner gets in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffAdded {
    pub username: String,
    /// The set-password link (valid 7 days), when no password was given.
    pub link: Option<String>,
}

fn system_event(action: AuditAction, detail: String) -> AuditEvent {
    AuditEvent {
        at: Utc::now(),
        account: None,
        actor: "system".to_owned(),
        action,
        subject: None,
        client_addr: None,
        detail: Some(detail),
    }
}

fn insert(
    tx: &Transaction<'_>,
    account: &NewAccount<'_>,
    now: chrono::DateTime<Utc>,
) -> Result<crate::domain::party::Account, ServiceError> {
    store_accounts::insert_account(tx, account, now).map_err(|e| match e {
        AccountInsertError::UsernameTaken => ServiceError::Taken { field: "username" },
        AccountInsertError::Store(e) => e.into(),
    })
}

impl Services {
    /// `loondossier bureau add`: a bureau with its client number (unique) and name.
    pub async fn add_bureau(&self, client_number: &str, name: &str) -> Result<(), ServiceError> {
        let client_number = client_number.trim().to_owned();
        let name = name.trim().to_owned();
        if client_number.is_empty() || client_number.len() > 64 {
            return Err(ServiceError::invalid(
                "client-number",
                "give a client number of 1 to 64 characters",
            ));
        }
        if name.is_empty() || name.len() > 200 {
            return Err(ServiceError::invalid("name", "give the bureau's name"));
        }
        let now = self.clock.now();
        self.store
            .write(move |tx| -> Result<(), ServiceError> {
                if parties::bureau_by_client_number(tx, &client_number)?.is_some() {
                    return Err(ServiceError::invalid(
                        "client-number",
                        "a bureau with this client number exists",
                    ));
                }
                parties::insert_bureau(tx, &client_number, &name, now)?;
                let mut event = system_event(
                    AuditAction::BureauCreated,
                    format!("{client_number} {name}"),
                );
                event.at = now;
                audit::append(tx, &[event])?;
                Ok(())
            })
            .await
    }

    /// `loondossier user add`: a staff account of a bureau. With a password it is active at
    /// once; without, a set-password link is made (and mailed, if an address is given).
    pub async fn add_staff(
        &self,
        bureau_client_number: &str,
        username: &str,
        name: Option<&str>,
        email: Option<&str>,
        password: Option<&str>,
    ) -> Result<StaffAdded, PasswordChangeError> {
        let username =
            Username::parse(username).map_err(|e| ServiceError::invalid("username", e.0))?;
        let email = email
            .map(|e| Email::parse(e).map_err(|err| ServiceError::invalid("email", err.0)))
            .transpose()?;
        let bureau_number = bureau_client_number.trim().to_owned();
        let bureau = self
            .store
            .read(move |conn| -> Result<_, ServiceError> {
                Ok(parties::bureau_by_client_number(conn, &bureau_number)?)
            })
            .await?
            .ok_or_else(|| ServiceError::invalid("bureau", "no bureau has this client number"))?;
        let hash = match password {
            Some(password) => {
                let words = PersonalWords {
                    username: username.as_str().to_owned(),
                    emails: email.iter().map(ToString::to_string).collect(),
                    names: [Some(bureau.name.clone()), name.map(str::to_owned)]
                        .into_iter()
                        .flatten()
                        .collect(),
                };
                policy::check(password, self.min_password_chars(Role::Bureau), &words)?;
                Some(
                    self.passwords
                        .hash(password)
                        .await
                        .map_err(|_| ServiceError::Busy)?,
                )
            }
            None => None,
        };
        let now = self.clock.now();
        let mail = self.link_mail();
        let name = name.map(str::to_owned);
        let added = self
            .store
            .write(move |tx| -> Result<StaffAdded, ServiceError> {
                let account = insert(
                    tx,
                    &NewAccount {
                        username: &username,
                        party: AccountParty::Bureau(bureau.key),
                        staff_name: name.as_deref(),
                        staff_email: email.as_ref(),
                        password_hash: hash.as_deref(),
                        invited_at: Some(now),
                    },
                    now,
                )?;
                let link = match hash {
                    Some(_) => None,
                    None => Some(issue_link(tx, &mail, account.key, Purpose::Welcome, now)?),
                };
                let mut event = system_event(
                    AuditAction::AccountCreated,
                    format!("bureau staff {}", username.as_str()),
                );
                event.at = now;
                event.account = Some(account.key);
                audit::append(tx, &[event])?;
                Ok(StaffAdded {
                    username: username.as_str().to_owned(),
                    link,
                })
            })
            .await?;
        Ok(added)
    }
}
