//! `GET /healthz`: for load balancers and monitoring; says whether the database answers.

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
            let (status, text, db) = if health.database_ok {
                (StatusCode::OK, "ok", "ok")
            } else {
                (StatusCode::SERVICE_UNAVAILABLE, "unavailable", "error")
            };
            respond::json(
                status,
                &serde_json::json!({
                    "status": text,
                    "version": env!("CARGO_PKG_VERSION"),
                    "db": db,
                }),
            )
        }
    });
    super::route_list::named("healthz", healthz)
}
