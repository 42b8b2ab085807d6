-- Passkeys (WebAuthn; SPEC.md Part 2, "Accounts"): a second factor after the password and a
-- sign-in without one. Public keys only: nothing here is secret, the private keys never leave
-- the user's devices.
CREATE TABLE passkeys (
    id              INTEGER PRIMARY KEY,
    -- Names the passkey in Profiel's forms (the credential id is the authenticator's).
    public_id       TEXT    NOT NULL UNIQUE,
    account_id      INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    -- The authenticator's credential id (raw bytes), unique over the installation.
    credential_id   BLOB    NOT NULL UNIQUE,
    -- The public key and the extensions that bind it (webauthn_rp's encoding of StaticState).
    static_state    BLOB    NOT NULL,
    -- Signature counter, user verification, backup state (webauthn_rp's DynamicState, 7 bytes).
    dynamic_state   BLOB    NOT NULL,
    -- The transports the authenticator reported (USB, NFC, internal, hybrid…), one byte.
    transports      INTEGER NOT NULL,
    -- The name the user gave it ("iPhone", "Sleutel op kantoor").
    name            TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    last_used_at    TEXT
) STRICT;
CREATE INDEX passkeys_by_account ON passkeys (account_id);

-- The WebAuthn user handle: random, made at the first passkey, the same for all of an
-- account's passkeys (never the account's id or name: the spec keeps it free of personal data).
ALTER TABLE accounts ADD COLUMN passkey_user_handle BLOB;
CREATE UNIQUE INDEX accounts_by_passkey_user_handle ON accounts (passkey_user_handle)
    WHERE passkey_user_handle IS NOT NULL;
-- An employee dismissed the passkey offer shown after signing in.
ALTER TABLE accounts ADD COLUMN passkey_offer_dismissed_at TEXT;
