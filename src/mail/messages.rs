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

/// The words of one message: a subject, paragraphs, and an optional button.
struct Words {
    subject: String,
    paragraphs: Vec<String>,
    button: Option<(String, String)>,
}

/// "27-11-2026 14:05" in Dutch local time (Europe/Amsterdam, as people read it).
fn local_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&chrono_tz::Europe::Amsterdam)
        .format("%d-%m-%Y %H:%M")
        .to_string()
}

fn words(mail: &Mail, english: bool, site: &str) -> Words {
    let t = |nl: &str, en: &str| {
        if english {
            en.to_owned()
        } else {
            nl.to_owned()
        }
    };
    match mail {
        Mail::WelcomeUsername {
            username,
            role,
            link,
        } => Words {
            subject: t(&format!("Welkom bij {site}"), &format!("Welcome to {site}")),
            paragraphs: vec![
                if role == "employer" {
                    t(
                        &format!(
                            "Uw administrateur heeft u aangemeld voor {site}. Hier kunt u onder andere loonoverzichten inzien en downloaden."
                        ),
                        &format!(
                            "Your payroll administrator has registered you for {site}, where you can view and download payroll reports."
                        ),
                    )
                } else {
                    t(
                        &format!(
                            "Uw werkgever heeft u aangemeld voor {site}. Hier kunt u onder andere uw loonstroken en jaaropgaven inzien en downloaden."
                        ),
                        &format!(
                            "Your employer has registered you for {site}, where you can view and download your payslips and annual statements."
                        ),
                    )
                },
                t(
                    &format!("Uw gebruikersnaam is: {username}"),
                    &format!("Your username is: {username}"),
                ),
                t(
                    "U ontvangt een tweede e-mail met een link om uw wachtwoord in te stellen.",
                    "A second e-mail brings a link to set your password.",
                ),
            ],
            button: Some((t("Naar de site", "Go to the site"), link.to_owned())),
        },
        Mail::WelcomeSetPassword { link, valid_until }
        | Mail::ResetPassword { link, valid_until } => {
            let until = local_time(*valid_until);
            let welcome = matches!(mail, Mail::WelcomeSetPassword { .. });
            Words {
                subject: if welcome {
                    t(
                        &format!("Stel uw wachtwoord in voor {site}"),
                        &format!("Set your password for {site}"),
                    )
                } else {
                    t(
                        &format!("Nieuw wachtwoord voor {site}"),
                        &format!("New password for {site}"),
                    )
                },
                paragraphs: vec![
                    if welcome {
                        t(
                            "Voordat u kunt aanmelden, stelt u eerst zelf een wachtwoord in via de link hieronder.",
                            "Before you can sign in, set your own password with the link below.",
                        )
                    } else {
                        t(
                            "Er is gevraagd om een nieuw wachtwoord. Stel het in via de link hieronder. Heeft u dit niet gevraagd? Dan kunt u deze e-mail negeren.",
                            "Someone asked for a new password. Set it with the link below. If it was not you, you can ignore this e-mail.",
                        )
                    },
                    t(
                        &format!("De link werkt één keer, tot {until}."),
                        &format!("The link works once, until {until}."),
                    ),
                ],
                button: Some((t("Wachtwoord instellen", "Set password"), link.to_owned())),
            }
        }
        Mail::ForgotUsername { usernames } => Words {
            subject: t(
                &format!("Uw gebruikersnaam voor {site}"),
                &format!("Your username for {site}"),
            ),
            paragraphs: vec![
                t(
                    "Bij dit e-mailadres horen deze gebruikersnamen:",
                    "These usernames belong to this e-mail address:",
                ),
                usernames.join(", "),
            ],
            button: None,
        },
        Mail::PasswordChanged { at, link } => Words {
            subject: t(
                &format!("Uw wachtwoord voor {site} is gewijzigd"),
                &format!("Your password for {site} was changed"),
            ),
            paragraphs: vec![
                t(
                    &format!(
                        "Het wachtwoord van uw account is gewijzigd op {}.",
                        local_time(*at)
                    ),
                    &format!(
                        "The password of your account was changed on {}.",
                        local_time(*at)
                    ),
                ),
                t(
                    "Was u dit niet? Vraag dan direct een nieuw wachtwoord aan en neem contact op met uw werkgever of administratiekantoor.",
                    "If this was not you, ask for a new password at once and contact your employer or payroll bureau.",
                ),
            ],
            button: Some((
                t("Nieuw wachtwoord aanvragen", "Ask for a new password"),
                link.clone(),
            )),
        },
        Mail::ConfirmPrivateEmail { link } => Words {
            subject: t(
                &format!("Bevestig uw e-mailadres voor {site}"),
                &format!("Confirm your e-mail address for {site}"),
            ),
            paragraphs: vec![t(
                "U heeft dit adres opgegeven als privé-e-mailadres. Bevestig het via de link hieronder; daarna gaan e-mails over aanmelden naar dit adres.",
                "You gave this address as your private e-mail address. Confirm it with the link below; sign-in e-mail will then go here.",
            )],
            button: Some((t("Bevestigen", "Confirm"), link.clone())),
        },
        Mail::TwoFactorReset { .. } => Words {
            subject: t(
                &format!("Tweestapsverificatie voor {site} opnieuw instellen"),
                &format!("Set up two-step verification for {site} again"),
            ),
            paragraphs: vec![t(
                "De beheerder heeft de tweestapsverificatie van uw account uitgezet. Bij de volgende keer aanmelden stelt u die opnieuw in. Heeft u hier niet om gevraagd? Neem dan contact op met uw administratiekantoor.",
                "The administrator turned off two-step verification for your account. You set it up again at your next sign-in. If you did not ask for this, contact your payroll bureau.",
            )],
            button: None,
        },
        Mail::AccountChanged { what, at, link } => {
            let (nl, en) = match what {
                AccountChange::Username => (
                    "is de gebruikersnaam van uw account gewijzigd",
                    "the username of your account was changed",
                ),
                AccountChange::PrivateEmail => (
                    "is gevraagd om het privé-e-mailadres van uw account te wijzigen (de bevestiging ging naar het nieuwe adres)",
                    "asked to change the private e-mail address of your account (the confirmation went to the new address)",
                ),
                AccountChange::TwoFactor => (
                    "is de tweestapsverificatie van uw account (opnieuw) ingesteld",
                    "two-step verification was (re)set for your account",
                ),
                AccountChange::ContactEmail => (
                    "is het e-mailadres van uw account gewijzigd door uw werkgever of administratiekantoor; e-mails over aanmelden gaan voortaan naar het nieuwe adres",
                    "your employer or payroll bureau changed the e-mail address of your account; sign-in e-mail now goes to the new address",
                ),
                AccountChange::RecoveryCodes => (
                    "zijn nieuwe herstelcodes voor uw account gemaakt; de oude werken niet meer",
                    "new recovery codes were made for your account; the old ones no longer work",
                ),
                AccountChange::PasskeyAdded => (
                    "is een passkey aan uw account toegevoegd; daarmee kunt u zonder wachtwoord aanmelden",
                    "a passkey was added to your account; it signs in without a password",
                ),
                AccountChange::PasskeyRemoved => (
                    "is een passkey van uw account verwijderd",
                    "a passkey was removed from your account",
                ),
            };
            let when = local_time(*at);
            Words {
                subject: t(
                    &format!("Uw account bij {site} is gewijzigd"),
                    &format!("Your account at {site} was changed"),
                ),
                paragraphs: vec![
                    t(&format!("Op {when} {nl}."), &format!("On {when}, {en}.")),
                    match what {
                        // A new way in survives a new password: only the administrator's
                        // reset (`user reset-2fa`) takes it away.
                        AccountChange::TwoFactor
                        | AccountChange::RecoveryCodes
                        | AccountChange::PasskeyAdded => t(
                            "Was u dit niet? Vraag dan direct een nieuw wachtwoord aan en bel uw werkgever of administratiekantoor: een nieuw wachtwoord alleen is niet genoeg, de beheerder van de portal moet ook de tweestapsverificatie en passkeys van uw account verwijderen.",
                            "If this was not you, ask for a new password at once and call your employer or payroll bureau: a new password alone is not enough, the portal's administrator must also remove the two-step verification and passkeys of your account.",
                        ),
                        _ => t(
                            "Was u dit niet? Vraag dan direct een nieuw wachtwoord aan en neem contact op met uw werkgever of administratiekantoor.",
                            "If this was not you, ask for a new password at once and contact your employer or payroll bureau.",
                        ),
                    },
                ],
                button: Some((
                    t("Nieuw wachtwoord aanvragen", "Ask for a new password"),
                    link.clone(),
                )),
            }
        }
        Mail::NewDocuments { count, link } => {
            let count = *count;
            Words {
                subject: t(
                    &format!("Nieuw in uw dossier bij {site}"),
                    &format!("New in your dossier at {site}"),
                ),
                paragraphs: vec![
                    if count == 1 {
                        t(
                            "Er staat een nieuw document voor u klaar in uw dossier.",
                            "A new document is waiting for you in your dossier.",
                        )
                    } else {
                        t(
                            &format!(
                                "Er staan {count} nieuwe documenten voor u klaar in uw dossier."
                            ),
                            &format!("{count} new documents are waiting for you in your dossier."),
                        )
                    },
                    t(
                        "U kunt deze meldingen uitzetten onder Profiel.",
                        "You can turn these notices off in Profiel.",
                    ),
                ],
                button: Some((t("Bekijk uw dossier", "View your dossier"), link.clone())),
            }
        }
        Mail::NewRequests { count, link } => Words {
            subject: t(
                &format!("Nieuwe verzoeken bij {site}"),
                &format!("New requests at {site}"),
            ),
            paragraphs: vec![
                if *count == 1 {
                    t(
                        "Een werknemer heeft een verzoek ingediend dat op uw besluit wacht.",
                        "An employee submitted a request that waits for your decision.",
                    )
                } else {
                    t(
                        &format!("Er wachten {count} verzoeken van werknemers op uw besluit."),
                        &format!("{count} requests from employees wait for your decision."),
                    )
                },
                t(
                    "U kunt deze meldingen uitzetten onder Profiel.",
                    "You can turn these notices off in Profiel.",
                ),
            ],
            button: Some((t("Bekijk de verzoeken", "View the requests"), link.clone())),
        },
        Mail::RequestDecided { approved, link } => Words {
            subject: t(
                &format!("Uw verzoek bij {site} is beoordeeld"),
                &format!("Your request at {site} has been decided"),
            ),
            paragraphs: vec![if *approved {
                t(
                    "Uw werkgever heeft uw verzoek goedgekeurd.",
                    "Your employer approved your request.",
                )
            } else {
                t(
                    "Uw werkgever heeft uw verzoek niet goedgekeurd. In het portaal ziet u meer.",
                    "Your employer did not approve your request. The portal shows more.",
                )
            }],
            button: Some((t("Bekijk uw verzoek", "View your request"), link.clone())),
        },
        Mail::Test => Words {
            subject: t(
                &format!("Testbericht van {site}"),
                &format!("Test message from {site}"),
            ),
            paragraphs: vec![t(
                "Dit bericht controleert de mailinstellingen van het portaal. Het is goed aangekomen.",
                "This message checks the portal's mail settings. It arrived.",
            )],
            button: None,
        },
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
