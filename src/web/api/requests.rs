//! `/api/v1/requests`: approved requests for the payroll software, in the order they were
//! approved (a stable cursor), and marking one processed (SPEC.md Part 2, "Requests").

use serde::Deserialize;
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::{Reply, Response};

use super::problem::{Place, Problem};
use super::{ApiState, Call, answer, call, json, query, service_problem};
use crate::domain::PublicId;
use crate::domain::request::RequestState;
use crate::service::RequestView;
use crate::web::route_list::named;

/// The most requests one page holds.
const LIMIT_MAX: u32 = 500;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    status: Option<String>,
    after: Option<String>,
    limit: Option<String>,
}

pub(super) fn routes(state: ApiState) -> BoxedFilter<(Response,)> {
    let s = state.clone();
    let list = warp::get()
        .and(warp::path!("api" / "v1" / "requests"))
        .and(call(state.clone()))
        .and(warp::query::raw().or(warp::any().map(String::new)).unify())
        .then(move |call, raw: String| list(s.clone(), call, raw));
    let s = state.clone();
    let processed = warp::post()
        .and(warp::path!(
            "api" / "v1" / "requests" / String / "processed"
        ))
        .and(call(state))
        .then(move |id: String, call| mark_processed(s.clone(), id, call));
    named("api_requests", list)
        .or(named("api_request_processed", processed))
        .unify()
        .boxed()
}

fn whole(text: &str, name: &str, range: std::ops::RangeInclusive<i64>) -> Result<i64, Problem> {
    text.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| {
            Problem::invalid(
                Place::Parameter(name.to_owned()),
                format!(
                    "{name} must be a whole number from {} to {}",
                    range.start(),
                    range.end()
                ),
            )
        })
}

/// One request as the payroll software reads it: who, what, and where it stands. Amounts in
/// euro cents, leave in minutes; the details' `kind` names which fields follow.
fn request_body(r: RequestView) -> serde_json::Value {
    let details = serde_json::to_value(&r.details).unwrap_or(serde_json::Value::Null);
    let decision = r
        .history
        .iter()
        .rev()
        .find(|e| matches!(e.state, RequestState::Approved | RequestState::Rejected));
    serde_json::json!({
        "id": r.id.to_string(),
        "kind": r.kind.as_str(),
        "status": r.state.as_str(),
        "cursor": r.approved_seq,
        "employer_lhn": r.employer_lhn,
        "personnel_number": r.personnel_number,
        "employee_name": r.employee_name,
        "submitted_at": r.submitted_at.to_rfc3339(),
        "decided_at": decision.map(|e| e.at.to_rfc3339()),
        "decision_comment": decision.and_then(|e| e.comment.clone()),
        "details": details,
        "receipts": r.receipts.len(),
    })
}

async fn list(state: ApiState, call: Call, raw: String) -> Response {
    answer(
        async {
            let q: ListQuery = query(&raw)?;
            let status = match q.status.as_deref().map(str::trim) {
                None | Some("approved") => RequestState::Approved,
                Some("processed") => RequestState::Processed,
                Some(_) => {
                    return Err(Problem::invalid(
                        Place::Parameter("status".into()),
                        "status must be approved or processed",
                    ));
                }
            };
            let after = match q.after.as_deref() {
                Some(text) => whole(text, "after", 0..=i64::MAX)?,
                None => 0,
            };
            let limit = match q.limit.as_deref() {
                Some(text) => whole(text, "limit", 1..=i64::from(LIMIT_MAX))?,
                None => 100,
            };
            let limit = u32::try_from(limit).unwrap_or(100);
            let requests = state
                .services
                .api_requests(&call.client, status, after, limit)
                .await
                .map_err(service_problem)?;
            // The next page starts after the last one here; an empty page keeps the cursor.
            let next = requests
                .last()
                .and_then(|r| r.approved_seq)
                .unwrap_or(after);
            let items: Vec<serde_json::Value> = requests.into_iter().map(request_body).collect();
            Ok(json(
                StatusCode::OK,
                &serde_json::json!({ "requests": items, "next_after": next }),
            ))
        }
        .await,
    )
}

async fn mark_processed(state: ApiState, id: String, call: Call) -> Response {
    let Some(id) = PublicId::parse(&id) else {
        return Problem::not_found().into_response();
    };
    match state
        .services
        .api_mark_processed(&call.client, call.context, id)
        .await
    {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(crate::service::ServiceError::Forbidden(why)) => {
            Problem::new(StatusCode::CONFLICT, "Conflict", why).into_response()
        }
        Err(e) => service_problem(e).into_response(),
    }
}
