//! Copies and links that never write over anything: a stored file, once renamed into place, is
//! never opened for writing again, so every copy goes to a new path created exclusively.

use std::fs::File;
use std::io::{Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use sha2::{Digest, Sha256};

/// The mode of a stored file: readable by the owner, writable by nobody. The code never opens
/// a stored file for writing; the mode makes a slip (or a tool run by hand) fail loudly instead
/// of truncating a payslip. (Root ignores modes; the first rule is what protects then.)
pub const STORED_MODE: u32 = 0o400;

/// Makes an open file read-only ([`STORED_MODE`]); its next `sync_all` makes that durable.
pub fn make_read_only(file: &File) -> std::io::Result<()> {
    file.set_permissions(std::fs::Permissions::from_mode(STORED_MODE))
}

/// Puts `from` at the new path `to`: a hard link where both are on one file system, else a
/// synced copy. Never touches an existing `to`: if something is there already the answer is
/// `AlreadyExists` and both files keep their bytes (a copy "onto" a link of the same file
/// would truncate both). `NotFound` means `from` is gone.
pub fn link_or_copy(from: &Path, to: &Path, mode: u32) -> std::io::Result<()> {
    use std::io::ErrorKind;
    match std::fs::hard_link(from, to) {
        Ok(()) => Ok(()),
        Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::AlreadyExists) => Err(e),
        // Another file system (EXDEV) or one without hard links: copy instead.
        Err(_) => copy_new(File::open(from)?, to, mode).map(|_| ()),
    }
}

/// The size in bytes and SHA-256 of everything `source` gives, read in 256 KiB blocks.
pub fn digest(source: impl Read) -> std::io::Result<(u64, [u8; 32])> {
    digest_into(source, std::io::sink())
}

/// Like [`digest`], writing every block to `sink` as well.
fn digest_into(mut source: impl Read, mut sink: impl Write) -> std::io::Result<(u64, [u8; 32])> {
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 256 * 1024];
    let mut size = 0u64;
    loop {
        let n = source.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        sink.write_all(&buffer[..n])?;
        size += n as u64;
    }
    Ok((size, hasher.finalize().into()))
}

/// Copies `source` into a new file at `path` (created exclusively, owner-only; given `mode`
/// once written), synced.
/// Returns its size in bytes and its SHA-256. Streams in 256 KiB blocks: backups can be
/// gigabytes. A failed copy removes the partial new file (never anything else).
pub fn copy_new(mut source: File, path: &Path, mode: u32) -> std::io::Result<(u64, [u8; 32])> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    let copied = (|| -> std::io::Result<(u64, [u8; 32])> {
        let (size, sha256) = digest_into(&mut source, &mut file)?;
        file.set_permissions(std::fs::Permissions::from_mode(mode))?;
        file.sync_all()?;
        Ok((size, sha256))
    })();
    if copied.is_err() {
        // Ours alone: it was created exclusively above.
        let _ = std::fs::remove_file(path);
    }
    copied
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_or_copy_onto_a_link_of_the_same_file_keeps_its_bytes() {
        let tmp = tempfile::tempdir().unwrap();
        let live = tmp.path().join("live");
        let snapshot = tmp.path().join("snapshot");
        std::fs::write(&live, b"%PDF-1.7 loonstrook maart").unwrap();
        link_or_copy(&live, &snapshot, STORED_MODE).unwrap();
        // A second run placing the same file again: the target is a link to the same inode.
        let again = link_or_copy(&live, &snapshot, STORED_MODE).unwrap_err();
        assert_eq!(again.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&live).unwrap(), b"%PDF-1.7 loonstrook maart");
        assert_eq!(
            std::fs::read(&snapshot).unwrap(),
            b"%PDF-1.7 loonstrook maart"
        );
    }

    #[test]
    fn copies_go_only_to_new_paths_and_are_read_only() {
        let tmp = tempfile::tempdir().unwrap();
        let from = tmp.path().join("from");
        let to = tmp.path().join("to");
        std::fs::write(&from, b"abc").unwrap();
        std::fs::write(&to, b"existing").unwrap();
        let err = copy_new(File::open(&from).unwrap(), &to, STORED_MODE).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&to).unwrap(), b"existing", "left alone");
        let fresh = tmp.path().join("fresh");
        let (size, sha) = copy_new(File::open(&from).unwrap(), &fresh, STORED_MODE).unwrap();
        assert_eq!(size, 3);
        assert_eq!(hex::encode(sha), hex::encode(Sha256::digest(b"abc")));
        let mode = std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, STORED_MODE);
    }

    #[test]
    fn a_cross_device_fallback_copy_never_replaces_an_existing_target() {
        // Without a second file system here, check the fallback path itself: the copy
        // refuses an existing target, so "link failed, so copy" cannot truncate one.
        let tmp = tempfile::tempdir().unwrap();
        let from = tmp.path().join("from");
        std::fs::write(&from, b"payslip").unwrap();
        let to = tmp.path().join("to");
        std::fs::hard_link(&from, &to).unwrap();
        let err = copy_new(File::open(&from).unwrap(), &to, STORED_MODE).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&from).unwrap(), b"payslip");
    }
}
