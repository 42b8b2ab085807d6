//! The layout as a payroll clerk sees it on a phone and a desktop: at 360 px every table row
//! shows each of its actions on screen (rows become small cards) with no sideways scrolling; at
//! 1280 px no table is cut off. Checked for the employer's and the bureau's pages, with
//! axe-core at phone width; and the header's name leads to Profiel, Home to the bureau's help.

use super::a11y::check_page;
use super::{e, sign_in, text_of};
use crate::support::{Chrome, TestApp, demo, login};

/// Everything on `path` that acts on a row (view/download/details, "Toon" BSN, a client's
/// dossier and employees) that is not fully on screen, as "selector: left–right".
async fn actions_off_screen(
    c: &fantoccini::Client,
    base: &str,
    path: &str,
) -> Result<Vec<String>, String> {
    c.goto(&format!("{base}{path}")).await.map_err(e)?;
    let outside = c
        .execute(
            "const w = document.documentElement.clientWidth;
             const found = [...document.querySelectorAll('td.links a, td.bsn button')];
             if (found.length === 0) return ['no row actions at all'];
             return found
               .map(el => [el, el.getBoundingClientRect()])
               .filter(([el, r]) => r.width === 0 || r.left < 0 || r.right > w + 1)
               .map(([el, r]) => el.outerHTML.slice(0, 60) + ': ' + Math.round(r.left) + '–' + Math.round(r.right));",
            vec![],
        )
        .await
        .map_err(e)?;
    let outside: Vec<String> = serde_json::from_value(outside).map_err(|err| err.to_string())?;
    Ok(outside
        .into_iter()
        .map(|o| format!("{path}: {o}"))
        .collect())
}

/// Tables on `path` wider than the box they sit in (their last columns cut off).
async fn clipped_tables(
    c: &fantoccini::Client,
    base: &str,
    path: &str,
) -> Result<Vec<String>, String> {
    c.goto(&format!("{base}{path}")).await.map_err(e)?;
    let clipped = c
        .execute(
            "return [...document.querySelectorAll('.table-scroll')]
               .filter(box => box.scrollWidth > box.clientWidth + 1)
               .map(box => box.querySelector('table').id + ' ' + box.scrollWidth + ' > ' + box.clientWidth);",
            vec![],
        )
        .await
        .map_err(e)?;
    let clipped: Vec<String> = serde_json::from_value(clipped).map_err(|err| err.to_string())?;
    Ok(clipped
        .into_iter()
        .map(|o| format!("{path}: {o}"))
        .collect())
}

#[tokio::test(flavor = "multi_thread")]
async fn every_row_action_is_on_screen_on_a_phone_and_nothing_is_cut_off_on_a_desktop() {
    let app = TestApp::start_with("help_url = \"https://www.bureau.example/loondossier\"\n").await;
    let report = demo(&app).await;
    let base = app.running.url().to_owned();
    let employer = login(&report, "demo-werkgever-1").clone();
    let bureau = login(&report, "demo-bureau").clone();
    let chrome = Chrome::start().await;
    chrome
        .journey("layout", async |c| {
            let mut problems = Vec::new();
            for (who, pages) in [
                (
                    &employer,
                    ["/", "/dossier", "/werknemers", "/ongelezen", "/profiel"],
                ),
                (
                    &bureau,
                    [
                        "/werkgevers",
                        "/backups",
                        "/dossier",
                        "/ongelezen",
                        "/profiel",
                    ],
                ),
            ] {
                c.set_window_size(1280, 900).await.map_err(e)?;
                sign_in(c, &app, who).await?;
                let mut pages: Vec<String> = pages.iter().map(|p| (*p).to_owned()).collect();
                if who.username == bureau.username {
                    // A client's dossier and its employees, as the bureau opens them.
                    c.goto(&format!("{base}/werkgevers")).await.map_err(e)?;
                    let client = super::find(c, "#werkgevers tbody td.title a")
                        .await?
                        .attr("href")
                        .await
                        .map_err(e)?
                        .ok_or("no client link")?;
                    pages.push(format!("{client}/werknemers"));
                    pages.push(client);
                }
                // The header's name is the way to Profiel; Home links to the bureau's help.
                let name = super::find(c, "a.who").await?;
                if name.attr("href").await.map_err(e)?.as_deref() != Some("/profiel") {
                    return Err("the name in the header does not lead to Profiel".into());
                }
                c.goto(&format!("{base}/")).await.map_err(e)?;
                let help = text_of(c, "a[href='https://www.bureau.example/loondossier']").await?;
                if !help.starts_with("Meer informatie over ") {
                    return Err(format!("the help link says {help:?}"));
                }
                for path in &pages {
                    problems.extend(clipped_tables(c, &base, path).await?);
                }
                if who.username == employer.username {
                    // The BSN and its "Toon" sit on the same line as the rest of the row.
                    c.goto(&format!("{base}/werknemers")).await.map_err(e)?;
                    let offset = c
                        .execute(
                            "const row = document.querySelector('#werknemers tbody tr');
                             const name = row.querySelector('td.title a').getBoundingClientRect();
                             const show = row.querySelector('td.bsn button').getBoundingClientRect();
                             return Math.abs((name.top + name.bottom) - (show.top + show.bottom)) / 2;",
                            vec![],
                        )
                        .await
                        .map_err(e)?;
                    if offset.as_f64().unwrap_or(f64::MAX) > 2.0 {
                        problems.push(format!("the BSN's button is {offset} px off its row's line"));
                    }
                }
                c.set_window_size(360, 780).await.map_err(e)?;
                for path in &pages {
                    problems.extend(check_page(c, &base, path).await?);
                    if ["/dossier", "/werknemers", "/werkgevers", "/ongelezen"]
                        .contains(&path.as_str())
                        || path.starts_with("/werkgevers/")
                    {
                        problems.extend(actions_off_screen(c, &base, path).await?);
                    }
                }
                if who.username == employer.username {
                    // Typing in the search box hides the other rows on a phone too.
                    c.goto(&format!("{base}/werknemers")).await.map_err(e)?;
                    super::find(c, "#zoek").await?.send_keys("Smit").await.map_err(e)?;
                    let shown = c
                        .execute(
                            "return [...document.querySelectorAll('#werknemers tbody tr')]
                               .filter(r => r.offsetParent !== null)
                               .map(r => r.textContent.includes('Smit'));",
                            vec![],
                        )
                        .await
                        .map_err(e)?;
                    let shown: Vec<bool> =
                        serde_json::from_value(shown).map_err(|err| err.to_string())?;
                                        if shown.is_empty() || shown.contains(&false) {
                        problems.push(format!("filtering for Smit on a phone shows {shown:?}"));
                    }
                }
                super::find(c, "form.signout button")
                    .await?
                    .click()
                    .await
                    .map_err(e)?;
            }
            if problems.is_empty() {
                Ok(())
            } else {
                Err(format!("found:\n{}", problems.join("\n")))
            }
        })
        .await;
    app.stop().await;
}
