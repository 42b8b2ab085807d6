//! The request forms' fields: which there are, how people type hours, amounts and dates, the
//! request they describe, and what the page says about a field that does not hold.

use std::collections::HashMap;

use chrono::NaiveDate;
use warp::filters::multipart::Part;

use crate::domain::request::{LeaveKind, LetterKind, RequestDetails, RequestKind};
use crate::web::i18n::Texts;

/// The text fields the request forms have (the token, the five kinds' fields, the password).
pub(super) const FIELDS: [&str; 20] = [
    "van",
    "tot",
    "uren",
    "soort",
    "toelichting",
    "straat",
    "postcode",
    "plaats",
    "land",
    "per",
    "iban",
    "tenaamstelling",
    "wachtwoord",
    "bedrag",
    "datum",
    "omschrijving",
    "brief",
    "reden",
    "csrf",
    "bon",
];

/// A text field, bounded to 4 KiB (1,000 characters of any script fit).
pub(super) async fn text(part: Part) -> Option<String> {
    super::multipart_text(part, 4096).await
}

/// "7,5" or "7.5" hours as minutes.
fn minutes(text: &str) -> Option<u32> {
    let hours: f64 = text.trim().replace(',', ".").parse().ok()?;
    (hours.is_finite() && hours > 0.0 && hours < 10_000.0).then(|| (hours * 60.0).round() as u32)
}

/// "23,50", "23.50" or "€ 23" as cents.
fn cents(text: &str) -> Option<u64> {
    let cleaned: String = text
        .trim()
        .trim_start_matches('€')
        .trim()
        .replace('.', ",")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let (whole, part) = cleaned.split_once(',').unwrap_or((&cleaned, "0"));
    if part.len() > 2 || whole.is_empty() {
        return None;
    }
    let whole: u64 = whole.parse().ok()?;
    let part: u64 = format!("{part:0<2}").parse().ok()?;
    whole.checked_mul(100)?.checked_add(part)
}

fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

/// The request the form's fields describe, or the form field that does not hold.
pub(super) fn details(
    kind: RequestKind,
    v: &HashMap<String, String>,
) -> Result<RequestDetails, &'static str> {
    let get = |name: &str| v.get(name).map(|s| s.trim().to_owned()).unwrap_or_default();
    let day = |name: &'static str| date(&get(name)).ok_or(name);
    Ok(match kind {
        RequestKind::Leave => RequestDetails::Leave {
            from: day("van")?,
            to: day("tot")?,
            minutes: minutes(&get("uren")).ok_or("uren")?,
            leave: match get("soort").as_str() {
                "bijzonder" => LeaveKind::Special,
                "ouderschap" => LeaveKind::Parental,
                "onbetaald" => LeaveKind::Unpaid,
                _ => LeaveKind::Vacation,
            },
            note: Some(get("toelichting")).filter(|n| !n.is_empty()),
        },
        RequestKind::AddressChange => RequestDetails::AddressChange {
            street: get("straat"),
            postal_code: get("postcode").to_uppercase(),
            city: get("plaats"),
            country: get("land").to_uppercase(),
            from: day("per")?,
        },
        RequestKind::BankAccountChange => RequestDetails::BankAccountChange {
            iban: get("iban"),
            holder: get("tenaamstelling"),
        },
        RequestKind::ExpenseClaim => RequestDetails::ExpenseClaim {
            amount_cents: cents(&get("bedrag")).ok_or("bedrag")?,
            date: day("datum")?,
            description: get("omschrijving"),
        },
        RequestKind::LetterRequest => RequestDetails::LetterRequest {
            letter: if get("brief") == "anders" {
                LetterKind::Other
            } else {
                LetterKind::EmployerStatement
            },
            reason: get("reden"),
        },
    })
}

/// What the form says about a field that does not hold, by the form's or the service's name.
pub(super) fn field_problem(t: &Texts, kind: RequestKind, field: &str) -> String {
    let label = match field {
        // A move's date is "from" in the domain too.
        "from" if kind == RequestKind::AddressChange => t.address_from,
        "van" | "from" => t.leave_from,
        "tot" | "to" => t.leave_to,
        "uren" | "hours" => t.leave_hours,
        "note" => t.note_optional,
        "straat" | "street" => t.street,
        "postcode" | "postal_code" => t.postal_code,
        "plaats" | "city" => t.city,
        "land" | "country" => t.country_code,
        "per" => t.address_from,
        "iban" => t.iban,
        "tenaamstelling" | "holder" => t.account_holder,
        "bedrag" | "amount" => t.expense_amount,
        "datum" | "date" => t.expense_date,
        "omschrijving" | "description" => t.expense_description,
        "bon" | "receipts" | "file" => t.expense_receipts,
        "reden" | "reason" => t.letter_reason,
        _ => return t.form_incomplete_text.to_owned(),
    };
    crate::web::i18n::fill(t.request_field_wrong, &[&label])
}

#[cfg(test)]
mod tests {
    use super::{cents, minutes};

    #[test]
    fn amounts_and_hours_as_people_type_them() {
        assert_eq!(cents("23,50"), Some(2350));
        assert_eq!(cents("€ 23.5"), Some(2350));
        assert_eq!(cents("7"), Some(700));
        assert_eq!(cents("1,234"), None);
        assert_eq!(cents("abc"), None);
        assert_eq!(minutes("7,5"), Some(450));
        assert_eq!(minutes("8"), Some(480));
        assert_eq!(minutes("-1"), None);
    }
}
