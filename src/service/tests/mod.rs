//! Use-case tests on a real SQLite file and a real file store in a temp dir: dossiers, search,
//! unread, details, opening, uploads, sharing, deleting and the audit log, per party.

use std::sync::Arc;

use bytes::Bytes;
use chrono::{NaiveDate, TimeZone, Utc};
use futures_util::stream;

use super::*;
use crate::auth::password::PasswordWork;
use crate::clock::{Clock, ManualClock};
use crate::data_dir::DataDir;
use crate::domain::party::{AccountParty, EmployeeData, EmployerData, Username};
use crate::domain::{
    Actor, Bsn, DocumentKind, Dossier, Email, EmployeeKey, EmployerKey, Lhn, Period, PeriodKind,
    Placer, PublicId, Year,
};
use crate::service::demo;
use crate::store::accounts::{self as store_accounts, NewAccount};
use crate::store::parties;

pub(super) type Body = stream::Iter<std::vec::IntoIter<Result<Bytes, std::io::Error>>>;

pub(super) fn credentials() -> Credentials {
    Credentials {
        passwords: PasswordWork::new(2).unwrap(),
        sealer: Arc::new(crate::auth::seal::Sealer::from_key(&[9u8; 32]).unwrap()),
    }
}

pub(super) fn body(bytes: &[u8]) -> Body {
    stream::iter(vec![Ok(Bytes::copy_from_slice(bytes))])
}

pub(super) struct World {
    pub(super) services: Services,
    pub(super) clock: ManualClock,
    pub(super) data: DataDir,
    pub(super) _tmp: tempfile::TempDir,
    pub(super) b1: Actor,
    pub(super) b2: Actor,
    pub(super) r1: Actor,
    pub(super) r0: Actor,
    pub(super) e1: Actor,
    pub(super) e2: Actor,
    pub(super) e0: Actor,
    pub(super) r1_public: PublicId,
    pub(super) e1_public: PublicId,
    pub(super) e1_dossier: Dossier,
    pub(super) r1_dossier: Dossier,
    pub(super) e0_dossier: Dossier,
    pub(super) b1_key: crate::domain::BureauKey,
    pub(super) r0_key: EmployerKey,
}

pub(super) fn employer_data(lhn: &str, name: &str) -> EmployerData {
    EmployerData {
        lhn: Lhn::parse(lhn).unwrap(),
        name: name.to_owned(),
        email: Email::parse("info@example.nl").unwrap(),
        client_number: None,
        phone: None,
        address: Default::default(),
        payroll_year: Some(2026),
    }
}

pub(super) fn employee_data(
    nr: &str,
    name: &str,
    bsn: &str,
    start: Option<(i32, u32)>,
) -> EmployeeData {
    EmployeeData {
        personnel_number: nr.to_owned(),
        name: name.to_owned(),
        birth_date: NaiveDate::from_ymd_opt(1980, 5, 17).unwrap(),
        bsn: Bsn::parse(bsn).unwrap(),
        work_email: Email::parse(&format!("{nr}@example.nl")).unwrap(),
        phone: None,
        address: Default::default(),
        employment_start: start.and_then(|(y, m)| NaiveDate::from_ymd_opt(y, m, 1)),
        employment_end: None,
    }
}

pub(super) async fn world() -> World {
    world_with(Settings::default()).await
}

pub(super) async fn world_with(settings: Settings) -> World {
    let tmp = tempfile::tempdir().unwrap();
    let data = DataDir::open(tmp.path()).unwrap();
    let clock = ManualClock::new(
        Utc.with_ymd_and_hms(2026, 3, 25, 10, 0, 0)
            .single()
            .unwrap(),
    );
    let store = Store::open(&data.database_path(), "2026-03-25T10:00:00Z", 2).unwrap();
    let services = Services::new(
        store,
        BlobStore::new(&data),
        Arc::new(clock.clone()),
        credentials(),
        settings,
    );
    let at = clock.now();
    let keys = services
        .store
        .write(move |tx| -> Result<_, crate::store::StoreError> {
            let b1 = parties::insert_bureau(tx, "K1", "Salarisbureau Bakker", at)?;
            let b2 = parties::insert_bureau(tx, "K2", "Ander Kantoor", at)?;
            let (r1, _) = parties::upsert_employer(
                tx,
                Some(b1.key),
                &employer_data("131459077L01", "Active BV"),
                at,
            )?;
            let (r0, _) =
                parties::upsert_employer(tx, None, &employer_data("123456782L01", "Zelf BV"), at)?;
            let (e1, _) = parties::upsert_employee(
                tx,
                r1,
                &employee_data("1", "Bakker, N", "009633042", Some((2019, 1))),
                at,
            )?;
            let (e2, _) = parties::upsert_employee(
                tx,
                r1,
                &employee_data("2", "Koning, R", "127819277", Some((2026, 2))),
                at,
            )?;
            let (e0, _) = parties::upsert_employee(
                tx,
                r0,
                &employee_data("7", "Kuiper, H", "164879845", None),
                at,
            )?;
            let mut accounts = Vec::new();
            for (name, party) in [
                ("staf@bakker.nl", AccountParty::Bureau(b1.key)),
                ("staf@ander.nl", AccountParty::Bureau(b2.key)),
                ("active", AccountParty::Employer(r1)),
                ("zelf", AccountParty::Employer(r0)),
                ("bakker", AccountParty::Employee(e1)),
                ("koning", AccountParty::Employee(e2)),
                ("kuiper", AccountParty::Employee(e0)),
            ] {
                let username = Username::parse(name).unwrap();
                let account = NewAccount {
                    username: &username,
                    party,
                    staff_name: None,
                    staff_email: None,
                    password_hash: None,
                    invited_at: None,
                };
                accounts.push(
                    store_accounts::insert_account(tx, &account, at)
                        .map_err(|_| crate::store::StoreError::WorkerGone)?
                        .key,
                );
            }
            Ok((b1.key, b2.key, r1, r0, e1, e2, e0, accounts))
        })
        .await
        .unwrap();
    let (b1, b2, r1, r0, e1, e2, e0, accounts) = keys;
    let actor = |account| services.actor_for_account(account);
    let w = World {
        b1: actor(accounts[0]).await.unwrap(),
        b2: actor(accounts[1]).await.unwrap(),
        r1: actor(accounts[2]).await.unwrap(),
        r0: actor(accounts[3]).await.unwrap(),
        e1: actor(accounts[4]).await.unwrap(),
        e2: actor(accounts[5]).await.unwrap(),
        e0: actor(accounts[6]).await.unwrap(),
        r1_public: public_of_employer(&services, r1).await,
        e1_public: public_of_employee(&services, e1).await,
        e1_dossier: Dossier::Employee {
            employee: e1,
            employer: r1,
        },
        r1_dossier: Dossier::Employer(r1),
        e0_dossier: Dossier::Employee {
            employee: e0,
            employer: r0,
        },
        b1_key: b1,
        r0_key: r0,
        services,
        clock,
        data,
        _tmp: tmp,
    };
    let _ = (b2, e2);
    w
}

pub(super) async fn public_of_employer(services: &Services, key: EmployerKey) -> PublicId {
    services
        .store
        .read(move |c| -> Result<_, crate::store::StoreError> { parties::employer(c, key) })
        .await
        .unwrap()
        .unwrap()
        .public_id
}

pub(super) async fn public_of_employee(services: &Services, key: EmployeeKey) -> PublicId {
    services
        .store
        .read(move |c| -> Result<_, crate::store::StoreError> { parties::employee(c, key) })
        .await
        .unwrap()
        .unwrap()
        .public_id
}

pub(super) fn month(n: i64) -> Period {
    Period::new(PeriodKind::Month, n).unwrap()
}

pub(super) fn year(y: i64) -> Year {
    Year::new(y).unwrap()
}

impl World {
    pub(super) async fn place(
        &self,
        placer: Placer,
        dossier: Dossier,
        kind: DocumentKind,
        y: i64,
        period: Period,
        bytes: &[u8],
    ) -> Placed {
        let request = PlaceRequest {
            dossier,
            kind,
            year: year(y),
            period,
            title: None,
            file_name: None,
        };
        self.services
            .place_payroll(placer, RequestContext::default(), request, body(bytes))
            .await
            .unwrap()
    }

    pub(super) async fn payslip(&self, y: i64, m: i64) -> Placed {
        self.place(
            Placer::Bureau(self.b1_key),
            self.e1_dossier,
            DocumentKind::Payslip,
            y,
            month(m),
            format!("%PDF-1.7 payslip {y}-{m}").as_bytes(),
        )
        .await
    }

    pub(super) async fn upload(
        &self,
        actor: Actor,
        name: &str,
        bytes: &[u8],
    ) -> Result<DocumentSummary, ServiceError> {
        let request = UploadRequest {
            kind: DocumentKind::Other,
            file_name: name.to_owned(),
        };
        self.services
            .upload(actor, RequestContext::default(), request, body(bytes))
            .await
    }

    pub(super) async fn titles(
        &self,
        actor: Actor,
        which: DossierRef,
        y: Option<i64>,
    ) -> (Vec<String>, Vec<String>) {
        let view = self
            .services
            .dossier(actor, which, y.map(year), DossierSearch::default())
            .await
            .unwrap();
        (
            view.payroll.into_iter().map(|d| d.title).collect(),
            view.other.into_iter().map(|d| d.title).collect(),
        )
    }

    pub(super) fn stored_files(&self) -> usize {
        std::fs::read_dir(self.data.files_dir())
            .unwrap()
            .map(|shard| std::fs::read_dir(shard.unwrap().path()).unwrap().count())
            .sum()
    }
}

mod accounts;
mod dossiers;
mod files;
mod maintenance;
mod requests;
mod retention;
