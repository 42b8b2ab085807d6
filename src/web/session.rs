//! The session cookie, the signed-in account behind a request, and CSRF protection (a
//! synchronizer token in every form plus a same-origin check on every state change).

use std::sync::Arc;

use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::{HeaderMap, HeaderValue, header};

use super::i18n::Lang;
use super::server::{ClientAddr, HeadOnly};
use crate::service::{CurrentSession, IssuedSession, RequestContext, Services};

/// What the browser pages share: the services, the site, and how cookies must be set.
#[derive(Debug, Clone)]
pub struct WebState {
    pub services: Arc<Services>,
    pub site: super::views::Site,
    /// The bearer token `/metrics` wants; `None`: there is no `/metrics`.
    pub metrics_token: Option<String>,
    /// The configured logo, served at `site.logo`.
    pub logo: Option<crate::config::Logo>,
    /// Served over TLS: cookies get `Secure` and the `__Host-` prefix.
    pub secure: bool,
    /// `scheme://host[:port]` users reach us on, when configured.
    pub origin: Option<String>,
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl WebState {
    pub fn session_cookie_name(&self) -> &'static str {
        if self.secure {
            "__Host-loondossier"
        } else {
            "loondossier"
        }
    }

    /// The cookie holding the anonymous forms' CSRF token (sign-in and the like).
    pub fn form_cookie_name(&self) -> &'static str {
        if self.secure {
            "__Host-loondossier-form"
        } else {
            "loondossier-form"
        }
    }

    fn attributes(&self) -> &'static str {
        if self.secure {
            "; Path=/; HttpOnly; Secure; SameSite=Lax"
        } else {
            "; Path=/; HttpOnly; SameSite=Lax"
        }
    }

    /// `Set-Cookie` for a new session; it ends with the browser (no Max-Age) and on the server.
    pub fn set_session(&self, issued: &IssuedSession) -> Option<HeaderValue> {
        HeaderValue::from_str(&format!(
            "{}={}{}",
            self.session_cookie_name(),
            issued.id,
            self.attributes()
        ))
        .ok()
    }

    /// `Set-Cookie` that removes a cookie.
    pub fn clear(&self, name: &str) -> Option<HeaderValue> {
        HeaderValue::from_str(&format!("{name}={}; Max-Age=0", self.attributes())).ok()
    }

    /// `Set-Cookie` keeping the language chosen before signing in (not a secret; a year).
    pub fn language_cookie(&self, lang: Lang) -> Option<HeaderValue> {
        HeaderValue::from_str(&format!(
            "{LANGUAGE_COOKIE}={}{}; Max-Age=31536000",
            lang.code(),
            self.attributes()
        ))
        .ok()
    }

    /// `Set-Cookie` for the anonymous form token.
    pub fn set_form_token(&self, token: &str) -> Option<HeaderValue> {
        HeaderValue::from_str(&format!(
            "{}={token}{}",
            self.form_cookie_name(),
            self.attributes()
        ))
        .ok()
    }
}

/// One cookie's value from a `Cookie` header.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim())
}

/// Everything a browser request brings that handlers need.
#[derive(Debug, Clone)]
pub struct Visit {
    pub session: Option<CurrentSession>,
    /// The installation in the language this visit gets (see `language_of`).
    pub site: super::views::Site,
    pub context: RequestContext,
    pub headers: HeaderMap,
}

impl Visit {
    /// The local path (and query) of the page a request came from, if it came from ours.
    pub fn referring_page(&self) -> Option<String> {
        let referer = self.headers.get(header::REFERER)?.to_str().ok()?;
        let url = url::Url::parse(referer).ok()?;
        let host = self.headers.get(header::HOST)?.to_str().ok()?;
        let same_host = url.host_str().map(|h| match url.port() {
            Some(port) => format!("{h}:{port}"),
            None => h.to_owned(),
        });
        if same_host.as_deref() != Some(host) {
            return None;
        }
        let path = match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        };
        super::ui::local_path(Some(&path))
    }

    pub fn user_agent(&self) -> Option<&str> {
        self.headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
    }
}

/// Finds the signed-in account (if any) for each request.
pub fn visit(state: WebState) -> BoxedFilter<(Visit,)> {
    warp::header::headers_cloned()
        .and(warp::ext::optional::<ClientAddr>())
        .and(warp::ext::optional::<HeadOnly>())
        .and(warp::path::full())
        .and(warp::method())
        .then(
            move |headers: HeaderMap,
                  addr: Option<ClientAddr>,
                  head: Option<HeadOnly>,
                  path: warp::path::FullPath,
                  method: warp::http::Method| {
                let state = state.clone();
                async move {
                    let context = RequestContext {
                        client_addr: addr
                            .map(|a| client_ip(a.0.ip(), &headers, &state.trusted_proxies)),
                        head_only: head.is_some(),
                    };
                    let session = match cookie(&headers, state.session_cookie_name()) {
                        Some(id) => match state.services.session(id).await {
                            Ok(session) => session,
                            Err(e) => {
                                tracing::error!(error = %e, "session lookup failed");
                                None
                            }
                        },
                        None => None,
                    };
                    let mut site = state
                        .site
                        .in_language(language_of(session.as_ref(), &headers));
                    site.here = path.as_str().to_owned();
                    let mut visit = Visit {
                        session,
                        site,
                        context,
                        headers,
                    };
                    if !matches!(method, warp::http::Method::GET | warp::http::Method::HEAD) {
                        // A page drawn in answer to a form (a refusal, a step) belongs to the
                        // page the form was on: its menu item, and where the language switch
                        // comes back to. The form's own address has no page to come back to.
                        visit.site.here = visit.referring_page().unwrap_or_else(|| "/".to_owned());
                    }
                    visit
                }
            },
        )
        .boxed()
}

/// The cookie that keeps the language someone chose before signing in.
pub const LANGUAGE_COOKIE: &str = "taal";

/// The language of a visit: the account's own choice when signed in; otherwise the language
/// picked with the footer link, or else the browser's preference; Dutch when none says.
pub fn language_of(session: Option<&CurrentSession>, headers: &HeaderMap) -> Lang {
    if let Some(lang) = session.and_then(|s| Lang::parse(&s.language)) {
        return lang;
    }
    if let Some(lang) = cookie(headers, LANGUAGE_COOKIE).and_then(Lang::parse) {
        return lang;
    }
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept_language)
        .unwrap_or_default()
}

/// The client's address: the connection's peer, unless that is a trusted proxy, in which
/// case the last address in `X-Forwarded-For` that is not itself a trusted proxy.
pub fn client_ip(
    peer: std::net::IpAddr,
    headers: &HeaderMap,
    trusted: &[std::net::IpAddr],
) -> std::net::IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let forwarded: Vec<std::net::IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|part| part.trim().parse().ok())
        .collect();
    forwarded
        .into_iter()
        .rev()
        .find(|ip| !trusted.contains(ip))
        .unwrap_or(peer)
}

/// Whether a state-changing request comes from our own pages: the browser's
/// `Sec-Fetch-Site` (or, from older browsers, `Origin`) must not point elsewhere.
pub fn same_origin(state: &WebState, headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        None => true,
        Some(origin) => {
            let ours = state.origin.clone().or_else(|| {
                let host = headers.get(header::HOST)?.to_str().ok()?;
                let scheme = if state.secure { "https" } else { "http" };
                Some(format!("{scheme}://{host}"))
            });
            ours.is_some_and(|ours| ours == origin)
        }
    }
}

/// The token for a form shown to someone not signed in (double-submit: the same value goes
/// in a cookie and in the form), and the cookie to set if the browser has none yet.
pub fn anonymous_token(state: &WebState, visit: &Visit) -> (String, Option<HeaderValue>) {
    match cookie(&visit.headers, state.form_cookie_name())
        .filter(|t| crate::auth::token::well_formed(t))
    {
        Some(existing) => (existing.to_owned(), None),
        None => {
            let fresh = crate::auth::token::generate();
            let cookie = state.set_form_token(&fresh);
            (fresh, cookie)
        }
    }
}

/// Whether a form posted by someone not signed in carries the token of its cookie.
pub fn anonymous_form_is_genuine(state: &WebState, visit: &Visit, sent: &str) -> bool {
    let expected = cookie(&visit.headers, state.form_cookie_name()).unwrap_or("");
    !expected.is_empty() && form_is_genuine(state, &visit.headers, expected, sent)
}

/// Whether a submitted form is genuine: same origin and carrying the expected token.
pub fn form_is_genuine(state: &WebState, headers: &HeaderMap, expected: &str, sent: &str) -> bool {
    same_origin(state, headers) && crate::auth::token::same(expected, sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_addresses_count_only_from_trusted_proxies() {
        let proxy: std::net::IpAddr = "10.0.0.2".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("1.2.3.4, 203.0.113.9, 10.0.0.2"),
        );
        let from_proxy = client_ip(proxy, &headers, &[proxy]);
        assert_eq!(
            from_proxy,
            "203.0.113.9".parse::<std::net::IpAddr>().unwrap(),
            "the right-most untrusted hop"
        );
        let direct: std::net::IpAddr = "198.51.100.1".parse().unwrap();
        assert_eq!(
            client_ip(direct, &headers, &[proxy]),
            direct,
            "a spoofed header from anyone else is ignored"
        );
        assert_eq!(client_ip(proxy, &HeaderMap::new(), &[proxy]), proxy);
    }

    #[test]
    fn cookies_are_found_by_exact_name() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; loondossier-form=xyz; loondossier=abc"),
        );
        assert_eq!(cookie(&headers, "loondossier"), Some("abc"));
        assert_eq!(cookie(&headers, "loondossier-form"), Some("xyz"));
        assert_eq!(cookie(&headers, "b"), None);
    }
}
