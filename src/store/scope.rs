//! The access rule of `domain::access` as SQL, for lists and counts. Every query that lists
//! documents for a user filters with [`visible`]; a property test checks it against the rule.
//!
//! Queries using it select `FROM documents d LEFT JOIN employers e ON e.id = d.employer_id`
//! and bind `:scope_key` to [`scope_key`].

use crate::domain::Actor;

const SHARED: &str = "EXISTS (SELECT 1 FROM shares s WHERE s.document_id = d.id)";

/// The condition for documents `actor` may list (removal is checked separately).
pub fn visible(actor: Actor) -> String {
    match actor {
        Actor::Employee { .. } => "d.employee_id = :scope_key".to_owned(),
        Actor::Employer { .. } => format!(
            "(d.employer_id = :scope_key AND (d.dossier_kind = 'employer' OR d.origin = 'payroll' OR {SHARED}))"
        ),
        Actor::Bureau { .. } => format!(
            "((d.dossier_kind = 'bureau' AND d.bureau_id = :scope_key) OR \
              (e.bureau_id = :scope_key AND \
               ((d.origin = 'payroll' AND d.placed_by_bureau_id = :scope_key) OR \
                (d.dossier_kind = 'employer' AND d.origin = 'upload' AND {SHARED}))))"
        ),
        Actor::System => "(:scope_key IS NULL)".to_owned(),
    }
}

/// An order that lists the newest of `actor`'s documents first and that the query planner can
/// follow without sorting: along the scope's index (employee and employer dossiers are
/// indexed by party and year), or backwards through the table for a bureau's wider scope.
/// Counting unread documents "up to N" in this order stops early, as unread ones are mostly
/// the newest.
pub fn newest_first(actor: Actor) -> &'static str {
    match actor {
        Actor::Employee { .. } | Actor::Employer { .. } => "d.year DESC, d.id DESC",
        Actor::Bureau { .. } | Actor::System => "d.id DESC",
    }
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
