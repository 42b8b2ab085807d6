//! The server's life as an operator sees it: start-up line, data directory, lock, migrations,
//! signals — mostly against the compiled binary.

use std::os::unix::fs::PermissionsExt;

use reqwest::StatusCode;

use crate::support::{Binary, TestApp, TestCert, config_text};

// Multi-threaded so the client's connection task keeps answering while this thread waits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_binary_serves_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let cert = TestCert::write(dir.path());
    std::fs::write(
        dir.path().join("loondossier.toml"),
        config_text(dir.path(), &cert.tls_section("")),
    )
    .unwrap();
    let mut server = Binary::serve(dir.path(), &["--config", "loondossier.toml"]);
    let url = server.url().to_owned();
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    let port = url.rsplit(':').next().unwrap();
    assert_ne!(port, "0", "the log must name the real port");

    let response = cert
        .http_client()
        .get(format!("https://localhost:{port}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    server.signal("TERM");
    let status = server.wait();
    assert_eq!(status.code(), Some(0), "{}", server.log());
    assert!(server.log().contains("stopped"), "{}", server.log());
    // The client's HTTP/2 connection was still open: it got a GOAWAY and went, nothing was cut.
    assert!(!server.log().contains("cut off"), "{}", server.log());
    // The WAL was folded back into the database on the way out.
    let wal = dir.path().join("data/loondossier.db-wal");
    assert!(!wal.exists() || std::fs::metadata(&wal).unwrap().len() == 0);
}

#[test]
fn second_server_is_refused_while_admin_commands_keep_working() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("loondossier.toml"),
        config_text(dir.path(), ""),
    )
    .unwrap();
    let first = Binary::serve(dir.path(), &[]);
    first.url();

    let mut second = Binary::serve(dir.path(), &[]);
    let status = second.wait();
    assert_eq!(status.code(), Some(1));
    let log = second.log();
    assert!(
        log.contains("in use by another loondossier server"),
        "{log}"
    );
    assert!(log.contains(&format!("pid {}", first.child.id())), "{log}");

    let check = Binary::run(dir.path(), &["check-config"]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn a_missing_or_damaged_secret_key_stops_the_server_with_the_way_out() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("loondossier.toml"),
        config_text(dir.path(), ""),
    )
    .unwrap();
    let first = Binary::run(
        dir.path(),
        &["bureau", "add", "--client-number", "K1", "--name", "Bakker"],
    );
    assert!(first.status.success());
    let key = dir.path().join("data/secret.key");
    let made = std::fs::read(&key).unwrap();
    assert_eq!(made.len(), 32, "made with the database");
    // Kept as it is by every later start.
    let started = Binary::serve(dir.path(), &[]);
    started.url();
    drop(started);
    assert_eq!(std::fs::read(&key).unwrap(), made);
    // Gone (a restore without it): refused, and no new key is made behind the database's back.
    std::fs::remove_file(&key).unwrap();
    let mut missing = Binary::serve(dir.path(), &[]);
    assert_eq!(missing.wait().code(), Some(1));
    let log = missing.log();
    assert!(log.contains("secret.key is missing"), "{log}");
    assert!(log.contains("restore it from a snapshot"), "{log}");
    assert!(!key.exists());
    // Emptied: refused the same way.
    std::fs::write(&key, b"").unwrap();
    let mut empty = Binary::serve(dir.path(), &[]);
    assert_eq!(empty.wait().code(), Some(1));
    let log = empty.log();
    assert!(log.contains("is damaged (0 bytes"), "{log}");
    assert!(log.contains("restore it from a snapshot"), "{log}");
    assert_eq!(std::fs::read(&key).unwrap(), b"");
}

#[test]
fn newer_database_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o700)).unwrap();
    write_future_database(&data.join("loondossier.db"));
    std::fs::write(
        dir.path().join("loondossier.toml"),
        config_text(dir.path(), ""),
    )
    .unwrap();
    let mut server = Binary::serve(dir.path(), &[]);
    assert_eq!(server.wait().code(), Some(1));
    let log = server.log();
    assert!(log.contains("newer loondossier"), "{log}");
    assert!(log.contains("schema version 999"), "{log}");
}

/// Writes a database file claiming schema version 999 using only SQLite's file format:
/// the `user_version` lives at byte offset 60 of the header.
fn write_future_database(path: &std::path::Path) {
    let mut page = vec![0u8; 4096];
    page[..16].copy_from_slice(b"SQLite format 3\0");
    page[16..18].copy_from_slice(&4096u16.to_be_bytes()); // page size
    page[18] = 1; // write version: legacy
    page[19] = 1; // read version: legacy
    page[21] = 64; // max embedded payload fraction
    page[22] = 32; // min embedded payload fraction
    page[23] = 32; // leaf payload fraction
    page[24..28].copy_from_slice(&1u32.to_be_bytes()); // change counter
    page[28..32].copy_from_slice(&1u32.to_be_bytes()); // database size in pages
    page[44..48].copy_from_slice(&4u32.to_be_bytes()); // schema format
    page[56..60].copy_from_slice(&1u32.to_be_bytes()); // text encoding UTF-8
    page[60..64].copy_from_slice(&999u32.to_be_bytes()); // user_version
    page[92..96].copy_from_slice(&1u32.to_be_bytes()); // version-valid-for
    page[96..100].copy_from_slice(&3_054_000u32.to_be_bytes()); // SQLite version number
    page[100] = 0x0d; // page 1 is an empty table b-tree leaf (sqlite_schema)
    page[105..107].copy_from_slice(&4096u16.to_be_bytes()[..]); // cell content start
    std::fs::write(path, page).unwrap();
}

#[tokio::test]
async fn data_directory_is_created_owner_only() {
    let app = TestApp::start().await;
    let mode = std::fs::metadata(&app.data_dir)
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o700);
    for sub in ["files", "tmp", "snapshots"] {
        assert!(app.data_dir.join(sub).is_dir(), "{sub}");
    }
    assert!(app.data_dir.join("loondossier.db").is_file());
    app.stop().await;
}

#[test]
fn json_log_format_is_machine_readable() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("loondossier.toml"),
        config_text(dir.path(), ""),
    )
    .unwrap();
    let mut server = Binary::serve(dir.path(), &["--log-format", "json"]);
    let url = server.url().to_owned();
    server.signal("INT");
    assert_eq!(server.wait().code(), Some(0));
    let line = server
        .log()
        .lines()
        .find(|l| l.contains("listening on"))
        .map(str::to_owned)
        .expect("listening line");
    let event: serde_json::Value = serde_json::from_str(&line).expect("JSON log line");
    assert_eq!(event["level"], "INFO");
    assert_eq!(event["message"], format!("listening on {url}"));
}

#[tokio::test]
async fn bind_failure_is_an_error_not_a_panic() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("loondossier.toml"),
        config_text(dir.path(), &format!("[http]\nlisten = \"{addr}\"\n")),
    )
    .unwrap();
    let mut server = Binary::serve(dir.path(), &[]);
    assert_eq!(server.wait().code(), Some(1));
    let log = server.log();
    assert!(log.contains(&format!("cannot listen on {addr}")), "{log}");
    assert!(log.contains("[http] listen"), "{log}");
    assert!(!log.contains("panicked"), "{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_reloads_the_certificate_and_keeps_it_when_the_new_one_is_bad() {
    let dir = tempfile::tempdir().unwrap();
    let first = TestCert::write(dir.path());
    std::fs::write(
        dir.path().join("loondossier.toml"),
        config_text(dir.path(), &first.tls_section("")),
    )
    .unwrap();
    let mut server = Binary::serve(dir.path(), &[]);
    let port = server.url().rsplit(':').next().unwrap().to_owned();
    let healthz = format!("https://localhost:{port}/healthz");
    // A client that trusts only the first certificate keeps its connection open.
    let open = first.http_client();
    assert!(open.get(&healthz).send().await.is_ok());

    // certbot renews: new files at the same paths, then the reload hook sends SIGHUP.
    let renewed = TestCert::write(dir.path());
    server.signal("HUP");
    let client = renewed.http_client();
    crate::support::eventually("the renewed certificate is served", async || {
        client.get(&healthz).send().await.is_ok().then_some(())
    })
    .await;
    // The log says which certificate went and which came, by their expiry.
    let log = server.log();
    let line = log
        .lines()
        .find(|l| l.contains("TLS certificate reloaded"))
        .expect("a reload line");
    assert!(
        line.contains("old_valid_until=") && line.contains("new_valid_until="),
        "{line}"
    );
    assert!(!line.contains("unknown"), "{line}");
    // The open connection was not dropped: it still answers (a new one could not, as this
    // client does not trust the renewed certificate).
    let still = open
        .get(&healthz)
        .send()
        .await
        .expect("the open connection still works");
    assert_eq!(still.status(), StatusCode::OK);
    assert!(
        first.http_client().get(&healthz).send().await.is_err(),
        "new connections get the renewed certificate"
    );

    std::fs::write(&renewed.cert_path, "not a certificate").unwrap();
    server.signal("HUP");
    crate::support::eventually("the bad certificate is reported", async || {
        server
            .log()
            .contains("keeping the current one")
            .then_some(())
    })
    .await;
    let fresh = renewed.http_client();
    let response = fresh.get(&healthz).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    server.signal("TERM");
    assert_eq!(server.wait().code(), Some(0), "{}", server.log());
}

#[test]
fn a_data_directory_open_to_others_is_made_owner_only_at_start() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("loondossier.toml"),
        config_text(dir.path(), ""),
    )
    .unwrap();
    let made = Binary::run(
        dir.path(),
        &["bureau", "add", "--client-number", "K1", "--name", "Bakker"],
    );
    assert!(made.status.success());
    let data = dir.path().join("data");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    // As a careless copy or `chmod -R 755` would leave it.
    for (path, loose) in [
        (data.clone(), 0o755),
        (data.join("files"), 0o777),
        (data.join("loondossier.db"), 0o644),
        (data.join("secret.key"), 0o644),
    ] {
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(loose)).unwrap();
    }
    let server = Binary::serve(dir.path(), &[]);
    server.url();
    let log = server.log();
    assert!(log.contains("made owner-only"), "{log}");
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("files")), 0o700);
    assert_eq!(mode(&data.join("loondossier.db")), 0o600);
    assert_eq!(mode(&data.join("secret.key")), 0o600);
}

/// A bucket that does not answer at start (the object store is down) does not keep the portal
/// from starting: sign-in and lists need no file. `/healthz` says what is down, and the log
/// says it at start. (A wrong bucket or key is refused at start: `storage::`.)
#[test]
fn a_bucket_that_does_not_answer_at_start_is_reported_not_fatal() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("s3-secret");
    std::fs::write(&secret, "geheim").unwrap();
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).unwrap();
    // A port that refuses connections, held so that nothing else can listen there.
    let (port, _refusing) = crate::support::ports::refusing();
    std::fs::write(
        dir.path().join("loondossier.toml"),
        format!(
            "data_dir = \"{}\"\n[http]\nlisten = \"127.0.0.1:0\"\n[storage]\nbackend = \"s3\"\n\
             endpoint = \"http://127.0.0.1:{port}\"\nregion = \"garage\"\nbucket = \"loondossier\"\n\
             access_key_id = \"GK1\"\nsecret_access_key_file = \"s3-secret\"\n",
            dir.path().join("data").display()
        ),
    )
    .unwrap();
    let server = crate::support::Binary::serve(dir.path(), &[]);
    let url = server.url().to_owned();
    let log = server.log();
    assert!(
        log.contains("file storage unavailable at start") && log.contains("[storage] endpoint"),
        "{log}"
    );
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (status, body) = runtime.block_on(async {
        let response = reqwest::get(format!("{url}/healthz")).await.unwrap();
        let status = response.status();
        (status, response.json::<serde_json::Value>().await.unwrap())
    });
    assert_eq!(status, reqwest::StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["db"], "ok");
    assert_eq!(body["storage"], "unavailable");
    // `status` still tells what the database knows, and why the files were not counted.
    let out = crate::support::Binary::run(dir.path(), &["status"]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("file storage     s3://loondossier/"),
        "{text}"
    );
    assert!(text.contains("stored files     not counted: "), "{text}");
    assert!(text.contains("schema version"), "{text}");
}
