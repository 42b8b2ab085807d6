//! `/api/v1/backups`: the payroll software's own backups — store, list, restore, delete.

use bytes::Buf;
use futures_util::{Stream, StreamExt};
use serde::Deserialize;
use warp::Filter;

use crate::web::route_list::named;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::{Reply, Response};

use super::problem::Problem;
use super::{ApiState, Call, answer, call, json, query, required, service_problem};
use crate::domain::PublicId;

pub(super) fn routes(state: ApiState) -> BoxedFilter<(Response,)> {
    let s = state.clone();
    let store = warp::post()
        .and(warp::path!("api" / "v1" / "backups"))
        .and(call(state.clone()))
        .and(warp::query::raw().or(warp::any().map(String::new)).unify())
        .and(warp::body::stream())
        .then(move |call, query: String, body| store_backup(s.clone(), call, query, body));
    let s = state.clone();
    let list = warp::get()
        .and(warp::path!("api" / "v1" / "backups"))
        .and(call(state.clone()))
        .then(move |call| list_backups(s.clone(), call));
    let s = state.clone();
    let download = warp::get()
        .and(warp::path!("api" / "v1" / "backups" / String))
        .and(call(state.clone()))
        .then(move |id: String, call| download_backup(s.clone(), id, call));
    let s = state.clone();
    let delete = warp::delete()
        .and(warp::path!("api" / "v1" / "backups" / String))
        .and(call(state))
        .then(move |id: String, call| delete_backup(s.clone(), id, call));
    named("api_backup_upload", store)
        .or(named("api_backups", list))
        .unify()
        .or(named("api_backup", download))
        .unify()
        .or(named("api_backup_delete", delete))
        .unify()
        .boxed()
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct BackupQuery {
    filename: Option<String>,
    description: Option<String>,
}

fn backup_body(b: crate::service::BackupInfo) -> serde_json::Value {
    serde_json::json!({
        "id": b.id.to_string(),
        "year": chrono::Datelike::year(&b.created_at),
        "file_name": b.file_name,
        "description": b.description,
        "size": b.size,
        "sha256": b.sha256,
        "created_at": b.created_at.to_rfc3339(),
    })
}

pub(super) async fn store_backup<S, B>(
    state: ApiState,
    call: Call,
    raw_query: String,
    body: S,
) -> Response
where
    S: Stream<Item = Result<B, warp::Error>> + Unpin + Send + 'static,
    B: Buf,
{
    answer(
        async {
            let q: BackupQuery = query(&raw_query)?;
            let file_name = required(&q.filename, "filename")?.to_owned();
            let body = body.map(|chunk| chunk.map_err(std::io::Error::other));
            let stored = state
                .services
                .store_backup(
                    &call.client,
                    call.context,
                    &file_name,
                    q.description.as_deref().unwrap_or(""),
                    body,
                )
                .await
                .map_err(service_problem)?;
            Ok(json(StatusCode::CREATED, &backup_body(stored)))
        }
        .await,
    )
}

pub(super) async fn list_backups(state: ApiState, call: Call) -> Response {
    answer(
        async {
            let backups = state
                .services
                .backups(&call.client)
                .await
                .map_err(service_problem)?;
            let items: Vec<serde_json::Value> = backups.into_iter().map(backup_body).collect();
            Ok(json(
                StatusCode::OK,
                &serde_json::json!({ "backups": items }),
            ))
        }
        .await,
    )
}

pub(super) async fn download_backup(state: ApiState, id: String, call: Call) -> Response {
    let Some(id) = PublicId::parse(&id) else {
        return Problem::not_found().into_response();
    };
    match state
        .services
        .open_backup(&call.client, call.context, id)
        .await
    {
        Ok(opened) => crate::web::download::respond(opened, &call.headers).await,
        Err(e) => service_problem(e).into_response(),
    }
}

pub(super) async fn delete_backup(state: ApiState, id: String, call: Call) -> Response {
    answer(
        async {
            let id = PublicId::parse(&id).ok_or_else(Problem::not_found)?;
            state
                .services
                .delete_backup(&call.client, call.context, id)
                .await
                .map_err(service_problem)?;
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        .await,
    )
}
