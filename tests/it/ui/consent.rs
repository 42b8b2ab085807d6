//! Consent to electronic payslips (SPEC.md Part 2, BW 7:626 lid 4): asked at the first sign-in
//! before any page, changed in Profiel; the employer sees the choice in Werknemers, payroll
//! software in the sync API's employee list; every choice is audited with the text's version.

use super::{check_here, click_to, e, find, text_of};
use crate::support::{Browser, Chrome, TestApp, demo, login};

#[tokio::test(flavor = "multi_thread")]
async fn an_employee_is_asked_once_and_changes_its_mind_in_profiel() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    // The demo's former employee has not been asked yet.
    let person = login(&report, "demo-oud-werknemer").clone();
    let base = app.running.url().to_owned();
    let conn = loondossier::store::Connection::open(app.data_dir.join("loondossier.db")).unwrap();
    let (lhn, number): (String, String) = conn
        .query_row(
            "SELECT r.lhn, w.personnel_number FROM accounts a \
             JOIN employees w ON w.id = a.employee_id JOIN employers r ON r.id = w.employer_id \
             WHERE a.username = 'demo-oud-werknemer'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let before = delivery_in_api(&app, &lhn, &number).await;
    assert_eq!(before["payslip_delivery"], "not_asked", "{before}");
    assert!(before["payslip_delivery_since"].is_null(), "{before}");
    let chrome = Chrome::start().await;
    chrome
        .journey("consent", async |c| {
            c.goto(&format!("{base}/aanmelden?next=/dossier"))
                .await
                .map_err(e)?;
            find(c, "input[name=username]")
                .await?
                .send_keys(&person.username)
                .await
                .map_err(e)?;
            find(c, "input[name=password]")
                .await?
                .send_keys(&person.password)
                .await
                .map_err(e)?;
            click_to(c, "main form button[type=submit]", "/toestemming").await?;
            check_here(c).await?;
            if !text_of(c, "main").await?.contains("7:626") {
                return Err("the question does not say why it is asked".into());
            }
            // Nothing chosen: the browser itself asks (the radio is required).
            find(c, "input[name=keuze][value=paper]")
                .await?
                .click()
                .await
                .map_err(e)?;
            // On to the page the employee was going to.
            click_to(c, "form.consent button", "/dossier").await?;
            c.goto(&format!("{base}/profiel")).await.map_err(e)?;
            let choice = text_of(c, "main").await?;
            if !choice.contains("Uw keuze: op papier") {
                return Err(format!("Profiel does not show the choice: {choice}"));
            }
            find(c, "input[name=keuze][value=electronic]")
                .await?
                .click()
                .await
                .map_err(e)?;
            click_to(c, "form.consent button", "/profiel").await?;
            if text_of(c, "p.notice").await? != "Uw keuze is opgeslagen." {
                return Err("no notice after changing the choice".into());
            }
            if !text_of(c, "main").await?.contains("Uw keuze: digitaal") {
                return Err("the new choice is not shown".into());
            }
            check_here(c).await?;
            // Asked once: Home now opens at once.
            click_to(c, "nav a[href='/']", "/").await
        })
        .await;

    // The employer sees it in Werknemers.
    let employer = Browser::signed_in(&app, login(&report, "demo-werkgever-1")).await;
    let list = employer.get("/werknemers").await.text().await.unwrap();
    assert!(
        list.contains("<td data-label=\"Loonstrook\">digitaal</td>")
            && !list.contains("nog niet gevraagd"),
        "{list}"
    );
    // Payroll software reads it from the employee list.
    let row = delivery_in_api(&app, &lhn, &number).await;
    assert_eq!(row["payslip_delivery"], "electronic", "{row}");
    assert!(row["payslip_delivery_since"].is_string(), "{row}");
    // Both choices are kept and audited with the version of the text read.
    app.running.services().flush_audit().await;
    let kept: Vec<(String, String)> = conn
        .prepare(
            "SELECT delivery, text_version FROM payslip_delivery_choices c \
             JOIN accounts a ON a.employee_id = c.employee_id \
             WHERE a.username = 'demo-oud-werknemer' ORDER BY c.id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let version = loondossier::domain::consent::CONSENT_TEXT_VERSION.to_owned();
    assert_eq!(
        kept,
        vec![
            ("paper".into(), version.clone()),
            ("electronic".into(), version)
        ]
    );
    let audited: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_events WHERE action = 'payslip_delivery_change'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited, 2);
    // Only the employee chooses: an employer's form is "not found"; no choice is a clear error.
    let csrf = employer.page_csrf().await;
    let theirs = employer
        .post_form(
            "/toestemming",
            &[("csrf", &csrf), ("keuze", "paper"), ("terug", "/")],
        )
        .await;
    assert_eq!(theirs.status(), reqwest::StatusCode::NOT_FOUND);
    let employee = Browser::signed_in(&app, &person).await;
    let csrf = employee.page_csrf().await;
    let none = employee
        .post_form("/toestemming", &[("csrf", &csrf), ("terug", "/")])
        .await;
    assert_eq!(none.status(), reqwest::StatusCode::BAD_REQUEST);
    assert!(
        none.text()
            .await
            .unwrap()
            .contains("Kies digitaal of op papier.")
    );
    app.stop().await;
}

/// The employee `number`'s row in the sync API's employee list of `lhn`, as the demo bureau's
/// payroll software reads it.
async fn delivery_in_api(app: &TestApp, lhn: &str, number: &str) -> serde_json::Value {
    let token = crate::support::demo_bureau_token(app, "Loket").await;
    let employees: serde_json::Value = app
        .client
        .get(app.url(&format!("/api/v1/employers/{lhn}/employees")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    employees
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["personnel_number"] == number)
        .cloned()
        .expect("the employee in the list")
}
