//! The command line of the compiled binary: help, check-config, and exit status 2 on bad config.

use crate::support::{Binary, TestCert};

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn help_lists_the_commands() {
    let dir = tempfile::tempdir().unwrap();
    let out = Binary::run(dir.path(), &["--help"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("serve") && text.contains("check-config"),
        "{text}"
    );
}

#[test]
fn version_names_the_release_and_the_git_revision() {
    let dir = tempfile::tempdir().unwrap();
    let out = Binary::run(dir.path(), &["--version"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let rest = text
        .strip_prefix(&format!("loondossier {} (", env!("CARGO_PKG_VERSION")))
        .and_then(|r| r.strip_suffix(')'))
        .unwrap_or_else(|| panic!("{text}"));
    let revision = rest.trim_end_matches("+changes");
    assert!(
        revision == "unknown"
            || (revision.len() == 12 && revision.chars().all(|c| c.is_ascii_hexdigit())),
        "{text}"
    );
}

#[test]
fn unknown_key_exits_2_naming_key_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.toml"),
        "[http]\nlisten = \"127.0.0.1:0\"\nlisten_port = 1\n",
    )
    .unwrap();
    for command in ["serve", "check-config"] {
        let out = Binary::run(dir.path(), &[command, "--config", "bad.toml"]);
        assert_eq!(out.status.code(), Some(2), "{command}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains("unknown field `listen_port`"), "{err}");
        assert!(err.contains("line 3"), "{err}");
    }
}

#[test]
fn bad_cron_exits_2_naming_the_job() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("loondossier.toml"),
        "[jobs]\nsnapshot = \"every night\"\n",
    )
    .unwrap();
    // Picked up from the working directory without --config.
    let out = Binary::run(dir.path(), &["check-config"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("loondossier.toml:2: [jobs] snapshot"), "{err}");
    assert!(err.contains("fix:"), "{err}");
}

#[test]
fn missing_certificate_exits_2_naming_tls_cert() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("c.toml"),
        "[tls]\ncert = \"missing/fullchain.pem\"\nkey = \"missing/privkey.pem\"\n",
    )
    .unwrap();
    let out = Binary::run(dir.path(), &["serve", "--config", "c.toml"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("c.toml:2: [tls] cert"), "{err}");
    assert!(err.contains("cannot read"), "{err}");
}

#[test]
fn unreadable_config_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = Binary::run(dir.path(), &["check-config", "--config", "nope.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot read config file nope.toml"));
}

#[test]
fn check_config_prints_effective_config_without_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let cert = TestCert::write(dir.path());
    let text = format!(
        "public_url = \"https://portal.example.nl\"\n{}\n[smtp]\nhost = \"smtp.example.nl\"\n\
         username = \"mailer\"\npassword = \"s3cret-smtp-password\"\nfrom = \"noreply@example.nl\"\n",
        cert.tls_section("")
    );
    std::fs::write(dir.path().join("site.toml"), text).unwrap();
    // --config after the subcommand works as well as before it.
    let out = Binary::run(dir.path(), &["check-config", "--config", "site.toml"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        printed.contains("# configuration OK (site.toml)"),
        "{printed}"
    );
    assert!(printed.contains("listen = \"127.0.0.1:8080\""), "{printed}");
    assert!(printed.contains("port = 587"), "{printed}");
    assert!(printed.contains("outbox = \"0 * * * * *\""), "{printed}");
    assert!(!printed.contains("s3cret-smtp-password"), "{printed}");
    assert!(printed.contains("<redacted>"));
    let before = Binary::run(dir.path(), &["--config", "site.toml", "check-config"]);
    assert_eq!(before.stdout, out.stdout);
}

#[test]
fn demo_fills_an_empty_data_directory_once_and_prints_logins() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "demo",
        "--employers",
        "2",
        "--employees-per-employer",
        "2",
        "--years",
        "1",
    ];
    let first = Binary::run(dir.path(), &args);
    assert!(first.status.success(), "{}", stderr(&first));
    let text = String::from_utf8_lossy(&first.stdout);
    assert!(text.contains("demo data loaded in"), "{text}");
    assert!(text.contains("2 employers, 4 employees"), "{text}");
    assert!(text.contains("demo-bureau"), "{text}");
    let password_line = text
        .lines()
        .find(|l| l.contains("demo-werknemer-1"))
        .unwrap()
        .to_owned();

    let second = Binary::run(dir.path(), &args);
    assert!(second.status.success(), "{}", stderr(&second));
    let again = String::from_utf8_lossy(&second.stdout);
    assert!(again.contains("demo data was already loaded"), "{again}");
    assert!(again.contains(&password_line), "same logins: {again}");

    let bad = Binary::run(dir.path(), &["demo", "--employers", "0"]);
    assert_eq!(
        bad.status.code(),
        Some(2),
        "clap refuses out-of-range sizes"
    );
    assert!(stderr(&bad).contains("--employers"), "{}", stderr(&bad));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bureau_and_staff_accounts_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("loondossier.toml"),
        crate::support::config_text(dir.path(), "public_url = \"https://portal.example.nl\"\n"),
    )
    .unwrap();
    let server = Binary::serve(dir.path(), &[]);
    let base = server.url().to_owned();

    let added = Binary::run(
        dir.path(),
        &[
            "bureau",
            "add",
            "--client-number",
            "K42",
            "--name",
            "Salarisbureau Jansen",
        ],
    );
    assert!(added.status.success(), "{}", stderr(&added));
    let twice = Binary::run(
        dir.path(),
        &["bureau", "add", "--client-number", "K42", "--name", "Ander"],
    );
    assert_eq!(twice.status.code(), Some(1));
    assert!(
        stderr(&twice).contains("client-number"),
        "{}",
        stderr(&twice)
    );

    let linked = Binary::run(
        dir.path(),
        &[
            "user",
            "add",
            "--bureau",
            "K42",
            "--username",
            "anja",
            "--name",
            "Anja Jansen",
            "--email",
            "anja@jansen.example",
        ],
    );
    assert!(linked.status.success(), "{}", stderr(&linked));
    let out = String::from_utf8_lossy(&linked.stdout);
    let link = out
        .lines()
        .find(|l| l.starts_with("https://portal.example.nl/wachtwoord/"))
        .unwrap_or_else(|| panic!("no link in {out}"));
    // The link works on the running server (the address is the configured public one).
    let path = link.trim_start_matches("https://portal.example.nl");
    let page = reqwest::get(format!("{base}{path}")).await.unwrap();
    assert_eq!(page.status(), reqwest::StatusCode::OK);
    assert!(page.text().await.unwrap().contains("anja"));

    let weak = Binary::run_with_input(
        dir.path(),
        &[
            "user",
            "add",
            "--bureau",
            "K42",
            "--username",
            "piet",
            "--password-stdin",
        ],
        "kort\n",
    );
    assert_eq!(weak.status.code(), Some(1));
    assert!(
        stderr(&weak).contains("at least 12 characters"),
        "{}",
        stderr(&weak)
    );
    let direct = Binary::run_with_input(
        dir.path(),
        &[
            "user",
            "add",
            "--bureau",
            "K42",
            "--username",
            "piet",
            "--password-stdin",
        ],
        "vier lange woorden op een rij\n",
    );
    assert!(direct.status.success(), "{}", stderr(&direct));
    assert!(String::from_utf8_lossy(&direct.stdout).contains("it can sign in now"));

    // Piet signs in on the same page as everyone; bureaus must set up a second factor first.
    let browser = crate::support::Browser::at(&base);
    let response = browser
        .sign_in("piet", "vier lange woorden op een rij")
        .await;
    assert_eq!(response.status(), reqwest::StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/aanmelden/instellen");

    let reset = Binary::run(dir.path(), &["user", "reset-2fa", "piet"]);
    assert!(reset.status.success(), "{}", stderr(&reset));
    let unknown = Binary::run(dir.path(), &["user", "reset-2fa", "nobody"]);
    assert_eq!(unknown.status.code(), Some(1));
}

#[test]
fn sync_tokens_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("loondossier.toml"),
        crate::support::config_text(dir.path(), ""),
    )
    .unwrap();
    assert!(
        Binary::run(
            dir.path(),
            &["bureau", "add", "--client-number", "K1", "--name", "Bureau"]
        )
        .status
        .success()
    );
    let created = Binary::run(
        dir.path(),
        &["token", "create", "--bureau", "K1", "--name", "Loon 2026"],
    );
    assert!(created.status.success(), "{}", stderr(&created));
    let out = String::from_utf8_lossy(&created.stdout).into_owned();
    let secret = out.lines().last().unwrap();
    assert!(
        secret.starts_with("ldsync_") && secret.len() == 7 + 64,
        "{secret}"
    );
    let id = out.split_whitespace().nth(1).unwrap().to_owned();

    let unknown = Binary::run(dir.path(), &["token", "create", "--bureau", "K9"]);
    assert_eq!(unknown.status.code(), Some(1));
    let bad_lhn = Binary::run(
        dir.path(),
        &["token", "create", "--employer", "123456789L01"],
    );
    assert_eq!(bad_lhn.status.code(), Some(1));
    assert!(
        stderr(&bad_lhn).contains("11-check"),
        "{}",
        stderr(&bad_lhn)
    );
    let neither = Binary::run(dir.path(), &["token", "create"]);
    assert_eq!(
        neither.status.code(),
        Some(2),
        "clap asks for --bureau or --employer"
    );

    let list = Binary::run(dir.path(), &["token", "list"]);
    let listed = String::from_utf8_lossy(&list.stdout).into_owned();
    assert!(
        listed.contains(&id) && listed.contains("Loon 2026") && listed.contains("last used never"),
        "{listed}"
    );
    assert!(!listed.contains(secret), "the secret is never shown again");
    let database = std::fs::read(dir.path().join("data/loondossier.db")).unwrap();
    assert!(
        !database
            .windows(secret.len())
            .any(|w| w == secret.as_bytes()),
        "only a hash is stored"
    );

    assert!(
        Binary::run(dir.path(), &["token", "revoke", &id])
            .status
            .success()
    );
    let listed =
        String::from_utf8_lossy(&Binary::run(dir.path(), &["token", "list"]).stdout).into_owned();
    assert!(listed.contains("(revoked)"), "{listed}");
    assert_eq!(
        Binary::run(dir.path(), &["token", "revoke", &id])
            .status
            .code(),
        Some(1)
    );
}

/// Runs `serve --demo` until its login block is printed; returns that block.
fn demo_block(dir: &std::path::Path) -> String {
    use std::io::BufRead;
    let mut child = std::process::Command::new(Binary::path())
        .args(["serve", "--demo"])
        .current_dir(dir)
        .env_remove("LOONDOSSIER_LOG")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut block = String::new();
    for line in std::io::BufReader::new(stdout).lines() {
        let line = line.unwrap();
        block.push_str(&line);
        block.push('\n');
        if line.starts_with("Open http") {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    block
}

#[test]
fn the_demo_logins_come_last_and_a_changed_password_is_not_shown() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("loondossier.toml"),
        crate::support::config_text(dir.path(), ""),
    )
    .unwrap();
    let first = demo_block(dir.path());
    assert!(first.contains("Demo logins (also in "), "{first}");
    // The address where passkeys work (a browser refuses them on 127.0.0.1).
    assert!(first.contains("Open http://localhost:"), "{first}");
    let kept = std::fs::read_to_string(dir.path().join("data/demo-credentials.txt")).unwrap();
    let employee = kept
        .lines()
        .find(|l| l.contains("\tdemo-werknemer-1\t"))
        .unwrap();
    let password = employee.rsplit('\t').next().unwrap();
    assert!(first.contains(password), "{first}");
    assert!(
        first.trim_end().ends_with("in a browser."),
        "the block is last: {first}"
    );
    // The employee changes its password: a restart no longer shows the old one.
    let conn =
        loondossier::store::Connection::open(dir.path().join("data/loondossier.db")).unwrap();
    conn.execute(
        "UPDATE accounts SET password_hash = \
           (SELECT password_hash FROM accounts WHERE username = 'demo-bureau') \
         WHERE username = 'demo-werknemer-1'",
        [],
    )
    .unwrap();
    drop(conn);
    let again = demo_block(dir.path());
    assert!(!again.contains(password), "{again}");
    let line = again
        .lines()
        .find(|l| l.contains("demo-werknemer-1"))
        .unwrap();
    assert!(
        line.contains("password changed since the demo was made"),
        "{line}"
    );
}
