//! The browser UI in a real Chromium: journeys per role, as people click through them, with
//! axe-core checking every page they pass.

mod a11y;
mod approval;
mod bureau;
mod consent;
mod employee;
mod employer;
mod layout;
mod letters;
mod passkeys;
mod requests;

use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::error::CmdError;
use fantoccini::{Client, Locator};

use crate::support::{TestApp, axe_violations};
use loondossier::service::demo::DemoLogin;

fn e(e: CmdError) -> String {
    e.to_string()
}

/// The element `css` finds, or a message naming what was missing.
async fn find(c: &Client, css: &str) -> Result<Element, String> {
    c.find(Locator::Css(css))
        .await
        .map_err(|err| format!("no {css}: {err}"))
}

/// The visible text of the element `css` finds.
async fn text_of(c: &Client, css: &str) -> Result<String, String> {
    find(c, css).await?.text().await.map_err(e)
}

/// The texts of all elements `css` finds.
async fn texts_of(c: &Client, css: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for element in c.find_all(Locator::Css(css)).await.map_err(e)? {
        out.push(element.text().await.map_err(e)?);
    }
    Ok(out)
}

/// The unread counter in the navigation.
async fn unread(c: &Client) -> Result<u64, String> {
    let text = text_of(c, "nav a[href='/ongelezen'] .badge").await?;
    text.trim()
        .parse()
        .map_err(|_| format!("unread counter is not a number: {text:?}"))
}

/// Ongelezen holds exactly what is addressed to the reader (SPEC.md Part 2): a row for
/// `expected` (a part of its title) naming `from`, nothing containing any of `not_news`, and
/// the menu's counter says as many as the list shows.
async fn check_unread(
    c: &Client,
    base: &str,
    expected: &str,
    from: &str,
    not_news: &[&str],
) -> Result<(), String> {
    visit_checked(c, base, "/ongelezen").await?;
    let rows = texts_of(c, "#acties-ongelezen tbody tr").await?;
    if !rows
        .iter()
        .any(|r| r.contains(expected) && r.contains(from))
    {
        return Err(format!("Ongelezen lacks {expected} from {from}: {rows:?}"));
    }
    if let Some(row) = rows.iter().find(|r| not_news.iter().any(|n| r.contains(n))) {
        return Err(format!("Ongelezen lists what is not news: {row}"));
    }
    let counted = unread(c).await?;
    if counted != rows.len() as u64 {
        return Err(format!(
            "the counter says {counted}, the list has {}",
            rows.len()
        ));
    }
    Ok(())
}

/// Goes to `path` and fails on any accessibility violation axe-core finds there.
async fn visit_checked(c: &Client, base: &str, path: &str) -> Result<(), String> {
    c.goto(&format!("{base}{path}")).await.map_err(e)?;
    let violations = axe_violations(c).await?;
    if violations.is_empty() {
        Ok(())
    } else {
        Err(format!("{path}: {}", violations.join("; ")))
    }
}

/// Fails on any accessibility violation on the page the browser is on now.
async fn check_here(c: &Client) -> Result<(), String> {
    let violations = axe_violations(c).await?;
    if violations.is_empty() {
        return Ok(());
    }
    let url = c.current_url().await.map_err(e)?;
    Err(format!("{}: {}", url.path(), violations.join("; ")))
}

/// Clicks the link or button `css` finds and waits for the page at `path`.
async fn click_to(c: &Client, css: &str, path: &str) -> Result<(), String> {
    let element = find(c, css).await?;
    submit_and_wait(c, element, path).await
}

/// Signs in through the form, setting up the authenticator app on the way when the role
/// requires one (its secret is read off the page and kept for later sign-ins).
async fn sign_in(c: &Client, app: &TestApp, login: &DemoLogin) -> Result<(), String> {
    sign_in_at(c, app, login, app.running.url()).await
}

/// [`sign_in`] at `base`, the portal's address as the browser uses it (`localhost` where
/// passkeys are tried: WebAuthn wants a host name).
async fn sign_in_at(
    c: &Client,
    app: &TestApp,
    login: &DemoLogin,
    base: &str,
) -> Result<(), String> {
    c.goto(&format!("{base}/aanmelden")).await.map_err(e)?;
    find(c, "input[name=username]")
        .await?
        .send_keys(&login.username)
        .await
        .map_err(e)?;
    find(c, "input[name=password]")
        .await?
        .send_keys(&login.password)
        .await
        .map_err(e)?;
    let button = find(c, "main form button[type=submit]").await?;
    submit_and_wait_any(c, button).await?;
    let path = c.current_url().await.map_err(e)?.path().to_owned();
    match path.as_str() {
        "/" => Ok(()),
        "/aanmelden/instellen" => {
            check_here(c).await?;
            click_to(c, "form[action$='/start'] button", "/aanmelden/instellen").await?;
            check_here(c).await?;
            let text: String = text_of(c, "code.secret")
                .await?
                .chars()
                .filter(|ch| !ch.is_whitespace())
                .collect();
            let secret = totp_rs::Secret::try_from_base32(&text)
                .map_err(|err| format!("the key on the page is not base32: {err:?}"))?
                .as_bytes()
                .to_vec();
            app.totp_secrets
                .lock()
                .map_err(|err| err.to_string())?
                .insert(login.username.clone(), secret);
            let code = app.totp_code(&login.username, 0);
            find(c, "#code").await?.send_keys(&code).await.map_err(e)?;
            click_to(c, "main form button[type=submit]", "/aanmelden/instellen").await?;
            if texts_of(c, "ul.codes li").await?.len() < 8 {
                return Err("no recovery codes after setting up the app".into());
            }
            check_here(c).await?;
            click_to(c, "main a.button", "/").await
        }
        "/aanmelden/code" => {
            // A code works once: the next one comes 30 seconds later.
            app.clock.advance(chrono::Duration::seconds(30));
            let code = app.totp_code(&login.username, 0);
            find(c, "#code").await?.send_keys(&code).await.map_err(e)?;
            click_to(c, "main form button[type=submit]", "/").await
        }
        other => Err(format!("after signing in the browser is at {other}")),
    }
}

/// Clicks `button` and waits until the page it was on has been replaced by the next one.
pub(super) async fn submit_and_wait_any(c: &Client, button: Element) -> Result<(), String> {
    let old = c.find(Locator::Css("html")).await.map_err(e)?;
    button.click().await.map_err(e)?;
    let deadline = Instant::now() + Duration::from_secs(30);
    while old.tag_name().await.is_ok() {
        if Instant::now() > deadline {
            return Err("the page did not change after clicking".into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    wait_until_loaded(c).await
}

pub(super) async fn wait_until_loaded(c: &Client) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let ready = c
            .execute("return document.readyState", vec![])
            .await
            .map_err(e)?;
        if ready == "complete" {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err("the page did not finish loading".into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Clicks `button`, waits for the next page, and checks that it is at `path`.
async fn submit_and_wait(c: &Client, button: Element, path: &str) -> Result<(), String> {
    submit_and_wait_any(c, button).await?;
    let url = c.current_url().await.map_err(e)?;
    if url.path() == path {
        Ok(())
    } else {
        Err(format!(
            "expected to arrive at {path}, the browser is at {url}"
        ))
    }
}

/// The text of the row in the table of form `form` whose link says `title`.
async fn row_text(c: &Client, form: &str, title: &str) -> Result<String, String> {
    for text in texts_of(c, &format!("#{form} tbody tr")).await? {
        if text.contains(title) {
            return Ok(text);
        }
    }
    Err(format!("{title} is not in the list #{form}"))
}

/// Ticks the upload called `title` and presses the button with `action`.
async fn act_on_upload(c: &Client, title: &str, action: &str) -> Result<(), String> {
    find(
        c,
        &format!("#acties-overig input[aria-label='Selecteer {title}']"),
    )
    .await?
    .click()
    .await
    .map_err(e)?;
    click_to(
        c,
        &format!("#acties-overig button[value='{action}']"),
        "/dossier",
    )
    .await
}

/// The links of the rows in a table, by their text.
async fn link_to(c: &Client, table_css: &str, text: &str) -> Result<String, String> {
    for link in c
        .find_all(Locator::Css(&format!("{table_css} tbody a")))
        .await
        .map_err(e)?
    {
        if link.text().await.map_err(e)?.contains(text) {
            return link
                .attr("href")
                .await
                .map_err(e)?
                .ok_or_else(|| "a link without href".to_owned());
        }
    }
    Err(format!("no link {text:?} in {table_css}"))
}

/// Uploads PDFs into `login`'s own dossier over HTTP (the browser journeys of other roles
/// start from there), sharing those marked so; returns each file's document id.
async fn uploaded(app: &TestApp, login: &DemoLogin, files: &[(&str, bool)]) -> Vec<String> {
    let owner = crate::support::Browser::signed_in(app, login).await;
    let page = owner.get("/dossier").await.text().await.expect("dossier");
    let csrf = crate::support::csrf_in(&page);
    let mut form = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .text("kind", "other");
    for (name, _) in files {
        form = form.part(
            "file",
            reqwest::multipart::Part::bytes(
                b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n".to_vec(),
            )
            .file_name((*name).to_owned()),
        );
    }
    let stored = owner.post_multipart("/documenten/upload", form).await;
    assert_eq!(stored.status(), reqwest::StatusCode::SEE_OTHER);
    let page = owner.get("/dossier").await.text().await.expect("dossier");
    let mut ids = Vec::new();
    for (name, share) in files {
        let label = page
            .find(&format!("aria-label=\"Selecteer {name}\""))
            .expect("uploaded file listed");
        let value = page[..label].rfind("value=\"").expect("id") + "value=\"".len();
        let id = page[value..value + 32].to_owned();
        if *share {
            let shared = owner
                .post_form(
                    "/documenten/acties",
                    &[("csrf", &csrf), ("action", "share"), ("id", &id)],
                )
                .await;
            assert_eq!(shared.status(), reqwest::StatusCode::SEE_OTHER);
        }
        ids.push(id);
    }
    ids
}

/// The name an account's pages show top right (and its employer's and bureau's lists).
async fn display_name(app: &TestApp, login: &DemoLogin) -> String {
    let browser = crate::support::Browser::signed_in(app, login).await;
    let page = browser.get("/").await.text().await.expect("home");
    let marker = "class=\"who\"";
    let tag = page.find(marker).expect("name in the menu") + marker.len();
    let start = tag + page[tag..].find('>').expect("end of tag") + 1;
    let end = start + page[start..].find("</a>").expect("end of name");
    page[start..end].to_owned()
}
