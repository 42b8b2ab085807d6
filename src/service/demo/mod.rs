//! Demo data: a believable bureau with clients (one self-administering), employees with
//! synthetic BSNs, monthly payslips, annual statements and series overviews as real PDFs, a few
//! uploads and shares, and accounts to sign in with. Idempotent; fast enough for a million
//! documents (files are written without per-file fsync and synced once at the end).

mod backups;
mod credentials;
mod history;
mod names;
mod payroll;
mod pdf;
mod uploads;

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::{ServiceError, Services};
use crate::auth::password;
use crate::domain::access::{Action, may};
use crate::domain::party::{AccountParty, Address, EmployeeData, EmployerData, Username};
use crate::domain::{
    Actor, Bsn, BureauKey, DocumentFacts, Email, EmployeeKey, EmployerKey, Lhn, Placer,
};
use crate::store::accounts::{self as store_accounts, AccountInsertError, NewAccount};
use crate::store::marks;
use crate::store::parties;
use crate::store::{StoreError, documents, stats};

/// The client number that marks the demo bureau.
pub const DEMO_CLIENT_NUMBER: &str = "DEMO";

/// The demo bureau's name.
pub const DEMO_BUREAU_NAME: &str = "Demo Salarisbureau";

/// Client numbers of demo employers start with this: real data never does.
const CLIENT_PREFIX: &str = "DEMO-";
/// The file in the data directory that keeps the demo passwords for later runs.
pub const CREDENTIALS_FILE: &str = "demo-credentials.txt";

/// How much demo data to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoSize {
    pub employers: u32,
    pub employees_per_employer: u32,
    pub years: u32,
}

impl Default for DemoSize {
    fn default() -> Self {
        Self {
            employers: 3,
            employees_per_employer: 6,
            years: 2,
        }
    }
}

/// A login made for the demo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoLogin {
    pub role: String,
    pub username: String,
    pub password: String,
}

/// What `demo` did (or found).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoReport {
    pub already_loaded: bool,
    pub employers: u64,
    pub employees: u64,
    pub documents: u64,
    pub logins: Vec<DemoLogin>,
    pub elapsed: Duration,
}

/// An employer's people and what the loader needs to remember of them.
struct Client {
    key: EmployerKey,
    name: String,
    placer: Placer,
    employees: Vec<Worker>,
}

/// One employee of a demo client, as its payroll files name it.
struct Worker {
    key: EmployeeKey,
    name: String,
    personnel_number: String,
    /// The last day of employment, for the one who left: no payroll files after it.
    left: Option<NaiveDate>,
}

impl Services {
    /// Whether `login`'s password is still the account's (a demo user may have changed it
    /// since the demo was made; its old password is then not shown as current).
    pub async fn demo_password_is_current(&self, login: &DemoLogin) -> bool {
        let Ok(name) = Username::parse(&login.username) else {
            return false;
        };
        let stored = self
            .store
            .read(move |conn| -> Result<_, ServiceError> {
                let Some(account) = store_accounts::account_by_username(conn, &name)? else {
                    return Ok(None);
                };
                Ok(store_accounts::password_hash(conn, account.key)?)
            })
            .await;
        match stored {
            Ok(Some(hash)) => self
                .passwords
                .verify(&login.password, Some(&hash))
                .await
                .unwrap_or(false),
            _ => false,
        }
    }

    /// Loads demo data into an installation that has none; on one that has, reports it.
    /// Refuses an installation that holds real data.
    pub async fn load_demo(
        &self,
        size: DemoSize,
        credentials: &Path,
    ) -> Result<DemoReport, ServiceError> {
        let started = Instant::now();
        let (demo_exists, foreign) = self
            .store
            .read(|conn| -> Result<_, ServiceError> {
                let demo = parties::bureau_by_client_number(conn, DEMO_CLIENT_NUMBER)?.is_some();
                let foreign = parties::count_unmarked(conn, DEMO_CLIENT_NUMBER, CLIENT_PREFIX)?;
                Ok((demo, foreign))
            })
            .await?;
        if foreign > 0 {
            return Err(ServiceError::invalid(
                "data_dir",
                "this installation holds real data; load demo data into an empty data directory",
            ));
        }
        if demo_exists {
            let logins = credentials::read_credentials(credentials);
            let (employers, employees, documents) = self.demo_counts().await?;
            return Ok(DemoReport {
                already_loaded: true,
                employers,
                employees,
                documents,
                logins,
                elapsed: started.elapsed(),
            });
        }
        let mut rng = StdRng::seed_from_u64(2026);
        let now = self.clock.now();
        let mut logins = Vec::new();
        let bureau = self.demo_bureau(&mut logins).await?;
        let clients = self
            .demo_clients(size, bureau, &mut rng, &mut logins)
            .await?;
        let years: Vec<i32> = (0..size.years.max(1))
            .map(|back| now.year() - i32::try_from(back).unwrap_or(0))
            .rev()
            .collect();
        let first_accounts = self.demo_accounts_to_read().await?;
        for (index, client) in clients.into_iter().enumerate() {
            let blobs = self.blobs.clone();
            let years = years.clone();
            let seed = 1000 + index as u64;
            let employer_bureau = match client.placer {
                Placer::Bureau(bureau) => Some(bureau),
                Placer::Employer(_) => None,
            };
            let made = tokio::task::spawn_blocking(move || {
                payroll::payroll_documents(&blobs, &client, &years, now, seed)
            })
            .await
            .map_err(|_| StoreError::WorkerGone)??;
            let readers = first_accounts.clone();
            self.store
                .write(move |tx| -> Result<(), ServiceError> {
                    for document in &made {
                        let key = documents::insert(tx, document)?;
                        // Documents older than six weeks have been read by the demo logins
                        // that may see them.
                        if now - document.created_at > chrono::Duration::days(42) {
                            let facts = DocumentFacts {
                                dossier: document.dossier,
                                employer_bureau,
                                origin: document.origin,
                                shared: crate::domain::Shares::NONE,
                                removed: false,
                            };
                            for actor in &readers {
                                if let Some(account) = actor.account()
                                    && may(*actor, Action::View, &facts)
                                {
                                    marks::mark_read(tx, account, key, now)?;
                                }
                            }
                        }
                    }
                    Ok(())
                })
                .await?;
        }
        self.demo_uploads(bureau, now).await?;
        self.demo_requests(bureau, now).await?;
        self.demo_payslip_choices(now).await?;
        self.demo_backups(bureau, now).await?;
        let blobs = self.blobs.clone();
        tokio::task::spawn_blocking(move || blobs.sync_filesystem())
            .await
            .map_err(|_| StoreError::WorkerGone)??;
        credentials::write_credentials(credentials, &logins);
        let (employers, employees, documents) = self.demo_counts().await?;
        Ok(DemoReport {
            already_loaded: false,
            employers,
            employees,
            documents,
            logins,
            elapsed: started.elapsed(),
        })
    }

    async fn demo_counts(&self) -> Result<(u64, u64, u64), ServiceError> {
        let counts = self
            .store
            .read(|conn| -> Result<_, ServiceError> { Ok(stats::counts(conn)?) })
            .await?;
        Ok((counts.employers, counts.employees, counts.documents))
    }

    async fn demo_bureau(&self, logins: &mut Vec<DemoLogin>) -> Result<BureauKey, ServiceError> {
        let now = self.clock.now();
        let login = demo_login("bureau", "demo-bureau").await?;
        let hash = login.1.clone();
        let bureau = self
            .store
            .write(move |tx| -> Result<_, ServiceError> {
                let bureau = parties::insert_bureau(tx, DEMO_CLIENT_NUMBER, DEMO_BUREAU_NAME, now)?;
                let username = Username::parse("demo-bureau").map_err(invalid)?;
                let email = Email::parse("salaris@demo-salarisbureau.example").map_err(invalid)?;
                insert_account(
                    tx,
                    &NewAccount {
                        username: &username,
                        party: AccountParty::Bureau(bureau.key),
                        staff_name: Some("Demo Medewerker"),
                        staff_email: Some(&email),
                        password_hash: Some(&hash),
                        invited_at: Some(now),
                    },
                    now,
                )?;
                Ok(bureau.key)
            })
            .await?;
        logins.push(login.0);
        Ok(bureau)
    }

    async fn demo_clients(
        &self,
        size: DemoSize,
        bureau: BureauKey,
        rng: &mut StdRng,
        logins: &mut Vec<DemoLogin>,
    ) -> Result<Vec<Client>, ServiceError> {
        let now = self.clock.now();
        let mut clients = Vec::new();
        for index in 0..size.employers.max(1) {
            let company = names::COMPANIES[index as usize % names::COMPANIES.len()];
            let name = if (index as usize) < names::COMPANIES.len() {
                company.to_owned()
            } else {
                format!("{company} {}", index as usize / names::COMPANIES.len() + 1)
            };
            // The last client runs its own payroll (no bureau), as some employers do.
            let self_administering = size.employers > 1 && index + 1 == size.employers;
            let (postal, city) = names::city(rng);
            let data = EmployerData {
                lhn: Lhn::parse(&format!("{}L01", names::eleven_proof(rng))).map_err(invalid)?,
                name: name.clone(),
                email: Email::parse(&format!("salaris{}@werkgever.example", index + 1))
                    .map_err(invalid)?,
                client_number: Some(format!("{CLIENT_PREFIX}{}", index + 1)),
                phone: Some(format!("075-{:07}", rng.random_range(1_000_000..9_999_999))),
                address: Address {
                    street: Some(names::street(rng)),
                    postal_code: Some(postal),
                    city: Some(city),
                    country: Some("NL".to_owned()),
                },
                payroll_year: Some(u16::try_from(now.year()).unwrap_or(2026)),
            };
            let mut employees: Vec<EmployeeData> = (0..size.employees_per_employer)
                .map(|n| demo_employee(rng, n, now))
                .collect::<Result<_, _>>()?;
            // Logins with a password: the first client (it has a bureau) and the
            // self-administering one, the first employee of each, and at the first client an
            // employee who left three months ago. Other employees are invited (no password
            // yet) or not invited at all.
            let number = match (index, self_administering) {
                (0, _) => Some(1),
                (_, true) => Some(2),
                _ => None,
            };
            let employer_login = match number {
                Some(n) => {
                    let role = if self_administering {
                        "employer, own payroll"
                    } else {
                        "employer, with the bureau"
                    };
                    Some(demo_login(role, &format!("demo-werkgever-{n}")).await?)
                }
                None => None,
            };
            let mut employee_logins = Vec::new();
            if let Some(n) = number.filter(|_| !employees.is_empty()) {
                employee_logins.push((
                    0,
                    demo_login("employee", &format!("demo-werknemer-{n}")).await?,
                ));
            }
            if index == 0 && employees.len() > 1 {
                leave(&mut employees[1], now);
                employee_logins
                    .push((1, demo_login("employee, left", "demo-oud-werknemer").await?));
            }
            let invite: Vec<bool> = (0..employees.len()).map(|_| rng.random_bool(0.7)).collect();
            let hashes = (
                employer_login
                    .as_ref()
                    .map(|l| (l.0.username.clone(), l.1.clone())),
                employee_logins
                    .iter()
                    .map(|(n, l)| (*n, (l.0.username.clone(), l.1.clone())))
                    .collect::<Vec<_>>(),
            );
            let client = self
                .store
                .write(move |tx| -> Result<Client, ServiceError> {
                    let bureau = (!self_administering).then_some(bureau);
                    let (key, _) = parties::upsert_employer(tx, bureau, &data, now)?;
                    let username = match &hashes.0 {
                        Some((username, _)) => username.clone(),
                        None => format!("{}", data.email),
                    };
                    let username = Username::parse(&username).map_err(invalid)?;
                    insert_account(
                        tx,
                        &NewAccount {
                            username: &username,
                            party: AccountParty::Employer(key),
                            staff_name: None,
                            staff_email: None,
                            password_hash: hashes.0.as_ref().map(|(_, h)| h.as_str()),
                            invited_at: Some(now),
                        },
                        now,
                    )?;
                    let mut people = Vec::new();
                    for (n, employee) in employees.iter().enumerate() {
                        let (e, _) = parties::upsert_employee(tx, key, employee, now)?;
                        let login = hashes.1.iter().find(|(i, _)| *i == n).map(|(_, l)| l);
                        if login.is_some() || invite[n] {
                            let username = match login {
                                Some((username, _)) => username.clone(),
                                None => format!("{}-{}", employee.work_email, key.0),
                            };
                            let username = Username::parse(&username).map_err(invalid)?;
                            insert_account(
                                tx,
                                &NewAccount {
                                    username: &username,
                                    party: AccountParty::Employee(e),
                                    staff_name: None,
                                    staff_email: None,
                                    password_hash: login.map(|(_, h)| h.as_str()),
                                    invited_at: Some(now),
                                },
                                now,
                            )?;
                        }
                        people.push(Worker {
                            key: e,
                            name: employee.name.clone(),
                            personnel_number: employee.personnel_number.clone(),
                            left: employee.employment_end,
                        });
                    }
                    Ok(Client {
                        key,
                        name: data.name.clone(),
                        placer: match bureau {
                            Some(b) => Placer::Bureau(b),
                            None => Placer::Employer(key),
                        },
                        employees: people,
                    })
                })
                .await?;
            logins.extend(employer_login.map(|l| l.0));
            logins.extend(employee_logins.into_iter().map(|(_, l)| l.0));
            clients.push(client);
        }
        Ok(clients)
    }

    /// The accounts with a password: they have read the older documents.
    /// The demo logins, as the actors whose read markers the demo leaves.
    async fn demo_accounts_to_read(&self) -> Result<Vec<Actor>, ServiceError> {
        let accounts = self
            .store
            .read(|conn| -> Result<_, ServiceError> { Ok(store_accounts::active_accounts(conn)?) })
            .await?;
        let mut actors = Vec::with_capacity(accounts.len());
        for account in accounts {
            actors.push(self.actor_for_account(account).await?);
        }
        Ok(actors)
    }
}

fn invalid(e: crate::domain::Invalid) -> ServiceError {
    ServiceError::invalid("demo", e.0)
}

fn insert_account(
    tx: &crate::store::Transaction<'_>,
    account: &NewAccount<'_>,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    match store_accounts::insert_account(tx, account, now) {
        Ok(_) => Ok(()),
        Err(AccountInsertError::UsernameTaken) => Err(ServiceError::Taken { field: "username" }),
        Err(AccountInsertError::Store(e)) => Err(e.into()),
    }
}

/// A login with a fresh random password and its hash (hashed off the async threads).
async fn demo_login(role: &str, username: &str) -> Result<(DemoLogin, String), ServiceError> {
    let plain = password::generate();
    let to_hash = plain.clone();
    let hash = tokio::task::spawn_blocking(move || password::hash(&to_hash))
        .await
        .map_err(|_| StoreError::WorkerGone)?
        .map_err(|e| ServiceError::invalid("password", e.to_string()))?;
    Ok((
        DemoLogin {
            role: role.to_owned(),
            username: username.to_owned(),
            password: plain,
        },
        hash,
    ))
}

/// Makes `employee` one who left at the end of the month three months before `now`, after
/// some years of service.
fn leave(employee: &mut EmployeeData, now: DateTime<Utc>) {
    let this_month = NaiveDate::from_ymd_opt(now.year(), now.month(), 1);
    let end = this_month
        .and_then(|d| d.checked_sub_months(chrono::Months::new(2)))
        .and_then(|d| d.pred_opt());
    employee.employment_end = end;
    employee.employment_start = NaiveDate::from_ymd_opt(now.year() - 4, 1, 1);
}

fn demo_employee(
    rng: &mut StdRng,
    n: u32,
    now: DateTime<Utc>,
) -> Result<EmployeeData, ServiceError> {
    let name = names::person(rng);
    let born = NaiveDate::from_ymd_opt(
        rng.random_range(1960..2004),
        rng.random_range(1..=12),
        rng.random_range(1..=28),
    )
    .unwrap_or_default();
    // Most have been there for years; some joined this year.
    let start_year = if rng.random_bool(0.2) {
        now.year()
    } else {
        rng.random_range(2005..now.year())
    };
    let (postal, city) = names::city(rng);
    let slug: String = name
        .chars()
        .filter(char::is_ascii_alphabetic)
        .collect::<String>()
        .to_lowercase();
    Ok(EmployeeData {
        personnel_number: (n + 1).to_string(),
        name,
        birth_date: born,
        bsn: Bsn::parse(&names::eleven_proof(rng)).map_err(invalid)?,
        work_email: Email::parse(&format!("{slug}{}@werknemer.example", n + 1)).map_err(invalid)?,
        phone: None,
        address: Address {
            street: Some(names::street(rng)),
            postal_code: Some(postal),
            city: Some(city),
            country: Some("NL".to_owned()),
        },
        employment_start: NaiveDate::from_ymd_opt(start_year, 1, 1),
        employment_end: None,
    })
}
