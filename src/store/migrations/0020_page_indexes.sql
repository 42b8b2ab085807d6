-- Indexes for what every signed-in page reads. The current documents of each employee's and
-- each employer's own dossier, for the unread count in every signed-in page's menu
-- (`store::unread::unread_count`): the count follows one
-- of these indexes and probes the account's read markers, without reading a document row or
-- walking replaced and removed versions.
CREATE INDEX documents_news_of_employee ON documents (employee_id)
    WHERE origin = 'payroll' AND superseded_at IS NULL
      AND retracted_at IS NULL AND deleted_at IS NULL;

CREATE INDEX documents_news_of_employer ON documents (employer_id)
    WHERE dossier_kind = 'employer' AND origin = 'payroll' AND superseded_at IS NULL
      AND retracted_at IS NULL AND deleted_at IS NULL;

-- An employee's own uploads ("Overige bestanden"), newest first: the dossier page lists them
-- on every view, and without this walked every payslip of the employee to find them.
CREATE INDEX documents_uploads_by_employee ON documents (employee_id, created_at)
    WHERE origin = 'upload';

-- The same for an employer's own uploads; the index of all uploads by an employer's people
-- would walk every employee's files to find them.
CREATE INDEX documents_uploads_of_employer_dossier ON documents (employer_id, created_at)
    WHERE dossier_kind = 'employer' AND origin = 'upload';
