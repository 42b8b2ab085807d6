//! Benchmark baseline: the raw durable-write rate of this disk for files like payslips —
//! write a temp file, fsync it, rename it into a shard directory, fsync the directory — on
//! N threads, as the file store does for every upload.
//!   cargo run --release --example durable_writes -- DIR THREADS SECONDS FILE_BYTES

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// One durable write: temp file, fsync, rename into its shard, fsync of the shard.
fn store(tmp: &Path, files: &Path, n: u64, body: &[u8]) -> std::io::Result<()> {
    let name = format!("{n:032x}");
    let temp = tmp.join(&name);
    let mut file = std::fs::File::create(&temp)?;
    file.write_all(body)?;
    file.sync_all()?;
    let shard = files.join(&name[30..]);
    std::fs::create_dir_all(&shard)?;
    std::fs::rename(&temp, shard.join(&name))?;
    std::fs::File::open(&shard)?.sync_all()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().ok_or("usage: durable_writes DIR …")?);
    let threads: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(2);
    let seconds: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(10);
    let size: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(50_000);
    let (tmp, files) = (dir.join("tmp"), dir.join("files"));
    std::fs::create_dir_all(&tmp)?;
    let body = vec![0x25u8; size];
    let counter = AtomicU64::new(0);
    let failed = AtomicU64::new(0);
    let until = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                while Instant::now() < until {
                    let n = counter.fetch_add(1, Ordering::Relaxed);
                    if store(&tmp, &files, n, &body).is_err() {
                        failed.fetch_add(1, Ordering::Relaxed);
                        return;
                    }
                }
            });
        }
    });
    let elapsed = started.elapsed().as_secs_f64();
    std::fs::remove_dir_all(&dir)?;
    if failed.load(Ordering::Relaxed) > 0 {
        return Err("a write failed".into());
    }
    println!("{:.2}", counter.load(Ordering::Relaxed) as f64 / elapsed);
    Ok(())
}
