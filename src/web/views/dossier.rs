//! Dossier pages: a dossier for one year with both lists (the own one, or an employee's or
//! employer's as its employer or bureau may see it), a file's details, and Ongelezen.

use maud::{Markup, html};

use super::layout::{Nav, Notice, Site, notice, signed_in_page};
use super::{format, icons};
use crate::domain::approval::Decision;
use crate::domain::{DocumentKind, Dossier, PublicId};
use crate::service::{
    DocumentDetails, DocumentSummary, DossierSearch, DossierView, UnreadDocument, UnreadOrder,
};
use crate::web::i18n::{Texts, fill};

/// Which list a table shows: payroll files can only be marked; uploads can also be shared
/// and deleted.
#[derive(Clone, Copy, PartialEq, Eq)]
enum List {
    Payroll,
    Other,
    /// The Ongelezen page: documents of any kind, so only marking.
    Unread,
}

/// What a dossier page needs besides the dossier itself.
pub struct DossierPage<'a> {
    pub view: &'a DossierView,
    pub search: &'a DossierSearch,
    /// The page's own path (`/dossier`, `/werknemers/{id}`, …): forms come back here.
    pub base: String,
    /// The owner's master data, folded away, when looking at someone else's dossier.
    pub owner_data: Option<Markup>,
    /// What the last action did ("2 bestanden gedeeld met …"), said once at the top.
    pub notice: Option<Notice>,
    /// The public id of the dossier's party when it is someone else's (a letter names it).
    pub owner_id: Option<PublicId>,
}

/// How one table of documents is shown.
struct Table<'a> {
    list: List,
    /// Where the selection form returns to.
    back: &'a str,
    /// The dossier owner's name, for the Eigenaar column of uploads.
    owner: &'a str,
    /// Per document (same order), whom an unread one is from (Ongelezen only).
    from: &'a [&'a str],
    /// Whom the reader's uploads are shared with; no share buttons without one.
    share_target: Option<&'a str>,
}

/// One table of documents with its selection form. Only the actions the reader can take on
/// some listed document are offered: sharing and deleting own uploads, marking news.
fn rows(site: &Site, documents: &[DocumentSummary], nav: &Nav, table: &Table<'_>) -> Markup {
    let Table {
        list,
        back,
        owner,
        from,
        share_target,
    } = *table;
    let t = site.t();
    let form_id = match list {
        List::Payroll => "acties-loon",
        List::Other => "acties-overig",
        List::Unread => "acties-ongelezen",
    };
    let own_uploads = documents.iter().any(|d| d.may_share || d.may_delete);
    let shareable = documents.iter().any(|d| d.may_share);
    let deletable = documents.iter().any(|d| d.may_delete);
    // Marking read or unread only means something for news (what is addressed to the reader).
    let any_news = documents.iter().any(|d| d.news);
    // Boxes to tick only where a button acts on them (an employer reading an employee's
    // payslips has none).
    let selectable = (shareable && share_target.is_some()) || deletable || any_news;
    let column_heading = match list {
        List::Payroll => t.period,
        List::Other => t.owner,
        List::Unread => t.from_whom,
    };
    let caption = match list {
        List::Payroll => t.payroll_list,
        List::Other => t.other_list,
        List::Unread => t.unread_title,
    };
    html! {
        @if documents.is_empty() {
            p.muted { (t.no_files) }
        } @else {
            form id=(form_id) method="post" action="/documenten/acties" {
                input type="hidden" name="csrf" value=(nav.csrf_token);
                input type="hidden" name="terug" value=(back);
                div.table-scroll tabindex="0" role="region" aria-label=(caption) {
                    table.documents.stack.selectable[selectable] data-filterable {
                        thead { tr {
                            @if selectable { th { span.visually-hidden { (t.select) } } }
                            th { (t.name) }
                            th { (column_heading) }
                            th { (t.date_time) }
                            th { (t.size) }
                            @if list == List::Other && own_uploads { th { (t.shared) } }
                            th { span.visually-hidden { (t.action) } }
                        } }
                        tbody {
                            @for (index, d) in documents.iter().enumerate() {
                                tr.unread[!d.read] {
                                    @if selectable {
                                        td { input type="checkbox" name="id" value=(d.id) aria-label=(fill(t.select_one, &[&d.title])); }
                                    }
                                    td.title {
                                        a href={ "/documenten/" (d.id) } { (d.title) }
                                        @if d.corrected { " " span.tag { (t.corrected) } }
                                        @if d.kind == DocumentKind::SeriesOverview && list == List::Payroll {
                                            " " (approval_tag(t, d.approval))
                                        }
                                    }
                                    td data-label=(column_heading) {
                                        @match list {
                                            List::Payroll => (format::period(t, d.year, d.period)),
                                            List::Other => (owner_of(t, d, owner)),
                                            List::Unread => (from.get(index).copied().unwrap_or_default()),
                                        }
                                    }
                                    td data-label=(t.date_time) { (format::date_time(d.created_at)) }
                                    td data-label=(t.size) { (format::size(d.size)) }
                                    @if list == List::Other && own_uploads {
                                        td.wrap data-label=[d.shared.then_some(t.shared)] {
                                            @if !d.shared_with.is_empty() {
                                                (fill(t.shared_with_names, &[&d.shared_with.join(t.and_word)]))
                                            } @else if d.shared { (t.shared_yes) }
                                        }
                                    }
                                    td.links {
                                        a href={ "/documenten/" (d.id) } title=(t.view) {
                                            (icons::view()) span.visually-hidden { (t.view) ": " (d.title) }
                                        }
                                        a href={ "/documenten/" (d.id) "/download" } title=(t.download) {
                                            (icons::download()) span.visually-hidden { (t.download) ": " (d.title) }
                                        }
                                        a href={ "/documenten/" (d.id) "/details" } title=(t.details) {
                                            (icons::details()) span.visually-hidden { (fill(t.details_of, &[&d.title])) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                @if selectable { div.actions {
                    @if let (true, Some(target)) = (shareable, share_target) {
                        button type="submit" name="action" value="share" { (fill(t.share_with, &[&target])) }
                        button type="submit" name="action" value="unshare" { (t.unshare) }
                    }
                    @if deletable {
                        button type="submit" name="action" value="delete" { (t.delete) }
                    }
                    @if any_news {
                        button type="submit" name="action" value="read" { (t.mark_read) }
                        button type="submit" name="action" value="unread" { (t.mark_unread) }
                    }
                } }
            }
        }
    }
}

/// The Eigenaar column: "Ik" for the own uploads, the dossier owner for uploads shared with
/// the reader, the payroll administration for what payroll software placed.
fn owner_of(t: &Texts, d: &DocumentSummary, dossier_owner: &str) -> String {
    if d.own_upload {
        t.owner_me.to_owned()
    } else if d.uploaded {
        dossier_owner.to_owned()
    } else {
        t.owner_payroll.to_owned()
    }
}

/// Placing a letter in an employee's dossier (its employer or bureau): a title and one PDF.
/// `employee` is the employee's public id; `back` the page to return to.
pub(super) fn letter_form(
    t: &Texts,
    csrf_token: &str,
    employee: Option<PublicId>,
    back: &str,
    answers: Option<PublicId>,
) -> Markup {
    html! {
        h2 { (t.letter_heading) }
        form.upload method="post" action="/documenten/brief" enctype="multipart/form-data" {
            input type="hidden" name="csrf" value=(csrf_token);
            @if let Some(employee) = employee { input type="hidden" name="werknemer" value=(employee); }
            input type="hidden" name="terug" value=(back);
            @if let Some(request) = answers { input type="hidden" name="verzoek" value=(request); }
            p.muted { (t.letter_lead) }
            label for="letter-title" { (t.letter_title) }
            input #letter-title name="titel" type="text" required maxlength="200";
            label for="letter-file" { (t.letter_file) }
            input #letter-file name="file" type="file" required accept=".pdf,application/pdf";
            button type="submit" { (t.letter_button) }
        }
    }
}

/// Uploading into the own dossier: the kind first, then one or more files, and who will see
/// them (nobody but the uploader until it shares them with `share_target`).
fn upload_form(t: &Texts, csrf_token: &str, share_target: Option<&str>) -> Markup {
    html! {
        h2 { (t.upload_heading) }
        form.upload method="post" action="/documenten/upload" enctype="multipart/form-data" {
            input type="hidden" name="csrf" value=(csrf_token);
            label for="upload-kind" { (t.upload_kind) }
            select #upload-kind name="kind" {
                option value="id_copy" { (t.kind_id_copy) }
                option value="expense_claim" { (t.kind_expense_claim) }
                option value="other" selected { (t.kind_other) }
            }
            label for="upload-file" { (t.upload_files) }
            div.dropzone data-drop-text=(t.upload_drop) {
                input #upload-file name="file" type="file" multiple required
                    accept=".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg";
            }
            p.muted {
                @match share_target {
                    Some(target) => (fill(t.upload_private, &[&target])),
                    None => (t.upload_private_only),
                }
            }
            button type="submit" { (t.upload_button) }
        }
    }
}

/// `/documenten/{id}/details`: what the file is, where it came from, earlier versions.
/// `back` is the dossier page the document was opened from (an employee's, a client's, or the
/// reader's own).
pub fn details_page(
    site: &Site,
    nav: &Nav,
    details: &DocumentDetails,
    back: &str,
    message: Option<&Notice>,
) -> Markup {
    let t = site.t();
    let d = &details.summary;
    signed_in_page(
        site,
        nav,
        &d.title,
        html! {
            section.card {
                h1 { (d.title) }
                @if let Some(message) = message { (notice(message)) }
                @if details.superseded {
                    p.notice role="status" { (t.superseded) }
                }
                dl.details {
                    dt { (t.file_name) } dd { (d.file_name) }
                    dt { (t.size) } dd { (format::size(d.size)) " (" (fill(t.bytes, &[&d.size])) ")" }
                    dt { (t.period) } dd { (format::period(t, d.year, d.period)) }
                    dt { (t.placed_at) } dd { (format::date_time(d.created_at)) }
                    dt { (t.placed_by) } dd { (details.placed_by) }
                    dt { (t.sha256) } dd { code.hash { (details.sha256) } }
                    @if d.own_upload { dt { (t.shared) } dd { @if d.shared { (t.yes) } @else { (t.no) } } }
                }
                p {
                    a.button href={ "/documenten/" (d.id) } { (t.view) }
                    " "
                    a.button href={ "/documenten/" (d.id) "/download" } { (t.download) }
                }
                @if d.kind == DocumentKind::SeriesOverview {
                    (approval_section(t, nav, details, back))
                }
                @if !details.earlier_versions.is_empty() {
                    h2 { (t.earlier_versions) }
                    ul {
                        @for v in &details.earlier_versions {
                            li {
                                a href={ "/documenten/" (v.id) } { (v.title) }
                                (fill(t.placed_on, &[&format::date_time(v.created_at)]))
                            }
                        }
                    }
                }
                @if let Some(access) = &details.access {
                    (super::history::document_access(t, access))
                }
                p { a href=(back) { (t.back_to_dossier) } }
            }
        },
    )
}

/// A series overview's akkoord: the decision that counts and earlier ones, and for the employer
/// the form to give (or change) it.
fn approval_section(t: &Texts, nav: &Nav, details: &DocumentDetails, back: &str) -> Markup {
    let d = &details.summary;
    html! {
        h2 { (t.approval_heading) }
        @match details.approvals.first() {
            None => p { (approval_tag(t, None)) " " (t.approval_none) },
            Some(current) => {
                p {
                    (approval_tag(t, Some(current.decision)))
                    " " (fill(t.approval_by, &[&current.by, &format::date_time(current.at)]))
                }
                @if let Some(comment) = &current.comment { blockquote.comment { (comment) } }
                @if details.approvals.len() > 1 {
                    details.history {
                        summary { (t.approval_earlier) }
                        ul {
                            @for earlier in &details.approvals[1..] {
                                li {
                                    (decision_text(t, earlier.decision)) " – "
                                    (fill(t.approval_by, &[&earlier.by, &format::date_time(earlier.at)]))
                                    @if let Some(comment) = &earlier.comment { ": “" (comment) "”" }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if details.may_decide {
            form.decision method="post" action={ "/documenten/" (d.id) "/akkoord" } {
                input type="hidden" name="csrf" value=(nav.csrf_token);
                input type="hidden" name="terug" value=(back);
                fieldset {
                    legend { (t.decide_lead) }
                    label.check { input type="radio" name="besluit" value="akkoord" required; " " (t.decide_approve) }
                    label.check { input type="radio" name="besluit" value="niet-akkoord"; " " (t.decide_reject) }
                }
                label for="opmerking" { (t.decide_comment) }
                textarea #opmerking name="opmerking" rows="3" maxlength=(crate::domain::approval::COMMENT_MAX_CHARS) {}
                button type="submit" { (t.decide_save) }
            }
        }
    }
}

/// "akkoord" or "niet akkoord" in words.
fn decision_text(t: &Texts, decision: Decision) -> &'static str {
    match decision {
        Decision::Approved => t.approved_tag,
        Decision::Rejected => t.rejected_tag,
    }
}

/// A series overview's state as a small label: akkoord, niet akkoord, or still waiting.
pub(super) fn approval_tag(t: &Texts, decision: Option<Decision>) -> Markup {
    html! {
        @match decision {
            Some(Decision::Approved) => span.tag.approved { (t.approved_tag) },
            Some(Decision::Rejected) => span.tag.rejected { (t.rejected_tag) },
            None => span.tag.pending { (t.pending_tag) },
        }
    }
}

/// `/ongelezen`: what is addressed to the reader and not opened yet, each row saying whom it is
/// from, newest first or by name. `notice` says what the last action did, as on a dossier page.
pub fn unread_page(
    site: &Site,
    nav: &Nav,
    documents: &[UnreadDocument],
    more: bool,
    order: UnreadOrder,
    message: Option<&Notice>,
) -> Markup {
    let t = site.t();
    let summaries: Vec<DocumentSummary> = documents.iter().map(|d| d.summary.clone()).collect();
    let from: Vec<&str> = documents
        .iter()
        .map(|d| d.from.as_deref().unwrap_or(t.owner_payroll))
        .collect();
    let back = match order {
        UnreadOrder::Newest => "/ongelezen",
        UnreadOrder::ByName => "/ongelezen?volgorde=naam",
    };
    signed_in_page(
        site,
        nav,
        t.unread_title,
        html! {
            section.card {
                @if more {
                    h1 { (fill(t.unread_heading, &[&format!("{}+", documents.len())])) }
                    p.muted { (fill(t.unread_more, &[&documents.len()])) }
                } @else {
                    h1 { (fill(t.unread_heading, &[&documents.len()])) }
                }
                @if let Some(message) = message { (notice(message)) }
                @if documents.is_empty() {
                    p.muted { (t.no_unread) }
                } @else {
                    p.sort-choice {
                        (t.sort_by) " "
                        @for (choice, href, label) in [
                            (UnreadOrder::Newest, "/ongelezen", t.sort_newest),
                            (UnreadOrder::ByName, "/ongelezen?volgorde=naam", t.sort_by_name),
                        ] {
                            @if choice == order {
                                strong aria-current="true" { (label) }
                            } @else {
                                a href=(href) { (label) }
                            }
                            " "
                        }
                    }
                    (rows(site, &summaries, nav, &Table { list: List::Unread, back, owner: "", from: &from, share_target: None }))
                }
            }
        },
    )
}

/// A search box for one list; the year and the other list's search are kept. With
/// JavaScript the list also filters while typing.
fn list_search(
    t: &Texts,
    page: &DossierPage<'_>,
    name: &str,
    label: &str,
    value: Option<&str>,
    list_id: &str,
) -> Markup {
    let (other_name, other_value) = if name == "zoek-loon" {
        ("zoek-overig", page.search.other.as_deref())
    } else {
        ("zoek-loon", page.search.payroll.as_deref())
    };
    html! {
        form.search method="get" action=(page.base) role="search" {
            input type="hidden" name="jaar" value=(page.view.year);
            @if let Some(v) = other_value { input type="hidden" name=(other_name) value=(v); }
            label for=(name) { (label) }
            input id=(name) name=(name) type="search" maxlength="100" value=[value]
                data-filter=(list_id) aria-describedby={ (name) "-hint" };
            span.visually-hidden id={ (name) "-hint" } { (t.filter_hint) }
            button type="submit" { (t.search) }
        }
    }
}

/// A dossier for one year: the year selector, Loon-bestanden and Overige bestanden with a
/// search each, and (in the own dossier) uploading.
pub fn dossier_overview(site: &Site, nav: &Nav, page: &DossierPage<'_>) -> Markup {
    let t = site.t();
    let view = page.view;
    // After an action the page comes back on the same year, with the same searches.
    let mut back = format!("{}?jaar={}", page.base, view.year);
    for (name, value) in [
        ("zoek-loon", &page.search.payroll),
        ("zoek-overig", &page.search.other),
    ] {
        if let Some(value) = value {
            let value: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
            back.push_str(&format!("&{name}={value}"));
        }
    }
    let heading = if view.own {
        fill(t.dossier_heading, &[&view.year, &view.owner_name])
    } else {
        fill(t.dossier_of_year, &[&view.owner_name, &view.year])
    };
    signed_in_page(
        site,
        nav,
        &heading,
        html! {
            section.card {
                h1 { (heading) }
                @if let Some(message) = &page.notice { (notice(message)) }
                @if let Some(data) = &page.owner_data {
                    details.owner-data {
                        summary { (t.details_heading) }
                        (data)
                    }
                }
                @if !view.years.is_empty() {
                    form.search method="get" action=(page.base) {
                        label for="jaar" { (t.show_dossier_for) }
                        select #jaar name="jaar" {
                            @for y in &view.years {
                                option value=(y) selected[*y == view.year] { (y) }
                            }
                        }
                        button type="submit" { (t.show) }
                    }
                }
                @if view.own && !(view.payroll.is_empty() && view.other.is_empty()) {
                    p.zip-downloads {
                        a.button.secondary href={ "/dossier/zip?jaar=" (view.year) } download {
                            (fill(t.zip_year, &[&view.year]))
                        }
                        " "
                        a.button.secondary href="/dossier/zip" download { (t.zip_all) }
                    }
                }
                h2 { (fill(t.payroll_files, &[&view.year, &view.payroll.len()])) }
                (list_search(t, page, "zoek-loon", t.search_payroll, page.search.payroll.as_deref(), "acties-loon"))
                (rows(site, &view.payroll, nav, &Table { list: List::Payroll, back: &back, owner: &view.owner_name, from: &[], share_target: None }))
                h2 { (fill(t.other_files, &[&view.other.len()])) }
                (list_search(t, page, "zoek-overig", t.search_other, page.search.other.as_deref(), "acties-overig"))
                (rows(site, &view.other, nav, &Table { list: List::Other, back: &back, owner: &view.owner_name, from: &[], share_target: view.share_target.as_deref() }))
                @if view.own { (upload_form(t, &nav.csrf_token, view.share_target.as_deref())) }
                @if let (true, Dossier::Employee { .. }) = (view.may_write_letter, view.dossier) {
                    (letter_form(t, &nav.csrf_token, page.owner_id, &back, None))
                }
            }
        },
    )
}
