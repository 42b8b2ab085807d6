//! Password hashes: argon2id with OWASP's parameters (m = 19456 KiB, t = 2, p = 1), stored as
//! PHC strings so the parameters travel with each hash. CPU-heavy: call off the async threads.

use std::sync::Arc;

use argon2::Argon2;
use argon2::password_hash::PasswordHasher;
use argon2::password_hash::phc::PasswordHash;
use rand::Rng;
use tokio::sync::Semaphore;

/// The longest password accepted; checked before hashing so nobody can make us hash megabytes.
pub const MAX_CHARS: usize = 128;

/// Too many password checks are running or waiting, or one waited too long: answer "try
/// again".
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("too many sign-in attempts are being checked right now")]
pub struct Busy;

/// Runs password hashing and verification on the blocking pool, at most `parallel` at a time.
/// Behind them a queue of [`WAITING_PER_CHECK`] × `parallel` callers waits its turn (a wait
/// costs nothing but an open request) for at most [`LONGEST_WAIT`]; beyond either, callers get
/// [`Busy`]. Under a flood the cores thus go to checking passwords, not to turning away
/// retries. Each running check reuses working memory from a pool of at most `parallel`
/// buffers. An unknown username costs one verification all the same, so timing tells nothing.
#[derive(Debug, Clone)]
pub struct PasswordWork {
    running: Arc<Semaphore>,
    admitted: Arc<Semaphore>,
    memory: Arc<MemoryPool>,
    dummy_hash: Arc<str>,
    cost: Cost,
}

/// Working memory of finished checks, for the next ones. At most `parallel` checks run, so at
/// most that many buffers exist.
#[derive(Debug, Default)]
struct MemoryPool(std::sync::Mutex<Vec<Vec<argon2::Block>>>);

impl MemoryPool {
    fn take(&self) -> Vec<argon2::Block> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .pop()
            .unwrap_or_default()
    }

    fn give(&self, memory: Vec<argon2::Block>) {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(memory);
    }
}

/// How many callers may wait per check that can run at once.
pub const WAITING_PER_CHECK: usize = 256;

/// The longest a caller waits for its turn before it is told to try again.
pub const LONGEST_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

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
    /// `parallel` checks at once (about the number of cores).
    pub fn new(parallel: usize) -> Result<Self, HashError> {
        Self::with_cost(parallel, Cost::default())
    }

    pub fn with_cost(parallel: usize, cost: Cost) -> Result<Self, HashError> {
        let parallel = parallel.max(1);
        Ok(Self {
            running: Arc::new(Semaphore::new(parallel)),
            admitted: Arc::new(Semaphore::new(parallel * (1 + WAITING_PER_CHECK))),
            memory: Arc::default(),
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
        let _running = self.turn().await?;
        let known = stored.is_some();
        let hash = stored.map_or_else(|| self.dummy_hash.to_string(), str::to_owned);
        let password = password.to_owned();
        let pool = Arc::clone(&self.memory);
        let matched = tokio::task::spawn_blocking(move || {
            let mut memory = pool.take();
            let matched = verify_in(&password, &hash, &mut memory);
            pool.give(memory);
            matched
        })
        .await
        .map_err(|_| Busy)?;
        Ok(known && matched)
    }

    /// Waits for a running slot, at most [`LONGEST_WAIT`].
    async fn turn(&self) -> Result<tokio::sync::OwnedSemaphorePermit, Busy> {
        tokio::time::timeout(LONGEST_WAIT, self.running.clone().acquire_owned())
            .await
            .map_err(|_| Busy)?
            .map_err(|_| Busy)
    }

    /// Hashes a new password under the same bound.
    pub async fn hash(&self, password: &str) -> Result<String, Busy> {
        let _admitted = self
            .admitted
            .clone()
            .try_acquire_owned()
            .map_err(|_| Busy)?;
        let _running = self.turn().await?;
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
    verify_in(password, hash, &mut Vec::new())
}

/// [`verify`] in the caller's working memory (19 MiB at the default cost), grown as the
/// hash's cost needs. Reusing it keeps a flood of sign-ins from asking the allocator for
/// fresh memory on every check, which it keeps per thread long after.
fn verify_in(password: &str, hash: &str, memory: &mut Vec<argon2::Block>) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return false;
    };
    let Ok(algorithm) = argon2::Algorithm::new(parsed.algorithm.as_str()) else {
        return false;
    };
    let version = match parsed.version.map(argon2::Version::try_from) {
        None => argon2::Version::default(),
        Some(Ok(version)) => version,
        Some(Err(_)) => return false,
    };
    let Ok(params) = argon2::Params::try_from(&parsed) else {
        return false;
    };
    let blocks = params.block_count();
    if memory.len() < blocks {
        memory.resize(blocks, argon2::Block::new());
    }
    let mut out = vec![0u8; expected.as_ref().len()];
    let hasher = Argon2::new(algorithm, version, params);
    if hasher
        .hash_password_into_with_memory(password.as_bytes(), salt, &mut out, &mut memory[..blocks])
        .is_err()
    {
        return false;
    }
    // Output's equality runs in constant time.
    argon2::password_hash::phc::Output::try_from(&out[..]).is_ok_and(|found| found == *expected)
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
        let held: Vec<_> = (0..=WAITING_PER_CHECK)
            .map(|_| work.admitted.clone().try_acquire_owned().unwrap())
            .collect();
        assert_eq!(work.verify("x", Some(&stored)).await, Err(Busy));
        drop(held);
        assert_eq!(work.verify("fout", Some(&stored)).await, Ok(false));
    }

    #[tokio::test(start_paused = true)]
    async fn a_caller_waits_its_turn_but_not_forever() {
        let work = PasswordWork::new(1).unwrap();
        let stored = hash("een lang genoeg wachtwoord").unwrap();
        let running = work.running.clone().try_acquire_owned().unwrap();
        // Freed within the longest wait: the waiting caller gets its answer.
        let release = tokio::spawn(async move {
            tokio::time::sleep(LONGEST_WAIT / 2).await;
            drop(running);
        });
        assert_eq!(
            work.verify("een lang genoeg wachtwoord", Some(&stored))
                .await,
            Ok(true)
        );
        release.await.unwrap();
        // Never freed: "busy" once the longest wait is over.
        let _running = work.running.clone().try_acquire_owned().unwrap();
        assert_eq!(work.verify("x", Some(&stored)).await, Err(Busy));
    }

    #[tokio::test]
    async fn checks_reuse_their_working_memory() {
        let work = PasswordWork::new(1).unwrap();
        let stored = hash("een lang genoeg wachtwoord").unwrap();
        for _ in 0..3 {
            assert_eq!(work.verify("fout", Some(&stored)).await, Ok(false));
        }
        let buffers = work.memory.0.lock().unwrap();
        assert_eq!(buffers.len(), 1, "one buffer, used three times");
        assert_eq!(buffers[0].len(), 19_456, "one block per KiB of m");
    }

    #[test]
    fn reused_memory_gives_the_same_answers() {
        let small = hash("een lang genoeg wachtwoord").unwrap();
        let larger = hash_with(
            Cost {
                memory_kib: 32_768,
                ..Cost::default()
            },
            "een ander wachtwoord",
        )
        .unwrap();
        let mut memory = Vec::new();
        assert!(verify_in("een lang genoeg wachtwoord", &small, &mut memory));
        assert!(verify_in("een ander wachtwoord", &larger, &mut memory));
        assert_eq!(memory.len(), 32_768, "grown for the larger cost");
        assert!(verify_in("een lang genoeg wachtwoord", &small, &mut memory));
        assert!(!verify_in("een ander wachtwoord", &small, &mut memory));
        assert!(!verify_in(
            "een lang genoeg wachtwoord",
            &larger,
            &mut memory
        ));
        let tampered = small.replace("t=2", "t=3");
        assert!(!verify_in(
            "een lang genoeg wachtwoord",
            &tampered,
            &mut memory
        ));
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
