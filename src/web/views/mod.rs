//! Pages as pure functions of their view models, rendered with maud. No handler logic here.

mod account;
mod backups;
mod consent;
mod dossier;
mod format;
mod history;
mod home;
mod icons;
mod layout;
mod pages;
pub mod passkeys;
mod people;
mod requests;
mod signin;
mod two_factor;

pub use account::{
    ForgotPage, ProfilePage, SetPasswordPage, confirm_email, forgot_password, forgot_username,
    link_expired, profile, set_password,
};
pub use backups::{BackupsPage, backup_year, backups};
pub use consent::{consent_page, delivery_form, delivery_now, delivery_word};
pub use dossier::{DossierPage, details_page, dossier_overview, unread_page};
pub use format::browser;
pub use history::access_page;
pub use home::{home, party_table};
pub use layout::{Deleting, ToDelete, confirm_delete_page};
pub use layout::{Nav, Notice, Site};
pub use pages::{not_found, problem_in_layout, problem_page};
pub use people::{EmployeesPage, employees, employers, revealed_bsn};
pub use requests::{RequestsPage, kind_of_slug, request_form, request_page, requests_page};
pub use signin::{SignInPage, sign_in};
pub use two_factor::{CodePage, EnrolPage, code, enrol, recovery_codes, recovery_codes_after};
