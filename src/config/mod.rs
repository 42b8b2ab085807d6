//! The installation's one config file: loading, validation with errors that name the key and
//! line, and the validated [`Config`] the rest of the program reads. Secrets never reach `Debug`.

mod file;
mod print;
mod sections;
mod storage;
mod validate;

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::domain::party::Role;
use file::FileConfig;
use validate::Validator;

/// The config file looked for in the working directory when `--config` is not given.
pub const DEFAULT_CONFIG_FILE: &str = "loondossier.toml";

/// Every scheduled job with its default 6-field cron schedule (sec min hour day month weekday).
pub const JOBS: [(&str, &str); 9] = [
    ("outbox", "0 * * * * *"),
    ("backup_retention", "0 30 2 * * *"),
    ("payroll_retention", "0 0 3 * * *"),
    ("upload_retention", "0 15 3 * * *"),
    ("trash_purge", "0 30 3 * * *"),
    ("session_purge", "0 */15 * * * *"),
    ("orphan_sweep", "0 0 4 * * *"),
    ("snapshot", "0 0 1 * * *"),
    ("integrity", "0 0 5 * * Sun"),
];

/// A logo image from the config: PNG, JPEG or SVG, at most 512 KiB.
#[derive(Clone)]
pub struct Logo {
    pub path: PathBuf,
    pub media_type: &'static str,
    pub bytes: bytes::Bytes,
}

impl fmt::Debug for Logo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Logo")
            .field("path", &self.path)
            .field("media_type", &self.media_type)
            .field("size", &self.bytes.len())
            .finish()
    }
}

/// A validated configuration. Paths are absolute or relative to the working directory.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file this came from, if any (defaults are used without one).
    pub source: Option<PathBuf>,
    /// Shown in page titles and mail: usually the bureau's name.
    pub installation_name: String,
    /// The bureau's own logo for the page header, read (and checked) at start.
    pub logo: Option<Logo>,
    /// `help_url`: the bureau's page about the portal, linked from Home as "Meer informatie
    /// over …" (as in the seed); an http(s) address.
    pub help_url: Option<url::Url>,
    pub data_dir: PathBuf,
    /// The address users reach the portal on; links in mail are built from it.
    pub public_url: Option<url::Url>,
    pub http: HttpConfig,
    pub tls: Option<TlsConfig>,
    pub smtp: Option<SmtpConfig>,
    /// `[mail] pickup_dir`: without `[smtp]`, every outgoing message is written here as an
    /// `.eml` file (RFC 5322, as it would be sent) instead of staying queued.
    pub mail_pickup: Option<PathBuf>,
    /// The largest file a user may upload through the browser, in bytes.
    pub upload_max_bytes: u64,
    /// The most files one upload form may carry.
    pub upload_max_files: usize,
    /// The most a dossier's own uploads may take together, in bytes.
    pub upload_quota_bytes: u64,
    pub security: SecurityConfig,
    /// Payroll-software backups kept per client.
    pub backups_keep: usize,
    pub retention: RetentionConfig,
    /// `GET /metrics` answers only with this bearer token; without one it does not exist.
    pub metrics_token: Option<String>,
    /// The largest backup accepted, in bytes.
    pub backup_max_bytes: u64,
    /// Job name → cron schedule; `None` when the config disables the job with `""`.
    pub jobs: Vec<(&'static str, Option<String>)>,
    /// `[storage]`: where stored files live (SPEC.md Part 2, "Storage beyond one disk").
    pub storage: StorageConfig,
}

/// Where stored files (documents, backups, receipts) live.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum StorageConfig {
    /// `backend = "local"`: in the data directory's `files/` (the default).
    #[default]
    Local,
    /// `backend = "s3"`: in a bucket of an S3-compatible object store.
    S3(Box<S3Config>),
}

/// An S3-compatible bucket (Garage, MinIO, Ceph RGW, AWS S3).
#[derive(Clone, PartialEq, Eq)]
pub struct S3Config {
    /// `http(s)://host[:port]`: the store's S3 API (path-style requests).
    pub endpoint: url::Url,
    /// The region the store signs for ("garage" for Garage, "us-east-1" for MinIO).
    pub region: String,
    pub bucket: String,
    /// Put before every object key, e.g. "bakker/" when several installations share a bucket;
    /// empty or ending in "/".
    pub prefix: String,
    pub access_key_id: String,
    /// Read from `secret_access_key_file` at start; never printed.
    pub secret_access_key: String,
    /// Where the secret was read from (printed by `check-config` instead of the secret).
    pub secret_access_key_file: std::path::PathBuf,
}

impl fmt::Debug for S3Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Config")
            .field("endpoint", &self.endpoint.as_str())
            .field("region", &self.region)
            .field("bucket", &self.bucket)
            .field("prefix", &self.prefix)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field("secret_access_key_file", &self.secret_access_key_file)
            .finish()
    }
}

#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub listen: SocketAddr,
    pub max_connections: usize,
    pub header_read_timeout: Duration,
    pub idle_timeout: Duration,
    pub shutdown_grace: Duration,
}

#[derive(Debug, Clone)]
pub struct TlsConfig {
    pub cert: PathBuf,
    pub key: PathBuf,
    pub http_redirect_listen: Option<SocketAddr>,
}

/// Sign-in and session rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityConfig {
    /// Signed out after this long without activity.
    pub session_idle: Duration,
    /// Signed out after this long, whatever the activity.
    pub session_max: Duration,
    /// Roles that must use a second factor (TOTP).
    pub require_2fa: Vec<Role>,
    /// argon2id cost; never below OWASP's m = 19456 KiB, t = 2, p = 1.
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
    pub argon2_parallelism: u32,
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// When payroll software changes the address of an account someone already activated,
    /// its sessions end (the activation may have been by whoever got the wrong address).
    pub end_sessions_on_address_change: bool,
}

/// How long data is kept: what the retention jobs remove, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionConfig {
    /// Payroll files go this many full years after their payroll year (Dutch fiscal
    /// retention: 7).
    pub payroll_years: u16,
    /// Employees' own uploads go this many full calendar years after the year their
    /// employment ended (the ID-copy rule: 5), unless their kind has its own number.
    pub upload_years: u16,
    pub upload_years_by_kind: Vec<(crate::domain::DocumentKind, u16)>,
    /// Retracted and deleted documents are purged this long after.
    pub trash_days: u32,
    /// Stored files without a row, and temporary files, are removed when older than this.
    pub orphan_grace_hours: u32,
    /// Snapshots kept in `data_dir/snapshots`.
    pub snapshots_keep: usize,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        Self {
            payroll_years: 7,
            upload_years: 5,
            upload_years_by_kind: Vec::new(),
            trash_days: 30,
            orphan_grace_hours: 24,
            snapshots_keep: 7,
        }
    }
}

impl RetentionConfig {
    /// The years an upload of `kind` is kept after employment ended.
    pub fn upload_years_for(&self, kind: crate::domain::DocumentKind) -> u16 {
        self.upload_years_by_kind
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(self.upload_years, |(_, years)| *years)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS; refusing to go on without it.
    StartTls,
    /// TLS from the first byte (SMTPS, usually port 465).
    Tls,
    /// No encryption: only for a relay on the same machine or network, and only when asked for.
    None,
}

impl SmtpSecurity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::StartTls => "starttls",
            Self::Tls => "tls",
            Self::None => "none",
        }
    }
}

#[derive(Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<String>,
    pub from: String,
    pub reply_to: Option<String>,
    /// A CA (PEM) trusted besides the public roots, for a relay with a private certificate.
    pub ca_cert: Option<std::path::PathBuf>,
    /// How long temporary failures are retried before a message is marked failed.
    pub give_up_after: Duration,
    /// How long a new document may stay unread before its owner gets a mail about it.
    pub notify_delay: Duration,
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("from", &self.from)
            .field("reply_to", &self.reply_to)
            .finish()
    }
}

/// Why a configuration was refused. Every variant says where and how to fix it.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{path}: {message}\n  fix: correct the line above; config.example.toml lists every key"
    )]
    Syntax { path: String, message: String },
    #[error("{location}: {key}: {problem}\n  fix: {fix}")]
    Invalid {
        location: String,
        key: String,
        problem: String,
        fix: String,
    },
}

impl Config {
    /// Loads `--config PATH` if given, else `./loondossier.toml` if present, else the defaults.
    pub fn load(explicit: Option<&Path>) -> Result<Self, ConfigError> {
        let path = match explicit {
            Some(path) => Some(path.to_path_buf()),
            None => Some(PathBuf::from(DEFAULT_CONFIG_FILE)).filter(|p| p.exists()),
        };
        match path {
            Some(path) => {
                let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
                    path: path.clone(),
                    source,
                })?;
                Self::from_toml(&text, Some(&path))
            }
            None => Self::from_toml("", None),
        }
    }

    /// Parses and validates config text. Relative paths inside it are taken relative to the
    /// directory of `path` (the working directory when there is no file).
    pub fn from_toml(text: &str, path: Option<&Path>) -> Result<Self, ConfigError> {
        let shown = path.map_or_else(|| "(defaults)".to_owned(), |p| p.display().to_string());
        let raw: FileConfig = toml::from_str(text).map_err(|e| ConfigError::Syntax {
            path: shown.clone(),
            message: e.to_string().trim_end().to_owned(),
        })?;
        let base = path
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_default();
        Validator {
            text,
            shown: &shown,
            base: &base,
        }
        .validate(raw, path)
    }

    /// Whether HTTPS is terminated by this process.
    pub fn is_tls(&self) -> bool {
        self.tls.is_some()
    }
}

#[cfg(test)]
mod tests;
