//! Growing delays after failed sign-in attempts, counted per username tried (known or not) and
//! per client address, kept in the database so a restart does not reset them. A soft lock:
//! never permanent, at most 15 minutes at a time.

use chrono::Duration;

use super::files::RequestContext;
use super::{ServiceError, Services};
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::store::throttle;

/// Failures allowed per username before delays start, and per client address.
const FREE_FAILURES_PER_USERNAME: u32 = 4;
const FREE_FAILURES_PER_ADDRESS: u32 = 19;
/// Delays grow (2 s, 4 s, 8 s, …) to at most this: a soft lock, never a permanent one.
const LONGEST_DELAY: Duration = Duration::minutes(15);

/// The wait after `failures` failures when the first `free` cost nothing.
pub(super) fn delay(failures: u32, free: u32) -> Duration {
    match failures.checked_sub(free) {
        None | Some(0) => Duration::zero(),
        Some(over) => Duration::seconds(1_i64 << over.min(20)).min(LONGEST_DELAY),
    }
}

/// What failed attempts are counted against: the username tried (known or not, so the
/// answer tells nothing about existence) and the client address.
pub(super) fn throttle_subjects(
    username: &str,
    context: RequestContext,
) -> (String, Option<String>) {
    (
        format!("user:{}", username.trim().to_lowercase()),
        context.client_addr.map(|a| format!("addr:{a}")),
    )
}

/// What failed second-factor codes are counted against: the account, whichever password
/// step they follow. A correct password clears only the password's count, so knowing the
/// password buys no fresh code guesses (OWASP ASVS 2.2.1).
pub(super) fn second_factor_subject(account: crate::domain::AccountKey) -> String {
    format!("second-factor:{}", account.0)
}

impl Services {
    /// Refuses quickly while a username or address is in its delay after failed attempts.
    pub(super) async fn check_throttle(
        &self,
        subjects: Vec<String>,
        context: RequestContext,
    ) -> Result<(), ServiceError> {
        let now = self.clock.now();
        let until = self
            .store
            .read(move |conn| -> Result<_, ServiceError> {
                Ok(throttle::blocked_until(conn, &subjects, now)?)
            })
            .await?;
        if let Some(until) = until {
            let event = AuditEvent {
                at: now,
                account: None,
                actor: "anonymous".to_owned(),
                action: AuditAction::LoginThrottled,
                subject: None,
                client_addr: context.client_addr.map(|a| a.to_string()),
                detail: None,
            };
            self.audit.record(event, None).await;
            let seconds = (until - now).num_seconds().max(1);
            return Err(ServiceError::Throttled {
                retry_after_secs: u64::try_from(seconds).unwrap_or(1),
            });
        }
        Ok(())
    }

    /// Counts a failed attempt against the username and the address.
    pub(super) async fn record_failure(
        &self,
        user: String,
        addr: Option<String>,
    ) -> Result<(), ServiceError> {
        let now = self.clock.now();
        self.store
            .write(move |tx| -> Result<(), ServiceError> {
                throttle::record_failure(tx, &user, now, |n| delay(n, FREE_FAILURES_PER_USERNAME))?;
                if let Some(addr) = &addr {
                    throttle::record_failure(tx, addr, now, |n| {
                        delay(n, FREE_FAILURES_PER_ADDRESS)
                    })?;
                }
                Ok(())
            })
            .await
    }
}

impl Services {
    /// Counts a failed attempt against the client address alone (a passkey sign-in names no
    /// username to count against).
    pub(super) async fn record_address_failure(&self, addr: String) -> Result<(), ServiceError> {
        let now = self.clock.now();
        self.store
            .write(move |tx| -> Result<(), ServiceError> {
                throttle::record_failure(tx, &addr, now, |n| delay(n, FREE_FAILURES_PER_ADDRESS))?;
                Ok(())
            })
            .await
    }
}

/// Who asks: the client address, if known.
type Client = Option<std::net::IpAddr>;
/// When the client's current minute began, and how many requests it made in it.
type Window = (chrono::DateTime<chrono::Utc>, u32);

/// An allowance per client address, kept in memory, for requests that are cheap to send and
/// costly to answer (the password-strength hint, ~40 ms of CPU each): `per_minute` per
/// address. At most [`Allowance::MAX_CLIENTS`] addresses are remembered; when that many have
/// asked within the minute, new ones wait too, so a flood from many addresses costs bounded
/// memory and time.
#[derive(Debug)]
pub(super) struct Allowance {
    per_minute: u32,
    used: std::sync::Mutex<std::collections::HashMap<Client, Window>>,
}

impl Allowance {
    const MAX_CLIENTS: usize = 10_000;

    pub(super) fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            used: std::sync::Mutex::default(),
        }
    }

    /// Takes one request's share for `client` at `now`; `Err(seconds)` to wait when its
    /// minute's allowance is used up.
    pub(super) fn take(
        &self,
        client: Option<std::net::IpAddr>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), u64> {
        let minute = Duration::minutes(1);
        let mut used = self
            .used
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if used.len() >= Self::MAX_CLIENTS && !used.contains_key(&client) {
            used.retain(|_, (since, _)| now - *since < minute);
            if used.len() >= Self::MAX_CLIENTS {
                return Err(60);
            }
        }
        let entry = used.entry(client).or_insert((now, 0));
        if now - entry.0 >= minute {
            *entry = (now, 0);
        }
        if entry.1 >= self.per_minute {
            let wait = (entry.0 + minute - now).num_seconds().max(1);
            return Err(u64::try_from(wait).unwrap_or(1));
        }
        entry.1 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_and_stop_at_a_soft_limit() {
        assert_eq!(delay(4, 4), Duration::zero());
        assert_eq!(delay(5, 4), Duration::seconds(2));
        assert_eq!(delay(6, 4), Duration::seconds(4));
        assert_eq!(delay(13, 4), Duration::seconds(512));
        assert_eq!(delay(14, 4), LONGEST_DELAY);
        assert_eq!(delay(500, 4), LONGEST_DELAY);
    }

    #[test]
    fn an_allowance_is_per_address_and_per_minute() {
        let allowance = Allowance::new(3);
        let at = chrono::DateTime::parse_from_rfc3339("2026-12-01T10:00:00Z")
            .unwrap()
            .to_utc();
        let a = Some("192.0.2.1".parse().unwrap());
        let b = Some("192.0.2.2".parse().unwrap());
        for _ in 0..3 {
            allowance.take(a, at).unwrap();
        }
        assert_eq!(allowance.take(a, at + Duration::seconds(20)), Err(40));
        allowance.take(b, at).unwrap();
        allowance.take(a, at + Duration::seconds(60)).unwrap();
    }
}
