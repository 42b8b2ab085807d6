-- Ongelezen lists uploads shared with a party (SPEC.md Part 2, "Ongelezen (revised)"). Uploads
-- are a few per employee among many payroll files; this index finds an employer's (and its
-- employees') uploads without walking the payroll files that share its employer_id.
CREATE INDEX documents_uploads_by_employer ON documents (employer_id)
    WHERE origin = 'upload' AND employer_id IS NOT NULL;
