//! Use cases: what the web layer, the jobs and the CLI may ask of the system. Every public
//! function that touches a dossier takes the [`Actor`](crate::domain::Actor) first and applies
//! the access rule. Owns the store, the file store, the audit log and the clock.

mod account_admin;
mod accounts;
pub mod activity;
mod admin;
mod approvals;
mod archive;
mod audit;
mod backups;
mod colleagues;
mod consent;
pub mod delivery;
pub mod demo;
mod details;
mod dossier;
mod enrolment;
mod error;
mod file_names;
mod files;
mod history;
mod letters;
mod maintenance;
mod notify;
mod parties;
mod passkeys;
mod placing;
mod profile;
mod reauth;
mod requests;
mod retention;
mod signin;
pub mod snapshot;
pub mod snapshot_bucket;
mod sniff;
mod sync;
mod throttle;
mod tokens;
mod two_factor;
mod unread_badge;
mod who;

use std::sync::Arc;

pub use crate::store::accounts::ColleagueLine;
pub use crate::store::accounts::{AccountFilter, AccountLine};
/// A remembered answer to an idempotent API call.
pub use crate::store::api_tokens::Remembered;
pub use crate::store::audit::{AuditFilter, ExportedLine};
pub use crate::store::requests::InboxFilter;
pub use account_admin::AccountChange;
pub use accounts::{LinkState, PasswordChangeError, STRENGTH_PER_MINUTE};
pub use admin::StaffAdded;
pub use archive::DossierZip;
pub use backups::BackupInfo;
pub use colleagues::NewColleague;
pub use details::PartyDetails;
pub use dossier::{
    DocumentDetails, DocumentSummary, DossierRef, DossierSearch, DossierView, UNREAD_COUNTED_UP_TO,
    UNREAD_LISTED_UP_TO, UnreadDocument, UnreadOrder,
};
pub use error::ServiceError;
pub use files::{Disposition, OpenedDocument, RequestContext, UploadRequest};
pub use history::{AccessEntry, Accessor, DOSSIER_ACCESS_MAX};
pub use letters::NewLetter;
pub use maintenance::FsckReport;
pub use parties::{
    EMPLOYEES_PER_PAGE, EmployeeLine, EmployeeList, EmployerLine, LatestSeries, RevealedBsn,
};
pub use passkeys::{
    NAME_MAX_CHARS as PASSKEY_NAME_MAX_CHARS, PasskeyError, PasskeyLine, StartedRegistration,
};
pub use placing::{PlaceRequest, Placed, Placement, default_title};
pub use profile::EmailLinkState;
pub use requests::{RECEIPTS_MAX, RequestView, StagedReceipt};
pub use retention::{JobReport, dutch_year};
pub use signin::{
    CurrentSession, IssuedSession, PendingSession, SessionLimits, SessionLine, SignInStep,
};
pub use sync::{ApiClient, ApiDocument, ApiEmployee, Synced, TOKEN_PREFIX};
pub use tokens::{CreatedToken, TokenFor};
pub use two_factor::{Enrolment, SecondFactorError, TwoFactorStatus};

use crate::auth::password::PasswordWork;
use crate::auth::seal::Sealer;
use crate::blobs::BlobStore;
use crate::clock::SharedClock;
use crate::domain::party::Role;
use crate::store::Store;
use audit::AuditLog;

/// What checks and keeps credentials: the bounded password hasher and the key that seals
/// second-factor secrets.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub passwords: PasswordWork,
    pub sealer: Arc<Sealer>,
}

/// Limits and choices of the installation that use cases apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The largest file a user may upload through the browser.
    pub upload_max_bytes: u64,
    /// The most a dossier's own uploads may take together, in bytes (`[uploads] quota_mb`).
    pub upload_quota_bytes: u64,
    /// The most files one upload form may carry (`[uploads] max_files`).
    pub upload_max_files: usize,
    /// `[security] end_sessions_on_address_change`.
    pub end_sessions_on_address_change: bool,
    pub sessions: SessionLimits,
    /// Roles that must use a second factor.
    pub require_2fa: Vec<Role>,
    /// The address users reach the portal on; links in mail start with it.
    pub public_url: String,
    /// Shown in authenticator apps next to the code.
    pub installation_name: String,
    /// The largest payroll-software backup accepted.
    pub backup_max_bytes: u64,
    /// Backups kept per client; older ones are removed when a new one is stored.
    pub backups_keep: usize,
    /// How long a new document may stay unread before its owner gets a mail about it.
    pub notify_delay: chrono::Duration,
    /// What the retention jobs remove, and when.
    pub retention: crate::config::RetentionConfig,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            upload_max_bytes: 20 * 1024 * 1024,
            upload_quota_bytes: 500 * 1024 * 1024,
            upload_max_files: 20,
            end_sessions_on_address_change: true,
            sessions: SessionLimits::default(),
            require_2fa: vec![Role::Bureau, Role::Employer],
            public_url: "http://127.0.0.1:8080".to_owned(),
            notify_delay: chrono::Duration::minutes(15),
            installation_name: "Loondossier".to_owned(),
            backup_max_bytes: 2048 * 1024 * 1024,
            backups_keep: 5,
            retention: crate::config::RetentionConfig::default(),
        }
    }
}

/// Everything a use case needs, shared by all requests.
#[derive(Debug, Clone)]
pub struct Services {
    store: Store,
    blobs: BlobStore,
    clock: SharedClock,
    audit: Arc<AuditLog>,
    passwords: PasswordWork,
    sealer: Arc<Sealer>,
    settings: Settings,
    /// Where users reach the portal; fixed once the listener is bound when not configured.
    public_url: Arc<std::sync::RwLock<String>>,
    /// Strength hints per client address ([`accounts::STRENGTH_PER_MINUTE`]).
    strength_allowance: Arc<throttle::Allowance>,
    /// Strength hints computed at once (one per core).
    strength_turns: Arc<tokio::sync::Semaphore>,
    /// Work answered before it is done (the forgot forms) that may run at once.
    background_turns: Arc<tokio::sync::Semaphore>,
    /// Dossier ZIPs being written at once ([`archive::ZIPS_AT_ONCE`]); each holds a blocking
    /// thread while its client reads.
    zip_turns: Arc<tokio::sync::Semaphore>,
    activity: Arc<activity::Activity>,
    /// Passkey ceremonies waiting for the browser's answer (in memory: five minutes each).
    passkey_ceremonies: Arc<crate::auth::passkey::Ceremonies>,
    /// Passkey ceremonies per client address ([`passkeys::CEREMONIES_PER_MINUTE`]).
    passkey_allowance: Arc<throttle::Allowance>,
    /// The menu's unread counts, kept until something changes them.
    unread_badges: Arc<unread_badge::UnreadBadges>,
}

/// What `/healthz` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Health {
    pub database_ok: bool,
    /// The file store answers (always, for files in the data directory).
    pub storage_ok: bool,
}

/// What `loondossier status` reports about an installation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstallationStatus {
    pub created_at: String,
    pub created_by: String,
    pub schema_version: u32,
    pub database_bytes: u64,
    /// Where stored files live: a directory, or "s3://bucket/prefix".
    pub storage: String,
    /// Stored files and their total bytes, or why they could not be counted (the bucket
    /// did not answer): the rest of the status is the database's and stands without it.
    pub stored: Result<(u64, u64), String>,
    /// Bureaus, employers, employees, accounts and documents.
    pub counts: crate::store::stats::Counts,
}

/// How many requests answered before their work is done may have that work running at once.
const BACKGROUND_TURNS: usize = 16;

impl Services {
    /// A turn for work that runs after its request was answered (the forgot forms), or `None`
    /// when [`BACKGROUND_TURNS`] are running: a flood of such requests then costs nothing.
    pub fn background_turn(&self) -> Option<tokio::sync::OwnedSemaphorePermit> {
        Arc::clone(&self.background_turns).try_acquire_owned().ok()
    }

    /// Wires the use cases; starts the audit writer (needs a Tokio runtime).
    pub fn new(
        store: Store,
        blobs: BlobStore,
        clock: SharedClock,
        credentials: Credentials,
        settings: Settings,
    ) -> Self {
        Self {
            audit: Arc::new(AuditLog::start(store.clone())),
            passwords: credentials.passwords,
            sealer: credentials.sealer,
            public_url: Arc::new(std::sync::RwLock::new(settings.public_url.clone())),
            strength_allowance: Arc::new(throttle::Allowance::new(accounts::STRENGTH_PER_MINUTE)),
            strength_turns: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, usize::from),
            )),
            background_turns: Arc::new(tokio::sync::Semaphore::new(BACKGROUND_TURNS)),
            zip_turns: Arc::new(tokio::sync::Semaphore::new(archive::ZIPS_AT_ONCE)),
            activity: Arc::default(),
            passkey_ceremonies: Arc::default(),
            passkey_allowance: Arc::new(throttle::Allowance::new(passkeys::CEREMONIES_PER_MINUTE)),
            unread_badges: Arc::default(),
            store,
            blobs,
            clock,
            settings,
        }
    }

    /// What the background work (mail rounds, jobs) has done since start.
    pub fn activity(&self) -> &activity::Activity {
        &self.activity
    }

    /// The address links in mail start with (no trailing slash).
    pub fn public_url(&self) -> String {
        self.public_url
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Sets the link address once the real listening address is known.
    pub fn set_public_url(&self, url: &str) {
        *self
            .public_url
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) =
            url.trim_end_matches('/').to_owned();
    }

    pub fn clock(&self) -> &SharedClock {
        &self.clock
    }

    pub fn blobs(&self) -> &BlobStore {
        &self.blobs
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Whether the database answers; the cause of a failure goes to the log, not the caller.
    pub async fn health(&self) -> Health {
        let (database, storage) = tokio::join!(self.store.ping(), self.blobs.probe());
        let database_ok = database
            .inspect_err(|e| tracing::error!(error = %e, "health check: database not usable"))
            .is_ok();
        let storage_ok = storage
            .inspect_err(|e| tracing::error!(error = %e, "health check: file storage unavailable"))
            .is_ok();
        Health {
            database_ok,
            storage_ok,
        }
    }

    /// The state of the installation for the administrator.
    pub async fn status(&self) -> Result<InstallationStatus, ServiceError> {
        let db = self.store.info().await?;
        let stored = self.blobs.usage().await.map_err(|e| e.to_string());
        let counts = self
            .store
            .read(|conn| -> Result<_, ServiceError> { Ok(crate::store::stats::counts(conn)?) })
            .await?;
        Ok(InstallationStatus {
            counts,
            created_at: db.created_at,
            created_by: db.created_by,
            schema_version: db.schema_version,
            database_bytes: db.size_bytes,
            storage: self.blobs.shown(),
            stored,
        })
    }

    /// Waits until every queued audit event (and read marker) is written.
    pub async fn flush_audit(&self) {
        self.audit.flush().await;
    }

    /// Writes what is queued and closes the database cleanly at shutdown.
    pub async fn close(&self) {
        self.audit.close().await;
        if let Err(e) = self.store.close() {
            tracing::warn!(error = %e, "database checkpoint at shutdown failed");
        }
    }
}

#[cfg(test)]
mod tests;
