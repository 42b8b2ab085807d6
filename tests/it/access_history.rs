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
    assert!(rows[0].starts_with("id,at,username,role,party"), "{csv}");
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
