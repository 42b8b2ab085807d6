//! Accessibility (axe-core, WCAG 2.1 A/AA) on the pages anyone and an employee reach, in
//! both languages; the layout at 360 px; and the app shell: the manifest and a service
//! worker that stores static files only.

use super::{e, find, sign_in};
use crate::support::{Chrome, TestApp, axe_violations, demo, login};

/// Visits `path` and returns its accessibility violations and whether it scrolls sideways.
pub(super) async fn check_page(
    c: &fantoccini::Client,
    base: &str,
    path: &str,
) -> Result<Vec<String>, String> {
    c.goto(&format!("{base}{path}")).await.map_err(e)?;
    let mut found: Vec<String> = axe_violations(c)
        .await?
        .into_iter()
        .map(|v| format!("{path}: {v}"))
        .collect();
    let overflow = c
        .execute(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth",
            vec![],
        )
        .await
        .map_err(e)?;
    if overflow.as_i64().unwrap_or(0) > 0 {
        // Name the outermost elements that stick out, to say where to look.
        let culprits = c
            .execute(
                "const w = document.documentElement.clientWidth;
                 return [...document.querySelectorAll('body *')]
                   .filter(el => el.getBoundingClientRect().right > w + 1)
                   .filter(el => el.parentElement.getBoundingClientRect().right <= w + 1)
                   .slice(0, 5)
                   .map(el => el.tagName.toLowerCase() + '.' + el.className);",
                vec![],
            )
            .await
            .map_err(e)?;
        found.push(format!(
            "{path}: the page is {overflow} px wider than the screen ({culprits})"
        ));
    }
    Ok(found)
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_have_no_accessibility_violations_in_either_language_on_a_phone() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let employee = login(&report, "demo-werknemer-1").clone();
    let base = app.running.url().to_owned();
    // The employer has opened one of the employee's payslips: the access history has a row.
    let payslip = crate::access_history::a_payslip_of(&app, "demo-werknemer-1");
    let employer =
        crate::support::Browser::signed_in(&app, login(&report, "demo-werkgever-1")).await;
    assert_eq!(
        employer
            .get(&format!("/documenten/{payslip}"))
            .await
            .status(),
        reqwest::StatusCode::OK
    );
    app.running.services().flush_audit().await;
    let chrome = Chrome::start().await;
    chrome
        .journey("accessibility", async |c| {
            // The checker itself works: an image without alt text is reported.
            c.goto(
                "data:text/html,<html lang=en><title>t</title><main><img src=x.png></main></html>",
            )
            .await
            .map_err(e)?;
            let known = axe_violations(c).await?;
            if !known.iter().any(|v| v.starts_with("image-alt")) {
                return Err(format!("axe-core missed a known violation: {known:?}"));
            }
            // A phone's width: nothing may need sideways scrolling of the whole page.
            c.set_window_size(360, 780).await.map_err(e)?;
            let anonymous = [
                "/aanmelden",
                "/wachtwoord-vergeten",
                "/gebruikersnaam-vergeten",
                "/bestaat-niet",
            ];
            let mut violations = Vec::new();
            for path in anonymous {
                violations.extend(check_page(c, &base, path).await?);
            }
            c.goto(&format!("{base}/taal/en?terug=/aanmelden"))
                .await
                .map_err(e)?;
            for path in anonymous {
                violations.extend(check_page(c, &base, path).await?);
            }
            sign_in(c, &app, &employee).await?;
            c.goto(&format!("{base}/dossier")).await.map_err(e)?;
            let details = find(c, "td.links a[href$='/details']")
                .await?
                .attr("href")
                .await
                .map_err(e)?
                .ok_or("no details link")?;
            for path in [
                "/",
                "/dossier",
                "/ongelezen",
                "/profiel",
                "/profiel/2fa",
                "/inzage",
                "/verzoeken",
                "/verzoeken/nieuw/declaratie",
                &details,
                &format!("/documenten/{payslip}/details"),
            ] {
                violations.extend(check_page(c, &base, path).await?);
            }
            if violations.is_empty() {
                Ok(())
            } else {
                Err(format!("found:\n{}", violations.join("\n")))
            }
        })
        .await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_app_installs_and_its_service_worker_keeps_static_files_only() {
    let app = TestApp::start_with("installation_name = \"Loondossier Bakker\"\n").await;
    let report = demo(&app).await;
    let employee = login(&report, "demo-werknemer-1").clone();
    let manifest: serde_json::Value = app.get("/manifest.webmanifest").await.json().await.unwrap();
    assert_eq!(manifest["name"], "Loondossier Bakker");
    assert_eq!(manifest["display"], "standalone");
    for icon in manifest["icons"].as_array().unwrap() {
        let src = icon["src"].as_str().unwrap();
        let fetched = app.get(src).await;
        assert_eq!(fetched.status(), reqwest::StatusCode::OK, "{src}");
    }
    let base = app.running.url().to_owned();
    let chrome = Chrome::start().await;
    chrome
        .journey("service-worker", async |c| {
            sign_in(c, &app, &employee).await?;
            let scope = c
                .execute_async(
                    "const done = arguments[arguments.length - 1];
                     navigator.serviceWorker.ready.then(r => done(r.scope)).catch(x => done('failed: ' + x));",
                    vec![],
                )
                .await
                .map_err(e)?;
            if scope != format!("{base}/") {
                return Err(format!("service worker scope: {scope}"));
            }
            // Pages with personal data pass by; only /assets/ end up in its cache.
            for path in ["/dossier", "/ongelezen", "/profiel", "/"] {
                c.goto(&format!("{base}{path}")).await.map_err(e)?;
            }
            let cached = c
                .execute_async(
                    "const done = arguments[arguments.length - 1];
                     caches.keys()
                       .then(names => Promise.all(names.map(n => caches.open(n).then(c => c.keys()))))
                       .then(lists => done(lists.flat().map(r => new URL(r.url).pathname)))
                       .catch(x => done(['failed: ' + x]));",
                    vec![],
                )
                .await
                .map_err(e)?;
            let paths: Vec<String> = serde_json::from_value(cached).map_err(|err| err.to_string())?;
            if paths.is_empty() {
                return Err("the service worker stored nothing".into());
            }
            if let Some(personal) = paths.iter().find(|p| !p.starts_with("/assets/")) {
                return Err(format!("the service worker stored {personal}: {paths:?}"));
            }
            Ok(())
        })
        .await;
    app.stop().await;
}
