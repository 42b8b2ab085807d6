//! The second factor: setting up an authenticator app (QR code, secret, confirming code,
//! recovery codes), the code step of signing in, new recovery codes, and the administrator's
//! reset.

use super::files::RequestContext;
use super::reauth::tell_account;
use super::signin::{IssuedSession, PendingSession, SignInStep};
use super::throttle::{second_factor_subject, throttle_subjects};
use super::{CurrentSession, ServiceError, Services};
use crate::auth::{recovery, token, totp};
use crate::domain::AccountKey;
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::party::Username;
use crate::mail::messages::AccountChange;
use crate::mail::messages::Mail;
use crate::store::accounts as store_accounts;
use crate::store::outbox;
use crate::store::sessions::{self, Stage};
use crate::store::{audit, throttle, two_factor};

/// What the set-up page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolment {
    /// The secret as text, in groups of four, for typing into an app.
    pub secret_text: String,
    /// The QR code of the `otpauth://` link, as SVG.
    pub qr_svg: String,
}

/// An account's second factors, for Profiel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TwoFactorStatus {
    /// An authenticator app is set up.
    pub app: bool,
    /// At least one passkey is registered.
    pub passkeys: bool,
    /// Recovery codes not yet used.
    pub recovery_codes_left: u32,
}

impl TwoFactorStatus {
    /// Whether a password alone does not sign in.
    pub fn any(&self) -> bool {
        self.app || self.passkeys
    }
}

/// Why a code did not complete a step.
#[derive(Debug, thiserror::Error)]
pub enum SecondFactorError {
    #[error("the code is not right")]
    WrongCode,
    #[error("the session expired; sign in again")]
    Expired,
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl From<crate::store::StoreError> for SecondFactorError {
    fn from(e: crate::store::StoreError) -> Self {
        Self::Service(e.into())
    }
}

/// Sealed secrets are bound to their account.
fn context(account: AccountKey) -> Vec<u8> {
    format!("totp:account:{}", account.0).into_bytes()
}

impl Services {
    fn unix_now(&self) -> u64 {
        u64::try_from(self.clock.now().timestamp()).unwrap_or(0)
    }

    fn event(
        &self,
        account: AccountKey,
        action: AuditAction,
        ctx: RequestContext,
        detail: &str,
    ) -> AuditEvent {
        AuditEvent {
            at: self.clock.now(),
            account: Some(account),
            actor: "account".to_owned(),
            action,
            subject: None,
            client_addr: ctx.client_addr.map(|a| a.to_string()),
            detail: Some(detail.to_owned()).filter(|d| !d.is_empty()),
        }
    }

    /// The enrolment in progress, if one was started (reading only: safe for GET).
    pub async fn enrolment(
        &self,
        account: AccountKey,
        username: &str,
    ) -> Result<Option<Enrolment>, ServiceError> {
        let state = self
            .store
            .read(move |conn| -> Result<_, ServiceError> { Ok(two_factor::state(conn, account)?) })
            .await?;
        let Some(secret) = state
            .pending
            .and_then(|p| self.sealer.open(&p, &context(account)))
        else {
            return Ok(None);
        };
        let url = totp::otpauth_url(&secret, &self.settings.installation_name, username);
        Ok(Some(Enrolment {
            secret_text: totp::secret_text(&secret),
            qr_svg: totp::qr_svg(&url),
        }))
    }

    /// Starts (or restarts) setting up an authenticator app from Profiel: the current
    /// password is asked again first (replacing the second factor is a takeover otherwise).
    pub async fn start_enrolment_in_profile(
        &self,
        session: &CurrentSession,
        ctx: RequestContext,
        password: &str,
    ) -> Result<(), ServiceError> {
        self.confirm_password(session, ctx, password).await?;
        self.start_enrolment(session.account).await
    }

    /// Starts (or restarts) the set-up a sign-in requires: the password was given a moment
    /// ago in this very sign-in, so it is not asked again. Only at that step.
    pub async fn start_enrolment_while_signing_in(
        &self,
        pending: &PendingSession,
    ) -> Result<(), ServiceError> {
        if pending.step != SignInStep::Enroll {
            return Err(ServiceError::NotFound);
        }
        self.start_enrolment(pending.account).await
    }

    /// A fresh secret to set up; callers have checked who asks (see the two above).
    async fn start_enrolment(&self, account: AccountKey) -> Result<(), ServiceError> {
        let sealed = self.sealer.seal(&totp::new_secret(), &context(account));
        self.store
            .write(move |tx| -> Result<(), ServiceError> {
                two_factor::set_pending(tx, account, &sealed)?;
                Ok(())
            })
            .await
    }

    /// Confirms the set-up with a code from the app; returns the recovery codes (shown once).
    /// The account's address is told.
    pub async fn confirm_enrolment(
        &self,
        account: AccountKey,
        ctx: RequestContext,
        code: &str,
    ) -> Result<Vec<String>, SecondFactorError> {
        let state = self
            .store
            .read(move |conn| -> Result<_, ServiceError> { Ok(two_factor::state(conn, account)?) })
            .await?;
        let secret = state
            .pending
            .and_then(|p| self.sealer.open(&p, &context(account)))
            .ok_or(SecondFactorError::Expired)?;
        let step = totp::check(&secret, code, self.unix_now(), None)
            .map_err(|_| SecondFactorError::WrongCode)?;
        let codes = recovery::generate();
        let digests: Vec<String> = codes.iter().map(|c| recovery::digest(c)).collect();
        let now = self.clock.now();
        let event = self.event(account, AuditAction::TwoFactorEnabled, ctx, "");
        let base = self.public_url();
        self.store
            .write(move |tx| -> Result<(), SecondFactorError> {
                if !two_factor::confirm(tx, account, step, now)? {
                    return Err(SecondFactorError::Expired);
                }
                two_factor::replace_recovery_codes(tx, account, &digests)?;
                audit::append(tx, &[event])?;
                tell_account(tx, &base, account, AccountChange::TwoFactor, None, now)?;
                Ok(())
            })
            .await?;
        Ok(codes)
    }

    /// Completes a forced set-up during sign-in: confirms the code, then the session becomes a
    /// full one under a new id.
    pub async fn enrol_while_signing_in(
        &self,
        pending: &PendingSession,
        ctx: RequestContext,
        code: &str,
    ) -> Result<(IssuedSession, Vec<String>), SecondFactorError> {
        if pending.step != SignInStep::Enroll {
            return Err(SecondFactorError::Expired);
        }
        let codes = self.confirm_enrolment(pending.account, ctx, code).await?;
        let issued = self
            .advance(pending, ctx, "password+totp (enrolled)")
            .await?;
        Ok((issued, codes))
    }

    /// The code step of signing in: a code from the app (current step ±1, each step once) or
    /// an unused recovery code. Failures count towards the sign-in delays.
    pub async fn second_factor(
        &self,
        pending: &PendingSession,
        ctx: RequestContext,
        code: &str,
    ) -> Result<IssuedSession, SecondFactorError> {
        if pending.step != SignInStep::SecondFactor {
            return Err(SecondFactorError::Expired);
        }
        let account = pending.account;
        let (user, addr) = throttle_subjects(&pending.username, ctx);
        let codes = second_factor_subject(account);
        let subjects = [user.clone(), codes.clone()]
            .into_iter()
            .chain(addr.clone())
            .collect();
        self.check_throttle(subjects, ctx).await?;
        let now = self.clock.now();
        let accepted = if recovery::looks_like_one(code) {
            let digest = recovery::digest(code);
            let used = self
                .store
                .write(move |tx| -> Result<bool, ServiceError> {
                    Ok(two_factor::use_recovery_code(tx, account, &digest, now)?)
                })
                .await?;
            used.then_some("password+recovery code")
        } else {
            let state = self
                .store
                .read(move |conn| -> Result<_, ServiceError> {
                    Ok(two_factor::state(conn, account)?)
                })
                .await?;
            // An account with passkeys only has no app: no code is right.
            let checked = state
                .secret
                .and_then(|s| self.sealer.open(&s, &context(account)))
                .map_or(Err(totp::CodeProblem::Wrong), |secret| {
                    totp::check(&secret, code, self.unix_now(), state.last_step)
                });
            match checked {
                Ok(step) => {
                    let fresh = self
                        .store
                        .write(move |tx| -> Result<bool, ServiceError> {
                            Ok(two_factor::use_step(tx, account, step)?)
                        })
                        .await?;
                    fresh.then_some("password+totp")
                }
                Err(totp::CodeProblem::Replayed) => {
                    let event = self.event(account, AuditAction::LoginFailed, ctx, "totp replay");
                    self.audit.record(event, None).await;
                    None
                }
                Err(totp::CodeProblem::Wrong) => None,
            }
        };
        let Some(factors) = accepted else {
            let event = self.event(account, AuditAction::LoginFailed, ctx, "second factor");
            self.audit.record(event, None).await;
            self.record_failure(codes, addr).await?;
            return Err(SecondFactorError::WrongCode);
        };
        if factors.contains("recovery") {
            let event = self.event(account, AuditAction::RecoveryCodeUsed, ctx, "");
            self.audit.record(event, None).await;
        }
        self.store
            .write(move |tx| -> Result<(), ServiceError> {
                throttle::clear(tx, &user)?;
                throttle::clear(tx, &codes)?;
                Ok(())
            })
            .await?;
        Ok(self.advance(pending, ctx, factors).await?)
    }

    /// Turns a pending session into a full one under a new id.
    pub(super) async fn advance(
        &self,
        pending: &PendingSession,
        ctx: RequestContext,
        factors: &str,
    ) -> Result<IssuedSession, ServiceError> {
        let issued = IssuedSession {
            id: token::generate(),
            csrf_token: pending.csrf_token.clone(),
            expires_at: self.clock.now() + self.settings.sessions.absolute,
            step: SignInStep::Complete,
        };
        let hash = token::digest(&issued.id);
        let key = pending.key;
        let account = pending.account;
        let now = self.clock.now();
        let mut event = self.event(pending.account, AuditAction::Login, ctx, factors);
        event.actor = "account".to_owned();
        self.store
            .write(move |tx| -> Result<(), ServiceError> {
                if !sessions::advance(tx, key, &hash, Stage::Complete, now)? {
                    return Err(ServiceError::NotFound);
                }
                store_accounts::record_login(tx, account, now)?;
                audit::append(tx, &[event])?;
                Ok(())
            })
            .await?;
        Ok(issued)
    }

    /// Which second factors an account has, and how many recovery codes are left.
    pub async fn two_factor_status(
        &self,
        account: AccountKey,
    ) -> Result<TwoFactorStatus, ServiceError> {
        let state = self
            .store
            .read(move |conn| -> Result<_, ServiceError> { Ok(two_factor::state(conn, account)?) })
            .await?;
        Ok(TwoFactorStatus {
            app: state.secret.is_some(),
            passkeys: state.passkeys,
            recovery_codes_left: state.unused_recovery_codes,
        })
    }

    /// Replaces the recovery codes, with the current password asked again; the old ones stop
    /// working and the account's address is told.
    pub async fn renew_recovery_codes(
        &self,
        session: &CurrentSession,
        ctx: RequestContext,
        password: &str,
    ) -> Result<Vec<String>, ServiceError> {
        self.confirm_password(session, ctx, password).await?;
        let account = session.account;
        let base = self.public_url();
        let now = self.clock.now();
        let codes = recovery::generate();
        let digests: Vec<String> = codes.iter().map(|c| recovery::digest(c)).collect();
        let event = self.event(account, AuditAction::RecoveryCodesRenewed, ctx, "");
        self.store
            .write(move |tx| -> Result<(), ServiceError> {
                if !two_factor::state(tx, account)?.has_second_factor() {
                    return Err(ServiceError::NotFound);
                }
                two_factor::replace_recovery_codes(tx, account, &digests)?;
                audit::append(tx, &[event])?;
                tell_account(tx, &base, account, AccountChange::RecoveryCodes, None, now)
            })
            .await?;
        Ok(codes)
    }

    /// The administrator's reset (`loondossier user reset-2fa`): removes the second factor,
    /// ends the account's sessions and tells the account by mail. Roles that require a second
    /// factor set up a new one at their next sign-in.
    pub async fn reset_two_factor(&self, username: &str) -> Result<(), ServiceError> {
        let username =
            Username::parse(username).map_err(|e| ServiceError::invalid("username", e.0))?;
        let now = self.clock.now();
        self.store
            .write(move |tx| -> Result<(), ServiceError> {
                let account = store_accounts::account_by_username(tx, &username)?
                    .ok_or(ServiceError::NotFound)?;
                two_factor::reset(tx, account.key)?;
                sessions::delete_for_account(tx, account.key, None)?;
                let addresses = store_accounts::mail_addresses(tx, account.key)?;
                if let Some(to) = addresses.private.or(addresses.contact) {
                    outbox::enqueue(
                        tx,
                        &Mail::TwoFactorReset { at: now }.queue(
                            Some(account.key),
                            to,
                            addresses.language,
                        ),
                        now,
                    )?;
                }
                audit::append(
                    tx,
                    &[AuditEvent {
                        at: now,
                        account: Some(account.key),
                        actor: "system".to_owned(),
                        action: AuditAction::TwoFactorReset,
                        subject: None,
                        client_addr: None,
                        detail: Some("by the administrator".to_owned()),
                    }],
                )?;
                Ok(())
            })
            .await
    }
}
