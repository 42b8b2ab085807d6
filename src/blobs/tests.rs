//! File-store tests on a real temp directory: contents, limits, cleanup and the durability order.

use std::sync::Mutex;

use futures_util::stream;
use tokio::io::AsyncReadExt;

use super::*;

fn chunks(parts: &[&[u8]]) -> impl Stream<Item = Result<bytes::Bytes, std::io::Error>> + use<> {
    let owned: Vec<_> = parts
        .iter()
        .map(|p| Ok(bytes::Bytes::copy_from_slice(p)))
        .collect();
    stream::iter(owned)
}

/// A stored file's bytes, read whole through `open`, and the size `open` reported.
async fn read_back(store: &BlobStore, id: FileId) -> (Vec<u8>, u64) {
    let (mut file, size) = store.open(id).await.unwrap();
    let mut back = Vec::new();
    file.read_to_end(&mut back).await.unwrap();
    (back, size)
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn put_open_delete_round_trip() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = DataDir::open(tmp.path()).unwrap();
    let store = BlobStore::new(&dir);
    let stored = store
        .put(chunks(&[b"%PDF-1.7 ", b"payslip"]), 1024)
        .await
        .unwrap();
    assert_eq!(stored.size, 16);
    assert_eq!(
        hex::encode(stored.sha256),
        hex::encode(Sha256::digest(b"%PDF-1.7 payslip"))
    );
    let (back, size) = read_back(&store, stored.id).await;
    assert_eq!((back.as_slice(), size), (&b"%PDF-1.7 payslip"[..], 16));
    assert!(entries(&dir.tmp_dir()).is_empty(), "temp file left behind");

    store.delete(stored.id).await.unwrap();
    assert!(matches!(
        store.open(stored.id).await,
        Err(BlobError::NotFound)
    ));
    assert!(matches!(
        store.delete(stored.id).await,
        Err(BlobError::NotFound)
    ));
}

/// Small files come back read whole, larger ones as a stream; both read and seek the same.
#[tokio::test]
async fn small_files_are_read_when_opened_larger_ones_streamed() {
    use tokio::io::AsyncSeekExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = DataDir::open(tmp.path()).unwrap();
    let store = BlobStore::new(&dir);
    let limit = content::READ_WHOLE_UP_TO;
    for size in [limit, limit + 1] {
        let bytes: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
        let stored = store.put(chunks(&[&bytes]), 1 << 20).await.unwrap();
        let (mut file, found) = store.open(stored.id).await.unwrap();
        assert_eq!(found, size);
        let whole = size == limit;
        assert_eq!(matches!(file, Content::Read(_)), whole, "{size}");
        let middle = file.in_memory(10, 19);
        assert_eq!(middle.is_some(), whole);
        if let Some(middle) = middle {
            assert_eq!(&middle[..], &bytes[10..20]);
        }
        file.seek(std::io::SeekFrom::Start(size - 5)).await.unwrap();
        let mut tail = Vec::new();
        file.read_to_end(&mut tail).await.unwrap();
        assert_eq!(tail, &bytes[bytes.len() - 5..]);
    }
}

/// A file whose pages are in memory (just written) is read on the calling thread; once the
/// kernel dropped them, opening it takes the blocking path and gives the same bytes.
#[tokio::test]
async fn cached_files_are_read_in_place_and_evicted_ones_from_disk() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = DataDir::open(tmp.path()).unwrap();
    let store = BlobStore::new(&dir);
    let bytes: Vec<u8> = (0..50_000u32).map(|i| (i % 241) as u8).collect();
    let stored = store.put(chunks(&[&bytes]), 1 << 20).await.unwrap();
    let (path, _) = store.path_of(stored.id);
    let (in_place, size) = cached::open(&path).expect("a file just written is in memory");
    assert_eq!(size, 50_000);
    assert_eq!(in_place.in_memory(0, 49_999).unwrap(), &bytes[..]);
    // Missing files are left to the blocking path, which names the error.
    let missing = path.with_extension("missing");
    assert!(cached::open(&missing).is_none());

    // Drop the file's pages (they are clean after the fsync): RWF_NOWAIT then refuses and the
    // blocking path reads the disk. (On a file system kept in memory they stay; either way the
    // bytes must be the same.)
    let file = std::fs::File::open(&path).unwrap();
    rustix::fs::fadvise(&file, 0, None, rustix::fs::Advice::DontNeed).unwrap();
    if let Some((content, _)) = cached::open(&path) {
        assert_eq!(content.in_memory(0, 49_999).unwrap(), &bytes[..]);
    }
    let (back, size) = read_back(&store, stored.id).await;
    assert_eq!(size, 50_000);
    assert!(back == bytes, "bytes differ after eviction");
}

/// An upload larger than one batch goes to disk in several writes and comes back whole.
#[tokio::test]
async fn uploads_of_many_batches_are_stored_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = DataDir::open(tmp.path()).unwrap();
    let store = BlobStore::new(&dir);
    let bytes: Vec<u8> = (0..(3 * BATCH + 12_345)).map(|i| (i % 253) as u8).collect();
    let parts: Vec<&[u8]> = bytes.chunks(64 * 1024 + 7).collect();
    let stored = store.put(chunks(&parts), 1 << 24).await.unwrap();
    assert_eq!(stored.size, bytes.len() as u64);
    assert_eq!(stored.sha256, <[u8; 32]>::from(Sha256::digest(&bytes)));
    let (back, _) = read_back(&store, stored.id).await;
    assert!(back == bytes, "stored bytes differ");
}

#[tokio::test]
async fn durability_steps_happen_in_order() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = DataDir::open(tmp.path()).unwrap();
    let seen: Arc<Mutex<Vec<(BlobStep, bool, bool)>>> = Arc::default();
    let record = Arc::clone(&seen);
    let files_dir = dir.files_dir();
    let store = BlobStore::new(&dir).with_observer(move |step| {
        // At each step note whether the temp and the final file exist on disk.
        let temp_exists = std::fs::read_dir(files_dir.parent().unwrap().join("tmp"))
            .unwrap()
            .next()
            .is_some();
        let final_exists = std::fs::read_dir(&files_dir)
            .unwrap()
            .filter_map(Result::ok)
            .any(|shard| {
                shard.path().is_dir() && std::fs::read_dir(shard.path()).unwrap().next().is_some()
            });
        record
            .lock()
            .unwrap()
            .push((step.clone(), temp_exists, final_exists));
    });
    let stored = store.put(chunks(&[b"abc"]), 10).await.unwrap();
    let name = stored.id.to_string();
    let steps = seen.lock().unwrap().clone();
    let temp = dir.tmp_dir().join(format!("{name}.part"));
    let shard = dir.files_dir().join(&name[..2]);
    assert_eq!(
        steps,
        vec![
            (BlobStep::TempWritten(temp.clone()), true, false),
            (BlobStep::TempSynced(temp), true, false),
            (BlobStep::Renamed(shard.join(&name)), false, true),
            (BlobStep::DirSynced(shard.clone()), false, true),
        ]
    );
    seen.lock().unwrap().clear();
    store.delete(stored.id).await.unwrap();
    assert_eq!(
        seen.lock()
            .unwrap()
            .iter()
            .map(|s| s.0.clone())
            .collect::<Vec<_>>(),
        vec![
            BlobStep::Unlinked(shard.join(&name)),
            BlobStep::DirSynced(shard)
        ]
    );
}

#[tokio::test]
async fn too_large_and_broken_uploads_leave_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = DataDir::open(tmp.path()).unwrap();
    let store = BlobStore::new(&dir);
    let err = store
        .put(chunks(&[b"12345", b"67890", b"x"]), 10)
        .await
        .unwrap_err();
    assert!(matches!(err, BlobError::TooLarge { limit: 10 }), "{err}");

    let broken = stream::iter(vec![
        Ok(bytes::Bytes::from_static(b"part")),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "client went away",
        )),
    ]);
    let err = store.put(broken, 100).await.unwrap_err();
    assert!(matches!(err, BlobError::Body(_)), "{err}");

    assert!(entries(&dir.tmp_dir()).is_empty());
    let stored_files: usize = std::fs::read_dir(dir.files_dir())
        .unwrap()
        .map(|shard| std::fs::read_dir(shard.unwrap().path()).unwrap().count())
        .sum();
    assert_eq!(stored_files, 0);
}

#[tokio::test]
async fn exactly_the_limit_is_allowed_and_empty_files_work() {
    let tmp = tempfile::tempdir().unwrap();
    let store = BlobStore::new(&DataDir::open(tmp.path()).unwrap());
    assert_eq!(
        store.put(chunks(&[b"1234567890"]), 10).await.unwrap().size,
        10
    );
    assert_eq!(store.put(chunks(&[]), 10).await.unwrap().size, 0);
}

#[test]
fn file_ids_are_random_hex_and_parse_strictly() {
    let a = FileId::random();
    let b = FileId::random();
    assert_ne!(a, b);
    let text = a.to_string();
    assert_eq!(text.len(), 32);
    assert_eq!(FileId::parse(&text), Some(a));
    assert_eq!(FileId::parse(&text.to_uppercase()), None);
    assert_eq!(FileId::parse("../../etc/passwd"), None);
    assert_eq!(FileId::parse(&text[..31]), None);
}

#[tokio::test]
async fn stored_files_are_read_only_from_the_moment_they_are_stored() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let store = BlobStore::new(&DataDir::open(tmp.path()).unwrap());
    let streamed = store.put(chunks(&[b"%PDF-1.7 a"]), 1024).await.unwrap();
    let bulk = store.write_unsynced(b"%PDF-1.7 b").unwrap();
    for id in [streamed.id, bulk.id] {
        let mode = std::fs::metadata(store.path(id))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, copy::STORED_MODE, "{id}");
    }
}
