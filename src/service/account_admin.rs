//! The administrator's account commands (SPEC.md Part 2, "Accounts"): list accounts, turn one
//! off and on again, remove one. Each change ends the account's sessions where it takes access
//! away and is audited under "system".

use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::party::Username;
use crate::store::accounts::{self as store_accounts, AccountFilter, AccountLine};
use crate::store::audit;

use super::{ServiceError, Services};

/// What `user disable`, `enable` and `remove` do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountChange {
    Disable,
    Enable,
    Remove,
}

impl Services {
    /// Every account not removed that matches `filter`, by role and username.
    pub async fn account_list(
        &self,
        filter: AccountFilter,
    ) -> Result<Vec<AccountLine>, ServiceError> {
        self.store
            .read(move |conn| -> Result<_, ServiceError> {
                Ok(store_accounts::list(conn, &filter)?)
            })
            .await
    }

    /// Disables, enables or removes the account `username`. Disabling and removing end its
    /// sessions at once; a disabled account's right password is answered with "this account is
    /// disabled". `NotFound` for an unknown username; `Ok(false)` when it already was so.
    pub async fn change_account(
        &self,
        username: &str,
        change: AccountChange,
    ) -> Result<bool, ServiceError> {
        let username =
            Username::parse(username).map_err(|e| ServiceError::invalid("username", e.0))?;
        let now = self.clock.now();
        self.store
            .write(move |tx| -> Result<bool, ServiceError> {
                let account = store_accounts::account_by_username(tx, &username)?
                    .ok_or(ServiceError::NotFound)?;
                let (changed, action) = match change {
                    AccountChange::Disable => (
                        store_accounts::set_disabled(tx, account.key, Some(now))?,
                        AuditAction::AccountDisabled,
                    ),
                    AccountChange::Enable => (
                        store_accounts::set_disabled(tx, account.key, None)?,
                        AuditAction::AccountEnabled,
                    ),
                    AccountChange::Remove => (
                        store_accounts::remove(tx, account.key, now)?,
                        AuditAction::AccountRemoved,
                    ),
                };
                if changed {
                    audit::append(
                        tx,
                        &[AuditEvent {
                            at: now,
                            account: Some(account.key),
                            actor: "system".to_owned(),
                            action,
                            subject: Some(account.public_id.to_string()),
                            client_addr: None,
                            detail: Some("by the administrator".to_owned()),
                        }],
                    )?;
                }
                Ok(changed)
            })
            .await
    }
}
