-- Single-use links that let an account set its password (welcome, reset) or confirm a new
-- private e-mail address. Only the SHA-256 of the link's token is stored.
CREATE TABLE account_links (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT    NOT NULL UNIQUE,
    account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    purpose     TEXT    NOT NULL CHECK (purpose IN ('welcome', 'reset', 'confirm_email')),
    -- For 'confirm_email': the address being confirmed.
    email       TEXT,
    created_at  TEXT    NOT NULL,
    expires_at  TEXT    NOT NULL,
    used_at     TEXT
) STRICT;
CREATE INDEX account_links_by_account ON account_links (account_id, purpose);

-- Mail to send, written in the same transaction as the change that causes it.
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    created_at       TEXT    NOT NULL,
    account_id       INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    to_address       TEXT    NOT NULL,
    -- Which message: welcome_username, welcome_set_password, forgot_username, reset_password,
    -- password_changed, confirm_private_email, two_factor_reset, new_documents.
    message          TEXT    NOT NULL,
    language         TEXT    NOT NULL DEFAULT 'nl' CHECK (language IN ('nl', 'en')),
    -- What the message needs (usernames, a link), as JSON.
    params           TEXT    NOT NULL,
    status           TEXT    NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT    NOT NULL,
    last_error       TEXT,
    sent_at          TEXT
) STRICT;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

-- Two-factor authentication: the TOTP secret is encrypted with a key kept outside the
-- database; the last accepted time step blocks replays.
ALTER TABLE accounts ADD COLUMN totp_secret TEXT;
-- A secret shown for enrolment but not yet confirmed with a code.
ALTER TABLE accounts ADD COLUMN totp_pending TEXT;
ALTER TABLE accounts ADD COLUMN totp_last_step INTEGER;
ALTER TABLE accounts ADD COLUMN totp_enabled_at TEXT;
-- When the account last completed a sign-in (the sync API shows it to payroll software).
ALTER TABLE accounts ADD COLUMN last_login_at TEXT;

CREATE TABLE recovery_codes (
    account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    code_hash   TEXT    NOT NULL,
    used_at     TEXT,
    PRIMARY KEY (account_id, code_hash)
) STRICT, WITHOUT ROWID;

-- Failed sign-in attempts per account and per client address, for growing delays.
CREATE TABLE sign_in_throttle (
    subject        TEXT    PRIMARY KEY,
    failures       INTEGER NOT NULL,
    last_failure_at TEXT   NOT NULL,
    blocked_until  TEXT    NOT NULL
) STRICT, WITHOUT ROWID;
