//! Who sees and acts on requests (SPEC.md Part 2, "Requests"): the employee its own, its
//! employer all of its employees', the employer's current bureau its clients' approved (and
//! processed) requests; nobody else — not-yours is "not found". Sync tokens reach what their
//! bureau or self-administering employer would.

use super::{Actor, TokenScope};
use crate::domain::checks::Lhn;
use crate::domain::document::{BureauKey, EmployeeKey, EmployerKey};
use crate::domain::request::RequestState;

/// Everything the rule needs to know about one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestFacts<'a> {
    pub employee: EmployeeKey,
    pub employer: EmployerKey,
    /// The employer's current bureau (`None` when it runs its own payroll).
    pub employer_bureau: Option<BureauKey>,
    /// The employer's loonheffingennummer (a self-administering employer's token names it).
    pub employer_lhn: &'a Lhn,
    pub state: RequestState,
}

/// Decided for payroll: what a bureau and payroll software see.
fn for_payroll(state: RequestState) -> bool {
    matches!(state, RequestState::Approved | RequestState::Processed)
}

/// Whom a request made by `actor` is from and to: an employee makes requests of its own
/// employer, for itself; an employer or bureau acts on requests and makes none (`None`). This
/// also decides whose own request list `actor` has.
pub fn submits_as(actor: Actor) -> Option<(EmployeeKey, EmployerKey)> {
    match actor {
        Actor::Employee {
            employee, employer, ..
        } => Some((employee, employer)),
        Actor::Employer { .. } | Actor::Bureau { .. } | Actor::System => None,
    }
}

/// Whether `actor` sees the request at all.
pub fn sees_request(actor: Actor, request: &RequestFacts<'_>) -> bool {
    match actor {
        Actor::Employee { employee, .. } => employee == request.employee,
        Actor::Employer { employer, .. } => employer == request.employer,
        Actor::Bureau { bureau, .. } => {
            request.employer_bureau == Some(bureau) && for_payroll(request.state)
        }
        Actor::System => true,
    }
}

/// Whether `actor` may withdraw the request: the employee, its own, while submitted.
pub fn may_withdraw(actor: Actor, request: &RequestFacts<'_>) -> bool {
    matches!(actor, Actor::Employee { employee, .. } if employee == request.employee)
        && request.state.may_become(RequestState::Withdrawn)
}

/// Whether `actor` may approve or reject the request: the employer, its employee's, while
/// submitted.
pub fn may_decide_request(actor: Actor, request: &RequestFacts<'_>) -> bool {
    matches!(actor, Actor::Employer { employer, .. } if employer == request.employer)
        && request.state.may_become(RequestState::Approved)
}

/// Whether a sync token reaches the request: a bureau's token its current clients' approved
/// and processed requests; a self-administering employer's token its own.
pub fn token_reaches_request(scope: &TokenScope, request: &RequestFacts<'_>) -> bool {
    for_payroll(request.state)
        && match scope {
            TokenScope::Bureau(bureau) => request.employer_bureau == Some(*bureau),
            TokenScope::Employer(lhn) => {
                request.employer_bureau.is_none() && request.employer_lhn == lhn
            }
        }
}

/// Which requests an employer's Verzoeken or a bureau's list shows: `None` for those who have
/// no such list (an employee sees its own on its own page).
pub fn inbox_of(actor: Actor) -> Option<Inbox> {
    match actor {
        Actor::Employer { employer, .. } => Some(Inbox::Employer(employer)),
        Actor::Bureau { bureau, .. } => Some(Inbox::Bureau(bureau)),
        Actor::Employee { .. } | Actor::System => None,
    }
}

/// Whose requests a list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inbox {
    /// All of this employer's employees' requests.
    Employer(EmployerKey),
    /// The approved and processed requests of this bureau's current clients.
    Bureau(BureauKey),
}
