//! The page frame every browser page shares: head, header with the installation's name and
//! logo, the menu for signed-in pages, footer.

use maud::{DOCTYPE, Markup, html};

use crate::domain::party::Role;
use crate::web::assets;
use crate::web::i18n::{Lang, Texts};

/// What every page knows about the installation and the visit it is drawn for.
#[derive(Debug, Clone)]
pub struct Site {
    pub name: String,
    /// Address of the installation's own logo, when the config names one.
    pub logo: Option<String>,
    /// The bureau's page about the portal ("Meer informatie over …" on Home), when configured.
    pub help_url: Option<String>,
    /// The language this page is drawn in.
    pub lang: Lang,
    /// The path of the page, so the language link comes back to it.
    pub here: String,
}

impl Site {
    /// The words of the page's language.
    pub fn t(&self) -> &'static Texts {
        self.lang.texts()
    }

    /// The same installation in another language.
    pub fn in_language(&self, lang: Lang) -> Site {
        Site {
            lang,
            ..self.clone()
        }
    }
}

/// What the header shows to a signed-in account.
#[derive(Debug, Clone)]
pub struct Nav {
    /// Decides which menu items show (Werknemers for employers, Werkgevers for bureaus).
    pub role: Role,
    /// Bureaus and employers that run their own payroll see Backups.
    pub backups: bool,
    pub display_name: String,
    pub unread: u64,
    /// Requests waiting for an employer's decision (its Verzoeken count); 0 for others.
    pub requests_waiting: u64,
    /// The session's form token, for the sign-out button.
    pub csrf_token: String,
}

/// A message at the top of a page about what the user just did: what was done (a status), or
/// what to do first (an alert, e.g. nothing was ticked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub alert: bool,
}

impl Notice {
    /// What an action did ("2 bestanden gedeeld met …").
    pub fn done(text: String) -> Self {
        Self { text, alert: false }
    }

    /// What the user has to do before the action can work.
    pub fn alert(text: String) -> Self {
        Self { text, alert: true }
    }
}

/// The notice as a paragraph: screen readers announce a status politely, an alert at once.
pub fn notice(notice: &Notice) -> Markup {
    html! {
        @if notice.alert {
            p.notice.alert role="alert" { (notice.text) }
        } @else {
            p.notice role="status" { (notice.text) }
        }
    }
}

/// What the delete question is about: the words differ (a backup is never shared, but the
/// payroll software loses it too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deleting {
    Files,
    Backups,
}

/// One ticked item the delete question lists: its id for the form, and how the user knows it.
pub struct ToDelete {
    pub id: String,
    pub name: String,
    pub size: u64,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// The question before deleting ticked files or backups: which ones, that it cannot be undone,
/// and a form to `action` that deletes them (with `bevestigd=ja`) — no JavaScript needed.
/// `back` is the page the user came from; "Annuleren" returns there.
pub fn confirm_delete_page(
    site: &Site,
    nav: &Nav,
    what: Deleting,
    action: &str,
    items: &[ToDelete],
    back: &str,
) -> Markup {
    let t = site.t();
    let (title, one, many, final_words) = match what {
        Deleting::Files => (
            t.confirm_delete_title,
            t.confirm_delete_one,
            t.confirm_delete_many,
            t.confirm_delete_final,
        ),
        Deleting::Backups => (
            t.confirm_backups_title,
            t.confirm_backups_one,
            t.confirm_backups_many,
            t.confirm_backups_final,
        ),
    };
    let question = match items.len() {
        1 => one.to_owned(),
        n => crate::web::i18n::fill(many, &[&n]),
    };
    // The page belongs to where the user came from (menu, language switch), not to the form's
    // address.
    let site = &Site {
        here: back.to_owned(),
        ..site.clone()
    };
    signed_in_page(
        site,
        nav,
        title,
        html! {
            section.card {
                h1 { (title) }
                p { (question) }
                ul {
                    @for item in items {
                        li {
                            strong { (item.name) }
                            " (" (super::format::size(item.size)) ", " (super::format::date_time(item.created_at)) ")"
                        }
                    }
                }
                p.muted { (final_words) }
                form method="post" action=(action) {
                    input type="hidden" name="csrf" value=(nav.csrf_token);
                    input type="hidden" name="terug" value=(back);
                    input type="hidden" name="bevestigd" value="ja";
                    @for item in items { input type="hidden" name="id" value=(item.id); }
                    div.actions {
                        button.danger type="submit" name="action" value="delete" { (t.confirm_delete_yes) }
                        a.button.secondary href=(back) { (t.cancel) }
                    }
                }
            }
        },
    )
}

/// Wraps `body` in the shared layout. `title` names the page; the site's name follows it.
pub fn page(site: &Site, title: &str, body: Markup) -> Markup {
    frame(site, None, title, body)
}

/// The layout for signed-in pages, with navigation and the sign-out button.
pub fn signed_in_page(site: &Site, nav: &Nav, title: &str, body: Markup) -> Markup {
    frame(site, Some(nav), title, body)
}

/// Whether the menu item for `href` is the section the page at `here` (a path, perhaps with a
/// query) belongs to.
fn current(here: &str, href: &str) -> bool {
    let here = here.split('?').next().unwrap_or(here);
    match href {
        "/" => here == "/",
        // An employee's dossier opened from Werknemers belongs there, not to Dossier.
        _ => here == href || here.starts_with(&format!("{href}/")),
    }
}

fn menu(t: &Texts, nav: &Nav, here: &str) -> Markup {
    let mut items: Vec<(&str, &str)> = vec![
        ("/", t.menu_home),
        ("/profiel", t.menu_profile),
        ("/dossier", t.menu_dossier),
    ];
    match nav.role {
        Role::Employer => items.push(("/werknemers", t.menu_employees)),
        Role::Bureau => items.push(("/werkgevers", t.menu_employers)),
        Role::Employee => {}
    }
    if nav.backups {
        items.push(("/backups", t.menu_backups));
    }
    items.push(("/verzoeken", t.menu_requests));
    html! {
        nav.site-nav aria-label=(t.main_menu) {
            @for (href, label) in items {
                a href=(href) aria-current=[current(here, href).then_some("page")] {
                    (label)
                    @if href == "/verzoeken" && nav.requests_waiting > 0 {
                        " " span.badge { (nav.requests_waiting) }
                    }
                }
            }
            a href="/ongelezen" aria-current=[current(here, "/ongelezen").then_some("page")] {
                (t.menu_unread) " " span.badge { (badge(nav.unread)) }
            }
            form.signout method="post" action="/afmelden" {
                input type="hidden" name="csrf" value=(nav.csrf_token);
                a.who href="/profiel" title=(t.menu_profile) { (nav.display_name) }
                button type="submit" { (t.sign_out) }
            }
        }
    }
}

/// The unread count as the badge shows it: "99+" once the count reached its cap.
fn badge(unread: u64) -> String {
    let cap = u64::from(crate::service::UNREAD_COUNTED_UP_TO);
    if unread >= cap {
        format!("{}+", cap - 1)
    } else {
        unread.to_string()
    }
}

fn frame(site: &Site, nav: Option<&Nav>, title: &str, body: Markup) -> Markup {
    let t = site.t();
    let other = match site.lang {
        Lang::Nl => Lang::En,
        Lang::En => Lang::Nl,
    };
    html! {
        (DOCTYPE)
        html lang=(site.lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex, nofollow";
                meta name="theme-color" content="#1f4e79";
                title { (title) " – " (site.name) }
                link rel="stylesheet" href=(assets::url("style.css"));
                link rel="icon" type="image/svg+xml" href=(assets::url("favicon.svg"));
                link rel="apple-touch-icon" href=(assets::url("icon-192.png"));
                link rel="manifest" href="/manifest.webmanifest";
                script src=(assets::url("password-strength.js")) defer {}
                script src=(assets::url("enhance.js")) defer {}
                script src=(assets::url("passkey.js")) defer {}
            }
            body {
                a.skip href="#inhoud" { (t.skip_to_content) }
                header.site-header {
                    a.brand href="/" {
                        @if let Some(logo) = &site.logo { img.logo src=(logo) alt=""; }
                        span { (site.name) }
                    }
                    @if let Some(nav) = nav { (menu(t, nav, &site.here)) }
                }
                main.content #inhoud tabindex="-1" { (body) }
                footer.site-footer {
                    span { (site.name) }
                    @match nav {
                        None => {
                            a href={ "/taal/" (other.code()) "?terug=" (crate::web::ui::encode_path(&site.here)) } lang=(other.code()) hreflang=(other.code()) {
                                (t.language_switch)
                            }
                        }
                        // Signed in, the language is the account's own (Profiel): the link is a
                        // small form that sets it and comes back to this page.
                        Some(nav) => {
                            form.language-switch method="post" action="/profiel/taal" {
                                input type="hidden" name="csrf" value=(nav.csrf_token);
                                input type="hidden" name="language" value=(other.code());
                                input type="hidden" name="terug" value=(site.here);
                                button type="submit" lang=(other.code()) { (t.language_switch) }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{badge, current};

    #[test]
    fn the_badge_shows_99_plus_from_the_cap() {
        assert_eq!(badge(0), "0");
        assert_eq!(badge(99), "99");
        assert_eq!(badge(100), "99+");
    }

    #[test]
    fn the_menu_marks_the_section_of_the_page() {
        assert!(current("/", "/"));
        assert!(!current("/dossier", "/"));
        assert!(current("/dossier", "/dossier"));
        assert!(current("/werknemers/ab12", "/werknemers"));
        assert!(current("/werkgevers/ab12/werknemers", "/werkgevers"));
        assert!(!current("/werknemersx", "/werknemers"));
        assert!(!current("/profiel", "/dossier"));
    }
}
