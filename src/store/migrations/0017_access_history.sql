-- Who opened or downloaded a document, read by document (SPEC.md Part 2, "Privacy and
-- consent": the owner sees its documents' access history; AVG art. 15).
CREATE INDEX audit_events_views_by_subject ON audit_events (subject, at)
    WHERE action IN ('view', 'download');
