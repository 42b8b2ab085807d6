//! The sync API's side of requests (SPEC.md Part 2): approved requests in a stable order with a
//! cursor, marked processed idempotently, each token reaching only its own clients'.

use reqwest::StatusCode;
use serde_json::Value;

use crate::support::{TestApp, demo, login};
use loondossier::domain::request::{LeaveKind, RequestDetails};
use loondossier::service::TokenFor;

/// Submits a leave request as the demo employee, through the service as the browser would.
async fn submit_leave(app: &TestApp, username: &str, password: &str, day: u32) -> String {
    let services = app.running.services();
    let issued = services
        .sign_in(Default::default(), username, password, None)
        .await
        .unwrap();
    let session = services.session(&issued.id).await.unwrap().unwrap();
    let date = chrono::NaiveDate::from_ymd_opt(2026, 12, day).unwrap();
    let details = RequestDetails::Leave {
        from: date,
        to: date,
        minutes: 8 * 60,
        leave: LeaveKind::Vacation,
        note: None,
    };
    services
        .submit_request(&session, Default::default(), details, "", Vec::new())
        .await
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn payroll_software_pages_through_approved_requests_and_marks_them_processed() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let employee = login(&report, "demo-werknemer-1").clone();
    let services = app.running.services();
    let token = crate::support::demo_bureau_token(&app, "Loket").await;
    let get = |path: String| {
        let client = app.client.clone();
        let url = app.url(&path);
        let token = token.clone();
        async move { client.get(url).bearer_auth(token).send().await.unwrap() }
    };
    // The payroll software has taken what the demo approved before: it starts after that.
    let page: Value = get("/api/v1/requests".into()).await.json().await.unwrap();
    let start = page["next_after"].as_i64().unwrap();
    let mut ids = Vec::new();
    for day in [14, 15, 16] {
        ids.push(submit_leave(&app, &employee.username, &employee.password, day).await);
    }
    // The employer approves the third first, then the first; the second stays submitted.
    let employer = actor_of(&app, "demo-werkgever-1").await;
    let id = |n: usize| loondossier::domain::PublicId::parse(&ids[n]).unwrap();
    for n in [2, 0] {
        services
            .decide_request(employer, Default::default(), id(n), true, "")
            .await
            .unwrap();
    }
    // One per page: the order of approval, and the cursor leads on.
    let page: Value = get(format!("/api/v1/requests?limit=1&after={start}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["requests"][0]["id"], ids[2].as_str());
    assert_eq!(page["requests"][0]["status"], "approved");
    assert_eq!(page["requests"][0]["details"]["kind"], "leave");
    assert_eq!(page["requests"][0]["details"]["minutes"], 480);
    let after = page["next_after"].as_i64().unwrap();
    let page: Value = get(format!("/api/v1/requests?limit=1&after={after}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["requests"][0]["id"], ids[0].as_str());
    let after = page["next_after"].as_i64().unwrap();
    let page: Value = get(format!("/api/v1/requests?after={after}"))
        .await
        .json()
        .await
        .unwrap();
    assert!(page["requests"].as_array().unwrap().is_empty(), "{page}");
    assert_eq!(
        page["next_after"].as_i64().unwrap(),
        after,
        "an empty page keeps the cursor"
    );

    // Processed: twice is fine; a submitted one cannot be; another bureau's token finds none.
    let post = |path: String, token: String| {
        let client = app.client.clone();
        let url = app.url(&path);
        async move { client.post(url).bearer_auth(token).send().await.unwrap() }
    };
    for _ in 0..2 {
        let done = post(
            format!("/api/v1/requests/{}/processed", ids[2]),
            token.clone(),
        )
        .await;
        assert_eq!(done.status(), StatusCode::NO_CONTENT);
    }
    let early = post(
        format!("/api/v1/requests/{}/processed", ids[1]),
        token.clone(),
    )
    .await;
    assert_eq!(
        early.status(),
        StatusCode::NOT_FOUND,
        "a submitted request is not the bureau's to see"
    );
    let processed: Value = get("/api/v1/requests?status=processed".into())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(processed["requests"].as_array().unwrap().len(), 1);
    services.add_bureau("K9", "Ander Kantoor").await.unwrap();
    let other = services
        .create_token(
            TokenFor::Bureau {
                client_number: "K9".into(),
            },
            "Ander",
        )
        .await
        .unwrap()
        .secret;
    let foreign = post(format!("/api/v1/requests/{}/processed", ids[0]), other).await;
    assert_eq!(foreign.status(), StatusCode::NOT_FOUND);
    let bad = get("/api/v1/requests?status=submitted".into()).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = bad.json().await.unwrap();
    assert!(problem.to_string().contains("status"), "{problem}");
    app.stop().await;
}

/// The actor a demo login signs in as.
async fn actor_of(app: &TestApp, username: &str) -> loondossier::domain::Actor {
    let conn = loondossier::store::Connection::open(app.data_dir.join("loondossier.db")).unwrap();
    let account: i64 = conn
        .query_row(
            "SELECT id FROM accounts WHERE username = ?1",
            [username],
            |r| r.get(0),
        )
        .unwrap();
    app.running
        .services()
        .actor_for_account(loondossier::domain::AccountKey(account))
        .await
        .unwrap()
}

/// `loondossier requests`: a bureau without an integration fetches the approved requests as
/// CSV over the sync API, then marks them processed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_requests_command_writes_csv_and_marks_them_processed() {
    let tmp = tempfile::tempdir().unwrap();
    let cert = crate::support::TestCert::write(tmp.path());
    let text = crate::support::config_text(tmp.path(), &cert.tls_section(""));
    let cert_path = cert.cert_path.clone();
    let app = TestApp::start_in(tmp, &text).await;
    let report = demo(&app).await;
    let employee = login(&report, "demo-werknemer-1").clone();
    let id = submit_leave(&app, &employee.username, &employee.password, 21).await;
    let employer = actor_of(&app, "demo-werkgever-1").await;
    let services = app.running.services();
    services
        .decide_request(
            employer,
            Default::default(),
            loondossier::domain::PublicId::parse(&id).unwrap(),
            true,
            "Akkoord, fijne dag",
        )
        .await
        .unwrap();
    let token = crate::support::demo_bureau_token(&app, "Excel").await;
    let work = tempfile::tempdir().unwrap();
    let token_file = work.path().join("token");
    std::fs::write(&token_file, &token).unwrap();
    let csv_path = work.path().join("verzoeken.csv");
    let args = [
        "requests".to_owned(),
        "--url".into(),
        format!("https://localhost:{}", app.running.local_addr().port()),
        "--token-file".into(),
        token_file.display().to_string(),
        "--cacert".into(),
        cert_path.display().to_string(),
        "--out".into(),
        csv_path.display().to_string(),
        "--mark-processed".into(),
    ];
    let dir = work.path().to_path_buf();
    let run = tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        crate::support::Binary::run(&dir, &args)
    })
    .await
    .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("id,kind,employer_lhn,personnel_number"));
    // Ours, and the demo's approved move: every approved request, one row each.
    let ours: Vec<&&str> = lines.iter().filter(|l| l.contains(&id)).collect();
    assert_eq!(ours.len(), 1, "{csv}");
    assert!(
        ours[0].contains("leave")
            && ours[0].contains("minutes: 480")
            && ours[0].contains("Akkoord, fijne dag"),
        "{csv}"
    );
    assert!(lines.iter().any(|l| l.contains("address_change")), "{csv}");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains(&format!("{} marked processed", lines.len() - 1)),
        "{stderr}"
    );
    let seen = services
        .request(
            loondossier::domain::Actor::system(),
            loondossier::domain::PublicId::parse(&id).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        seen.state,
        loondossier::domain::request::RequestState::Processed
    );
    app.stop().await;
}

/// The request form reads only its own fields, once each and of a sensible length; anything
/// else is refused on the form, naming the field, and nothing is stored.
#[tokio::test]
async fn the_request_form_refuses_strange_fields_and_says_which() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let employee =
        crate::support::Browser::signed_in(&app, login(&report, "demo-werknemer-1")).await;
    let csrf = employee.page_csrf().await;
    let before = employee.get("/verzoeken").await.text().await.unwrap();
    let count = |page: &str| {
        page.split("<h2>Verzoeken (")
            .nth(1)
            .map(|r| r.split(')').next().unwrap_or("").to_owned())
    };
    let form = |extra: (&'static str, String)| {
        reqwest::multipart::Form::new()
            .text("csrf", csrf.clone())
            .text("van", "2026-12-21")
            .text("tot", "2026-12-21")
            .text("uren", "8")
            .text(extra.0, extra.1)
    };
    let long = employee
        .post_multipart(
            "/verzoeken/nieuw/verlof",
            form(("toelichting", "€".repeat(1500))),
        )
        .await;
    assert_eq!(long.status(), StatusCode::BAD_REQUEST);
    assert!(long.text().await.unwrap().contains("Toelichting"));
    let odd = employee
        .post_multipart(
            "/verzoeken/nieuw/verlof",
            form(("salaris", "1000000".into())),
        )
        .await;
    assert_eq!(odd.status(), StatusCode::BAD_REQUEST);
    let mine = employee.get("/verzoeken").await.text().await.unwrap();
    assert_eq!(count(&mine), count(&before), "nothing stored: {mine}");
    assert!(count(&mine).is_some(), "{mine}");
    let fine = employee
        .post_multipart(
            "/verzoeken/nieuw/verlof",
            form(("toelichting", "Kerst".into())),
        )
        .await;
    assert_eq!(fine.status(), StatusCode::SEE_OTHER);
    app.stop().await;
}
