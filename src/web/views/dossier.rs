//! The signed-in start page: the account's own dossier for a year, both lists.

use maud::{Markup, html};

use super::format;
use super::layout::{Nav, Site, signed_in_page};
use crate::service::{DocumentSummary, DossierSearch, DossierView};

/// Which list a table shows: payroll files can only be marked; uploads can also be shared
/// and deleted.
#[derive(Clone, Copy, PartialEq, Eq)]
enum List {
    Payroll,
    Other,
    /// The Ongelezen page: documents of any kind, so only marking.
    Unread,
}

fn rows(documents: &[DocumentSummary], list: List, csrf_token: &str) -> Markup {
    let (form_id, back) = match list {
        List::Payroll => ("acties-loon", "/"),
        List::Other => ("acties-overig", "/"),
        List::Unread => ("acties-ongelezen", "/ongelezen"),
    };
    html! {
        @if documents.is_empty() {
            p.muted { "Geen bestanden." }
        } @else {
            form id=(form_id) method="post" action="/documenten/acties" {
                input type="hidden" name="csrf" value=(csrf_token);
                input type="hidden" name="terug" value=(back);
                table.documents {
                    thead { tr {
                        th { span.visually-hidden { "Selecteer" } }
                        th { "Naam" } th { "Datum" } th { "Grootte" }
                        @if list == List::Other { th { "Gedeeld" } }
                        th { span.visually-hidden { "Download" } }
                    } }
                    tbody {
                        @for d in documents {
                            tr.unread[!d.read] {
                                td { input type="checkbox" name="id" value=(d.id) aria-label={ "Selecteer " (d.title) }; }
                                td { a href={ "/documenten/" (d.id) } { (d.title) } }
                                td { (format::date(d.created_at)) }
                                td { (format::size(d.size)) }
                                @if list == List::Other { td { @if d.shared { "gedeeld" } } }
                                td { a href={ "/documenten/" (d.id) "/download" } { "Download" } }
                            }
                        }
                    }
                }
                div.actions {
                    @if list == List::Other {
                        button type="submit" name="action" value="share" { "Deel met…" }
                        button type="submit" name="action" value="unshare" { "Delen stoppen" }
                        button type="submit" name="action" value="delete" { "Verwijder" }
                    }
                    button type="submit" name="action" value="read" { "Markeer gelezen" }
                    button type="submit" name="action" value="unread" { "Markeer ongelezen" }
                }
            }
        }
    }
}

/// Uploading into the own dossier: the kind first, then one or more files.
fn upload_form(csrf_token: &str) -> Markup {
    html! {
        h3 { "Bestanden uploaden" }
        form.upload method="post" action="/documenten/upload" enctype="multipart/form-data" {
            input type="hidden" name="csrf" value=(csrf_token);
            label for="upload-kind" { "Soort bestand" }
            select #upload-kind name="kind" {
                option value="id_copy" { "Kopie identiteitsbewijs" }
                option value="expense_claim" { "Declaratie" }
                option value="other" selected { "Overig" }
            }
            label for="upload-file" { "Bestanden (PDF, PNG of JPEG)" }
            input #upload-file name="file" type="file" multiple required
                accept=".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg";
            p.muted { "Een upload ziet alleen u, tot u hem deelt met “Deel met…”." }
            button type="submit" { "Uploaden" }
        }
    }
}

/// `/ongelezen`: everything the account has not opened yet, newest first.
pub fn unread_page(site: &Site, nav: &Nav, documents: &[DocumentSummary]) -> Markup {
    signed_in_page(
        site,
        nav,
        "Ongelezen",
        html! {
            section.card {
                h1 { "Ongelezen (" (documents.len()) ")" }
                (rows(documents, List::Unread, &nav.csrf_token))
            }
        },
    )
}

/// A search box for one list; the year and the other list's search are kept.
fn list_search(
    view: &DossierView,
    search: &DossierSearch,
    name: &str,
    label: &str,
    value: Option<&str>,
) -> Markup {
    let (other_name, other_value) = if name == "zoek-loon" {
        ("zoek-overig", search.other.as_deref())
    } else {
        ("zoek-loon", search.payroll.as_deref())
    };
    html! {
        form.search method="get" action="/" role="search" {
            input type="hidden" name="jaar" value=(view.year);
            @if let Some(v) = other_value { input type="hidden" name=(other_name) value=(v); }
            label for=(name) { (label) }
            input id=(name) name=(name) type="search" maxlength="100" value=[value];
            button type="submit" { "Zoeken" }
        }
    }
}

pub fn dossier_overview(
    site: &Site,
    nav: &Nav,
    view: &DossierView,
    search: &DossierSearch,
) -> Markup {
    signed_in_page(
        site,
        nav,
        "Mijn dossier",
        html! {
            section.card {
                h1 { "Dossier " (view.year) " – " (view.owner_name) }
                @if view.years.len() > 1 {
                    form.search method="get" action="/" {
                        label for="jaar" { "Jaar" }
                        select #jaar name="jaar" {
                            @for y in &view.years {
                                option value=(y) selected[*y == view.year] { (y) }
                            }
                        }
                        button type="submit" { "Toon" }
                    }
                }
                h2 { "Loon-bestanden voor " (view.year) " (" (view.payroll.len()) ")" }
                (list_search(view, search, "zoek-loon", "Zoeken in loon-bestanden", search.payroll.as_deref()))
                (rows(&view.payroll, List::Payroll, &nav.csrf_token))
                h2 { "Overige bestanden (" (view.other.len()) ")" }
                (list_search(view, search, "zoek-overig", "Zoeken in overige bestanden", search.other.as_deref()))
                (rows(&view.other, List::Other, &nav.csrf_token))
                (upload_form(&nav.csrf_token))
            }
        },
    )
}
