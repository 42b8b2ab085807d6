//! Passkeys in the browser: adding one from Profiel (name and password, then the browser makes
//! it), removing one (password again), the employee's "not now" to the offer, signing in with
//! one and no username, and using one after the password. The options for the browser come as
//! JSON from a form post with the page's token; the browser's answer comes back in a form.

use serde::Deserialize;
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::{HeaderValue, StatusCode, header};
use warp::reply::Response;

use super::account::profile_page;
use super::local_path;
use super::two_factor::{plain_error, second_factor_answered};
use crate::service::{PasskeyError, PendingSession, ServiceError, SignInStep};
use crate::web::pipeline::{
    Signed, TokenOnly, anonymous_form, error_page, form, pending_form, signed_in, with_retry_after,
};
use crate::web::respond;
use crate::web::route_list::named;
use crate::web::session::{Visit, WebState, cookie};
use crate::web::views::{self, passkeys as pages};

/// Step one of adding: the name and the password again.
#[derive(Deserialize)]
struct StartForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
}

/// Step two of adding: the name and the browser's answer.
#[derive(Deserialize)]
struct AddForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    credential: String,
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    password: String,
}

/// The browser's answer to a sign-in or second-factor ceremony.
#[derive(Deserialize)]
struct AnswerForm {
    #[serde(default)]
    credential: String,
    next: Option<String>,
}

pub fn routes(state: WebState) -> BoxedFilter<(Response,)> {
    let s = state.clone();
    let new_page = warp::get()
        .and(warp::path!("profiel" / "passkeys" / "nieuw"))
        .and(signed_in(state.clone()))
        .then(move |signed: Signed| {
            let s = s.clone();
            async move {
                // Named after the browser and system it is made on, unless unknown.
                let t = signed.site().t();
                let name = views::browser(t, signed.visit.user_agent());
                let name = if name == t.browser_unknown { "" } else { &name };
                new_page(&s, &signed, name, StatusCode::OK, None).await
            }
        });
    let s = state.clone();
    let start = warp::post()
        .and(warp::path!("profiel" / "passkeys" / "nieuw"))
        .and(form::<StartForm>(state.clone()))
        .then(move |signed: Signed, f| start(s.clone(), signed, f));
    let s = state.clone();
    let add = warp::post()
        .and(warp::path!("profiel" / "passkeys"))
        .and(form::<AddForm>(state.clone()))
        .then(move |signed: Signed, f| add(s.clone(), signed, f));
    let s = state.clone();
    let remove_page = warp::get()
        .and(warp::path!("profiel" / "passkeys" / String / "verwijderen"))
        .and(signed_in(state.clone()))
        .then(move |id: String, signed: Signed| {
            let s = s.clone();
            async move { remove_page(&s, &signed, &id, StatusCode::OK, None).await }
        });
    let s = state.clone();
    let remove = warp::post()
        .and(warp::path!("profiel" / "passkeys" / String / "verwijderen"))
        .and(form::<PasswordForm>(state.clone()))
        .then(move |id: String, signed: Signed, f| remove(s.clone(), signed, id, f));
    let s = state.clone();
    let dismiss = warp::post()
        .and(warp::path!("passkey-aanbod" / "later"))
        .and(form::<TokenOnly>(state.clone()))
        .then(move |signed: Signed, _: TokenOnly| dismiss(s.clone(), signed));
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
    named("passkey_new", new_page)
        .or(named("passkey_start", start))
        .unify()
        .or(named("passkey_add", add))
        .unify()
        .or(named("passkey_remove_page", remove_page))
        .unify()
        .or(named("passkey_remove", remove))
        .unify()
        .or(named("passkey_offer_dismiss", dismiss))
        .unify()
        .or(named("passkey_sign_in_options", sign_in_options))
        .unify()
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

fn rp_origin(state: &WebState) -> Option<String> {
    state
        .services
        .relying_party()
        .map(|rp| rp.origin().to_owned())
}

async fn new_page(
    state: &WebState,
    signed: &Signed,
    name: &str,
    status: StatusCode,
    error: Option<&str>,
) -> Response {
    let nav = super::nav(state, &signed.session).await;
    let rp = rp_origin(state);
    respond::html(
        status,
        pages::new_passkey(signed.site(), &nav, name, error, rp.as_deref()),
    )
}

async fn start(state: WebState, signed: Signed, form: StartForm) -> Response {
    let started = state
        .services
        .start_passkey_registration(
            &signed.session,
            signed.visit.context,
            &form.password,
            &form.name,
        )
        .await;
    match started {
        Ok(started) => {
            let nav = super::nav(&state, &signed.session).await;
            let rp = rp_origin(&state).unwrap_or_default();
            respond::html(
                StatusCode::OK,
                pages::create_passkey(signed.site(), &nav, &started, &rp),
            )
        }
        Err(refused) => refused_page(&state, &signed, &form.name, refused).await,
    }
}

/// Step one again, saying why adding did not work (a wrong name or password, a refused
/// answer); other failures are the usual error page.
async fn refused_page(
    state: &WebState,
    signed: &Signed,
    name: &str,
    error: PasskeyError,
) -> Response {
    let t = signed.site().t();
    match error {
        PasskeyError::Service(ServiceError::Invalid { .. }) => {
            let why = t.passkey_name_wrong;
            new_page(state, signed, name, StatusCode::BAD_REQUEST, Some(why)).await
        }
        PasskeyError::Service(
            e @ (ServiceError::WrongPassword | ServiceError::Throttled { .. }),
        ) => {
            let (status, why) = super::password_again_refused(signed.site(), &e);
            let page = new_page(state, signed, name, status, Some(&why)).await;
            with_retry_after(page, &e)
        }
        PasskeyError::Service(e) => error_page(state, signed, e).await,
        PasskeyError::Unavailable | PasskeyError::Refused | PasskeyError::Unknown => {
            new_page(
                state,
                signed,
                name,
                StatusCode::BAD_REQUEST,
                Some(t.passkey_refused),
            )
            .await
        }
    }
}

async fn add(state: WebState, signed: Signed, form: AddForm) -> Response {
    let added = state
        .services
        .finish_passkey_registration(
            &signed.session,
            signed.visit.context,
            &form.name,
            &form.credential,
        )
        .await;
    let t = signed.site().t();
    match added {
        Ok(Some(codes)) => {
            let done = crate::web::i18n::fill(t.passkey_added, &[&form.name.trim()]);
            respond::html(
                StatusCode::OK,
                views::recovery_codes_after(
                    signed.site(),
                    &codes,
                    "/profiel#passkeys",
                    Some(&done),
                ),
            )
        }
        Ok(None) => {
            let notice = crate::web::i18n::fill(t.passkey_added, &[&form.name.trim()]);
            profile_page(&state, &signed.visit, StatusCode::OK, Some(notice), None).await
        }
        Err(refused) => refused_page(&state, &signed, &form.name, refused).await,
    }
}

async fn remove_page(
    state: &WebState,
    signed: &Signed,
    id: &str,
    status: StatusCode,
    error: Option<&str>,
) -> Response {
    let passkeys = match state.services.passkeys_of(&signed.session).await {
        Ok(list) => list,
        Err(e) => return error_page(state, signed, e).await,
    };
    // Only the account's own passkeys are listed: another's id is "not found".
    let Some(passkey) = passkeys.iter().find(|p| p.id.to_string() == id) else {
        return error_page(state, signed, ServiceError::NotFound).await;
    };
    let nav = super::nav(state, &signed.session).await;
    respond::html(
        status,
        pages::remove_passkey(signed.site(), &nav, passkey, error),
    )
}

async fn remove(state: WebState, signed: Signed, id: String, form: PasswordForm) -> Response {
    let removed = state
        .services
        .remove_passkey(&signed.session, signed.visit.context, &form.password, &id)
        .await;
    match removed {
        Ok(()) => {
            let notice = signed.site().t().passkey_removed.to_owned();
            profile_page(&state, &signed.visit, StatusCode::OK, Some(notice), None).await
        }
        Err(e @ (ServiceError::WrongPassword | ServiceError::Throttled { .. })) => {
            let (status, why) = super::password_again_refused(signed.site(), &e);
            let page = remove_page(&state, &signed, &id, status, Some(&why)).await;
            with_retry_after(page, &e)
        }
        Err(e) => error_page(&state, &signed, e).await,
    }
}

async fn dismiss(state: WebState, signed: Signed) -> Response {
    match state.services.dismiss_passkey_offer(&signed.session).await {
        Ok(()) => respond::see_other("/"),
        Err(e) => error_page(&state, &signed, e).await,
    }
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
