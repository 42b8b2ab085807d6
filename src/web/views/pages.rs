//! Pages that explain a problem: "not found" and the like.

use maud::{Markup, html};

use super::layout::{Nav, Site, page, signed_in_page};

/// A page that explains a problem in a sentence or two.
pub fn problem_page(site: &Site, title: &str, explanation: &str) -> Markup {
    let t = site.t();
    // The language link leads to the start page: the address may be someone else's secret,
    // and "not yours" must read exactly like "not there".
    let site = &Site {
        here: "/".to_owned(),
        ..site.clone()
    };
    page(
        site,
        title,
        html! {
            section.card {
                h1 { (title) }
                p { (explanation) }
                p { a href="/" { (t.to_start) } }
            }
        },
    )
}

/// A problem explained inside the signed-in layout (menu and all), with a way back to `back`
/// (the page the user came from) or else to the start page.
pub fn problem_in_layout(
    site: &Site,
    nav: &Nav,
    title: &str,
    explanation: &str,
    back: Option<&str>,
) -> Markup {
    let t = site.t();
    // The page belongs to where the user came from: the menu marks that section (none when
    // unknown), and the language switch returns there.
    let site = &Site {
        here: back.unwrap_or_default().to_owned(),
        ..site.clone()
    };
    signed_in_page(
        site,
        nav,
        title,
        html! {
            section.card {
                h1 { (title) }
                p { (explanation) }
                p {
                    @match back {
                        Some(back) => a href=(back) { (t.go_back) },
                        None => a href="/" { (t.to_start) },
                    }
                }
            }
        },
    )
}

/// Shown for every address that does not exist or is not the visitor's to see.
pub fn not_found(site: &Site) -> Markup {
    let t = site.t();
    let site = &Site {
        here: "/".to_owned(),
        ..site.clone()
    };
    page(
        site,
        t.not_found_title,
        html! {
            section.card {
                h1 { (t.not_found_title) }
                p { (t.not_found_text) }
                p { a href="/" { (t.to_start) } }
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
            logo: None,
            help_url: None,
            lang: crate::web::i18n::Lang::Nl,
            here: "/".to_owned(),
        };
        let html = problem_page(&site, "x", "y").into_string();
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Zn"));
        assert!(!html.contains("<script>"));
        assert!(not_found(&site).into_string().contains("Niet gevonden"));
        let english = site.in_language(crate::web::i18n::Lang::En);
        assert!(not_found(&english).into_string().contains("Not found"));
    }
}
