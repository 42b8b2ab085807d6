//! The messages the portal sends, in Dutch (default) and English, each as plain text and as
//! simple HTML (inline styles, no remote images). They never carry a document, an amount or a
//! BSN: only usernames, links and times.

use maud::{Markup, html};
use serde_json::Value;

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

/// The words of one message: a subject, paragraphs, and an optional button.
struct Words {
    subject: String,
    paragraphs: Vec<String>,
    button: Option<(String, String)>,
}

fn param<'a>(params: &'a Value, name: &str, kind: &str) -> Result<&'a str, Unrenderable> {
    params[name]
        .as_str()
        .ok_or_else(|| Unrenderable(format!("{kind}: missing {name}")))
}

/// "27-11-2026 14:05" in Dutch local time (Europe/Amsterdam, as people read it).
fn local_time(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| {
            t.with_timezone(&chrono_tz::Europe::Amsterdam)
                .format("%d-%m-%Y %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

fn words(kind: &str, english: bool, params: &Value, site: &str) -> Result<Words, Unrenderable> {
    let t = |nl: &str, en: &str| {
        if english {
            en.to_owned()
        } else {
            nl.to_owned()
        }
    };
    Ok(match kind {
        "welcome_username" => {
            let username = param(params, "username", kind)?;
            let link = param(params, "link", kind)?;
            Words {
                subject: t(&format!("Welkom bij {site}"), &format!("Welcome to {site}")),
                paragraphs: vec![
                    if params["role"] == "employer" {
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
            }
        }
        "welcome_set_password" | "reset_password" => {
            let link = param(params, "link", kind)?;
            let until = local_time(params["valid_until"].as_str().unwrap_or(""));
            let welcome = kind == "welcome_set_password";
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
        "forgot_username" => {
            let usernames: Vec<String> = params["usernames"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|u| u.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            if usernames.is_empty() {
                return Err(Unrenderable("forgot_username: no usernames".into()));
            }
            Words {
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
            }
        }
        "password_changed" => Words {
            subject: t(
                &format!("Uw wachtwoord voor {site} is gewijzigd"),
                &format!("Your password for {site} was changed"),
            ),
            paragraphs: vec![
                t(
                    &format!(
                        "Het wachtwoord van uw account is gewijzigd op {}.",
                        local_time(params["at"].as_str().unwrap_or(""))
                    ),
                    &format!(
                        "The password of your account was changed on {}.",
                        local_time(params["at"].as_str().unwrap_or(""))
                    ),
                ),
                t(
                    "Was u dit niet? Vraag dan direct een nieuw wachtwoord aan en neem contact op met uw werkgever of administratiekantoor.",
                    "If this was not you, ask for a new password at once and contact your employer or payroll bureau.",
                ),
            ],
            button: params["link"].as_str().map(|l| {
                (
                    t("Nieuw wachtwoord aanvragen", "Ask for a new password"),
                    l.to_owned(),
                )
            }),
        },
        "confirm_private_email" => Words {
            subject: t(
                &format!("Bevestig uw e-mailadres voor {site}"),
                &format!("Confirm your e-mail address for {site}"),
            ),
            paragraphs: vec![t(
                "U heeft dit adres opgegeven als privé-e-mailadres. Bevestig het via de link hieronder; daarna gaan e-mails over aanmelden naar dit adres.",
                "You gave this address as your private e-mail address. Confirm it with the link below; sign-in e-mail will then go here.",
            )],
            button: Some((
                t("Bevestigen", "Confirm"),
                param(params, "link", kind)?.to_owned(),
            )),
        },
        "two_factor_reset" => Words {
            subject: t(
                &format!("Twee-stapsverificatie voor {site} opnieuw instellen"),
                &format!("Set up two-step verification for {site} again"),
            ),
            paragraphs: vec![t(
                "De beheerder heeft de twee-stapsverificatie van uw account uitgezet. Bij de volgende keer aanmelden stelt u die opnieuw in. Heeft u hier niet om gevraagd? Neem dan contact op met uw administratiekantoor.",
                "The administrator turned off two-step verification for your account. You set it up again at your next sign-in. If you did not ask for this, contact your payroll bureau.",
            )],
            button: None,
        },
        "new_documents" => {
            let count = params["count"].as_u64().unwrap_or(1);
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
                button: Some((
                    t("Bekijk uw dossier", "View your dossier"),
                    param(params, "link", kind)?.to_owned(),
                )),
            }
        }
        "test" => Words {
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
        other => return Err(Unrenderable(format!("unknown message {other}"))),
    })
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

/// Renders a queued message for its recipient.
pub fn render(
    kind: &str,
    language: &str,
    params: &Value,
    site: &str,
) -> Result<Rendered, Unrenderable> {
    let words = words(kind, language == "en", params, site)?;
    let mut text = words.paragraphs.join("\n\n");
    if let Some((label, link)) = &words.button {
        text.push_str(&format!("\n\n{label}: {link}"));
    }
    text.push_str(&format!("\n\n-- \n{site}\n"));
    Ok(Rendered {
        subject: words.subject.clone(),
        html: html_body(site, &words).into_string(),
        text,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_message_renders_in_both_languages() {
        let link = "https://portal.example.nl/wachtwoord/abc";
        let params = json!({
            "username": "anja", "role": "employee", "link": link,
            "valid_until": "2026-12-04T10:00:00Z", "usernames": ["anja", "anja-2"],
            "at": "2026-11-27T10:00:00Z", "count": 2,
        });
        for kind in crate::store::outbox::MESSAGES {
            for language in ["nl", "en"] {
                let rendered = render(kind, language, &params, "Loondossier Bakker").unwrap();
                assert!(rendered.subject.contains("Loondossier Bakker"), "{kind}");
                assert!(rendered.html.contains("Loondossier Bakker"));
                assert!(!rendered.html.contains("<img"), "no remote images");
            }
        }
        let nl = render("welcome_username", "nl", &params, "Portaal").unwrap();
        assert!(nl.text.contains("Uw gebruikersnaam is: anja"));
        assert!(!nl.text.contains("wachtwoord/abc") || nl.text.contains("Naar de site"));
        let reset = render("reset_password", "en", &params, "Portal").unwrap();
        assert!(
            reset.text.contains(link) && reset.text.contains("until 04-12-2026 11:00"),
            "{}",
            reset.text
        );
        assert!(render("nonsense", "nl", &params, "P").is_err());
    }
}
