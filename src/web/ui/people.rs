//! `GET /werknemers` (employers), `GET /werkgevers` and `/werkgevers/{id}/werknemers`
//! (bureaus): who the signed-in party administers. Anyone else gets "not found", like any page that is not theirs.

use std::collections::HashMap;

use warp::Filter;

use crate::web::route_list::named;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;

use super::nav;
use chrono::Datelike;

use crate::domain::PublicId;
use crate::domain::party::Role;
use crate::service::{DossierRef, PartyDetails, ServiceError};
use crate::web::pipeline::{Signed, TokenOnly, error_page, form, signed_in};
use crate::web::respond;
use crate::web::session::WebState;
use crate::web::views::{self, EmployeesPage};

pub fn routes(state: WebState) -> BoxedFilter<(Response,)> {
    let own_employees = warp::get()
        .and(warp::path!("werknemers"))
        .and(signed_in(state.clone()))
        .and(warp::query::<HashMap<String, String>>())
        .then({
            let state = state.clone();
            move |s: Signed, q: HashMap<String, String>| employees(state.clone(), s, None, q)
        });
    let client_employees = warp::get()
        .and(warp::path!("werkgevers" / String / "werknemers"))
        .and(signed_in(state.clone()))
        .and(warp::query::<HashMap<String, String>>())
        .then({
            let state = state.clone();
            move |id: String, s: Signed, q: HashMap<String, String>| {
                employees(state.clone(), s, Some(id), q)
            }
        });
    let employers = warp::get()
        .and(warp::path!("werkgevers"))
        .and(signed_in(state.clone()))
        .and(warp::query::<HashMap<String, String>>())
        .then({
            let state = state.clone();
            move |s: Signed, q: HashMap<String, String>| employers(state.clone(), s, q)
        });
    let reveal = warp::post()
        .and(warp::path!("werknemers" / String / "bsn"))
        .and(form::<TokenOnly>(state.clone()))
        .then({
            let state = state.clone();
            move |id: String, s: Signed, _: TokenOnly| reveal(state.clone(), s, id)
        });
    named("employees", own_employees)
        .or(named("client_employees", client_employees))
        .unify()
        .or(named("employers", employers))
        .unify()
        .or(named("bsn_reveal", reveal))
        .unify()
        .boxed()
}

fn search_of(query: &HashMap<String, String>) -> String {
    query
        .get("zoek")
        .map(|s| s.trim().chars().take(100).collect())
        .unwrap_or_default()
}

/// `/werknemers` for an employer, `/werkgevers/{id}/werknemers` for that client's bureau.
async fn employees(
    state: WebState,
    signed: Signed,
    client: Option<String>,
    query: HashMap<String, String>,
) -> Response {
    let session = &signed.session;
    let not_found = || error_page(&state, &signed, ServiceError::NotFound);
    // Which address belongs to which role; who may see whom is the service's (domain::access).
    let employer = match (&client, session.role) {
        (None, Role::Employer) => None,
        (Some(id), Role::Bureau) => {
            let Some(id) = PublicId::parse(id) else {
                return not_found().await;
            };
            match state
                .services
                .party_details(session.actor, DossierRef::Employer(id))
                .await
            {
                Ok(PartyDetails::Employer { name, .. }) => Some((id, name)),
                Ok(_) => return not_found().await,
                Err(e) => return error_page(&state, &signed, e).await,
            }
        }
        _ => return not_found().await,
    };
    let year = match query
        .get("jaar")
        .map(|y| y.trim())
        .filter(|y| !y.is_empty())
    {
        None => None,
        Some(y) => match y.parse::<u16>() {
            Ok(y) if (1990..=2100).contains(&y) => Some(y),
            _ => return error_page(&state, &signed, ServiceError::invalid("year", y)).await,
        },
    };
    let search = search_of(&query);
    let wanted = (!search.is_empty()).then(|| search.clone());
    let page = match query
        .get("pagina")
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
    {
        None => 1,
        Some(p) => match p.parse::<u32>() {
            Ok(n) if n >= 1 => n,
            _ => return error_page(&state, &signed, ServiceError::invalid("page", p)).await,
        },
    };
    match state
        .services
        .employees(
            session.actor,
            employer.as_ref().map(|e| e.0),
            year,
            wanted,
            page,
        )
        .await
    {
        Ok(list) => {
            // This year and the ten before it, and a year asked for outside them.
            let this_year = u16::try_from(state.services.clock().now().year()).unwrap_or(2026);
            let mut years: Vec<u16> = (this_year.saturating_sub(10)..=this_year).rev().collect();
            if let Some(asked) = year.filter(|y| !years.contains(y)) {
                years.push(asked);
                years.sort_unstable_by(|a, b| b.cmp(a));
            }
            let page = EmployeesPage {
                list: &list,
                year,
                years: &years,
                search: &search,
                employer,
            };
            respond::html(
                StatusCode::OK,
                views::employees(signed.site(), &nav(&state, session).await, &page),
            )
        }
        Err(e) => error_page(&state, &signed, e).await,
    }
}

async fn employers(state: WebState, signed: Signed, query: HashMap<String, String>) -> Response {
    let search = search_of(&query);
    let wanted = (!search.is_empty()).then(|| search.clone());
    match state.services.employers(signed.session.actor, wanted).await {
        Ok(lines) => respond::html(
            StatusCode::OK,
            views::employers(
                signed.site(),
                &nav(&state, &signed.session).await,
                &lines,
                &search,
            ),
        ),
        Err(e) => error_page(&state, &signed, e).await,
    }
}

/// `POST /werknemers/{id}/bsn`: shows one full BSN to the employer or its bureau.
async fn reveal(state: WebState, signed: Signed, id: String) -> Response {
    let Some(id) = PublicId::parse(&id) else {
        return error_page(&state, &signed, ServiceError::NotFound).await;
    };
    match state
        .services
        .reveal_bsn(signed.session.actor, signed.visit.context, id)
        .await
    {
        Ok(revealed) => respond::html(
            StatusCode::OK,
            views::revealed_bsn(
                signed.site(),
                &nav(&state, &signed.session).await,
                &revealed,
            ),
        ),
        Err(e) => error_page(&state, &signed, e).await,
    }
}
