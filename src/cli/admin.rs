//! The admin commands' work: status, bureaus, accounts, tokens, demo data, and the push
//! client — each a function of the services, printing what an administrator needs.

use std::process::ExitCode;

use super::{EXIT_FAILURE, MailCommand, TokenCommand, UserCommand, runtime};
use crate::config::Config;
use crate::service::demo::{CREDENTIALS_FILE, DemoSize};
use crate::service::{AccountChange, Services};

pub(super) async fn status(config: &Config, services: &Services) -> anyhow::Result<()> {
    let status = services.status().await?;
    println!("data directory   {}", config.data_dir.display());
    println!(
        "created          {} by {}",
        status.created_at, status.created_by
    );
    println!(
        "schema version   {} (this binary: {})",
        status.schema_version,
        crate::store::SCHEMA_VERSION
    );
    println!("database size    {} bytes", status.database_bytes);
    println!("file storage     {}", status.storage);
    match &status.stored {
        Ok((files, bytes)) => println!("stored files     {files} ({bytes} bytes)"),
        Err(why) => println!("stored files     not counted: {why}"),
    }
    let c = status.counts;
    println!(
        "parties          {} bureaus, {} employers, {} employees, {} accounts",
        c.bureaus, c.employers, c.employees, c.accounts
    );
    println!("documents        {}", c.documents);
    Ok(())
}

/// A file readable by its owner only (the audit log and requests hold addresses and IBANs):
/// made so, or made so when it existed, and never reached through a symbolic link.
fn private_file(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .custom_flags(i32::try_from(rustix::fs::OFlags::NOFOLLOW.bits()).unwrap_or(0))
        .open(path)?;
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    Ok(file)
}

/// `loondossier requests`: the approved requests as CSV, to `out` or standard output.
pub(super) fn requests(
    url: &str,
    token_file: &std::path::Path,
    cacert: Option<&std::path::Path>,
    out: Option<&std::path::Path>,
    mark_processed: bool,
) -> ExitCode {
    let Some(runtime) = runtime(&mut tokio::runtime::Builder::new_multi_thread()) else {
        return ExitCode::from(EXIT_FAILURE);
    };
    let result = runtime.block_on(async {
        match out {
            Some(path) => {
                let mut file = private_file(path)?;
                crate::push::fetch_requests(url, token_file, cacert, mark_processed, &mut file)
                    .await
            }
            None => {
                let mut stdout = std::io::stdout().lock();
                crate::push::fetch_requests(url, token_file, cacert, mark_processed, &mut stdout)
                    .await
            }
        }
    });
    match result {
        Ok(fetched) => {
            eprintln!(
                "{} approved requests fetched; {} marked processed",
                fetched.requests, fetched.marked_processed
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("loondossier: fetching requests failed: {e:#}");
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

pub(super) fn push(
    url: &str,
    token_file: &std::path::Path,
    cacert: Option<&std::path::Path>,
    manifest: &std::path::Path,
) -> ExitCode {
    let Some(runtime) = runtime(&mut tokio::runtime::Builder::new_multi_thread()) else {
        return ExitCode::from(EXIT_FAILURE);
    };
    match runtime.block_on(crate::push::run(url, token_file, manifest, cacert)) {
        Ok(summary) => {
            println!(
                "{} employers and {} employees synced; {} documents uploaded, {} already there, {} failed",
                summary.employers,
                summary.employees,
                summary.uploaded,
                summary.skipped,
                summary.failed
            );
            if summary.failed > 0 {
                ExitCode::from(EXIT_FAILURE)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("loondossier: push failed: {e:#}");
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

pub(super) async fn user(services: &Services, command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add {
            bureau,
            username,
            name,
            email,
            password_stdin,
        } => {
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin().read_line(&mut line)?;
                Some(line.trim_end_matches(['\r', '\n']).to_owned())
            } else {
                None
            };
            let added = services
                .add_staff(
                    &bureau,
                    &username,
                    name.as_deref(),
                    email.as_deref(),
                    password.as_deref(),
                )
                .await?;
            match added.link {
                Some(link) => {
                    println!(
                        "account {} added; to set the password (valid 7 days):",
                        added.username
                    );
                    println!("{link}");
                }
                None => println!("account {} added; it can sign in now", added.username),
            }
        }
        UserCommand::ResetTwoFactor { username } => {
            services.reset_two_factor(&username).await?;
            println!(
                "second factor of {username} removed; the account sets up a new one at its next sign-in"
            );
        }
        UserCommand::List {
            role,
            bureau,
            status,
        } => {
            use crate::domain::party::{AccountStatus, Role};
            let filter = crate::service::AccountFilter {
                role: role.as_deref().and_then(Role::parse),
                bureau,
                status: status.as_deref().map(|s| match s {
                    "invited" => AccountStatus::Invited,
                    "disabled" => AccountStatus::Disabled,
                    _ => AccountStatus::Active,
                }),
            };
            let lines = services.account_list(filter).await?;
            println!("USERNAME\tROLE\tWHOSE\tSTATUS\tLAST SIGN-IN");
            for line in &lines {
                let whose = match &line.staff_name {
                    Some(staff) => format!("{staff} ({})", line.party_name),
                    None => line.party_name.clone(),
                };
                let last = line
                    .last_login_at
                    .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                    .unwrap_or_else(|| "-".to_owned());
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    line.username,
                    line.role.as_str(),
                    whose,
                    line.status.as_str(),
                    last
                );
            }
            eprintln!("{} accounts", lines.len());
        }
        UserCommand::Disable { username } => {
            let changed = change(services, &username, AccountChange::Disable).await?;
            println!(
                "{username} {}",
                if changed {
                    "disabled; its sessions have ended"
                } else {
                    "was already disabled"
                }
            );
        }
        UserCommand::Enable { username } => {
            let changed = change(services, &username, AccountChange::Enable).await?;
            println!(
                "{username} {}",
                if changed {
                    "enabled"
                } else {
                    "was not disabled"
                }
            );
        }
        UserCommand::Remove { username } => {
            change(services, &username, AccountChange::Remove).await?;
            println!("{username} removed; the username is free again");
        }
    }
    Ok(())
}

pub(super) async fn token(services: &Services, command: TokenCommand) -> anyhow::Result<()> {
    use crate::domain::access::TokenScope;
    use crate::service::TokenFor;
    match command {
        TokenCommand::Create {
            bureau,
            employer,
            name,
        } => {
            let target = match (bureau, employer) {
                (Some(client_number), _) => TokenFor::Bureau { client_number },
                (None, Some(lhn)) => TokenFor::Employer { lhn },
                (None, None) => anyhow::bail!("give --bureau CLIENTNR or --employer LHN"),
            };
            let created = services.create_token(target, &name).await?;
            println!("token {} created; it is shown only now:", created.id);
            println!("{}", created.secret);
        }
        TokenCommand::List => {
            for t in services.list_tokens().await? {
                let whose = match &t.scope {
                    TokenScope::Bureau(b) => format!("bureau #{}", b.0),
                    TokenScope::Employer(lhn) => format!("employer {lhn}"),
                };
                let used = t
                    .last_used_at
                    .map_or_else(|| "never".to_owned(), |u| u.to_rfc3339());
                let state = if t.revoked { " (revoked)" } else { "" };
                println!(
                    "{}  {}  {whose}  created {}  last used {used}{state}",
                    t.public_id,
                    t.label,
                    t.created_at.to_rfc3339()
                );
            }
        }
        TokenCommand::Revoke { id } => {
            services.revoke_token(&id).await?;
            println!("token {id} revoked");
        }
    }
    Ok(())
}

/// `mail status`, `mail retry`, `mail test`.
pub(super) async fn mail(
    config: &Config,
    services: &Services,
    command: MailCommand,
) -> anyhow::Result<()> {
    match command {
        MailCommand::Status => {
            let summary = services.outbox_summary().await?;
            println!("queued  {}", summary.queued);
            println!("failed  {}", summary.failed);
            println!("sent    {}", summary.sent);
            if config.smtp.is_none() {
                println!("no [smtp] section in the config: nothing is sent");
            }
            if !summary.problems.is_empty() {
                println!("latest errors:");
                for p in &summary.problems {
                    println!(
                        "  #{} {} ({}, {} attempts): {}",
                        p.id, p.message, p.status, p.attempts, p.error
                    );
                }
            }
        }
        MailCommand::Retry => {
            let count = services.retry_failed_mail().await?;
            println!("{count} failed messages queued again");
        }
        MailCommand::Test { to } => {
            let Some(round) =
                crate::mail::worker::mail_round(config).map_err(anyhow::Error::msg)?
            else {
                anyhow::bail!(
                    "no [smtp] section and no [mail] pickup_dir in the config; add one to send mail"
                );
            };
            if crate::domain::Email::parse(&to).is_err() {
                anyhow::bail!("--to: {to:?} is not an email address");
            }
            let mailer = round.mailer;
            let message = crate::mail::messages::render(
                &crate::mail::messages::Mail::Test,
                "nl",
                &config.installation_name,
            );
            let now = chrono::Utc::now();
            let envelope = crate::mail::sender::Envelope {
                to: &to,
                message: &message,
                message_id: format!("test.{}@loondossier.invalid", now.timestamp_micros()),
                date: now,
            };
            mailer.send(&envelope).await?;
            println!("test message accepted by {}", mailer.describe());
        }
    }
    Ok(())
}

/// Loads demo data (or finds it) and prints how to sign in.
pub(super) async fn demo(
    config: &Config,
    services: &Services,
    size: DemoSize,
) -> anyhow::Result<()> {
    let credentials = config.data_dir.join(CREDENTIALS_FILE);
    let report = services.load_demo(size, &credentials).await?;
    let verb = if report.already_loaded {
        "demo data was already loaded"
    } else {
        "demo data loaded"
    };
    println!(
        "{verb} in {:.1} s: {} employers, {} employees, {} documents",
        report.elapsed.as_secs_f64(),
        report.employers,
        report.employees,
        report.documents
    );
    if !report.logins.is_empty() {
        println!("sign in with:");
        for login in &report.logins {
            println!(
                "  {:<9} {:<20} {}",
                login.role, login.username, login.password
            );
        }
        println!("(the passwords are kept in {})", credentials.display());
    }
    Ok(())
}

/// `user disable/enable/remove`, with an unknown username said as such.
async fn change(
    services: &Services,
    username: &str,
    change: AccountChange,
) -> anyhow::Result<bool> {
    match services.change_account(username, change).await {
        Err(crate::service::ServiceError::NotFound) => {
            anyhow::bail!("no account has the username {username:?} (see `loondossier user list`)")
        }
        other => Ok(other?),
    }
}

/// What `loondossier audit` exports, as given on the command line.
pub(super) struct AuditExport {
    pub from: Option<String>,
    pub to: Option<String>,
    pub actions: Vec<String>,
    pub user: Option<String>,
    pub bureau: Option<String>,
    pub csv: bool,
    pub out: Option<std::path::PathBuf>,
}

/// Midnight in Amsterdam at the start of `date` (YYYY-MM-DD), or of the day after it.
fn dutch_midnight(
    date: &str,
    name: &str,
    day_after: bool,
) -> anyhow::Result<chrono::DateTime<chrono::Utc>> {
    use chrono::TimeZone;
    let day = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .map_err(|_| anyhow::anyhow!("--{name}: give a day as YYYY-MM-DD, not {date:?}"))?;
    let day = if day_after {
        day.succ_opt().unwrap_or(day)
    } else {
        day
    };
    chrono_tz::Europe::Amsterdam
        .from_local_datetime(&day.and_time(chrono::NaiveTime::MIN))
        .earliest()
        .map(|t| t.with_timezone(&chrono::Utc))
        .ok_or_else(|| anyhow::anyhow!("--{name}: {date} has no midnight in Amsterdam"))
}

/// `loondossier audit`: the audit log, filtered, as JSON lines or CSV.
pub(super) async fn audit(services: &Services, export: AuditExport) -> anyhow::Result<()> {
    use std::io::Write;
    use std::sync::{Arc, Mutex};
    let mut actions = Vec::new();
    for name in &export.actions {
        actions.push(
            crate::domain::audit::AuditAction::parse(name).ok_or_else(|| {
                anyhow::anyhow!("--action: {name:?} is not an action in the audit log")
            })?,
        );
    }
    let filter = crate::service::AuditFilter {
        from: export
            .from
            .as_deref()
            .map(|d| dutch_midnight(d, "from", false))
            .transpose()?,
        before: export
            .to
            .as_deref()
            .map(|d| dutch_midnight(d, "to", true))
            .transpose()?,
        actions,
        username: export.user,
        bureau: export.bureau,
    };
    let out: Box<dyn Write + Send> = match &export.out {
        Some(path) => Box::new(private_file(path)?),
        None => Box::new(std::io::stdout()),
    };
    let out = Arc::new(Mutex::new(std::io::BufWriter::new(out)));
    let csv = export.csv;
    if csv {
        let mut out = out
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut header = csv::Writer::from_writer(&mut *out);
        header.write_record([
            "id",
            "at",
            "account",
            "removed",
            "username",
            "role",
            "party",
            "actor",
            "action",
            "subject",
            "client_addr",
            "detail",
        ])?;
        header.flush()?;
    }
    let writer = Arc::clone(&out);
    // A reader that stopped early (`| head`) ends the export; that is not a failure.
    let reader_gone = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let gone = Arc::clone(&reader_gone);
    let failed = move |e: &dyn std::fmt::Display| {
        if e.to_string().contains("Broken pipe") {
            gone.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        crate::service::ServiceError::Maintenance(format!("cannot write the export: {e}"))
    };
    let count = services
        .export_audit(filter, move |line| {
            let mut out = writer
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if !csv {
                serde_json::to_writer(&mut *out, &line).map_err(|e| failed(&e))?;
                return out.write_all(b"\n").map_err(|e| failed(&e));
            }
            let mut row = csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(&mut *out);
            let text = |v: Option<String>| crate::push::safe_cell(v.unwrap_or_default());
            row.write_record([
                line.id.to_string(),
                line.at,
                text(line.account),
                line.removed.to_string(),
                text(line.username),
                text(line.role),
                text(line.party),
                text(Some(line.actor)),
                line.action,
                text(line.subject),
                text(line.client_addr),
                text(line.detail),
            ])
            .map_err(|e| failed(&e))?;
            row.flush().map_err(|e| failed(&e))
        })
        .await;
    let count = match count {
        Err(_) if reader_gone.load(std::sync::atomic::Ordering::Relaxed) => return Ok(()),
        other => other?,
    };
    if let Err(e) = out
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .flush()
    {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return Ok(());
        }
        return Err(e.into());
    }
    eprintln!("audit lines exported: {count}");
    Ok(())
}
