-- Shares name their recipient (SPEC.md Part 2, "Sharing onward and share notices"): an
-- employee's upload is shared with its employer, and the employer may pass it on to its bureau;
-- an employer's upload is shared with its bureau. A share with a bureau names that bureau, so a
-- client that moves to another bureau does not hand the new one what it shared with the old.
CREATE TABLE shares_by_recipient (
    document_id           INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    recipient             TEXT    NOT NULL CHECK (recipient IN ('employer', 'bureau')),
    bureau_id             INTEGER REFERENCES bureaus (id),
    shared_by_account_id  INTEGER NOT NULL REFERENCES accounts (id),
    shared_at             TEXT    NOT NULL,
    PRIMARY KEY (document_id, recipient),
    CHECK ((recipient = 'bureau') = (bureau_id IS NOT NULL))
) STRICT;

-- Existing shares went one step up: an employee's to its employer, an employer's to the bureau
-- it has now. A share of an employer that has no bureau any more reached nobody; it goes.
INSERT INTO shares_by_recipient (document_id, recipient, bureau_id, shared_by_account_id, shared_at)
SELECT s.document_id,
       CASE d.dossier_kind WHEN 'employee' THEN 'employer' ELSE 'bureau' END,
       CASE d.dossier_kind WHEN 'employee' THEN NULL ELSE e.bureau_id END,
       s.shared_by_account_id, s.shared_at
FROM shares s
JOIN documents d ON d.id = s.document_id
LEFT JOIN employers e ON e.id = d.employer_id
WHERE d.dossier_kind = 'employee' OR (d.dossier_kind = 'employer' AND e.bureau_id IS NOT NULL);

DROP TABLE shares;
ALTER TABLE shares_by_recipient RENAME TO shares;
-- A bureau's news: what is shared with it.
CREATE INDEX shares_with_bureau ON shares (bureau_id) WHERE bureau_id IS NOT NULL;
