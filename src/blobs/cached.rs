//! Opening a stored file without waiting on the disk: when its directory entry and its pages
//! are already in memory (a payslip just placed or just viewed), the request's own thread reads
//! it; otherwise the caller takes the blocking pool. A hand-off to that pool costs more than
//! reading a cached 50 KB payslip.

use std::io::IoSliceMut;
use std::path::Path;

use rustix::fs::{CWD, Mode, OFlags, ResolveFlags};
use rustix::io::{Errno, ReadWriteFlags};

use super::content::{Content, READ_WHOLE_UP_TO};

/// The opened file, or `None` when opening or reading it would have to wait for the disk (or
/// the kernel offers no way to ask, or anything else goes wrong: the caller's blocking path
/// then opens it and reports the error properly).
pub fn open(path: &Path) -> Option<(Content, u64)> {
    // RESOLVE_CACHED: fail with EAGAIN instead of reading directories from disk.
    let fd = rustix::fs::openat2(
        CWD,
        path,
        OFlags::RDONLY | OFlags::CLOEXEC,
        Mode::empty(),
        ResolveFlags::CACHED,
    )
    .ok()?;
    let size = u64::try_from(rustix::fs::fstat(&fd).ok()?.st_size).ok()?;
    if size > READ_WHOLE_UP_TO {
        // Larger files are streamed; the stream's reads run on the blocking pool anyway.
        return Some(Content::stream(std::fs::File::from(fd), size));
    }
    let mut bytes = vec![0u8; usize::try_from(size).ok()?];
    let mut filled = 0;
    while filled < bytes.len() {
        // RWF_NOWAIT: only what is in the page cache, EAGAIN otherwise.
        let read = rustix::io::preadv2(
            &fd,
            &mut [IoSliceMut::new(&mut bytes[filled..])],
            filled as u64,
            ReadWriteFlags::NOWAIT,
        );
        match read {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(Errno::INTR) => {}
            Err(_) => return None,
        }
    }
    bytes.truncate(filled);
    Some(Content::whole(bytes))
}
