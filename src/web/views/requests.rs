//! Verzoeken: the employee's own requests and the forms to make one; the employer's inbox
//! (and the bureau's list of approved ones) with filters; one request with its history,
//! receipts and the step the reader may take.

use maud::{Markup, html};

use super::format;
use super::layout::{Nav, Notice, Site, notice, signed_in_page};
use crate::domain::request::{LeaveKind, LetterKind, RequestDetails, RequestKind, RequestState};
use crate::service::RequestView;
use crate::web::i18n::{Texts, fill};

/// A kind as its URL names it and as a page says it.
pub fn kind_slug(kind: RequestKind) -> &'static str {
    match kind {
        RequestKind::Leave => "verlof",
        RequestKind::AddressChange => "verhuizing",
        RequestKind::BankAccountChange => "bankrekening",
        RequestKind::ExpenseClaim => "declaratie",
        RequestKind::LetterRequest => "brief",
    }
}

/// The kind a URL names.
pub fn kind_of_slug(slug: &str) -> Option<RequestKind> {
    RequestKind::ALL.into_iter().find(|k| kind_slug(*k) == slug)
}

pub(super) fn kind_name(t: &Texts, kind: RequestKind) -> &'static str {
    match kind {
        RequestKind::Leave => t.request_leave,
        RequestKind::AddressChange => t.request_address,
        RequestKind::BankAccountChange => t.request_bank,
        RequestKind::ExpenseClaim => t.request_expense,
        RequestKind::LetterRequest => t.request_letter,
    }
}

/// A state as a small label.
fn state_tag(t: &Texts, state: RequestState) -> Markup {
    let (class, text) = match state {
        RequestState::Submitted => ("pending", t.state_submitted),
        RequestState::Withdrawn => ("pending", t.state_withdrawn),
        RequestState::Approved => ("approved", t.state_approved),
        RequestState::Rejected => ("rejected", t.state_rejected),
        RequestState::Processed => ("approved", t.state_processed),
    };
    html! { span class={ "tag " (class) } { (text) } }
}

/// "€ 23,50" from cents.
fn euros(cents: u64) -> String {
    format!("€ {},{:02}", cents / 100, cents % 100)
}

/// "7,5 uur" from minutes.
fn hours(t: &Texts, minutes: u32) -> String {
    let whole = minutes / 60;
    let part = minutes % 60;
    let number = if part == 0 {
        whole.to_string()
    } else {
        format!("{whole},{:02}", part * 100 / 60)
            .trim_end_matches('0')
            .to_owned()
    };
    fill(t.hours_value, &[&number])
}

/// One line saying what the request asks, for lists.
fn summary(t: &Texts, details: &RequestDetails) -> String {
    match details {
        RequestDetails::Leave {
            from, to, minutes, ..
        } => format!(
            "{} – {} ({})",
            format::date(*from),
            format::date(*to),
            hours(t, *minutes)
        ),
        RequestDetails::AddressChange {
            street, city, from, ..
        } => {
            format!("{street}, {city} ({} {})", t.per_date, format::date(*from))
        }
        RequestDetails::BankAccountChange { iban, .. } => iban.clone(),
        RequestDetails::ExpenseClaim {
            amount_cents,
            description,
            ..
        } => {
            format!("{} – {description}", euros(*amount_cents))
        }
        RequestDetails::LetterRequest { letter, .. } => letter_name(t, *letter).to_owned(),
    }
}

fn leave_name(t: &Texts, kind: LeaveKind) -> &'static str {
    match kind {
        LeaveKind::Vacation => t.leave_vacation,
        LeaveKind::Special => t.leave_special,
        LeaveKind::Parental => t.leave_parental,
        LeaveKind::Unpaid => t.leave_unpaid,
    }
}

fn letter_name(t: &Texts, kind: LetterKind) -> &'static str {
    match kind {
        LetterKind::EmployerStatement => t.letter_employer_statement,
        LetterKind::Other => t.letter_other,
    }
}

/// A kind as a list or a request's page names it ("Verlof"); [`kind_name`] is its form's title.
fn kind_noun(t: &Texts, kind: RequestKind) -> &'static str {
    match kind {
        RequestKind::Leave => t.noun_leave,
        RequestKind::AddressChange => t.noun_address,
        RequestKind::BankAccountChange => t.noun_bank,
        RequestKind::ExpenseClaim => t.noun_expense,
        RequestKind::LetterRequest => t.noun_letter,
    }
}

/// The list of requests: the employee's own (`with_person` false) or an inbox naming whose.
fn table(t: &Texts, requests: &[RequestView], with_person: bool) -> Markup {
    html! {
        @if requests.is_empty() {
            p.muted { (t.no_requests) }
        } @else {
            div.table-scroll tabindex="0" role="region" aria-label=(t.menu_requests) {
                table.documents.stack #verzoeken {
                    thead { tr {
                        th { (t.request_kind) }
                        @if with_person { th { (t.employee) } }
                        th { (t.request_what) }
                        th { (t.submitted_on) }
                        th { (t.request_state) }
                    } }
                    tbody {
                        @for r in requests {
                            tr {
                                td.title { a href={ "/verzoeken/" (r.id) } { (kind_noun(t, r.kind)) } }
                                @if with_person {
                                    td data-label=(t.employee) { (r.employee_name) " (" (r.personnel_number) ")" }
                                }
                                td.wrap data-label=(t.request_what) { (summary(t, &r.details)) }
                                td data-label=(t.submitted_on) { (format::date_time(r.submitted_at)) }
                                td data-label=(t.request_state) { (state_tag(t, r.state)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// What the list page holds, and its filters for an inbox.
pub struct RequestsPage<'a> {
    pub requests: &'a [RequestView],
    /// An employer's or bureau's inbox (filters, whose request); else the employee's own.
    pub inbox: bool,
    pub state: Option<RequestState>,
    pub kind: Option<RequestKind>,
    /// The employee searched for, as typed.
    pub person: Option<&'a str>,
    pub notice: Option<Notice>,
}

/// `/verzoeken`.
pub fn requests_page(site: &Site, nav: &Nav, page: &RequestsPage<'_>) -> Markup {
    let t = site.t();
    signed_in_page(
        site,
        nav,
        t.menu_requests,
        html! {
            section.card {
                h1 { (t.menu_requests) }
                @if let Some(message) = &page.notice { (notice(message)) }
                @if page.inbox {
                    form.search method="get" action="/verzoeken" {
                        div.field {
                            label for="status" { (t.request_state) }
                            select #status name="status" {
                                option value="" selected[page.state.is_none()] { (t.all_states) }
                                @for state in RequestState::ALL {
                                    option value=(state.as_str()) selected[page.state == Some(state)] { (state_text(t, state)) }
                                }
                            }
                        }
                        div.field {
                            label for="soort" { (t.request_kind) }
                            select #soort name="soort" {
                                option value="" selected[page.kind.is_none()] { (t.all_kinds) }
                                @for kind in RequestKind::ALL {
                                    option value=(kind_slug(kind)) selected[page.kind == Some(kind)] { (kind_noun(t, kind)) }
                                }
                            }
                        }
                        div.field.wide {
                            label for="zoek" { (t.employee) }
                            input #zoek name="werknemer" type="search" maxlength="100" value=[page.person] data-filter="verzoeken";
                        }
                        button type="submit" { (t.show) }
                    }
                } @else {
                    p { (t.requests_lead) }
                    ul.links {
                        @for kind in RequestKind::ALL {
                            li { a.button.secondary href={ "/verzoeken/nieuw/" (kind_slug(kind)) } { (kind_name(t, kind)) } }
                        }
                    }
                }
                h2 { (fill(t.requests_count, &[&page.requests.len()])) }
                (table(t, page.requests, page.inbox))
            }
        },
    )
}

fn state_text(t: &Texts, state: RequestState) -> &'static str {
    match state {
        RequestState::Submitted => t.state_submitted,
        RequestState::Withdrawn => t.state_withdrawn,
        RequestState::Approved => t.state_approved,
        RequestState::Rejected => t.state_rejected,
        RequestState::Processed => t.state_processed,
    }
}

/// A form field with its label; `value` keeps what was typed when the form comes back.
fn field(id: &str, label: &str, kind: &str, value: Option<&str>, required: bool) -> Markup {
    html! {
        label for=(id) { (label) }
        input id=(id) name=(id) type=(kind) value=[value] required[required] maxlength="1000";
    }
}

/// `/verzoeken/nieuw/{soort}`: the form for one kind; `values` what was typed before, `error`
/// why it came back.
pub fn request_form(
    site: &Site,
    nav: &Nav,
    kind: RequestKind,
    values: &std::collections::HashMap<String, String>,
    error: Option<&str>,
) -> Markup {
    let t = site.t();
    let v = |name: &str| values.get(name).map(String::as_str);
    let title = kind_name(t, kind);
    signed_in_page(
        site,
        nav,
        title,
        html! {
            section.card {
                h1 { (title) }
                @if let Some(error) = error { p.error role="alert" { (error) } }
                form.request method="post" action={ "/verzoeken/nieuw/" (kind_slug(kind)) } enctype="multipart/form-data" {
                    input type="hidden" name="csrf" value=(nav.csrf_token);
                    @match kind {
                        RequestKind::Leave => {
                            (field("van", t.leave_from, "date", v("van"), true))
                            (field("tot", t.leave_to, "date", v("tot"), true))
                            label for="uren" { (t.leave_hours) }
                            input #uren name="uren" type="text" inputmode="decimal" required value=[v("uren")] aria-describedby="uren-hint";
                            p.muted #uren-hint { (t.leave_hours_hint) }
                            label for="soort" { (t.leave_kind) }
                            select #soort name="soort" {
                                @for (value, kind) in [("vakantie", LeaveKind::Vacation), ("bijzonder", LeaveKind::Special), ("ouderschap", LeaveKind::Parental), ("onbetaald", LeaveKind::Unpaid)] {
                                    option value=(value) selected[v("soort") == Some(value)] { (leave_name(t, kind)) }
                                }
                            }
                            (field("toelichting", t.note_optional, "text", v("toelichting"), false))
                        }
                        RequestKind::AddressChange => {
                            (field("straat", t.street, "text", v("straat"), true))
                            (field("postcode", t.postal_code, "text", v("postcode"), true))
                            (field("plaats", t.city, "text", v("plaats"), true))
                            (field("land", t.country_code, "text", Some(v("land").unwrap_or("NL")), true))
                            (field("per", t.address_from, "date", v("per"), true))
                        }
                        RequestKind::BankAccountChange => {
                            (field("iban", t.iban, "text", v("iban"), true))
                            (field("tenaamstelling", t.account_holder, "text", v("tenaamstelling"), true))
                            p.muted { (t.bank_password_lead) }
                            label for="wachtwoord" { (t.current_password) }
                            input #wachtwoord name="wachtwoord" type="password" autocomplete="current-password" required maxlength="128";
                        }
                        RequestKind::ExpenseClaim => {
                            label for="bedrag" { (t.expense_amount) }
                            input #bedrag name="bedrag" type="text" inputmode="decimal" required value=[v("bedrag")];
                            (field("datum", t.expense_date, "date", v("datum"), true))
                            (field("omschrijving", t.expense_description, "text", v("omschrijving"), true))
                            label for="bon" { (t.expense_receipts) }
                            input #bon name="bon" type="file" multiple required accept=".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg";
                        }
                        RequestKind::LetterRequest => {
                            label for="brief" { (t.letter_which) }
                            select #brief name="brief" {
                                option value="werkgeversverklaring" selected[v("brief") != Some("anders")] { (t.letter_employer_statement) }
                                option value="anders" selected[v("brief") == Some("anders")] { (t.letter_other) }
                            }
                            (field("reden", t.letter_reason, "text", v("reden"), true))
                        }
                    }
                    button type="submit" { (t.request_send) }
                }
                p { a href="/verzoeken" { (t.back_to_requests) } }
            }
        },
    )
}

/// `/verzoeken/{id}`: what was asked, its history, the receipts, and the reader's step.
pub fn request_page(site: &Site, nav: &Nav, r: &RequestView, message: Option<&Notice>) -> Markup {
    let t = site.t();
    let title = kind_noun(t, r.kind);
    signed_in_page(
        site,
        nav,
        title,
        html! {
            section.card {
                h1 { (title) " " (state_tag(t, r.state)) }
                @if let Some(message) = message { (notice(message)) }
                dl.details {
                    dt { (t.employee) } dd { (r.employee_name) " (" (r.personnel_number) ")" }
                    dt { (t.submitted_on) } dd { (format::date_time(r.submitted_at)) }
                    @match &r.details {
                        RequestDetails::Leave { from, to, minutes, leave, note } => {
                            dt { (t.leave_from) } dd { (format::date(*from)) }
                            dt { (t.leave_to) } dd { (format::date(*to)) }
                            dt { (t.leave_hours) } dd { (hours(t, *minutes)) }
                            dt { (t.leave_kind) } dd { (leave_name(t, *leave)) }
                            @if let Some(note) = note { dt { (t.note) } dd { (note) } }
                        }
                        RequestDetails::AddressChange { street, postal_code, city, country, from } => {
                            dt { (t.street) } dd { (street) }
                            dt { (t.postal_code) } dd { (postal_code) " " (city) }
                            dt { (t.country_code) } dd { (country) }
                            dt { (t.address_from) } dd { (format::date(*from)) }
                        }
                        RequestDetails::BankAccountChange { iban, holder } => {
                            dt { (t.iban) } dd { code { (iban) } }
                            dt { (t.account_holder) } dd { (holder) }
                        }
                        RequestDetails::ExpenseClaim { amount_cents, date, description } => {
                            dt { (t.expense_amount) } dd { (euros(*amount_cents)) }
                            dt { (t.expense_date) } dd { (format::date(*date)) }
                            dt { (t.expense_description) } dd { (description) }
                        }
                        RequestDetails::LetterRequest { letter, reason } => {
                            dt { (t.letter_which) } dd { (letter_name(t, *letter)) }
                            dt { (t.letter_reason) } dd { (reason) }
                        }
                    }
                }
                @if !r.receipts.is_empty() {
                    h2 { (t.expense_receipts) }
                    ul {
                        @for receipt in &r.receipts {
                            li { a href={ "/verzoeken/" (r.id) "/bonnen/" (receipt.number) } { (receipt.file_name) } " (" (format::size(receipt.size)) ")" }
                        }
                    }
                }
                h2 { (t.request_history) }
                ol.history {
                    @for event in &r.history {
                        li {
                            (state_text(t, event.state)) " – " (event.by_name) ", " (format::date_time(event.at))
                            @if let Some(comment) = &event.comment { blockquote.comment { (comment) } }
                        }
                    }
                }
                @if r.may_decide {
                    form.decision method="post" action={ "/verzoeken/" (r.id) "/besluit" } {
                        input type="hidden" name="csrf" value=(nav.csrf_token);
                        fieldset {
                            legend { (t.request_decide) }
                            label.check { input type="radio" name="besluit" value="goedkeuren" required; " " (t.request_approve) }
                            label.check { input type="radio" name="besluit" value="afwijzen"; " " (t.request_reject) }
                        }
                        label for="opmerking" { (t.decide_comment) }
                        textarea #opmerking name="opmerking" rows="3" maxlength="1000" {}
                        button type="submit" { (t.decide_save) }
                    }
                }
                @if r.may_answer_with_letter {
                    (super::dossier::letter_form(t, &nav.csrf_token, Some(r.employee_id), &format!("/verzoeken/{}", r.id), Some(r.id)))
                }
                @if r.may_withdraw {
                    form method="post" action={ "/verzoeken/" (r.id) "/intrekken" } {
                        input type="hidden" name="csrf" value=(nav.csrf_token);
                        button.danger type="submit" { (t.request_withdraw) }
                    }
                }
                p { a href="/verzoeken" { (t.back_to_requests) } }
            }
        },
    )
}
