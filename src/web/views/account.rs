//! Pages for getting into an account: setting a password from a link, forgetting a username
//! or password, and the Profiel page.

use maud::{Markup, html};

use super::layout::{Nav, Site, page, signed_in_page};

/// The set-password form behind a welcome or reset link.
#[derive(Debug, Clone, Default)]
pub struct SetPasswordPage {
    pub csrf_token: String,
    pub username: String,
    pub welcome: bool,
    pub min_chars: usize,
    pub error: Option<String>,
}

fn password_fields(min_chars: usize) -> Markup {
    html! {
        label for="password" { "Nieuw wachtwoord" }
        input #password name="password" type="password" autocomplete="new-password" required
            minlength=(min_chars) maxlength="128" aria-describedby="password-rules";
        p #password-rules .muted {
            "Minstens " (min_chars) " tekens. Een zin van een paar woorden met spaties werkt goed "
            "en is makkelijk te onthouden. Uw naam, gebruikersnaam of de naam van uw werkgever "
            "mogen er niet in voorkomen."
        }
        label for="repeated" { "Herhaal het nieuwe wachtwoord" }
        input #repeated name="repeated" type="password" autocomplete="new-password" required
            minlength=(min_chars) maxlength="128";
    }
}

pub fn set_password(site: &Site, form: &SetPasswordPage) -> Markup {
    let title = if form.welcome {
        "Wachtwoord instellen"
    } else {
        "Nieuw wachtwoord"
    };
    page(
        site,
        title,
        html! {
            section.card.narrow {
                h1 { (title) }
                p { "Gebruikersnaam: " strong { (form.username) } }
                @if let Some(error) = &form.error {
                    p.error role="alert" { (error) }
                }
                form method="post" {
                    input type="hidden" name="csrf" value=(form.csrf_token);
                    (password_fields(form.min_chars))
                    button type="submit" { "Wachtwoord opslaan" }
                }
            }
        },
    )
}

pub fn link_expired(site: &Site) -> Markup {
    page(
        site,
        "Link verlopen",
        html! {
            section.card.narrow {
                h1 { "Deze link werkt niet meer" }
                p {
                    "De link is al gebruikt, vervangen door een nieuwere, of te oud. "
                    "Vraag hieronder een nieuwe aan; u ontvangt die per e-mail."
                }
                p { a.button href="/wachtwoord-vergeten" { "Nieuwe link aanvragen" } }
            }
        },
    )
}

pub fn password_set(site: &Site) -> Markup {
    page(
        site,
        "Wachtwoord opgeslagen",
        html! {
            section.card.narrow {
                h1 { "Uw wachtwoord is opgeslagen" }
                p { "U kunt nu aanmelden met uw gebruikersnaam en het nieuwe wachtwoord." }
                p { a.button href="/aanmelden" { "Aanmelden" } }
            }
        },
    )
}

/// "Gebruikersnaam vergeten" or "Wachtwoord vergeten": one field, and after sending the same
/// confirmation whatever was entered.
#[derive(Debug, Clone)]
pub struct ForgotPage {
    pub csrf_token: String,
    pub sent: bool,
    pub error: Option<String>,
}

pub fn forgot_username(site: &Site, form: &ForgotPage) -> Markup {
    page(
        site,
        "Gebruikersnaam vergeten",
        html! {
            section.card.narrow {
                h1 { "Gebruikersnaam vergeten" }
                @if form.sent {
                    p.notice role="status" {
                        "Als dit e-mailadres bij ons bekend is, ontvangt u binnen enkele minuten "
                        "een e-mail met uw gebruikersnaam of gebruikersnamen. Kijk ook in uw map "
                        "met ongewenste e-mail."
                    }
                } @else {
                    p { "Vul het e-mailadres in dat uw werkgever of administratiekantoor van u heeft, of uw privé-e-mailadres." }
                    @if let Some(error) = &form.error { p.error role="alert" { (error) } }
                    form method="post" action="/gebruikersnaam-vergeten" {
                        input type="hidden" name="csrf" value=(form.csrf_token);
                        label for="email" { "E-mailadres" }
                        input #email name="email" type="email" autocomplete="email" required maxlength="254";
                        button type="submit" { "Verstuur" }
                    }
                }
                p { a href="/aanmelden" { "Terug naar aanmelden" } }
            }
        },
    )
}

pub fn forgot_password(site: &Site, form: &ForgotPage) -> Markup {
    page(
        site,
        "Wachtwoord vergeten",
        html! {
            section.card.narrow {
                h1 { "Wachtwoord vergeten" }
                @if form.sent {
                    p.notice role="status" {
                        "Als deze gebruikersnaam bestaat, ontvangt u binnen enkele minuten een "
                        "e-mail met een link om een nieuw wachtwoord in te stellen. De link werkt "
                        "30 minuten."
                    }
                } @else {
                    @if let Some(error) = &form.error { p.error role="alert" { (error) } }
                    form method="post" action="/wachtwoord-vergeten" {
                        input type="hidden" name="csrf" value=(form.csrf_token);
                        label for="username" { "Gebruikersnaam" }
                        input #username name="username" type="text" autocomplete="username"
                            autocapitalize="none" spellcheck="false" required maxlength="254";
                        button type="submit" { "Verstuur" }
                    }
                    p { a href="/gebruikersnaam-vergeten" { "Gebruikersnaam vergeten?" } }
                }
                p { a href="/aanmelden" { "Terug naar aanmelden" } }
            }
        },
    )
}

/// The Profiel page.
#[derive(Debug, Clone, Default)]
pub struct ProfilePage {
    pub username: String,
    pub min_chars: usize,
    pub notice: Option<String>,
    pub error: Option<String>,
    pub two_factor: bool,
    pub recovery_codes_left: u32,
    pub sessions: Vec<crate::service::SessionLine>,
    /// Employees may give a private e-mail address for sign-in mail.
    pub is_employee: bool,
    pub private_email: Option<String>,
    pub language: String,
    /// Mail when new documents wait unread.
    pub notify: bool,
}

pub fn profile(site: &Site, nav: &Nav, view: &ProfilePage) -> Markup {
    signed_in_page(
        site,
        nav,
        "Profiel",
        html! {
            section.card {
                h1 { "Profiel" }
                p { "Gebruikersnaam: " strong { (view.username) } }
                @if let Some(notice) = &view.notice { p.notice role="status" { (notice) } }
                @if let Some(error) = &view.error { p.error role="alert" { (error) } }
                h2 { "Gebruikersnaam wijzigen" }
                form method="post" action="/profiel/gebruikersnaam" {
                    input type="hidden" name="csrf" value=(nav.csrf_token);
                    label for="username" { "Nieuwe gebruikersnaam" }
                    input #username name="username" type="text" autocomplete="username"
                        autocapitalize="none" spellcheck="false" required maxlength="254" value=(view.username);
                    button type="submit" { "Gebruikersnaam opslaan" }
                }
                @if view.is_employee {
                    h2 { "Privé-e-mailadres" }
                    p.muted {
                        "Als u hier een adres opgeeft, gaan e-mails over uw gebruikersnaam en wachtwoord "
                        "daarheen. Handig als u uit dienst gaat en uw werkadres kwijtraakt. U ontvangt eerst "
                        "een e-mail om het adres te bevestigen."
                    }
                    p { "Nu: " @if let Some(email) = &view.private_email { strong { (email) } } @else { "geen" } }
                    form method="post" action="/profiel/email" {
                        input type="hidden" name="csrf" value=(nav.csrf_token);
                        label for="email" { "Privé-e-mailadres (leeg laten om te verwijderen)" }
                        input #email name="email" type="email" autocomplete="email" maxlength="254";
                        button type="submit" { "Opslaan" }
                    }
                }
                h2 { "Taal" }
                form method="post" action="/profiel/taal" {
                    input type="hidden" name="csrf" value=(nav.csrf_token);
                    label for="language" { "Taal van de site en de e-mails" }
                    select #language name="language" {
                        option value="nl" selected[view.language == "nl"] { "Nederlands" }
                        option value="en" selected[view.language == "en"] { "English" }
                    }
                    button type="submit" { "Opslaan" }
                }
                h2 { "Meldingen" }
                form method="post" action="/profiel/meldingen" {
                    input type="hidden" name="csrf" value=(nav.csrf_token);
                    label.check {
                        input #notify name="notify" type="checkbox" value="on" checked[view.notify];
                        " Stuur mij een e-mail als er nieuwe documenten voor mij klaarstaan"
                    }
                    p.muted { "De e-mail zegt alleen dat er iets nieuws is, nooit wat. U krijgt hem niet als u het document al heeft bekeken." }
                    button type="submit" { "Opslaan" }
                }
                h2 { "Wachtwoord wijzigen" }
                form method="post" action="/profiel/wachtwoord" {
                    input type="hidden" name="csrf" value=(nav.csrf_token);
                    label for="current" { "Huidig wachtwoord" }
                    input #current name="current" type="password" autocomplete="current-password" required maxlength="128";
                    (password_fields(view.min_chars))
                    button type="submit" { "Wachtwoord wijzigen" }
                }
                h2 { "Twee-stapsverificatie" }
                @if view.two_factor {
                    p { "Staat aan. U heeft nog " (view.recovery_codes_left) " ongebruikte herstelcodes." }
                    form method="post" action="/profiel/2fa/herstelcodes" {
                        input type="hidden" name="csrf" value=(nav.csrf_token);
                        button type="submit" { "Nieuwe herstelcodes maken" }
                    }
                } @else {
                    p { "Staat uit. Met een authenticator-app op uw telefoon is uw dossier veel beter beschermd." }
                    p { a.button href="/profiel/2fa" { "Instellen" } }
                }
                h2 { "Aangemeld op" }
                table.sessions {
                    thead { tr { th { "Sinds" } th { "Laatst actief" } th { "Adres" } th { "Browser" } th { span.visually-hidden { "Actie" } } } }
                    tbody {
                        @for s in &view.sessions {
                            tr {
                                td { (super::format::date_time(s.created_at)) }
                                td { (super::format::date_time(s.last_seen_at)) }
                                td { (s.client_addr.as_deref().unwrap_or("")) }
                                td.agent { (s.user_agent.as_deref().unwrap_or("")) }
                                td {
                                    @if s.current {
                                        "deze sessie"
                                    } @else {
                                        form method="post" action={ "/profiel/sessies/" (s.id) "/beeindigen" } {
                                            input type="hidden" name="csrf" value=(nav.csrf_token);
                                            button type="submit" { "Afmelden" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

pub fn confirm_email(site: &Site, csrf_token: &str, email: &str) -> Markup {
    page(
        site,
        "E-mailadres bevestigen",
        html! {
            section.card.narrow {
                h1 { "E-mailadres bevestigen" }
                p { "Wilt u " strong { (email) } " gebruiken als uw privé-e-mailadres?" }
                form method="post" {
                    input type="hidden" name="csrf" value=(csrf_token);
                    button type="submit" { "Bevestigen" }
                }
            }
        },
    )
}
