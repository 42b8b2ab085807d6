//! Set a password from a link, forgot username, forgot password, and Profiel.

use std::collections::HashMap;

use serde::Deserialize;
use warp::Filter;

use crate::web::route_list::named;
use warp::filters::BoxedFilter;
use warp::http::{HeaderValue, StatusCode, header};
use warp::reply::Response;

use super::profile_done::ProfileDone;
use crate::auth::policy::PasswordProblem;
use crate::service::{LinkState, PasswordChangeError, ServiceError};
use crate::web::i18n::fill;
use crate::web::pipeline::{Signed, anonymous_form, error_page, form, signed_in};
use crate::web::respond;
use crate::web::session::{Visit, WebState, anonymous_token, visit};
use crate::web::views::{self, ForgotPage, ProfilePage, SetPasswordPage, Site};

#[derive(Deserialize)]
struct PasswordForm {
    /// Shown again with the form when the password is refused.
    csrf: String,
    password: String,
    repeated: String,
}

#[derive(Deserialize)]
struct ChangePasswordForm {
    current: String,
    password: String,
    repeated: String,
}

#[derive(Deserialize)]
struct ForgotUsernameForm {
    email: String,
}

#[derive(Deserialize)]
struct ForgotPasswordForm {
    username: String,
}

/// How a refused new password is explained, in the visit's language.
pub fn password_error(site: &Site, error: &PasswordChangeError) -> String {
    let t = site.t();
    match error {
        PasswordChangeError::Policy(PasswordProblem::TooShort { min }) => {
            fill(t.password_too_short, &[min])
        }
        PasswordChangeError::Policy(PasswordProblem::TooLong) => t.password_too_long.to_owned(),
        PasswordChangeError::Policy(PasswordProblem::Common) => t.password_common.to_owned(),
        PasswordChangeError::Policy(PasswordProblem::Personal(what)) => fill(
            t.password_contains,
            &[&match *what {
                "username" => t.password_part_username,
                "e-mail address" => t.password_part_email,
                _ => t.password_part_name,
            }],
        ),
        PasswordChangeError::WrongCurrent => t.password_wrong_current.to_owned(),
        PasswordChangeError::Mismatch => t.password_mismatch.to_owned(),
        PasswordChangeError::LinkExpired => t.link_dead.to_owned(),
        PasswordChangeError::Service(_) => t.try_again.to_owned(),
    }
}

pub(super) fn with_cookie(mut response: Response, cookie: Option<HeaderValue>) -> Response {
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

pub fn routes(state: WebState) -> BoxedFilter<(Response,)> {
    let s = state.clone();
    let link_page = warp::get()
        .and(warp::path!("wachtwoord" / String))
        .and(visit(state.clone()))
        .then(move |secret: String, v: Visit| show_link(s.clone(), v, secret));
    let s = state.clone();
    let link_submit = warp::post()
        .and(warp::path!("wachtwoord" / String))
        .and(anonymous_form::<PasswordForm>(state.clone()))
        .then(move |secret: String, v: Visit, f| submit_link(s.clone(), v, secret, f));
    let s = state.clone();
    let forgot_user_page = warp::get()
        .and(warp::path!("gebruikersnaam-vergeten"))
        .and(visit(state.clone()))
        .and(warp::query::<HashMap<String, String>>())
        .map(move |v: Visit, q: HashMap<String, String>| {
            forgot_page(&s, &v, false, q.contains_key(SENT))
        });
    let s = state.clone();
    let forgot_user = warp::post()
        .and(warp::path!("gebruikersnaam-vergeten"))
        .and(anonymous_form::<ForgotUsernameForm>(state.clone()))
        .map(move |v: Visit, f| forgot_username(&s, &v, f));
    let s = state.clone();
    let forgot_password_page = warp::get()
        .and(warp::path!("wachtwoord-vergeten"))
        .and(visit(state.clone()))
        .and(warp::query::<HashMap<String, String>>())
        .map(move |v: Visit, q: HashMap<String, String>| {
            forgot_page(&s, &v, true, q.contains_key(SENT))
        });
    let s = state.clone();
    let forgot_password = warp::post()
        .and(warp::path!("wachtwoord-vergeten"))
        .and(anonymous_form::<ForgotPasswordForm>(state.clone()))
        .map(move |v: Visit, f| forgot_password(&s, &v, f));
    let s = state.clone();
    let profile = warp::get()
        .and(warp::path!("profiel"))
        .and(signed_in(state.clone()))
        .and(warp::query::<HashMap<String, String>>())
        .then(move |signed: Signed, query: HashMap<String, String>| {
            let s = s.clone();
            async move { profile_page(&s, &signed.visit, StatusCode::OK, &query, None).await }
        });
    let s = state.clone();
    let change = warp::post()
        .and(warp::path!("profiel" / "wachtwoord"))
        .and(form::<ChangePasswordForm>(state.clone()))
        .then(move |signed: Signed, f| change_password(s.clone(), signed, f));
    let s = state.clone();
    let strength = warp::post()
        .and(warp::path!("wachtwoord-sterkte"))
        .and(visit(state.clone()))
        .and(warp::body::stream())
        .then(move |v: Visit, body| strength(s.clone(), v, body));
    named("password_link", link_page)
        .or(named("password_strength", strength))
        .unify()
        .or(named("password_link_submit", link_submit))
        .unify()
        .or(named("forgot_username_page", forgot_user_page))
        .unify()
        .or(named("forgot_username", forgot_user))
        .unify()
        .or(named("forgot_password_page", forgot_password_page))
        .unify()
        .or(named("forgot_password", forgot_password))
        .unify()
        .or(named("profile", profile))
        .unify()
        .or(named("profile_password", change))
        .unify()
        .boxed()
}

async fn show_link(state: WebState, visit: Visit, secret: String) -> Response {
    match state.services.password_link(&secret).await {
        Ok(LinkState::Usable { username, welcome }) => {
            let (token, cookie) = anonymous_token(&state, &visit);
            let min_chars = state.services.min_password_chars_for(&username).await;
            let role = state.services.role_of(&username).await;
            let form = SetPasswordPage {
                csrf_token: token,
                username,
                welcome,
                min_chars,
                role,
                error: None,
            };
            with_cookie(
                respond::html(StatusCode::OK, views::set_password(&visit.site, &form)),
                cookie,
            )
        }
        Ok(LinkState::Expired) => respond::html(StatusCode::GONE, views::link_expired(&visit.site)),
        Err(e) => respond::internal(&visit.site, &e),
    }
}

async fn submit_link(
    state: WebState,
    visit: Visit,
    secret: String,
    form: PasswordForm,
) -> Response {
    let result = state
        .services
        .set_password_from_link(visit.context, &secret, &form.password, &form.repeated)
        .await;
    match result {
        // On to sign in, saying so: a reload asks nothing again of a link now used.
        Ok(()) => respond::see_other(&format!(
            "/aanmelden?wachtwoord={}",
            super::signin::PASSWORD_SAVED
        )),
        Err(PasswordChangeError::LinkExpired) => {
            respond::html(StatusCode::GONE, views::link_expired(&visit.site))
        }
        Err(PasswordChangeError::Service(ServiceError::Busy)) => busy(&visit.site),
        Err(PasswordChangeError::Service(e)) => respond::internal(&visit.site, &e),
        Err(refused) => {
            let (username, welcome) = match state.services.password_link(&secret).await {
                Ok(LinkState::Usable { username, welcome }) => (username, welcome),
                _ => (String::new(), false),
            };
            let min_chars = state.services.min_password_chars_for(&username).await;
            let role = state.services.role_of(&username).await;
            let form = SetPasswordPage {
                csrf_token: form.csrf,
                username,
                welcome,
                min_chars,
                role,
                error: Some(password_error(&visit.site, &refused)),
            };
            respond::html(
                StatusCode::BAD_REQUEST,
                views::set_password(&visit.site, &form),
            )
        }
    }
}

pub(super) fn busy(site: &Site) -> Response {
    let t = site.t();
    let mut response = respond::html(
        StatusCode::SERVICE_UNAVAILABLE,
        views::problem_page(site, t.busy_title, t.busy_text),
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
    response
}

#[derive(Deserialize)]
struct StrengthForm {
    password: String,
}

/// `POST /wachtwoord-sterkte`: the hint the password fields show while typing.
/// `POST /wachtwoord-sterkte`: a hint while typing a new password. It changes nothing, so it
/// carries no form token; it answers our own pages only (same origin).
async fn strength<S, B, E>(state: WebState, visit: Visit, body: S) -> Response
where
    S: futures_util::Stream<Item = Result<B, E>>,
    B: bytes::Buf,
    E: std::fmt::Display,
{
    if !crate::web::session::same_origin(&state, &visit.headers) {
        let t = visit.site.t();
        return respond::html(
            StatusCode::FORBIDDEN,
            views::problem_page(&visit.site, t.form_expired_title, t.form_expired_text),
        );
    }
    let form: StrengthForm = match crate::web::forms::read_or_page(&visit.site, body).await {
        Ok(form) => form,
        Err(page) => return page,
    };
    let password: String = form.password.chars().take(128).collect();
    match state
        .services
        .password_strength(visit.context, password)
        .await
    {
        Ok((score, acceptable)) => respond::json(
            StatusCode::OK,
            &serde_json::json!({ "score": score, "acceptable": acceptable }),
        ),
        Err(ServiceError::Throttled { retry_after_secs }) => {
            let mut response = respond::json(
                StatusCode::TOO_MANY_REQUESTS,
                &serde_json::json!({ "retry_after": retry_after_secs }),
            );
            if let Ok(value) = warp::http::HeaderValue::from_str(&retry_after_secs.to_string()) {
                response
                    .headers_mut()
                    .insert(warp::http::header::RETRY_AFTER, value);
            }
            response
        }
        Err(e) => respond::internal(&visit.site, &e),
    }
}

/// The forgot pages' query key after a request was taken: the page then says what happens next
/// (the same whatever was entered). The form's answer sends the browser there, so a reload
/// sends nothing again.
const SENT: &str = "verstuurd";

fn forgot_page(state: &WebState, visit: &Visit, password: bool, sent: bool) -> Response {
    let (token, cookie) = anonymous_token(state, visit);
    let form = ForgotPage {
        csrf_token: token,
        sent,
        error: None,
    };
    let markup = if password {
        views::forgot_password(&visit.site, &form)
    } else {
        views::forgot_username(&visit.site, &form)
    };
    with_cookie(respond::html(StatusCode::OK, markup), cookie)
}

/// Runs a forgot form's `work` after the answer: whatever happens, the visitor sees the same
/// page at the same moment, so neither the page nor its timing tells which names or addresses
/// exist. A bounded number run at once; beyond that the request is dropped and logged.
fn after_answering(
    state: &WebState,
    what: &'static str,
    work: impl std::future::Future<Output = Result<(), ServiceError>> + Send + 'static,
) {
    match state.services.background_turn() {
        Some(turn) => {
            tokio::spawn(async move {
                let _turn = turn;
                if let Err(e) = work.await {
                    tracing::error!(error = %e, request = what, "request failed");
                }
            });
        }
        None => tracing::warn!(request = what, "request dropped: too many at once"),
    }
}

fn forgot_username(state: &WebState, visit: &Visit, form: ForgotUsernameForm) -> Response {
    let services = std::sync::Arc::clone(&state.services);
    let context = visit.context;
    after_answering(state, "forgot-username", async move {
        services.forgot_username(context, &form.email).await
    });
    respond::see_other(&format!("/gebruikersnaam-vergeten?{SENT}"))
}

fn forgot_password(state: &WebState, visit: &Visit, form: ForgotPasswordForm) -> Response {
    let services = std::sync::Arc::clone(&state.services);
    let context = visit.context;
    after_answering(state, "forgot-password", async move {
        services.forgot_password(context, &form.username).await
    });
    respond::see_other(&format!("/wachtwoord-vergeten?{SENT}"))
}

/// Profiel, drawn for `visit`'s session. `query` is the address's query values, which may say
/// what a form just did (`profile_done`); `error` says what was wrong with a form.
pub(super) async fn profile_page(
    state: &WebState,
    visit: &Visit,
    status: StatusCode,
    query: &HashMap<String, String>,
    error: Option<String>,
) -> Response {
    let Some(session) = &visit.session else {
        return super::sign_in_first("/profiel");
    };
    let nav = super::nav(state, session).await;
    let second_factors = state
        .services
        .two_factor_status(session.account)
        .await
        .unwrap_or_default();
    let sessions = state
        .services
        .sessions_of(session)
        .await
        .unwrap_or_default();
    let settings = state
        .services
        .account_settings(session)
        .await
        .unwrap_or_default();
    let delivery = state.services.payslip_delivery(session.actor).await.ok();
    let colleagues = state.services.colleagues(session.actor).await.ok();
    let passkeys = state
        .services
        .passkeys_of(session)
        .await
        .unwrap_or_default();
    let notice = super::profile_done::notice(visit.site.t(), query, &passkeys);
    let view = ProfilePage {
        passkeys,
        passkey_host: state.services.relying_party().map(|rp| rp.id().to_owned()),
        delivery,
        colleagues,
        account: Some(session.account),
        is_employee: matches!(session.actor, crate::domain::Actor::Employee { .. }),
        private_email: settings.private_email,
        language: settings.language,
        notify: settings.notify_new_documents,
        username: session.username.clone(),
        min_chars: state.services.min_password_chars(session.role),
        notice,
        error,
        second_factors,
        sessions,
    };
    respond::html(status, views::profile(&visit.site, &nav, &view))
}

async fn change_password(state: WebState, signed: Signed, form: ChangePasswordForm) -> Response {
    let (session, visit) = (&signed.session, &signed.visit);
    let changed = state
        .services
        .change_password(
            session,
            visit.context,
            &form.current,
            &form.password,
            &form.repeated,
        )
        .await;
    match changed {
        Ok(()) => ProfileDone::Password.answer(),
        Err(PasswordChangeError::Service(e @ ServiceError::Throttled { .. })) => {
            let (status, error) = super::password_again_refused(&visit.site, &e);
            let page = profile_page(&state, visit, status, &HashMap::new(), Some(error)).await;
            crate::web::pipeline::with_retry_after(page, &e)
        }
        Err(PasswordChangeError::Service(e)) => error_page(&state, &signed, e).await,
        Err(refused) => {
            let error = Some(password_error(&visit.site, &refused));
            profile_page(
                &state,
                visit,
                StatusCode::BAD_REQUEST,
                &HashMap::new(),
                error,
            )
            .await
        }
    }
}
