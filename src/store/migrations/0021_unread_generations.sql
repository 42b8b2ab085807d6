-- The unread badge in every signed-in page's menu is kept in memory per account
-- (`service::unread_badge`) and counted again only when something that could change it has
-- happened. These triggers tell: every write that may change which documents are news for an
-- account, or which of them it has read, raises that account's generation. Raising one too
-- many only costs a count; so each trigger names every account that could be concerned.
CREATE TABLE unread_generations (
    -- No foreign key: the generation of an account id must outlive a removed row, so a reused
    -- id never meets a count kept for its predecessor (a new account raises it as well).
    account_id  INTEGER PRIMARY KEY,
    generation  INTEGER NOT NULL
) STRICT;

CREATE INDEX accounts_by_employee ON accounts (employee_id) WHERE employee_id IS NOT NULL;

-- A document placed: news for its employee's account and its employer's accounts (its own
-- dossier, or an upload it may later receive). Nothing is shared with a bureau yet.
CREATE TRIGGER unread_on_document_insert AFTER INSERT ON documents
BEGIN
    INSERT INTO unread_generations (account_id, generation)
        SELECT a.id, 1 FROM accounts a WHERE a.employee_id = NEW.employee_id
        UNION ALL
        SELECT a.id, 1 FROM accounts a WHERE a.role = 'employer' AND a.employer_id = NEW.employer_id
        ON CONFLICT (account_id) DO UPDATE SET generation = generation + 1;
END;

-- Replaced, retracted, deleted or restored: the same accounts (before and after, should a
-- document ever change dossier), and the bureaus it is shared with.
CREATE TRIGGER unread_on_document_update AFTER UPDATE ON documents
BEGIN
    INSERT INTO unread_generations (account_id, generation)
        SELECT a.id, 1 FROM accounts a WHERE a.employee_id IN (OLD.employee_id, NEW.employee_id)
        UNION ALL
        SELECT a.id, 1 FROM accounts a
            WHERE a.role = 'employer' AND a.employer_id IN (OLD.employer_id, NEW.employer_id)
        UNION ALL
        SELECT a.id, 1 FROM shares s JOIN accounts a ON a.role = 'bureau' AND a.bureau_id = s.bureau_id
            WHERE s.document_id = NEW.id
        ON CONFLICT (account_id) DO UPDATE SET generation = generation + 1;
END;

-- Purged (its shares and read markers go with it and raise their own).
CREATE TRIGGER unread_on_document_delete AFTER DELETE ON documents
BEGIN
    INSERT INTO unread_generations (account_id, generation)
        SELECT a.id, 1 FROM accounts a WHERE a.employee_id = OLD.employee_id
        UNION ALL
        SELECT a.id, 1 FROM accounts a WHERE a.role = 'employer' AND a.employer_id = OLD.employer_id
        ON CONFLICT (account_id) DO UPDATE SET generation = generation + 1;
END;

-- Opened or marked read, marked unread again.
CREATE TRIGGER unread_on_read_marker_insert AFTER INSERT ON read_markers
BEGIN
    INSERT INTO unread_generations (account_id, generation) VALUES (NEW.account_id, 1)
        ON CONFLICT (account_id) DO UPDATE SET generation = generation + 1;
END;

CREATE TRIGGER unread_on_read_marker_delete AFTER DELETE ON read_markers
BEGIN
    INSERT INTO unread_generations (account_id, generation) VALUES (OLD.account_id, 1)
        ON CONFLICT (account_id) DO UPDATE SET generation = generation + 1;
END;

-- Shared, or a share withdrawn: the employer's accounts and the bureau's.
CREATE TRIGGER unread_on_share_insert AFTER INSERT ON shares
BEGIN
    INSERT INTO unread_generations (account_id, generation)
        SELECT a.id, 1 FROM documents d JOIN accounts a
            ON a.role = 'employer' AND a.employer_id = d.employer_id WHERE d.id = NEW.document_id
        UNION ALL
        SELECT a.id, 1 FROM accounts a WHERE a.role = 'bureau' AND a.bureau_id = NEW.bureau_id
        ON CONFLICT (account_id) DO UPDATE SET generation = generation + 1;
END;

CREATE TRIGGER unread_on_share_delete AFTER DELETE ON shares
BEGIN
    INSERT INTO unread_generations (account_id, generation)
        SELECT a.id, 1 FROM documents d JOIN accounts a
            ON a.role = 'employer' AND a.employer_id = d.employer_id WHERE d.id = OLD.document_id
        UNION ALL
        SELECT a.id, 1 FROM accounts a WHERE a.role = 'bureau' AND a.bureau_id = OLD.bureau_id
        ON CONFLICT (account_id) DO UPDATE SET generation = generation + 1;
END;

CREATE TRIGGER unread_on_share_update AFTER UPDATE ON shares
BEGIN
    INSERT INTO unread_generations (account_id, generation)
        SELECT a.id, 1 FROM documents d JOIN accounts a
            ON a.role = 'employer' AND a.employer_id = d.employer_id
            WHERE d.id IN (OLD.document_id, NEW.document_id)
        UNION ALL
        SELECT a.id, 1 FROM accounts a
            WHERE a.role = 'bureau' AND a.bureau_id IN (OLD.bureau_id, NEW.bureau_id)
        ON CONFLICT (account_id) DO UPDATE SET generation = generation + 1;
END;

-- An employer moving to another bureau: the shares with the old one stop being its news.
CREATE TRIGGER unread_on_employer_bureau AFTER UPDATE OF bureau_id ON employers
BEGIN
    INSERT INTO unread_generations (account_id, generation)
        SELECT a.id, 1 FROM accounts a
            WHERE a.role = 'bureau' AND a.bureau_id IN (OLD.bureau_id, NEW.bureau_id)
        ON CONFLICT (account_id) DO UPDATE SET generation = generation + 1;
END;

-- A new account, or one that changes whose it is.
CREATE TRIGGER unread_on_account_insert AFTER INSERT ON accounts
BEGIN
    INSERT INTO unread_generations (account_id, generation) VALUES (NEW.id, 1)
        ON CONFLICT (account_id) DO UPDATE SET generation = generation + 1;
END;

CREATE TRIGGER unread_on_account_party AFTER UPDATE OF role, bureau_id, employer_id, employee_id
    ON accounts
BEGIN
    INSERT INTO unread_generations (account_id, generation) VALUES (NEW.id, 1)
        ON CONFLICT (account_id) DO UPDATE SET generation = generation + 1;
END;
