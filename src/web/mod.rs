//! The HTTP face of the product: routes, the accept loop, security headers, pages and assets.
//! Talks to `service` only; never to the store.

pub mod assets;
mod headers;
mod health;
mod idle;
pub mod redirect;
mod respond;
pub mod server;
pub mod views;

use std::sync::Arc;

use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;

pub use headers::{CONTENT_SECURITY_POLICY, SecurityHeaders};

use crate::service::Services;
use views::Site;

/// Every route of the portal, ending in the one "not found" answer.
pub fn routes(services: Arc<Services>, site: Site) -> BoxedFilter<(Response,)> {
    let home_site = site.clone();
    let home = warp::get()
        .and(warp::path::end())
        .map(move || respond::html(StatusCode::OK, views::home(&home_site)));
    let fallback = warp::path::full()
        .map(move |path: warp::path::FullPath| respond::not_found(path.as_str(), &site));
    health::routes(services)
        .or(assets::routes())
        .unify()
        .or(home)
        .unify()
        .or(fallback)
        .unify()
        .boxed()
}
