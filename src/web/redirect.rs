//! The plain-HTTP listener next to HTTPS: sends browsers to the HTTPS address (308) and tells API
//! clients plainly that the sync API is HTTPS-only (a redirect would hide that a token leaked).

use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::{HeaderValue, StatusCode, header};
use warp::reply::{Reply, Response};

/// Routes for the redirect listener; `public_url` is the HTTPS origin users should use.
pub fn routes(public_url: &url::Url) -> BoxedFilter<(Response,)> {
    let origin = public_url.as_str().trim_end_matches('/').to_owned();
    let query = warp::query::raw().or(warp::any().map(String::new)).unify();
    warp::path::full()
        .and(query)
        .map(move |path: warp::path::FullPath, query: String| {
            let path = path.as_str();
            if path == "/api" || path.starts_with("/api/") {
                return super::api::Problem::new(
                    StatusCode::FORBIDDEN,
                    "HTTPS required",
                    format!(
                        "The sync API is only served over HTTPS: use {origin}{path}. \
                         The bearer token of this request crossed the network unencrypted; \
                         revoke it and create a new one."
                    ),
                )
                .into_response();
            }
            let target = if query.is_empty() {
                format!("{origin}{path}")
            } else {
                format!("{origin}{path}?{query}")
            };
            let mut response = StatusCode::PERMANENT_REDIRECT.into_response();
            match HeaderValue::from_str(&target) {
                Ok(location) => {
                    response.headers_mut().insert(header::LOCATION, location);
                    response
                }
                Err(_) => StatusCode::BAD_REQUEST.into_response(),
            }
        })
        .boxed()
}
