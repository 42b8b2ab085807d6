//! The payroll sync API over HTTPS with real tokens: master data, documents, corrections,
//! retraction, enrolment mails, validation, idempotency, and what other clients cannot reach.

use loondossier::clock::Clock;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{TestApp, TestCert, config_text};

const LHN: &str = "131459077L01";
const OTHER_LHN: &str = "123456782L01";
const SELF_LHN: &str = "111222333L01";

struct Api {
    app: TestApp,
    client: reqwest::Client,
    base: String,
    bureau: String,
    other_bureau: String,
    self_employer: String,
}

async fn api() -> Api {
    let tmp = tempfile::tempdir().unwrap();
    let cert = TestCert::write(tmp.path());
    let text = config_text(tmp.path(), &cert.tls_section(""));
    let app = TestApp::start_in(tmp, &text).await;
    let services = app.running.services();
    services
        .add_bureau("K1", "Salarisbureau Bakker")
        .await
        .unwrap();
    services.add_bureau("K2", "Ander Kantoor").await.unwrap();
    let token = |target| async move { services.create_token(target, "test").await.unwrap().secret };
    use loondossier::service::TokenFor;
    let bureau = token(TokenFor::Bureau {
        client_number: "K1".into(),
    })
    .await;
    let other_bureau = token(TokenFor::Bureau {
        client_number: "K2".into(),
    })
    .await;
    let self_employer = token(TokenFor::Employer {
        lhn: SELF_LHN.into(),
    })
    .await;
    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(cert.pem.as_bytes()).unwrap())
        .build()
        .unwrap();
    let base = format!(
        "https://localhost:{}/api/v1",
        app.running.local_addr().port()
    );
    Api {
        app,
        client,
        base,
        bureau,
        other_bureau,
        self_employer,
    }
}

fn employer(email: &str) -> Value {
    json!({
        "name": "Active BV",
        "email": email,
        "client_number": "1001",
        "phone": "075-6848952",
        "address": {"street": "Dam 2", "postal_code": "1506 ED", "city": "Zaandam", "country": "NL"},
        "payroll_year": 2026
    })
}

fn employee(email: &str) -> Value {
    json!({
        "name": "Bakker, N",
        "bsn": "009633042",
        "birth_date": "1960-12-31",
        "email": email,
        "employment_start": "2019-01-01"
    })
}

impl Api {
    async fn put(&self, token: &str, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .put(format!("{}{path}", self.base))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    async fn get(&self, token: &str, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    async fn post(&self, token: &str, path: &str, query: &str, body: &[u8]) -> reqwest::Response {
        self.client
            .post(format!("{}{path}?{query}", self.base))
            .bearer_auth(token)
            .header("content-type", "application/pdf")
            .body(body.to_vec())
            .send()
            .await
            .unwrap()
    }

    async fn setup(&self) {
        assert_eq!(
            self.put(
                &self.bureau,
                &format!("/employers/{LHN}"),
                &employer("info@active.example")
            )
            .await
            .status(),
            StatusCode::CREATED
        );
        let r = self
            .put(
                &self.bureau,
                &format!("/employers/{LHN}/employees/1"),
                &employee("n.bakker@active.example"),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }

    fn outbox(&self, message: &str) -> Vec<loondossier::store::outbox::Queued> {
        crate::support::queued_mail(&self.app.data_dir, message)
    }
}

fn pointer(problem: &Value) -> String {
    let error = &problem["errors"][0];
    error["pointer"]
        .as_str()
        .or(error["parameter"].as_str())
        .or(error["header"].as_str())
        .unwrap_or("")
        .to_owned()
}

#[tokio::test]
async fn documents_are_placed_retried_corrected_listed_and_retracted() {
    let api = api().await;
    api.setup().await;
    let updated = api
        .put(
            &api.bureau,
            &format!("/employers/{LHN}"),
            &employer("info@active.example"),
        )
        .await;
    assert_eq!(updated.status(), StatusCode::OK);
    assert_eq!(updated.json::<Value>().await.unwrap()["status"], "updated");

    let path = format!("/employers/{LHN}/employees/1/documents");
    let query = "kind=payslip&year=2026&period_kind=month&period=3";
    let first = api.post(&api.bureau, &path, query, b"%PDF-1.7 maart").await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["version"], 1);
    assert_eq!(first["sha256"].as_str().unwrap().len(), 64);

    let retry = api.post(&api.bureau, &path, query, b"%PDF-1.7 maart").await;
    assert_eq!(
        retry.status(),
        StatusCode::OK,
        "identical bytes change nothing"
    );
    let retry: Value = retry.json().await.unwrap();
    assert_eq!(
        (retry["id"].clone(), retry["status"].clone()),
        (first["id"].clone(), json!("unchanged"))
    );

    let corrected = api
        .post(&api.bureau, &path, query, b"%PDF-1.7 maart, gecorrigeerd")
        .await;
    assert_eq!(corrected.status(), StatusCode::CREATED);
    let corrected: Value = corrected.json().await.unwrap();
    assert_eq!(
        (corrected["version"].clone(), corrected["status"].clone()),
        (json!(2), json!("corrected"))
    );

    let listed: Value = api
        .get(&api.bureau, &format!("{path}?year=2026"))
        .await
        .json()
        .await
        .unwrap();
    let documents = listed["documents"].as_array().unwrap();
    assert_eq!(documents.len(), 1, "the current version only");
    assert_eq!(documents[0]["id"], corrected["id"]);
    assert_eq!(documents[0]["title"], "Loonstrook - maart 2026");
    assert_eq!(documents[0]["version"], 2);
    let filtered: Value = api
        .get(&api.bureau, &format!("{path}?kind=annual_statement"))
        .await
        .json()
        .await
        .unwrap();
    assert!(filtered["documents"].as_array().unwrap().is_empty());

    let id = corrected["id"].as_str().unwrap();
    let gone = api
        .client
        .delete(format!("{}/documents/{id}", api.base))
        .bearer_auth(&api.bureau)
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), StatusCode::NO_CONTENT);
    let listed: Value = api.get(&api.bureau, &path).await.json().await.unwrap();
    assert!(
        listed["documents"].as_array().unwrap().is_empty(),
        "hidden at once"
    );
    let again = api
        .client
        .delete(format!("{}/documents/{id}", api.base))
        .bearer_auth(&api.bureau)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_FOUND);

    // A title and a file name of the payroll software's own.
    let named = api
        .client
        .post(format!("{}/employers/{LHN}/documents?kind=series_overview&year=2026&period_kind=month&period=3&title=Serie-overzichten%20maart", api.base))
        .bearer_auth(&api.bureau)
        .header("content-disposition", "attachment; filename*=UTF-8''serie%20maart.pdf")
        .body(b"%PDF-1.7 serie".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(named.status(), StatusCode::CREATED);
    let listed: Value = api
        .get(&api.bureau, &format!("/employers/{LHN}/documents"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["documents"][0]["title"], "Serie-overzichten maart");
    assert_eq!(listed["documents"][0]["file_name"], "serie maart.pdf");
    api.app.stop().await;
}

#[tokio::test]
async fn welcome_mails_follow_the_enrolment_rules() {
    let api = api().await;
    api.setup().await;
    assert!(
        api.outbox("welcome_username").is_empty(),
        "no mail for creating records"
    );
    let employees: Value = api
        .get(&api.bureau, &format!("/employers/{LHN}/employees"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(employees[0]["account_status"], "not_invited");

    // A report in the employer dossier invites the employer, not its employees.
    let r = api
        .post(
            &api.bureau,
            &format!("/employers/{LHN}/documents"),
            "kind=series_overview&year=2026&period_kind=month&period=1",
            b"%PDF-1.7 serie",
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let usernames = api.outbox("welcome_username");
    assert_eq!(usernames.len(), 1);
    assert_eq!(usernames[0].to, "info@active.example");
    assert_eq!(usernames[0].params["username"], "info@active.example");
    assert_eq!(api.outbox("welcome_set_password").len(), 1);
    let employees: Value = api
        .get(&api.bureau, &format!("/employers/{LHN}/employees"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(employees[0]["account_status"], "not_invited");

    // The first payslip invites the employee; the second invites nobody.
    let path = format!("/employers/{LHN}/employees/1/documents");
    api.post(
        &api.bureau,
        &path,
        "kind=payslip&year=2026&period_kind=month&period=1",
        b"%PDF-1.7 jan",
    )
    .await;
    api.post(
        &api.bureau,
        &path,
        "kind=payslip&year=2026&period_kind=month&period=2",
        b"%PDF-1.7 feb",
    )
    .await;
    let to_employee: Vec<_> = api
        .outbox("welcome_set_password")
        .into_iter()
        .filter(|m| m.to == "n.bakker@active.example")
        .collect();
    assert_eq!(to_employee.len(), 1);
    let employees: Value = api
        .get(&api.bureau, &format!("/employers/{LHN}/employees"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(employees[0]["account_status"], "invited");
    assert!(employees[0]["invited_at"].is_string());

    // A corrected address before the password was set: the welcome mails go again, there.
    let old_link = to_employee[0].params["link"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let r = api
        .put(
            &api.bureau,
            &format!("/employers/{LHN}/employees/1"),
            &employee("nieuw@active.example"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let resent: Vec<_> = api
        .outbox("welcome_set_password")
        .into_iter()
        .filter(|m| m.to == "nieuw@active.example")
        .collect();
    assert_eq!(resent.len(), 1);
    let usernames: Vec<_> = api
        .outbox("welcome_username")
        .into_iter()
        .filter(|m| m.to == "nieuw@active.example")
        .collect();
    assert_eq!(
        usernames[0].params["username"], "n.bakker@active.example",
        "the username stays"
    );
    assert_eq!(
        api.app
            .running
            .services()
            .password_link(&old_link)
            .await
            .unwrap(),
        loondossier::service::LinkState::Expired,
        "the old link dies"
    );

    // Once the employee has set a password and signed in, the list says so.
    let link = resent[0].params["link"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let password = "zeven groene kikkers zingen luid";
    let services = api.app.running.services();
    services
        .set_password_from_link(Default::default(), &link, password, password)
        .await
        .unwrap();
    services
        .sign_in(
            Default::default(),
            "n.bakker@active.example",
            password,
            None,
        )
        .await
        .unwrap();
    let employees: Value = api
        .get(&api.bureau, &format!("/employers/{LHN}/employees"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(employees[0]["account_status"], "active");
    assert!(employees[0]["last_login_at"].is_string(), "{employees}");

    // The address corrected again after someone activated the account: both addresses are
    // told and its sessions end (whoever had the wrong address may have activated it).
    let session = services
        .sign_in(
            Default::default(),
            "n.bakker@active.example",
            password,
            None,
        )
        .await
        .unwrap();
    assert!(services.session(&session.id).await.unwrap().is_some());
    let r = api
        .put(
            &api.bureau,
            &format!("/employers/{LHN}/employees/1"),
            &employee("n.bakker@juist.example"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let told: Vec<String> = api
        .outbox("account_changed")
        .into_iter()
        .map(|m| m.to)
        .collect();
    assert_eq!(told, ["nieuw@active.example", "n.bakker@juist.example"]);
    assert!(
        services.session(&session.id).await.unwrap().is_none(),
        "its sessions ended"
    );
    api.app.stop().await;
}

#[tokio::test]
async fn bad_input_names_its_field() {
    let api = api().await;
    api.setup().await;
    let cases: Vec<(reqwest::Response, StatusCode, &str)> = vec![
        (api.put(&api.bureau, "/employers/131459078L01", &employer("a@b.nl")).await, StatusCode::UNPROCESSABLE_ENTITY, "lhn"),
        (api.put(&api.bureau, &format!("/employers/{LHN}"), &json!({"name": "A", "email": "geen"})).await, StatusCode::UNPROCESSABLE_ENTITY, "/email"),
        (api.put(&api.bureau, &format!("/employers/{LHN}"), &json!({"name": "A", "email": "a@b.nl", "fax": "1"})).await, StatusCode::UNPROCESSABLE_ENTITY, "/fax"),
        (api.put(&api.bureau, &format!("/employers/{LHN}/employees/2"), &json!({"name": "X", "bsn": "123456789", "birth_date": "1980-01-01", "email": "x@y.nl"})).await, StatusCode::UNPROCESSABLE_ENTITY, "/bsn"),
        (api.put(&api.bureau, &format!("/employers/{LHN}/employees/2"), &json!({"name": "X", "bsn": "009633042", "birth_date": "01-01-1980", "email": "x@y.nl"})).await, StatusCode::UNPROCESSABLE_ENTITY, "/birth_date"),
        (api.put(&api.bureau, &format!("/employers/{LHN}/employees/2"), &json!({"bsn": "009633042", "birth_date": "1980-01-01", "email": "x@y.nl"})).await, StatusCode::UNPROCESSABLE_ENTITY, ""),
        (api.post(&api.bureau, &format!("/employers/{LHN}/employees/1/documents"), "year=2026&period_kind=month&period=1", b"%PDF-1.7").await, StatusCode::UNPROCESSABLE_ENTITY, "kind"),
        (api.post(&api.bureau, &format!("/employers/{LHN}/employees/1/documents"), "kind=payslip&year=2026&period_kind=month&period=13", b"%PDF-1.7").await, StatusCode::UNPROCESSABLE_ENTITY, "period"),
        (api.post(&api.bureau, &format!("/employers/{LHN}/employees/1/documents"), "kind=payslip&year=1800&period_kind=month&period=1", b"%PDF-1.7").await, StatusCode::UNPROCESSABLE_ENTITY, "year"),
        (api.post(&api.bureau, &format!("/employers/{LHN}/employees/1/documents"), "kind=payslip&year=2026&period_kind=quarter&period=1", b"%PDF-1.7").await, StatusCode::UNPROCESSABLE_ENTITY, "period_kind"),
        (api.post(&api.bureau, &format!("/employers/{LHN}/employees/1/documents"), "kind=payslip&year=2026&period_kind=month&period=1&colour=red", b"%PDF-1.7").await, StatusCode::UNPROCESSABLE_ENTITY, "colour"),
        (api.post(&api.bureau, &format!("/employers/{LHN}/documents"), "kind=payslip&year=2026&period_kind=month&period=1", b"%PDF-1.7").await, StatusCode::UNPROCESSABLE_ENTITY, "kind"),
        (api.post(&api.bureau, &format!("/employers/{LHN}/employees/1/documents"), "kind=payslip&year=2026&period_kind=month&period=1", b"<html>not a pdf").await, StatusCode::UNSUPPORTED_MEDIA_TYPE, ""),
    ];
    for (index, (response, status, field)) in cases.into_iter().enumerate() {
        assert_eq!(response.status(), status, "case {index}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json",
            "case {index}"
        );
        let problem: Value = response.json().await.unwrap();
        assert_eq!(pointer(&problem), field, "case {index}: {problem}");
        assert!(!problem["detail"].as_str().unwrap().is_empty());
    }
    // Nothing of a refused document was kept.
    let listed: Value = api
        .get(
            &api.bureau,
            &format!("/employers/{LHN}/employees/1/documents"),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(listed["documents"].as_array().unwrap().is_empty());
    api.app.stop().await;
}

#[tokio::test]
async fn other_clients_find_nothing() {
    let api = api().await;
    api.setup().await;
    let placed: Value = api
        .post(
            &api.bureau,
            &format!("/employers/{LHN}/employees/1/documents"),
            "kind=payslip&year=2026&period_kind=month&period=1",
            b"%PDF-1.7 jan",
        )
        .await
        .json()
        .await
        .unwrap();
    let id = placed["id"].as_str().unwrap();
    for token in [&api.other_bureau, &api.self_employer] {
        let responses = [
            api.put(
                token,
                &format!("/employers/{LHN}/employees/1"),
                &employee("x@y.example"),
            )
            .await,
            api.get(token, &format!("/employers/{LHN}/employees")).await,
            api.get(token, &format!("/employers/{LHN}/employees/1/documents"))
                .await,
            api.post(
                token,
                &format!("/employers/{LHN}/employees/1/documents"),
                "kind=payslip&year=2026&period_kind=month&period=2",
                b"%PDF-1.7",
            )
            .await,
            api.client
                .delete(format!("{}/documents/{id}", api.base))
                .bearer_auth(token)
                .send()
                .await
                .unwrap(),
        ];
        for (index, response) in responses.into_iter().enumerate() {
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "request {index}");
        }
    }
    // A self-administering employer's token reaches only its own number.
    assert_eq!(
        api.put(
            &api.self_employer,
            &format!("/employers/{LHN}"),
            &employer("x@y.example")
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );
    // An unknown employer looks the same as someone else's.
    assert_eq!(
        api.get(&api.bureau, &format!("/employers/{OTHER_LHN}/employees"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    api.app.stop().await;
}

/// Each bureau has its own employers: a number another bureau administers answers exactly like
/// a free one, and registering it touches nothing of the other bureau's.
#[tokio::test]
async fn another_bureaus_number_answers_like_a_free_one() {
    let api = api().await;
    api.setup().await;
    let answer = |response: reqwest::Response| async move {
        let status = response.status();
        let mut headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .filter(|(name, _)| !["date", "x-request-id"].contains(&name.as_str()))
            .map(|(name, value)| (name.to_string(), value.to_str().unwrap().to_owned()))
            .collect();
        headers.sort();
        (status, headers, response.text().await.unwrap())
    };
    let free = answer(
        api.put(
            &api.other_bureau,
            &format!("/employers/{OTHER_LHN}"),
            &employer("free@ander.example"),
        )
        .await,
    )
    .await;
    let taken = answer(
        api.put(
            &api.other_bureau,
            &format!("/employers/{LHN}"),
            &json!({"name": "Squatter BV", "email": "squat@ander.example"}),
        )
        .await,
    )
    .await;
    assert_eq!(free.0, StatusCode::CREATED);
    assert_eq!(taken, free);
    // The other bureau has its own, empty employer by that number ...
    let r = api
        .put(
            &api.other_bureau,
            &format!("/employers/{LHN}/employees/1"),
            &employee("iemand@ander.example"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let listed: Value = api
        .get(
            &api.other_bureau,
            &format!("/employers/{LHN}/employees/1/documents"),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(listed["documents"].as_array().unwrap().is_empty());
    // ... and the first bureau's employer, its employee and its payslips are as they were.
    let placed = api
        .post(
            &api.bureau,
            &format!("/employers/{LHN}/employees/1/documents"),
            "kind=payslip&year=2026&period_kind=month&period=1",
            b"%PDF-1.7 jan",
        )
        .await;
    assert_eq!(placed.status(), StatusCode::CREATED);
    let ours: Value = api
        .get(&api.bureau, &format!("/employers/{LHN}/employees"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ours.as_array().unwrap().len(), 1, "{ours}");
    assert_eq!(ours[0]["name"], "Bakker, N", "{ours}");
    let conn =
        loondossier::store::Connection::open(api.app.data_dir.join("loondossier.db")).unwrap();
    let mut rows: Vec<(String, String, String)> = conn
        .prepare(
            "SELECT b.client_number, r.name, r.email FROM employers r \
             JOIN bureaus b ON b.id = r.bureau_id WHERE r.lhn = ?1 ORDER BY 1",
        )
        .unwrap()
        .query_map([LHN], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    rows.sort();
    assert_eq!(
        rows,
        [
            (
                "K1".into(),
                "Active BV".into(),
                "info@active.example".into()
            ),
            (
                "K2".into(),
                "Squatter BV".into(),
                "squat@ander.example".into()
            )
        ]
    );
    // Updating its own record again is an update, in its own namespace only.
    assert_eq!(
        api.put(
            &api.other_bureau,
            &format!("/employers/{LHN}"),
            &json!({"name": "Squatter BV", "email": "squat@ander.example"}),
        )
        .await
        .status(),
        StatusCode::OK
    );
    let ours_again: Value = api
        .get(&api.bureau, &format!("/employers/{LHN}/employees"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ours_again, ours);
    api.app.stop().await;
}

#[tokio::test]
async fn tokens_are_required_and_cookies_do_not_count() {
    let api = api().await;
    let none = api
        .client
        .get(format!("{}/employers/{LHN}/employees", api.base))
        .send()
        .await
        .unwrap();
    assert_eq!(none.status(), StatusCode::UNAUTHORIZED);
    assert!(
        none.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );
    for bad in [
        "ldsync_nope",
        "Bearer",
        &format!("ldsync_{}", "0".repeat(64)),
    ] {
        assert_eq!(
            api.get(bad, &format!("/employers/{LHN}/employees"))
                .await
                .status(),
            StatusCode::UNAUTHORIZED,
            "{bad}"
        );
    }
    let with_cookie = api
        .client
        .get(format!("{}/employers/{LHN}/employees", api.base))
        .header(
            "cookie",
            "__Host-loondossier=0123456789abcdef0123456789abcdef",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(with_cookie.status(), StatusCode::UNAUTHORIZED);
    // A revoked token stops working.
    let services = api.app.running.services();
    let listed = services.list_tokens().await.unwrap();
    let bureau_token = listed
        .iter()
        .find(|t| matches!(t.scope, loondossier::domain::access::TokenScope::Bureau(_)))
        .unwrap();
    api.setup().await;
    services
        .revoke_token(&bureau_token.public_id)
        .await
        .unwrap();
    assert_eq!(
        api.get(&api.bureau, &format!("/employers/{LHN}/employees"))
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let used = services
        .list_tokens()
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.public_id == bureau_token.public_id)
        .unwrap();
    assert!(used.last_used_at.is_some() && used.revoked);
    api.app.stop().await;
}

#[tokio::test]
async fn an_idempotency_key_replays_the_first_answer() {
    let api = api().await;
    api.setup().await;
    let path = format!(
        "{}/employers/{LHN}/employees/1/documents?kind=payslip&year=2026&period_kind=month&period=4",
        api.base
    );
    let send = |key: &'static str, url: String, body: &'static [u8]| {
        let client = api.client.clone();
        let token = api.bureau.clone();
        async move {
            client
                .post(url)
                .bearer_auth(token)
                .header("idempotency-key", key)
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    let first = send("run-2026-04-nr1", path.clone(), b"%PDF-1.7 april").await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first = first.text().await.unwrap();
    let again = send("run-2026-04-nr1", path.clone(), b"%PDF-1.7 april").await;
    assert_eq!(
        again.status(),
        StatusCode::CREATED,
        "the same answer as the first time"
    );
    assert_eq!(again.text().await.unwrap(), first);
    let misuse = send(
        "run-2026-04-nr1",
        path.replace("period=4", "period=5"),
        b"%PDF-1.7 mei",
    )
    .await;
    assert_eq!(misuse.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = misuse.json().await.unwrap();
    assert_eq!(pointer(&problem), "Idempotency-Key");
    api.app.stop().await;
}

#[tokio::test]
async fn a_self_administering_employer_runs_its_own_payroll() {
    let api = api().await;
    let created = api
        .put(
            &api.self_employer,
            &format!("/employers/{SELF_LHN}"),
            &employer("zelf@example.nl"),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let r = api
        .put(
            &api.self_employer,
            &format!("/employers/{SELF_LHN}/employees/7"),
            &employee("k@example.nl"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let placed = api
        .post(
            &api.self_employer,
            &format!("/employers/{SELF_LHN}/employees/7/documents"),
            "kind=annual_statement&year=2025&period_kind=year",
            b"%PDF-1.7 jaaropgave",
        )
        .await;
    assert_eq!(placed.status(), StatusCode::CREATED);
    // Not its own LHN: not found.
    assert_eq!(
        api.put(
            &api.self_employer,
            &format!("/employers/{OTHER_LHN}"),
            &employer("a@b.nl")
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );
    // No bureau reaches it.
    assert_eq!(
        api.get(&api.bureau, &format!("/employers/{SELF_LHN}/employees"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    api.app.stop().await;
}

#[tokio::test]
async fn employer_reports_may_be_xml_or_csv_and_download_as_attachments() {
    let api = api().await;
    api.setup().await;
    let path = format!("/employers/{LHN}/documents");
    let xml = api
        .post(
            &api.bureau,
            &path,
            "kind=journal_entry&year=2026&period_kind=month&period=1",
            b"<?xml version=\"1.0\"?><journaalpost/>",
        )
        .await;
    assert_eq!(xml.status(), StatusCode::CREATED);
    let csv = api
        .post(
            &api.bureau,
            &path,
            "kind=payment_list&year=2026&period_kind=month&period=1",
            b"naam;iban;bedrag\nBakker;NL91ABNA0417164300;2500,00\n",
        )
        .await;
    assert_eq!(csv.status(), StatusCode::CREATED);
    let exe = api
        .post(
            &api.bureau,
            &path,
            "kind=report&year=2026&period_kind=month&period=1",
            b"MZ\x90\x00\x03\x00\x00\x00",
        )
        .await;
    assert_eq!(exe.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let listed: Value = api.get(&api.bureau, &path).await.json().await.unwrap();
    let names: Vec<&str> = listed["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file_name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"Journaalpost - januari 2026.xml")
            && names.contains(&"Betaallijst - januari 2026.csv"),
        "{names:?}"
    );
    // The employer sees the journal entry; a browser never renders it inline.
    let services = api.app.running.services();
    let employer_account = {
        let conn =
            loondossier::store::Connection::open(api.app.data_dir.join("loondossier.db")).unwrap();
        conn.query_row("SELECT id FROM accounts WHERE role = 'employer'", [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap()
    };
    let employer = services
        .actor_for_account(loondossier::domain::AccountKey(employer_account))
        .await
        .unwrap();
    let xml_id = loondossier::domain::PublicId::parse(
        listed["documents"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["kind"] == "journal_entry")
            .unwrap()["id"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    let opened = services
        .open_document(
            employer,
            Default::default(),
            xml_id,
            loondossier::service::Disposition::Inline,
        )
        .await
        .unwrap();
    assert_eq!(opened.media_type, "application/xml");
    assert!(!opened.inline, "only PDF, PNG and JPEG are shown inline");
    api.app.stop().await;
}

#[tokio::test]
async fn backups_keep_the_newest_five_and_restore_with_ranges() {
    let api = api().await;
    let upload = |n: usize| {
        let client = api.client.clone();
        let url = format!(
            "{}/backups?filename=LB{n:06}.lda&description=Backup%20Loon%20{n}",
            api.base
        );
        let token = api.bureau.clone();
        async move {
            client
                .post(url)
                .bearer_auth(token)
                .body(format!("backup number {n} ").repeat(1000))
                .send()
                .await
                .unwrap()
        }
    };
    let mut ids = Vec::new();
    for n in 1..=7 {
        api.app.clock.advance(chrono::Duration::minutes(1));
        let response = upload(n).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["file_name"], format!("LB{n:06}.lda"));
        ids.push(body["id"].as_str().unwrap().to_owned());
    }
    let listed: Value = api.get(&api.bureau, "/backups").await.json().await.unwrap();
    let names: Vec<&str> = listed["backups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["file_name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        vec![
            "LB000007.lda",
            "LB000006.lda",
            "LB000005.lda",
            "LB000004.lda",
            "LB000003.lda"
        ]
    );
    assert_eq!(listed["backups"][0]["description"], "Backup Loon 7");
    // Without a description the backup is named after its token and the local time.
    let plain = api
        .client
        .post(format!("{}/backups?filename=LB000008.lda", api.base))
        .bearer_auth(&api.bureau)
        .body("backup without description")
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), StatusCode::CREATED);
    let described: Value = plain.json().await.unwrap();
    let local = api
        .app
        .clock
        .now()
        .with_timezone(&chrono_tz::Europe::Amsterdam)
        .format("%d-%m %H:%M:%S")
        .to_string();
    assert_eq!(described["description"], format!("Backup test op {local}"));

    assert_eq!(
        api.get(&api.bureau, &format!("/backups/{}", ids[0]))
            .await
            .status(),
        StatusCode::NOT_FOUND,
        "the oldest are gone"
    );

    let whole = api.get(&api.bureau, &format!("/backups/{}", ids[6])).await;
    assert_eq!(whole.status(), StatusCode::OK);
    assert!(
        whole.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    let whole = whole.bytes().await.unwrap();
    assert_eq!(whole, "backup number 7 ".repeat(1000).as_bytes());
    let tail = api
        .client
        .get(format!("{}/backups/{}", api.base, ids[6]))
        .bearer_auth(&api.bureau)
        .header("range", "bytes=-16")
        .send()
        .await
        .unwrap();
    assert_eq!(tail.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(tail.bytes().await.unwrap(), "backup number 7 ".as_bytes());

    // Another client sees none of it.
    let theirs: Value = api
        .get(&api.other_bureau, "/backups")
        .await
        .json()
        .await
        .unwrap();
    assert!(theirs["backups"].as_array().unwrap().is_empty());
    assert_eq!(
        api.get(&api.other_bureau, &format!("/backups/{}", ids[6]))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    let deleted = api
        .client
        .delete(format!("{}/backups/{}", api.base, ids[6]))
        .bearer_auth(&api.bureau)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let listed: Value = api.get(&api.bureau, "/backups").await.json().await.unwrap();
    assert_eq!(listed["backups"].as_array().unwrap().len(), 4);
    // The files of removed backups are gone from the file store as well.
    let (stored, _) = api.app.running.services().blobs().usage().await.unwrap();
    assert_eq!(stored, 4);
    let nameless = api
        .client
        .post(format!("{}/backups", api.base))
        .bearer_auth(&api.bureau)
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(nameless.status(), StatusCode::UNPROCESSABLE_ENTITY);
    api.app.stop().await;
}

#[tokio::test]
async fn the_openapi_document_covers_every_route_and_every_path_in_it_is_served() {
    let api = api().await;
    let served: Value = api
        .client
        .get(format!("{}/openapi.json", api.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let document: Value = serde_json::from_str(loondossier::web::api::OPENAPI).unwrap();
    assert_eq!(served, document);
    assert_eq!(document["openapi"], "3.1.0");
    let mut documented: Vec<(String, String)> = document["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .map(move |m| (m.clone(), path.clone()))
        })
        .collect();
    documented.sort();
    let mut routes: Vec<(String, String)> = loondossier::web::api::OPERATIONS
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    routes.sort();
    assert_eq!(
        documented, routes,
        "the document and the routes list the same operations"
    );
    let origin = api.base.trim_end_matches("/api/v1");
    for (method, path) in routes {
        let url = format!(
            "{origin}{}",
            path.replace("{lhn}", LHN)
                .replace("{nr}", "1")
                .replace("{id}", &"a".repeat(32))
        );
        let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let response = api
            .client
            .request(method.clone(), &url)
            .send()
            .await
            .unwrap();
        let expected = if path.ends_with("openapi.json") {
            StatusCode::OK
        } else {
            StatusCode::UNAUTHORIZED
        };
        assert_eq!(
            response.status(),
            expected,
            "{method} {path} is served (and asks for a token)"
        );
    }
    api.app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_push_client_uploads_a_folder_once() {
    let tmp = tempfile::tempdir().unwrap();
    let cert = TestCert::write(tmp.path());
    let text = config_text(tmp.path(), &cert.tls_section(""));
    let cert_path = cert.cert_path.clone();
    let app = TestApp::start_in(tmp, &text).await;
    let services = app.running.services();
    services
        .add_bureau("K1", "Salarisbureau Bakker")
        .await
        .unwrap();
    let token = services
        .create_token(
            loondossier::service::TokenFor::Bureau {
                client_number: "K1".into(),
            },
            "push",
        )
        .await
        .unwrap();
    let work = tempfile::tempdir().unwrap();
    let token_file = work.path().join("token");
    std::fs::write(&token_file, format!("{}\n", token.secret)).unwrap();
    let manifest =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/push-example/documents.csv");
    let url = format!("https://localhost:{}", app.running.local_addr().port());
    // A manifest naming a file that is not there: the run reports it and exits non-zero.
    let broken = tempfile::tempdir().unwrap();
    std::fs::write(
        broken.path().join("documents.csv"),
        "lhn,nr,kind,year,period_kind,period,file,title\n131459077L01,,report,2026,month,1,missing.pdf,\n",
    )
    .unwrap();
    let broken_args = [
        "push".to_owned(),
        "--url".into(),
        url.clone(),
        "--token-file".into(),
        token_file.display().to_string(),
        "--cacert".into(),
        cert.cert_path.display().to_string(),
        broken.path().join("documents.csv").display().to_string(),
    ];
    let push = move || {
        let args = [
            "push".to_owned(),
            "--url".into(),
            url.clone(),
            "--token-file".into(),
            token_file.display().to_string(),
            "--cacert".into(),
            cert_path.display().to_string(),
            manifest.display().to_string(),
        ];
        let dir = work.path().to_path_buf();
        async move {
            tokio::task::spawn_blocking(move || {
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                crate::support::Binary::run(&dir, &args)
            })
            .await
            .unwrap()
        }
    };
    let first = push().await;
    let out = String::from_utf8_lossy(&first.stdout).into_owned();
    assert!(
        first.status.success(),
        "{out}\n{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(
        out.contains(
            "1 employers and 2 employees synced; 4 documents uploaded, 0 already there, 0 failed"
        ),
        "{out}"
    );
    let second = push().await;
    let out = String::from_utf8_lossy(&second.stdout).into_owned();
    assert!(second.status.success(), "{out}");
    assert!(
        out.contains("0 documents uploaded, 4 already there, 0 failed"),
        "{out}"
    );
    let dir = broken.path().to_path_buf();
    let failed = tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = broken_args.iter().map(String::as_str).collect();
        crate::support::Binary::run(&dir, &args)
    })
    .await
    .unwrap();
    assert_eq!(failed.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&failed.stdout).contains("1 failed"));
    assert!(String::from_utf8_lossy(&failed.stderr).contains("missing.pdf"));

    // They arrived where the manifest said, readable by the employee.
    let conn = loondossier::store::Connection::open(app.data_dir.join("loondossier.db")).unwrap();
    let stored: i64 = conn
        .query_row(
            "SELECT count(*) FROM documents WHERE origin = 'payroll'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, 4);
    let csv: String = conn
        .query_row(
            "SELECT media_type FROM documents WHERE kind = 'payment_list'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(csv, "text/csv");
    app.stop().await;
}

#[tokio::test]
async fn an_empty_body_is_refused_as_empty_not_as_a_wrong_type() {
    let api = api().await;
    api.setup().await;
    for path in [
        format!(
            "/employers/{LHN}/employees/1/documents?kind=payslip&year=2026&period_kind=month&period=4"
        ),
        "/backups?filename=loon.bak".to_owned(),
    ] {
        let response = api
            .client
            .post(format!("{}{path}", api.base))
            .bearer_auth(&api.bureau)
            .body(Vec::new())
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path}"
        );
        let problem: Value = response.json().await.unwrap();
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("the file is empty"),
            "{path}: {problem}"
        );
    }
    let backups: Value = api.get(&api.bureau, "/backups").await.json().await.unwrap();
    assert_eq!(backups["backups"], json!([]), "nothing stored");
    api.app.stop().await;
}
