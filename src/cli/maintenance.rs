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

pub fn restore(snapshot: &Path, data_dir: &Path) -> ExitCode {
    use crate::clock::Clock;
    let holder = crate::data_dir::holder_line(crate::clock::SystemClock.now());
    match crate::service::snapshot::restore(snapshot, data_dir, &holder) {
        Ok(restored) => {
            println!(
                "restored {} files ({} bytes) and the database into {}",
                restored.files,
                restored.bytes,
                data_dir.display()
            );
            println!("point data_dir in the config at it, then start the server");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("loondossier: restore: {e}");
            ExitCode::from(EXIT_FAILURE)
        }
    }
}
