//! Signing in and out, and finding the signed-in account behind a session cookie. Sessions are
//! server-side: the cookie holds a random id, the database only its hash.

use chrono::{DateTime, Duration, Utc};

use super::files::{RequestContext, actor_label};
use super::throttle::throttle_subjects;
use super::who::account_facts;
use super::{ServiceError, Services};
use crate::auth::{password, token};
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::party::{Account, AccountParty, AccountStatus, Role, Username};
use crate::domain::{AccountKey, Actor};
use crate::store::accounts as store_accounts;
use crate::store::sessions::{self, NewSession, Stage};
use crate::store::{StoreError, throttle, two_factor};

/// A session only costs a write when its last recorded activity is older than this.
const TOUCH_EVERY: Duration = Duration::seconds(60);

/// How long sessions live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLimits {
    /// Signed out after this long without a request.
    pub idle: Duration,
    /// Signed out after this long, whatever the activity.
    pub absolute: Duration,
}

impl Default for SessionLimits {
    fn default() -> Self {
        Self {
            idle: Duration::minutes(15),
            absolute: Duration::hours(8),
        }
    }
}

/// What comes after a right password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInStep {
    /// Signed in.
    Complete,
    /// A second factor is still needed: a code from the authenticator app, a passkey, or a
    /// recovery code.
    SecondFactor,
    /// The role must use a second factor and has none yet: set it up first.
    Enroll,
}

/// A new session for the client to keep: `id` goes into the cookie, never into a log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedSession {
    pub id: String,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
    pub step: SignInStep,
}

/// One line of the Profiel session list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionLine {
    pub id: String,
    pub current: bool,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub client_addr: Option<String>,
    pub user_agent: Option<String>,
}

/// A session halfway through signing in (password right, second factor to come).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingSession {
    pub account: AccountKey,
    pub username: String,
    pub step: SignInStep,
    pub csrf_token: String,
    /// The account has passkeys: the code step offers them first.
    pub has_passkeys: bool,
    /// The account has an authenticator app (the code step asks for its code).
    pub has_app: bool,
    pub(super) key: i64,
}

/// The signed-in account behind a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentSession {
    pub actor: Actor,
    pub account: AccountKey,
    pub username: String,
    pub role: Role,
    /// The name shown top right ("Active BV", "Bakker, N", a staff member's name).
    pub display_name: String,
    /// "nl" or "en", as chosen on Profiel.
    pub language: String,
    /// Bureaus and employers that run their own payroll keep backups here (the menu shows
    /// Backups).
    pub keeps_backups: bool,
    /// An employee not yet asked whether it wants electronic or paper payslips: its pages
    /// ask that first (SPEC.md Part 2, "Privacy and consent").
    pub asks_payslip_delivery: bool,
    pub csrf_token: String,
    pub(super) key: i64,
}

impl Services {
    /// Checks a username and password; on success starts a new session. The answer never
    /// says whether the username exists, and costs the same either way.
    pub async fn sign_in(
        &self,
        context: RequestContext,
        username: &str,
        password: &str,
        user_agent: Option<&str>,
    ) -> Result<IssuedSession, ServiceError> {
        let (user_subject, addr_subject) = throttle_subjects(username, context);
        let subjects = std::iter::once(user_subject.clone())
            .chain(addr_subject.clone())
            .collect();
        self.check_throttle(subjects, context).await?;
        let account = match Username::parse(username) {
            Ok(name) => {
                self.store
                    .read(move |conn| -> Result<_, ServiceError> {
                        let Some(account) = store_accounts::account_by_username(conn, &name)?
                        else {
                            return Ok(None);
                        };
                        let hash = store_accounts::password_hash(conn, account.key)?;
                        Ok(Some((account, hash)))
                    })
                    .await?
            }
            Err(_) => None,
        };
        let stored_hash = account.as_ref().and_then(|(_, hash)| hash.clone());
        let hash = stored_hash.as_deref();
        let matched = if password.chars().count() > password::MAX_CHARS {
            false
        } else {
            self.passwords
                .verify(password, hash)
                .await
                .map_err(|_| ServiceError::Busy)?
        };
        let now = self.clock.now();
        let client_addr = context.client_addr.map(|a| a.to_string());
        let Some(account) = account.filter(|_| matched) else {
            let event = AuditEvent {
                at: now,
                account: None,
                actor: "anonymous".to_owned(),
                action: AuditAction::LoginFailed,
                subject: None,
                client_addr,
                detail: Some("password".to_owned()),
            };
            self.audit.record(event, None).await;
            self.record_failure(user_subject, addr_subject).await?;
            return Err(ServiceError::SignInFailed);
        };
        let (account, _) = account;
        if account.status == AccountStatus::Disabled {
            // Said only to whoever knows the password: the account exists but is turned off.
            let event = AuditEvent {
                at: now,
                account: Some(account.key),
                actor: role_of(&account).to_owned(),
                action: AuditAction::LoginFailed,
                subject: None,
                client_addr,
                detail: Some("disabled".to_owned()),
            };
            self.audit.record(event, None).await;
            return Err(ServiceError::AccountDisabled);
        }
        let account_key = account.key;
        let has_second_factor = self
            .store
            .read(move |conn| -> Result<_, ServiceError> {
                Ok(two_factor::state(conn, account_key)?.has_second_factor())
            })
            .await?;
        let step = if has_second_factor {
            SignInStep::SecondFactor
        } else if self.settings.require_2fa.contains(&account.party.role()) {
            SignInStep::Enroll
        } else {
            SignInStep::Complete
        };
        let account = (account, stored_hash);
        // A raised hashing cost applies from the next successful sign-in on.
        let rehash = match account.1.as_deref() {
            Some(stored) if self.passwords.cost().exceeds(stored) => Some(
                self.passwords
                    .hash(password)
                    .await
                    .map_err(|_| ServiceError::Busy)?,
            ),
            _ => None,
        };
        let key = account.0.key;
        let opening = Opening {
            account: key,
            role: role_of(&account.0),
            step,
            factors: "password",
            client_addr,
            user_agent,
        };
        self.open_session(opening, move |tx| {
            throttle::clear(tx, &user_subject)?;
            if let Some(hash) = &rehash {
                store_accounts::set_password_hash(tx, key, hash, now)?;
            }
            Ok(())
        })
        .await
    }

    /// Starts a session at `opening.step` and, in the same transaction, does `also` (clearing
    /// a throttle, storing a rehashed password). A complete sign-in is recorded and audited
    /// with the factors used; a half one only after its last factor.
    pub(super) async fn open_session<F>(
        &self,
        opening: Opening<'_>,
        also: F,
    ) -> Result<IssuedSession, ServiceError>
    where
        F: FnOnce(&crate::store::Transaction<'_>) -> Result<(), StoreError> + Send + 'static,
    {
        let now = self.clock.now();
        let issued = IssuedSession {
            id: token::generate(),
            csrf_token: token::generate(),
            expires_at: now + self.settings.sessions.absolute,
            step: opening.step,
        };
        let stage = match opening.step {
            SignInStep::Complete => Stage::Complete,
            SignInStep::SecondFactor => Stage::Password,
            SignInStep::Enroll => Stage::Enroll,
        };
        let hash = token::digest(&issued.id);
        let csrf = issued.csrf_token.clone();
        let agent = opening
            .user_agent
            .map(|a| a.chars().take(200).collect::<String>());
        let key = opening.account;
        let role = opening.role;
        let factors = opening.factors.to_owned();
        let client_addr = opening.client_addr;
        let expires_at = issued.expires_at;
        self.store
            .write(move |tx| -> Result<(), ServiceError> {
                also(tx)?;
                sessions::insert(
                    tx,
                    &NewSession {
                        token_hash: &hash,
                        account: key,
                        stage,
                        csrf_token: &csrf,
                        now,
                        expires_at,
                        client_addr: client_addr.as_deref(),
                        user_agent: agent.as_deref(),
                    },
                )?;
                // The sign-in is complete (and audited as such) only after every factor.
                if stage == Stage::Complete {
                    store_accounts::record_login(tx, key, now)?;
                    crate::store::audit::append(
                        tx,
                        &[AuditEvent {
                            at: now,
                            account: Some(key),
                            actor: role.to_owned(),
                            action: AuditAction::Login,
                            subject: None,
                            client_addr,
                            detail: Some(factors),
                        }],
                    )?;
                }
                Ok(())
            })
            .await?;
        Ok(issued)
    }

    /// The signed-in account for a session cookie's value, if the session is alive. Expired
    /// sessions are removed on sight.
    pub async fn session(&self, id: &str) -> Result<Option<CurrentSession>, ServiceError> {
        if !token::well_formed(id) {
            return Ok(None);
        }
        let hash = token::digest(id);
        // One lookup on this thread: the session row and who its account is.
        let Some((row, facts)) = self
            .store
            .read_now(move |conn| -> Result<_, ServiceError> {
                let Some(row) = sessions::by_token_hash(conn, &hash)? else {
                    return Ok(None);
                };
                let facts = account_facts(conn, row.account)?;
                Ok(Some((row, facts)))
            })
            .await?
        else {
            return Ok(None);
        };
        let now = self.clock.now();
        let limits = self.settings.sessions;
        let expired = now >= row.expires_at || now - row.last_seen_at >= limits.idle;
        if expired || row.stage != Stage::Complete {
            if expired {
                let key = row.key;
                self.store
                    .write(move |tx| -> Result<_, StoreError> { sessions::delete(tx, key) })
                    .await?;
            }
            return Ok(None);
        }
        // The account or its party is gone: the session ends with it.
        let Some(facts) = facts else {
            return Ok(None);
        };
        if now - row.last_seen_at >= TOUCH_EVERY {
            let key = row.key;
            self.store
                .write(move |tx| -> Result<_, StoreError> { sessions::touch(tx, key, now) })
                .await?;
        }
        let role = match facts.actor {
            Actor::Bureau { .. } | Actor::System => Role::Bureau,
            Actor::Employer { .. } => Role::Employer,
            Actor::Employee { .. } => Role::Employee,
        };
        Ok(Some(CurrentSession {
            actor: facts.actor,
            account: row.account,
            username: facts.username,
            role,
            display_name: facts.display_name,
            language: facts.language,
            keeps_backups: facts.keeps_backups,
            asks_payslip_delivery: facts.asks_payslip_delivery,
            csrf_token: row.csrf_token,
            key: row.key,
        }))
    }

    /// A session halfway through signing in, for the code and set-up pages.
    pub async fn pending_session(&self, id: &str) -> Result<Option<PendingSession>, ServiceError> {
        if !token::well_formed(id) {
            return Ok(None);
        }
        let hash = token::digest(id);
        let now = self.clock.now();
        let idle = self.settings.sessions.idle;
        self.store
            .read(move |conn| -> Result<_, ServiceError> {
                let Some(row) = sessions::by_token_hash(conn, &hash)? else {
                    return Ok(None);
                };
                let step = match row.stage {
                    Stage::Password => SignInStep::SecondFactor,
                    Stage::Enroll => SignInStep::Enroll,
                    Stage::Complete => return Ok(None),
                };
                if now >= row.expires_at || now - row.last_seen_at >= idle {
                    return Ok(None);
                }
                let Some(account) = store_accounts::account(conn, row.account)? else {
                    return Ok(None);
                };
                Ok(Some(PendingSession {
                    account: row.account,
                    username: account.username,
                    step,
                    csrf_token: row.csrf_token,
                    has_passkeys: crate::store::passkeys::any(conn, row.account)?,
                    has_app: two_factor::state(conn, row.account)?.secret.is_some(),
                    key: row.key,
                }))
            })
            .await
    }

    /// Stops a sign-in halfway (at the code step or while setting up an app): its session is
    /// deleted, so the cookie opens nothing any more. Nobody was signed in, so nothing is
    /// audited as a sign-out.
    pub async fn cancel_sign_in(&self, pending: &PendingSession) -> Result<(), ServiceError> {
        let key = pending.key;
        self.store
            .write(move |tx| -> Result<(), ServiceError> {
                sessions::delete(tx, key)?;
                Ok(())
            })
            .await
    }

    /// The account's sessions for the Profiel list, this one marked.
    pub async fn sessions_of(
        &self,
        session: &CurrentSession,
    ) -> Result<Vec<SessionLine>, ServiceError> {
        let account = session.account;
        let current = session.key;
        let rows = self
            .store
            .read(move |conn| -> Result<_, ServiceError> {
                Ok(sessions::for_account(conn, account)?)
            })
            .await?;
        Ok(rows
            .into_iter()
            .filter(|r| r.stage == Stage::Complete)
            .map(|r| SessionLine {
                current: r.key == current,
                id: r.public_id,
                created_at: r.created_at,
                last_seen_at: r.last_seen_at,
                client_addr: r.client_addr,
                user_agent: r.user_agent,
            })
            .collect())
    }

    /// Ends one of the account's own sessions (from the Profiel list).
    pub async fn revoke_session(
        &self,
        session: &CurrentSession,
        context: RequestContext,
        id: &str,
    ) -> Result<(), ServiceError> {
        let account = session.account;
        let id = id.to_owned();
        let now = self.clock.now();
        let actor = actor_label(session.actor).to_owned();
        self.store
            .write(move |tx| -> Result<(), ServiceError> {
                if !sessions::delete_by_public_id(tx, account, &id)? {
                    return Err(ServiceError::NotFound);
                }
                crate::store::audit::append(
                    tx,
                    &[AuditEvent {
                        at: now,
                        account: Some(account),
                        actor,
                        action: AuditAction::SessionRevoked,
                        subject: Some(id),
                        client_addr: context.client_addr.map(|a| a.to_string()),
                        detail: None,
                    }],
                )?;
                Ok(())
            })
            .await
    }

    /// Ends a session on the server; the cookie is worthless afterwards.
    pub async fn sign_out(
        &self,
        context: RequestContext,
        session: &CurrentSession,
    ) -> Result<(), ServiceError> {
        let key = session.key;
        let account = session.account;
        let now = self.clock.now();
        let actor = session.actor;
        self.store
            .write(move |tx| -> Result<(), ServiceError> {
                sessions::delete(tx, key)?;
                crate::store::audit::append(
                    tx,
                    &[AuditEvent {
                        at: now,
                        account: Some(account),
                        actor: actor_label(actor).to_owned(),
                        action: AuditAction::Logout,
                        subject: None,
                        client_addr: context.client_addr.map(|a| a.to_string()),
                        detail: None,
                    }],
                )?;
                Ok(())
            })
            .await
    }
}

/// What a new session is for: whose, how far signing in has come, and with what.
pub(super) struct Opening<'a> {
    pub account: AccountKey,
    /// "bureau", "employer" or "employee" (the audit line's actor).
    pub role: &'static str,
    pub step: SignInStep,
    /// The factors given, for the audit line ("password", "passkey").
    pub factors: &'static str,
    pub client_addr: Option<String>,
    pub user_agent: Option<&'a str>,
}

pub(super) fn role_of(account: &Account) -> &'static str {
    match account.party {
        AccountParty::Bureau(_) => "bureau",
        AccountParty::Employer(_) => "employer",
        AccountParty::Employee(_) => "employee",
    }
}
