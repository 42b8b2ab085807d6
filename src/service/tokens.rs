//! Sync API tokens: made by the administrator for a bureau or a self-administering employer,
//! shown once, stored as SHA-256, listed and revoked; and finding the client behind one.

use chrono::Duration;

use super::sync::{ApiClient, TOKEN_PREFIX};
use super::{ServiceError, Services};
use crate::auth::token;
use crate::domain::access::TokenScope;
use crate::domain::{Lhn, PublicId};
use crate::store::api_tokens::{self, TokenRow};
use crate::store::parties;

/// Touching `last_used_at` costs a write at most this often per token.
const TOUCH_EVERY: Duration = Duration::seconds(60);

/// Who a new token is for, as the administrator names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenFor {
    Bureau { client_number: String },
    Employer { lhn: String },
}

/// A created token: the secret is shown once and never again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedToken {
    pub id: String,
    pub secret: String,
}

impl Services {
    /// Creates a token (`loondossier token create`).
    pub async fn create_token(
        &self,
        target: TokenFor,
        label: &str,
    ) -> Result<CreatedToken, ServiceError> {
        let secret = format!("{TOKEN_PREFIX}{}{}", token::generate(), token::generate());
        let hash = token::digest(&secret);
        let id = PublicId::random().to_string();
        let label = label.trim().to_owned();
        let now = self.clock.now();
        let token_id = id.clone();
        self.store
            .write(move |tx| -> Result<(), ServiceError> {
                let scope = match target {
                    TokenFor::Bureau { client_number } => {
                        let bureau = parties::bureau_by_client_number(tx, client_number.trim())?
                            .ok_or_else(|| ServiceError::invalid("bureau", "no bureau has this client number"))?;
                        TokenScope::Bureau(bureau.key)
                    }
                    TokenFor::Employer { lhn } => {
                        let lhn = Lhn::parse(&lhn).map_err(|e| ServiceError::invalid("employer", e.0))?;
                        if parties::lhn_run_by_a_bureau(tx, &lhn)? {
                            return Err(ServiceError::invalid(
                                "employer",
                                "this employer's payroll is run by a bureau; give the bureau a token instead",
                            ));
                        }
                        TokenScope::Employer(lhn)
                    }
                };
                api_tokens::insert(tx, &token_id, &hash, &label, &scope, now)?;
                Ok(())
            })
            .await?;
        Ok(CreatedToken { id, secret })
    }

    pub async fn list_tokens(&self) -> Result<Vec<TokenRow>, ServiceError> {
        self.store
            .read(|conn| -> Result<_, ServiceError> { Ok(api_tokens::all(conn)?) })
            .await
    }

    pub async fn revoke_token(&self, id: &str) -> Result<(), ServiceError> {
        let id = id.trim().to_owned();
        let now = self.clock.now();
        self.store
            .write(move |tx| -> Result<(), ServiceError> {
                if api_tokens::revoke(tx, &id, now)? {
                    Ok(())
                } else {
                    Err(ServiceError::NotFound)
                }
            })
            .await
    }

    /// The client behind a bearer token, if the token is live.
    pub async fn api_client(&self, secret: &str) -> Result<Option<ApiClient>, ServiceError> {
        let Some(rest) = secret.strip_prefix(TOKEN_PREFIX) else {
            return Ok(None);
        };
        if rest.len() != 64 || !rest.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Ok(None);
        }
        let hash = token::digest(secret);
        let Some(row) = self
            .store
            .read(move |conn| -> Result<_, ServiceError> {
                Ok(api_tokens::active_by_hash(conn, &hash)?)
            })
            .await?
        else {
            return Ok(None);
        };
        let now = self.clock.now();
        if row
            .last_used_at
            .is_none_or(|used| now - used >= TOUCH_EVERY)
        {
            let key = row.key;
            self.store
                .write(move |tx| -> Result<(), ServiceError> {
                    Ok(api_tokens::touch(tx, key, now)?)
                })
                .await?;
        }
        Ok(Some(ApiClient {
            token: row.key,
            scope: row.scope,
            name: row.label,
        }))
    }
}
