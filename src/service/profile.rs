//! Profiel: the signed-in account changes its username, its language, and (employees) the
//! private e-mail address that sign-in mail goes to — confirmed through a link sent there.

use chrono::Duration;

use super::files::{RequestContext, actor_label};
use super::reauth::tell_account;
use super::{CurrentSession, ServiceError, Services};
use crate::auth::token;
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::party::Username;
use crate::domain::{Actor, Email};
use crate::mail::messages::{AccountChange, Mail};
use crate::store::accounts::{self as store_accounts, AccountSettings};
use crate::store::audit;
use crate::store::links::{self, Purpose};
use crate::store::outbox;
use crate::store::parties;

/// How long a link confirming a private e-mail address works.
pub const CONFIRM_EMAIL_VALID: Duration = Duration::hours(24);

/// What a confirm-e-mail link is, for its page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmailLinkState {
    Usable { email: String },
    Expired,
}

impl Services {
    fn profile_event(
        &self,
        session: &CurrentSession,
        action: AuditAction,
        ctx: RequestContext,
        detail: Option<String>,
    ) -> AuditEvent {
        AuditEvent {
            at: self.clock.now(),
            account: Some(session.account),
            actor: actor_label(session.actor).to_owned(),
            action,
            subject: None,
            client_addr: ctx.client_addr.map(|a| a.to_string()),
            detail,
        }
    }

    /// The account's language and private e-mail address.
    pub async fn account_settings(
        &self,
        session: &CurrentSession,
    ) -> Result<AccountSettings, ServiceError> {
        let account = session.account;
        self.store
            .read(move |conn| -> Result<_, ServiceError> {
                Ok(store_accounts::settings(conn, account)?)
            })
            .await
    }

    /// A new username (unique, case-insensitively), with the current password asked again;
    /// the account's address is told. The password stays.
    pub async fn change_username(
        &self,
        session: &CurrentSession,
        ctx: RequestContext,
        new: &str,
        password: &str,
    ) -> Result<(), ServiceError> {
        let username = Username::parse(new).map_err(|e| ServiceError::invalid("username", e.0))?;
        self.confirm_password(session, ctx, password).await?;
        let account = session.account;
        let event = self.profile_event(session, AuditAction::UsernameChange, ctx, None);
        let base = self.public_url();
        let now = self.clock.now();
        let changed = self
            .store
            .write(move |tx| -> Result<(), ServiceError> {
                if !store_accounts::set_username(tx, account, &username)? {
                    return Err(ServiceError::Taken { field: "username" });
                }
                audit::append(tx, &[event])?;
                tell_account(tx, &base, account, AccountChange::Username, None, now)
            })
            .await;
        if matches!(changed, Err(ServiceError::Taken { .. })) {
            self.count_probe(session, ctx).await?;
        }
        changed
    }

    /// "nl" or "en".
    pub async fn set_language(
        &self,
        session: &CurrentSession,
        ctx: RequestContext,
        language: &str,
    ) -> Result<(), ServiceError> {
        if !matches!(language, "nl" | "en") {
            return Err(ServiceError::invalid("language", "choose nl or en"));
        }
        let account = session.account;
        let language = language.to_owned();
        let event = self.profile_event(
            session,
            AuditAction::LanguageChange,
            ctx,
            Some(language.clone()),
        );
        self.store
            .write(move |tx| -> Result<(), ServiceError> {
                store_accounts::set_language(tx, account, &language)?;
                audit::append(tx, &[event])?;
                Ok(())
            })
            .await
    }

    /// Whether "new documents" mail is wanted.
    pub async fn set_notifications(
        &self,
        session: &CurrentSession,
        ctx: RequestContext,
        on: bool,
    ) -> Result<(), ServiceError> {
        let account = session.account;
        let event = self.profile_event(
            session,
            AuditAction::NotificationsChange,
            ctx,
            Some(if on { "on" } else { "off" }.to_owned()),
        );
        self.store
            .write(move |tx| -> Result<(), ServiceError> {
                crate::store::notifications::set_wanted(tx, account, on)?;
                audit::append(tx, &[event])?;
                Ok(())
            })
            .await
    }

    /// An employee's private address, with the current password asked again: a confirmation
    /// link goes to the new address, and the address sign-in mail goes to now (the old
    /// private one, or the work address) is told; only once the link is opened, by the same
    /// account signed in, does sign-in mail go to the new one. An empty address removes it
    /// at once.
    pub async fn request_private_email(
        &self,
        session: &CurrentSession,
        ctx: RequestContext,
        email: &str,
        password: &str,
    ) -> Result<(), ServiceError> {
        let Actor::Employee { employee, .. } = session.actor else {
            return Err(ServiceError::Forbidden(
                "only employees have a private e-mail address here",
            ));
        };
        let account = session.account;
        let now = self.clock.now();
        let base = self.public_url();
        if !email.trim().is_empty() {
            Email::parse(email).map_err(|e| ServiceError::invalid("email", e.0))?;
        }
        self.confirm_password(session, ctx, password).await?;
        if email.trim().is_empty() {
            let event = self.profile_event(
                session,
                AuditAction::PrivateEmailChange,
                ctx,
                Some("removed".to_owned()),
            );
            return self
                .store
                .write(move |tx| -> Result<(), ServiceError> {
                    let old = store_accounts::mail_addresses(tx, account)?.private;
                    parties::set_private_email(tx, employee, None)?;
                    audit::append(tx, &[event])?;
                    tell_account(tx, &base, account, AccountChange::PrivateEmail, old, now)
                })
                .await;
        }
        let email = Email::parse(email).map_err(|e| ServiceError::invalid("email", e.0))?;
        let event = self.profile_event(
            session,
            AuditAction::PrivateEmailChange,
            ctx,
            Some("asked".to_owned()),
        );
        let secret = token::generate();
        let link = format!("{}/email-bevestigen/{secret}", self.public_url());
        let sealer = std::sync::Arc::clone(&self.sealer);
        self.store
            .write(move |tx| -> Result<(), ServiceError> {
                links::create(
                    tx,
                    account,
                    Purpose::ConfirmEmail,
                    Some(email.as_str()),
                    &token::digest(&secret),
                    now,
                    now + CONFIRM_EMAIL_VALID,
                )?;
                let language = store_accounts::mail_addresses(tx, account)?.language;
                outbox::enqueue(
                    tx,
                    &Mail::ConfirmPrivateEmail { link }.queue_sealed(
                        &sealer,
                        Some(account),
                        email.as_str().to_owned(),
                        language,
                    ),
                    now,
                )?;
                audit::append(tx, &[event])?;
                tell_account(tx, &base, account, AccountChange::PrivateEmail, None, now)
            })
            .await
    }

    /// What a confirm link would set for the signed-in account (looking does not use it); a
    /// link made for another account is "expired" here.
    pub async fn email_link(
        &self,
        session: &CurrentSession,
        secret: &str,
    ) -> Result<EmailLinkState, ServiceError> {
        let signed_in = session.account;
        if !token::well_formed(secret) {
            return Ok(EmailLinkState::Expired);
        }
        let hash = token::digest(secret);
        let now = self.clock.now();
        let link = self
            .store
            .read(move |conn| -> Result<_, ServiceError> { Ok(links::by_token_hash(conn, &hash)?) })
            .await?;
        Ok(match link {
            Some(l)
                if l.purpose == Purpose::ConfirmEmail
                    && !l.used
                    && l.expires_at > now
                    && l.account == signed_in =>
            {
                EmailLinkState::Usable {
                    email: l.email.unwrap_or_default(),
                }
            }
            _ => EmailLinkState::Expired,
        })
    }

    /// Uses a confirm link: the address becomes the private one, and older password links
    /// stop working (they went to the old address).
    ///
    /// The link works only for the account that asked for it, signed in: a link alone (read
    /// from a mailbox, say) changes nothing.
    pub async fn confirm_private_email(
        &self,
        session: &CurrentSession,
        ctx: RequestContext,
        secret: &str,
    ) -> Result<(), ServiceError> {
        let signed_in = session.account;
        if !token::well_formed(secret) {
            return Err(ServiceError::NotFound);
        }
        let hash = token::digest(secret);
        let now = self.clock.now();
        let client_addr = ctx.client_addr.map(|a| a.to_string());
        self.store
            .write(move |tx| -> Result<(), ServiceError> {
                let link = links::by_token_hash(tx, &hash)?
                    .filter(|l| l.purpose == Purpose::ConfirmEmail && !l.used && l.expires_at > now)
                    .filter(|l| l.account == signed_in)
                    .ok_or(ServiceError::NotFound)?;
                let email = link
                    .email
                    .clone()
                    .and_then(|e| Email::parse(&e).ok())
                    .ok_or(ServiceError::NotFound)?;
                let account =
                    store_accounts::account(tx, link.account)?.ok_or(ServiceError::NotFound)?;
                let crate::domain::party::AccountParty::Employee(employee) = account.party else {
                    return Err(ServiceError::NotFound);
                };
                if !links::consume(tx, link.key, now)? {
                    return Err(ServiceError::NotFound);
                }
                parties::set_private_email(tx, employee, Some(&email))?;
                links::retire(tx, account.key, &[Purpose::Welcome, Purpose::Reset], now)?;
                audit::append(
                    tx,
                    &[AuditEvent {
                        at: now,
                        account: Some(account.key),
                        actor: "account".to_owned(),
                        action: AuditAction::PrivateEmailChange,
                        subject: None,
                        client_addr,
                        detail: Some("confirmed".to_owned()),
                    }],
                )?;
                Ok(())
            })
            .await
    }
}
