//! Recognising an upload's type from its first bytes, while it streams: only PDF, PNG and JPEG
//! are accepted, whatever name or Content-Type the browser claimed.

use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use bytes::{Buf, Bytes};
use futures_util::Stream;

/// Which types a kind of upload accepts: how many leading bytes decide, and the judge.
#[derive(Clone, Copy)]
pub struct Accepted {
    head: usize,
    recognise: fn(&[u8]) -> Option<&'static str>,
}

fn by_signature(head: &[u8], signatures: &[(&[u8], &'static str)]) -> Option<&'static str> {
    signatures
        .iter()
        .find(|(magic, _)| head.starts_with(magic))
        .map(|(_, media_type)| *media_type)
}

/// The types users may upload through the browser: PDF, PNG, JPEG.
pub const UPLOAD_TYPES: Accepted = Accepted {
    head: 8,
    recognise: |head| {
        by_signature(
            head,
            &[
                (b"%PDF-", "application/pdf"),
                (b"\x89PNG\r\n\x1a\n", "image/png"),
                (b"\xff\xd8\xff", "image/jpeg"),
            ],
        )
    },
};

/// Payslips and annual statements: PDF only.
pub const PDF_ONLY: Accepted = Accepted {
    head: 8,
    recognise: |head| by_signature(head, &[(b"%PDF-", "application/pdf")]),
};

/// Employer reports: PDF, XML (journal entries, wage-tax returns) or CSV (payment lists).
pub const REPORT_TYPES: Accepted = Accepted {
    head: 512,
    recognise: |head| {
        if let Some(pdf) = by_signature(head, &[(b"%PDF-", "application/pdf")]) {
            return Some(pdf);
        }
        let text = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
        // Text only: no NUL or other control bytes but tab, CR and LF.
        if text.is_empty()
            || text
                .iter()
                .any(|b| *b < 0x20 && !matches!(b, b'\t' | b'\r' | b'\n'))
        {
            return None;
        }
        let trimmed = text.trim_ascii_start();
        if trimmed.starts_with(b"<?xml")
            || (trimmed.starts_with(b"<") && trimmed.get(1).is_some_and(u8::is_ascii_alphabetic))
        {
            return Some("application/xml");
        }
        let first_line = text.split(|b| *b == b'\n').next().unwrap_or(text);
        if first_line.iter().any(|b| matches!(b, b',' | b';' | b'\t')) && !trimmed.starts_with(b"<")
        {
            return Some("text/csv");
        }
        None
    },
};

/// The upload is not of an accepted type (the stream ends with this error).
#[derive(Debug, thiserror::Error)]
#[error("the file is not of an accepted type")]
pub struct Rejected;

/// The upload has no bytes at all (the stream ends with this error): refused as empty, not
/// as a file of the wrong type.
#[derive(Debug, thiserror::Error)]
#[error("the file is empty")]
pub struct Empty;

/// Passes a body through, failing it as soon as its first bytes show a type not accepted.
/// The recognised media type is left in `found`.
pub struct Sniffing<S> {
    inner: S,
    accepted: Accepted,
    head: Vec<u8>,
    decided: bool,
    found: Arc<Mutex<Option<&'static str>>>,
}

impl<S> Sniffing<S> {
    pub fn new(inner: S, accepted: Accepted) -> (Self, Arc<Mutex<Option<&'static str>>>) {
        let found = Arc::new(Mutex::new(None));
        let stream = Self {
            inner,
            accepted,
            head: Vec::with_capacity(accepted.head),
            decided: false,
            found: Arc::clone(&found),
        };
        (stream, found)
    }

    fn decide(&mut self) -> Result<(), Rejected> {
        self.decided = true;
        let media_type = (self.accepted.recognise)(&self.head).ok_or(Rejected)?;
        *self.found.lock().unwrap_or_else(PoisonError::into_inner) = Some(media_type);
        Ok(())
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl<S, B, E> Stream for Sniffing<S>
where
    S: Stream<Item = Result<B, E>> + Unpin,
    B: Buf,
    E: Into<BoxError>,
{
    type Item = Result<Bytes, BoxError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_next(cx) {
            Poll::Ready(Some(Ok(mut chunk))) => {
                let bytes = chunk.copy_to_bytes(chunk.remaining());
                if !this.decided {
                    let wanted = this.accepted.head - this.head.len();
                    this.head
                        .extend_from_slice(&bytes[..wanted.min(bytes.len())]);
                    if this.head.len() >= this.accepted.head && this.decide().is_err() {
                        return Poll::Ready(Some(Err(Box::new(Rejected))));
                    }
                }
                Poll::Ready(Some(Ok(bytes)))
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e.into()))),
            Poll::Ready(None) if !this.decided && this.head.is_empty() => {
                this.decided = true;
                Poll::Ready(Some(Err(Box::new(Empty))))
            }
            Poll::Ready(None) if !this.decided => {
                // Shorter than the head: decide on what there is.
                match this.decide() {
                    Ok(()) => Poll::Ready(None),
                    Err(rejected) => Poll::Ready(Some(Err(Box::new(rejected)))),
                }
            }
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use futures_util::{StreamExt, stream};

    use super::*;

    async fn run(parts: &[&'static [u8]]) -> (Result<Vec<u8>, String>, Option<&'static str>) {
        let body = stream::iter(
            parts
                .iter()
                .map(|p| Ok::<_, std::io::Error>(Bytes::from_static(p)))
                .collect::<Vec<_>>(),
        );
        let (mut sniffing, found) = Sniffing::new(body, UPLOAD_TYPES);
        let mut out = Vec::new();
        while let Some(item) = sniffing.next().await {
            match item {
                Ok(bytes) => out.extend_from_slice(&bytes),
                Err(e) => return (Err(e.to_string()), *found.lock().unwrap()),
            }
        }
        let found = *found.lock().unwrap();
        (Ok(out), found)
    }

    #[tokio::test]
    async fn an_empty_body_is_refused_as_empty_not_as_a_wrong_type() {
        assert_eq!(run(&[]).await.0, Err("the file is empty".to_owned()));
        assert_eq!(
            run(&[b"", b""]).await.0,
            Err("the file is empty".to_owned())
        );
        assert_eq!(
            run(&[b"x"]).await.0,
            Err("the file is not of an accepted type".to_owned())
        );
    }

    #[tokio::test]
    async fn accepts_pdf_png_jpeg_even_split_across_chunks() {
        let (out, found) = run(&[b"%P", b"DF-1.7\n", b"rest"]).await;
        assert_eq!(out.unwrap(), b"%PDF-1.7\nrest");
        assert_eq!(found, Some("application/pdf"));
        assert_eq!(run(&[b"\x89PNG\r\n\x1a\nxx"]).await.1, Some("image/png"));
        assert_eq!(run(&[b"\xff\xd8\xff\xe0"]).await.1, Some("image/jpeg"));
    }

    #[test]
    fn reports_may_also_be_xml_or_csv() {
        let judge = REPORT_TYPES.recognise;
        assert_eq!(judge(b"%PDF-1.4"), Some("application/pdf"));
        assert_eq!(
            judge(b"\xef\xbb\xbf<?xml version=\"1.0\"?><journaal/>"),
            Some("application/xml")
        );
        assert_eq!(judge(b"  <aangifte>"), Some("application/xml"));
        assert_eq!(
            judge(b"naam;iban;bedrag\nBakker;NL01;100,00\n"),
            Some("text/csv")
        );
        assert_eq!(judge(b"MZ\x90\x00\x03"), None);
        assert_eq!(
            judge(b"<script>alert(1)</script>"),
            Some("application/xml"),
            "served only as attachment"
        );
        assert_eq!(judge(b"just some words"), None);
        assert_eq!((PDF_ONLY.recognise)(b"naam;iban\n"), None);
    }

    #[tokio::test]
    async fn rejects_everything_else() {
        for body in [
            &b"MZ\x90\x00 windows exe"[..],
            b"<html><script>",
            b"PK\x03\x04zip",
        ] {
            let (out, found) = run(&[body]).await;
            assert_eq!(out.unwrap_err(), "the file is not of an accepted type");
            assert_eq!(found, None);
        }
    }
}
