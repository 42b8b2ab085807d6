//! Home (Mijn gegevens), the own dossier (`/dossier`), an employee's dossier as its employer
//! or bureau sees it (`/werknemers/{id}`), and a client's dossier for its bureau
//! (`/werkgevers/{id}`). Whoever may not open a dossier gets "not found".

use std::collections::HashMap;

use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;

use super::documents::bad_request;
use super::sign_in_first;
use crate::domain::{PublicId, Year};
use crate::service::{DossierRef, DossierSearch, ServiceError};
use crate::web::respond;
use crate::web::session::{Visit, WebState, visit};
use crate::web::views::{self, DossierPage};

type Query = HashMap<String, String>;

pub fn routes(state: WebState) -> BoxedFilter<(Response,)> {
    let home = warp::get()
        .and(warp::path::end())
        .and(visit(state.clone()))
        .then({
            let state = state.clone();
            move |v: Visit| home(state.clone(), v)
        });
    let own = warp::get()
        .and(warp::path!("dossier"))
        .and(visit(state.clone()))
        .and(warp::query::<Query>())
        .then({
            let state = state.clone();
            move |v: Visit, q: Query| dossier(state.clone(), v, None, q)
        });
    let employee = warp::get()
        .and(warp::path!("werknemers" / String))
        .and(visit(state.clone()))
        .and(warp::query::<Query>())
        .then({
            let state = state.clone();
            move |id: String, v: Visit, q: Query| {
                dossier(state.clone(), v, Some(("werknemers", id)), q)
            }
        });
    let employer = warp::get()
        .and(warp::path!("werkgevers" / String))
        .and(visit(state.clone()))
        .and(warp::query::<Query>())
        .then(move |id: String, v: Visit, q: Query| {
            dossier(state.clone(), v, Some(("werkgevers", id)), q)
        });
    home.or(own)
        .unify()
        .or(employee)
        .unify()
        .or(employer)
        .unify()
        .boxed()
}

fn not_found(visit: &Visit) -> Response {
    respond::html(StatusCode::NOT_FOUND, views::not_found(&visit.site))
}

/// `/`: Mijn gegevens for a signed-in account; everyone else goes to the sign-in page.
async fn home(state: WebState, visit: Visit) -> Response {
    let Some(session) = &visit.session else {
        return respond::see_other("/aanmelden");
    };
    match state
        .services
        .party_details(session.actor, DossierRef::Own)
        .await
    {
        Ok(details) => {
            let nav = super::nav(&state, session).await;
            respond::html(StatusCode::OK, views::home(&visit.site, &nav, &details))
        }
        Err(e) => respond::internal(&visit.site, &e),
    }
}

/// A dossier page: the own one (`other` is `None`) or `/werknemers/{id}` or
/// `/werkgevers/{id}`, for the year and searches in the query.
async fn dossier(
    state: WebState,
    visit: Visit,
    other: Option<(&'static str, String)>,
    query: Query,
) -> Response {
    let base = match &other {
        None => "/dossier".to_owned(),
        Some((section, id)) => format!("/{section}/{id}"),
    };
    let Some(session) = &visit.session else {
        return sign_in_first(&base);
    };
    let which = match &other {
        None => DossierRef::Own,
        Some((section, id)) => match (PublicId::parse(id), *section) {
            (Some(id), "werknemers") => DossierRef::Employee(id),
            (Some(id), _) => DossierRef::Employer(id),
            (None, _) => return not_found(&visit),
        },
    };
    let year = match query
        .get("jaar")
        .map(|y| y.trim())
        .filter(|y| !y.is_empty())
    {
        None => None,
        Some(text) => match text.parse::<i64>().ok().and_then(|y| Year::new(y).ok()) {
            Some(year) => Some(year),
            None => return bad_request(&visit.site, visit.site.t().year_wrong_text),
        },
    };
    let search_of = |name: &str| {
        query
            .get(name)
            .map(|s| s.trim().chars().take(100).collect::<String>())
            .filter(|s| !s.is_empty())
    };
    let search = DossierSearch {
        payroll: search_of("zoek-loon"),
        other: search_of("zoek-overig"),
    };
    let services = &state.services;
    let view = match services
        .dossier(session.actor, which, year, search.clone())
        .await
    {
        Ok(view) => view,
        Err(ServiceError::NotFound) => return not_found(&visit),
        Err(e) => return respond::internal(&visit.site, &e),
    };
    let owner_data = match which {
        DossierRef::Own => None,
        _ => match services.party_details(session.actor, which).await {
            Ok(details) => Some(views::party_table(&visit.site, &details)),
            Err(ServiceError::NotFound) => return not_found(&visit),
            Err(e) => return respond::internal(&visit.site, &e),
        },
    };
    let nav = super::nav(&state, session).await;
    let page = DossierPage {
        view: &view,
        search: &search,
        base,
        owner_data,
    };
    respond::html(
        StatusCode::OK,
        views::dossier_overview(&visit.site, &nav, &page),
    )
}
