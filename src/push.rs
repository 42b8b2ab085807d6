//! `loondossier push`: a small sync-API client for bureaus without payroll software that talks
//! to the API. It reads a folder described by CSV files — `employers.csv` and `employees.csv`
//! (master data, optional) and `documents.csv` (which file goes where) — and uploads what the
//! portal does not have yet: a bounded number at a time, retrying with backoff, showing
//! progress, and exiting non-zero if anything failed. A second run uploads nothing.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::{Context, bail};
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// A document slot in a dossier: kind, year, period kind, period.
type Slot = (String, u64, String, u64);
/// What the portal holds per dossier path and slot: the file's sha256.
type Holdings = HashMap<String, HashMap<Slot, String>>;

/// Uploads at the same time.
const PARALLEL: usize = 4;
/// Attempts per request before giving up on it.
const ATTEMPTS: u32 = 5;

#[derive(Debug, Deserialize)]
struct EmployerRow {
    lhn: String,
    name: String,
    email: String,
    #[serde(default)]
    client_number: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    street: String,
    #[serde(default)]
    postal_code: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    country: String,
}

#[derive(Debug, Deserialize)]
struct EmployeeRow {
    lhn: String,
    nr: String,
    name: String,
    bsn: String,
    birth_date: String,
    email: String,
    #[serde(default)]
    employment_start: String,
    #[serde(default)]
    employment_end: String,
}

#[derive(Debug, Clone, Deserialize)]
struct DocumentRow {
    lhn: String,
    #[serde(default)]
    nr: String,
    kind: String,
    year: u16,
    period_kind: String,
    #[serde(default)]
    period: String,
    file: String,
    #[serde(default)]
    title: String,
}

/// What a run did.
#[derive(Debug, Default)]
pub struct Summary {
    pub employers: usize,
    pub employees: usize,
    pub uploaded: usize,
    pub skipped: usize,
    pub failed: usize,
}

fn read_csv<T: for<'de> Deserialize<'de>>(path: &Path) -> anyhow::Result<Vec<T>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    reader
        .deserialize()
        .enumerate()
        .map(|(i, row)| row.with_context(|| format!("{} line {}", path.display(), i + 2)))
        .collect()
}

fn optional(text: &str) -> Value {
    if text.is_empty() {
        Value::Null
    } else {
        json!(text)
    }
}

/// The API's client with the token, retries and backoff.
struct Api {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Api {
    /// Sends a request (rebuilt per attempt), retrying connection errors, 429 and 5xx.
    async fn send(
        &self,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> anyhow::Result<reqwest::Response> {
        let mut delay = Duration::from_millis(500);
        for attempt in 1..=ATTEMPTS {
            let result = build(&self.http).bearer_auth(&self.token).send().await;
            let retry_after = match &result {
                Ok(r) if r.status() == 429 || r.status().is_server_error() => r
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse::<u64>().ok())
                    .map(Duration::from_secs),
                Ok(_) => return result.map_err(Into::into),
                Err(e) if e.is_builder() => return result.map_err(Into::into),
                Err(_) => None,
            };
            if attempt == ATTEMPTS {
                return result.map_err(Into::into);
            }
            tokio::time::sleep(retry_after.unwrap_or(delay)).await;
            delay *= 2;
        }
        bail!("no attempts made")
    }

    async fn put(&self, path: &str, body: &Value) -> anyhow::Result<()> {
        let url = format!("{}{path}", self.base);
        let response = self.send(|c| c.put(&url).json(body)).await?;
        if !response.status().is_success() {
            let status = response.status();
            bail!(
                "PUT {path}: {status} {}",
                response.text().await.unwrap_or_default()
            );
        }
        Ok(())
    }

    /// The sha256 of what the portal holds per (kind, year, period kind, period) in a dossier.
    async fn existing(
        &self,
        dossier: &str,
    ) -> anyhow::Result<HashMap<(String, u64, String, u64), String>> {
        let mut found = HashMap::new();
        for page in 1.. {
            let url = format!("{}{dossier}/documents?page={page}&per_page=1000", self.base);
            let response = self.send(|c| c.get(&url)).await?;
            if !response.status().is_success() {
                bail!("GET {dossier}/documents: {}", response.status());
            }
            let body: Value = response.json().await?;
            let documents = body["documents"].as_array().cloned().unwrap_or_default();
            for d in &documents {
                let key = (
                    d["kind"].as_str().unwrap_or("").to_owned(),
                    d["year"].as_u64().unwrap_or(0),
                    d["period_kind"].as_str().unwrap_or("").to_owned(),
                    d["period"].as_u64().unwrap_or(0),
                );
                found.insert(key, d["sha256"].as_str().unwrap_or("").to_owned());
            }
            if documents.len() < 1000 {
                break;
            }
        }
        Ok(found)
    }
}

fn dossier_path(row: &DocumentRow) -> String {
    if row.nr.is_empty() {
        format!("/api/v1/employers/{}", row.lhn)
    } else {
        format!("/api/v1/employers/{}/employees/{}", row.lhn, row.nr)
    }
}

/// Runs a push of the folder around `manifest` (its `documents.csv`).
pub async fn run(
    url: &str,
    token_file: &Path,
    manifest: &Path,
    ca_cert: Option<&Path>,
) -> anyhow::Result<Summary> {
    let token = std::fs::read_to_string(token_file)
        .with_context(|| format!("cannot read the token file {}", token_file.display()))?
        .trim()
        .to_owned();
    let folder = manifest.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut builder = reqwest::Client::builder()
        .timeout(Duration::from_secs(300))
        .connect_timeout(Duration::from_secs(20));
    if let Some(ca) = ca_cert {
        let pem = std::fs::read(ca).with_context(|| format!("cannot read {}", ca.display()))?;
        builder = builder.add_root_certificate(reqwest::Certificate::from_pem(&pem)?);
    }
    let api = Arc::new(Api {
        http: builder.build()?,
        base: url.trim_end_matches('/').to_owned(),
        token,
    });
    let mut summary = Summary::default();

    let employers_csv = folder.join("employers.csv");
    if employers_csv.exists() {
        for row in read_csv::<EmployerRow>(&employers_csv)? {
            let body = json!({
                "name": row.name, "email": row.email, "client_number": optional(&row.client_number),
                "phone": optional(&row.phone),
                "address": { "street": optional(&row.street), "postal_code": optional(&row.postal_code),
                             "city": optional(&row.city), "country": optional(&row.country) },
            });
            api.put(&format!("/api/v1/employers/{}", row.lhn), &body)
                .await?;
            summary.employers += 1;
        }
    }
    let employees_csv = folder.join("employees.csv");
    if employees_csv.exists() {
        for row in read_csv::<EmployeeRow>(&employees_csv)? {
            let body = json!({
                "name": row.name, "bsn": row.bsn, "birth_date": row.birth_date, "email": row.email,
                "employment_start": optional(&row.employment_start), "employment_end": optional(&row.employment_end),
            });
            api.put(
                &format!("/api/v1/employers/{}/employees/{}", row.lhn, row.nr),
                &body,
            )
            .await?;
            summary.employees += 1;
        }
    }

    let documents: Vec<DocumentRow> = read_csv(manifest)?;
    let mut existing: Holdings = HashMap::new();
    for row in &documents {
        let path = dossier_path(row);
        if !existing.contains_key(&path) {
            existing.insert(path.clone(), api.existing(&path).await?);
        }
    }
    let existing = Arc::new(existing);
    let total = documents.len();
    let done = Arc::new(AtomicUsize::new(0));
    let interactive = std::io::stderr().is_terminal();
    let outcomes: Vec<anyhow::Result<bool>> = futures_util::stream::iter(documents)
        .map(|row| {
            let api = Arc::clone(&api);
            let existing = Arc::clone(&existing);
            let folder = folder.clone();
            let done = Arc::clone(&done);
            async move {
                let outcome = upload(&api, &existing, &folder, &row).await;
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                progress(n, total, interactive, &row, &outcome);
                outcome
            }
        })
        .buffer_unordered(PARALLEL)
        .collect()
        .await;
    if interactive {
        eprintln!();
    }
    for outcome in outcomes {
        match outcome {
            Ok(true) => summary.uploaded += 1,
            Ok(false) => summary.skipped += 1,
            Err(_) => summary.failed += 1,
        }
    }
    Ok(summary)
}

fn progress(
    n: usize,
    total: usize,
    interactive: bool,
    row: &DocumentRow,
    outcome: &anyhow::Result<bool>,
) {
    if let Err(e) = outcome {
        eprintln!(
            "{}failed: {}: {e:#}",
            if interactive { "\r" } else { "" },
            row.file
        );
    }
    if interactive {
        let width = 30;
        let filled = n * width / total.max(1);
        eprint!(
            "\r[{}{}] {n}/{total}",
            "#".repeat(filled),
            " ".repeat(width - filled)
        );
        let _ = std::io::stderr().flush();
    } else if n == total || n.is_multiple_of(100) {
        eprintln!("{n}/{total} documents");
    }
}

/// Uploads one file unless the portal holds the same bytes already; true if it sent it.
async fn upload(
    api: &Api,
    existing: &Holdings,
    folder: &Path,
    row: &DocumentRow,
) -> anyhow::Result<bool> {
    let file: PathBuf = folder.join(&row.file);
    let bytes = tokio::fs::read(&file)
        .await
        .with_context(|| format!("cannot read {}", file.display()))?;
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let period: u64 = if row.period.is_empty() {
        0
    } else {
        row.period.parse().context("period")?
    };
    let dossier = dossier_path(row);
    let key = (
        row.kind.clone(),
        u64::from(row.year),
        row.period_kind.clone(),
        period,
    );
    if existing.get(&dossier).and_then(|d| d.get(&key)) == Some(&sha256) {
        return Ok(false);
    }
    let mut query = vec![
        ("kind", row.kind.clone()),
        ("year", row.year.to_string()),
        ("period_kind", row.period_kind.clone()),
    ];
    if !row.period.is_empty() {
        query.push(("period", row.period.clone()));
    }
    if !row.title.is_empty() {
        query.push(("title", row.title.clone()));
    }
    let name = Path::new(&row.file)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    query.push(("filename", name));
    let url = format!("{}{dossier}/documents", api.base);
    // The same key for the same file in the same slot: a retry after a lost answer is safe.
    let idempotency = format!(
        "push-{}",
        &hex::encode(Sha256::digest(format!("{dossier}{key:?}{sha256}")))[..32]
    );
    let response = api
        .send(|c| {
            c.post(&url)
                .query(&query)
                .header("idempotency-key", &idempotency)
                .body(bytes.clone())
        })
        .await?;
    let status = response.status();
    if !status.is_success() {
        bail!("{status}: {}", response.text().await.unwrap_or_default());
    }
    Ok(true)
}

/// What `loondossier requests` did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Fetched {
    pub requests: usize,
    pub marked_processed: usize,
}

/// A cell as a spreadsheet shows it, never runs it: text an employee typed that starts like a
/// formula (`=`, `+`, `-`, `@`, tab, CR) gets a leading `'` (OWASP, "CSV injection").
pub(crate) fn safe_cell(text: String) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text
    }
}

/// A request's details as one readable cell: "from: 2026-12-21; to: 2026-12-24; …".
fn details_cell(details: &Value) -> String {
    details
        .as_object()
        .map(|fields| {
            fields
                .iter()
                .filter(|(key, value)| *key != "kind" && !value.is_null())
                .map(|(key, value)| match value {
                    Value::String(text) => format!("{key}: {text}"),
                    other => format!("{key}: {other}"),
                })
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default()
}

/// Fetches every approved request the token reaches (`GET /api/v1/requests`, page by page with
/// the cursor) and writes them to `out` as CSV, one row each; with `mark_processed`, then marks
/// each processed (`POST …/processed`). For a bureau without a payroll-software integration.
pub async fn fetch_requests(
    url: &str,
    token_file: &Path,
    ca_cert: Option<&Path>,
    mark_processed: bool,
    out: &mut dyn std::io::Write,
) -> anyhow::Result<Fetched> {
    let token = std::fs::read_to_string(token_file)
        .with_context(|| format!("cannot read the token file {}", token_file.display()))?
        .trim()
        .to_owned();
    let mut builder = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .connect_timeout(Duration::from_secs(20));
    if let Some(ca) = ca_cert {
        let pem = std::fs::read(ca).with_context(|| format!("cannot read {}", ca.display()))?;
        builder = builder.add_root_certificate(reqwest::Certificate::from_pem(&pem)?);
    }
    let api = Api {
        http: builder.build()?,
        base: url.trim_end_matches('/').to_owned(),
        token,
    };
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record([
        "id",
        "kind",
        "employer_lhn",
        "personnel_number",
        "employee_name",
        "submitted_at",
        "decided_at",
        "decision_comment",
        "details",
        "receipts",
    ])?;
    let mut after = 0_i64;
    let mut ids = Vec::new();
    loop {
        let address = format!("{}/api/v1/requests?after={after}&limit=500", api.base);
        let response = api.send(|http| http.get(&address)).await?;
        anyhow::ensure!(
            response.status().is_success(),
            "the portal answered {} for the requests",
            response.status()
        );
        let page: Value = response.json().await?;
        let requests = page["requests"].as_array().cloned().unwrap_or_default();
        if requests.is_empty() {
            break;
        }
        for request in &requests {
            let text = |key: &str| safe_cell(request[key].as_str().unwrap_or_default().to_owned());
            writer.write_record([
                text("id"),
                text("kind"),
                text("employer_lhn"),
                text("personnel_number"),
                text("employee_name"),
                text("submitted_at"),
                text("decided_at"),
                text("decision_comment"),
                safe_cell(details_cell(&request["details"])),
                request["receipts"].to_string(),
            ])?;
            ids.push(request["id"].as_str().unwrap_or_default().to_owned());
        }
        after = page["next_after"]
            .as_i64()
            .context("the portal's answer has no next_after")?;
    }
    writer.flush()?;
    let mut fetched = Fetched {
        requests: ids.len(),
        marked_processed: 0,
    };
    if mark_processed {
        for id in &ids {
            let address = format!("{}/api/v1/requests/{id}/processed", api.base);
            let response = api.send(|http| http.post(&address)).await?;
            anyhow::ensure!(
                response.status().is_success(),
                "the portal answered {} marking {id} processed",
                response.status()
            );
            fetched.marked_processed += 1;
        }
    }
    Ok(fetched)
}

#[cfg(test)]
mod csv_tests {
    use super::safe_cell;

    #[test]
    fn typed_text_never_becomes_a_formula() {
        assert_eq!(safe_cell("=HYPERLINK(\"x\")".into()), "'=HYPERLINK(\"x\")");
        assert_eq!(safe_cell("@SUM(1)".into()), "'@SUM(1)");
        assert_eq!(safe_cell("Treinkaartje".into()), "Treinkaartje");
    }
}
