//! The command line: `serve`, `check-config` and the admin commands. Every subcommand accepts
//! `--config PATH` (also after its own arguments) and `--log-format text|json`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand, ValueEnum};
use tracing_subscriber::EnvFilter;

mod admin;
mod maintenance;

use crate::app::{App, Running};
use crate::clock::SystemClock;
use crate::config::Config;
use crate::service::demo::{CREDENTIALS_FILE, DemoSize};

/// `--version`: the release and the git revision it was built from.
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("LOONDOSSIER_REVISION"),
    ")"
);

/// Exit status for a configuration the program refuses.
pub const EXIT_CONFIG: u8 = 2;
/// Exit status for a failure to start or run.
pub const EXIT_FAILURE: u8 = 1;

#[derive(Debug, Parser)]
#[command(
    name = "loondossier",
    version = VERSION,
    about = "Self-hosted payroll-document portal"
)]
pub struct Cli {
    /// Config file (default: ./loondossier.toml if present, else built-in defaults)
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Log line format
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, clap::Args)]
pub struct DemoArgs {
    /// Number of employers (the last one runs its own payroll, without the bureau)
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub employers: u32,
    /// Employees per employer
    #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u32).range(0..=100_000))]
    pub employees_per_employer: u32,
    /// Payroll years, ending with the current one
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=30))]
    pub years: u32,
}

impl From<DemoArgs> for DemoSize {
    fn from(args: DemoArgs) -> Self {
        Self {
            employers: args.employers,
            employees_per_employer: args.employees_per_employer,
            years: args.years,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the portal (HTTPS when [tls] is configured) until SIGTERM or Ctrl-C
    Serve {
        /// Load demo data first if the data directory has none (for a first look)
        #[arg(long)]
        demo: bool,
    },
    /// Fill an empty data directory with demo data and print the logins (idempotent)
    Demo(DemoArgs),
    /// Validate the config file and print the effective configuration, secrets redacted
    CheckConfig,
    /// Show the data directory's state: schema version, database size, stored files
    Status,
    /// Manage bureaus
    Bureau {
        #[command(subcommand)]
        command: BureauCommand,
    },
    /// Manage accounts
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage sync API tokens for payroll software
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Outgoing mail: what is queued or failed, retry failed mail, send a test message
    Mail {
        #[command(subcommand)]
        command: MailCommand,
    },
    /// Scheduled jobs: list them with their schedules, or run one now
    Jobs {
        #[command(subcommand)]
        command: JobsCommand,
    },
    /// Check every stored file against the database (size and SHA-256), and the reverse
    Fsck {
        /// Move files without a row and stale temporary files to data_dir/quarantine/
        #[arg(long)]
        repair: bool,
    },
    /// Make a consistent snapshot of the data directory now (in data_dir/snapshots, or in the
    /// bucket when files live in one)
    Snapshot,
    /// Where stored files live: move them into the bucket of [storage]
    Storage {
        #[command(subcommand)]
        command: StorageCommand,
    },
    /// Restore a snapshot into a new or empty data directory (then point data_dir at it)
    Restore {
        /// The snapshot directory (data_dir/snapshots/snapshot-…), or with --bucket the
        /// snapshot's name in the bucket (snapshot-…)
        snapshot: PathBuf,
        /// The snapshot is in the bucket of [storage] (files live there)
        #[arg(long)]
        bucket: bool,
        /// The new data directory; must not exist or be empty
        #[arg(long, value_name = "DIR")]
        data_dir: PathBuf,
    },
    /// Upload a folder of payroll files to a portal through the sync API
    Push {
        /// The portal's address, e.g. https://loondossier.example.nl
        #[arg(long)]
        url: String,
        /// A file holding the sync token
        #[arg(long, value_name = "FILE")]
        token_file: PathBuf,
        /// Trust this PEM certificate too (for a portal with a private certificate)
        #[arg(long, value_name = "FILE")]
        cacert: Option<PathBuf>,
        /// The folder's documents.csv (employers.csv and employees.csv beside it are sent first)
        manifest: PathBuf,
    },
    /// Export the audit log (who did what, when) as JSON lines or CSV, oldest first
    Audit {
        /// From this day (YYYY-MM-DD, Dutch time)
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// Up to and including this day (YYYY-MM-DD, Dutch time)
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// Only this action (view, download, login, reveal_bsn, …); may be given more than once
        #[arg(long)]
        action: Vec<String>,
        /// Only what this account did
        #[arg(long, value_name = "USERNAME")]
        user: Option<String>,
        /// Only what this bureau's accounts did (its staff, its clients and their employees)
        #[arg(long, value_name = "CLIENT_NUMBER")]
        bureau: Option<String>,
        /// jsonl (one JSON object per line) or csv
        #[arg(long, default_value = "jsonl", value_parser = ["jsonl", "csv"])]
        format: String,
        /// Write here (readable by its owner only) instead of to standard output
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Fetch the approved requests a sync token reaches as CSV (for payroll without an
    /// integration); optionally mark them processed afterwards
    Requests {
        /// The portal's address, e.g. https://loondossier.example.nl
        #[arg(long)]
        url: String,
        /// A file holding the sync token
        #[arg(long, value_name = "FILE")]
        token_file: PathBuf,
        /// Trust this PEM certificate too (for a portal with a private certificate)
        #[arg(long, value_name = "FILE")]
        cacert: Option<PathBuf>,
        /// Write the CSV here instead of to standard output
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Mark each fetched request processed once the CSV is written
        #[arg(long)]
        mark_processed: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum StorageCommand {
    /// Copy the data directory's files into the bucket of [storage] (each read back and
    /// checked); can run beside a server and again after an interruption; finishes, with no
    /// server running, by moving data_dir/files aside
    Migrate {
        /// Where the files go: the bucket configured in [storage]
        #[arg(long, value_enum)]
        to: StorageTarget,
    },
}

/// Where `storage migrate` moves files to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StorageTarget {
    /// The S3-compatible bucket of `[storage] backend = "s3"`
    S3,
}

#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// Each job with its schedule from [jobs] ("disabled" when empty)
    List,
    /// Run one job now and print what it did
    Run {
        /// outbox, backup_retention, payroll_retention, upload_retention, trash_purge,
        /// session_purge, orphan_sweep, snapshot or integrity
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// Counts of queued, failed and sent mail, and the latest errors
    Status,
    /// Put every failed message back in the queue
    Retry,
    /// Send a test message now through the configured server and report its answer
    Test {
        /// Where to send it
        #[arg(long)]
        to: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token for a bureau or a self-administering employer; it is shown once
    Create {
        /// The bureau's client number
        #[arg(
            long,
            conflicts_with = "employer",
            required_unless_present = "employer"
        )]
        bureau: Option<String>,
        /// The employer's loonheffingennummer (for an employer without a bureau)
        #[arg(long)]
        employer: Option<String>,
        /// What the token is for, e.g. the payroll package's name
        #[arg(long, default_value = "payroll software")]
        name: String,
    },
    /// List tokens: id, label, whose, created, last used
    List,
    /// Revoke a token by its id (from `token list`)
    Revoke {
        /// The token's id
        id: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum BureauCommand {
    /// Add a bureau (administratiekantoor)
    Add {
        /// Its client number (unique)
        #[arg(long)]
        client_number: String,
        /// Its name, as users see it
        #[arg(long)]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a staff account to a bureau; prints a one-time link to set the password
    Add {
        /// The bureau's client number
        #[arg(long)]
        bureau: String,
        /// The username to sign in with
        #[arg(long)]
        username: String,
        /// The staff member's name
        #[arg(long)]
        name: Option<String>,
        /// The staff member's e-mail address (the link is mailed there too)
        #[arg(long)]
        email: Option<String>,
        /// Read the password from standard input instead of making a link
        #[arg(long)]
        password_stdin: bool,
    },
    /// Remove an account's second factors (authenticator app, recovery codes, passkeys: a lost
    /// phone or key); its sessions end and it is told by mail
    #[command(name = "reset-2fa")]
    ResetTwoFactor {
        /// The account's username
        username: String,
    },
    /// List accounts (not removed ones): username, role, whose, status, last sign-in
    List {
        /// Only this role: bureau, employer or employee
        #[arg(long, value_parser = ["bureau", "employer", "employee"])]
        role: Option<String>,
        /// Only this bureau's accounts (by client number): its staff, its clients and their employees
        #[arg(long)]
        bureau: Option<String>,
        /// Only this status: invited (no password yet), active or disabled
        #[arg(long, value_parser = ["invited", "active", "disabled"])]
        status: Option<String>,
    },
    /// Turn an account off: its sessions end at once and it cannot sign in until enabled
    Disable {
        /// The account's username
        username: String,
    },
    /// Turn a disabled account on again
    Enable {
        /// The account's username
        username: String,
    },
    /// Remove an account for good: sessions, password and second factor go and the username is
    /// free again; what it did stays in the history under its name
    Remove {
        /// The account's username
        username: String,
    },
}

/// Runs a parsed command line and returns the process exit status.
pub fn run(cli: Cli) -> ExitCode {
    init_logging(cli.log_format);
    // Everything this process creates (the database's WAL and shared-memory files, lock files,
    // exports) is its owner's alone, whatever umask it was started with.
    rustix::process::umask(rustix::fs::Mode::from_bits_truncate(0o077));
    crate::tls::install_default_provider();
    // The push client talks to a remote portal: it needs no config and no data directory.
    if let Command::Push {
        url,
        token_file,
        cacert,
        manifest,
    } = &cli.command
    {
        return admin::push(url, token_file, cacert.as_deref(), manifest);
    }
    if let Command::Requests {
        url,
        token_file,
        cacert,
        out,
        mark_processed,
    } = &cli.command
    {
        return admin::requests(
            url,
            token_file,
            cacert.as_deref(),
            out.as_deref(),
            *mark_processed,
        );
    }
    // Restoring from a directory needs no configuration: it makes a data directory, it does
    // not open one.
    if let Command::Restore {
        snapshot,
        data_dir,
        bucket: false,
    } = &cli.command
    {
        return maintenance::restore(snapshot, data_dir);
    }
    let config = match Config::load(cli.config.as_deref()) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("loondossier: configuration error: {e}");
            return ExitCode::from(EXIT_CONFIG);
        }
    };
    match cli.command {
        Command::CheckConfig => {
            let source = config.source.as_ref().map_or_else(
                || "built-in defaults".to_owned(),
                |p| p.display().to_string(),
            );
            println!("# configuration OK ({source})");
            print!("{}", config.to_redacted_toml());
            ExitCode::SUCCESS
        }
        Command::Serve { demo } => serve(config, demo),
        Command::Restore {
            snapshot,
            data_dir,
            bucket: true,
        } => maintenance::restore_from_bucket(&config, &snapshot, &data_dir),
        Command::Push { .. } | Command::Requests { .. } | Command::Restore { .. } => {
            ExitCode::from(EXIT_FAILURE)
        }
        Command::Jobs { command } => maintenance::jobs(config, command),
        Command::Fsck { repair } => maintenance::fsck(config, repair),
        Command::Snapshot => maintenance::jobs(
            config,
            JobsCommand::Run {
                name: "snapshot".to_owned(),
            },
        ),
        Command::Storage {
            command: StorageCommand::Migrate { to },
        } => maintenance::migrate_storage(config, to),
        Command::Status => admin(config, admin::status),
        Command::Bureau { command } => admin(config, async move |_, services| {
            match command {
                BureauCommand::Add {
                    client_number,
                    name,
                } => {
                    services.add_bureau(&client_number, &name).await?;
                    println!("bureau {client_number} ({name}) added");
                }
            }
            Ok(())
        }),
        Command::Audit {
            from,
            to,
            action,
            user,
            bureau,
            format,
            out,
        } => admin(config, async move |_, services| {
            admin::audit(
                services,
                admin::AuditExport {
                    from,
                    to,
                    actions: action,
                    user,
                    bureau,
                    csv: format == "csv",
                    out,
                },
            )
            .await
        }),
        Command::User { command } => admin(config, async move |_, services| {
            admin::user(services, command).await
        }),
        Command::Token { command } => admin(config, async move |_, services| {
            admin::token(services, command).await
        }),
        Command::Mail { command } => admin(config, async move |config, services| {
            admin::mail(config, services, command).await
        }),
        Command::Demo(args) => admin(config, async move |config, services| {
            admin::demo(config, services, args.into()).await
        }),
    }
}

/// Runs an admin command against the data directory, alongside a running server if any.
fn admin<F>(config: Config, command: F) -> ExitCode
where
    F: AsyncFnOnce(&Config, &crate::service::Services) -> anyhow::Result<()>,
{
    admin_with_status(config, async move |config, services| {
        command(config, services).await.map(|()| ExitCode::SUCCESS)
    })
}

/// Like [`admin`], for commands whose exit status says what they found.
fn admin_with_status<F>(config: Config, command: F) -> ExitCode
where
    F: AsyncFnOnce(&Config, &crate::service::Services) -> anyhow::Result<ExitCode>,
{
    let Some(runtime) = runtime(&mut tokio::runtime::Builder::new_current_thread()) else {
        return ExitCode::from(EXIT_FAILURE);
    };
    runtime.block_on(async {
        let services = match crate::app::open_admin(&config, Arc::new(SystemClock)) {
            Ok(services) => services,
            Err(e) => {
                eprintln!("loondossier: {e}");
                return ExitCode::from(EXIT_FAILURE);
            }
        };
        let outcome = command(&config, &services).await;
        services.close().await;
        match outcome {
            Ok(code) => code,
            Err(e) => {
                eprintln!("loondossier: {e:#}");
                ExitCode::from(EXIT_FAILURE)
            }
        }
    })
}

fn runtime(builder: &mut tokio::runtime::Builder) -> Option<tokio::runtime::Runtime> {
    builder
        .enable_all()
        .build()
        .inspect_err(|e| eprintln!("loondossier: cannot start the async runtime: {e}"))
        .ok()
}

fn serve(config: Config, with_demo: bool) -> ExitCode {
    let Some(runtime) = runtime(&mut tokio::runtime::Builder::new_multi_thread()) else {
        return ExitCode::from(EXIT_FAILURE);
    };
    runtime.block_on(async move {
        // Handlers go in before "listening on" is logged, so an early signal is never fatal.
        let signals = match Signals::install() {
            Ok(signals) => signals,
            Err(e) => {
                eprintln!("loondossier: cannot install signal handlers: {e}");
                return ExitCode::from(EXIT_FAILURE);
            }
        };
        let credentials = config.data_dir.join(CREDENTIALS_FILE);
        let pickup_config = config.clone();
        let started = async {
            let app = App::build(config, Arc::new(SystemClock))?;
            let demo = if with_demo {
                match app
                    .services()
                    .load_demo(DemoSize::default(), &credentials)
                    .await
                {
                    Ok(report) => Some(report),
                    Err(e) => {
                        tracing::warn!("demo data not loaded: {e}");
                        None
                    }
                }
            } else {
                None
            };
            app.start().await.map(|running| (running, demo))
        };
        let (running, demo) = match started.await {
            Ok(started) => started,
            Err(e) => {
                // Once, in the log's format (a JSON log stays JSON; the log goes to stderr), or
                // plainly when the log filter hides errors.
                if tracing::enabled!(tracing::Level::ERROR) {
                    tracing::error!("cannot start: {e}");
                } else {
                    eprintln!("loondossier: cannot start: {e}");
                }
                return ExitCode::from(EXIT_FAILURE);
            }
        };
        if let Some(report) = demo {
            let pickup = crate::mail::worker::pickup_dir(&pickup_config);
            print_demo_logins(&running, &report, &credentials, pickup.as_deref()).await;
        }
        signals.handle(&running).await;
        running.shutdown().await;
        ExitCode::SUCCESS
    })
}

/// The demo logins, last and once, in one block a newcomer can copy from; a password changed
/// since the demo was made is not shown as if it still worked.
async fn print_demo_logins(
    running: &crate::app::Running,
    report: &crate::service::demo::DemoReport,
    credentials: &std::path::Path,
    pickup: Option<&std::path::Path>,
) {
    let mut block = format!(
        "\nDemo logins (also in {}); employers and the bureau set up an authenticator app\n\
         at their first sign-in:\n",
        credentials.display()
    );
    let width = report
        .logins
        .iter()
        .map(|l| l.role.len())
        .max()
        .unwrap_or(0);
    for login in &report.logins {
        let password = if running.services().demo_password_is_current(login).await {
            login.password.clone()
        } else {
            "(password changed since the demo was made)".to_owned()
        };
        block.push_str(&format!(
            "  {:<width$}  {:<20} {password}\n",
            login.role, login.username
        ));
    }
    if let Some(dir) = pickup {
        block.push_str(&format!(
            "Mail (welcome, password reset, new documents) is written to {} as .eml files.\n",
            dir.display()
        ));
    }
    // Browsers allow passkeys on `localhost`, never on an IP address: name the loopback so.
    let url = running.url().replacen("://127.0.0.1:", "://localhost:", 1);
    // The demo's mail links go there too (unless public_url says otherwise).
    if running.services().public_url() == running.url().trim_end_matches('/') {
        running.services().set_public_url(&url);
    }
    block.push_str(&format!("Open {url} in a browser.\n"));
    println!("{block}");
}

/// The signals the server reacts to.
struct Signals {
    term: tokio::signal::unix::Signal,
    int: tokio::signal::unix::Signal,
    hup: tokio::signal::unix::Signal,
}

impl Signals {
    fn install() -> std::io::Result<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Self {
            term: signal(SignalKind::terminate())?,
            int: signal(SignalKind::interrupt())?,
            hup: signal(SignalKind::hangup())?,
        })
    }

    /// SIGHUP reloads the TLS certificate; SIGTERM or SIGINT returns so the server can stop.
    async fn handle(mut self, running: &Running) {
        loop {
            let stop = tokio::select! {
                _ = self.term.recv() => "SIGTERM",
                _ = self.int.recv() => "SIGINT",
                _ = self.hup.recv() => {
                    match running.reload_tls() {
                        Ok(Some(swap)) => {
                            let show = |at: Option<chrono::DateTime<chrono::Utc>>| {
                                at.map_or_else(|| "unknown".to_owned(), |t| t.to_rfc3339())
                            };
                            tracing::info!(
                                old_valid_until = %show(swap.old_expiry),
                                new_valid_until = %show(swap.new_expiry),
                                "SIGHUP: TLS certificate reloaded"
                            );
                        }
                        Ok(None) => tracing::info!("SIGHUP: no [tls] section, nothing to reload"),
                        Err(e) => tracing::error!(
                            "SIGHUP: new TLS certificate not usable, keeping the current one: {e}"
                        ),
                    }
                    continue;
                }
            };
            tracing::info!(signal = stop, "stop signal received");
            return;
        }
    }
}

fn init_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_env("LOONDOSSIER_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,hyper=warn,rustls=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}
