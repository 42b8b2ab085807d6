//! The browser UI in a real Chromium: journeys per role, as people click through them.

use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};

use crate::support::{Browser, Chrome, TestApp, axe_violations, demo, login};

/// The unread counter in the navigation.
async fn unread(c: &Client) -> Result<u64, String> {
    let text = c
        .find(Locator::Css("nav .badge"))
        .await
        .map_err(|e| format!("no unread counter: {e}"))?
        .text()
        .await
        .map_err(|e| e.to_string())?;
    text.trim()
        .parse()
        .map_err(|_| format!("unread counter is not a number: {text:?}"))
}

async fn sign_in(c: &Client, base: &str, username: &str, password: &str) -> Result<(), String> {
    let e = |e: fantoccini::error::CmdError| e.to_string();
    c.goto(&format!("{base}/aanmelden")).await.map_err(e)?;
    c.find(Locator::Css("input[name=username]"))
        .await
        .map_err(e)?
        .send_keys(username)
        .await
        .map_err(e)?;
    c.find(Locator::Css("input[name=password]"))
        .await
        .map_err(e)?
        .send_keys(password)
        .await
        .map_err(e)?;
    c.find(Locator::Css("form button[type=submit]"))
        .await
        .map_err(e)?
        .click()
        .await
        .map_err(e)?;
    wait_for_path(c, "/").await
}

/// Clicks `button` and waits until the page it was on has been replaced by the next one
/// (after a form post the address may stay the same, so the address alone tells nothing).
async fn submit_and_wait(
    c: &Client,
    button: fantoccini::elements::Element,
    path: &str,
) -> Result<(), String> {
    let e = |e: fantoccini::error::CmdError| e.to_string();
    let old = c.find(Locator::Css("html")).await.map_err(e)?;
    button.click().await.map_err(e)?;
    let deadline = Instant::now() + Duration::from_secs(30);
    while old.tag_name().await.is_ok() {
        if Instant::now() > deadline {
            return Err("the page did not change after submitting".into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    wait_for_path(c, path).await
}

/// Waits until the browser has arrived at `path` (a click returns before the next page).
async fn wait_for_path(c: &Client, path: &str) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let url = c.current_url().await.map_err(|e| e.to_string())?;
        let ready = c
            .execute("return document.readyState", vec![])
            .await
            .map_err(|e| e.to_string())?;
        if url.path() == path && ready == "complete" {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!(
                "expected to arrive at {path}, the browser is at {url}"
            ));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The text of the row in `#acties-overig` whose link says `title`.
async fn upload_row_text(c: &Client, title: &str) -> Result<String, String> {
    let e = |e: fantoccini::error::CmdError| e.to_string();
    for row in c
        .find_all(Locator::Css("#acties-overig tbody tr"))
        .await
        .map_err(e)?
    {
        let text = row.text().await.map_err(e)?;
        if text.contains(title) {
            return Ok(text);
        }
    }
    Err(format!("{title} is not in the list"))
}

/// Ticks the upload called `title` and presses the button with `action`.
async fn act_on_upload(c: &Client, title: &str, action: &str) -> Result<(), String> {
    let e = |e: fantoccini::error::CmdError| e.to_string();
    let checkbox = c
        .find(Locator::Css(&format!(
            "#acties-overig input[aria-label='Selecteer {title}']"
        )))
        .await
        .map_err(e)?;
    checkbox.click().await.map_err(e)?;
    let button = c
        .find(Locator::Css(&format!(
            "#acties-overig button[value='{action}']"
        )))
        .await
        .map_err(e)?;
    submit_and_wait(c, button, "/").await
}

#[tokio::test(flavor = "multi_thread")]
async fn an_employee_opens_a_payslip_and_the_unread_counter_goes_down() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let employee = login(&report, "demo-werknemer-1").clone();
    let base = app.running.url().to_owned();
    let chrome = Chrome::start().await;
    chrome
        .journey("employee-opens-payslip", async |c| {
            let e = |e: fantoccini::error::CmdError| e.to_string();
            sign_in(c, &base, &employee.username, &employee.password).await?;
            let before = unread(c).await?;
            if before == 0 {
                return Err("the demo employee has nothing unread".into());
            }
            // The counter leads to the list of exactly those documents.
            c.find(Locator::Css("nav a[href='/ongelezen']"))
                .await
                .map_err(e)?
                .click()
                .await
                .map_err(e)?;
            wait_for_path(c, "/ongelezen").await?;
            let listed = c
                .find_all(Locator::Css("#acties-ongelezen tbody tr"))
                .await
                .map_err(e)?
                .len();
            if u64::try_from(listed).unwrap() != before {
                return Err(format!(
                    "Ongelezen lists {listed}, the counter says {before}"
                ));
            }
            c.goto(&format!("{base}/")).await.map_err(e)?;
            let first = c
                .find(Locator::Css("table.documents tr.unread td a"))
                .await
                .map_err(|e| format!("no unread document in the dossier: {e}"))?;
            let href = first.attr("href").await.map_err(e)?.ok_or("no link")?;
            c.goto(&format!("{base}{href}")).await.map_err(e)?;
            let deadline = Instant::now() + Duration::from_secs(30);
            loop {
                c.goto(&format!("{base}/")).await.map_err(e)?;
                let now = unread(c).await?;
                if now == before - 1 {
                    break;
                }
                if Instant::now() > deadline {
                    return Err(format!("unread stayed {now} (was {before})"));
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Ok(())
        })
        .await;
    app.stop().await;
}

/// Visits `path` and returns the page's accessibility violations, prefixed with the path.
async fn check_page(c: &Client, base: &str, path: &str) -> Result<Vec<String>, String> {
    c.goto(&format!("{base}{path}"))
        .await
        .map_err(|e| e.to_string())?;
    Ok(axe_violations(c)
        .await?
        .into_iter()
        .map(|v| format!("{path}: {v}"))
        .collect())
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_have_no_accessibility_violations() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let employee = login(&report, "demo-werknemer-1").clone();
    let base = app.running.url().to_owned();
    let chrome = Chrome::start().await;
    chrome
        .journey("accessibility", async |c| {
            // The checker itself works: an image without alt text is reported.
            c.goto(
                "data:text/html,<html lang=en><title>t</title><main><img src=x.png></main></html>",
            )
            .await
            .map_err(|e| e.to_string())?;
            let known = axe_violations(c).await?;
            if !known.iter().any(|v| v.starts_with("image-alt")) {
                return Err(format!("axe-core missed a known violation: {known:?}"));
            }
            let mut violations = Vec::new();
            for path in [
                "/aanmelden",
                "/wachtwoord-vergeten",
                "/gebruikersnaam-vergeten",
            ] {
                violations.extend(check_page(c, &base, path).await?);
            }
            sign_in(c, &base, &employee.username, &employee.password).await?;
            c.goto(&format!("{base}/"))
                .await
                .map_err(|e| e.to_string())?;
            let details = c
                .find(Locator::Css("td.links a[href$='/details']"))
                .await
                .map_err(|e| e.to_string())?
                .attr("href")
                .await
                .map_err(|e| e.to_string())?
                .ok_or("no details link")?;
            for path in [
                "/",
                "/ongelezen",
                "/profiel",
                "/profiel/2fa",
                details.as_str(),
            ] {
                violations.extend(check_page(c, &base, path).await?);
            }
            if violations.is_empty() {
                Ok(())
            } else {
                Err(format!("axe-core found:\n{}", violations.join("\n")))
            }
        })
        .await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_employee_uploads_an_id_copy_and_shares_it() {
    let app = TestApp::start().await;
    let files = tempfile::tempdir().unwrap();
    let pdf_path = files.path().join("id-kaart.pdf");
    let shared_link = std::sync::Mutex::new(None::<String>);
    std::fs::write(
        &pdf_path,
        b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n",
    )
    .unwrap();
    let report = demo(&app).await;
    let employee = login(&report, "demo-werknemer-1").clone();
    let base = app.running.url().to_owned();
    let chrome = Chrome::start().await;
    chrome
        .journey("employee-shares-upload", async |c| {
            let e = |e: fantoccini::error::CmdError| e.to_string();
            sign_in(c, &base, &employee.username, &employee.password).await?;
            // Payroll files can only be marked, never shared or deleted.
            let payroll_buttons = c
                .find_all(Locator::Css("#acties-loon button"))
                .await
                .map_err(e)?;
            let mut labels = Vec::new();
            for b in payroll_buttons {
                labels.push(b.text().await.map_err(e)?);
            }
            if labels != ["Markeer gelezen", "Markeer ongelezen"] {
                return Err(format!("payroll actions: {labels:?}"));
            }
            // Upload an ID copy through the file picker.
            c.find(Locator::Css("#upload-kind option[value='id_copy']"))
                .await
                .map_err(e)?
                .click()
                .await
                .map_err(e)?;
            c.find(Locator::Css("#upload-file"))
                .await
                .map_err(e)?
                .send_keys(&pdf_path.display().to_string())
                .await
                .map_err(e)?;
            let upload = c
                .find(Locator::Css("form.upload button[type=submit]"))
                .await
                .map_err(e)?;
            submit_and_wait(c, upload, "/").await?;
            let title = "id-kaart.pdf";
            if upload_row_text(c, title).await?.contains("gedeeld") {
                return Err("a new upload is shared before anyone shares it".into());
            }
            // Share it, stop sharing, share again: each through the ticked box and a button.
            act_on_upload(c, title, "share").await?;
            if !upload_row_text(c, title).await?.contains("gedeeld") {
                return Err(format!("sharing did not mark {title} shared"));
            }
            act_on_upload(c, title, "unshare").await?;
            if upload_row_text(c, title).await?.contains("gedeeld") {
                return Err(format!("{title} is still shared"));
            }
            act_on_upload(c, title, "share").await?;
            if !upload_row_text(c, title).await?.contains("gedeeld") {
                return Err(format!("{title} was not shared again"));
            }
            let href = c
                .find(Locator::XPath(&format!(
                    "//form[@id='acties-overig']//a[text()='{title}']"
                )))
                .await
                .map_err(e)?
                .attr("href")
                .await
                .map_err(e)?
                .ok_or("no link")?;
            *shared_link.lock().unwrap() = Some(href);
            Ok(())
        })
        .await;
    // The employer sees the shared copy; another employee does not.
    let link = shared_link
        .lock()
        .unwrap()
        .clone()
        .expect("link of the shared upload");
    let employer = Browser::signed_in(&app, login(&report, "demo-werkgever-1")).await;
    assert_eq!(employer.get(&link).await.status(), reqwest::StatusCode::OK);
    let colleague = Browser::signed_in(&app, login(&report, "demo-werknemer-2")).await;
    assert_eq!(
        colleague.get(&link).await.status(),
        reqwest::StatusCode::NOT_FOUND
    );
    app.stop().await;
}
