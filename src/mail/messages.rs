//! The messages the portal sends, in Dutch (default) and English, each as plain text and as
//! simple HTML (inline styles, no remote images). They never carry a document, an amount or a
//! BSN: only usernames, links and times.

use chrono::{DateTime, Utc};
use maud::{Markup, html};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::auth::seal::Sealer;
use crate::domain::AccountKey;
use crate::store::outbox::Queued;

use super::wording::{Words, words};

/// A message ready to be put in an envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Why a queued message cannot be rendered (its row is then marked failed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot render message {0}")]
pub struct Unrenderable(pub String);

/// Every message the portal sends, with exactly what it needs. Stored in the outbox as its
/// name and its fields as JSON (written in the transaction of the change that causes it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "message", content = "params", rename_all = "snake_case")]
pub enum Mail {
    /// The first welcome mail: the username (and the role, for the wording).
    WelcomeUsername {
        username: String,
        role: String,
        link: String,
    },
    /// The second welcome mail: the set-password link.
    WelcomeSetPassword {
        link: String,
        valid_until: DateTime<Utc>,
    },
    /// Every username with this address, in one mail.
    ForgotUsername {
        usernames: Vec<String>,
    },
    ResetPassword {
        link: String,
        valid_until: DateTime<Utc>,
    },
    PasswordChanged {
        at: DateTime<Utc>,
        link: String,
    },
    ConfirmPrivateEmail {
        link: String,
    },
    TwoFactorReset {
        at: DateTime<Utc>,
    },
    /// A sensitive change to the account, told to the address it had before.
    AccountChanged {
        what: AccountChange,
        at: DateTime<Utc>,
        /// "Forgot password", for when it was not the owner.
        link: String,
    },
    /// How many documents wait unread; never which.
    NewDocuments {
        count: i64,
        link: String,
    },
    /// How many requests wait for the employer's decision; never what they ask.
    NewRequests {
        count: i64,
        link: String,
    },
    /// The employer decided on the employee's request: approved or not, never what it asked.
    RequestDecided {
        approved: bool,
        link: String,
    },
    /// `loondossier mail test`.
    Test,
}

impl Mail {
    /// The name stored in the outbox's `message` column.
    pub fn name(&self) -> &'static str {
        match self {
            Self::WelcomeUsername { .. } => "welcome_username",
            Self::WelcomeSetPassword { .. } => "welcome_set_password",
            Self::ForgotUsername { .. } => "forgot_username",
            Self::ResetPassword { .. } => "reset_password",
            Self::PasswordChanged { .. } => "password_changed",
            Self::ConfirmPrivateEmail { .. } => "confirm_private_email",
            Self::TwoFactorReset { .. } => "two_factor_reset",
            Self::AccountChanged { .. } => "account_changed",
            Self::NewDocuments { .. } => "new_documents",
            Self::NewRequests { .. } => "new_requests",
            Self::RequestDecided { .. } => "request_decided",
            Self::Test => "test",
        }
    }

    /// The fields as stored in the outbox's `params` column.
    pub fn params(&self) -> Value {
        serde_json::to_value(self)
            .map(|mut v| v["params"].take())
            .unwrap_or(Value::Null)
    }

    /// Reads a stored row back; a row this version cannot read is [`Unrenderable`].
    pub fn from_row(name: &str, params: &Value) -> Result<Self, Unrenderable> {
        let tagged = if params.is_null() {
            serde_json::json!({ "message": name })
        } else {
            serde_json::json!({ "message": name, "params": params })
        };
        serde_json::from_value(tagged).map_err(|e| Unrenderable(format!("{name}: {e}")))
    }

    /// Whether the mail carries a link that works by itself (set a password, reset it,
    /// confirm an address): its fields are sealed in the outbox.
    pub fn carries_secret(&self) -> bool {
        matches!(
            self,
            Self::WelcomeSetPassword { .. }
                | Self::ResetPassword { .. }
                | Self::ConfirmPrivateEmail { .. }
        )
    }

    /// The outbox row for this mail to `to`, its fields sealed with `sealer` when it
    /// [carries a secret](Mail::carries_secret): a copy of the database alone holds no
    /// working link (the key lives outside it). Read back with [`open_params`].
    pub fn queue_sealed(
        &self,
        sealer: &Sealer,
        account: Option<AccountKey>,
        to: String,
        language: String,
    ) -> Queued {
        let mut queued = self.queue(account, to, language);
        if self.carries_secret() {
            let sealed = sealer.seal(queued.params.to_string().as_bytes(), OUTBOX);
            queued.params = serde_json::json!({ SEALED: sealed });
        }
        queued
    }

    /// The outbox row for this mail to `to`, its fields as they are (see
    /// [`Mail::queue_sealed`] for mail with a secret link).
    pub fn queue(&self, account: Option<AccountKey>, to: String, language: String) -> Queued {
        Queued {
            account,
            to,
            message: self.name(),
            language,
            params: self.params(),
        }
    }
}

/// Which sensitive change [`Mail::AccountChanged`] tells of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountChange {
    Username,
    /// A new private address was asked for (the mail goes to the old one).
    PrivateEmail,
    TwoFactor,
    RecoveryCodes,
    /// A passkey was added (a new way to sign in: the owner should know at once).
    PasskeyAdded,
    /// A passkey was removed.
    PasskeyRemoved,
    /// The employer's or bureau's payroll software changed the account's e-mail address
    /// (told to the old and the new address).
    ContactEmail,
}

/// The context outbox fields are sealed under (a sealed value opens only in its context).
const OUTBOX: &[u8] = b"outbox";
/// The key of sealed fields in an outbox row: `{"sealed": "<hex>"}`.
const SEALED: &str = "sealed";

/// An outbox row's fields as [`Mail::from_row`] reads them: opened with `sealer` when sealed
/// ([`Mail::queue_sealed`]), else as stored. `None` when sealed with another key (or damaged).
pub fn open_params(sealer: &Sealer, params: &Value) -> Option<Value> {
    match params.get(SEALED).and_then(Value::as_str) {
        Some(sealed) => {
            let plain = sealer.open(sealed, OUTBOX)?;
            serde_json::from_slice(&plain).ok()
        }
        None => Some(params.clone()),
    }
}

fn html_body(site: &str, words: &Words) -> Markup {
    html! {
        div style="font-family: Arial, Helvetica, sans-serif; color: #1c2430; max-width: 36rem; line-height: 1.5" {
            p style="font-weight: bold; color: #1f4e79; font-size: 1.1rem" { (site) }
            @for paragraph in &words.paragraphs { p { (paragraph) } }
            @if let Some((label, link)) = &words.button {
                p {
                    a href=(link) style="display: inline-block; padding: 0.6rem 1.2rem; background: #1f4e79; color: #ffffff; text-decoration: none; border-radius: 6px" { (label) }
                }
                p style="font-size: 0.85rem; color: #5a6675" { (link) }
            }
        }
    }
}

/// Renders a message for its recipient.
pub fn render(mail: &Mail, language: &str, site: &str) -> Rendered {
    let words = words(mail, language == "en", site);
    let mut text = words.paragraphs.join("\n\n");
    if let Some((label, link)) = &words.button {
        text.push_str(&format!("\n\n{label}: {link}"));
    }
    text.push_str(&format!("\n\n-- \n{site}\n"));
    Rendered {
        subject: words.subject.clone(),
        html: html_body(site, &words).into_string(),
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .map(|t| t.with_timezone(&Utc))
            .unwrap()
    }

    fn every_mail(link: &str) -> Vec<Mail> {
        vec![
            Mail::WelcomeUsername {
                username: "anja".into(),
                role: "employee".into(),
                link: "https://portal.example.nl/aanmelden".into(),
            },
            Mail::WelcomeSetPassword {
                link: link.into(),
                valid_until: at("2026-12-04T10:00:00Z"),
            },
            Mail::ForgotUsername {
                usernames: vec!["anja".into(), "anja-2".into()],
            },
            Mail::ResetPassword {
                link: link.into(),
                valid_until: at("2026-12-04T10:00:00Z"),
            },
            Mail::PasswordChanged {
                at: at("2026-11-27T10:00:00Z"),
                link: link.into(),
            },
            Mail::ConfirmPrivateEmail { link: link.into() },
            Mail::TwoFactorReset {
                at: at("2026-11-27T10:00:00Z"),
            },
            Mail::AccountChanged {
                what: AccountChange::Username,
                at: at("2026-11-27T10:00:00Z"),
                link: link.into(),
            },
            Mail::NewDocuments {
                count: 2,
                link: link.into(),
            },
            Mail::NewRequests {
                count: 2,
                link: link.into(),
            },
            Mail::RequestDecided {
                approved: false,
                link: link.into(),
            },
        ]
    }

    #[test]
    fn every_message_renders_in_both_languages_and_survives_the_outbox() {
        let link = "https://portal.example.nl/wachtwoord/abc";
        let mails = every_mail(link);
        let names: Vec<_> = mails.iter().map(Mail::name).collect();
        assert_eq!(names, crate::store::outbox::MESSAGES);
        for mail in &mails {
            assert_eq!(&Mail::from_row(mail.name(), &mail.params()).unwrap(), mail);
            for language in ["nl", "en"] {
                let rendered = render(mail, language, "Loondossier Bakker");
                assert!(rendered.subject.contains("Loondossier Bakker"), "{mail:?}");
                assert!(rendered.html.contains("Loondossier Bakker"));
                assert!(!rendered.html.contains("<img"), "no remote images");
            }
        }
        let nl = render(&mails[0], "nl", "Portaal");
        assert!(nl.text.contains("Uw gebruikersnaam is: anja"));
        assert!(
            !nl.text.contains("wachtwoord/abc"),
            "the link is in the other mail"
        );
        let reset = render(&mails[3], "en", "Portal");
        assert!(
            reset.text.contains(link) && reset.text.contains("until 04-12-2026 11:00"),
            "{}",
            reset.text
        );
        assert!(
            render(&mails[8], "nl", "P")
                .text
                .contains("2 nieuwe documenten")
        );
        let changed = render(&mails[7], "nl", "P").text;
        assert!(
            changed.contains("is de gebruikersnaam van uw account gewijzigd"),
            "{changed}"
        );
        // A new way in outlives a new password: the mail says who can take it away.
        for what in [AccountChange::PasskeyAdded, AccountChange::TwoFactor] {
            let mail = Mail::AccountChanged {
                what,
                at: at("2026-11-27T10:00:00Z"),
                link: link.into(),
            };
            let text = render(&mail, "nl", "P").text;
            assert!(
                text.contains("een nieuw wachtwoord alleen is niet genoeg"),
                "{text}"
            );
            assert_eq!(&Mail::from_row(mail.name(), &mail.params()).unwrap(), &mail);
        }
        let removed = Mail::AccountChanged {
            what: AccountChange::PasskeyRemoved,
            at: at("2026-11-27T10:00:00Z"),
            link: link.into(),
        };
        let text = render(&removed, "en", "P").text;
        assert!(text.contains("a passkey was removed"), "{text}");
        assert!(!text.contains("alone is not enough"), "{text}");
        assert!(Mail::from_row("nonsense", &Value::Null).is_err());
        assert!(Mail::from_row("reset_password", &serde_json::json!({"link": 1})).is_err());
        assert_eq!(Mail::from_row("test", &Value::Null).unwrap(), Mail::Test);
    }
}
