//! The employer's journey: setting up the authenticator app, Home, Werknemers with their
//! account statuses, an employee's dossier (shared uploads only), and one full BSN.

use super::{
    check_here, click_to, display_name, e, find, link_to, row_text, sign_in, text_of, texts_of,
    uploaded, visit_checked,
};
use crate::support::{Chrome, TestApp, demo, login};

#[tokio::test(flavor = "multi_thread")]
async fn an_employer_sees_its_employees_and_only_what_they_shared() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let employee = login(&report, "demo-werknemer-1").clone();
    uploaded(
        &app,
        &employee,
        &[("id-kaart.pdf", true), ("prive-brief.pdf", false)],
    )
    .await;
    let employer = login(&report, "demo-werkgever-1").clone();
    uploaded(&app, &employer, &[("concept-brief.pdf", false)]).await;
    let bureau_name = loondossier::service::demo::DEMO_BUREAU_NAME;
    let base = app.running.url().to_owned();
    let chrome = Chrome::start().await;
    chrome
        .journey("employer", async |c| {
            sign_in(c, &app, &employer).await?;
            check_here(c).await?;
            let data = text_of(c, "table.master-data").await?;
            if !data.contains("Loonheffingennummer") || !data.contains("L01") {
                return Err(format!("Home lacks the employer's data: {data}"));
            }
            let menu = texts_of(c, "nav.site-nav a").await?;
            if menu.iter().any(|m| m == "Backups" || m == "Werkgevers") {
                return Err(format!("a client of a bureau sees {menu:?}"));
            }
            click_to(c, "nav a[href='/werknemers']", "/werknemers").await?;
            check_here(c).await?;
            let statuses = texts_of(c, "#werknemers tbody td[data-label=Account]").await?;
            if !statuses.iter().any(|s| s == "Actief") || statuses.len() < 2 {
                return Err(format!("employee statuses: {statuses:?}"));
            }
            let masked = texts_of(c, "#werknemers td.bsn").await?;
            if !masked.iter().all(|b| b.starts_with("*****")) {
                return Err(format!("BSNs are not masked: {masked:?}"));
            }
            // The full number only on an explicit click, and the one of the row clicked (all
            // rows' buttons share one form).
            let last_reveal = find(c, "#werknemers tbody tr:last-child td.bsn button").await?;
            let last_masked = masked.last().cloned().unwrap_or_default();
            let shown_digits: String = last_masked
                .trim_start_matches('*')
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            super::submit_and_wait_any(c, last_reveal).await?;
            check_here(c).await?;
            let bsn = text_of(c, "strong.bsn").await?;
            if bsn.len() != 9 || !bsn.chars().all(|ch| ch.is_ascii_digit()) {
                return Err(format!("the revealed BSN is {bsn:?}"));
            }
            if shown_digits.len() != 3 || !bsn.ends_with(&shown_digits) {
                return Err(format!(
                    "revealed {bsn} for the row showing {last_masked:?}"
                ));
            }
            // The employee's dossier: payslips, and the shared upload only.
            c.goto(&format!("{base}/werknemers")).await.map_err(e)?;
            let name = display_name(&app, &employee).await;
            let href = link_to(c, "#werknemers", &name).await?;
            visit_checked(c, &base, &href).await?;
            let heading = text_of(c, "main h1").await?;
            if !heading.contains(&name) {
                return Err(format!("the dossier is not {name}'s: {heading}"));
            }
            if texts_of(c, "#acties-loon tbody tr").await?.is_empty() {
                return Err("the employer does not see the payslips it sent".into());
            }
            // Its employee's payslips are no news to it: nothing to tick, no buttons.
            let boxes =
                texts_of(c, "#acties-loon input[type=checkbox], #acties-loon button").await?;
            if !boxes.is_empty() {
                return Err(format!(
                    "boxes or buttons on an employee's payslips: {}",
                    boxes.len()
                ));
            }
            let other = texts_of(c, "#acties-overig tbody tr").await?.join("\n");
            if !other.contains("id-kaart.pdf") {
                return Err(format!("the shared upload is missing: {other}"));
            }
            if other.contains("prive-brief.pdf") {
                return Err("the employer sees an upload that was not shared".into());
            }
            // It passes the shared upload on to its bureau (SPEC.md Part 2, "Sharing onward").
            let here = c.current_url().await.map_err(e)?.path().to_owned();
            find(
                c,
                "#acties-overig input[aria-label='Selecteer id-kaart.pdf']",
            )
            .await?
            .click()
            .await
            .map_err(e)?;
            click_to(c, "#acties-overig button[value='share']", &here).await?;
            let said = text_of(c, "p.notice").await?;
            if said != format!("1 bestand gedeeld met {bureau_name}.") {
                return Err(format!("passing on says {said:?}"));
            }
            if !row_text(c, "acties-overig", "id-kaart.pdf")
                .await?
                .contains(&format!("met {bureau_name}"))
            {
                return Err("the row does not say it went to the bureau".into());
            }
            // Its own dossier, and Ongelezen: the upload shared with it, naming the employee;
            // its employees' payslips are not news for it.
            visit_checked(c, &base, "/dossier").await?;
            let share = text_of(c, "#acties-overig button[value='share']").await?;
            if share != format!("Deel met {bureau_name}") {
                return Err(format!("the employer's share button says {share:?}"));
            }
            // Deleting asks first, on its own page; "Annuleren" keeps the file.
            let delete = "#acties-overig button[value='delete']";
            let tick = "#acties-overig input[aria-label='Selecteer concept-brief.pdf']";
            find(c, tick).await?.click().await.map_err(e)?;
            click_to(c, delete, "/documenten/acties").await?;
            check_here(c).await?;
            let question = text_of(c, "main").await?;
            if !question.contains("Wilt u dit bestand verwijderen?")
                || !question.contains("concept-brief.pdf")
            {
                return Err(format!("the delete question: {question}"));
            }
            click_to(c, "main a.secondary", "/dossier").await?;
            // (still listed after "Annuleren")
            row_text(c, "acties-overig", "concept-brief.pdf").await?;
            find(c, tick).await?.click().await.map_err(e)?;
            click_to(c, delete, "/documenten/acties").await?;
            click_to(c, "main button.danger", "/dossier").await?;
            if text_of(c, "p.notice").await? != "1 bestand verwijderd." {
                return Err("no notice after deleting".into());
            }
            if row_text(c, "acties-overig", "concept-brief.pdf")
                .await
                .is_ok()
            {
                return Err("the deleted file is still listed".into());
            }
            super::check_unread(c, &base, "id-kaart", &name, &["Loonstrook"]).await?;
            // Profiel offers inviting colleagues (their own logins).
            visit_checked(c, &base, "/profiel").await?;
            if !text_of(c, "main").await?.contains("Collega uitnodigen") {
                return Err("Profiel has no way to invite a colleague".into());
            }
            Ok(())
        })
        .await;
    // The bureau finds it in Ongelezen, and hears of it by mail after the delay.
    let bureau = crate::support::Browser::signed_in(&app, login(&report, "demo-bureau")).await;
    let news = bureau.get("/ongelezen").await.text().await.unwrap();
    assert!(news.contains("id-kaart.pdf"), "{news}");
    app.clock.advance(chrono::Duration::minutes(16));
    app.running.services().queue_notifications().await.unwrap();
    let conn = loondossier::store::Connection::open(app.data_dir.join("loondossier.db")).unwrap();
    let told: i64 = conn
        .query_row(
            "SELECT count(*) FROM outbox o JOIN accounts a ON a.id = o.account_id \
             WHERE o.message = 'new_documents' AND a.role = 'bureau'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(told, 1, "the bureau's staff member is told once");
    app.stop().await;
}
