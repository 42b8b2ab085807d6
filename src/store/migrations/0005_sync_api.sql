-- Tokens of the payroll sync API. A token belongs to one bureau, or to one self-administering
-- employer (by its loonheffingennummer, which may not have been synced yet). Only the SHA-256
-- of the token is stored.
CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    public_id     TEXT    NOT NULL UNIQUE,
    token_hash    TEXT    NOT NULL UNIQUE,
    label         TEXT    NOT NULL,
    bureau_id     INTEGER REFERENCES bureaus (id),
    employer_lhn  TEXT,
    created_at    TEXT    NOT NULL,
    last_used_at  TEXT,
    revoked_at    TEXT,
    CHECK ((bureau_id IS NULL) <> (employer_lhn IS NULL))
) STRICT;

-- Answers to requests that carried an Idempotency-Key, so a retry gets the same answer.
CREATE TABLE idempotency_keys (
    token_id      INTEGER NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
    key           TEXT    NOT NULL,
    request_hash  TEXT    NOT NULL,
    status        INTEGER NOT NULL,
    body          TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    PRIMARY KEY (token_id, key)
) STRICT, WITHOUT ROWID;
