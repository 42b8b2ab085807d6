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
        serde_json::json!({"status": "ok", "version": env!("CARGO_PKG_VERSION"), "db": "ok", "storage": "ok"})
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
        assert_eq!(headers["referrer-policy"], "same-origin", "{path}");
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

/// The headers that must be the same for GET and HEAD (the others carry per-response values:
/// dates, fresh form cookies).
const COMPARED: [&str; 9] = [
    "content-type",
    "content-length",
    "content-disposition",
    "content-range",
    "accept-ranges",
    "etag",
    "cache-control",
    "content-security-policy",
    "x-content-type-options",
];

/// GETs and HEADs `path` (with `range` if given) and checks the HEAD answer is the GET answer
/// without its body; returns the status.
async fn head_matches_get(
    client: &reqwest::Client,
    base: &str,
    path: &str,
    range: Option<&str>,
    version: reqwest::Version,
) -> StatusCode {
    let send = |method: reqwest::Method| {
        let mut request = client.request(method, format!("{base}{path}"));
        if let Some(range) = range {
            request = request.header("range", range);
        }
        request.send()
    };
    let get = send(reqwest::Method::GET).await.unwrap();
    let head = send(reqwest::Method::HEAD).await.unwrap();
    assert_eq!(head.status(), get.status(), "{path} {range:?}");
    assert_eq!(head.version(), version, "{path}");
    for name in COMPARED {
        assert_eq!(
            head.headers().get(name),
            get.headers().get(name),
            "{path} {range:?}: {name}"
        );
    }
    let status = get.status();
    let length: usize = get.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(get.bytes().await.unwrap().len(), length, "{path}");
    assert!(
        head.bytes().await.unwrap().is_empty(),
        "{path}: HEAD has no body"
    );
    status
}

#[tokio::test]
async fn head_answers_every_get_route_without_a_body_over_http1() {
    let app = TestApp::start().await;
    let report = crate::support::demo(&app).await;
    let employee = crate::support::Browser::signed_in(
        &app,
        crate::support::login(&report, "demo-werknemer-1"),
    )
    .await;
    let dossier = employee.get("/dossier").await.text().await.unwrap();
    let document = dossier
        .split("href=\"/documenten/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .map(|id| format!("/documenten/{id}"))
        .unwrap();
    let css = dossier
        .split("href=\"/assets/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .map(|a| format!("/assets/{a}"))
        .unwrap();
    let v1 = reqwest::Version::HTTP_11;
    let (client, base) = (&employee.client, employee.base.as_str());
    // Headers only: no view or download in the audit log, nothing marked read.
    let id = document.trim_start_matches("/documenten/").to_owned();
    for path in [document.clone(), format!("{document}/download")] {
        let head = client.head(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(head.status(), StatusCode::OK);
    }
    app.running.services().flush_audit().await;
    let conn = loondossier::store::Connection::open(app.data_dir.join("loondossier.db")).unwrap();
    let audited: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_events WHERE subject = ?1",
            [&id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited, 0, "a HEAD is no view");
    for (path, expected) in [
        ("/healthz", StatusCode::OK),
        ("/api/v1/openapi.json", StatusCode::OK),
        (css.as_str(), StatusCode::OK),
        ("/dossier", StatusCode::OK),
        ("/profiel", StatusCode::OK),
        (document.as_str(), StatusCode::OK),
        (&format!("{document}/download"), StatusCode::OK),
        ("/no/such/page", StatusCode::NOT_FOUND),
        ("/api/v1/nothing", StatusCode::NOT_FOUND),
    ] {
        assert_eq!(
            head_matches_get(client, base, path, None, v1).await,
            expected,
            "{path}"
        );
    }
    let download = format!("{document}/download");
    for (range, expected) in [
        ("bytes=0-7", StatusCode::PARTIAL_CONTENT),
        ("bytes=-5", StatusCode::PARTIAL_CONTENT),
        ("bytes=99999999-", StatusCode::RANGE_NOT_SATISFIABLE),
    ] {
        let status = head_matches_get(client, base, &download, Some(range), v1).await;
        assert_eq!(status, expected, "{range}");
    }
    // Signed out, a page answers HEAD like GET too (a redirect to sign in).
    let anonymous = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let status = head_matches_get(&anonymous, base, "/dossier", None, v1).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    app.stop().await;
}

#[tokio::test]
async fn head_answers_without_a_body_over_http2() {
    let tmp = tempfile::tempdir().unwrap();
    let cert = crate::support::TestCert::write(tmp.path());
    let text = crate::support::config_text(tmp.path(), &cert.tls_section(""));
    let app = TestApp::start_in(tmp, &text).await;
    let report = crate::support::demo(&app).await;
    let login = crate::support::login(&report, "demo-werknemer-1");
    let employee = crate::support::Browser {
        client: reqwest::Client::builder()
            .add_root_certificate(reqwest::Certificate::from_pem(cert.pem.as_bytes()).unwrap())
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        base: format!("https://localhost:{}", app.running.local_addr().port()),
    };
    let signed_in = employee.sign_in(&login.username, &login.password).await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    let dossier = employee.get("/dossier").await.text().await.unwrap();
    let document = dossier
        .split("href=\"/documenten/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .map(|id| format!("/documenten/{id}/download"))
        .unwrap();
    let v2 = reqwest::Version::HTTP_2;
    let (client, base) = (&employee.client, employee.base.as_str());
    // Before, a HEAD got a 404 whose body broke the HTTP/2 stream (curl: exit 92).
    for (path, range, expected) in [
        ("/healthz", None, StatusCode::OK),
        ("/no/such/page", None, StatusCode::NOT_FOUND),
        (document.as_str(), None, StatusCode::OK),
        (
            document.as_str(),
            Some("bytes=0-7"),
            StatusCode::PARTIAL_CONTENT,
        ),
    ] {
        let status = head_matches_get(client, base, path, range, v2).await;
        assert_eq!(status, expected, "{path} {range:?}");
    }
    app.stop().await;
}

/// The resident set size of a process in KiB, from `/proc`.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// Sends `count` requests to made-up addresses (long random asset paths, unknown pages, odd
/// methods), 16 at a time.
async fn made_up_requests(base: &str, count: usize) {
    use rand::Rng;
    use rand::distr::{Alphanumeric, SampleString};
    let client = reqwest::Client::new();
    let mut pending = Vec::new();
    for i in 0..count {
        let noise = Alphanumeric.sample_string(&mut rand::rng(), 8_000);
        let short = Alphanumeric
            .sample_string(&mut rand::rng(), 20)
            .to_lowercase();
        let (method, path) = match i % 4 {
            0 => (reqwest::Method::GET, format!("/assets/h/{noise}.css")),
            1 => (reqwest::Method::GET, format!("/profiel/{short}")),
            2 => (reqwest::Method::HEAD, format!("/{short}.php")),
            _ => (
                reqwest::Method::from_bytes(format!("X{}", rand::rng().random::<u32>()).as_bytes())
                    .unwrap(),
                format!("/documenten/{short}"),
            ),
        };
        pending.push(client.request(method, format!("{base}{path}")).send());
        if pending.len() == 16 {
            for response in futures_util::future::join_all(pending.drain(..)).await {
                assert!(response.is_ok());
            }
        }
    }
    futures_util::future::join_all(pending).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_made_up_addresses_costs_no_lasting_memory() {
    let dir = tempfile::tempdir().unwrap();
    let token = "metrics-token-0123456789abcdef0123456789";
    std::fs::write(
        dir.path().join("loondossier.toml"),
        crate::support::config_text(dir.path(), &format!("[metrics]\ntoken = \"{token}\"\n")),
    )
    .unwrap();
    let server = crate::support::Binary::serve(dir.path(), &[]);
    let base = server.url().to_owned();
    let pid = server.child.id();
    let series = || {
        let client = reqwest::Client::new();
        let url = format!("{base}/metrics");
        async move {
            let text = client
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            text.lines()
                .filter(|l| !l.starts_with('#'))
                .map(|l| {
                    l.rsplit_once(' ')
                        .map_or(l, |(series, _)| series)
                        .to_owned()
                })
                .collect::<std::collections::BTreeSet<String>>()
        }
    };
    // Warm up: whatever the allocator and the connection pool keep, they keep from here.
    made_up_requests(&base, 2_000).await;
    // (The first scrape adds the series of /metrics itself.)
    series().await;
    let (rss_before, series_before) = (rss_kib(pid), series().await);
    made_up_requests(&base, 2_000).await;
    let (rss_after, series_after) = (rss_kib(pid), series().await);
    eprintln!(
        "RSS {rss_before} KiB → {rss_after} KiB; series {} → {}",
        series_before.len(),
        series_after.len()
    );
    let new: Vec<&String> = series_after.difference(&series_before).collect();
    // Before, every made-up page name and method was a series of its own (thousands here);
    // a rare answer (a status seen for the first time) may still add one.
    assert!(new.len() <= 3, "new metric series: {new:?}");
    // Before, each such request kept ~17 KB for good (35 MB per 2,000).
    assert!(
        rss_after < rss_before + 8 * 1024,
        "RSS grew from {rss_before} KiB to {rss_after} KiB"
    );
}

#[tokio::test]
async fn behind_a_tls_proxy_cookies_are_secure_and_hsts_is_sent() {
    // No [tls]: a reverse proxy terminates TLS for the https public address.
    let app = TestApp::start_with("public_url = \"https://portal.example.nl\"\n").await;
    let page = app.get("/aanmelden").await;
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(
        page.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    let cookie = page.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("__Host-"), "{cookie}");
    assert!(cookie.contains("; Secure"), "{cookie}");
    app.stop().await;
}
