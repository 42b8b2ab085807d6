//! Passkey pages and parts of pages: Profiel's list, adding one (name and password, then the
//! browser makes it), removing one, the offer to employees, and the buttons on the sign-in and
//! code pages. The buttons need `assets/passkey.js` and a browser with WebAuthn; without them
//! they stay hidden and everything else works as before.

use maud::{Markup, html};

use super::account::password_again;
use super::format;
use super::layout::{Nav, Site, signed_in_page};
use crate::service::{PASSKEY_NAME_MAX_CHARS, PasskeyLine, StartedRegistration};
use crate::web::i18n::{Texts, fill};

/// A passkey button and the form it fills: `mode` is `get` (options fetched from
/// `options_url` with the form's token) or `create` (options given). The hidden `credential`
/// field receives the browser's answer as JSON; the form then posts to `action`.
struct Ceremony<'a> {
    mode: &'a str,
    rp_origin: &'a str,
    options_url: Option<&'a str>,
    options: Option<&'a str>,
    action: &'a str,
    csrf: &'a str,
    next: Option<&'a str>,
    name: Option<&'a str>,
    button: &'a str,
    failed: &'a str,
    /// Say so when this browser cannot (not on the sign-in page, where most never will).
    tell_unsupported: bool,
    /// A second way beside a form (the sign-in page), not the page's one action.
    secondary: bool,
    /// What to do, shown with the button only.
    lead: Option<&'a str>,
}

fn ceremony(t: &Texts, c: &Ceremony<'_>) -> Markup {
    html! {
        div.passkey data-passkey=(c.mode) data-rp-origin=(c.rp_origin)
            data-options-url=[c.options_url] data-options=[c.options] hidden {
            @if let Some(lead) = c.lead { p { (lead) } }
            form method="post" action=(c.action) {
                input type="hidden" name="csrf" value=(c.csrf);
                @if let Some(next) = c.next { input type="hidden" name="next" value=(next); }
                @if let Some(name) = c.name { input type="hidden" name="name" value=(name); }
                input type="hidden" name="credential" value="";
                button.passkey-button.secondary[c.secondary] type="button" { (c.button) }
            }
            p.error role="alert" data-passkey-failed=(c.failed) hidden {}
        }
        (elsewhere(t, c.rp_origin))
        @if c.tell_unsupported {
            p.muted data-passkey-unsupported hidden { (t.passkey_no_support) }
            noscript { p.muted { (t.passkey_no_support) } }
        }
    }
}

/// Where the browser can use passkeys but the page was reached at another address than the
/// portal's own: where they do work (the script fills in the same page there).
fn elsewhere(t: &Texts, rp_origin: &str) -> Markup {
    html! {
        p.muted data-passkey-elsewhere data-rp-origin=(rp_origin) hidden {
            (t.passkey_elsewhere) " " a href=(rp_origin) { (rp_origin) }
        }
    }
}

/// Profiel's passkey section: the list with last use, "add", and a link to remove each.
pub fn profile_section(
    t: &Texts,
    _csrf: &str,
    passkeys: &[PasskeyLine],
    host: Option<&str>,
) -> Markup {
    html! {
        h3 #passkeys { (t.passkeys_heading) }
        @match host {
            None => p.muted { (t.passkeys_unavailable) },
            Some(host) => {
                p.muted { (fill(t.passkeys_lead, &[&host])) }
                @if passkeys.is_empty() {
                    p { (t.passkeys_none) }
                } @else {
                    div.table-scroll tabindex="0" role="region" aria-label=(t.passkeys_heading) {
                        table.stack {
                            thead { tr {
                                th { (t.passkey_name) }
                                th { (t.passkey_added_on) }
                                th { (t.passkey_last_used) }
                                th { span.visually-hidden { (t.action) } }
                            } }
                            tbody {
                                @for key in passkeys {
                                    tr {
                                        td.title { (key.name) }
                                        td data-label=(t.passkey_added_on) { (format::date_time(key.created_at)) }
                                        td data-label=(t.passkey_last_used) {
                                            @match key.last_used_at {
                                                Some(at) => (format::date_time(at)),
                                                None => (t.passkey_never_used),
                                            }
                                        }
                                        td {
                                            a href={ "/profiel/passkeys/" (key.id) "/verwijderen" }
                                                aria-label=(fill(t.passkey_remove_named, &[&key.name])) {
                                                (t.passkey_remove)
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                p { a.button href="/profiel/passkeys/nieuw" { (t.passkey_add) } }
            }
        }
    }
}

/// Step one of adding a passkey: its name and the password again.
pub fn new_passkey(
    site: &Site,
    nav: &Nav,
    name: &str,
    error: Option<&str>,
    rp_origin: Option<&str>,
) -> Markup {
    let t = site.t();
    signed_in_page(
        site,
        nav,
        t.passkey_add,
        html! {
            section.card.narrow {
                h1 { (t.passkey_add) }
                @if let Some(error) = error { p.error role="alert" { (error) } }
                @match rp_origin {
                    None => p { (t.passkeys_unavailable) },
                    Some(rp_origin) => {
                        p { (t.passkey_new_lead) }
                        p.muted data-passkey-unsupported data-rp-origin=(rp_origin) hidden { (t.passkey_no_support) }
                        (elsewhere(t, rp_origin))
                        form method="post" action="/profiel/passkeys/nieuw" {
                            input type="hidden" name="csrf" value=(nav.csrf_token);
                            label for="passkey-name" { (t.passkey_name_label) }
                            input #passkey-name name="name" type="text" required
                                maxlength=(PASSKEY_NAME_MAX_CHARS) value=(name) autocomplete="off";
                            (password_again(t, "passkey-password"))
                            button type="submit" { (t.next_step) }
                        }
                    }
                }
                p { a href="/profiel#passkeys" { (t.back_to_profile) } }
            }
        },
    )
}

/// Step two: the browser makes the passkey when the button is pressed.
pub fn create_passkey(
    site: &Site,
    nav: &Nav,
    started: &StartedRegistration,
    rp_origin: &str,
) -> Markup {
    let t = site.t();
    signed_in_page(
        site,
        nav,
        t.passkey_create_title,
        html! {
            section.card.narrow {
                h1 { (t.passkey_create_title) }
                (ceremony(t, &Ceremony {
                    mode: "create",
                    rp_origin,
                    options_url: None,
                    options: Some(&started.options),
                    action: "/profiel/passkeys",
                    csrf: &nav.csrf_token,
                    next: None,
                    name: Some(&started.name),
                    button: t.passkey_create_button,
                    failed: t.passkey_cancelled,
                    tell_unsupported: true,
                    secondary: false,
                    lead: Some(&fill(t.passkey_create_lead, &[&started.name])),
                }))
                p { a href="/profiel#passkeys" { (t.cancel) } }
            }
        },
    )
}

/// Removing a passkey: what goes, and the password again.
pub fn remove_passkey(
    site: &Site,
    nav: &Nav,
    passkey: &PasskeyLine,
    error: Option<&str>,
) -> Markup {
    let t = site.t();
    signed_in_page(
        site,
        nav,
        t.passkey_remove_title,
        html! {
            section.card.narrow {
                h1 { (t.passkey_remove_title) }
                @if let Some(error) = error { p.error role="alert" { (error) } }
                p { (fill(t.passkey_remove_lead, &[&passkey.name])) }
                form method="post" action={ "/profiel/passkeys/" (passkey.id) "/verwijderen" } {
                    input type="hidden" name="csrf" value=(nav.csrf_token);
                    (password_again(t, "remove-password"))
                    button.danger type="submit" { (t.passkey_remove) }
                }
                p { a href="/profiel#passkeys" { (t.cancel) } }
            }
        },
    )
}

/// The offer shown to an employee on its start page until it adds a passkey or says "not
/// now" (hidden by the script where the browser has no passkeys).
pub fn offer(t: &Texts, csrf: &str, rp_origin: &str) -> Markup {
    html! {
        section.card.passkey-offer data-passkey="offer" data-rp-origin=(rp_origin) hidden
            aria-labelledby="passkey-offer-title" {
            h2 #passkey-offer-title { (t.passkey_offer_title) }
            p { (t.passkey_offer_lead) }
            div.actions {
                a.button href="/profiel/passkeys/nieuw" { (t.passkey_offer_yes) }
                form method="post" action="/passkey-aanbod/later" {
                    input type="hidden" name="csrf" value=(csrf);
                    button.secondary type="submit" { (t.passkey_offer_no) }
                }
            }
        }
    }
}

/// "Aanmelden met een passkey" on the sign-in page.
pub fn sign_in_button(t: &Texts, csrf: &str, next: Option<&str>, rp_origin: &str) -> Markup {
    ceremony(
        t,
        &Ceremony {
            mode: "get",
            rp_origin,
            options_url: Some("/aanmelden/passkey"),
            options: None,
            action: "/aanmelden/passkey/klaar",
            csrf,
            next,
            name: None,
            button: t.passkey_sign_in,
            failed: t.passkey_sign_in_failed,
            tell_unsupported: false,
            secondary: true,
            lead: None,
        },
    )
}

/// The required set-up during sign-in: a passkey instead of an authenticator app, named after
/// the browser it is made in (renamed in Profiel later).
pub fn enrol_choice(t: &Texts, csrf: &str, rp_origin: &str, name: &str) -> Markup {
    html! {
        div.enrol-passkey data-passkey-section data-rp-origin=(rp_origin) hidden {
            h2 { (t.enrol_passkey_heading) }
            p { (t.enrol_passkey_lead) }
            (ceremony(t, &Ceremony {
                mode: "create",
                rp_origin,
                options_url: Some("/aanmelden/instellen/passkey"),
                options: None,
                action: "/aanmelden/instellen/passkey/klaar",
                csrf,
                next: None,
                name: Some(name),
                button: t.passkey_create_button,
                failed: t.passkey_cancelled,
                tell_unsupported: false,
                    secondary: false,
                    lead: None,
            }))
            h2 { (t.enrol_app_heading) }
        }
    }
}

/// "Passkey gebruiken" on the code page after the password.
pub fn second_factor_button(t: &Texts, csrf: &str, next: Option<&str>, rp_origin: &str) -> Markup {
    ceremony(
        t,
        &Ceremony {
            mode: "get",
            rp_origin,
            options_url: Some("/aanmelden/code/passkey"),
            options: None,
            action: "/aanmelden/code/passkey/klaar",
            csrf,
            next,
            name: None,
            button: t.passkey_second_factor,
            failed: t.passkey_refused,
            tell_unsupported: true,
            secondary: false,
            lead: None,
        },
    )
}
