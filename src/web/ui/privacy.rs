//! The employee's privacy pages: `/toestemming`, its choice between electronic and paper
//! payslips (BW 7:626 lid 4), asked before any other page until answered and changed from
//! Profiel; `/inzage`, who opened its documents (AVG art. 15).

use serde::Deserialize;
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;

use crate::domain::consent::PayslipDelivery;
use crate::web::pipeline::{Signed, error_page, form, signed_in};
use crate::web::respond;
use crate::web::route_list::named;
use crate::web::session::WebState;
use crate::web::views;

#[derive(Deserialize)]
struct ConsentForm {
    /// "electronic" or "paper"; absent when nothing was chosen.
    keuze: Option<String>,
    /// The page to go on to (a local path).
    terug: Option<String>,
}

pub fn routes(state: WebState) -> BoxedFilter<(Response,)> {
    let s = state.clone();
    let page = warp::get()
        .and(warp::path!("toestemming"))
        .and(signed_in(state.clone()))
        .and(warp::query::<std::collections::HashMap<String, String>>())
        .then(
            move |signed: Signed, query: std::collections::HashMap<String, String>| {
                let state = s.clone();
                async move {
                    let back = next_page(query.get("terug").map(String::as_str));
                    show(&state, &signed, &back, StatusCode::OK, None).await
                }
            },
        );
    let s = state.clone();
    let choose = warp::post()
        .and(warp::path!("toestemming"))
        .and(form::<ConsentForm>(state.clone()))
        .then(move |signed: Signed, f: ConsentForm| {
            let state = s.clone();
            async move { choose(&state, signed, f).await }
        });
    let s = state.clone();
    let history = warp::get()
        .and(warp::path!("inzage"))
        .and(signed_in(state.clone()))
        .then(move |signed: Signed| {
            let state = s.clone();
            async move { access_history(&state, &signed).await }
        });
    named("consent_page", page)
        .or(named("consent", choose))
        .unify()
        .or(named("access_history", history))
        .unify()
        .boxed()
}

/// Where to go after choosing: the page the employee was on its way to, else Home.
fn next_page(asked: Option<&str>) -> String {
    super::local_path(asked)
        .filter(|p| !p.starts_with(crate::web::pipeline::CONSENT_PAGE))
        .unwrap_or_else(|| "/".to_owned())
}

async fn show(
    state: &WebState,
    signed: &Signed,
    back: &str,
    status: StatusCode,
    error: Option<&str>,
) -> Response {
    // Only who chooses has the question (`access::chooses_payslip_delivery`, in the service).
    if let Err(e) = state.services.payslip_delivery(signed.session.actor).await {
        return error_page(state, signed, e).await;
    }
    let nav = super::nav(state, &signed.session).await;
    respond::html(
        status,
        views::consent_page(signed.site(), &nav, back, error),
    )
}

async fn choose(state: &WebState, signed: Signed, f: ConsentForm) -> Response {
    let back = next_page(f.terug.as_deref());
    let Some(delivery) = f.keuze.as_deref().and_then(PayslipDelivery::parse_choice) else {
        let t = signed.site().t();
        return show(
            state,
            &signed,
            &back,
            StatusCode::BAD_REQUEST,
            Some(t.consent_needed),
        )
        .await;
    };
    match state
        .services
        .choose_payslip_delivery(signed.session.actor, signed.visit.context, delivery)
        .await
    {
        // From Profiel: Profiel again, saying so, like its other forms. At the first sign-in:
        // on to the page the employee was going to.
        Ok(()) if back == "/profiel" => super::profile_done::ProfileDone::PayslipDelivery.answer(),
        Ok(()) => respond::see_other(&back),
        Err(crate::service::ServiceError::Forbidden(_)) => {
            error_page(state, &signed, crate::service::ServiceError::NotFound).await
        }
        Err(e) => error_page(state, &signed, e).await,
    }
}

/// `/inzage`: every look by others at the reader's documents.
async fn access_history(state: &WebState, signed: &Signed) -> Response {
    match state.services.access_history(signed.session.actor).await {
        Ok(entries) => {
            let nav = super::nav(state, &signed.session).await;
            respond::html(
                StatusCode::OK,
                views::access_page(signed.site(), &nav, &entries),
            )
        }
        Err(e) => error_page(state, signed, e).await,
    }
}
