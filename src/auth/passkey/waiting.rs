//! Passkey ceremonies waiting for the browser's answer, in memory: each bound to whoever
//! started it (a digest of the session or the browser's form cookie), one per owner, taken
//! exactly once, at most [`MAX_WAITING`] of a kind (a ceremony lives five minutes).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use webauthn_rp::request::TimedCeremony;
use webauthn_rp::response::SentChallenge;
use webauthn_rp::{
    DiscoverableAuthenticationServerState, NonDiscoverableAuthenticationServerState,
    RegistrationServerState,
};

use super::{PasskeyProblem, USER_HANDLE_LEN};

/// Ceremonies of one kind waiting for an answer at once; beyond it the oldest gives way (a
/// ceremony lives five minutes, so this bounds memory against a flood of sign-in clicks).
const MAX_WAITING: usize = 4096;

/// Ceremonies of one kind waiting for the browser's answer, each bound to who started it
/// (`owner`: a digest of the session or browser token), taken exactly once.
pub struct Waiting<S> {
    entries: Mutex<HashMap<u128, (S, [u8; 32])>>,
}

impl<S: TimedCeremony> Default for Waiting<S> {
    fn default() -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
        }
    }
}

impl<S: TimedCeremony> Waiting<S> {
    /// Keeps a started ceremony for `owner`, replacing the one it started before (one click
    /// at a time per browser or session, so one browser cannot fill the list). When full,
    /// expired ones go first, then the one that expires soonest.
    pub fn insert(&self, state: S, owner: [u8; 32]) {
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        entries.retain(|_, (_, started_by)| *started_by != owner);
        if entries.len() >= MAX_WAITING {
            let now = Instant::now();
            entries.retain(|_, (s, _)| s.expiration() > now);
            if entries.len() >= MAX_WAITING {
                let soonest = entries
                    .iter()
                    .min_by_key(|(_, (s, _))| s.expiration())
                    .map(|(k, _)| *k);
                if let Some(key) = soonest {
                    entries.remove(&key);
                }
            }
        }
        entries.insert(state.sent_challenge().0, (state, owner));
    }

    /// How many wait.
    pub fn len(&self) -> usize {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len()
    }

    /// Whether none waits.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Takes the ceremony of `challenge` if `owner` started it. The ceremony is gone either
    /// way: a challenge answers once.
    pub fn take(&self, challenge: SentChallenge, owner: [u8; 32]) -> Result<S, PasskeyProblem> {
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match entries.remove(&challenge.0) {
            Some((state, started_by)) if started_by == owner => Ok(state),
            _ => Err(PasskeyProblem::NoCeremony),
        }
    }
}

/// The ceremonies of the portal: registrations (owner: the session), sign-ins without a
/// username (owner: the browser's form cookie) and second factors (owner: the half-finished
/// sign-in's session).
#[derive(Default)]
pub struct Ceremonies {
    pub registrations: Waiting<RegistrationServerState<USER_HANDLE_LEN>>,
    pub sign_ins: Waiting<DiscoverableAuthenticationServerState>,
    pub second_factors: Waiting<NonDiscoverableAuthenticationServerState>,
}

impl std::fmt::Debug for Ceremonies {
    /// Counts only: challenges are not for logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ceremonies")
            .field("registrations", &self.registrations.len())
            .field("sign_ins", &self.sign_ins.len())
            .field("second_factors", &self.second_factors.len())
            .finish()
    }
}

/// The owner tag of a token (session id, form cookie): its SHA-256.
pub fn owner_of(token: &str) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(token.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::super::{RelyingParty, sign_in_options};
    use super::*;

    #[test]
    fn a_ceremony_answers_once_and_only_to_who_started_it() {
        let rp = RelyingParty::for_public_url("https://portal.bureau.nl").unwrap();
        let waiting: Waiting<DiscoverableAuthenticationServerState> = Waiting::default();
        let (state, _) = sign_in_options(&rp).unwrap();
        let challenge = state.sent_challenge();
        waiting.insert(state, owner_of("browser-a"));
        assert!(waiting.take(challenge, owner_of("browser-b")).is_err());
        // Gone after a wrong owner tried: the challenge cannot be tried again.
        assert!(waiting.take(challenge, owner_of("browser-a")).is_err());
        let (state, _) = sign_in_options(&rp).unwrap();
        let challenge = state.sent_challenge();
        waiting.insert(state, owner_of("browser-a"));
        assert!(waiting.take(challenge, owner_of("browser-a")).is_ok());
        assert!(
            waiting.take(challenge, owner_of("browser-a")).is_err(),
            "used once"
        );
    }

    #[test]
    fn a_full_list_of_waiting_ceremonies_gives_way_to_new_ones() {
        let rp = RelyingParty::for_public_url("https://portal.bureau.nl").unwrap();
        let waiting: Waiting<DiscoverableAuthenticationServerState> = Waiting::default();
        let mut last = None;
        for n in 0..=MAX_WAITING {
            let (state, _) = sign_in_options(&rp).unwrap();
            last = Some(state.sent_challenge());
            waiting.insert(state, owner_of(&n.to_string()));
        }
        let held = waiting.entries.lock().unwrap().len();
        assert_eq!(held, MAX_WAITING);
        assert!(
            waiting
                .take(last.unwrap(), owner_of(&MAX_WAITING.to_string()))
                .is_ok()
        );
    }

    #[test]
    fn a_new_ceremony_replaces_the_one_its_owner_started_before() {
        let rp = RelyingParty::for_public_url("https://portal.bureau.nl").unwrap();
        let waiting: Waiting<DiscoverableAuthenticationServerState> = Waiting::default();
        let (first, _) = sign_in_options(&rp).unwrap();
        let first_challenge = first.sent_challenge();
        waiting.insert(first, owner_of("a"));
        let (second, _) = sign_in_options(&rp).unwrap();
        let second_challenge = second.sent_challenge();
        waiting.insert(second, owner_of("a"));
        assert_eq!(waiting.len(), 1);
        assert!(waiting.take(first_challenge, owner_of("a")).is_err());
        assert!(waiting.take(second_challenge, owner_of("a")).is_ok());
    }
}
