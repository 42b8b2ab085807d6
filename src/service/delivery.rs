//! Sending the outbox: render each due message, hand it to the mail server, and record what
//! the server said. A message is marked sent only after the server accepted it; temporary
//! failures wait longer each time, and after the give-up period the message is marked failed.

use chrono::{DateTime, Duration, Utc};

use super::{ServiceError, Services};
use crate::mail::messages::{self, Mail, Unrenderable};
use crate::mail::sender::{Envelope, Mailer, SendError};
use crate::store::outbox::{self, Due, Summary};

/// How many messages one round takes on.
const BATCH: usize = 50;
/// The first retry waits this long; each next one twice as long, up to [`MAX_WAIT`].
const FIRST_WAIT_SECS: i64 = 60;
const MAX_WAIT_SECS: i64 = 6 * 60 * 60;

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Round {
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
}

/// The wait before the next attempt after `attempts` failed ones.
fn backoff(attempts: i64) -> Duration {
    let doublings = u32::try_from(attempts.clamp(0, 20)).unwrap_or(20);
    let secs = FIRST_WAIT_SECS.saturating_mul(1_i64 << doublings);
    Duration::seconds(secs.min(MAX_WAIT_SECS))
}

/// What to record for a failed attempt: a retry time, or `None` to give up.
fn next_attempt(due: &Due, now: DateTime<Utc>, give_up_after: Duration) -> Option<DateTime<Utc>> {
    let next = now + backoff(due.attempts);
    (next <= due.created_at + give_up_after).then_some(next)
}

impl Services {
    /// Sends every due message once; returns what happened.
    pub async fn deliver_outbox(
        &self,
        mailer: &Mailer,
        give_up_after: Duration,
    ) -> Result<Round, ServiceError> {
        let now = self.clock.now();
        let due = self
            .store
            .read(move |c| -> Result<_, ServiceError> { Ok(outbox::due(c, now, BATCH)?) })
            .await?;
        let mut round = Round::default();
        let host = message_id_host(&self.public_url());
        for item in due {
            let params = messages::open_params(&self.sealer, &item.mail.params).ok_or_else(|| {
                Unrenderable(format!("{}: sealed with another key", item.mail.message))
            });
            let rendered = params
                .and_then(|p| Mail::from_row(item.mail.message, &p))
                .map(|mail| {
                    messages::render(&mail, &item.mail.language, &self.settings.installation_name)
                });
            let outcome = match rendered {
                Err(e) => Err(SendError::Permanent(e.to_string())),
                Ok(message) => {
                    let envelope = Envelope {
                        to: &item.mail.to,
                        message: &message,
                        message_id: format!(
                            "{}.{}@{host}",
                            item.id,
                            item.created_at.timestamp_micros()
                        ),
                        date: self.clock.now(),
                    };
                    mailer.send(&envelope).await
                }
            };
            let now = self.clock.now();
            let id = item.id;
            let record = match outcome {
                Ok(()) => {
                    round.sent += 1;
                    Record::Sent
                }
                Err(SendError::Temporary(error)) => match next_attempt(&item, now, give_up_after) {
                    Some(next) => {
                        round.retrying += 1;
                        Record::Retry(error, next)
                    }
                    None => {
                        round.failed += 1;
                        Record::Failed(format!("gave up after repeated failures: {error}"))
                    }
                },
                Err(SendError::Permanent(error)) => {
                    round.failed += 1;
                    Record::Failed(error)
                }
            };
            if let Record::Retry(error, _) | Record::Failed(error) = &record {
                // The address is personal data; the row id is enough to find it.
                tracing::warn!(outbox_id = id, message = item.mail.message, %error, "mail not delivered");
            }
            self.store
                .write(move |tx| -> Result<_, ServiceError> {
                    match record {
                        Record::Sent => outbox::mark_sent(tx, id, now)?,
                        Record::Retry(error, next) => outbox::mark_retry(tx, id, &error, next)?,
                        Record::Failed(error) => outbox::mark_failed(tx, id, &error)?,
                    }
                    Ok(())
                })
                .await?;
        }
        Ok(round)
    }

    /// Queued, failed and sent counts with the latest errors, for `mail status`.
    pub async fn outbox_summary(&self) -> Result<Summary, ServiceError> {
        self.store
            .read(|c| -> Result<_, ServiceError> { Ok(outbox::summary(c, 10)?) })
            .await
    }

    /// Puts every failed message back in the queue, for `mail retry`.
    pub async fn retry_failed_mail(&self) -> Result<usize, ServiceError> {
        let now = self.clock.now();
        self.store
            .write(move |tx| -> Result<_, ServiceError> { Ok(outbox::retry_failed(tx, now)?) })
            .await
    }
}

enum Record {
    Sent,
    Retry(String, DateTime<Utc>),
    Failed(String),
}

/// The right-hand side of Message-IDs: the portal's host name.
fn message_id_host(public_url: &str) -> String {
    url::Url::parse(public_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| "loondossier.invalid".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_six_hours() {
        assert_eq!(backoff(0), Duration::seconds(60));
        assert_eq!(backoff(1), Duration::seconds(120));
        assert_eq!(backoff(5), Duration::seconds(1920));
        assert_eq!(backoff(9), Duration::hours(6));
        assert_eq!(backoff(1000), Duration::hours(6));
    }

    #[test]
    fn gives_up_once_the_period_is_over() {
        let created = DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .expect("time");
        let due = Due {
            id: 1,
            created_at: created,
            attempts: 3,
            mail: crate::store::outbox::Queued {
                account: None,
                to: "a@example.nl".to_owned(),
                message: "reset_password",
                language: "nl".to_owned(),
                params: serde_json::Value::Null,
            },
        };
        let three_days = Duration::days(3);
        let early = created + Duration::hours(1);
        assert_eq!(
            next_attempt(&due, early, three_days),
            Some(early + Duration::seconds(480))
        );
        let late = created + Duration::days(3) - Duration::seconds(100);
        assert_eq!(next_attempt(&due, late, three_days), None);
    }
}
