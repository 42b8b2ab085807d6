//! The payroll files of demo clients: monthly payslips and series overviews, and annual
//! statements for completed years, as real PDFs written to the file store.

use chrono::{DateTime, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::{Client, Worker, invalid, pdf};
use crate::blobs::BlobStore;
use crate::domain::{
    DocumentKind, Dossier, NewDocument, Origin, Period, PeriodKind, PublicId, Year,
};
use crate::service::{ServiceError, default_title};

/// When a period's payroll file was placed: the 25th of the month at 10:00 (an annual
/// statement in January of the next year).
fn placed_at(year: i32, month: u32) -> Option<DateTime<Utc>> {
    Utc.with_ymd_and_hms(year, month, 25, 10, 0, 0).single()
}

/// Every payroll file of one client over `years`, written to the file store (not yet synced).
pub(super) fn payroll_documents(
    blobs: &BlobStore,
    client: &Client,
    years: &[i32],
    now: DateTime<Utc>,
    seed: u64,
) -> Result<Vec<NewDocument>, ServiceError> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut made = Vec::new();
    let mut add = |dossier: Dossier,
                   kind: DocumentKind,
                   year: i32,
                   period: Period,
                   at: DateTime<Utc>,
                   bytes: Vec<u8>|
     -> Result<(), ServiceError> {
        let year = Year::new(i64::from(year)).map_err(invalid)?;
        let title = default_title(kind, year, period);
        let stored = blobs.write_unsynced(&bytes)?;
        made.push(NewDocument {
            public_id: PublicId::random(),
            dossier,
            origin: Origin::Payroll(client.placer),
            uploaded_by: None,
            kind,
            year,
            period,
            file_name: format!("{title}.pdf"),
            title,
            media_type: "application/pdf".to_owned(),
            size: stored.size,
            sha256: hex::encode(stored.sha256),
            file_id: stored.id.to_string(),
            created_at: at,
            corrects: None,
            version: 1,
        });
        Ok(())
    };
    let salaries: Vec<i64> = client
        .employees
        .iter()
        .map(|_| rng.random_range(240_000..680_000))
        .collect();
    for &year in years {
        for month in 1..=12u32 {
            let Some(at) = placed_at(year, month).filter(|at| *at <= now) else {
                continue;
            };
            let period = Period::new(PeriodKind::Month, i64::from(month)).map_err(invalid)?;
            let label = period.label_nl(Year::new(i64::from(year)).map_err(invalid)?);
            let mut total = 0;
            let mut employed = 0;
            for (worker, gross) in client.employees.iter().zip(&salaries) {
                if !worker.employed_in(year, month) {
                    continue;
                }
                employed += 1;
                let tax = gross * 19 / 100;
                let pension = gross * 6 / 100;
                total += gross;
                let bytes = pdf::render(&pdf::Sheet {
                    issuer: &client.name,
                    title: &format!("Loonstrook {label}"),
                    facts: &[
                        ("Werknemer", worker.name.clone()),
                        ("Personeelsnummer", worker.personnel_number.clone()),
                    ],
                    amounts: &[
                        ("Bruto loon", *gross),
                        ("Pensioenpremie", -pension),
                        ("Loonheffing", -tax),
                        ("Netto loon", gross - tax - pension),
                    ],
                });
                let dossier = Dossier::Employee {
                    employee: worker.key,
                    employer: client.key,
                };
                add(dossier, DocumentKind::Payslip, year, period, at, bytes)?;
            }
            let bytes = pdf::render(&pdf::Sheet {
                issuer: &client.name,
                title: &format!("Serie-overzicht {label}"),
                facts: &[("Werknemers", employed.to_string())],
                amounts: &[("Totaal bruto lonen", total)],
            });
            add(
                Dossier::Employer(client.key),
                DocumentKind::SeriesOverview,
                year,
                period,
                at,
                bytes,
            )?;
        }
        // Annual statements for completed years, placed in January.
        if let Some(at) = placed_at(year + 1, 1).filter(|at| *at <= now) {
            for (worker, gross) in client.employees.iter().zip(&salaries) {
                if !worker.employed_in(year, 1) {
                    continue;
                }
                let bytes = pdf::render(&pdf::Sheet {
                    issuer: &client.name,
                    title: &format!("Jaaropgave {year}"),
                    facts: &[
                        ("Werknemer", worker.name.clone()),
                        ("Personeelsnummer", worker.personnel_number.clone()),
                    ],
                    amounts: &[
                        ("Loon voor de loonheffing", gross * 12),
                        ("Ingehouden loonheffing", gross * 12 * 19 / 100),
                    ],
                });
                let dossier = Dossier::Employee {
                    employee: worker.key,
                    employer: client.key,
                };
                add(
                    dossier,
                    DocumentKind::AnnualStatement,
                    year,
                    Period::whole_year(),
                    at,
                    bytes,
                )?;
            }
        }
    }
    Ok(made)
}

impl Worker {
    /// Whether this employee was still employed at the start of `month` of `year` (and so has
    /// that month's payslip, or that year's annual statement for January).
    fn employed_in(&self, year: i32, month: u32) -> bool {
        match (self.left, chrono::NaiveDate::from_ymd_opt(year, month, 1)) {
            (Some(last), Some(first)) => first <= last,
            _ => true,
        }
    }
}
