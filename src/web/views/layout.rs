//! The page frame every browser page shares: head, header with the installation's name, footer.

use maud::{DOCTYPE, Markup, html};

use crate::web::assets;

/// What every page knows about the installation it belongs to.
#[derive(Debug, Clone)]
pub struct Site {
    pub name: String,
}

/// What the header shows to a signed-in account.
#[derive(Debug, Clone)]
pub struct Nav {
    /// Decides which menu items show (Werknemers for employers, Werkgevers for bureaus).
    pub role: crate::domain::party::Role,
    pub display_name: String,
    pub unread: u64,
    /// The session's form token, for the sign-out button.
    pub csrf_token: String,
}

/// Wraps `body` in the shared layout. `title` names the page; the site's name follows it.
pub fn page(site: &Site, title: &str, body: Markup) -> Markup {
    frame(site, None, title, body)
}

/// The layout for signed-in pages, with navigation and the sign-out button.
pub fn signed_in_page(site: &Site, nav: &Nav, title: &str, body: Markup) -> Markup {
    frame(site, Some(nav), title, body)
}

fn frame(site: &Site, nav: Option<&Nav>, title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="nl" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex, nofollow";
                title { (title) " – " (site.name) }
                link rel="stylesheet" href=(assets::url("style.css"));
                link rel="icon" type="image/svg+xml" href=(assets::url("favicon.svg"));
                script src=(assets::url("password-strength.js")) defer {}
            }
            body {
                header.site-header {
                    a.brand href="/" { (site.name) }
                    @if let Some(nav) = nav {
                        nav.site-nav aria-label="Hoofdmenu" {
                            a href="/" { "Home" }
                            a href="/profiel" { "Profiel" }
                            @match nav.role {
                                crate::domain::party::Role::Employer => a href="/werknemers" { "Werknemers" },
                                crate::domain::party::Role::Bureau => a href="/werkgevers" { "Werkgevers" },
                                crate::domain::party::Role::Employee => {},
                            }
                            a href="/ongelezen" { "Ongelezen " span.badge { (nav.unread) } }
                            form.signout method="post" action="/afmelden" {
                                input type="hidden" name="csrf" value=(nav.csrf_token);
                                span.who { (nav.display_name) }
                                button type="submit" { "Afmelden" }
                            }
                        }
                    }
                }
                main.content { (body) }
                footer.site-footer {
                    span { (site.name) }
                }
            }
        }
    }
}
