//! Ports for the programs the tests start (Garage nodes, chromedriver, the SMTP server), and a
//! port where nothing answers.
//!
//! A program told a port binds it itself, so the port is free between the choice and that
//! bind — and a port the kernel hands out for `bind(…:0)` (every in-process server and client
//! of the tests asks for one) can land on it in that gap: once a Garage node answered at the
//! port a test had chosen as "nothing listens". Ports given to programs therefore come from
//! below the kernel's ephemeral range, which `bind(…:0)` never uses, and never twice in one test
//! process; the port where nothing answers stays bound (never listening) while it is needed.

use std::collections::BTreeSet;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::sync::Mutex;

/// The lowest port given to a program: below it are well-known services.
const LOWEST: u16 = 10_000;

/// A port on 127.0.0.1 for a program to listen on: free now, below the ephemeral range, and
/// not given out before by this process.
pub fn for_a_program() -> u16 {
    static GIVEN: Mutex<BTreeSet<u16>> = Mutex::new(BTreeSet::new());
    let below = ephemeral_start();
    assert!(
        below > LOWEST + 1_000,
        "the kernel's ephemeral ports start at {below}: too low to choose ports outside them \
         (net.ipv4.ip_local_port_range)"
    );
    let mut given = GIVEN.lock().unwrap_or_else(|e| e.into_inner());
    for _ in 0..10_000 {
        let port = LOWEST + rand::random::<u16>() % (below - LOWEST);
        if given.contains(&port) {
            continue;
        }
        if TcpListener::bind((Ipv4Addr::LOCALHOST, port)).is_ok() {
            given.insert(port);
            return port;
        }
    }
    panic!("no free port between {LOWEST} and {below}")
}

/// A port on 127.0.0.1 that refuses connections while the returned socket lives: bound but
/// never listening, so no other program can take it.
pub fn refusing() -> (u16, tokio::net::TcpSocket) {
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket
        .bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
        .expect("bind");
    let port = socket.local_addr().expect("port").port();
    (port, socket)
}

/// The first port of the kernel's ephemeral range (Linux's default when it cannot be read).
fn ephemeral_start() -> u16 {
    std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|range| range.split_whitespace().next()?.parse().ok())
        .unwrap_or(32_768)
}
