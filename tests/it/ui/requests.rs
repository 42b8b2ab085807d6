//! A request from start to end in the browser (SPEC.md Part 2): an employee asks for leave,
//! its employer approves it, the employee sees it approved, the payroll software fetches it
//! and marks it processed, and the bureau sees it processed; axe finds nothing on the way.

use std::sync::Mutex;

use super::{check_here, click_to, e, find, sign_in, text_of, texts_of, visit_checked};
use crate::support::{Browser, Chrome, TestApp, demo, login};

#[tokio::test(flavor = "multi_thread")]
async fn leave_goes_from_employee_to_employer_to_payroll_and_bureau() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let employee = login(&report, "demo-werknemer-1").clone();
    let employer = login(&report, "demo-werkgever-1").clone();
    let base = app.running.url().to_owned();
    let request = Mutex::new(String::new());
    let chrome = Chrome::start().await;
    chrome
        .journey("request", async |c| {
            sign_in(c, &app, &employee).await?;
            visit_checked(c, &base, "/verzoeken").await?;
            click_to(
                c,
                "a[href='/verzoeken/nieuw/verlof']",
                "/verzoeken/nieuw/verlof",
            )
            .await?;
            check_here(c).await?;
            // A wrong number of hours comes back naming the field, the rest kept.
            c.execute(
                "document.getElementById('van').value = '2026-12-21';
                 document.getElementById('tot').value = '2026-12-24';",
                vec![],
            )
            .await
            .map_err(e)?;
            find(c, "#uren").await?.send_keys("veel").await.map_err(e)?;
            click_to(c, "form.request button", "/verzoeken/nieuw/verlof").await?;
            let error = text_of(c, "p.error").await?;
            if !error.contains("Aantal uren") {
                return Err(format!("the refused form says {error:?}"));
            }
            find(c, "#uren").await?.clear().await.map_err(e)?;
            find(c, "#uren").await?.send_keys("30,5").await.map_err(e)?;
            find(c, "#toelichting")
                .await?
                .send_keys("Kerst bij familie")
                .await
                .map_err(e)?;
            click_to(c, "form.request button", "/verzoeken").await?;
            check_here(c).await?;
            if !text_of(c, "p.notice")
                .await?
                .starts_with("Uw verzoek is ingediend")
            {
                return Err("no notice after submitting".into());
            }
            let rows = texts_of(c, "#verzoeken tbody tr").await?;
            if !rows
                .iter()
                .any(|r| r.contains("30,5 uur") && r.contains("ingediend"))
            {
                return Err(format!("the request is not listed: {rows:?}"));
            }
            let href = find(c, "#verzoeken tbody td.title a")
                .await?
                .attr("href")
                .await
                .map_err(e)?
                .ok_or("no link")?;
            *request.lock().map_err(|err| err.to_string())? = href.clone();
            // The employer hears of it by mail after the delay: that something waits, not what.
            app.clock.advance(chrono::Duration::minutes(16));
            app.running
                .services()
                .queue_notifications()
                .await
                .map_err(|err| err.to_string())?;
            let told = mails(&app, "new_requests", "employer");
            if told.len() != 1 || told[0].contains("Kerst") {
                return Err(format!("the employer's notice: {told:?}"));
            }
            // Now the employer.
            find(c, "form.signout button")
                .await?
                .click()
                .await
                .map_err(e)?;
            sign_in(c, &app, &employer).await?;
            // This one and the demo's leave that was waiting already.
            let count = text_of(c, "nav a[href='/verzoeken'] .badge").await?;
            if count != "2" {
                return Err(format!("the menu counts {count} waiting requests"));
            }
            visit_checked(c, &base, "/verzoeken?status=submitted").await?;
            visit_checked(c, &base, &href).await?;
            if !text_of(c, "main dl.details")
                .await?
                .contains("Kerst bij familie")
            {
                return Err("the employer does not see what was asked".into());
            }
            find(c, "input[name=besluit][value=goedkeuren]")
                .await?
                .click()
                .await
                .map_err(e)?;
            find(c, "#opmerking")
                .await?
                .send_keys("Prettige feestdagen")
                .await
                .map_err(e)?;
            click_to(c, "form.decision button", &href).await?;
            check_here(c).await?;
            if !text_of(c, "p.notice").await?.starts_with("Goedgekeurd") {
                return Err("no notice after approving".into());
            }
            Ok(())
        })
        .await;
    let href = request.lock().unwrap().clone();
    // The employee hears of the decision by mail (not what was asked), and sees it approved.
    let decided = mails(&app, "request_decided", "employee");
    assert_eq!(decided.len(), 1, "{decided:?}");
    assert!(decided[0].contains("\"approved\":true") && !decided[0].contains("Kerst"));
    // The employee sees it approved, with the comment.
    let reader = Browser::signed_in(&app, &employee).await;
    let page = reader.get(&href).await.text().await.unwrap();
    assert!(
        page.contains("goedgekeurd") && page.contains("Prettige feestdagen"),
        "{page}"
    );
    // The payroll software fetches it and marks it processed; the bureau then sees that.
    let token = crate::support::demo_bureau_token(&app, "Loket").await;
    let listed: serde_json::Value = app
        .client
        .get(app.url("/api/v1/requests"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = href.trim_start_matches("/verzoeken/");
    // Approved last, so last in the approved order (after the demo's move).
    let approved = listed["requests"].as_array().unwrap();
    let last = approved.last().unwrap();
    assert_eq!(last["id"], id, "{listed}");
    assert_eq!(last["decision_comment"], "Prettige feestdagen");
    let done = app
        .client
        .post(app.url(&format!("/api/v1/requests/{id}/processed")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), reqwest::StatusCode::NO_CONTENT);
    let bureau = Browser::signed_in(&app, login(&report, "demo-bureau")).await;
    let list = bureau.get("/verzoeken").await.text().await.unwrap();
    assert!(list.contains(id) && list.contains("verwerkt"), "{list}");
    app.stop().await;
}

/// The stored parameters of queued mails called `message` to accounts of `role`.
fn mails(app: &TestApp, message: &str, role: &str) -> Vec<String> {
    let conn = loondossier::store::Connection::open(app.data_dir.join("loondossier.db")).unwrap();
    let mut statement = conn
        .prepare(
            "SELECT o.params FROM outbox o JOIN accounts a ON a.id = o.account_id \
             WHERE o.message = ?1 AND a.role = ?2",
        )
        .unwrap();
    statement
        .query_map([message, role], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// An expense claim with two receipts and an address change, from the employee's forms to the
/// employer's page (both receipts downloadable by the employer, not by a colleague).
#[tokio::test(flavor = "multi_thread")]
async fn an_expense_claim_with_two_receipts_and_a_move_reach_the_employer() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let employee = login(&report, "demo-werknemer-1").clone();
    let files = tempfile::tempdir().unwrap();
    let mut receipts = Vec::new();
    for name in ["parkeren.pdf", "trein.pdf"] {
        let path = files.path().join(name);
        std::fs::write(
            &path,
            b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n",
        )
        .unwrap();
        receipts.push(path.display().to_string());
    }
    // Dates around the portal's own today (the tests' clock).
    let today = {
        use loondossier::clock::Clock;
        app.clock.now().date_naive()
    };
    let spent = (today - chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    let moving = (today + chrono::Duration::days(14))
        .format("%Y-%m-%d")
        .to_string();
    let base = app.running.url().to_owned();
    let chrome = Chrome::start().await;
    chrome
        .journey("expense-and-move", async |c| {
            sign_in(c, &app, &employee).await?;
            visit_checked(c, &base, "/verzoeken/nieuw/declaratie").await?;
            find(c, "#bedrag")
                .await?
                .send_keys("23,50")
                .await
                .map_err(e)?;
            c.execute(
                &format!("document.getElementById('datum').value = '{spent}';"),
                vec![],
            )
            .await
            .map_err(e)?;
            find(c, "#omschrijving")
                .await?
                .send_keys("Parkeren en trein naar klant")
                .await
                .map_err(e)?;
            find(c, "#bon")
                .await?
                .send_keys(&receipts.join("\n"))
                .await
                .map_err(e)?;
            click_to(c, "form.request button", "/verzoeken").await?;
            check_here(c).await?;
            visit_checked(c, &base, "/verzoeken/nieuw/verhuizing").await?;
            find(c, "#straat")
                .await?
                .send_keys("Oude Delft 12")
                .await
                .map_err(e)?;
            find(c, "#postcode")
                .await?
                .send_keys("2611 bd")
                .await
                .map_err(e)?;
            find(c, "#plaats")
                .await?
                .send_keys("Delft")
                .await
                .map_err(e)?;
            c.execute(
                &format!("document.getElementById('per').value = '{moving}';"),
                vec![],
            )
            .await
            .map_err(e)?;
            click_to(c, "form.request button", "/verzoeken").await?;
            let rows = texts_of(c, "#verzoeken tbody tr").await?;
            // Newest first: these two above the demo's earlier requests.
            let newest = rows.get(..2).unwrap_or_default();
            if !newest.iter().any(|r| r.contains("€ 23,50"))
                || !newest.iter().any(|r| r.contains("Oude Delft 12"))
            {
                return Err(format!("the employee's requests: {rows:?}"));
            }
            Ok(())
        })
        .await;
    // The employer sees both, the claim with its two receipts, which it may download.
    let employer = Browser::signed_in(&app, login(&report, "demo-werkgever-1")).await;
    let inbox = employer
        .get("/verzoeken?soort=declaratie")
        .await
        .text()
        .await
        .unwrap();
    let href = inbox
        .split("href=\"/verzoeken/")
        .filter_map(|rest| rest.split('"').next())
        .find(|id| id.len() == 32)
        .expect("the claim in the employer's inbox");
    assert!(!inbox.contains("Oude Delft"), "filtered by kind: {inbox}");
    let claim = employer
        .get(&format!("/verzoeken/{href}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        claim.contains("parkeren.pdf") && claim.contains("trein.pdf"),
        "{claim}"
    );
    let receipt = employer.get(&format!("/verzoeken/{href}/bonnen/2")).await;
    assert_eq!(receipt.status(), reqwest::StatusCode::OK);
    assert!(receipt.bytes().await.unwrap().starts_with(b"%PDF"));
    let colleague = Browser::signed_in(&app, login(&report, "demo-werknemer-2")).await;
    assert_eq!(
        colleague
            .get(&format!("/verzoeken/{href}/bonnen/1"))
            .await
            .status(),
        reqwest::StatusCode::NOT_FOUND
    );
    let moves = employer
        .get("/verzoeken?soort=verhuizing")
        .await
        .text()
        .await
        .unwrap();
    assert!(moves.contains("Oude Delft 12"), "{moves}");
    app.stop().await;
}
