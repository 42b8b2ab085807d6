//! The integration tests: one binary, real servers on 127.0.0.1 port 0, real temp data dirs.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test support code: a panic is a test failure with its message"
)]

mod access_history;
mod accounts;
mod cli;
mod concurrency;
mod crash;
mod demo;
mod documents;
mod forms;
mod http;
mod languages;
mod lifecycle;
mod limits;
mod mail;
mod maintenance;
mod pages;
mod people;
mod profile;
mod requests;
mod signin;
mod storage;
mod support;
mod sync_api;
mod tls;
mod two_factor;
mod ui;
