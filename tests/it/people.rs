//! The Werknemers and Werkgevers pages: who sees them, masked BSNs, search and year filter.

use reqwest::StatusCode;

use crate::support::{Browser, TestApp, demo, demo_bureau_token, login, valid_bsn};

#[tokio::test]
async fn employers_see_their_employees_and_bureaus_their_employers() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let employer = Browser::signed_in(&app, login(&report, "demo-werkgever-1")).await;
    let page = employer.get("/werknemers").await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("href=\"/werknemers\""),
        "the menu offers the page"
    );
    assert!(html.contains("Werknemers (2)"), "{html}");
    assert!(html.contains("*****"), "BSNs are masked");
    // No nine-digit number (a full BSN) in the table.
    let table = html
        .split("<tbody>")
        .nth(1)
        .and_then(|t| t.split("</tbody>").next())
        .expect("a table");
    // Only the text people see (tags and their attributes, like form tokens, left out).
    let text: String = table
        .split('<')
        .filter_map(|piece| piece.split_once('>').map(|(_, text)| text))
        .collect::<Vec<_>>()
        .join(" ");
    let digits_runs = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|run| run.len() == 9)
        .count();
    assert_eq!(digits_runs, 0, "no full BSN on the page");
    // Search narrows the list; a bad year is a clear error naming the field.
    let none = employer
        .get("/werknemers?zoek=zzzz-niemand")
        .await
        .text()
        .await
        .unwrap();
    assert!(none.contains("Werknemers (0)") && none.contains("Geen werknemers gevonden"));
    let bad = employer.get("/werknemers?jaar=twintig").await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(bad.text().await.unwrap().contains("Jaar"));
    let this_year = employer
        .get("/werknemers?jaar=2026")
        .await
        .text()
        .await
        .unwrap();
    // The demo's employee who left at the end of 2025 is in last year's list only.
    assert!(this_year.contains("Werknemers (1)"), "{this_year}");
    // The year is chosen from a list ("all employees" or a year), the chosen one selected.
    assert!(
        this_year.contains("<select id=\"jaar\" name=\"jaar\">")
            && this_year.contains("<option value=\"2026\" selected>2026</option>"),
        "{this_year}"
    );
    let last_year = employer
        .get("/werknemers?jaar=2025")
        .await
        .text()
        .await
        .unwrap();
    assert!(last_year.contains("Werknemers (2)"), "{last_year}");
    // Not an employer's page to see: "not found", like anything else that is not yours.
    assert_eq!(
        employer.get("/werkgevers").await.status(),
        StatusCode::NOT_FOUND
    );

    let employee = Browser::signed_in(&app, login(&report, "demo-werknemer-1")).await;
    assert_eq!(
        employee.get("/werknemers").await.status(),
        StatusCode::NOT_FOUND
    );
    let own = employee.get("/dossier").await.text().await.unwrap();
    assert!(!own.contains("href=\"/werknemers\"") && !own.contains("href=\"/werkgevers\""));

    let bureau = Browser::signed_in(&app, login(&report, "demo-bureau")).await;
    let html = bureau.get("/werkgevers").await.text().await.unwrap();
    assert!(html.contains("href=\"/werkgevers\""));
    // One of the two demo employers runs its own payroll, without the bureau.
    assert!(html.contains("Werkgevers (1)"), "{html}");
    assert_eq!(
        bureau.get("/werknemers").await.status(),
        StatusCode::NOT_FOUND
    );
    // Signed out: to the sign-in page first.
    let anonymous = Browser::new(&app);
    assert_eq!(
        anonymous.get("/werknemers").await.status(),
        StatusCode::SEE_OTHER
    );
    app.stop().await;
}

#[tokio::test]
async fn a_full_bsn_is_shown_only_on_request_to_the_employer_or_the_employee_itself_and_is_logged()
{
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let employer = Browser::signed_in(&app, login(&report, "demo-werkgever-1")).await;
    let page = employer.get("/werknemers").await.text().await.unwrap();
    let action = page
        .split("action=\"/werknemers/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a Toon form per employee");
    let path = format!("/werknemers/{action}");
    let csrf = crate::support::csrf_in(&page);

    let forged = employer.post_form(&path, &[("csrf", "forged")]).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let shown = employer.post_form(&path, &[("csrf", &csrf)]).await;
    assert_eq!(shown.status(), StatusCode::OK);
    let html = shown.text().await.unwrap();
    let bsn = html
        .split("<strong class=\"bsn\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("the BSN on the page");
    assert!(
        loondossier::domain::Bsn::parse(bsn).is_ok(),
        "a valid BSN: {bsn}"
    );
    // The page says whose BSN it is.
    let whose = html
        .split("<p>Van ")
        .nth(1)
        .and_then(|rest| rest.split(" (personeelsnummer ").next())
        .expect("whose BSN it is");
    assert!(page.contains(whose), "{whose} is on the Werknemers list");
    let conn = loondossier::store::Connection::open(app.data_dir.join("loondossier.db")).unwrap();
    app.running.services().flush_audit().await;
    let logged: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_events WHERE action = 'reveal_bsn'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(logged, 1, "the look is in the audit log");

    // An employee reveals its own from Home (audited too), and nobody else's.
    let employee = Browser::signed_in(&app, login(&report, "demo-werknemer-1")).await;
    let home = employee.get("/").await.text().await.unwrap();
    let own = home
        .split("action=\"/werknemers/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(|rest| format!("/werknemers/{rest}"))
        .expect("a Toon form on Home");
    let employee_csrf = crate::support::csrf_in(&home);
    let mine = employee.post_form(&own, &[("csrf", &employee_csrf)]).await;
    assert_eq!(mine.status(), StatusCode::OK);
    let mine = mine.text().await.unwrap();
    assert!(mine.contains("<strong class=\"bsn\">"), "{mine}");
    assert!(mine.contains("href=\"/\""), "back to Mijn gegevens");
    app.running.services().flush_audit().await;
    let logged: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_events WHERE action = 'reveal_bsn' AND actor = 'employee'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(logged, 1, "the employee's look is in the audit log");
    let colleague = page
        .split("action=\"/werknemers/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|rest| format!("/werknemers/{rest}"))
        .find(|p| *p != own)
        .expect("a colleague on the list");
    assert_eq!(
        employee
            .post_form(&colleague, &[("csrf", &employee_csrf)])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let stranger = Browser::signed_in(&app, login(&report, "demo-werkgever-2")).await;
    let stranger_csrf = stranger.page_csrf().await;
    assert_eq!(
        stranger
            .post_form(&path, &[("csrf", &stranger_csrf)])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    app.stop().await;
}

#[tokio::test]
async fn an_employees_private_address_is_shown_to_the_employee_only() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let conn = loondossier::store::Connection::open(app.data_dir.join("loondossier.db")).unwrap();
    conn.execute(
        "UPDATE employees SET private_email = 'prive-' || id || '@thuis.example'",
        [],
    )
    .unwrap();
    let employee = Browser::signed_in(&app, login(&report, "demo-werknemer-1")).await;
    let own = employee.get("/").await.text().await.unwrap();
    assert!(own.contains("@thuis.example"), "the employee sees its own");
    for (username, list) in [
        ("demo-werkgever-1", "/werknemers"),
        ("demo-bureau", "/werkgevers"),
    ] {
        let reader = Browser::signed_in(&app, login(&report, username)).await;
        let mut pages = vec![list.to_owned()];
        let mut seen = 0;
        while let Some(path) = pages.pop() {
            let html = reader.get(&path).await.text().await.unwrap();
            assert!(!html.contains("@thuis.example"), "{username} at {path}");
            seen += 1;
            if seen < 12 {
                pages.extend(
                    html.split("href=\"")
                        .skip(1)
                        .filter_map(|s| s.split('"').next())
                        .filter(|h| h.starts_with("/werknemers/") || h.starts_with("/werkgevers/"))
                        .take(3)
                        .map(str::to_owned),
                );
            }
        }
        assert!(seen >= 3, "{username} looked at employee pages");
    }
    app.stop().await;
}

/// The rows of the Werknemers table on a page.
fn rows(html: &str) -> usize {
    html.split("<tbody>")
        .nth(1)
        .and_then(|t| t.split("</tbody>").next())
        .map_or(0, |t| t.matches("<tr").count())
}

/// An employer with many employees reads Werknemers a screenful (50) at a time, in name order;
/// the count, the year and the search go over all of them, and the pages keep the search.
#[tokio::test]
async fn a_long_list_of_employees_comes_page_by_page_and_search_covers_them_all() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let conn = loondossier::store::Connection::open(app.data_dir.join("loondossier.db")).unwrap();
    let lhn: String = conn
        .query_row(
            "SELECT r.lhn FROM accounts a JOIN employers r ON r.id = a.employer_id \
             WHERE a.username = 'demo-werkgever-1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let before: u32 = conn
        .query_row(
            "SELECT count(*) FROM employees w JOIN employers r ON r.id = w.employer_id \
             WHERE r.lhn = ?1",
            [&lhn],
            |r| r.get(0),
        )
        .unwrap();
    let token = demo_bureau_token(&app, "paging").await;
    let added = 120 - before;
    // Put in backwards, half of them in lower case: the pages must still be in name order.
    for nr in (1..=added).rev() {
        let surname = if nr % 2 == 0 { "zwaan" } else { "Zwaan" };
        let employee = serde_json::json!({
            "name": format!("{surname}, {nr:03}"), "bsn": valid_bsn(nr + 500), "birth_date": "1980-01-01",
            "email": format!("zwaan{nr}@werknemer.example"), "employment_start": "2020-01-01"
        });
        let status = app
            .client
            .put(app.url(&format!("/api/v1/employers/{lhn}/employees/{}", 9000 + nr)))
            .bearer_auth(&token)
            .json(&employee)
            .send()
            .await
            .unwrap()
            .status();
        assert!(status.is_success(), "employee {nr}: {status}");
    }
    let employer = Browser::signed_in(&app, login(&report, "demo-werkgever-1")).await;
    let first = employer.get("/werknemers").await.text().await.unwrap();
    assert!(first.contains("Werknemers (120)"), "the count is of all");
    assert_eq!(rows(&first), 50);
    assert!(first.contains("1–50 van 120"), "{first}");
    assert!(first.contains("href=\"/werknemers?pagina=2\" rel=\"next\""));
    assert!(!first.contains("rel=\"prev\""));
    // Typing would filter this page only: the search button goes over all.
    assert!(!first.contains("data-filter"));
    assert!(first.contains("alle 120 werknemers"));
    let last = employer
        .get("/werknemers?pagina=3")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(rows(&last), 20);
    assert!(last.contains("101–120 van 120") && last.contains("rel=\"prev\""));
    assert!(!last.contains("rel=\"next\""));
    // Past the end is the last page; a page that is no number is refused naming the field.
    let beyond = employer
        .get("/werknemers?pagina=40")
        .await
        .text()
        .await
        .unwrap();
    assert!(beyond.contains("101–120 van 120"));
    let bad = employer.get("/werknemers?pagina=nul").await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(bad.text().await.unwrap().contains("Pagina"));
    // The search finds someone on the last page from the first, and the pages keep it.
    let found = employer
        .get("/werknemers?zoek=Zwaan%2C+117")
        .await
        .text()
        .await
        .unwrap();
    assert!(found.contains("Werknemers (1)") && found.contains("Zwaan, 117"));
    assert!(
        found.contains("data-filter"),
        "one page: typing filters again"
    );
    let zwanen = employer
        .get("/werknemers?zoek=Zwaan")
        .await
        .text()
        .await
        .unwrap();
    assert!(zwanen.contains(&format!("Werknemers ({added})")));
    assert!(
        zwanen.contains("href=\"/werknemers?zoek=Zwaan&amp;pagina=2\""),
        "{zwanen}"
    );
    // The three pages together are everyone, once, in name order without regard to case.
    let second = employer
        .get("/werknemers?pagina=2")
        .await
        .text()
        .await
        .unwrap();
    let names = |html: &str| -> Vec<String> {
        html.split("aria-label=\"Dossier van ")
            .skip(1)
            .filter_map(|s| s.split('"').next().map(str::to_owned))
            .collect()
    };
    let all: Vec<String> = [&first, &second, &last]
        .iter()
        .flat_map(|p| names(p))
        .collect();
    assert_eq!(all.len(), 120);
    let mut sorted = all.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(all, sorted);
    // A filtered list does not claim to search all employees; the year is kept in the links.
    assert!(!zwanen.contains("alle "));
    let this_year = employer
        .get("/werknemers?jaar=2026")
        .await
        .text()
        .await
        .unwrap();
    assert!(this_year.contains("href=\"/werknemers?jaar=2026&amp;pagina=2\""));
    // The bureau pages its client's list at the client's own address.
    let client: String = conn
        .query_row(
            "SELECT public_id FROM employers WHERE lhn = ?1",
            [&lhn],
            |r| r.get(0),
        )
        .unwrap();
    let bureau = Browser::signed_in(&app, login(&report, "demo-bureau")).await;
    let theirs = bureau
        .get(&format!("/werkgevers/{client}/werknemers"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(rows(&theirs), 50);
    assert!(theirs.contains(&format!(
        "href=\"/werkgevers/{client}/werknemers?pagina=2\""
    )));
    app.stop().await;
}
