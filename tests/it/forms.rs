//! Every state-changing route of the route table refuses a form without its token, or with a
//! token that is not its own — walked from `web::route_list::ROUTES`, so a new route is covered
//! as soon as it is listed (and a test keeps the list complete).

use reqwest::StatusCode;

use crate::support::{Browser, TestApp, csrf_in, demo, login};
use loondossier::web::route_list::{Guard, ROUTES, Route};

/// The body a route gets: `token` as its `csrf` field (none when `None`), and harmless values
/// for the fields a form of that route would have.
fn fields(token: Option<&str>) -> Vec<(&'static str, String)> {
    let mut fields = vec![
        ("username", "demo-werknemer-1".to_owned()),
        ("password", "zeven groene kikkers zingen luid".to_owned()),
        ("repeated", "zeven groene kikkers zingen luid".to_owned()),
        ("current", "niet het wachtwoord".to_owned()),
        ("email", "iemand@example.nl".to_owned()),
        ("language", "en".to_owned()),
        ("code", "123456".to_owned()),
        ("action", "read".to_owned()),
        ("id", "0123456789abcdef0123456789abcdef".to_owned()),
    ];
    if let Some(token) = token {
        fields.push(("csrf", token.to_owned()));
    }
    fields
}

async fn post(browser: &Browser, route: &Route, token: Option<&str>) -> reqwest::Response {
    let path = route.sample();
    if ["upload", "letter", "request_submit"].contains(&route.name) {
        let mut form = reqwest::multipart::Form::new();
        if let Some(token) = token {
            form = form.text("csrf", token.to_owned());
        }
        let form = if route.name == "letter" {
            form.text("titel", "Brief")
        } else if route.name == "request_submit" {
            form.text("van", "2026-12-21")
        } else {
            form.text("kind", "id_copy")
        };
        let form = form.part(
            "file",
            reqwest::multipart::Part::bytes(b"%PDF-1.7".to_vec()).file_name("a.pdf"),
        );
        return browser.post_multipart(&path, form).await;
    }
    let body = fields(token);
    let pairs: Vec<(&str, &str)> = body.iter().map(|(k, v)| (*k, v.as_str())).collect();
    browser.post_form(&path, &pairs).await
}

/// The signed-in session's routes: a form without a token, or with another session's, is
/// refused with 403 and changes nothing (the session still works, the language is unchanged).
#[tokio::test]
async fn session_forms_refuse_a_missing_or_foreign_token() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let owner = Browser::signed_in(&app, login(&report, "demo-werknemer-1")).await;
    let other = Browser::signed_in(&app, login(&report, "demo-werknemer-2")).await;
    let foreign = other.page_csrf().await;
    let routes: Vec<&Route> = ROUTES
        .iter()
        .filter(|r| r.guard == Guard::Session)
        .collect();
    assert!(routes.len() >= 15, "{routes:?}");
    for route in routes {
        for (what, token) in [
            ("no token", None),
            ("a foreign token", Some(foreign.as_str())),
        ] {
            let response = post(&owner, route, token).await;
            assert_eq!(
                response.status(),
                StatusCode::FORBIDDEN,
                "{} ({}) with {what}",
                route.name,
                route.path
            );
        }
    }
    // Nothing happened: still signed in, still in Dutch.
    let home = owner.get("/").await;
    assert_eq!(home.status(), StatusCode::OK, "still signed in");
    assert!(home.text().await.unwrap().contains("lang=\"nl\""));
    app.stop().await;
}

/// The forms before signing in: without the browser's form cookie and token, or with a token
/// that is not the cookie's, refused with 403.
#[tokio::test]
async fn forms_before_signing_in_refuse_a_missing_or_foreign_token() {
    let app = TestApp::start().await;
    demo(&app).await;
    let routes: Vec<&Route> = ROUTES
        .iter()
        .filter(|r| r.guard == Guard::Browser)
        .collect();
    assert!(routes.len() >= 4, "{routes:?}");
    for route in routes {
        let fresh = Browser::new(&app);
        let response = post(&fresh, route, None).await;
        assert_eq!(
            response.status(),
            StatusCode::FORBIDDEN,
            "{} with no token",
            route.name
        );
        // A browser with its own form cookie, posting someone else's token.
        let browser = Browser::new(&app);
        let own = csrf_in(&browser.get("/aanmelden").await.text().await.unwrap());
        let theirs = csrf_in(
            &Browser::new(&app)
                .get("/aanmelden")
                .await
                .text()
                .await
                .unwrap(),
        );
        assert_ne!(own, theirs);
        let response = post(&browser, route, Some(&theirs)).await;
        assert_eq!(
            response.status(),
            StatusCode::FORBIDDEN,
            "{} with a foreign token",
            route.name
        );
    }
    app.stop().await;
}

/// The steps of a half-finished sign-in: refused without that sign-in's token, or with another
/// one's; without a half-finished sign-in at that step, back to the sign-in page.
#[tokio::test]
async fn sign_in_steps_refuse_a_missing_or_foreign_token() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let employer = login(&report, "demo-werkgever-1");
    let bureau = login(&report, "demo-bureau");
    // Two half-finished sign-ins at the set-up step (no app yet).
    let first = Browser::new(&app);
    first.sign_in(&employer.username, &employer.password).await;
    let second = Browser::new(&app);
    second.sign_in(&bureau.username, &bureau.password).await;
    let foreign = csrf_in(
        &second
            .get("/aanmelden/instellen")
            .await
            .text()
            .await
            .unwrap(),
    );
    let enrol_steps = [
        "enrol_start",
        "enrol_confirm",
        "passkey_enrol_options",
        "passkey_enrol",
    ];
    for name in enrol_steps {
        let route = ROUTES.iter().find(|r| r.name == name).unwrap();
        for (what, token) in [
            ("no token", None),
            ("a foreign token", Some(foreign.as_str())),
        ] {
            let response = post(&first, route, token).await;
            assert_eq!(
                response.status(),
                StatusCode::FORBIDDEN,
                "{name} with {what}"
            );
        }
        // A browser with no sign-in under way is sent to sign in.
        let response = post(&Browser::new(&app), route, Some(&foreign)).await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "{name} without a sign-in"
        );
    }
    // The code step: an account with an app, half signed in.
    Browser::signed_in(&app, employer).await;
    let half = Browser::new(&app);
    half.sign_in(&employer.username, &employer.password).await;
    let code_steps = ["code_submit", "passkey_code_options", "passkey_code"];
    for name in code_steps {
        let route = ROUTES.iter().find(|r| r.name == name).unwrap();
        for (what, token) in [
            ("no token", None),
            ("a foreign token", Some(foreign.as_str())),
        ] {
            let response = post(&half, route, token).await;
            assert_eq!(
                response.status(),
                StatusCode::FORBIDDEN,
                "{name} with {what}"
            );
        }
    }
    // Every pending-step route was walked.
    assert_eq!(
        ROUTES.iter().filter(|r| r.guard == Guard::Pending).count(),
        enrol_steps.len() + code_steps.len()
    );
    app.stop().await;
}

/// What changes nothing but costs work answers our own pages only.
#[tokio::test]
async fn same_origin_routes_refuse_other_origins() {
    let app = TestApp::start().await;
    let client = reqwest::Client::new();
    for route in ROUTES.iter().filter(|r| r.guard == Guard::SameOrigin) {
        let response = client
            .post(format!("{}{}", app.running.url(), route.sample()))
            .header("origin", "https://evil.example")
            .form(&[("password", "x")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{}", route.name);
    }
    app.stop().await;
}

/// A refused form keeps the user's place: the page has the menu and leads back to the page the
/// form was on (its `Referer`, ours only), not just to the start page.
#[tokio::test]
async fn a_refused_form_leads_back_to_where_the_user_was() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let owner = Browser::signed_in(&app, login(&report, "demo-werknemer-1")).await;
    let token = owner.page_csrf().await;
    let from = format!("{}/dossier?jaar=2025", app.running.url());
    let refused = owner
        .client
        .post(format!("{}/documenten/acties", app.running.url()))
        .header("referer", &from)
        .form(&[
            ("csrf", token.as_str()),
            ("action", "explode"),
            ("id", "00000000000000000000000000000000"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST, "no such action");
    let page = refused.text().await.unwrap();
    assert!(page.contains("href=\"/dossier?jaar=2025\""), "{page}");
    assert!(
        page.contains("href=\"/ongelezen\""),
        "inside the layout, with the menu: {page}"
    );
    // The page belongs to the one the form was on: the language switch comes back there, and
    // that menu item is the current one.
    assert!(
        page.contains("name=\"terug\" value=\"/dossier?jaar=2025\""),
        "{page}"
    );
    assert!(
        page.contains("href=\"/dossier\" aria-current=\"page\""),
        "{page}"
    );
    // Another site's address is not a way back.
    let elsewhere = owner
        .client
        .post(format!("{}/documenten/acties", app.running.url()))
        .header("referer", "https://evil.example/dossier")
        .form(&[
            ("csrf", token.as_str()),
            ("action", "explode"),
            ("id", "00000000000000000000000000000000"),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!elsewhere.contains("evil.example"), "{elsewhere}");
    // A form's answer drawn on its own page (Profiel, refusing a wrong password) belongs to the
    // page the form was on as well: the form's address has no page to switch language on.
    let profile = format!("{}/profiel", app.running.url());
    for (referer, back) in [(Some(profile.as_str()), "/profiel"), (None, "/")] {
        let mut request = owner
            .client
            .post(format!("{}/profiel/gebruikersnaam", app.running.url()))
            .form(&[
                ("csrf", token.as_str()),
                ("username", "iemand-anders"),
                ("password", "niet het wachtwoord"),
            ]);
        if let Some(referer) = referer {
            request = request.header("referer", referer);
        }
        let refused = request.send().await.unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        let page = refused.text().await.unwrap();
        let switch = format!("name=\"terug\" value=\"{back}\"");
        assert!(page.contains(&switch), "{switch}: {page}");
    }
    app.stop().await;
}

/// A document opened from an employee's dossier leads back there, not to the reader's own
/// dossier; and a language change is confirmed in the new language.
#[tokio::test]
async fn details_lead_back_to_the_dossier_they_came_from_and_languages_confirm_in_themselves() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let employer = Browser::signed_in(&app, login(&report, "demo-werkgever-1")).await;
    let list = employer.get("/werknemers").await.text().await.unwrap();
    let dossier = list
        .split("href=\"/werknemers/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(|id| format!("/werknemers/{id}"))
        .expect("an employee's dossier");
    let page = employer.get(&dossier).await.text().await.unwrap();
    let details = page
        .split("href=\"/documenten/")
        .filter_map(|rest| rest.split('"').next())
        .find(|href| href.ends_with("/details"))
        .map(|href| format!("/documenten/{href}"))
        .expect("a document's details");
    let opened = employer
        .client
        .get(format!("{}{details}", app.running.url()))
        .header("referer", format!("{}{dossier}", app.running.url()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(opened.contains(&format!("href=\"{dossier}\"")), "{opened}");

    let employee = Browser::signed_in(&app, login(&report, "demo-werknemer-1")).await;
    let token = employee.page_csrf().await;
    let saved = employee
        .post_form("/profiel/taal", &[("csrf", &token), ("language", "en")])
        .await;
    let saved = employee.follow(saved).await.text().await.unwrap();
    assert!(saved.contains("Your language has been saved."), "{saved}");
    // The footer's switch, signed in: a form that sets the account's language and comes back.
    let dossier = employee.get("/dossier").await.text().await.unwrap();
    assert!(
        dossier.contains("action=\"/profiel/taal\"") && dossier.contains(">Nederlands</button>"),
        "{dossier}"
    );
    let token = employee.page_csrf().await;
    let switched = employee
        .post_form(
            "/profiel/taal",
            &[("csrf", &token), ("language", "nl"), ("terug", "/dossier")],
        )
        .await;
    assert_eq!(switched.status(), StatusCode::SEE_OTHER);
    assert_eq!(switched.headers()["location"], "/dossier");
    let back = employee.get("/dossier").await.text().await.unwrap();
    assert!(back.contains("lang=\"nl\""), "{back}");
    app.stop().await;
}

/// After an action on ticked documents the dossier comes back on the same year and says what
/// was done, once.
#[tokio::test]
async fn an_action_says_what_it_did_on_the_page_it_returns_to() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let owner = Browser::signed_in(&app, login(&report, "demo-werknemer-1")).await;
    let page = owner.get("/dossier").await.text().await.unwrap();
    let back = page
        .split("name=\"terug\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the form's way back")
        .to_owned();
    assert!(back.starts_with("/dossier?jaar="), "{back}");
    // A search stays after the action, so the list the user acted on comes back.
    let searched = owner
        .get("/dossier?zoek-overig=ID%20kopie")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        searched.contains("&amp;zoek-overig=ID+kopie\""),
        "the way back keeps the search: {searched}"
    );
    let mut ids: Vec<&str> = page
        .split("href=\"/documenten/")
        .filter_map(|rest| rest.split('"').next())
        .filter(|href| href.len() == 32)
        .collect();
    // A row links its document twice (the name and the view icon).
    ids.dedup();
    let ids: Vec<&str> = ids.into_iter().take(2).collect();
    assert_eq!(ids.len(), 2, "{page}");
    let token = owner.page_csrf().await;
    let body = format!(
        "csrf={token}&action=read&terug={}&id={}&id={}",
        url::form_urlencoded::byte_serialize(back.as_bytes()).collect::<String>(),
        ids[0],
        ids[1]
    );
    let done = owner.post_raw("/documenten/acties", body).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let location = done.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with(&back), "{location}");
    let returned = owner.get(&location).await.text().await.unwrap();
    assert!(
        returned.contains(
            "<p class=\"notice\" role=\"status\">2 bestanden als gelezen gemarkeerd.</p>"
        ),
        "{returned}"
    );
    app.stop().await;
}
