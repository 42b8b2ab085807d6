//! The retention jobs: backups beyond the newest N, payroll files past the fiscal retention
//! period, leavers' own uploads, the trash, expired sign-in state. Each removes rows in one
//! transaction together with its audit line, then the files, then empties the WAL.

use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Europe::Amsterdam;

use super::{ServiceError, Services};
use crate::blobs::{BlobError, FileId};
use crate::domain::DocumentKind;
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::store::retention::{self, Doomed};
use crate::store::{Connection, StoreError, audit};

/// What a job did, for its log line and `jobs run`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobReport {
    /// Rows or files removed (or, for a snapshot, files in it).
    pub count: u64,
    /// Further facts worth a line each: what was made, what is wrong.
    pub notes: Vec<String>,
    /// Problems found (the integrity check); 0 for a job that only removes.
    pub problems: u64,
}

/// Which table the doomed rows are in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rows {
    Documents,
    Backups,
    Requests,
}

/// The calendar year in the Netherlands at `now`: retention periods end at midnight in
/// Amsterdam on 31 December, not at midnight UTC.
pub fn dutch_year(now: DateTime<Utc>) -> i32 {
    now.with_timezone(&Amsterdam).year()
}

/// Midnight in Amsterdam at the start of 1 January of `year`, in UTC.
fn start_of_dutch_year(year: i32) -> DateTime<Utc> {
    use chrono::TimeZone;
    Amsterdam
        .with_ymd_and_hms(year, 1, 1, 0, 0, 0)
        .earliest()
        .map_or(DateTime::<Utc>::MIN_UTC, |t| t.with_timezone(&Utc))
}

/// The audit line of a job's removal: who (the job), and in the detail what and how many.
fn purge_event(job: &'static str, at: DateTime<Utc>, detail: &serde_json::Value) -> AuditEvent {
    AuditEvent {
        at,
        account: None,
        actor: format!("job {job}"),
        action: AuditAction::Purged,
        subject: None,
        client_addr: None,
        detail: Some(detail.to_string()),
    }
}

impl Services {
    /// Writes an audit line for a removal that is not of rows (files, expired sign-in state).
    pub(super) async fn note_purge(&self, job: &'static str, detail: serde_json::Value) {
        let event = purge_event(job, self.clock.now(), &detail);
        self.audit.record(event, None).await;
    }

    /// Removes the rows `find` picks (in the same transaction, with one audit line naming
    /// them), then their files, then folds the WAL so no old copy of the rows stays there.
    async fn remove<F>(
        &self,
        job: &'static str,
        rows: Rows,
        find: F,
    ) -> Result<JobReport, ServiceError>
    where
        F: FnOnce(&Connection) -> Result<Vec<Doomed>, StoreError> + Send + 'static,
    {
        let now = self.clock.now();
        let doomed = self
            .store
            .write(move |tx| -> Result<Vec<Doomed>, ServiceError> {
                let doomed = find(tx)?;
                if doomed.is_empty() {
                    return Ok(doomed);
                }
                match rows {
                    Rows::Documents => retention::remove_documents(tx, &doomed)?,
                    Rows::Backups => retention::remove_backups(tx, &doomed)?,
                    Rows::Requests => retention::remove_requests(tx, &doomed)?,
                };
                let ids: Vec<String> = doomed.iter().map(|d| d.public_id.to_string()).collect();
                let detail = serde_json::json!({
                    "job": job,
                    "what": match rows {
                        Rows::Documents => "documents",
                        Rows::Backups => "backups",
                        Rows::Requests => "requests",
                    },
                    "count": doomed.len(),
                    "ids": ids,
                });
                audit::append(tx, &[purge_event(job, now, &detail)])?;
                Ok(doomed)
            })
            .await?;
        let mut report = JobReport {
            count: doomed.len() as u64,
            ..JobReport::default()
        };
        if doomed.is_empty() {
            return Ok(report);
        }
        // The rows are gone for good; only now the files (a crash in between leaves orphans
        // for the sweep, never a row without its file).
        let files: Vec<String> = doomed.into_iter().flat_map(|d| d.files).collect();
        let still_used = self
            .store
            .read(move |conn| -> Result<Vec<(String, bool)>, StoreError> {
                let referenced = retention::referenced_files(conn)?;
                Ok(files
                    .into_iter()
                    .map(|f| {
                        let used = referenced.contains(&f);
                        (f, used)
                    })
                    .collect())
            })
            .await?;
        for (file, used) in still_used {
            let Some(id) = FileId::parse(&file).filter(|_| !used) else {
                continue;
            };
            match self.blobs.delete(id).await {
                Ok(()) | Err(BlobError::NotFound) => {}
                Err(e) => report
                    .notes
                    .push(format!("could not remove file {file}: {e}")),
            }
        }
        if !self.store.truncate_wal().await? {
            report
                .notes
                .push("the WAL could not be emptied completely (readers were busy); it will be at the next checkpoint".to_owned());
        }
        Ok(report)
    }

    /// `backup_retention`: keeps the newest `[backups] keep` backups per client.
    pub async fn run_backup_retention(&self) -> Result<JobReport, ServiceError> {
        let keep = self.settings.backups_keep;
        self.remove("backup_retention", Rows::Backups, move |conn| {
            retention::backups_beyond(conn, keep)
        })
        .await
    }

    /// `payroll_retention`: payroll files of year Y go on 1 January of Y + N + 1 (Dutch
    /// time), N being `[retention] payroll_years` — every version of them. Requests are part of
    /// the payroll administration (an expense claim's receipt is a fiscal record, AWR art. 52):
    /// one closed (withdrawn, rejected or processed) in year Y goes on the same day, with its
    /// receipts; one still waiting for the employer or for payroll software stays.
    pub async fn run_payroll_retention(&self) -> Result<JobReport, ServiceError> {
        let years = i32::from(self.settings.retention.payroll_years);
        let first_kept = dutch_year(self.clock.now()) - years;
        let mut report = self
            .remove("payroll_retention", Rows::Documents, move |conn| {
                retention::payroll_before(conn, first_kept)
            })
            .await?;
        let before = start_of_dutch_year(first_kept);
        let requests = self
            .remove("payroll_retention", Rows::Requests, move |conn| {
                retention::requests_closed_before(conn, before)
            })
            .await?;
        if requests.count > 0 {
            report.notes.push(format!(
                "{} closed requests with their receipts",
                requests.count
            ));
        }
        report.count += requests.count;
        report.notes.extend(requests.notes);
        Ok(report)
    }

    /// `upload_retention`: an employee's own uploads go on 1 January of E + N + 1 (Dutch
    /// time), E being the year the employment ended and N the years for the upload's kind.
    pub async fn run_upload_retention(&self) -> Result<JobReport, ServiceError> {
        let this_year = dutch_year(self.clock.now());
        let rules: Vec<(DocumentKind, i32)> = DocumentKind::ALL
            .into_iter()
            .filter(|k| k.is_upload_kind())
            .map(|k| {
                (
                    k,
                    this_year - i32::from(self.settings.retention.upload_years_for(k)),
                )
            })
            .collect();
        self.remove("upload_retention", Rows::Documents, move |conn| {
            let mut doomed = Vec::new();
            for (kind, ended_before) in rules {
                doomed.extend(retention::uploads_of_leavers(conn, kind, ended_before)?);
            }
            Ok(doomed)
        })
        .await
    }

    /// `trash_purge`: retracted and deleted documents, `[retention] trash_days` after.
    pub async fn run_trash_purge(&self) -> Result<JobReport, ServiceError> {
        let before = self.clock.now()
            - chrono::Duration::days(i64::from(self.settings.retention.trash_days));
        self.remove("trash_purge", Rows::Documents, move |conn| {
            retention::trash_before(conn, before)
        })
        .await
    }

    /// `session_purge`: ended sessions, used or expired links, sign-in throttles a day after
    /// the last failure, and idempotency answers after a week (payroll software retrying
    /// after a long outage still gets its first answer).
    pub async fn run_session_purge(&self) -> Result<JobReport, ServiceError> {
        let now = self.clock.now();
        let idle_since = now - self.settings.sessions.idle;
        let day_ago = now - chrono::Duration::days(1);
        let week_ago = now - chrono::Duration::days(7);
        let purged = self
            .store
            .write(move |tx| -> Result<_, ServiceError> {
                Ok(retention::purge_expired(
                    tx, now, idle_since, day_ago, week_ago,
                )?)
            })
            .await?;
        let count = purged.sessions
            + purged.links
            + purged.throttles
            + purged.idempotency_keys
            + purged.mail_fields;
        if count > 0 {
            self.note_purge(
                "session_purge",
                serde_json::json!({
                    "job": "session_purge", "what": "sign-in state", "count": count,
                    "sessions": purged.sessions, "links": purged.links,
                    "throttles": purged.throttles, "idempotency_keys": purged.idempotency_keys,
                    "mail_fields": purged.mail_fields,
                }),
            )
            .await;
        }
        Ok(JobReport {
            count: count as u64,
            notes: vec![format!(
                "{} sessions, {} links, {} sign-in throttles, {} idempotency answers, the fields of {} sent mails",
                purged.sessions,
                purged.links,
                purged.throttles,
                purged.idempotency_keys,
                purged.mail_fields
            )],
            problems: 0,
        })
    }
}
