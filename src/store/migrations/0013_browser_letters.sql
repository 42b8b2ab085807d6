-- Letters an employer or bureau places in an employee's dossier from the browser (SPEC.md
-- Part 2, "Letters"): payroll files for who sees them, written by a person. Each is a document
-- of its own — never a correction of another letter of the same year.
ALTER TABLE documents ADD COLUMN written_by_account_id INTEGER REFERENCES accounts (id);

DROP INDEX documents_current_payroll;
CREATE UNIQUE INDEX documents_current_payroll ON documents
    (dossier_kind, coalesce(employee_id, employer_id), kind, year, period_kind, period)
    WHERE origin = 'payroll' AND superseded_at IS NULL AND retracted_at IS NULL
      AND written_by_account_id IS NULL;
