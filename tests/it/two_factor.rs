//! The second factor over HTTP with the manual clock: neighbouring steps only, each code once,
//! recovery codes once, forced set-up, resets, and Profiel.

use chrono::Duration;
use reqwest::StatusCode;

use crate::support::{Browser, TestApp, csrf_in, demo, login};

fn db(app: &TestApp) -> loondossier::store::Connection {
    loondossier::store::Connection::open(app.data_dir.join("loondossier.db")).unwrap()
}

/// Signs in with the password only; the browser is then at the code step.
async fn password_step(app: &TestApp, username: &str, password: &str) -> Browser {
    let browser = Browser::new(app);
    let response = browser.sign_in(username, password).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/aanmelden/code");
    browser
}

async fn sign_out(browser: &Browser) {
    let csrf = csrf_in(&browser.get("/").await.text().await.unwrap());
    browser.post_form("/afmelden", &[("csrf", &csrf)]).await;
}

#[tokio::test]
async fn codes_work_for_the_neighbouring_steps_only_and_only_once() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let employer = login(&report, "demo-werkgever-1");
    // Setting up uses the code of the current step.
    sign_out(&Browser::signed_in(&app, employer).await).await;

    let browser = password_step(&app, &employer.username, &employer.password).await;
    // Halfway signed in is not signed in.
    assert_eq!(browser.get("/").await.status(), StatusCode::SEE_OTHER);
    for offset in [-2, 2] {
        let response = browser.enter_code(&app, &employer.username, offset).await;
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "step {offset:+}"
        );
    }
    let replay = browser.enter_code(&app, &employer.username, 0).await;
    assert_eq!(
        replay.status(),
        StatusCode::UNAUTHORIZED,
        "the set-up code was used already"
    );
    let earlier = browser.enter_code(&app, &employer.username, -1).await;
    assert_eq!(
        earlier.status(),
        StatusCode::UNAUTHORIZED,
        "an earlier step than the last used"
    );
    let next = browser.enter_code(&app, &employer.username, 1).await;
    assert_eq!(
        next.status(),
        StatusCode::SEE_OTHER,
        "the next step is accepted"
    );
    assert_eq!(browser.get("/").await.status(), StatusCode::OK);
    sign_out(&browser).await;

    let again = password_step(&app, &employer.username, &employer.password).await;
    let reused = again.enter_code(&app, &employer.username, 1).await;
    assert_eq!(
        reused.status(),
        StatusCode::UNAUTHORIZED,
        "that code was used"
    );
    app.clock.advance(Duration::seconds(60));
    assert_eq!(
        again.enter_code(&app, &employer.username, 0).await.status(),
        StatusCode::SEE_OTHER
    );

    let replays: i64 = db(&app)
        .query_row(
            "SELECT count(*) FROM audit_events WHERE action = 'login_failed' AND detail = 'totp replay'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(replays >= 2, "replays are logged: {replays}");
    app.stop().await;
}

#[tokio::test]
async fn recovery_codes_work_once_and_can_be_renewed() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let employee = login(&report, "demo-werknemer-1");
    // An employee may set up a second factor voluntarily, from Profiel.
    let browser = Browser::signed_in(&app, employee).await;
    let codes = browser
        .enrol(&app, &employee.username, "/profiel/2fa", &employee.password)
        .await;
    assert_eq!(codes.len(), 10);
    sign_out(&browser).await;

    let first = password_step(&app, &employee.username, &employee.password).await;
    assert_eq!(
        first.enter(&codes[0].to_uppercase()).await.status(),
        StatusCode::SEE_OTHER
    );
    let profile = first.get("/profiel").await.text().await.unwrap();
    assert!(
        profile.contains("nog 9 ongebruikte herstelcodes"),
        "{profile}"
    );
    sign_out(&first).await;

    let second = password_step(&app, &employee.username, &employee.password).await;
    assert_eq!(
        second.enter(&codes[0]).await.status(),
        StatusCode::UNAUTHORIZED,
        "single use"
    );
    assert_eq!(
        second.enter(&codes[1]).await.status(),
        StatusCode::SEE_OTHER
    );

    let csrf = csrf_in(&second.get("/profiel").await.text().await.unwrap());
    // Only with the password given again.
    let refused = second
        .post_form(
            "/profiel/2fa/herstelcodes",
            &[("csrf", &csrf), ("password", "not the password")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let renewed = second
        .post_form(
            "/profiel/2fa/herstelcodes",
            &[("csrf", &csrf), ("password", &employee.password)],
        )
        .await;
    assert_eq!(renewed.status(), StatusCode::OK);
    let html = renewed.text().await.unwrap();
    let fresh: Vec<&str> = html
        .split("<li><code>")
        .skip(1)
        .filter_map(|s| s.split("</code>").next())
        .collect();
    assert_eq!(fresh.len(), 10);
    sign_out(&second).await;
    let third = password_step(&app, &employee.username, &employee.password).await;
    assert_eq!(
        third.enter(&codes[2]).await.status(),
        StatusCode::UNAUTHORIZED,
        "old codes are gone"
    );
    assert_eq!(third.enter(fresh[0]).await.status(), StatusCode::SEE_OTHER);
    app.stop().await;
}

#[tokio::test]
async fn the_secret_is_sealed_at_rest() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let employer = login(&report, "demo-werkgever-1");
    Browser::signed_in(&app, employer).await;
    let stored: String = db(&app)
        .query_row(
            "SELECT totp_secret FROM accounts WHERE username = ?1",
            [&employer.username],
            |r| r.get(0),
        )
        .unwrap();
    let secret = app.totp_secrets.lock().unwrap()[&employer.username].clone();
    let base32 = totp_rs::Secret::from(secret.clone()).to_base32();
    assert!(!stored.contains(&base32) && !stored.contains(&hex::encode(&secret)));
    assert!(
        app.data_dir.join("secret.key").exists(),
        "the key lives outside the database"
    );
    let codes: i64 = db(&app)
        .query_row("SELECT count(*) FROM recovery_codes", [], |r| r.get(0))
        .unwrap();
    assert_eq!(codes, 10);
    app.stop().await;
}

#[tokio::test]
async fn a_password_reset_still_asks_for_the_code() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let employer = login(&report, "demo-werkgever-1");
    let browser = Browser::signed_in(&app, employer).await;
    app.running
        .services()
        .forgot_password(Default::default(), &employer.username)
        .await
        .unwrap();
    let mail = crate::support::queued_mail(&app.data_dir, "reset_password")
        .pop()
        .unwrap();
    let path = mail.params["link"]
        .as_str()
        .unwrap()
        .trim_start_matches(app.running.url())
        .to_owned();
    let anonymous = Browser::new(&app);
    let csrf = csrf_in(&anonymous.get(&path).await.text().await.unwrap());
    let password = "een nieuw en lang wachtwoord voor de zaak";
    let set = anonymous
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
    assert_eq!(
        browser.get("/").await.status(),
        StatusCode::SEE_OTHER,
        "all sessions ended"
    );
    password_step(&app, &employer.username, password).await;
    app.stop().await;
}

#[tokio::test]
async fn the_administrator_resets_the_second_factor() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let employer = login(&report, "demo-werkgever-1");
    let browser = Browser::signed_in(&app, employer).await;
    app.running
        .services()
        .reset_two_factor(&employer.username)
        .await
        .unwrap();
    assert_eq!(
        browser.get("/").await.status(),
        StatusCode::SEE_OTHER,
        "sessions ended"
    );
    let mail = loondossier::store::outbox::queued(&db(&app))
        .unwrap()
        .into_iter()
        .filter(|m| m.message == "two_factor_reset")
        .count();
    assert_eq!(mail, 1, "the account is told");
    // The role still requires a second factor: set it up again at the next sign-in.
    let next = Browser::new(&app);
    let response = next.sign_in(&employer.username, &employer.password).await;
    assert_eq!(response.headers()["location"], "/aanmelden/instellen");
    let audited: i64 = db(&app)
        .query_row(
            "SELECT count(*) FROM audit_events WHERE action = 'two_factor_reset'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited, 1);
    app.stop().await;
}

#[tokio::test]
async fn profiel_lists_sessions_and_ends_another_one() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let employee = login(&report, "demo-werknemer-1");
    let here = Browser::signed_in(&app, employee).await;
    let there = Browser::signed_in(&app, employee).await;
    let page = here.get("/profiel").await.text().await.unwrap();
    assert!(page.contains("deze sessie"));
    let revoke = page
        .split("action=\"/profiel/sessies/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .map(|rest| format!("/profiel/sessies/{rest}"))
        .expect("a revoke form for the other session");
    let csrf = csrf_in(&page);
    let done = here.post_form(&revoke, &[("csrf", &csrf)]).await;
    let done = here.follow(done).await.text().await.unwrap();
    assert!(done.contains("Die sessie is afgemeld."), "{done}");
    assert_eq!(there.get("/").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(here.get("/").await.status(), StatusCode::OK);
    // Someone else's session id is not found.
    let again = here.post_form(&revoke, &[("csrf", &csrf)]).await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    app.stop().await;
}

#[tokio::test]
async fn wrong_codes_count_per_account_across_password_steps() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let employer = login(&report, "demo-werkgever-1");
    sign_out(&Browser::signed_in(&app, employer).await).await;
    // Four wrong codes after one password step (the free ones)…
    let first = password_step(&app, &employer.username, &employer.password).await;
    for _ in 0..4 {
        let wrong = first.enter("000000").await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    }
    // (A new code step, so the right code later is not the set-up's.)
    app.clock.advance(Duration::seconds(30));
    // …and one after a fresh, correct password: the fifth for the account.
    let second = password_step(&app, &employer.username, &employer.password).await;
    assert_eq!(
        second.enter("000000").await.status(),
        StatusCode::UNAUTHORIZED
    );
    // A third correct password does not buy new guesses: even the right code waits.
    let third = password_step(&app, &employer.username, &employer.password).await;
    let waiting = third.enter_code(&app, &employer.username, 0).await;
    assert_eq!(waiting.status(), StatusCode::TOO_MANY_REQUESTS);
    app.clock.advance(Duration::seconds(3));
    let through = third.enter_code(&app, &employer.username, 0).await;
    assert_eq!(through.status(), StatusCode::SEE_OTHER);
    app.stop().await;
}

#[tokio::test]
async fn a_borrowed_session_cannot_replace_the_second_factor_or_guess_the_password() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let employer = login(&report, "demo-werkgever-1");
    let browser = Browser::signed_in(&app, employer).await;
    let csrf = csrf_in(&browser.get("/profiel/2fa").await.text().await.unwrap());
    let pending = || {
        let conn = db(&app);
        conn.query_row(
            "SELECT count(*) FROM accounts WHERE totp_pending IS NOT NULL",
            [],
            |r| r.get::<_, i64>(0),
        )
        .unwrap()
    };
    // No password, or a wrong one: nothing starts.
    let bare = browser
        .post_form("/profiel/2fa/start", &[("csrf", &csrf)])
        .await;
    assert_eq!(bare.status(), StatusCode::FORBIDDEN);
    for _ in 0..4 {
        let wrong = browser
            .post_form(
                "/profiel/2fa/start",
                &[("csrf", &csrf), ("password", "een gok van de dief")],
            )
            .await;
        assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    }
    assert_eq!(pending(), 0);
    // Guessing is throttled like signing in, and every wrong guess is in the audit log.
    let throttled = browser
        .post_form(
            "/profiel/2fa/start",
            &[("csrf", &csrf), ("password", &employer.password)],
        )
        .await;
    assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
    app.running.services().flush_audit().await;
    let logged: i64 = db(&app)
        .query_row(
            "SELECT count(*) FROM audit_events WHERE action = 'login_failed' \
             AND detail = 'password asked again'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(logged, 5);
    app.clock.advance(Duration::seconds(5));
    let started = browser
        .post_form(
            "/profiel/2fa/start",
            &[("csrf", &csrf), ("password", &employer.password)],
        )
        .await;
    assert_eq!(started.status(), StatusCode::SEE_OTHER);
    assert_eq!(pending(), 1);
    app.stop().await;
}

/// A sign-in left halfway goes on where it stopped: a page asked for before the authenticator
/// app is set up (or its code given) leads to that step, not to the empty sign-in form.
#[tokio::test]
async fn a_half_finished_sign_in_goes_on_where_it_stopped() {
    let app = crate::support::TestApp::start().await;
    let report = crate::support::demo(&app).await;
    let employer = crate::support::login(&report, "demo-werkgever-1");
    let browser = crate::support::Browser::new(&app);
    let first = browser
        .sign_in(&employer.username, &employer.password)
        .await;
    assert_eq!(first.headers()["location"], "/aanmelden/instellen");
    for (path, to) in [
        ("/", "/aanmelden/instellen"),
        ("/dossier", "/aanmelden/instellen?next=/dossier"),
    ] {
        let answer = browser.get(path).await;
        assert_eq!(answer.status(), reqwest::StatusCode::SEE_OTHER, "{path}");
        assert_eq!(answer.headers()["location"], to, "{path}");
    }
    // Without any sign-in, still the sign-in form.
    let stranger = crate::support::Browser::new(&app);
    assert_eq!(stranger.get("/").await.headers()["location"], "/aanmelden");
    app.stop().await;
}

#[tokio::test]
async fn a_sign_in_stopped_halfway_can_be_cancelled() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let employer = login(&report, "demo-werkgever-1");
    let sessions = || -> i64 {
        db(&app)
            .query_row("SELECT count(*) FROM sessions", [], |r| r.get(0))
            .unwrap()
    };
    // At the app's set-up, which the demo employer has not done yet.
    let browser = Browser::new(&app);
    let first = browser
        .sign_in(&employer.username, &employer.password)
        .await;
    assert_eq!(first.headers()["location"], "/aanmelden/instellen");
    let page = browser
        .get("/aanmelden/instellen")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Annuleren en afmelden"), "{page}");
    // A form from elsewhere cannot end it.
    let forged = browser.post_form("/afmelden", &[("csrf", "x")]).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(sessions(), 1);
    let cancelled = browser
        .post_form("/afmelden", &[("csrf", &csrf_in(&page))])
        .await;
    assert_eq!(cancelled.status(), StatusCode::SEE_OTHER);
    assert!(
        cancelled.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/aanmelden"),
    );
    // The half-finished session is gone, not only its cookie.
    assert_eq!(sessions(), 0);
    assert_eq!(browser.get("/").await.headers()["location"], "/aanmelden");
    // The code step of an account with an app offers the same way out.
    sign_out(&Browser::signed_in(&app, employer).await).await;
    let at_code = password_step(&app, &employer.username, &employer.password).await;
    let code_page = at_code.get("/aanmelden/code").await.text().await.unwrap();
    assert!(code_page.contains("Annuleren en afmelden"), "{code_page}");
    app.stop().await;
}
