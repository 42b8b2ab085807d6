//! The wording of each message the portal sends, in Dutch and in English: its subject, its
//! paragraphs and its button. What a message may carry (never a document, an amount or a BSN)
//! is said in `messages`.

use chrono::{DateTime, Utc};

use super::messages::{AccountChange, Mail};

/// The words of one message: a subject, paragraphs, and an optional button.
pub(super) struct Words {
    pub(super) subject: String,
    pub(super) paragraphs: Vec<String>,
    /// Its label and link.
    pub(super) button: Option<(String, String)>,
}

/// "27-11-2026 14:05" in Dutch local time (Europe/Amsterdam, as people read it).
fn local_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&chrono_tz::Europe::Amsterdam)
        .format("%d-%m-%Y %H:%M")
        .to_string()
}

/// What `mail` says, in English or else Dutch; `site` is the installation's name.
pub(super) fn words(mail: &Mail, english: bool, site: &str) -> Words {
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
