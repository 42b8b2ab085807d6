//! Mijn gegevens: the master data of the signed-in party (the Home page), or of an employee
//! or employer whose dossier its employer or bureau opens. BSNs are always masked here.

use chrono::NaiveDate;

use super::dossier::{DossierRef, resolve};
use super::{ServiceError, Services};
use crate::domain::party::Address;
use crate::domain::{Actor, Dossier, PublicId, access};
use crate::store::{Connection, StoreError, parties};

/// One party's master data as a page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartyDetails {
    Bureau {
        name: String,
        client_number: String,
        employers: u64,
    },
    Employer {
        id: PublicId,
        name: String,
        client_number: Option<String>,
        lhn: String,
        email: String,
        phone: Option<String>,
        address: Address,
        payroll_year: Option<u16>,
        /// The bureau's name; `None` when the employer runs its own payroll.
        bureau: Option<String>,
        employees: u64,
    },
    Employee {
        id: PublicId,
        name: String,
        personnel_number: String,
        birth_date: NaiveDate,
        bsn_masked: String,
        employer: String,
        /// The employer's town (its address's city), shown next to its name.
        employer_town: Option<String>,
        work_email: String,
        /// `None` unless the reader is this employee (see `access::sees_private_email`);
        /// then `Some(None)` when none is set.
        private_email: Option<Option<String>>,
        phone: Option<String>,
        address: Address,
        employment_start: Option<NaiveDate>,
        employment_end: Option<NaiveDate>,
    },
}

fn details_of(
    conn: &Connection,
    actor: Actor,
    dossier: Dossier,
) -> Result<Option<PartyDetails>, StoreError> {
    Ok(match dossier {
        Dossier::Bureau(key) => match parties::bureau(conn, key)? {
            Some(b) => Some(PartyDetails::Bureau {
                name: b.name,
                client_number: b.client_number,
                employers: conn.query_row(
                    "SELECT count(*) FROM employers WHERE bureau_id = ?1",
                    [key.0],
                    |row| row.get::<_, i64>(0),
                )? as u64,
            }),
            None => None,
        },
        Dossier::Employer(key) => match parties::employer(conn, key)? {
            Some(r) => {
                let bureau = match r.bureau {
                    Some(b) => parties::bureau(conn, b)?.map(|b| b.name),
                    None => None,
                };
                let employees: i64 = conn.query_row(
                    "SELECT count(*) FROM employees WHERE employer_id = ?1",
                    [key.0],
                    |row| row.get(0),
                )?;
                Some(PartyDetails::Employer {
                    id: r.public_id,
                    name: r.data.name,
                    client_number: r.data.client_number,
                    lhn: r.data.lhn.to_string(),
                    email: r.data.email.to_string(),
                    phone: r.data.phone,
                    address: r.data.address,
                    payroll_year: r.data.payroll_year,
                    bureau,
                    employees: employees.unsigned_abs(),
                })
            }
            None => None,
        },
        Dossier::Employee { employee, employer } => {
            let (employer_name, employer_town) = parties::employer(conn, employer)?
                .map(|r| (r.data.name, r.data.address.city))
                .unwrap_or_default();
            parties::employee(conn, employee)?.map(|e| PartyDetails::Employee {
                id: e.public_id,
                name: e.data.name,
                personnel_number: e.data.personnel_number,
                birth_date: e.data.birth_date,
                bsn_masked: e.data.bsn.masked(),
                employer: employer_name,
                employer_town,
                work_email: e.data.work_email.to_string(),
                private_email: access::sees_private_email(actor, employee)
                    .then(|| e.private_email.map(|m| m.to_string())),
                phone: e.data.phone,
                address: e.data.address,
                employment_start: e.data.employment_start,
                employment_end: e.data.employment_end,
            })
        }
    })
}

impl Services {
    /// The master data of the dossier `which` names, if `actor` may open that dossier at all;
    /// otherwise "not found", exactly as for a dossier that does not exist.
    pub async fn party_details(
        &self,
        actor: Actor,
        which: DossierRef,
    ) -> Result<PartyDetails, ServiceError> {
        self.store
            .read(move |conn| -> Result<_, ServiceError> {
                let Some((dossier, _)) = resolve(conn, actor, which)? else {
                    return Ok(None);
                };
                Ok(details_of(conn, actor, dossier)?)
            })
            .await?
            .ok_or(ServiceError::NotFound)
    }
}
