//! A real Chromium driven over WebDriver (Debian's `chromium` and `chromium-driver`, installed
//! by `.ci/run`), headless, with its own empty profile. A missing browser fails the test with
//! instructions — it never skips.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};

fn find(names: &[&str]) -> Option<PathBuf> {
    names
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .or_else(|| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
                    .find(|p| p.exists())
            })
        })
}

/// A headless Chromium session and the chromedriver behind it.
pub struct Chrome {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Chrome {
    pub async fn start() -> Self {
        let install = "install Debian's chromium and chromium-driver \
                       (`apt-get install chromium chromium-driver`; `./test` does this)";
        let driver_path = find(&["/usr/bin/chromedriver", "chromedriver"])
            .unwrap_or_else(|| panic!("chromedriver not found: {install}"));
        let browser = find(&["/usr/bin/chromium", "chromium"])
            .unwrap_or_else(|| panic!("chromium not found: {install}"));
        let port = super::ports::for_a_program();
        let driver = Command::new(&driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}; {install}", driver_path.display()));
        let profile = tempfile::tempdir().expect("profile dir");
        let args = vec![
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--window-size=1280,900".to_owned(),
            // A Dutch browser, as most of the portal's users have; journeys switch to English.
            "--accept-lang=nl-NL,nl".to_owned(),
            "--lang=nl-NL".to_owned(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".to_owned(),
            serde_json::json!({ "binary": browser, "args": args }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(60);
        let client = loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(capabilities.clone())
                .connect(&url)
                .await
            {
                Ok(client) => break client,
                Err(e) if Instant::now() < deadline => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => panic!("cannot start a Chromium session: {e}"),
            }
        };
        Self {
            client,
            driver,
            _profile: profile,
        }
    }

    /// Saves a screenshot of the current page under `target/ui-screenshots/NAME.png`.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ui-screenshots");
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        let path = dir.join(format!("{name}.png"));
        if let Ok(png) = self.client.screenshot().await {
            let _ = std::fs::write(&path, png);
        }
        path
    }

    /// Runs a journey; on failure saves a screenshot and fails with the step's message.
    pub async fn journey<F>(self, name: &str, steps: F)
    where
        F: AsyncFnOnce(&Client) -> Result<(), String>,
    {
        let outcome = steps(&self.client).await;
        if let Err(message) = &outcome {
            let shot = self.screenshot(name).await;
            self.close().await;
            panic!("{name}: {message} (screenshot: {})", shot.display());
        }
        self.close().await;
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// axe-core's script (npm, installed by `.ci/run` into `target/ci-npm`).
fn axe_source() -> String {
    let path = std::env::var_os("LOONDOSSIER_TEST_AXE").map_or_else(
        || {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("target/ci-npm/node_modules/axe-core/axe.min.js")
        },
        PathBuf::from,
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "axe-core not found at {} ({e}); install it: \
             `npm install --prefix target/ci-npm axe-core@4.14.1` (`./test` does this)",
            path.display()
        )
    })
}

/// The WCAG 2.1 A/AA violations axe-core finds on the current page, one line each.
pub async fn axe_violations(c: &Client) -> Result<Vec<String>, String> {
    c.execute(&axe_source(), vec![])
        .await
        .map_err(|e| format!("injecting axe-core: {e}"))?;
    let found = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { runOnly: { type: 'tag',
                 values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
               .then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' — ' +
                   v.nodes.map(n => n.target.join(' ')).join(', '))))
               .catch(e => done(['axe failed: ' + e]));",
            vec![],
        )
        .await
        .map_err(|e| format!("running axe-core: {e}"))?;
    serde_json::from_value(found).map_err(|e| format!("axe result: {e}"))
}
