//! Reading form posts: bounded in size, parsed strictly, with a clear answer when they are not.

use bytes::{Buf, BytesMut};
use futures_util::{Stream, StreamExt};
use serde::de::DeserializeOwned;

/// Form bodies larger than this are refused (forms here carry a few short fields).
pub const FORM_LIMIT: usize = 16 * 1024;

/// Why a form could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormError {
    TooLarge,
    Unreadable(String),
}

/// Reads and parses an `application/x-www-form-urlencoded` body of at most [`FORM_LIMIT`]
/// bytes, stopping as soon as it is too large.
pub async fn read<T, S, B, E>(body: S) -> Result<T, FormError>
where
    T: DeserializeOwned,
    S: Stream<Item = Result<B, E>>,
    B: Buf,
    E: std::fmt::Display,
{
    let collected = read_bytes(body).await?;
    serde_urlencoded::from_bytes(&collected).map_err(|e| FormError::Unreadable(e.to_string()))
}

/// The raw body of a form, at most [`FORM_LIMIT`] bytes.
pub(crate) async fn read_bytes<S, B, E>(body: S) -> Result<BytesMut, FormError>
where
    S: Stream<Item = Result<B, E>>,
    B: Buf,
    E: std::fmt::Display,
{
    let mut collected = BytesMut::new();
    let mut body = std::pin::pin!(body);
    while let Some(chunk) = body.next().await {
        let mut chunk = chunk.map_err(|e| FormError::Unreadable(e.to_string()))?;
        if collected.len() + chunk.remaining() > FORM_LIMIT {
            return Err(FormError::TooLarge);
        }
        while chunk.has_remaining() {
            let part = chunk.chunk();
            collected.extend_from_slice(part);
            let n = part.len();
            chunk.advance(n);
        }
    }
    Ok(collected)
}

/// Reads a form for a page handler; when it cannot be read, the page that says so.
pub async fn read_or_page<T, S, B, E>(
    site: &super::views::Site,
    body: S,
) -> Result<T, warp::reply::Response>
where
    T: DeserializeOwned,
    S: Stream<Item = Result<B, E>>,
    B: Buf,
    E: std::fmt::Display,
{
    use warp::http::StatusCode;
    read(body).await.map_err(|e| match e {
        FormError::TooLarge => super::respond::html(
            StatusCode::PAYLOAD_TOO_LARGE,
            super::views::problem_page(site, site.t().too_large_title, site.t().too_large_text),
        ),
        FormError::Unreadable(_) => super::respond::html(
            StatusCode::BAD_REQUEST,
            super::views::problem_page(
                site,
                site.t().form_incomplete_title,
                site.t().form_incomplete_text,
            ),
        ),
    })
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use futures_util::stream;
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Login {
        username: String,
        password: String,
    }

    fn body(parts: Vec<&'static [u8]>) -> impl Stream<Item = Result<Bytes, std::io::Error>> {
        stream::iter(parts.into_iter().map(|p| Ok(Bytes::from_static(p))))
    }

    #[tokio::test]
    async fn reads_small_forms_and_refuses_large_ones() {
        let login: Login = read(body(vec![
            b"username=anja&pass",
            b"word=geheim+w%C3%A4chtwoord",
        ]))
        .await
        .unwrap();
        assert_eq!(login.password, "geheim wächtwoord");
        let big: &'static [u8] = Box::leak(vec![b'a'; FORM_LIMIT + 1].into_boxed_slice());
        assert_eq!(
            read::<Login, _, _, _>(body(vec![big])).await,
            Err(FormError::TooLarge)
        );
        let missing = read::<Login, _, _, _>(body(vec![b"username=anja"])).await;
        assert!(matches!(missing, Err(FormError::Unreadable(_))));
    }
}
