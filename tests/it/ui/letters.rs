//! Letters from the browser (SPEC.md Part 2): an employer places a PDF letter in an employee's
//! dossier; the employee finds it as news, from its employer.

use super::{check_here, display_name, e, find, link_to, sign_in, text_of, texts_of};
use crate::support::{Browser, Chrome, TestApp, demo, login};

#[tokio::test(flavor = "multi_thread")]
async fn an_employer_places_a_letter_the_employee_finds_it() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let employer = login(&report, "demo-werkgever-1").clone();
    let employee = login(&report, "demo-werknemer-1").clone();
    let employee_name = display_name(&app, &employee).await;
    let employer_name = display_name(&app, &employer).await;
    let files = tempfile::tempdir().unwrap();
    let letter = files.path().join("werkgeversverklaring.pdf");
    std::fs::write(
        &letter,
        b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n",
    )
    .unwrap();
    let base = app.running.url().to_owned();
    let chrome = Chrome::start().await;
    chrome
        .journey("letter", async |c| {
            sign_in(c, &app, &employer).await?;
            c.goto(&format!("{base}/werknemers")).await.map_err(e)?;
            let dossier = link_to(c, "#werknemers", &employee_name).await?;
            // axe-core finds nothing on the dossier with its letter form.
            super::visit_checked(c, &base, &dossier).await?;
            check_here(c).await?;
            find(c, "#letter-title")
                .await?
                .send_keys("Werkgeversverklaring hypotheek")
                .await
                .map_err(e)?;
            find(c, "#letter-file")
                .await?
                .send_keys(&letter.display().to_string())
                .await
                .map_err(e)?;
            super::click_to(c, "form[action='/documenten/brief'] button", &dossier).await?;
            check_here(c).await?;
            let said = text_of(c, "p.notice").await?;
            if !said.starts_with("De brief staat in het dossier") {
                return Err(format!("after placing a letter the page says {said:?}"));
            }
            let rows = texts_of(c, "#acties-loon tbody tr").await?;
            if !rows
                .iter()
                .any(|r| r.contains("Werkgeversverklaring hypotheek"))
            {
                return Err(format!("the letter is not listed: {rows:?}"));
            }
            Ok(())
        })
        .await;
    let reader = Browser::signed_in(&app, &employee).await;
    let news = reader.get("/ongelezen").await.text().await.unwrap();
    let row = news
        .split("<tr")
        .find(|r| r.contains("Werkgeversverklaring hypotheek"))
        .expect("the letter is news for the employee");
    assert!(row.contains(&employer_name), "{row}");
    app.stop().await;
}
