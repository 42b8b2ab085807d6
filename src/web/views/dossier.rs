//! The signed-in start page: the account's own dossier for a year, both lists.

use maud::{Markup, html};

use super::format;
use super::layout::{Nav, Site, signed_in_page};
use crate::service::{DocumentDetails, DocumentSummary, DossierSearch, DossierView};

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
                                td.links {
                                    a href={ "/documenten/" (d.id) "/download" } { "Download" }
                                    " "
                                    a href={ "/documenten/" (d.id) "/details" } aria-label={ "Details van " (d.title) } { "Details" }
                                }
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

/// `/documenten/{id}/details`: what the file is, where it came from, earlier versions.
pub fn details_page(site: &Site, nav: &Nav, details: &DocumentDetails) -> Markup {
    let d = &details.summary;
    signed_in_page(
        site,
        nav,
        &d.title,
        html! {
            section.card {
                h1 { (d.title) }
                @if details.superseded {
                    p.notice role="status" { "Deze versie is vervangen door een correctie." }
                }
                dl.details {
                    dt { "Bestandsnaam" } dd { (d.file_name) }
                    dt { "Grootte" } dd { (format::size(d.size)) " (" (d.size) " bytes)" }
                    dt { "Geplaatst" } dd { (format::date_time(d.created_at)) }
                    dt { "Geplaatst door" } dd { (details.placed_by) }
                    dt { "SHA-256" } dd { code.hash { (details.sha256) } }
                    @if d.own_upload { dt { "Gedeeld" } dd { @if d.shared { "ja" } @else { "nee" } } }
                }
                p {
                    a.button href={ "/documenten/" (d.id) } { "Bekijken" }
                    " "
                    a.button href={ "/documenten/" (d.id) "/download" } { "Download" }
                }
                @if !details.earlier_versions.is_empty() {
                    h2 { "Eerdere versies" }
                    ul {
                        @for v in &details.earlier_versions {
                            li {
                                a href={ "/documenten/" (v.id) } { (v.title) }
                                " – geplaatst " (format::date_time(v.created_at))
                            }
                        }
                    }
                }
                p { a href="/" { "Terug naar het dossier" } }
            }
        },
    )
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
