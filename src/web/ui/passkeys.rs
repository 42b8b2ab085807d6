//! Passkeys in Profiel: adding one (name and password, then the browser makes it), removing
//! one (password again), and the employee's "not now" to the offer. Signing in with one is in
//! `passkey_sign_in`.

use serde::Deserialize;
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;

use crate::service::{PasskeyError, ServiceError};
use crate::web::pipeline::{Signed, TokenOnly, error_page, form, signed_in, with_retry_after};
use crate::web::respond;
use crate::web::route_list::named;
use crate::web::session::WebState;
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
pub(super) struct AddForm {
    #[serde(default)]
    pub(super) name: String,
    #[serde(default)]
    pub(super) credential: String,
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    password: String,
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
        .boxed()
}

pub(super) fn rp_origin(state: &WebState) -> Option<String> {
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
        Ok(None) => super::profile_done::passkey_added(&form.name),
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
        Ok(()) => super::profile_done::ProfileDone::PasskeyRemoved.answer(),
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
