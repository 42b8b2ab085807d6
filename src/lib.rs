//! loondossier: a self-hosted payroll-document portal. Payroll software places payslips, annual
//! statements and employer reports in online dossiers; bureaus, employers and employees sign in
//! to view, download, upload and share them.

pub mod app;
pub mod auth;
pub mod blobs;
pub mod cli;
pub mod clock;
pub mod config;
pub mod data_dir;
pub mod domain;
pub mod jobs;
pub mod mail;
pub mod metrics;
pub mod push;
pub mod service;
pub mod store;
pub mod tls;
pub mod web;
