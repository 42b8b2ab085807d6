//! `GET /healthz`: for load balancers and monitoring; says whether the database and the file
//! store (a bucket, when files live in one) answer.

use std::sync::Arc;

use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;

use super::respond;
use crate::service::Services;

pub fn routes(services: Arc<Services>) -> BoxedFilter<(Response,)> {
    let healthz = warp::get().and(warp::path!("healthz")).then(move || {
        let services = Arc::clone(&services);
        async move {
            let health = services.health().await;
            let word = |ok: bool| if ok { "ok" } else { "unavailable" };
            let all_ok = health.database_ok && health.storage_ok;
            let status = if all_ok {
                StatusCode::OK
            } else {
                StatusCode::SERVICE_UNAVAILABLE
            };
            respond::json(
                status,
                &serde_json::json!({
                    "status": word(all_ok),
                    "version": env!("CARGO_PKG_VERSION"),
                    "db": if health.database_ok { "ok" } else { "error" },
                    "storage": word(health.storage_ok),
                }),
            )
        }
    });
    super::route_list::named("healthz", healthz)
}
