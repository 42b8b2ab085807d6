-- An employer may have several logins (SPEC.md Part 2, "Accounts"): its own, made when payroll
-- software enrolled it, and colleagues it invites from Profiel, each with a name and an address
-- of its own (like a bureau's staff). One own login per employer still.
DROP INDEX accounts_one_per_employer;
CREATE UNIQUE INDEX accounts_one_per_employer ON accounts (employer_id)
    WHERE role = 'employer' AND staff_name IS NULL AND removed_at IS NULL;
CREATE INDEX accounts_by_employer ON accounts (employer_id) WHERE role = 'employer';
