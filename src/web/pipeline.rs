//! What a browser handler starts from, handed over ready by warp filters, and the one way a
//! refusal or a service error becomes a page.
//!
//! - [`signed_in`]: the signed-in account, or the sign-in page (coming back afterwards);
//! - [`form`]: a form posted by the signed-in account, read within [`forms::FORM_LIMIT`],
//!   CSRF-checked (same origin and the session's token) and parsed; a route that changes state
//!   is built on it, so it cannot leave the check out;
//! - [`recover`]: turns the refusals of both into their pages;
//! - [`error_page`]: every [`ServiceError`] as a page inside the layout, with a way back to where
//!   the user was. The match is exhaustive: a new error does not compile until it has a page.

use bytes::Bytes;
use serde::de::DeserializeOwned;
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::{Method, StatusCode};
use warp::reject::Rejection;
use warp::reply::Response;

use super::forms::{self, FormError};
use super::session::{Visit, WebState, form_is_genuine, visit};
use super::views::{self, Site};
use super::{i18n, respond};
use crate::service::{CurrentSession, PendingSession, ServiceError, SignInStep};

/// A request by a signed-in account: the visit and its session.
#[derive(Debug, Clone)]
pub struct Signed {
    pub visit: Visit,
    pub session: CurrentSession,
}

impl Signed {
    pub fn site(&self) -> &Site {
        &self.visit.site
    }
}

/// Where an employee chooses between electronic and paper payslips.
pub const CONSENT_PAGE: &str = "/toestemming";

/// Why a request was answered before its handler ran.
#[derive(Debug)]
pub enum Refusal {
    /// Not signed in: to the sign-in page, then back to `next` (a local path) — or, halfway
    /// through signing in (`pending`), to the step still to take.
    SignInFirst {
        next: String,
        pending: Option<SignInStep>,
    },
    /// An employee not yet asked about electronic payslips: that question first, then back to
    /// `next` (a local path).
    ChooseDeliveryFirst { next: String },
    /// The form is larger than [`forms::FORM_LIMIT`].
    FormTooLarge(Box<Visit>),
    /// The form is missing fields or has unreadable ones.
    FormUnreadable(Box<Visit>),
    /// The form is not from our own page of this session (or, before signing in, of this
    /// browser): missing or foreign token, or another origin (CSRF).
    NotGenuine(Box<Visit>),
}

impl warp::reject::Reject for Refusal {}

/// The signed-in account, or a refusal that sends the browser to sign in first.
pub fn signed_in(state: WebState) -> BoxedFilter<(Signed,)> {
    let check = state.clone();
    visit(state)
        .and(warp::method())
        .and(warp::query::raw().or(warp::any().map(String::new)).unify())
        .and_then(move |visit: Visit, method: Method, query: String| {
            let state = check.clone();
            async move {
                match visit.session.clone() {
                    // The consent question (BW 7:626 lid 4) comes before any other page; forms,
                    // sign-out and the question's own page go through.
                    Some(session)
                        if session.asks_payslip_delivery
                            && method == Method::GET
                            && visit.site.here != CONSENT_PAGE =>
                    {
                        Err(warp::reject::custom(Refusal::ChooseDeliveryFirst {
                            next: come_back_to(&visit, &method, &query),
                        }))
                    }
                    Some(session) => Ok(Signed { visit, session }),
                    None => {
                        // A sign-in left halfway (the authenticator app still to set up or its
                        // code to give) goes on where it stopped.
                        let pending = match super::session::cookie(
                            &visit.headers,
                            state.session_cookie_name(),
                        ) {
                            Some(id) => state.services.pending_session(id).await.ok().flatten(),
                            None => None,
                        };
                        Err(warp::reject::custom(Refusal::SignInFirst {
                            next: come_back_to(&visit, &method, &query),
                            pending: pending.map(|p| p.step),
                        }))
                    }
                }
            }
        })
        .boxed()
}

/// A form posted by the signed-in account: read (bounded), CSRF-checked and parsed into `T`.
/// `T` names the form's fields (the `csrf` field is checked here and may be left out of it); a
/// form that repeats a name (ticked boxes) reads as `Vec<(String, String)>`.
pub fn form<T>(state: WebState) -> BoxedFilter<(Signed, T)>
where
    T: DeserializeOwned + Send + 'static,
{
    let check = state.clone();
    signed_in(state)
        .and(warp::body::stream())
        .and_then(move |signed: Signed, body| {
            let state = check.clone();
            async move {
                let expected = signed.session.csrf_token.clone();
                let (visit, fields) = checked(&state, signed.visit, &expected, body).await?;
                Ok::<_, Rejection>((
                    Signed {
                        visit,
                        session: signed.session,
                    },
                    fields,
                ))
            }
        })
        .untuple_one()
        .boxed()
}

/// A form posted before signing in (sign-in, forgot, set-password, the second-factor steps):
/// read, bounded and checked against the token of the browser's form cookie (double submit)
/// and the origin, then parsed into `T`.
pub fn anonymous_form<T>(state: WebState) -> BoxedFilter<(Visit, T)>
where
    T: DeserializeOwned + Send + 'static,
{
    let check = state.clone();
    visit(state)
        .and(warp::body::stream())
        .and_then(move |visit: Visit, body| {
            let state = check.clone();
            async move {
                let expected = super::session::cookie(&visit.headers, state.form_cookie_name())
                    .unwrap_or_default()
                    .to_owned();
                checked(&state, visit, &expected, body).await
            }
        })
        .untuple_one()
        .boxed()
}

/// A form posted during a half-finished sign-in (the second-factor steps), checked against that
/// sign-in's own token: the pending sign-in at `step` and the form. Without one (or at another
/// step) the browser goes back to the sign-in page.
pub fn pending_form<T>(state: WebState, step: SignInStep) -> BoxedFilter<(Visit, PendingSession, T)>
where
    T: DeserializeOwned + Send + 'static,
{
    let check = state.clone();
    visit(state)
        .and(warp::body::stream())
        .and_then(move |visit: Visit, body| {
            let state = check.clone();
            async move {
                let pending =
                    match super::session::cookie(&visit.headers, state.session_cookie_name()) {
                        Some(id) => state.services.pending_session(id).await.ok().flatten(),
                        None => None,
                    };
                let Some(pending) = pending.filter(|p| p.step == step) else {
                    return Err(warp::reject::custom(Refusal::SignInFirst {
                        next: "/".to_owned(),
                        pending: None,
                    }));
                };
                let (visit, fields) = checked(&state, visit, &pending.csrf_token, body).await?;
                Ok((visit, pending, fields))
            }
        })
        .untuple_one()
        .boxed()
}

/// Reads a form body within [`forms::FORM_LIMIT`], checks its `csrf` field against `expected`
/// (never an empty one) and the origin, and parses it into `T`.
async fn checked<T, S, B>(
    state: &WebState,
    visit: Visit,
    expected: &str,
    body: S,
) -> Result<(Visit, T), Rejection>
where
    T: DeserializeOwned,
    S: futures_util::Stream<Item = Result<B, warp::Error>>,
    B: bytes::Buf,
{
    let refuse = |make: fn(Box<Visit>) -> Refusal, visit: Visit| {
        Err(warp::reject::custom(make(Box::new(visit))))
    };
    let bytes = match forms::read_bytes(body).await {
        Ok(bytes) => bytes.freeze(),
        Err(FormError::TooLarge) => return refuse(Refusal::FormTooLarge, visit),
        Err(FormError::Unreadable(_)) => return refuse(Refusal::FormUnreadable, visit),
    };
    if expected.is_empty() || !form_is_genuine(state, &visit.headers, expected, &csrf_of(&bytes)) {
        return refuse(Refusal::NotGenuine, visit);
    }
    match serde_urlencoded::from_bytes::<T>(&bytes) {
        Ok(fields) => Ok((visit, fields)),
        Err(_) => refuse(Refusal::FormUnreadable, visit),
    }
}

/// A form that carries only its token (a button that does one thing).
#[derive(Debug, serde::Deserialize)]
pub struct TokenOnly {}

/// The form's `csrf` field (empty when there is none).
fn csrf_of(body: &Bytes) -> String {
    url::form_urlencoded::parse(body)
        .find(|(name, _)| name == "csrf")
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default()
}

/// Where the browser should be after signing in: the page itself for a GET, the page the form
/// was on for a POST (its `Referer`, when local), else the start page.
fn come_back_to(visit: &Visit, method: &Method, query: &str) -> String {
    if method == Method::GET {
        return match query {
            "" => visit.site.here.clone(),
            query => format!("{}?{query}", visit.site.here),
        };
    }
    visit.referring_page().unwrap_or_else(|| "/".to_owned())
}

/// The answer to a [`Refusal`]; any other rejection is passed on (to "not found").
pub async fn recover(state: WebState, rejection: Rejection) -> Result<Response, Rejection> {
    let Some(refusal) = rejection.find::<Refusal>() else {
        return Err(rejection);
    };
    let (visit, status, title, text) = match refusal {
        Refusal::SignInFirst {
            next,
            pending: Some(step @ (SignInStep::Enroll | SignInStep::SecondFactor)),
        } => {
            let path = if *step == SignInStep::Enroll {
                "/aanmelden/instellen"
            } else {
                "/aanmelden/code"
            };
            let next = (next != "/").then_some(next.as_str());
            return Ok(respond::see_other(&super::ui::signin::with_next(
                path, next,
            )));
        }
        Refusal::SignInFirst { next, .. } if next == "/" => {
            return Ok(respond::see_other("/aanmelden"));
        }
        Refusal::SignInFirst { next, .. } => {
            let to = format!("/aanmelden?next={}", super::ui::encode_path(next));
            return Ok(respond::see_other(&to));
        }
        Refusal::ChooseDeliveryFirst { next } => {
            let to = format!("{CONSENT_PAGE}?terug={}", super::ui::encode_path(next));
            return Ok(respond::see_other(&to));
        }
        Refusal::FormTooLarge(visit) => {
            let t = visit.site.t();
            (
                visit,
                StatusCode::PAYLOAD_TOO_LARGE,
                t.too_large_title,
                t.too_large_text,
            )
        }
        Refusal::FormUnreadable(visit) => {
            let t = visit.site.t();
            (
                visit,
                StatusCode::BAD_REQUEST,
                t.form_incomplete_title,
                t.form_incomplete_text,
            )
        }
        Refusal::NotGenuine(visit) => {
            let t = visit.site.t();
            (
                visit,
                StatusCode::FORBIDDEN,
                t.form_expired_title,
                t.form_expired_text,
            )
        }
    };
    Ok(problem_for(&state, visit, status, title, text).await)
}

/// A problem page for any visit: inside the layout when signed in, else the plain one.
async fn problem_for(
    state: &WebState,
    visit: &Visit,
    status: StatusCode,
    title: &str,
    text: &str,
) -> Response {
    match &visit.session {
        Some(session) => {
            let signed = Signed {
                visit: visit.clone(),
                session: session.clone(),
            };
            problem(state, &signed, status, title, text).await
        }
        None => respond::html(status, views::problem_page(&visit.site, title, text)),
    }
}

/// A page inside the layout that says what went wrong and leads back to where the user was.
pub async fn problem(
    state: &WebState,
    signed: &Signed,
    status: StatusCode,
    title: &str,
    text: &str,
) -> Response {
    let nav = super::ui::nav(state, &signed.session).await;
    let back = signed.visit.referring_page();
    respond::html(
        status,
        views::problem_in_layout(signed.site(), &nav, title, text, back.as_deref()),
    )
}

/// A request the user can correct ("nothing ticked"): 400 with `text`, inside the layout.
pub async fn bad_request(state: &WebState, signed: &Signed, text: &str) -> Response {
    let title = signed.site().t().failed_title;
    problem(state, signed, StatusCode::BAD_REQUEST, title, text).await
}

/// The status, title and text of a service error as the browser shows it; `None` for the errors
/// the visitor cannot fix (a page with a reference to quote, the cause in the log).
fn explain(site: &Site, error: &ServiceError) -> Option<(StatusCode, &'static str, String)> {
    let t = site.t();
    Some(match error {
        ServiceError::NotFound => (
            StatusCode::NOT_FOUND,
            t.not_found_title,
            t.not_found_text.to_owned(),
        ),
        ServiceError::Forbidden(_) => (
            StatusCode::FORBIDDEN,
            t.not_allowed_title,
            t.not_allowed_text.to_owned(),
        ),
        ServiceError::Invalid { field, .. } => (
            StatusCode::BAD_REQUEST,
            if *field == "year" {
                t.year_wrong_title
            } else {
                t.failed_title
            },
            i18n::field_message(t, field),
        ),
        ServiceError::Taken { field } => (
            StatusCode::CONFLICT,
            t.failed_title,
            i18n::taken_message(t, field),
        ),
        ServiceError::TooLarge { limit } => (
            StatusCode::PAYLOAD_TOO_LARGE,
            t.too_large_title,
            i18n::fill(t.upload_too_large, &[&(limit / (1024 * 1024))]),
        ),
        ServiceError::UnsupportedType => (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            t.failed_title,
            t.upload_bad_type.to_owned(),
        ),
        ServiceError::QuotaFull { limit } => (
            StatusCode::INSUFFICIENT_STORAGE,
            t.failed_title,
            i18n::fill(t.upload_quota_full, &[&(limit / (1024 * 1024))]),
        ),
        ServiceError::EmptyFile { .. } => (
            StatusCode::BAD_REQUEST,
            t.failed_title,
            t.upload_empty.to_owned(),
        ),
        ServiceError::WrongPassword => (
            StatusCode::FORBIDDEN,
            t.failed_title,
            t.password_wrong_current.to_owned(),
        ),
        ServiceError::SignInFailed => (
            StatusCode::UNAUTHORIZED,
            t.failed_title,
            t.sign_in_wrong.to_owned(),
        ),
        ServiceError::AccountDisabled => (
            StatusCode::FORBIDDEN,
            t.failed_title,
            t.sign_in_disabled.to_owned(),
        ),
        ServiceError::Busy => (
            StatusCode::SERVICE_UNAVAILABLE,
            t.failed_title,
            t.busy_text.to_owned(),
        ),
        ServiceError::Throttled { retry_after_secs } => (
            StatusCode::TOO_MANY_REQUESTS,
            t.failed_title,
            i18n::fill(
                t.sign_in_locked,
                &[&super::ui::wait_text(site, *retry_after_secs)],
            ),
        ),
        ServiceError::Blob(_) if error.is_storage_unavailable() => {
            tracing::error!("file storage unavailable: {error}");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                t.failed_title,
                t.storage_unavailable.to_owned(),
            )
        }
        ServiceError::Store(_)
        | ServiceError::Blob(_)
        | ServiceError::Maintenance(_)
        | ServiceError::Unreadable(_)
            if error.is_storage_full() =>
        {
            (
                StatusCode::INSUFFICIENT_STORAGE,
                t.failed_title,
                t.upload_disk_full.to_owned(),
            )
        }
        ServiceError::Store(_)
        | ServiceError::Blob(_)
        | ServiceError::Maintenance(_)
        | ServiceError::Unreadable(_) => {
            return None;
        }
    })
}

/// Any service error as a page inside the layout, with a way back; `Retry-After` when the
/// error says how long to wait. A handler maps only its own special cases before this.
pub async fn error_page(state: &WebState, signed: &Signed, error: ServiceError) -> Response {
    let Some((status, title, text)) = explain(signed.site(), &error) else {
        return respond::internal(signed.site(), &error);
    };
    let response = problem(state, signed, status, title, &text).await;
    with_retry_after(response, &error)
}

/// `response` with `Retry-After` when `error` says how long to wait (a busy moment: 2 s).
pub fn with_retry_after(mut response: Response, error: &ServiceError) -> Response {
    let seconds = match error {
        ServiceError::Throttled { retry_after_secs } => *retry_after_secs,
        ServiceError::Busy => 2,
        _ if error.is_storage_unavailable() => 30,
        _ => return response,
    };
    if let Ok(value) = warp::http::HeaderValue::from_str(&seconds.to_string()) {
        response
            .headers_mut()
            .insert(warp::http::header::RETRY_AFTER, value);
    }
    response
}
