//! `GET /werknemers` (employers) and `GET /werkgevers` (bureaus): who the signed-in party
//! administers. Anyone else gets "not found", like any page that is not theirs.

use std::collections::HashMap;

use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;

use super::{nav, sign_in_first};
use crate::domain::party::Role;
use crate::service::ServiceError;
use crate::web::respond;
use crate::web::session::{Visit, WebState, visit};
use crate::web::views;

pub fn routes(state: WebState) -> BoxedFilter<(Response,)> {
    let employees = warp::get()
        .and(warp::path!("werknemers"))
        .and(visit(state.clone()))
        .and(warp::query::<HashMap<String, String>>())
        .then({
            let state = state.clone();
            move |v: Visit, q: HashMap<String, String>| employees(state.clone(), v, q)
        });
    let employers = warp::get()
        .and(warp::path!("werkgevers"))
        .and(visit(state.clone()))
        .and(warp::query::<HashMap<String, String>>())
        .then({
            let state = state.clone();
            move |v: Visit, q: HashMap<String, String>| employers(state.clone(), v, q)
        });
    let reveal = warp::post()
        .and(warp::path!("werknemers" / String / "bsn"))
        .and(visit(state.clone()))
        .and(warp::body::stream())
        .then({
            let state = state.clone();
            move |id: String, v: Visit, body| reveal(state.clone(), v, id, body)
        });
    employees.or(employers).unify().or(reveal).unify().boxed()
}

fn search_of(query: &HashMap<String, String>) -> String {
    query
        .get("zoek")
        .map(|s| s.trim().chars().take(100).collect())
        .unwrap_or_default()
}

fn not_found(state: &WebState) -> Response {
    respond::html(StatusCode::NOT_FOUND, views::not_found(&state.site))
}

async fn employees(state: WebState, visit: Visit, query: HashMap<String, String>) -> Response {
    let Some(session) = &visit.session else {
        return sign_in_first("/werknemers");
    };
    if session.role != Role::Employer {
        return not_found(&state);
    }
    let year = match query
        .get("jaar")
        .map(|y| y.trim())
        .filter(|y| !y.is_empty())
    {
        None => None,
        Some(y) => match y.parse::<u16>() {
            Ok(y) if (1990..=2100).contains(&y) => Some(y),
            _ => {
                return respond::html(
                    StatusCode::BAD_REQUEST,
                    views::problem_page(
                        &state.site,
                        "Jaar klopt niet",
                        "Jaar: vul een jaartal in, bijvoorbeeld 2026, of laat het leeg.",
                    ),
                );
            }
        },
    };
    let search = search_of(&query);
    let wanted = (!search.is_empty()).then(|| search.clone());
    match state
        .services
        .employees(session.actor, None, year, wanted)
        .await
    {
        Ok(lines) => respond::html(
            StatusCode::OK,
            views::employees(
                &state.site,
                &nav(&state, session).await,
                &lines,
                year,
                &search,
            ),
        ),
        Err(ServiceError::NotFound) => not_found(&state),
        Err(e) => respond::internal(&state.site, &e),
    }
}

async fn employers(state: WebState, visit: Visit, query: HashMap<String, String>) -> Response {
    let Some(session) = &visit.session else {
        return sign_in_first("/werkgevers");
    };
    if session.role != Role::Bureau {
        return not_found(&state);
    }
    let search = search_of(&query);
    let wanted = (!search.is_empty()).then(|| search.clone());
    match state.services.employers(session.actor, wanted).await {
        Ok(lines) => respond::html(
            StatusCode::OK,
            views::employers(&state.site, &nav(&state, session).await, &lines, &search),
        ),
        Err(ServiceError::NotFound) => not_found(&state),
        Err(e) => respond::internal(&state.site, &e),
    }
}

#[derive(serde::Deserialize)]
struct CsrfForm {
    csrf: String,
}

/// `POST /werknemers/{id}/bsn`: shows one full BSN to the employer or its bureau.
async fn reveal<S, B, E>(state: WebState, visit: Visit, id: String, body: S) -> Response
where
    S: futures_util::Stream<Item = Result<B, E>>,
    B: bytes::Buf,
    E: std::fmt::Display,
{
    let Some(session) = &visit.session else {
        return sign_in_first("/werknemers");
    };
    let form = match crate::web::forms::read_or_page::<CsrfForm, _, _, _>(&state.site, body).await {
        Ok(form) => form,
        Err(page) => return page,
    };
    if !crate::web::session::form_is_genuine(
        &state,
        &visit.headers,
        &session.csrf_token,
        &form.csrf,
    ) {
        return super::account::not_genuine(&state);
    }
    let Some(id) = crate::domain::PublicId::parse(&id) else {
        return not_found(&state);
    };
    match state
        .services
        .reveal_bsn(session.actor, visit.context, id)
        .await
    {
        Ok(bsn) => respond::html(
            StatusCode::OK,
            views::revealed_bsn(&state.site, &nav(&state, session).await, &bsn),
        ),
        Err(ServiceError::NotFound) => not_found(&state),
        Err(e) => respond::internal(&state.site, &e),
    }
}
