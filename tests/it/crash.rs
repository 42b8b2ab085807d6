//! Durability with the real binary as a child process. SIGKILL at random moments during
//! concurrent uploads: every upload that was acknowledged is there afterwards with its exact
//! bytes, nothing is half-stored, and `fsck` finds every row's file intact. A full disk: a
//! clean 507, nothing half-stored, reads keep working, and uploads work again once there is
//! room.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::{Rng, SeedableRng};
use reqwest::StatusCode;
use sha2::{Digest, Sha256};

use crate::support::Binary;

/// A data directory with a bureau and a sync token; returns the token.
fn installation(dir: &Path, extra: &str) -> String {
    std::fs::write(
        dir.join("loondossier.toml"),
        format!(
            "data_dir = \"data\"\n[http]\nlisten = \"127.0.0.1:0\"\n[backups]\nkeep = 1000\n{extra}"
        ),
    )
    .unwrap();
    let added = Binary::run(
        dir,
        &["bureau", "add", "--client-number", "K1", "--name", "Bakker"],
    );
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let token = Binary::run(dir, &["token", "create", "--bureau", "K1"]);
    assert!(token.status.success());
    String::from_utf8_lossy(&token.stdout)
        .lines()
        .nth(1)
        .expect("the token line")
        .trim()
        .to_owned()
}

/// Sends one backup; `Some(id)` when the server acknowledged it.
async fn send(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    name: &str,
    body: Vec<u8>,
) -> Result<String, StatusCode> {
    let response = client
        .post(format!(
            "{url}/api/v1/backups?filename={name}&description={name}"
        ))
        .bearer_auth(token)
        .body(body)
        .send()
        .await
        .map_err(|_| StatusCode::BAD_GATEWAY)?;
    let status = response.status();
    if !status.is_success() {
        return Err(status);
    }
    let json: serde_json::Value = response.json().await.map_err(|_| StatusCode::BAD_GATEWAY)?;
    Ok(json["id"].as_str().expect("id").to_owned())
}

async fn listed(client: &reqwest::Client, url: &str, token: &str) -> Vec<serde_json::Value> {
    let json: serde_json::Value = client
        .get(format!("{url}/api/v1/backups"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    json["backups"].as_array().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_uploads_survive_sigkill_at_random_moments() {
    let dir = tempfile::tempdir().unwrap();
    let token = installation(dir.path(), "");
    let seed: u64 = rand::rng().random();
    eprintln!("crash test seed {seed}");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let client = reqwest::Client::new();
    // name -> SHA-256 of what was sent; and the acknowledged ones: name -> id.
    let sent: Arc<Mutex<HashMap<String, String>>> = Arc::default();
    let acked: Arc<Mutex<HashMap<String, String>>> = Arc::default();
    let counter = Arc::new(AtomicU64::new(0));
    for round in 0..30 {
        let mut server = Binary::serve(dir.path(), &["--config", "loondossier.toml"]);
        let url = server.url().to_owned();
        // Everything acknowledged before any earlier kill is still listed.
        let present: HashMap<String, String> = listed(&client, &url, &token)
            .await
            .into_iter()
            .map(|b| {
                (
                    b["description"].as_str().unwrap().to_owned(),
                    b["id"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        for (name, id) in acked.lock().unwrap().iter() {
            assert_eq!(
                present.get(name),
                Some(id),
                "round {round}: acknowledged {name} is gone (seed {seed})"
            );
        }
        let stop = Arc::new(AtomicBool::new(false));
        let acked_before = acked.lock().unwrap().len();
        let mut senders = Vec::new();
        for worker in 0..4u64 {
            let (client, url, token) = (client.clone(), url.clone(), token.clone());
            let (sent, acked, counter, stop) = (
                Arc::clone(&sent),
                Arc::clone(&acked),
                Arc::clone(&counter),
                Arc::clone(&stop),
            );
            let mut rng = rand::rngs::StdRng::seed_from_u64(seed ^ (round * 8 + worker));
            senders.push(tokio::spawn(async move {
                // At most 30 uploads a round: all of them stay within `[backups] keep`.
                let budget = (round + 1) * 30;
                while !stop.load(Ordering::Acquire) {
                    let n = counter.fetch_add(1, Ordering::AcqRel);
                    if n >= budget {
                        break;
                    }
                    let name = format!("crash-{n}");
                    let size = rng.random_range(1_000..300_000);
                    let mut body = vec![0u8; size];
                    rng.fill(&mut body[..]);
                    sent.lock()
                        .unwrap()
                        .insert(name.clone(), hex::encode(Sha256::digest(&body)));
                    match send(&client, &url, &token, &name, body).await {
                        Ok(id) => {
                            acked.lock().unwrap().insert(name, id);
                        }
                        Err(_) => tokio::time::sleep(Duration::from_millis(5)).await,
                    }
                }
            }));
        }
        // Killed mid-upload, once this round has had an upload acknowledged (however slow the
        // machine), so that every round has something to lose.
        crate::support::eventually("an upload acknowledged this round", async || {
            (acked.lock().unwrap().len() > acked_before).then_some(())
        })
        .await;
        tokio::time::sleep(Duration::from_millis(rng.random_range(0..370))).await;
        server.signal("KILL");
        server.wait();
        stop.store(true, Ordering::Release);
        for sender in senders {
            sender.await.unwrap();
        }
        // Every row's file is there with its size and hash (orphans may wait for the sweep).
        let fsck = Binary::run(dir.path(), &["fsck", "--config", "loondossier.toml"]);
        assert!(
            fsck.status.success(),
            "round {round} (seed {seed}): {}",
            String::from_utf8_lossy(&fsck.stdout)
        );
    }
    let server = Binary::serve(dir.path(), &["--config", "loondossier.toml"]);
    let url = server.url().to_owned();
    let acked = acked.lock().unwrap().clone();
    let sent = sent.lock().unwrap().clone();
    assert!(
        acked.len() >= 30,
        "too few uploads got through to test anything: {}",
        acked.len()
    );
    let all = listed(&client, &url, &token).await;
    let by_name: HashMap<String, &serde_json::Value> = all
        .iter()
        .map(|b| (b["description"].as_str().unwrap().to_owned(), b))
        .collect();
    for (name, id) in &acked {
        let row = by_name
            .get(name)
            .unwrap_or_else(|| panic!("acknowledged {name} is gone (seed {seed})"));
        assert_eq!(row["id"].as_str(), Some(id.as_str()));
    }
    // Nothing half-stored: whatever is listed (acknowledged, or stored just before the kill
    // cut its answer off) is exactly what was sent, byte for byte.
    for row in &all {
        let name = row["description"].as_str().unwrap();
        let expected = &sent[name];
        assert_eq!(
            row["sha256"].as_str(),
            Some(expected.as_str()),
            "{name} (seed {seed})"
        );
        let bytes = client
            .get(format!(
                "{url}/api/v1/backups/{}",
                row["id"].as_str().unwrap()
            ))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        assert_eq!(
            &hex::encode(Sha256::digest(&bytes)),
            expected,
            "{name} (seed {seed})"
        );
    }
    eprintln!(
        "crash test: {} sent, {} acknowledged, {} stored over 30 kills",
        sent.len(),
        acked.len(),
        all.len()
    );
}

/// The data directory of a server running in its own mount namespace, as seen from here.
fn inside(server: &crate::support::ServerProcess, path: &Path) -> std::path::PathBuf {
    Path::new(&format!("/proc/{}/root", server.child.id())).join(path.strip_prefix("/").unwrap())
}

#[tokio::test]
async fn a_full_disk_gets_a_clean_507_and_nothing_half_stored() {
    let dir = tempfile::tempdir().unwrap();
    let token = installation(dir.path(), "");
    let data = dir.path().join("data");
    // The server runs on a 16 MiB file system of its own (a tmpfs in a private mount
    // namespace), with the data directory copied onto it.
    let staged = dir.path().join("staged");
    std::fs::rename(&data, &staged).unwrap();
    std::fs::create_dir(&data).unwrap();
    let script = "mount -t tmpfs -o size=16m,mode=0700 tmpfs \"$1\" && cp -a \"$2\"/. \"$1\"/ && shift 2 && exec \"$@\"";
    let data_arg = data.to_string_lossy().into_owned();
    let staged_arg = staged.to_string_lossy().into_owned();
    let binary = Binary::path().to_string_lossy().into_owned();
    // Root makes the mount namespace directly; anyone else through a user namespace (which a
    // chroot does not allow, so a root CI in one still runs this).
    let mut args = vec!["--mount"];
    if !rustix::process::geteuid().is_root() {
        args.insert(0, "--map-root-user");
    }
    args.extend_from_slice(&[
        "sh",
        "-c",
        script,
        "sh",
        &data_arg,
        &staged_arg,
        &binary,
        "serve",
        "--config",
        "loondossier.toml",
    ]);
    let server = Binary::serve_with(dir.path(), "unshare", &args);
    let url = server.url().to_owned();
    let client = reqwest::Client::new();
    let first = send(&client, &url, &token, "before.lda", vec![7u8; 100_000])
        .await
        .unwrap();

    // Fill the file system, leaving about 1 MiB.
    let filler = inside(&server, &data.join("filler"));
    let free = rustix::fs::statvfs(inside(&server, &data)).unwrap();
    let room = free.f_bavail * free.f_frsize;
    std::fs::write(&filler, vec![0u8; (room.saturating_sub(1 << 20)) as usize]).unwrap();

    let big = send(&client, &url, &token, "too-big.lda", vec![1u8; 4 << 20]).await;
    assert_eq!(big, Err(StatusCode::INSUFFICIENT_STORAGE));
    let response = client
        .post(format!("{url}/api/v1/backups?filename=x.lda"))
        .bearer_auth(&token)
        .body(vec![1u8; 4 << 20])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::INSUFFICIENT_STORAGE);
    let problem: serde_json::Value = response.json().await.unwrap();
    assert!(
        problem["detail"].as_str().unwrap().contains("disk is full"),
        "{problem}"
    );
    // Nothing half-stored: no row, no temporary file.
    let names: Vec<String> = listed(&client, &url, &token)
        .await
        .iter()
        .map(|b| b["file_name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["before.lda"]);
    assert_eq!(
        std::fs::read_dir(inside(&server, &data.join("tmp")))
            .unwrap()
            .count(),
        0
    );
    // Reads keep working.
    assert_eq!(
        client
            .get(format!("{url}/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let restored = client
        .get(format!("{url}/api/v1/backups/{first}"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(restored.bytes().await.unwrap().len(), 100_000);

    // Room again: the same upload goes through.
    std::fs::remove_file(&filler).unwrap();
    let again = send(&client, &url, &token, "too-big.lda", vec![1u8; 4 << 20]).await;
    assert!(again.is_ok(), "{again:?}");
    assert_eq!(listed(&client, &url, &token).await.len(), 2);
}
