//! The bureau's journey: its clients, the series overviews it placed in a client's dossier,
//! that client's employees without their uploads, and the Backups page.

use super::{
    check_here, click_to, display_name, e, find, link_to, sign_in, text_of, texts_of, uploaded,
    visit_checked,
};
use crate::support::{Chrome, TestApp, demo, login};

/// Sends a payroll backup through the sync API, as the payroll software does.
async fn send_backup(app: &TestApp, token: &str, name: &str) {
    let sent = app
        .client
        .post(app.url(&format!(
            "/api/v1/backups?filename={name}&description=Backup%20Loon%20door%20marcel"
        )))
        .bearer_auth(token)
        .body("backup ".repeat(20_000))
        .send()
        .await
        .expect("backup request");
    assert!(
        sent.status().is_success(),
        "backup stored: {}",
        sent.status()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bureau_sees_its_clients_what_it_placed_and_its_backups() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let employee = login(&report, "demo-werknemer-1").clone();
    uploaded(
        &app,
        &employee,
        &[("id-kaart.pdf", true), ("prive-brief.pdf", false)],
    )
    .await;
    let employee_name = display_name(&app, &employee).await;
    let client = login(&report, "demo-werkgever-1").clone();
    let bureau = login(&report, "demo-bureau").clone();
    uploaded(&app, &bureau, &[("tarieven-2027.pdf", false)]).await;
    uploaded(&app, &client, &[("loonmutaties-maart.pdf", true)]).await;
    let client_name = display_name(&app, &client).await;
    let token = crate::support::demo_bureau_token(&app, "Loon").await;
    send_backup(&app, &token, "LB900001.lda").await;
    send_backup(&app, &token, "LB900002.lda").await;
    let base = app.running.url().to_owned();
    let chrome = Chrome::start().await;
    chrome
        .journey("bureau", async |c| {
            sign_in(c, &app, &bureau).await?;
            check_here(c).await?;
            if !text_of(c, "table.master-data")
                .await?
                .contains("Demo Salarisbureau")
            {
                return Err("Home does not show the bureau".into());
            }
            click_to(c, "nav a[href='/werkgevers']", "/werkgevers").await?;
            check_here(c).await?;
            // The client's dossier holds the series overviews the bureau placed.
            let dossier = link_to(c, "#werkgevers", &client_name).await?;
            visit_checked(c, &base, &dossier).await?;
            let payroll = texts_of(c, "#acties-loon tbody tr").await?;
            if !payroll.iter().any(|row| row.contains("Serie-overzicht")) {
                return Err(format!(
                    "no series overview in the client's dossier: {payroll:?}"
                ));
            }
            // The client's employees, and an employee's dossier without its uploads.
            visit_checked(c, &base, &format!("{dossier}/werknemers")).await?;
            let href = link_to(c, "#werknemers", &employee_name).await?;
            visit_checked(c, &base, &href).await?;
            if texts_of(c, "#acties-loon tbody tr").await?.is_empty() {
                return Err("the bureau does not see the payslips it placed".into());
            }
            if !texts_of(c, "#acties-overig tbody tr").await?.is_empty() {
                return Err("the bureau sees an employee's uploads".into());
            }
            // Nobody is above a bureau: its own uploads can be deleted, not shared.
            visit_checked(c, &base, "/dossier").await?;
            let actions = texts_of(c, "#acties-overig button").await?;
            if actions != ["Verwijder"] {
                return Err(format!("the bureau's upload actions: {actions:?}"));
            }
            // Ongelezen: the client's shared file, naming the client; not the payslips and
            // overviews the bureau placed itself, nor the employee's upload.
            super::check_unread(
                c,
                &base,
                "loonmutaties-maart",
                &client_name,
                &["Loonstrook", "Serie-overzicht", "id-kaart"],
            )
            .await?;
            // Backups: listed, downloadable, deleted when selected.
            click_to(c, "nav a[href='/backups']", "/backups").await?;
            check_here(c).await?;
            // The demo's own two and the two just sent.
            let rows = texts_of(c, "main table tbody tr").await?;
            let sent = rows
                .iter()
                .filter(|r| r.contains("Backup Loon door marcel"))
                .count();
            if rows.len() != 4 || sent != 2 {
                return Err(format!("backups listed: {rows:?}"));
            }
            let download = find(c, "main table tbody a")
                .await?
                .attr("href")
                .await
                .map_err(e)?
                .ok_or("no download link")?;
            if !download.ends_with("/download") {
                return Err(format!("backup link {download}"));
            }
            find(c, "input[aria-label='Selecteer LB900001.lda']")
                .await?
                .click()
                .await
                .map_err(e)?;
            click_to(
                c,
                "main form[action='/backups/verwijderen'] button",
                "/backups/verwijderen",
            )
            .await?;
            // The question first, then the answer.
            check_here(c).await?;
            click_to(c, "main button.danger", "/backups").await?;
            check_here(c).await?;
            if !text_of(c, "p.notice").await?.contains('1') {
                return Err("no notice after deleting".into());
            }
            let left = texts_of(c, "main table tbody tr").await?.join("\n");
            if left.contains("LB900001.lda") || !left.contains("LB900002.lda") {
                return Err(format!("after deleting one backup: {left}"));
            }
            Ok(())
        })
        .await;
    // The deleted backup is gone for the payroll software too; the other downloads whole.
    let listed: serde_json::Value = app
        .client
        .get(app.url("/api/v1/backups"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = listed["backups"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|b| b["file_name"].as_str())
        .collect();
    assert!(
        names.contains(&"LB900002.lda") && !names.contains(&"LB900001.lda"),
        "{names:?}"
    );
    app.stop().await;
}
