//! The second factor in the browser: the code step and forced set-up during sign-in, set-up
//! and new recovery codes from Profiel, and ending other sessions.

use serde::Deserialize;
use warp::Filter;

use crate::web::route_list::named;
use warp::filters::BoxedFilter;
use warp::http::{HeaderValue, StatusCode, header};
use warp::reply::Response;

use super::account::{profile_page, with_cookie};
use super::local_path;
use crate::service::{PendingSession, SecondFactorError, ServiceError, SignInStep};
use crate::web::pipeline::{
    Signed, TokenOnly, error_page, form, pending_form, signed_in, with_retry_after,
};
use crate::web::respond;
use crate::web::session::{Visit, WebState, cookie, visit};
use crate::web::views::{self, CodePage, EnrolPage, Site};

#[derive(Deserialize, Default)]
struct NextQuery {
    next: Option<String>,
}

#[derive(Deserialize)]
struct CodeForm {
    code: String,
    next: Option<String>,
}

/// A form that asks for the current password again (in Profiel; not during sign-in, where
/// it was just given).
#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    password: String,
}

pub fn routes(state: WebState) -> BoxedFilter<(Response,)> {
    let s = state.clone();
    let code_page = warp::get()
        .and(warp::path!("aanmelden" / "code"))
        .and(visit(state.clone()))
        .and(warp::query::<NextQuery>())
        .then(move |v: Visit, q: NextQuery| show_code(s.clone(), v, q));
    let s = state.clone();
    let code_submit = warp::post()
        .and(warp::path!("aanmelden" / "code"))
        .and(pending_form::<CodeForm>(
            state.clone(),
            SignInStep::SecondFactor,
        ))
        .then(move |v: Visit, p, f| submit_code(s.clone(), v, p, f));
    let s = state.clone();
    let enrol_page = warp::get()
        .and(warp::path!("aanmelden" / "instellen"))
        .and(visit(state.clone()))
        .then(move |v: Visit| show_enrol(s.clone(), v, true, None));
    let s = state.clone();
    let enrol_start = warp::post()
        .and(warp::path!("aanmelden" / "instellen" / "start"))
        .and(pending_form::<TokenOnly>(state.clone(), SignInStep::Enroll))
        .then(move |v: Visit, p: PendingSession, _: TokenOnly| {
            start_while_signing_in(s.clone(), v, p)
        });
    let s = state.clone();
    let enrol_confirm = warp::post()
        .and(warp::path!("aanmelden" / "instellen"))
        .and(pending_form::<CodeForm>(state.clone(), SignInStep::Enroll))
        .then(move |v: Visit, p, f| confirm_while_signing_in(s.clone(), v, p, f));
    let s = state.clone();
    let profile_enrol = warp::get()
        .and(warp::path!("profiel" / "2fa"))
        .and(signed_in(state.clone()))
        .then(move |signed: Signed| show_enrol(s.clone(), signed.visit, false, None));
    let s = state.clone();
    let profile_start = warp::post()
        .and(warp::path!("profiel" / "2fa" / "start"))
        .and(form::<PasswordForm>(state.clone()))
        .then(move |signed: Signed, f| start_in_profile(s.clone(), signed, f));
    let s = state.clone();
    let profile_confirm = warp::post()
        .and(warp::path!("profiel" / "2fa"))
        .and(form::<CodeForm>(state.clone()))
        .then(move |signed: Signed, f| confirm_in_profile(s.clone(), signed, f));
    let s = state.clone();
    let renew = warp::post()
        .and(warp::path!("profiel" / "2fa" / "herstelcodes"))
        .and(form::<PasswordForm>(state.clone()))
        .then(move |signed: Signed, f| renew(s.clone(), signed, f));
    let s = state.clone();
    let revoke = warp::post()
        .and(warp::path!("profiel" / "sessies" / String / "beeindigen"))
        .and(form::<TokenOnly>(state))
        .then(move |id: String, signed: Signed, _: TokenOnly| revoke(s.clone(), signed, id));
    named("code_page", code_page)
        .or(named("code_submit", code_submit))
        .unify()
        .or(named("enrol_page", enrol_page))
        .unify()
        .or(named("enrol_start", enrol_start))
        .unify()
        .or(named("enrol_confirm", enrol_confirm))
        .unify()
        .or(named("profile_2fa", profile_enrol))
        .unify()
        .or(named("profile_2fa_start", profile_start))
        .unify()
        .or(named("profile_2fa_confirm", profile_confirm))
        .unify()
        .or(named("recovery_codes", renew))
        .unify()
        .or(named("session_end", revoke))
        .unify()
        .boxed()
}

/// The half-finished sign-in behind the session cookie, if any.
pub(super) async fn pending(state: &WebState, visit: &Visit) -> Option<PendingSession> {
    let id = cookie(&visit.headers, state.session_cookie_name())?;
    state.services.pending_session(id).await.ok().flatten()
}

/// The code step for `pending`: the passkey button first when the account has passkeys.
fn code_page(
    state: &WebState,
    site: &Site,
    status: StatusCode,
    pending: &PendingSession,
    next: Option<String>,
    error: Option<String>,
) -> Response {
    let passkey_origin = pending
        .has_passkeys
        .then(|| state.services.relying_party())
        .flatten()
        .map(|rp| rp.origin().to_owned());
    let form = CodePage {
        csrf_token: pending.csrf_token.clone(),
        next,
        error,
        passkey_origin,
        has_app: pending.has_app,
    };
    respond::html(status, views::code(site, &form))
}

async fn show_code(state: WebState, visit: Visit, query: NextQuery) -> Response {
    match pending(&state, &visit).await {
        Some(p) if p.step == SignInStep::SecondFactor => code_page(
            &state,
            &visit.site,
            StatusCode::OK,
            &p,
            local_path(query.next.as_deref()),
            None,
        ),
        _ => respond::see_other("/aanmelden"),
    }
}

fn signed_in_with(
    state: &WebState,
    issued: &crate::service::IssuedSession,
    response: Response,
) -> Response {
    with_cookie(response, state.set_session(issued))
}

async fn submit_code(
    state: WebState,
    visit: Visit,
    pending: PendingSession,
    form: CodeForm,
) -> Response {
    let next = local_path(form.next.as_deref());
    let answered = state
        .services
        .second_factor(&pending, visit.context, &form.code)
        .await;
    second_factor_answered(&state, &visit, &pending, next, answered)
}

/// Where a second factor (a code or a passkey) leads: signed in and on to `next`, or the code
/// page again with why.
pub(super) fn second_factor_answered(
    state: &WebState,
    visit: &Visit,
    pending: &PendingSession,
    next: Option<String>,
    answered: Result<crate::service::IssuedSession, SecondFactorError>,
) -> Response {
    let t = visit.site.t();
    match answered {
        Ok(issued) => {
            let response = respond::see_other(next.as_deref().unwrap_or("/"));
            signed_in_with(state, &issued, response)
        }
        Err(SecondFactorError::WrongCode) => {
            let why = if pending.has_passkeys {
                t.code_or_passkey_wrong
            } else {
                t.code_wrong
            };
            code_page(
                state,
                &visit.site,
                StatusCode::UNAUTHORIZED,
                pending,
                next,
                Some(why.to_owned()),
            )
        }
        Err(SecondFactorError::Service(ServiceError::Throttled { retry_after_secs })) => {
            let mut response = code_page(
                state,
                &visit.site,
                StatusCode::TOO_MANY_REQUESTS,
                pending,
                next,
                Some(t.code_locked.to_owned()),
            );
            if let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        Err(SecondFactorError::Expired) => respond::see_other("/aanmelden"),
        Err(SecondFactorError::Service(e)) => plain_error(&visit.site, e),
    }
}

/// A service error during sign-in, before there is a session (so no menu): "one moment" for a
/// busy moment, else the page with a reference.
pub(super) fn plain_error(site: &Site, error: ServiceError) -> Response {
    let t = site.t();
    match error {
        ServiceError::Busy => with_retry_after(
            respond::html(
                StatusCode::SERVICE_UNAVAILABLE,
                views::problem_page(site, t.busy_title, t.busy_text),
            ),
            &error,
        ),
        error => respond::internal(site, &error),
    }
}

/// Who is setting up: a forced set-up during sign-in, or a signed-in account in Profiel.
struct Enroller {
    account: crate::domain::AccountKey,
    username: String,
    csrf: String,
}

async fn enroller(state: &WebState, visit: &Visit, during_sign_in: bool) -> Option<Enroller> {
    if during_sign_in {
        let p = pending(state, visit)
            .await
            .filter(|p| p.step == SignInStep::Enroll)?;
        Some(Enroller {
            account: p.account,
            username: p.username.clone(),
            csrf: p.csrf_token.clone(),
        })
    } else {
        let s = visit.session.as_ref()?;
        Some(Enroller {
            account: s.account,
            username: s.username.clone(),
            csrf: s.csrf_token.clone(),
        })
    }
}

fn away(during_sign_in: bool) -> Response {
    if during_sign_in {
        respond::see_other("/aanmelden")
    } else {
        super::sign_in_first("/profiel/2fa")
    }
}

async fn show_enrol(
    state: WebState,
    visit: Visit,
    during_sign_in: bool,
    error: Option<String>,
) -> Response {
    let status = if error.is_some() {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::OK
    };
    show_enrol_with(&state, &visit, during_sign_in, status, error).await
}

async fn show_enrol_with(
    state: &WebState,
    visit: &Visit,
    during_sign_in: bool,
    status: StatusCode,
    error: Option<String>,
) -> Response {
    let Some(who) = enroller(state, visit, during_sign_in).await else {
        return away(during_sign_in);
    };
    let enrolment = match state.services.enrolment(who.account, &who.username).await {
        Ok(e) => e,
        Err(e) => return respond::internal(&visit.site, &e),
    };
    let form = EnrolPage {
        csrf_token: who.csrf,
        action: if during_sign_in {
            "/aanmelden/instellen"
        } else {
            "/profiel/2fa"
        },
        enrolment: enrolment.as_ref(),
        required: during_sign_in,
        error,
        // During sign-in a passkey may stand in for the app (it satisfies require_2fa).
        passkey: during_sign_in
            .then(|| state.services.relying_party())
            .flatten()
            .map(|rp| {
                (
                    rp.origin().to_owned(),
                    views::browser(visit.site.t(), visit.user_agent()),
                )
            }),
    };
    respond::html(status, views::enrol(&visit.site, &form))
}

/// The set-up page during sign-in again, saying why the last try did not work.
pub(super) async fn enrol_page_again(state: WebState, visit: Visit, why: String) -> Response {
    show_enrol(state, visit, true, Some(why)).await
}

async fn start_while_signing_in(
    state: WebState,
    visit: Visit,
    pending: PendingSession,
) -> Response {
    match state
        .services
        .start_enrolment_while_signing_in(&pending)
        .await
    {
        Ok(()) => respond::see_other("/aanmelden/instellen"),
        Err(e) => plain_error(&visit.site, e),
    }
}

async fn start_in_profile(state: WebState, signed: Signed, form: PasswordForm) -> Response {
    let started = state
        .services
        .start_enrolment_in_profile(&signed.session, signed.visit.context, &form.password)
        .await;
    match started {
        Ok(()) => respond::see_other("/profiel/2fa"),
        Err(e @ (ServiceError::WrongPassword | ServiceError::Throttled { .. })) => {
            let (status, error) = super::password_again_refused(signed.site(), &e);
            let page = show_enrol_with(&state, &signed.visit, false, status, Some(error)).await;
            with_retry_after(page, &e)
        }
        Err(e) => error_page(&state, &signed, e).await,
    }
}

async fn confirm_while_signing_in(
    state: WebState,
    visit: Visit,
    pending: PendingSession,
    form: CodeForm,
) -> Response {
    match state
        .services
        .enrol_while_signing_in(&pending, visit.context, &form.code)
        .await
    {
        Ok((issued, codes)) => {
            let page = respond::html(
                StatusCode::OK,
                views::recovery_codes(&visit.site, &codes, "/"),
            );
            signed_in_with(&state, &issued, page)
        }
        Err(SecondFactorError::WrongCode) => {
            let wrong = visit.site.t().enrol_wrong.to_owned();
            show_enrol(state, visit, true, Some(wrong)).await
        }
        Err(SecondFactorError::Expired) => respond::see_other("/aanmelden"),
        Err(SecondFactorError::Service(e)) => plain_error(&visit.site, e),
    }
}

async fn confirm_in_profile(state: WebState, signed: Signed, form: CodeForm) -> Response {
    match state
        .services
        .confirm_enrolment(signed.session.account, signed.visit.context, &form.code)
        .await
    {
        Ok(codes) => respond::html(
            StatusCode::OK,
            views::recovery_codes(signed.site(), &codes, "/profiel"),
        ),
        Err(SecondFactorError::WrongCode) => {
            let wrong = signed.site().t().enrol_wrong.to_owned();
            show_enrol(state, signed.visit, false, Some(wrong)).await
        }
        Err(SecondFactorError::Expired) => respond::see_other("/profiel/2fa"),
        Err(SecondFactorError::Service(e)) => error_page(&state, &signed, e).await,
    }
}

async fn renew(state: WebState, signed: Signed, form: PasswordForm) -> Response {
    match state
        .services
        .renew_recovery_codes(&signed.session, signed.visit.context, &form.password)
        .await
    {
        Ok(codes) => respond::html(
            StatusCode::OK,
            views::recovery_codes(signed.site(), &codes, "/profiel"),
        ),
        Err(e @ (ServiceError::WrongPassword | ServiceError::Throttled { .. })) => {
            let (status, error) = super::password_again_refused(signed.site(), &e);
            let page = profile_page(
                &state,
                &signed.visit,
                status,
                &Default::default(),
                Some(error),
            )
            .await;
            with_retry_after(page, &e)
        }
        Err(ServiceError::NotFound) => respond::see_other("/profiel/2fa"),
        Err(e) => error_page(&state, &signed, e).await,
    }
}

async fn revoke(state: WebState, signed: Signed, id: String) -> Response {
    match state
        .services
        .revoke_session(&signed.session, signed.visit.context, &id)
        .await
    {
        Ok(()) => super::profile_done::ProfileDone::SessionEnded.answer(),
        Err(e) => error_page(&state, &signed, e).await,
    }
}
