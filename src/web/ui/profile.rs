//! Profiel changes besides the password: username, language, private e-mail (and its
//! confirmation link).

use bytes::Buf;
use futures_util::Stream;
use serde::Deserialize;
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;

use super::account::{not_genuine, profile_page};
use crate::service::{EmailLinkState, ServiceError};
use crate::web::forms::read_or_page;
use crate::web::respond;
use crate::web::session::{Visit, WebState, form_is_genuine, visit};
use crate::web::views;

#[derive(Deserialize)]
struct UsernameForm {
    csrf: String,
    username: String,
    /// The current password, asked again (absent counts as wrong).
    #[serde(default)]
    password: String,
}

#[derive(Deserialize)]
struct EmailForm {
    csrf: String,
    email: String,
    #[serde(default)]
    password: String,
}

#[derive(Deserialize)]
struct LanguageForm {
    csrf: String,
    language: String,
}

#[derive(Deserialize)]
struct NotifyForm {
    csrf: String,
    /// Present ("on") when the box is ticked; browsers leave an unticked box out.
    notify: Option<String>,
}

#[derive(Deserialize)]
struct CsrfForm {
    csrf: String,
}

/// Which Profiel form was posted.
#[derive(Clone, Copy)]
enum Change {
    Username,
    Email,
    Language,
    Notify,
}

pub fn routes(state: WebState) -> BoxedFilter<(Response,)> {
    let change = |path: &'static str, kind: Change| {
        let s = state.clone();
        warp::post()
            .and(warp::path("profiel"))
            .and(warp::path(path))
            .and(warp::path::end())
            .and(visit(state.clone()))
            .and(warp::body::stream())
            .then(move |v: Visit, body| submit(s.clone(), v, kind, body))
            .boxed()
    };
    let s = state.clone();
    let confirm_page = warp::get()
        .and(warp::path!("email-bevestigen" / String))
        .and(visit(state.clone()))
        .then(move |secret: String, v: Visit| show_confirm(s.clone(), v, secret));
    let s = state.clone();
    let confirm = warp::post()
        .and(warp::path!("email-bevestigen" / String))
        .and(visit(state.clone()))
        .and(warp::body::stream())
        .then(move |secret: String, v: Visit, body| confirm(s.clone(), v, secret, body));
    change("gebruikersnaam", Change::Username)
        .or(change("email", Change::Email))
        .unify()
        .or(change("taal", Change::Language))
        .unify()
        .or(change("meldingen", Change::Notify))
        .unify()
        .or(confirm_page)
        .unify()
        .or(confirm)
        .unify()
        .boxed()
}

async fn submit<S, B, E>(state: WebState, visit: Visit, kind: Change, body: S) -> Response
where
    S: Stream<Item = Result<B, E>>,
    B: Buf,
    E: std::fmt::Display,
{
    let Some(session) = &visit.session else {
        return super::sign_in_first("/profiel");
    };
    let services = &state.services;
    let (csrf, outcome, done) = match kind {
        Change::Username => match read_or_page::<UsernameForm, _, _, _>(&visit.site, body).await {
            Ok(f) => {
                let genuine = form_is_genuine(&state, &visit.headers, &session.csrf_token, &f.csrf);
                let outcome = if genuine {
                    Some(
                        services
                            .change_username(session, visit.context, &f.username, &f.password)
                            .await,
                    )
                } else {
                    None
                };
                (genuine, outcome, visit.site.t().username_changed)
            }
            Err(page) => return page,
        },
        Change::Email => match read_or_page::<EmailForm, _, _, _>(&visit.site, body).await {
            Ok(f) => {
                let genuine = form_is_genuine(&state, &visit.headers, &session.csrf_token, &f.csrf);
                let outcome = if genuine {
                    Some(
                        services
                            .request_private_email(session, visit.context, &f.email, &f.password)
                            .await,
                    )
                } else {
                    None
                };
                let done = if f.email.trim().is_empty() {
                    visit.site.t().private_email_removed
                } else {
                    visit.site.t().private_email_sent
                };
                (genuine, outcome, done)
            }
            Err(page) => return page,
        },
        Change::Language => match read_or_page::<LanguageForm, _, _, _>(&visit.site, body).await {
            Ok(f) => {
                let genuine = form_is_genuine(&state, &visit.headers, &session.csrf_token, &f.csrf);
                let outcome = if genuine {
                    Some(
                        services
                            .set_language(session, visit.context, &f.language)
                            .await,
                    )
                } else {
                    None
                };
                (genuine, outcome, visit.site.t().language_saved)
            }
            Err(page) => return page,
        },
        Change::Notify => match read_or_page::<NotifyForm, _, _, _>(&visit.site, body).await {
            Ok(f) => {
                let genuine = form_is_genuine(&state, &visit.headers, &session.csrf_token, &f.csrf);
                let on = f.notify.as_deref() == Some("on");
                let outcome = if genuine {
                    Some(services.set_notifications(session, visit.context, on).await)
                } else {
                    None
                };
                let done = if on {
                    visit.site.t().notify_on
                } else {
                    visit.site.t().notify_off
                };
                (genuine, outcome, done)
            }
            Err(page) => return page,
        },
    };
    match (csrf, outcome) {
        (false, _) | (_, None) => not_genuine(&visit.site),
        (true, Some(Ok(()))) => {
            // The page is drawn again with the fresh session (a new username shows at once).
            let session =
                match super::super::session::cookie(&visit.headers, state.session_cookie_name()) {
                    Some(id) => state.services.session(id).await.ok().flatten(),
                    None => None,
                };
            // A new language shows at once, too.
            let lang = super::super::session::language_of(session.as_ref(), &visit.headers);
            let refreshed = Visit {
                session,
                site: visit.site.in_language(lang),
                ..visit.clone()
            };
            profile_page(
                &state,
                &refreshed,
                StatusCode::OK,
                Some(done.to_owned()),
                None,
            )
            .await
        }
        (true, Some(Err(ServiceError::Invalid { field, message }))) => {
            let error = match (field, message.as_str()) {
                ("username", m) if m.contains("taken") => visit.site.t().username_taken.to_owned(),
                ("username", _) => visit.site.t().username_length.to_owned(),
                ("email", _) => visit.site.t().email_invalid.to_owned(),
                _ => visit.site.t().no_such_choice.to_owned(),
            };
            profile_page(&state, &visit, StatusCode::BAD_REQUEST, None, Some(error)).await
        }
        (true, Some(Err(e @ (ServiceError::WrongPassword | ServiceError::Throttled { .. })))) => {
            let (status, error) = super::password_again_refused(&visit.site, &e);
            let page = profile_page(&state, &visit, status, None, Some(error)).await;
            super::with_retry_after(page, &e)
        }
        (true, Some(Err(ServiceError::Busy))) => super::account::busy(&visit.site),
        (true, Some(Err(ServiceError::Forbidden(_)))) => {
            profile_page(
                &state,
                &visit,
                StatusCode::FORBIDDEN,
                None,
                Some(visit.site.t().employee_only.to_owned()),
            )
            .await
        }
        (true, Some(Err(e))) => respond::internal(&visit.site, &e),
    }
}

async fn show_confirm(state: WebState, visit: Visit, secret: String) -> Response {
    // The link changes the account it was made for, signed in: a link alone does nothing.
    let Some(session) = &visit.session else {
        return super::sign_in_first(&format!("/email-bevestigen/{secret}"));
    };
    match state.services.email_link(session, &secret).await {
        Ok(EmailLinkState::Usable { email }) => respond::html(
            StatusCode::OK,
            views::confirm_email(&visit.site, &session.csrf_token, &email),
        ),
        Ok(EmailLinkState::Expired) => {
            respond::html(StatusCode::GONE, views::link_expired(&visit.site))
        }
        Err(e) => respond::internal(&visit.site, &e),
    }
}

async fn confirm<S, B, E>(state: WebState, visit: Visit, secret: String, body: S) -> Response
where
    S: Stream<Item = Result<B, E>>,
    B: Buf,
    E: std::fmt::Display,
{
    let Some(session) = &visit.session else {
        return super::sign_in_first(&format!("/email-bevestigen/{secret}"));
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
        .confirm_private_email(session, visit.context, &secret)
        .await
    {
        Ok(()) => respond::html(
            StatusCode::OK,
            views::problem_page(
                &visit.site,
                "Bevestigd",
                visit.site.t().private_email_confirmed,
            ),
        ),
        Err(ServiceError::NotFound) => {
            respond::html(StatusCode::GONE, views::link_expired(&visit.site))
        }
        Err(e) => respond::internal(&visit.site, &e),
    }
}
