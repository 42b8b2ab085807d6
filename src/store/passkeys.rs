//! Passkeys of accounts (WebAuthn credentials): the public key and counter state to check a
//! sign-in against, the name and dates Profiel lists, and each account's user handle.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction};

use super::StoreError;
use super::time::{from_db, to_db};
use crate::domain::{AccountKey, PublicId};

/// A passkey as Profiel lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasskeyLine {
    pub id: PublicId,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// What a sign-in is checked against: the stored credential and the account it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCredential {
    pub key: i64,
    pub account: AccountKey,
    pub credential_id: Vec<u8>,
    /// webauthn_rp's encoding of the public key (`StaticState`).
    pub static_state: Vec<u8>,
    /// webauthn_rp's encoding of the counter and flags (`DynamicState`).
    pub dynamic_state: Vec<u8>,
    /// The account's user handle (the same for all its passkeys).
    pub user_handle: Vec<u8>,
}

/// A credential to add (after the registration ceremony verified it).
#[derive(Debug)]
pub struct NewPasskey<'a> {
    pub account: AccountKey,
    pub credential_id: &'a [u8],
    pub static_state: &'a [u8],
    pub dynamic_state: &'a [u8],
    pub transports: u8,
    pub name: &'a str,
    pub now: DateTime<Utc>,
}

/// The account's user handle, if it has one (made with its first passkey).
pub fn user_handle(conn: &Connection, account: AccountKey) -> Result<Option<Vec<u8>>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT passkey_user_handle FROM accounts WHERE id = ?1")?
        .query_row([account.0], |row| row.get::<_, Option<Vec<u8>>>(0))
        .optional()?
        .flatten())
}

/// Gives the account `handle` unless it has one already; returns the one it has now.
pub fn ensure_user_handle(
    tx: &Transaction<'_>,
    account: AccountKey,
    handle: &[u8],
) -> Result<Vec<u8>, StoreError> {
    tx.prepare_cached(
        "UPDATE accounts SET passkey_user_handle = ?2 \
         WHERE id = ?1 AND passkey_user_handle IS NULL",
    )?
    .execute((account.0, handle))?;
    Ok(user_handle(tx, account)?.unwrap_or_default())
}

/// The account's passkeys, oldest first.
pub fn of_account(conn: &Connection, account: AccountKey) -> Result<Vec<PasskeyLine>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT public_id, name, created_at, last_used_at FROM passkeys \
         WHERE account_id = ?1 ORDER BY created_at, id",
    )?;
    let rows = statement.query_map([account.0], |row| {
        let id: String = row.get(0)?;
        let last: Option<String> = row.get(3)?;
        Ok(PasskeyLine {
            id: PublicId::parse(&id).ok_or_else(|| super::time::corrupt(0, "public id"))?,
            name: row.get(1)?,
            created_at: from_db(&row.get::<_, String>(2)?, 2)?,
            last_used_at: last.map(|t| from_db(&t, 3)).transpose()?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The credential ids of the account's passkeys, with their transports (for the browser's
/// "allow" and "exclude" lists).
pub fn credential_ids(
    conn: &Connection,
    account: AccountKey,
) -> Result<Vec<(Vec<u8>, u8)>, StoreError> {
    let mut statement = conn
        .prepare_cached("SELECT credential_id, transports FROM passkeys WHERE account_id = ?1")?;
    let rows = statement.query_map([account.0], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Whether the account has any passkey.
pub fn any(conn: &Connection, account: AccountKey) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM passkeys WHERE account_id = ?1)")?
        .query_row([account.0], |row| row.get(0))?)
}

/// The stored credential with this credential id, with its account's user handle.
pub fn by_credential_id(
    conn: &Connection,
    credential_id: &[u8],
) -> Result<Option<StoredCredential>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT p.id, p.account_id, p.credential_id, p.static_state, p.dynamic_state, \
                    a.passkey_user_handle \
             FROM passkeys p JOIN accounts a ON a.id = p.account_id \
             WHERE p.credential_id = ?1 AND a.removed_at IS NULL",
        )?
        .query_row([credential_id], |row| {
            Ok(StoredCredential {
                key: row.get(0)?,
                account: AccountKey(row.get(1)?),
                credential_id: row.get(2)?,
                static_state: row.get(3)?,
                dynamic_state: row.get(4)?,
                user_handle: row.get::<_, Option<Vec<u8>>>(5)?.unwrap_or_default(),
            })
        })
        .optional()?)
}

/// Adds a passkey; `false` when its credential id is registered already (to any account).
pub fn insert(tx: &Transaction<'_>, new: &NewPasskey<'_>) -> Result<bool, StoreError> {
    let added = tx
        .prepare_cached(
            "INSERT INTO passkeys (public_id, account_id, credential_id, static_state, \
                 dynamic_state, transports, name, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (credential_id) DO NOTHING",
        )?
        .execute((
            PublicId::random().to_string(),
            new.account.0,
            new.credential_id,
            new.static_state,
            new.dynamic_state,
            new.transports,
            new.name,
            to_db(new.now),
        ))?;
    Ok(added == 1)
}

/// Records a use: the new counter state and the time. `false` when the stored state is no
/// longer `before` — another sign-in with the same passkey came first (a replay or a clone
/// racing this one), so this one does not count.
pub fn record_use(
    tx: &Transaction<'_>,
    key: i64,
    before: &[u8],
    after: &[u8],
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    Ok(tx
        .prepare_cached(
            "UPDATE passkeys SET dynamic_state = ?3, last_used_at = ?4 \
             WHERE id = ?1 AND dynamic_state = ?2",
        )?
        .execute((key, before, after, to_db(now)))?
        == 1)
}

/// The account a passkey belongs to, by its public id.
pub fn owner(conn: &Connection, id: PublicId) -> Result<Option<AccountKey>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT account_id FROM passkeys WHERE public_id = ?1")?
        .query_row([id.to_string()], |row| Ok(AccountKey(row.get(0)?)))
        .optional()?)
}

/// Removes one of the account's passkeys; returns its name, or `None` when the account has
/// no passkey with this id.
pub fn remove(
    tx: &Transaction<'_>,
    account: AccountKey,
    id: PublicId,
) -> Result<Option<String>, StoreError> {
    Ok(tx
        .prepare_cached(
            "DELETE FROM passkeys WHERE account_id = ?1 AND public_id = ?2 RETURNING name",
        )?
        .query_row((account.0, id.to_string()), |row| row.get(0))
        .optional()?)
}

/// Removes all of the account's passkeys (an administrator's reset, a removed account).
pub fn remove_all(tx: &Transaction<'_>, account: AccountKey) -> Result<usize, StoreError> {
    Ok(tx
        .prepare_cached("DELETE FROM passkeys WHERE account_id = ?1")?
        .execute([account.0])?)
}

/// Whether the passkey offer was dismissed.
pub fn offer_dismissed(conn: &Connection, account: AccountKey) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT passkey_offer_dismissed_at IS NOT NULL FROM accounts WHERE id = ?1",
        )?
        .query_row([account.0], |row| row.get(0))
        .optional()?
        .unwrap_or(true))
}

/// Remembers that the passkey offer was dismissed.
pub fn dismiss_offer(
    tx: &Transaction<'_>,
    account: AccountKey,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "UPDATE accounts SET passkey_offer_dismissed_at = ?2 \
         WHERE id = ?1 AND passkey_offer_dismissed_at IS NULL",
    )?
    .execute((account.0, to_db(now)))?;
    Ok(())
}
