//! Profiel over HTTP: username, language, the employee's private e-mail address (confirmed by
//! a link, after which sign-in mail goes there), and the password strength hint.

use reqwest::StatusCode;

use crate::support::{Browser, TestApp, csrf_in, demo, login};

fn queued(app: &TestApp, message: &str) -> Vec<loondossier::store::outbox::Queued> {
    crate::support::queued_mail(&app.data_dir, message)
}

#[tokio::test]
async fn a_new_username_is_unique_and_works_at_once() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let employee = login(&report, "demo-werknemer-1");
    let browser = Browser::signed_in(&app, employee).await;
    let csrf = csrf_in(&browser.get("/profiel").await.text().await.unwrap());
    let password = employee.password.as_str();
    let taken = browser
        .post_form(
            "/profiel/gebruikersnaam",
            &[
                ("csrf", &csrf),
                ("username", "DEMO-BUREAU"),
                ("password", password),
            ],
        )
        .await;
    assert_eq!(taken.status(), StatusCode::BAD_REQUEST);
    assert!(taken.text().await.unwrap().contains("al in gebruik"));
    // A borrowed session is not enough: the password is asked again.
    for wrong in [None, Some("niet mijn wachtwoord")] {
        let mut form = vec![("csrf", csrf.as_str()), ("username", "Overgenomen")];
        form.extend(wrong.map(|w| ("password", w)));
        let refused = browser.post_form("/profiel/gebruikersnaam", &form).await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        assert!(
            refused
                .text()
                .await
                .unwrap()
                .contains("huidige wachtwoord klopt niet")
        );
    }
    assert!(queued(&app, "account_changed").is_empty());
    let changed = browser
        .post_form(
            "/profiel/gebruikersnaam",
            &[
                ("csrf", &csrf),
                ("username", "Anja.Bakker"),
                ("password", password),
            ],
        )
        .await;
    assert_eq!(
        changed.headers()["location"],
        "/profiel?gedaan=gebruikersnaam"
    );
    let changed = browser.follow(changed).await;
    assert_eq!(changed.status(), StatusCode::OK);
    let told = queued(&app, "account_changed");
    assert_eq!(told.len(), 1, "the account's address is told");
    assert_eq!(told[0].params["what"], "username");
    assert!(
        changed
            .text()
            .await
            .unwrap()
            .contains("value=\"Anja.Bakker\"")
    );
    let fresh = Browser::new(&app);
    let response = fresh.sign_in("anja.bakker", &employee.password).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "case does not matter"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_private_address_is_confirmed_by_a_link_and_then_used() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let employee = login(&report, "demo-werknemer-1");
    let browser = Browser::signed_in(&app, employee).await;
    let csrf = csrf_in(&browser.get("/profiel").await.text().await.unwrap());
    let password = employee.password.as_str();
    let bad = browser
        .post_form(
            "/profiel/email",
            &[
                ("csrf", &csrf),
                ("email", "geen adres"),
                ("password", password),
            ],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let without = browser
        .post_form(
            "/profiel/email",
            &[("csrf", &csrf), ("email", "dief@elders.example")],
        )
        .await;
    assert_eq!(
        without.status(),
        StatusCode::FORBIDDEN,
        "password asked again"
    );
    assert!(queued(&app, "confirm_private_email").is_empty());
    let asked = browser
        .post_form(
            "/profiel/email",
            &[
                ("csrf", &csrf),
                ("email", "anja@prive.example"),
                ("password", password),
            ],
        )
        .await;
    let asked = browser.follow(asked).await.text().await.unwrap();
    assert!(asked.contains("We hebben een e-mail gestuurd"), "{asked}");
    let mail = queued(&app, "confirm_private_email").remove(0);
    assert_eq!(mail.to, "anja@prive.example");
    // The address sign-in mail goes to now hears of it (never the new address itself).
    let told = queued(&app, "account_changed");
    assert_eq!(told.len(), 1);
    assert_ne!(told[0].to, "anja@prive.example");
    assert_eq!(told[0].params["what"], "private_email");
    // Until confirmed, reset mail still goes to the work address.
    app.running
        .services()
        .forgot_password(Default::default(), &employee.username)
        .await
        .unwrap();
    assert_ne!(queued(&app, "reset_password")[0].to, "anja@prive.example");

    let path = mail.params["link"]
        .as_str()
        .unwrap()
        .trim_start_matches(app.running.url())
        .to_owned();
    // The link alone does nothing: signed out it asks to sign in first…
    let anonymous = Browser::new(&app);
    let page = anonymous.get(&path).await;
    assert_eq!(page.status(), StatusCode::SEE_OTHER);
    assert!(
        page.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/aanmelden?next=/email-bevestigen/")
    );
    // …and signed in as another account it is no link at all.
    let stranger = Browser::signed_in(&app, login(&report, "demo-werknemer-2")).await;
    assert_eq!(stranger.get(&path).await.status(), StatusCode::GONE);
    let stranger_csrf = stranger.page_csrf().await;
    assert_eq!(
        stranger
            .post_form(&path, &[("csrf", &stranger_csrf)])
            .await
            .status(),
        StatusCode::GONE
    );
    let page = browser.get(&path).await;
    assert_eq!(page.status(), StatusCode::OK);
    let token = csrf_in(&page.text().await.unwrap());
    let confirmed = browser.post_form(&path, &[("csrf", &token)]).await;
    let confirmed = browser.follow(confirmed).await.text().await.unwrap();
    assert!(confirmed.contains("is bevestigd"), "{confirmed}");
    assert_eq!(
        browser.post_form(&path, &[("csrf", &token)]).await.status(),
        StatusCode::GONE
    );

    // A new request after the quiet period (one reset mail per two minutes).
    app.clock.advance(chrono::Duration::minutes(3));
    app.running
        .services()
        .forgot_password(Default::default(), &employee.username)
        .await
        .unwrap();
    assert_eq!(
        queued(&app, "reset_password").last().unwrap().to,
        "anja@prive.example"
    );
    let page = browser.get("/profiel").await.text().await.unwrap();
    assert!(page.contains("anja@prive.example"));
    // Employers have no private address here.
    let employer = Browser::signed_in(&app, login(&report, "demo-werkgever-1")).await;
    let csrf = csrf_in(&employer.get("/profiel").await.text().await.unwrap());
    let refused = employer
        .post_form(
            "/profiel/email",
            &[("csrf", &csrf), ("email", "x@y.example")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    app.stop().await;
}

#[tokio::test]
async fn language_is_kept_for_mail() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let employee = login(&report, "demo-werknemer-1");
    let browser = Browser::signed_in(&app, employee).await;
    let csrf = csrf_in(&browser.get("/profiel").await.text().await.unwrap());
    let odd = browser
        .post_form("/profiel/taal", &[("csrf", &csrf), ("language", "fr")])
        .await;
    assert_eq!(odd.status(), StatusCode::BAD_REQUEST);
    let set = browser
        .post_form("/profiel/taal", &[("csrf", &csrf), ("language", "en")])
        .await;
    let set = browser.follow(set).await;
    assert_eq!(set.status(), StatusCode::OK);
    let page = set.text().await.unwrap();
    assert!(page.contains("<option value=\"en\" selected"), "{page}");
    // The page itself now speaks English.
    assert!(page.contains("<html lang=\"en\">"), "{page}");
    assert!(page.contains("Change password"), "{page}");
    // Said in the language just chosen.
    assert!(page.contains("Your language has been saved."), "{page}");
    app.running
        .services()
        .forgot_password(Default::default(), &employee.username)
        .await
        .unwrap();
    assert_eq!(queued(&app, "reset_password")[0].language, "en");
    app.stop().await;
}

#[tokio::test]
async fn the_strength_hint_rates_passwords() {
    let app = TestApp::start().await;
    let browser = Browser::new(&app);
    let rate = |password: &'static str| {
        let client = browser.client.clone();
        let url = format!("{}/wachtwoord-sterkte", browser.base);
        async move {
            let response = client
                .post(url)
                .form(&[("password", password)])
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            response.json::<serde_json::Value>().await.unwrap()
        }
    };
    let weak = rate("welkom123").await;
    assert_eq!(weak["acceptable"], false);
    let strong = rate("zeven groene kikkers zingen luid").await;
    assert_eq!(strong["acceptable"], true);
    assert!(strong["score"].as_u64().unwrap() > weak["score"].as_u64().unwrap());
    let cross = browser
        .client
        .post(format!("{}/wachtwoord-sterkte", browser.base))
        .header("sec-fetch-site", "cross-site")
        .form(&[("password", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);
    // The pages with new-password fields load the hint script.
    let page = browser.get("/aanmelden").await.text().await.unwrap();
    let script = page
        .split("src=\"")
        .filter_map(|s| s.split('"').next())
        .find(|s| s.ends_with("/password-strength.js"))
        .expect("script tag");
    assert_eq!(browser.get(script).await.status(), StatusCode::OK);
    app.stop().await;
}

#[tokio::test]
async fn looking_for_usernames_through_profiel_is_throttled_like_sign_in() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let employee = login(&report, "demo-werknemer-1");
    let browser = Browser::signed_in(&app, employee).await;
    let csrf = csrf_in(&browser.get("/profiel").await.text().await.unwrap());
    let ask = |name: &'static str| {
        let browser = browser.clone();
        let csrf = csrf.clone();
        let password = employee.password.clone();
        async move {
            browser
                .post_form(
                    "/profiel/gebruikersnaam",
                    &[("csrf", &csrf), ("username", name), ("password", &password)],
                )
                .await
                .status()
        }
    };
    for name in [
        "demo-bureau",
        "demo-werkgever-1",
        "demo-werkgever-2",
        "demo-werknemer-2",
        "DEMO-BUREAU",
    ] {
        assert_eq!(ask(name).await, StatusCode::BAD_REQUEST, "{name} is taken");
    }
    // After five answers about other accounts the next waits, even with the right password.
    assert_eq!(ask("een-vrije-naam").await, StatusCode::TOO_MANY_REQUESTS);
    app.clock.advance(chrono::Duration::seconds(3));
    assert_eq!(ask("een-vrije-naam").await, StatusCode::SEE_OTHER);
    app.stop().await;
}

#[tokio::test]
async fn the_strength_hint_is_bounded_per_client() {
    let app = TestApp::start().await;
    let browser = Browser::new(&app);
    let ask = || {
        let client = browser.client.clone();
        let url = format!("{}/wachtwoord-sterkte", browser.base);
        async move {
            client
                .post(url)
                .form(&[("password", "zeven groene kikkers")])
                .send()
                .await
                .unwrap()
        }
    };
    let per_minute = loondossier::service::STRENGTH_PER_MINUTE;
    for _ in 0..per_minute {
        assert_eq!(ask().await.status(), StatusCode::OK);
    }
    let refused = ask().await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers().contains_key("retry-after"));
    app.clock.advance(chrono::Duration::seconds(61));
    assert_eq!(ask().await.status(), StatusCode::OK);
    app.stop().await;
}
