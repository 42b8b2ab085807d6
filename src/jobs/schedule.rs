//! The scheduler: tokio-cron-scheduler runs each job on its `[jobs]` cron expression (in
//! the server's local time); a job still running when its next turn comes is not started
//! twice.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio_cron_scheduler::{Job as CronJob, JobScheduler};

use super::{Job, Runner};

/// The running scheduler; stop it with [`Scheduler::shutdown`].
pub struct Scheduler {
    inner: JobScheduler,
}

impl std::fmt::Debug for Scheduler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scheduler").finish_non_exhaustive()
    }
}

impl Scheduler {
    /// Starts every job that has a schedule (`None` or `""` disables one).
    pub async fn start(
        runner: Runner,
        schedules: &[(&'static str, Option<String>)],
    ) -> Result<Scheduler, String> {
        let inner = JobScheduler::new().await.map_err(|e| e.to_string())?;
        for (name, schedule) in schedules {
            let Some(job) = Job::parse(name) else {
                continue;
            };
            let Some(expr) = schedule.as_deref().filter(|s| !s.trim().is_empty()) else {
                tracing::info!(job = name, "job disabled");
                continue;
            };
            let runner = runner.clone();
            let busy = Arc::new(AtomicBool::new(false));
            let cron = CronJob::new_async_tz(expr, chrono::Local, move |_, _| {
                let runner = runner.clone();
                let busy = Arc::clone(&busy);
                Box::pin(async move {
                    if busy.swap(true, Ordering::AcqRel) {
                        tracing::warn!(
                            job = job.name(),
                            "job still running from its last turn; skipped"
                        );
                        return;
                    }
                    // A panic inside a job stays inside its task.
                    let outcome = tokio::spawn(async move { runner.run_logged(job).await }).await;
                    if let Err(e) = outcome {
                        tracing::error!(job = job.name(), error = %e, "job crashed");
                    }
                    busy.store(false, Ordering::Release);
                })
            })
            .map_err(|e| format!("[jobs] {name}: {e}"))?;
            inner.add(cron).await.map_err(|e| e.to_string())?;
            tracing::info!(job = name, schedule = expr, "job scheduled");
        }
        inner.start().await.map_err(|e| e.to_string())?;
        Ok(Scheduler { inner })
    }

    pub async fn shutdown(mut self) {
        if let Err(e) = self.inner.shutdown().await {
            tracing::warn!(error = %e, "stopping the scheduler");
        }
    }
}
