//! Signing in and out over HTTP with the manual clock: cookies, rotation, expiry, CSRF,
//! throttling, links, forgotten usernames and passwords, and changing a password.

use chrono::Duration;
use reqwest::StatusCode;

use crate::support::{Browser, TestApp, TestCert, config_text, csrf_in, demo, login};

fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

fn session_cookie(response: &reqwest::Response, name: &str) -> String {
    set_cookies(response)
        .into_iter()
        .find(|c| c.starts_with(&format!("{name}=")) && !c.contains("Max-Age=0"))
        .unwrap_or_else(|| panic!("no {name} cookie in {:?}", set_cookies(response)))
}

fn db(app: &TestApp) -> loondossier::store::Connection {
    loondossier::store::Connection::open(app.data_dir.join("loondossier.db")).unwrap()
}

#[tokio::test]
async fn every_role_signs_in_and_out_and_the_cookie_is_right() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    // The cookie of a sign-in that needs only the password (employees, by default).
    let browser = Browser::new(&app);
    let credentials = login(&report, "demo-werknemer-1");
    let response = browser
        .sign_in(&credentials.username, &credentials.password)
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let cookie = session_cookie(&response, "loondossier");
    assert!(
        cookie.ends_with("; Path=/; HttpOnly; SameSite=Lax"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP for local use: {cookie}"
    );
    // The anonymous form token is dropped at sign-in.
    assert!(
        set_cookies(&response)
            .iter()
            .any(|c| c.starts_with("loondossier-form=;"))
    );
    // Bureau and employer set up their second factor on the way in.
    for username in ["demo-bureau", "demo-werkgever-1", "demo-werknemer-1"] {
        let browser = Browser::signed_in(&app, login(&report, username)).await;
        let start = browser.get("/").await;
        assert_eq!(start.status(), StatusCode::OK, "{username}");
        let page = start.text().await.unwrap();
        assert!(page.contains("Afmelden"), "{username}");

        let csrf = csrf_in(&page);
        let out = browser.post_form("/afmelden", &[("csrf", &csrf)]).await;
        assert_eq!(out.status(), StatusCode::SEE_OTHER);
        assert_eq!(out.headers()["location"], "/aanmelden?afgemeld=1");
        assert_eq!(
            out.headers()["clear-site-data"],
            "\"cache\", \"cookies\", \"storage\""
        );
        assert!(
            set_cookies(&out)
                .iter()
                .any(|c| c.starts_with("loondossier=;") && c.contains("Max-Age=0"))
        );
        assert_eq!(browser.get("/").await.status(), StatusCode::SEE_OTHER);
    }
    app.stop().await;
}

#[tokio::test]
async fn a_signed_out_session_cannot_be_replayed() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    // A client that keeps no cookies: the session id travels only as we send it.
    let stolen = raw_session_cookie(&app, &report).await;
    let with_cookie = |path: &str| {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .get(app.url(path))
            .header("cookie", format!("loondossier={stolen}"))
    };
    let page = with_cookie("/").send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let csrf = csrf_in(&page.text().await.unwrap());
    let out = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(app.url("/afmelden"))
        .header("cookie", format!("loondossier={stolen}"))
        .form(&[("csrf", csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let replay = with_cookie("/").send().await.unwrap();
    assert_eq!(
        replay.status(),
        StatusCode::SEE_OTHER,
        "the session is gone on the server"
    );
    let sessions: i64 = db(&app)
        .query_row("SELECT count(*) FROM sessions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(sessions, 0);
    app.stop().await;
}

/// Signs in with a plain client and returns the session id from Set-Cookie.
async fn raw_session_cookie(
    app: &TestApp,
    report: &loondossier::service::demo::DemoReport,
) -> String {
    let browser = Browser::new(app);
    let credentials = login(report, "demo-werknemer-1");
    let response = browser
        .sign_in(&credentials.username, &credentials.password)
        .await;
    let cookie = session_cookie(&response, "loondossier");
    cookie
        .split(';')
        .next()
        .unwrap()
        .split('=')
        .nth(1)
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn each_sign_in_gets_a_new_session_id() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let first = raw_session_cookie(&app, &report).await;
    let second = raw_session_cookie(&app, &report).await;
    assert_ne!(first, second);
    assert_eq!(first.len(), 32, "128 bits as hex");
    // Only hashes are stored.
    let stored: Vec<String> = {
        let conn = db(&app);
        let mut statement = conn.prepare("SELECT token_hash FROM sessions").unwrap();
        statement
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert!(!stored.contains(&first) && stored.iter().all(|h| h.len() == 64));
    app.stop().await;
}

#[tokio::test]
async fn over_tls_the_cookie_is_host_prefixed_and_secure() {
    let tmp = tempfile::tempdir().unwrap();
    let cert = TestCert::write(tmp.path());
    let text = config_text(tmp.path(), &cert.tls_section(""));
    let app = TestApp::start_in(tmp, &text).await;
    let report = demo(&app).await;
    let base = format!("https://localhost:{}", app.running.local_addr().port());
    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(cert.pem.as_bytes()).unwrap())
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let browser = Browser { client, base };
    let credentials = login(&report, "demo-werknemer-1");
    let response = browser
        .sign_in(&credentials.username, &credentials.password)
        .await;
    let cookie = session_cookie(&response, "__Host-loondossier");
    assert!(
        cookie.ends_with("; Path=/; HttpOnly; Secure; SameSite=Lax"),
        "{cookie}"
    );
    assert_eq!(browser.get("/").await.status(), StatusCode::OK);
    app.stop().await;
}

#[tokio::test]
async fn sessions_end_when_idle_and_at_their_absolute_limit() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let browser = Browser::signed_in(&app, login(&report, "demo-werknemer-1")).await;
    app.clock.advance(Duration::minutes(14));
    assert_eq!(
        browser.get("/").await.status(),
        StatusCode::OK,
        "14 minutes idle is fine"
    );
    app.clock.advance(Duration::minutes(16));
    assert_eq!(
        browser.get("/").await.status(),
        StatusCode::SEE_OTHER,
        "16 minutes idle is not"
    );

    let busy = Browser::signed_in(&app, login(&report, "demo-werknemer-1")).await;
    for _ in 0..47 {
        app.clock.advance(Duration::minutes(10));
        assert_eq!(busy.get("/").await.status(), StatusCode::OK);
    }
    app.clock.advance(Duration::minutes(11));
    assert_eq!(
        busy.get("/").await.status(),
        StatusCode::SEE_OTHER,
        "8 hours is the end"
    );
    app.stop().await;
}

#[tokio::test]
async fn forms_from_elsewhere_are_refused() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let credentials = login(&report, "demo-werknemer-1");
    let browser = Browser::new(&app);
    let page = browser.get("/aanmelden").await.text().await.unwrap();
    let csrf = csrf_in(&page);
    let fields = [
        ("csrf", csrf.as_str()),
        ("username", credentials.username.as_str()),
        ("password", credentials.password.as_str()),
    ];
    let wrong_token = browser
        .post_form(
            "/aanmelden",
            &[
                ("csrf", "0123456789abcdef0123456789abcdef"),
                fields[1],
                fields[2],
            ],
        )
        .await;
    assert_eq!(wrong_token.status(), StatusCode::FORBIDDEN);
    for (header, value) in [
        ("sec-fetch-site", "cross-site"),
        ("origin", "https://evil.example"),
    ] {
        let response = browser
            .client
            .post(format!("{}/aanmelden", browser.base))
            .header(header, value)
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::FORBIDDEN,
            "{header}: {value}"
        );
    }
    // Without the cookie (another browser) the token alone does not do.
    let stranger = Browser::new(&app).post_form("/aanmelden", &fields).await;
    assert_eq!(stranger.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        browser.post_form("/aanmelden", &fields).await.status(),
        StatusCode::SEE_OTHER
    );

    // Signing out needs the session's token too.
    let out = browser
        .post_form("/afmelden", &[("csrf", "0123456789abcdef0123456789abcdef")])
        .await;
    assert_eq!(out.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        browser.get("/").await.status(),
        StatusCode::OK,
        "still signed in"
    );
    app.stop().await;
}

/// The visible text of a page with the form token taken out (it differs per browser).
fn without_token(html: &str) -> String {
    // Every form on the page carries it (the password form and the passkey button's).
    let mut text = html.to_owned();
    while let Some(at) = text.find("name=\"csrf\" value=\"") {
        text = format!("{}{}", &text[..at], &text[at + 19 + 32..]);
    }
    text
}

#[tokio::test]
async fn wrong_password_and_unknown_username_look_the_same() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let known = Browser::new(&app)
        .sign_in("demo-werknemer-1", "not the password at all")
        .await;
    let unknown = Browser::new(&app)
        .sign_in("nobody-here", "not the password at all")
        .await;
    assert_eq!(known.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    let (a, b) = (known.text().await.unwrap(), unknown.text().await.unwrap());
    assert_eq!(
        without_token(&a).replace("demo-werknemer-1", "X"),
        without_token(&b).replace("nobody-here", "X")
    );
    assert!(a.contains("De gebruikersnaam of het wachtwoord klopt niet."));
    let _ = report;
    app.stop().await;
}

#[tokio::test]
async fn repeated_failures_slow_down_and_then_release() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let credentials = login(&report, "demo-werknemer-1");
    let browser = Browser::new(&app);
    for attempt in 1..=5 {
        let response = browser
            .sign_in(&credentials.username, "wrong wrong wrong")
            .await;
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "attempt {attempt}"
        );
    }
    // Now even the right password waits: 429 with Retry-After.
    let blocked = browser
        .sign_in(&credentials.username, &credentials.password)
        .await;
    assert_eq!(blocked.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(blocked.headers()["retry-after"], "2");
    // The same for a username that does not exist, so existence does not show.
    for _ in 1..=5 {
        browser.sign_in("nobody-here", "wrong wrong wrong").await;
    }
    let unknown = browser.sign_in("nobody-here", "wrong wrong wrong").await;
    assert_eq!(unknown.status(), StatusCode::TOO_MANY_REQUESTS);

    app.clock.advance(Duration::seconds(3));
    let released = browser
        .sign_in(&credentials.username, &credentials.password)
        .await;
    assert_eq!(
        released.status(),
        StatusCode::SEE_OTHER,
        "the delay was soft"
    );
    let audited: i64 = db(&app)
        .query_row(
            "SELECT count(*) FROM audit_events WHERE action = 'login_failed'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(audited >= 10, "{audited}");
    app.stop().await;
}

#[tokio::test]
async fn stored_hashes_carry_the_argon2_parameters() {
    let app = TestApp::start().await;
    demo(&app).await;
    let hash: String = db(&app)
        .query_row(
            "SELECT password_hash FROM accounts WHERE username = 'demo-werknemer-1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
    app.stop().await;
}

/// The queued mail of a kind to an address, newest last.
fn outbox(app: &TestApp, message: &str) -> Vec<loondossier::store::outbox::Queued> {
    crate::support::queued_mail(&app.data_dir, message)
}

/// The queued mail of kind `message` once there is some (the forgot forms queue it after
/// answering); a bound against hanging, not a speed check.
async fn queued_soon(app: &TestApp, message: &str) -> Vec<loondossier::store::outbox::Queued> {
    crate::support::eventually("queued mail", async || {
        let mails = outbox(app, message);
        (!mails.is_empty()).then_some(mails)
    })
    .await
}

#[tokio::test]
async fn forgot_pages_answer_the_same_whatever_was_entered() {
    let app = TestApp::start().await;
    demo(&app).await;
    let browser = Browser::new(&app);
    let csrf = csrf_in(
        &browser
            .get("/wachtwoord-vergeten")
            .await
            .text()
            .await
            .unwrap(),
    );
    let known = browser
        .post_form(
            "/wachtwoord-vergeten",
            &[("csrf", &csrf), ("username", "demo-werknemer-1")],
        )
        .await;
    let unknown = browser
        .post_form(
            "/wachtwoord-vergeten",
            &[("csrf", &csrf), ("username", "nobody-here")],
        )
        .await;
    let strip = |r: &reqwest::Response| {
        let mut h = r.headers().clone();
        h.remove("date");
        h
    };
    assert_eq!(known.status(), unknown.status());
    assert_eq!(strip(&known), strip(&unknown));
    let said = browser.follow(known).await.text().await.unwrap();
    assert_eq!(said, browser.follow(unknown).await.text().await.unwrap());
    assert!(said.contains("ontvangt u binnen enkele minuten"), "{said}");
    // The work goes on after the answer.
    let mails = queued_soon(&app, "reset_password").await;
    assert_eq!(mails.len(), 1, "only the real account gets mail");

    let csrf = csrf_in(
        &browser
            .get("/gebruikersnaam-vergeten")
            .await
            .text()
            .await
            .unwrap(),
    );
    let employee_email: String = db(&app)
        .query_row(
            "SELECT w.work_email FROM employees w JOIN accounts a ON a.employee_id = w.id \
             WHERE a.username = 'demo-werknemer-1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let known = browser
        .post_form(
            "/gebruikersnaam-vergeten",
            &[("csrf", &csrf), ("email", &employee_email.to_uppercase())],
        )
        .await;
    let unknown = browser
        .post_form(
            "/gebruikersnaam-vergeten",
            &[("csrf", &csrf), ("email", "niemand@example.nl")],
        )
        .await;
    assert_eq!(strip(&known), strip(&unknown));
    let said = browser.follow(known).await.text().await.unwrap();
    assert_eq!(said, browser.follow(unknown).await.text().await.unwrap());
    assert!(said.contains("ontvangt u binnen enkele minuten"), "{said}");
    let mails = queued_soon(&app, "forgot_username").await;
    assert_eq!(mails.len(), 1);
    assert_eq!(
        mails[0].params["usernames"],
        serde_json::json!(["demo-werknemer-1"])
    );
    // Exactly one identifier: a list is refused.
    let list = browser
        .client
        .post(format!("{}/gebruikersnaam-vergeten", browser.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "csrf={csrf}&email=a%40example.nl&email=b%40example.nl"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), StatusCode::BAD_REQUEST);
    app.stop().await;
}

#[tokio::test]
async fn a_reset_link_works_once_survives_prefetching_and_ends_all_sessions() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let credentials = login(&report, "demo-werknemer-1");
    let signed_in = Browser::signed_in(&app, credentials).await;

    app.running
        .services()
        .forgot_password(Default::default(), "demo-werknemer-1")
        .await
        .unwrap();
    let mail = outbox(&app, "reset_password").remove(0);
    let link = mail.params["link"].as_str().unwrap().to_owned();
    assert!(
        link.starts_with(&format!("{}/wachtwoord/", app.running.url())),
        "{link}"
    );
    let path = link.trim_start_matches(app.running.url()).to_owned();

    let browser = Browser::new(&app);
    // A mail scanner opening the link twice does not use it up.
    assert_eq!(browser.get(&path).await.status(), StatusCode::OK);
    let form = browser.get(&path).await.text().await.unwrap();
    assert!(form.contains("demo-werknemer-1"));
    let csrf = csrf_in(&form);
    let weak = browser
        .post_form(
            &path,
            &[
                ("csrf", &csrf),
                ("password", "welkom123456789"),
                ("repeated", "welkom123456789"),
            ],
        )
        .await;
    assert_eq!(weak.status(), StatusCode::BAD_REQUEST);
    assert!(weak.text().await.unwrap().contains("te makkelijk te raden"));
    let new_password = "zeven groene kikkers zingen luid";
    let set = browser
        .post_form(
            &path,
            &[
                ("csrf", &csrf),
                ("password", new_password),
                ("repeated", new_password),
            ],
        )
        .await;
    // On to sign in, saying so (and a reload of that page repeats nothing).
    let set = browser.follow(set).await.text().await.unwrap();
    assert!(set.contains("Uw wachtwoord is opgeslagen."), "{set}");
    assert!(set.contains("action=\"/aanmelden\""), "{set}");
    let again = browser
        .post_form(
            &path,
            &[
                ("csrf", &csrf),
                ("password", new_password),
                ("repeated", new_password),
            ],
        )
        .await;
    assert_eq!(again.status(), StatusCode::GONE, "single use");
    assert_eq!(browser.get(&path).await.status(), StatusCode::GONE);

    assert_eq!(
        signed_in.get("/").await.status(),
        StatusCode::SEE_OTHER,
        "sessions revoked"
    );
    assert_eq!(
        browser.get("/").await.status(),
        StatusCode::SEE_OTHER,
        "no automatic sign-in"
    );
    assert_eq!(outbox(&app, "password_changed").len(), 1);
    let fresh = Browser::new(&app);
    assert_eq!(
        fresh
            .sign_in("demo-werknemer-1", new_password)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );

    // Reset links expire after 30 minutes.
    app.running
        .services()
        .forgot_password(Default::default(), "demo-werknemer-1")
        .await
        .unwrap();
    let later = outbox(&app, "reset_password").pop().unwrap();
    let path = later.params["link"]
        .as_str()
        .unwrap()
        .trim_start_matches(app.running.url())
        .to_owned();
    app.clock.advance(Duration::minutes(31));
    assert_eq!(browser.get(&path).await.status(), StatusCode::GONE);
    app.stop().await;
}

#[tokio::test]
async fn changing_the_password_keeps_this_session_and_ends_the_others() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let credentials = login(&report, "demo-werknemer-1");
    let here = Browser::signed_in(&app, credentials).await;
    let elsewhere = Browser::signed_in(&app, credentials).await;
    let csrf = csrf_in(&here.get("/profiel").await.text().await.unwrap());
    let wrong = here
        .post_form(
            "/profiel/wachtwoord",
            &[
                ("csrf", &csrf),
                ("current", "not it"),
                ("password", "x"),
                ("repeated", "x"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("Het huidige wachtwoord klopt niet.")
    );
    let new_password = "drie blauwe vogels op het dak";
    let changed = here
        .post_form(
            "/profiel/wachtwoord",
            &[
                ("csrf", &csrf),
                ("current", &credentials.password),
                ("password", new_password),
                ("repeated", new_password),
            ],
        )
        .await;
    let changed = here.follow(changed).await.text().await.unwrap();
    assert!(changed.contains("Uw wachtwoord is gewijzigd."), "{changed}");
    assert_eq!(here.get("/").await.status(), StatusCode::OK);
    assert_eq!(elsewhere.get("/").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(outbox(&app, "password_changed").len(), 1);
    app.stop().await;
}

/// The passkey button's options name this portal and ask for user verification; a flood of
/// clicks from one address is refused (429 with Retry-After) before it can push other people's
/// waiting sign-ins out of the shared list; a made-up answer signs nobody in.
#[tokio::test]
async fn passkey_options_name_the_portal_and_a_flood_of_them_is_refused() {
    let app = TestApp::start().await;
    let browser = Browser::new(&app);
    let page = browser.get("/aanmelden").await.text().await.unwrap();
    assert!(page.contains("data-passkey=\"get\""), "{page}");
    let csrf = csrf_in(&page);
    let first = browser
        .post_form("/aanmelden/passkey", &[("csrf", &csrf)])
        .await;
    assert_eq!(first.status(), StatusCode::OK);
    let options: serde_json::Value = first.json().await.unwrap();
    assert_eq!(options["rpId"], "localhost", "{options}");
    assert_eq!(options["userVerification"], "required", "{options}");
    let mut answered = Vec::new();
    for _ in 0..40 {
        let response = browser
            .post_form("/aanmelden/passkey", &[("csrf", &csrf)])
            .await;
        answered.push(response.status());
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            assert!(response.headers().contains_key("retry-after"));
            break;
        }
    }
    assert_eq!(
        answered.last(),
        Some(&StatusCode::TOO_MANY_REQUESTS),
        "{answered:?}"
    );
    assert!(answered.len() >= 29, "refused too early: {answered:?}");
    let made_up = browser
        .post_form(
            "/aanmelden/passkey/klaar",
            &[("csrf", &csrf), ("credential", "{\"id\":\"x\"}")],
        )
        .await;
    assert_eq!(made_up.status(), StatusCode::UNAUTHORIZED);
    assert!(
        !set_cookies(&made_up)
            .iter()
            .any(|c| c.starts_with("loondossier=")),
        "a session cookie for a made-up answer"
    );
    app.stop().await;
}
