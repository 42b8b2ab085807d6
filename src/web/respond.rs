//! The building blocks of responses: JSON and HTML with a status, redirects, "not found" and
//! the page for failures the visitor cannot fix (its cause goes to the log under a reference,
//! never to the client). Which outcome reads how is decided in `pipeline` (pages) and
//! `api::service_problem` (problem documents).

use warp::http::{StatusCode, header};
use warp::reply::{Reply, Response};

use super::views;

/// A JSON body with a status.
pub fn json(status: StatusCode, body: &serde_json::Value) -> Response {
    warp::reply::with_status(warp::reply::json(body), status).into_response()
}

/// An HTML page with a status.
pub fn html(status: StatusCode, markup: maud::Markup) -> Response {
    warp::reply::with_status(warp::reply::html(markup.into_string()), status).into_response()
}

/// What a path that matches nothing gets: the same for "never existed" and "not yours".
pub fn not_found(path: &str, site: &views::Site) -> Response {
    if path.starts_with("/api/") {
        super::api::Problem::not_found().into_response()
    } else {
        html(StatusCode::NOT_FOUND, views::not_found(site))
    }
}

/// `303 See Other`: where a browser goes after a form post (or when it must sign in first).
pub fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = header::HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// Something failed that the visitor cannot fix: the cause goes to the log under a reference
/// the visitor can quote; the page shows only the reference.
pub fn internal(site: &views::Site, cause: &dyn std::fmt::Display) -> Response {
    let reference = crate::auth::token::generate()[..8].to_owned();
    tracing::error!(reference, "request failed: {cause}");
    html(
        StatusCode::INTERNAL_SERVER_ERROR,
        views::problem_page(
            site,
            site.t().internal_title,
            &crate::web::i18n::fill(site.t().internal_text, &[&reference]),
        ),
    )
}
