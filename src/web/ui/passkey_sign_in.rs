//! Passkeys while signing in: without a username from the sign-in page, as the step after the
//! password, and as the second factor a first sign-in must set up. The options for the browser
//! come as JSON from a form post with the page's token; its answer comes back in a form.

use serde::Deserialize;
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::{HeaderValue, StatusCode, header};
use warp::reply::Response;

use super::local_path;
use super::passkeys::AddForm;
use super::two_factor::{plain_error, second_factor_answered};
use crate::service::{PasskeyError, PendingSession, ServiceError, SignInStep};
use crate::web::pipeline::{TokenOnly, anonymous_form, pending_form};
use crate::web::respond;
use crate::web::route_list::named;
use crate::web::session::{Visit, WebState, cookie};
use crate::web::views;

/// The browser's answer to a sign-in or second-factor ceremony.
#[derive(Deserialize)]
struct AnswerForm {
    #[serde(default)]
    credential: String,
    next: Option<String>,
}

pub fn routes(state: WebState) -> BoxedFilter<(Response,)> {
    let s = state.clone();
    let sign_in_options = warp::post()
        .and(warp::path!("aanmelden" / "passkey"))
        .and(anonymous_form::<TokenOnly>(state.clone()))
        .map(move |visit: Visit, _: TokenOnly| sign_in_options(&s, &visit));
    let s = state.clone();
    let sign_in = warp::post()
        .and(warp::path!("aanmelden" / "passkey" / "klaar"))
        .and(anonymous_form::<AnswerForm>(state.clone()))
        .then(move |visit: Visit, f| sign_in(s.clone(), visit, f));
    let s = state.clone();
    let code_options = warp::post()
        .and(warp::path!("aanmelden" / "code" / "passkey"))
        .and(pending_form::<TokenOnly>(
            state.clone(),
            SignInStep::SecondFactor,
        ))
        .then(move |v: Visit, p: PendingSession, _: TokenOnly| code_options(s.clone(), v, p));
    let s = state.clone();
    let code = warp::post()
        .and(warp::path!("aanmelden" / "code" / "passkey" / "klaar"))
        .and(pending_form::<AnswerForm>(
            state.clone(),
            SignInStep::SecondFactor,
        ))
        .then(move |v: Visit, p: PendingSession, f| code(s.clone(), v, p, f));
    let s = state.clone();
    let enrol_options = warp::post()
        .and(warp::path!("aanmelden" / "instellen" / "passkey"))
        .and(pending_form::<TokenOnly>(state.clone(), SignInStep::Enroll))
        .then(move |v: Visit, p: PendingSession, _: TokenOnly| enrol_options(s.clone(), v, p));
    let s = state.clone();
    let enrol = warp::post()
        .and(warp::path!("aanmelden" / "instellen" / "passkey" / "klaar"))
        .and(pending_form::<AddForm>(state, SignInStep::Enroll))
        .then(move |v: Visit, p: PendingSession, f| enrol(s.clone(), v, p, f));
    named("passkey_sign_in_options", sign_in_options)
        .or(named("passkey_sign_in", sign_in))
        .unify()
        .or(named("passkey_code_options", code_options))
        .unify()
        .or(named("passkey_code", code))
        .unify()
        .or(named("passkey_enrol_options", enrol_options))
        .unify()
        .or(named("passkey_enrol", enrol))
        .unify()
        .boxed()
}

/// The options for a sign-in without a username, bound to this browser's form cookie.
fn sign_in_options(state: &WebState, visit: &Visit) -> Response {
    let browser = cookie(&visit.headers, state.form_cookie_name()).unwrap_or_default();
    match state.services.start_passkey_sign_in(visit.context, browser) {
        Ok(options) => options_json(&options),
        Err(PasskeyError::Service(ServiceError::Throttled { retry_after_secs })) => {
            too_many(retry_after_secs)
        }
        Err(_) => respond::json(
            StatusCode::NOT_FOUND,
            &serde_json::json!({ "error": "passkeys are not available at this address" }),
        ),
    }
}

async fn sign_in(state: WebState, visit: Visit, form: AnswerForm) -> Response {
    let browser = cookie(&visit.headers, state.form_cookie_name())
        .unwrap_or_default()
        .to_owned();
    let next = local_path(form.next.as_deref());
    let signed_in = state
        .services
        .finish_passkey_sign_in(
            visit.context,
            &browser,
            &form.credential,
            visit.user_agent(),
        )
        .await;
    let t = visit.site.t();
    let refused = |status: StatusCode, why: &str| {
        let page = views::SignInPage {
            next: next.clone(),
            error: Some(why.to_owned()),
            ..views::SignInPage::default()
        };
        super::signin::page_with_token(&state, &visit, status, page)
    };
    match signed_in {
        Ok(issued) => super::signin::signed_in_to(&state, &issued, next.as_deref().unwrap_or("/")),
        Err(PasskeyError::Refused | PasskeyError::Unavailable) => {
            refused(StatusCode::UNAUTHORIZED, t.passkey_sign_in_failed)
        }
        Err(PasskeyError::Unknown) => refused(StatusCode::UNAUTHORIZED, t.passkey_unknown),
        Err(PasskeyError::Service(ServiceError::AccountDisabled)) => {
            refused(StatusCode::FORBIDDEN, t.sign_in_disabled)
        }
        Err(PasskeyError::Service(ServiceError::Throttled { retry_after_secs })) => {
            let why = crate::web::i18n::fill(
                t.sign_in_locked,
                &[&super::wait_text(&visit.site, retry_after_secs)],
            );
            let mut response = refused(StatusCode::TOO_MANY_REQUESTS, &why);
            if let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        Err(PasskeyError::Service(e)) => plain_error(&visit.site, e),
    }
}

/// The options for the passkey step after the password (the account's own passkeys).
async fn code_options(state: WebState, visit: Visit, pending: PendingSession) -> Response {
    match state
        .services
        .start_passkey_second_factor(&pending, visit.context)
        .await
    {
        Ok(options) => options_json(&options),
        Err(PasskeyError::Service(ServiceError::Throttled { retry_after_secs })) => {
            too_many(retry_after_secs)
        }
        Err(PasskeyError::Service(e)) => plain_error(&visit.site, e),
        Err(_) => respond::json(
            StatusCode::NOT_FOUND,
            &serde_json::json!({ "error": "no passkey to use here" }),
        ),
    }
}

async fn code(
    state: WebState,
    visit: Visit,
    pending: PendingSession,
    form: AnswerForm,
) -> Response {
    let next = local_path(form.next.as_deref());
    let answered = state
        .services
        .passkey_second_factor(&pending, visit.context, &form.credential)
        .await;
    second_factor_answered(&state, &visit, &pending, next, answered)
}

/// The options to make a passkey as the second factor a sign-in requires.
async fn enrol_options(state: WebState, visit: Visit, pending: PendingSession) -> Response {
    match state.services.start_passkey_enrolment(&pending).await {
        Ok(options) => options_json(&options),
        Err(PasskeyError::Service(e)) => plain_error(&visit.site, e),
        Err(_) => respond::json(
            StatusCode::NOT_FOUND,
            &serde_json::json!({ "error": "passkeys are not available at this address" }),
        ),
    }
}

/// The required set-up done with a passkey: signed in, and the recovery codes shown once.
async fn enrol(state: WebState, visit: Visit, pending: PendingSession, form: AddForm) -> Response {
    let enrolled = state
        .services
        .enrol_passkey_while_signing_in(&pending, visit.context, &form.name, &form.credential)
        .await;
    match enrolled {
        Ok((issued, codes)) => {
            let done = crate::web::i18n::fill(visit.site.t().passkey_added, &[&form.name.trim()]);
            let page = respond::html(
                StatusCode::OK,
                views::recovery_codes_after(&visit.site, &codes, "/", Some(&done)),
            );
            super::account::with_cookie(page, state.set_session(&issued))
        }
        Err(PasskeyError::Service(e)) => plain_error(&visit.site, e),
        Err(PasskeyError::Refused | PasskeyError::Unavailable | PasskeyError::Unknown) => {
            let why = visit.site.t().passkey_cancelled.to_owned();
            super::two_factor::enrol_page_again(state, visit, why).await
        }
    }
}

/// Too many ceremonies from this address: 429 with when to try again.
fn too_many(retry_after_secs: u64) -> Response {
    let mut response = respond::json(
        StatusCode::TOO_MANY_REQUESTS,
        &serde_json::json!({ "error": "too many passkey attempts; try again later" }),
    );
    if let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// The options as the browser's `PublicKeyCredential*OptionsJSON`.
fn options_json(options: &str) -> Response {
    match serde_json::from_str::<serde_json::Value>(options) {
        Ok(value) => respond::json(StatusCode::OK, &value),
        Err(e) => respond::json(
            StatusCode::INTERNAL_SERVER_ERROR,
            &serde_json::json!({ "error": e.to_string() }),
        ),
    }
}
