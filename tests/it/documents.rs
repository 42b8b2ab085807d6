//! Viewing and downloading documents over HTTP as a signed-in user: streaming, ranges, the
//! headers that keep a document from being sniffed or cached, and "not yours" looking exactly
//! like "not there".

use reqwest::StatusCode;
use reqwest::header::{
    CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, ETAG,
    IF_RANGE, RANGE,
};

use crate::support::{Browser, TestApp, demo, login};

/// The document links on a signed-in start page.
async fn document_links(browser: &Browser) -> Vec<String> {
    let html = browser.get("/dossier").await.text().await.unwrap();
    html.split("href=\"/documenten/")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|s| !s.contains('/'))
        .map(|s| format!("/documenten/{s}"))
        // A row links its document twice (the name and the view icon).
        .fold(Vec::new(), |mut links, link| {
            if !links.contains(&link) {
                links.push(link);
            }
            links
        })
}

#[tokio::test]
async fn a_payslip_opens_inline_and_downloads_with_safe_headers() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let employee = Browser::signed_in(&app, login(&report, "demo-werknemer-1")).await;
    let links = document_links(&employee).await;
    assert_eq!(
        links.len(),
        3,
        "two payslips and the shared ID copy: {links:?}"
    );

    let view = employee.get(&links[0]).await;
    assert_eq!(view.status(), StatusCode::OK);
    let headers = view.headers().clone();
    assert_eq!(headers[CONTENT_TYPE], "application/pdf");
    assert_eq!(
        headers[CONTENT_DISPOSITION],
        "inline; filename=\"Loonstrook - februari 2026.pdf\"; filename*=UTF-8''Loonstrook%20-%20februari%202026.pdf"
    );
    assert_eq!(
        headers["content-security-policy"],
        "sandbox; default-src 'none'"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers[CACHE_CONTROL], "no-store");
    let body = view.bytes().await.unwrap();
    assert!(body.starts_with(b"%PDF-1.7"));
    assert_eq!(headers[CONTENT_LENGTH], body.len().to_string().as_str());

    let download = employee.get(&format!("{}/download", links[0])).await;
    assert_eq!(download.status(), StatusCode::OK);
    assert!(
        download.headers()[CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment; ")
    );
    assert_eq!(download.bytes().await.unwrap(), body);
    app.stop().await;
}

#[tokio::test]
async fn ranges_resume_downloads() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let employee = Browser::signed_in(&app, login(&report, "demo-werknemer-1")).await;
    let link = document_links(&employee).await.remove(0);
    let whole = employee.get(&link).await;
    let etag = whole.headers()[ETAG].clone();
    let whole = whole.bytes().await.unwrap();
    let size = whole.len();
    let ranged = |range: String| {
        let client = employee.client.clone();
        let url = format!("{}{link}/download", employee.base);
        async move { client.get(url).header(RANGE, range).send().await.unwrap() }
    };

    let head = ranged("bytes=0-7".into()).await;
    assert_eq!(head.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        head.headers()[CONTENT_RANGE],
        format!("bytes 0-7/{size}").as_str()
    );
    assert_eq!(head.bytes().await.unwrap(), &whole[..8]);

    let tail = ranged("bytes=-5".into()).await;
    assert_eq!(tail.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(tail.bytes().await.unwrap(), &whole[size - 5..]);

    let rest = ranged(format!("bytes={}-", size - 100)).await;
    assert_eq!(rest.bytes().await.unwrap(), &whole[size - 100..]);

    let beyond = ranged(format!("bytes={size}-")).await;
    assert_eq!(beyond.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(
        beyond.headers()[CONTENT_RANGE],
        format!("bytes */{size}").as_str()
    );

    // A range for another version of the file gets the whole current file.
    let stale = employee
        .client
        .get(format!("{}{link}", employee.base))
        .header(RANGE, "bytes=0-7")
        .header(IF_RANGE, "\"another-version\"")
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::OK);
    let fresh = employee
        .client
        .get(format!("{}{link}", employee.base))
        .header(RANGE, "bytes=0-7")
        .header(IF_RANGE, etag)
        .send()
        .await
        .unwrap();
    assert_eq!(fresh.status(), StatusCode::PARTIAL_CONTENT);
    app.stop().await;
}

#[tokio::test]
async fn someone_elses_document_looks_exactly_like_a_missing_one() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let owner = Browser::signed_in(&app, login(&report, "demo-werknemer-1")).await;
    let other = Browser::signed_in(&app, login(&report, "demo-werknemer-2")).await;
    let link = document_links(&owner).await.remove(0);

    let not_yours = other.get(&link).await;
    let missing = other
        .get("/documenten/00000000000000000000000000000000")
        .await;
    let garbage = other.get("/documenten/..%2F..%2Fetc%2Fpasswd").await;
    assert_eq!(not_yours.status(), StatusCode::NOT_FOUND);
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(garbage.status(), StatusCode::NOT_FOUND);
    let strip = |r: &reqwest::Response| {
        let mut h = r.headers().clone();
        h.remove("date");
        h
    };
    assert_eq!(strip(&not_yours), strip(&missing));
    let (a, b) = (
        not_yours.text().await.unwrap(),
        missing.text().await.unwrap(),
    );
    assert_eq!(a, b, "the same page, byte for byte");

    // The employer of both sees the payslip (but not the private upload).
    let employer = Browser::signed_in(&app, login(&report, "demo-werkgever-1")).await;
    assert_eq!(employer.get(&link).await.status(), StatusCode::OK);
    app.stop().await;
}

#[tokio::test]
async fn signing_in_first_then_back_to_the_document() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let employee = Browser::signed_in(&app, login(&report, "demo-werknemer-1")).await;
    let link = document_links(&employee).await.remove(0);

    let anonymous = Browser::new(&app);
    let response = anonymous.get(&link).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"],
        format!("/aanmelden?next={link}").as_str()
    );
    let page = anonymous
        .get(&format!("/aanmelden?next={link}"))
        .await
        .text()
        .await
        .unwrap();
    let csrf = crate::support::csrf_in(&page);
    let credentials = login(&report, "demo-werknemer-1");
    let signed_in = anonymous
        .post_form(
            "/aanmelden",
            &[
                ("csrf", csrf.as_str()),
                ("username", credentials.username.as_str()),
                ("password", credentials.password.as_str()),
                ("next", link.as_str()),
            ],
        )
        .await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(signed_in.headers()["location"], link.as_str());
    assert_eq!(anonymous.get(&link).await.status(), StatusCode::OK);
    app.stop().await;
}

#[tokio::test]
async fn opening_is_audited_with_the_client_address_and_marks_read() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let employee = Browser::signed_in(&app, login(&report, "demo-werknemer-1")).await;
    let before = employee.get("/dossier").await.text().await.unwrap();
    let unread_before = before.matches("class=\"unread\"").count();
    let link = document_links(&employee).await.remove(0);
    employee
        .get(&format!("{link}/download"))
        .await
        .bytes()
        .await
        .unwrap();
    app.running.services().flush_audit().await;

    let after = employee.get("/dossier").await.text().await.unwrap();
    assert_eq!(after.matches("class=\"unread\"").count(), unread_before - 1);
    let db = rusqlite_count(
        &app.data_dir.join("loondossier.db"),
        &format!(
            "SELECT count(*) FROM audit_events WHERE action = 'download' AND actor = 'employee' \
             AND client_addr = '127.0.0.1' AND subject = '{}'",
            link.trim_start_matches("/documenten/")
        ),
    );
    assert_eq!(db, 1);
    app.stop().await;
}

/// Reads one number from the database file the way an auditor would: a separate connection.
fn rusqlite_count(path: &std::path::Path, sql: &str) -> i64 {
    let conn = loondossier::store::Connection::open(path).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[tokio::test]
async fn dossier_actions_are_all_or_nothing_and_csrf_protected() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let owner = Browser::signed_in(&app, login(&report, "demo-werknemer-1")).await;
    let other = Browser::signed_in(&app, login(&report, "demo-werknemer-2")).await;
    let page = owner.get("/dossier").await.text().await.unwrap();
    let csrf = crate::support::csrf_in(&page);
    let id_of = |link: &str| link.trim_start_matches("/documenten/").to_owned();
    let links = document_links(&owner).await;
    let payslip = id_of(&links[0]);
    let upload = id_of(links.last().unwrap());
    let unread_before = page.matches("class=\"unread\"").count();

    // A forged form changes nothing.
    let forged = act(&owner, format!("csrf=forged&action=read&id={payslip}")).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    // Nothing ticked: back to the same page (year kept) with an alert there.
    let none = act(
        &owner,
        format!("csrf={csrf}&terug=%2Fdossier%3Fjaar%3D2025&action=read"),
    )
    .await;
    assert_eq!(none.status(), StatusCode::SEE_OTHER);
    let location = none.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, "/dossier?jaar=2025&melding=niets-gekozen");
    let said = owner.get(&location).await.text().await.unwrap();
    assert!(
        said.contains("role=\"alert\">Kies eerst een of meer bestanden"),
        "{said}"
    );
    // An unknown action: a clear 400.
    let odd = act(&owner, format!("csrf={csrf}&action=explode&id={payslip}")).await;
    assert_eq!(odd.status(), StatusCode::BAD_REQUEST);
    // Deleting a payroll file together with an upload: refused, and the upload stays.
    let mixed = act(
        &owner,
        format!("csrf={csrf}&action=delete&id={upload}&id={payslip}"),
    )
    .await;
    assert_eq!(mixed.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        owner.get(&format!("/documenten/{upload}")).await.status(),
        StatusCode::OK
    );
    // Deleting asks first, on a page of its own that works without scripts; only the answer
    // deletes.
    let asked = act(
        &owner,
        format!("csrf={csrf}&terug=%2Fdossier&action=delete&id={upload}"),
    )
    .await;
    assert_eq!(asked.status(), StatusCode::OK);
    let question = asked.text().await.unwrap();
    assert!(
        question.contains("Wilt u dit bestand verwijderen?"),
        "{question}"
    );
    assert!(question.contains("name=\"bevestigd\" value=\"ja\""));
    assert!(question.contains(&format!("name=\"id\" value=\"{upload}\"")));
    assert!(question.contains("href=\"/dossier\">Annuleren"));
    assert_eq!(
        owner.get(&format!("/documenten/{upload}")).await.status(),
        StatusCode::OK,
        "asking deletes nothing"
    );
    let deleted = act(
        &owner,
        format!("csrf={csrf}&terug=%2Fdossier&action=delete&bevestigd=ja&id={upload}"),
    )
    .await;
    assert_eq!(
        deleted.headers()["location"],
        "/dossier?gedaan=delete&aantal=1"
    );
    assert_eq!(
        owner.get(&format!("/documenten/{upload}")).await.status(),
        StatusCode::NOT_FOUND
    );
    // Someone else's document is "not found", as everywhere.
    let other_csrf = crate::support::csrf_in(&other.get("/dossier").await.text().await.unwrap());
    let foreign = act(
        &other,
        format!("csrf={other_csrf}&action=read&id={payslip}"),
    )
    .await;
    assert_eq!(foreign.status(), StatusCode::NOT_FOUND);
    // Marking read works and goes back to the dossier.
    let read = act(&owner, format!("csrf={csrf}&action=read&id={payslip}")).await;
    assert_eq!(read.status(), StatusCode::SEE_OTHER);
    // (with what was done, for the page to say)
    assert_eq!(read.headers()["location"], "/dossier?gedaan=read&aantal=1");
    let after = owner.get("/dossier").await.text().await.unwrap();
    assert_eq!(after.matches("class=\"unread\"").count() + 1, unread_before);
    // From the Ongelezen page the answer leads back there; nowhere else.
    let unread_page = owner.get("/ongelezen").await.text().await.unwrap();
    assert!(unread_page.contains("name=\"terug\" value=\"/ongelezen\""));
    let back = act(
        &owner,
        format!("csrf={csrf}&terug=%2Fongelezen&action=unread&id={payslip}"),
    )
    .await;
    assert_eq!(
        back.headers()["location"],
        "/ongelezen?gedaan=unread&aantal=1"
    );
    let said = owner
        .get("/ongelezen?gedaan=unread&aantal=1")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        said.contains("1 bestand als ongelezen gemarkeerd."),
        "{said}"
    );
    let elsewhere = act(
        &owner,
        format!("csrf={csrf}&terug=https%3A%2F%2Fevil.example&action=read&id={payslip}"),
    )
    .await;
    assert_eq!(
        elsewhere.headers()["location"],
        "/dossier?gedaan=read&aantal=1"
    );
    app.stop().await;
}

async fn act(browser: &Browser, body: String) -> reqwest::Response {
    browser.post_raw("/documenten/acties", body).await
}

fn upload_form(csrf: &str, kind: &str, files: &[(&str, Vec<u8>)]) -> reqwest::multipart::Form {
    let mut form = reqwest::multipart::Form::new()
        .text("csrf", csrf.to_owned())
        .text("kind", kind.to_owned());
    for (name, bytes) in files {
        form = form.part(
            "file",
            reqwest::multipart::Part::bytes(bytes.clone()).file_name((*name).to_owned()),
        );
    }
    form
}

#[tokio::test]
async fn uploads_from_the_dossier_page_are_checked_and_stored_whole() {
    let app = TestApp::start_with("[uploads]\nmax_size_mb = 1\n").await;
    let report = demo(&app).await;
    let owner = Browser::signed_in(&app, login(&report, "demo-werknemer-1")).await;
    let page = owner.get("/dossier").await.text().await.unwrap();
    assert!(page.contains("enctype=\"multipart/form-data\""));
    let csrf = crate::support::csrf_in(&page);
    let before = document_links(&owner).await.len();
    let pdf = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n".to_vec();

    // Two files at once land in "Overige bestanden", private to the owner.
    let ok = owner
        .post_multipart(
            "/documenten/upload",
            upload_form(
                &csrf,
                "id_copy",
                &[
                    ("paspoort.pdf", pdf.clone()),
                    ("rijbewijs.pdf", pdf.clone()),
                ],
            ),
        )
        .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    // The dossier says what was stored.
    let location = ok.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, "/dossier?gedaan=upload&aantal=2");
    let page = owner.get(&location).await.text().await.unwrap();
    assert!(
        page.contains("role=\"status\">2 bestanden opgeslagen in uw dossier.</p>"),
        "{page}"
    );
    assert!(
        page.contains("paspoort.pdf") && page.contains("rijbewijs.pdf"),
        "{page}"
    );
    assert_eq!(document_links(&owner).await.len(), before + 2);

    // A forged form stores nothing.
    let forged = owner
        .post_multipart(
            "/documenten/upload",
            upload_form("forged", "id_copy", &[("x.pdf", pdf.clone())]),
        )
        .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    // Not a PDF, PNG or JPEG (judged by the bytes, not the name): 415 with the reason.
    let exe = owner
        .post_multipart(
            "/documenten/upload",
            upload_form(
                &csrf,
                "other",
                &[("factuur.pdf", b"MZ\x90\x00 not a pdf".to_vec())],
            ),
        )
        .await;
    assert_eq!(exe.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(exe.text().await.unwrap().contains("PDF, PNG of JPEG"));
    // Larger than [uploads] max_size_mb: 413 naming the limit.
    let mut big = pdf.clone();
    big.resize(1024 * 1024 + 10, b' ');
    let large = owner
        .post_multipart(
            "/documenten/upload",
            upload_form(&csrf, "other", &[("groot.pdf", big)]),
        )
        .await;
    assert_eq!(large.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(large.text().await.unwrap().contains("1 MB"));
    // A payroll kind cannot be uploaded.
    let payslip = owner
        .post_multipart(
            "/documenten/upload",
            upload_form(&csrf, "payslip", &[("strook.pdf", pdf.clone())]),
        )
        .await;
    assert_eq!(payslip.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        document_links(&owner).await.len(),
        before + 2,
        "nothing half-stored"
    );
    let tmp_left = std::fs::read_dir(app.data_dir.join("tmp")).unwrap().count();
    assert_eq!(tmp_left, 0, "no partial files left behind");
    app.stop().await;
}

#[tokio::test]
async fn the_dossier_has_a_year_selector_and_a_search_per_list() {
    let app = TestApp::start().await;
    let size = loondossier::service::demo::DemoSize {
        employers: 1,
        employees_per_employer: 1,
        years: 2,
    };
    let report = app
        .running
        .services()
        .load_demo(size, &app.data_dir.join("demo-credentials.txt"))
        .await
        .unwrap();
    let owner = Browser::signed_in(&app, login(&report, "demo-werknemer-1")).await;
    let page = owner.get("/dossier").await.text().await.unwrap();
    assert!(page.contains("Dossier 2026"), "the current year first");
    assert!(
        page.contains("<option value=\"2025\">2025</option>"),
        "{page}"
    );
    let last_year = owner.get("/dossier?jaar=2025").await.text().await.unwrap();
    assert!(last_year.contains("Dossier 2025"));
    assert!(
        last_year.contains("Loonstrook - december 2025"),
        "{last_year}"
    );
    assert!(!last_year.contains("januari 2026"));
    // Search within one list, keeping the year.
    let found = owner
        .get("/dossier?jaar=2025&zoek-loon=december")
        .await
        .text()
        .await
        .unwrap();
    assert!(found.contains("Loonstrook - december 2025"));
    assert!(!found.contains("Loonstrook - november 2025"));
    assert!(
        found.contains("value=\"december\""),
        "the search stays in its box"
    );
    let nothing = owner
        .get("/dossier?zoek-loon=zzzz")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        nothing.contains("Loon-bestanden voor 2026 (0)"),
        "{nothing}"
    );
    // A year that cannot be: a clear error naming the field.
    let bad = owner.get("/dossier?jaar=abc").await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(bad.text().await.unwrap().contains("Jaar"));
    app.stop().await;
}

#[tokio::test]
async fn details_show_the_fingerprint_and_who_placed_it_and_only_to_those_who_may_see() {
    use sha2::Digest;
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let owner = Browser::signed_in(&app, login(&report, "demo-werknemer-1")).await;
    let other = Browser::signed_in(&app, login(&report, "demo-werknemer-2")).await;
    let link = document_links(&owner).await.remove(0);
    let page = owner.get(&format!("{link}/details")).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    let bytes = owner
        .get(&format!("{link}/download"))
        .await
        .bytes()
        .await
        .unwrap();
    let fingerprint: String = sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert!(
        html.contains(&fingerprint),
        "SHA-256 of the file on the page"
    );
    assert!(html.contains("Geplaatst door"));
    assert!(html.contains(&format!("{} bytes", bytes.len())));
    let dossier = owner.get("/dossier").await.text().await.unwrap();
    assert!(
        dossier.contains(&format!("{link}/details")),
        "linked from the dossier"
    );

    let not_yours = other.get(&format!("{link}/details")).await;
    let missing = other
        .get("/documenten/00000000000000000000000000000000/details")
        .await;
    assert_eq!(not_yours.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        not_yours.text().await.unwrap(),
        missing.text().await.unwrap()
    );
    app.stop().await;
}

/// Posts a multipart upload exactly as a browser writes it: the file name in quotes, with
/// `"`, CR and LF escaped as `%22`, `%0D`, `%0A` (WHATWG) and nothing else touched.
async fn browser_upload(
    browser: &Browser,
    csrf: &str,
    sent_name: &str,
    bytes: &[u8],
) -> reqwest::Response {
    let boundary = "----WebKitFormBoundaryloondossier7MA4YWxk";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nother\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{sent_name}\"\r\n\
         Content-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    browser
        .client
        .post(format!("{}/documenten/upload", browser.base))
        .header(
            CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn file_names_round_trip_exactly_as_the_browser_had_them() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let owner = Browser::signed_in(&app, login(&report, "demo-werknemer-1")).await;
    let pdf = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";
    // (as the browser sends it, as the user named it, as HTML shows it, as filename*)
    let cases = [
        (
            "Loon %22maart%22 2026.pdf",
            "Loon \"maart\" 2026.pdf",
            "Loon &quot;maart&quot; 2026.pdf",
            "Loon%20%22maart%22%202026.pdf",
        ),
        ("100%.pdf", "100%.pdf", "100%.pdf", "100%25.pdf"),
        // A PDF named as a web page ends in .pdf; a right-to-left override goes.
        (
            "rapport.html",
            "rapport.html.pdf",
            "rapport.html.pdf",
            "rapport.html.pdf",
        ),
        (
            "loon\u{202E}fdp.exe",
            "loonfdp.exe.pdf",
            "loonfdp.exe.pdf",
            "loonfdp.exe.pdf",
        ),
        (
            "Jaaropgaaf%0A2025 – €.pdf",
            "Jaaropgaaf\n2025 – €.pdf",
            "Jaaropgaaf\n2025 – €.pdf",
            "Jaaropgaaf%0A2025%20%E2%80%93%20%E2%82%AC.pdf",
        ),
    ];
    for (sent, name, shown, encoded) in cases {
        let csrf = owner.page_csrf().await;
        let before = document_links(&owner).await;
        let stored = browser_upload(&owner, &csrf, sent, pdf).await;
        assert_eq!(stored.status(), StatusCode::SEE_OTHER, "{sent}");
        let link = document_links(&owner)
            .await
            .into_iter()
            .find(|l| !before.contains(l))
            .expect("the new upload is listed");
        let list = owner.get("/dossier").await.text().await.unwrap();
        assert!(list.contains(shown), "listed as {shown:?}");
        let details = owner
            .get(&format!("{link}/details"))
            .await
            .text()
            .await
            .unwrap();
        assert!(details.contains(shown), "details show {shown:?}");
        // Searching with a piece that holds the character finds it.
        let piece = if name.contains('"') {
            "\"maart\""
        } else {
            &name[..4]
        };
        let search = format!("/dossier?zoek-overig={}", urlencode(piece));
        let found = owner.get(&search).await.text().await.unwrap();
        assert!(
            found.contains(&format!("href=\"{link}\"")),
            "{search} finds it"
        );
        let download = owner.get(&format!("{link}/download")).await;
        let disposition = download.headers()[CONTENT_DISPOSITION].to_str().unwrap();
        assert!(
            disposition.ends_with(&format!("filename*=UTF-8''{encoded}")),
            "{disposition}"
        );
    }
    // A search for "100%" is taken literally, not as "100 and anything".
    let literal = owner
        .get("/dossier?zoek-overig=100%25")
        .await
        .text()
        .await
        .unwrap();
    assert!(literal.contains("100%.pdf"));
    assert!(!literal.contains("Loon &quot;maart&quot;"));
    app.stop().await;
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn an_empty_file_is_refused_as_empty_in_the_browser_and_the_api() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let owner = Browser::signed_in(&app, login(&report, "demo-werknemer-1")).await;
    let csrf = owner.page_csrf().await;
    let before = document_links(&owner).await.len();
    let empty = browser_upload(&owner, &csrf, "leeg.pdf", b"").await;
    assert_eq!(empty.status(), StatusCode::BAD_REQUEST);
    let page = empty.text().await.unwrap();
    assert!(page.contains("Het bestand is leeg"), "{page}");
    assert!(!page.contains("niet aangenomen"), "not called a wrong type");
    assert_eq!(document_links(&owner).await.len(), before, "nothing stored");
    app.stop().await;
}

#[tokio::test]
async fn one_upload_carries_at_most_max_files() {
    let app = TestApp::start_with("[uploads]\nmax_files = 2\n").await;
    let report = demo(&app).await;
    let owner = Browser::signed_in(&app, login(&report, "demo-werknemer-1")).await;
    let csrf = owner.page_csrf().await;
    let before = document_links(&owner).await.len();
    let pdf = b"%PDF-1.7\n%%EOF\n".to_vec();
    let files: Vec<(String, Vec<u8>)> = (1..=3)
        .map(|n| (format!("bon-{n}.pdf"), pdf.clone()))
        .collect();
    let named: Vec<(&str, Vec<u8>)> = files.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    let response = owner
        .post_multipart(
            "/documenten/upload",
            upload_form(&csrf, "expense_claim", &named),
        )
        .await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let text = response.text().await.unwrap();
    assert!(text.contains("ten hoogste 2 bestanden"), "{text}");
    assert!(
        text.contains("De 2 bestand(en) daarvoor zijn wel opgeslagen"),
        "{text}"
    );
    assert_eq!(document_links(&owner).await.len(), before + 2);
    app.stop().await;
}
