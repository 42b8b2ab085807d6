//! The page frame every browser page shares: head, header with the installation's name, footer.

use maud::{DOCTYPE, Markup, html};

use crate::web::assets;

/// What every page knows about the installation it belongs to.
#[derive(Debug, Clone)]
pub struct Site {
    pub name: String,
}

/// Wraps `body` in the shared layout. `title` names the page; the site's name follows it.
pub fn page(site: &Site, title: &str, body: Markup) -> Markup {
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
            }
            body {
                header.site-header {
                    a.brand href="/" { (site.name) }
                }
                main.content { (body) }
                footer.site-footer {
                    span { (site.name) " · beveiligde verbinding · uw gegevens blijven op deze server" }
                }
            }
        }
    }
}
