//! `GET /aanmelden`, `POST /aanmelden` and `POST /afmelden`.

use bytes::Buf;
use futures_util::Stream;
use serde::Deserialize;
use warp::Filter;

use crate::web::route_list::named;
use warp::filters::BoxedFilter;
use warp::http::{HeaderValue, StatusCode, header};
use warp::reply::Response;

use super::local_path;
use crate::service::{ServiceError, SignInStep};
use crate::web::forms::{self, FormError};
use crate::web::i18n::{Lang, fill};
use crate::web::respond;
use crate::web::session::{
    Visit, WebState, anonymous_form_is_genuine, anonymous_token, form_is_genuine, visit,
};
use crate::web::views::{self, SignInPage, Site};

/// The sign-in page's `wachtwoord` value after a password was set from a link.
pub(super) const PASSWORD_SAVED: &str = "opgeslagen";

#[derive(Debug, Default, Deserialize)]
struct SignInQuery {
    next: Option<String>,
    afgemeld: Option<String>,
    /// `opgeslagen` after a password was set from a link.
    wachtwoord: Option<String>,
}

#[derive(Debug, Deserialize)]
struct SignInForm {
    /// Absent reads as empty: refused as not genuine (403), like a wrong one.
    #[serde(default)]
    csrf: String,
    username: String,
    password: String,
    next: Option<String>,
}

#[derive(Debug, Deserialize)]
struct SignOutForm {
    csrf: String,
}

pub fn routes(state: WebState) -> BoxedFilter<(Response,)> {
    let page = warp::get()
        .and(warp::path!("aanmelden"))
        .and(visit(state.clone()))
        .and(warp::query::<SignInQuery>())
        .then({
            let state = state.clone();
            move |v: Visit, q: SignInQuery| {
                let state = state.clone();
                async move { show(&state, &v, q) }
            }
        });
    let submit = warp::post()
        .and(warp::path!("aanmelden"))
        .and(visit(state.clone()))
        .and(warp::body::stream())
        .then({
            let state = state.clone();
            move |v: Visit, body| submit(state.clone(), v, body)
        });
    let sign_out = warp::post()
        .and(warp::path!("afmelden"))
        .and(visit(state.clone()))
        .and(warp::body::stream())
        .then({
            let state = state.clone();
            move |v: Visit, body| sign_out(state.clone(), v, body)
        });
    let language = warp::get()
        .and(warp::path!("taal" / String))
        .and(warp::query::<std::collections::HashMap<String, String>>())
        .map(
            move |code: String, q: std::collections::HashMap<String, String>| {
                choose_language(&state, &code, q.get("terug").map(String::as_str))
            },
        );
    named("sign_in_page", page)
        .or(named("sign_in", submit))
        .unify()
        .or(named("sign_out", sign_out))
        .unify()
        .or(named("language", language))
        .unify()
        .boxed()
}

/// The sign-in page with a form token (reusing the browser's if it has a good one), and the
/// passkey button where passkeys work.
pub(super) fn page_with_token(
    state: &WebState,
    visit: &Visit,
    status: StatusCode,
    mut form: SignInPage,
) -> Response {
    let (token, cookie) = anonymous_token(state, visit);
    form.csrf_token = token;
    form.passkey_origin = state
        .services
        .relying_party()
        .map(|rp| rp.origin().to_owned());
    let mut response = respond::html(status, views::sign_in(&visit.site, &form));
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

fn show(state: &WebState, visit: &Visit, query: SignInQuery) -> Response {
    let next = local_path(query.next.as_deref());
    if visit.session.is_some() {
        return respond::see_other(next.as_deref().unwrap_or("/"));
    }
    let form = SignInPage {
        next,
        signed_out: query.afgemeld.is_some(),
        password_saved: query.wachtwoord.as_deref() == Some(PASSWORD_SAVED),
        ..SignInPage::default()
    };
    page_with_token(state, visit, StatusCode::OK, form)
}

async fn submit<S, B, E>(state: WebState, visit: Visit, body: S) -> Response
where
    S: Stream<Item = Result<B, E>>,
    B: Buf,
    E: std::fmt::Display,
{
    let form: SignInForm = match forms::read(body).await {
        Ok(form) => form,
        Err(FormError::TooLarge) => {
            return respond::html(
                StatusCode::PAYLOAD_TOO_LARGE,
                views::problem_page(
                    &visit.site,
                    visit.site.t().too_large_title,
                    visit.site.t().too_large_text,
                ),
            );
        }
        Err(FormError::Unreadable(_)) => {
            let form = SignInPage {
                error: Some(visit.site.t().sign_in_missing.to_owned()),
                ..SignInPage::default()
            };
            return page_with_token(&state, &visit, StatusCode::BAD_REQUEST, form);
        }
    };
    let next = local_path(form.next.as_deref());
    if !anonymous_form_is_genuine(&state, &visit, &form.csrf) {
        let page = SignInPage {
            next,
            username: form.username,
            error: Some(visit.site.t().sign_in_form_expired.to_owned()),
            ..SignInPage::default()
        };
        return page_with_token(&state, &visit, StatusCode::FORBIDDEN, page);
    }
    let signed_in = state
        .services
        .sign_in(
            visit.context,
            &form.username,
            &form.password,
            visit.user_agent(),
        )
        .await;
    match signed_in {
        Ok(issued) => {
            let target = match (issued.step, &next) {
                (SignInStep::Complete, Some(next)) => next.clone(),
                (SignInStep::Complete, None) => "/".to_owned(),
                (SignInStep::SecondFactor, next) => with_next("/aanmelden/code", next.as_deref()),
                (SignInStep::Enroll, next) => with_next("/aanmelden/instellen", next.as_deref()),
            };
            signed_in_to(&state, &issued, &target)
        }
        Err(ServiceError::SignInFailed) => {
            let page = SignInPage {
                next,
                username: form.username,
                error: Some(visit.site.t().sign_in_wrong.to_owned()),
                ..SignInPage::default()
            };
            page_with_token(&state, &visit, StatusCode::UNAUTHORIZED, page)
        }
        Err(ServiceError::AccountDisabled) => {
            let page = SignInPage {
                next,
                username: form.username,
                error: Some(visit.site.t().sign_in_disabled.to_owned()),
                ..SignInPage::default()
            };
            page_with_token(&state, &visit, StatusCode::FORBIDDEN, page)
        }
        Err(ServiceError::Throttled { retry_after_secs }) => {
            let page = SignInPage {
                next,
                username: form.username,
                error: Some(fill(
                    visit.site.t().sign_in_locked,
                    &[&wait_text(&visit.site, retry_after_secs)],
                )),
                ..SignInPage::default()
            };
            let mut response = page_with_token(&state, &visit, StatusCode::TOO_MANY_REQUESTS, page);
            if let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        Err(ServiceError::Busy) => {
            let mut response = respond::html(
                StatusCode::SERVICE_UNAVAILABLE,
                views::problem_page(
                    &visit.site,
                    visit.site.t().busy_title,
                    visit.site.t().busy_sign_in_text,
                ),
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
            response
        }
        Err(other) => respond::internal(&visit.site, &other),
    }
}

/// Off to `target` with the new session's cookie; the form cookie has done its work.
pub(super) fn signed_in_to(
    state: &WebState,
    issued: &crate::service::IssuedSession,
    target: &str,
) -> Response {
    let mut response = respond::see_other(target);
    let headers = response.headers_mut();
    if let Some(cookie) = state.set_session(issued) {
        headers.append(header::SET_COOKIE, cookie);
    }
    if let Some(cookie) = state.clear(state.form_cookie_name()) {
        headers.append(header::SET_COOKIE, cookie);
    }
    response
}

/// Who `POST /afmelden` ends: a signed-in session, or a sign-in stopped halfway.
enum Leaving<'a> {
    SignedIn(&'a crate::service::CurrentSession),
    Halfway(crate::service::PendingSession),
}

async fn sign_out<S, B, E>(state: WebState, visit: Visit, body: S) -> Response
where
    S: Stream<Item = Result<B, E>>,
    B: Buf,
    E: std::fmt::Display,
{
    // Signed in, or stopping a sign-in halfway (the code step's and the app set-up's
    // "Annuleren" post here with the half-finished session's form token).
    let leaving = match &visit.session {
        Some(session) => Leaving::SignedIn(session),
        None => match super::two_factor::pending(&state, &visit).await {
            Some(pending) => Leaving::Halfway(pending),
            None => {
                let mut response = respond::see_other("/aanmelden");
                if let Some(cookie) = state.clear(state.session_cookie_name()) {
                    response.headers_mut().append(header::SET_COOKIE, cookie);
                }
                return response;
            }
        },
    };
    let expected = match &leaving {
        Leaving::SignedIn(session) => &session.csrf_token,
        Leaving::Halfway(pending) => &pending.csrf_token,
    };
    let genuine = match forms::read::<SignOutForm, _, _, _>(body).await {
        Ok(form) => form_is_genuine(&state, &visit.headers, expected, &form.csrf),
        Err(_) => false,
    };
    if !genuine {
        return respond::html(
            StatusCode::FORBIDDEN,
            views::problem_page(
                &visit.site,
                visit.site.t().not_signed_out_title,
                visit.site.t().not_signed_out_text,
            ),
        );
    }
    let ended = match &leaving {
        Leaving::SignedIn(session) => state.services.sign_out(visit.context, session).await,
        Leaving::Halfway(pending) => state.services.cancel_sign_in(pending).await,
    };
    if let Err(e) = ended {
        return respond::internal(&visit.site, &e);
    }
    let mut response = respond::see_other("/aanmelden?afgemeld=1");
    let headers = response.headers_mut();
    if let Some(cookie) = state.clear(state.session_cookie_name()) {
        headers.append(header::SET_COOKIE, cookie);
    }
    headers.insert(
        "clear-site-data",
        HeaderValue::from_static("\"cache\", \"cookies\", \"storage\""),
    );
    response
}

/// "2 seconden", "3 minuten": how long to wait, in words.
pub(crate) fn wait_text(site: &Site, seconds: u64) -> String {
    let t = site.t();
    match seconds {
        0 | 1 => t.one_second.to_owned(),
        s if s < 90 => fill(t.seconds, &[&s]),
        s => fill(t.minutes, &[&s.div_ceil(60)]),
    }
}

/// `path?next=…` when there is somewhere to go afterwards.
pub(crate) fn with_next(path: &str, next: Option<&str>) -> String {
    match next {
        Some(next) => format!("{path}?next={}", super::encode_path(next)),
        None => path.to_owned(),
    }
}

/// `GET /taal/{nl|en}?terug=PATH`: the language for pages before signing in, kept in a
/// cookie for a year; back to the page it was chosen on (a local path only).
fn choose_language(state: &WebState, code: &str, back: Option<&str>) -> Response {
    let back = local_path(back).unwrap_or_else(|| "/aanmelden".to_owned());
    let mut response = respond::see_other(&back);
    if let Some(lang) = Lang::parse(code)
        && let Some(cookie) = state.language_cookie(lang)
    {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::wait_text;
    use crate::web::i18n::Lang;
    use crate::web::views::Site;

    #[test]
    fn waits_are_said_in_words_with_the_right_number() {
        let site = Site {
            name: "Loondossier".to_owned(),
            logo: None,
            help_url: None,
            lang: Lang::Nl,
            here: "/".to_owned(),
        };
        assert_eq!(wait_text(&site, 1), "1 seconde");
        assert_eq!(wait_text(&site, 2), "2 seconden");
        assert_eq!(wait_text(&site, 60), "60 seconden");
        assert_eq!(wait_text(&site, 600), "10 minuten");
        let english = site.in_language(Lang::En);
        assert_eq!(wait_text(&english, 1), "1 second");
        assert_eq!(wait_text(&english, 90), "2 minutes");
    }
}
