//! Failed sign-in attempts per subject (a username, a client address): stored so a restart
//! does not reset them, decaying after a quiet hour.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction};

use super::StoreError;
use super::time::{from_db, to_db};

/// The latest moment any of `subjects` is blocked until, if still in the future.
pub fn blocked_until(
    conn: &Connection,
    subjects: &[String],
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let mut latest = None;
    for subject in subjects {
        let until: Option<String> = conn
            .prepare_cached("SELECT blocked_until FROM sign_in_throttle WHERE subject = ?1")?
            .query_row([subject], |r| r.get(0))
            .optional()?;
        if let Some(until) = until {
            let until = from_db(&until, 0)?;
            if until > now && latest.is_none_or(|l| until > l) {
                latest = Some(until);
            }
        }
    }
    Ok(latest)
}

/// Counts one more failure for `subject` and blocks it for `delay(failures)`; a failure after
/// a quiet hour starts the count again.
pub fn record_failure(
    tx: &Transaction<'_>,
    subject: &str,
    now: DateTime<Utc>,
    delay: impl Fn(u32) -> Duration,
) -> Result<u32, StoreError> {
    let previous: Option<(u32, String)> = tx
        .prepare_cached(
            "SELECT failures, last_failure_at FROM sign_in_throttle WHERE subject = ?1",
        )?
        .query_row([subject], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let failures = match previous {
        Some((count, last)) if now - from_db(&last, 1)? < Duration::hours(1) => count + 1,
        _ => 1,
    };
    tx.prepare_cached(
        "INSERT INTO sign_in_throttle (subject, failures, last_failure_at, blocked_until) \
         VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (subject) DO UPDATE SET failures = ?2, last_failure_at = ?3, blocked_until = ?4",
    )?
    .execute((subject, failures, to_db(now), to_db(now + delay(failures))))?;
    Ok(failures)
}

/// Forgets the failures of `subject` (after a successful sign-in).
pub fn clear(tx: &Transaction<'_>, subject: &str) -> Result<(), StoreError> {
    tx.prepare_cached("DELETE FROM sign_in_throttle WHERE subject = ?1")?
        .execute([subject])?;
    Ok(())
}

/// Removes entries that have been quiet for a day.
pub fn purge(tx: &Transaction<'_>, now: DateTime<Utc>) -> Result<usize, StoreError> {
    Ok(tx
        .prepare_cached(
            "DELETE FROM sign_in_throttle WHERE last_failure_at < ?1 AND blocked_until < ?1",
        )?
        .execute([to_db(now - Duration::days(1))])?)
}
