//! The Werknemers table (an employer's employees, or a client's for its bureau) and the
//! Werkgevers table (a bureau's employers), each with a server-side search so they work
//! without JavaScript, and links to each party's dossier.

use maud::{Markup, html};

use super::format::{Text, date};
use super::layout::{Nav, Site, signed_in_page};
use crate::domain::PublicId;
use crate::domain::party::{AccountStatus, Role};
use crate::service::{EmployeeList, EmployerLine, RevealedBsn};
use crate::web::i18n::{Texts, fill};

fn status(t: &Texts, status: AccountStatus) -> &'static str {
    match status {
        AccountStatus::NotInvited => t.status_not_invited,
        AccountStatus::Invited => t.status_invited,
        AccountStatus::Active => t.status_active,
        AccountStatus::Disabled => t.status_disabled,
    }
}

/// What the Werknemers page shows.
pub struct EmployeesPage<'a> {
    /// This page's employees, and where it stands among all that match.
    pub list: &'a EmployeeList,
    pub year: Option<u16>,
    /// The years to choose from, newest first.
    pub years: &'a [u16],
    pub search: &'a str,
    /// The client whose employees a bureau looks at (`None`: the employer's own).
    pub employer: Option<(PublicId, String)>,
}

/// `/werknemers` (or `/werkgevers/{id}/werknemers`): employees, optionally for one year and
/// matching a search, each linking to its dossier.
pub fn employees(site: &Site, nav: &Nav, page: &EmployeesPage<'_>) -> Markup {
    let t = site.t();
    let list = page.list;
    let lines = &list.lines;
    let (heading, action) = match &page.employer {
        None => (
            fill(t.employees_heading, &[&list.total]),
            "/werknemers".to_owned(),
        ),
        Some((id, name)) => (
            fill(t.employees_of, &[name, &list.total]),
            format!("/werkgevers/{id}/werknemers"),
        ),
    };
    // Typing filters the rows shown; with more than one page it would miss the others, so
    // then only the search button (over all of them) searches.
    let one_page = list.pages == 1;
    signed_in_page(
        site,
        nav,
        &heading,
        html! {
            section.card {
                h1 { (heading) }
                @if page.employer.is_some() {
                    p { a href="/werkgevers" { (t.back_to_employers) } }
                }
                form.search method="get" action=(action) role="search" {
                    label for="jaar" { (t.employed_in) }
                    select #jaar name="jaar" {
                        option value="" selected[page.year.is_none()] { (t.all_employees) }
                        @for y in page.years {
                            option value=(y) selected[page.year == Some(*y)] { (y) }
                        }
                    }
                    label for="zoek" { (t.search_employees) }
                    input #zoek name="zoek" type="search" maxlength="100" value=(page.search)
                        data-filter=[one_page.then_some("werknemers")];
                    button type="submit" { (t.search) }
                }
                @if !one_page && page.year.is_none() && page.search.is_empty() {
                    p.muted { (fill(t.search_all_employees, &[&list.total])) }
                }
                @if lines.is_empty() {
                    p.muted { (t.no_employees) }
                } @else {
                    // Above the table too: on a phone the 50 rows are a long way down.
                    @if !one_page { (pager(t, &action, page, list, false)) }
                    // One form for every row's "show BSN" button (each names its own target
                    // with formaction): one CSRF field instead of one per employee.
                    form.table-scroll method="post" tabindex="0" role="region" aria-label=(t.menu_employees) {
                        input type="hidden" name="csrf" value=(nav.csrf_token);
                        table.people.stack #werknemers {
                            thead { tr {
                                th { (t.number_short) } th { (t.name) } th { (t.birth_date_short) } th { (t.bsn) }
                                th { (t.email) } th { (t.employment) } th { (t.account) } th { (t.delivery_column) }
                            } }
                            tbody {
                                @for e in lines {
                                    tr {
                                        td data-label=(t.number_short) { (Text(&e.personnel_number)) }
                                        td.title { a href={ "/werknemers/" (e.id) } aria-label=(Text(&fill(t.dossier_of, &[&e.name]))) { (Text(&e.name)) } }
                                        td data-label=(t.birth_date_short) { (date(e.birth_date)) }
                                        td.bsn data-label=(t.bsn) {
                                            (Text(&e.bsn_masked))
                                            button.link type="submit" formaction={ "/werknemers/" (e.id) "/bsn" }
                                                aria-label=(Text(&fill(t.show_bsn_of, &[&e.name]))) { (t.show_bsn) }
                                        }
                                        td.email data-label=(t.email) { (Text(&e.email)) }
                                        td.wrap data-label=(t.employment) {
                                            @if let Some(start) = e.employment_start { (date(start)) }
                                            @if let Some(end) = e.employment_end { " – " (date(end)) }
                                        }
                                        td data-label=(t.account) { (status(t, e.status)) }
                                        td data-label=(t.delivery_column) { (super::consent::delivery_word(t, e.delivery.delivery)) }
                                    }
                                }
                            }
                        }
                    }
                    @if !one_page { (pager(t, &action, page, list, true)) }
                }
            }
        },
    )
}

/// "51–100 van 500" with the ways to the previous and next page, keeping the year and search;
/// the one below the table is the page's navigation landmark, the one above a shortcut.
fn pager(
    t: &Texts,
    action: &str,
    page: &EmployeesPage<'_>,
    list: &EmployeeList,
    landmark: bool,
) -> Markup {
    let last = list.first + list.lines.len() as u64 - 1;
    let to = |n: u32| {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        if let Some(year) = page.year {
            query.append_pair("jaar", &year.to_string());
        }
        if !page.search.is_empty() {
            query.append_pair("zoek", page.search);
        }
        query.append_pair("pagina", &n.to_string());
        format!("{action}?{}", query.finish())
    };
    let links = html! {
        @if list.page > 1 {
            a href=(to(list.page - 1)) rel="prev" { span aria-hidden="true" { "‹ " } (t.previous_page) }
        }
        span { (fill(t.rows_of, &[&list.first, &last, &list.total])) }
        @if list.page < list.pages {
            a href=(to(list.page + 1)) rel="next" { (t.next_page) span aria-hidden="true" { " ›" } }
        }
    };
    html! {
        @if landmark {
            nav.pager aria-label=(t.pages_label) { (links) }
        } @else {
            div.pager { (links) }
        }
    }
}

/// The full BSN after an explicit click (the look is in the audit log).
/// One employee's full BSN, naming whose it is, with the way back to the list it was asked
/// from (a bureau's: that client's Werknemers).
pub fn revealed_bsn(site: &Site, nav: &Nav, revealed: &RevealedBsn) -> Markup {
    let t = site.t();
    let (back, back_text) = match nav.role {
        Role::Bureau => (
            format!("/werkgevers/{}/werknemers", revealed.employer_id),
            t.back_to_employees,
        ),
        Role::Employer => ("/werknemers".to_owned(), t.back_to_employees),
        Role::Employee => ("/".to_owned(), t.back_to_my_details),
    };
    signed_in_page(
        site,
        nav,
        t.bsn,
        html! {
            section.card {
                h1 { (t.bsn_long) }
                p { (fill(t.bsn_of, &[&revealed.name, &revealed.personnel_number])) }
                p { (t.bsn) ": " strong.bsn { (revealed.bsn) } }
                p.muted { (t.bsn_logged) }
                p { a href=(back) { (back_text) } }
            }
        },
    )
}

/// `/werkgevers`: the bureau's employers, with links to each one's dossier and employees.
pub fn employers(site: &Site, nav: &Nav, lines: &[EmployerLine], search: &str) -> Markup {
    let t = site.t();
    let heading = fill(t.employers_heading, &[&lines.len()]);
    signed_in_page(
        site,
        nav,
        &heading,
        html! {
            section.card {
                h1 { (heading) }
                form.search method="get" action="/werkgevers" role="search" {
                    label for="zoek" { (t.search_employers) }
                    input #zoek name="zoek" type="search" maxlength="100" value=(search)
                        data-filter="werkgevers";
                    button type="submit" { (t.search) }
                }
                @if lines.is_empty() {
                    p.muted { (t.no_employers) }
                } @else {
                    div.table-scroll tabindex="0" role="region" aria-label=(t.menu_employers) {
                        table.people.stack #werkgevers {
                            thead { tr {
                                th { (t.client_number_short) } th { (t.name) } th { (t.lhn) }
                                th { (t.email) } th { (t.account) } th { (t.latest_series) }
                                th { span.visually-hidden { (t.action) } }
                            } }
                            tbody {
                                @for r in lines {
                                    tr {
                                        td data-label=(t.client_number_short) { (r.client_number.as_deref().unwrap_or("")) }
                                        td.title.wrap { a href={ "/werkgevers/" (r.id) } aria-label=(fill(t.dossier_of, &[&r.name])) { (r.name) } }
                                        td data-label=(t.lhn) { (r.lhn) }
                                        td.email data-label=(t.email) { (r.email) }
                                        td data-label=(t.account) { (status(t, r.status)) }
                                        td.wrap data-label=(t.latest_series) {
                                            @if let Some(series) = &r.latest_series {
                                                a href={ "/documenten/" (series.id) "/details?terug=/werkgevers" } {
                                                    (super::format::period(t, series.year, series.period))
                                                }
                                                " " (super::dossier::approval_tag(t, series.decision))
                                            }
                                        }
                                        td.links {
                                            a href={ "/werkgevers/" (r.id) } aria-label=(fill(t.dossier_of, &[&r.name])) { (t.its_dossier) }
                                            " "
                                            a href={ "/werkgevers/" (r.id) "/werknemers" } aria-label=(fill(t.employees_link_of, &[&r.name])) { (t.its_employees) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}
