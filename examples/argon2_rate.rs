//! Benchmark baseline: how many argon2id password checks this machine does per second with
//! the portal's own hashing code and default cost, on N threads, for a given time.
//!   cargo run --release --example argon2_rate -- THREADS SECONDS

mod common;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let threads: usize = common::arg(0, 2);
    let seconds: u64 = common::arg(1, 10);
    let password = "correct horse battery staple";
    let hash = loondossier::auth::password::hash(password)?;
    let (done, wrong, elapsed) = common::on_threads(threads, seconds, |_| {
        loondossier::auth::password::verify(password, &hash)
    });
    if wrong > 0 {
        return Err("a check of the right password failed".into());
    }
    println!("{:.2}", done as f64 / elapsed.as_secs_f64());
    Ok(())
}
