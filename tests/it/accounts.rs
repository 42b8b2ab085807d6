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
    assert!(
        String::from_utf8_lossy(&unknown.stderr).contains("no account has the username"),
        "{}",
        String::from_utf8_lossy(&unknown.stderr)
    );
    app.stop().await;
}

/// An employer invites a colleague from Profiel (password again): the colleague gets its
/// username and a set-password link by mail, signs in with its own password and authenticator
/// app and sees the same as the employer; removing it (password again) ends its session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_employer_invites_a_colleague_with_its_own_login_and_removes_it() {
    let tmp = tempfile::tempdir().unwrap();
    let smtp = crate::support::SmtpServer::start(&tmp.path().join("mail"));
    let text = crate::support::config_text(tmp.path(), &smtp.smtp_section(None));
    let app = TestApp::start_in(tmp, &text).await;
    let report = demo(&app).await;
    let owner_login = login(&report, "demo-werkgever-1").clone();
    let owner = Browser::signed_in(&app, &owner_login).await;
    let profile = owner.get("/profiel").await.text().await.unwrap();
    assert!(profile.contains("Collega uitnodigen"), "{profile}");
    let csrf = crate::support::csrf_in(&profile);
    let invite = |username: &'static str, email: &'static str, password: String| {
        let csrf = csrf.clone();
        let owner = &owner;
        async move {
            owner
                .post_form(
                    "/profiel/collegas",
                    &[
                        ("csrf", csrf.as_str()),
                        ("name", "Anja Jansen"),
                        ("email", email),
                        ("username", username),
                        ("password", password.as_str()),
                    ],
                )
                .await
        }
    };
    // Refused, naming what: the password, the address, a username in use.
    let wrong = invite("anja", "anja@bakkerij.example", "niet goed".into()).await;
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    let bad = invite("anja", "geen-adres", owner_login.password.clone()).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(bad.text().await.unwrap().contains("e-mailadres"));
    let taken = invite(
        "demo-werknemer-1",
        "anja@bakkerij.example",
        owner_login.password.clone(),
    )
    .await;
    assert_eq!(taken.status(), StatusCode::BAD_REQUEST);
    let invited = invite(
        "anja",
        "anja@bakkerij.example",
        owner_login.password.clone(),
    )
    .await;
    let page = owner.follow(invited).await.text().await.unwrap();
    assert!(
        page.contains("is uitgenodigd") && page.contains("Anja Jansen"),
        "{page}"
    );

    // Two mails: the username, then the link.
    let mails = crate::support::eventually("two mails to the colleague", async || {
        let to_her: Vec<_> = smtp
            .received()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t.contains("anja@bakkerij.example")))
            .collect();
        (to_her.len() >= 2).then_some(to_her)
    })
    .await;
    assert_eq!(mails.len(), 2);
    let link = mails
        .iter()
        .find(|m| m.text().contains("/wachtwoord/"))
        .expect("the set-password mail")
        .link();
    let path = link.trim_start_matches(app.running.url()).to_owned();
    let anja = Browser::new(&app);
    let form = anja.get(&path).await.text().await.unwrap();
    let password = "zeven blauwe vogels fluiten zacht";
    let set = anja
        .post_form(
            &path,
            &[
                ("csrf", &crate::support::csrf_in(&form)),
                ("password", password),
                ("repeated", password),
            ],
        )
        .await;
    assert_eq!(
        set.headers()["location"],
        "/aanmelden?wachtwoord=opgeslagen"
    );
    // Its own sign-in, with its own authenticator app (employers must have one).
    let anja_login = loondossier::service::demo::DemoLogin {
        role: "employer".into(),
        username: "anja".into(),
        password: password.into(),
    };
    let anja = Browser::signed_in(&app, &anja_login).await;
    let home = anja.get("/").await.text().await.unwrap();
    assert!(home.contains("Anja Jansen"), "named itself top right");
    let theirs = anja.get("/werknemers").await.text().await.unwrap();
    let mine = owner.get("/werknemers").await.text().await.unwrap();
    let rows = |html: &str| html.matches("<tr>").count();
    assert_eq!(rows(&theirs), rows(&mine), "the same rights");
    // Listed in Profiel; it cannot remove the employer's own login, nor itself.
    let listed = owner.get("/profiel").await.text().await.unwrap();
    assert!(
        listed.contains(">anja<") && listed.contains("Actief"),
        "{listed}"
    );
    let conn = loondossier::store::Connection::open(app.data_dir.join("loondossier.db")).unwrap();
    let id_of = |username: &str| -> String {
        conn.query_row(
            "SELECT public_id FROM accounts WHERE username = ?1",
            [username],
            |r| r.get(0),
        )
        .unwrap()
    };
    let anja_csrf = anja.page_csrf().await;
    for target in [id_of("demo-werkgever-1"), id_of("anja")] {
        let refused = anja
            .post_form(
                "/profiel/collegas/verwijderen",
                &[
                    ("csrf", anja_csrf.as_str()),
                    ("collega", target.as_str()),
                    ("password", password),
                ],
            )
            .await;
        assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    }
    // Another employer cannot remove it either.
    let stranger = Browser::signed_in(&app, login(&report, "demo-werkgever-2")).await;
    let stranger_csrf = stranger.page_csrf().await;
    let foreign = stranger
        .post_form(
            "/profiel/collegas/verwijderen",
            &[
                ("csrf", stranger_csrf.as_str()),
                ("collega", id_of("anja").as_str()),
                (
                    "password",
                    login(&report, "demo-werkgever-2").password.as_str(),
                ),
            ],
        )
        .await;
    assert_eq!(foreign.status(), StatusCode::NOT_FOUND);
    // The employer removes it: its session ends at once; it cannot sign in again.
    let removed = owner
        .post_form(
            "/profiel/collegas/verwijderen",
            &[
                ("csrf", csrf.as_str()),
                ("collega", id_of("anja").as_str()),
                ("password", owner_login.password.as_str()),
            ],
        )
        .await;
    let removed = owner.follow(removed).await.text().await.unwrap();
    assert!(removed.contains("is verwijderd"), "{removed}");
    assert_eq!(anja.get("/").await.status(), StatusCode::SEE_OTHER);
    let again = Browser::new(&app).sign_in("anja", password).await;
    assert_eq!(again.status(), StatusCode::UNAUTHORIZED);
    // Both steps audited under the employer's account.
    app.running.services().flush_audit().await;
    let steps: Vec<String> = conn
        .prepare(
            "SELECT e.detail FROM audit_events e JOIN accounts a ON a.id = e.account_id \
             WHERE a.username = 'demo-werkgever-1' AND e.action IN ('account_created', 'account_removed') \
             ORDER BY e.id",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(steps, ["colleague anja invited", "colleague anja removed"]);
    app.stop().await;
}
