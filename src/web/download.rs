//! Sending a stored document to the browser: streamed from disk in large reads, single byte
//! ranges (resumed downloads, PDF viewers), and headers that keep the file from being sniffed,
//! cached, or run as a page.

use std::io::SeekFrom;
use std::ops::RangeInclusive;

use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio_util::io::ReaderStream;
use warp::http::{HeaderMap, HeaderValue, StatusCode, header};
use warp::reply::{Reply, Response};

use crate::service::OpenedDocument;

/// Reads from disk in chunks this large: far fewer wake-ups than the default 8 KiB.
const CHUNK: usize = 256 * 1024;

/// What a `Range` header asks for, against a file of `size` bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wanted {
    Whole,
    Part(RangeInclusive<u64>),
    Unsatisfiable,
}

/// Understands `bytes=a-b`, `bytes=a-` and `bytes=-n`. Several ranges, other units or
/// nonsense get the whole file, as RFC 9110 allows.
pub fn wanted(range: Option<&str>, size: u64) -> Wanted {
    let Some(spec) = range.and_then(|r| r.trim().strip_prefix("bytes=")) else {
        return Wanted::Whole;
    };
    if spec.contains(',') {
        return Wanted::Whole;
    }
    let Some((first, last)) = spec.split_once('-') else {
        return Wanted::Whole;
    };
    let (first, last) = (first.trim(), last.trim());
    let parsed = match (first.parse::<u64>().ok(), last.parse::<u64>().ok()) {
        (Some(a), Some(b)) if a <= b => Some((a, b.min(size.saturating_sub(1)))),
        (Some(a), None) if last.is_empty() => Some((a, size.saturating_sub(1))),
        (None, Some(n)) if first.is_empty() && n > 0 => {
            Some((size.saturating_sub(n), size.saturating_sub(1)))
        }
        _ => return Wanted::Whole,
    };
    match parsed {
        Some((a, b)) if size > 0 && a < size && a <= b => Wanted::Part(a..=b),
        _ => Wanted::Unsatisfiable,
    }
}

/// `Content-Disposition` with the user's file name: an ASCII fallback and the exact name
/// per RFC 6266 / RFC 8187 (`filename*`).
pub fn content_disposition(inline: bool, file_name: &str) -> String {
    let kind = if inline { "inline" } else { "attachment" };
    let fallback: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || " .-_()".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("{kind}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// The response for an opened document, honouring a `Range` header.
pub async fn respond(mut opened: OpenedDocument, request: &HeaderMap) -> Response {
    let size = opened.size;
    let etag = format!("\"{}\"", opened.sha256);
    // A range only applies to the version the client has (If-Range); otherwise send it all.
    let if_range_matches = request
        .get(header::IF_RANGE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|tag| tag == etag);
    let range = request.get(header::RANGE).and_then(|v| v.to_str().ok());
    let wanted = if if_range_matches {
        wanted(range, size)
    } else {
        Wanted::Whole
    };
    let (status, span) = match wanted {
        Wanted::Whole => (StatusCode::OK, 0..=size.saturating_sub(1)),
        Wanted::Part(span) => (StatusCode::PARTIAL_CONTENT, span),
        Wanted::Unsatisfiable => {
            let mut response = StatusCode::RANGE_NOT_SATISFIABLE.into_response();
            if let Ok(value) = HeaderValue::from_str(&format!("bytes */{size}")) {
                response.headers_mut().insert(header::CONTENT_RANGE, value);
            }
            return response;
        }
    };
    let length = if size == 0 {
        0
    } else {
        span.end() - span.start() + 1
    };
    let mut response = match opened.file.in_memory(*span.start(), *span.end()) {
        // A small file was read when it was opened: one body, no stream.
        Some(bytes) => warp::http::Response::new(bytes).into_response(),
        None => {
            if *span.start() > 0
                && opened
                    .file
                    .seek(SeekFrom::Start(*span.start()))
                    .await
                    .is_err()
            {
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
            let body = ReaderStream::with_capacity(opened.file.take(length), CHUNK);
            warp::reply::stream(body).into_response()
        }
    };
    *response.status_mut() = status;
    let headers = response.headers_mut();
    let mut set = |name: header::HeaderName, value: String| {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    };
    set(header::CONTENT_LENGTH, length.to_string());
    set(header::CONTENT_TYPE, opened.media_type.clone());
    set(
        header::CONTENT_DISPOSITION,
        content_disposition(opened.inline, &opened.file_name),
    );
    set(header::ETAG, etag);
    set(header::ACCEPT_RANGES, "bytes".to_owned());
    // A document is never a page: no scripts, no plugins, nothing it could load.
    set(
        header::CONTENT_SECURITY_POLICY,
        "sandbox; default-src 'none'".to_owned(),
    );
    set(header::CACHE_CONTROL, "no-store".to_owned());
    if status == StatusCode::PARTIAL_CONTENT {
        set(
            header::CONTENT_RANGE,
            format!("bytes {}-{}/{size}", span.start(), span.end()),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(wanted(None, 100), Wanted::Whole);
        assert_eq!(wanted(Some("bytes=0-9"), 100), Wanted::Part(0..=9));
        assert_eq!(wanted(Some("bytes=90-"), 100), Wanted::Part(90..=99));
        assert_eq!(wanted(Some("bytes=-10"), 100), Wanted::Part(90..=99));
        assert_eq!(wanted(Some("bytes=95-200"), 100), Wanted::Part(95..=99));
        assert_eq!(wanted(Some("bytes=100-"), 100), Wanted::Unsatisfiable);
        assert_eq!(wanted(Some("bytes=0-1,5-6"), 100), Wanted::Whole);
        assert_eq!(wanted(Some("items=0-1"), 100), Wanted::Whole);
        assert_eq!(wanted(Some("bytes=9-0"), 100), Wanted::Whole);
        assert_eq!(wanted(Some("bytes=0-0"), 0), Wanted::Unsatisfiable);
    }

    #[test]
    fn dispositions_keep_the_name_safely() {
        assert_eq!(
            content_disposition(true, "Loonstrook - maart 2026.pdf"),
            "inline; filename=\"Loonstrook - maart 2026.pdf\"; filename*=UTF-8''Loonstrook%20-%20maart%202026.pdf"
        );
        let tricky = content_disposition(false, "Jaaropgave \"2025\"\r\n€.pdf");
        assert!(
            tricky.starts_with("attachment; filename=\"Jaaropgave _2025____"),
            "{tricky}"
        );
        assert!(tricky.contains("%22"), "{tricky}");
        assert!(tricky.contains("%E2%82%AC.pdf"), "{tricky}");
        assert!(!tricky.contains('\r') && !tricky.contains('\n'));
    }
}
