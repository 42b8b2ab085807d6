-- How each employee wants its payslips (SPEC.md Part 2, "Privacy and consent"; BW 7:626 lid 4):
-- every choice is kept, with its time and the version of the text the employee read; the newest
-- counts. Nothing here is ever edited.
CREATE TABLE payslip_delivery_choices (
    id            INTEGER PRIMARY KEY,
    employee_id   INTEGER NOT NULL REFERENCES employees (id),
    delivery      TEXT    NOT NULL CHECK (delivery IN ('electronic', 'paper')),
    text_version  TEXT    NOT NULL,
    chosen_at     TEXT    NOT NULL,
    account_id    INTEGER REFERENCES accounts (id) ON DELETE SET NULL
) STRICT;
CREATE INDEX payslip_delivery_of_employee ON payslip_delivery_choices (employee_id, id);
