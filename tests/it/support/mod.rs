//! Test support: the app started in-process on port 0 with a temp data dir and a manual clock,
//! the compiled binary started as a child process, and certificates made at test time.

#![allow(
    dead_code,
    reason = "each test module uses a different part of the support code"
)]

mod binary;
mod browser;
mod certs;
pub mod garage;
pub mod ports;
mod smtp;
mod webdriver;

pub use binary::{Binary, ServerProcess};
pub use browser::{Browser, csrf_in, demo, demo_bureau_token, login};
pub use certs::TestCert;
pub use smtp::{Received, SmtpOptions, SmtpServer};
pub use webdriver::{Chrome, axe_violations};

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::TimeZone;
use loondossier::app::{App, Running};
use loondossier::clock::ManualClock;
use loondossier::config::Config;

/// A running in-process server and everything it lives on.
pub struct TestApp {
    pub running: Running,
    pub clock: ManualClock,
    pub data_dir: PathBuf,
    pub client: reqwest::Client,
    /// Authenticator secrets of accounts the tests set up, by username.
    pub totp_secrets: std::sync::Mutex<std::collections::HashMap<String, Vec<u8>>>,
    _tmp: tempfile::TempDir,
}

impl TestApp {
    /// Plain HTTP on 127.0.0.1:0 with default settings.
    pub async fn start() -> Self {
        Self::start_with("").await
    }

    /// Starts with extra config text; `data_dir` and `[http] listen` are set by the harness
    /// unless `extra` has its own `[http]` section.
    pub async fn start_with(extra: &str) -> Self {
        let tmp = tempfile::tempdir().expect("temp dir");
        let text = config_text(tmp.path(), extra);
        Self::start_in(tmp, &text).await
    }

    pub async fn start_in(tmp: tempfile::TempDir, text: &str) -> Self {
        loondossier::tls::install_default_provider();
        let path = tmp.path().join("loondossier.toml");
        std::fs::write(&path, text).expect("write config");
        let config = Config::from_toml(text, Some(&path)).expect("valid test config");
        let clock = ManualClock::new(
            chrono::Utc
                .with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
                .single()
                .expect("valid time"),
        );
        let app = App::build(config, Arc::new(clock.clone())).expect("app builds");
        let running = app.start().await.expect("app starts");
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Self {
            running,
            clock,
            data_dir: tmp.path().join("data"),
            client,
            totp_secrets: Default::default(),
            _tmp: tmp,
        }
    }

    /// The current code of an account's authenticator app, at `offset_steps` from now.
    pub fn totp_code(&self, username: &str, offset_steps: i64) -> String {
        let secrets = self.totp_secrets.lock().expect("secrets");
        let secret = secrets.get(username).expect("enrolled account");
        let now = self.clock_now_unix() + offset_steps * 30;
        loondossier::auth::totp::code_at(secret, u64::try_from(now).expect("time"))
    }

    pub fn clock_now_unix(&self) -> i64 {
        use loondossier::clock::Clock;
        self.clock.now().timestamp()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.running.url())
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    pub async fn stop(self) {
        self.running.shutdown().await;
    }
}

/// A valid BSN (the eleven-test) for a number: eight digits from it, the ninth solved for.
pub fn valid_bsn(n: u32) -> String {
    (0..)
        .map(|k| {
            let digits: Vec<u32> = format!("{:08}", (n * 7919 + k * 104_729) % 100_000_000)
                .bytes()
                .map(|b| u32::from(b - b'0'))
                .collect();
            let sum: u32 = digits.iter().zip((2..=9).rev()).map(|(d, w)| d * w).sum();
            (digits, sum % 11)
        })
        .find(|(digits, last)| *last <= 9 && digits[0] != 0)
        .map(|(digits, last)| digits.iter().chain([&last]).map(u32::to_string).collect())
        .unwrap()
}

/// A config file body with the data dir inside `dir` and a port-0 listener. `extra` may start
/// with top-level keys and go on with sections.
///
/// With `LOONDOSSIER_TEST_STORAGE=s3` the files go to a bucket of the shared Garage cluster
/// (under a prefix of this test's own) unless `extra` has its own `[storage]`.
pub fn config_text(dir: &Path, extra: &str) -> String {
    let mut text = format!("data_dir = \"{}\"\n{extra}", dir.join("data").display());
    if !extra.contains("[http]") {
        text.push_str("\n[http]\nlisten = \"127.0.0.1:0\"\n");
    }
    if garage::in_bucket() && !extra.contains("[storage]") {
        let cluster = garage::Cluster::shared();
        text.push_str(&cluster.storage_config(dir, &garage::unique_prefix()));
    }
    text
}

/// The `[storage]` section (to the end) of the config file in `dir`, or "" when it has none:
/// for a second config that must keep its files where the first did.
pub fn storage_section(dir: &Path) -> String {
    let text = std::fs::read_to_string(dir.join("loondossier.toml")).unwrap_or_default();
    text.find("\n[storage]")
        .map(|at| text[at..].to_owned())
        .unwrap_or_default()
}

/// The queued mail of kind `message` in an installation's outbox, oldest first, with the
/// fields of sealed ones (those carrying a link) opened with its `secret.key`.
pub fn queued_mail(data_dir: &Path, message: &str) -> Vec<loondossier::store::outbox::Queued> {
    let conn = loondossier::store::Connection::open(data_dir.join("loondossier.db")).unwrap();
    let sealer =
        loondossier::auth::seal::Sealer::open_or_create(&data_dir.join("secret.key"), false)
            .unwrap();
    loondossier::store::outbox::queued(&conn)
        .unwrap()
        .into_iter()
        .filter(|m| m.message == message)
        .map(|mut m| {
            m.params = loondossier::mail::messages::open_params(&sealer, &m.params).unwrap();
            m
        })
        .collect()
}

/// Polls `check` every 20 ms until it gives a value: for what happens after an answer (a mail
/// round, a job's turn, a file written). The minute is a bound against hanging, not a timing
/// assertion. To show that something did *not* happen, wait for the event after which it would
/// have (e.g. two more mail rounds), never for a while.
pub async fn eventually<T>(what: &str, mut check: impl AsyncFnMut() -> Option<T>) -> T {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "never happened: {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// Waits until `services` has finished `rounds` more mail rounds than now.
pub async fn mail_rounds(services: &loondossier::service::Services, rounds: u64) {
    let start = services.activity().mail_rounds();
    eventually("more mail rounds", async || {
        (services.activity().mail_rounds() >= start + rounds).then_some(())
    })
    .await;
}
