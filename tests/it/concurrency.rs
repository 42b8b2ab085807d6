//! Maintenance alongside everything else, with the real binary: while the server takes payslips
//! from several clients and backups are stored and downloaded, its scheduler makes snapshots,
//! sweeps orphans and purges the trash every second or two, and the command line makes
//! snapshots in two parallel loops, runs `fsck --repair`, runs jobs, and has snapshots killed
//! half-way. Afterwards every acknowledged upload is there with its SHA-256, `fsck` is clean,
//! `secret.key` is unchanged and the newest snapshot restores into a directory that checks clean.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::{Rng, RngCore};
use reqwest::StatusCode;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::support::Binary;

/// How long the load runs. A bound, not a speed check: what matters is that everything
/// overlaps many times.
const LOAD: Duration = Duration::from_secs(20);
const LHN: &str = "131459077L01";
const CLIENTS: u32 = 4;
/// Employees per client: each takes 364 payslips (2020–2026, weeks 1–52) before the next.
const EMPLOYEES_PER_CLIENT: u32 = 4;

fn ok(output: &Output) -> bool {
    output.status.success()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Runs `args` over and over until `stop`, counting runs; every run must succeed.
fn cli_loop(
    dir: PathBuf,
    stop: Arc<AtomicBool>,
    failures: Arc<Mutex<Vec<String>>>,
    runs: &'static [&'static [&'static str]],
) -> std::thread::JoinHandle<u64> {
    std::thread::spawn(move || {
        let mut count = 0;
        for args in runs.iter().cycle() {
            if stop.load(Ordering::Relaxed) {
                break;
            }
            let output = Binary::run(&dir, args);
            count += 1;
            if !ok(&output) {
                failures
                    .lock()
                    .unwrap()
                    .push(format!("{args:?}: {}", text(&output)));
            }
        }
        count
    })
}

/// Starts `snapshot` and kills it with SIGKILL a few milliseconds in, over and over.
fn killed_snapshots(dir: PathBuf, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<u64> {
    std::thread::spawn(move || {
        let mut count = 0;
        let mut rng = rand::rng();
        while !stop.load(Ordering::Relaxed) {
            let mut child = Command::new(Binary::path())
                .args(["snapshot"])
                .current_dir(&dir)
                .env_remove("LOONDOSSIER_LOG")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            std::thread::sleep(Duration::from_millis(rng.random_range(5..120)));
            let _ = child.kill();
            let _ = child.wait();
            count += 1;
            std::thread::sleep(Duration::from_millis(300));
        }
        count
    })
}

fn plant_old(path: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, b"left by a crash long ago").unwrap();
    let old = std::time::SystemTime::now() - Duration::from_secs(3 * 3600);
    std::fs::File::open(path)
        .unwrap()
        .set_modified(old)
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn nothing_is_lost_when_maintenance_runs_alongside_uploads_and_itself() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("loondossier.toml"),
        "data_dir = \"data\"\n[http]\nlisten = \"127.0.0.1:0\"\n\
         [retention]\nsnapshots_keep = 3\norphan_grace_hours = 1\n\
         [jobs]\nsnapshot = \"* * * * * *\"\norphan_sweep = \"*/2 * * * * *\"\n\
         trash_purge = \"* * * * * *\"\n",
    )
    .unwrap();
    let added = Binary::run(
        dir.path(),
        &["bureau", "add", "--client-number", "K1", "--name", "Bakker"],
    );
    assert!(ok(&added), "{}", text(&added));
    let created = Binary::run(dir.path(), &["token", "create", "--bureau", "K1"]);
    assert!(ok(&created), "{}", text(&created));
    let token = String::from_utf8_lossy(&created.stdout)
        .lines()
        .nth(1)
        .unwrap()
        .trim()
        .to_owned();
    let data = dir.path().join("data");
    let key_before = std::fs::read(data.join("secret.key")).unwrap();
    // What crashes long ago left: a stored file without a row and a temporary file.
    let old_orphan = data.join("files/ab/ab0000000000000000000000000000ff");
    let old_temp = data.join("tmp/0123456789abcdef0123456789abcdef.part");
    plant_old(&old_orphan);
    plant_old(&old_temp);

    let server = Binary::serve(dir.path(), &[]);
    let url = server.url().to_owned();
    let client = reqwest::Client::new();
    let put = |path: String, body: serde_json::Value| {
        let request = client
            .put(format!("{url}/api/v1{path}"))
            .bearer_auth(&token)
            .json(&body);
        async move { request.send().await.unwrap().status() }
    };
    let employer = json!({
        "name": "Bakkerij Stress BV", "email": "info@stress.example", "client_number": "1001",
        "address": {"street": "Dam 2", "postal_code": "1506 ED", "city": "Zaandam", "country": "NL"},
        "payroll_year": 2026
    });
    assert!(
        put(format!("/employers/{LHN}"), employer)
            .await
            .is_success()
    );
    for nr in 1..=CLIENTS * EMPLOYEES_PER_CLIENT {
        let employee = json!({
            "name": format!("Werknemer {nr}"), "bsn": crate::support::valid_bsn(nr), "birth_date": "1980-01-01",
            "email": format!("w{nr}@stress.example"), "employment_start": "2019-01-01"
        });
        let status = put(format!("/employers/{LHN}/employees/{nr}"), employee).await;
        assert!(status.is_success(), "employee {nr}: {status}");
    }

    let stop = Arc::new(AtomicBool::new(false));
    // Acknowledged payslips: id -> SHA-256 of the bytes sent.
    let acked: Arc<Mutex<HashMap<String, String>>> = Arc::default();
    let mut placers = Vec::new();
    for nr in 1..=CLIENTS {
        let (client, url, token) = (client.clone(), url.clone(), token.clone());
        let (stop, acked) = (Arc::clone(&stop), Arc::clone(&acked));
        placers.push(tokio::spawn(async move {
            // Payroll retention keeps 2019 on; every slot is placed once (no corrections).
            let slots = (0..EMPLOYEES_PER_CLIENT).flat_map(|k| {
                (2020..=2026)
                    .flat_map(move |year| (1..=52).map(move |week| (nr + k * CLIENTS, year, week)))
            });
            for (nr, year, week) in slots {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let mut body =
                    format!("%PDF-1.7 loonstrook {nr} {year} week {week}\n").into_bytes();
                let mut noise = vec![0u8; rand::rng().random_range(1_000..60_000)];
                rand::rng().fill_bytes(&mut noise);
                body.extend_from_slice(&noise);
                let sha = hex::encode(Sha256::digest(&body));
                let response = client
                    .post(format!(
                        "{url}/api/v1/employers/{LHN}/employees/{nr}/documents\
                         ?kind=payslip&year={year}&period_kind=week&period={week}"
                    ))
                    .bearer_auth(&token)
                    .body(body)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), StatusCode::CREATED, "{year} week {week}");
                let placed: serde_json::Value = response.json().await.unwrap();
                let id = placed["id"].as_str().unwrap().to_owned();
                acked.lock().unwrap().insert(id, sha);
            }
        }));
    }
    // Backups stored and downloaded at the same time (the newest five per client are kept,
    // so the retention job removes files while others are read).
    let backups = {
        let (client, url, token, stop) = (
            client.clone(),
            url.clone(),
            token.clone(),
            Arc::clone(&stop),
        );
        tokio::spawn(async move {
            let (mut stored, mut downloaded) = (0u64, 0u64);
            while !stop.load(Ordering::Relaxed) {
                let mut body = vec![0u8; 200_000];
                rand::rng().fill_bytes(&mut body);
                let response = client
                    .post(format!("{url}/api/v1/backups?filename=loon-{stored}.bak"))
                    .bearer_auth(&token)
                    .body(body.clone())
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), StatusCode::CREATED);
                stored += 1;
                let id = response.json::<serde_json::Value>().await.unwrap()["id"]
                    .as_str()
                    .unwrap()
                    .to_owned();
                let back = client
                    .get(format!("{url}/api/v1/backups/{id}"))
                    .bearer_auth(&token)
                    .send()
                    .await
                    .unwrap();
                // Removed by retention in between is fine; a damaged answer is not.
                if back.status() == StatusCode::OK {
                    assert_eq!(back.bytes().await.unwrap().as_ref(), body.as_slice());
                    downloaded += 1;
                }
            }
            (stored, downloaded)
        })
    };
    let failures: Arc<Mutex<Vec<String>>> = Arc::default();
    let cli = |runs| {
        cli_loop(
            dir.path().to_path_buf(),
            Arc::clone(&stop),
            Arc::clone(&failures),
            runs,
        )
    };
    let snapshots_a = cli(&[&["snapshot"]]);
    let snapshots_b = cli(&[&["snapshot"]]);
    let repairs = cli(&[&["fsck", "--repair"]]);
    let jobs = cli(&[
        &["jobs", "run", "trash_purge"],
        &["jobs", "run", "orphan_sweep"],
        &["jobs", "run", "snapshot"],
        &["jobs", "run", "backup_retention"],
        &["jobs", "run", "payroll_retention"],
        &["jobs", "run", "upload_retention"],
        &["jobs", "run", "session_purge"],
        &["jobs", "run", "outbox"],
        &["jobs", "run", "integrity"],
    ]);
    let killed = killed_snapshots(dir.path().to_path_buf(), Arc::clone(&stop));

    let started = Instant::now();
    while started.elapsed() < LOAD {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    stop.store(true, Ordering::Relaxed);
    for placer in placers {
        placer.await.unwrap();
    }
    let (backups_stored, backups_downloaded) = backups.await.unwrap();
    let counts = [
        ("snapshot loop A", snapshots_a.join().unwrap()),
        ("snapshot loop B", snapshots_b.join().unwrap()),
        ("fsck --repair", repairs.join().unwrap()),
        ("jobs run", jobs.join().unwrap()),
        ("killed snapshots", killed.join().unwrap()),
    ];
    let failures = failures.lock().unwrap().clone();
    assert!(
        failures.is_empty(),
        "commands failed:\n{}",
        failures.join("\n")
    );
    let log = server.log();
    let scheduled = |job: &str| {
        log.lines()
            .filter(|l| {
                l.contains("job finished")
                    && (l.contains(&format!("job={job} ")) || l.contains(&format!("job=\"{job}\"")))
            })
            .count()
    };
    let acked = acked.lock().unwrap().clone();
    eprintln!(
        "stress: {} payslips and {backups_stored} backups acknowledged, {backups_downloaded} \
         backups read back; CLI {counts:?}; the scheduler finished {} snapshots, {} orphan \
         sweeps, {} trash purges",
        acked.len(),
        scheduled("snapshot"),
        scheduled("orphan_sweep"),
        scheduled("trash_purge"),
    );
    assert!(
        acked.len() >= 20,
        "too few uploads to test anything: {}",
        acked.len()
    );
    assert!(
        scheduled("snapshot") >= 3,
        "the scheduler made too few snapshots:\n{log}"
    );
    assert!(
        !log.contains("job failed"),
        "a scheduled job failed:\n{log}"
    );
    drop(server);

    // Every acknowledged payslip is in the database with the SHA-256 of what was sent…
    let conn = loondossier::store::Connection::open(data.join("loondossier.db")).unwrap();
    let mut statement = conn
        .prepare("SELECT public_id, sha256 FROM documents")
        .unwrap();
    let stored: HashMap<String, String> = statement
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for (id, sha) in &acked {
        assert_eq!(stored.get(id), Some(sha), "acknowledged payslip {id}");
    }
    // …and every row's file is there with that size and hash, nothing left unreferenced.
    let fsck = Binary::run(dir.path(), &["fsck"]);
    assert!(ok(&fsck), "{}", text(&fsck));
    assert!(
        text(&fsck).contains("0 missing, 0 damaged, 0 without a row, 0 stale temporary"),
        "{}",
        text(&fsck)
    );
    assert!(
        !old_orphan.exists() && !old_temp.exists(),
        "the old leftovers went"
    );
    assert_eq!(std::fs::read(data.join("secret.key")).unwrap(), key_before);

    // One more snapshot tidies what killed runs left; the newest restores and checks clean.
    let last = Binary::run(dir.path(), &["snapshot"]);
    assert!(ok(&last), "{}", text(&last));
    let mut names: Vec<String> = std::fs::read_dir(data.join("snapshots"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(
        names.iter().all(|n| !n.contains(".partial")),
        "half-made snapshots left: {names:?}"
    );
    assert_eq!(names.len(), 3, "snapshots_keep = 3: {names:?}");
    let newest = data.join("snapshots").join(names.last().unwrap());
    let restored = dir.path().join("restored");
    let restore = Binary::run(
        dir.path(),
        &[
            "restore",
            &newest.to_string_lossy(),
            "--data-dir",
            &restored.to_string_lossy(),
        ],
    );
    assert!(ok(&restore), "{}", text(&restore));
    std::fs::write(
        dir.path().join("restored.toml"),
        "data_dir = \"restored\"\n[http]\nlisten = \"127.0.0.1:0\"\n",
    )
    .unwrap();
    let check = Binary::run(dir.path(), &["fsck", "--config", "restored.toml"]);
    assert!(ok(&check), "{}", text(&check));
    assert!(
        text(&check).contains("0 missing, 0 damaged, 0 without a row"),
        "{}",
        text(&check)
    );
    assert_eq!(
        std::fs::read(restored.join("secret.key")).unwrap(),
        key_before
    );
}
