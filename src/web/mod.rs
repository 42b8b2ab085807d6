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
pub mod redirect;
mod respond;
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
    health::routes(Arc::clone(&state.services))
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
