//! Timestamps as stored: UTC, RFC 3339 with microseconds and `Z`, so text order is time order.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::types::Type;

pub fn to_db(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub fn from_db(text: &str, column: usize) -> Result<DateTime<Utc>, rusqlite::Error> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(column, Type::Text, Box::new(e)))
}

/// A value in the database that the domain refuses: the database was changed behind our back.
pub fn corrupt(column: usize, what: impl std::fmt::Display) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        column,
        Type::Text,
        format!("unexpected stored value: {what}").into(),
    )
}
