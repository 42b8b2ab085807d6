//! Second-factor state of accounts: the sealed TOTP secret (pending and confirmed), the last
//! accepted time step, and the hashed recovery codes.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction};

use super::StoreError;
use super::time::to_db;
use crate::domain::AccountKey;

/// What the database holds about an account's second factor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TwoFactorState {
    /// The sealed secret in use, once confirmed.
    pub secret: Option<String>,
    /// A sealed secret shown for enrolment, not yet confirmed.
    pub pending: Option<String>,
    pub last_step: Option<u64>,
    pub unused_recovery_codes: u32,
    /// Whether the account has a passkey (a second factor too).
    pub passkeys: bool,
}

impl TwoFactorState {
    /// Whether a password alone does not sign in: an authenticator app or a passkey is set up.
    pub fn has_second_factor(&self) -> bool {
        self.secret.is_some() || self.passkeys
    }
}

pub fn state(conn: &Connection, account: AccountKey) -> Result<TwoFactorState, StoreError> {
    Ok(conn
        .prepare_cached("SELECT totp_secret, totp_pending, totp_last_step, \
                 (SELECT count(*) FROM recovery_codes r WHERE r.account_id = a.id AND r.used_at IS NULL), \
                 EXISTS (SELECT 1 FROM passkeys p WHERE p.account_id = a.id) \
             FROM accounts a WHERE a.id = ?1")?
        .query_row([account.0], |row| {
                Ok(TwoFactorState {
                    secret: row.get(0)?,
                    pending: row.get(1)?,
                    last_step: row.get::<_, Option<i64>>(2)?.and_then(|s| u64::try_from(s).ok()),
                    unused_recovery_codes: row.get(3)?,
                    passkeys: row.get(4)?,
                })
            })
        .optional()?
        .unwrap_or_default())
}

pub fn set_pending(
    tx: &Transaction<'_>,
    account: AccountKey,
    sealed: &str,
) -> Result<(), StoreError> {
    tx.prepare_cached("UPDATE accounts SET totp_pending = ?2 WHERE id = ?1")?
        .execute((account.0, sealed))?;
    Ok(())
}

/// Makes the pending secret the one in use, remembering the step of the confirming code.
pub fn confirm(
    tx: &Transaction<'_>,
    account: AccountKey,
    step: u64,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    Ok(tx
        .prepare_cached(
            "UPDATE accounts SET totp_secret = totp_pending, totp_pending = NULL, \
             totp_last_step = ?2, totp_enabled_at = ?3 \
         WHERE id = ?1 AND totp_pending IS NOT NULL",
        )?
        .execute((
            account.0,
            i64::try_from(step).unwrap_or(i64::MAX),
            to_db(now),
        ))?
        == 1)
}

/// Records that a code of `step` was used; false if that step (or a later one) was used
/// already — a replay, even when two requests race.
pub fn use_step(tx: &Transaction<'_>, account: AccountKey, step: u64) -> Result<bool, StoreError> {
    Ok(tx
        .prepare_cached(
            "UPDATE accounts SET totp_last_step = ?2 \
         WHERE id = ?1 AND (totp_last_step IS NULL OR totp_last_step < ?2)",
        )?
        .execute((account.0, i64::try_from(step).unwrap_or(i64::MAX)))?
        == 1)
}

/// Replaces all recovery codes with new ones (given as digests).
pub fn replace_recovery_codes(
    tx: &Transaction<'_>,
    account: AccountKey,
    digests: &[String],
) -> Result<(), StoreError> {
    tx.prepare_cached("DELETE FROM recovery_codes WHERE account_id = ?1")?
        .execute([account.0])?;
    for digest in digests {
        tx.prepare_cached("INSERT INTO recovery_codes (account_id, code_hash) VALUES (?1, ?2)")?
            .execute((account.0, digest))?;
    }
    Ok(())
}

/// Uses a recovery code; false if it is unknown or used.
pub fn use_recovery_code(
    tx: &Transaction<'_>,
    account: AccountKey,
    digest: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    Ok(tx
        .prepare_cached(
            "UPDATE recovery_codes SET used_at = ?3 \
         WHERE account_id = ?1 AND code_hash = ?2 AND used_at IS NULL",
        )?
        .execute((account.0, digest, to_db(now)))?
        == 1)
}

/// Removes every second factor (authenticator app, recovery codes, passkeys): an
/// administrator's reset.
pub fn reset(tx: &Transaction<'_>, account: AccountKey) -> Result<(), StoreError> {
    tx.prepare_cached(
        "UPDATE accounts SET totp_secret = NULL, totp_pending = NULL, totp_last_step = NULL, \
             totp_enabled_at = NULL WHERE id = ?1",
    )?
    .execute([account.0])?;
    tx.prepare_cached("DELETE FROM recovery_codes WHERE account_id = ?1")?
        .execute([account.0])?;
    super::passkeys::remove_all(tx, account)?;
    Ok(())
}
