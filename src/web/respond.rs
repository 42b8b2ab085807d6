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
