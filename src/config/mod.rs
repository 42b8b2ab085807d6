//! The installation's one config file: loading, validation with errors that name the key and
//! line, and the validated [`Config`] the rest of the program reads. Secrets never reach `Debug`.

mod file;
mod print;

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use toml::Spanned;

use crate::domain::party::Role;
use crate::tls;
use file::FileConfig;

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

/// A validated configuration. Paths are absolute or relative to the working directory.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file this came from, if any (defaults are used without one).
    pub source: Option<PathBuf>,
    /// Shown in page titles and mail: usually the bureau's name.
    pub installation_name: String,
    pub data_dir: PathBuf,
    /// The address users reach the portal on; links in mail are built from it.
    pub public_url: Option<url::Url>,
    pub http: HttpConfig,
    pub tls: Option<TlsConfig>,
    pub smtp: Option<SmtpConfig>,
    /// The largest file a user may upload through the browser, in bytes.
    pub upload_max_bytes: u64,
    pub security: SecurityConfig,
    /// Payroll-software backups kept per client.
    pub backups_keep: usize,
    /// The largest backup accepted, in bytes.
    pub backup_max_bytes: u64,
    /// Job name → cron schedule; `None` when the config disables the job with `""`.
    pub jobs: Vec<(&'static str, Option<String>)>,
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

/// Turns the raw file into a [`Config`], naming key and line on the first problem.
struct Validator<'a> {
    text: &'a str,
    shown: &'a str,
    base: &'a Path,
}

impl Validator<'_> {
    fn validate(&self, raw: FileConfig, path: Option<&Path>) -> Result<Config, ConfigError> {
        let installation_name = match raw.installation_name {
            Some(name) if name.get_ref().trim().is_empty() => {
                return Err(self.invalid(
                    "installation_name",
                    &name,
                    "is empty",
                    "give the name users should see, e.g. \"Loondossier Bakker Salarissen\"",
                ));
            }
            Some(name) => name.into_inner().trim().to_owned(),
            None => "Loondossier".to_owned(),
        };
        let data_dir = match raw.data_dir {
            Some(dir) if dir.get_ref().is_empty() => {
                return Err(self.invalid(
                    "data_dir",
                    &dir,
                    "is empty",
                    "give a directory, e.g. \"/var/lib/loondossier\"",
                ));
            }
            Some(dir) => self.path(dir.get_ref()),
            None => PathBuf::from("data"),
        };
        let http = self.http(raw.http.unwrap_or_default())?;
        let tls = raw.tls.map(|t| self.tls(t)).transpose()?;
        let public_url = raw
            .public_url
            .map(|u| self.public_url(&u, tls.is_some()))
            .transpose()?;
        if let Some(redirect) = tls.as_ref().and_then(|t| t.http_redirect_listen)
            && public_url.is_none()
        {
            return Err(ConfigError::Invalid {
                location: self.shown.to_owned(),
                key: "public_url".to_owned(),
                problem: format!(
                    "is required when [tls] http_redirect_listen ({redirect}) is set: redirects go to it"
                ),
                fix: "add public_url = \"https://portal.example.nl\" at the top of the file"
                    .to_owned(),
            });
        }
        let smtp = raw.smtp.map(|s| self.smtp(s)).transpose()?;
        let upload_max_mb: u64 = self.ranged(
            "[uploads] max_size_mb",
            raw.uploads.unwrap_or_default().max_size_mb.as_ref(),
            20,
            1..=2048,
        )?;
        let security = self.security(raw.security.unwrap_or_default())?;
        let backups = raw.backups.unwrap_or_default();
        let backups_keep: usize =
            self.ranged("[backups] keep", backups.keep.as_ref(), 5, 1..=1000)?;
        let backup_max_mb: u64 = self.ranged(
            "[backups] max_size_mb",
            backups.max_size_mb.as_ref(),
            2048,
            1..=1_048_576,
        )?;
        let jobs = self.jobs(raw.jobs.unwrap_or_default())?;
        Ok(Config {
            source: path.map(Path::to_path_buf),
            installation_name,
            data_dir,
            public_url,
            http,
            tls,
            smtp,
            upload_max_bytes: upload_max_mb * 1024 * 1024,
            security,
            backups_keep,
            backup_max_bytes: backup_max_mb * 1024 * 1024,
            jobs,
        })
    }

    fn http(&self, http: file::HttpSection) -> Result<HttpConfig, ConfigError> {
        let listen = match &http.listen {
            Some(v) => self.socket_addr("[http] listen", v)?,
            None => SocketAddr::from(([127, 0, 0, 1], 8080)),
        };
        Ok(HttpConfig {
            listen,
            max_connections: self.ranged(
                "[http] max_connections",
                http.max_connections.as_ref(),
                1024,
                1..=1_000_000,
            )?,
            header_read_timeout: self.seconds(
                "[http] header_read_timeout_secs",
                http.header_read_timeout_secs.as_ref(),
                20,
            )?,
            idle_timeout: self.seconds(
                "[http] idle_timeout_secs",
                http.idle_timeout_secs.as_ref(),
                120,
            )?,
            shutdown_grace: self.seconds(
                "[http] shutdown_grace_secs",
                http.shutdown_grace_secs.as_ref(),
                10,
            )?,
        })
    }

    fn tls(&self, section: file::TlsSection) -> Result<TlsConfig, ConfigError> {
        let fix_pair = "set both [tls] cert (PEM certificate chain, e.g. certbot's fullchain.pem) \
                        and [tls] key (PEM private key, e.g. privkey.pem), or remove [tls] to serve plain HTTP";
        let Some(cert) = section.cert else {
            return Err(self.missing("[tls] cert", fix_pair));
        };
        let Some(key) = section.key else {
            return Err(self.missing("[tls] key", fix_pair));
        };
        let cert_path = self.path(cert.get_ref());
        let key_path = self.path(key.get_ref());
        if let Err(e) = tls::load_certified_key(&cert_path, &key_path) {
            let (spanned, name) = match e.file() {
                tls::PemFile::Cert => (&cert, "[tls] cert"),
                tls::PemFile::Key => (&key, "[tls] key"),
            };
            return Err(self.invalid(name, spanned, &e.to_string(), e.fix()));
        }
        let http_redirect_listen = section
            .http_redirect_listen
            .as_ref()
            .map(|v| self.socket_addr("[tls] http_redirect_listen", v))
            .transpose()?;
        Ok(TlsConfig {
            cert: cert_path,
            key: key_path,
            http_redirect_listen,
        })
    }

    fn public_url(&self, value: &Spanned<String>, tls: bool) -> Result<url::Url, ConfigError> {
        let fix = "give the address users type, e.g. \"https://portal.example.nl\"";
        let url = url::Url::parse(value.get_ref())
            .map_err(|e| self.invalid("public_url", value, &format!("is not a URL ({e})"), fix))?;
        if !matches!(url.scheme(), "https" | "http") || url.host_str().is_none() {
            return Err(self.invalid(
                "public_url",
                value,
                "must start with https:// and name a host",
                fix,
            ));
        }
        if url.query().is_some() || url.fragment().is_some() || url.path() != "/" {
            return Err(self.invalid(
                "public_url",
                value,
                "must be an origin without path, query or fragment",
                fix,
            ));
        }
        if tls && url.scheme() != "https" {
            return Err(self.invalid(
                "public_url",
                value,
                "must use https:// when [tls] is configured",
                fix,
            ));
        }
        Ok(url)
    }

    fn smtp(&self, s: file::SmtpSection) -> Result<SmtpConfig, ConfigError> {
        let Some(host) = s.host else {
            return Err(self.missing(
                "[smtp] host",
                "name the mail server, e.g. host = \"smtp.example.nl\", or remove [smtp]",
            ));
        };
        if host.get_ref().trim().is_empty() || host.get_ref().contains(char::is_whitespace) {
            return Err(self.invalid(
                "[smtp] host",
                &host,
                "is not a host name",
                "e.g. \"smtp.example.nl\"",
            ));
        }
        let security = match &s.security {
            None => SmtpSecurity::StartTls,
            Some(v) => match v.get_ref().as_str() {
                "starttls" => SmtpSecurity::StartTls,
                "tls" => SmtpSecurity::Tls,
                "none" => SmtpSecurity::None,
                other => {
                    return Err(self.invalid(
                        "[smtp] security",
                        v,
                        &format!("\"{other}\" is not one of \"starttls\", \"tls\", \"none\""),
                        "use \"starttls\" (port 587) or \"tls\" (port 465); \"none\" only for a local relay",
                    ));
                }
            },
        };
        let default_port = match security {
            SmtpSecurity::StartTls => 587,
            SmtpSecurity::Tls => 465,
            SmtpSecurity::None => 25,
        };
        let port = self.ranged("[smtp] port", s.port.as_ref(), default_port, 1..=65535)?;
        if s.username.is_some() != s.password.is_some() {
            let missing = if s.username.is_some() {
                "[smtp] password"
            } else {
                "[smtp] username"
            };
            return Err(self.missing(
                missing,
                "SMTP AUTH needs both [smtp] username and [smtp] password (or neither)",
            ));
        }
        let Some(from) = s.from else {
            return Err(self.missing(
                "[smtp] from",
                "give the sender, e.g. from = \"Loondossier <noreply@example.nl>\"",
            ));
        };
        let from_text = self.mailbox("[smtp] from", &from)?;
        let reply_to = s
            .reply_to
            .as_ref()
            .map(|r| self.mailbox("[smtp] reply_to", r))
            .transpose()?;
        Ok(SmtpConfig {
            host: host.into_inner().trim().to_owned(),
            port,
            security,
            username: s.username.map(Spanned::into_inner),
            password: s.password.map(Spanned::into_inner),
            from: from_text,
            reply_to,
        })
    }

    fn jobs(
        &self,
        section: file::JobsSection,
    ) -> Result<Vec<(&'static str, Option<String>)>, ConfigError> {
        let parser = croner::parser::CronParser::builder()
            .seconds(croner::parser::Seconds::Required)
            .dom_and_dow(true)
            .build();
        let mut jobs = Vec::with_capacity(JOBS.len());
        for ((name, default), (_, configured)) in JOBS.iter().zip(section.entries()) {
            let schedule = match configured {
                None => Some((*default).to_owned()),
                Some(v) if v.get_ref().trim().is_empty() => None,
                Some(v) => {
                    let expr = v.get_ref().trim();
                    if expr.split_whitespace().count() != 6 {
                        return Err(self.invalid(
                            &format!("[jobs] {name}"),
                            v,
                            &format!("\"{expr}\" does not have 6 fields"),
                            "use sec min hour day month weekday, e.g. \"0 30 2 * * *\" for 02:30 daily; \"\" disables the job",
                        ));
                    }
                    parser.parse(expr).map_err(|e| {
                        self.invalid(
                            &format!("[jobs] {name}"),
                            v,
                            &format!("\"{expr}\" is not a valid cron expression ({e})"),
                            "use sec min hour day month weekday, e.g. \"0 30 2 * * *\" for 02:30 daily; \"\" disables the job",
                        )
                    })?;
                    Some(expr.to_owned())
                }
            };
            jobs.push((*name, schedule));
        }
        Ok(jobs)
    }

    fn security(&self, s: file::SecuritySection) -> Result<SecurityConfig, ConfigError> {
        let idle_minutes: u64 = self.ranged(
            "[security] session_idle_minutes",
            s.session_idle_minutes.as_ref(),
            15,
            1..=720,
        )?;
        let max_hours: u64 = self.ranged(
            "[security] session_max_hours",
            s.session_max_hours.as_ref(),
            8,
            1..=168,
        )?;
        let require_2fa = match &s.require_2fa {
            None => vec![Role::Bureau, Role::Employer],
            Some(roles) => roles
                .get_ref()
                .iter()
                .map(|role| match role.as_str() {
                    "bureau" => Ok(Role::Bureau),
                    "employer" => Ok(Role::Employer),
                    "employee" => Ok(Role::Employee),
                    other => Err(self.invalid(
                        "[security] require_2fa",
                        roles,
                        &format!("\"{other}\" is not a role"),
                        "list roles from \"bureau\", \"employer\", \"employee\", e.g. [\"bureau\", \"employer\"]",
                    )),
                })
                .collect::<Result<_, _>>()?,
        };
        let trusted_proxies = match &s.trusted_proxies {
            None => Vec::new(),
            Some(list) => list
                .get_ref()
                .iter()
                .map(|ip| {
                    ip.parse().map_err(|_| {
                        self.invalid(
                            "[security] trusted_proxies",
                            list,
                            &format!("\"{ip}\" is not an IP address"),
                            "list the addresses of your reverse proxies, e.g. [\"127.0.0.1\"]",
                        )
                    })
                })
                .collect::<Result<_, _>>()?,
        };
        Ok(SecurityConfig {
            session_idle: Duration::from_secs(idle_minutes * 60),
            session_max: Duration::from_secs(max_hours * 3600),
            require_2fa,
            argon2_memory_kib: self.ranged(
                "[security] argon2_memory_kib",
                s.argon2_memory_kib.as_ref(),
                19_456,
                19_456..=4_194_304,
            )?,
            argon2_iterations: self.ranged(
                "[security] argon2_iterations",
                s.argon2_iterations.as_ref(),
                2,
                2..=64,
            )?,
            argon2_parallelism: self.ranged(
                "[security] argon2_parallelism",
                s.argon2_parallelism.as_ref(),
                1,
                1..=64,
            )?,
            trusted_proxies,
        })
    }

    fn mailbox(&self, key: &str, value: &Spanned<String>) -> Result<String, ConfigError> {
        let text = value.get_ref().trim();
        let address = match (text.rfind('<'), text.strip_suffix('>')) {
            (Some(open), Some(inner)) => &inner[open + 1..],
            _ => text,
        };
        let valid = address.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !address.contains(char::is_whitespace)
        });
        if valid {
            Ok(text.to_owned())
        } else {
            Err(self.invalid(
                key,
                value,
                &format!("\"{text}\" is not an e-mail address"),
                "e.g. \"noreply@example.nl\" or \"Loondossier <noreply@example.nl>\"",
            ))
        }
    }

    fn socket_addr(&self, key: &str, value: &Spanned<String>) -> Result<SocketAddr, ConfigError> {
        value.get_ref().parse().map_err(|_| {
            self.invalid(
                key,
                value,
                &format!("\"{}\" is not an IP address and port", value.get_ref()),
                "use \"IP:PORT\", e.g. \"0.0.0.0:443\", \"127.0.0.1:8080\" or \"[::]:443\"",
            )
        })
    }

    fn seconds(
        &self,
        key: &str,
        value: Option<&Spanned<i64>>,
        default: u64,
    ) -> Result<Duration, ConfigError> {
        self.ranged(key, value, default, 1..=86_400)
            .map(Duration::from_secs)
    }

    fn ranged<T>(
        &self,
        key: &str,
        value: Option<&Spanned<i64>>,
        default: T,
        range: std::ops::RangeInclusive<i64>,
    ) -> Result<T, ConfigError>
    where
        T: TryFrom<i64>,
    {
        let Some(value) = value else {
            return Ok(default);
        };
        let n = *value.get_ref();
        match T::try_from(n) {
            Ok(v) if range.contains(&n) => Ok(v),
            _ => Err(self.invalid(
                key,
                value,
                &format!("{n} is out of range"),
                &format!(
                    "use a whole number from {} to {}",
                    range.start(),
                    range.end()
                ),
            )),
        }
    }

    fn path(&self, value: &str) -> PathBuf {
        let p = Path::new(value);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.base.join(p)
        }
    }

    fn line_of<T>(&self, value: &Spanned<T>) -> usize {
        let start = value.span().start.min(self.text.len());
        self.text[..start].bytes().filter(|b| *b == b'\n').count() + 1
    }

    fn invalid<T>(&self, key: &str, value: &Spanned<T>, problem: &str, fix: &str) -> ConfigError {
        ConfigError::Invalid {
            location: format!("{}:{}", self.shown, self.line_of(value)),
            key: key.to_owned(),
            problem: problem.to_owned(),
            fix: fix.to_owned(),
        }
    }

    fn missing(&self, key: &str, fix: &str) -> ConfigError {
        ConfigError::Invalid {
            location: self.shown.to_owned(),
            key: key.to_owned(),
            problem: "is missing".to_owned(),
            fix: fix.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests;
