//! Scheduled jobs: what each is called, and running one. The scheduler runs them on the
//! cron expressions in `[jobs]`; `loondossier jobs run NAME` and the tests call [`Runner::run`]
//! directly. Every job takes "now" from the services' clock.

mod schedule;

use std::sync::Arc;

pub use schedule::Scheduler;

use crate::data_dir::Task;
use crate::mail::sender::Mailer;
use crate::service::{JobReport, ServiceError, Services};

/// The jobs, by their names in `[jobs]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Job {
    Outbox,
    BackupRetention,
    PayrollRetention,
    UploadRetention,
    TrashPurge,
    SessionPurge,
    OrphanSweep,
    Snapshot,
    Integrity,
}

impl Job {
    pub const ALL: [Job; 9] = [
        Job::Outbox,
        Job::BackupRetention,
        Job::PayrollRetention,
        Job::UploadRetention,
        Job::TrashPurge,
        Job::SessionPurge,
        Job::OrphanSweep,
        Job::Snapshot,
        Job::Integrity,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Job::Outbox => "outbox",
            Job::BackupRetention => "backup_retention",
            Job::PayrollRetention => "payroll_retention",
            Job::UploadRetention => "upload_retention",
            Job::TrashPurge => "trash_purge",
            Job::SessionPurge => "session_purge",
            Job::OrphanSweep => "orphan_sweep",
            Job::Snapshot => "snapshot",
            Job::Integrity => "integrity",
        }
    }

    pub fn parse(name: &str) -> Option<Job> {
        Job::ALL.into_iter().find(|j| j.name() == name)
    }
}

/// Sending mail from the outbox: one round at a time per data directory, whoever starts it
/// (the mail worker, the scheduled `outbox` job, or `jobs run outbox` in another process):
/// two rounds at once would both send the same due message.
#[derive(Clone)]
pub struct MailRound {
    pub mailer: Mailer,
    pub give_up_after: chrono::Duration,
}

/// How long a mail round waits for another one to finish.
const MAIL_ROUND_WAIT: std::time::Duration = std::time::Duration::from_secs(60);

impl MailRound {
    /// Queues due new-document notices, then sends what is due; waits up to a minute for a
    /// round under way elsewhere.
    pub async fn run(&self, services: &Services) -> Result<JobReport, ServiceError> {
        let _one_at_a_time = services.lock_task(Task::MailRound, MAIL_ROUND_WAIT).await?;
        self.round(services).await
    }

    /// A round only if no other is under way (`None` then): the mail worker's every-few-
    /// seconds turn, which never waits for the scheduled job or `jobs run outbox`.
    pub async fn run_if_free(
        &self,
        services: &Services,
    ) -> Result<Option<JobReport>, ServiceError> {
        match services
            .lock_task(Task::MailRound, std::time::Duration::ZERO)
            .await
        {
            Ok(_one_at_a_time) => self.round(services).await.map(Some),
            Err(ServiceError::Maintenance(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn round(&self, services: &Services) -> Result<JobReport, ServiceError> {
        let queued = services.queue_notifications().await?;
        let round = services
            .deliver_outbox(&self.mailer, self.give_up_after)
            .await?;
        services.activity().mail_round_done();
        Ok(JobReport {
            count: (round.sent + round.retrying + round.failed) as u64,
            notes: vec![format!(
                "{queued} notices queued; {} sent, {} to retry, {} failed",
                round.sent, round.retrying, round.failed
            )],
            problems: round.failed as u64,
        })
    }
}

/// Runs jobs against one installation.
#[derive(Clone)]
pub struct Runner {
    services: Arc<Services>,
    mail: Option<MailRound>,
}

impl Runner {
    /// `mail` is `None` without an `[smtp]` section: the outbox job then only queues notices.
    pub fn new(services: Arc<Services>, mail: Option<MailRound>) -> Self {
        Self { services, mail }
    }

    pub async fn run(&self, job: Job) -> Result<JobReport, ServiceError> {
        let services = &self.services;
        match job {
            Job::Outbox => match &self.mail {
                Some(mail) => mail.run(services).await,
                None => {
                    let queued = services.queue_notifications().await?;
                    Ok(JobReport {
                        count: 0,
                        notes: vec![format!(
                            "{queued} notices queued; no [smtp] section, so nothing is sent"
                        )],
                        problems: 0,
                    })
                }
            },
            Job::BackupRetention => services.run_backup_retention().await,
            Job::PayrollRetention => services.run_payroll_retention().await,
            Job::UploadRetention => services.run_upload_retention().await,
            Job::TrashPurge => services.run_trash_purge().await,
            Job::SessionPurge => services.run_session_purge().await,
            Job::OrphanSweep => services.run_orphan_sweep().await,
            Job::Snapshot => services.run_snapshot().await,
            Job::Integrity => services.run_integrity().await,
        }
    }

    /// Runs a job and logs its start, its result and how long it took; an error is logged,
    /// never passed on (one failing job must not stop the server or the other jobs).
    pub async fn run_logged(&self, job: Job) -> Option<JobReport> {
        let started = std::time::Instant::now();
        tracing::info!(job = job.name(), "job started");
        let outcome = self.run(job).await;
        let label = match &outcome {
            Ok(report) if report.problems > 0 => "problems",
            Ok(_) => "ok",
            Err(_) => "error",
        };
        self.services
            .activity()
            .job_done(job.name(), label == "error");
        crate::metrics::METRICS
            .jobs
            .get_or_create(&crate::metrics::JobLabels {
                job: job.name().to_owned(),
                outcome: label.to_owned(),
            })
            .inc();
        match outcome {
            Ok(report) => {
                let ms = started.elapsed().as_millis() as u64;
                if report.problems > 0 {
                    tracing::warn!(job = job.name(), count = report.count, problems = report.problems, ms, notes = ?report.notes, "job finished with problems");
                } else {
                    tracing::info!(job = job.name(), count = report.count, ms, notes = ?report.notes, "job finished");
                }
                Some(report)
            }
            Err(e) => {
                tracing::error!(job = job.name(), error = %e, "job failed");
                None
            }
        }
    }
}
