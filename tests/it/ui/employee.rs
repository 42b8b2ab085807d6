//! The employee's journeys: Home, the dossier, opening a payslip, uploading and sharing, and
//! the same pages in English.

use std::time::{Duration, Instant};

use super::{
    act_on_upload, check_here, click_to, display_name, e, find, row_text, sign_in,
    submit_and_wait_any, text_of, texts_of, unread, visit_checked,
};
use crate::support::{Browser, Chrome, TestApp, demo, login};

#[tokio::test(flavor = "multi_thread")]
async fn an_employee_sees_their_details_opens_a_payslip_and_the_counter_goes_down() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let employee = login(&report, "demo-werknemer-1").clone();
    let base = app.running.url().to_owned();
    let chrome = Chrome::start().await;
    chrome
        .journey("employee-opens-payslip", async |c| {
            sign_in(c, &app, &employee).await?;
            // Home: Mijn gegevens, the BSN masked.
            if text_of(c, "main h1").await? != "Mijn gegevens" {
                return Err("Home is not Mijn gegevens".into());
            }
            let bsn = text_of(c, "table.master-data td.bsn").await?;
            if !(bsn.starts_with("*****") && bsn.len() == 8 + " Toon".len()) {
                return Err(format!("the BSN on Home is not masked: {bsn:?}"));
            }
            check_here(c).await?;
            // The full number on request, and back.
            let reveal = find(c, "table.master-data td.bsn button").await?;
            submit_and_wait_any(c, reveal).await?;
            let full = text_of(c, "main strong.bsn").await?;
            if full.len() != 9 || full.contains('*') {
                return Err(format!("the revealed BSN: {full:?}"));
            }
            check_here(c).await?;
            click_to(c, "main a[href='/']", "/").await?;
            click_to(c, "main a[href='/dossier']", "/dossier").await?;
            check_here(c).await?;
            let before = unread(c).await?;
            if before == 0 {
                return Err("the demo employee has nothing unread".into());
            }
            // The counter leads to the list of exactly those documents.
            click_to(c, "nav a[href='/ongelezen']", "/ongelezen").await?;
            check_here(c).await?;
            let listed = texts_of(c, "#acties-ongelezen tbody tr").await?.len();
            if u64::try_from(listed).map_err(|err| err.to_string())? != before {
                return Err(format!(
                    "Ongelezen lists {listed}, the counter says {before}"
                ));
            }
            c.goto(&format!("{base}/dossier")).await.map_err(e)?;
            let href = find(c, "#acties-loon tr.unread td a")
                .await?
                .attr("href")
                .await
                .map_err(e)?
                .ok_or("no link")?;
            visit_checked(c, &base, &format!("{href}/details")).await?;
            if !text_of(c, "code.hash")
                .await?
                .chars()
                .all(|ch| ch.is_ascii_hexdigit())
            {
                return Err("the details show no SHA-256".into());
            }
            c.goto(&format!("{base}{href}")).await.map_err(e)?;
            let deadline = Instant::now() + Duration::from_secs(30);
            loop {
                c.goto(&format!("{base}/dossier")).await.map_err(e)?;
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

/// What `el` shows of the rows of the table in form `form` (filtering hides rows).
async fn visible_rows(c: &fantoccini::Client, form: &str) -> Result<u64, String> {
    let count = c
        .execute(
            &format!(
                "return [...document.querySelectorAll('#{form} tbody tr')].filter(r => !r.hidden).length"
            ),
            vec![],
        )
        .await
        .map_err(e)?;
    count
        .as_u64()
        .ok_or_else(|| format!("not a count: {count}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn an_employee_drops_an_id_copy_shares_it_and_filters_the_list() {
    let app = TestApp::start().await;
    let files = tempfile::tempdir().unwrap();
    let private_path = files.path().join("loonbeslag-prive.pdf");
    std::fs::write(
        &private_path,
        b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n",
    )
    .unwrap();
    let report = demo(&app).await;
    let employee = login(&report, "demo-werknemer-1").clone();
    let employer_name = display_name(&app, login(&report, "demo-werkgever-1")).await;
    let base = app.running.url().to_owned();
    let links = std::sync::Mutex::new(Vec::<String>::new());
    let chrome = Chrome::start().await;
    chrome
        .journey("employee-shares-upload", async |c| {
            sign_in(c, &app, &employee).await?;
            c.goto(&format!("{base}/dossier")).await.map_err(e)?;
            // Payroll files can only be marked, never shared or deleted.
            let labels = texts_of(c, "#acties-loon button").await?;
            if labels != ["Markeer gelezen", "Markeer ongelezen"] {
                return Err(format!("payroll actions: {labels:?}"));
            }
            // A private file through the file picker.
            find(c, "#upload-file")
                .await?
                .send_keys(&private_path.display().to_string())
                .await
                .map_err(e)?;
            click_to(c, "form.upload button[type=submit]", "/dossier").await?;
            // An ID copy dropped onto the upload area.
            find(c, "#upload-kind option[value='id_copy']")
                .await?
                .click()
                .await
                .map_err(e)?;
            c.execute(
                "const zone = document.querySelector('.dropzone');
                 const data = new DataTransfer();
                 data.items.add(new File(['%PDF-1.7\\n1 0 obj\\n<<>>\\nendobj\\ntrailer\\n<<>>\\n%%EOF\\n'],
                     'id-kaart.pdf', { type: 'application/pdf' }));
                 zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));",
                vec![],
            )
            .await
            .map_err(e)?;
            let chosen = texts_of(c, ".drop-files li").await?;
            if chosen != ["id-kaart.pdf"] {
                return Err(format!("the dropped file is not listed: {chosen:?}"));
            }
            click_to(c, "form.upload button[type=submit]", "/dossier").await?;
            check_here(c).await?;
            let title = "id-kaart.pdf";
            // Shared, the row names with whom.
            let shared_with = format!("met {employer_name}");
            if row_text(c, "acties-overig", title).await?.contains(&shared_with) {
                return Err("a new upload is shared before anyone shares it".into());
            }
            // The share button names whom the file goes to; nothing ticked is an alert on the
            // same page.
            let share = text_of(c, "#acties-overig button[value='share']").await?;
            if share != format!("Deel met {employer_name}") {
                return Err(format!("the share button says {share:?}"));
            }
            click_to(c, "#acties-overig button[value='share']", "/dossier").await?;
            let alert = text_of(c, "p.notice.alert").await?;
            if !alert.starts_with("Kies eerst") {
                return Err(format!("nothing ticked says {alert:?}"));
            }
            // Share it, stop sharing, share again: each through the ticked box and a button.
            act_on_upload(c, title, "share").await?;
            if !row_text(c, "acties-overig", title).await?.contains(&shared_with) {
                return Err(format!("sharing did not mark {title} shared"));
            }
            let said = text_of(c, "p.notice").await?;
            if said != format!("1 bestand gedeeld met {employer_name}.") {
                return Err(format!("after sharing the page says {said:?}"));
            }
            act_on_upload(c, title, "unshare").await?;
            if row_text(c, "acties-overig", title).await?.contains(&shared_with) {
                return Err(format!("{title} is still shared"));
            }
            act_on_upload(c, title, "share").await?;
            if !row_text(c, "acties-overig", title).await?.contains(&shared_with) {
                return Err(format!("{title} was not shared again"));
            }
            // Typing in the search box filters the list at once (the button asks the server).
            let all = visible_rows(c, "acties-overig").await?;
            find(c, "#zoek-overig").await?.send_keys("id-kaart").await.map_err(e)?;
            if visible_rows(c, "acties-overig").await? != 1 || all < 2 {
                return Err(format!("filtering {all} rows for id-kaart did not leave one"));
            }
            let status = c
                .execute("return document.getElementById('zoek-overig-status').textContent", vec![])
                .await
                .map_err(e)?;
            if status != format!("1 van {all} zichtbaar") {
                return Err(format!("the filter announces {status}"));
            }
            for name in [title, "loonbeslag-prive.pdf"] {
                let href = find(c, &format!("#acties-overig input[aria-label='Selecteer {name}']"))
                    .await?
                    .attr("value")
                    .await
                    .map_err(e)?
                    .ok_or("no id")?;
                links.lock().map_err(|err| err.to_string())?.push(format!("/documenten/{href}"));
            }
            Ok(())
        })
        .await;
    // The employer sees the shared copy, not the private file; a colleague sees neither.
    let links = links.lock().unwrap().clone();
    let (shared, private) = (&links[0], &links[1]);
    let employer = Browser::signed_in(&app, login(&report, "demo-werkgever-1")).await;
    assert_eq!(employer.get(shared).await.status(), reqwest::StatusCode::OK);
    assert_eq!(
        employer.get(private).await.status(),
        reqwest::StatusCode::NOT_FOUND
    );
    let colleague = Browser::signed_in(&app, login(&report, "demo-werknemer-2")).await;
    for link in [shared, private] {
        assert_eq!(
            colleague.get(link).await.status(),
            reqwest::StatusCode::NOT_FOUND
        );
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_speak_english_for_those_who_choose_it() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let employee = login(&report, "demo-werknemer-1").clone();
    let base = app.running.url().to_owned();
    let chrome = Chrome::start().await;
    chrome
        .journey("english", async |c| {
            // Before signing in: the footer link switches the language.
            visit_checked(c, &base, "/aanmelden").await?;
            if text_of(c, "main h1").await? != "Aanmelden" {
                return Err("the sign-in page is not Dutch by default".into());
            }
            click_to(c, "footer a[hreflang='en']", "/aanmelden").await?;
            check_here(c).await?;
            if text_of(c, "main h1").await? != "Sign in" {
                return Err("the language link did not switch to English".into());
            }
            let lang = c
                .execute("return document.documentElement.lang", vec![])
                .await
                .map_err(e)?;
            if lang != "en" {
                return Err(format!("html lang is {lang}"));
            }
            // Signed in, the account's own language counts: Dutch until changed on Profiel.
            sign_in(c, &app, &employee).await?;
            if text_of(c, "main h1").await? != "Mijn gegevens" {
                return Err("the account's language (Dutch) was not used".into());
            }
            c.goto(&format!("{base}/profiel")).await.map_err(e)?;
            find(c, "#language option[value='en']")
                .await?
                .click()
                .await
                .map_err(e)?;
            click_to(c, "form[action='/profiel/taal'] button", "/profiel").await?;
            check_here(c).await?;
            if text_of(c, "main h1").await? != "Profile" {
                return Err("Profiel did not switch to English".into());
            }
            visit_checked(c, &base, "/").await?;
            if text_of(c, "main h1").await? != "My details" {
                return Err("Home is not in English".into());
            }
            visit_checked(c, &base, "/dossier").await?;
            let headings = texts_of(c, "main h2").await?;
            if !headings.iter().any(|h| h.starts_with("Payroll files for")) {
                return Err(format!("dossier headings: {headings:?}"));
            }
            let periods = texts_of(c, "#acties-loon tbody td:nth-child(3)").await?;
            if !periods.iter().any(|p| {
                ["January", "February", "March"]
                    .iter()
                    .any(|m| p.starts_with(m))
            }) {
                return Err(format!("periods are not in English: {periods:?}"));
            }
            visit_checked(c, &base, "/ongelezen").await?;
            if !text_of(c, "main h1").await?.starts_with("Unread") {
                return Err("Ongelezen is not in English".into());
            }
            Ok(())
        })
        .await;
    app.stop().await;
}
