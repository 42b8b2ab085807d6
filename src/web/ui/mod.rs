//! Browser pages: signing in and out, Home, dossiers, people, backups, and viewing or
//! downloading documents. Handlers get the signed-in account and checked forms from
//! `web::pipeline` and turn the service's answer into a page; errors they do not treat
//! specially go to `pipeline::error_page`.

mod account;
mod backups;
mod documents;
mod dossiers;
mod passkey_sign_in;
mod passkeys;
mod people;
mod privacy;
mod profile;
mod profile_done;
mod request_form;
mod requests;
pub(crate) mod signin;
mod two_factor;
mod upload;

pub(crate) use signin::wait_text;

use warp::Filter;
use warp::filters::BoxedFilter;
use warp::reply::Response;

use crate::web::views::Nav;

use super::session::WebState;

/// The menu for a signed-in page: role, name, unread count and the sign-out form's token.
pub(crate) async fn nav(state: &WebState, session: &crate::service::CurrentSession) -> Nav {
    Nav {
        role: session.role,
        backups: session.keeps_backups,
        display_name: session.display_name.clone(),
        unread: state
            .services
            .unread_count(session.actor)
            .await
            .unwrap_or(0),
        requests_waiting: state
            .services
            .requests_waiting(session.actor)
            .await
            .unwrap_or(0),
        csrf_token: session.csrf_token.clone(),
    }
}

/// The browser routes.
pub fn routes(state: WebState) -> BoxedFilter<(Response,)> {
    dossiers::routes(state.clone())
        .or(backups::routes(state.clone()))
        .unify()
        .or(signin::routes(state.clone()))
        .unify()
        .or(account::routes(state.clone()))
        .unify()
        .or(two_factor::routes(state.clone()))
        .unify()
        .or(passkeys::routes(state.clone()))
        .unify()
        .or(passkey_sign_in::routes(state.clone()))
        .unify()
        .or(profile::routes(state.clone()))
        .unify()
        .or(people::routes(state.clone()))
        .unify()
        .or(upload::routes(state.clone()))
        .unify()
        .or(documents::routes(state.clone()))
        .unify()
        .or(requests::routes(state.clone()))
        .unify()
        .or(privacy::routes(state.clone()))
        .unify()
        .recover(move |rejection| super::pipeline::recover(state.clone(), rejection))
        .unify()
        .boxed()
}

/// The status and message for a password asked again that was refused: wrong (403) or, after
/// too many wrong ones, to wait (429).
fn password_again_refused(
    site: &crate::web::views::Site,
    error: &crate::service::ServiceError,
) -> (warp::http::StatusCode, String) {
    use crate::service::ServiceError;
    use warp::http::StatusCode;
    match error {
        ServiceError::Throttled { retry_after_secs } => (
            StatusCode::TOO_MANY_REQUESTS,
            crate::web::i18n::fill(
                site.t().sign_in_locked,
                &[&signin::wait_text(site, *retry_after_secs)],
            ),
        ),
        _ => (
            StatusCode::FORBIDDEN,
            site.t().password_wrong_current.to_owned(),
        ),
    }
}

/// Where to send someone who must sign in first, coming back to `path` afterwards.
fn sign_in_first(path: &str) -> Response {
    super::respond::see_other(&format!("/aanmelden?next={}", encode_path(path)))
}

/// A path as a query value.
pub(crate) fn encode_path(path: &str) -> String {
    path.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The notice a page shows after an action sent the user back to it: what was done (`gedaan`,
/// `aantal`; `with` names whom shares go to), or that nothing was ticked (`melding`).
pub(crate) fn page_notice(
    t: &crate::web::i18n::Texts,
    query: &std::collections::HashMap<String, String>,
    with: Option<&str>,
) -> Option<super::views::Notice> {
    use super::views::Notice;
    if query.get("melding").map(String::as_str) == Some(NOTHING_CHOSEN) {
        return Some(Notice::alert(t.nothing_selected.to_owned()));
    }
    crate::web::i18n::done_message_of(t, query, with).map(Notice::done)
}

/// A text field of a multipart form, read whole if it is at most `max` bytes of UTF-8;
/// `None` when it is longer, not UTF-8, or cut off.
pub(crate) async fn multipart_text(
    part: warp::filters::multipart::Part,
    max: usize,
) -> Option<String> {
    use bytes::Buf;
    use futures_util::StreamExt;
    let mut bytes = Vec::new();
    let mut stream = part.stream();
    while let Some(chunk) = stream.next().await {
        let mut chunk = chunk.ok()?;
        while chunk.has_remaining() {
            let piece = chunk.chunk();
            if bytes.len() + piece.len() > max {
                return None;
            }
            bytes.extend_from_slice(piece);
            let n = piece.len();
            chunk.advance(n);
        }
    }
    String::from_utf8(bytes).ok()
}

/// The `melding` value for "tick one or more first".
pub(crate) const NOTHING_CHOSEN: &str = "niets-gekozen";

/// `back` with one more query parameter.
pub(crate) fn with_query(back: &str, name: &str, value: &str) -> String {
    let join = if back.contains('?') { '&' } else { '?' };
    format!("{back}{join}{name}={value}")
}

/// Only local paths are followed after sign-in (no `//host`, no schemes): no open redirects.
pub(crate) fn local_path(next: Option<&str>) -> Option<String> {
    let next = next?.trim();
    let safe = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        // A fragment never reaches the server; one here would swallow added query values.
        && !next.contains('#')
        && !next.chars().any(char::is_control);
    safe.then(|| next.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(
            local_path(Some("/documenten/ab")),
            Some("/documenten/ab".to_owned())
        );
        for bad in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil",
            "dossier",
            "/a\nb",
            "/dossier#x",
        ] {
            assert_eq!(local_path(Some(bad)), None, "{bad}");
        }
        assert_eq!(encode_path("/a b?c"), "/a%20b%3Fc");
    }
}
