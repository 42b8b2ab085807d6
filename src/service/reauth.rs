//! Asking for the password again before a sensitive change (OWASP ASVS 3.7.1: username,
//! private address, password, second factor, recovery codes), throttled and audited like
//! signing in; and telling the account's own address that such a change was made.

use crate::store::Transaction;
use chrono::{DateTime, Utc};

use super::files::RequestContext;
use super::{CurrentSession, ServiceError, Services};
use crate::auth::password;
use crate::domain::AccountKey;
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::mail::messages::{AccountChange, Mail};
use crate::store::{accounts as store_accounts, outbox};

/// What wrong passwords given for a change are counted against: the account (and, as for
/// signing in, the client address). A borrowed session can thus not be used to guess it.
fn reauth_subject(account: AccountKey) -> String {
    format!("password-again:{}", account.0)
}

impl Services {
    /// Checks `password` against the signed-in account's; [`ServiceError::WrongPassword`]
    /// if it is not right (counted, with growing delays: [`ServiceError::Throttled`]), and
    /// audited as a failed sign-in with the detail "password asked again".
    pub(super) async fn confirm_password(
        &self,
        session: &CurrentSession,
        context: RequestContext,
        given: &str,
    ) -> Result<(), ServiceError> {
        let account = session.account;
        let subject = reauth_subject(account);
        let addr = context.client_addr.map(|a| format!("addr:{a}"));
        let subjects = std::iter::once(subject.clone())
            .chain(addr.clone())
            .collect();
        self.check_throttle(subjects, context).await?;
        let stored = self
            .store
            .read(move |conn| -> Result<_, ServiceError> {
                Ok(store_accounts::password_hash(conn, account)?)
            })
            .await?;
        let matched = given.chars().count() <= password::MAX_CHARS
            && self
                .passwords
                .verify(given, stored.as_deref())
                .await
                .map_err(|_| ServiceError::Busy)?;
        if matched {
            // Earlier failures are not cleared by a right password (they decay after a quiet
            // hour): usernames found taken count here too, and a right password must not
            // reset that count.
            return Ok(());
        }
        let event = AuditEvent {
            at: self.clock.now(),
            account: Some(account),
            actor: super::files::actor_label(session.actor).to_owned(),
            action: AuditAction::LoginFailed,
            subject: None,
            client_addr: context.client_addr.map(|a| a.to_string()),
            detail: Some("password asked again".to_owned()),
        };
        self.audit.record(event, None).await;
        self.record_failure(subject, addr).await?;
        Err(ServiceError::WrongPassword)
    }

    /// Counts an answer that told the account something about another one (the username it
    /// asked for is taken) like a wrong password: looking for usernames through Profiel meets
    /// the same growing delays as guessing passwords at the sign-in form.
    pub(super) async fn count_probe(
        &self,
        session: &CurrentSession,
        context: RequestContext,
    ) -> Result<(), ServiceError> {
        let addr = context.client_addr.map(|a| format!("addr:{a}"));
        self.record_failure(reauth_subject(session.account), addr)
            .await
    }
}

/// Queues "your … was changed" for `account`, to `to` if given (the address a change moves
/// away from), else to its private address or, without one, its contact address. Never says
/// what the new value is.
pub(super) fn tell_account(
    tx: &Transaction<'_>,
    base: &str,
    account: AccountKey,
    what: AccountChange,
    to: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let addresses = store_accounts::mail_addresses(tx, account)?;
    let Some(to) = to.or(addresses.private).or(addresses.contact) else {
        return Ok(());
    };
    let mail = Mail::AccountChanged {
        what,
        at: now,
        link: format!("{base}/wachtwoord-vergeten"),
    };
    outbox::enqueue(tx, &mail.queue(Some(account), to, addresses.language), now)?;
    Ok(())
}
