//! Pages for getting into an account: setting a password from a link, forgetting a username
//! or password, and the Profiel page.

use maud::{Markup, html};

use super::layout::{Nav, Site, page, signed_in_page};
use crate::domain::party::Role;
use crate::web::i18n::{Texts, fill};

/// The set-password form behind a welcome or reset link.
#[derive(Debug, Clone, Default)]
pub struct SetPasswordPage {
    pub csrf_token: String,
    pub username: String,
    pub welcome: bool,
    pub min_chars: usize,
    /// Whose account: the hint names the names a password may not contain.
    pub role: Option<Role>,
    pub error: Option<String>,
}

/// The new-password fields with the rules: the length for `role`, and which names may not be in
/// it (an employee's employer, an employer's own company, a bureau's own office).
fn password_fields(t: &Texts, min_chars: usize, role: Option<Role>) -> Markup {
    let rules = match role {
        Some(Role::Employer) => t.password_rules_employer,
        Some(Role::Bureau) => t.password_rules_bureau,
        Some(Role::Employee) | None => t.password_rules,
    };
    html! {
        label for="password" { (t.new_password) }
        input #password name="password" type="password" autocomplete="new-password" required
            minlength=(min_chars) maxlength="128" aria-describedby="password-rules";
        p #password-rules .muted { (fill(rules, &[&min_chars])) }
        label for="repeated" { (t.repeat_password) }
        input #repeated name="repeated" type="password" autocomplete="new-password" required
            minlength=(min_chars) maxlength="128";
    }
}

/// The current password, asked again before a sensitive change; `id` keeps labels unique
/// on a page with several such forms.
pub fn password_again(t: &Texts, id: &str) -> Markup {
    html! {
        label for=(id) { (t.current_password) }
        input id=(id) name="password" type="password" autocomplete="current-password" required maxlength="128";
    }
}

pub fn set_password(site: &Site, form: &SetPasswordPage) -> Markup {
    let t = site.t();
    let title = if form.welcome {
        t.set_password_title
    } else {
        t.new_password
    };
    page(
        site,
        title,
        html! {
            section.card.narrow {
                h1 { (title) }
                p { (t.username_is) strong { (form.username) } }
                @if let Some(error) = &form.error {
                    p.error role="alert" { (error) }
                }
                form method="post" {
                    input type="hidden" name="csrf" value=(form.csrf_token);
                    (password_fields(t, form.min_chars, form.role))
                    button type="submit" { (t.save_password) }
                }
            }
        },
    )
}

pub fn link_expired(site: &Site) -> Markup {
    let t = site.t();
    page(
        site,
        t.link_expired_title,
        html! {
            section.card.narrow {
                h1 { (t.link_expired_heading) }
                p {
                    (t.link_expired_text)
                }
                p { a.button href="/wachtwoord-vergeten" { (t.request_new_link) } }
            }
        },
    )
}

/// (t.forgot_username_title) or (t.forgot_password_title): one field, and after sending the same
/// confirmation whatever was entered.
#[derive(Debug, Clone)]
pub struct ForgotPage {
    pub csrf_token: String,
    pub sent: bool,
    pub error: Option<String>,
}

pub fn forgot_username(site: &Site, form: &ForgotPage) -> Markup {
    let t = site.t();
    page(
        site,
        t.forgot_username_title,
        html! {
            section.card.narrow {
                h1 { (t.forgot_username_title) }
                @if form.sent {
                    p.notice role="status" {
                        (t.forgot_username_sent)
                    }
                } @else {
                    p { (t.forgot_username_lead) }
                    @if let Some(error) = &form.error { p.error role="alert" { (error) } }
                    form method="post" action="/gebruikersnaam-vergeten" {
                        input type="hidden" name="csrf" value=(form.csrf_token);
                        label for="email" { (t.email_address) }
                        input #email name="email" type="email" autocomplete="email" required maxlength="254";
                        button type="submit" { (t.send) }
                    }
                }
                p { a href="/aanmelden" { (t.back_to_sign_in) } }
            }
        },
    )
}

pub fn forgot_password(site: &Site, form: &ForgotPage) -> Markup {
    let t = site.t();
    page(
        site,
        t.forgot_password_title,
        html! {
            section.card.narrow {
                h1 { (t.forgot_password_title) }
                @if form.sent {
                    p.notice role="status" {
                        (t.forgot_password_sent)
                    }
                } @else {
                    @if let Some(error) = &form.error { p.error role="alert" { (error) } }
                    form method="post" action="/wachtwoord-vergeten" {
                        input type="hidden" name="csrf" value=(form.csrf_token);
                        label for="username" { (t.username) }
                        input #username name="username" type="text" autocomplete="username"
                            autocapitalize="none" spellcheck="false" required maxlength="254";
                        button type="submit" { (t.send) }
                    }
                    p { a href="/gebruikersnaam-vergeten" { (t.forgot_username_link) } }
                }
                p { a href="/aanmelden" { (t.back_to_sign_in) } }
            }
        },
    )
}

/// The Profiel page.
#[derive(Debug, Clone, Default)]
pub struct ProfilePage {
    pub username: String,
    pub min_chars: usize,
    pub notice: Option<String>,
    pub error: Option<String>,
    /// The authenticator app, passkeys and recovery codes left.
    pub second_factors: crate::service::TwoFactorStatus,
    pub passkeys: Vec<crate::service::PasskeyLine>,
    /// The host passkeys work on (`None`: the portal's address is an IP address, no passkeys).
    pub passkey_host: Option<String>,
    pub sessions: Vec<crate::service::SessionLine>,
    /// Employees may give a private e-mail address for sign-in mail.
    pub is_employee: bool,
    pub private_email: Option<String>,
    pub language: String,
    /// Mail when new documents wait unread.
    pub notify: bool,
    /// An employee's choice of electronic or paper payslips (`None` for others).
    pub delivery: Option<crate::domain::consent::DeliveryChoice>,
    /// An employer's colleagues (`None` for others).
    pub colleagues: Option<Vec<crate::service::ColleagueLine>>,
    /// The signed-in account (not offered for removal among its colleagues).
    pub account: Option<crate::domain::AccountKey>,
}

pub fn profile(site: &Site, nav: &Nav, view: &ProfilePage) -> Markup {
    let t = site.t();
    signed_in_page(
        site,
        nav,
        t.menu_profile,
        html! {
            section.card {
                h1 { (t.menu_profile) }
                p { (t.username_is) strong { (view.username) } }
                @if let Some(notice) = &view.notice { p.notice role="status" { (notice) } }
                @if let Some(error) = &view.error { p.error role="alert" { (error) } }
                h2 { (t.change_username) }
                form method="post" action="/profiel/gebruikersnaam" {
                    input type="hidden" name="csrf" value=(nav.csrf_token);
                    label for="username" { (t.new_username) }
                    input #username name="username" type="text" autocomplete="username"
                        autocapitalize="none" spellcheck="false" required maxlength="254" value=(view.username);
                    (password_again(t, "username-password"))
                    button type="submit" { (t.save_username) }
                }
                @if view.is_employee {
                    h2 { (t.private_email) }
                    p.muted {
                        (t.private_email_lead)
                    }
                    p { (t.private_email_now) @if let Some(email) = &view.private_email { strong { (email) } } @else { (t.none) } }
                    form method="post" action="/profiel/email" {
                        input type="hidden" name="csrf" value=(nav.csrf_token);
                        label for="email" { (t.private_email_label) }
                        input #email name="email" type="email" autocomplete="email" maxlength="254";
                        (password_again(t, "email-password"))
                        button type="submit" { (t.save) }
                    }
                }
                @if let Some(choice) = view.delivery {
                    h2 { (t.consent_heading) }
                    p.muted { (t.consent_profile_lead) }
                    (super::consent::delivery_now(t, choice))
                    (super::consent::delivery_form(t, &nav.csrf_token, choice.delivery, "/profiel"))
                }
                @if let Some(colleagues) = &view.colleagues {
                    (colleagues_section(t, &nav.csrf_token, colleagues, view.account))
                }
                h2 { (t.language) }
                form method="post" action="/profiel/taal" {
                    input type="hidden" name="csrf" value=(nav.csrf_token);
                    label for="language" { (t.language_label) }
                    select #language name="language" {
                        option value="nl" selected[view.language == "nl"] lang="nl" { "Nederlands" }
                        option value="en" selected[view.language == "en"] lang="en" { "English" }
                    }
                    button type="submit" { (t.save) }
                }
                h2 { (t.notifications) }
                form method="post" action="/profiel/meldingen" {
                    input type="hidden" name="csrf" value=(nav.csrf_token);
                    label.check {
                        input #notify name="notify" type="checkbox" value="on" checked[view.notify];
                        " " (t.notify_label)
                    }
                    p.muted { (t.notify_hint) }
                    button type="submit" { (t.save) }
                }
                h2 { (t.change_password) }
                form method="post" action="/profiel/wachtwoord" {
                    input type="hidden" name="csrf" value=(nav.csrf_token);
                    label for="current" { (t.current_password) }
                    input #current name="current" type="password" autocomplete="current-password" required maxlength="128";
                    (password_fields(t, view.min_chars, Some(nav.role)))
                    button type="submit" { (t.change_password) }
                }
                h2 { (t.two_factor) }
                @if view.second_factors.app {
                    p { (t.two_factor_app_on) }
                } @else if view.second_factors.passkeys {
                    p { (t.two_factor_passkey_on) }
                    p { a href="/profiel/2fa" { (t.set_up_app_too) } }
                } @else {
                    p { (t.two_factor_off) }
                    p { a.button href="/profiel/2fa" { (t.set_up) } }
                }
                (super::passkeys::profile_section(t, &nav.csrf_token, &view.passkeys, view.passkey_host.as_deref()))
                @if view.second_factors.any() {
                    h3 { (t.recovery_codes_heading) }
                    p { (fill(t.recovery_codes_left, &[&view.second_factors.recovery_codes_left])) }
                    form method="post" action="/profiel/2fa/herstelcodes" {
                        input type="hidden" name="csrf" value=(nav.csrf_token);
                        (password_again(t, "codes-password"))
                        button type="submit" { (t.new_recovery_codes) }
                    }
                }
                h2 { (t.sessions) }
                div.table-scroll tabindex="0" role="region" aria-label=(t.sessions) {
                table.sessions.stack {
                    thead { tr { th { (t.session_browser) } th { (t.session_since) } th { (t.session_last_seen) } th { (t.session_address) } th { span.visually-hidden { (t.action) } } } }
                    tbody {
                        @for s in &view.sessions {
                            tr {
                                td.title { (super::format::browser(t, s.user_agent.as_deref())) }
                                td data-label=(t.session_since) { (super::format::date_time(s.created_at)) }
                                td data-label=(t.session_last_seen) { (super::format::date_time(s.last_seen_at)) }
                                td data-label=(t.session_address) { (s.client_addr.as_deref().unwrap_or("")) }
                                td {
                                    @if s.current {
                                        (t.this_session)
                                    } @else {
                                        form method="post" action={ "/profiel/sessies/" (s.id) "/beeindigen" } {
                                            input type="hidden" name="csrf" value=(nav.csrf_token);
                                            button type="submit" { (t.sign_out) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                }
            }
        },
    )
}

pub fn confirm_email(site: &Site, csrf_token: &str, email: &str) -> Markup {
    let t = site.t();
    page(
        site,
        t.confirm_email_title,
        html! {
            section.card.narrow {
                h1 { (t.confirm_email_title) }
                p { (fill(t.confirm_email_question, &[&email])) }
                form method="post" {
                    input type="hidden" name="csrf" value=(csrf_token);
                    button type="submit" { (t.confirm) }
                }
            }
        },
    )
}

/// Profiel's colleagues section for an employer: who else signs in for it, inviting one and
/// removing one (both with the password again).
fn colleagues_section(
    t: &Texts,
    csrf: &str,
    colleagues: &[crate::service::ColleagueLine],
    me: Option<crate::domain::AccountKey>,
) -> Markup {
    // A colleague sees itself in the list but cannot remove itself.
    let removable: Vec<_> = colleagues.iter().filter(|c| Some(c.key) != me).collect();
    use crate::domain::party::AccountStatus;
    let status = |s: AccountStatus| match s {
        AccountStatus::NotInvited | AccountStatus::Invited => t.status_invited,
        AccountStatus::Active => t.status_active,
        AccountStatus::Disabled => t.status_disabled,
    };
    html! {
        h2 #collegas { (t.colleagues_heading) }
        p.muted { (t.colleagues_lead) }
        @if colleagues.is_empty() {
            p { (t.colleagues_none) }
        } @else {
            div.table-scroll tabindex="0" role="region" aria-label=(t.colleagues_heading) {
                table.people.stack {
                    thead { tr {
                        th { (t.colleague_name) } th { (t.colleague_username) } th { (t.colleague_email) }
                        th { (t.account) } th { (t.colleague_last_login) }
                    } }
                    tbody {
                        @for c in colleagues {
                            tr {
                                td.title { (c.name) }
                                td data-label=(t.colleague_username) { (c.username) }
                                td.email data-label=(t.colleague_email) { (c.email.as_deref().unwrap_or("")) }
                                td data-label=(t.account) { (status(c.status)) }
                                td data-label=(t.colleague_last_login) {
                                    @match c.last_login_at {
                                        Some(at) => (super::format::date_time(at)),
                                        None => (t.never),
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if !removable.is_empty() {
            h3 { (t.colleague_remove_heading) }
            form method="post" action="/profiel/collegas/verwijderen" {
                input type="hidden" name="csrf" value=(csrf);
                label for="collega" { (t.colleague_remove_label) }
                select #collega name="collega" required {
                    @for c in &removable { option value=(c.id) { (c.name) " (" (c.username) ")" } }
                }
                (password_again(t, "colleague-remove-password"))
                button type="submit" { (t.colleague_remove_button) }
            }
        }
        h3 { (t.colleague_invite_heading) }
        form method="post" action="/profiel/collegas" {
            input type="hidden" name="csrf" value=(csrf);
            label for="colleague-name" { (t.colleague_name) }
            input #colleague-name name="name" type="text" autocomplete="off" required maxlength="200";
            label for="colleague-email" { (t.colleague_email) }
            input #colleague-email name="email" type="email" autocomplete="off" required maxlength="254";
            label for="colleague-username" { (t.colleague_username) }
            input #colleague-username name="username" type="text" autocomplete="off"
                autocapitalize="none" spellcheck="false" required maxlength="254";
            (password_again(t, "colleague-password"))
            button type="submit" { (t.colleague_invite_button) }
        }
    }
}
