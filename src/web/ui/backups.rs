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
        .map(|n| views::Notice::done(fill(site.t().backups_deleted, &[&n])))
        .or_else(|| super::page_notice(site.t(), &query, None));
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
    let back = super::local_path(
        pairs
            .iter()
            .find(|(k, _)| k == "terug")
            .map(|(_, v)| v.as_str()),
    )
    .unwrap_or_else(|| "/backups".to_owned());
    if ids.is_empty() {
        // Said on the list itself, on the year the user was looking at.
        return respond::see_other(&super::with_query(&back, "melding", super::NOTHING_CHOSEN));
    }
    let confirmed = pairs.iter().any(|(k, v)| k == "bevestigd" && v == "ja");
    if !confirmed {
        // A deleted backup is gone for the payroll software too: first the question.
        let backups = match state.services.backups_of(signed.session.actor).await {
            Ok(backups) => backups,
            Err(e) => return error_page(&state, &signed, e).await,
        };
        let mut items = Vec::with_capacity(ids.len());
        for id in &ids {
            match backups.iter().find(|b| b.id == *id) {
                Some(b) => items.push(views::ToDelete {
                    id: b.id.to_string(),
                    name: b.file_name.clone(),
                    size: b.size,
                    created_at: b.created_at,
                }),
                None => return error_page(&state, &signed, ServiceError::NotFound).await,
            }
        }
        let nav = super::nav(&state, &signed.session).await;
        return respond::html(
            StatusCode::OK,
            views::confirm_delete_page(
                signed.site(),
                &nav,
                views::Deleting::Backups,
                "/backups/verwijderen",
                &items,
                &back,
            ),
        );
    }
    match state
        .services
        .delete_backups_as(signed.session.actor, signed.visit.context, ids)
        .await
    {
        Ok(count) => {
            respond::see_other(&super::with_query(&back, "verwijderd", &count.to_string()))
        }
        Err(e) => error_page(&state, &signed, e).await,
    }
}
