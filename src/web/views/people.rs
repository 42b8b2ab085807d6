//! The Werknemers table (an employer's employees) and the Werkgevers table (a bureau's
//! employers), each with a server-side search so they work without JavaScript.

use maud::{Markup, html};

use super::layout::{Nav, Site, signed_in_page};
use crate::domain::party::AccountStatus;
use crate::service::{EmployeeLine, EmployerLine};

fn status(status: AccountStatus) -> &'static str {
    match status {
        AccountStatus::NotInvited => "Niet uitgenodigd",
        AccountStatus::Invited => "Uitgenodigd",
        AccountStatus::Active => "Actief",
    }
}

/// `/werknemers`: the employer's employees, optionally for one year and matching a search.
pub fn employees(
    site: &Site,
    nav: &Nav,
    lines: &[EmployeeLine],
    year: Option<u16>,
    search: &str,
) -> Markup {
    signed_in_page(
        site,
        nav,
        "Werknemers",
        html! {
            section.card {
                h1 { "Werknemers (" (lines.len()) ")" }
                form.search method="get" action="/werknemers" role="search" {
                    label for="jaar" { "Jaar" }
                    input #jaar name="jaar" type="number" min="1990" max="2100" inputmode="numeric"
                        value=[year];
                    label for="zoek" { "Zoeken op naam, nummer of e-mail" }
                    input #zoek name="zoek" type="search" maxlength="100" value=(search);
                    button type="submit" { "Zoeken" }
                }
                @if lines.is_empty() {
                    p.muted { "Geen werknemers gevonden." }
                } @else {
                    div.table-scroll {
                        table.people {
                            thead { tr {
                                th { "Nr" } th { "Naam" } th { "Geb.-datum" } th { "BSN" }
                                th { "E-mail" } th { "In dienst" } th { "Account" }
                            } }
                            tbody {
                                @for e in lines {
                                    tr {
                                        td { (e.personnel_number) }
                                        td { (e.name) }
                                        td { (e.birth_date.format("%d-%m-%Y")) }
                                        td.bsn {
                                            (e.bsn_masked)
                                            form.inline method="post" action={ "/werknemers/" (e.id) "/bsn" } {
                                                input type="hidden" name="csrf" value=(nav.csrf_token);
                                                button.link type="submit" aria-label={ "Toon het BSN van " (e.name) } { "Toon" }
                                            }
                                        }
                                        td { (e.email) }
                                        td {
                                            @if let Some(start) = e.employment_start { (start.format("%d-%m-%Y")) }
                                            @if let Some(end) = e.employment_end { " – " (end.format("%d-%m-%Y")) }
                                        }
                                        td { (status(e.status)) }
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

/// The full BSN after an explicit click (the look is in the audit log).
pub fn revealed_bsn(site: &Site, nav: &Nav, bsn: &str) -> Markup {
    signed_in_page(
        site,
        nav,
        "BSN",
        html! {
            section.card {
                h1 { "Burgerservicenummer" }
                p { "BSN: " strong.bsn { (bsn) } }
                p.muted { "Dat u dit nummer heeft bekeken, staat in het logboek." }
                p { a href="/werknemers" { "Terug naar Werknemers" } }
            }
        },
    )
}

/// `/werkgevers`: the bureau's employers.
pub fn employers(site: &Site, nav: &Nav, lines: &[EmployerLine], search: &str) -> Markup {
    signed_in_page(
        site,
        nav,
        "Werkgevers",
        html! {
            section.card {
                h1 { "Werkgevers (" (lines.len()) ")" }
                form.search method="get" action="/werkgevers" role="search" {
                    label for="zoek" { "Zoeken op naam, klantnummer of loonheffingennummer" }
                    input #zoek name="zoek" type="search" maxlength="100" value=(search);
                    button type="submit" { "Zoeken" }
                }
                @if lines.is_empty() {
                    p.muted { "Geen werkgevers gevonden." }
                } @else {
                    div.table-scroll {
                        table.people {
                            thead { tr {
                                th { "Klantnr" } th { "Naam" } th { "Loonheffingennummer" }
                                th { "E-mail" } th { "Account" }
                            } }
                            tbody {
                                @for r in lines {
                                    tr {
                                        td { (r.client_number.as_deref().unwrap_or("")) }
                                        td { (r.name) }
                                        td { (r.lhn) }
                                        td { (r.email) }
                                        td { (status(r.status)) }
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
