//! Pages about other parties and backups over HTTP: an employee's dossier for its employer and
//! bureau only, a client's dossier and employees for its bureau only, the Backups page for
//! bureaus and employers that run their own payroll; and the configured logo.

use reqwest::StatusCode;

use crate::support::{Browser, TestApp, csrf_in, demo, login};
use loondossier::service::TokenFor;
use loondossier::service::demo::DEMO_CLIENT_NUMBER;

/// The ids in links like `href="/werknemers/ID"` on a page.
fn linked_ids(html: &str, prefix: &str) -> Vec<String> {
    html.split(&format!("href=\"{prefix}"))
        .skip(1)
        .filter_map(|rest| rest.get(..32))
        .filter(|id| id.chars().all(|c| c.is_ascii_hexdigit()))
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn dossiers_of_others_open_only_for_their_employer_and_bureau() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let employer = Browser::signed_in(&app, login(&report, "demo-werkgever-1")).await;
    let own_payroll = Browser::signed_in(&app, login(&report, "demo-werkgever-2")).await;
    let bureau = Browser::signed_in(&app, login(&report, "demo-bureau")).await;
    let employee = Browser::signed_in(&app, login(&report, "demo-werknemer-1")).await;
    let page = |b: &Browser, path: &str| {
        let path = path.to_owned();
        let b = b.clone();
        async move { b.get(&path).await.text().await.unwrap() }
    };
    let staff = linked_ids(&page(&employer, "/werknemers").await, "/werknemers/");
    let others = linked_ids(&page(&own_payroll, "/werknemers").await, "/werknemers/");
    let clients = linked_ids(&page(&bureau, "/werkgevers").await, "/werkgevers/");
    assert!(staff.len() >= 2 && !others.is_empty() && !clients.is_empty());

    let missing = "00000000000000000000000000000000";
    let nothing = employer.get(&format!("/werknemers/{missing}")).await;
    assert_eq!(nothing.status(), StatusCode::NOT_FOUND);
    let nothing = nothing.text().await.unwrap();

    // The employer opens its own employees' dossiers, with their details folded above.
    let dossier = employer.get(&format!("/werknemers/{}", staff[0])).await;
    assert_eq!(dossier.status(), StatusCode::OK);
    let html = dossier.text().await.unwrap();
    assert!(html.contains("<summary>Gegevens</summary>") && html.contains("*****"));
    // Another employer's employee reads exactly like one that does not exist.
    let foreign = employer.get(&format!("/werknemers/{}", others[0])).await;
    assert_eq!(foreign.status(), StatusCode::NOT_FOUND);
    assert_eq!(foreign.text().await.unwrap(), nothing);
    // A colleague's dossier is not an employee's to see.
    let colleague = employee.get(&format!("/werknemers/{}", staff[1])).await;
    assert_eq!(colleague.status(), StatusCode::NOT_FOUND);

    // The bureau: its client's dossier and employees, and their employees' dossiers; not an
    // employer that runs its own payroll.
    for path in [
        format!("/werkgevers/{}", clients[0]),
        format!("/werkgevers/{}/werknemers", clients[0]),
        format!("/werknemers/{}", staff[0]),
    ] {
        assert_eq!(bureau.get(&path).await.status(), StatusCode::OK, "{path}");
    }
    let not_its_client = bureau.get(&format!("/werknemers/{}", others[0])).await;
    assert_eq!(not_its_client.status(), StatusCode::NOT_FOUND);
    // The client's employees page is the bureau's; an employer has its own Werknemers.
    for path in [
        format!("/werkgevers/{}/werknemers", clients[0]),
        "/werkgevers".to_owned(),
    ] {
        assert_eq!(
            employer.get(&path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let client_staff = page(&bureau, &format!("/werkgevers/{}/werknemers", clients[0])).await;
    assert_eq!(linked_ids(&client_staff, "/werknemers/"), staff);
    app.stop().await;
}

/// The loonheffingennummer on an employer's Home page.
fn lhn_on(home: &str) -> String {
    let start = home.find("Loonheffingennummer</th><td>").expect("LHN row")
        + "Loonheffingennummer</th><td>".len();
    home[start..start + 12].to_owned()
}

async fn send_backup(app: &TestApp, token: &str, name: &str, body: &str) -> String {
    let sent = app
        .client
        .post(app.url(&format!(
            "/api/v1/backups?filename={name}&description=Backup"
        )))
        .bearer_auth(token)
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    assert!(sent.status().is_success(), "{}", sent.status());
    let json: serde_json::Value = sent.json().await.unwrap();
    json["id"].as_str().expect("backup id").to_owned()
}

#[tokio::test]
async fn backups_are_for_bureaus_and_employers_that_run_their_own_payroll() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let bureau = Browser::signed_in(&app, login(&report, "demo-bureau")).await;
    let own_payroll = Browser::signed_in(&app, login(&report, "demo-werkgever-2")).await;
    let client = Browser::signed_in(&app, login(&report, "demo-werkgever-1")).await;
    let employee = Browser::signed_in(&app, login(&report, "demo-werknemer-1")).await;
    let services = app.running.services();
    let bureau_token = services
        .create_token(
            TokenFor::Bureau {
                client_number: DEMO_CLIENT_NUMBER.to_owned(),
            },
            "Loon",
        )
        .await
        .unwrap()
        .secret;
    let lhn = lhn_on(&own_payroll.get("/").await.text().await.unwrap());
    let employer_token = services
        .create_token(TokenFor::Employer { lhn }, "Loon")
        .await
        .unwrap()
        .secret;
    let theirs = send_backup(&app, &bureau_token, "KANTOOR.lda", "bureau backup").await;
    let mine = send_backup(&app, &employer_token, "EIGEN.lda", "employer backup").await;

    // Only bureaus and employers that run their own payroll have the page (and the menu item).
    for (who, expected) in [
        (&bureau, StatusCode::OK),
        (&own_payroll, StatusCode::OK),
        (&client, StatusCode::NOT_FOUND),
        (&employee, StatusCode::NOT_FOUND),
    ] {
        assert_eq!(who.get("/backups").await.status(), expected);
        let home = who.get("/").await.text().await.unwrap();
        assert_eq!(
            home.contains("href=\"/backups\""),
            expected == StatusCode::OK
        );
    }
    let listing = own_payroll.get("/backups").await.text().await.unwrap();
    assert!(listing.contains("EIGEN.lda") && !listing.contains("KANTOOR.lda"));
    assert!(listing.contains("De nieuwste 5 per klant blijven bewaard"));
    let bureau_listing = bureau.get("/backups").await.text().await.unwrap();
    assert!(bureau_listing.contains("KANTOOR.lda") && !bureau_listing.contains("EIGEN.lda"));

    // Downloads: the own backup whole; someone else's is "not found".
    let download = own_payroll.get(&format!("/backups/{mine}/download")).await;
    assert_eq!(download.status(), StatusCode::OK);
    assert_eq!(download.text().await.unwrap(), "employer backup");
    let foreign = own_payroll
        .get(&format!("/backups/{theirs}/download"))
        .await;
    assert_eq!(foreign.status(), StatusCode::NOT_FOUND);

    // Deleting: the form token is required, and a selection with someone else's backup in it
    // deletes nothing.
    let csrf = csrf_in(&listing);
    let forged = own_payroll
        .post_form("/backups/verwijderen", &[("csrf", "forged"), ("id", &mine)])
        .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let mixed = own_payroll
        .post_form(
            "/backups/verwijderen",
            &[("csrf", &csrf), ("id", &mine), ("id", &theirs)],
        )
        .await;
    assert_eq!(mixed.status(), StatusCode::NOT_FOUND);
    let still = own_payroll.get("/backups").await.text().await.unwrap();
    assert!(still.contains("EIGEN.lda"), "nothing was deleted");
    // Nothing ticked: an alert on the list, nothing deleted.
    let none = own_payroll
        .post_form("/backups/verwijderen", &[("csrf", &csrf)])
        .await;
    assert_eq!(none.headers()["location"], "/backups?melding=niets-gekozen");
    // Deleting asks first; only the answer deletes.
    let asked = own_payroll
        .post_form("/backups/verwijderen", &[("csrf", &csrf), ("id", &mine)])
        .await;
    assert_eq!(asked.status(), StatusCode::OK);
    let question = asked.text().await.unwrap();
    assert!(question.contains("Wilt u deze backup verwijderen?") && question.contains("EIGEN.lda"));
    assert!(
        own_payroll
            .get("/backups")
            .await
            .text()
            .await
            .unwrap()
            .contains("EIGEN.lda")
    );
    let deleted = own_payroll
        .post_form(
            "/backups/verwijderen",
            &[("csrf", &csrf), ("id", &mine), ("bevestigd", "ja")],
        )
        .await;
    assert_eq!(deleted.status(), StatusCode::SEE_OTHER);
    assert_eq!(deleted.headers()["location"], "/backups?verwijderd=1");
    let after = own_payroll
        .get("/backups?verwijderd=1")
        .await
        .text()
        .await
        .unwrap();
    assert!(after.contains("1 backup(s) verwijderd.") && !after.contains("EIGEN.lda"));
    assert!(
        bureau
            .get("/backups")
            .await
            .text()
            .await
            .unwrap()
            .contains("KANTOOR.lda")
    );
    app.stop().await;
}

#[tokio::test]
async fn the_configured_logo_is_in_the_header_and_served_sandboxed() {
    let dir = tempfile::tempdir().unwrap();
    let logo = dir.path().join("logo.svg");
    std::fs::write(
        &logo,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"><rect width=\"10\" height=\"10\"/></svg>",
    )
    .unwrap();
    let app = TestApp::start_with(&format!("logo = \"{}\"\n", logo.display())).await;
    let page = app.get("/aanmelden").await.text().await.unwrap();
    let start = page
        .find("<img class=\"logo\" src=\"")
        .expect("logo in the header")
        + "<img class=\"logo\" src=\"".len();
    let src = &page[start..start + page[start..].find('"').unwrap()];
    assert!(src.starts_with("/logo/"), "{src}");
    let served = app.get(src).await;
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(served.headers()["content-type"], "image/svg+xml");
    assert!(
        served.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox")
    );
    assert_eq!(
        app.get("/logo/0000000000000000").await.status(),
        StatusCode::NOT_FOUND
    );
    app.stop().await;

    // Not an image: refused when the config is read, naming the key.
    let text_file = dir.path().join("logo.txt");
    std::fs::write(&text_file, "just text").unwrap();
    let config = format!("logo = \"{}\"\n", text_file.display());
    let refused = loondossier::config::Config::from_toml(&config, None)
        .expect_err("a text file is no logo")
        .to_string();
    assert!(
        refused.contains("logo") && refused.contains("PNG, JPEG or SVG"),
        "{refused}"
    );
}
