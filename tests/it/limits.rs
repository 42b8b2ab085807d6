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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn five_hundred_slow_connections_leave_healthz_and_sign_in_answering() {
    let app = TestApp::start().await;
    let report = crate::support::demo(&app).await;
    // 500 slowloris clients: each sends part of a request, then a byte now and then.
    let mut slow = Vec::new();
    for _ in 0..500 {
        let mut stream = TcpStream::connect(app.running.local_addr()).await.unwrap();
        stream
            .write_all(b"POST /aanmelden HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .await
            .unwrap();
        slow.push(stream);
    }
    // They keep trickling until the checks below are done (at most two minutes, so that a
    // slow machine cannot outlast them).
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let trickling = std::sync::Arc::clone(&done);
    let trickle = tokio::spawn(async move {
        for _ in 0..240 {
            if trickling.load(std::sync::atomic::Ordering::SeqCst) {
                break;
            }
            for stream in &mut slow {
                let _ = stream.write_all(b"a").await;
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        slow
    });
    // Meanwhile others are served as usual.
    for _ in 0..3 {
        assert_eq!(app.get("/healthz").await.status(), reqwest::StatusCode::OK);
        assert_eq!(
            app.get("/aanmelden").await.status(),
            reqwest::StatusCode::OK
        );
    }
    let employee = crate::support::login(&report, "demo-werknemer-1");
    let browser = crate::support::Browser::signed_in(&app, employee).await;
    assert_eq!(
        browser.get("/dossier").await.status(),
        reqwest::StatusCode::OK
    );
    assert!(!trickle.is_finished(), "the slow clients were still there");
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    trickle.abort();
    app.stop().await;
}
