//! Benchmark baseline: the raw durable-write rate of this disk for files like payslips —
//! write a temp file, fsync it, rename it into a shard directory, fsync the directory — on
//! N threads, as the file store does for every upload.
//!   cargo run --release --example durable_writes -- DIR THREADS SECONDS FILE_BYTES

use std::io::Write;
use std::path::Path;

mod common;

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
    let dir = std::path::PathBuf::from(
        std::env::args()
            .nth(1)
            .ok_or("usage: durable_writes DIR …")?,
    );
    let threads: usize = common::arg(1, 2);
    let seconds: u64 = common::arg(2, 10);
    let size: usize = common::arg(3, 50_000);
    let (tmp, files) = (dir.join("tmp"), dir.join("files"));
    std::fs::create_dir_all(&tmp)?;
    let body = vec![0x25u8; size];
    let (written, failed, elapsed) =
        common::on_threads(threads, seconds, |n| store(&tmp, &files, n, &body).is_ok());
    std::fs::remove_dir_all(&dir)?;
    if failed > 0 {
        return Err("a write failed".into());
    }
    println!("{:.2}", written as f64 / elapsed.as_secs_f64());
    Ok(())
}
