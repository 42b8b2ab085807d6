//! HTTPS terminated in-process: real handshakes with a certificate made at test time.

use std::sync::Arc;

use reqwest::StatusCode;
use rustls::version::{TLS12, TLS13};
use rustls_pki_types::ServerName;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use crate::support::{TestApp, TestCert, config_text};

async fn tls_app(extra: &str) -> (TestApp, TestCert) {
    let tmp = tempfile::tempdir().unwrap();
    let cert = TestCert::write(tmp.path());
    let text = config_text(tmp.path(), &format!("{extra}{}", cert.tls_section("")));
    (TestApp::start_in(tmp, &text).await, cert)
}

async fn handshake(
    app: &TestApp,
    config: Arc<rustls::ClientConfig>,
) -> std::io::Result<tokio_rustls::client::TlsStream<TcpStream>> {
    let tcp = TcpStream::connect(app.running.local_addr()).await?;
    let name = ServerName::try_from("localhost").unwrap();
    TlsConnector::from(config).connect(name, tcp).await
}

#[tokio::test]
async fn tls13_and_tls12_handshakes_with_alpn() {
    let (app, cert) = tls_app("").await;
    assert!(app.running.url().starts_with("https://127.0.0.1:"));

    let stream = handshake(&app, cert.client_config(&[&TLS13], &[b"h2", b"http/1.1"]))
        .await
        .expect("TLS 1.3 handshake");
    let (_, conn) = stream.get_ref();
    assert_eq!(
        conn.protocol_version(),
        Some(rustls::ProtocolVersion::TLSv1_3)
    );
    assert_eq!(conn.alpn_protocol(), Some(&b"h2"[..]));

    let stream = handshake(&app, cert.client_config(&[&TLS12], &[b"http/1.1"]))
        .await
        .expect("TLS 1.2 handshake");
    let (_, conn) = stream.get_ref();
    assert_eq!(
        conn.protocol_version(),
        Some(rustls::ProtocolVersion::TLSv1_2)
    );
    let suite = conn.negotiated_cipher_suite().unwrap().suite();
    let name = format!("{suite:?}");
    assert!(
        name.contains("ECDHE") && (name.contains("GCM") || name.contains("CHACHA20")),
        "{name}"
    );
    assert_eq!(conn.alpn_protocol(), Some(&b"http/1.1"[..]));
    app.stop().await;
}

/// A minimal TLS 1.1 ClientHello offering only suites a TLS 1.1 client would.
fn tls11_client_hello() -> Vec<u8> {
    let mut body = vec![0x03, 0x02]; // client_version TLS 1.1
    body.extend_from_slice(&[0x42; 32]); // random
    body.push(0); // no session id
    body.extend_from_slice(&[0x00, 0x06, 0xc0, 0x13, 0xc0, 0x14, 0x00, 0x2f]); // suites
    body.extend_from_slice(&[0x01, 0x00]); // null compression only
    let mut handshake = vec![0x01, 0x00];
    handshake.extend_from_slice(&(body.len() as u16).to_be_bytes());
    handshake.extend_from_slice(&body);
    let mut record = vec![0x16, 0x03, 0x02];
    record.extend_from_slice(&(handshake.len() as u16).to_be_bytes());
    record.extend_from_slice(&handshake);
    record
}

#[tokio::test]
async fn tls11_is_refused_with_an_alert() {
    let (app, _cert) = tls_app("").await;
    let mut tcp = TcpStream::connect(app.running.local_addr()).await.unwrap();
    tcp.write_all(&tls11_client_hello()).await.unwrap();
    let mut reply = Vec::new();
    tcp.read_to_end(&mut reply).await.unwrap();
    // One fatal alert record (type 21, level 2) and then the close: never a ServerHello.
    assert_eq!(reply.len(), 7, "expected one alert record, got {reply:?}");
    assert_eq!(reply[0], 0x15, "expected an alert record, got {reply:?}");
    assert_eq!(reply[5], 2, "expected a fatal alert, got {reply:?}");
    // handshake_failure (40) or protocol_version (70): no common version.
    assert!(matches!(reply[6], 40 | 70), "unexpected alert {}", reply[6]);
    app.stop().await;
}

#[tokio::test]
async fn healthz_over_https_with_hsts_on_http2() {
    let (app, cert) = tls_app("").await;
    let client = cert.http_client();
    let url = format!(
        "https://localhost:{}/healthz",
        app.running.local_addr().port()
    );
    let response = client.get(url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.version(), reqwest::Version::HTTP_2);
    assert_eq!(
        response.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["db"], "ok");
    app.stop().await;
}

#[tokio::test]
async fn redirect_listener_sends_browsers_to_https_and_refuses_api() {
    let tmp = tempfile::tempdir().unwrap();
    let cert = TestCert::write(tmp.path());
    let text = config_text(
        tmp.path(),
        &format!(
            "public_url = \"https://portal.example.nl\"\n{}",
            cert.tls_section("http_redirect_listen = \"127.0.0.1:0\"\n")
        ),
    );
    let app = TestApp::start_in(tmp, &text).await;
    let plain = format!(
        "http://{}",
        app.running.redirect_addr().expect("redirect listener")
    );

    let response = app
        .client
        .get(format!("{plain}/dossier?jaar=2020"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(
        response.headers()["location"],
        "https://portal.example.nl/dossier?jaar=2020"
    );
    assert!(
        response
            .headers()
            .get("strict-transport-security")
            .is_none()
    );

    let api = app
        .client
        .post(format!("{plain}/api/v1/employers/123456782L01/documents"))
        .bearer_auth("ld_secret")
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), StatusCode::FORBIDDEN);
    assert!(api.headers().get("location").is_none());
    assert_eq!(api.headers()["content-type"], "application/problem+json");
    let problem: serde_json::Value = api.json().await.unwrap();
    assert!(
        problem["detail"].as_str().unwrap().contains("HTTPS"),
        "{problem}"
    );
    app.stop().await;
}
