//! The signed-in start page: the account's own dossier for a year, both lists.

use maud::{Markup, html};

use super::layout::{Nav, Site, signed_in_page};
use crate::service::{DocumentSummary, DossierView};

fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1024 * 1024 => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
        b if b >= 1024 => format!("{} kB", b / 1024),
        b => format!("{b} B"),
    }
}

fn rows(documents: &[DocumentSummary]) -> Markup {
    html! {
        @if documents.is_empty() {
            p.muted { "Geen bestanden." }
        } @else {
            table.documents {
                thead { tr { th { "Naam" } th { "Datum" } th { "Grootte" } th { span.visually-hidden { "Acties" } } } }
                tbody {
                    @for d in documents {
                        tr.unread[!d.read] {
                            td { a href={ "/documenten/" (d.id) } { (d.title) } }
                            td { (d.created_at.format("%d-%m-%Y")) }
                            td { (size(d.size)) }
                            td { a href={ "/documenten/" (d.id) "/download" } { "Download" } }
                        }
                    }
                }
            }
        }
    }
}

pub fn dossier_overview(site: &Site, nav: &Nav, view: &DossierView) -> Markup {
    signed_in_page(
        site,
        nav,
        "Mijn dossier",
        html! {
            section.card {
                h1 { "Dossier " (view.year) " – " (view.owner_name) }
                h2 { "Loon-bestanden voor " (view.year) " (" (view.payroll.len()) ")" }
                (rows(&view.payroll))
                h2 { "Overige bestanden (" (view.other.len()) ")" }
                (rows(&view.other))
            }
        },
    )
}
