-- An employer's own dossier (reports, series overviews, its uploads) is a few hundred
-- documents among the tens of thousands of its employees' ones that share its employer_id;
-- this index finds them without walking the others.
CREATE INDEX documents_of_employer_dossier ON documents (employer_id, year)
    WHERE dossier_kind = 'employer';

-- The Werknemers list is sorted by name: read in that order, not sorted per request.
CREATE INDEX employees_by_name ON employees (employer_id, name COLLATE NOCASE);
