//! Security headers added to every response the server sends, whatever route produced it.

use warp::http::header::{self, HeaderMap, HeaderName, HeaderValue};

/// The content security policy: only our own scripts, styles and forms; no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; object-src 'none'; base-uri 'none'; \
     frame-ancestors 'none'; form-action 'self'";

/// Which headers a listener adds. HSTS only makes sense (and is only honoured) over TLS.
#[derive(Debug, Clone, Copy)]
pub struct SecurityHeaders {
    pub hsts: bool,
}

impl SecurityHeaders {
    pub fn apply(self, headers: &mut HeaderMap) {
        // A route may set a stricter policy of its own (documents are sandboxed).
        headers
            .entry(header::CONTENT_SECURITY_POLICY)
            .or_insert(HeaderValue::from_static(CONTENT_SECURITY_POLICY));
        let fixed: [(HeaderName, &'static str); 6] = [
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            // Our own pages learn where a visitor came from (a refused form's page offers the
            // way back); no other site ever gets an address of ours.
            (header::REFERRER_POLICY, "same-origin"),
            (header::X_FRAME_OPTIONS, "DENY"),
            (
                HeaderName::from_static("cross-origin-opener-policy"),
                "same-origin",
            ),
            (
                HeaderName::from_static("cross-origin-resource-policy"),
                "same-origin",
            ),
            (
                HeaderName::from_static("permissions-policy"),
                "camera=(), microphone=(), geolocation=(), interest-cohort=()",
            ),
        ];
        for (name, value) in fixed {
            headers.insert(name, HeaderValue::from_static(value));
        }
        if self.hsts {
            headers.insert(
                header::STRICT_TRANSPORT_SECURITY,
                HeaderValue::from_static("max-age=31536000"),
            );
        }
        // Pages hold payroll data: nothing may be cached unless a route says otherwise.
        headers
            .entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("no-store"));
        headers.remove(header::SERVER);
    }
}
