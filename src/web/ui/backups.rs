//! `GET /backups` (bureaus and employers that run their own payroll), downloading one, and
//! deleting the selected ones. Anyone else gets "not found".

use std::collections::HashMap;

use bytes::Buf;
use futures_util::Stream;
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;

use super::documents::bad_request;
use super::sign_in_first;
use crate::domain::PublicId;
use crate::service::ServiceError;
use crate::web::i18n::fill;
use crate::web::session::{Visit, WebState, form_is_genuine, visit};
use crate::web::views::{self, BackupsPage, backup_year};
use crate::web::{download, forms, respond};

pub fn routes(state: WebState) -> BoxedFilter<(Response,)> {
    let list = warp::get()
        .and(warp::path!("backups"))
        .and(visit(state.clone()))
        .and(warp::query::<HashMap<String, String>>())
        .then({
            let state = state.clone();
            move |v: Visit, q: HashMap<String, String>| list(state.clone(), v, q)
        });
    let download = warp::get()
        .and(warp::path!("backups" / String / "download"))
        .and(visit(state.clone()))
        .then({
            let state = state.clone();
            move |id: String, v: Visit| download(state.clone(), v, id)
        });
    let delete = warp::post()
        .and(warp::path!("backups" / "verwijderen"))
        .and(visit(state.clone()))
        .and(warp::body::stream())
        .then(move |v: Visit, body| delete(state.clone(), v, body));
    list.or(download).unify().or(delete).unify().boxed()
}

fn not_found(visit: &Visit) -> Response {
    respond::html(StatusCode::NOT_FOUND, views::not_found(&visit.site))
}

async fn list(state: WebState, visit: Visit, query: HashMap<String, String>) -> Response {
    let Some(session) = &visit.session else {
        return sign_in_first("/backups");
    };
    let backups = match state.services.backups_of(session.actor).await {
        Ok(backups) => backups,
        Err(ServiceError::NotFound) => return not_found(&visit),
        Err(e) => return respond::internal(&visit.site, &e),
    };
    let mut years: Vec<i32> = backups.iter().map(backup_year).collect();
    years.dedup();
    let year = match query
        .get("jaar")
        .map(|y| y.trim())
        .filter(|y| !y.is_empty())
    {
        None => years.first().copied(),
        Some(text) => match text.parse::<i32>() {
            Ok(y) if years.contains(&y) => Some(y),
            _ => return bad_request(&visit.site, visit.site.t().year_wrong_text),
        },
    };
    // After deleting, the page says how many went.
    let notice = query
        .get("verwijderd")
        .and_then(|n| n.parse::<usize>().ok())
        .map(|n| fill(visit.site.t().backups_deleted, &[&n]));
    let page = BackupsPage {
        backups: &backups,
        years: &years,
        year,
        keep: state.services.settings().backups_keep,
        notice,
    };
    let nav = super::nav(&state, session).await;
    respond::html(StatusCode::OK, views::backups(&visit.site, &nav, &page))
}

async fn download(state: WebState, visit: Visit, id: String) -> Response {
    let Some(session) = &visit.session else {
        return sign_in_first(&format!("/backups/{id}/download"));
    };
    let Some(id) = PublicId::parse(&id) else {
        return not_found(&visit);
    };
    match state
        .services
        .open_backup_as(session.actor, visit.context, id)
        .await
    {
        Ok(opened) => download::respond(opened, &visit.headers).await,
        Err(ServiceError::NotFound) => not_found(&visit),
        Err(e) => respond::internal(&visit.site, &e),
    }
}

/// `POST /backups/verwijderen`: deletes the ticked backups, all or none.
async fn delete<S, B, E>(state: WebState, visit: Visit, body: S) -> Response
where
    S: Stream<Item = Result<B, E>>,
    B: Buf,
    E: std::fmt::Display,
{
    let Some(session) = &visit.session else {
        return sign_in_first("/backups");
    };
    let t = visit.site.t();
    let Ok(pairs) = forms::read_pairs(body).await else {
        return bad_request(&visit.site, t.form_unreadable);
    };
    let csrf = pairs
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    if !form_is_genuine(&state, &visit.headers, &session.csrf_token, csrf) {
        return super::account::not_genuine(&visit.site);
    }
    let mut ids = Vec::new();
    for (_, value) in pairs.iter().filter(|(k, _)| k == "id") {
        match PublicId::parse(value) {
            Some(id) => ids.push(id),
            None => return not_found(&visit),
        }
    }
    if ids.is_empty() {
        return bad_request(&visit.site, t.nothing_selected);
    }
    match state
        .services
        .delete_backups_as(session.actor, visit.context, ids)
        .await
    {
        Ok(count) => respond::see_other(&format!("/backups?verwijderd={count}")),
        Err(ServiceError::NotFound) => not_found(&visit),
        Err(e) => respond::internal(&visit.site, &e),
    }
}
