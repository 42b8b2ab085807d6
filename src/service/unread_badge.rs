//! The "Ongelezen N" badge of every signed-in page, kept in memory per account and counted
//! again only when the database says something that could change it has happened since.
//!
//! Counting means walking the current documents addressed to the account and probing its
//! read marker for each (`store::unread::unread_count`): tens of microseconds for an employee
//! with eight years of payslips, on every page. The count changes only on a write, and every
//! such write raises the account's generation (triggers in `0021_unread_generations.sql`), so
//! a page reads one row and, when the generation is the one the kept count was taken at, shows
//! that count.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use crate::domain::{AccountKey, Actor};

/// More accounts than this kept at once and the memory starts over (each entry is a few
/// dozen bytes; a bureau has thousands of accounts, not hundreds of thousands).
const KEPT_UP_TO: usize = 100_000;

/// Counts kept per account, each with the generation it was taken at and the actor it was
/// counted for (the count depends on the account's party, which a session read before).
#[derive(Debug, Default)]
pub struct UnreadBadges {
    kept: Mutex<HashMap<AccountKey, (i64, Actor, u64)>>,
}

impl UnreadBadges {
    /// The count kept for `actor`'s account if it was taken at `generation` for `actor`.
    pub fn get(&self, actor: Actor, generation: i64) -> Option<u64> {
        let account = actor.account()?;
        let kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        match kept.get(&account) {
            Some(&(at, by, count)) if at == generation && by == actor => Some(count),
            _ => None,
        }
    }

    /// Keeps `actor`'s `count`, taken after reading `generation` (so at least as new as it: a count
    /// newer than its generation only costs one count more later, never a stale badge).
    pub fn keep(&self, actor: Actor, generation: i64, count: u64) {
        let Some(account) = actor.account() else {
            return;
        };
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        if kept.len() >= KEPT_UP_TO && !kept.contains_key(&account) {
            kept.clear();
        }
        kept.insert(account, (generation, actor, count));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_answers_only_for_its_generation_and_actor() {
        use crate::domain::{EmployeeKey, EmployerKey};
        let badges = UnreadBadges::default();
        let account = AccountKey(7);
        let actor = Actor::Employee {
            account,
            employee: EmployeeKey(1),
            employer: EmployerKey(1),
        };
        assert_eq!(badges.get(actor, 0), None);
        badges.keep(actor, 3, 12);
        assert_eq!(badges.get(actor, 3), Some(12));
        assert_eq!(badges.get(actor, 4), None);
        // The same account as another party (its party changed since the count): not kept.
        let moved = Actor::Employee {
            account,
            employee: EmployeeKey(2),
            employer: EmployerKey(1),
        };
        assert_eq!(badges.get(moved, 3), None);
        let other = Actor::Employer {
            account: AccountKey(8),
            employer: EmployerKey(1),
        };
        assert_eq!(badges.get(other, 3), None);
        badges.keep(actor, 4, 11);
        assert_eq!(badges.get(actor, 3), None);
        assert_eq!(badges.get(actor, 4), Some(11));
        assert_eq!(badges.get(Actor::System, 4), None);
    }
}
