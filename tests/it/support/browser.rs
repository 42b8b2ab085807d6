//! A cookie-keeping HTTP client that signs in through the real sign-in form.

use reqwest::StatusCode;

use loondossier::service::demo::{DemoLogin, DemoReport, DemoSize};

use super::TestApp;

/// Like a browser: keeps cookies, does not follow redirects (tests look at them).
#[derive(Clone)]
pub struct Browser {
    pub client: reqwest::Client,
    pub base: String,
}

/// The value of the first hidden `csrf` field in a page.
pub fn csrf_in(html: &str) -> String {
    let start = html.find("name=\"csrf\" value=\"").expect("csrf field") + 19;
    html[start..start + 32].to_owned()
}

impl Browser {
    pub fn new(app: &TestApp) -> Self {
        Self::at(app.running.url())
    }

    pub fn at(base: &str) -> Self {
        Self {
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            base: base.to_owned(),
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("request")
    }

    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.base))
            .form(fields)
            .send()
            .await
            .expect("request")
    }

    /// Posts an already encoded form body (for repeated names and odd inputs).
    pub async fn post_raw(&self, path: &str, body: String) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("request")
    }

    /// Posts a multipart form (file uploads).
    pub async fn post_multipart(
        &self,
        path: &str,
        form: reqwest::multipart::Form,
    ) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.base))
            .multipart(form)
            .send()
            .await
            .expect("request")
    }

    /// Opens the sign-in page, then posts the form with its token.
    pub async fn sign_in(&self, username: &str, password: &str) -> reqwest::Response {
        let page = self.get("/aanmelden").await.text().await.expect("page");
        let csrf = csrf_in(&page);
        self.post_form(
            "/aanmelden",
            &[
                ("csrf", &csrf),
                ("username", username),
                ("password", password),
            ],
        )
        .await
    }

    /// Signs in through every step (setting up the authenticator app when the role requires
    /// one, entering its code when set up) and checks it worked.
    pub async fn signed_in(app: &TestApp, login: &DemoLogin) -> Self {
        let browser = Self::new(app);
        let response = browser.sign_in(&login.username, &login.password).await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "sign-in of {}",
            login.username
        );
        let location = response.headers()["location"]
            .to_str()
            .expect("location")
            .to_owned();
        if location.starts_with("/aanmelden/instellen") {
            browser
                .enrol(app, &login.username, "/aanmelden/instellen", "")
                .await;
        } else if location.starts_with("/aanmelden/code") {
            // A code works once: an earlier sign-in may have used this step's.
            app.clock.advance(chrono::Duration::seconds(30));
            browser.enter_code(app, &login.username, 0).await;
        }
        browser
    }

    /// Enters the authenticator code `offset_steps` away from now on the code page.
    pub async fn enter_code(
        &self,
        app: &TestApp,
        username: &str,
        offset_steps: i64,
    ) -> reqwest::Response {
        let code = app.totp_code(username, offset_steps);
        self.enter(&code).await
    }

    /// Enters `code` (an app code or a recovery code) on the code page.
    pub async fn enter(&self, code: &str) -> reqwest::Response {
        let page = self
            .get("/aanmelden/code")
            .await
            .text()
            .await
            .expect("page");
        self.post_form(
            "/aanmelden/code",
            &[("csrf", &csrf_in(&page)), ("code", code)],
        )
        .await
    }

    /// Sets up the authenticator app on `path` and keeps its secret; returns the recovery codes.
    /// `password` is asked again in Profiel (not during sign-in).
    pub async fn enrol(
        &self,
        app: &TestApp,
        username: &str,
        path: &str,
        password: &str,
    ) -> Vec<String> {
        let page = self.get(path).await.text().await.expect("page");
        let csrf = csrf_in(&page);
        let started = self
            .post_form(
                &format!("{path}/start"),
                &[("csrf", &csrf), ("password", password)],
            )
            .await;
        assert_eq!(started.status(), StatusCode::SEE_OTHER);
        let page = self.get(path).await.text().await.expect("page");
        assert!(page.contains("<svg"), "QR code on the page");
        let marker = "<code class=\"secret\">";
        let start = page.find(marker).expect("secret") + marker.len();
        let end = start + page[start..].find("</code>").expect("end");
        let text: String = page[start..end]
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let secret = totp_rs::Secret::try_from_base32(&text)
            .expect("base32")
            .as_bytes()
            .to_vec();
        app.totp_secrets
            .lock()
            .expect("secrets")
            .insert(username.to_owned(), secret);
        let code = app.totp_code(username, 0);
        let done = self
            .post_form(path, &[("csrf", &csrf), ("code", &code)])
            .await;
        assert_eq!(done.status(), StatusCode::OK, "enrolment confirmed");
        let html = done.text().await.expect("codes page");
        html.split("<li><code>")
            .skip(1)
            .filter_map(|s| s.split("</code>").next())
            .map(str::to_owned)
            .collect()
    }

    /// The start page's sign-out token.
    /// Answers the question every employee gets before its first page: electronic or paper
    /// payslips (`choice`: "electronic" or "paper"); returns the answer (a redirect onwards).
    pub async fn choose_payslip_delivery(&self, choice: &str, back: &str) -> reqwest::Response {
        let page = self.get("/toestemming").await.text().await.expect("page");
        let csrf = csrf_in(&page);
        self.post_form(
            "/toestemming",
            &[("csrf", &csrf), ("keuze", choice), ("terug", back)],
        )
        .await
    }

    /// Follows a form's answer the way a browser does: it must be a redirect (303, as every
    /// form that succeeds answers, so a reload repeats nothing); returns the page it leads to.
    pub async fn follow(&self, answer: reqwest::Response) -> reqwest::Response {
        let status = answer.status();
        let to = answer
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .map(str::to_owned);
        let Some(to) = to.filter(|_| status == StatusCode::SEE_OTHER) else {
            let body = answer.text().await.unwrap_or_default();
            panic!("a redirect expected, got {status}: {body}");
        };
        self.get(&to).await
    }

    pub async fn page_csrf(&self) -> String {
        csrf_in(&self.get("/").await.text().await.expect("page"))
    }
}

/// A new sync token of the demo bureau named `name`, as its payroll software would hold it.
pub async fn demo_bureau_token(app: &TestApp, name: &str) -> String {
    app.running
        .services()
        .create_token(
            loondossier::service::TokenFor::Bureau {
                client_number: loondossier::service::demo::DEMO_CLIENT_NUMBER.to_owned(),
            },
            name,
        )
        .await
        .expect("token")
        .secret
}

/// Loads a small demo world into a running test app.
pub async fn demo(app: &TestApp) -> DemoReport {
    let size = DemoSize {
        employers: 2,
        employees_per_employer: 2,
        years: 1,
    };
    app.running
        .services()
        .load_demo(size, &app.data_dir.join("demo-credentials.txt"))
        .await
        .expect("demo data")
}

/// The demo login with this username.
pub fn login<'a>(report: &'a DemoReport, username: &str) -> &'a DemoLogin {
    report
        .logins
        .iter()
        .find(|l| l.username == username)
        .expect("demo login")
}
