//! What the baseline examples share: running one piece of work on N threads for a while.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Runs `work` (given a running number; `false` means it failed and the thread stops) on
/// `threads` threads until `seconds` have passed. Returns how many ran, how many failed and
/// the time taken.
pub fn on_threads(
    threads: usize,
    seconds: u64,
    work: impl Fn(u64) -> bool + Sync,
) -> (u64, u64, Duration) {
    let counter = AtomicU64::new(0);
    let failed = AtomicU64::new(0);
    let until = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                while Instant::now() < until {
                    let n = counter.fetch_add(1, Ordering::Relaxed);
                    if !work(n) {
                        failed.fetch_add(1, Ordering::Relaxed);
                        return;
                    }
                }
            });
        }
    });
    (
        counter.load(Ordering::Relaxed),
        failed.load(Ordering::Relaxed),
        started.elapsed(),
    )
}

/// The `n`-th number among the command-line arguments after the program name, or `default`.
pub fn arg<T: std::str::FromStr>(n: usize, default: T) -> T {
    std::env::args()
        .nth(n + 1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(default)
}
