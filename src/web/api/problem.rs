//! Errors of the sync API as RFC 9457 problem documents, naming the offending field with a
//! JSON pointer (or the query parameter) so payroll software can show what to fix.

use warp::http::{HeaderValue, StatusCode, header};
use warp::reply::{Reply, Response};

/// Where in the request the problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// A JSON pointer into the body, e.g. `/address/postal_code`.
    Body(String),
    /// A query parameter or path segment by name.
    Parameter(String),
    Header(String),
}

/// A problem to answer with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub status: StatusCode,
    pub title: &'static str,
    pub detail: String,
    pub place: Option<Place>,
}

impl Problem {
    pub fn new(status: StatusCode, title: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status,
            title,
            detail: detail.into(),
            place: None,
        }
    }

    pub fn invalid(place: Place, detail: impl Into<String>) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            title: "Invalid request",
            detail: detail.into(),
            place: Some(place),
        }
    }

    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "Not Found",
            "There is nothing at this address.",
        )
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "Unauthorized",
            "Send a valid sync token: Authorization: Bearer ldsync_…",
        )
    }

    pub fn into_response(self) -> Response {
        let mut body = serde_json::json!({
            "type": "about:blank",
            "title": self.title,
            "status": self.status.as_u16(),
            "detail": self.detail,
        });
        if let Some(place) = &self.place {
            let (key, value) = match place {
                Place::Body(pointer) => ("pointer", pointer.clone()),
                Place::Parameter(name) => ("parameter", name.clone()),
                Place::Header(name) => ("header", name.clone()),
            };
            body["errors"] = serde_json::json!([{ "detail": self.detail, key: value }]);
        }
        let mut response = warp::reply::with_status(body.to_string(), self.status).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        // The file store (or the password queue) is back soon: say when to try again.
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"loondossier sync\""),
            );
        }
        response
    }
}
