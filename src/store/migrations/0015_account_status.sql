-- Accounts an admin turned off (`user disable`) or removed (`user remove`), SPEC.md Part 2,
-- "Accounts". A removed account's row stays as a name for the history (audit lines, request
-- events and shares refer to it); its password, second factor and username go with the
-- removal, so nobody signs in with it and the username is free again.
ALTER TABLE accounts ADD COLUMN disabled_at TEXT;
ALTER TABLE accounts ADD COLUMN removed_at TEXT;

-- One login per employee among the accounts not removed: payroll software may invite an
-- employee again after its account was removed.
DROP INDEX accounts_one_per_employee;
CREATE UNIQUE INDEX accounts_one_per_employee ON accounts (employee_id)
    WHERE role = 'employee' AND removed_at IS NULL;
DROP INDEX accounts_one_per_employer;
CREATE UNIQUE INDEX accounts_one_per_employer ON accounts (employer_id)
    WHERE role = 'employer' AND removed_at IS NULL;
