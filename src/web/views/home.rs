//! Home: Mijn gegevens, the signed-in party's master data with links onward; the same table
//! folds open above an employee's or client's dossier for its employer or bureau.

use maud::{Markup, html};

use super::format::date;
use super::layout::{Nav, Site, signed_in_page};
use crate::domain::party::Address;
use crate::service::PartyDetails;
use crate::web::i18n::Texts;

fn address_rows(t: &Texts, address: &Address) -> Markup {
    let place = [address.postal_code.as_deref(), address.city.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    html! {
        tr { th scope="row" { (t.street) } td { (address.street.as_deref().unwrap_or("")) } }
        tr { th scope="row" { (t.postal_code_city) } td { (place) } }
        tr { th scope="row" { (t.country) } td { (country(t, address.country.as_deref())) } }
    }
}

/// "NL - Nederland": the code the payroll software sends and the country's name, as in the
/// seed's screens; a code without a known name stays as it is.
fn country(t: &Texts, code: Option<&str>) -> String {
    let Some(code) = code.map(str::trim).filter(|c| !c.is_empty()) else {
        return String::new();
    };
    let upper = code.to_ascii_uppercase();
    match crate::web::i18n::country_name(t, &upper) {
        Some(name) => format!("{upper} - {name}"),
        None => code.to_owned(),
    }
}

fn phone_link(phone: Option<&str>) -> Markup {
    html! {
        @if let Some(phone) = phone {
            a href={ "tel:" (phone.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect::<String>()) } { (phone) }
        }
    }
}

/// The master-data table of one party. With the session's form token, an employee's masked BSN
/// has a "Toon" button beside it (the service decides whether the reader may see it).
pub fn party_table(site: &Site, details: &PartyDetails, csrf: Option<&str>) -> Markup {
    let t = site.t();
    html! {
        table.master-data {
            tbody {
                @match details {
                    PartyDetails::Bureau { name, client_number, employers } => {
                        tr { th scope="row" { (t.name) } td { (name) } }
                        tr { th scope="row" { (t.client_number) } td { (client_number) } }
                        tr { th scope="row" { (t.employer_count) } td { (employers) } }
                    }
                    PartyDetails::Employer { name, client_number, lhn, email, phone, address, payroll_year, bureau, employees, .. } => {
                        tr { th scope="row" { (t.name) } td { (name) } }
                        tr { th scope="row" { (t.client_number) } td { (client_number.as_deref().unwrap_or("")) } }
                        tr { th scope="row" { (t.lhn) } td { (lhn) } }
                        (address_rows(t, address))
                        tr { th scope="row" { (t.email) } td { (email) } }
                        tr { th scope="row" { (t.phone) } td { (phone_link(phone.as_deref())) } }
                        tr { th scope="row" { (t.payroll_year) } td { @if let Some(y) = payroll_year { (y) } } }
                        tr { th scope="row" { (t.bureau) } td { (bureau.as_deref().unwrap_or(t.self_administering)) } }
                        tr { th scope="row" { (t.employee_count) } td { (employees) } }
                    }
                    PartyDetails::Employee { name, personnel_number, birth_date, bsn_masked, employer, employer_town, work_email, private_email, phone, address, employment_start, employment_end, .. } => {
                        tr { th scope="row" { (t.name) } td { (name) } }
                        tr { th scope="row" { (t.personnel_number) } td { (personnel_number) } }
                        tr { th scope="row" { (t.birth_date) } td { (date(*birth_date)) } }
                        tr { th scope="row" { (t.bsn) } td.bsn {
                            (bsn_masked)
                            @if let (Some(csrf), PartyDetails::Employee { id, .. }) = (csrf, details) {
                                form.inline method="post" action={ "/werknemers/" (id) "/bsn" } {
                                    input type="hidden" name="csrf" value=(csrf);
                                    button.link type="submit" aria-label=(crate::web::i18n::fill(t.show_bsn_of, &[name])) { (t.show_bsn) }
                                }
                            }
                        } }
                        tr { th scope="row" { (t.employer) } td {
                            (employer)
                            @if let Some(town) = employer_town { span.muted { " – " (town) } }
                        } }
                        tr { th scope="row" { (t.employment) } td {
                            @if let Some(start) = employment_start { (date(*start)) }
                            @if let Some(end) = employment_end { " – " (date(*end)) }
                        } }
                        tr { th scope="row" { (t.work_email) } td { (work_email) } }
                        @if let Some(private_email) = private_email {
                            tr { th scope="row" { (t.private_email) } td { (private_email.as_deref().unwrap_or("")) } }
                        }
                        tr { th scope="row" { (t.phone) } td { (phone_link(phone.as_deref())) } }
                        (address_rows(t, address))
                    }
                }
            }
        }
    }
}

/// `/`: Mijn gegevens and where to go from here.
/// Mijn gegevens; `passkey_offer` is the passkey origin when the employee is offered a
/// passkey (shown above its details, where the browser can make one).
pub fn home(site: &Site, nav: &Nav, details: &PartyDetails, passkey_offer: Option<&str>) -> Markup {
    let t = site.t();
    signed_in_page(
        site,
        nav,
        t.my_details,
        html! {
            @if let Some(rp_origin) = passkey_offer {
                (super::passkeys::offer(t, &nav.csrf_token, rp_origin))
            }
            section.card {
                h1 { (t.my_details) }
                (party_table(site, details, Some(&nav.csrf_token)))
                ul.links {
                    li { a href="/dossier" { (t.show_my_dossier) } }
                    @match details {
                        PartyDetails::Employer { .. } => li { a href="/werknemers" { (t.show_employees) } },
                        PartyDetails::Bureau { .. } => li { a href="/werkgevers" { (t.show_employers) } },
                        PartyDetails::Employee { .. } => li { a href="/inzage" { (t.access_page_link) } },
                    }
                    li { a href="/profiel" { (t.change_login) } }
                    @if let Some(help) = &site.help_url {
                        li { a href=(help) rel="noopener" { (crate::web::i18n::fill(t.more_information, &[&site.name])) } }
                    }
                }
            }
        },
    )
}
