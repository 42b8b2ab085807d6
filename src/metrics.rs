//! Prometheus metrics for `/metrics`: requests by route and status, latency, bytes in and
//! out, uploads, open connections, the argon2 queue, job runs, and (read when scraped) the
//! mail queue. Process-wide: one server per process.

use std::sync::LazyLock;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;

use crate::web::route_list::{Route, UPLOADS};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub route: String,
    pub method: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct JobLabels {
    pub job: String,
    pub outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct MailLabels {
    pub state: String,
}

/// Every metric, registered once.
pub struct Metrics {
    registry: Registry,
    pub requests: Family<RequestLabels, Counter>,
    pub duration: Family<RouteLabels, Histogram>,
    pub bytes_received: Counter,
    pub bytes_sent: Counter,
    pub connections: Gauge,
    pub uploads: Family<RouteLabels, Counter>,
    pub jobs: Family<JobLabels, Counter>,
    pub mail: Family<MailLabels, Gauge>,
    pub password_checks: Gauge,
}

fn latency_histogram() -> Histogram {
    // 1 ms … 16 s: pages are milliseconds, a sign-in a quarter second, a big upload seconds.
    Histogram::new([
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 16.0,
    ])
}

pub static METRICS: LazyLock<Metrics> = LazyLock::new(|| {
    let mut registry = Registry::with_prefix("loondossier");
    let requests = Family::<RequestLabels, Counter>::default();
    registry.register(
        "http_requests",
        "HTTP requests answered, by route, method and status",
        requests.clone(),
    );
    let duration = Family::<RouteLabels, Histogram>::new_with_constructor(
        latency_histogram as fn() -> Histogram,
    );
    registry.register(
        "http_request_duration_seconds",
        "Time from request to response headers, by route",
        duration.clone(),
    );
    let bytes_received = Counter::default();
    registry.register(
        "http_received_bytes",
        "Bytes read from clients (after TLS)",
        bytes_received.clone(),
    );
    let bytes_sent = Counter::default();
    registry.register(
        "http_sent_bytes",
        "Bytes written to clients (before TLS)",
        bytes_sent.clone(),
    );
    let connections = Gauge::default();
    registry.register(
        "http_open_connections",
        "Connections open now",
        connections.clone(),
    );
    let uploads = Family::<RouteLabels, Counter>::default();
    registry.register(
        "uploads",
        "Files stored: payroll documents, browser uploads and backups, by route",
        uploads.clone(),
    );
    let jobs = Family::<JobLabels, Counter>::default();
    registry.register(
        "job_runs",
        "Scheduled job runs by job and outcome (ok, problems, error)",
        jobs.clone(),
    );
    let mail = Family::<MailLabels, Gauge>::default();
    registry.register(
        "mail_messages",
        "Mail in the outbox by state (queued, failed), read when scraped",
        mail.clone(),
    );
    let password_checks = Gauge::default();
    registry.register(
        "password_checks_in_progress",
        "argon2 password checks running or waiting for a core",
        password_checks.clone(),
    );
    Metrics {
        registry,
        requests,
        duration,
        bytes_received,
        bytes_sent,
        connections,
        uploads,
        jobs,
        mail,
        password_checks,
    }
});

impl Metrics {
    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }

    /// Records one answered request under the route that answered it (its path template,
    /// [`crate::web::route_list::ROUTES`]), or "other" for an address no route has. Every label
    /// comes from a fixed set, so a flood of made-up addresses or methods costs no lasting
    /// memory: methods outside the standard ones count as "other" too.
    pub fn request(&self, method: &str, route: Option<&Route>, status: u16, seconds: f64) {
        let label = route.map_or(OTHER, |r| r.path).to_owned();
        let method = match method {
            "GET" | "HEAD" | "POST" | "PUT" | "DELETE" | "PATCH" | "OPTIONS" => method,
            _ => OTHER,
        };
        if (200..400).contains(&status) && route.is_some_and(|r| UPLOADS.contains(&r.name)) {
            self.uploads
                .get_or_create(&RouteLabels {
                    route: label.clone(),
                })
                .inc();
        }
        self.duration
            .get_or_create(&RouteLabels {
                route: label.clone(),
            })
            .observe(seconds);
        self.requests
            .get_or_create(&RequestLabels {
                route: label,
                method: method.to_owned(),
                status,
            })
            .inc();
    }
}

/// The label of everything outside the fixed sets.
const OTHER: &str = "other";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::route_list::ROUTES;

    #[test]
    fn requests_are_counted_by_route_and_uploads_by_kind() {
        let metrics = &*METRICS;
        let route = |name: &str| ROUTES.iter().find(|r| r.name == name);
        metrics.request("POST", route("api_backup_upload"), 201, 0.02);
        metrics.request("GET", route("document"), 200, 0.001);
        metrics.request("GET", route("document"), 404, 0.001);
        // An address no route has: "other", whatever it is called.
        metrics.request("GET", None, 404, 0.001);
        metrics.request("BREW", None, 404, 0.001);
        let text = metrics.render();
        assert!(
            text.contains(r#"loondossier_uploads_total{route="/api/v1/backups"}"#),
            "{text}"
        );
        assert!(
            text.contains(r#"loondossier_http_requests_total{route="/documenten/:id",method="GET",status="404"}"#),
            "{text}"
        );
        assert!(!text.contains("BREW"), "{text}");
        assert!(text.contains("loondossier_http_request_duration_seconds_bucket"));
    }
}
