//! What a sync token reaches (SPEC.md, "Sync API"): a bureau's token its own bureau's employers,
//! a self-administering employer's token its own number; and whose backups a signed-in party
//! sees. Each bureau has its own employers (docs/security.md, "The sync API").

use super::Actor;
use crate::domain::checks::Lhn;
use crate::domain::document::{BureauKey, EmployerKey, Placer};

/// Whose sync token it is, or whose backups: a bureau, or a self-administering employer by its
/// loonheffingennummer (which may not have been synced yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenScope {
    Bureau(BureauKey),
    /// A self-administering employer, by its loonheffingennummer.
    Employer(Lhn),
}

/// Among whose employers a token creates and finds the employer with loonheffingennummer `lhn`:
/// `Some(Some(bureau))` for a bureau's token (its own bureau's), `Some(None)` for a
/// self-administering employer's token and its own number (the employers without a bureau),
/// `None` when it reaches nothing by that number (answered as "not found").
pub fn employer_namespace(scope: &TokenScope, lhn: &Lhn) -> Option<Option<BureauKey>> {
    match scope {
        TokenScope::Bureau(bureau) => Some(Some(*bureau)),
        TokenScope::Employer(own) => (own == lhn).then_some(None),
    }
}

/// The placer a token's documents are recorded under, in the dossiers of `employer`.
pub fn placer_for(scope: &TokenScope, employer: EmployerKey) -> Placer {
    match scope {
        TokenScope::Bureau(bureau) => Placer::Bureau(*bureau),
        TokenScope::Employer(_) => Placer::Employer(employer),
    }
}

/// The employer a payroll document is in, as retraction needs it.
#[derive(Debug, Clone, Copy)]
pub struct DocumentEmployer<'a> {
    pub key: EmployerKey,
    pub bureau: Option<BureauKey>,
    pub lhn: &'a Lhn,
}

/// Whether a token may retract a payroll document placed by `placed_by`: only what that same
/// client placed — a bureau's token its bureau's placements, a self-administering employer's
/// token its own (the document's employer is that employer, without a bureau, by that number).
pub fn may_retract(
    scope: &TokenScope,
    placed_by: Placer,
    employer: Option<DocumentEmployer<'_>>,
) -> bool {
    match (scope, placed_by) {
        (TokenScope::Bureau(bureau), Placer::Bureau(placer)) => *bureau == placer,
        (TokenScope::Employer(lhn), Placer::Employer(placer)) => {
            employer.is_some_and(|r| r.key == placer && r.bureau.is_none() && r.lhn == lhn)
        }
        _ => false,
    }
}

/// Whose backups `actor` sees on its Backups page: a bureau its own; an employer that runs its
/// own payroll (`own_payroll` is its number when it has no bureau) its own; nobody else any.
pub fn backups_of(actor: Actor, own_payroll: Option<&Lhn>) -> Option<TokenScope> {
    match actor {
        Actor::Bureau { bureau, .. } => Some(TokenScope::Bureau(bureau)),
        Actor::Employer { .. } => own_payroll.map(|lhn| TokenScope::Employer(lhn.clone())),
        Actor::Employee { .. } | Actor::System => None,
    }
}
