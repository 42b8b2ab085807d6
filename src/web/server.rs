//! The accept loop: TCP (optionally TLS via rustls) → hyper (HTTP/1.1 and HTTP/2) → warp routes.
//! warp 0.4 has no TLS of its own, so connections, timeouts and graceful shutdown live here.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio_rustls::TlsAcceptor;
use tower_service::Service;
use warp::filters::BoxedFilter;
use warp::reply::Response;

use super::headers::SecurityHeaders;
use super::idle::IdleTimeout;
use crate::metrics::METRICS;

/// Runs `f` when dropped.
struct Guard<F: FnMut()>(F);

impl<F: FnMut()> Drop for Guard<F> {
    fn drop(&mut self) {
        (self.0)();
    }
}

fn on_drop<F: FnMut()>(f: F) -> Guard<F> {
    Guard(f)
}

/// Marks a request that came in as HEAD (routed as GET): handlers pass it on so that opening
/// a file for headers only is not audited as a view (a request extension).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeadOnly;

/// The peer address of the connection a request came in on (a request extension).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub SocketAddr);

/// How a listener treats its connections.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub header_read_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_connections: usize,
    pub shutdown_grace: Duration,
    pub headers: SecurityHeaders,
}

/// Serves `routes` on an already bound listener until `shutdown` turns true, then lets open
/// requests finish for at most the grace period.
pub async fn serve(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    routes: BoxedFilter<(Response,)>,
    options: ServeOptions,
    mut shutdown: watch::Receiver<bool>,
) {
    let options = Arc::new(options);
    let slots = Arc::new(Semaphore::new(options.max_connections));
    let graceful = GracefulShutdown::new();
    loop {
        // Waiting for a slot before accepting leaves excess clients in the kernel's backlog
        // instead of costing us memory.
        let slot = tokio::select! {
            () = stop_requested(&mut shutdown) => break,
            slot = Arc::clone(&slots).acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
        };
        let accepted = tokio::select! {
            () = stop_requested(&mut shutdown) => break,
            accepted = listener.accept() => accepted,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(e) => {
                // Usually EMFILE or a connection reset before accept: back off briefly.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        // Without NODELAY a response written in several chunks waits for delayed ACKs.
        if let Err(e) = stream.set_nodelay(true) {
            tracing::debug!(error = %e, "set_nodelay failed");
        }
        let routes = routes.clone();
        let options = Arc::clone(&options);
        let tls = tls.clone();
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            let _slot = slot;
            match tls {
                None => serve_connection(stream, peer, routes, &options, watcher).await,
                Some(acceptor) => match handshake(&acceptor, stream, &options).await {
                    Ok(stream) => serve_connection(stream, peer, routes, &options, watcher).await,
                    Err(e) => tracing::debug!(%peer, error = %e, "TLS handshake failed"),
                },
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(options.shutdown_grace, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            grace_secs = options.shutdown_grace.as_secs(),
            "requests still open after the shutdown grace period were cut off"
        );
    }
}

/// Resolves once shutdown is requested (or whoever could request it is gone).
async fn stop_requested(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await;
}

async fn handshake(
    acceptor: &TlsAcceptor,
    stream: TcpStream,
    options: &ServeOptions,
) -> std::io::Result<tokio_rustls::server::TlsStream<TcpStream>> {
    tokio::time::timeout(options.header_read_timeout, acceptor.accept(stream))
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "TLS handshake timeout"))?
}

/// The answer to a HEAD: `response`'s status and headers, its body dropped unread. The length
/// the body would have had stays in `Content-Length`; an empty body makes HTTP/2 end the
/// stream with the headers, as a HEAD answer must.
fn without_body(response: Response) -> Response {
    use hyper::body::Body as _;
    let (mut parts, body) = response.into_parts();
    // 204 and 304 have no content, hence no length to tell (RFC 9110 §8.6).
    let has_content = !matches!(parts.status.as_u16(), 100..=199 | 204 | 304);
    if has_content
        && !parts.headers.contains_key(hyper::header::CONTENT_LENGTH)
        && let Some(length) = body.size_hint().exact()
    {
        parts
            .headers
            .insert(hyper::header::CONTENT_LENGTH, length.into());
    }
    Response::from_parts(parts, Default::default())
}

/// Serves one HTTP connection (either protocol) over `io` until it ends or shutdown cuts it,
/// adding the client address and the security headers to every request and response.
async fn serve_connection<IO>(
    io: IO,
    peer: SocketAddr,
    routes: BoxedFilter<(Response,)>,
    options: &ServeOptions,
    watcher: Watcher,
) where
    IO: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let warp_service = warp::service(routes);
    let headers = options.headers;
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(ClientAddr(peer));
        let mut inner = warp_service.clone();
        let started = std::time::Instant::now();
        let method = request.method().clone();
        // HEAD is GET without the body (RFC 9110 §9.3.2): every GET route answers it with the
        // same status and headers, and no route needs to know.
        let head = method == hyper::Method::HEAD;
        if head {
            *request.method_mut() = hyper::Method::GET;
            request.extensions_mut().insert(HeadOnly);
        }
        async move {
            let mut response = inner.call(request).await?;
            if head {
                response = without_body(response);
            }
            headers.apply(response.headers_mut());
            let route = response
                .extensions()
                .get::<super::route_list::Answered>()
                .map(|a| a.0);
            METRICS.request(
                method.as_str(),
                route,
                response.status().as_u16(),
                started.elapsed().as_secs_f64(),
            );
            Ok::<_, Infallible>(response)
        }
    });
    METRICS.connections.inc();
    // Counted down however the connection ends.
    let _open = on_drop(|| {
        METRICS.connections.dec();
    });
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        // Also bounds the wait for the next request on a kept-alive connection.
        .header_read_timeout(options.header_read_timeout);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_concurrent_streams(100)
        .keep_alive_interval(Some(options.idle_timeout / 2))
        .keep_alive_timeout(Duration::from_secs(20));
    let io = TokioIo::new(IdleTimeout::new(io, options.idle_timeout));
    let conn = builder.serve_connection_with_upgrades(io, service);
    if let Err(e) = watcher.watch(conn).await {
        tracing::debug!(%peer, error = %e, "connection ended with an error");
    }
}
