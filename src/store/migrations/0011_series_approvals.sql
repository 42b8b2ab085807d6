-- The employer's akkoord / niet akkoord on a series overview (SPEC.md Part 2). Never edited:
-- each decision is a row, the newest per document counts. The deciding party's name is kept as
-- it was at the time.
CREATE TABLE approvals (
    id                  INTEGER PRIMARY KEY,
    document_id         INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    decision            TEXT    NOT NULL CHECK (decision IN ('approved', 'rejected')),
    comment             TEXT,
    decided_by_account  INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    decided_by_name     TEXT    NOT NULL,
    decided_at          TEXT    NOT NULL
);
CREATE INDEX approvals_by_document ON approvals (document_id, id);
