//! Looking after a data directory with the real binary: a snapshot taken while the server
//! runs restores into an empty directory that starts, checks clean and serves the same
//! bytes; the scheduler runs jobs on their cron expressions and one failing job stops nothing.

use std::time::Duration;

use reqwest::StatusCode;
use sha2::{Digest, Sha256};

use crate::support::{Binary, Browser, TestApp, config_text, demo, eventually, login};

/// The hashes of the first few documents an employee can download.
async fn sampled_hashes(browser: &Browser) -> Vec<(String, String)> {
    let page = browser.get("/dossier").await.text().await.unwrap();
    let mut out = Vec::new();
    for link in page
        .split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|href| href.ends_with("/download"))
        .take(4)
    {
        let response = browser.get(link).await;
        assert_eq!(response.status(), StatusCode::OK, "{link}");
        let bytes = response.bytes().await.unwrap();
        out.push((link.to_owned(), hex::encode(Sha256::digest(&bytes))));
    }
    assert!(out.len() >= 3, "enough documents to sample: {out:?}");
    out
}

#[tokio::test]
async fn a_snapshot_restores_into_an_empty_directory_that_serves_the_same_bytes() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let employee = login(&report, "demo-werknemer-1").clone();
    let before = sampled_hashes(&Browser::signed_in(&app, &employee).await).await;
    let dir = app.data_dir.parent().unwrap().to_path_buf();

    // Taken with the command line while the server runs.
    let made = Binary::run(&dir, &["snapshot", "--config", "loondossier.toml"]);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let target = tempfile::tempdir().unwrap();
    let restored_dir = target.path().join("restored");
    let restored_arg = restored_dir.to_string_lossy().into_owned();
    // In a directory of the data directory, or (files in a bucket) in the bucket, by name.
    let mut restore = vec!["restore".to_owned()];
    if crate::support::garage::in_bucket() {
        let made = String::from_utf8_lossy(&made.stdout).into_owned();
        let name = made
            .split("/snapshots/")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("no snapshot named in: {made}"));
        restore.extend([name.to_owned(), "--bucket".to_owned()]);
    } else {
        let snapshots: Vec<_> = std::fs::read_dir(app.data_dir.join("snapshots"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(snapshots.len(), 1, "{snapshots:?}");
        restore.push(snapshots[0].to_string_lossy().into_owned());
    }
    restore.extend(["--data-dir".to_owned(), restored_arg.clone()]);
    restore.extend(["--config".to_owned(), "loondossier.toml".to_owned()]);
    let restore: Vec<&str> = restore.iter().map(String::as_str).collect();
    let restored = Binary::run(&dir, &restore);
    assert!(
        restored.status.success(),
        "{}",
        String::from_utf8_lossy(&restored.stderr)
    );
    // Not over an existing installation.
    let again = Binary::run(&dir, &restore);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));
    // The old installation (and its directory) goes away.
    let storage = crate::support::storage_section(&dir);
    app.stop().await;

    // The restored directory checks clean and serves the same bytes to the same login.
    let text = format!(
        "data_dir = \"{}\"\n[http]\nlisten = \"127.0.0.1:0\"\n{}",
        restored_dir.display(),
        storage
    );
    std::fs::write(target.path().join("loondossier.toml"), &text).unwrap();
    let fsck = Binary::run(target.path(), &["fsck", "--config", "loondossier.toml"]);
    let out = String::from_utf8_lossy(&fsck.stdout).into_owned();
    assert!(fsck.status.success(), "{out}");
    assert!(
        out.contains(" 0 missing, 0 damaged, 0 without a row, 0 stale"),
        "{out}"
    );
    let app = TestApp::start_in(target, &text).await;
    let after = sampled_hashes(&Browser::signed_in(&app, &employee).await).await;
    assert_eq!(after, before);
    app.stop().await;
}

/// A stored file with no row, two hours old (past a one-hour grace period).
fn leave_behind(path: &std::path::Path) {
    std::fs::write(path, b"left behind").unwrap();
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(std::time::SystemTime::now() - Duration::from_secs(2 * 3600))
        .unwrap();
}

#[tokio::test]
async fn jobs_run_on_their_schedule_and_a_failing_one_stops_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let extra = "[retention]\norphan_grace_hours = 1\n\
                 [jobs]\norphan_sweep = \"* * * * * *\"\nsnapshot = \"* * * * * *\"\n";
    let text = config_text(tmp.path(), extra);
    let app = TestApp::start_in(tmp, &text).await;
    // The snapshot job cannot work: its directory is a file now.
    let snapshots = app.data_dir.join("snapshots");
    std::fs::remove_dir(&snapshots).unwrap();
    std::fs::write(&snapshots, b"not a directory").unwrap();
    // A file a crash left behind, older than the grace period.
    let shard = app.data_dir.join("files").join("ab");
    std::fs::create_dir_all(&shard).unwrap();
    let orphan = shard.join("ab000000000000000000000000000000");
    leave_behind(&orphan);
    eventually("the orphan sweep ran", async || {
        (!orphan.exists()).then_some(())
    })
    .await;
    // Several failed snapshot turns later the server still answers, and so do the jobs.
    let activity = app.running.services();
    let failed = activity.activity().job("snapshot").failed;
    eventually("two more failed snapshot turns", async || {
        (activity.activity().job("snapshot").failed >= failed + 2).then_some(())
    })
    .await;
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
    leave_behind(&orphan);
    eventually("the sweep ran after the snapshot failures", async || {
        (!orphan.exists()).then_some(())
    })
    .await;
    app.stop().await;
}

#[test]
fn jobs_are_listed_and_run_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("loondossier.toml"),
        "data_dir = \"data\"\n[jobs]\nintegrity = \"\"\n",
    )
    .unwrap();
    let list = Binary::run(dir.path(), &["jobs", "list"]);
    let out = String::from_utf8_lossy(&list.stdout).into_owned();
    assert!(out.contains("payroll_retention  0 0 3 * * *"), "{out}");
    assert!(out.contains("integrity          disabled"), "{out}");
    for job in [
        "outbox",
        "backup_retention",
        "payroll_retention",
        "upload_retention",
        "trash_purge",
        "session_purge",
        "orphan_sweep",
        "integrity",
    ] {
        let run = Binary::run(dir.path(), &["jobs", "run", job]);
        assert!(
            run.status.success(),
            "{job}: {}{}",
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        );
        assert!(String::from_utf8_lossy(&run.stdout).starts_with(&format!("{job}: ")));
    }
    let unknown = Binary::run(dir.path(), &["jobs", "run", "backups"]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("the jobs are outbox"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_outbox_job_sends_what_is_queued() {
    let dir = tempfile::tempdir().unwrap();
    let smtp = crate::support::SmtpServer::start(&dir.path().join("mail"));
    std::fs::write(
        dir.path().join("loondossier.toml"),
        format!(
            "data_dir = \"data\"\npublic_url = \"https://portal.example\"\n{}",
            smtp.smtp_section(None)
        ),
    )
    .unwrap();
    let added = Binary::run(
        dir.path(),
        &["bureau", "add", "--client-number", "K1", "--name", "Bakker"],
    );
    assert!(added.status.success());
    // Queued by the command (no server runs to send it)…
    let user = Binary::run(
        dir.path(),
        &[
            "user",
            "add",
            "--bureau",
            "K1",
            "--username",
            "anna",
            "--email",
            "anna@bakker.example",
        ],
    );
    assert!(
        user.status.success(),
        "{}",
        String::from_utf8_lossy(&user.stderr)
    );
    assert!(smtp.received().is_empty());
    // …and sent by the job.
    let run = Binary::run(dir.path(), &["jobs", "run", "outbox"]);
    let out = String::from_utf8_lossy(&run.stdout).into_owned();
    assert!(run.status.success(), "{out}");
    assert!(out.contains("1 sent"), "{out}");
    let mail = smtp.wait_for(1).await;
    assert!(
        mail[0]
            .header("To")
            .unwrap()
            .contains("anna@bakker.example")
    );
    assert!(mail[0].link().starts_with("https://portal.example/"));
}
