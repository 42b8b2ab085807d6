//! Signing in and out, and finding the signed-in account behind a session cookie. Sessions are
//! server-side: the cookie holds a random id, the database only its hash.

use chrono::{DateTime, Duration, Utc};

use super::files::{RequestContext, actor_label};
use super::{ServiceError, Services};
use crate::auth::{password, token};
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::party::{Account, AccountParty, Username};
use crate::domain::{AccountKey, Actor};
use crate::store::sessions::{self, NewSession, Stage};
use crate::store::{StoreError, parties};

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

/// A new session for the client to keep: `id` goes into the cookie, never into a log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedSession {
    pub id: String,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

/// The signed-in account behind a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentSession {
    pub actor: Actor,
    pub account: AccountKey,
    /// The name shown top right ("Active BV", "Bakker, N", a staff member's name).
    pub display_name: String,
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
        let account = match Username::parse(username) {
            Ok(name) => {
                self.store
                    .read(move |conn| -> Result<_, ServiceError> {
                        let Some(account) = parties::account_by_username(conn, &name)? else {
                            return Ok(None);
                        };
                        let hash = parties::password_hash(conn, account.key)?;
                        Ok(Some((account, hash)))
                    })
                    .await?
            }
            Err(_) => None,
        };
        let hash = account.as_ref().and_then(|(_, hash)| hash.as_deref());
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
        let Some((account, _)) = account.filter(|_| matched) else {
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
            return Err(ServiceError::SignInFailed);
        };
        let issued = IssuedSession {
            id: token::generate(),
            csrf_token: token::generate(),
            expires_at: now + self.settings.sessions.absolute,
        };
        let hash = token::digest(&issued.id);
        let csrf = issued.csrf_token.clone();
        let agent = user_agent.map(|a| a.chars().take(200).collect::<String>());
        let key = account.key;
        let expires_at = issued.expires_at;
        self.store
            .write(move |tx| -> Result<(), ServiceError> {
                sessions::insert(
                    tx,
                    &NewSession {
                        token_hash: &hash,
                        account: key,
                        stage: Stage::Complete,
                        csrf_token: &csrf,
                        now,
                        expires_at,
                        client_addr: client_addr.as_deref(),
                        user_agent: agent.as_deref(),
                    },
                )?;
                crate::store::audit::append(
                    tx,
                    &[AuditEvent {
                        at: now,
                        account: Some(key),
                        actor: role_of(&account).to_owned(),
                        action: AuditAction::Login,
                        subject: None,
                        client_addr,
                        detail: Some("password".to_owned()),
                    }],
                )?;
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
        let Some(row) = self
            .store
            .read(move |conn| -> Result<_, ServiceError> {
                Ok(sessions::by_token_hash(conn, &hash)?)
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
        if now - row.last_seen_at >= TOUCH_EVERY {
            let key = row.key;
            self.store
                .write(move |tx| -> Result<_, StoreError> { sessions::touch(tx, key, now) })
                .await?;
        }
        let actor = match self.actor_for_account(row.account).await {
            Ok(actor) => actor,
            Err(ServiceError::NotFound) => return Ok(None),
            Err(e) => return Err(e),
        };
        let display_name = self.display_name(row.account).await?;
        Ok(Some(CurrentSession {
            actor,
            account: row.account,
            display_name,
            csrf_token: row.csrf_token,
            key: row.key,
        }))
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

    /// The name an account is shown by.
    async fn display_name(&self, account: AccountKey) -> Result<String, ServiceError> {
        self.store
            .read(move |conn| -> Result<String, ServiceError> {
                let Some(found) = parties::account(conn, account)? else {
                    return Ok(String::new());
                };
                Ok(match found.party {
                    AccountParty::Bureau(_) => found.staff_name.unwrap_or(found.username),
                    AccountParty::Employer(r) => parties::employer(conn, r)?
                        .map(|r| r.data.name)
                        .unwrap_or_default(),
                    AccountParty::Employee(e) => parties::employee(conn, e)?
                        .map(|e| e.data.name)
                        .unwrap_or_default(),
                })
            })
            .await
    }
}

fn role_of(account: &Account) -> &'static str {
    match account.party {
        AccountParty::Bureau(_) => "bureau",
        AccountParty::Employer(_) => "employer",
        AccountParty::Employee(_) => "employee",
    }
}
