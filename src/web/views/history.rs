//! Access history (AVG art. 15): who opened or downloaded the reader's documents, as parties —
//! on a document's details page and on one page for the whole dossier.

use maud::{Markup, html};

use super::format;
use super::layout::{Nav, Site, signed_in_page};
use crate::service::{AccessEntry, Accessor, DOSSIER_ACCESS_MAX};
use crate::web::i18n::{Texts, fill};

/// "werkgever Bakkerij De Korenschoof BV", "administratiekantoor Demo Salarisbureau", "u".
fn accessor(t: &Texts, by: &Accessor) -> String {
    match by {
        Accessor::You => t.accessor_you.to_owned(),
        Accessor::Employer(name) => fill(t.accessor_employer, &[name]),
        Accessor::Bureau(name) => fill(t.accessor_bureau, &[name]),
        Accessor::Employee(name) => fill(t.accessor_employee, &[name]),
        Accessor::System => t.accessor_system.to_owned(),
    }
}

fn what(t: &Texts, entry: &AccessEntry) -> &'static str {
    if entry.download {
        t.access_downloaded
    } else {
        t.access_viewed
    }
}

/// The table of looks; `with_document` adds the document's title (the dossier-wide page).
fn table(t: &Texts, entries: &[AccessEntry], with_document: bool, label: &str) -> Markup {
    html! {
        div.table-scroll tabindex="0" role="region" aria-label=(label) {
            table.documents.stack.access {
                thead { tr {
                    th { (t.access_when) }
                    @if with_document { th { (t.document_column) } }
                    th { (t.access_who) }
                    th { (t.access_what) }
                } }
                tbody {
                    @for entry in entries {
                        tr {
                            td.title { (format::date_time(entry.at)) }
                            @if with_document {
                                td.wrap data-label=(t.document_column) {
                                    a href={ "/documenten/" (entry.document) "/details" } { (entry.title) }
                                }
                            }
                            td.wrap data-label=(t.access_who) { (accessor(t, &entry.by)) }
                            td data-label=(t.access_what) { (what(t, entry)) }
                        }
                    }
                }
            }
        }
    }
}

/// The details page's section: who opened this document (the owner only sees it).
pub fn document_access(t: &Texts, entries: &[AccessEntry]) -> Markup {
    html! {
        h2 { (t.access_heading) }
        @if entries.is_empty() {
            p.muted { (t.access_none) }
        } @else {
            (table(t, entries, false, t.access_heading))
        }
    }
}

/// `/inzage`: every look by others at the reader's documents.
pub fn access_page(site: &Site, nav: &Nav, entries: &[AccessEntry]) -> Markup {
    let t = site.t();
    signed_in_page(
        site,
        nav,
        t.access_page_title,
        html! {
            section.card {
                h1 { (t.access_page_title) }
                p { (t.access_page_lead) }
                @if entries.is_empty() {
                    p.muted { (t.access_page_none) }
                } @else {
                    @if entries.len() >= DOSSIER_ACCESS_MAX as usize {
                        p.muted { (fill(t.access_newest, &[&DOSSIER_ACCESS_MAX])) }
                    }
                    (table(t, entries, true, t.access_page_title))
                }
            }
        },
    )
}
