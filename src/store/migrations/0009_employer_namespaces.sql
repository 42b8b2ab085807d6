-- Each bureau has its own employers, and self-administering employers have theirs: a
-- loonheffingennummer is unique within one bureau (or among employers without a bureau), not
-- across the installation. So a bureau's sync token cannot learn, by being refused, which numbers
-- another bureau administers, nor take a number first (docs/security.md, "The sync API"). An
-- employer that moves to another bureau gets a new record there; the old one keeps its documents.
--
-- SQLite cannot drop a column's UNIQUE constraint in place: the table is rebuilt (the procedure
-- of https://sqlite.org/lang_altertable.html#otheralter; foreign keys are checked before commit).
CREATE TABLE employers_rebuilt (
    id              INTEGER PRIMARY KEY,
    public_id       TEXT    NOT NULL UNIQUE,
    -- NULL for a self-administering employer.
    bureau_id       INTEGER REFERENCES bureaus (id),
    lhn             TEXT    NOT NULL,
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

INSERT INTO employers_rebuilt (id, public_id, bureau_id, lhn, client_number, name, street,
        postal_code, city, country, email, phone, payroll_year, created_at, updated_at)
    SELECT id, public_id, bureau_id, lhn, client_number, name, street,
        postal_code, city, country, email, phone, payroll_year, created_at, updated_at
    FROM employers;

DROP TABLE employers;
ALTER TABLE employers_rebuilt RENAME TO employers;

CREATE INDEX employers_by_bureau ON employers (bureau_id);
-- The namespace: 0 stands for "no bureau" (bureau ids start at 1).
CREATE UNIQUE INDEX employers_by_namespace ON employers (coalesce(bureau_id, 0), lhn);
