//! The payroll sync API v1 (`/api/v1/…`): bearer tokens only (cookies are ignored), strict
//! JSON, problem documents, and "not found" for everything outside the token's reach.

mod backups;
mod documents;
mod parties;
mod problem;
mod requests;
mod wire;

use std::sync::Arc;

use bytes::{Buf, Bytes, BytesMut};
use futures_util::{Stream, StreamExt};
use warp::Filter;

use crate::web::route_list::named;
use warp::filters::BoxedFilter;
use warp::http::{HeaderMap, StatusCode, header};
use warp::reply::{Reply, Response};

use self::problem::Place;
pub(crate) use self::problem::Problem;
use super::server::{ClientAddr, HeadOnly};
use super::session::client_ip;
use crate::domain::Lhn;
use crate::domain::party::AccountStatus;
use crate::service::{ApiClient, RequestContext, ServiceError, Services};

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
    if e.is_storage_full() {
        tracing::error!("the disk is full: {e}");
        return Problem::new(
            StatusCode::INSUFFICIENT_STORAGE,
            "Insufficient Storage",
            "the portal's disk is full; nothing was stored. Try again later (the administrator has been warned in the log)",
        );
    }
    if e.is_storage_unavailable() {
        tracing::error!("file storage unavailable: {e}");
        return Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "Service Unavailable",
            "the portal's file storage is unavailable; nothing was stored. Try again after the seconds in Retry-After",
        );
    }
    match &e {
        ServiceError::NotFound => Problem::not_found(),
        ServiceError::Invalid { field, message } => {
            Problem::invalid(Place::Parameter((*field).to_owned()), message.clone())
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
        ServiceError::EmptyFile { field } => Problem::invalid(
            Place::Body(String::new()),
            format!("{field}: the file is empty (0 bytes); send the document's bytes"),
        ),
        ServiceError::Busy => Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "Busy",
            "try again in a moment",
        ),
        ServiceError::Forbidden(why) => Problem::new(StatusCode::FORBIDDEN, "Forbidden", *why),
        ServiceError::Taken { field } => Problem {
            status: StatusCode::CONFLICT,
            title: "Conflict",
            detail: format!("{field}: this is taken already"),
            place: Some(Place::Parameter((*field).to_owned())),
        },
        ServiceError::QuotaFull { limit } => Problem::new(
            StatusCode::INSUFFICIENT_STORAGE,
            "Insufficient Storage",
            format!("the space for this party's own files ({limit} bytes) is full"),
        ),
        ServiceError::Throttled { retry_after_secs } => Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "Too Many Requests",
            format!("try again in {retry_after_secs} seconds"),
        ),
        // Not answers the API gives (they belong to signing in through the browser), and the
        // failures a client cannot fix: the cause goes to the log under a reference.
        ServiceError::WrongPassword
        | ServiceError::SignInFailed
        | ServiceError::AccountDisabled
        | ServiceError::Store(_)
        | ServiceError::Blob(_)
        | ServiceError::Maintenance(_)
        | ServiceError::Unreadable(_) => {
            let reference = crate::auth::token::generate()[..8].to_owned();
            tracing::error!(reference, "sync API request failed: {e}");
            Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Internal Server Error",
                format!("the request could not be completed (reference {reference})"),
            )
        }
    }
}

/// Finds the token's client; `Err` is the problem to answer (401 without a live token).
async fn authenticate(
    state: &ApiState,
    headers: &HeaderMap,
    addr: Option<ClientAddr>,
    head_only: bool,
) -> Result<Call, Problem> {
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
            .map_err(service_problem)?,
        None => None,
    };
    let Some(client) = client else {
        return Err(Problem::unauthorized());
    };
    Ok(Call {
        client,
        context: RequestContext {
            client_addr: addr.map(|a| client_ip(a.0.ip(), headers, &state.trusted_proxies)),
            head_only,
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

/// A request the API answered before its handler ran (no live token).
#[derive(Debug)]
struct Refused(Problem);

impl warp::reject::Reject for Refused {}

/// The authenticated sync client behind a request, with its scope and the request's context;
/// without a live token the request is refused with 401 before any handler runs.
fn call(state: ApiState) -> BoxedFilter<(Call,)> {
    warp::header::headers_cloned()
        .and(warp::ext::optional::<ClientAddr>())
        .and(warp::ext::optional::<HeadOnly>())
        .and_then(
            move |headers: HeaderMap, addr: Option<ClientAddr>, head: Option<HeadOnly>| {
                let state = state.clone();
                async move {
                    authenticate(&state, &headers, addr, head.is_some())
                        .await
                        .map_err(|problem| warp::reject::custom(Refused(problem)))
                }
            },
        )
        .boxed()
}

/// The answer to a request refused by [`call`]; other rejections pass on (to "not found").
async fn recover(rejection: warp::Rejection) -> Result<Response, warp::Rejection> {
    match rejection.find::<Refused>() {
        Some(Refused(problem)) => Ok(problem.clone().into_response()),
        None => Err(rejection),
    }
}

/// The OpenAPI 3.1 document: the contract, and the source of truth for field names.
pub const OPENAPI: &str = include_str!("openapi.json");

/// Every operation the API serves, as (method, path template) — kept equal to the OpenAPI
/// document by a test.
pub const OPERATIONS: [(&str, &str); 15] = [
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
    ("get", "/api/v1/requests"),
    ("post", "/api/v1/requests/{id}/processed"),
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
        .then(move |lhn: String, call, body| parties::put_employer(s.clone(), lhn, call, body));
    let s = state.clone();
    let put_employee = warp::put()
        .and(warp::path!(
            "api" / "v1" / "employers" / String / "employees" / String
        ))
        .and(call(state.clone()))
        .and(warp::body::stream())
        .then(move |lhn: String, nr: String, call, body| {
            parties::put_employee(s.clone(), lhn, nr, call, body)
        });
    let s = state.clone();
    let list_employees = warp::get()
        .and(warp::path!(
            "api" / "v1" / "employers" / String / "employees"
        ))
        .and(call(state.clone()))
        .then(move |lhn: String, call| parties::list_employees(s.clone(), lhn, call));
    let s = state.clone();
    let place_employer = warp::post()
        .and(warp::path!(
            "api" / "v1" / "employers" / String / "documents"
        ))
        .and(call(state.clone()))
        .and(warp::query::raw().or(warp::any().map(String::new)).unify())
        .and(warp::body::stream())
        .then(move |lhn: String, call, query: String, body| {
            documents::place(s.clone(), lhn, None, call, query, body)
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
            documents::place(s.clone(), lhn, Some(nr), call, query, body)
        });
    let s = state.clone();
    let list_employer = warp::get()
        .and(warp::path!(
            "api" / "v1" / "employers" / String / "documents"
        ))
        .and(call(state.clone()))
        .and(warp::query::raw().or(warp::any().map(String::new)).unify())
        .then(move |lhn: String, call, query: String| {
            documents::list(s.clone(), lhn, None, call, query)
        });
    let s = state.clone();
    let list_employee = warp::get()
        .and(warp::path!(
            "api" / "v1" / "employers" / String / "employees" / String / "documents"
        ))
        .and(call(state.clone()))
        .and(warp::query::raw().or(warp::any().map(String::new)).unify())
        .then(move |lhn: String, nr: String, call, query: String| {
            documents::list(s.clone(), lhn, Some(nr), call, query)
        });
    let s = state.clone();
    let retract = warp::delete()
        .and(warp::path!("api" / "v1" / "documents" / String))
        .and(call(state.clone()))
        .then(move |id: String, call| documents::retract(s.clone(), id, call));
    let requests = requests::routes(state.clone());
    let backups = backups::routes(state);
    named("api_openapi", openapi)
        .or(named("api_put_employer", put_employer))
        .unify()
        .or(named("api_put_employee", put_employee))
        .unify()
        .or(named("api_employees", list_employees))
        .unify()
        .or(named("api_place_employer", place_employer))
        .unify()
        .or(named("api_place_employee", place_employee))
        .unify()
        .or(named("api_documents_employer", list_employer))
        .unify()
        .or(named("api_documents_employee", list_employee))
        .unify()
        .or(named("api_retract", retract))
        .unify()
        .or(backups)
        .unify()
        .or(requests)
        .unify()
        .recover(recover)
        .unify()
        .boxed()
}

/// Turns a handler's `Result` into the response.
fn answer(result: Result<Response, Problem>) -> Response {
    result.unwrap_or_else(Problem::into_response)
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
