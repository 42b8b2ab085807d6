//! `GET /werknemers` (employers), `GET /werkgevers` and `/werkgevers/{id}/werknemers`
//! (bureaus): who the signed-in party administers. Anyone else gets "not found", like any page that is not theirs.

use std::collections::HashMap;

use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;

use super::{nav, sign_in_first};
use crate::domain::PublicId;
use crate::domain::party::Role;
use crate::service::{DossierRef, PartyDetails, ServiceError};
use crate::web::respond;
use crate::web::session::{Visit, WebState, visit};
use crate::web::views::{self, EmployeesPage};

pub fn routes(state: WebState) -> BoxedFilter<(Response,)> {
    let own_employees = warp::get()
        .and(warp::path!("werknemers"))
        .and(visit(state.clone()))
        .and(warp::query::<HashMap<String, String>>())
        .then({
            let state = state.clone();
            move |v: Visit, q: HashMap<String, String>| employees(state.clone(), v, None, q)
        });
    let client_employees = warp::get()
        .and(warp::path!("werkgevers" / String / "werknemers"))
        .and(visit(state.clone()))
        .and(warp::query::<HashMap<String, String>>())
        .then({
            let state = state.clone();
            move |id: String, v: Visit, q: HashMap<String, String>| {
                employees(state.clone(), v, Some(id), q)
            }
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
    own_employees
        .or(client_employees)
        .unify()
        .or(employers)
        .unify()
        .or(reveal)
        .unify()
        .boxed()
}

fn search_of(query: &HashMap<String, String>) -> String {
    query
        .get("zoek")
        .map(|s| s.trim().chars().take(100).collect())
        .unwrap_or_default()
}

fn not_found(visit: &Visit) -> Response {
    respond::html(StatusCode::NOT_FOUND, views::not_found(&visit.site))
}

/// `/werknemers` for an employer, `/werkgevers/{id}/werknemers` for that client's bureau.
async fn employees(
    state: WebState,
    visit: Visit,
    client: Option<String>,
    query: HashMap<String, String>,
) -> Response {
    let Some(session) = &visit.session else {
        return sign_in_first(&match &client {
            Some(id) => format!("/werkgevers/{id}/werknemers"),
            None => "/werknemers".to_owned(),
        });
    };
    let employer = match (&client, session.role) {
        (None, Role::Employer) => None,
        (Some(id), Role::Bureau) => {
            let Some(id) = PublicId::parse(id) else {
                return not_found(&visit);
            };
            match state
                .services
                .party_details(session.actor, DossierRef::Employer(id))
                .await
            {
                Ok(PartyDetails::Employer { name, .. }) => Some((id, name)),
                Ok(_) | Err(ServiceError::NotFound) => return not_found(&visit),
                Err(e) => return respond::internal(&visit.site, &e),
            }
        }
        _ => return not_found(&visit),
    };
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
                        &visit.site,
                        visit.site.t().year_wrong_title,
                        visit.site.t().year_wrong_text,
                    ),
                );
            }
        },
    };
    let search = search_of(&query);
    let wanted = (!search.is_empty()).then(|| search.clone());
    match state
        .services
        .employees(session.actor, employer.as_ref().map(|e| e.0), year, wanted)
        .await
    {
        Ok(lines) => {
            let page = EmployeesPage {
                lines: &lines,
                year,
                search: &search,
                employer,
            };
            respond::html(
                StatusCode::OK,
                views::employees(&visit.site, &nav(&state, session).await, &page),
            )
        }
        Err(ServiceError::NotFound) => not_found(&visit),
        Err(e) => respond::internal(&visit.site, &e),
    }
}

async fn employers(state: WebState, visit: Visit, query: HashMap<String, String>) -> Response {
    let Some(session) = &visit.session else {
        return sign_in_first("/werkgevers");
    };
    if session.role != Role::Bureau {
        return not_found(&visit);
    }
    let search = search_of(&query);
    let wanted = (!search.is_empty()).then(|| search.clone());
    match state.services.employers(session.actor, wanted).await {
        Ok(lines) => respond::html(
            StatusCode::OK,
            views::employers(&visit.site, &nav(&state, session).await, &lines, &search),
        ),
        Err(ServiceError::NotFound) => not_found(&visit),
        Err(e) => respond::internal(&visit.site, &e),
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
    let form = match crate::web::forms::read_or_page::<CsrfForm, _, _, _>(&visit.site, body).await {
        Ok(form) => form,
        Err(page) => return page,
    };
    if !crate::web::session::form_is_genuine(
        &state,
        &visit.headers,
        &session.csrf_token,
        &form.csrf,
    ) {
        return super::account::not_genuine(&visit.site);
    }
    let Some(id) = crate::domain::PublicId::parse(&id) else {
        return not_found(&visit);
    };
    match state
        .services
        .reveal_bsn(session.actor, visit.context, id)
        .await
    {
        Ok(bsn) => respond::html(
            StatusCode::OK,
            views::revealed_bsn(&visit.site, &nav(&state, session).await, &bsn),
        ),
        Err(ServiceError::NotFound) => not_found(&visit),
        Err(e) => respond::internal(&visit.site, &e),
    }
}
