-- The current payroll files of each employee's and each employer's own dossier by year and
-- period: every dossier page lists one year of them newest period first. Read from these in
-- page order, with no sort and no visit to a replaced or removed version. (The indexes of
-- 0020 hold the same documents keyed by the dossier alone, for the unread count: narrower,
-- and SQLite picks them for it.)
CREATE INDEX documents_current_payroll_of_employee
    ON documents (employee_id, year, period, created_at)
    WHERE employee_id IS NOT NULL AND origin = 'payroll' AND superseded_at IS NULL
      AND retracted_at IS NULL AND deleted_at IS NULL;

CREATE INDEX documents_current_payroll_of_employer
    ON documents (employer_id, year, period, created_at)
    WHERE dossier_kind = 'employer' AND origin = 'payroll' AND superseded_at IS NULL
      AND retracted_at IS NULL AND deleted_at IS NULL;
