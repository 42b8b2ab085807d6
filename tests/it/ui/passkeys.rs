//! Passkeys in a real Chromium with WebDriver's virtual authenticator (W3C WebAuthn §11): an
//! employee is offered one, adds it (password again, recovery codes for a first factor), signs
//! in with it and no username, uses it after the password, cannot replay an answer, is refused
//! with a cloned key whose counter went back, and removes it; another account cannot finish
//! its sign-in with the first one's passkey.

use fantoccini::Client;
use fantoccini::wd::WebDriverCompatibleCommand;
use serde_json::{Value, json};

use super::{check_here, click_to, e, find, submit_and_wait_any, text_of, texts_of};
use crate::support::{Browser, Chrome, TestApp, demo, login};

/// A command of WebDriver's WebAuthn extension, under `/session/{id}/webauthn/`.
#[derive(Debug)]
struct WebAuthn {
    method: http::Method,
    path: String,
    body: Option<Value>,
}

impl WebDriverCompatibleCommand for WebAuthn {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/webauthn/{}",
            session_id.unwrap_or_default(),
            self.path
        ))
    }

    fn method_and_body(&self, _url: &url::Url) -> (http::Method, Option<String>) {
        (
            self.method.clone(),
            self.body.as_ref().map(Value::to_string),
        )
    }
}

async fn webauthn(
    c: &Client,
    method: http::Method,
    path: &str,
    body: Option<Value>,
) -> Result<Value, String> {
    c.issue_cmd(WebAuthn {
        method,
        path: path.to_owned(),
        body,
    })
    .await
    .map_err(|err| format!("webauthn {path}: {err}"))
}

/// A platform authenticator that keeps passkeys and verifies its user (a phone's or laptop's).
async fn add_authenticator(c: &Client) -> Result<String, String> {
    let id = webauthn(
        c,
        http::Method::POST,
        "authenticator",
        Some(json!({
            "protocol": "ctap2",
            "transport": "internal",
            "hasResidentKey": true,
            "hasUserVerification": true,
            "isUserConsenting": true,
            "isUserVerified": true,
        })),
    )
    .await?;
    id.as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("no authenticator id: {id}"))
}

/// The portal at `localhost` (WebAuthn needs a host name; loopback counts as `localhost`).
fn base(app: &TestApp) -> String {
    app.running.url().replace("127.0.0.1", "localhost")
}

async fn password_sign_in(
    c: &Client,
    base: &str,
    username: &str,
    password: &str,
) -> Result<String, String> {
    c.goto(&format!("{base}/aanmelden")).await.map_err(e)?;
    find(c, "input[name=username]")
        .await?
        .send_keys(username)
        .await
        .map_err(e)?;
    find(c, "input[name=password]")
        .await?
        .send_keys(password)
        .await
        .map_err(e)?;
    let button = find(c, "main form button[type=submit]").await?;
    submit_and_wait_any(c, button).await?;
    Ok(c.current_url().await.map_err(e)?.path().to_owned())
}

/// Adds a passkey called `name` from its page in Profiel (the password asked again); the
/// browser's authenticator makes it. `lands_on`: the path the portal then sends the browser to.
async fn add_passkey(
    c: &Client,
    base: &str,
    name: &str,
    password: &str,
    lands_on: &str,
) -> Result<(), String> {
    c.goto(&format!("{base}/profiel/passkeys/nieuw"))
        .await
        .map_err(e)?;
    let field = find(c, "#passkey-name").await?;
    field.clear().await.map_err(e)?;
    field.send_keys(name).await.map_err(e)?;
    find(c, "#passkey-password")
        .await?
        .send_keys(password)
        .await
        .map_err(e)?;
    click_to(
        c,
        "main form button[type=submit]",
        "/profiel/passkeys/nieuw",
    )
    .await?;
    click_to(c, "[data-passkey=create] button", lands_on).await
}

async fn sign_out(c: &Client) -> Result<(), String> {
    click_to(c, "form[action='/afmelden'] button", "/aanmelden").await
}

fn audit_details(app: &TestApp, action: &str) -> Vec<String> {
    let conn = loondossier::store::Connection::open(app.data_dir.join("loondossier.db")).unwrap();
    let mut statement = conn
        .prepare("SELECT coalesce(detail, '') FROM audit_events WHERE action = ?1 ORDER BY id")
        .unwrap();
    statement
        .query_map([action], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// Runs the passkey sign-in by hand and posts the same answer twice (the form cookie put back
/// in between, as the first sign-in used it up): the statuses of the two posts.
const REPLAY: &str = r#"
const done = arguments[arguments.length - 1];
(async () => {
  const form = document.querySelector("[data-passkey=get] form");
  const csrf = form.elements.csrf.value;
  const options = await (await fetch("/aanmelden/passkey",
      { method: "POST", body: new URLSearchParams({ csrf }) })).json();
  const credential = await navigator.credentials.get(
      { publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
  const answer = JSON.stringify(credential.toJSON());
  const post = () => fetch("/aanmelden/passkey/klaar", { method: "POST", redirect: "manual",
      body: new URLSearchParams({ csrf, credential: answer }) });
  const first = await post();
  document.cookie = "loondossier-form=" + csrf + "; path=/; SameSite=Strict";
  const second = await post();
  done([first.type, second.status]);
})().catch((err) => done(["error", String(err)]));
"#;

/// At the code step of account B, asks the authenticator for account A's passkey (its id put
/// into B's options) and posts that answer: the status.
const FOREIGN: &str = r#"
const done = arguments[arguments.length - 1];
const foreignId = arguments[0];
(async () => {
  const form = document.querySelector("[data-passkey=get] form");
  const csrf = form.elements.csrf.value;
  const options = await (await fetch("/aanmelden/code/passkey",
      { method: "POST", body: new URLSearchParams({ csrf }) })).json();
  options.allowCredentials = [{ type: "public-key", id: foreignId }];
  const credential = await navigator.credentials.get(
      { publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
  const response = await fetch("/aanmelden/code/passkey/klaar", { method: "POST",
      redirect: "manual",
      body: new URLSearchParams({ csrf, credential: JSON.stringify(credential.toJSON()) }) });
  done([response.type, response.status]);
})().catch((err) => done(["error", String(err)]));
"#;

#[tokio::test(flavor = "multi_thread")]
async fn passkeys_register_sign_in_alone_and_after_the_password_and_refuse_replays_clones_and_strangers()
 {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let employee = login(&report, "demo-werknemer-1").clone();
    let other = login(&report, "demo-werknemer-2").clone();
    let base = base(&app);
    let chrome = Chrome::start().await;
    chrome
        .journey("passkeys", async |c| {
            let authenticator = add_authenticator(c).await?;
            // The offer after signing in, with the password alone.
            let at = password_sign_in(c, &base, &employee.username, &employee.password).await?;
            if at != "/" {
                return Err(format!("after the password the employee is at {at}"));
            }
            check_here(c).await?;
            let offer = find(c, "[data-passkey=offer]").await?;
            if !offer.is_displayed().await.map_err(e)? {
                return Err("no passkey offer for the employee".into());
            }
            click_to(
                c,
                "[data-passkey=offer] a.button",
                "/profiel/passkeys/nieuw",
            )
            .await?;
            check_here(c).await?;
            // A wrong password adds nothing.
            // The name comes filled in with the browser's; the employee names the device.
            let name = find(c, "#passkey-name").await?;
            if name
                .prop("value")
                .await
                .map_err(e)?
                .unwrap_or_default()
                .is_empty()
            {
                return Err("no name suggested for the passkey".into());
            }
            name.clear().await.map_err(e)?;
            name.send_keys("Telefoon").await.map_err(e)?;
            find(c, "#passkey-password")
                .await?
                .send_keys("not the password")
                .await
                .map_err(e)?;
            click_to(
                c,
                "main form button[type=submit]",
                "/profiel/passkeys/nieuw",
            )
            .await?;
            let refused = text_of(c, "p.error").await?;
            if !refused.contains("wachtwoord") {
                return Err(format!("a wrong password is not said: {refused}"));
            }
            find(c, "#passkey-password")
                .await?
                .send_keys(&employee.password)
                .await
                .map_err(e)?;
            click_to(
                c,
                "main form button[type=submit]",
                "/profiel/passkeys/nieuw",
            )
            .await?;
            check_here(c).await?;
            // The browser makes the passkey; the first second factor comes with recovery codes.
            click_to(c, "[data-passkey=create] button", "/profiel/passkeys").await?;
            let recovery_codes = texts_of(c, "ul.codes li").await?;
            if recovery_codes.len() < 8 {
                return Err("no recovery codes with the first passkey".into());
            }
            click_to(c, "main a.button", "/profiel").await?;
            check_here(c).await?;
            let listed = text_of(c, "main").await?;
            if !listed.contains("Telefoon") || !listed.contains("Nog niet") {
                return Err(format!(
                    "Profiel does not list the passkey unused: {listed}"
                ));
            }
            c.goto(&format!("{base}/")).await.map_err(e)?;
            if c.find(fantoccini::Locator::Css("[data-passkey=offer]"))
                .await
                .is_ok()
            {
                return Err("the offer stays after adding a passkey".into());
            }

            // Signing in with the passkey and no username.
            sign_out(c).await?;
            check_here(c).await?;
            click_to(c, "[data-passkey=get] button", "/").await?;
            let home = text_of(c, "header").await?;
            if !home.contains("Afmelden") {
                return Err(format!("not signed in by the passkey: {home}"));
            }
            // The password alone no longer signs in: the passkey is asked after it.
            sign_out(c).await?;
            let at = password_sign_in(c, &base, &employee.username, &employee.password).await?;
            if at != "/aanmelden/code" {
                return Err(format!(
                    "after the password the employee is at {at}, not the code step"
                ));
            }
            check_here(c).await?;
            click_to(c, "[data-passkey=get] button", "/").await?;
            c.goto(&format!("{base}/profiel")).await.map_err(e)?;
            if text_of(c, "main").await?.contains("Nog niet") {
                return Err("the last use is not shown".into());
            }

            // A replayed answer is refused: its challenge was used.
            sign_out(c).await?;
            let statuses = c.execute_async(REPLAY, vec![]).await.map_err(e)?;
            if statuses != json!(["opaqueredirect", 401]) {
                return Err(format!("replay: {statuses}"));
            }
            // The first of the two signed in.
            c.goto(&format!("{base}/")).await.map_err(e)?;
            sign_out(c).await?;

            // A clone of the key whose counter went back is refused.
            let credentials = webauthn(
                c,
                http::Method::GET,
                &format!("authenticator/{authenticator}/credentials"),
                None,
            )
            .await?;
            let mut credential = credentials[0].clone();
            let counted = credential["signCount"].as_u64().unwrap_or(0);
            if counted < 2 {
                return Err(format!("the authenticator counted {counted} uses"));
            }
            credential["signCount"] = json!(0);
            let credential_id = credential["credentialId"].clone();
            let lost = credential.clone();
            webauthn(
                c,
                http::Method::DELETE,
                &format!("authenticator/{authenticator}"),
                None,
            )
            .await?;
            let clone = add_authenticator(c).await?;
            webauthn(
                c,
                http::Method::POST,
                &format!("authenticator/{clone}/credential"),
                Some(credential),
            )
            .await?;
            c.goto(&format!("{base}/aanmelden")).await.map_err(e)?;
            click_to(c, "[data-passkey=get] button", "/aanmelden/passkey/klaar").await?;
            let said = text_of(c, "p.error").await?;
            if !said.contains("passkey") {
                return Err(format!("the clone was not refused with a message: {said}"));
            }

            // Another account cannot finish its sign-in with the first one's passkey. It has a
            // passkey of its own (on a second authenticator) so that it reaches the passkey step.
            let at = password_sign_in(c, &base, &other.username, &other.password).await?;
            if at == "/toestemming" {
                find(c, "input[name=keuze][value=electronic]")
                    .await?
                    .click()
                    .await
                    .map_err(e)?;
                click_to(c, "form.consent button", "/").await?;
            }
            // "Nu niet" puts the offer away for good.
            c.goto(&format!("{base}/")).await.map_err(e)?;
            click_to(c, "[data-passkey=offer] form button", "/").await?;
            c.goto(&format!("{base}/")).await.map_err(e)?;
            if c.find(fantoccini::Locator::Css("[data-passkey=offer]"))
                .await
                .is_ok()
            {
                return Err("the offer came back after \"Nu niet\"".into());
            }
            // Its first second factor: recovery codes come with it.
            add_passkey(c, &base, "Laptop", &other.password, "/profiel/passkeys").await?;
            click_to(c, "main a.button", "/profiel").await?;
            sign_out(c).await?;
            let at = password_sign_in(c, &base, &other.username, &other.password).await?;
            if at != "/aanmelden/code" {
                return Err(format!("the second account is at {at}"));
            }
            let foreign = c
                .execute_async(FOREIGN, vec![credential_id])
                .await
                .map_err(e)?;
            if foreign != json!(["basic", 401]) {
                return Err(format!(
                    "the first account's passkey at the second's step: {foreign}"
                ));
            }

            // The passkey is lost (only the refused clone is left): a recovery code signs in,
            // and removing the passkey (password again) leaves the password sign-in it had.
            let at = password_sign_in(c, &base, &employee.username, &employee.password).await?;
            if at != "/aanmelden/code" {
                return Err(format!("expected the code step, at {at}"));
            }
            check_here(c).await?;
            find(c, "#code")
                .await?
                .send_keys(&recovery_codes[0])
                .await
                .map_err(e)?;
            click_to(c, "form[action='/aanmelden/code'] button", "/").await?;
            // A session elsewhere (the lost phone, say) ends when the passkey is removed.
            let elsewhere = Browser::new(&app);
            elsewhere
                .sign_in(&employee.username, &employee.password)
                .await;
            let entered = elsewhere.enter(&recovery_codes[1]).await;
            if entered.status() != reqwest::StatusCode::SEE_OTHER {
                return Err(format!(
                    "a recovery code did not sign in: {}",
                    entered.status()
                ));
            }
            if elsewhere.get("/profiel").await.status() != reqwest::StatusCode::OK {
                return Err("the other session is not signed in".into());
            }
            c.goto(&format!("{base}/profiel")).await.map_err(e)?;
            let remove = find(c, "a[href$='/verwijderen']").await?;
            remove.click().await.map_err(e)?;
            super::wait_until_loaded(c).await?;
            check_here(c).await?;
            find(c, "#remove-password")
                .await?
                .send_keys(&employee.password)
                .await
                .map_err(e)?;
            click_to(c, "main form button[type=submit]", "/profiel").await?;
            let after = text_of(c, "main").await?;
            if !after.contains("verwijderd") || after.contains("Telefoon") {
                return Err(format!("the passkey was not removed: {after}"));
            }
            if elsewhere.get("/profiel").await.status() != reqwest::StatusCode::SEE_OTHER {
                return Err("the other session outlived the removed passkey".into());
            }
            sign_out(c).await?;
            let at = password_sign_in(c, &base, &employee.username, &employee.password).await?;
            if at != "/" {
                return Err(format!(
                    "without passkeys the password signs in again, but at {at}"
                ));
            }
            // The removed passkey, still on the device, is named as unknown here.
            sign_out(c).await?;
            webauthn(
                c,
                http::Method::DELETE,
                &format!("authenticator/{clone}/credentials"),
                None,
            )
            .await?;
            webauthn(
                c,
                http::Method::POST,
                &format!("authenticator/{clone}/credential"),
                Some(lost),
            )
            .await?;
            click_to(c, "[data-passkey=get] button", "/aanmelden/passkey/klaar").await?;
            let said = text_of(c, "p.error").await?;
            if !said.contains("hoort niet") {
                return Err(format!("an unknown passkey is not named so: {said}"));
            }
            Ok(())
        })
        .await;

    let added = audit_details(&app, "passkey_added");
    assert_eq!(added, ["Telefoon", "Laptop"], "{added:?}");
    assert_eq!(audit_details(&app, "passkey_removed"), ["Telefoon"]);
    let logins = audit_details(&app, "login");
    assert!(logins.iter().any(|d| d == "passkey"), "{logins:?}");
    assert!(logins.iter().any(|d| d == "password+passkey"), "{logins:?}");
    let failed = audit_details(&app, "login_failed");
    assert!(
        failed
            .iter()
            .any(|d| d.contains("passkey") && d.contains("ceremony")),
        "{failed:?}"
    );
    assert!(
        failed
            .iter()
            .any(|d| d.contains("passkey") && d.contains("ounter")),
        "the clone is logged as a counter failure: {failed:?}"
    );
    // The account's address heard of both changes.
    let told = crate::support::queued_mail(&app.data_dir, "account_changed");
    assert!(told.len() >= 3, "{} account mails", told.len());
    app.stop().await;
}

/// An employer must set up a second factor at its first sign-in (`require_2fa`): it chooses a
/// passkey instead of an app, gets recovery codes, and from then on signs in with the passkey
/// alone; its password leads to the passkey step, never past it.
#[tokio::test(flavor = "multi_thread")]
async fn a_passkey_satisfies_the_required_second_factor_at_the_first_sign_in() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let employer = login(&report, "demo-werkgever-1").clone();
    let base = base(&app);
    let chrome = Chrome::start().await;
    chrome
        .journey("passkey-enrolment", async |c| {
            add_authenticator(c).await?;
            // At the IP address passkeys cannot work: the page says where they do.
            c.goto(&format!("{}/aanmelden", app.running.url()))
                .await
                .map_err(e)?;
            let note = find(c, "[data-passkey-elsewhere]").await?;
            let link = find(c, "[data-passkey-elsewhere] a")
                .await?
                .attr("href")
                .await
                .map_err(e)?
                .unwrap_or_default();
            if !note.is_displayed().await.map_err(e)? || link != format!("{base}/aanmelden") {
                return Err(format!("no way to the portal's own address: {link}"));
            }
            if find(c, "[data-passkey=get]")
                .await?
                .is_displayed()
                .await
                .map_err(e)?
            {
                return Err("a passkey button where passkeys cannot work".into());
            }
            let at = password_sign_in(c, &base, &employer.username, &employer.password).await?;
            if at != "/aanmelden/instellen" {
                return Err(format!("the employer is at {at}, not the set-up"));
            }
            check_here(c).await?;
            click_to(
                c,
                "[data-passkey=create] button",
                "/aanmelden/instellen/passkey/klaar",
            )
            .await?;
            if texts_of(c, "ul.codes li").await?.len() < 8 {
                return Err("no recovery codes after setting up with a passkey".into());
            }
            click_to(c, "main a.button", "/").await?;
            c.goto(&format!("{base}/profiel")).await.map_err(e)?;
            let profile = text_of(c, "main").await?;
            if !profile.contains("Chrome") {
                return Err(format!(
                    "the passkey is not listed under the browser's name: {profile}"
                ));
            }
            sign_out(c).await?;
            let at = password_sign_in(c, &base, &employer.username, &employer.password).await?;
            if at != "/aanmelden/code" {
                return Err(format!("the password led to {at}, not the passkey step"));
            }
            c.goto(&format!("{base}/aanmelden")).await.map_err(e)?;
            click_to(c, "[data-passkey=get] button", "/").await?;
            if !text_of(c, "nav").await?.contains("Werknemers") {
                return Err("the passkey did not sign the employer in".into());
            }
            Ok(())
        })
        .await;
    let logins = audit_details(&app, "login");
    assert!(
        logins.iter().any(|d| d == "password+passkey (enrolled)"),
        "{logins:?}"
    );
    assert!(logins.iter().any(|d| d == "passkey"), "{logins:?}");
    app.stop().await;
}

/// An account with the authenticator app already adds a passkey as one more second factor: no
/// recovery codes again, but Profiel (after a redirect, so a reload adds nothing) saying which
/// passkey was added.
#[tokio::test(flavor = "multi_thread")]
async fn a_further_passkey_lands_on_profiel_naming_it() {
    let app = TestApp::start().await;
    let report = demo(&app).await;
    let employer = login(&report, "demo-werkgever-1").clone();
    let base = base(&app);
    let chrome = Chrome::start().await;
    chrome
        .journey("further-passkey", async |c| {
            add_authenticator(c).await?;
            // Employers set up the app at their first sign-in.
            super::sign_in_at(c, &app, &employer, &base).await?;
            add_passkey(c, &base, "Laptop & werk", &employer.password, "/profiel").await?;
            let said = text_of(c, "p.notice").await?;
            if !said.contains("\u{201c}Laptop & werk\u{201d}") {
                return Err(format!("Profiel does not name the passkey: {said}"));
            }
            let url = c.current_url().await.map_err(e)?;
            if !url
                .query()
                .is_some_and(|q| q.contains("gedaan=passkey-toegevoegd"))
            {
                return Err(format!("not sent on to Profiel: {url}"));
            }
            check_here(c).await
        })
        .await;
    app.stop().await;
}
