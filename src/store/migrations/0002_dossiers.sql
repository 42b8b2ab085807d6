-- Parties, accounts, documents, shares, read markers and the audit log.
-- Integer ids are internal join keys; public_id (128 random bits, hex) is what URLs carry.

CREATE TABLE bureaus (
    id              INTEGER PRIMARY KEY,
    public_id       TEXT    NOT NULL UNIQUE,
    client_number   TEXT    NOT NULL UNIQUE,
    name            TEXT    NOT NULL,
    created_at      TEXT    NOT NULL
) STRICT;

CREATE TABLE employers (
    id              INTEGER PRIMARY KEY,
    public_id       TEXT    NOT NULL UNIQUE,
    -- NULL for a self-administering employer.
    bureau_id       INTEGER REFERENCES bureaus (id),
    lhn             TEXT    NOT NULL UNIQUE,
    client_number   TEXT,
    name            TEXT    NOT NULL,
    street          TEXT,
    postal_code     TEXT,
    city            TEXT,
    country         TEXT,
    email           TEXT    NOT NULL,
    phone           TEXT,
    payroll_year    INTEGER,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
) STRICT;
CREATE INDEX employers_by_bureau ON employers (bureau_id);

CREATE TABLE employees (
    id               INTEGER PRIMARY KEY,
    public_id        TEXT    NOT NULL UNIQUE,
    employer_id      INTEGER NOT NULL REFERENCES employers (id),
    personnel_number TEXT    NOT NULL,
    name             TEXT    NOT NULL,
    birth_date       TEXT    NOT NULL,
    bsn              TEXT    NOT NULL,
    work_email       TEXT    NOT NULL,
    -- Set by the employee only; used for sign-in mail when present.
    private_email    TEXT,
    phone            TEXT,
    street           TEXT,
    postal_code      TEXT,
    city             TEXT,
    country          TEXT,
    employment_start TEXT,
    employment_end   TEXT,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    UNIQUE (employer_id, personnel_number)
) STRICT;

CREATE TABLE accounts (
    id              INTEGER PRIMARY KEY,
    public_id       TEXT    NOT NULL UNIQUE,
    username        TEXT    NOT NULL,
    -- Lower-cased username: usernames are unique without regard to case.
    username_folded TEXT    NOT NULL UNIQUE,
    role            TEXT    NOT NULL CHECK (role IN ('bureau', 'employer', 'employee')),
    bureau_id       INTEGER REFERENCES bureaus (id),
    employer_id     INTEGER REFERENCES employers (id),
    employee_id     INTEGER REFERENCES employees (id),
    -- Bureau staff have their own name and address; employers and employees use their party's.
    staff_name      TEXT,
    staff_email     TEXT,
    password_hash   TEXT,
    language        TEXT    NOT NULL DEFAULT 'nl' CHECK (language IN ('nl', 'en')),
    notify_new_documents INTEGER NOT NULL DEFAULT 1,
    invited_at      TEXT,
    activated_at    TEXT,
    created_at      TEXT    NOT NULL,
    CHECK (
        (role = 'bureau'   AND bureau_id IS NOT NULL AND employer_id IS NULL AND employee_id IS NULL) OR
        (role = 'employer' AND employer_id IS NOT NULL AND bureau_id IS NULL AND employee_id IS NULL) OR
        (role = 'employee' AND employee_id IS NOT NULL AND bureau_id IS NULL AND employer_id IS NULL)
    )
) STRICT;
-- One login per employer and per employee; bureaus have one per staff member.
CREATE UNIQUE INDEX accounts_one_per_employer ON accounts (employer_id) WHERE role = 'employer';
CREATE UNIQUE INDEX accounts_one_per_employee ON accounts (employee_id) WHERE role = 'employee';
CREATE INDEX accounts_by_bureau ON accounts (bureau_id) WHERE role = 'bureau';

CREATE TABLE documents (
    id                      INTEGER PRIMARY KEY,
    public_id               TEXT    NOT NULL UNIQUE,
    -- The dossier: a bureau's, an employer's, or an employee's (which also names its employer).
    dossier_kind            TEXT    NOT NULL CHECK (dossier_kind IN ('bureau', 'employer', 'employee')),
    bureau_id               INTEGER REFERENCES bureaus (id),
    employer_id             INTEGER REFERENCES employers (id),
    employee_id             INTEGER REFERENCES employees (id),
    -- 'payroll': placed through the sync API by a bureau or a self-administering employer.
    -- 'upload': uploaded by the dossier's own party through the browser.
    origin                  TEXT    NOT NULL CHECK (origin IN ('payroll', 'upload')),
    placed_by_bureau_id     INTEGER REFERENCES bureaus (id),
    placed_by_employer_id   INTEGER REFERENCES employers (id),
    uploaded_by_account_id  INTEGER REFERENCES accounts (id),
    kind                    TEXT    NOT NULL,
    year                    INTEGER NOT NULL,
    period_kind             TEXT    NOT NULL CHECK (period_kind IN ('month', 'four_weeks', 'week', 'year')),
    period                  INTEGER NOT NULL,
    title                   TEXT    NOT NULL,
    file_name               TEXT    NOT NULL,
    media_type              TEXT    NOT NULL,
    size                    INTEGER NOT NULL,
    sha256                  TEXT    NOT NULL,
    file_id                 TEXT    NOT NULL,
    created_at              TEXT    NOT NULL,
    -- A correction points at the version it replaces; that version gets superseded_at.
    corrects_id             INTEGER REFERENCES documents (id),
    version                 INTEGER NOT NULL DEFAULT 1,
    superseded_at           TEXT,
    retracted_at            TEXT,
    deleted_at              TEXT,
    CHECK (
        (dossier_kind = 'bureau'   AND bureau_id IS NOT NULL AND employer_id IS NULL AND employee_id IS NULL) OR
        (dossier_kind = 'employer' AND employer_id IS NOT NULL AND bureau_id IS NULL AND employee_id IS NULL) OR
        (dossier_kind = 'employee' AND employee_id IS NOT NULL AND employer_id IS NOT NULL AND bureau_id IS NULL)
    ),
    CHECK (
        (origin = 'payroll' AND uploaded_by_account_id IS NULL
            AND (placed_by_bureau_id IS NULL) <> (placed_by_employer_id IS NULL)) OR
        (origin = 'upload' AND placed_by_bureau_id IS NULL AND placed_by_employer_id IS NULL)
    )
) STRICT;
CREATE INDEX documents_by_employee ON documents (employee_id, year) WHERE employee_id IS NOT NULL;
CREATE INDEX documents_by_employer ON documents (employer_id, year) WHERE employer_id IS NOT NULL;
CREATE INDEX documents_by_bureau ON documents (bureau_id, year) WHERE bureau_id IS NOT NULL;
CREATE INDEX documents_by_file ON documents (file_id);
-- One current payroll document per dossier, kind, year and period: placing again corrects it.
CREATE UNIQUE INDEX documents_current_payroll ON documents
    (dossier_kind, coalesce(employee_id, employer_id), kind, year, period_kind, period)
    WHERE origin = 'payroll' AND superseded_at IS NULL AND retracted_at IS NULL;

-- An upload shared by its owner with the party one step up (employee → employer,
-- employer → bureau). Removing the row unshares.
CREATE TABLE shares (
    document_id           INTEGER PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
    shared_by_account_id  INTEGER NOT NULL REFERENCES accounts (id),
    shared_at             TEXT    NOT NULL
) STRICT;

-- Which account has opened (or marked read) which document.
CREATE TABLE read_markers (
    account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    document_id  INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    read_at      TEXT    NOT NULL,
    PRIMARY KEY (account_id, document_id)
) STRICT, WITHOUT ROWID;

-- Who did what, when, from where. No foreign keys: the log outlives what it describes.
CREATE TABLE audit_events (
    id           INTEGER PRIMARY KEY,
    at           TEXT    NOT NULL,
    account_id   INTEGER,
    actor        TEXT    NOT NULL,
    action       TEXT    NOT NULL,
    subject      TEXT,
    client_addr  TEXT,
    detail       TEXT
) STRICT;
CREATE INDEX audit_events_by_time ON audit_events (at);
CREATE INDEX audit_events_by_account ON audit_events (account_id, at);
