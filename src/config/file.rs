//! The shape of the TOML config file exactly as written: strict (unknown keys are errors), spanned
//! (so validation can name the line), and not yet validated.

use serde::Deserialize;
use toml::Spanned;

/// The whole file. Every field is optional: an absent key takes its documented default.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub installation_name: Option<Spanned<String>>,
    pub logo: Option<Spanned<String>>,
    pub help_url: Option<Spanned<String>>,
    pub data_dir: Option<Spanned<String>>,
    pub public_url: Option<Spanned<String>>,
    pub http: Option<HttpSection>,
    pub tls: Option<TlsSection>,
    pub smtp: Option<SmtpSection>,
    pub mail: Option<MailSection>,
    pub uploads: Option<UploadsSection>,
    pub security: Option<SecuritySection>,
    pub backups: Option<BackupsSection>,
    pub retention: Option<RetentionSection>,
    pub metrics: Option<MetricsSection>,
    pub jobs: Option<JobsSection>,
    pub storage: Option<StorageSection>,
}

/// Where stored files live: the data directory (default) or an S3-compatible bucket.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageSection {
    pub backend: Option<Spanned<String>>,
    pub endpoint: Option<Spanned<String>>,
    pub region: Option<Spanned<String>>,
    pub bucket: Option<Spanned<String>>,
    pub prefix: Option<Spanned<String>>,
    pub access_key_id: Option<Spanned<String>>,
    pub secret_access_key_file: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackupsSection {
    pub keep: Option<Spanned<i64>>,
    pub max_size_mb: Option<Spanned<i64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsSection {
    pub token: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionSection {
    pub payroll_years: Option<Spanned<i64>>,
    pub upload_years: Option<Spanned<i64>>,
    pub upload_years_by_kind: Option<std::collections::BTreeMap<String, Spanned<i64>>>,
    pub trash_days: Option<Spanned<i64>>,
    pub orphan_grace_hours: Option<Spanned<i64>>,
    pub snapshots_keep: Option<Spanned<i64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecuritySection {
    pub session_idle_minutes: Option<Spanned<i64>>,
    pub session_max_hours: Option<Spanned<i64>>,
    pub require_2fa: Option<Spanned<Vec<String>>>,
    pub argon2_memory_kib: Option<Spanned<i64>>,
    pub argon2_iterations: Option<Spanned<i64>>,
    pub argon2_parallelism: Option<Spanned<i64>>,
    pub trusted_proxies: Option<Spanned<Vec<String>>>,
    pub end_sessions_on_address_change: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UploadsSection {
    pub max_size_mb: Option<Spanned<i64>>,
    pub max_files: Option<Spanned<i64>>,
    pub quota_mb: Option<Spanned<i64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpSection {
    pub listen: Option<Spanned<String>>,
    pub max_connections: Option<Spanned<i64>>,
    pub header_read_timeout_secs: Option<Spanned<i64>>,
    pub idle_timeout_secs: Option<Spanned<i64>>,
    pub shutdown_grace_secs: Option<Spanned<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsSection {
    pub cert: Option<Spanned<String>>,
    pub key: Option<Spanned<String>>,
    pub http_redirect_listen: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpSection {
    pub host: Option<Spanned<String>>,
    pub port: Option<Spanned<i64>>,
    pub security: Option<Spanned<String>>,
    pub username: Option<Spanned<String>>,
    pub password: Option<Spanned<String>>,
    pub from: Option<Spanned<String>>,
    pub reply_to: Option<Spanned<String>>,
    pub ca_cert: Option<Spanned<String>>,
    pub give_up_after_hours: Option<Spanned<i64>>,
    pub notify_delay_minutes: Option<Spanned<i64>>,
}

/// Mail without a mail server: every message written as a file instead.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailSection {
    pub pickup_dir: Option<Spanned<String>>,
}

/// One optional cron string per scheduled job; the names are fixed so a typo is an error.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobsSection {
    pub outbox: Option<Spanned<String>>,
    pub backup_retention: Option<Spanned<String>>,
    pub payroll_retention: Option<Spanned<String>>,
    pub upload_retention: Option<Spanned<String>>,
    pub trash_purge: Option<Spanned<String>>,
    pub session_purge: Option<Spanned<String>>,
    pub orphan_sweep: Option<Spanned<String>>,
    pub snapshot: Option<Spanned<String>>,
    pub integrity: Option<Spanned<String>>,
}

impl JobsSection {
    /// The configured entries in the same order as [`super::JOBS`].
    pub fn entries(&self) -> [(&'static str, Option<&Spanned<String>>); 9] {
        [
            ("outbox", self.outbox.as_ref()),
            ("backup_retention", self.backup_retention.as_ref()),
            ("payroll_retention", self.payroll_retention.as_ref()),
            ("upload_retention", self.upload_retention.as_ref()),
            ("trash_purge", self.trash_purge.as_ref()),
            ("session_purge", self.session_purge.as_ref()),
            ("orphan_sweep", self.orphan_sweep.as_ref()),
            ("snapshot", self.snapshot.as_ref()),
            ("integrity", self.integrity.as_ref()),
        ]
    }
}
