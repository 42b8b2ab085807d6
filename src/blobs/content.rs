//! A stored file opened for sending: small files read whole in the same trip to a blocking
//! thread that opened them, larger ones streamed from disk or from the object store.

use std::io::{Cursor, SeekFrom};
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use tokio::io::{AsyncRead, AsyncSeek, ReadBuf};

/// Files up to this size are read whole when opened. A payslip (tens of KiB) then costs one
/// trip to a blocking thread instead of four (open, size, read, end of file).
pub const READ_WHOLE_UP_TO: u64 = 256 * 1024;

/// The bytes of an opened file, readable and seekable either way.
#[derive(Debug)]
pub enum Content {
    /// Already in memory.
    Read(Cursor<Bytes>),
    /// Read from disk as it is sent.
    Stream(tokio::fs::File),
    /// Read from the object store as it is sent (a seek starts a ranged GET).
    Remote(Box<super::objects::RemoteReader>),
}

impl Content {
    /// A file read whole, with its size.
    pub fn whole(bytes: Vec<u8>) -> (Self, u64) {
        let size = bytes.len() as u64;
        (Content::Read(Cursor::new(Bytes::from(bytes))), size)
    }

    /// A file to be read as it is sent, with its size.
    pub fn stream(file: std::fs::File, size: u64) -> (Self, u64) {
        (Content::Stream(tokio::fs::File::from_std(file)), size)
    }

    /// The bytes from `start` to `end` inclusive, if they are already in memory.
    pub fn in_memory(&self, start: u64, end: u64) -> Option<Bytes> {
        let Content::Read(cursor) = self else {
            return None;
        };
        let bytes = cursor.get_ref();
        let start = usize::try_from(start).ok()?;
        let end = usize::try_from(end).ok()?;
        if bytes.is_empty() {
            return Some(Bytes::new());
        }
        (start <= end && end < bytes.len()).then(|| bytes.slice(start..=end))
    }
}

impl AsyncRead for Content {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Content::Read(cursor) => Pin::new(cursor).poll_read(cx, buf),
            Content::Stream(file) => Pin::new(file).poll_read(cx, buf),
            Content::Remote(reader) => Pin::new(reader.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncSeek for Content {
    fn start_seek(self: Pin<&mut Self>, position: SeekFrom) -> std::io::Result<()> {
        match self.get_mut() {
            Content::Read(cursor) => Pin::new(cursor).start_seek(position),
            Content::Stream(file) => Pin::new(file).start_seek(position),
            Content::Remote(reader) => Pin::new(reader.as_mut()).start_seek(position),
        }
    }

    fn poll_complete(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<u64>> {
        match self.get_mut() {
            Content::Read(cursor) => Pin::new(cursor).poll_complete(cx),
            Content::Stream(file) => Pin::new(file).poll_complete(cx),
            Content::Remote(reader) => Pin::new(reader.as_mut()).poll_complete(cx),
        }
    }
}
