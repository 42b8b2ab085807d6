//! The employer's green light on a series overview (SPEC.md Part 2): niet akkoord with a
//! comment, then akkoord, in the browser; the bureau sees it on Werkgevers and the payroll
//! software in the document list of the sync API.

use std::sync::Mutex;

use fantoccini::Locator;

use super::{check_here, click_to, e, find, sign_in, text_of, visit_checked};
use crate::support::{Browser, Chrome, TestApp, demo, login};

#[tokio::test(flavor = "multi_thread")]
async fn an_employer_approves_a_series_overview_and_bureau_and_api_see_it() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let employer = login(&report, "demo-werkgever-1").clone();
    let base = app.running.url().to_owned();
    let found = Mutex::new((String::new(), String::new()));
    let chrome = Chrome::start().await;
    chrome
        .journey("approval", async |c| {
            sign_in(c, &app, &employer).await?;
            let data = text_of(c, "table.master-data").await?;
            let lhn = data
                .split_whitespace()
                .find(|w| w.len() == 12 && w.contains('L'))
                .ok_or(format!("no loonheffingennummer on Home: {data}"))?
                .to_owned();
            visit_checked(c, &base, "/dossier").await?;
            // The newest series overview waits for a decision.
            let mut details = None;
            for row in c
                .find_all(Locator::Css("#acties-loon tbody tr"))
                .await
                .map_err(e)?
            {
                let text = row.text().await.map_err(e)?;
                if text.contains("Serie-overzicht") {
                    if !text.contains("wacht op akkoord") {
                        return Err(format!("a new series overview says {text}"));
                    }
                    let link = row
                        .find(Locator::Css("a[href$='/details']"))
                        .await
                        .map_err(e)?;
                    details = link.attr("href").await.map_err(e)?;
                    break;
                }
            }
            let details = details.ok_or("no series overview in the employer's dossier")?;
            let id = details
                .trim_start_matches("/documenten/")
                .trim_end_matches("/details")
                .to_owned();
            visit_checked(c, &base, &details).await?;
            // Niet akkoord, with what is wrong.
            find(c, "input[name=besluit][value=niet-akkoord]")
                .await?
                .click()
                .await
                .map_err(e)?;
            find(c, "#opmerking")
                .await?
                .send_keys("De uren van Smit kloppen niet")
                .await
                .map_err(e)?;
            click_to(c, "form.decision button", &details).await?;
            check_here(c).await?;
            if !text_of(c, "p.notice")
                .await?
                .starts_with("U heeft niet akkoord gegeven")
            {
                return Err("no notice after niet akkoord".into());
            }
            if text_of(c, "blockquote.comment").await? != "De uren van Smit kloppen niet" {
                return Err("the comment is not shown".into());
            }
            // Then akkoord: it counts, the earlier decision stays in the history.
            find(c, "input[name=besluit][value=akkoord]")
                .await?
                .click()
                .await
                .map_err(e)?;
            click_to(c, "form.decision button", &details).await?;
            if text_of(c, "main .tag.approved").await? != "akkoord" {
                return Err("the overview does not say akkoord".into());
            }
            if !text_of(c, "details.history")
                .await?
                .contains("Eerdere besluiten")
            {
                return Err("the earlier decision is gone".into());
            }
            *found.lock().map_err(|err| err.to_string())? = (lhn, id);
            Ok(())
        })
        .await;
    let (lhn, id) = found.lock().unwrap().clone();

    // The bureau sees it per client on Werkgevers.
    let bureau = Browser::signed_in(&app, login(&report, "demo-bureau")).await;
    let clients = bureau.get("/werkgevers").await.text().await.unwrap();
    assert!(
        clients.contains(&format!("/documenten/{id}/details")) && clients.contains("tag approved"),
        "{clients}"
    );
    // The payroll software reads it in the document list.
    let token = crate::support::demo_bureau_token(&app, "Loon").await;
    let listed: serde_json::Value = app
        .client
        .get(app.url(&format!(
            "/api/v1/employers/{lhn}/documents?kind=series_overview"
        )))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let documents = listed["documents"].as_array().unwrap();
    let approved = documents.iter().find(|d| d["id"] == id.as_str()).unwrap();
    assert_eq!(approved["approval"]["status"], "approved");
    assert_eq!(approved["approval"]["comment"], serde_json::Value::Null);
    assert!(approved["approval"]["by"].as_str().unwrap().len() > 2);
    // Overviews without a decision say so with null; other kinds have no approval at all.
    assert!(
        documents
            .iter()
            .filter(|d| d["id"] != id.as_str())
            .all(|d| d["approval"].is_null() && d.get("approval").is_some())
    );
    app.stop().await;
}
