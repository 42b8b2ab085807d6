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
    /// The portal's passkey origin when the account has passkeys (the passkey button comes first).
    pub passkey_origin: Option<String>,
    /// The account has an authenticator app (else only recovery codes go in the field).
    pub has_app: bool,
}

pub fn code(site: &Site, form: &CodePage) -> Markup {
    let t = site.t();
    page(
        site,
        t.code_title,
        html! {
            section.card.narrow {
                h1 { (if form.passkey_origin.is_some() { t.second_step_heading } else { t.code_heading }) }
                @if let Some(error) = &form.error { p.error role="alert" { (error) } }
                @if let Some(rp_origin) = &form.passkey_origin {
                    p { (if form.has_app { t.passkey_code_lead } else { t.passkey_recovery_lead }) }
                    (super::passkeys::second_factor_button(t, &form.csrf_token, form.next.as_deref(), rp_origin))
                } @else {
                    p { (t.code_lead) }
                }
                form method="post" action="/aanmelden/code" {
                    input type="hidden" name="csrf" value=(form.csrf_token);
                    @if let Some(next) = &form.next { input type="hidden" name="next" value=(next); }
                    label for="code" { (if form.has_app { t.code_label } else { t.recovery_code_label }) }
                    input #code name="code" type="text" autocomplete="one-time-code" autocapitalize="none" spellcheck="false"
                        required maxlength="14" autofocus;
                    button type="submit" { (t.next_step) }
                }
                (cancel_sign_in(t, &form.csrf_token))
            }
        },
    )
}

/// A way out of a sign-in stopped halfway: ends the half-finished session.
fn cancel_sign_in(t: &crate::web::i18n::Texts, csrf: &str) -> Markup {
    html! {
        form.cancel-sign-in method="post" action="/afmelden" {
            input type="hidden" name="csrf" value=(csrf);
            button.link type="submit" { (t.cancel_sign_in) }
        }
    }
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
    /// During sign-in where passkeys work: the passkey origin and a name for the passkey
    /// (the browser and system it is made on); a passkey may then stand in for the app.
    pub passkey: Option<(String, String)>,
}

pub fn enrol(site: &Site, form: &EnrolPage<'_>) -> Markup {
    let t = site.t();
    page(
        site,
        t.enrol_title,
        html! {
            section.card.narrow {
                h1 { (t.enrol_title) }
                @if form.required {
                    p { (t.enrol_required) }
                }
                @if let Some(error) = &form.error { p.error role="alert" { (error) } }
                @match form.enrolment {
                    None => {
                        @if let Some((rp_origin, name)) = &form.passkey {
                            (super::passkeys::enrol_choice(t, &form.csrf_token, rp_origin, name))
                        }
                        p { (t.enrol_need_app) }
                        form method="post" action={ (form.action) "/start" } {
                            input type="hidden" name="csrf" value=(form.csrf_token);
                            @if !form.required {
                                (super::account::password_again(t, "password"))
                            }
                            button type="submit" { (t.enrol_begin) }
                        }
                    }
                    Some(enrolment) => {
                        ol {
                            li { (t.enrol_scan) }
                        }
                        div.qr role="img" aria-label=(t.enrol_qr_label) { (PreEscaped(&enrolment.qr_svg)) }
                        p { (t.enrol_type_key) code.secret { (enrolment.secret_text) } }
                        form method="post" action=(form.action) {
                            input type="hidden" name="csrf" value=(form.csrf_token);
                            label for="code" { (t.enrol_code_label) }
                            input #code name="code" type="text" autocomplete="one-time-code" autocapitalize="none" spellcheck="false"
                                required maxlength="7";
                            button type="submit" { (t.enrol_confirm) }
                        }
                    }
                }
                @if form.required {
                    (cancel_sign_in(t, &form.csrf_token))
                }
            }
        },
    )
}

/// Recovery codes, shown once.
pub fn recovery_codes(site: &Site, codes: &[String], next: &str) -> Markup {
    recovery_codes_after(site, codes, next, None)
}

/// Recovery codes, shown once, after saying what was just done (a passkey added).
pub fn recovery_codes_after(
    site: &Site,
    codes: &[String],
    next: &str,
    done: Option<&str>,
) -> Markup {
    let t = site.t();
    page(
        site,
        t.recovery_title,
        html! {
            section.card.narrow {
                h1 { (t.recovery_heading) }
                @if let Some(done) = done { p.notice role="status" { (done) } }
                p {
                    (t.recovery_text)
                }
                ul.codes { @for code in codes { li { code { (code) } } } }
                p { a.button href=(next) { (t.next_step) } }
            }
        },
    )
}
