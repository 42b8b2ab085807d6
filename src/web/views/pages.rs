//! Pages that need no signed-in account: the entry page and "not found".

use maud::{Markup, html};

use super::layout::{Site, page};

/// The entry page of the portal.
pub fn home(site: &Site) -> Markup {
    page(
        site,
        "Welkom",
        html! {
            section.card {
                h1 { "Welkom bij " (site.name) }
                p {
                    "Hier vindt u uw loonstroken, jaaropgaven en andere salarisdocumenten, "
                    "veilig bewaard in uw persoonlijke loondossier."
                }
                p.muted {
                    "Werkgevers en werknemers ontvangen hun inloggegevens per e-mail zodra "
                    "het eerste document voor hen klaarstaat."
                }
            }
        },
    )
}

/// A page that explains a problem in a sentence or two.
pub fn problem_page(site: &Site, title: &str, explanation: &str) -> Markup {
    page(
        site,
        title,
        html! {
            section.card {
                h1 { (title) }
                p { (explanation) }
                p { a href="/" { "Naar de startpagina" } }
            }
        },
    )
}

/// Shown for every address that does not exist or is not the visitor's to see.
pub fn not_found(site: &Site) -> Markup {
    page(
        site,
        "Niet gevonden",
        html! {
            section.card {
                h1 { "Niet gevonden" }
                p { "Deze pagina bestaat niet of u heeft er geen toegang toe." }
                p { a href="/" { "Naar de startpagina" } }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_escape_the_installation_name() {
        let site = Site {
            name: "<script>alert(1)</script> & Zn".to_owned(),
        };
        let html = home(&site).into_string();
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Zn"));
        assert!(!html.contains("<script>"));
        assert!(not_found(&site).into_string().contains("Niet gevonden"));
    }
}
