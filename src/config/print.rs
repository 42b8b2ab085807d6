//! The effective configuration as TOML for `check-config`, with every secret redacted.

use serde::Serialize;

use super::Config;

const REDACTED: &str = "<redacted>";

#[derive(Serialize)]
struct Effective<'a> {
    installation_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    logo: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_url: Option<&'a str>,
    data_dir: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    public_url: Option<&'a str>,
    http: Http,
    #[serde(skip_serializing_if = "Option::is_none")]
    tls: Option<Tls>,
    #[serde(skip_serializing_if = "Option::is_none")]
    smtp: Option<Smtp<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mail: Option<Mail>,
    uploads: Uploads,
    security: Security,
    backups: Backups,
    retention: Retention,
    #[serde(skip_serializing_if = "Option::is_none")]
    metrics: Option<Metrics>,
    jobs: toml::Table,
    storage: Storage<'a>,
}

#[derive(Serialize)]
struct Storage<'a> {
    backend: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    endpoint: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bucket: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prefix: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    access_key_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret_access_key_file: Option<String>,
}

#[derive(Serialize)]
struct Mail {
    pickup_dir: String,
}

#[derive(Serialize)]
struct Metrics {
    token: &'static str,
}

#[derive(Serialize)]
struct Retention {
    payroll_years: u16,
    upload_years: u16,
    upload_years_by_kind: toml::Table,
    trash_days: u32,
    orphan_grace_hours: u32,
    snapshots_keep: usize,
}

#[derive(Serialize)]
struct Backups {
    keep: usize,
    max_size_mb: u64,
}

#[derive(Serialize)]
struct Security {
    session_idle_minutes: u64,
    session_max_hours: u64,
    require_2fa: Vec<&'static str>,
    argon2_memory_kib: u32,
    argon2_iterations: u32,
    argon2_parallelism: u32,
    trusted_proxies: Vec<String>,
    end_sessions_on_address_change: bool,
}

#[derive(Serialize)]
struct Uploads {
    max_size_mb: u64,
    max_files: usize,
    quota_mb: u64,
}

#[derive(Serialize)]
struct Http {
    listen: String,
    max_connections: usize,
    header_read_timeout_secs: u64,
    idle_timeout_secs: u64,
    shutdown_grace_secs: u64,
}

#[derive(Serialize)]
struct Tls {
    cert: String,
    key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    http_redirect_listen: Option<String>,
}

#[derive(Serialize)]
struct Smtp<'a> {
    host: &'a str,
    port: u16,
    security: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    username: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    password: Option<&'a str>,
    from: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reply_to: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ca_cert: Option<String>,
    give_up_after_hours: u64,
    notify_delay_minutes: u64,
}

impl Config {
    /// The configuration as it will be used, defaults filled in, secrets shown as `<redacted>`.
    pub fn to_redacted_toml(&self) -> String {
        let jobs = self
            .jobs
            .iter()
            .map(|(name, schedule)| {
                let value = schedule.clone().unwrap_or_default();
                ((*name).to_owned(), toml::Value::String(value))
            })
            .collect();
        let effective = Effective {
            installation_name: &self.installation_name,
            logo: self.logo.as_ref().map(|l| l.path.display().to_string()),
            help_url: self.help_url.as_ref().map(url::Url::as_str),
            data_dir: self.data_dir.display().to_string(),
            public_url: self.public_url.as_ref().map(url::Url::as_str),
            http: Http {
                listen: self.http.listen.to_string(),
                max_connections: self.http.max_connections,
                header_read_timeout_secs: self.http.header_read_timeout.as_secs(),
                idle_timeout_secs: self.http.idle_timeout.as_secs(),
                shutdown_grace_secs: self.http.shutdown_grace.as_secs(),
            },
            tls: self.tls.as_ref().map(|t| Tls {
                cert: t.cert.display().to_string(),
                key: t.key.display().to_string(),
                http_redirect_listen: t.http_redirect_listen.map(|a| a.to_string()),
            }),
            smtp: self.smtp.as_ref().map(|s| Smtp {
                host: &s.host,
                port: s.port,
                security: s.security.as_str(),
                username: s.username.as_deref(),
                password: s.password.as_ref().map(|_| REDACTED),
                from: &s.from,
                reply_to: s.reply_to.as_deref(),
                ca_cert: s.ca_cert.as_ref().map(|p| p.display().to_string()),
                give_up_after_hours: s.give_up_after.as_secs() / 3600,
                notify_delay_minutes: s.notify_delay.as_secs() / 60,
            }),
            mail: self.mail_pickup.as_ref().map(|dir| Mail {
                pickup_dir: dir.display().to_string(),
            }),
            uploads: Uploads {
                max_size_mb: self.upload_max_bytes / (1024 * 1024),
                max_files: self.upload_max_files,
                quota_mb: self.upload_quota_bytes / (1024 * 1024),
            },
            security: Security {
                session_idle_minutes: self.security.session_idle.as_secs() / 60,
                session_max_hours: self.security.session_max.as_secs() / 3600,
                require_2fa: self
                    .security
                    .require_2fa
                    .iter()
                    .map(|r| r.as_str())
                    .collect(),
                argon2_memory_kib: self.security.argon2_memory_kib,
                argon2_iterations: self.security.argon2_iterations,
                argon2_parallelism: self.security.argon2_parallelism,
                trusted_proxies: self
                    .security
                    .trusted_proxies
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
                end_sessions_on_address_change: self.security.end_sessions_on_address_change,
            },
            backups: Backups {
                keep: self.backups_keep,
                max_size_mb: self.backup_max_bytes / (1024 * 1024),
            },
            metrics: self
                .metrics_token
                .as_ref()
                .map(|_| Metrics { token: REDACTED }),
            retention: Retention {
                payroll_years: self.retention.payroll_years,
                upload_years: self.retention.upload_years,
                upload_years_by_kind: self
                    .retention
                    .upload_years_by_kind
                    .iter()
                    .map(|(kind, years)| {
                        (
                            kind.as_str().to_owned(),
                            toml::Value::Integer(i64::from(*years)),
                        )
                    })
                    .collect(),
                trash_days: self.retention.trash_days,
                orphan_grace_hours: self.retention.orphan_grace_hours,
                snapshots_keep: self.retention.snapshots_keep,
            },
            jobs,
            storage: match &self.storage {
                super::StorageConfig::Local => Storage {
                    backend: "local",
                    endpoint: None,
                    region: None,
                    bucket: None,
                    prefix: None,
                    access_key_id: None,
                    secret_access_key_file: None,
                },
                super::StorageConfig::S3(s3) => Storage {
                    backend: "s3",
                    endpoint: Some(s3.endpoint.as_str()),
                    region: Some(&s3.region),
                    bucket: Some(&s3.bucket),
                    prefix: Some(&s3.prefix),
                    access_key_id: Some(&s3.access_key_id),
                    // The file, never its contents: the printed config stays a valid config.
                    secret_access_key_file: Some(s3.secret_access_key_file.display().to_string()),
                },
            },
        };
        toml::to_string(&effective)
            .unwrap_or_else(|e| format!("# the configuration could not be printed: {e}\n"))
    }
}
