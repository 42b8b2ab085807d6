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
}

pub fn sign_in(site: &Site, form: &SignInPage) -> Markup {
    page(
        site,
        "Aanmelden",
        html! {
            section.card.narrow {
                h1 { "Aanmelden" }
                p.muted {
                    "Hier vindt u uw loonstroken, jaaropgaven en andere salarisdocumenten, "
                    "veilig bewaard in uw persoonlijke loondossier."
                }
                @if form.signed_out {
                    p.notice role="status" { "U bent afgemeld." }
                }
                @if let Some(error) = &form.error {
                    p.error role="alert" { (error) }
                }
                form method="post" action="/aanmelden" {
                    input type="hidden" name="csrf" value=(form.csrf_token);
                    @if let Some(next) = &form.next {
                        input type="hidden" name="next" value=(next);
                    }
                    label for="username" { "Gebruikersnaam" }
                    input #username name="username" type="text" autocomplete="username"
                        autocapitalize="none" spellcheck="false" required value=(form.username);
                    label for="password" { "Wachtwoord" }
                    input #password name="password" type="password"
                        autocomplete="current-password" required maxlength="128";
                    button type="submit" { "Aanmelden" }
                }
                p.links {
                    a href="/gebruikersnaam-vergeten" { "Gebruikersnaam vergeten?" }
                    " · "
                    a href="/wachtwoord-vergeten" { "Wachtwoord vergeten?" }
                }
            }
        },
    )
}
