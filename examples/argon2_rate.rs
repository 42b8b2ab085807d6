//! Benchmark baseline: how many argon2id password checks this machine does per second with
//! the portal's own hashing code and default cost, on N threads, for a given time.
//!   cargo run --release --example argon2_rate -- THREADS SECONDS

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let threads: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(2);
    let seconds: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(10);
    let password = "correct horse battery staple";
    let hash = loondossier::auth::password::hash(password)?;
    let done = AtomicU64::new(0);
    let wrong = AtomicU64::new(0);
    let until = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                while Instant::now() < until {
                    if !loondossier::auth::password::verify(password, &hash) {
                        wrong.fetch_add(1, Ordering::Relaxed);
                    }
                    done.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    if wrong.load(Ordering::Relaxed) > 0 {
        return Err("a check of the right password failed".into());
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!("{:.2}", done.load(Ordering::Relaxed) as f64 / elapsed);
    Ok(())
}
