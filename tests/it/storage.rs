//! Files in a bucket of a real Garage cluster (three nodes on loopback, replication factor 3):
//! large files in parts, moving a data directory's files into the bucket, snapshots that keep
//! what they refer to, and losing nodes while uploads go on. The first test runs on whichever
//! backend the run uses (`./test` runs it on both); the others always use a bucket.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use reqwest::StatusCode;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::support::garage::{self, Cluster};
use crate::support::{Binary, TestApp, config_text, eventually};

/// A bureau's sync token on a running app.
async fn bureau_token(app: &TestApp) -> String {
    let services = app.running.services();
    services
        .add_bureau("K1", "Salarisbureau Bakker")
        .await
        .unwrap();
    services
        .create_token(
            loondossier::service::TokenFor::Bureau {
                client_number: "K1".into(),
            },
            "test",
        )
        .await
        .unwrap()
        .secret
}

async fn upload_backup(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    name: &str,
    body: Vec<u8>,
) -> reqwest::Response {
    client
        .post(format!("{base}/api/v1/backups?filename={name}"))
        .bearer_auth(token)
        .body(body)
        .send()
        .await
        .unwrap()
}

fn random_bytes(len: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; len];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    bytes
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[tokio::test]
async fn a_large_backup_is_stored_in_parts_and_read_back_whole_and_in_ranges() {
    let app = TestApp::start().await;
    let token = bureau_token(&app).await;
    // 20 MiB: three parts of a multipart upload in a bucket.
    let body = random_bytes(20 * 1024 * 1024 + 123);
    let created = upload_backup(&app.client, &app.url(""), &token, "LB1.lda", body.clone()).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let id = created.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let url = app.url(&format!("/api/v1/backups/{id}"));
    let whole = app
        .client
        .get(&url)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(whole.status(), StatusCode::OK);
    assert_eq!(sha(&whole.bytes().await.unwrap()), sha(&body));
    // Ranges inside a part, across the border of the first two parts, and to the end.
    for (start, end) in [(10, 99), (8 * 1024 * 1024 - 5, 8 * 1024 * 1024 + 5)] {
        let part = app
            .client
            .get(&url)
            .bearer_auth(&token)
            .header("range", format!("bytes={start}-{end}"))
            .send()
            .await
            .unwrap();
        assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
        assert_eq!(part.bytes().await.unwrap(), &body[start..=end]);
    }
    let tail = app
        .client
        .get(&url)
        .bearer_auth(&token)
        .header("range", "bytes=-1000")
        .send()
        .await
        .unwrap();
    assert_eq!(tail.bytes().await.unwrap(), &body[body.len() - 1000..]);
    // One stored file of exactly that size, wherever files live.
    let (files, bytes) = app.running.services().blobs().usage().await.unwrap();
    assert_eq!((files, bytes), (1, body.len() as u64));
    let fsck = app.running.services().fsck(false).await.unwrap();
    assert!(fsck.clean(), "{fsck:?}");
    app.stop().await;
}

fn ok(out: &std::process::Output) -> bool {
    out.status.success()
}

fn text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[tokio::test]
async fn the_demo_data_moves_into_the_bucket_and_checks_clean() {
    let cluster = Cluster::shared();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let local = format!(
        "data_dir = \"{}\"\n[http]\nlisten = \"127.0.0.1:0\"\n",
        data.display()
    );
    let prefix = garage::unique_prefix();
    let bucket = format!("{local}{}", cluster.storage_config(dir.path(), &prefix));
    std::fs::write(dir.path().join("local.toml"), &local).unwrap();
    std::fs::write(dir.path().join("s3.toml"), &bucket).unwrap();
    let demo = Binary::run(dir.path(), &["demo", "--config", "local.toml"]);
    assert!(ok(&demo), "{}", text(&demo));
    let before = Binary::run(dir.path(), &["fsck", "--config", "local.toml"]);
    // "N rows, M stored files: …" (a file may have several rows: a shared document).
    let counted = String::from_utf8_lossy(&before.stdout).into_owned();
    let numbers: Vec<u64> = counted
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .take(2)
        .collect();
    let (rows, files) = (numbers[0], numbers[1]);
    assert!(files > 20, "{counted}");

    // The bucket config does not start on files that are still local.
    let refused = Binary::run(dir.path(), &["serve", "--config", "s3.toml"]);
    assert!(!ok(&refused));
    assert!(
        text(&refused).contains("storage migrate --to s3"),
        "{}",
        text(&refused)
    );

    // Beside a running server the files are copied, but the move is not finished.
    let server = Binary::serve(dir.path(), &["--config", "local.toml"]);
    let _ = server.url();
    let first = Binary::run(
        dir.path(),
        &["storage", "migrate", "--to", "s3", "--config", "s3.toml"],
    );
    assert!(ok(&first), "{}", text(&first));
    assert!(
        text(&first).contains(&format!("copied and checked {files} files")),
        "{}",
        text(&first)
    );
    assert!(
        text(&first).contains("server still serves"),
        "{}",
        text(&first)
    );
    assert!(data.join("storage-migration.progress").exists());
    drop(server);
    // An object the progress file counts as copied goes missing from the bucket (say, the
    // first run went to another cluster with a bucket of the same name): the finishing run
    // looks again and copies it.
    let lost = std::fs::read_dir(data.join("files"))
        .unwrap()
        .flat_map(|shard| std::fs::read_dir(shard.unwrap().path()).unwrap())
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .next()
        .unwrap();
    let objects = loondossier::blobs::Objects::new(&cluster.s3_config(&prefix)).unwrap();
    let lost_id = loondossier::blobs::FileId::parse(&lost).unwrap();
    objects.delete(lost_id).await.unwrap();

    // Again with the server stopped: nothing is copied twice, and `files/` goes aside.
    let second = Binary::run(
        dir.path(),
        &["storage", "migrate", "--to", "s3", "--config", "s3.toml"],
    );
    assert!(ok(&second), "{}", text(&second));
    assert!(
        text(&second).contains("copied and checked 1 file ("),
        "{}",
        text(&second)
    );
    assert!(
        text(&second).contains(&format!("{} were there already", files - 1)),
        "{counted}\n{}",
        text(&second)
    );
    assert!(!data.join("storage-migration.progress").exists());
    let aside: Vec<_> = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("files-migrated-"))
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");

    // Every row's file is in the bucket with its size and SHA-256, and nothing else is.
    let fsck = Binary::run(dir.path(), &["fsck", "--config", "s3.toml"]);
    assert!(ok(&fsck), "{}", text(&fsck));
    assert!(
        text(&fsck).contains(&format!(
            "{rows} rows, {files} stored files: 0 missing, 0 damaged, 0 without a row"
        )),
        "{}",
        text(&fsck)
    );
    // The old config no longer starts: its files went to the bucket.
    let stale = Binary::run(dir.path(), &["serve", "--config", "local.toml"]);
    assert!(!ok(&stale));
    assert!(
        text(&stale).contains("files were moved to s3://loondossier/"),
        "{}",
        text(&stale)
    );
    // A snapshot is made in the bucket; a restore of a name that is not there lists them.
    let made = Binary::run(dir.path(), &["snapshot", "--config", "s3.toml"]);
    assert!(ok(&made), "{}", text(&made));
    let wrong = Binary::run(
        dir.path(),
        &[
            "restore",
            "snapshot-1999",
            "--bucket",
            "--data-dir",
            "restored",
            "--config",
            "s3.toml",
        ],
    );
    assert!(!ok(&wrong));
    assert!(
        text(&wrong).contains("snapshots in the bucket: snapshot-20"),
        "{}",
        text(&wrong)
    );
    // And the server starts on the bucket.
    let server = Binary::serve(dir.path(), &["--config", "s3.toml"]);
    let health: Value = reqwest::get(format!("{}/healthz", server.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["storage"], "ok");
}

#[tokio::test]
async fn a_snapshot_in_the_bucket_keeps_what_it_refers_to_until_it_is_pruned() {
    let cluster = Cluster::shared();
    let tmp = tempfile::tempdir().unwrap();
    let storage = cluster.storage_config(tmp.path(), &garage::unique_prefix());
    let extra = format!("[backups]\nkeep = 10\n[retention]\nsnapshots_keep = 1\n{storage}");
    let text = config_text(tmp.path(), &extra);
    let app = TestApp::start_in(tmp, &text).await;
    let services = app.running.services();
    let token = bureau_token(&app).await;
    let body = random_bytes(300_000);
    let created = upload_backup(&app.client, &app.url(""), &token, "LB1.lda", body.clone()).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let id = created.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // The snapshot's name, from what the job reports ("made s3://…/snapshots/<name> (…)").
    let snapshot = async || {
        let made = services.run_snapshot().await.unwrap().notes.join("\n");
        made.split("/snapshots/")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("{made}"))
            .to_owned()
    };
    let delete = async |id: &str| {
        let deleted = app
            .client
            .delete(app.url(&format!("/api/v1/backups/{id}")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    };
    let name = snapshot().await;

    // The backup goes; its object stays for the snapshot, and is no orphan meanwhile.
    delete(&id).await;
    assert_eq!(services.blobs().usage().await.unwrap().0, 1, "kept");
    let fsck = services.fsck(false).await.unwrap();
    assert!(
        fsck.clean(),
        "kept for the snapshot, so no orphan: {fsck:?}"
    );

    let objects = services.blobs().objects().unwrap().clone();
    let marked = |objects: &loondossier::blobs::Objects| {
        let objects = objects.clone();
        async move {
            let mut names: Vec<String> = objects
                .list("deleted")
                .await
                .unwrap()
                .into_iter()
                .map(|l| l.name)
                .collect();
            names.sort();
            names
        }
    };
    let object_a = {
        // The backup's file id is not in the API; it is the only stored object.
        let listed = services.blobs().list_stored().await.unwrap();
        assert_eq!(listed.len(), 1);
        listed[0].name.clone()
    };
    assert_eq!(marked(&objects).await, vec![object_a.clone()]);

    // A newer snapshot prunes the first (keep 1): the object is an orphan now, which the
    // sweep removes once past its grace.
    let second = services.run_snapshot().await.unwrap();
    assert!(
        second
            .notes
            .iter()
            .any(|n| n == &format!("removed snapshot {name}")),
        "{second:?}"
    );
    let fsck = services.fsck(false).await.unwrap();
    assert_eq!(fsck.orphans.len(), 1, "{fsck:?}");
    assert!(
        fsck.orphans[0]
            .to_string_lossy()
            .ends_with(&format!("files/{object_a}"))
    );
    // A snapshot that is gone cannot be restored.
    let restored = tempfile::tempdir().unwrap();
    let gone = loondossier::service::snapshot_bucket::restore_from_bucket(
        &objects,
        &name,
        &restored.path().join("again"),
        "test",
    )
    .await
    .unwrap_err();
    assert!(gone.to_string().contains("is not a snapshot"), "{gone}");

    // Another backup, a snapshot, and the backup removed: the snapshot restores into a new
    // data directory with the backup whole, and the restored database refers to its object
    // again (its deletion marker goes; the first backup's stays).
    let body_b = random_bytes(200_000);
    let created = upload_backup(&app.client, &app.url(""), &token, "LB2.lda", body_b.clone()).await;
    let id_b = created.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let name_b = snapshot().await;
    delete(&id_b).await;
    assert_eq!(marked(&objects).await.len(), 2);
    let target = restored.path().join("data");
    let back = loondossier::service::snapshot_bucket::restore_from_bucket(
        &objects, &name_b, &target, "test",
    )
    .await
    .unwrap();
    assert_eq!((back.files, back.bytes), (1, body_b.len() as u64));
    assert_eq!(marked(&objects).await, vec![object_a]);
    assert!(target.join("loondossier.db").exists());
    assert!(target.join("secret.key").exists());
    app.stop().await;
}

#[tokio::test]
async fn losing_nodes_loses_no_acknowledged_upload_and_two_down_answer_503() {
    let mut cluster = Cluster::start();
    let tmp = tempfile::tempdir().unwrap();
    // The portal talks to node 1; nodes 2 and 3 are the ones lost.
    let storage = cluster.storage_config(tmp.path(), "fault/");
    let text = config_text(tmp.path(), &format!("[backups]\nkeep = 1000\n{storage}"));
    let app = TestApp::start_in(tmp, &text).await;
    let token = bureau_token(&app).await;
    let base = app.url("");

    // Eight uploaders, each until told to stop; what was acknowledged, by id, with its hash.
    let acked: Arc<Mutex<HashMap<String, String>>> = Arc::default();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut uploaders = Vec::new();
    for n in 0..8 {
        let (client, base, token) = (app.client.clone(), base.clone(), token.clone());
        let (acked, stop) = (Arc::clone(&acked), Arc::clone(&stop));
        uploaders.push(tokio::spawn(async move {
            let mut i = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                // Mostly small files, every fifth one in parts.
                let len = if i % 5 == 4 {
                    9 * 1024 * 1024
                } else {
                    40_000 + i * 997
                };
                let body = random_bytes(len);
                let hash = sha(&body);
                let name = format!("LB{n}-{i}.lda");
                let response = upload_backup(&client, &base, &token, &name, body).await;
                if response.status() == StatusCode::CREATED {
                    let id = response.json::<Value>().await.unwrap()["id"]
                        .as_str()
                        .unwrap()
                        .to_owned();
                    acked.lock().unwrap().insert(id, hash);
                }
                i += 1;
            }
        }));
    }
    let count = |acked: &Arc<Mutex<HashMap<String, String>>>| acked.lock().unwrap().len();
    eventually("uploads acknowledged before the loss", async || {
        (count(&acked) >= 16).then_some(())
    })
    .await;
    cluster.kill(2);
    let at_loss = count(&acked);
    eventually("uploads acknowledged after the loss", async || {
        (count(&acked) >= at_loss + 16).then_some(())
    })
    .await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for uploader in uploaders {
        uploader.await.unwrap();
    }
    // Every acknowledged upload reads back whole with one node gone.
    let read_all = async |acked: &HashMap<String, String>| {
        for (id, hash) in acked {
            let got = app
                .client
                .get(format!("{base}/api/v1/backups/{id}"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap();
            assert_eq!(got.status(), StatusCode::OK, "{id}");
            assert_eq!(&sha(&got.bytes().await.unwrap()), hash, "{id}");
        }
    };
    let acked = acked.lock().unwrap().clone();
    read_all(&acked).await;

    // Two nodes down: no quorum. An upload is refused as unavailable, nothing is half-stored,
    // and /healthz says which part is down.
    cluster.kill(1);
    let list = async || -> Value {
        app.client
            .get(format!("{base}/api/v1/backups"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    };
    let listed_before = list().await;
    let refused = upload_backup(&app.client, &base, &token, "LBX.lda", random_bytes(50_000)).await;
    assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(refused.headers().contains_key("retry-after"));
    let problem: Value = refused.json().await.unwrap();
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("file storage is unavailable; nothing was stored"),
        "{problem}"
    );
    let health = app.get("/healthz").await;
    assert_eq!(health.status(), StatusCode::SERVICE_UNAVAILABLE);
    let health: Value = health.json().await.unwrap();
    assert_eq!(
        (health["db"].as_str(), health["storage"].as_str()),
        (Some("ok"), Some("unavailable"))
    );
    let listed_after = list().await;
    assert_eq!(listed_before, listed_after, "no row for the refused upload");

    // The nodes return: all works again, everything acknowledged is there, nothing extra.
    cluster.restart(1);
    cluster.restart(2);
    eventually("storage healthy again", async || {
        (app.get("/healthz").await.status() == StatusCode::OK).then_some(())
    })
    .await;
    let again = upload_backup(&app.client, &base, &token, "LBY.lda", random_bytes(50_000)).await;
    assert_eq!(again.status(), StatusCode::CREATED);
    read_all(&acked).await;
    let fsck = app.running.services().fsck(false).await.unwrap();
    assert!(fsck.rows_ok(), "{fsck:?}");
    assert_eq!(fsck.rows, acked.len() as u64 + 1, "{fsck:?}");
    app.stop().await;
}

#[test]
fn a_wrong_bucket_or_key_is_refused_at_start_naming_what_to_fix() {
    let cluster = Cluster::shared();
    let dir = tempfile::tempdir().unwrap();
    let good = format!(
        "data_dir = \"{}\"\n[http]\nlisten = \"127.0.0.1:0\"\n{}",
        dir.path().join("data").display(),
        cluster.storage_config(dir.path(), &garage::unique_prefix())
    );
    let wrong_secret = dir.path().join("wrong-secret");
    std::fs::write(&wrong_secret, "0".repeat(64)).unwrap();
    std::fs::set_permissions(
        &wrong_secret,
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .unwrap();
    let secret_line = good
        .lines()
        .find(|l| l.starts_with("secret_access_key_file"))
        .unwrap()
        .to_owned();
    for (config, expected) in [
        (
            good.replace(
                &format!("bucket = \"{}\"", garage::BUCKET),
                "bucket = \"loondosier\"",
            ),
            "[storage] bucket: ",
        ),
        (
            good.replace(
                &secret_line,
                &format!("secret_access_key_file = \"{}\"", wrong_secret.display()),
            ),
            "[storage] access_key_id / secret_access_key_file: ",
        ),
    ] {
        std::fs::write(dir.path().join("loondossier.toml"), &config).unwrap();
        let out = Binary::run(dir.path(), &["serve"]);
        assert!(!ok(&out), "{config}");
        assert!(text(&out).contains(expected), "{}", text(&out));
        assert!(text(&out).contains("fix: "), "{}", text(&out));
    }
}
