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

use crate::domain::AccountKey;

/// More accounts than this kept at once and the memory starts over (each entry is a few
/// dozen bytes; a bureau has thousands of accounts, not hundreds of thousands).
const KEPT_UP_TO: usize = 100_000;

/// Counts kept per account, each with the generation it was taken at.
#[derive(Debug, Default)]
pub struct UnreadBadges {
    kept: Mutex<HashMap<AccountKey, (i64, u64)>>,
}

impl UnreadBadges {
    /// The count kept for `account` if it was taken at `generation`.
    pub fn get(&self, account: AccountKey, generation: i64) -> Option<u64> {
        let kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        match kept.get(&account) {
            Some(&(at, count)) if at == generation => Some(count),
            _ => None,
        }
    }

    /// Keeps `count`, taken after reading `generation` (so at least as new as it: a count
    /// newer than its generation only costs one count more later, never a stale badge).
    pub fn keep(&self, account: AccountKey, generation: i64, count: u64) {
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        if kept.len() >= KEPT_UP_TO && !kept.contains_key(&account) {
            kept.clear();
        }
        kept.insert(account, (generation, count));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_answers_only_for_its_generation() {
        let badges = UnreadBadges::default();
        let account = AccountKey(7);
        assert_eq!(badges.get(account, 0), None);
        badges.keep(account, 3, 12);
        assert_eq!(badges.get(account, 3), Some(12));
        assert_eq!(badges.get(account, 4), None);
        assert_eq!(badges.get(AccountKey(8), 3), None);
        badges.keep(account, 4, 11);
        assert_eq!(badges.get(account, 3), None);
        assert_eq!(badges.get(account, 4), Some(11));
    }
}
