//! The second factor in the browser: the code step and forced set-up during sign-in, set-up
//! and new recovery codes from Profiel, and ending other sessions.

use bytes::Buf;
use futures_util::Stream;
use serde::Deserialize;
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::{HeaderValue, StatusCode, header};
use warp::reply::Response;

use super::account::{busy, not_genuine, profile_page, with_cookie};
use super::local_path;
use crate::service::{PendingSession, SecondFactorError, ServiceError, SignInStep};
use crate::web::forms::read_or_page;
use crate::web::respond;
use crate::web::session::{Visit, WebState, cookie, form_is_genuine, visit};
use crate::web::views::{self, CodePage, EnrolPage, Site};

#[derive(Deserialize, Default)]
struct NextQuery {
    next: Option<String>,
}

#[derive(Deserialize)]
struct CodeForm {
    csrf: String,
    code: String,
    next: Option<String>,
}

#[derive(Deserialize)]
struct CsrfForm {
    csrf: String,
}

/// A form that asks for the current password again (in Profiel; not during sign-in, where
/// it was just given).
#[derive(Deserialize)]
struct PasswordForm {
    csrf: String,
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
        .and(visit(state.clone()))
        .and(warp::body::stream())
        .then(move |v: Visit, body| submit_code(s.clone(), v, body));
    let s = state.clone();
    let enrol_page = warp::get()
        .and(warp::path!("aanmelden" / "instellen"))
        .and(visit(state.clone()))
        .then(move |v: Visit| show_enrol(s.clone(), v, true, None));
    let s = state.clone();
    let enrol_start = warp::post()
        .and(warp::path!("aanmelden" / "instellen" / "start"))
        .and(visit(state.clone()))
        .and(warp::body::stream())
        .then(move |v: Visit, body| start(s.clone(), v, true, body));
    let s = state.clone();
    let enrol_confirm = warp::post()
        .and(warp::path!("aanmelden" / "instellen"))
        .and(visit(state.clone()))
        .and(warp::body::stream())
        .then(move |v: Visit, body| confirm(s.clone(), v, true, body));
    let s = state.clone();
    let profile_enrol = warp::get()
        .and(warp::path!("profiel" / "2fa"))
        .and(visit(state.clone()))
        .then(move |v: Visit| show_enrol(s.clone(), v, false, None));
    let s = state.clone();
    let profile_start = warp::post()
        .and(warp::path!("profiel" / "2fa" / "start"))
        .and(visit(state.clone()))
        .and(warp::body::stream())
        .then(move |v: Visit, body| start(s.clone(), v, false, body));
    let s = state.clone();
    let profile_confirm = warp::post()
        .and(warp::path!("profiel" / "2fa"))
        .and(visit(state.clone()))
        .and(warp::body::stream())
        .then(move |v: Visit, body| confirm(s.clone(), v, false, body));
    let s = state.clone();
    let renew = warp::post()
        .and(warp::path!("profiel" / "2fa" / "herstelcodes"))
        .and(visit(state.clone()))
        .and(warp::body::stream())
        .then(move |v: Visit, body| renew(s.clone(), v, body));
    let s = state.clone();
    let revoke = warp::post()
        .and(warp::path!("profiel" / "sessies" / String / "beeindigen"))
        .and(visit(state))
        .and(warp::body::stream())
        .then(move |id: String, v: Visit, body| revoke(s.clone(), v, id, body));
    code_page
        .or(code_submit)
        .unify()
        .or(enrol_page)
        .unify()
        .or(enrol_start)
        .unify()
        .or(enrol_confirm)
        .unify()
        .or(profile_enrol)
        .unify()
        .or(profile_start)
        .unify()
        .or(profile_confirm)
        .unify()
        .or(renew)
        .unify()
        .or(revoke)
        .unify()
        .boxed()
}

/// The half-finished sign-in behind the session cookie, if any.
async fn pending(state: &WebState, visit: &Visit) -> Option<PendingSession> {
    let id = cookie(&visit.headers, state.session_cookie_name())?;
    state.services.pending_session(id).await.ok().flatten()
}

fn code_page(
    site: &Site,
    status: StatusCode,
    csrf: &str,
    next: Option<String>,
    error: Option<String>,
) -> Response {
    let form = CodePage {
        csrf_token: csrf.to_owned(),
        next,
        error,
    };
    respond::html(status, views::code(site, &form))
}

async fn show_code(state: WebState, visit: Visit, query: NextQuery) -> Response {
    match pending(&state, &visit).await {
        Some(p) if p.step == SignInStep::SecondFactor => code_page(
            &visit.site,
            StatusCode::OK,
            &p.csrf_token,
            local_path(query.next.as_deref()),
            None,
        ),
        _ => respond::see_other("/aanmelden"),
    }
}

fn signed_in(
    state: &WebState,
    issued: &crate::service::IssuedSession,
    response: Response,
) -> Response {
    with_cookie(response, state.set_session(issued))
}

async fn submit_code<S, B, E>(state: WebState, visit: Visit, body: S) -> Response
where
    S: Stream<Item = Result<B, E>>,
    B: Buf,
    E: std::fmt::Display,
{
    let Some(pending) = pending(&state, &visit)
        .await
        .filter(|p| p.step == SignInStep::SecondFactor)
    else {
        return respond::see_other("/aanmelden");
    };
    let form: CodeForm = match read_or_page(&visit.site, body).await {
        Ok(form) => form,
        Err(page) => return page,
    };
    if !form_is_genuine(&state, &visit.headers, &pending.csrf_token, &form.csrf) {
        return not_genuine(&visit.site);
    }
    let next = local_path(form.next.as_deref());
    match state
        .services
        .second_factor(&pending, visit.context, &form.code)
        .await
    {
        Ok(issued) => {
            let response = respond::see_other(next.as_deref().unwrap_or("/"));
            signed_in(&state, &issued, response)
        }
        Err(SecondFactorError::WrongCode) => code_page(
            &visit.site,
            StatusCode::UNAUTHORIZED,
            &pending.csrf_token,
            next,
            Some(visit.site.t().code_wrong.to_owned()),
        ),
        Err(SecondFactorError::Service(ServiceError::Throttled { retry_after_secs })) => {
            let mut response = code_page(
                &visit.site,
                StatusCode::TOO_MANY_REQUESTS,
                &pending.csrf_token,
                next,
                Some(visit.site.t().code_locked.to_owned()),
            );
            if let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        Err(SecondFactorError::Expired) => respond::see_other("/aanmelden"),
        Err(SecondFactorError::Service(ServiceError::Busy)) => busy(&visit.site),
        Err(SecondFactorError::Service(e)) => respond::internal(&visit.site, &e),
    }
}

/// Who is setting up: a forced set-up during sign-in, or a signed-in account in Profiel.
struct Enroller {
    account: crate::domain::AccountKey,
    username: String,
    csrf: String,
    pending: Option<PendingSession>,
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
            pending: Some(p),
        })
    } else {
        let s = visit.session.as_ref()?;
        Some(Enroller {
            account: s.account,
            username: s.username.clone(),
            csrf: s.csrf_token.clone(),
            pending: None,
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
    };
    respond::html(status, views::enrol(&visit.site, &form))
}

async fn start<S, B, E>(state: WebState, visit: Visit, during_sign_in: bool, body: S) -> Response
where
    S: Stream<Item = Result<B, E>>,
    B: Buf,
    E: std::fmt::Display,
{
    let Some(who) = enroller(&state, &visit, during_sign_in).await else {
        return away(during_sign_in);
    };
    let form: PasswordForm = match read_or_page(&visit.site, body).await {
        Ok(form) => form,
        Err(page) => return page,
    };
    if !form_is_genuine(&state, &visit.headers, &who.csrf, &form.csrf) {
        return not_genuine(&visit.site);
    }
    let started = match (&visit.session, &who.pending) {
        (_, Some(pending)) if during_sign_in => {
            state
                .services
                .start_enrolment_while_signing_in(pending)
                .await
        }
        (Some(session), _) => {
            state
                .services
                .start_enrolment_in_profile(session, visit.context, &form.password)
                .await
        }
        _ => return away(during_sign_in),
    };
    match started {
        Ok(()) => {}
        Err(e @ (ServiceError::WrongPassword | ServiceError::Throttled { .. })) => {
            let (status, error) = super::password_again_refused(&visit.site, &e);
            let page = show_enrol_with(&state, &visit, during_sign_in, status, Some(error)).await;
            return super::with_retry_after(page, &e);
        }
        Err(ServiceError::Busy) => return busy(&visit.site),
        Err(e) => return respond::internal(&visit.site, &e),
    }
    respond::see_other(if during_sign_in {
        "/aanmelden/instellen"
    } else {
        "/profiel/2fa"
    })
}

async fn confirm<S, B, E>(state: WebState, visit: Visit, during_sign_in: bool, body: S) -> Response
where
    S: Stream<Item = Result<B, E>>,
    B: Buf,
    E: std::fmt::Display,
{
    let Some(who) = enroller(&state, &visit, during_sign_in).await else {
        return away(during_sign_in);
    };
    let form: CodeForm = match read_or_page(&visit.site, body).await {
        Ok(form) => form,
        Err(page) => return page,
    };
    if !form_is_genuine(&state, &visit.headers, &who.csrf, &form.csrf) {
        return not_genuine(&visit.site);
    }
    let wrong = visit.site.t().enrol_wrong;
    if let Some(pending) = &who.pending {
        return match state
            .services
            .enrol_while_signing_in(pending, visit.context, &form.code)
            .await
        {
            Ok((issued, codes)) => {
                let page = respond::html(
                    StatusCode::OK,
                    views::recovery_codes(&visit.site, &codes, "/"),
                );
                signed_in(&state, &issued, page)
            }
            Err(SecondFactorError::WrongCode) => {
                show_enrol(state, visit, true, Some(wrong.to_owned())).await
            }
            Err(SecondFactorError::Expired) => respond::see_other("/aanmelden"),
            Err(SecondFactorError::Service(e)) => respond::internal(&visit.site, &e),
        };
    }
    match state
        .services
        .confirm_enrolment(who.account, visit.context, &form.code)
        .await
    {
        Ok(codes) => respond::html(
            StatusCode::OK,
            views::recovery_codes(&visit.site, &codes, "/profiel"),
        ),
        Err(SecondFactorError::WrongCode) => {
            show_enrol(state, visit, false, Some(wrong.to_owned())).await
        }
        Err(SecondFactorError::Expired) => respond::see_other("/profiel/2fa"),
        Err(SecondFactorError::Service(e)) => respond::internal(&visit.site, &e),
    }
}

async fn renew<S, B, E>(state: WebState, visit: Visit, body: S) -> Response
where
    S: Stream<Item = Result<B, E>>,
    B: Buf,
    E: std::fmt::Display,
{
    let Some(session) = &visit.session else {
        return super::sign_in_first("/profiel");
    };
    let form: PasswordForm = match read_or_page(&visit.site, body).await {
        Ok(form) => form,
        Err(page) => return page,
    };
    if !form_is_genuine(&state, &visit.headers, &session.csrf_token, &form.csrf) {
        return not_genuine(&visit.site);
    }
    match state
        .services
        .renew_recovery_codes(session, visit.context, &form.password)
        .await
    {
        Ok(codes) => respond::html(
            StatusCode::OK,
            views::recovery_codes(&visit.site, &codes, "/profiel"),
        ),
        Err(e @ (ServiceError::WrongPassword | ServiceError::Throttled { .. })) => {
            let (status, error) = super::password_again_refused(&visit.site, &e);
            let page =
                super::account::profile_page(&state, &visit, status, None, Some(error)).await;
            super::with_retry_after(page, &e)
        }
        Err(ServiceError::Busy) => busy(&visit.site),
        Err(ServiceError::NotFound) => respond::see_other("/profiel/2fa"),
        Err(e) => respond::internal(&visit.site, &e),
    }
}

async fn revoke<S, B, E>(state: WebState, visit: Visit, id: String, body: S) -> Response
where
    S: Stream<Item = Result<B, E>>,
    B: Buf,
    E: std::fmt::Display,
{
    let Some(session) = &visit.session else {
        return super::sign_in_first("/profiel");
    };
    let form: CsrfForm = match read_or_page(&visit.site, body).await {
        Ok(form) => form,
        Err(page) => return page,
    };
    if !form_is_genuine(&state, &visit.headers, &session.csrf_token, &form.csrf) {
        return not_genuine(&visit.site);
    }
    match state
        .services
        .revoke_session(session, visit.context, &id)
        .await
    {
        Ok(()) => {
            let notice = Some(visit.site.t().session_ended.to_owned());
            profile_page(&state, &visit, StatusCode::OK, notice, None).await
        }
        Err(ServiceError::NotFound) => {
            respond::html(StatusCode::NOT_FOUND, views::not_found(&visit.site))
        }
        Err(e) => respond::internal(&visit.site, &e),
    }
}
