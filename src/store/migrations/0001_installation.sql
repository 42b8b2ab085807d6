-- One row describing this installation: when its database was created and by which version.
CREATE TABLE installation (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    created_at  TEXT    NOT NULL,
    created_by  TEXT    NOT NULL
) STRICT;
