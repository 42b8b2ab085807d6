//! Profiel changes besides the password: username, language, private e-mail (and its
//! confirmation link).

use serde::Deserialize;
use warp::Filter;

use crate::web::route_list::named;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;

use super::account::profile_page;
use super::profile_done::ProfileDone;
use crate::service::{EmailLinkState, ServiceError};
use crate::web::i18n;
use crate::web::pipeline::{Signed, TokenOnly, error_page, form, signed_in};
use crate::web::respond;
use crate::web::session::WebState;
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
                answer(&state, signed, outcome, ProfileDone::Username).await
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
                let done = if removed {
                    ProfileDone::PrivateEmailRemoved
                } else {
                    ProfileDone::PrivateEmailSent
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
                    (outcome, _) => answer(&state, signed, outcome, ProfileDone::Language).await,
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
                let done = if on {
                    ProfileDone::NotifyOn
                } else {
                    ProfileDone::NotifyOff
                };
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
                answer(&state, signed, outcome, ProfileDone::ColleagueInvited).await
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
                answer(&state, signed, outcome, ProfileDone::ColleagueRemoved).await
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

/// Profiel again after a change: sent there saying `done` (drawn afresh, so a new username or
/// language shows at once), or drawn with what was wrong with the form (the errors a user can
/// correct stay on the page; the rest get their own page).
async fn answer(
    state: &WebState,
    signed: Signed,
    outcome: Result<(), ServiceError>,
    done: ProfileDone,
) -> Response {
    let t = signed.site().t();
    let visit = &signed.visit;
    let error = match outcome {
        Ok(()) => return done.answer(),
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
    let page = profile_page(state, visit, status, &Default::default(), Some(message)).await;
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
        Ok(()) => ProfileDone::PrivateEmailConfirmed.answer(),
        Err(ServiceError::NotFound) => {
            respond::html(StatusCode::GONE, views::link_expired(signed.site()))
        }
        Err(e) => error_page(&state, &signed, e).await,
    }
}
