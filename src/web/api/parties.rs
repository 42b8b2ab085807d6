//! `PUT` employers and employees, and the employee list with account status.

use bytes::Buf;
use futures_util::Stream;
use warp::http::StatusCode;
use warp::reply::Response;

use super::{ApiState, Call, answer, json, service_problem};
use super::{lhn, personnel_number, read_json, status_word, wire};
use crate::service::Synced;

fn synced(outcome: Synced) -> Response {
    match outcome {
        Synced::Created => json(StatusCode::CREATED, &wire::SyncedBody { status: "created" }),
        Synced::Updated => json(StatusCode::OK, &wire::SyncedBody { status: "updated" }),
    }
}

pub(super) async fn put_employer<S, B>(
    state: ApiState,
    lhn_text: String,
    call: Call,
    body: S,
) -> Response
where
    S: Stream<Item = Result<B, warp::Error>>,
    B: Buf,
{
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

pub(super) async fn put_employee<S, B>(
    state: ApiState,
    lhn_text: String,
    nr: String,
    call: Call,
    body: S,
) -> Response
where
    S: Stream<Item = Result<B, warp::Error>>,
    B: Buf,
{
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

pub(super) async fn list_employees(state: ApiState, lhn_text: String, call: Call) -> Response {
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
                    payslip_delivery: e.delivery.delivery.as_str(),
                    payslip_delivery_since: e.delivery.since.map(|t| t.to_rfc3339()),
                })
                .collect();
            Ok(json(StatusCode::OK, &body))
        }
        .await,
    )
}
