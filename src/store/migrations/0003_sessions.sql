-- Server-side sessions. The cookie holds a random id; only its SHA-256 is stored here.
CREATE TABLE sessions (
    id            INTEGER PRIMARY KEY,
    -- Names the session in the Profiel list (to revoke it); never the cookie's id.
    public_id     TEXT    NOT NULL UNIQUE,
    token_hash    TEXT    NOT NULL UNIQUE,
    account_id    INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    -- 'password': the password was right, the second factor is still to come.
    -- 'enroll': the password was right, and the role must set up a second factor first.
    -- 'complete': signed in.
    stage         TEXT    NOT NULL CHECK (stage IN ('password', 'enroll', 'complete')),
    -- The synchronizer token every form of this session carries.
    csrf_token    TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    last_seen_at  TEXT    NOT NULL,
    -- The absolute end, whatever the activity.
    expires_at    TEXT    NOT NULL,
    client_addr   TEXT,
    user_agent    TEXT
) STRICT;
CREATE INDEX sessions_by_account ON sessions (account_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
