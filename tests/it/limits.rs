//! Connections that stall are closed: slow headers (slowloris) and silent connections.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::TestApp;

/// Reads until the server closes. The bound is far above the 1 s timeouts configured below but
/// under hyper's built-in 30 s header timeout, so only our own settings can pass the test.
async fn read_until_closed(stream: &mut TcpStream) -> Vec<u8> {
    let mut received = Vec::new();
    let outcome = tokio::time::timeout(Duration::from_secs(15), async {
        let mut buf = [0u8; 1024];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    assert!(outcome.is_ok(), "the server never closed the connection");
    received
}

#[tokio::test]
async fn slow_headers_are_cut_off() {
    let app = TestApp::start_with(
        "[http]\nlisten = \"127.0.0.1:0\"\nheader_read_timeout_secs = 1\nidle_timeout_secs = 300\n",
    )
    .await;
    let mut stream = TcpStream::connect(app.running.local_addr()).await.unwrap();
    // Half a request, then nothing more: the header timeout must end it.
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let received = read_until_closed(&mut stream).await;
    let text = String::from_utf8_lossy(&received);
    assert!(!text.contains("200 OK"), "{text}");
    app.stop().await;
}

#[tokio::test]
async fn silent_connections_are_closed_when_idle() {
    let app = TestApp::start_with(
        "[http]\nlisten = \"127.0.0.1:0\"\nheader_read_timeout_secs = 300\nidle_timeout_secs = 1\n",
    )
    .await;
    // Connect and send nothing at all (not even enough to tell HTTP/1 from HTTP/2).
    let mut stream = TcpStream::connect(app.running.local_addr()).await.unwrap();
    assert!(read_until_closed(&mut stream).await.is_empty());
    app.stop().await;
}

#[tokio::test]
async fn keep_alive_connections_serve_several_requests() {
    let app = TestApp::start().await;
    let mut stream = TcpStream::connect(app.running.local_addr()).await.unwrap();
    let request = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    stream.write_all(request).await.unwrap();
    stream.write_all(request).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let received = read_until_closed(&mut stream).await;
    let text = String::from_utf8_lossy(&received);
    assert_eq!(text.matches("HTTP/1.1 200 OK").count(), 3, "{text}");
    app.stop().await;
}
