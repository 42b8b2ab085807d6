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

type Body = stream::Iter<std::vec::IntoIter<Result<Bytes, std::io::Error>>>;

fn credentials() -> Credentials {
    Credentials {
        passwords: PasswordWork::new(2).unwrap(),
        sealer: Arc::new(crate::auth::seal::Sealer::from_key(&[9u8; 32]).unwrap()),
    }
}

fn body(bytes: &[u8]) -> Body {
    stream::iter(vec![Ok(Bytes::copy_from_slice(bytes))])
}

struct World {
    services: Services,
    data: DataDir,
    _tmp: tempfile::TempDir,
    b1: Actor,
    b2: Actor,
    r1: Actor,
    r0: Actor,
    e1: Actor,
    e2: Actor,
    e0: Actor,
    r1_public: PublicId,
    e1_public: PublicId,
    e1_dossier: Dossier,
    r1_dossier: Dossier,
    e0_dossier: Dossier,
    b1_key: crate::domain::BureauKey,
    r0_key: EmployerKey,
}

fn employer_data(lhn: &str, name: &str) -> EmployerData {
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

fn employee_data(nr: &str, name: &str, bsn: &str, start: Option<(i32, u32)>) -> EmployeeData {
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

async fn world() -> World {
    world_with(Settings::default()).await
}

async fn world_with(settings: Settings) -> World {
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
        data,
        _tmp: tmp,
    };
    let _ = (b2, e2);
    w
}

async fn public_of_employer(services: &Services, key: EmployerKey) -> PublicId {
    services
        .store
        .read(move |c| -> Result<_, crate::store::StoreError> { parties::employer(c, key) })
        .await
        .unwrap()
        .unwrap()
        .public_id
}

async fn public_of_employee(services: &Services, key: EmployeeKey) -> PublicId {
    services
        .store
        .read(move |c| -> Result<_, crate::store::StoreError> { parties::employee(c, key) })
        .await
        .unwrap()
        .unwrap()
        .public_id
}

fn month(n: i64) -> Period {
    Period::new(PeriodKind::Month, n).unwrap()
}

fn year(y: i64) -> Year {
    Year::new(y).unwrap()
}

impl World {
    async fn place(
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

    async fn payslip(&self, y: i64, m: i64) -> Placed {
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

    async fn upload(
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

    async fn titles(
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

    fn stored_files(&self) -> usize {
        std::fs::read_dir(self.data.files_dir())
            .unwrap()
            .map(|shard| std::fs::read_dir(shard.unwrap().path()).unwrap().count())
            .sum()
    }
}

#[tokio::test]
async fn each_party_sees_its_part_of_a_dossier() {
    let w = world().await;
    w.payslip(2026, 1).await;
    w.payslip(2026, 2).await;
    w.place(
        Placer::Bureau(w.b1_key),
        w.r1_dossier,
        DocumentKind::SeriesOverview,
        2026,
        month(2),
        b"%PDF-1.7 series",
    )
    .await;
    w.upload(w.e1, "ID-kopie.pdf", b"%PDF-1.4 id")
        .await
        .unwrap();

    let e1 = DossierRef::Employee(w.e1_public);
    let payslips = vec![
        "Loonstrook - februari 2026".to_owned(),
        "Loonstrook - januari 2026".to_owned(),
    ];
    // The employee: its payslips and its own upload.
    assert_eq!(
        w.titles(w.e1, DossierRef::Own, None).await,
        (payslips.clone(), vec!["ID-kopie.pdf".to_owned()])
    );
    // The employer and the bureau see the payslips, not the private upload.
    assert_eq!(w.titles(w.r1, e1, None).await, (payslips.clone(), vec![]));
    assert_eq!(w.titles(w.b1, e1, None).await, (payslips, vec![]));
    // The employer's own dossier holds the series overview.
    assert_eq!(
        w.titles(w.r1, DossierRef::Own, None).await.0,
        vec!["Serie-overzicht - februari 2026".to_owned()]
    );
    assert_eq!(
        w.titles(w.b1, DossierRef::Employer(w.r1_public), None)
            .await
            .0,
        vec!["Serie-overzicht - februari 2026".to_owned()]
    );
    // Everyone else: not found, exactly as for a dossier that does not exist.
    for outsider in [w.e2, w.e0, w.r0, w.b2] {
        let err = w
            .services
            .dossier(outsider, e1, None, DossierSearch::default())
            .await
            .unwrap_err();
        assert!(matches!(err, ServiceError::NotFound), "{outsider:?}: {err}");
    }
    let nobody = w
        .services
        .dossier(
            w.r1,
            DossierRef::Employee(PublicId::random()),
            None,
            DossierSearch::default(),
        )
        .await
        .unwrap_err();
    assert!(matches!(nobody, ServiceError::NotFound));
}

#[tokio::test]
async fn years_default_to_the_newest_and_search_filters_each_list() {
    let w = world().await;
    w.payslip(2025, 12).await;
    w.payslip(2026, 1).await;
    w.payslip(2026, 2).await;
    let view = w
        .services
        .dossier(w.e1, DossierRef::Own, None, DossierSearch::default())
        .await
        .unwrap();
    assert_eq!(view.years, vec![year(2026), year(2025)]);
    assert_eq!(view.year, year(2026));
    assert_eq!(view.owner_name, "Bakker, N");
    assert!(view.own);
    assert_eq!(
        w.titles(w.e1, DossierRef::Own, Some(2025)).await.0,
        vec!["Loonstrook - december 2025"]
    );
    let search = DossierSearch {
        payroll: Some("JANUARI".to_owned()),
        other: None,
    };
    let found = w
        .services
        .dossier(w.e1, DossierRef::Own, None, search)
        .await
        .unwrap();
    assert_eq!(found.payroll.len(), 1);
    assert_eq!(found.payroll[0].title, "Loonstrook - januari 2026");
    // LIKE wildcards in the search are taken literally.
    let search = DossierSearch {
        payroll: Some("%".to_owned()),
        other: None,
    };
    assert!(
        w.services
            .dossier(w.e1, DossierRef::Own, None, search)
            .await
            .unwrap()
            .payroll
            .is_empty()
    );
}

#[tokio::test]
async fn unread_until_opened_or_marked() {
    let w = world().await;
    let jan = w.payslip(2026, 1).await;
    let feb = w.payslip(2026, 2).await;
    assert_eq!(w.services.unread_count(w.e1).await.unwrap(), 2);
    assert_eq!(
        w.services.unread_count(w.r1).await.unwrap(),
        2,
        "the employer sees them too"
    );
    assert_eq!(w.services.unread_count(w.e2).await.unwrap(), 0);

    w.services
        .open_document(w.e1, RequestContext::default(), jan.id, Disposition::Inline)
        .await
        .unwrap();
    w.services.flush_audit().await;
    let unread: Vec<_> = w
        .services
        .unread(w.e1)
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.id)
        .collect();
    assert_eq!(unread, vec![feb.id]);
    assert_eq!(
        w.services.unread_count(w.r1).await.unwrap(),
        2,
        "read markers are per account"
    );

    assert_eq!(
        w.services
            .mark_read(w.e1, RequestContext::default(), vec![feb.id])
            .await
            .unwrap(),
        1
    );
    assert_eq!(w.services.unread_count(w.e1).await.unwrap(), 0);
    w.services
        .mark_unread(w.e1, RequestContext::default(), vec![jan.id])
        .await
        .unwrap();
    assert_eq!(w.services.unread_count(w.e1).await.unwrap(), 1);
    // Marking something one cannot see is "not found", and changes nothing.
    let err = w
        .services
        .mark_read(w.e2, RequestContext::default(), vec![jan.id])
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::NotFound));
}

#[tokio::test]
async fn corrections_replace_for_readers_and_keep_history() {
    let w = world().await;
    let first = w.payslip(2026, 3).await;
    assert_eq!(first.placement, Placement::Created);
    let again = w.payslip(2026, 3).await;
    assert_eq!(
        (again.id, again.placement),
        (first.id, Placement::Unchanged)
    );
    let files_before = w.stored_files();
    let corrected = w
        .place(
            Placer::Bureau(w.b1_key),
            w.e1_dossier,
            DocumentKind::Payslip,
            2026,
            month(3),
            b"%PDF-1.7 corrected",
        )
        .await;
    assert_eq!(
        (corrected.placement, corrected.version),
        (Placement::Corrected, 2)
    );
    assert_eq!(w.stored_files(), files_before + 1, "both versions are kept");

    let view = w
        .services
        .dossier(w.e1, DossierRef::Own, None, DossierSearch::default())
        .await
        .unwrap();
    assert_eq!(view.payroll.len(), 1);
    assert_eq!(view.payroll[0].id, corrected.id);
    assert!(view.payroll[0].corrected);

    let details = w
        .services
        .document_details(w.e1, corrected.id)
        .await
        .unwrap();
    assert_eq!(details.placed_by, "Salarisbureau Bakker");
    assert_eq!(details.sha256, corrected.sha256);
    assert_eq!(details.summary.size, 18);
    assert_eq!(details.earlier_versions.len(), 1);
    assert_eq!(details.earlier_versions[0].id, first.id);
    let old = w.services.document_details(w.e1, first.id).await.unwrap();
    assert!(old.superseded);
    // Details of what one may not see: not found.
    assert!(matches!(
        w.services.document_details(w.e2, corrected.id).await,
        Err(ServiceError::NotFound)
    ));
}

#[tokio::test]
async fn opening_streams_the_file_inline_only_for_safe_types_and_is_audited() {
    let w = world().await;
    let slip = w.payslip(2026, 4).await;
    let context = RequestContext {
        client_addr: Some("192.0.2.7".parse().unwrap()),
    };
    let mut opened = w
        .services
        .open_document(w.e1, context, slip.id, Disposition::Inline)
        .await
        .unwrap();
    assert!(opened.inline);
    assert_eq!(opened.media_type, "application/pdf");
    assert_eq!(opened.file_name, "Loonstrook - april 2026.pdf");
    let mut content = Vec::new();
    tokio::io::AsyncReadExt::read_to_end(&mut opened.file, &mut content)
        .await
        .unwrap();
    assert_eq!(content, b"%PDF-1.7 payslip 2026-4");
    let download = w
        .services
        .open_document(w.r1, context, slip.id, Disposition::Attachment)
        .await
        .unwrap();
    assert!(!download.inline);
    let err = w
        .services
        .open_document(w.e2, context, slip.id, Disposition::Inline)
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::NotFound));

    w.services.flush_audit().await;
    let events = w
        .services
        .store
        .read(|c| -> Result<_, crate::store::StoreError> { crate::store::audit::recent(c, 10) })
        .await
        .unwrap();
    let reads: Vec<_> = events
        .iter()
        .filter(|e| {
            matches!(
                e.action,
                crate::domain::audit::AuditAction::View
                    | crate::domain::audit::AuditAction::Download
            )
        })
        .map(|e| {
            (
                e.action.as_str(),
                e.actor.as_str(),
                e.client_addr.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        reads,
        vec![
            ("download", "employer", Some("192.0.2.7")),
            ("view", "employee", Some("192.0.2.7"))
        ]
    );
}

#[tokio::test]
async fn uploads_are_checked_by_content_and_size_and_leave_nothing_when_refused() {
    let w = world_with(Settings {
        upload_max_bytes: 64,
        ..Settings::default()
    })
    .await;
    let png = w
        .upload(w.e1, "scan.png", b"\x89PNG\r\n\x1a\nimage")
        .await
        .unwrap();
    assert_eq!(png.media_type, "image/png");
    assert!(png.own_upload && png.read && png.may_share && png.may_delete);
    let files = w.stored_files();

    let exe = w
        .upload(w.e1, "ID-kopie.pdf", b"MZ\x90\x00 not a pdf at all")
        .await
        .unwrap_err();
    assert!(matches!(exe, ServiceError::UnsupportedType), "{exe}");
    let big = w
        .upload(
            w.e1,
            "big.pdf",
            &[b"%PDF-1.7 ".as_slice(), &[b'x'; 100]].concat(),
        )
        .await
        .unwrap_err();
    assert!(matches!(big, ServiceError::TooLarge { limit: 64 }), "{big}");
    let nameless = w.upload(w.e1, "../", b"%PDF-1.7").await.unwrap_err();
    assert!(
        matches!(nameless, ServiceError::Invalid { field: "file", .. }),
        "{nameless}"
    );
    let request = UploadRequest {
        kind: DocumentKind::Payslip,
        file_name: "x.pdf".into(),
    };
    let wrong_kind = w
        .services
        .upload(w.e1, RequestContext::default(), request, body(b"%PDF-1.7"))
        .await
        .unwrap_err();
    assert!(
        matches!(wrong_kind, ServiceError::Invalid { field: "kind", .. }),
        "{wrong_kind}"
    );

    assert_eq!(w.stored_files(), files, "refused uploads leave no file");
    assert_eq!(std::fs::read_dir(w.data.tmp_dir()).unwrap().count(), 0);
    let (_, other) = w.titles(w.e1, DossierRef::Own, None).await;
    assert_eq!(other, vec!["scan.png"]);
}

#[tokio::test]
async fn sharing_goes_one_step_up_and_only_the_owner_shares() {
    let w = world().await;
    let id_copy = w
        .upload(w.e1, "ID-kopie.jpg", b"\xff\xd8\xff\xe0 jpeg")
        .await
        .unwrap();
    let e1 = DossierRef::Employee(w.e1_public);
    assert!(w.titles(w.r1, e1, Some(2026)).await.1.is_empty());

    w.services
        .share(w.e1, RequestContext::default(), vec![id_copy.id])
        .await
        .unwrap();
    assert_eq!(w.titles(w.r1, e1, Some(2026)).await.1, vec!["ID-kopie.jpg"]);
    assert!(
        w.titles(w.b1, e1, Some(2026)).await.1.is_empty(),
        "the bureau never sees employee uploads"
    );
    // The employer may see it, but only the employee may unshare or delete it.
    let err = w
        .services
        .unshare(w.r1, RequestContext::default(), vec![id_copy.id])
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::Forbidden(_)), "{err}");
    let err = w
        .services
        .delete_uploads(w.r1, RequestContext::default(), vec![id_copy.id])
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::Forbidden(_)), "{err}");
    w.services
        .unshare(w.e1, RequestContext::default(), vec![id_copy.id])
        .await
        .unwrap();
    assert!(w.titles(w.r1, e1, Some(2026)).await.1.is_empty());

    // An employer shares with its bureau; a self-administering employer has nobody to share with.
    let whk = w
        .upload(w.r1, "Whk-beschikking.pdf", b"%PDF-1.5 whk")
        .await
        .unwrap();
    w.services
        .share(w.r1, RequestContext::default(), vec![whk.id])
        .await
        .unwrap();
    assert_eq!(
        w.titles(w.b1, DossierRef::Employer(w.r1_public), Some(2026))
            .await
            .1,
        vec!["Whk-beschikking.pdf"]
    );
    let own = w
        .upload(w.r0, "eigen.pdf", b"%PDF-1.5 eigen")
        .await
        .unwrap();
    assert!(!own.may_share);
    let err = w
        .services
        .share(w.r0, RequestContext::default(), vec![own.id])
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::Forbidden(_)), "{err}");
    // A colleague cannot even find it.
    let err = w
        .services
        .share(w.e2, RequestContext::default(), vec![id_copy.id])
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::NotFound));
}

#[tokio::test]
async fn deleting_is_for_own_uploads_only_and_all_or_nothing() {
    let w = world().await;
    let slip = w.payslip(2026, 5).await;
    let a = w.upload(w.e1, "a.pdf", b"%PDF-1.7 a").await.unwrap();
    let b = w.upload(w.e1, "b.pdf", b"%PDF-1.7 b").await.unwrap();
    let err = w
        .services
        .delete_uploads(w.e1, RequestContext::default(), vec![slip.id])
        .await
        .unwrap_err();
    assert!(
        matches!(err, ServiceError::Forbidden(_)),
        "payroll files are changed only by sync"
    );
    // One bad id in the selection: nothing is deleted.
    let err = w
        .services
        .delete_uploads(
            w.e1,
            RequestContext::default(),
            vec![a.id, PublicId::random()],
        )
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::NotFound));
    assert_eq!(w.titles(w.e1, DossierRef::Own, None).await.1.len(), 2);
    assert_eq!(
        w.services
            .delete_uploads(w.e1, RequestContext::default(), vec![a.id, b.id])
            .await
            .unwrap(),
        2
    );
    assert!(w.titles(w.e1, DossierRef::Own, None).await.1.is_empty());
    // Deleted is gone: not found for everything, including the owner.
    let err = w
        .services
        .open_document(w.e1, RequestContext::default(), a.id, Disposition::Inline)
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::NotFound));
    let err = w
        .services
        .delete_uploads(w.e1, RequestContext::default(), vec![])
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        ServiceError::Invalid {
            field: "documents",
            ..
        }
    ));
}

#[tokio::test]
async fn employer_and_bureau_lists_of_people() {
    let w = world().await;
    let all = w.services.employees(w.r1, None, None, None).await.unwrap();
    let names: Vec<_> = all.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, vec!["Bakker, N", "Koning, R"]);
    assert_eq!(all[0].bsn_masked, "******042");
    assert_eq!(all[0].status, crate::domain::party::AccountStatus::Invited);
    // Koning started in 2026: not in the 2025 list.
    let in_2025 = w
        .services
        .employees(w.r1, None, Some(2025), None)
        .await
        .unwrap();
    assert_eq!(in_2025.len(), 1);
    let searched = w
        .services
        .employees(w.r1, None, None, Some("koni".into()))
        .await
        .unwrap();
    assert_eq!(searched.len(), 1);
    // The bureau sees its client's employees; another bureau and another employer do not.
    assert_eq!(
        w.services
            .employees(w.b1, Some(w.r1_public), None, None)
            .await
            .unwrap()
            .len(),
        2
    );
    for outsider in [w.b2, w.r0, w.e1] {
        let err = w
            .services
            .employees(outsider, Some(w.r1_public), None, None)
            .await
            .unwrap_err();
        assert!(matches!(err, ServiceError::NotFound), "{outsider:?}");
    }
    let clients = w.services.employers(w.b1, None).await.unwrap();
    assert_eq!(
        clients.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        vec!["Active BV"]
    );
    assert!(w.services.employers(w.b2, None).await.unwrap().is_empty());
    assert!(matches!(
        w.services.employers(w.r1, None).await,
        Err(ServiceError::NotFound)
    ));
}

#[tokio::test]
async fn self_administering_employer_runs_its_own_payroll() {
    let w = world().await;
    let placed = w
        .place(
            Placer::Employer(w.r0_key),
            w.e0_dossier,
            DocumentKind::AnnualStatement,
            2025,
            Period::whole_year(),
            b"%PDF-1.7 jaaropgave",
        )
        .await;
    assert_eq!(
        w.titles(w.e0, DossierRef::Own, None).await.0,
        vec!["Jaaropgave 2025"]
    );
    assert!(w.services.document_details(w.r0, placed.id).await.is_ok());
    assert!(matches!(
        w.services.document_details(w.b1, placed.id).await,
        Err(ServiceError::NotFound)
    ));
    // A bureau cannot place for an employer that is not its client.
    let request = PlaceRequest {
        dossier: w.e0_dossier,
        kind: DocumentKind::Payslip,
        year: year(2025),
        period: month(1),
        title: None,
        file_name: None,
    };
    let err = w
        .services
        .place_payroll(
            Placer::Bureau(w.b1_key),
            RequestContext::default(),
            request,
            body(b"%PDF-1.7"),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::NotFound));
    // Payslips only go to employees, and only as PDF.
    let request = PlaceRequest {
        dossier: w.r1_dossier,
        kind: DocumentKind::Payslip,
        year: year(2025),
        period: month(1),
        title: None,
        file_name: None,
    };
    let err = w
        .services
        .place_payroll(
            Placer::Bureau(w.b1_key),
            RequestContext::default(),
            request,
            body(b"%PDF-1.7"),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::Invalid { field: "kind", .. }));
    let request = PlaceRequest {
        dossier: w.e1_dossier,
        kind: DocumentKind::Payslip,
        year: year(2025),
        period: month(1),
        title: None,
        file_name: None,
    };
    let err = w
        .services
        .place_payroll(
            Placer::Bureau(w.b1_key),
            RequestContext::default(),
            request,
            body(b"<html>"),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::UnsupportedType));
}

#[tokio::test]
async fn queued_audit_events_survive_a_clean_close() {
    let w = world().await;
    let slip = w.payslip(2026, 6).await;
    for _ in 0..50 {
        w.services
            .open_document(
                w.e1,
                RequestContext::default(),
                slip.id,
                Disposition::Attachment,
            )
            .await
            .unwrap();
    }
    w.services.close().await;
    let conn = crate::store::Connection::open(w.data.database_path()).unwrap();
    let downloads: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_events WHERE action = 'download'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(downloads, 50);
}

#[tokio::test]
async fn demo_data_is_believable_idempotent_and_refuses_real_installations() {
    let tmp = tempfile::tempdir().unwrap();
    let data = DataDir::open(tmp.path()).unwrap();
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 3, 26, 9, 0, 0).single().unwrap());
    let store = Store::open(&data.database_path(), "2026-03-26T09:00:00Z", 2).unwrap();
    let services = Services::new(
        store,
        BlobStore::new(&data),
        Arc::new(clock),
        credentials(),
        Settings::default(),
    );
    let credentials = tmp.path().join("demo-credentials.txt");
    let size = demo::DemoSize {
        employers: 3,
        employees_per_employer: 4,
        years: 2,
    };
    let report = services.load_demo(size, &credentials).await.unwrap();
    assert!(!report.already_loaded);
    assert_eq!((report.employers, report.employees), (3, 12));
    // 2025: 12 payslips + 12 series overviews + 1 annual statement; 2026: January–March.
    let payroll_per_client = 4 * (12 + 1 + 3) + (12 + 3);
    assert_eq!(
        report.documents,
        3 * payroll_per_client + 3,
        "plus three uploads"
    );
    let roles: Vec<_> = report.logins.iter().map(|l| l.role.as_str()).collect();
    assert_eq!(
        roles,
        vec!["bureau", "employer", "employee", "employer", "employee"]
    );

    // The logins work and see their dossiers.
    let employee_login = &report.logins[2];
    let account = services
        .store
        .read({
            let name = employee_login.username.clone();
            move |c| -> Result<_, crate::store::StoreError> {
                store_accounts::account_by_username(c, &Username::parse(&name).unwrap())
            }
        })
        .await
        .unwrap()
        .unwrap();
    let hash: String = services
        .store
        .read(move |c| -> Result<String, crate::store::StoreError> {
            Ok(c.query_row(
                "SELECT password_hash FROM accounts WHERE id = ?1",
                [account.key.0],
                |r| r.get(0),
            )?)
        })
        .await
        .unwrap();
    assert!(crate::auth::password::verify(
        &employee_login.password,
        &hash
    ));
    let employee = services.actor_for_account(account.key).await.unwrap();
    let view = services
        .dossier(employee, DossierRef::Own, None, DossierSearch::default())
        .await
        .unwrap();
    assert_eq!(view.year, year(2026));
    assert_eq!(view.payroll.len(), 3);
    assert_eq!(view.payroll[0].title, "Loonstrook - maart 2026");
    assert_eq!(view.other.len(), 1, "the first employee's shared ID copy");
    let mut opened = services
        .open_document(
            employee,
            RequestContext::default(),
            view.payroll[0].id,
            Disposition::Inline,
        )
        .await
        .unwrap();
    let mut pdf = Vec::new();
    tokio::io::AsyncReadExt::read_to_end(&mut opened.file, &mut pdf)
        .await
        .unwrap();
    assert!(pdf.starts_with(b"%PDF-1.7"));
    assert!(String::from_utf8_lossy(&pdf).contains("(Loonstrook maart 2026) Tj"));
    // Recent documents are unread, older ones were read already; March was just opened.
    services.flush_audit().await;
    assert_eq!(
        services.unread_count(employee).await.unwrap(),
        1,
        "February"
    );

    let again = services.load_demo(size, &credentials).await.unwrap();
    assert!(again.already_loaded);
    assert_eq!(again.documents, report.documents);
    assert_eq!(
        again.logins, report.logins,
        "the passwords are kept for later runs"
    );

    // An installation with real data is left alone.
    let w = world().await;
    let err = w
        .services
        .load_demo(size, &tmp.path().join("x.txt"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ServiceError::Invalid {
                field: "data_dir",
                ..
            }
        ),
        "{err}"
    );
}

#[tokio::test]
async fn a_raised_hash_cost_rehashes_at_the_next_sign_in() {
    let tmp = tempfile::tempdir().unwrap();
    let data = DataDir::open(tmp.path()).unwrap();
    let clock = ManualClock::new(
        Utc.with_ymd_and_hms(2026, 3, 25, 10, 0, 0)
            .single()
            .unwrap(),
    );
    let store = Store::open(&data.database_path(), "2026-03-25T10:00:00Z", 2).unwrap();
    let raised = crate::auth::password::Cost {
        memory_kib: 24_576,
        ..Default::default()
    };
    let services = Services::new(
        store,
        BlobStore::new(&data),
        Arc::new(clock.clone()),
        Credentials {
            passwords: PasswordWork::with_cost(2, raised).unwrap(),
            sealer: Arc::new(crate::auth::seal::Sealer::from_key(&[9u8; 32]).unwrap()),
        },
        Settings::default(),
    );
    let old_hash = crate::auth::password::hash("oude maar lange zin van woorden").unwrap();
    let at = clock.now();
    services
        .store
        .write(move |tx| -> Result<(), crate::store::StoreError> {
            let bureau = parties::insert_bureau(tx, "K1", "Bureau", at)?;
            let username = Username::parse("staf").unwrap();
            store_accounts::insert_account(
                tx,
                &NewAccount {
                    username: &username,
                    party: AccountParty::Bureau(bureau.key),
                    staff_name: None,
                    staff_email: None,
                    password_hash: Some(&old_hash),
                    invited_at: None,
                },
                at,
            )
            .map_err(|_| crate::store::StoreError::WorkerGone)?;
            Ok(())
        })
        .await
        .unwrap();
    services
        .sign_in(
            RequestContext::default(),
            "staf",
            "oude maar lange zin van woorden",
            None,
        )
        .await
        .unwrap();
    let stored: String = services
        .store
        .read(|c| -> Result<String, crate::store::StoreError> {
            Ok(c.query_row("SELECT password_hash FROM accounts", [], |r| r.get(0))?)
        })
        .await
        .unwrap();
    assert!(stored.contains("m=24576,t=2,p=1"), "{stored}");
    assert!(crate::auth::password::verify(
        "oude maar lange zin van woorden",
        &stored
    ));
}

#[tokio::test]
async fn a_newer_reset_link_retires_the_older_one() {
    let w = world().await;
    w.services
        .forgot_password(RequestContext::default(), "bakker")
        .await
        .unwrap();
    w.services
        .forgot_password(RequestContext::default(), "bakker")
        .await
        .unwrap();
    let mails = w
        .services
        .store
        .read(|c| -> Result<_, crate::store::StoreError> { crate::store::outbox::queued(c) })
        .await
        .unwrap();
    let links: Vec<String> = mails
        .iter()
        .filter(|m| m.message == "reset_password")
        .map(|m| {
            m.params["link"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(links.len(), 2);
    assert_eq!(
        w.services.password_link(&links[0]).await.unwrap(),
        LinkState::Expired
    );
    assert!(matches!(
        w.services.password_link(&links[1]).await.unwrap(),
        LinkState::Usable { .. }
    ));
}
