//! The signed-in start page and `GET /documenten/{id}` (view) and `/documenten/{id}/download`.

use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;

use super::sign_in_first;
use crate::domain::PublicId;
use crate::service::{Disposition, DossierRef, DossierSearch, ServiceError};
use crate::web::session::{Visit, WebState, visit};
use crate::web::views::{self, Nav};
use crate::web::{download, respond};

pub fn routes(state: WebState) -> BoxedFilter<(Response,)> {
    let view = warp::get()
        .and(warp::path!("documenten" / String))
        .and(visit(state.clone()))
        .then({
            let state = state.clone();
            move |id: String, v: Visit| open(state.clone(), v, id, Disposition::Inline)
        });
    let download = warp::get()
        .and(warp::path!("documenten" / String / "download"))
        .and(visit(state.clone()))
        .then(move |id: String, v: Visit| open(state.clone(), v, id, Disposition::Attachment));
    view.or(download).unify().boxed()
}

async fn open(state: WebState, visit: Visit, id: String, disposition: Disposition) -> Response {
    let Some(session) = &visit.session else {
        let path = match disposition {
            Disposition::Inline => format!("/documenten/{id}"),
            Disposition::Attachment => format!("/documenten/{id}/download"),
        };
        return sign_in_first(&path);
    };
    let not_found = || respond::html(StatusCode::NOT_FOUND, views::not_found(&state.site));
    let Some(id) = PublicId::parse(&id) else {
        return not_found();
    };
    match state
        .services
        .open_document(session.actor, visit.context, id, disposition)
        .await
    {
        Ok(opened) => download::respond(opened, &visit.headers).await,
        Err(ServiceError::NotFound) => not_found(),
        Err(other) => respond::internal(&state.site, &other),
    }
}

/// `/`: the signed-in account's own dossier; everyone else goes to the sign-in page.
pub async fn start_page(state: WebState, visit: Visit) -> Response {
    let Some(session) = &visit.session else {
        return respond::see_other("/aanmelden");
    };
    let services = &state.services;
    let view = services
        .dossier(
            session.actor,
            DossierRef::Own,
            None,
            DossierSearch::default(),
        )
        .await;
    let unread = services.unread_count(session.actor).await;
    match (view, unread) {
        (Ok(view), Ok(unread)) => {
            let nav = Nav {
                display_name: session.display_name.clone(),
                unread,
                csrf_token: session.csrf_token.clone(),
            };
            respond::html(
                StatusCode::OK,
                views::dossier_overview(&state.site, &nav, &view),
            )
        }
        (Err(e), _) | (_, Err(e)) => respond::internal(&state.site, &e),
    }
}
