-- Requests an employee makes of its employer (SPEC.md Part 2, "Requests"). The details
-- (addresses, IBANs, amounts, reasons) are JSON sealed with the installation's key, like the
-- two-factor secrets: never plain at rest. The state is the newest of the request's events;
-- the events themselves are never edited.
CREATE TABLE requests (
    id              INTEGER PRIMARY KEY,
    public_id       TEXT    NOT NULL UNIQUE,
    employee_id     INTEGER NOT NULL REFERENCES employees (id),
    employer_id     INTEGER NOT NULL REFERENCES employers (id),
    kind            TEXT    NOT NULL CHECK (kind IN ('leave', 'address_change',
                        'bank_account_change', 'expense_claim', 'letter_request')),
    details_sealed  TEXT    NOT NULL,
    state           TEXT    NOT NULL CHECK (state IN ('submitted', 'withdrawn', 'approved',
                        'rejected', 'processed')),
    submitted_at    TEXT    NOT NULL,
    -- The order in which requests were approved: the sync API's cursor, stable whatever
    -- happens to them later.
    approved_seq    INTEGER UNIQUE,
    updated_at      TEXT    NOT NULL
) STRICT;
CREATE INDEX requests_of_employer ON requests (employer_id, id);
CREATE INDEX requests_of_employee ON requests (employee_id, id);

CREATE TABLE request_events (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    state       TEXT    NOT NULL,
    at          TEXT    NOT NULL,
    by_account  INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    -- Who, as the request's page names them then ("Bakkerij De Korenschoof BV", "salarispakket").
    by_name     TEXT    NOT NULL,
    comment     TEXT
) STRICT;
CREATE INDEX request_events_of_request ON request_events (request_id, id);

-- An expense claim's receipts: files in the file store, as the request rule lets see them.
CREATE TABLE request_files (
    request_id  INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    number      INTEGER NOT NULL,
    file_name   TEXT    NOT NULL,
    media_type  TEXT    NOT NULL,
    size        INTEGER NOT NULL,
    sha256      TEXT    NOT NULL,
    file_id     TEXT    NOT NULL,
    PRIMARY KEY (request_id, number)
) STRICT;
CREATE INDEX request_files_by_file ON request_files (file_id);

-- New requests an employer may be told about by mail, bundled after a delay like new documents.
CREATE TABLE pending_request_notices (
    account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    request_id  INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    due_at      TEXT    NOT NULL,
    PRIMARY KEY (account_id, request_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX pending_request_notices_due ON pending_request_notices (due_at);
