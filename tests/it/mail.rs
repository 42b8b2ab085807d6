//! Mail over a real SMTP server on loopback: the enrolment journey from a placed payslip to a
//! signed-in employee, STARTTLS with certificate checks, headers, retries while the server is
//! down (delivered exactly once afterwards), permanent failures and `mail status`.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;

use crate::support::{
    Binary, Browser, SmtpOptions, SmtpServer, TestApp, TestCert, config_text, csrf_in, eventually,
    mail_rounds,
};

const LHN: &str = "131459077L01";

/// An app whose mail goes to `smtp`, with bureau K1 and a sync token for it.
async fn app_with_mail(tmp: tempfile::TempDir, smtp_section: &str) -> (TestApp, String) {
    let text = config_text(
        tmp.path(),
        &format!("installation_name = \"Loondossier Bakker\"\n{smtp_section}"),
    );
    let app = TestApp::start_in(tmp, &text).await;
    let services = app.running.services();
    services
        .add_bureau("K1", "Salarisbureau Bakker")
        .await
        .unwrap();
    let token = services
        .create_token(
            loondossier::service::TokenFor::Bureau {
                client_number: "K1".into(),
            },
            "test",
        )
        .await
        .unwrap()
        .secret;
    (app, token)
}

/// Payroll software registers an employer and an employee and places a payslip.
async fn place_payslip(app: &TestApp, token: &str, email: &str, number: u32) -> Duration {
    let api = format!("{}/api/v1", app.running.url());
    let put = |path: String, body: serde_json::Value| {
        let client = app.client.clone();
        let url = format!("{api}{path}");
        let token = token.to_owned();
        async move {
            client
                .put(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    let employer = json!({"name": "Active BV", "email": "info@active.example", "client_number": "1001", "payroll_year": 2026});
    assert!(
        put(format!("/employers/{LHN}"), employer)
            .await
            .is_success()
    );
    let employee = json!({"name": "Bakker, N", "bsn": "009633042", "birth_date": "1960-12-31", "email": email, "employment_start": "2019-01-01"});
    let bsns = ["009633042", "111222333", "123456782", "999996356"];
    let mut employee = employee;
    employee["bsn"] = json!(bsns[usize::try_from(number).unwrap() - 1]);
    assert!(
        put(format!("/employers/{LHN}/employees/{number}"), employee)
            .await
            .is_success()
    );
    let started = Instant::now();
    let r = app
        .client
        .post(format!(
            "{api}/employers/{LHN}/employees/{number}/documents?kind=payslip&year=2026&period_kind=month&period=1"
        ))
        .bearer_auth(token)
        .header("content-type", "application/pdf")
        .body(b"%PDF-1.7 januari".to_vec())
        .send()
        .await
        .unwrap();
    let took = started.elapsed();
    assert_eq!(r.status(), StatusCode::CREATED);
    took
}

fn for_address<'a>(
    mails: &'a [crate::support::Received],
    to: &str,
) -> Vec<&'a crate::support::Received> {
    mails.iter().filter(|m| m.to == [to.to_owned()]).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn enrolment_journey_over_starttls_ends_with_the_employee_seeing_the_payslip() {
    let tmp = tempfile::tempdir().unwrap();
    let cert = TestCert::write(tmp.path());
    let smtp = SmtpServer::with(
        &tmp.path().join("mail"),
        &SmtpOptions {
            cert: Some(&cert),
            auth: Some(("portal", "relay-secret")),
            ..SmtpOptions::default()
        },
    );
    let (app, token) = app_with_mail(tmp, &smtp.smtp_section(Some(&cert))).await;

    place_payslip(&app, &token, "n.bakker@active.example", 1).await;
    // The employee gets two separate mails: the username, then the link.
    let mails = smtp.wait_for(2).await;
    let to_employee = for_address(&mails, "n.bakker@active.example");
    assert_eq!(
        to_employee.len(),
        2,
        "two welcome mails, got {}",
        mails.len()
    );
    for mail in &to_employee {
        assert!(mail.tls, "delivered over STARTTLS");
        assert_eq!(
            mail.header("Auto-Submitted").as_deref(),
            Some("auto-generated")
        );
        assert!(
            mail.header("From")
                .unwrap()
                .contains("noreply@bureau.example")
        );
        assert!(
            mail.header("Reply-To")
                .unwrap()
                .contains("salaris@bureau.example")
        );
        let id = mail.header("Message-ID").unwrap();
        assert!(id.contains("@127.0.0.1>"), "{id}");
        assert!(mail.header("Date").is_some());
        assert!(mail.subject().contains("Loondossier Bakker"));
        let all = format!("{}{}", mail.text(), mail.html());
        assert!(!all.contains("009633042"), "no BSN in mail");
        assert!(!all.contains("<img"), "no images");
    }
    let (username_mail, link_mail) = (to_employee[0], to_employee[1]);
    let username_text = username_mail.text();
    assert!(username_text.contains("gebruikersnaam"), "{username_text}");
    assert!(
        !username_text.contains("/wachtwoord/"),
        "the first mail has no link"
    );
    let username = username_text
        .split("gebruikersnaam is: ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("username in the first mail")
        .to_owned();
    assert!(
        !link_mail.text().contains(&username),
        "the second mail has no username"
    );
    assert_ne!(
        username_mail.header("Message-ID"),
        link_mail.header("Message-ID")
    );

    // The employee follows the link, sets a password, signs in and sees the payslip.
    let link = link_mail.link();
    assert!(link.starts_with(app.running.url()), "{link}");
    let path = link.trim_start_matches(app.running.url()).to_owned();
    let browser = Browser::new(&app);
    let form = browser.get(&path).await.text().await.unwrap();
    let csrf = csrf_in(&form);
    let password = "zeven groene kikkers zingen luid";
    let set = browser
        .post_form(
            &path,
            &[
                ("csrf", &csrf),
                ("password", password),
                ("repeated", password),
            ],
        )
        .await;
    assert_eq!(
        set.headers()["location"],
        "/aanmelden?wachtwoord=opgeslagen"
    );
    let employee = Browser::new(&app);
    assert_eq!(
        employee.sign_in(&username, password).await.status(),
        StatusCode::SEE_OTHER
    );
    // First the question of BW 7:626 lid 4: electronic or paper payslips; then on to the page.
    let asked = employee.get("/dossier").await;
    assert_eq!(asked.status(), StatusCode::SEE_OTHER);
    assert_eq!(asked.headers()["location"], "/toestemming?terug=/dossier");
    let chosen = employee
        .choose_payslip_delivery("electronic", "/dossier")
        .await;
    assert_eq!(chosen.headers()["location"], "/dossier");
    let dossier = employee.get("/dossier").await.text().await.unwrap();
    assert!(dossier.contains("Loonstrook"), "{dossier}");

    // Each message went exactly once (the worker keeps running; nothing is resent).
    mail_rounds(app.running.services(), 2).await;
    let again = smtp.received();
    let ids: std::collections::HashSet<_> = again
        .iter()
        .filter_map(|m| m.header("Message-ID"))
        .collect();
    assert_eq!(ids.len(), again.len(), "no duplicates");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_untrusted_certificate_is_not_used_and_mail_stays_queued() {
    let tmp = tempfile::tempdir().unwrap();
    let cert = TestCert::write(tmp.path());
    let smtp = SmtpServer::start_tls(&tmp.path().join("mail"), &cert);
    // No ca_cert: the self-made certificate is not trusted, and there is no plain fallback.
    let (app, token) = app_with_mail(tmp, &smtp.smtp_section(None)).await;
    place_payslip(&app, &token, "n.bakker@active.example", 1).await;
    let services = app.running.services();
    let summary = eventually("the outbox in that state", async || {
        let s = services.outbox_summary().await.unwrap();
        (!s.problems.is_empty()).then_some(s)
    })
    .await;
    assert!(smtp.received().is_empty(), "nothing sent without TLS trust");
    assert_eq!(summary.failed, 0, "a TLS problem is retried, not given up");
    assert!(summary.queued >= 2);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn mail_waits_while_the_server_is_down_and_then_goes_exactly_once() {
    let tmp = tempfile::tempdir().unwrap();
    let mut smtp = SmtpServer::start(&tmp.path().join("mail"));
    smtp.stop();
    let (app, token) = app_with_mail(tmp, &smtp.smtp_section(None)).await;
    let services = app.running.services();

    // Requests do not wait for the mail server.
    place_payslip(&app, &token, "n.bakker@active.example", 1).await;
    let first = eventually("the outbox in that state", async || {
        let s = services.outbox_summary().await.unwrap();
        (!s.problems.is_empty()).then_some(s)
    })
    .await;
    assert_eq!(first.sent, 0);
    assert_eq!(first.failed, 0);
    assert!(first.queued >= 2, "{first:?}");
    let queued = first.queued;

    // The server comes back; the retry is due after the backoff (a minute on the clock).
    smtp.restart();
    app.clock.advance(chrono::Duration::seconds(61));
    let mails = smtp.wait_for(usize::try_from(queued).unwrap()).await;
    let after = eventually("the outbox in that state", async || {
        let s = services.outbox_summary().await.unwrap();
        (s.queued == 0).then_some(s)
    })
    .await;
    assert_eq!(after.sent, queued);
    // Later rounds send nothing again.
    app.clock.advance(chrono::Duration::hours(1));
    mail_rounds(services, 2).await;
    assert_eq!(
        smtp.received().len(),
        mails.len(),
        "each message exactly once"
    );
    assert_eq!(
        for_address(&smtp.received(), "n.bakker@active.example").len(),
        2
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_recipient_is_marked_failed_and_shown_by_mail_status() {
    let tmp = tempfile::tempdir().unwrap();
    let smtp = SmtpServer::start_rejecting(&tmp.path().join("mail"), "n.bakker@");
    let dir = tmp.path().to_path_buf();
    let (app, token) = app_with_mail(tmp, &smtp.smtp_section(None)).await;
    let services = app.running.services();
    place_payslip(&app, &token, "n.bakker@active.example", 1).await;
    let summary = eventually("the outbox in that state", async || {
        let s = services.outbox_summary().await.unwrap();
        (s.queued == 0).then_some(s)
    })
    .await;
    assert_eq!(summary.failed, 2, "{summary:?}");
    assert!(summary.problems[0].error.contains("550"), "{summary:?}");
    // The employer's welcome mails went through.
    assert_eq!(summary.sent, 2, "{summary:?}");
    assert_eq!(
        for_address(&smtp.received(), "info@active.example").len(),
        2
    );

    // The administrator sees it from the command line while the server runs.
    let config = dir.join("loondossier.toml");
    let config = config.to_str().unwrap();
    let status = Binary::run(&dir, &["--config", config, "mail", "status"]);
    let out = String::from_utf8_lossy(&status.stdout);
    assert!(status.status.success(), "{status:?}");
    assert!(out.contains("failed  2"), "{out}");
    assert!(out.contains("550"), "{out}");
    assert!(
        !out.contains("n.bakker@"),
        "no addresses in the status output: {out}"
    );

    // `mail retry` puts them back (due at the command's real "now", so the server's clock
    // catches up after it, however long the command took); the server refuses them again.
    let retry = Binary::run(&dir, &["--config", config, "mail", "retry"]);
    assert!(
        String::from_utf8_lossy(&retry.stdout).contains("2 failed messages queued again"),
        "{retry:?}"
    );
    app.clock
        .set(chrono::Utc::now() + chrono::Duration::minutes(1));
    let again = eventually("the outbox in that state", async || {
        let s = services.outbox_summary().await.unwrap();
        (s.queued == 0 && s.problems.iter().all(|p| p.attempts == 1) && s.failed == 2).then_some(s)
    })
    .await;
    assert_eq!(again.sent, 2);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn mail_test_sends_over_implicit_tls_with_auth() {
    let tmp = tempfile::tempdir().unwrap();
    let cert = TestCert::write(tmp.path());
    let smtp = SmtpServer::with(
        &tmp.path().join("mail"),
        &SmtpOptions {
            cert: Some(&cert),
            implicit_tls: true,
            auth: Some(("portal", "relay-secret")),
            ..SmtpOptions::default()
        },
    );
    let section = smtp.smtp_section(Some(&cert));
    assert!(section.contains("security = \"tls\""));
    let text = config_text(tmp.path(), &section);
    let config = tmp.path().join("loondossier.toml");
    std::fs::write(&config, text).unwrap();
    let config = config.to_str().unwrap();
    let sent = Binary::run(
        tmp.path(),
        &[
            "--config",
            config,
            "mail",
            "test",
            "--to",
            "beheer@bureau.example",
        ],
    );
    assert!(sent.status.success(), "{sent:?}");
    let mails = smtp.wait_for(1).await;
    assert_eq!(mails[0].to, ["beheer@bureau.example"]);
    assert!(mails[0].tls);
    assert!(mails[0].subject().contains("Testbericht"));

    let bad = Binary::run(
        tmp.path(),
        &["--config", config, "mail", "test", "--to", "geen-adres"],
    );
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--to"));

    assert_eq!(smtp.received().len(), 1);
}

/// How many "new documents" mails were ever queued (sent or not).
fn notices_queued(app: &TestApp) -> i64 {
    let conn = loondossier::store::Connection::open(app.data_dir.join("loondossier.db")).unwrap();
    conn.query_row(
        "SELECT count(*) FROM outbox WHERE message = 'new_documents'",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

async fn place_period(app: &TestApp, token: &str, period: u32) {
    let r = app
        .client
        .post(format!(
            "{}/api/v1/employers/{LHN}/employees/1/documents?kind=payslip&year=2026&period_kind=month&period={period}",
            app.running.url()
        ))
        .bearer_auth(token)
        .header("content-type", "application/pdf")
        .body(format!("%PDF-1.7 periode {period}").into_bytes())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
}

#[tokio::test(flavor = "multi_thread")]
async fn new_documents_are_announced_after_the_delay_only_if_unread_and_wanted() {
    let tmp = tempfile::tempdir().unwrap();
    let smtp = SmtpServer::start(&tmp.path().join("mail"));
    let (app, token) = app_with_mail(tmp, &smtp.smtp_section(None)).await;
    let services = app.running.services();
    place_payslip(&app, &token, "n.bakker@active.example", 1).await;
    let mails = smtp.wait_for(4).await;
    let link = for_address(&mails, "n.bakker@active.example")[1].link();
    let username = "n.bakker@active.example";
    let path = link.trim_start_matches(app.running.url()).to_owned();
    let browser = Browser::new(&app);
    let csrf = csrf_in(&browser.get(&path).await.text().await.unwrap());
    let password = "zeven groene kikkers zingen luid";
    browser
        .post_form(
            &path,
            &[
                ("csrf", &csrf),
                ("password", password),
                ("repeated", password),
            ],
        )
        .await;
    let employee = Browser::new(&app);
    assert_eq!(
        employee.sign_in(username, password).await.status(),
        StatusCode::SEE_OTHER
    );
    // The first payslip came with the welcome mails: no notice for it (no password then).
    app.clock.advance(chrono::Duration::minutes(16));
    services.queue_notifications().await.unwrap();
    assert_eq!(notices_queued(&app), 0);

    // Two new payslips: nothing before the delay, then one mail for both.
    place_period(&app, &token, 2).await;
    place_period(&app, &token, 3).await;
    app.clock.advance(chrono::Duration::minutes(14));
    services.queue_notifications().await.unwrap();
    assert_eq!(notices_queued(&app), 0, "not before the delay");
    app.clock.advance(chrono::Duration::minutes(2));
    // Welcome (2 + 2 for the employer), password changed, and the notice.
    let mails = smtp.wait_for(6).await;
    let notices: Vec<_> = mails
        .iter()
        .filter(|m| m.subject().starts_with("Nieuw in uw dossier"))
        .collect();
    assert_eq!(notices.len(), 1);
    let notice = notices[0];
    assert_eq!(notice.to, [username.to_owned()]);
    let text = notice.text();
    assert!(text.contains("2 nieuwe documenten"), "{text}");
    assert!(text.contains(app.running.url()), "{text}");
    assert!(
        !text.contains("009633042") && !text.contains("periode"),
        "{text}"
    );
    assert!(
        !notice.raw.contains("application/pdf"),
        "never the document itself"
    );
    assert_eq!(notices_queued(&app), 1);

    // A payslip read within the delay is not announced. (The clock moved past the session's
    // idle limit: the employee signs in again.)
    place_period(&app, &token, 4).await;
    let employee = Browser::new(&app);
    employee.sign_in(username, password).await;
    employee.choose_payslip_delivery("electronic", "/").await;
    let dossier = employee.get("/dossier").await.text().await.unwrap();
    assert!(dossier.contains("/download"), "{dossier}");
    for piece in dossier.split("href=\"/documenten/").skip(1) {
        let id = piece.split('"').next().unwrap();
        if !id.contains('/') {
            let r = employee.get(&format!("/documenten/{id}/download")).await;
            assert_eq!(r.status(), StatusCode::OK);
        }
    }
    services.flush_audit().await;
    app.clock.advance(chrono::Duration::minutes(16));
    services.queue_notifications().await.unwrap();
    assert_eq!(notices_queued(&app), 1, "read documents are not announced");

    // Switched off in Profiel: no more notices.
    let employee = Browser::new(&app);
    employee.sign_in(username, password).await;
    let page = employee.get("/profiel").await.text().await.unwrap();
    assert!(
        page.contains("name=\"notify\""),
        "the switch is on the page"
    );
    let csrf = csrf_in(&page);
    let off = employee
        .post_form("/profiel/meldingen", &[("csrf", &csrf)])
        .await;
    let off = employee.follow(off).await.text().await.unwrap();
    assert!(off.contains("geen e-mail meer"), "{off}");
    let forged = employee
        .post_form(
            "/profiel/meldingen",
            &[("csrf", "forged"), ("notify", "on")],
        )
        .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    place_period(&app, &token, 5).await;
    app.clock.advance(chrono::Duration::minutes(16));
    services.queue_notifications().await.unwrap();
    assert_eq!(notices_queued(&app), 1, "switched off");
    app.stop().await;
}

/// Every outbox row's stored fields, as text.
fn stored_fields(app: &TestApp) -> Vec<(String, String, String)> {
    let conn = loondossier::store::Connection::open(app.data_dir.join("loondossier.db")).unwrap();
    let mut statement = conn
        .prepare("SELECT message, status, params FROM outbox ORDER BY id")
        .unwrap();
    statement
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_copy_of_the_database_holds_no_working_link() {
    let tmp = tempfile::tempdir().unwrap();
    let mut smtp = SmtpServer::start(&tmp.path().join("mail"));
    let (app, token) = app_with_mail(tmp, &smtp.smtp_section(None)).await;
    // The mail server is down: the welcome mails wait in the outbox.
    smtp.stop();
    place_payslip(&app, &token, "n.bakker@active.example", 1).await;
    let queued = stored_fields(&app);
    assert!(queued.iter().any(|(m, ..)| m == "welcome_set_password"));
    for (message, _, params) in &queued {
        assert!(!params.contains("/wachtwoord/"), "{message}: {params}");
        if message == "welcome_set_password" {
            assert!(params.starts_with("{\"sealed\":"), "{params}");
        }
    }
    // Sent, the link works from the mail, and the row keeps nothing of it.
    smtp.restart();
    app.clock.advance(chrono::Duration::seconds(61));
    let mails = smtp.wait_for(2).await;
    let link = mails
        .iter()
        .map(crate::support::Received::link)
        .find(|l| l.contains("/wachtwoord/"))
        .expect("the set-password mail");
    let path = link.trim_start_matches(app.running.url());
    assert_eq!(app.get(path).await.status(), StatusCode::OK);
    let sent = eventually("every message sent", async || {
        let rows = stored_fields(&app);
        rows.iter()
            .all(|(_, status, _)| status == "sent")
            .then_some(rows)
    })
    .await;
    for (message, _, params) in &sent {
        assert_eq!(params, "{}", "{message}: wiped once sent");
    }
    // A row an older version kept after sending, link and all: the purge job wipes it.
    let conn = loondossier::store::Connection::open(app.data_dir.join("loondossier.db")).unwrap();
    conn.execute(
        "INSERT INTO outbox (created_at, to_address, message, language, params, status, \
             next_attempt_at, sent_at) \
         VALUES ('2026-01-01T00:00:00Z', 'x@example.nl', 'reset_password', 'nl', \
             '{\"link\":\"https://p/wachtwoord/old-secret\"}', 'sent', \
             '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
        [],
    )
    .unwrap();
    app.running.services().run_session_purge().await.unwrap();
    assert!(
        stored_fields(&app)
            .iter()
            .all(|(_, _, p)| !p.contains("old-secret"))
    );
    app.stop().await;
}
