//! The one place that turns outcomes into HTTP responses: problem+json for the API, HTML pages
//! for browsers. Internal causes never reach the client.

use warp::http::{StatusCode, header};
use warp::reply::{Reply, Response};

use super::views;

/// An RFC 9457 problem document.
pub fn problem(status: StatusCode, title: &str, detail: &str) -> Response {
    let body = serde_json::json!({
        "type": "about:blank",
        "title": title,
        "status": status.as_u16(),
        "detail": detail,
    });
    let mut response = warp::reply::with_status(body.to_string(), status).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/problem+json"),
    );
    response
}

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
        problem(
            StatusCode::NOT_FOUND,
            "Not Found",
            "There is nothing at this address.",
        )
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
