//! Passwords over an account's life: setting one from a welcome or reset link, changing it,
//! and the "forgot username" and "forgot password" requests. Mail goes to the outbox in the
//! same transaction; answers never reveal whether an account exists.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use super::files::{RequestContext, actor_label};
use super::{CurrentSession, ServiceError, Services};
use crate::auth::policy::{self, MIN_CHARS_PASSWORD_ONLY, MIN_CHARS_WITH_2FA, PasswordProblem};
use crate::auth::token;
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::party::{Role, Username};
use crate::domain::{AccountKey, Email};
use crate::mail::messages::Mail;
use crate::store::accounts as store_accounts;
use crate::store::links::{self, Purpose};
use crate::store::outbox;
use crate::store::{Transaction, audit, sessions};

/// How long a welcome link works.
pub const WELCOME_VALID: Duration = Duration::days(7);
/// How long a reset link works.
pub const RESET_VALID: Duration = Duration::minutes(30);

/// What a set-password link is, as its page needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkState {
    /// Usable: show the form.
    Usable { username: String, welcome: bool },
    /// Used, replaced by a newer one, or too old: offer to send a new one.
    Expired,
}

/// Why a new password was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum PasswordChangeError {
    #[error(transparent)]
    Policy(#[from] PasswordProblem),
    #[error("the current password is not right")]
    WrongCurrent,
    #[error("the two passwords differ")]
    Mismatch,
    #[error("this link has expired or was used already")]
    LinkExpired,
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl From<crate::store::StoreError> for PasswordChangeError {
    fn from(e: crate::store::StoreError) -> Self {
        Self::Service(e.into())
    }
}

/// After a "forgot username" or "forgot password" mail, the same request stays quiet this
/// long (the answer on the page is the same either way).
const FORGOTTEN_QUIET: chrono::Duration = chrono::Duration::minutes(2);

impl Services {
    /// The shortest password this role may have: longer when it may sign in without 2FA.
    pub fn min_password_chars(&self, role: Role) -> usize {
        if self.settings.require_2fa.contains(&role) {
            MIN_CHARS_WITH_2FA
        } else {
            MIN_CHARS_PASSWORD_ONLY
        }
    }

    /// The strength hint for the form: 0 (weak) to 4, and whether the policy would accept it
    /// (judged without personal words, which the real check adds). Each client address gets
    /// [`STRENGTH_PER_MINUTE`] a minute ([`ServiceError::Throttled`] beyond), and the work runs
    /// on the blocking pool, a few at a time: it costs tens of milliseconds of CPU.
    pub async fn password_strength(
        &self,
        context: RequestContext,
        password: String,
    ) -> Result<(u8, bool), ServiceError> {
        self.strength_allowance
            .take(context.client_addr, self.clock.now())
            .map_err(|retry_after_secs| ServiceError::Throttled { retry_after_secs })?;
        // Owned and moved into the work: a client that hangs up does not free its turn while
        // the work still runs.
        let turn = Arc::clone(&self.strength_turns)
            .acquire_owned()
            .await
            .map_err(|_| ServiceError::Busy)?;
        tokio::task::spawn_blocking(move || {
            let _turn = turn;
            let score = policy::strength(&password, &Default::default());
            let acceptable =
                policy::check(&password, MIN_CHARS_WITH_2FA, &Default::default()).is_ok();
            (score, acceptable)
        })
        .await
        .map_err(|_| ServiceError::Busy)
    }

    /// The minimum length for the account with this username (the strictest when unknown).
    pub async fn min_password_chars_for(&self, username: &str) -> usize {
        self.role_of(username)
            .await
            .map_or(MIN_CHARS_PASSWORD_ONLY, |r| self.min_password_chars(r))
    }

    /// The role of the account called `username`, if there is one (for the password hint of a
    /// welcome or reset link: which names the password may not contain).
    pub async fn role_of(&self, username: &str) -> Option<Role> {
        let name = Username::parse(username).ok()?;
        self.store
            .read(move |conn| -> Result<_, ServiceError> {
                Ok(store_accounts::account_by_username(conn, &name)?.map(|a| a.party.role()))
            })
            .await
            .ok()
            .flatten()
    }

    /// Checks a new password against the policy for this account.
    async fn acceptable(
        &self,
        account: AccountKey,
        password: &str,
    ) -> Result<(), PasswordChangeError> {
        let (words, role) = self
            .store
            .read(move |conn| -> Result<_, ServiceError> {
                let words = store_accounts::personal_words(conn, account)?;
                let role = store_accounts::account(conn, account)?.map(|a| a.party.role());
                Ok((words, role))
            })
            .await?;
        let role = role.ok_or(ServiceError::NotFound)?;
        policy::check(password, self.min_password_chars(role), &words)?;
        Ok(())
    }
}

/// Strength hints per client address per minute: plenty for typing (the page asks after a
/// pause), too few to use the portal as a free CPU.
pub const STRENGTH_PER_MINUTE: u32 = 60;

/// What writing a mail with a link needs: the portal's address, and the key that seals a
/// link's secret in the outbox until the mail is sent.
#[derive(Clone)]
pub(super) struct LinkMail {
    pub base: String,
    pub sealer: std::sync::Arc<crate::auth::seal::Sealer>,
}

impl Services {
    pub(super) fn link_mail(&self) -> LinkMail {
        LinkMail {
            base: self.public_url(),
            sealer: std::sync::Arc::clone(&self.sealer),
        }
    }
}

/// Creates a link for `account` in the caller's transaction and queues its mail. Returns
/// the link (for the admin CLI to print), if the account has an address to send it to.
pub(super) fn issue_link(
    tx: &Transaction<'_>,
    mail: &LinkMail,
    account: AccountKey,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> Result<String, ServiceError> {
    let secret = token::generate();
    let valid = match purpose {
        Purpose::Welcome => WELCOME_VALID,
        Purpose::Reset | Purpose::ConfirmEmail => RESET_VALID,
    };
    links::create(
        tx,
        account,
        purpose,
        None,
        &token::digest(&secret),
        now,
        now + valid,
    )?;
    let addresses = store_accounts::mail_addresses(tx, account)?;
    let link = format!("{}/wachtwoord/{secret}", mail.base);
    let Some(to) = addresses.private.or(addresses.contact) else {
        return Ok(link);
    };
    let valid_until = now + valid;
    let message = match purpose {
        Purpose::Welcome => Mail::WelcomeSetPassword {
            link: link.clone(),
            valid_until,
        },
        Purpose::Reset | Purpose::ConfirmEmail => Mail::ResetPassword {
            link: link.clone(),
            valid_until,
        },
    };
    outbox::enqueue(
        tx,
        &message.queue_sealed(&mail.sealer, Some(account), to, addresses.language),
        now,
    )?;
    Ok(link)
}

impl Services {
    /// A set-password link as its page shows it. Looking never uses it up (mail scanners
    /// open links too).
    pub async fn password_link(&self, secret: &str) -> Result<LinkState, ServiceError> {
        if !token::well_formed(secret) {
            return Ok(LinkState::Expired);
        }
        let hash = token::digest(secret);
        let now = self.clock.now();
        self.store
            .read(move |conn| -> Result<_, ServiceError> {
                let Some(link) = links::by_token_hash(conn, &hash)? else {
                    return Ok(LinkState::Expired);
                };
                if link.used || link.expires_at <= now || link.purpose == Purpose::ConfirmEmail {
                    return Ok(LinkState::Expired);
                }
                let account =
                    store_accounts::account(conn, link.account)?.ok_or(ServiceError::NotFound)?;
                Ok(LinkState::Usable {
                    username: account.username,
                    welcome: link.purpose == Purpose::Welcome,
                })
            })
            .await
    }

    /// Sets the password from a link: single use; every session of the account ends (no
    /// automatic sign-in, and a second factor is still asked at the next sign-in).
    pub async fn set_password_from_link(
        &self,
        context: RequestContext,
        secret: &str,
        password: &str,
        repeated: &str,
    ) -> Result<(), PasswordChangeError> {
        if !token::well_formed(secret) {
            return Err(PasswordChangeError::LinkExpired);
        }
        let hash = token::digest(secret);
        let now = self.clock.now();
        let link = self
            .store
            .read(move |conn| -> Result<_, ServiceError> { Ok(links::by_token_hash(conn, &hash)?) })
            .await?
            .filter(|l| !l.used && l.expires_at > now && l.purpose != Purpose::ConfirmEmail)
            .ok_or(PasswordChangeError::LinkExpired)?;
        if password != repeated {
            return Err(PasswordChangeError::Mismatch);
        }
        self.acceptable(link.account, password).await?;
        let new_hash = self
            .passwords
            .hash(password)
            .await
            .map_err(|_| ServiceError::Busy)?;
        let event = account_event(link.account, AuditAction::PasswordReset, context, now);
        let account = link.account;
        let base = self.public_url();
        self.store
            .write(move |tx| -> Result<(), PasswordChangeError> {
                if !links::consume(tx, link.key, now)? {
                    return Err(PasswordChangeError::LinkExpired);
                }
                password_changed(tx, &base, account, &new_hash, None, now)?;
                audit::append(tx, &[event])?;
                Ok(())
            })
            .await
    }

    /// Changes the signed-in account's password (the current one is asked again, throttled
    /// and audited like signing in); other sessions end, this one stays.
    pub async fn change_password(
        &self,
        session: &CurrentSession,
        context: RequestContext,
        current: &str,
        new: &str,
        repeated: &str,
    ) -> Result<(), PasswordChangeError> {
        let account = session.account;
        match self.confirm_password(session, context, current).await {
            Ok(()) => {}
            Err(ServiceError::WrongPassword) => return Err(PasswordChangeError::WrongCurrent),
            Err(e) => return Err(e.into()),
        }
        if new != repeated {
            return Err(PasswordChangeError::Mismatch);
        }
        self.acceptable(account, new).await?;
        let new_hash = self
            .passwords
            .hash(new)
            .await
            .map_err(|_| ServiceError::Busy)?;
        let now = self.clock.now();
        let mut event = account_event(account, AuditAction::PasswordChange, context, now);
        event.actor = actor_label(session.actor).to_owned();
        let keep = session.key;
        let base = self.public_url();
        self.store
            .write(move |tx| -> Result<(), PasswordChangeError> {
                password_changed(tx, &base, account, &new_hash, Some(keep), now)?;
                audit::append(tx, &[event])?;
                Ok(())
            })
            .await
    }

    /// "Gebruikersnaam vergeten": every username whose contact or private address is `email`
    /// gets listed in one mail to that address. The caller answers the same whatever happens.
    pub async fn forgot_username(
        &self,
        context: RequestContext,
        email: &str,
    ) -> Result<(), ServiceError> {
        let Ok(email) = Email::parse(email) else {
            return Ok(());
        };
        let now = self.clock.now();
        let address = email.as_str().to_owned();
        let event = AuditEvent {
            at: now,
            account: None,
            actor: "anonymous".to_owned(),
            action: AuditAction::ForgotUsername,
            subject: None,
            client_addr: context.client_addr.map(|a| a.to_string()),
            detail: None,
        };
        self.store
            .write(move |tx| -> Result<(), ServiceError> {
                let found = store_accounts::usernames_by_email(tx, &address)?;
                // One mail per quiet period, however often the form is sent: nobody can
                // flood a mailbox through it.
                let quiet =
                    outbox::queued_since(tx, &address, "forgot_username", now - FORGOTTEN_QUIET)?;
                if let Some((account, _, language)) = found.first().filter(|_| !quiet) {
                    let usernames: Vec<&str> = found.iter().map(|(_, u, _)| u.as_str()).collect();
                    outbox::enqueue(
                        tx,
                        &Mail::ForgotUsername {
                            usernames: usernames.iter().map(|u| (*u).to_owned()).collect(),
                        }
                        .queue(
                            Some(*account),
                            address.clone(),
                            language.clone(),
                        ),
                        now,
                    )?;
                }
                audit::append(tx, &[event])?;
                Ok(())
            })
            .await
    }

    /// "Wachtwoord vergeten": a reset link to the private address if set, else the contact
    /// address. The caller answers the same whatever happens.
    pub async fn forgot_password(
        &self,
        context: RequestContext,
        username: &str,
    ) -> Result<(), ServiceError> {
        let Ok(username) = Username::parse(username) else {
            return Ok(());
        };
        let now = self.clock.now();
        let client_addr = context.client_addr.map(|a| a.to_string());
        let mail = self.link_mail();
        self.store
            .write(move |tx| -> Result<(), ServiceError> {
                // A disabled account gets no link (the page answers the same either way).
                let Some(account) = store_accounts::account_by_username(tx, &username)?
                    .filter(|a| a.status != crate::domain::party::AccountStatus::Disabled)
                else {
                    return Ok(());
                };
                // A link sent a moment ago that still works: no second mail within the quiet
                // period, so nobody can flood a mailbox through the form. One already used or
                // retired does not count: the person asking now needs a new one.
                let recent = now - FORGOTTEN_QUIET;
                if !links::usable_created_since(tx, account.key, Purpose::Reset, recent, now)? {
                    issue_link(tx, &mail, account.key, Purpose::Reset, now)?;
                }
                audit::append(
                    tx,
                    &[AuditEvent {
                        at: now,
                        account: Some(account.key),
                        actor: "anonymous".to_owned(),
                        action: AuditAction::PasswordResetRequested,
                        subject: None,
                        client_addr,
                        detail: None,
                    }],
                )?;
                Ok(())
            })
            .await
    }
}

/// What every password change does: store it, end other sessions, retire open links,
/// tell the account by mail.
fn password_changed(
    tx: &Transaction<'_>,
    base: &str,
    account: AccountKey,
    hash: &str,
    keep_session: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    store_accounts::set_password_hash(tx, account, hash, now)?;
    sessions::delete_for_account(tx, account, keep_session)?;
    links::retire(tx, account, &[Purpose::Welcome, Purpose::Reset], now)?;
    let addresses = store_accounts::mail_addresses(tx, account)?;
    if let Some(to) = addresses.private.or(addresses.contact) {
        outbox::enqueue(
            tx,
            &Mail::PasswordChanged {
                at: now,
                link: format!("{base}/wachtwoord-vergeten"),
            }
            .queue(Some(account), to, addresses.language),
            now,
        )?;
    }
    Ok(())
}

fn account_event(
    account: AccountKey,
    action: AuditAction,
    context: RequestContext,
    now: DateTime<Utc>,
) -> AuditEvent {
    AuditEvent {
        at: now,
        account: Some(account),
        actor: "account".to_owned(),
        action,
        subject: None,
        client_addr: context.client_addr.map(|a| a.to_string()),
        detail: None,
    }
}
