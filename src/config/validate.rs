//! Turning the raw config file into a [`Config`]: every value checked, every refusal naming
//! its key and line and saying how to fix it.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use toml::Spanned;

use super::file::{self, FileConfig};
use super::{Config, ConfigError, HttpConfig, TlsConfig};
use crate::tls;

/// Turns the raw file into a [`Config`], naming key and line on the first problem.
pub(super) struct Validator<'a> {
    pub(super) text: &'a str,
    pub(super) shown: &'a str,
    pub(super) base: &'a Path,
}

impl Validator<'_> {
    pub(super) fn validate(
        &self,
        raw: FileConfig,
        path: Option<&Path>,
    ) -> Result<Config, ConfigError> {
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
        let logo = raw.logo.map(|l| self.logo(&l)).transpose()?;
        let help_url = raw.help_url.map(|u| self.help_url(&u)).transpose()?;
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
        let mail_pickup = match raw.mail.and_then(|m| m.pickup_dir) {
            Some(dir) if smtp.is_some() => {
                return Err(self.invalid(
                    "[mail] pickup_dir",
                    &dir,
                    "is set together with [smtp]",
                    "choose one: [smtp] sends mail, pickup_dir only writes it to files",
                ));
            }
            Some(dir) if dir.get_ref().trim().is_empty() => {
                return Err(self.invalid(
                    "[mail] pickup_dir",
                    &dir,
                    "is empty",
                    "name a directory, e.g. pickup_dir = \"/var/lib/loondossier/mail\"",
                ));
            }
            Some(dir) => Some(self.path(dir.get_ref().trim())),
            None => None,
        };
        let uploads = raw.uploads.unwrap_or_default();
        let upload_max_mb: u64 = self.ranged(
            "[uploads] max_size_mb",
            uploads.max_size_mb.as_ref(),
            20,
            1..=2048,
        )?;
        let upload_max_files: usize = self.ranged(
            "[uploads] max_files",
            uploads.max_files.as_ref(),
            20,
            1..=1000,
        )?;
        let upload_quota_mb: u64 = self.ranged(
            "[uploads] quota_mb",
            uploads.quota_mb.as_ref(),
            500,
            1..=1_048_576,
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
        let retention = self.retention(raw.retention.unwrap_or_default())?;
        let metrics_token = match raw.metrics.and_then(|m| m.token) {
            Some(token) if token.get_ref().trim().len() < 32 => {
                return Err(self.invalid(
                    "[metrics] token",
                    &token,
                    "is shorter than 32 characters",
                    "use a long random value, e.g. the output of `openssl rand -hex 32`",
                ));
            }
            Some(token) => Some(token.into_inner().trim().to_owned()),
            None => None,
        };
        let jobs = self.jobs(raw.jobs.unwrap_or_default())?;
        let storage = self.storage(raw.storage.unwrap_or_default())?;
        Ok(Config {
            source: path.map(Path::to_path_buf),
            installation_name,
            logo,
            help_url,
            data_dir,
            public_url,
            http,
            tls,
            smtp,
            mail_pickup,
            upload_max_bytes: upload_max_mb * 1024 * 1024,
            upload_max_files,
            upload_quota_bytes: upload_quota_mb * 1024 * 1024,
            security,
            backups_keep,
            retention,
            metrics_token,
            backup_max_bytes: backup_max_mb * 1024 * 1024,
            jobs,
            storage,
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

    /// An http(s) address with a host, for the config key `key`.
    fn web_address(
        &self,
        key: &str,
        value: &Spanned<String>,
        fix: &str,
    ) -> Result<url::Url, ConfigError> {
        let url = url::Url::parse(value.get_ref())
            .map_err(|e| self.invalid(key, value, &format!("is not a URL ({e})"), fix))?;
        if !matches!(url.scheme(), "https" | "http") || url.host_str().is_none() {
            return Err(self.invalid(key, value, "must start with https:// and name a host", fix));
        }
        Ok(url)
    }

    fn help_url(&self, value: &Spanned<String>) -> Result<url::Url, ConfigError> {
        let fix = "give the web page about the portal, e.g. \"https://www.bureau.nl/loondossier\"";
        self.web_address("help_url", value, fix)
    }

    fn public_url(&self, value: &Spanned<String>, tls: bool) -> Result<url::Url, ConfigError> {
        let fix = "give the address users type, e.g. \"https://portal.example.nl\"";
        let url = self.web_address("public_url", value, fix)?;
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

    pub(super) fn socket_addr(
        &self,
        key: &str,
        value: &Spanned<String>,
    ) -> Result<SocketAddr, ConfigError> {
        value.get_ref().parse().map_err(|_| {
            self.invalid(
                key,
                value,
                &format!("\"{}\" is not an IP address and port", value.get_ref()),
                "use \"IP:PORT\", e.g. \"0.0.0.0:443\", \"127.0.0.1:8080\" or \"[::]:443\"",
            )
        })
    }

    pub(super) fn seconds(
        &self,
        key: &str,
        value: Option<&Spanned<i64>>,
        default: u64,
    ) -> Result<Duration, ConfigError> {
        self.ranged(key, value, default, 1..=86_400)
            .map(Duration::from_secs)
    }

    pub(super) fn ranged<T>(
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

    /// Reads the logo now, so a missing or unsuitable file is refused at start, not shown
    /// as a broken image.
    fn logo(&self, value: &Spanned<String>) -> Result<super::Logo, ConfigError> {
        const LIMIT: u64 = 512 * 1024;
        let path = self.path(value.get_ref());
        let fix =
            "give a PNG, JPEG or SVG file of at most 512 KiB, e.g. \"/etc/loondossier/logo.svg\"";
        let size = std::fs::metadata(&path)
            .map_err(|e| self.invalid("logo", value, &format!("cannot be read ({e})"), fix))?
            .len();
        if size > LIMIT {
            return Err(self.invalid("logo", value, &format!("is {size} bytes"), fix));
        }
        let bytes = std::fs::read(&path)
            .map_err(|e| self.invalid("logo", value, &format!("cannot be read ({e})"), fix))?;
        let media_type = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            "image/png"
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            "image/jpeg"
        } else if std::str::from_utf8(&bytes).is_ok_and(|text| text.contains("<svg")) {
            "image/svg+xml"
        } else {
            return Err(self.invalid("logo", value, "is not a PNG, JPEG or SVG image", fix));
        };
        Ok(super::Logo {
            path,
            media_type,
            bytes: bytes.into(),
        })
    }

    pub(super) fn path(&self, value: &str) -> PathBuf {
        let p = Path::new(value);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.base.join(p)
        }
    }

    pub(super) fn line_of<T>(&self, value: &Spanned<T>) -> usize {
        let start = value.span().start.min(self.text.len());
        self.text[..start].bytes().filter(|b| *b == b'\n').count() + 1
    }

    pub(super) fn invalid<T>(
        &self,
        key: &str,
        value: &Spanned<T>,
        problem: &str,
        fix: &str,
    ) -> ConfigError {
        ConfigError::Invalid {
            location: format!("{}:{}", self.shown, self.line_of(value)),
            key: key.to_owned(),
            problem: problem.to_owned(),
            fix: fix.to_owned(),
        }
    }

    pub(super) fn missing(&self, key: &str, fix: &str) -> ConfigError {
        ConfigError::Invalid {
            location: self.shown.to_owned(),
            key: key.to_owned(),
            problem: "is missing".to_owned(),
            fix: fix.to_owned(),
        }
    }
}
