//! Who sees the people behind the dossiers (SPEC.md, "Who sees what"; seed manual, "Mijn
//! gegevens" and "Werknemers"): an employer its own employees, a bureau its current clients and
//! their employees; nobody else anyone. And who manages an employer's logins, and whose passkeys
//! an account manages and signs in with.

use super::Actor;
use crate::domain::document::{AccountKey, BureauKey, EmployeeKey, EmployerKey};
use crate::domain::party::AccountParty;

/// Whether `actor` sees the employees of `employer` (Werknemers, with masked BSNs) and may
/// reveal one's full BSN: the employer itself and its current bureau (`employer_bureau`); the
/// administrator's CLI too. An employee sees no list of colleagues.
pub fn sees_employees_of(
    actor: Actor,
    employer: EmployerKey,
    employer_bureau: Option<BureauKey>,
) -> bool {
    match actor {
        Actor::Employer { employer: own, .. } => own == employer,
        Actor::Bureau { bureau, .. } => employer_bureau == Some(bureau),
        Actor::System => true,
        Actor::Employee { .. } => false,
    }
}

/// Whether `actor` may reveal the full BSN of `employee`, employed by `employer`: the employee
/// its own (SPEC.md Part 2, "Privacy and consent"), and a person who sees the employees (the
/// look is audited under that person's account); never the CLI, which has no account to answer
/// for it.
pub fn may_reveal_bsn(
    actor: Actor,
    employee: EmployeeKey,
    employer: EmployerKey,
    employer_bureau: Option<BureauKey>,
) -> bool {
    let own = matches!(actor, Actor::Employee { employee: me, .. } if me == employee);
    actor.account().is_some() && (own || sees_employees_of(actor, employer, employer_bureau))
}

/// The bureau whose clients (Werkgevers) `actor` sees: only a bureau's own.
pub fn sees_clients_of(actor: Actor) -> Option<BureauKey> {
    match actor {
        Actor::Bureau { bureau, .. } => Some(bureau),
        _ => None,
    }
}

/// Whether `actor` sees an employee's private e-mail address: only the employee itself. The
/// address exists to send the username and password links (seed manual, "Mijn gegevens");
/// the employer and the bureau have the work address and never see the private one.
pub fn sees_private_email(actor: Actor, employee: EmployeeKey) -> bool {
    matches!(actor, Actor::Employee { employee: own, .. } if own == employee)
}

/// Whether `actor` chooses how `employee` gets its payslips: the employee itself only (the
/// consent of BW 7:626 lid 4 is the employee's to give or withdraw).
pub fn chooses_payslip_delivery(actor: Actor, employee: EmployeeKey) -> bool {
    matches!(actor, Actor::Employee { employee: own, .. } if own == employee)
}

/// The employer whose colleagues `actor` lists and invites (SPEC.md Part 2, "Accounts"): every
/// login of an employer has the same rights, so each may; nobody else has colleagues here (a
/// bureau's staff are added by the administrator).
pub fn colleagues_managed_by(actor: Actor) -> Option<EmployerKey> {
    match actor {
        Actor::Employer { employer, .. } => Some(employer),
        Actor::Employee { .. } | Actor::Bureau { .. } | Actor::System => None,
    }
}

/// Whether `actor` may remove the login `target` of `target_party`: a colleague invited to
/// the actor's own employer (`is_colleague`), never the employer's own login and never itself.
pub fn may_remove_colleague(
    actor: Actor,
    target: AccountKey,
    target_party: AccountParty,
    is_colleague: bool,
) -> bool {
    colleagues_managed_by(actor).is_some_and(|employer| {
        is_colleague
            && target_party == AccountParty::Employer(employer)
            && actor.account() != Some(target)
    })
}

/// Whether the signed-in `account` may add, list and remove the passkeys of `owner`, and use
/// one of them to finish signing in: its own only (SPEC.md Part 2, "Accounts"). No employer,
/// bureau or administrator manages another account's passkeys; the administrator's
/// `user reset-2fa` removes them all instead.
pub fn manages_passkeys_of(account: AccountKey, owner: AccountKey) -> bool {
    account == owner
}

/// Whether a passkey of `owner` completes the sign-in of `account`: the same rule.
pub fn uses_passkey(account: AccountKey, owner: AccountKey) -> bool {
    manages_passkeys_of(account, owner)
}
