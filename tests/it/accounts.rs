//! The administrator's account commands against a running portal (SPEC.md Part 2, "Accounts"):
//! `user list`, `disable` (sessions end at once, the right password is refused with a clear
//! message), `enable`, `remove` (the username is free again), each audited.

use reqwest::StatusCode;

use crate::support::{Binary, Browser, TestApp, demo, login};

fn run(app: &TestApp, args: &[&str]) -> std::process::Output {
    let dir = app
        .data_dir
        .parent()
        .expect("the config sits beside the data");
    Binary::run(dir, args)
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The rows of `user list` with these arguments: (username, role, status).
fn listed(app: &TestApp, args: &[&str]) -> Vec<(String, String, String)> {
    let mut all = vec!["user", "list"];
    all.extend_from_slice(args);
    let out = run(app, &all);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout(&out)
        .lines()
        .skip(1)
        .map(|line| {
            let cells: Vec<&str> = line.split('\t').collect();
            (
                cells[0].to_owned(),
                cells[1].to_owned(),
                cells[3].to_owned(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_disables_enables_and_removes_an_account_while_the_portal_runs() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let person = login(&report, "demo-werknemer-1").clone();
    let signed_in = Browser::signed_in(&app, &person).await;
    assert_eq!(signed_in.get("/").await.status(), StatusCode::OK);

    // The list, with its filters.
    let employees = listed(&app, &["--role", "employee"]);
    assert!(
        employees
            .iter()
            .any(|(u, r, s)| u == "demo-werknemer-1" && r == "employee" && s == "active"),
        "{employees:?}"
    );
    assert!(employees.iter().all(|(_, r, _)| r == "employee"));
    let of_bureau = listed(&app, &["--bureau", "DEMO"]);
    assert!(
        of_bureau.iter().any(|(u, _, _)| u == "demo-bureau")
            && of_bureau.iter().any(|(u, _, _)| u == "demo-werkgever-1")
            && of_bureau.iter().any(|(u, _, _)| u == "demo-werknemer-1"),
        "{of_bureau:?}"
    );
    assert!(
        !of_bureau.iter().any(|(u, _, _)| u == "demo-werkgever-2"),
        "a self-administering employer is not the bureau's: {of_bureau:?}"
    );
    assert!(listed(&app, &["--status", "disabled"]).is_empty());

    // Disabled: the open session ends at once; the right password is refused, saying why;
    // a wrong one gets the usual answer (nothing told to whoever does not know it).
    let disabled = run(&app, &["user", "disable", "demo-werknemer-1"]);
    assert!(disabled.status.success(), "{}", stdout(&disabled));
    assert_eq!(signed_in.get("/").await.status(), StatusCode::SEE_OTHER);
    let again = Browser::new(&app);
    let refused = again.sign_in(&person.username, &person.password).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(refused.text().await.unwrap().contains("uitgeschakeld"));
    let wrong = again.sign_in(&person.username, "niet het wachtwoord").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(!wrong.text().await.unwrap().contains("uitgeschakeld"));
    assert_eq!(
        listed(&app, &["--status", "disabled"]),
        vec![(
            "demo-werknemer-1".to_owned(),
            "employee".to_owned(),
            "disabled".to_owned()
        )]
    );
    // The employer sees it in Werknemers.
    let employer = Browser::signed_in(&app, login(&report, "demo-werkgever-1")).await;
    let list = employer.get("/werknemers").await.text().await.unwrap();
    assert!(list.contains("Uitgeschakeld"), "{list}");

    // Enabled: the same password works again.
    let enabled = run(&app, &["user", "enable", "demo-werknemer-1"]);
    assert!(enabled.status.success());
    let back = again.sign_in(&person.username, &person.password).await;
    assert_eq!(back.status(), StatusCode::SEE_OTHER);
    assert_eq!(again.get("/").await.status(), StatusCode::OK);

    // Removed: the session ends, the password is gone, the name is free for someone else.
    let removed = run(&app, &["user", "remove", "demo-werknemer-1"]);
    assert!(removed.status.success(), "{}", stdout(&removed));
    assert_eq!(again.get("/").await.status(), StatusCode::SEE_OTHER);
    let gone = Browser::new(&app)
        .sign_in(&person.username, &person.password)
        .await;
    assert_eq!(gone.status(), StatusCode::UNAUTHORIZED);
    assert!(
        !listed(&app, &[])
            .iter()
            .any(|(u, _, _)| u == "demo-werknemer-1")
    );
    let reused = run(
        &app,
        &[
            "user",
            "add",
            "--bureau",
            "DEMO",
            "--username",
            "demo-werknemer-1",
        ],
    );
    assert!(
        reused.status.success(),
        "{}",
        String::from_utf8_lossy(&reused.stderr)
    );
    // What it did stays in the history; each change is in the audit log.
    let conn = loondossier::store::Connection::open(app.data_dir.join("loondossier.db")).unwrap();
    let actions: Vec<String> = conn
        .prepare(
            "SELECT action FROM audit_events WHERE action LIKE 'account_%' \
             AND action <> 'account_created' ORDER BY id",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        actions,
        ["account_disabled", "account_enabled", "account_removed"]
    );
    let unknown = run(&app, &["user", "disable", "niemand-hier"]);
    assert_eq!(unknown.status.code(), Some(1));
    app.stop().await;
}
