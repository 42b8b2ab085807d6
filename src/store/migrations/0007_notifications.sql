-- New documents an account may be told about by mail: one row per account and document,
-- due `notify_delay` after the document arrived. When due, documents still unread become
-- one "new documents" mail per account; read ones are dropped silently.
CREATE TABLE pending_notifications (
    account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    document_id  INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    due_at       TEXT    NOT NULL,
    PRIMARY KEY (account_id, document_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX pending_notifications_due ON pending_notifications (due_at);
