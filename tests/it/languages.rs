//! Which language a page speaks: the browser's preference before signing in, the choice made
//! with the footer link over that, and the account's own language once signed in.

use reqwest::StatusCode;
use reqwest::header::{ACCEPT_LANGUAGE, COOKIE, LOCATION, SET_COOKIE};

use crate::support::{Browser, TestApp, demo, login};

async fn page(
    app: &TestApp,
    path: &str,
    headers: &[(reqwest::header::HeaderName, &str)],
) -> String {
    let mut request = app.client.get(app.url(path));
    for (name, value) in headers {
        request = request.header(name, *value);
    }
    request.send().await.unwrap().text().await.unwrap()
}

#[tokio::test]
async fn anonymous_pages_follow_the_browser_and_the_language_link() {
    let app = TestApp::start().await;
    let dutch = page(&app, "/aanmelden", &[]).await;
    assert!(dutch.contains("<html lang=\"nl\">") && dutch.contains("<h1>Aanmelden</h1>"));
    let english = page(&app, "/aanmelden", &[(ACCEPT_LANGUAGE, "en-GB,en;q=0.9")]).await;
    assert!(english.contains("<html lang=\"en\">") && english.contains("<h1>Sign in</h1>"));
    let preferred_dutch = page(
        &app,
        "/aanmelden",
        &[(ACCEPT_LANGUAGE, "de,nl;q=0.8,en;q=0.5")],
    )
    .await;
    assert!(preferred_dutch.contains("<h1>Aanmelden</h1>"));
    // "Not found" speaks the visitor's language too.
    let missing = page(&app, "/bestaat-niet", &[(ACCEPT_LANGUAGE, "en")]).await;
    assert!(missing.contains("Not found"));

    // The footer link sets a cookie that outweighs the browser, and comes back to the page.
    let chosen = app.get("/taal/nl?terug=/wachtwoord-vergeten").await;
    assert_eq!(chosen.status(), StatusCode::SEE_OTHER);
    assert_eq!(chosen.headers()[LOCATION], "/wachtwoord-vergeten");
    let cookie = chosen.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    assert!(
        cookie.starts_with("taal=nl;") && cookie.contains("Max-Age="),
        "{cookie}"
    );
    let kept = page(
        &app,
        "/aanmelden",
        &[(ACCEPT_LANGUAGE, "en"), (COOKIE, "taal=nl")],
    )
    .await;
    assert!(kept.contains("<h1>Aanmelden</h1>"));
    // Only local paths are followed, and an unknown language sets nothing.
    for bad in ["//evil.example/", "https://evil.example/"] {
        let away = app.get(&format!("/taal/en?terug={bad}")).await;
        assert_eq!(away.headers()[LOCATION], "/aanmelden", "{bad}");
    }
    let odd = app.get("/taal/fr").await;
    assert!(odd.headers().get(SET_COOKIE).is_none());
    app.stop().await;
}

#[tokio::test]
async fn signed_in_pages_speak_the_accounts_language() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let employee = Browser::signed_in(&app, login(&report, "demo-werknemer-1")).await;
    let home = employee.get("/").await.text().await.unwrap();
    assert!(home.contains("<h1>Mijn gegevens</h1>"), "Dutch by default");
    let csrf = employee.page_csrf().await;
    let set = employee
        .post_form("/profiel/taal", &[("csrf", &csrf), ("language", "en")])
        .await;
    assert_eq!(set.status(), StatusCode::SEE_OTHER);
    for (path, text) in [
        ("/", "<h1>My details</h1>"),
        ("/dossier", "Payroll files for"),
        ("/ongelezen", "<h1>Unread ("),
        ("/profiel", "Change password"),
        ("/verzoeken", "<h1>Requests</h1>"),
        ("/verzoeken/nieuw/verlof", "Submit the request"),
        ("/verzoeken/nieuw/declaratie", "Receipts (PDF, PNG or JPEG)"),
    ] {
        let html = employee.get(path).await.text().await.unwrap();
        assert!(html.contains("<html lang=\"en\">"), "{path}");
        assert!(html.contains(text), "{path} lacks {text}");
    }
    app.stop().await;
}
