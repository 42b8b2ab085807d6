//! What this installation's background work has done since the process started: mail rounds
//! and job runs. The metrics count per process; this counts per installation, so a check (or a
//! test) can wait for "the next round" rather than for a while.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Counters of finished background work.
#[derive(Debug, Default)]
pub struct Activity {
    mail_rounds: AtomicU64,
    jobs: Mutex<BTreeMap<&'static str, JobTally>>,
}

/// How often one job has finished since start, and how often of those it failed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct JobTally {
    pub finished: u64,
    pub failed: u64,
}

impl Activity {
    /// Mail rounds completed (by the worker, the `outbox` job or `jobs run outbox`).
    pub fn mail_rounds(&self) -> u64 {
        self.mail_rounds.load(Ordering::Acquire)
    }

    pub(crate) fn mail_round_done(&self) {
        self.mail_rounds.fetch_add(1, Ordering::AcqRel);
    }

    /// The tally of the job named `name` (as in `[jobs]`).
    pub fn job(&self, name: &str) -> JobTally {
        self.jobs
            .lock()
            .map(|jobs| jobs.get(name).copied().unwrap_or_default())
            .unwrap_or_default()
    }

    pub(crate) fn job_done(&self, name: &'static str, failed: bool) {
        if let Ok(mut jobs) = self.jobs.lock() {
            let tally = jobs.entry(name).or_default();
            tally.finished += 1;
            tally.failed += u64::from(failed);
        }
    }
}
