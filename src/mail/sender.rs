//! Delivering one message over SMTP: TLS from the first byte or STARTTLS (never falling back to
//! plain text), plain only when the config says so; certificates checked by rustls against
//! Mozilla's roots (plus a configured CA for a private relay); AUTH when configured. Failures
//! are sorted into "try again later" and "give up". Without a mail server (`[mail] pickup_dir`,
//! the demo), the same message is written to a directory as an `.eml` file instead.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use mail_send::SmtpClientBuilder;
use mail_send::mail_builder::MessageBuilder;
use mail_send::mail_builder::headers::HeaderType;
use mail_send::mail_builder::headers::address::Address;
use mail_send::mail_builder::headers::date::Date;
use mail_send::mail_builder::headers::text::Text;
use mail_send::mail_builder::mime::{BodyPart, MimePart};
use rustls::RootCertStore;
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use tokio_rustls::TlsConnector;

use super::messages::Rendered;
use crate::config::{SmtpConfig, SmtpSecurity};

/// How long one SMTP conversation may take.
const TIMEOUT: Duration = Duration::from_secs(60);

/// Why a message was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Try again later: the server said 4xx, or could not be reached, or timed out.
    #[error("temporary: {0}")]
    Temporary(String),
    /// Do not try again: the server refused the message (5xx).
    #[error("permanent: {0}")]
    Permanent(String),
}

/// Sends mail through the configured server, or writes it to the pickup directory.
#[derive(Clone)]
pub struct Mailer {
    /// `"Name <addr>"` or `"addr"`.
    from: String,
    reply_to: Option<String>,
    transport: Transport,
}

#[derive(Clone)]
enum Transport {
    Smtp {
        config: SmtpConfig,
        tls: TlsConnector,
    },
    /// Every message becomes `<dir>/<time>-<message id>.eml` (mode 0600: it may carry a
    /// set-password link).
    Pickup { dir: PathBuf },
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from)
            .field("to", &self.describe())
            .finish_non_exhaustive()
    }
}

/// One envelope: who, what, and the identifiers it carries.
#[derive(Debug, Clone)]
pub struct Envelope<'a> {
    pub to: &'a str,
    pub message: &'a Rendered,
    /// `<id@host>`: unique per message row, so a resend after a lost answer is recognisable.
    pub message_id: String,
    pub date: DateTime<Utc>,
}

impl Mailer {
    /// A mailer for `config`; `extra_ca` (PEM) is trusted besides the usual roots.
    pub fn new(config: SmtpConfig, extra_ca: Option<&[u8]>) -> Result<Self, String> {
        let mut roots = RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        if let Some(pem) = extra_ca {
            for cert in CertificateDer::pem_slice_iter(pem) {
                let cert = cert.map_err(|e| format!("the CA file is not PEM: {e}"))?;
                roots
                    .add(cert)
                    .map_err(|e| format!("the CA certificate is not usable: {e}"))?;
            }
        }
        let tls = rustls::ClientConfig::builder_with_provider(crate::tls::provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Self {
            from: config.from.clone(),
            reply_to: config.reply_to.clone(),
            transport: Transport::Smtp {
                config,
                tls: TlsConnector::from(Arc::new(tls)),
            },
        })
    }

    /// A mailer that writes each message into `dir` instead of sending it; the directory is
    /// made (owner-only, 0700) if missing. `from` as in `[smtp] from`.
    pub fn pickup(dir: &Path, from: String) -> Result<Self, String> {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| format!("[mail] pickup_dir: cannot create {}: {e}", dir.display()))?;
        Ok(Self {
            from,
            reply_to: None,
            transport: Transport::Pickup {
                dir: dir.to_path_buf(),
            },
        })
    }

    /// Where messages go: `host:port` of the mail server, or the pickup directory.
    pub fn describe(&self) -> String {
        match &self.transport {
            Transport::Smtp { config, .. } => format!("{}:{}", config.host, config.port),
            Transport::Pickup { dir } => dir.display().to_string(),
        }
    }

    fn build(&self, envelope: &Envelope<'_>) -> MessageBuilder<'static> {
        let mut builder = MessageBuilder::new()
            .from(mailbox(&self.from))
            .to(envelope.to.to_owned())
            .subject(envelope.message.subject.clone())
            .message_id(envelope.message_id.clone())
            .date(Date::new(envelope.date.timestamp()))
            .header(
                "Auto-Submitted",
                HeaderType::Text(Text::new("auto-generated")),
            );
        builder = match self.transport {
            Transport::Smtp { .. } => builder
                .text_body(envelope.message.text.clone())
                .html_body(envelope.message.html.clone()),
            // A file is read by people too: its text part stays plain 8-bit (its lines are
            // short), so a link can be copied from a text editor without unfolding
            // quoted-printable.
            Transport::Pickup { .. } => builder.body(MimePart::new(
                "multipart/alternative",
                vec![
                    MimePart::new(
                        "text/plain",
                        BodyPart::Text(envelope.message.text.replace('\n', "\r\n").into()),
                    )
                    .transfer_encoding("8bit"),
                    MimePart::new(
                        "text/html",
                        BodyPart::Text(envelope.message.html.clone().into()),
                    ),
                ],
            )),
        };
        if let Some(reply_to) = &self.reply_to {
            builder = builder.reply_to(mailbox(reply_to));
        }
        builder
    }

    /// Hands one message to the server (`Ok` only once the server accepted it), or writes it
    /// to the pickup directory (`Ok` once the file is complete and synced).
    pub async fn send(&self, envelope: &Envelope<'_>) -> Result<(), SendError> {
        let message = self.build(envelope);
        let (config, tls) = match &self.transport {
            Transport::Smtp { config, tls } => (config, tls),
            Transport::Pickup { dir } => {
                let name = pickup_name(envelope);
                let dir = dir.clone();
                return tokio::task::spawn_blocking(move || write_pickup(&dir, &name, message))
                    .await
                    .map_err(|e| SendError::Temporary(e.to_string()))?;
            }
        };
        let mut client = SmtpClientBuilder::new_with_tls_connector(
            config.host.clone(),
            config.port,
            tls.clone(),
        )
        .timeout(TIMEOUT)
        .implicit_tls(config.security == SmtpSecurity::Tls);
        if let (Some(user), Some(password)) = (&config.username, &config.password) {
            client = client.credentials((user.clone(), password.clone()));
        }
        let sent = match config.security {
            SmtpSecurity::None => match client.connect_plain().await {
                Ok(mut c) => c.send(message).await.map(|_| ()),
                Err(e) => Err(e),
            },
            SmtpSecurity::Tls | SmtpSecurity::StartTls => match client.connect().await {
                Ok(mut c) => c.send(message).await.map(|_| ()),
                Err(e) => Err(e),
            },
        };
        sent.map_err(classify)
    }
}

/// `20261201-093000-<message id's local part>.eml`: sorts by time, unique per message row.
fn pickup_name(envelope: &Envelope<'_>) -> String {
    let local = envelope
        .message_id
        .split('@')
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-')
        .collect::<String>();
    format!("{}-{local}.eml", envelope.date.format("%Y%m%d-%H%M%S"))
}

/// Writes the message under a temporary name, syncs it and renames it into place, so a reader
/// never sees half a message; a message written before (a resend) is replaced whole.
fn write_pickup(dir: &Path, name: &str, message: MessageBuilder<'static>) -> Result<(), SendError> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let temporary = dir.join(format!(".{name}.partial"));
    let path = dir.join(name);
    let written = message.write_to_vec().and_then(|bytes| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&temporary)?;
        file.write_all(&bytes)?;
        file.sync_all()?;
        std::fs::rename(&temporary, &path)
    });
    match written {
        Ok(()) => {
            tracing::info!(path = %path.display(), "mail written to the pickup directory");
            Ok(())
        }
        Err(e) => {
            let _ = std::fs::remove_file(&temporary);
            Err(SendError::Temporary(format!(
                "cannot write {}: {e}",
                path.display()
            )))
        }
    }
}

/// `"Name <addr>"` or `"addr"` (as the config checked it) as a mail-builder address, so the
/// envelope sender is the bare address and the header carries the name.
fn mailbox(text: &str) -> Address<'static> {
    let text = text.trim();
    match (text.rfind('<'), text.strip_suffix('>')) {
        (Some(open), Some(inner)) => {
            let name = text[..open].trim().trim_matches('"').trim();
            let address = inner[open + 1..].to_owned();
            if name.is_empty() {
                Address::new_address(None::<String>, address)
            } else {
                Address::new_address(Some(name.to_owned()), address)
            }
        }
        _ => Address::new_address(None::<String>, text.to_owned()),
    }
}

/// 5xx answers to the message are final; everything else (4xx, network, TLS, timeouts) may
/// pass. A refused login is the installation's problem, not the message's: it waits until
/// the administrator fixes `[smtp]`, like an unreachable server.
fn classify(error: mail_send::Error) -> SendError {
    match &error {
        mail_send::Error::UnexpectedReply(reply) if (500..600).contains(&reply.code()) => {
            SendError::Permanent(error.to_string())
        }
        _ => SendError::Temporary(error.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_display_name_stays_out_of_the_address() {
        let Address::Address(named) = mailbox("Loondossier Bakker <noreply@example.nl>") else {
            panic!("one address");
        };
        assert_eq!(named.name.as_deref(), Some("Loondossier Bakker"));
        assert_eq!(named.email, "noreply@example.nl");
        let Address::Address(bare) = mailbox("noreply@example.nl") else {
            panic!("one address");
        };
        assert_eq!(bare.name, None);
        assert_eq!(bare.email, "noreply@example.nl");
    }
}
