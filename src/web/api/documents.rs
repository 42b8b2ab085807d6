//! Placing, listing and retracting payroll files.

use bytes::Buf;
use futures_util::{Stream, StreamExt};
use serde::Deserialize;
use warp::http::{StatusCode, header};
use warp::reply::{Reply, Response};

use super::problem::{Place, Problem};
use super::{ApiState, Call, answer, json, query, required, service_problem};
use super::{lhn, personnel_number, wire};
use crate::domain::{DocumentKind, Period, PeriodKind, PublicId, Year};
use crate::service::Placement;

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

pub(super) async fn place<S, B>(
    state: ApiState,
    lhn_text: String,
    nr: Option<String>,
    call: Call,
    raw_query: String,
    body: S,
) -> Response
where
    S: Stream<Item = Result<B, warp::Error>> + Unpin + Send + 'static,
    B: Buf,
{
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
                let remembered = crate::service::Remembered {
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

pub(super) async fn list(
    state: ApiState,
    lhn_text: String,
    nr: Option<String>,
    call: Call,
    raw_query: String,
) -> Response {
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
                    approval: (d.kind == DocumentKind::SeriesOverview).then(|| {
                        d.approval.map(|a| wire::ApprovalBody {
                            status: a.decision.as_str(),
                            by: a.by,
                            at: a.at.to_rfc3339(),
                            comment: a.comment,
                        })
                    }),
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

pub(super) async fn retract(state: ApiState, id: String, call: Call) -> Response {
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
