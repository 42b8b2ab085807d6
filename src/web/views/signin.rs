//! The sign-in page.

use maud::{Markup, html};

use super::layout::{Site, page};

/// What the sign-in form shows.
#[derive(Debug, Clone, Default)]
pub struct SignInPage {
    pub csrf_token: String,
    /// The page to go to afterwards (a local path).
    pub next: Option<String>,
    pub username: String,
    /// Why the last attempt did not work, in the user's words.
    pub error: Option<String>,
    /// Shown after signing out.
    pub signed_out: bool,
    /// Shown after a password was set from an e-mailed link.
    pub password_saved: bool,
    /// The origin passkeys work on, when they work at the portal's address (the button is offered).
    pub passkey_origin: Option<String>,
}

pub fn sign_in(site: &Site, form: &SignInPage) -> Markup {
    let t = site.t();
    page(
        site,
        t.sign_in,
        html! {
            section.card.narrow {
                h1 { (t.sign_in) }
                p.muted {
                    (t.welcome_lead)
                }
                @if form.signed_out {
                    p.notice role="status" { (t.signed_out) }
                }
                @if form.password_saved {
                    p.notice role="status" { (t.password_saved) }
                }
                @if let Some(error) = &form.error {
                    p.error role="alert" { (error) }
                }
                form method="post" action="/aanmelden" {
                    input type="hidden" name="csrf" value=(form.csrf_token);
                    @if let Some(next) = &form.next {
                        input type="hidden" name="next" value=(next);
                    }
                    label for="username" { (t.username) }
                    input #username name="username" type="text" autocomplete="username"
                        autocapitalize="none" spellcheck="false" required value=(form.username);
                    label for="password" { (t.password) }
                    input #password name="password" type="password"
                        autocomplete="current-password" required maxlength="128";
                    button type="submit" { (t.sign_in) }
                }
                @if let Some(rp_origin) = &form.passkey_origin {
                    (super::passkeys::sign_in_button(t, &form.csrf_token, form.next.as_deref(), rp_origin))
                }
                p.links {
                    a href="/gebruikersnaam-vergeten" { (t.forgot_username_link) }
                    " · "
                    a href="/wachtwoord-vergeten" { (t.forgot_password_link) }
                }
            }
        },
    )
}
