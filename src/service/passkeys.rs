//! Passkeys for every party (SPEC.md Part 2, "Accounts"): registering one from Profiel (the
//! password asked again), listing and removing them, signing in with one and no username, and
//! using one as the second factor after the password. A passkey is a second factor: once an
//! account has one, a password alone no longer signs in, and it satisfies `require_2fa`.
//! Recovery codes and `user reset-2fa` cover a lost device. Every registration, use and
//! removal is audited; the account's address hears of additions and removals.

use super::files::{RequestContext, actor_label};
use super::reauth::tell_account;
use super::signin::{IssuedSession, Opening, PendingSession, SignInStep, role_of};
use super::throttle::{second_factor_subject, throttle_subjects};
use super::{CurrentSession, SecondFactorError, ServiceError, Services};
use crate::auth::passkey::{self, Assertion, PasskeyProblem, RelyingParty, StoredPasskey};
use crate::auth::recovery;
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::party::{AccountStatus, Role};
use crate::domain::{AccountKey, PublicId, access};
use crate::mail::messages::AccountChange;
use crate::store::passkeys::{self as store_passkeys, NewPasskey, StoredCredential};
use crate::store::{StoreError, accounts as store_accounts, audit, throttle, two_factor};

pub use crate::store::passkeys::PasskeyLine;

/// Passkey ceremonies (sign-in and second-factor options) one client address may start a
/// minute; people click a few times, a flood is refused with 429.
pub const CEREMONIES_PER_MINUTE: u32 = 30;

/// The audit detail of an answer that lost a race with another use of the same passkey: two
/// answers with one counter value mean a replay or a cloned key.
const RACED: &str = "passkey: counter raced by another use (replay or cloned key)";

/// Longest passkey name, in characters.
pub const NAME_MAX_CHARS: usize = 60;

/// Why a passkey step did not complete.
#[derive(Debug, thiserror::Error)]
pub enum PasskeyError {
    /// The browser's answer was not accepted (unreadable, expired, another account's passkey,
    /// a replay, a cloned key). Told to the user as one thing; the log has which.
    #[error("the passkey was not accepted")]
    Refused,
    /// The browser offered a passkey this portal does not know (removed here, still on the
    /// device). Says nothing about any account.
    #[error("the passkey is not registered here")]
    Unknown,
    /// This address has no passkeys: its host is an IP address (WebAuthn needs a name).
    #[error("passkeys need a host name in public_url")]
    Unavailable,
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl From<StoreError> for PasskeyError {
    fn from(e: StoreError) -> Self {
        Self::Service(e.into())
    }
}

/// A registration started: the options for the browser, and the name to give the passkey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartedRegistration {
    /// `PublicKeyCredentialCreationOptionsJSON`.
    pub options: String,
    pub name: String,
}

/// Checks a passkey name: 1 to [`NAME_MAX_CHARS`] characters after trimming, no control
/// characters.
pub fn passkey_name(name: &str) -> Result<String, ServiceError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ServiceError::invalid("name", "a passkey needs a name"));
    }
    if name.chars().count() > NAME_MAX_CHARS || name.chars().any(char::is_control) {
        return Err(ServiceError::invalid(
            "name",
            format!("at most {NAME_MAX_CHARS} characters, no line breaks"),
        ));
    }
    Ok(name.to_owned())
}

impl Services {
    /// The relying party at the portal's public address, or `None` when that address has no
    /// passkeys (an IP address other than loopback).
    pub fn relying_party(&self) -> Option<RelyingParty> {
        RelyingParty::for_public_url(&self.public_url())
    }

    fn passkey_event(
        &self,
        account: AccountKey,
        actor: &str,
        action: AuditAction,
        ctx: RequestContext,
        detail: String,
    ) -> AuditEvent {
        AuditEvent {
            at: self.clock.now(),
            account: Some(account),
            actor: actor.to_owned(),
            action,
            subject: None,
            client_addr: ctx.client_addr.map(|a| a.to_string()),
            detail: Some(detail),
        }
    }

    /// The signed-in account's passkeys, oldest first.
    pub async fn passkeys_of(
        &self,
        session: &CurrentSession,
    ) -> Result<Vec<PasskeyLine>, ServiceError> {
        let account = session.account;
        self.store
            .read(move |conn| -> Result<_, ServiceError> {
                Ok(store_passkeys::of_account(conn, account)?)
            })
            .await
    }

    /// Starts adding a passkey to the signed-in account: the password is asked again (a
    /// borrowed session must not add a way in), then the browser gets the options.
    pub async fn start_passkey_registration(
        &self,
        session: &CurrentSession,
        ctx: RequestContext,
        password: &str,
        name: &str,
    ) -> Result<StartedRegistration, PasskeyError> {
        let name = passkey_name(name)?;
        self.relying_party().ok_or(PasskeyError::Unavailable)?;
        self.confirm_password(session, ctx, password).await?;
        let registrant = Registrant {
            account: session.account,
            actor: actor_label(session.actor),
            owner: registration_owner(session),
        };
        let options = self
            .begin_registration(&registrant, &session.username, &session.display_name)
            .await?;
        Ok(StartedRegistration { options, name })
    }

    /// Completes adding a passkey with the browser's answer. Returns new recovery codes when
    /// this is the account's first second factor (shown once), else `None`.
    pub async fn finish_passkey_registration(
        &self,
        session: &CurrentSession,
        ctx: RequestContext,
        name: &str,
        answer: &str,
    ) -> Result<Option<Vec<String>>, PasskeyError> {
        let registrant = Registrant {
            account: session.account,
            actor: actor_label(session.actor),
            owner: registration_owner(session),
        };
        self.complete_registration(&registrant, ctx, name, answer)
            .await
    }

    /// Starts a passkey as the second factor a sign-in requires (`require_2fa`, none set up
    /// yet): the password was given a moment ago in this very sign-in. Only at that step.
    pub async fn start_passkey_enrolment(
        &self,
        pending: &PendingSession,
    ) -> Result<String, PasskeyError> {
        if pending.step != SignInStep::Enroll {
            return Err(PasskeyError::Refused);
        }
        self.relying_party().ok_or(PasskeyError::Unavailable)?;
        let registrant = Registrant {
            account: pending.account,
            actor: "account",
            owner: pending_owner(pending),
        };
        self.begin_registration(&registrant, &pending.username, &pending.username)
            .await
    }

    /// Completes the required set-up with a passkey: the passkey is stored, recovery codes are
    /// made (shown once) and the session becomes a full one under a new id.
    pub async fn enrol_passkey_while_signing_in(
        &self,
        pending: &PendingSession,
        ctx: RequestContext,
        name: &str,
        answer: &str,
    ) -> Result<(IssuedSession, Vec<String>), PasskeyError> {
        if pending.step != SignInStep::Enroll {
            return Err(PasskeyError::Refused);
        }
        let registrant = Registrant {
            account: pending.account,
            actor: "account",
            owner: pending_owner(pending),
        };
        let codes = self
            .complete_registration(&registrant, ctx, name, answer)
            .await?
            .unwrap_or_default();
        let issued = self
            .advance(pending, ctx, "password+passkey (enrolled)")
            .await?;
        Ok((issued, codes))
    }

    /// The options to register a passkey for `registrant` (its user handle made on first use,
    /// its passkeys excluded), the ceremony kept for its owner.
    async fn begin_registration(
        &self,
        registrant: &Registrant,
        username: &str,
        display_name: &str,
    ) -> Result<String, PasskeyError> {
        let rp = self.relying_party().ok_or(PasskeyError::Unavailable)?;
        let account = registrant.account;
        let fresh = passkey::new_user_handle();
        let (handle, existing) = self
            .store
            .write(move |tx| -> Result<_, ServiceError> {
                let handle = store_passkeys::ensure_user_handle(tx, account, &fresh)?;
                Ok((handle, store_passkeys::credential_ids(tx, account)?))
            })
            .await?;
        let (state, options) =
            passkey::registration_options(&rp, &handle, username, display_name, &existing)
                .map_err(|problem| self.refused(account, "passkey registration", &problem))?;
        self.passkey_ceremonies
            .registrations
            .insert(state, registrant.owner);
        Ok(options)
    }

    /// Checks the browser's answer to `registrant`'s ceremony and stores the passkey, audited
    /// and told to the account's address; new recovery codes when it is the first second factor.
    async fn complete_registration(
        &self,
        registrant: &Registrant,
        ctx: RequestContext,
        name: &str,
        answer: &str,
    ) -> Result<Option<Vec<String>>, PasskeyError> {
        let name = passkey_name(name)?;
        let rp = self.relying_party().ok_or(PasskeyError::Unavailable)?;
        let account = registrant.account;
        let checked = passkey::registration_challenge(answer.as_bytes()).and_then(
            |(registration, challenge)| {
                let state = self
                    .passkey_ceremonies
                    .registrations
                    .take(challenge, registrant.owner)?;
                passkey::verify_registration(&rp, state, &registration)
            },
        );
        let credential =
            checked.map_err(|problem| self.refused(account, "passkey registration", &problem))?;
        let codes = recovery::generate();
        let digests: Vec<String> = codes.iter().map(|c| recovery::digest(c)).collect();
        let now = self.clock.now();
        let base = self.public_url();
        let event = self.passkey_event(
            account,
            registrant.actor,
            AuditAction::PasskeyAdded,
            ctx,
            name.clone(),
        );
        let first = self
            .store
            .write(move |tx| -> Result<bool, PasskeyError> {
                let first = !two_factor::state(tx, account)?.has_second_factor();
                let added = store_passkeys::insert(
                    tx,
                    &NewPasskey {
                        account,
                        credential_id: &credential.credential_id,
                        static_state: &credential.static_state,
                        dynamic_state: &credential.dynamic_state,
                        transports: credential.transports,
                        name: &name,
                        now,
                    },
                )?;
                if !added {
                    // The same authenticator key twice (the browser's exclude list was ignored).
                    return Err(PasskeyError::Refused);
                }
                if first {
                    two_factor::replace_recovery_codes(tx, account, &digests)?;
                }
                audit::append(tx, &[event])?;
                tell_account(tx, &base, account, AccountChange::PasskeyAdded, None, now)?;
                Ok(first)
            })
            .await?;
        Ok(first.then_some(codes))
    }

    /// Removes one of the signed-in account's passkeys, with the password asked again, and
    /// ends the account's other sessions. An unknown id, or another account's, is "not found".
    pub async fn remove_passkey(
        &self,
        session: &CurrentSession,
        ctx: RequestContext,
        password: &str,
        id: &str,
    ) -> Result<(), ServiceError> {
        let id = PublicId::parse(id).ok_or(ServiceError::NotFound)?;
        self.confirm_password(session, ctx, password).await?;
        let account = session.account;
        let actor = actor_label(session.actor).to_owned();
        let now = self.clock.now();
        let base = self.public_url();
        let client_addr = ctx.client_addr.map(|a| a.to_string());
        let keep = session.key;
        self.store
            .write(move |tx| -> Result<(), ServiceError> {
                let owner = store_passkeys::owner(tx, id)?;
                if !owner.is_some_and(|owner| access::manages_passkeys_of(account, owner)) {
                    return Err(ServiceError::NotFound);
                }
                let Some(name) = store_passkeys::remove(tx, account, id)? else {
                    return Err(ServiceError::NotFound);
                };
                // A lost device may still hold a session it opened: every other one ends, as
                // after a password change.
                crate::store::sessions::delete_for_account(tx, account, Some(keep))?;
                audit::append(
                    tx,
                    &[AuditEvent {
                        at: now,
                        account: Some(account),
                        actor,
                        action: AuditAction::PasskeyRemoved,
                        subject: None,
                        client_addr,
                        detail: Some(name),
                    }],
                )?;
                tell_account(tx, &base, account, AccountChange::PasskeyRemoved, None, now)
            })
            .await
    }

    /// Starts a sign-in without a username for the browser with form token `browser`: the
    /// options for `navigator.credentials.get`.
    pub fn start_passkey_sign_in(
        &self,
        ctx: RequestContext,
        browser: &str,
    ) -> Result<String, PasskeyError> {
        let rp = self.relying_party().ok_or(PasskeyError::Unavailable)?;
        self.take_ceremony_allowance(ctx)?;
        let (state, options) = passkey::sign_in_options(&rp).map_err(|problem| {
            tracing::error!(%problem, "cannot start a passkey sign-in");
            PasskeyError::Refused
        })?;
        self.passkey_ceremonies
            .sign_ins
            .insert(state, passkey::owner_of(browser));
        Ok(options)
    }

    /// Completes a sign-in without a username: the passkey (with user verification) stands
    /// for the password and the second factor. Failures count towards the address's delays
    /// and are audited; the answer never says which account a passkey was for.
    pub async fn finish_passkey_sign_in(
        &self,
        ctx: RequestContext,
        browser: &str,
        answer: &str,
        user_agent: Option<&str>,
    ) -> Result<IssuedSession, PasskeyError> {
        let rp = self.relying_party().ok_or(PasskeyError::Unavailable)?;
        let addr = ctx.client_addr.map(|a| format!("addr:{a}"));
        self.check_throttle(addr.iter().cloned().collect(), ctx)
            .await?;
        let outcome = self.check_sign_in(&rp, browser, answer).await;
        let (stored, after) = match outcome {
            Ok(found) => found,
            Err((account, problem)) => {
                // An answer to no waiting ceremony (expired, already used, pushed out) is no
                // guess at a key: logged, but not counted against the address.
                let counts = !matches!(problem, PasskeyProblem::NoCeremony);
                let event = AuditEvent {
                    at: self.clock.now(),
                    account,
                    actor: "anonymous".to_owned(),
                    action: AuditAction::LoginFailed,
                    subject: None,
                    client_addr: ctx.client_addr.map(|a| a.to_string()),
                    detail: Some(format!("passkey: {problem}")),
                };
                self.audit.record(event, None).await;
                if let Some(addr) = addr.filter(|_| counts) {
                    self.record_address_failure(addr).await?;
                }
                return Err(match problem {
                    PasskeyProblem::Unknown => PasskeyError::Unknown,
                    _ => PasskeyError::Refused,
                });
            }
        };
        let account_key = stored.account;
        let account = self
            .store
            .read(move |conn| -> Result<_, ServiceError> {
                Ok(store_accounts::account(conn, account_key)?)
            })
            .await?
            .ok_or(PasskeyError::Refused)?;
        if account.status == AccountStatus::Disabled {
            let event = self.passkey_event(
                account.key,
                role_of(&account),
                AuditAction::LoginFailed,
                ctx,
                "disabled".to_owned(),
            );
            self.audit.record(event, None).await;
            return Err(ServiceError::AccountDisabled.into());
        }
        let now = self.clock.now();
        let opening = Opening {
            account: account.key,
            role: role_of(&account),
            step: SignInStep::Complete,
            factors: "passkey",
            client_addr: ctx.client_addr.map(|a| a.to_string()),
            user_agent,
        };
        let before = stored.dynamic_state.clone();
        let key = stored.key;
        // The counter is stored only if nobody used the passkey since it was read: of two
        // answers racing with the same counter, one signs in.
        let fresh = self
            .store
            .write(move |tx| -> Result<bool, ServiceError> {
                Ok(store_passkeys::record_use(tx, key, &before, &after, now)?)
            })
            .await?;
        if !fresh {
            let event = self.passkey_event(
                account.key,
                role_of(&account),
                AuditAction::LoginFailed,
                ctx,
                RACED.to_owned(),
            );
            self.audit.record(event, None).await;
            return Err(PasskeyError::Refused);
        }
        Ok(self.open_session(opening, |_| Ok(())).await?)
    }

    /// The stored passkey a sign-in answer is for, and its new counter state; or the account
    /// it named (when known) and why it was refused.
    async fn check_sign_in(
        &self,
        rp: &RelyingParty,
        browser: &str,
        answer: &str,
    ) -> Result<(StoredCredential, Vec<u8>), (Option<AccountKey>, PasskeyProblem)> {
        let (authentication, challenge) =
            passkey::read_sign_in(answer.as_bytes()).map_err(|p| (None, p))?;
        let state = self
            .passkey_ceremonies
            .sign_ins
            .take(challenge, passkey::owner_of(browser))
            .map_err(|p| (None, p))?;
        let id = passkey::credential_id_of(&authentication);
        let stored = self
            .store
            .read(move |conn| -> Result<_, ServiceError> {
                Ok(store_passkeys::by_credential_id(conn, &id)?)
            })
            .await
            .map_err(|e| (None, PasskeyProblem::Stored(e.to_string())))?
            .ok_or((None, PasskeyProblem::Unknown))?;
        let after = passkey::verify_assertion(
            rp,
            Assertion::SignIn(state, &authentication),
            stored_passkey(&stored),
        )
        .map_err(|p| (Some(stored.account), p))?;
        Ok((stored, after))
    }

    /// Starts the passkey step after the password: options naming the account's passkeys.
    pub async fn start_passkey_second_factor(
        &self,
        pending: &PendingSession,
        ctx: RequestContext,
    ) -> Result<String, PasskeyError> {
        if pending.step != SignInStep::SecondFactor {
            return Err(PasskeyError::Refused);
        }
        let rp = self.relying_party().ok_or(PasskeyError::Unavailable)?;
        self.take_ceremony_allowance(ctx)?;
        let account = pending.account;
        let credentials = self
            .store
            .read(move |conn| -> Result<_, ServiceError> {
                Ok(store_passkeys::credential_ids(conn, account)?)
            })
            .await?;
        let (state, options) = passkey::second_factor_options(&rp, &credentials)
            .map_err(|problem| self.refused(account, "passkey second factor", &problem))?;
        self.passkey_ceremonies
            .second_factors
            .insert(state, pending_owner(pending));
        Ok(options)
    }

    /// The passkey step after the password: one of the account's own passkeys must answer
    /// the challenge given to this half-finished sign-in. Failures count like wrong codes.
    pub async fn passkey_second_factor(
        &self,
        pending: &PendingSession,
        ctx: RequestContext,
        answer: &str,
    ) -> Result<IssuedSession, SecondFactorError> {
        if pending.step != SignInStep::SecondFactor {
            return Err(SecondFactorError::Expired);
        }
        let rp = self.relying_party().ok_or(SecondFactorError::WrongCode)?;
        let account = pending.account;
        let codes = second_factor_subject(account);
        let (user, addr) = throttle_subjects(&pending.username, ctx);
        let subjects = [user.clone(), codes.clone()]
            .into_iter()
            .chain(addr.clone())
            .collect();
        self.check_throttle(subjects, ctx).await?;
        let checked = self.check_second_factor(&rp, pending, answer).await;
        let (stored, after) = match checked {
            Ok(found) => found,
            Err(problem) => {
                let event = self.passkey_event(
                    account,
                    "account",
                    AuditAction::LoginFailed,
                    ctx,
                    format!("passkey: {problem}"),
                );
                self.audit.record(event, None).await;
                self.record_failure(codes, addr).await?;
                return Err(SecondFactorError::WrongCode);
            }
        };
        let now = self.clock.now();
        let key = stored.key;
        let before = stored.dynamic_state;
        let fresh = self
            .store
            .write(move |tx| -> Result<bool, ServiceError> {
                let fresh = store_passkeys::record_use(tx, key, &before, &after, now)?;
                if fresh {
                    throttle::clear(tx, &user)?;
                    throttle::clear(tx, &codes)?;
                }
                Ok(fresh)
            })
            .await?;
        if !fresh {
            let event = self.passkey_event(
                account,
                "account",
                AuditAction::LoginFailed,
                ctx,
                RACED.to_owned(),
            );
            self.audit.record(event, None).await;
            return Err(SecondFactorError::WrongCode);
        }
        Ok(self.advance(pending, ctx, "password+passkey").await?)
    }

    async fn check_second_factor(
        &self,
        rp: &RelyingParty,
        pending: &PendingSession,
        answer: &str,
    ) -> Result<(StoredCredential, Vec<u8>), PasskeyProblem> {
        let (authentication, challenge) = passkey::read_second_factor(answer.as_bytes())?;
        let state = self
            .passkey_ceremonies
            .second_factors
            .take(challenge, pending_owner(pending))?;
        let id = passkey::second_factor_credential_id(&authentication);
        let stored = self
            .store
            .read(move |conn| -> Result<_, ServiceError> {
                Ok(store_passkeys::by_credential_id(conn, &id)?)
            })
            .await
            .map_err(|e| PasskeyProblem::Stored(e.to_string()))?
            .ok_or(PasskeyProblem::Unknown)?;
        // Another account's passkey never completes this account's sign-in.
        if !access::uses_passkey(pending.account, stored.account) {
            return Err(PasskeyProblem::Ceremony(
                "another account's passkey".to_owned(),
            ));
        }
        let after = passkey::verify_assertion(
            rp,
            Assertion::SecondFactor(state, &authentication),
            stored_passkey(&stored),
        )?;
        Ok((stored, after))
    }

    /// Whether to offer the signed-in employee a passkey (SPEC.md Part 2, "Accounts"): it has
    /// none, did not say "not now", and the portal's address can have them.
    pub async fn passkey_offer(&self, session: &CurrentSession) -> Result<bool, ServiceError> {
        if session.role != Role::Employee || self.relying_party().is_none() {
            return Ok(false);
        }
        let account = session.account;
        self.store
            .read(move |conn| -> Result<bool, ServiceError> {
                Ok(!store_passkeys::offer_dismissed(conn, account)?
                    && !store_passkeys::any(conn, account)?)
            })
            .await
    }

    /// Remembers that the employee does not want the passkey offer.
    pub async fn dismiss_passkey_offer(
        &self,
        session: &CurrentSession,
    ) -> Result<(), ServiceError> {
        let account = session.account;
        let now = self.clock.now();
        self.store
            .write(move |tx| -> Result<(), ServiceError> {
                Ok(store_passkeys::dismiss_offer(tx, account, now)?)
            })
            .await
    }

    /// Ceremonies an address may start a minute ([`CEREMONIES_PER_MINUTE`]): the waiting list
    /// is shared, so no one address may crowd others out of it.
    fn take_ceremony_allowance(&self, ctx: RequestContext) -> Result<(), PasskeyError> {
        self.passkey_allowance
            .take(ctx.client_addr, self.clock.now())
            .map_err(|retry_after_secs| ServiceError::Throttled { retry_after_secs }.into())
    }

    /// Logs a ceremony that could not start or finish, and says "refused".
    fn refused(&self, account: AccountKey, what: &str, problem: &PasskeyProblem) -> PasskeyError {
        tracing::warn!(account = account.0, %problem, "{what} refused");
        PasskeyError::Refused
    }
}

/// Whose passkey a registration makes, how the audit names it, and who may finish it.
struct Registrant {
    account: AccountKey,
    actor: &'static str,
    owner: [u8; 32],
}

/// Registrations are bound to the session that asked (and gave the password).
fn registration_owner(session: &CurrentSession) -> [u8; 32] {
    // The row id with the session's random form token: a row id alone may come again.
    passkey::owner_of(&format!("session:{}:{}", session.key, session.csrf_token))
}

/// Second-factor ceremonies are bound to the half-finished sign-in.
fn pending_owner(pending: &PendingSession) -> [u8; 32] {
    passkey::owner_of(&format!("pending:{}:{}", pending.key, pending.csrf_token))
}

fn stored_passkey(stored: &StoredCredential) -> StoredPasskey<'_> {
    StoredPasskey {
        credential_id: &stored.credential_id,
        user_handle: &stored.user_handle,
        static_state: &stored.static_state,
        dynamic_state: &stored.dynamic_state,
    }
}
