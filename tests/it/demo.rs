//! The demo a newcomer starts with `serve --demo`: the README's list of logins is the demo's,
//! every party it names is there, and mail can be read without a mail server.

use std::collections::BTreeSet;
use std::path::Path;

use reqwest::StatusCode;

use crate::support::{Binary, Browser, ServerProcess, TestApp, config_text, csrf_in, login};
use loondossier::service::demo::DemoSize;

/// `(login, who)` of each row of the README's table of demo logins.
fn readme_logins() -> Vec<(String, String)> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    readme
        .lines()
        .filter_map(|line| {
            let mut cells = line.strip_prefix("| `demo-")?.split('|');
            let login = format!("demo-{}", cells.next()?.trim().trim_end_matches('`'));
            Some((login, cells.next()?.trim().to_owned()))
        })
        .collect()
}

/// `(role, username, password)` from the demo's credentials file.
fn kept_logins(data_dir: &Path) -> Vec<(String, String, String)> {
    std::fs::read_to_string(data_dir.join("demo-credentials.txt"))
        .unwrap()
        .lines()
        .map(|line| {
            let parts: Vec<&str> = line.split('\t').collect();
            (parts[0].into(), parts[1].into(), parts[2].into())
        })
        .collect()
}

fn demo_server(dir: &Path) -> ServerProcess {
    std::fs::write(dir.join("loondossier.toml"), config_text(dir, "")).unwrap();
    Binary::serve(dir, &["--demo"])
}

#[tokio::test]
async fn the_readme_lists_exactly_the_demo_logins_and_each_signs_in_as_it_says() {
    let dir = tempfile::tempdir().unwrap();
    let server = demo_server(dir.path());
    let readme = readme_logins();
    let kept = kept_logins(&dir.path().join("data"));
    let listed: BTreeSet<&str> = readme.iter().map(|(l, _)| l.as_str()).collect();
    let made: BTreeSet<&str> = kept.iter().map(|(_, u, _)| u.as_str()).collect();
    assert_eq!(listed, made, "README table vs the demo's logins");
    assert_eq!(listed.len(), 6, "bureau, two employers, three employees");
    for (login, who) in &readme {
        let (role, _, password) = kept.iter().find(|(_, u, _)| u == login).unwrap();
        let browser = Browser::at(server.url());
        let answer = browser.sign_in(login, password).await;
        assert_eq!(answer.status(), StatusCode::SEE_OTHER, "{login}");
        let next = answer.headers()["location"].to_str().unwrap().to_owned();
        // Employers and the bureau set up an authenticator app first, as the README says.
        let needs_app = role.starts_with("employer") || role == "bureau";
        assert_eq!(next == "/aanmelden/instellen", needs_app, "{login}: {next}");
        // The README describes what the demo made.
        let described = match role.as_str() {
            "bureau" => who.starts_with("the payroll bureau"),
            "employer, with the bureau" => who.contains("employer whose payroll the bureau runs"),
            "employer, own payroll" => who.contains("employer that runs its own payroll"),
            "employee" => who.starts_with("an employee of") && !who.contains("left"),
            "employee, left" => who.starts_with("an employee of") && who.contains("who left"),
            other => panic!("{login}: a demo role the test does not know: {other}"),
        };
        assert!(
            described,
            "{login}: the README says {who:?}, the demo made a {role}"
        );
    }
}

#[tokio::test]
async fn every_party_the_readme_names_is_in_the_demo() {
    let app = TestApp::start().await;
    let report = app
        .running
        .services()
        .load_demo(
            DemoSize::default(),
            &app.data_dir.join("demo-credentials.txt"),
        )
        .await
        .unwrap();
    let with_bureau = Browser::signed_in(&app, login(&report, "demo-werkgever-1")).await;
    let own_payroll = Browser::signed_in(&app, login(&report, "demo-werkgever-2")).await;
    // The employer with a bureau names it and has no Backups; the other has its own.
    let home = |browser: &Browser| {
        let browser = browser.clone();
        async move { browser.get("/").await.text().await.unwrap() }
    };
    assert!(home(&with_bureau).await.contains("Demo Salarisbureau"));
    assert_eq!(
        with_bureau.get("/backups").await.status(),
        StatusCode::NOT_FOUND
    );
    assert!(!home(&own_payroll).await.contains("Demo Salarisbureau"));
    let backups = own_payroll.get("/backups").await;
    assert_eq!(backups.status(), StatusCode::OK);
    assert!(backups.text().await.unwrap().contains(".lda"));

    // Each employee works where the README says; the one who left has payslips up to the
    // last month worked and none after.
    let conn = loondossier::store::Connection::open(app.data_dir.join("loondossier.db")).unwrap();
    let employer_of = |username: &str| -> (String, Option<String>) {
        conn.query_row(
            "SELECT ra.username, w.employment_end FROM accounts a \
             JOIN employees w ON w.id = a.employee_id \
             JOIN accounts ra ON ra.employer_id = w.employer_id AND ra.role = 'employer' \
             WHERE a.username = ?1 AND ra.username LIKE 'demo-%'",
            [username],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    };
    assert_eq!(
        employer_of("demo-werknemer-1"),
        ("demo-werkgever-1".into(), None)
    );
    assert_eq!(
        employer_of("demo-werknemer-2"),
        ("demo-werkgever-2".into(), None)
    );
    let (employer, left) = employer_of("demo-oud-werknemer");
    assert_eq!(employer, "demo-werkgever-1");
    let left = left.expect("an end of employment");
    let (before, after): (i64, i64) = conn
        .query_row(
            "SELECT count(*) FILTER (WHERE printf('%04d-%02d-01', d.year, d.period) <= ?2), \
                    count(*) FILTER (WHERE printf('%04d-%02d-01', d.year, d.period) > ?2) \
             FROM documents d JOIN accounts a ON a.employee_id = d.employee_id \
             WHERE a.username = ?1 AND d.kind = 'payslip'",
            ["demo-oud-werknemer", left.as_str()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(
        before > 0 && after == 0,
        "{before} before, {after} after {left}"
    );
    // The one demo employee not asked yet about electronic payslips: the question comes first.
    let former = Browser::signed_in(&app, login(&report, "demo-oud-werknemer")).await;
    let asked = former.get("/").await;
    assert_eq!(asked.headers()["location"], "/toestemming?terug=/");
    former.choose_payslip_delivery("paper", "/").await;
    let home = former.get("/").await.text().await.unwrap();
    let shown = chrono::NaiveDate::parse_from_str(&left, "%Y-%m-%d")
        .unwrap()
        .format("%d-%m-%Y")
        .to_string();
    assert!(home.contains(&shown), "the end date {shown} on its Home");
}

#[tokio::test]
async fn a_forgotten_password_is_reset_from_the_mail_file_of_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let server = demo_server(dir.path());
    let browser = Browser::at(server.url());
    let page = browser
        .get("/wachtwoord-vergeten")
        .await
        .text()
        .await
        .unwrap();
    let asked = browser
        .post_form(
            "/wachtwoord-vergeten",
            &[("csrf", &csrf_in(&page)), ("username", "demo-werknemer-1")],
        )
        .await;
    assert_eq!(asked.status(), StatusCode::SEE_OTHER);
    // The mail worker writes it within a few of its rounds.
    let mail_dir = dir.path().join("data/mail");
    let (path, text) = crate::support::eventually("a reset mail in data/mail", async || {
        std::fs::read_dir(&mail_dir).ok().and_then(|entries| {
            entries
                .map_while(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                .find_map(|p| {
                    let text = std::fs::read_to_string(&p).ok()?;
                    text.contains("/wachtwoord/").then_some((p, text))
                })
        })
    })
    .await;
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the file carries a working link");
    // Whatever the umask it was started with, what the server makes is its owner's alone.
    for made in ["loondossier.db-wal", "loondossier.db-shm", "server.lock"] {
        let file = dir.path().join("data").join(made);
        if let Ok(meta) = std::fs::metadata(&file) {
            assert_eq!(meta.permissions().mode() & 0o077, 0, "{made}");
        }
    }
    assert!(text.contains("Subject: "), "{text}");
    assert!(text.contains("text/html"), "both parts as sent: {text}");
    // The log line follows the file (written first, then logged): wait for it too.
    let named = path.display().to_string();
    crate::support::eventually("the log names the file", async || {
        server.log().contains(&named).then_some(())
    })
    .await;
    // The text part is plain: the link can be copied whole from a text editor.
    let start = text.find(server.url()).expect("a link to this server");
    let link: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || ":/.-_".contains(*c))
        .collect();
    let reset_path = link.trim_start_matches(server.url()).to_owned();
    assert!(reset_path.starts_with("/wachtwoord/"), "{link}");
    assert!(
        reset_path.len() > "/wachtwoord/".len() + 20,
        "the whole link: {link}"
    );
    let form = browser.get(&reset_path).await.text().await.unwrap();
    let new_password = "zeven groene kikkers zingen luid";
    let set = browser
        .post_form(
            &reset_path,
            &[
                ("csrf", &csrf_in(&form)),
                ("password", new_password),
                ("repeated", new_password),
            ],
        )
        .await;
    assert_eq!(
        set.headers()["location"],
        "/aanmelden?wachtwoord=opgeslagen"
    );
    let signed_in = Browser::at(server.url())
        .sign_in("demo-werknemer-1", new_password)
        .await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(signed_in.headers()["location"], "/");
}

/// Every `loondossier …` command of the README's code blocks, without its comment.
fn readme_commands() -> Vec<String> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let mut in_code = false;
    let mut commands = Vec::new();
    for line in readme.lines() {
        if line.starts_with("```") {
            in_code = !in_code;
        } else if in_code && line.starts_with("loondossier ") {
            let command = line.split("  #").next().unwrap().trim();
            commands.push(command.to_owned());
        }
    }
    commands
}

/// After the quick start (`serve --demo`), each command the README shows runs as written —
/// with the binary on `PATH`, as `cargo install --path .` leaves it — except where it names
/// something of the reader's own: the id a previous command printed, the reader's snapshot,
/// server address and token file.
#[tokio::test(flavor = "multi_thread")]
async fn every_command_in_the_readme_runs_as_written_after_the_quick_start() {
    let dir = tempfile::tempdir().unwrap();
    let server = demo_server(dir.path());
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    std::os::unix::fs::symlink(Binary::path(), bin.join("loondossier")).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/push-example");
    let copy = dir.path().join("docs/push-example");
    std::fs::create_dir_all(&copy).unwrap();
    for entry in std::fs::read_dir(&example).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), copy.join(entry.file_name())).unwrap();
    }
    let commands = readme_commands();
    assert!(commands.len() >= 20, "{commands:?}");
    let mut token_id = String::new();
    for written in &commands {
        let mut command = written.clone();
        if command.starts_with("loondossier token revoke") {
            command = command.replace(" ID", &format!(" {token_id}"));
        }
        if command.starts_with("loondossier restore") {
            let snapshot = std::fs::read_dir(dir.path().join("data/snapshots"))
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| !p.to_string_lossy().contains(".partial"))
                .max()
                .expect("a snapshot made by the command before");
            command = format!(
                "loondossier restore {} --data-dir {}",
                snapshot.display(),
                dir.path().join("restored").display()
            );
        }
        if command.starts_with("loondossier push") || command.starts_with("loondossier requests") {
            command = command.replace("https://loondossier.example.nl", server.url());
        }
        let out = std::process::Command::new("sh")
            .args(["-c", &command])
            .current_dir(dir.path())
            .env("PATH", &path)
            .env_remove("LOONDOSSIER_LOG")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "`{written}` failed ({}):\n{stdout}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        // The bureau's token goes into token.txt for `push`; the employer's is the one revoked.
        if command.starts_with("loondossier token create") {
            let mut lines = stdout.lines();
            token_id = lines
                .next()
                .and_then(|l| l.strip_prefix("token "))
                .and_then(|l| l.split_whitespace().next())
                .unwrap()
                .to_owned();
            if command.contains("--bureau") {
                std::fs::write(dir.path().join("token.txt"), lines.next().unwrap()).unwrap();
            }
        }
    }
    // `mail test` without [smtp] wrote its message where the demo's mail goes.
    let written = std::fs::read_dir(dir.path().join("data/mail"))
        .unwrap()
        .count();
    assert!(written >= 1);
}

/// The README's pictures come from `docs/screenshots/take`: it still signs in as each party of
/// a fresh demo and saves each page at its width.
#[test]
fn the_screenshot_script_takes_every_picture() {
    let out = tempfile::tempdir().unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots/take");
    let run = std::process::Command::new("python3")
        .arg(&script)
        .arg("--binary")
        .arg(Binary::path())
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    for (name, width) in [
        ("werknemer-dossier.png", 1280),
        ("werknemer-dossier-telefoon.png", 360),
        ("werkgever-werknemers.png", 1280),
        ("werkgever-ongelezen-telefoon.png", 360),
        ("zelfstandige-werkgever-backups.png", 1280),
        ("zelfstandige-werkgever-home-telefoon.png", 360),
        ("bureau-werkgevers.png", 1280),
        ("bureau-werkgevers-telefoon.png", 360),
    ] {
        let png = std::fs::read(out.path().join(name)).unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "{name} is a PNG");
        // IHDR: the width is the big-endian u32 at byte 16.
        let shot_width = u32::from_be_bytes(png[16..20].try_into().unwrap());
        assert_eq!(shot_width, width, "{name}");
        assert!(
            readme.contains(&format!("docs/screenshots/{name}")),
            "the README shows {name}"
        );
    }
}
