//! Prometheus metrics for `/metrics`: requests by route and status, latency, bytes in and
//! out, uploads, open connections, the argon2 queue, job runs, and (read when scraped) the
//! mail queue. Process-wide: one server per process.

use std::sync::LazyLock;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
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

    /// Records one answered request. Every label comes from a bounded set, so a flood of
    /// made-up addresses or methods costs no lasting memory: a 404 counts under its route only
    /// if that route has answered otherwise before (an address that is not there is no route;
    /// a document that is not there is), else as "other"; methods outside the standard ones
    /// count as "other", and at most [`MAX_ROUTES`] distinct routes are ever labelled.
    pub fn request(&self, method: &str, path: &str, status: u16, seconds: f64) {
        let route = bounded(route_of(path), status != 404);
        let method = match method {
            "GET" | "HEAD" | "POST" | "PUT" | "DELETE" | "PATCH" | "OPTIONS" => method,
            _ => OTHER,
        };
        if method == "POST" && (200..400).contains(&status) && is_upload(&route) {
            self.uploads
                .get_or_create(&RouteLabels {
                    route: route.clone(),
                })
                .inc();
        }
        self.duration
            .get_or_create(&RouteLabels {
                route: route.clone(),
            })
            .observe(seconds);
        self.requests
            .get_or_create(&RequestLabels {
                route,
                method: method.to_owned(),
                status,
            })
            .inc();
    }
}

fn is_upload(route: &str) -> bool {
    matches!(
        route,
        "/api/v1/employers/:n/documents"
            | "/api/v1/employers/:n/employees/:n/documents"
            | "/api/v1/backups"
            | "/documenten/upload"
    )
}

/// The label of everything outside the bounded sets.
const OTHER: &str = "other";

/// The most distinct routes labelled; the portal has about 70, so this only bounds a scan
/// that finds answers at many made-up addresses.
pub const MAX_ROUTES: usize = 256;

/// `route` if seen before, or if `admit` and fewer than [`MAX_ROUTES`] are known; else "other".
fn bounded(route: String, admit: bool) -> String {
    static SEEN: LazyLock<std::sync::Mutex<std::collections::HashSet<String>>> =
        LazyLock::new(Default::default);
    let mut seen = SEEN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if seen.contains(&route) {
        return route;
    }
    if !admit || seen.len() >= MAX_ROUTES {
        return OTHER.to_owned();
    }
    seen.insert(route.clone());
    route
}

/// The first path segments the portal has; anything else is one "other" route, so a scan
/// of random addresses cannot blow up the number of series.
const KNOWN: &[&str] = &[
    "",
    "aanmelden",
    "afmelden",
    "api",
    "assets",
    "backups",
    "documenten",
    "dossier",
    "email-bevestigen",
    "gebruikersnaam-vergeten",
    "healthz",
    "logo",
    "manifest.webmanifest",
    "metrics",
    "ongelezen",
    "profiel",
    "robots.txt",
    "sw.js",
    "taal",
    "wachtwoord",
    "wachtwoord-sterkte",
    "wachtwoord-vergeten",
    "welkom",
    "werkgevers",
    "werknemers",
];

/// A path with its variable parts replaced: ids, numbers and tokens become `:id`, `:n` and
/// `:token`, so `/documenten/3f…/download` counts as `/documenten/:id/download`.
pub fn route_of(path: &str) -> String {
    let mut segments = path.trim_start_matches('/').split('/');
    let first = segments.next().unwrap_or("");
    if !KNOWN.contains(&first) {
        return "other".to_owned();
    }
    let mut route = format!("/{first}");
    for segment in segments.take(6) {
        route.push('/');
        route.push_str(match segment {
            s if first == "assets" => {
                if s.contains('.') && s.len() <= 40 {
                    s
                } else {
                    ":hash"
                }
            }
            s if s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit()) => ":id",
            // The API's version.
            "v1" => "v1",
            s if s.bytes().any(|b| b.is_ascii_digit()) && s.len() <= 24 => ":n",
            s if s.len() > 24 => ":token",
            s if s
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'-' || b == b'.') =>
            {
                s
            }
            _ => ":x",
        });
    }
    if first == "assets" {
        // One asset route per file name is plenty; the hash varies by release.
        return route;
    }
    route
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_lose_their_ids_and_unknown_paths_collapse() {
        assert_eq!(route_of("/"), "/");
        assert_eq!(
            route_of("/documenten/0123456789abcdef0123456789abcdef/download"),
            "/documenten/:id/download"
        );
        assert_eq!(
            route_of("/api/v1/employers/123456782L01/employees/17/documents"),
            "/api/v1/employers/:n/employees/:n/documents"
        );
        assert_eq!(
            route_of("/wachtwoord/Zx8-a_long-random-token-value"),
            "/wachtwoord/:token"
        );
        assert_eq!(
            route_of("/assets/1e00a52a62b327d9/style.css"),
            "/assets/:hash/style.css"
        );
        assert_eq!(route_of("/wp-admin/setup.php"), "other");
        assert_eq!(route_of("/.env"), "other");
    }

    #[test]
    fn requests_are_counted_by_route_and_uploads_by_kind() {
        let metrics = &*METRICS;
        metrics.request("POST", "/api/v1/backups", 201, 0.02);
        metrics.request(
            "GET",
            "/documenten/0123456789abcdef0123456789abcdef",
            200,
            0.001,
        );
        metrics.request(
            "GET",
            "/documenten/00000000000000000000000000000000",
            404,
            0.001,
        );
        // A page that never answered: its 404s are "other", whatever it is called.
        metrics.request("GET", "/profiel/abcdefgh", 404, 0.001);
        metrics.request("BREW", "/", 404, 0.001);
        let text = metrics.render();
        assert!(
            text.contains(r#"loondossier_uploads_total{route="/api/v1/backups"}"#),
            "{text}"
        );
        assert!(
            text.contains(r#"loondossier_http_requests_total{route="/documenten/:id",method="GET",status="404"}"#),
            "{text}"
        );
        assert!(
            !text.contains("abcdefgh") && !text.contains("BREW"),
            "{text}"
        );
        assert!(text.contains("loondossier_http_request_duration_seconds_bucket"));
    }
}
