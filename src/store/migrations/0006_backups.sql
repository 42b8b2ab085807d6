-- Backups of the payroll software's own data, uploaded and restored through the sync API.
-- They belong to the client of the token: a bureau, or a self-administering employer (by its
-- loonheffingennummer).
CREATE TABLE backups (
    id            INTEGER PRIMARY KEY,
    public_id     TEXT    NOT NULL UNIQUE,
    bureau_id     INTEGER REFERENCES bureaus (id),
    employer_lhn  TEXT,
    file_name     TEXT    NOT NULL,
    description   TEXT    NOT NULL,
    size          INTEGER NOT NULL,
    sha256        TEXT    NOT NULL,
    file_id       TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    CHECK ((bureau_id IS NULL) <> (employer_lhn IS NULL))
) STRICT;
CREATE INDEX backups_by_bureau ON backups (bureau_id, created_at) WHERE bureau_id IS NOT NULL;
CREATE INDEX backups_by_employer ON backups (employer_lhn, created_at) WHERE employer_lhn IS NOT NULL;
