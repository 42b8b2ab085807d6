//! The HTTP face of the product: routes, the accept loop, security headers, pages and assets.
//! Talks to `service` only; never to the store.

pub mod api;
pub mod assets;
mod download;
mod forms;
mod headers;
mod health;
pub mod i18n;
mod idle;
mod pipeline;
pub mod redirect;
mod respond;
pub mod route_list;
pub mod server;
pub mod session;
mod ui;
pub mod views;

use std::sync::Arc;

use warp::Filter;
use warp::filters::BoxedFilter;
use warp::reply::Response;

pub use headers::{CONTENT_SECURITY_POLICY, SecurityHeaders};
pub use session::WebState;

/// Every route of the portal, ending in the one "not found" answer.
pub fn routes(state: WebState) -> BoxedFilter<(Response,)> {
    let site = state.site.clone();
    let fallback = warp::path::full().and(warp::header::headers_cloned()).map(
        move |path: warp::path::FullPath, headers| {
            let site = site.in_language(session::language_of(None, &headers));
            respond::not_found(path.as_str(), &site)
        },
    );
    let api = api::routes(api::ApiState {
        services: Arc::clone(&state.services),
        trusted_proxies: state.trusted_proxies.clone(),
    });
    let metrics = metrics_route(Arc::clone(&state.services), state.metrics_token.clone());
    health::routes(Arc::clone(&state.services))
        .or(metrics)
        .unify()
        .or(assets::routes(state.site.name.clone()))
        .unify()
        .or(assets::logo_route(state.logo.clone()))
        .unify()
        .or(api)
        .unify()
        .or(ui::routes(state))
        .unify()
        .or(fallback)
        .unify()
        .boxed()
}

/// `GET /metrics` in the Prometheus text format, for the bearer of `[metrics] token` only;
/// anyone else (and everyone when no token is configured) gets the same 404 as any unknown
/// address.
fn metrics_route(
    services: Arc<crate::service::Services>,
    token: Option<String>,
) -> BoxedFilter<(Response,)> {
    let metrics = warp::get()
        .and(warp::path!("metrics"))
        .and(warp::header::optional::<String>("authorization"))
        .and_then(move |authorization: Option<String>| {
            let services = Arc::clone(&services);
            let token = token.clone();
            async move {
                let sent = authorization
                    .as_deref()
                    .and_then(|a| a.strip_prefix("Bearer "))
                    .unwrap_or("");
                match token {
                    Some(token) if crate::auth::token::same(&token, sent) => {
                        Ok(metrics_page(&services).await)
                    }
                    _ => Err(warp::reject::not_found()),
                }
            }
        });
    route_list::named("metrics", metrics)
}

async fn metrics_page(services: &crate::service::Services) -> Response {
    use crate::metrics::{METRICS, MailLabels};
    if let Ok(summary) = services.outbox_summary().await {
        for (state, count) in [("queued", summary.queued), ("failed", summary.failed)] {
            METRICS
                .mail
                .get_or_create(&MailLabels {
                    state: state.to_owned(),
                })
                .set(count);
        }
    }
    let mut response = Response::new(METRICS.render().into());
    response.headers_mut().insert(
        warp::http::header::CONTENT_TYPE,
        warp::http::HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}
