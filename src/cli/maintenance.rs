//! `jobs list|run`, `fsck`, `snapshot` and `restore`: looking after a data directory.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use super::{EXIT_FAILURE, JobsCommand, admin_with_status};
use crate::config::Config;
use crate::jobs::{Job, Runner};

pub fn jobs(config: Config, command: JobsCommand) -> ExitCode {
    if let JobsCommand::List = command {
        for (name, schedule) in &config.jobs {
            let shown = schedule
                .as_deref()
                .filter(|s| !s.is_empty())
                .unwrap_or("disabled");
            println!("{name:<18} {shown}");
        }
        return ExitCode::SUCCESS;
    }
    let JobsCommand::Run { name } = command else {
        return ExitCode::from(EXIT_FAILURE);
    };
    let Some(job) = Job::parse(&name) else {
        let names: Vec<&str> = Job::ALL.iter().map(|j| j.name()).collect();
        eprintln!(
            "loondossier: no job called {name:?}; the jobs are {}",
            names.join(", ")
        );
        return ExitCode::from(EXIT_FAILURE);
    };
    admin_with_status(config, async move |config, services| {
        let mail = crate::mail::worker::mail_round(config).map_err(anyhow::Error::msg)?;
        let runner = Runner::new(Arc::new(services.clone()), mail);
        let report = runner.run(job).await?;
        println!("{}: {} done", job.name(), report.count);
        for note in &report.notes {
            println!("  {note}");
        }
        Ok(if report.problems > 0 {
            println!("{}: {} problems", job.name(), report.problems);
            ExitCode::from(EXIT_FAILURE)
        } else {
            ExitCode::SUCCESS
        })
    })
}

pub fn fsck(config: Config, repair: bool) -> ExitCode {
    admin_with_status(config, async move |_, services| {
        let report = services.fsck(repair).await?;
        println!(
            "{} rows, {} stored files: {} missing, {} damaged, {} without a row, {} stale temporary",
            report.rows,
            report.stored_files,
            report.missing.len(),
            report.damaged.len(),
            report.orphans.len(),
            report.stale_temp.len()
        );
        for line in report
            .missing
            .iter()
            .map(|m| format!("missing: {m}"))
            .chain(report.damaged.iter().map(|d| format!("damaged: {d}")))
        {
            println!("  {line}");
        }
        for path in report.orphans.iter().chain(&report.stale_temp) {
            println!("  unreferenced: {}", path.display());
        }
        if let Some(dir) = &report.quarantine {
            println!("moved the unreferenced files to {}", dir.display());
        } else if !report.orphans.is_empty() || !report.stale_temp.is_empty() {
            println!(
                "(the orphan_sweep job removes unreferenced files; --repair moves them aside now)"
            );
        }
        if !report.rows_ok() {
            println!(
                "rows with missing or damaged files need a restore: see `loondossier restore`"
            );
        }
        Ok(if report.rows_ok() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(EXIT_FAILURE)
        })
    })
}

/// What a command on the bucket needs: its settings, a runtime, and this run's holder line
/// for locks. `Err` is the exit status when the config names no bucket.
fn bucket_command(
    config: &Config,
    what: &str,
) -> Result<(crate::config::S3Config, tokio::runtime::Runtime, String), ExitCode> {
    use crate::clock::Clock;
    let crate::config::StorageConfig::S3(s3) = &config.storage else {
        eprintln!(
            "loondossier: {what}: the config has no bucket\n  fix: set [storage] backend = \
             \"s3\" with endpoint, region, bucket, access_key_id and secret_access_key_file \
             (see config.example.toml), then run this again"
        );
        return Err(ExitCode::from(super::EXIT_CONFIG));
    };
    let Some(runtime) = super::runtime(&mut tokio::runtime::Builder::new_multi_thread()) else {
        return Err(ExitCode::from(EXIT_FAILURE));
    };
    let holder = crate::data_dir::holder_line(crate::clock::SystemClock.now());
    Ok(((**s3).clone(), runtime, holder))
}

/// `storage migrate --to s3`: the files of the data directory into the configured bucket.
pub fn migrate_storage(config: Config, _to: super::StorageTarget) -> ExitCode {
    let (s3, runtime, holder) = match bucket_command(&config, "storage migrate --to s3") {
        Ok(parts) => parts,
        Err(code) => return code,
    };
    let outcome = runtime.block_on(async {
        let data_dir = crate::data_dir::DataDir::open(&config.data_dir)?;
        let objects = crate::blobs::Objects::new(&s3)?;
        objects
            .check(s3.endpoint.as_str())
            .await
            .map_err(|e| match e {
                crate::blobs::objects::Check::Wrong(why)
                | crate::blobs::objects::Check::Unavailable(why) => {
                    anyhow::anyhow!("[storage] {why}")
                }
            })?;
        let migrated = crate::blobs::migrate::to_bucket(&data_dir, &objects, &holder).await?;
        anyhow::Ok((migrated, objects.shown().to_owned()))
    });
    match outcome {
        Ok((migrated, target)) => {
            println!(
                "copied and checked {} ({} bytes) into {target}; {} were there already",
                crate::blobs::files_count(migrated.copied),
                migrated.bytes,
                migrated.skipped
            );
            match (&migrated.moved_aside, &migrated.server) {
                (Some(aside), _) => {
                    println!(
                        "done: every file is in the bucket; start the server with this config"
                    );
                    println!(
                        "the local copies are in {}; remove them once `loondossier fsck` is clean",
                        aside.display()
                    );
                }
                (None, Some(server)) => println!(
                    "a server still serves the local files ({server}): stop it and run this \
                     again to copy what came since and finish"
                ),
                (None, None) => {}
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("loondossier: storage migrate: {e:#}");
            eprintln!("  run it again: files already copied and checked are skipped");
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

/// `restore --bucket <name> --data-dir DIR`: a snapshot kept in the bucket of [storage].
pub fn restore_from_bucket(config: &Config, snapshot: &Path, data_dir: &Path) -> ExitCode {
    let (s3, runtime, holder) = match bucket_command(config, "restore --bucket") {
        Ok(parts) => parts,
        Err(code) => return code,
    };
    let name = snapshot.to_string_lossy().trim_end_matches('/').to_owned();
    let outcome = runtime.block_on(async {
        let objects = crate::blobs::Objects::new(&s3)?;
        match crate::service::snapshot_bucket::restore_from_bucket(
            &objects, &name, data_dir, &holder,
        )
        .await
        {
            Ok(restored) => anyhow::Ok(restored),
            // Name the ones there are: on a new machine the bucket is the only list.
            Err(e @ crate::service::snapshot::SnapshotError::NotASnapshot(_)) => {
                let mut names = objects.folders("snapshots").await.unwrap_or_default();
                names.sort();
                let names = if names.is_empty() {
                    "none".to_owned()
                } else {
                    names.join(", ")
                };
                Err(anyhow::anyhow!("{e}\n  snapshots in the bucket: {names}"))
            }
            Err(e) => Err(e.into()),
        }
    });
    restored(
        outcome.map_err(|e| format!("{e:#}")),
        "checked {files} ({bytes} bytes) in the bucket and restored the database into",
        data_dir,
    )
}

/// What a restore says: the counts (in `done`, `{files}` and `{bytes}` are filled in) and the
/// next step, or why it failed.
fn restored(
    outcome: Result<crate::service::snapshot::Restored, String>,
    done: &str,
    data_dir: &Path,
) -> ExitCode {
    match outcome {
        Ok(restored) => {
            let done = done
                .replace("{files}", &crate::blobs::files_count(restored.files))
                .replace("{bytes}", &restored.bytes.to_string());
            println!("{done} {}", data_dir.display());
            println!("point data_dir in the config at it, then start the server");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("loondossier: restore: {e}");
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

pub fn restore(snapshot: &Path, data_dir: &Path) -> ExitCode {
    use crate::clock::Clock;
    let holder = crate::data_dir::holder_line(crate::clock::SystemClock.now());
    restored(
        crate::service::snapshot::restore(snapshot, data_dir, &holder).map_err(|e| e.to_string()),
        "restored {files} ({bytes} bytes) and the database into",
        data_dir,
    )
}
