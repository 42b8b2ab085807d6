//! Home (Mijn gegevens), the own dossier (`/dossier`), an employee's dossier as its employer
//! or bureau sees it (`/werknemers/{id}`), and a client's dossier for its bureau
//! (`/werkgevers/{id}`). Whoever may not open a dossier gets "not found".

use std::collections::HashMap;

use warp::Filter;

use crate::web::route_list::named;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;

use crate::domain::{PublicId, Year};
use crate::service::{DossierRef, DossierSearch, ServiceError};
use crate::web::pipeline::{Signed, error_page, signed_in};
use crate::web::respond;
use crate::web::session::WebState;
use crate::web::views::{self, DossierPage};

type Query = HashMap<String, String>;

pub fn routes(state: WebState) -> BoxedFilter<(Response,)> {
    let home = warp::get()
        .and(warp::path::end())
        .and(signed_in(state.clone()))
        .then({
            let state = state.clone();
            move |s: Signed| home(state.clone(), s)
        });
    let own = warp::get()
        .and(warp::path!("dossier"))
        .and(signed_in(state.clone()))
        .and(warp::query::<Query>())
        .then({
            let state = state.clone();
            move |s: Signed, q: Query| dossier(state.clone(), s, None, q)
        });
    let employee = warp::get()
        .and(warp::path!("werknemers" / String))
        .and(signed_in(state.clone()))
        .and(warp::query::<Query>())
        .then({
            let state = state.clone();
            move |id: String, s: Signed, q: Query| {
                dossier(state.clone(), s, Some(("werknemers", id)), q)
            }
        });
    let employer = warp::get()
        .and(warp::path!("werkgevers" / String))
        .and(signed_in(state.clone()))
        .and(warp::query::<Query>())
        .then({
            let state = state.clone();
            move |id: String, s: Signed, q: Query| {
                dossier(state.clone(), s, Some(("werkgevers", id)), q)
            }
        });
    let zip = warp::get()
        .and(warp::path!("dossier" / "zip"))
        .and(signed_in(state.clone()))
        .and(warp::query::<Query>())
        .then(move |s: Signed, q: Query| dossier_zip(state.clone(), s, q));
    named("home", home)
        .or(named("dossier", own))
        .unify()
        .or(named("dossier_zip", zip))
        .unify()
        .or(named("employee_dossier", employee))
        .unify()
        .or(named("employer_dossier", employer))
        .unify()
        .boxed()
}

/// `/`: Mijn gegevens for a signed-in account; everyone else goes to the sign-in page.
async fn home(state: WebState, signed: Signed) -> Response {
    match state
        .services
        .party_details(signed.session.actor, DossierRef::Own)
        .await
    {
        Ok(details) => {
            let nav = super::nav(&state, &signed.session).await;
            // An employee is offered a passkey until it has one or says "not now".
            let offer = match state.services.passkey_offer(&signed.session).await {
                Ok(true) => state
                    .services
                    .relying_party()
                    .map(|rp| rp.origin().to_owned()),
                _ => None,
            };
            respond::html(
                StatusCode::OK,
                views::home(signed.site(), &nav, &details, offer.as_deref()),
            )
        }
        Err(e) => error_page(&state, &signed, e).await,
    }
}

/// A dossier page: the own one (`other` is `None`) or `/werknemers/{id}` or
/// `/werkgevers/{id}`, for the year and searches in the query.
async fn dossier(
    state: WebState,
    signed: Signed,
    other: Option<(&'static str, String)>,
    query: Query,
) -> Response {
    let base = match &other {
        None => "/dossier".to_owned(),
        Some((section, id)) => format!("/{section}/{id}"),
    };
    let session = &signed.session;
    let which = match &other {
        None => DossierRef::Own,
        Some((section, id)) => match (PublicId::parse(id), *section) {
            (Some(id), "werknemers") => DossierRef::Employee(id),
            (Some(id), _) => DossierRef::Employer(id),
            (None, _) => return error_page(&state, &signed, ServiceError::NotFound).await,
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
            None => return error_page(&state, &signed, ServiceError::invalid("year", text)).await,
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
        Err(e) => return error_page(&state, &signed, e).await,
    };
    let owner_data = match which {
        DossierRef::Own => None,
        _ => match services.party_details(session.actor, which).await {
            Ok(details) => Some(views::party_table(
                signed.site(),
                &details,
                Some(&signed.session.csrf_token),
            )),
            Err(e) => return error_page(&state, &signed, e).await,
        },
    };
    let nav = super::nav(&state, session).await;
    let notice = super::page_notice(signed.site().t(), &query, view.share_target.as_deref());
    let page = DossierPage {
        view: &view,
        search: &search,
        base,
        owner_data,
        notice,
        owner_id: match which {
            DossierRef::Own => None,
            DossierRef::Employer(id) | DossierRef::Employee(id) => Some(id),
        },
    };
    respond::html(
        StatusCode::OK,
        views::dossier_overview(signed.site(), &nav, &page),
    )
}

/// `GET /dossier/zip?jaar=2026` (one year) or `/dossier/zip` (everything): the reader's own
/// dossier as one ZIP, streamed as it is written.
async fn dossier_zip(state: WebState, signed: Signed, query: Query) -> Response {
    let year = match query.get("jaar").filter(|y| !y.is_empty()) {
        None => None,
        Some(text) => match text
            .parse::<i64>()
            .ok()
            .and_then(|y| crate::domain::Year::new(y).ok())
        {
            Some(year) => Some(year),
            None => return error_page(&state, &signed, ServiceError::NotFound).await,
        },
    };
    match state
        .services
        .dossier_zip(signed.session.actor, signed.visit.context, year)
        .await
    {
        Ok(zip) => {
            let file_name = zip.file_name.clone();
            let body = zip.into_stream();
            let mut response = warp::Reply::into_response(warp::reply::stream(body));
            let headers = response.headers_mut();
            let mut set = |name: warp::http::header::HeaderName, value: String| {
                if let Ok(value) = warp::http::HeaderValue::from_str(&value) {
                    headers.insert(name, value);
                }
            };
            set(
                warp::http::header::CONTENT_TYPE,
                "application/zip".to_owned(),
            );
            set(
                warp::http::header::CONTENT_DISPOSITION,
                crate::web::download::content_disposition(false, &file_name),
            );
            set(warp::http::header::CACHE_CONTROL, "no-store".to_owned());
            response
        }
        Err(e) => error_page(&state, &signed, e).await,
    }
}
