//! The retention jobs with the manual clock: exactly what goes and what stays, on which
//! moment in Dutch time; the audit line; the files; nothing of the removed rows left in the
//! database file or its WAL.

use super::*;
use crate::domain::AccountKey;

fn at(text: &str) -> chrono::DateTime<Utc> {
    chrono::DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

/// The public ids of every document row, sorted.
async fn document_ids(w: &World) -> Vec<String> {
    w.services
        .store
        .read(|conn| -> Result<Vec<String>, crate::store::StoreError> {
            let mut s = conn.prepare("SELECT public_id FROM documents ORDER BY public_id")?;
            let ids = s
                .query_map([], |r| r.get(0))?
                .collect::<Result<Vec<String>, _>>()?;
            Ok(ids)
        })
        .await
        .unwrap()
}

/// The audit lines of the retention jobs: (actor, detail).
pub(super) async fn purge_lines(w: &World) -> Vec<(String, serde_json::Value)> {
    w.services.audit.flush().await;
    w.services
        .store
        .read(
            |conn| -> Result<Vec<(String, String)>, crate::store::StoreError> {
                let mut s = conn.prepare(
                    "SELECT actor, detail FROM audit_events WHERE action = 'purged' ORDER BY id",
                )?;
                let rows = s
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<Result<Vec<(String, String)>, _>>()?;
                Ok(rows)
            },
        )
        .await
        .unwrap()
        .into_iter()
        .map(|(actor, detail)| (actor, serde_json::from_str(&detail).unwrap()))
        .collect()
}

fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

/// Whether `needle` is anywhere in the database file or its WAL.
fn in_database_files(w: &World, needle: &str) -> bool {
    let db = w.data.database_path();
    let wal = db.with_extension("db-wal");
    [db, wal].iter().any(|path| {
        std::fs::read(path).is_ok_and(|bytes| {
            bytes
                .windows(needle.len())
                .any(|window| window == needle.as_bytes())
        })
    })
}

#[tokio::test]
async fn payroll_files_go_at_new_year_in_amsterdam_seven_years_on_with_every_version() {
    let w = world().await;
    let old = w
        .place(
            Placer::Bureau(w.b1_key),
            w.e1_dossier,
            DocumentKind::Payslip,
            2018,
            month(1),
            b"%PDF-1.7 GEHEIM-JANUARI-2018 first",
        )
        .await;
    let corrected = w
        .place(
            Placer::Bureau(w.b1_key),
            w.e1_dossier,
            DocumentKind::Payslip,
            2018,
            month(1),
            b"%PDF-1.7 GEHEIM-JANUARI-2018 corrected",
        )
        .await;
    assert_eq!(corrected.version, 2);
    let overview = w
        .place(
            Placer::Bureau(w.b1_key),
            w.r1_dossier,
            DocumentKind::SeriesOverview,
            2018,
            month(12),
            b"%PDF-1.7 overview 2018",
        )
        .await;
    let kept = w.payslip(2019, 1).await;
    let upload = w
        .upload(w.e1, "eigen-2018.pdf", b"%PDF-1.7 own")
        .await
        .unwrap();
    let files_before = w.stored_files();

    // 31 December 2025, 23:59:59 in Amsterdam (22:59:59 UTC): 2018 is kept through today.
    w.clock.set(at("2025-12-31T22:59:59Z"));
    let report = w.services.run_payroll_retention().await.unwrap();
    assert_eq!(report.count, 0, "nothing goes a moment early");
    assert_eq!(w.stored_files(), files_before);

    // One second after midnight in Amsterdam — still 31 December in UTC.
    w.clock.set(at("2025-12-31T23:00:01Z"));
    let report = w.services.run_payroll_retention().await.unwrap();
    assert_eq!(report.count, 3, "{report:?}");
    let gone = sorted(vec![
        old.id.to_string(),
        corrected.id.to_string(),
        overview.id.to_string(),
    ]);
    assert_eq!(
        document_ids(&w).await,
        sorted(vec![kept.id.to_string(), upload.id.to_string()])
    );
    assert_eq!(w.stored_files(), files_before - 3, "their files went too");
    let lines = purge_lines(&w).await;
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].0, "job payroll_retention");
    assert_eq!(lines[0].1["count"], 3);
    let mut ids: Vec<String> = serde_json::from_value(lines[0].1["ids"].clone()).unwrap();
    ids.sort();
    assert_eq!(ids, gone);
    // Opening one now is "not found", like anything that never existed.
    assert!(matches!(
        w.services
            .open_document(w.e1, RequestContext::default(), old.id, Disposition::Inline)
            .await,
        Err(ServiceError::NotFound)
    ));
    // secure_delete and the emptied WAL: the removed rows' titles are nowhere in the files.
    assert!(!in_database_files(&w, "januari 2018"));
    assert!(
        in_database_files(&w, "januari 2019"),
        "the check can see titles"
    );

    // Running again removes nothing more.
    assert_eq!(w.services.run_payroll_retention().await.unwrap().count, 0);
}

async fn upload_kind(w: &World, kind: DocumentKind, name: &str) -> PublicId {
    let request = UploadRequest {
        kind,
        file_name: name.to_owned(),
    };
    w.services
        .upload(
            w.e1,
            RequestContext::default(),
            request,
            body(b"%PDF-1.7 upload"),
        )
        .await
        .unwrap()
        .id
}

#[tokio::test]
async fn uploads_go_full_calendar_years_after_employment_ended_per_kind() {
    let mut settings = Settings::default();
    settings.retention.upload_years = 5;
    settings.retention.upload_years_by_kind = vec![(DocumentKind::ExpenseClaim, 7)];
    let w = world_with(settings).await;
    // Bakker (e1) left on 30 June 2020; Koning (e2) still works there.
    w.services
        .store
        .write(|tx| -> Result<(), crate::store::StoreError> {
            let e1 = match parties::employee_by_number(tx, EmployerKey(1), "1")? {
                Some(e) => e,
                None => return Err(crate::store::StoreError::WorkerGone),
            };
            let mut data = e1.data;
            data.employment_end = NaiveDate::from_ymd_opt(2020, 6, 30);
            parties::upsert_employee(tx, e1.employer, &data, Utc::now())?;
            Ok(())
        })
        .await
        .unwrap();
    let id_copy = upload_kind(&w, DocumentKind::IdCopy, "paspoort.pdf").await;
    let other = upload_kind(&w, DocumentKind::Other, "brief.pdf").await;
    let claim = upload_kind(&w, DocumentKind::ExpenseClaim, "declaratie.pdf").await;
    let colleague = w
        .upload(w.e2, "id-koning.pdf", b"%PDF-1.7 k")
        .await
        .unwrap()
        .id;
    let payslip = w.payslip(2020, 6).await;

    w.clock.set(at("2025-12-31T22:59:59Z"));
    assert_eq!(w.services.run_upload_retention().await.unwrap().count, 0);
    w.clock.set(at("2025-12-31T23:00:01Z"));
    let report = w.services.run_upload_retention().await.unwrap();
    assert_eq!(report.count, 2);
    assert_eq!(
        document_ids(&w).await,
        sorted(vec![
            claim.to_string(),
            colleague.to_string(),
            payslip.id.to_string()
        ]),
        "the ID copy and the other upload went; the claim (7 years), the colleague's upload \
         and the payslip stay"
    );
    let lines = purge_lines(&w).await;
    let mut ids: Vec<String> = serde_json::from_value(lines[0].1["ids"].clone()).unwrap();
    ids.sort();
    assert_eq!(ids, sorted(vec![id_copy.to_string(), other.to_string()]));

    w.clock.set(at("2027-12-31T22:59:59Z"));
    assert_eq!(w.services.run_upload_retention().await.unwrap().count, 0);
    w.clock.set(at("2027-12-31T23:00:01Z"));
    assert_eq!(w.services.run_upload_retention().await.unwrap().count, 1);
    assert!(!document_ids(&w).await.contains(&claim.to_string()));
}

#[tokio::test]
async fn the_trash_is_purged_after_its_grace_period() {
    let w = world().await;
    let deleted = w.upload(w.e1, "weg.pdf", b"%PDF-1.7 weg").await.unwrap();
    let kept = w
        .upload(w.e1, "blijft.pdf", b"%PDF-1.7 blijft")
        .await
        .unwrap();
    let retracted = w.payslip(2026, 2).await;
    let deleted_at = w.clock.now();
    w.services
        .delete_uploads(w.e1, RequestContext::default(), vec![deleted.id])
        .await
        .unwrap();
    let public = retracted.id.to_string();
    w.services
        .store
        .write(move |tx| -> Result<(), crate::store::StoreError> {
            tx.execute(
                "UPDATE documents SET retracted_at = ?2 WHERE public_id = ?1",
                (
                    &public,
                    deleted_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
                ),
            )?;
            Ok(())
        })
        .await
        .unwrap();
    let files = w.stored_files();
    w.clock
        .set(deleted_at + chrono::Duration::days(30) - chrono::Duration::seconds(1));
    assert_eq!(w.services.run_trash_purge().await.unwrap().count, 0);
    w.clock
        .set(deleted_at + chrono::Duration::days(30) + chrono::Duration::seconds(1));
    assert_eq!(w.services.run_trash_purge().await.unwrap().count, 2);
    assert_eq!(document_ids(&w).await, vec![kept.id.to_string()]);
    assert_eq!(w.stored_files(), files - 2);
}

#[tokio::test]
async fn backups_beyond_the_newest_n_per_client_go() {
    let w = world().await;
    let client = |target| {
        let services = w.services.clone();
        async move {
            let token = services.create_token(target, "t").await.unwrap();
            services.api_client(&token.secret).await.unwrap().unwrap()
        }
    };
    let bureau = client(crate::service::TokenFor::Bureau {
        client_number: "K1".into(),
    })
    .await;
    let own = client(crate::service::TokenFor::Employer {
        lhn: "123456782L01".into(),
    })
    .await;
    let mut names = Vec::new();
    for n in 1..=4 {
        w.clock.advance(chrono::Duration::minutes(1));
        let name = format!("LB{n}.lda");
        let info = w
            .services
            .store_backup(
                &bureau,
                RequestContext::default(),
                &name,
                "",
                body(b"backup"),
            )
            .await
            .unwrap();
        names.push((name, info.id));
    }
    w.services
        .store_backup(
            &own,
            RequestContext::default(),
            "EIGEN.lda",
            "",
            body(b"own"),
        )
        .await
        .unwrap();
    // The same installation, its config lowered to 2 (the job applies a new limit at once).
    let mut settings = w.services.settings.clone();
    settings.backups_keep = 2;
    let lowered = Services::new(
        w.services.store.clone(),
        w.services.blobs.clone(),
        Arc::new(w.clock.clone()),
        credentials(),
        settings,
    );
    let files = w.stored_files();
    let report = lowered.run_backup_retention().await.unwrap();
    assert_eq!(report.count, 2);
    let left: Vec<String> = lowered
        .backups(&bureau)
        .await
        .unwrap()
        .into_iter()
        .map(|b| b.file_name)
        .collect();
    assert_eq!(left, ["LB4.lda", "LB3.lda"], "the newest two stay");
    assert_eq!(lowered.backups(&own).await.unwrap().len(), 1, "per client");
    assert_eq!(w.stored_files(), files - 2);
}

#[tokio::test]
async fn expired_sessions_links_and_throttles_are_purged() {
    let w = world().await;
    let now = w.clock.now();
    let counts = w
        .services
        .store
        .write(move |tx| -> Result<(), crate::store::StoreError> {
            use crate::store::sessions::{NewSession, Stage, insert};
            for (hash, last_seen, expires) in [
                ("live", now, now + chrono::Duration::hours(8)),
                (
                    "idle",
                    now - chrono::Duration::minutes(16),
                    now + chrono::Duration::hours(7),
                ),
                (
                    "ended",
                    now - chrono::Duration::minutes(1),
                    now - chrono::Duration::seconds(1),
                ),
            ] {
                insert(
                    tx,
                    &NewSession {
                        token_hash: hash,
                        account: AccountKey(1),
                        stage: Stage::Complete,
                        csrf_token: hash,
                        now: last_seen,
                        expires_at: expires,
                        client_addr: None,
                        user_agent: None,
                    },
                )?;
            }
            use crate::store::links::{Purpose, create};
            create(
                tx,
                AccountKey(2),
                Purpose::Reset,
                None,
                "fresh",
                now,
                now + chrono::Duration::minutes(30),
            )?;
            create(
                tx,
                AccountKey(3),
                Purpose::Reset,
                None,
                "old",
                now - chrono::Duration::hours(1),
                now - chrono::Duration::minutes(30),
            )?;
            crate::store::throttle::record_failure(tx, "recent", now, |_| {
                chrono::Duration::seconds(2)
            })?;
            crate::store::throttle::record_failure(
                tx,
                "quiet",
                now - chrono::Duration::days(2),
                |_| chrono::Duration::seconds(2),
            )?;
            Ok(())
        })
        .await;
    counts.unwrap();
    let report = w.services.run_session_purge().await.unwrap();
    assert_eq!(report.count, 4, "{report:?}");
    let lines = purge_lines(&w).await;
    assert_eq!(lines[0].1["sessions"], 2);
    assert_eq!(lines[0].1["count"], 4);
    let left = w
        .services
        .store
        .read(
            |conn| -> Result<[Vec<String>; 3], crate::store::StoreError> {
                let list = |sql: &str| -> Result<Vec<String>, crate::store::StoreError> {
                    let mut s = conn.prepare(sql)?;
                    let v = s
                        .query_map([], |r| r.get(0))?
                        .collect::<Result<Vec<String>, _>>()?;
                    Ok(v)
                };
                Ok([
                    list("SELECT token_hash FROM sessions")?,
                    list("SELECT token_hash FROM account_links")?,
                    list("SELECT subject FROM sign_in_throttle")?,
                ])
            },
        )
        .await
        .unwrap();
    assert_eq!(left[0], ["live"]);
    assert_eq!(left[1], ["fresh"]);
    assert_eq!(left[2], ["recent"]);
}

#[tokio::test]
async fn a_retraction_hides_every_version_of_the_document() {
    let w = world().await;
    let token = w
        .services
        .create_token(
            crate::service::TokenFor::Bureau {
                client_number: "K1".into(),
            },
            "t",
        )
        .await
        .unwrap();
    let client = w.services.api_client(&token.secret).await.unwrap().unwrap();
    let first = w.payslip(2026, 3).await;
    let second = w
        .place(
            Placer::Bureau(w.b1_key),
            w.e1_dossier,
            DocumentKind::Payslip,
            2026,
            month(3),
            b"%PDF-1.7 payslip 2026-3, corrected",
        )
        .await;
    assert_ne!(first.id, second.id);
    let opens = |actor: Actor, id: PublicId| {
        let services = w.services.clone();
        async move {
            services
                .open_document(actor, RequestContext::default(), id, Disposition::Inline)
                .await
                .is_ok()
        }
    };
    // Before: the earlier version still opens by its address (details link "earlier versions").
    assert!(opens(w.e1, first.id).await);
    w.services
        .api_retract(&client, RequestContext::default(), second.id)
        .await
        .unwrap();
    for reader in [w.e1, w.r1, w.b1] {
        for id in [first.id, second.id] {
            assert!(!opens(reader, id).await, "{reader:?} {id}");
        }
    }
    // Retracting by the address of an earlier version also takes the later ones.
    let third = w.payslip(2026, 4).await;
    let fourth = w
        .place(
            Placer::Bureau(w.b1_key),
            w.e1_dossier,
            DocumentKind::Payslip,
            2026,
            month(4),
            b"%PDF-1.7 payslip 2026-4, corrected",
        )
        .await;
    w.services
        .api_retract(&client, RequestContext::default(), third.id)
        .await
        .unwrap();
    assert!(!opens(w.e1, fourth.id).await);
    // A version another placer put there (the employer correcting the bureau's payslip)
    // stays: a retraction hides only what its placer placed.
    let Actor::Employer { employer, .. } = w.r1 else {
        panic!("r1 is an employer");
    };
    let by_bureau = w.payslip(2026, 5).await;
    let by_employer = w
        .place(
            Placer::Employer(employer),
            w.e1_dossier,
            DocumentKind::Payslip,
            2026,
            month(5),
            b"%PDF-1.7 payslip 2026-5 by the employer",
        )
        .await;
    w.services
        .api_retract(&client, RequestContext::default(), by_bureau.id)
        .await
        .unwrap();
    assert!(!opens(w.e1, by_bureau.id).await);
    assert!(
        opens(w.e1, by_employer.id).await,
        "the employer's version stays"
    );
}
