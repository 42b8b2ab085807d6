//! Profiel changes besides the password: username, language, private e-mail (and its
//! confirmation link).

use serde::Deserialize;
use warp::Filter;

use crate::web::route_list::named;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;

use super::account::profile_page;
use crate::service::{EmailLinkState, ServiceError};
use crate::web::i18n::{self, Texts};
use crate::web::pipeline::{Signed, TokenOnly, error_page, form, signed_in};
use crate::web::respond;
use crate::web::session::{Visit, WebState};
use crate::web::views;

#[derive(Deserialize)]
struct UsernameForm {
    username: String,
    /// The current password, asked again (absent counts as wrong).
    #[serde(default)]
    password: String,
}

#[derive(Deserialize)]
struct EmailForm {
    email: String,
    #[serde(default)]
    password: String,
}

#[derive(Deserialize)]
struct LanguageForm {
    language: String,
    /// From the footer's switch: the page to return to (a local path), instead of Profiel.
    terug: Option<String>,
}

#[derive(Deserialize)]
struct ColleagueForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

#[derive(Deserialize)]
struct RemoveColleagueForm {
    #[serde(default)]
    collega: String,
    #[serde(default)]
    password: String,
}

#[derive(Deserialize)]
struct NotifyForm {
    /// Present ("on") when the box is ticked; browsers leave an unticked box out.
    notify: Option<String>,
}

pub fn routes(state: WebState) -> BoxedFilter<(Response,)> {
    let s = state.clone();
    let username = warp::post()
        .and(warp::path!("profiel" / "gebruikersnaam"))
        .and(form::<UsernameForm>(state.clone()))
        .then(move |signed: Signed, f: UsernameForm| {
            let state = s.clone();
            async move {
                let outcome = state
                    .services
                    .change_username(
                        &signed.session,
                        signed.visit.context,
                        &f.username,
                        &f.password,
                    )
                    .await;
                answer(&state, signed, outcome, |t| t.username_changed).await
            }
        });
    let s = state.clone();
    let email = warp::post()
        .and(warp::path!("profiel" / "email"))
        .and(form::<EmailForm>(state.clone()))
        .then(move |signed: Signed, f: EmailForm| {
            let state = s.clone();
            async move {
                let outcome = state
                    .services
                    .request_private_email(
                        &signed.session,
                        signed.visit.context,
                        &f.email,
                        &f.password,
                    )
                    .await;
                let removed = f.email.trim().is_empty();
                let done = move |t: &Texts| {
                    if removed {
                        t.private_email_removed
                    } else {
                        t.private_email_sent
                    }
                };
                answer(&state, signed, outcome, done).await
            }
        });
    let s = state.clone();
    let language = warp::post()
        .and(warp::path!("profiel" / "taal"))
        .and(form::<LanguageForm>(state.clone()))
        .then(move |signed: Signed, f: LanguageForm| {
            let state = s.clone();
            async move {
                let outcome = state
                    .services
                    .set_language(&signed.session, signed.visit.context, &f.language)
                    .await;
                match (outcome, super::local_path(f.terug.as_deref())) {
                    (Ok(()), Some(back)) => respond::see_other(&back),
                    (outcome, _) => answer(&state, signed, outcome, |t| t.language_saved).await,
                }
            }
        });
    let s = state.clone();
    let notify = warp::post()
        .and(warp::path!("profiel" / "meldingen"))
        .and(form::<NotifyForm>(state.clone()))
        .then(move |signed: Signed, f: NotifyForm| {
            let state = s.clone();
            async move {
                let on = f.notify.as_deref() == Some("on");
                let outcome = state
                    .services
                    .set_notifications(&signed.session, signed.visit.context, on)
                    .await;
                let done = move |t: &Texts| if on { t.notify_on } else { t.notify_off };
                answer(&state, signed, outcome, done).await
            }
        });
    let s = state.clone();
    let invite = warp::post()
        .and(warp::path!("profiel" / "collegas"))
        .and(form::<ColleagueForm>(state.clone()))
        .then(move |signed: Signed, f: ColleagueForm| {
            let state = s.clone();
            async move {
                let colleague = crate::service::NewColleague {
                    name: &f.name,
                    email: &f.email,
                    username: &f.username,
                };
                let outcome = state
                    .services
                    .invite_colleague(
                        &signed.session,
                        signed.visit.context,
                        colleague,
                        &f.password,
                    )
                    .await;
                answer(&state, signed, outcome, |t| t.colleague_invited).await
            }
        });
    let s = state.clone();
    let remove = warp::post()
        .and(warp::path!("profiel" / "collegas" / "verwijderen"))
        .and(form::<RemoveColleagueForm>(state.clone()))
        .then(move |signed: Signed, f: RemoveColleagueForm| {
            let state = s.clone();
            async move {
                let outcome = match crate::domain::PublicId::parse(f.collega.trim()) {
                    Some(id) => {
                        state
                            .services
                            .remove_colleague(
                                &signed.session,
                                signed.visit.context,
                                id,
                                &f.password,
                            )
                            .await
                    }
                    None => Err(ServiceError::invalid("colleague", "choose a colleague")),
                };
                answer(&state, signed, outcome, |t| t.colleague_removed).await
            }
        });
    let s = state.clone();
    let confirm_page = warp::get()
        .and(warp::path!("email-bevestigen" / String))
        .and(signed_in(state.clone()))
        .then(move |secret: String, signed: Signed| show_confirm(s.clone(), signed, secret));
    let s = state.clone();
    let confirm = warp::post()
        .and(warp::path!("email-bevestigen" / String))
        .and(form::<TokenOnly>(state))
        .then(move |secret: String, signed: Signed, _: TokenOnly| {
            confirm(s.clone(), signed, secret)
        });
    named("profile_username", username)
        .or(named("profile_email", email))
        .unify()
        .or(named("profile_language", language))
        .unify()
        .or(named("profile_notify", notify))
        .unify()
        .or(named("colleague_invite", invite))
        .unify()
        .or(named("colleague_remove", remove))
        .unify()
        .or(named("email_confirm_page", confirm_page))
        .unify()
        .or(named("email_confirm", confirm))
        .unify()
        .boxed()
}

/// Profiel again after a change: with `done` said (in the language the page is drawn in, which
/// a language change has just changed), or with what was wrong with the form (the errors a
/// user can correct stay on the page; the rest get their own page).
async fn answer(
    state: &WebState,
    signed: Signed,
    outcome: Result<(), ServiceError>,
    done: impl Fn(&Texts) -> &'static str,
) -> Response {
    let t = signed.site().t();
    let visit = &signed.visit;
    let error = match outcome {
        Ok(()) => {
            // The page is drawn again with the fresh session (a new username, a new language
            // show at once).
            let session =
                match crate::web::session::cookie(&visit.headers, state.session_cookie_name()) {
                    Some(id) => state.services.session(id).await.ok().flatten(),
                    None => None,
                };
            let lang = crate::web::session::language_of(session.as_ref(), &visit.headers);
            let refreshed = Visit {
                session,
                site: visit.site.in_language(lang),
                ..visit.clone()
            };
            let said = done(refreshed.site.t()).to_owned();
            return profile_page(state, &refreshed, StatusCode::OK, Some(said), None).await;
        }
        Err(error) => error,
    };
    let (status, message) = match &error {
        ServiceError::Taken { field } => (StatusCode::BAD_REQUEST, i18n::taken_message(t, field)),
        ServiceError::Invalid { field, .. } => {
            (StatusCode::BAD_REQUEST, i18n::field_message(t, field))
        }
        ServiceError::WrongPassword | ServiceError::Throttled { .. } => {
            super::password_again_refused(signed.site(), &error)
        }
        ServiceError::Forbidden(_) => (StatusCode::FORBIDDEN, t.employee_only.to_owned()),
        _ => return error_page(state, &signed, error).await,
    };
    let page = profile_page(state, visit, status, None, Some(message)).await;
    crate::web::pipeline::with_retry_after(page, &error)
}

async fn show_confirm(state: WebState, signed: Signed, secret: String) -> Response {
    // The link changes the account it was made for, signed in: a link alone does nothing.
    match state.services.email_link(&signed.session, &secret).await {
        Ok(EmailLinkState::Usable { email }) => respond::html(
            StatusCode::OK,
            views::confirm_email(signed.site(), &signed.session.csrf_token, &email),
        ),
        Ok(EmailLinkState::Expired) => {
            respond::html(StatusCode::GONE, views::link_expired(signed.site()))
        }
        Err(e) => error_page(&state, &signed, e).await,
    }
}

async fn confirm(state: WebState, signed: Signed, secret: String) -> Response {
    match state
        .services
        .confirm_private_email(&signed.session, signed.visit.context, &secret)
        .await
    {
        Ok(()) => respond::html(
            StatusCode::OK,
            views::problem_page(
                signed.site(),
                signed.site().t().confirmed_title,
                signed.site().t().private_email_confirmed,
            ),
        ),
        Err(ServiceError::NotFound) => {
            respond::html(StatusCode::GONE, views::link_expired(signed.site()))
        }
        Err(e) => error_page(&state, &signed, e).await,
    }
}
