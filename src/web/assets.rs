//! Static assets embedded in the binary, served under content-hashed URLs
//! (`/assets/<hash>/<name>`) so browsers may cache them for a year.

use std::collections::HashMap;
use std::sync::LazyLock;

use bytes::Bytes;
use rust_embed::RustEmbed;
use warp::Filter;

use crate::web::route_list::named;
use warp::filters::BoxedFilter;
use warp::http::{HeaderValue, Response as HttpResponse, StatusCode, header};
use warp::reply::{Reply, Response};

#[derive(RustEmbed)]
#[folder = "assets/"]
struct Embedded;

struct Asset {
    hash: String,
    etag: HeaderValue,
    content_type: HeaderValue,
    body: Bytes,
}

/// Every embedded file by name, hashed once at start-up.
static ASSETS: LazyLock<HashMap<String, Asset>> = LazyLock::new(|| {
    Embedded::iter()
        .filter_map(|name| {
            let file = Embedded::get(&name)?;
            let hash = hex::encode(&file.metadata.sha256_hash()[..8]);
            let etag = HeaderValue::from_str(&format!("\"{hash}\"")).ok()?;
            let content_type = HeaderValue::from_str(file.metadata.mimetype()).ok()?;
            let asset = Asset {
                hash,
                etag,
                content_type,
                body: Bytes::from(file.data.into_owned()),
            };
            Some((name.into_owned(), asset))
        })
        .collect()
});

/// The cacheable URL of an embedded asset, for use in pages.
pub fn url(name: &str) -> String {
    match ASSETS.get(name) {
        Some(asset) => format!("/assets/{}/{name}", asset.hash),
        None => {
            tracing::error!(name, "page refers to an asset that is not embedded");
            format!("/assets/missing/{name}")
        }
    }
}

/// Where the configured logo is served: its address changes with its content.
pub fn logo_url(logo: &crate::config::Logo) -> String {
    use sha2::Digest;
    let hash = hex::encode(&sha2::Sha256::digest(&logo.bytes)[..8]);
    format!("/logo/{hash}")
}

/// `GET /logo/<hash>`: the configured logo, sandboxed (an SVG opened on its own runs
/// nothing), cached for a year.
pub fn logo_route(logo: Option<crate::config::Logo>) -> BoxedFilter<(Response,)> {
    let path = logo.as_ref().map(logo_url);
    let logo_route =
        warp::get()
            .and(warp::path::full())
            .and_then(move |full: warp::path::FullPath| {
                let logo = logo.clone();
                let wanted = path.as_deref() == Some(full.as_str());
                async move {
                    match logo {
                        Some(logo) if wanted => {
                            let mut response = HttpResponse::new(logo.bytes.clone());
                            let headers = response.headers_mut();
                            headers.insert(
                                header::CONTENT_TYPE,
                                HeaderValue::from_static(logo.media_type),
                            );
                            headers.insert(
                                header::CACHE_CONTROL,
                                HeaderValue::from_static("public, max-age=31536000, immutable"),
                            );
                            headers.insert(
                                header::CONTENT_SECURITY_POLICY,
                                HeaderValue::from_static(
                                    "default-src 'none'; style-src 'unsafe-inline'; sandbox",
                                ),
                            );
                            Ok(response.into_response())
                        }
                        _ => Err(warp::reject::not_found()),
                    }
                }
            });
    named("logo", logo_route)
}

/// The web app manifest: the installation's name, colours and icons, so the portal can be
/// installed on a phone or desktop like an app.
pub fn manifest(name: &str) -> serde_json::Value {
    let short: String = name.chars().take(12).collect();
    serde_json::json!({
        "name": name,
        "short_name": short.trim_end(),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#f5f7fa",
        "theme_color": "#1f4e79",
        "icons": [
            { "src": url("icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any" },
            { "src": url("icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any" },
            { "src": url("favicon.svg"), "sizes": "any", "type": "image/svg+xml" }
        ]
    })
}

/// `GET /assets/<hash>/<name>`, `GET /robots.txt`, the app manifest and the service worker
/// (which must live at the root to serve the whole site).
pub fn routes(site_name: String) -> BoxedFilter<(Response,)> {
    let manifest_body = Bytes::from(manifest(&site_name).to_string());
    let manifest = warp::get()
        .and(warp::path!("manifest.webmanifest"))
        .map(move || {
            let mut response = HttpResponse::new(manifest_body.clone());
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/manifest+json"),
            );
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            response.into_response()
        });
    let worker = warp::get()
        .and(warp::path!("sw.js"))
        .map(|| serve("sw.js", None, None));
    let hashed = warp::get()
        .and(warp::path!("assets" / String / String))
        .and(warp::header::optional::<String>("if-none-match"))
        .map(
            |hash: String, name: String, if_none_match: Option<String>| {
                serve(&name, Some(&hash), if_none_match.as_deref())
            },
        );
    let robots = warp::get()
        .and(warp::path!("robots.txt"))
        .map(|| serve("robots.txt", None, None));
    named("asset", hashed)
        .or(named("robots", robots))
        .unify()
        .or(named("manifest", manifest))
        .unify()
        .or(named("service_worker", worker))
        .unify()
        .boxed()
}

fn serve(name: &str, hash: Option<&str>, if_none_match: Option<&str>) -> Response {
    let Some(asset) = ASSETS.get(name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    // A stale hash (a page from before an upgrade) still gets the file, but not for keeps.
    let cache = if hash == Some(asset.hash.as_str()) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let not_modified = if_none_match.is_some_and(|tags| {
        tags.split(',')
            .any(|tag| tag.trim().trim_start_matches("W/").as_bytes() == asset.etag.as_bytes())
    });
    let mut response = if not_modified {
        HttpResponse::new(Bytes::new())
    } else {
        HttpResponse::new(asset.body.clone())
    };
    if not_modified {
        *response.status_mut() = StatusCode::NOT_MODIFIED;
    }
    let headers = response.headers_mut();
    headers.insert(header::ETAG, asset.etag.clone());
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if !not_modified {
        headers.insert(header::CONTENT_TYPE, asset.content_type.clone());
    }
    response.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_carry_the_content_hash() {
        let css = url("style.css");
        let hash = &ASSETS["style.css"].hash;
        assert_eq!(css, format!("/assets/{hash}/style.css"));
        assert_eq!(hash.len(), 16);
        assert!(url("nope.css").contains("/missing/"));
    }
}
