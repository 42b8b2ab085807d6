//! Every route of the portal by a static name: what metrics and logs call it, how a request to
//! it proves where it came from, and its path template. A route is built with
//! [`named`], which refuses a name that is not listed here; a test walks the list and shows that
//! every state-changing route refuses a missing or foreign token.

use warp::Filter;
use warp::filters::BoxedFilter;
use warp::reject::Rejection;
use warp::reply::Response;

/// How a request to a route shows it is genuine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guard {
    /// Reads only; no proof needed.
    Read,
    /// A form of the signed-in session: its token and our origin ([`crate::web::pipeline`]).
    Session,
    /// A form shown before signing in: the token of the browser's form cookie (double submit)
    /// and our origin (`pipeline::anonymous_form`, and sign-in itself).
    Browser,
    /// A step of a half-finished sign-in: that sign-in's token (`pipeline::pending_form`).
    Pending,
    /// Changes nothing but costs work: our origin only (the password-strength hint).
    SameOrigin,
    /// The sync API: a bearer token, never a cookie.
    Bearer,
}

/// One route: its name, method, path template and guard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub name: &'static str,
    pub method: &'static str,
    /// The path with its variable parts as `:id` (a public id), `:n` (a number: a
    /// loonheffingennummer or personnel number), `:token`, `:lang`, `:hash`, `:file`. The
    /// metrics label requests by it.
    pub path: &'static str,
    pub guard: Guard,
}

impl Route {
    /// An address this route answers at, its variable parts filled in with placeholders (an id
    /// nobody has: the route is reached and answers "not found").
    pub fn sample(&self) -> String {
        self.path
            .split('/')
            .map(|part| match part {
                ":id" => "0123456789abcdef0123456789abcdef",
                ":n" => "1",
                ":kind" => "verlof",
                ":token" => "x",
                ":lang" => "nl",
                ":hash" => "h",
                ":file" => "style.css",
                other => other,
            })
            .collect::<Vec<_>>()
            .join("/")
    }
}

const fn route(
    name: &'static str,
    method: &'static str,
    path: &'static str,
    guard: Guard,
) -> Route {
    Route {
        name,
        method,
        path,
        guard,
    }
}

use Guard::{Bearer, Browser, Pending, Read, SameOrigin, Session};

/// Every route of the portal.
#[rustfmt::skip]
pub const ROUTES: &[Route] = &[
    // Pages.
    route("home", "GET", "/", Read),
    route("dossier", "GET", "/dossier", Read),
    route("dossier_zip", "GET", "/dossier/zip", Read),
    route("employee_dossier", "GET", "/werknemers/:id", Read),
    route("employer_dossier", "GET", "/werkgevers/:id", Read),
    route("employees", "GET", "/werknemers", Read),
    route("client_employees", "GET", "/werkgevers/:id/werknemers", Read),
    route("employers", "GET", "/werkgevers", Read),
    route("document", "GET", "/documenten/:id", Read),
    route("document_download", "GET", "/documenten/:id/download", Read),
    route("document_details", "GET", "/documenten/:id/details", Read),
    route("unread", "GET", "/ongelezen", Read),
    route("backups", "GET", "/backups", Read),
    route("backup_download", "GET", "/backups/:id/download", Read),
    route("profile", "GET", "/profiel", Read),
    route("profile_2fa", "GET", "/profiel/2fa", Read),
    route("email_confirm_page", "GET", "/email-bevestigen/:token", Read),
    route("sign_in_page", "GET", "/aanmelden", Read),
    route("code_page", "GET", "/aanmelden/code", Read),
    route("enrol_page", "GET", "/aanmelden/instellen", Read),
    route("password_link", "GET", "/wachtwoord/:token", Read),
    route("forgot_username_page", "GET", "/gebruikersnaam-vergeten", Read),
    route("forgot_password_page", "GET", "/wachtwoord-vergeten", Read),
    route("language", "GET", "/taal/:lang", Read),
    // Forms of the signed-in session.
    route("document_actions", "POST", "/documenten/acties", Session),
    route("series_decision", "POST", "/documenten/:id/akkoord", Session),
    route("letter", "POST", "/documenten/brief", Session),
    route("requests", "GET", "/verzoeken", Read),
    route("request_form", "GET", "/verzoeken/nieuw/:kind", Read),
    route("request_submit", "POST", "/verzoeken/nieuw/:kind", Session),
    route("request", "GET", "/verzoeken/:id", Read),
    route("request_withdraw", "POST", "/verzoeken/:id/intrekken", Session),
    route("request_decision", "POST", "/verzoeken/:id/besluit", Session),
    route("request_receipt", "GET", "/verzoeken/:id/bonnen/:n", Read),
    route("upload", "POST", "/documenten/upload", Session),
    route("backups_delete", "POST", "/backups/verwijderen", Session),
    route("bsn_reveal", "POST", "/werknemers/:id/bsn", Session),
    route("profile_username", "POST", "/profiel/gebruikersnaam", Session),
    route("profile_email", "POST", "/profiel/email", Session),
    route("profile_language", "POST", "/profiel/taal", Session),
    route("profile_notify", "POST", "/profiel/meldingen", Session),
    route("colleague_invite", "POST", "/profiel/collegas", Session),
    route("colleague_remove", "POST", "/profiel/collegas/verwijderen", Session),
    route("consent_page", "GET", "/toestemming", Read),
    route("access_history", "GET", "/inzage", Read),
    route("consent", "POST", "/toestemming", Session),
    route("profile_password", "POST", "/profiel/wachtwoord", Session),
    route("profile_2fa_start", "POST", "/profiel/2fa/start", Session),
    route("profile_2fa_confirm", "POST", "/profiel/2fa", Session),
    route("recovery_codes", "POST", "/profiel/2fa/herstelcodes", Session),
    route("session_end", "POST", "/profiel/sessies/:id/beeindigen", Session),
    route("passkey_new", "GET", "/profiel/passkeys/nieuw", Read),
    route("passkey_start", "POST", "/profiel/passkeys/nieuw", Session),
    route("passkey_add", "POST", "/profiel/passkeys", Session),
    route("passkey_remove_page", "GET", "/profiel/passkeys/:id/verwijderen", Read),
    route("passkey_remove", "POST", "/profiel/passkeys/:id/verwijderen", Session),
    route("passkey_offer_dismiss", "POST", "/passkey-aanbod/later", Session),
    route("email_confirm", "POST", "/email-bevestigen/:token", Session),
    route("sign_out", "POST", "/afmelden", Session),
    // Forms before signing in.
    route("sign_in", "POST", "/aanmelden", Browser),
    route("password_link_submit", "POST", "/wachtwoord/:token", Browser),
    route("forgot_username", "POST", "/gebruikersnaam-vergeten", Browser),
    route("forgot_password", "POST", "/wachtwoord-vergeten", Browser),
    route("code_submit", "POST", "/aanmelden/code", Pending),
    route("enrol_start", "POST", "/aanmelden/instellen/start", Pending),
    route("enrol_confirm", "POST", "/aanmelden/instellen", Pending),
    route("passkey_sign_in_options", "POST", "/aanmelden/passkey", Browser),
    route("passkey_sign_in", "POST", "/aanmelden/passkey/klaar", Browser),
    route("passkey_code_options", "POST", "/aanmelden/code/passkey", Pending),
    route("passkey_code", "POST", "/aanmelden/code/passkey/klaar", Pending),
    route("passkey_enrol_options", "POST", "/aanmelden/instellen/passkey", Pending),
    route("passkey_enrol", "POST", "/aanmelden/instellen/passkey/klaar", Pending),
    route("password_strength", "POST", "/wachtwoord-sterkte", SameOrigin),
    // Files and machines.
    route("asset", "GET", "/assets/:hash/:file", Read),
    route("manifest", "GET", "/manifest.webmanifest", Read),
    route("service_worker", "GET", "/sw.js", Read),
    route("robots", "GET", "/robots.txt", Read),
    route("logo", "GET", "/logo/:hash", Read),
    route("healthz", "GET", "/healthz", Read),
    route("metrics", "GET", "/metrics", Bearer),
    // The sync API.
    route("api_openapi", "GET", "/api/v1/openapi.json", Read),
    route("api_put_employer", "PUT", "/api/v1/employers/:n", Bearer),
    route("api_put_employee", "PUT", "/api/v1/employers/:n/employees/:n", Bearer),
    route("api_employees", "GET", "/api/v1/employers/:n/employees", Bearer),
    route("api_place_employer", "POST", "/api/v1/employers/:n/documents", Bearer),
    route("api_documents_employer", "GET", "/api/v1/employers/:n/documents", Bearer),
    route("api_place_employee", "POST", "/api/v1/employers/:n/employees/:n/documents", Bearer),
    route("api_documents_employee", "GET", "/api/v1/employers/:n/employees/:n/documents", Bearer),
    route("api_retract", "DELETE", "/api/v1/documents/:id", Bearer),
    route("api_backup_upload", "POST", "/api/v1/backups", Bearer),
    route("api_backups", "GET", "/api/v1/backups", Bearer),
    route("api_backup", "GET", "/api/v1/backups/:id", Bearer),
    route("api_backup_delete", "DELETE", "/api/v1/backups/:id", Bearer),
    route("api_requests", "GET", "/api/v1/requests", Bearer),
    route("api_request_processed", "POST", "/api/v1/requests/:id/processed", Bearer),
];

/// The route a response was answered by, for metrics and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answered(pub &'static Route);

/// The routes that take uploads (counted separately in the metrics).
pub const UPLOADS: [&str; 5] = [
    "upload",
    "letter",
    "api_place_employer",
    "api_place_employee",
    "api_backup_upload",
];

/// `filter` as the route called `name`: its responses carry [`Answered`]. Panics when building
/// the routes if `name` is not in [`ROUTES`], so no route goes unlisted (and so untested by the
/// token walk).
pub fn named<F>(name: &'static str, filter: F) -> BoxedFilter<(Response,)>
where
    F: Filter<Extract = (Response,), Error = Rejection> + Clone + Send + Sync + 'static,
{
    let Some(route) = ROUTES.iter().find(|r| r.name == name) else {
        panic!("route {name} is not listed in web::route_list::ROUTES");
    };
    filter
        .map(move |mut response: Response| {
            response.extensions_mut().insert(Answered(route));
            response
        })
        .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A document or party id in a sample address (the route is reached; the answer is "not
    /// found").
    const ID: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn names_are_unique_and_samples_are_addresses() {
        let mut names: Vec<&str> = ROUTES.iter().map(|r| r.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ROUTES.len(), "a name used twice");
        for route in ROUTES {
            assert!(route.path.starts_with('/'), "{route:?}");
            assert!(!route.sample().contains(':'), "{route:?}");
            assert!(
                matches!(route.method, "GET" | "POST" | "PUT" | "DELETE"),
                "{route:?}"
            );
            let changes = route.method != "GET";
            assert!(
                !changes || route.guard != Guard::Read,
                "{}: a state-changing route needs a guard",
                route.name
            );
        }
        for upload in UPLOADS {
            assert!(ROUTES.iter().any(|r| r.name == upload), "{upload}");
        }
        assert!(ROUTES.iter().any(|r| r.sample().contains(ID)));
    }

    /// Every route the source builds is in the table: as many `warp::post()` (and put, delete)
    /// in `src/web` as the table has routes of that method, so a new form cannot skip the list
    /// (and with it the token walk).
    #[test]
    fn the_table_lists_every_route_the_source_builds() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web");
        let this = std::path::Path::new(file!())
            .file_name()
            .unwrap()
            .to_owned();
        let mut source = String::new();
        let mut stack = vec![dir];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs")
                    && path.file_name() != Some(&this)
                {
                    source.push_str(&std::fs::read_to_string(path).unwrap());
                }
            }
        }
        for (method, call) in [
            ("POST", "warp::post()"),
            ("PUT", "warp::put()"),
            ("DELETE", "warp::delete()"),
        ] {
            let built = source.matches(call).count();
            let listed = ROUTES.iter().filter(|r| r.method == method).count();
            assert_eq!(built, listed, "{method} routes built vs listed");
        }
    }
}
