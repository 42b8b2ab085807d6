//! The mail worker: sends the outbox in the background while the server runs, so no request
//! ever waits for the mail server.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use super::sender::Mailer;
use crate::config::{Config, SmtpConfig};
use crate::jobs::MailRound;
use crate::service::Services;

/// How often the worker looks for due mail. Rows are written by requests in their own
/// transactions, so a short poll keeps welcome and reset mails prompt.
const POLL: Duration = Duration::from_secs(2);

/// How long a message that could not be written to the pickup directory is tried again.
const PICKUP_GIVE_UP_AFTER: Duration = Duration::from_secs(72 * 3600);

/// A mailer for the configured server, with the configured extra CA.
pub fn mailer(config: &SmtpConfig) -> Result<Mailer, String> {
    let extra_ca = match &config.ca_cert {
        Some(path) => Some(
            std::fs::read(path)
                .map_err(|e| format!("[smtp] ca_cert: cannot read {}: {e}", path.display()))?,
        ),
        None => None,
    };
    Mailer::new(config.clone(), extra_ca.as_deref())
}

/// Where mail is written instead of sent, if anywhere: `[mail] pickup_dir`, or, for an
/// installation that holds the demo (its credentials file is in the data directory) and has no
/// `[smtp]`, `data_dir/mail`, so every flow of the demo can be finished without a mail server.
pub fn pickup_dir(config: &Config) -> Option<PathBuf> {
    if config.smtp.is_some() {
        return None;
    }
    config.mail_pickup.clone().or_else(|| {
        config
            .data_dir
            .join(crate::service::demo::CREDENTIALS_FILE)
            .exists()
            .then(|| config.data_dir.join("mail"))
    })
}

/// How this installation's mail leaves: by `[smtp]`, into `[mail] pickup_dir`, or not at all
/// (`None`: it stays queued until one of them is configured).
pub fn mail_round(config: &Config) -> Result<Option<MailRound>, String> {
    if let Some(smtp) = &config.smtp {
        return Ok(Some(MailRound {
            mailer: mailer(smtp)?,
            give_up_after: chrono::Duration::from_std(smtp.give_up_after)
                .map_err(|e| format!("[smtp] give_up_after_hours: {e}"))?,
        }));
    }
    let Some(dir) = pickup_dir(config) else {
        return Ok(None);
    };
    let host = config
        .public_url
        .as_ref()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| "localhost".to_owned());
    let from = format!(
        "{} <noreply@{host}>",
        config.installation_name.replace(['<', '>', '"'], "")
    );
    Ok(Some(MailRound {
        mailer: Mailer::pickup(&dir, from)?,
        give_up_after: chrono::Duration::from_std(PICKUP_GIVE_UP_AFTER).unwrap_or_default(),
    }))
}

/// Sends due mail every [`POLL`] until `stop` turns true; a round in progress finishes first.
pub async fn run(services: Arc<Services>, mail: MailRound, mut stop: watch::Receiver<bool>) {
    loop {
        match mail.run_if_free(&services).await {
            Ok(Some(round)) if round.count > 0 => {
                tracing::info!(messages = round.count, notes = ?round.notes, "mail round");
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "mail round failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(POLL) => {}
            _ = stop.wait_for(|stopped| *stopped) => return,
        }
    }
}
