//! The file checks with real files: the orphan sweep removes only old files without a row,
//! and the integrity job and `fsck` find missing, damaged and unreferenced files. Snapshots
//! made at the same time both complete without touching the live files.

use super::retention::purge_lines;
use super::*;
use crate::store::retention as store_retention;

/// Sets a file's modification time `age` into the past.
fn age(path: &std::path::Path, age: std::time::Duration) {
    // Stored files are read-only; their owner may still set their times.
    let file = std::fs::File::open(path).unwrap();
    file.set_modified(std::time::SystemTime::now() - age)
        .unwrap();
}

#[tokio::test]
async fn the_orphan_sweep_removes_only_old_files_without_a_row() {
    let w = world().await;
    let day = std::time::Duration::from_secs(25 * 3600);
    let kept = w
        .upload(w.e1, "bewaard.pdf", b"%PDF-1.7 kept")
        .await
        .unwrap();
    // An expense claim's receipt is a stored file of its own kind; it must be kept too.
    let receipt = w
        .services
        .stage_receipt(w.e1, "bon.pdf", body(b"%PDF-1.7 receipt"))
        .await
        .unwrap();
    let receipt_file = receipt.file_id;
    let claim = crate::domain::request::RequestDetails::ExpenseClaim {
        amount_cents: 500,
        date: chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        description: "Parkeren".into(),
    };
    let session = super::requests::session(w.e1, w.e1.account().unwrap());
    w.services
        .submit_request(
            &session,
            RequestContext::default(),
            claim,
            "",
            vec![receipt],
        )
        .await
        .unwrap();
    let blobs = w.services.blobs.clone();
    let old_orphan = blobs.put(body(b"left by a crash"), 1024).await.unwrap();
    let new_orphan = blobs.put(body(b"row about to commit"), 1024).await.unwrap();
    let stale_temp = w.data.tmp_dir().join("upload-stale");
    let fresh_temp = w.data.tmp_dir().join("upload-in-progress");
    std::fs::write(&stale_temp, b"half").unwrap();
    std::fs::write(&fresh_temp, b"half").unwrap();
    age(&blobs.path(old_orphan.id), day);
    age(&stale_temp, day);
    // Every file a row holds is old too: age alone never removes anything.
    let expected = w
        .services
        .store
        .read(|conn| -> Result<_, crate::store::StoreError> {
            store_retention::expected_files(conn)
        })
        .await
        .unwrap();
    for file in &expected {
        age(
            &blobs.path(crate::blobs::FileId::parse(&file.file_id).unwrap()),
            day,
        );
    }
    let report = w.services.run_orphan_sweep().await.unwrap();
    assert_eq!(report.count, 2, "{report:?}");
    let lines = purge_lines(&w).await;
    assert_eq!(lines[0].0, "job orphan_sweep");
    let mut names: Vec<String> = serde_json::from_value(lines[0].1["ids"].clone()).unwrap();
    names.sort();
    let mut expected = vec![old_orphan.id.to_string(), "upload-stale".to_owned()];
    expected.sort();
    assert_eq!(names, expected);
    assert!(!blobs.path(old_orphan.id).exists());
    assert!(!stale_temp.exists());
    assert!(
        blobs.path(new_orphan.id).exists(),
        "younger than the grace period"
    );
    assert!(blobs.path(receipt_file).exists(), "a receipt is kept");
    assert!(fresh_temp.exists());
    let opened = w
        .services
        .open_document(
            w.e1,
            RequestContext::default(),
            kept.id,
            Disposition::Attachment,
        )
        .await;
    assert!(opened.is_ok());
}

#[tokio::test]
async fn the_integrity_job_and_fsck_find_missing_damaged_and_unreferenced_files() {
    let w = world().await;
    let a = w.payslip(2026, 1).await;
    let b = w.payslip(2026, 2).await;
    let _c = w.payslip(2026, 3).await;
    let clean = w.services.run_integrity().await.unwrap();
    assert_eq!(clean.problems, 0, "{clean:?}");
    assert!(w.services.fsck(false).await.unwrap().clean());

    let file_of = |id: PublicId| {
        let services = w.services.clone();
        async move {
            services
                .store
                .read(move |conn| -> Result<String, crate::store::StoreError> {
                    Ok(conn.query_row(
                        "SELECT file_id FROM documents WHERE public_id = ?1",
                        [id.to_string()],
                        |r| r.get(0),
                    )?)
                })
                .await
                .unwrap()
        }
    };
    let blobs = w.services.blobs.clone();
    let damaged = blobs.path(crate::blobs::FileId::parse(&file_of(a.id).await).unwrap());
    // Stored files are read-only; damage comes from outside (a disk, a hand).
    std::fs::remove_file(&damaged).unwrap();
    std::fs::write(&damaged, b"%PDF-1.7 payslip 2026-X").unwrap();
    let missing = blobs.path(crate::blobs::FileId::parse(&file_of(b.id).await).unwrap());
    std::fs::remove_file(&missing).unwrap();
    let orphan = blobs.put(body(b"nobody's"), 1024).await.unwrap();

    let report = w.services.run_integrity().await.unwrap();
    assert_eq!(report.problems, 2, "{report:?}");
    let fsck = w.services.fsck(false).await.unwrap();
    assert_eq!(fsck.missing.len(), 1);
    assert!(fsck.missing[0].contains(&b.id.to_string()));
    assert_eq!(fsck.damaged.len(), 1);
    assert!(fsck.damaged[0].contains(&a.id.to_string()));
    assert_eq!(fsck.orphans, vec![blobs.path(orphan.id)]);

    // Repair leaves a young unreferenced file alone: it may be an upload whose row is about
    // to commit.
    let young = w.services.fsck(true).await.unwrap();
    assert_eq!(young.quarantine, None);
    assert!(blobs.path(orphan.id).exists());
    // Once older than [retention] orphan_grace_hours, it moves aside; nothing is deleted.
    let day_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(25 * 3600);
    std::fs::File::open(blobs.path(orphan.id))
        .unwrap()
        .set_modified(day_ago)
        .unwrap();
    let repaired = w.services.fsck(true).await.unwrap();
    let quarantine = repaired.quarantine.expect("a quarantine directory");
    assert!(quarantine.join(orphan.id.to_string()).exists());
    assert!(!blobs.path(orphan.id).exists());
    assert_eq!(repaired.damaged.len(), 1, "damaged rows are only reported");
}

fn snapshot_names(w: &World) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(w.data.snapshots_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn two_snapshots_at_once_both_complete_and_leave_the_live_files_intact() {
    use std::os::unix::fs::MetadataExt;
    let w = world().await;
    for month in 1..=6 {
        w.payslip(2026, month).await;
    }
    let key = w.data.secret_key_path();
    std::fs::write(&key, [7u8; 32]).unwrap();
    // The same second on the clock: the second run must neither share nor clean the first's
    // directory, nor copy onto its links.
    let (a, b) = tokio::join!(w.services.run_snapshot(), w.services.run_snapshot());
    a.unwrap();
    b.unwrap();
    let names = snapshot_names(&w);
    assert_eq!(
        names,
        vec!["snapshot-20260325-100000", "snapshot-20260325-100000-2"]
    );
    let fsck = w.services.fsck(false).await.unwrap();
    assert!(fsck.clean(), "{fsck:?}");
    for name in &names {
        let copy = w.data.snapshots_dir().join(name).join("secret.key");
        assert_eq!(std::fs::read(&copy).unwrap(), [7u8; 32]);
        assert_ne!(
            std::fs::metadata(&copy).unwrap().ino(),
            std::fs::metadata(&key).unwrap().ino(),
            "a real copy, not a link to the live key"
        );
        let restored = tempfile::tempdir().unwrap();
        let target = restored.path().join("data");
        let done =
            crate::service::snapshot::restore(&w.data.snapshots_dir().join(name), &target, "test")
                .unwrap();
        assert_eq!(done.files, 6);
    }
    assert_eq!(std::fs::read(&key).unwrap(), [7u8; 32]);
}

#[tokio::test]
async fn a_half_made_snapshot_is_never_listed_and_goes_at_the_next_run() {
    let w = world().await;
    w.payslip(2026, 1).await;
    // What a run killed half-way leaves.
    let crashed = w
        .data
        .snapshots_dir()
        .join("snapshot-20260324-010000.partial-4242-00ff");
    std::fs::create_dir_all(crashed.join("files")).unwrap();
    std::fs::write(crashed.join("loondossier.db"), b"half a database").unwrap();
    let listed = crate::service::snapshot::list_snapshots(&w.data.snapshots_dir()).unwrap();
    assert!(listed.is_empty(), "{listed:?}");
    let target = tempfile::tempdir().unwrap();
    let refused = crate::service::snapshot::restore(&crashed, &target.path().join("d"), "test")
        .unwrap_err()
        .to_string();
    assert!(refused.contains("cut short by a crash"), "{refused}");
    let report = w.services.run_snapshot().await.unwrap();
    assert!(!crashed.exists());
    assert!(
        report.notes.iter().any(|n| n.contains("left by a crash")),
        "{report:?}"
    );
    assert_eq!(snapshot_names(&w), vec!["snapshot-20260325-100000"]);
}

#[tokio::test]
async fn pruning_skips_a_snapshot_being_restored_from() {
    let mut settings = Settings::default();
    settings.retention.snapshots_keep = 1;
    let w = world_with(settings).await;
    w.payslip(2026, 1).await;
    w.services.run_snapshot().await.unwrap();
    let first = w.data.snapshots_dir().join("snapshot-20260325-100000");
    // As `restore` holds it while reading.
    let reading = std::fs::File::open(&first).unwrap();
    reading.lock_shared().unwrap();
    w.clock.advance(chrono::Duration::seconds(1));
    let report = w.services.run_snapshot().await.unwrap();
    assert!(first.exists(), "{report:?}");
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.contains("being restored from"))
    );
    drop(reading);
    w.clock.advance(chrono::Duration::seconds(1));
    w.services.run_snapshot().await.unwrap();
    assert_eq!(snapshot_names(&w), vec!["snapshot-20260325-100002"]);
}

#[tokio::test]
async fn a_busy_task_is_waited_for_then_refused_naming_its_holder() {
    let w = world().await;
    let held = w
        .data
        .try_lock_task(
            crate::data_dir::Task::Snapshot,
            "`loondossier snapshot` (pid 4242) since 2026-03-25 09:59:58 UTC",
        )
        .unwrap();
    let refused = w
        .services
        .lock_task(
            crate::data_dir::Task::Snapshot,
            std::time::Duration::from_millis(300),
        )
        .await
        .unwrap_err()
        .to_string();
    assert_eq!(
        refused,
        "a snapshot is already under way, held by `loondossier snapshot` (pid 4242) since \
         2026-03-25 09:59:58 UTC; try again when it has finished"
    );
    let snapshot = w.services.run_snapshot();
    // Released while the snapshot waits: it goes ahead.
    let release = async {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        drop(held);
    };
    let (made, ()) = tokio::join!(snapshot, release);
    made.unwrap();
}
