//! The audit log at close, demo data, password rehashing and reset links.

use super::*;

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
    // The employee who left at the end of 2025 has no 2026 payslips.
    assert_eq!(
        report.documents,
        3 * payroll_per_client - 3 + 3,
        "plus three uploads"
    );
    let roles: Vec<_> = report
        .logins
        .iter()
        .map(|l| (l.role.as_str(), l.username.as_str()))
        .collect();
    assert_eq!(
        roles,
        vec![
            ("bureau", "demo-bureau"),
            ("employer, with the bureau", "demo-werkgever-1"),
            ("employee", "demo-werknemer-1"),
            ("employee, left", "demo-oud-werknemer"),
            ("employer, own payroll", "demo-werkgever-2"),
            ("employee", "demo-werknemer-2"),
        ]
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
    // Demo logins have read only what they may see.
    let (markers, visible): (i64, i64) = services
        .store
        .read(move |conn| -> Result<_, crate::store::StoreError> {
            Ok(conn.query_row(
                "SELECT (SELECT count(*) FROM read_markers WHERE account_id = ?1), \
                        (SELECT count(*) FROM read_markers m JOIN documents d ON d.id = m.document_id \
                          WHERE m.account_id = ?1 AND d.employee_id = ?2)",
                [account.key.0, employee_key(employee)],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })
        .await
        .unwrap();
    assert!(markers > 0);
    assert_eq!(markers, visible, "no read markers on other dossiers");

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
    // A flood of requests within the quiet period makes one mail.
    for _ in 0..5 {
        w.services
            .forgot_password(RequestContext::default(), "bakker")
            .await
            .unwrap();
    }
    let queued = w
        .services
        .store
        .read(|c| -> Result<_, crate::store::StoreError> { crate::store::outbox::queued(c) })
        .await
        .unwrap();
    assert_eq!(
        queued
            .iter()
            .filter(|m| m.message == "reset_password")
            .count(),
        1
    );
    w.clock.advance(chrono::Duration::minutes(3));
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
            crate::mail::messages::open_params(&w.services.sealer, &m.params).unwrap()["link"]
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

/// The reset links queued so far, oldest first (their secrets).
async fn reset_links(w: &World) -> Vec<String> {
    w.services
        .store
        .read(|c| -> Result<_, crate::store::StoreError> { crate::store::outbox::queued(c) })
        .await
        .unwrap()
        .iter()
        .filter(|m| m.message == "reset_password")
        .map(|m| {
            let params = crate::mail::messages::open_params(&w.services.sealer, &m.params).unwrap();
            let link = params["link"].as_str().unwrap();
            link.rsplit('/').next().unwrap().to_owned()
        })
        .collect()
}

#[tokio::test]
async fn a_reset_asked_for_right_after_the_last_link_was_used_gets_a_new_link() {
    let w = world().await;
    w.services
        .forgot_password(RequestContext::default(), "bakker")
        .await
        .unwrap();
    let first = reset_links(&w).await;
    assert_eq!(first.len(), 1);
    w.clock.advance(chrono::Duration::seconds(30));
    w.services
        .set_password_from_link(
            RequestContext::default(),
            &first[0],
            "een nieuwe lange zin als wachtwoord",
            "een nieuwe lange zin als wachtwoord",
        )
        .await
        .unwrap();
    // Within the quiet period, but the only link is spent: the page's promise must hold.
    w.clock.advance(chrono::Duration::seconds(30));
    w.services
        .forgot_password(RequestContext::default(), "bakker")
        .await
        .unwrap();
    let links = reset_links(&w).await;
    assert_eq!(
        links.len(),
        2,
        "a new link, although one was sent a minute ago"
    );
    assert!(matches!(
        w.services.password_link(&links[1]).await.unwrap(),
        LinkState::Usable { .. }
    ));
    // And that working link quiets the form again.
    w.services
        .forgot_password(RequestContext::default(), "bakker")
        .await
        .unwrap();
    assert_eq!(reset_links(&w).await.len(), 2);
}

#[tokio::test]
async fn forgotten_username_mail_is_not_a_mail_cannon() {
    let w = world().await;
    let count = |w: &World| {
        let services = w.services.clone();
        async move {
            services
                .store
                .read(|c| -> Result<_, crate::store::StoreError> {
                    crate::store::outbox::queued(c)
                })
                .await
                .unwrap()
                .iter()
                .filter(|m| m.message == "forgot_username")
                .count()
        }
    };
    for _ in 0..10 {
        w.services
            .forgot_username(RequestContext::default(), "1@example.nl")
            .await
            .unwrap();
    }
    assert_eq!(count(&w).await, 1, "ten requests, one mail");
    w.clock.advance(chrono::Duration::minutes(3));
    w.services
        .forgot_username(RequestContext::default(), "1@example.nl")
        .await
        .unwrap();
    assert_eq!(count(&w).await, 2, "after the quiet period, another");
}

fn employee_key(actor: Actor) -> i64 {
    match actor {
        Actor::Employee { employee, .. } => employee.0,
        other => panic!("not an employee: {other:?}"),
    }
}

/// Disabling cuts an account off at once: a reset link already mailed stops working (and stays
/// dead after enabling), its mail not yet sent is dropped, and it gets no new link.
#[tokio::test]
async fn a_disabled_account_loses_its_links_and_unsent_mail() {
    use crate::service::AccountChange;
    let w = world().await;
    w.services
        .forgot_password(RequestContext::default(), "bakker")
        .await
        .unwrap();
    let sent_before = reset_links(&w).await;
    assert_eq!(sent_before.len(), 1);
    assert!(
        w.services
            .change_account("bakker", AccountChange::Disable)
            .await
            .unwrap()
    );
    assert_eq!(
        w.services.password_link(&sent_before[0]).await.unwrap(),
        LinkState::Expired
    );
    assert!(reset_links(&w).await.is_empty(), "the unsent mail went");
    w.clock.advance(chrono::Duration::minutes(10));
    w.services
        .forgot_password(RequestContext::default(), "bakker")
        .await
        .unwrap();
    assert!(
        reset_links(&w).await.is_empty(),
        "no new link while disabled"
    );
    assert!(
        w.services
            .change_account("bakker", AccountChange::Enable)
            .await
            .unwrap()
    );
    assert_eq!(
        w.services.password_link(&sent_before[0]).await.unwrap(),
        LinkState::Expired,
        "an old link stays dead"
    );
}

/// Removing is for good: the next payslip does not invite the employee again (a new account
/// with a fresh welcome mail would undo the administrator's removal).
#[tokio::test]
async fn a_removed_login_is_not_invited_again_by_the_next_payslip() {
    use crate::service::AccountChange;
    let w = world().await;
    assert!(
        w.services
            .change_account("bakker", AccountChange::Remove)
            .await
            .unwrap()
    );
    w.payslip(2026, 4).await;
    let (accounts, welcomes): (i64, i64) = w
        .services
        .store
        .read(|c| -> Result<_, crate::store::StoreError> {
            Ok(c.query_row(
                "SELECT (SELECT count(*) FROM accounts WHERE employee_id = \
                     (SELECT employee_id FROM accounts WHERE username = 'bakker')), \
                        (SELECT count(*) FROM outbox WHERE message LIKE 'welcome%')",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })
        .await
        .unwrap();
    assert_eq!((accounts, welcomes), (1, 0));
}
