//! Access history (SPEC.md Part 2, "Privacy and consent"; AVG art. 15): the owner of a dossier
//! sees who opened or downloaded its documents, named as parties; nobody else sees it.

use reqwest::StatusCode;

use crate::support::{Browser, TestApp, demo, login};

/// The public id of a payslip in the dossier of the employee signing in as `username`.
pub fn a_payslip_of(app: &TestApp, username: &str) -> String {
    let conn = loondossier::store::Connection::open(app.data_dir.join("loondossier.db")).unwrap();
    conn.query_row(
        "SELECT d.public_id FROM documents d JOIN accounts a ON a.employee_id = d.employee_id \
         WHERE a.username = ?1 AND d.kind = 'payslip' AND d.dossier_kind = 'employee' \
         ORDER BY d.year DESC, d.period DESC LIMIT 1",
        [username],
        |r| r.get(0),
    )
    .unwrap()
}

#[tokio::test]
async fn an_employee_sees_which_parties_opened_its_payslip_and_nobody_else_does() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let payslip = a_payslip_of(&app, "demo-werknemer-1");
    let employer = Browser::signed_in(&app, login(&report, "demo-werkgever-1")).await;
    let bureau = Browser::signed_in(&app, login(&report, "demo-bureau")).await;
    let employee = Browser::signed_in(&app, login(&report, "demo-werknemer-1")).await;
    for (reader, path) in [
        (&employer, format!("/documenten/{payslip}")),
        (&employer, format!("/documenten/{payslip}/download")),
        (&bureau, format!("/documenten/{payslip}")),
        (&employee, format!("/documenten/{payslip}")),
    ] {
        assert_eq!(reader.get(&path).await.status(), StatusCode::OK, "{path}");
    }
    app.running.services().flush_audit().await;

    // On the document: every look, the employee's own as "u", newest first.
    let details = employee
        .get(&format!("/documenten/{payslip}/details"))
        .await
        .text()
        .await
        .unwrap();
    let section = details
        .split("<h2>Wie heeft dit document geopend</h2>")
        .nth(1)
        .expect("the access history on the owner's details page");
    let rows: Vec<&str> = section.split("<tr>").skip(2).collect();
    assert_eq!(rows.len(), 4, "{section}");
    assert!(
        rows[0].contains(">u<") && rows[0].contains("bekeken"),
        "{}",
        rows[0]
    );
    assert!(rows[1].contains("administratiekantoor Demo Salarisbureau"));
    assert!(
        rows[2].contains("werkgever Bakkerij De Korenschoof BV") && rows[2].contains("gedownload")
    );
    assert!(
        rows[3].contains("werkgever Bakkerij De Korenschoof BV") && rows[3].contains("bekeken")
    );
    // Never a person's name behind a party, never an address.
    assert!(!section.contains("127.0.0.1"));

    // On one page: every look by others at any of its documents (its own left out).
    let page = employee.get("/inzage").await.text().await.unwrap();
    assert!(page.contains("artikel 15 AVG"));
    let listed = page.split("<tbody>").nth(1).unwrap_or_default();
    assert_eq!(listed.matches("<tr>").count(), 3, "{listed}");
    assert!(listed.contains(&format!("/documenten/{payslip}/details")));
    assert!(!listed.contains(">u<"));
    let home = employee.get("/").await.text().await.unwrap();
    assert!(home.contains("href=\"/inzage\""), "linked from Home");

    // Those who may open the document do not see who else did.
    for reader in [&employer, &bureau] {
        let theirs = reader
            .get(&format!("/documenten/{payslip}/details"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            !theirs.contains("Wie heeft dit document geopend"),
            "{theirs}"
        );
    }
    // A colleague reaches neither the document nor its history.
    let colleague = Browser::signed_in(&app, login(&report, "demo-werknemer-2")).await;
    assert_eq!(
        colleague
            .get(&format!("/documenten/{payslip}/details"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let theirs = colleague.get("/inzage").await.text().await.unwrap();
    assert!(!theirs.contains(&payslip));
    app.stop().await;
}

/// `loondossier audit` against a running portal: filters by party, period and action, as JSON
/// lines or CSV, written for its owner only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_log_is_exported_by_party_period_and_action() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let payslip = a_payslip_of(&app, "demo-werknemer-1");
    let employer = Browser::signed_in(&app, login(&report, "demo-werkgever-1")).await;
    employer.get(&format!("/documenten/{payslip}")).await;
    employer
        .get(&format!("/documenten/{payslip}/download"))
        .await;
    let employee = Browser::signed_in(&app, login(&report, "demo-werknemer-1")).await;
    employee.get(&format!("/documenten/{payslip}")).await;
    app.running.services().flush_audit().await;
    let dir = app.data_dir.parent().unwrap().to_path_buf();
    let run = |args: &[&str]| {
        let mut all = vec!["audit"];
        all.extend_from_slice(args);
        let out = crate::support::Binary::run(&dir, &all);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    // By party and action, JSON lines.
    let lines: Vec<serde_json::Value> = run(&[
        "--user",
        "demo-werkgever-1",
        "--action",
        "view",
        "--action",
        "download",
    ])
    .lines()
    .map(|l| serde_json::from_str(l).unwrap())
    .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["action"], "view");
    assert_eq!(lines[1]["action"], "download");
    for line in &lines {
        assert_eq!(line["subject"], payslip.as_str());
        assert_eq!(line["username"], "demo-werkgever-1");
        assert_eq!(line["party"], "Bakkerij De Korenschoof BV");
    }
    // The bureau's accounts include its clients' and their employees'.
    let of_bureau = run(&["--bureau", "DEMO", "--action", "view"]);
    assert_eq!(of_bureau.lines().count(), 2, "{of_bureau}");
    // By period: the tests' clock stands on 2 March 2026.
    assert!(run(&["--to", "2026-03-01", "--action", "view"]).is_empty());
    assert_eq!(
        run(&[
            "--from",
            "2026-03-02",
            "--to",
            "2026-03-02",
            "--action",
            "view"
        ])
        .lines()
        .count(),
        2
    );
    // CSV, to a file only its owner reads.
    let file = dir.join("audit.csv");
    run(&[
        "--action",
        "download",
        "--format",
        "csv",
        "--out",
        file.to_str().unwrap(),
    ]);
    let csv = std::fs::read_to_string(&file).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert!(
        rows[0].starts_with("id,at,account,removed,username,role,party"),
        "{csv}"
    );
    assert_eq!(rows.len(), 2, "{csv}");
    assert!(rows[1].contains("demo-werkgever-1") && rows[1].contains(&payslip));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // A mistyped filter is named.
    let wrong = crate::support::Binary::run(&dir, &["audit", "--action", "peek"]);
    assert_eq!(wrong.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("--action"));
    app.stop().await;
}

/// A year of one's own dossier, or all of it, as one ZIP (SPEC.md Part 2): names by period and
/// title, the bytes as stored, each file audited as a download and no longer unread.
#[tokio::test]
async fn an_employee_downloads_a_year_and_everything_as_one_zip() {
    use std::io::Read;
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let employee = Browser::signed_in(&app, login(&report, "demo-werknemer-1")).await;
    let conn = loondossier::store::Connection::open(app.data_dir.join("loondossier.db")).unwrap();
    let stored = |year: Option<i64>| -> Vec<(String, String)> {
        conn.prepare(
            "SELECT d.title, d.sha256 FROM documents d JOIN accounts a ON a.employee_id = d.employee_id \
             WHERE a.username = 'demo-werknemer-1' AND d.dossier_kind = 'employee' \
               AND d.superseded_at IS NULL AND d.deleted_at IS NULL AND d.retracted_at IS NULL \
               AND (?1 IS NULL OR d.year = ?1) ORDER BY d.sha256",
        )
        .unwrap()
        .query_map([year], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
    };
    let unread_before = employee.get("/ongelezen").await.text().await.unwrap();
    assert!(unread_before.contains("/download"), "the demo has news");

    let fetch = async |path: &str| {
        let response = employee.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.headers()["content-type"], "application/zip");
        let disposition = response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_owned();
        let bytes = response.bytes().await.unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let mut entries = Vec::new();
        for i in 0..archive.len() {
            let mut file = archive.by_index(i).unwrap();
            let mut content = Vec::new();
            file.read_to_end(&mut content).unwrap();
            let digest =
                sha2::Digest::finalize(<sha2::Sha256 as sha2::Digest>::new_with_prefix(&content));
            entries.push((file.name().unwrap().into_owned(), hex::encode(digest)));
        }
        (disposition, entries)
    };
    let (disposition, year) = fetch("/dossier/zip?jaar=2026").await;
    assert!(
        disposition.contains("loondossier-2026.zip"),
        "{disposition}"
    );
    let expected = stored(Some(2026));
    assert_eq!(year.len(), expected.len());
    let mut digests: Vec<&str> = year.iter().map(|(_, d)| d.as_str()).collect();
    digests.sort_unstable();
    let wanted: Vec<&str> = expected.iter().map(|(_, d)| d.as_str()).collect();
    assert_eq!(digests, wanted, "every file, byte for byte");
    let names: Vec<&str> = year.iter().map(|(n, _)| n.as_str()).collect();
    assert!(
        names.contains(&"2026/2026-01 Loonstrook - januari 2026.pdf"),
        "{names:?}"
    );
    assert!(
        names.iter().any(|n| n.starts_with("Eigen bestanden/")),
        "the employee's own upload: {names:?}"
    );
    let (_, all) = fetch("/dossier/zip").await;
    assert_eq!(all.len(), stored(None).len());

    // Each file audited as a download; nothing in it is news any more.
    app.running.services().flush_audit().await;
    let audited: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_events WHERE action = 'download' AND detail = 'zip'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited as usize, year.len() + all.len());
    let unread_after = employee.get("/ongelezen").await.text().await.unwrap();
    assert!(!unread_after.contains("/download"), "{unread_after}");

    // Only one's own dossier; a year without documents, or no year at all, is not found.
    assert_eq!(
        employee.get("/dossier/zip?jaar=1999").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        employee.get("/dossier/zip?jaar=volgend").await.status(),
        StatusCode::NOT_FOUND
    );
    let colleague = Browser::signed_in(&app, login(&report, "demo-werknemer-2")).await;
    let (_, theirs) = {
        let response = colleague.get("/dossier/zip").await;
        assert_eq!(response.status(), StatusCode::OK);
        let bytes = response.bytes().await.unwrap();
        let archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        ((), archive.len())
    };
    assert_ne!(theirs, 0);
    let page = employee.get("/dossier").await.text().await.unwrap();
    assert!(
        page.contains("href=\"/dossier/zip?jaar="),
        "offered on the dossier page"
    );
    app.stop().await;
}
