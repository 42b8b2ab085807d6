//! Who sees what — the one place the rule lives (SPEC.md, "Who sees what"). The store pushes the
//! same rule into SQL for lists and counts; a property test keeps the two equal.
//!
//! 1. An employee sees the payroll files in its own dossier and its own uploads.
//! 2. An employer sees the payroll files in its own and its employees' dossiers, its own
//!    uploads, and employee uploads shared with it.
//! 3. A bureau sees the payroll files it placed for its current clients, its own uploads, and
//!    the uploads of its current clients and their employees shared with it (that bureau).
//! 4. Only the uploading party deletes an upload. Sharing goes one step up: the owner shares
//!    (employee → employer, employer → bureau), and an employer may pass an employee's upload
//!    shared with it on to its bureau (SPEC.md Part 2, "Sharing onward"). The owner's "stop
//!    sharing" withdraws every share, the employer's only the bureau's.
//! 5. Retracted and deleted documents are seen by no user.
//! 7. Only the employer gives akkoord or niet akkoord on a series overview in its own dossier
//!    (SPEC.md Part 2, "Approval of series overviews"); whoever sees the overview sees the
//!    decision.
//! 8. An employer writes letters into its employees' dossiers, a bureau into its current
//!    clients' employees' dossiers (SPEC.md Part 2, "Letters"); a letter is then a payroll file
//!    placed by that party, for who sees it.
//! 6. News ("Ongelezen") is what is addressed to a party: payroll files in its own dossier and
//!    uploads shared with it — not what it may open in other parties' dossiers (SPEC.md Part 2,
//!    "Ongelezen (revised)").
//!
//! Who sees and decides requests is in [`requests`]; who sees the people behind the dossiers is
//! in [`people`]; what a sync token reaches and whose
//! backups a party sees, in [`sync`].

mod people;
pub mod requests;
mod sync;

pub use people::{
    chooses_payslip_delivery, colleagues_managed_by, manages_passkeys_of, may_remove_colleague,
    may_reveal_bsn, sees_clients_of, sees_employees_of, sees_private_email, uses_passkey,
};
pub use sync::{
    DocumentEmployer, TokenScope, backups_of, employer_namespace, may_retract, placer_for,
};

use super::document::{
    AccountKey, BureauKey, DocumentFacts, DocumentKind, Dossier, EmployeeKey, EmployerKey, Origin,
    Placer,
};

/// Who is asking. Made only from a verified session or API token, or as [`Actor::system`] for
/// the CLI and scheduled jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Employee {
        account: AccountKey,
        employee: EmployeeKey,
        employer: EmployerKey,
    },
    Employer {
        account: AccountKey,
        employer: EmployerKey,
    },
    Bureau {
        account: AccountKey,
        bureau: BureauKey,
    },
    System,
}

impl Actor {
    /// The administrator's actor for CLI commands and jobs: not bound by the visibility rule.
    pub fn system() -> Self {
        Self::System
    }

    /// The account behind this actor, if a person.
    pub fn account(self) -> Option<AccountKey> {
        match self {
            Self::Employee { account, .. }
            | Self::Employer { account, .. }
            | Self::Bureau { account, .. } => Some(account),
            Self::System => None,
        }
    }

    /// The actor's own dossier.
    pub fn own_dossier(self) -> Option<Dossier> {
        match self {
            Self::Employee {
                employee, employer, ..
            } => Some(Dossier::Employee { employee, employer }),
            Self::Employer { employer, .. } => Some(Dossier::Employer(employer)),
            Self::Bureau { bureau, .. } => Some(Dossier::Bureau(bureau)),
            Self::System => None,
        }
    }
}

/// What an actor wants to do with a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    List,
    View,
    Download,
    Share,
    Unshare,
    Delete,
    MarkRead,
}

impl Action {
    pub const ALL: [Self; 7] = [
        Self::List,
        Self::View,
        Self::Download,
        Self::Share,
        Self::Unshare,
        Self::Delete,
        Self::MarkRead,
    ];
}

/// Whether `actor` may do `action` with the document described by `doc`.
pub fn may(actor: Actor, action: Action, doc: &DocumentFacts) -> bool {
    if actor == Actor::System {
        return true;
    }
    if doc.removed || !sees(actor, doc) {
        return false;
    }
    match action {
        Action::List | Action::View | Action::Download | Action::MarkRead => true,
        Action::Share | Action::Unshare => {
            (owns_upload(actor, doc) && has_share_target(doc)) || passes_on(actor, doc)
        }
        Action::Delete => owns_upload(actor, doc),
    }
}

/// Whether the document is visible to `actor` at all (removal aside).
pub fn sees(actor: Actor, doc: &DocumentFacts) -> bool {
    match actor {
        Actor::System => true,
        Actor::Employee { employee, .. } => {
            matches!(doc.dossier, Dossier::Employee { employee: e, .. } if e == employee)
        }
        Actor::Employer { employer, .. } => match doc.dossier {
            Dossier::Employer(r) => r == employer,
            Dossier::Employee { employer: r, .. } => {
                r == employer && (doc.origin != Origin::Upload || doc.shared.with_employer)
            }
            Dossier::Bureau(_) => false,
        },
        Actor::Bureau { bureau, .. } => match doc.dossier {
            Dossier::Bureau(b) => b == bureau,
            Dossier::Employer(_) | Dossier::Employee { .. }
                if doc.employer_bureau == Some(bureau) =>
            {
                match doc.origin {
                    Origin::Payroll(Placer::Bureau(placer)) => placer == bureau,
                    Origin::Payroll(Placer::Employer(_)) => false,
                    Origin::Upload => doc.shared.with_bureau == Some(bureau),
                }
            }
            Dossier::Employer(_) | Dossier::Employee { .. } => false,
        },
    }
}

/// Whether the document is news for `actor` (rule 6): it may see it, and it is a payroll file
/// in the actor's own dossier or an upload shared with the actor. An employer's view of its
/// employees' payslips and a bureau's view of what it placed itself are not news; neither is
/// anything for [`Actor::System`], which reads nothing.
pub fn addressed_to(actor: Actor, doc: &DocumentFacts) -> bool {
    if doc.removed || !sees(actor, doc) {
        return false;
    }
    match (actor, doc.dossier, doc.origin) {
        (Actor::Employee { .. }, Dossier::Employee { .. }, Origin::Payroll(_))
        | (Actor::Employer { .. }, Dossier::Employer(_), Origin::Payroll(_)) => true,
        // Shared with it (`sees` checked the recipient).
        (Actor::Employer { .. }, Dossier::Employee { .. }, Origin::Upload)
        | (Actor::Bureau { .. }, Dossier::Employer(_) | Dossier::Employee { .. }, Origin::Upload) => {
            true
        }
        _ => false,
    }
}

/// Whether `actor` may decide (akkoord / niet akkoord) on the document (rule 7): the employer
/// itself, on a series overview placed by payroll software in its own dossier and not removed.
pub fn may_decide_on(actor: Actor, doc: &DocumentFacts, kind: DocumentKind) -> bool {
    match actor {
        Actor::Employer { employer, .. } => {
            !doc.removed
                && kind == DocumentKind::SeriesOverview
                && doc.dossier == Dossier::Employer(employer)
                && matches!(doc.origin, Origin::Payroll(_))
        }
        Actor::Employee { .. } | Actor::Bureau { .. } | Actor::System => false,
    }
}

/// Whether `actor` sees who opened and downloaded a document in `dossier` (rule 9; SPEC.md
/// Part 2, "Privacy and consent", AVG art. 15): the dossier's owner party only — the employee
/// for its own dossier, the employer and the bureau for theirs. Others who may open the
/// document do not learn who else did.
pub fn sees_access_history(actor: Actor, dossier: Dossier) -> bool {
    actor.own_dossier() == Some(dossier)
}

/// As whom `actor` writes a letter into `dossier` (rule 8), or `None` when it may not:
/// `employer_bureau` is the current bureau of the dossier's employer. Only employee dossiers.
pub fn letter_writer(
    actor: Actor,
    dossier: Dossier,
    employer_bureau: Option<BureauKey>,
) -> Option<Placer> {
    match (actor, dossier) {
        (Actor::Employer { employer, .. }, Dossier::Employee { employer: r, .. })
            if r == employer =>
        {
            Some(Placer::Employer(employer))
        }
        (Actor::Bureau { bureau, .. }, Dossier::Employee { .. })
            if employer_bureau == Some(bureau) =>
        {
            Some(Placer::Bureau(bureau))
        }
        _ => None,
    }
}

/// Whether `actor` may open `dossier` at all (what it then sees inside is [`sees`]).
/// `employer_bureau` is the current bureau of the dossier's employer.
pub fn may_open_dossier(
    actor: Actor,
    dossier: Dossier,
    employer_bureau: Option<BureauKey>,
) -> bool {
    match (actor, dossier) {
        (Actor::System, _) => true,
        (Actor::Employee { employee, .. }, Dossier::Employee { employee: e, .. }) => e == employee,
        (
            Actor::Employer { employer, .. },
            Dossier::Employer(r) | Dossier::Employee { employer: r, .. },
        ) => r == employer,
        (Actor::Bureau { bureau, .. }, Dossier::Bureau(b)) => b == bureau,
        (Actor::Bureau { bureau, .. }, Dossier::Employer(_) | Dossier::Employee { .. }) => {
            employer_bureau == Some(bureau)
        }
        _ => false,
    }
}

/// Whether `placer` may place payroll files in `dossier`: a bureau only for its current
/// clients and their employees, an employer only for itself and its employees. Payroll files
/// never go into a bureau's own dossier.
pub fn may_place(placer: Placer, dossier: Dossier, employer_bureau: Option<BureauKey>) -> bool {
    match (placer, dossier.employer()) {
        (_, None) => false,
        (Placer::Bureau(bureau), Some(_)) => employer_bureau == Some(bureau),
        (Placer::Employer(employer), Some(r)) => r == employer,
    }
}

/// Uploads belong to the party whose dossier they are in.
fn owns_upload(actor: Actor, doc: &DocumentFacts) -> bool {
    doc.origin == Origin::Upload && actor.own_dossier() == Some(doc.dossier)
}

/// Whose dossier an upload in `dossier` is shared with (rule 4, one step up): an employee's
/// goes to its employer, an employer's to its bureau (`employer_bureau`). Nobody is above a
/// bureau or a self-administering employer, so the UI offers them no "Deel met…".
pub fn share_target(dossier: Dossier, employer_bureau: Option<BureauKey>) -> Option<Dossier> {
    match dossier {
        Dossier::Employee { employer, .. } => Some(Dossier::Employer(employer)),
        Dossier::Employer(_) => employer_bureau.map(Dossier::Bureau),
        Dossier::Bureau(_) => None,
    }
}

fn has_share_target(doc: &DocumentFacts) -> bool {
    share_target(doc.dossier, doc.employer_bureau).is_some()
}

/// An employer passing on (or withdrawing from its bureau) an employee's upload that the
/// employee shared with it; only with a bureau to pass it to.
fn passes_on(actor: Actor, doc: &DocumentFacts) -> bool {
    matches!(
        (actor, doc.dossier),
        (Actor::Employer { employer, .. }, Dossier::Employee { employer: r, .. }) if r == employer
    ) && doc.origin == Origin::Upload
        && doc.shared.with_employer
        && doc.employer_bureau.is_some()
}

/// Whose dossier `actor`'s "Deel met …" sends uploads in `dossier` to: its own uploads one step
/// up ([`share_target`]), and for an employer looking at an employee's dossier, onward to its
/// bureau. `None`: nothing to share with from here.
pub fn sharing_from(
    actor: Actor,
    dossier: Dossier,
    employer_bureau: Option<BureauKey>,
) -> Option<Dossier> {
    if actor.own_dossier() == Some(dossier) {
        return share_target(dossier, employer_bureau);
    }
    match (actor, dossier) {
        (Actor::Employer { employer, .. }, Dossier::Employee { employer: r, .. })
            if r == employer =>
        {
            employer_bureau.map(Dossier::Bureau)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests;
