//! `GET /backups` (bureaus and employers that run their own payroll), downloading one, and
//! deleting the selected ones. Anyone else gets "not found".

use std::collections::HashMap;

use warp::Filter;

use crate::web::route_list::named;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;

use crate::domain::PublicId;
use crate::service::ServiceError;
use crate::web::i18n::fill;
use crate::web::pipeline::{Signed, error_page, form, signed_in};
use crate::web::session::WebState;
use crate::web::views::{self, BackupsPage, backup_year};
use crate::web::{download, respond};

pub fn routes(state: WebState) -> BoxedFilter<(Response,)> {
    let list = warp::get()
        .and(warp::path!("backups"))
        .and(signed_in(state.clone()))
        .and(warp::query::<HashMap<String, String>>())
        .then({
            let state = state.clone();
            move |signed: Signed, q: HashMap<String, String>| list(state.clone(), signed, q)
        });
    let download = warp::get()
        .and(warp::path!("backups" / String / "download"))
        .and(signed_in(state.clone()))
        .then({
            let state = state.clone();
            move |id: String, signed: Signed| download(state.clone(), signed, id)
        });
    let delete = warp::post()
        .and(warp::path!("backups" / "verwijderen"))
        .and(form::<Vec<(String, String)>>(state.clone()))
        .then(move |signed: Signed, pairs| delete(state.clone(), signed, pairs));
    named("backups", list)
        .or(named("backup_download", download))
        .unify()
        .or(named("backups_delete", delete))
        .unify()
        .boxed()
}

async fn list(state: WebState, signed: Signed, query: HashMap<String, String>) -> Response {
    let backups = match state.services.backups_of(signed.session.actor).await {
        Ok(backups) => backups,
        Err(e) => return error_page(&state, &signed, e).await,
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
            _ => return error_page(&state, &signed, ServiceError::invalid("year", text)).await,
        },
    };
    let site = signed.site();
    // After deleting, the page says how many went.
    let notice = query
        .get("verwijderd")
        .and_then(|n| n.parse::<usize>().ok())
        .map(|n| fill(site.t().backups_deleted, &[&n]));
    let page = BackupsPage {
        backups: &backups,
        years: &years,
        year,
        keep: state.services.settings().backups_keep,
        notice,
    };
    let nav = super::nav(&state, &signed.session).await;
    respond::html(StatusCode::OK, views::backups(site, &nav, &page))
}

async fn download(state: WebState, signed: Signed, id: String) -> Response {
    let Some(id) = PublicId::parse(&id) else {
        return error_page(&state, &signed, ServiceError::NotFound).await;
    };
    match state
        .services
        .open_backup_as(signed.session.actor, signed.visit.context, id)
        .await
    {
        Ok(opened) => download::respond(opened, &signed.visit.headers).await,
        Err(e) => error_page(&state, &signed, e).await,
    }
}

/// `POST /backups/verwijderen`: deletes the ticked backups, all or none.
async fn delete(state: WebState, signed: Signed, pairs: Vec<(String, String)>) -> Response {
    let mut ids = Vec::new();
    for (_, value) in pairs.iter().filter(|(k, _)| k == "id") {
        match PublicId::parse(value) {
            Some(id) => ids.push(id),
            None => return error_page(&state, &signed, ServiceError::NotFound).await,
        }
    }
    if ids.is_empty() {
        let t = signed.site().t();
        return super::super::pipeline::problem(
            &state,
            &signed,
            StatusCode::BAD_REQUEST,
            t.failed_title,
            t.nothing_selected,
        )
        .await;
    }
    match state
        .services
        .delete_backups_as(signed.session.actor, signed.visit.context, ids)
        .await
    {
        Ok(count) => respond::see_other(&format!("/backups?verwijderd={count}")),
        Err(e) => error_page(&state, &signed, e).await,
    }
}
