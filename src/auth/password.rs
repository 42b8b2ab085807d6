//! Password hashes: argon2id with OWASP's parameters (m = 19456 KiB, t = 2, p = 1), stored as
//! PHC strings so the parameters travel with each hash. CPU-heavy: call off the async threads.

use std::sync::Arc;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use rand::Rng;
use tokio::sync::Semaphore;

/// The longest password accepted; checked before hashing so nobody can make us hash megabytes.
pub const MAX_CHARS: usize = 128;

/// Too many password checks are running or waiting: answer "try again" instead of queueing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("too many sign-in attempts are being checked right now")]
pub struct Busy;

/// Runs password hashing and verification on the blocking pool, at most `parallel` at a time
/// and with a short queue behind them; beyond that callers get [`Busy`] at once. An unknown
/// username costs one verification all the same, so timing tells nothing.
#[derive(Debug, Clone)]
pub struct PasswordWork {
    running: Arc<Semaphore>,
    admitted: Arc<Semaphore>,
    dummy_hash: Arc<str>,
    cost: Cost,
}

/// Counts a password check in the metrics while it waits or runs.
struct InFlight;

impl InFlight {
    fn start() -> Self {
        crate::metrics::METRICS.password_checks.inc();
        InFlight
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        crate::metrics::METRICS.password_checks.dec();
    }
}

impl PasswordWork {
    /// `parallel` checks at once (about the number of cores), four times that may wait.
    pub fn new(parallel: usize) -> Result<Self, HashError> {
        Self::with_cost(parallel, Cost::default())
    }

    pub fn with_cost(parallel: usize, cost: Cost) -> Result<Self, HashError> {
        let parallel = parallel.max(1);
        Ok(Self {
            running: Arc::new(Semaphore::new(parallel)),
            admitted: Arc::new(Semaphore::new(parallel * 5)),
            dummy_hash: hash_with(cost, "an unknown account still costs one verification")?.into(),
            cost,
        })
    }

    pub fn cost(&self) -> Cost {
        self.cost
    }

    /// Whether `password` matches `stored`; with no stored hash, spends the same effort and
    /// answers false.
    pub async fn verify(&self, password: &str, stored: Option<&str>) -> Result<bool, Busy> {
        let _admitted = self
            .admitted
            .clone()
            .try_acquire_owned()
            .map_err(|_| Busy)?;
        let _counted = InFlight::start();
        let _running = self
            .running
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| Busy)?;
        let known = stored.is_some();
        let hash = stored.map_or_else(|| self.dummy_hash.to_string(), str::to_owned);
        let password = password.to_owned();
        let matched = tokio::task::spawn_blocking(move || verify(&password, &hash))
            .await
            .map_err(|_| Busy)?;
        Ok(known && matched)
    }

    /// Hashes a new password under the same bound.
    pub async fn hash(&self, password: &str) -> Result<String, Busy> {
        let _admitted = self
            .admitted
            .clone()
            .try_acquire_owned()
            .map_err(|_| Busy)?;
        let _running = self
            .running
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| Busy)?;
        let password = password.to_owned();
        let cost = self.cost;
        tokio::task::spawn_blocking(move || hash_with(cost, &password))
            .await
            .map_err(|_| Busy)?
            .map_err(|_| Busy)
    }
}

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

/// The argon2id cost of new hashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cost {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl Default for Cost {
    /// OWASP's recommendation, and the floor.
    fn default() -> Self {
        Self {
            memory_kib: 19_456,
            iterations: 2,
            parallelism: 1,
        }
    }
}

impl Cost {
    fn hasher(self) -> Result<Argon2<'static>, HashError> {
        let params = argon2::Params::new(self.memory_kib, self.iterations, self.parallelism, None)
            .map_err(|e| HashError(e.to_string()))?;
        Ok(Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            params,
        ))
    }

    /// Whether a stored hash was made with less than this cost (and should be redone).
    pub fn exceeds(self, stored: &str) -> bool {
        let Ok(parsed) = PasswordHash::new(stored) else {
            return true;
        };
        let param = |name: &str| parsed.params.get_decimal(name).unwrap_or(0);
        parsed.algorithm.as_str() != "argon2id"
            || param("m") < self.memory_kib
            || param("t") < self.iterations
            || param("p") < self.parallelism
    }
}

/// Hashes a password with a fresh random salt at the default cost.
pub fn hash(password: &str) -> Result<String, HashError> {
    hash_with(Cost::default(), password)
}

fn hash_with(cost: Cost, password: &str) -> Result<String, HashError> {
    cost.hasher()?
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// Whether `password` matches the stored `hash`. A malformed hash never matches.
pub fn verify(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A random password people can type: four groups of five lower-case letters and digits
/// (about 100 bits), without look-alike characters.
pub fn generate() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    (0..4)
        .map(|_| {
            (0..5)
                .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_and_verify() {
        let stored = hash("correct horse battery staple").unwrap();
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        assert!(verify("correct horse battery staple", &stored));
        assert!(!verify("correct horse battery stapler", &stored));
        assert!(!verify("anything", "not a hash"));
        assert_ne!(
            stored,
            hash("correct horse battery staple").unwrap(),
            "salted"
        );
    }

    #[tokio::test]
    async fn bounded_work_answers_unknown_accounts_and_refuses_floods() {
        let work = PasswordWork::new(1).unwrap();
        let stored = hash("een lang genoeg wachtwoord").unwrap();
        assert_eq!(
            work.verify("een lang genoeg wachtwoord", Some(&stored))
                .await,
            Ok(true)
        );
        assert_eq!(work.verify("fout", Some(&stored)).await, Ok(false));
        assert_eq!(
            work.verify("een lang genoeg wachtwoord", None).await,
            Ok(false)
        );
        // Hold every admission slot: the next attempt is refused at once, not queued.
        let held: Vec<_> = (0..5)
            .map(|_| work.admitted.clone().try_acquire_owned().unwrap())
            .collect();
        assert_eq!(work.verify("x", Some(&stored)).await, Err(Busy));
        drop(held);
        assert_eq!(work.verify("fout", Some(&stored)).await, Ok(false));
    }

    #[test]
    fn raised_cost_asks_for_a_rehash() {
        let stored = hash("een lang genoeg wachtwoord").unwrap();
        assert!(!Cost::default().exceeds(&stored));
        let raised = Cost {
            memory_kib: 32_768,
            ..Cost::default()
        };
        assert!(raised.exceeds(&stored));
        let rehashed = hash_with(raised, "een lang genoeg wachtwoord").unwrap();
        assert!(rehashed.contains("m=32768,t=2,p=1"), "{rehashed}");
        assert!(!raised.exceeds(&rehashed));
        assert!(verify("een lang genoeg wachtwoord", &rehashed));
    }

    #[test]
    fn generated_passwords_are_long_and_different() {
        let a = generate();
        assert_eq!(a.len(), 23);
        assert_ne!(a, generate());
    }
}
