//! `GET /documenten/{id}` (view) and `/documenten/{id}/download`,
//! and the actions on ticked documents.

use bytes::Buf;
use futures_util::Stream;
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;

use super::sign_in_first;
use crate::domain::PublicId;
use crate::service::{Disposition, ServiceError};
use crate::web::forms;
use crate::web::session::{Visit, WebState, form_is_genuine, visit};
use crate::web::views::{self, Site};
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
        .then({
            let state = state.clone();
            move |id: String, v: Visit| open(state.clone(), v, id, Disposition::Attachment)
        });
    let act = warp::post()
        .and(warp::path!("documenten" / "acties"))
        .and(visit(state.clone()))
        .and(warp::body::stream())
        .then({
            let state = state.clone();
            move |v: Visit, body| act(state.clone(), v, body)
        });
    let details = warp::get()
        .and(warp::path!("documenten" / String / "details"))
        .and(visit(state.clone()))
        .then({
            let state = state.clone();
            move |id: String, v: Visit| details(state.clone(), v, id)
        });
    let unread = warp::get()
        .and(warp::path!("ongelezen"))
        .and(visit(state.clone()))
        .then(move |v: Visit| unread_page(state.clone(), v));
    view.or(download)
        .unify()
        .or(details)
        .unify()
        .or(unread)
        .unify()
        .or(act)
        .unify()
        .boxed()
}

/// `GET /documenten/{id}/details`: not-yours looks exactly like not-there.
async fn details(state: WebState, visit: Visit, id: String) -> Response {
    let Some(session) = &visit.session else {
        return sign_in_first(&format!("/documenten/{id}/details"));
    };
    let not_found = || respond::html(StatusCode::NOT_FOUND, views::not_found(&visit.site));
    let Some(id) = PublicId::parse(&id) else {
        return not_found();
    };
    match state.services.document_details(session.actor, id).await {
        Ok(details) => {
            let nav = super::nav(&state, session).await;
            respond::html(
                StatusCode::OK,
                views::details_page(&visit.site, &nav, &details),
            )
        }
        Err(ServiceError::NotFound) => not_found(),
        Err(e) => respond::internal(&visit.site, &e),
    }
}

/// `GET /ongelezen`: the account's unread documents.
async fn unread_page(state: WebState, visit: Visit) -> Response {
    let Some(session) = &visit.session else {
        return sign_in_first("/ongelezen");
    };
    match state.services.unread(session.actor).await {
        Ok(documents) => {
            let nav = super::nav(&state, session).await;
            respond::html(
                StatusCode::OK,
                views::unread_page(&visit.site, &nav, &documents),
            )
        }
        Err(e) => respond::internal(&visit.site, &e),
    }
}

/// `POST /documenten/acties`: share, stop sharing, delete, mark read or unread the ticked
/// documents — all or nothing — then back to the dossier.
async fn act<S, B, E>(state: WebState, visit: Visit, body: S) -> Response
where
    S: Stream<Item = Result<B, E>>,
    B: Buf,
    E: std::fmt::Display,
{
    let Some(session) = &visit.session else {
        return sign_in_first("/dossier");
    };
    let Ok(pairs) = forms::read_pairs(body).await else {
        return bad_request(&visit.site, visit.site.t().form_unreadable);
    };
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    if !form_is_genuine(
        &state,
        &visit.headers,
        &session.csrf_token,
        field("csrf").unwrap_or_default(),
    ) {
        return super::account::not_genuine(&visit.site);
    }
    let mut ids = Vec::new();
    for (_, value) in pairs.iter().filter(|(k, _)| k == "id") {
        match PublicId::parse(value) {
            Some(id) => ids.push(id),
            None => return respond::html(StatusCode::NOT_FOUND, views::not_found(&visit.site)),
        }
    }
    if ids.is_empty() {
        return bad_request(&visit.site, visit.site.t().nothing_selected);
    }
    let services = &state.services;
    let (actor, ctx) = (session.actor, visit.context);
    let done = match field("action") {
        Some("share") => services.share(actor, ctx, ids).await,
        Some("unshare") => services.unshare(actor, ctx, ids).await,
        Some("delete") => services.delete_uploads(actor, ctx, ids).await,
        Some("read") => services.mark_read(actor, ctx, ids).await,
        Some("unread") => services.mark_unread(actor, ctx, ids).await,
        _ => return bad_request(&visit.site, visit.site.t().no_such_action),
    };
    // Back to the page the form came from: a local path only, so no open redirect.
    let back = super::local_path(field("terug")).unwrap_or_else(|| "/dossier".to_owned());
    match done {
        Ok(_) => respond::see_other(&back),
        Err(ServiceError::NotFound) => {
            respond::html(StatusCode::NOT_FOUND, views::not_found(&visit.site))
        }
        Err(ServiceError::Forbidden(_)) => respond::html(
            StatusCode::FORBIDDEN,
            views::problem_page(
                &visit.site,
                visit.site.t().not_allowed_title,
                visit.site.t().not_allowed_text,
            ),
        ),
        Err(other) => respond::internal(&visit.site, &other),
    }
}

pub(super) fn bad_request(site: &Site, explanation: &str) -> Response {
    respond::html(
        StatusCode::BAD_REQUEST,
        views::problem_page(site, site.t().failed_title, explanation),
    )
}

async fn open(state: WebState, visit: Visit, id: String, disposition: Disposition) -> Response {
    let Some(session) = &visit.session else {
        let path = match disposition {
            Disposition::Inline => format!("/documenten/{id}"),
            Disposition::Attachment => format!("/documenten/{id}/download"),
        };
        return sign_in_first(&path);
    };
    let not_found = || respond::html(StatusCode::NOT_FOUND, views::not_found(&visit.site));
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
        Err(other) => respond::internal(&visit.site, &other),
    }
}
