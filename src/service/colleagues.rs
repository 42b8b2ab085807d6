//! An employer's colleagues (SPEC.md Part 2, "Accounts"): every login of an employer invites
//! others from Profiel — each with its own username, password and second factor and the same
//! rights — lists them and removes them. Inviting and removing ask the password again and are
//! audited under the account that did it.

use crate::domain::access::{colleagues_managed_by, may_remove_colleague};
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::party::{AccountParty, Username};
use crate::domain::{Email, PublicId};
use crate::store::accounts::{
    self as store_accounts, AccountInsertError, ColleagueLine, NewAccount,
};
use crate::store::audit;

use super::files::RequestContext;
use super::{CurrentSession, ServiceError, Services};

/// The longest name a colleague is given, in characters.
const NAME_MAX: usize = 200;

/// A colleague to invite, as the form gives it.
#[derive(Debug, Clone)]
pub struct NewColleague<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub username: &'a str,
}

impl Services {
    /// The colleagues of the signed-in employer; `NotFound` for anyone but an employer.
    pub async fn colleagues(
        &self,
        actor: crate::domain::Actor,
    ) -> Result<Vec<ColleagueLine>, ServiceError> {
        let employer = colleagues_managed_by(actor).ok_or(ServiceError::NotFound)?;
        self.store
            .read(move |conn| -> Result<_, ServiceError> {
                Ok(store_accounts::colleagues_of(conn, employer)?)
            })
            .await
    }

    /// Invites a colleague to the signed-in employer: an account with the given username,
    /// name and address, told by mail (its username, then a link to set its password, valid
    /// 7 days). The inviter's `password` again first. Errors name the field: `name`, `email`,
    /// `username` (`Taken` when in use), `WrongPassword`.
    pub async fn invite_colleague(
        &self,
        session: &CurrentSession,
        context: RequestContext,
        colleague: NewColleague<'_>,
        password: &str,
    ) -> Result<(), ServiceError> {
        let employer = colleagues_managed_by(session.actor).ok_or(ServiceError::NotFound)?;
        let name = colleague.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > NAME_MAX || name.chars().any(char::is_control)
        {
            return Err(ServiceError::invalid(
                "name",
                format!("give the colleague's name, at most {NAME_MAX} characters"),
            ));
        }
        let email =
            Email::parse(colleague.email).map_err(|e| ServiceError::invalid("email", e.0))?;
        let username = Username::parse(colleague.username)
            .map_err(|e| ServiceError::invalid("username", e.0))?;
        self.confirm_password(session, context, password).await?;
        let now = self.clock.now();
        let mail = self.link_mail();
        let inviter = session.account;
        let client_addr = context.client_addr.map(|a| a.to_string());
        self.store
            .write(move |tx| -> Result<(), ServiceError> {
                let account = store_accounts::insert_account(
                    tx,
                    &NewAccount {
                        username: &username,
                        party: AccountParty::Employer(employer),
                        staff_name: Some(&name),
                        staff_email: Some(&email),
                        password_hash: None,
                        invited_at: Some(now),
                    },
                    now,
                )
                .map_err(|e| match e {
                    AccountInsertError::UsernameTaken => ServiceError::Taken { field: "username" },
                    AccountInsertError::Store(e) => e.into(),
                })?;
                super::enrolment::welcome(tx, &mail, &account, now)?;
                audit::append(
                    tx,
                    &[AuditEvent {
                        at: now,
                        account: Some(inviter),
                        actor: "employer".to_owned(),
                        action: AuditAction::AccountCreated,
                        subject: Some(account.public_id.to_string()),
                        client_addr,
                        detail: Some(format!("colleague {} invited", username.as_str())),
                    }],
                )?;
                Ok(())
            })
            .await
    }

    /// Removes a colleague of the signed-in employer (`access::may_remove_colleague`: not the
    /// employer's own login, not oneself); its sessions end at once. The password again
    /// first. `NotFound` for any other account.
    pub async fn remove_colleague(
        &self,
        session: &CurrentSession,
        context: RequestContext,
        id: PublicId,
        password: &str,
    ) -> Result<(), ServiceError> {
        let actor = session.actor;
        let target = self
            .store
            .read(move |conn| store_accounts::by_public_id(conn, id))
            .await?
            .filter(|(account, colleague)| {
                may_remove_colleague(actor, account.key, account.party, *colleague)
            })
            .ok_or(ServiceError::NotFound)?
            .0;
        self.confirm_password(session, context, password).await?;
        let now = self.clock.now();
        let remover = session.account;
        let client_addr = context.client_addr.map(|a| a.to_string());
        self.store
            .write(move |tx| -> Result<(), ServiceError> {
                if store_accounts::remove(tx, target.key, now)? {
                    audit::append(
                        tx,
                        &[AuditEvent {
                            at: now,
                            account: Some(remover),
                            actor: "employer".to_owned(),
                            action: AuditAction::AccountRemoved,
                            subject: Some(target.public_id.to_string()),
                            client_addr,
                            detail: Some(format!("colleague {} removed", target.username)),
                        }],
                    )?;
                }
                Ok(())
            })
            .await
    }
}
