//! The employee's choice between electronic and paper payslips (BW 7:626 lid 4): the question
//! at the first sign-in, and the same form in Profiel.

use maud::{Markup, html};

use super::format;
use super::layout::{Nav, Site, signed_in_page};
use crate::domain::consent::{DeliveryChoice, PayslipDelivery};
use crate::web::i18n::{Texts, fill};

/// A choice in a few words ("digitaal", "op papier", "nog niet gevraagd").
pub fn delivery_word(t: &Texts, delivery: PayslipDelivery) -> &'static str {
    match delivery {
        PayslipDelivery::Electronic => t.delivery_electronic,
        PayslipDelivery::Paper => t.delivery_paper,
        PayslipDelivery::NotAsked => t.delivery_not_asked,
    }
}

/// The two choices and the button; posts to `/toestemming`, returning to `back`.
pub fn delivery_form(t: &Texts, csrf: &str, current: PayslipDelivery, back: &str) -> Markup {
    html! {
        form.consent method="post" action="/toestemming" {
            input type="hidden" name="csrf" value=(csrf);
            input type="hidden" name="terug" value=(back);
            fieldset {
                legend.visually-hidden { (t.consent_heading) }
                label.check {
                    input type="radio" name="keuze" value="electronic" required
                        checked[current == PayslipDelivery::Electronic];
                    " " (t.consent_electronic)
                }
                label.check {
                    input type="radio" name="keuze" value="paper"
                        checked[current == PayslipDelivery::Paper];
                    " " (t.consent_paper)
                }
            }
            p.muted { (t.consent_paper_note) }
            button type="submit" { (t.consent_save) }
        }
    }
}

/// What Profiel says about the current choice.
pub fn delivery_now(t: &Texts, choice: DeliveryChoice) -> Markup {
    html! {
        @if let Some(since) = choice.since {
            p { (fill(t.consent_now, &[&delivery_word(t, choice.delivery), &format::date_time(since)])) }
        }
    }
}

/// `/toestemming`: the question, before any other page, until the employee has answered.
pub fn consent_page(site: &Site, nav: &Nav, back: &str, error: Option<&str>) -> Markup {
    let t = site.t();
    signed_in_page(
        site,
        nav,
        t.consent_title,
        html! {
            section.card {
                h1 { (t.consent_title) }
                @if let Some(error) = error { p.notice.alert role="alert" { (error) } }
                p { (t.consent_lead) }
                (delivery_form(t, &nav.csrf_token, PayslipDelivery::NotAsked, back))
            }
        },
    )
}
