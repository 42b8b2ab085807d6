//! A real SMTP server on loopback (Python's aiosmtpd, installed by `.ci/run`), started per
//! test; received messages are read back from its output folder.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::certs::TestCert;

/// The Python that has aiosmtpd: `LOONDOSSIER_TEST_PYTHON`, else CI's venv, else `python3`.
fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("LOONDOSSIER_TEST_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ci-venv/bin/python");
    if venv.exists() {
        return venv;
    }
    PathBuf::from("python3")
}

/// One received message: envelope recipients and the raw message.
#[derive(Debug, Clone)]
pub struct Received {
    pub to: Vec<String>,
    pub tls: bool,
    pub raw: String,
}

impl Received {
    /// The value of a header (first occurrence, unfolded).
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.raw.split("\r\n\r\n").next().unwrap_or_default();
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        let prefix = format!("{}:", name.to_ascii_lowercase());
        unfolded
            .split("\r\n")
            .find(|l| l.to_ascii_lowercase().starts_with(&prefix))
            .map(|l| l[prefix.len()..].trim().to_owned())
    }

    /// The text part, decoded (mail-builder may use quoted-printable or base64).
    pub fn text(&self) -> String {
        let parsed = mail_parser::MessageParser::default()
            .parse(self.raw.as_bytes())
            .expect("parse received mail");
        parsed
            .body_text(0)
            .map(|t| t.into_owned())
            .unwrap_or_default()
    }

    pub fn html(&self) -> String {
        let parsed = mail_parser::MessageParser::default()
            .parse(self.raw.as_bytes())
            .expect("parse received mail");
        parsed
            .body_html(0)
            .map(|t| t.into_owned())
            .unwrap_or_default()
    }

    pub fn subject(&self) -> String {
        let parsed = mail_parser::MessageParser::default()
            .parse(self.raw.as_bytes())
            .expect("parse received mail");
        parsed.subject().unwrap_or_default().to_owned()
    }

    /// The first `http(s)://…` link in the text part.
    pub fn link(&self) -> String {
        let text = self.text();
        let start = text.find("http").expect("a link in the mail");
        text[start..]
            .split_whitespace()
            .next()
            .expect("link")
            .to_owned()
    }
}

pub struct SmtpServer {
    child: Child,
    pub port: u16,
    dir: PathBuf,
    /// The server's options, kept for a restart.
    args: Vec<String>,
    security: &'static str,
    auth: Option<(String, String)>,
}

/// How the test server behaves.
#[derive(Default)]
pub struct SmtpOptions<'a> {
    /// Offer STARTTLS (required) with this certificate, or TLS from the first byte.
    pub cert: Option<&'a TestCert>,
    pub implicit_tls: bool,
    /// Require AUTH with these credentials.
    pub auth: Option<(&'a str, &'a str)>,
    /// Answer 550 to recipients containing this.
    pub reject: Option<&'a str>,
}

impl SmtpServer {
    /// A plain server (for `security = "none"`).
    pub fn start(dir: &Path) -> Self {
        Self::with(dir, &SmtpOptions::default())
    }

    /// A server that requires STARTTLS with `cert`.
    pub fn start_tls(dir: &Path, cert: &TestCert) -> Self {
        Self::with(
            dir,
            &SmtpOptions {
                cert: Some(cert),
                ..SmtpOptions::default()
            },
        )
    }

    /// A plain server that answers 550 to recipients containing `substring`.
    pub fn start_rejecting(dir: &Path, substring: &str) -> Self {
        Self::with(
            dir,
            &SmtpOptions {
                reject: Some(substring),
                ..SmtpOptions::default()
            },
        )
    }

    pub fn with(dir: &Path, options: &SmtpOptions<'_>) -> Self {
        let mut args = Vec::new();
        if let Some(cert) = options.cert {
            args.extend([
                "--cert".to_owned(),
                cert.cert_path.display().to_string(),
                "--key".to_owned(),
                cert.key_path.display().to_string(),
            ]);
            if options.implicit_tls {
                args.push("--implicit".to_owned());
            }
        }
        if let Some((user, password)) = options.auth {
            args.extend(["--auth".to_owned(), format!("{user}:{password}")]);
        }
        if let Some(r) = options.reject {
            args.extend(["--reject".to_owned(), r.to_owned()]);
        }
        let (child, port) = launch(dir, super::ports::for_a_program(), &args);
        Self {
            child,
            port,
            dir: dir.to_path_buf(),
            args,
            security: match (options.cert, options.implicit_tls) {
                (None, _) => "none",
                (Some(_), false) => "starttls",
                (Some(_), true) => "tls",
            },
            auth: options.auth.map(|(u, p)| (u.to_owned(), p.to_owned())),
        }
    }
}

fn launch(dir: &Path, port: u16, args: &[String]) -> (Child, u16) {
    std::fs::create_dir_all(dir).expect("mail dir");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/support/smtp_server.py");
    let mut command = Command::new(python());
    command
        .arg(&script)
        .arg(dir)
        .arg("--port")
        .arg(port.to_string())
        .args(args);
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot start the test SMTP server ({e}); install aiosmtpd: \
                 `python3 -m venv target/ci-venv && target/ci-venv/bin/pip install aiosmtpd` \
                 (`./test` does this)"
            )
        });
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("read port line");
    let port = line
        .trim()
        .strip_prefix("PORT ")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| {
            panic!(
                "the test SMTP server did not start (is aiosmtpd installed? `./test` \
                 installs it into target/ci-venv): {line:?}"
            )
        });
    (child, port)
}

impl SmtpServer {
    /// Stops the server (connections are then refused).
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts it again on the same port, keeping what it received.
    pub fn restart(&mut self) {
        self.stop();
        let (child, _) = launch(&self.dir, self.port, &self.args);
        self.child = child;
    }

    /// Everything received so far, in order.
    pub fn received(&self) -> Vec<Received> {
        let mut names: Vec<_> = std::fs::read_dir(&self.dir)
            .expect("read mail dir")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        names.sort();
        names
            .into_iter()
            .map(|p| {
                let text = std::fs::read_to_string(&p).expect("read mail");
                let mut to = Vec::new();
                let mut tls = false;
                let mut rest = text.as_str();
                while let Some((line, after)) = rest.split_once("\r\n") {
                    if let Some(v) = line.strip_prefix("X-Envelope-To: ") {
                        to.push(v.to_owned());
                    } else if let Some(v) = line.strip_prefix("X-Tls: ") {
                        tls = v == "yes";
                    } else if !line.starts_with("X-Envelope-From: ") {
                        break;
                    }
                    rest = after;
                }
                Received {
                    to,
                    tls,
                    raw: rest.to_owned(),
                }
            })
            .collect()
    }

    /// Waits until at least `count` messages arrived (bounded, not a speed check).
    pub async fn wait_for(&self, count: usize) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let got = self.received();
            if got.len() >= count {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "expected {count} messages, got {}",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The `[smtp]` section pointing at this server.
    pub fn smtp_section(&self, ca: Option<&TestCert>) -> String {
        let security = self.security;
        let auth = self.auth.as_ref().map_or_else(String::new, |(u, p)| {
            format!("username = \"{u}\"\npassword = \"{p}\"\n")
        });
        let ca = ca.map_or_else(String::new, |c| {
            format!("ca_cert = \"{}\"\n", c.cert_path.display())
        });
        format!(
            "[smtp]\nhost = \"localhost\"\nport = {}\nsecurity = \"{security}\"\n\
             from = \"Loondossier Test <noreply@bureau.example>\"\n\
             reply_to = \"salaris@bureau.example\"\n{ca}{auth}",
            self.port
        )
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
    }
}
