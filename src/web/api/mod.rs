//! The payroll sync API v1 (`/api/v1/…`): bearer tokens only (cookies are ignored), strict
//! JSON, problem documents, and "not found" for everything outside the token's reach.

mod problem;
mod wire;

use std::sync::Arc;

use bytes::{Buf, Bytes, BytesMut};
use futures_util::{Stream, StreamExt};
use serde::Deserialize;
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::{HeaderMap, StatusCode, header};
use warp::reply::{Reply, Response};

use self::problem::{Place, Problem};
use super::server::ClientAddr;
use super::session::client_ip;
use crate::domain::party::AccountStatus;
use crate::domain::{DocumentKind, Lhn, Period, PeriodKind, PublicId, Year};
use crate::service::{ApiClient, Placement, RequestContext, ServiceError, Services, Synced};

/// What every API handler starts from.
#[derive(Debug, Clone)]
pub struct ApiState {
    pub services: Arc<Services>,
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

/// A request that carried a live token.
struct Call {
    client: ApiClient,
    context: RequestContext,
    headers: HeaderMap,
}

fn json(status: StatusCode, body: &impl serde::Serialize) -> Response {
    warp::reply::with_status(warp::reply::json(body), status).into_response()
}

/// How a service answer that is not success reads in the API.
fn service_problem(e: ServiceError) -> Problem {
    match e {
        ServiceError::NotFound => Problem::not_found(),
        ServiceError::Invalid { field, message } => {
            Problem::invalid(Place::Parameter(field.to_owned()), message)
        }
        ServiceError::TooLarge { limit } => Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Payload Too Large",
            format!("the file is larger than {limit} bytes"),
        ),
        ServiceError::UnsupportedType => Problem {
            status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
            title: "Unsupported Media Type",
            detail:
                "payslips and annual statements must be PDF files; employer reports PDF, XML or CSV"
                    .to_owned(),
            place: Some(Place::Body(String::new())),
        },
        ServiceError::Busy => Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "Busy",
            "try again in a moment",
        ),
        ServiceError::Forbidden(why) => Problem::new(StatusCode::FORBIDDEN, "Forbidden", why),
        other => {
            let reference = crate::auth::token::generate()[..8].to_owned();
            tracing::error!(reference, "sync API request failed: {other}");
            Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Internal Server Error",
                format!("the request could not be completed (reference {reference})"),
            )
        }
    }
}

/// Finds the token's client; `Err` is the 401 to answer.
async fn authenticate(
    state: &ApiState,
    headers: &HeaderMap,
    addr: Option<ClientAddr>,
) -> Result<Call, Response> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let client = match bearer {
        Some(secret) => state
            .services
            .api_client(secret)
            .await
            .map_err(|e| service_problem(e).into_response())?,
        None => None,
    };
    let Some(client) = client else {
        return Err(Problem::unauthorized().into_response());
    };
    Ok(Call {
        client,
        context: RequestContext {
            client_addr: addr.map(|a| client_ip(a.0.ip(), headers, &state.trusted_proxies)),
        },
        headers: headers.clone(),
    })
}

/// Reads a JSON body of at most [`wire::JSON_LIMIT`] bytes.
async fn read_json<S, B>(body: S) -> Result<Bytes, Problem>
where
    S: Stream<Item = Result<B, warp::Error>>,
    B: Buf,
{
    let mut collected = BytesMut::new();
    let mut body = std::pin::pin!(body);
    while let Some(chunk) = body.next().await {
        let mut chunk = chunk
            .map_err(|e| Problem::new(StatusCode::BAD_REQUEST, "Bad Request", e.to_string()))?;
        if collected.len() + chunk.remaining() > wire::JSON_LIMIT {
            return Err(Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Payload Too Large",
                format!("JSON bodies are at most {} bytes", wire::JSON_LIMIT),
            ));
        }
        while chunk.has_remaining() {
            let part = chunk.chunk();
            collected.extend_from_slice(part);
            let n = part.len();
            chunk.advance(n);
        }
    }
    Ok(collected.freeze())
}

fn lhn(text: &str) -> Result<Lhn, Problem> {
    Lhn::parse(text).map_err(|e| Problem::invalid(Place::Parameter("lhn".into()), e.0))
}

fn personnel_number(text: &str) -> Result<String, Problem> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > 32 || text.chars().any(char::is_control) {
        return Err(Problem::invalid(
            Place::Parameter("nr".into()),
            "a personnel number has 1 to 32 characters",
        ));
    }
    Ok(text.to_owned())
}

fn status_word(status: AccountStatus) -> &'static str {
    status.as_str()
}

/// Everything the handlers share, as a filter: the state, the headers and the client address.
fn call(
    state: ApiState,
) -> impl Filter<Extract = (Result<Call, Response>,), Error = std::convert::Infallible> + Clone {
    warp::header::headers_cloned()
        .and(warp::ext::optional::<ClientAddr>())
        .then(move |headers: HeaderMap, addr: Option<ClientAddr>| {
            let state = state.clone();
            async move { authenticate(&state, &headers, addr).await }
        })
}

/// The OpenAPI 3.1 document: the contract, and the source of truth for field names.
pub const OPENAPI: &str = include_str!("openapi.json");

/// Every operation the API serves, as (method, path template) — kept equal to the OpenAPI
/// document by a test.
pub const OPERATIONS: [(&str, &str); 13] = [
    ("get", "/api/v1/openapi.json"),
    ("put", "/api/v1/employers/{lhn}"),
    ("put", "/api/v1/employers/{lhn}/employees/{nr}"),
    ("get", "/api/v1/employers/{lhn}/employees"),
    ("post", "/api/v1/employers/{lhn}/documents"),
    ("get", "/api/v1/employers/{lhn}/documents"),
    ("post", "/api/v1/employers/{lhn}/employees/{nr}/documents"),
    ("get", "/api/v1/employers/{lhn}/employees/{nr}/documents"),
    ("delete", "/api/v1/documents/{id}"),
    ("post", "/api/v1/backups"),
    ("get", "/api/v1/backups"),
    ("get", "/api/v1/backups/{id}"),
    ("delete", "/api/v1/backups/{id}"),
];

pub fn routes(state: ApiState) -> BoxedFilter<(Response,)> {
    let openapi = warp::get()
        .and(warp::path!("api" / "v1" / "openapi.json"))
        .map(|| {
            let mut response = warp::reply::with_status(OPENAPI, StatusCode::OK).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                header::HeaderValue::from_static("application/json"),
            );
            response
        });
    let s = state.clone();
    let put_employer = warp::put()
        .and(warp::path!("api" / "v1" / "employers" / String))
        .and(call(state.clone()))
        .and(warp::body::stream())
        .then(move |lhn: String, call, body| put_employer(s.clone(), lhn, call, body));
    let s = state.clone();
    let put_employee = warp::put()
        .and(warp::path!(
            "api" / "v1" / "employers" / String / "employees" / String
        ))
        .and(call(state.clone()))
        .and(warp::body::stream())
        .then(move |lhn: String, nr: String, call, body| {
            put_employee(s.clone(), lhn, nr, call, body)
        });
    let s = state.clone();
    let list_employees = warp::get()
        .and(warp::path!(
            "api" / "v1" / "employers" / String / "employees"
        ))
        .and(call(state.clone()))
        .then(move |lhn: String, call| list_employees(s.clone(), lhn, call));
    let s = state.clone();
    let place_employer = warp::post()
        .and(warp::path!(
            "api" / "v1" / "employers" / String / "documents"
        ))
        .and(call(state.clone()))
        .and(warp::query::raw().or(warp::any().map(String::new)).unify())
        .and(warp::body::stream())
        .then(move |lhn: String, call, query: String, body| {
            place(s.clone(), lhn, None, call, query, body)
        });
    let s = state.clone();
    let place_employee = warp::post()
        .and(warp::path!(
            "api" / "v1" / "employers" / String / "employees" / String / "documents"
        ))
        .and(call(state.clone()))
        .and(warp::query::raw().or(warp::any().map(String::new)).unify())
        .and(warp::body::stream())
        .then(move |lhn: String, nr: String, call, query: String, body| {
            place(s.clone(), lhn, Some(nr), call, query, body)
        });
    let s = state.clone();
    let list_employer = warp::get()
        .and(warp::path!(
            "api" / "v1" / "employers" / String / "documents"
        ))
        .and(call(state.clone()))
        .and(warp::query::raw().or(warp::any().map(String::new)).unify())
        .then(move |lhn: String, call, query: String| list(s.clone(), lhn, None, call, query));
    let s = state.clone();
    let list_employee = warp::get()
        .and(warp::path!(
            "api" / "v1" / "employers" / String / "employees" / String / "documents"
        ))
        .and(call(state.clone()))
        .and(warp::query::raw().or(warp::any().map(String::new)).unify())
        .then(move |lhn: String, nr: String, call, query: String| {
            list(s.clone(), lhn, Some(nr), call, query)
        });
    let s = state.clone();
    let retract = warp::delete()
        .and(warp::path!("api" / "v1" / "documents" / String))
        .and(call(state.clone()))
        .then(move |id: String, call| retract(s.clone(), id, call));
    let backups = backup_routes(state);
    openapi
        .or(put_employer)
        .unify()
        .or(put_employee)
        .unify()
        .or(list_employees)
        .unify()
        .or(place_employer)
        .unify()
        .or(place_employee)
        .unify()
        .or(list_employer)
        .unify()
        .or(list_employee)
        .unify()
        .or(retract)
        .unify()
        .or(backups)
        .unify()
        .boxed()
}

fn backup_routes(state: ApiState) -> BoxedFilter<(Response,)> {
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
    store
        .or(list)
        .unify()
        .or(download)
        .unify()
        .or(delete)
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

async fn store_backup<S, B>(
    state: ApiState,
    call: Result<Call, Response>,
    raw_query: String,
    body: S,
) -> Response
where
    S: Stream<Item = Result<B, warp::Error>> + Unpin + Send + 'static,
    B: Buf,
{
    let call = match call {
        Ok(call) => call,
        Err(response) => return response,
    };
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

async fn list_backups(state: ApiState, call: Result<Call, Response>) -> Response {
    let call = match call {
        Ok(call) => call,
        Err(response) => return response,
    };
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

async fn download_backup(state: ApiState, id: String, call: Result<Call, Response>) -> Response {
    let call = match call {
        Ok(call) => call,
        Err(response) => return response,
    };
    let Some(id) = PublicId::parse(&id) else {
        return Problem::not_found().into_response();
    };
    match state
        .services
        .open_backup(&call.client, call.context, id)
        .await
    {
        Ok(opened) => super::download::respond(opened, &call.headers).await,
        Err(e) => service_problem(e).into_response(),
    }
}

async fn delete_backup(state: ApiState, id: String, call: Result<Call, Response>) -> Response {
    let call = match call {
        Ok(call) => call,
        Err(response) => return response,
    };
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

/// Turns a handler's `Result` into the response.
fn answer(result: Result<Response, Problem>) -> Response {
    result.unwrap_or_else(Problem::into_response)
}

fn synced(outcome: Synced) -> Response {
    match outcome {
        Synced::Created => json(StatusCode::CREATED, &wire::SyncedBody { status: "created" }),
        Synced::Updated => json(StatusCode::OK, &wire::SyncedBody { status: "updated" }),
    }
}

async fn put_employer<S, B>(
    state: ApiState,
    lhn_text: String,
    call: Result<Call, Response>,
    body: S,
) -> Response
where
    S: Stream<Item = Result<B, warp::Error>>,
    B: Buf,
{
    let call = match call {
        Ok(call) => call,
        Err(response) => return response,
    };
    answer(
        async {
            let lhn = lhn(&lhn_text)?;
            let body: wire::EmployerBody = wire::parse(&read_json(body).await?)?;
            let data = body.into_data(lhn)?;
            let outcome = state
                .services
                .sync_employer(&call.client, data)
                .await
                .map_err(service_problem)?;
            Ok(synced(outcome))
        }
        .await,
    )
}

async fn put_employee<S, B>(
    state: ApiState,
    lhn_text: String,
    nr: String,
    call: Result<Call, Response>,
    body: S,
) -> Response
where
    S: Stream<Item = Result<B, warp::Error>>,
    B: Buf,
{
    let call = match call {
        Ok(call) => call,
        Err(response) => return response,
    };
    answer(
        async {
            let lhn = lhn(&lhn_text)?;
            let nr = personnel_number(&nr)?;
            let body: wire::EmployeeBody = wire::parse(&read_json(body).await?)?;
            let data = body.into_data(nr)?;
            let outcome = state
                .services
                .sync_employee(&call.client, lhn, data)
                .await
                .map_err(service_problem)?;
            Ok(synced(outcome))
        }
        .await,
    )
}

async fn list_employees(
    state: ApiState,
    lhn_text: String,
    call: Result<Call, Response>,
) -> Response {
    let call = match call {
        Ok(call) => call,
        Err(response) => return response,
    };
    answer(
        async {
            let lhn = lhn(&lhn_text)?;
            let employees = state
                .services
                .api_employees(&call.client, lhn)
                .await
                .map_err(service_problem)?;
            let body: Vec<wire::EmployeeStatusBody> = employees
                .into_iter()
                .map(|e| wire::EmployeeStatusBody {
                    personnel_number: e.personnel_number,
                    name: e.name,
                    account_status: status_word(e.status),
                    invited_at: e.invited_at.map(|t| t.to_rfc3339()),
                    last_login_at: e.last_login_at.map(|t| t.to_rfc3339()),
                })
                .collect();
            Ok(json(StatusCode::OK, &body))
        }
        .await,
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlaceQuery {
    kind: Option<String>,
    year: Option<String>,
    period_kind: Option<String>,
    period: Option<String>,
    title: Option<String>,
    filename: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    year: Option<String>,
    kind: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
}

/// Parses a query string strictly: unknown or repeated parameters are named.
fn query<T: serde::de::DeserializeOwned + Default>(raw: &str) -> Result<T, Problem> {
    if raw.is_empty() {
        return Ok(T::default());
    }
    serde_urlencoded::from_str(raw).map_err(|e| {
        let message = e.to_string();
        let name = message.split('`').nth(1).unwrap_or("query").to_owned();
        Problem::invalid(Place::Parameter(name), message)
    })
}

fn required<'a>(value: &'a Option<String>, name: &str) -> Result<&'a str, Problem> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            Problem::invalid(
                Place::Parameter(name.to_owned()),
                format!("{name} is required"),
            )
        })
}

fn number(text: &str, name: &str) -> Result<i64, Problem> {
    text.trim().parse().map_err(|_| {
        Problem::invalid(
            Place::Parameter(name.to_owned()),
            format!("{name} must be a whole number"),
        )
    })
}

fn year(text: &str) -> Result<Year, Problem> {
    Year::new(number(text, "year")?)
        .map_err(|e| Problem::invalid(Place::Parameter("year".into()), e.0))
}

fn kind(text: &str) -> Result<DocumentKind, Problem> {
    DocumentKind::parse(text.trim())
        .map_err(|e| Problem::invalid(Place::Parameter("kind".into()), e.0))
}

async fn place<S, B>(
    state: ApiState,
    lhn_text: String,
    nr: Option<String>,
    call: Result<Call, Response>,
    raw_query: String,
    body: S,
) -> Response
where
    S: Stream<Item = Result<B, warp::Error>> + Unpin + Send + 'static,
    B: Buf,
{
    let call = match call {
        Ok(call) => call,
        Err(response) => return response,
    };
    let idempotency = call
        .headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(|k| k.trim().to_owned())
        .filter(|k| !k.is_empty() && k.len() <= 200);
    let request_hash = crate::auth::token::digest(&format!("POST {lhn_text} {nr:?} {raw_query}"));
    if let Some(key) = &idempotency {
        match state.services.remembered_answer(&call.client, key).await {
            Ok(Some(remembered)) if remembered.request_hash == request_hash => {
                let status = StatusCode::from_u16(remembered.status).unwrap_or(StatusCode::OK);
                let mut response =
                    warp::reply::with_status(remembered.body, status).into_response();
                response.headers_mut().insert(
                    header::CONTENT_TYPE,
                    header::HeaderValue::from_static("application/json"),
                );
                return response;
            }
            Ok(Some(_)) => {
                return Problem::invalid(
                    Place::Header("Idempotency-Key".into()),
                    "this Idempotency-Key was used for another request",
                )
                .into_response();
            }
            Ok(None) => {}
            Err(e) => return service_problem(e).into_response(),
        }
    }
    let outcome = async {
        let lhn = lhn(&lhn_text)?;
        let nr = nr.as_deref().map(personnel_number).transpose()?;
        let q: PlaceQuery = query(&raw_query)?;
        let kind = kind(required(&q.kind, "kind")?)?;
        let year = year(required(&q.year, "year")?)?;
        let period_kind = PeriodKind::parse(required(&q.period_kind, "period_kind")?)
            .map_err(|e| Problem::invalid(Place::Parameter("period_kind".into()), e.0))?;
        let period_number = match period_kind {
            PeriodKind::Year => q
                .period
                .as_deref()
                .map(|p| number(p, "period"))
                .transpose()?
                .unwrap_or(0),
            _ => number(required(&q.period, "period")?, "period")?,
        };
        let period = Period::new(period_kind, period_number)
            .map_err(|e| Problem::invalid(Place::Parameter("period".into()), e.0))?;
        let file_name = q.filename.clone().or_else(|| {
            call.headers
                .get(header::CONTENT_DISPOSITION)
                .and_then(|v| v.to_str().ok())
                .and_then(wire::disposition_file_name)
        });
        let title = q.title.clone().filter(|t| !t.trim().is_empty());
        if title.as_ref().is_some_and(|t| t.chars().count() > 200) {
            return Err(Problem::invalid(
                Place::Parameter("title".into()),
                "at most 200 characters",
            ));
        }
        let body = body.map(|chunk| chunk.map_err(std::io::Error::other));
        let placed = state
            .services
            .api_place(
                &call.client,
                call.context,
                lhn,
                nr,
                kind,
                year,
                period,
                title,
                file_name,
                body,
            )
            .await
            .map_err(service_problem)?;
        let (status, word) = match placed.placement {
            Placement::Created => (StatusCode::CREATED, "created"),
            Placement::Corrected => (StatusCode::CREATED, "corrected"),
            Placement::Unchanged => (StatusCode::OK, "unchanged"),
        };
        let body = wire::PlacedBody {
            id: placed.id.to_string(),
            sha256: placed.sha256,
            version: placed.version,
            status: word,
        };
        Ok((status, serde_json::to_string(&body).unwrap_or_default()))
    }
    .await;
    match outcome {
        Ok((status, body)) => {
            if let Some(key) = &idempotency {
                let remembered = crate::store::api_tokens::Remembered {
                    request_hash,
                    status: status.as_u16(),
                    body: body.clone(),
                };
                if let Err(e) = state
                    .services
                    .remember_answer(&call.client, key, remembered)
                    .await
                {
                    tracing::warn!(error = %e, "could not remember an idempotent answer");
                }
            }
            let mut response = warp::reply::with_status(body, status).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                header::HeaderValue::from_static("application/json"),
            );
            response
        }
        Err(problem) => problem.into_response(),
    }
}

async fn list(
    state: ApiState,
    lhn_text: String,
    nr: Option<String>,
    call: Result<Call, Response>,
    raw_query: String,
) -> Response {
    let call = match call {
        Ok(call) => call,
        Err(response) => return response,
    };
    answer(
        async {
            let lhn = lhn(&lhn_text)?;
            let nr = nr.as_deref().map(personnel_number).transpose()?;
            let q: ListQuery = query(&raw_query)?;
            let year = q.year.as_deref().map(year).transpose()?;
            let kind = q.kind.as_deref().map(kind).transpose()?;
            let page = q
                .page
                .as_deref()
                .map(|p| number(p, "page"))
                .transpose()?
                .unwrap_or(1);
            let per_page = q
                .per_page
                .as_deref()
                .map(|p| number(p, "per_page"))
                .transpose()?
                .unwrap_or(100);
            if page < 1 {
                return Err(Problem::invalid(
                    Place::Parameter("page".into()),
                    "pages start at 1",
                ));
            }
            if !(1..=1000).contains(&per_page) {
                return Err(Problem::invalid(
                    Place::Parameter("per_page".into()),
                    "1 to 1000 per page",
                ));
            }
            let offset = u32::try_from((page - 1) * per_page).unwrap_or(u32::MAX);
            let limit = u32::try_from(per_page).unwrap_or(100);
            let documents = state
                .services
                .api_documents(&call.client, lhn, nr, year, kind, offset, limit)
                .await
                .map_err(service_problem)?;
            let items: Vec<wire::DocumentBody> = documents
                .into_iter()
                .map(|d| wire::DocumentBody {
                    id: d.id.to_string(),
                    kind: d.kind.as_str(),
                    year: d.year.get(),
                    period_kind: d.period.kind().as_str(),
                    period: d.period.number(),
                    title: d.title,
                    file_name: d.file_name,
                    size: d.size,
                    sha256: d.sha256,
                    version: d.version,
                    created_at: d.created_at.to_rfc3339(),
                })
                .collect();
            Ok(json(
                StatusCode::OK,
                &serde_json::json!({ "documents": items, "page": page, "per_page": per_page }),
            ))
        }
        .await,
    )
}

async fn retract(state: ApiState, id: String, call: Result<Call, Response>) -> Response {
    let call = match call {
        Ok(call) => call,
        Err(response) => return response,
    };
    answer(
        async {
            let id = PublicId::parse(&id).ok_or_else(Problem::not_found)?;
            state
                .services
                .api_retract(&call.client, call.context, id)
                .await
                .map_err(service_problem)?;
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        .await,
    )
}
