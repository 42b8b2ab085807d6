//! The sync API's JSON as it travels: strict request bodies (unknown fields refused) turned into
//! validated domain data, naming the field of the first problem.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::problem::{Place, Problem};
use crate::domain::party::{Address, EmployeeData, EmployerData};
use crate::domain::{Bsn, Email, Lhn};

/// The largest JSON body accepted.
pub const JSON_LIMIT: usize = 64 * 1024;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddressBody {
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmployerBody {
    pub name: String,
    pub email: String,
    pub client_number: Option<String>,
    pub phone: Option<String>,
    pub address: Option<AddressBody>,
    pub payroll_year: Option<u16>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmployeeBody {
    pub name: String,
    pub bsn: String,
    pub birth_date: String,
    pub email: String,
    pub phone: Option<String>,
    pub address: Option<AddressBody>,
    pub employment_start: Option<String>,
    pub employment_end: Option<String>,
}

/// Parses a JSON body into `T`, reporting the path of a wrong or unknown field.
pub fn parse<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        let pointer = if path == "." {
            String::new()
        } else {
            format!("/{}", path.replace('.', "/"))
        };
        Problem::invalid(Place::Body(pointer), e.inner().to_string())
    })
}

fn text(value: &str, pointer: &str, max: usize) -> Result<String, Problem> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Problem::invalid(
            Place::Body(pointer.to_owned()),
            "may not be empty",
        ));
    }
    if value.chars().count() > max {
        return Err(Problem::invalid(
            Place::Body(pointer.to_owned()),
            format!("at most {max} characters"),
        ));
    }
    Ok(value.to_owned())
}

fn optional(value: Option<String>, pointer: &str, max: usize) -> Result<Option<String>, Problem> {
    value
        .filter(|v| !v.trim().is_empty())
        .map(|v| text(&v, pointer, max))
        .transpose()
}

fn address(body: Option<AddressBody>) -> Result<Address, Problem> {
    let body = body.unwrap_or_default();
    Ok(Address {
        street: optional(body.street, "/address/street", 200)?,
        postal_code: optional(body.postal_code, "/address/postal_code", 20)?,
        city: optional(body.city, "/address/city", 100)?,
        country: optional(body.country, "/address/country", 100)?,
    })
}

fn email(value: &str, pointer: &str) -> Result<Email, Problem> {
    Email::parse(value).map_err(|e| Problem::invalid(Place::Body(pointer.to_owned()), e.0))
}

fn date(value: &str, pointer: &str) -> Result<NaiveDate, Problem> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").map_err(|_| {
        Problem::invalid(
            Place::Body(pointer.to_owned()),
            "a date is written YYYY-MM-DD",
        )
    })
}

impl EmployerBody {
    pub fn into_data(self, lhn: Lhn) -> Result<EmployerData, Problem> {
        if let Some(year) = self.payroll_year
            && !crate::domain::period::YEARS.contains(&year)
        {
            return Err(Problem::invalid(
                Place::Body("/payroll_year".into()),
                "not a payroll year",
            ));
        }
        Ok(EmployerData {
            lhn,
            name: text(&self.name, "/name", 200)?,
            email: email(&self.email, "/email")?,
            client_number: optional(self.client_number, "/client_number", 64)?,
            phone: optional(self.phone, "/phone", 40)?,
            address: address(self.address)?,
            payroll_year: self.payroll_year,
        })
    }
}

impl EmployeeBody {
    pub fn into_data(self, personnel_number: String) -> Result<EmployeeData, Problem> {
        let start = self
            .employment_start
            .as_deref()
            .map(|d| date(d, "/employment_start"))
            .transpose()?;
        let end = self
            .employment_end
            .as_deref()
            .map(|d| date(d, "/employment_end"))
            .transpose()?;
        if let (Some(start), Some(end)) = (start, end)
            && end < start
        {
            return Err(Problem::invalid(
                Place::Body("/employment_end".into()),
                "the employment cannot end before it starts",
            ));
        }
        Ok(EmployeeData {
            personnel_number,
            name: text(&self.name, "/name", 200)?,
            birth_date: date(&self.birth_date, "/birth_date")?,
            bsn: Bsn::parse(&self.bsn)
                .map_err(|e| Problem::invalid(Place::Body("/bsn".into()), e.0))?,
            work_email: email(&self.email, "/email")?,
            phone: optional(self.phone, "/phone", 40)?,
            address: address(self.address)?,
            employment_start: start,
            employment_end: end,
        })
    }
}

/// What `PUT` of an employer or employee answers.
#[derive(Debug, Serialize)]
pub struct SyncedBody {
    pub status: &'static str,
}

#[derive(Debug, Serialize)]
pub struct PlacedBody {
    pub id: String,
    pub sha256: String,
    pub version: u32,
    pub status: &'static str,
}

#[derive(Debug, Serialize)]
pub struct EmployeeStatusBody {
    pub personnel_number: String,
    pub name: String,
    pub account_status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invited_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_login_at: Option<String>,
    /// `electronic`, `paper` or `not_asked` (BW 7:626 lid 4).
    pub payslip_delivery: &'static str,
    /// When the employee chose; null when not asked yet.
    pub payslip_delivery_since: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct DocumentBody {
    pub id: String,
    pub kind: &'static str,
    pub year: u16,
    pub period_kind: &'static str,
    pub period: u8,
    pub title: String,
    pub file_name: String,
    pub size: u64,
    pub sha256: String,
    pub version: u32,
    pub created_at: String,
    /// Series overviews only (absent for other kinds): the decision that counts, or `null`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approval: Option<Option<ApprovalBody>>,
}

/// The employer's akkoord on a series overview.
#[derive(Debug, Serialize)]
pub struct ApprovalBody {
    /// `approved` or `rejected`.
    pub status: &'static str,
    pub by: String,
    pub at: String,
    pub comment: Option<String>,
}

/// A file name from `Content-Disposition` (`filename*=UTF-8''…` preferred over `filename=`).
pub fn disposition_file_name(header: &str) -> Option<String> {
    let mut plain = None;
    for part in header.split(';').map(str::trim) {
        if let Some(encoded) = part.strip_prefix("filename*=") {
            let value = encoded.split_once("''").map_or(encoded, |(_, v)| v);
            let bytes = percent_decode(value.trim_matches('"'));
            if let Ok(name) = String::from_utf8(bytes) {
                return Some(name);
            }
        } else if let Some(value) = part.strip_prefix("filename=") {
            plain = Some(value.trim_matches('"').to_owned());
        }
    }
    plain
}

fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(hi) = (bytes[i + 1] as char).to_digit(16)
            && let Some(lo) = bytes.get(i + 2).and_then(|b| (*b as char).to_digit(16))
        {
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_and_wrong_fields_are_named() {
        let err = parse::<EmployeeBody>(br#"{"name":"Bakker, N","bsn":"009633042","birth_date":"1960-12-31","email":"n@x.nl","salary":1}"#)
            .unwrap_err();
        assert_eq!(err.place, Some(Place::Body("/salary".into())), "{err:?}");
        let err = parse::<EmployerBody>(br#"{"name":"A","email":"a@b.nl","address":{"zip":"1"}}"#)
            .unwrap_err();
        assert_eq!(
            err.place,
            Some(Place::Body("/address/zip".into())),
            "{err:?}"
        );
        let err = parse::<EmployerBody>(br#"{"name":5,"email":"a@b.nl"}"#).unwrap_err();
        assert_eq!(err.place, Some(Place::Body("/name".into())), "{err:?}");
    }

    #[test]
    fn validation_names_the_field() {
        let body = parse::<EmployeeBody>(
            br#"{"name":"Bakker, N","bsn":"123456789","birth_date":"1960-12-31","email":"n@x.nl"}"#,
        )
        .unwrap();
        let err = body.into_data("1".into()).unwrap_err();
        assert_eq!(err.place, Some(Place::Body("/bsn".into())));
        let body = parse::<EmployeeBody>(
            br#"{"name":"Bakker, N","bsn":"009633042","birth_date":"31-12-1960","email":"n@x.nl"}"#,
        )
        .unwrap();
        assert_eq!(
            body.into_data("1".into()).unwrap_err().place,
            Some(Place::Body("/birth_date".into()))
        );
    }

    #[test]
    fn file_names_from_content_disposition() {
        assert_eq!(
            disposition_file_name("attachment; filename=\"a b.pdf\""),
            Some("a b.pdf".into())
        );
        assert_eq!(
            disposition_file_name(
                "attachment; filename=\"x.pdf\"; filename*=UTF-8''Loonstrook%20%E2%82%AC.pdf"
            ),
            Some("Loonstrook €.pdf".into())
        );
        assert_eq!(disposition_file_name("inline"), None);
    }
}
