//! HTTP behaviour every route shares: health, security headers, assets, not-found.

use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};

use crate::support::TestApp;

#[tokio::test]
async fn healthz_reports_version_and_database() {
    let app = TestApp::start().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[CONTENT_TYPE], "application/json");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        body,
        serde_json::json!({"status": "ok", "version": env!("CARGO_PKG_VERSION"), "db": "ok"})
    );
    app.stop().await;
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::start().await;
    for path in [
        "/",
        "/healthz",
        "/no/such/page",
        "/api/v1/nothing",
        "/robots.txt",
    ] {
        let response = app.get(path).await;
        let headers = response.headers();
        assert_eq!(
            headers["content-security-policy"],
            "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
            "{path}"
        );
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
        assert!(headers.get("server").is_none(), "{path}: no server banner");
        // Plain HTTP: HSTS would be ignored by browsers and is not sent.
        assert!(headers.get("strict-transport-security").is_none(), "{path}");
    }
    let page = app.get("/").await;
    assert_eq!(page.headers()[CACHE_CONTROL], "no-store");
    app.stop().await;
}

#[tokio::test]
async fn home_page_names_the_installation_and_links_hashed_assets() {
    let app = TestApp::start_with("installation_name = \"Salarisbureau De Vries\"\n").await;
    // Without a session the start page sends the browser to sign in.
    let start = app.get("/").await;
    assert_eq!(start.status(), StatusCode::SEE_OTHER);
    assert_eq!(start.headers()["location"], "/aanmelden");
    let page = app.get("/aanmelden").await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(
        page.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Aanmelden – Salarisbureau De Vries"),
        "{html}"
    );
    let css_path = html
        .split("href=\"")
        .filter_map(|s| s.split('"').next())
        .find(|href| href.ends_with("/style.css"))
        .expect("stylesheet link");

    let css = app.get(css_path).await;
    assert_eq!(css.status(), StatusCode::OK);
    assert_eq!(css.headers()[CONTENT_TYPE], "text/css");
    assert_eq!(
        css.headers()[CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    let etag = css.headers()[ETAG].clone();
    assert!(css.text().await.unwrap().contains(":root"));

    let again = app
        .client
        .get(app.url(css_path))
        .header(IF_NONE_MATCH, etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(again.bytes().await.unwrap().is_empty());

    // An old hash still gets the file, but must be revalidated.
    let stale = app.get("/assets/0000000000000000/style.css").await;
    assert_eq!(stale.status(), StatusCode::OK);
    assert_eq!(stale.headers()[CACHE_CONTROL], "no-cache");
    assert_eq!(
        app.get("/assets/x/../../Cargo.toml").await.status(),
        StatusCode::NOT_FOUND
    );
    app.stop().await;
}

#[tokio::test]
async fn unknown_paths_are_not_found_as_page_or_problem() {
    let app = TestApp::start().await;
    let page = app.get("/dossier/1234").await;
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    assert!(page.text().await.unwrap().contains("Niet gevonden"));
    let api = app.get("/api/v1/documents/abc").await;
    assert_eq!(api.status(), StatusCode::NOT_FOUND);
    assert_eq!(api.headers()[CONTENT_TYPE], "application/problem+json");
    let body: serde_json::Value = api.json().await.unwrap();
    assert_eq!(body["status"], 404);
    app.stop().await;
}

#[tokio::test]
async fn metrics_are_for_the_token_holder_only_and_count_requests() {
    let token = "metrics-token-0123456789abcdef0123456789";
    let app =
        crate::support::TestApp::start_with(&format!("[metrics]\ntoken = \"{token}\"\n")).await;
    let scrape = |auth: Option<&str>| {
        let mut request = app.client.get(app.url("/metrics"));
        if let Some(auth) = auth {
            request = request.header("authorization", auth);
        }
        request.send()
    };
    let missing = app.get("/no-such-page").await.text().await.unwrap();
    for wrong in [None, Some("Bearer nope"), Some(token)] {
        let response = scrape(wrong).await.unwrap();
        assert_eq!(
            response.status(),
            reqwest::StatusCode::NOT_FOUND,
            "{wrong:?}"
        );
        assert_eq!(
            response.text().await.unwrap(),
            missing,
            "looks like any unknown address"
        );
    }
    for _ in 0..3 {
        app.get("/healthz").await;
    }
    let response = scrape(Some(&format!("Bearer {token}"))).await.unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = response.text().await.unwrap();
    let healthz = text
        .lines()
        .find(|l| {
            l.starts_with(
                r#"loondossier_http_requests_total{route="/healthz",method="GET",status="200"}"#,
            )
        })
        .unwrap_or_else(|| panic!("{text}"));
    let count: f64 = healthz.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(count >= 3.0, "{healthz}");
    for name in [
        "loondossier_http_request_duration_seconds_bucket",
        "loondossier_http_received_bytes_total",
        "loondossier_http_sent_bytes_total",
        "loondossier_http_open_connections",
        "loondossier_mail_messages{state=\"queued\"}",
        "loondossier_password_checks_in_progress",
    ] {
        assert!(text.contains(name), "{name} missing:\n{text}");
    }
    // Unknown addresses are one series, whatever is scanned.
    assert!(text.contains(r#"route="other""#));
    assert!(!text.contains("no-such-page"));
    app.stop().await;
}
