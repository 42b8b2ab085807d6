//! The access rule of `domain::access` as SQL, for lists and counts. Every query that lists
//! documents for a user filters with [`visible`]; a property test checks it against the rule.
//!
//! Queries using it select `FROM documents d LEFT JOIN employers e ON e.id = d.employer_id`
//! and bind `:scope_key` to [`scope_key`].

use crate::domain::Actor;

/// An employee's upload shared with its employer.
const SHARED_WITH_EMPLOYER: &str =
    "EXISTS (SELECT 1 FROM shares s WHERE s.document_id = d.id AND s.recipient = 'employer')";
/// An upload shared with the bureau `:scope_key`.
const SHARED_WITH_BUREAU: &str = "EXISTS (SELECT 1 FROM shares s WHERE s.document_id = d.id \
     AND s.recipient = 'bureau' AND s.bureau_id = :scope_key)";

/// The condition for documents `actor` may list (removal is checked separately).
pub fn visible(actor: Actor) -> String {
    match actor {
        Actor::Employee { .. } => "d.employee_id = :scope_key".to_owned(),
        Actor::Employer { .. } => format!(
            "(d.employer_id = :scope_key AND (d.dossier_kind = 'employer' OR d.origin = 'payroll' \
              OR {SHARED_WITH_EMPLOYER}))"
        ),
        Actor::Bureau { .. } => format!(
            "((d.dossier_kind = 'bureau' AND d.bureau_id = :scope_key) OR \
              (e.bureau_id = :scope_key AND \
               ((d.origin = 'payroll' AND d.placed_by_bureau_id = :scope_key) OR \
                (d.origin = 'upload' AND {SHARED_WITH_BUREAU}))))"
        ),
        Actor::System => "(:scope_key IS NULL)".to_owned(),
    }
}

/// The documents addressed to `actor` (`domain::access::addressed_to`: payroll files in its
/// own dossier, uploads shared with it), removal and reading aside, as conditions on `d`, one
/// per branch. Each branch follows a narrow index — the own dossier's, an employer's uploads,
/// or the shares with a bureau — so counting news never walks the payroll files an employer or
/// bureau may merely open. An employee's and an employer's own dossier have an index of their
/// current documents (`0020_page_indexes.sql`) that answers the unread count by itself.
pub fn addressed_branches(actor: Actor) -> Vec<String> {
    match actor {
        Actor::Employee { .. } => {
            vec!["d.employee_id = :scope_key AND d.origin = 'payroll'".to_owned()]
        }
        Actor::Employer { .. } => vec![
            "d.employer_id = :scope_key AND d.dossier_kind = 'employer' AND d.origin = 'payroll'"
                .to_owned(),
            format!(
                "d.employer_id = :scope_key AND d.origin = 'upload' AND d.employer_id IS NOT NULL \
                   AND d.dossier_kind = 'employee' AND {SHARED_WITH_EMPLOYER}"
            ),
        ],
        // From the shares with this bureau, of its current clients only.
        Actor::Bureau { .. } => vec![
            "d.id IN (SELECT s.document_id FROM shares s \
               JOIN documents d ON d.id = s.document_id \
               JOIN employers e ON e.id = d.employer_id \
               WHERE s.bureau_id = :scope_key AND s.recipient = 'bureau' \
                 AND e.bureau_id = :scope_key AND d.origin = 'upload')"
                .to_owned(),
        ],
        Actor::System => vec![":scope_key IS NULL AND 0".to_owned()],
    }
}

/// A subquery of the ids of the documents addressed to `actor`: [`addressed_branches`] as one
/// list.
pub fn addressed(actor: Actor) -> String {
    addressed_branches(actor)
        .iter()
        .map(|branch| format!("SELECT d.id FROM documents d WHERE {branch}"))
        .collect::<Vec<_>>()
        .join(" UNION ALL ")
}

/// The value `:scope_key` takes for `actor`.
pub fn scope_key(actor: Actor) -> Option<i64> {
    match actor {
        Actor::Employee { employee, .. } => Some(employee.0),
        Actor::Employer { employer, .. } => Some(employer.0),
        Actor::Bureau { bureau, .. } => Some(bureau.0),
        Actor::System => None,
    }
}

/// Documents no user may see any more.
pub const NOT_REMOVED: &str = "d.retracted_at IS NULL AND d.deleted_at IS NULL";

#[cfg(test)]
mod tests;
