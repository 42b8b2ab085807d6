//! Counts over the whole database, for status reports and demo data.

use rusqlite::Connection;

use super::StoreError;

/// How many of each thing the database holds (documents of every state included).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub bureaus: u64,
    pub employers: u64,
    pub employees: u64,
    pub accounts: u64,
    pub documents: u64,
}

pub fn counts(conn: &Connection) -> Result<Counts, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT (SELECT count(*) FROM bureaus), (SELECT count(*) FROM employers), \
                (SELECT count(*) FROM employees), (SELECT count(*) FROM accounts), \
                (SELECT count(*) FROM documents)",
        )?
        .query_row([], |r| {
            let n = |i| r.get::<_, i64>(i).map(|n| u64::try_from(n).unwrap_or(0));
            Ok(Counts {
                bureaus: n(0)?,
                employers: n(1)?,
                employees: n(2)?,
                accounts: n(3)?,
                documents: n(4)?,
            })
        })?)
}
