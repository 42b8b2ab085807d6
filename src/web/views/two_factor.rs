//! Pages of the second factor: the code step, setting up an authenticator app, and showing
//! recovery codes once.

use maud::{Markup, PreEscaped, html};

use super::layout::{Site, page};
use crate::service::Enrolment;

/// The code form after a right password.
#[derive(Debug, Clone, Default)]
pub struct CodePage {
    pub csrf_token: String,
    pub next: Option<String>,
    pub error: Option<String>,
}

pub fn code(site: &Site, form: &CodePage) -> Markup {
    page(
        site,
        "Code invoeren",
        html! {
            section.card.narrow {
                h1 { "Code uit uw app" }
                p { "Open uw authenticator-app en vul de code van zes cijfers in. Geen toegang tot de app? Gebruik een van uw herstelcodes." }
                @if let Some(error) = &form.error { p.error role="alert" { (error) } }
                form method="post" action="/aanmelden/code" {
                    input type="hidden" name="csrf" value=(form.csrf_token);
                    @if let Some(next) = &form.next { input type="hidden" name="next" value=(next); }
                    label for="code" { "Code" }
                    input #code name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
                        required maxlength="14" autofocus;
                    button type="submit" { "Verder" }
                }
            }
        },
    )
}

/// Setting up an app: a start button until a secret exists, then QR code, secret and code.
#[derive(Debug, Clone)]
pub struct EnrolPage<'a> {
    pub csrf_token: String,
    /// Where the forms post: `/aanmelden/instellen` or `/profiel/2fa`.
    pub action: &'static str,
    pub enrolment: Option<&'a Enrolment>,
    /// Set-up is required before going on (during sign-in).
    pub required: bool,
    pub error: Option<String>,
}

pub fn enrol(site: &Site, form: &EnrolPage<'_>) -> Markup {
    page(
        site,
        "Twee-stapsverificatie instellen",
        html! {
            section.card.narrow {
                h1 { "Twee-stapsverificatie instellen" }
                @if form.required {
                    p { "Voor uw account is twee-stapsverificatie verplicht. Stel het nu in; het kost een minuut." }
                }
                @if let Some(error) = &form.error { p.error role="alert" { (error) } }
                @match form.enrolment {
                    None => {
                        p { "U heeft een authenticator-app nodig op uw telefoon, bijvoorbeeld een van Microsoft, Google of een wachtwoordbeheerder." }
                        form method="post" action={ (form.action) "/start" } {
                            input type="hidden" name="csrf" value=(form.csrf_token);
                            button type="submit" { "Begin" }
                        }
                    }
                    Some(enrolment) => {
                        ol {
                            li { "Scan deze QR-code met uw authenticator-app:" }
                        }
                        div.qr role="img" aria-label="QR-code voor uw authenticator-app" { (PreEscaped(&enrolment.qr_svg)) }
                        p { "Of typ deze sleutel over: " code.secret { (enrolment.secret_text) } }
                        form method="post" action=(form.action) {
                            input type="hidden" name="csrf" value=(form.csrf_token);
                            label for="code" { "Vul de code van zes cijfers uit de app in" }
                            input #code name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
                                required maxlength="7";
                            button type="submit" { "Bevestig" }
                        }
                    }
                }
            }
        },
    )
}

/// Recovery codes, shown once.
pub fn recovery_codes(site: &Site, codes: &[String], next: &str) -> Markup {
    page(
        site,
        "Herstelcodes",
        html! {
            section.card.narrow {
                h1 { "Uw herstelcodes" }
                p {
                    "Bewaar deze codes op een veilige plek, bijvoorbeeld uitgeprint of in uw "
                    "wachtwoordbeheerder. Elke code werkt één keer, als u uw app niet bij de hand heeft. "
                    "U ziet ze alleen nu."
                }
                ul.codes { @for code in codes { li { code { (code) } } } }
                p { a.button href=(next) { "Verder" } }
            }
        },
    )
}
