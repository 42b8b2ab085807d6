//! Validation of the larger sections: `[smtp]`, `[security]` and `[jobs]`.

use toml::Spanned;

use super::file;
use super::validate::Validator;
use super::{ConfigError, JOBS, SecurityConfig, SmtpConfig, SmtpSecurity};
use crate::domain::party::Role;
use std::time::Duration;

impl Validator<'_> {
    pub(super) fn smtp(&self, s: file::SmtpSection) -> Result<SmtpConfig, ConfigError> {
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
        let ca_cert = s.ca_cert.as_ref().map(|c| self.ca_file(c)).transpose()?;
        let give_up_hours: u64 = self.ranged(
            "[smtp] give_up_after_hours",
            s.give_up_after_hours.as_ref(),
            72,
            1..=720,
        )?;
        let notify_minutes: u64 = self.ranged(
            "[smtp] notify_delay_minutes",
            s.notify_delay_minutes.as_ref(),
            15,
            0..=10_080,
        )?;
        Ok(SmtpConfig {
            host: host.into_inner().trim().to_owned(),
            port,
            security,
            username: s.username.map(Spanned::into_inner),
            password: s.password.map(Spanned::into_inner),
            from: from_text,
            reply_to,
            ca_cert,
            give_up_after: Duration::from_secs(give_up_hours * 3600),
            notify_delay: Duration::from_secs(notify_minutes * 60),
        })
    }

    /// A readable PEM file with at least one certificate.
    fn ca_file(&self, value: &Spanned<String>) -> Result<std::path::PathBuf, ConfigError> {
        use rustls_pki_types::CertificateDer;
        use rustls_pki_types::pem::PemObject;
        let path = self.path(value.get_ref());
        let pem = std::fs::read(&path).map_err(|e| {
            self.invalid(
                "[smtp] ca_cert",
                value,
                &format!("cannot read {}: {e}", path.display()),
                "give the path of the relay's CA certificate (PEM)",
            )
        })?;
        let certs = CertificateDer::pem_slice_iter(&pem)
            .filter(Result::is_ok)
            .count();
        if certs == 0 {
            return Err(self.invalid(
                "[smtp] ca_cert",
                value,
                "holds no PEM certificate",
                "give the path of the relay's CA certificate (PEM)",
            ));
        }
        Ok(path)
    }

    pub(super) fn jobs(
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

    pub(super) fn retention(
        &self,
        section: file::RetentionSection,
    ) -> Result<super::RetentionConfig, ConfigError> {
        let defaults = super::RetentionConfig::default();
        let mut by_kind = Vec::new();
        for (name, years) in section.upload_years_by_kind.iter().flatten() {
            let key = format!("[retention] upload_years_by_kind.{name}");
            let kind = crate::domain::DocumentKind::parse(name)
                .ok()
                .filter(|k| k.is_upload_kind())
                .ok_or_else(|| {
                    self.invalid(
                        &key,
                        years,
                        "is not a kind employees upload",
                        "use id_copy, expense_claim or other",
                    )
                })?;
            by_kind.push((kind, self.ranged(&key, Some(years), 5, 1..=100)?));
        }
        Ok(super::RetentionConfig {
            payroll_years: self.ranged(
                "[retention] payroll_years",
                section.payroll_years.as_ref(),
                defaults.payroll_years,
                1..=100,
            )?,
            upload_years: self.ranged(
                "[retention] upload_years",
                section.upload_years.as_ref(),
                defaults.upload_years,
                1..=100,
            )?,
            upload_years_by_kind: by_kind,
            trash_days: self.ranged(
                "[retention] trash_days",
                section.trash_days.as_ref(),
                defaults.trash_days,
                1..=3650,
            )?,
            orphan_grace_hours: self.ranged(
                "[retention] orphan_grace_hours",
                section.orphan_grace_hours.as_ref(),
                defaults.orphan_grace_hours,
                1..=8760,
            )?,
            snapshots_keep: self.ranged(
                "[retention] snapshots_keep",
                section.snapshots_keep.as_ref(),
                defaults.snapshots_keep,
                1..=365,
            )?,
        })
    }

    pub(super) fn security(&self, s: file::SecuritySection) -> Result<SecurityConfig, ConfigError> {
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
            end_sessions_on_address_change: s.end_sessions_on_address_change.unwrap_or(true),
        })
    }

    pub(super) fn mailbox(
        &self,
        key: &str,
        value: &Spanned<String>,
    ) -> Result<String, ConfigError> {
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
}
