//! Wires the application together: data directory, database, file store and services from a
//! [`Config`]; binds the listeners; shuts everything down in order.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::auth::password::{Cost, PasswordWork};
use crate::auth::seal::Sealer;
use crate::blobs::BlobStore;
use crate::clock::SharedClock;
use crate::config::{Config, TlsConfig};
use crate::data_dir::{DataDir, DataDirError, ServerLock};
use crate::jobs::{Runner, Scheduler};
use crate::service::{Credentials, Services, SessionLimits, Settings};
use crate::store::{Store, StoreError};
use crate::tls;
use crate::web::server::{self, ServeOptions};
use crate::web::{self, SecurityHeaders, views::Site};

/// What a certificate reload changed: when the old and the new one expire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CertificateSwap {
    pub old_expiry: Option<chrono::DateTime<chrono::Utc>>,
    pub new_expiry: Option<chrono::DateTime<chrono::Utc>>,
}

/// Why the server could not start. Each message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    DataDir(#[from] DataDirError),
    #[error("{path}: {source}")]
    Store { path: String, source: StoreError },
    #[error(
        "cannot listen on {addr} ({what}): {source}; choose a free address in {key} \
         (ports below 1024 need CAP_NET_BIND_SERVICE)"
    )]
    Bind {
        what: &'static str,
        key: &'static str,
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("TLS: {0}")]
    Tls(String),
    #[error(transparent)]
    Passwords(#[from] crate::auth::password::HashError),
    #[error("mail: {0}")]
    Mail(String),
    #[error(transparent)]
    Seal(#[from] crate::auth::seal::SealError),
    #[error("scheduled jobs: {0}")]
    Jobs(String),
    #[error(
        "[storage] backend = \"s3\": the data directory still holds {files} stored files in \
         {dir}; they would be missing\n  fix: run `loondossier storage migrate --to s3` first \
         with this same config (it copies and checks them), or set backend = \"local\""
    )]
    StorageNotMigrated { files: u64, dir: String },
    #[error(
        "[storage] backend = \"local\": this data directory's files were moved to {target} by \
         `loondossier storage migrate`; serving from {dir} would leave every document without \
         its file\n  fix: use the [storage] section with backend = \"s3\" that the migration \
         used"
    )]
    StorageMoved { target: String, dir: String },
    #[error("[storage]: {0}")]
    Storage(crate::blobs::BlobError),
    #[error("[storage] {0}")]
    StorageCheck(String),
}

/// A built application that has not opened its listeners yet.
#[derive(Debug)]
pub struct App {
    config: Config,
    services: Arc<Services>,
    lock: ServerLock,
}

impl App {
    /// Opens the data directory (taking the server lock), the database and the file store.
    pub fn build(config: Config, clock: SharedClock) -> Result<Self, StartError> {
        let data_dir = DataDir::open(&config.data_dir)?;
        let lock = data_dir.lock_for_server(&crate::data_dir::holder_line(clock.now()))?;
        let services = open_services(&config, &data_dir, clock)?;
        Ok(Self {
            services: Arc::new(services),
            config,
            lock,
        })
    }

    pub fn services(&self) -> &Arc<Services> {
        &self.services
    }

    /// Binds every listener (so a bad address fails here, before anything is served), then
    /// serves in the background.
    pub async fn start(self) -> Result<Running, StartError> {
        let config = &self.config;
        if let (Some(objects), crate::config::StorageConfig::S3(s3)) =
            (self.services.blobs().objects(), &config.storage)
        {
            match objects.check(s3.endpoint.as_str()).await {
                Ok(()) => {}
                Err(crate::blobs::objects::Check::Wrong(why)) => {
                    return Err(StartError::StorageCheck(why));
                }
                // Sign-in, lists and everything that reads no file work without it; the
                // store may be back in a moment. /healthz tells monitoring.
                Err(crate::blobs::objects::Check::Unavailable(why)) => {
                    tracing::error!(
                        "file storage unavailable at start, serving anyway: [storage] {why}"
                    );
                }
            }
        }
        raise_open_files_limit(config.http.max_connections);
        let listener = bind(config.http.listen, "main listener", "[http] listen").await?;
        let local_addr = listener.local_addr().map_err(|source| StartError::Bind {
            what: "main listener",
            key: "[http] listen",
            addr: config.http.listen,
            source,
        })?;
        let (stop, stopped) = watch::channel(false);
        let site = Site {
            name: config.installation_name.clone(),
            logo: config.logo.as_ref().map(web::assets::logo_url),
            help_url: config.help_url.as_ref().map(ToString::to_string),
            lang: crate::web::i18n::Lang::Nl,
            here: "/".to_owned(),
        };
        // Users reach the portal over HTTPS when it terminates TLS itself, or when its public
        // address says so (a reverse proxy in front terminates it): cookies are then `Secure`
        // and HSTS is sent either way.
        let served_over_https = config.tls.is_some()
            || config
                .public_url
                .as_ref()
                .is_some_and(|u| u.scheme() == "https");
        let options = |hsts| ServeOptions {
            header_read_timeout: config.http.header_read_timeout,
            idle_timeout: config.http.idle_timeout,
            max_connections: config.http.max_connections,
            shutdown_grace: config.http.shutdown_grace,
            headers: SecurityHeaders { hsts },
        };
        let state = web::WebState {
            services: Arc::clone(&self.services),
            site,
            logo: config.logo.clone(),
            metrics_token: config.metrics_token.clone(),
            secure: served_over_https,
            origin: config
                .public_url
                .as_ref()
                .map(|u| u.origin().ascii_serialization()),
            trusted_proxies: config.security.trusted_proxies.clone(),
        };
        let routes = web::routes(state);
        let mut tasks: Vec<JoinHandle<()>> = Vec::new();
        let mail = crate::mail::worker::mail_round(config).map_err(StartError::Mail)?;
        match &mail {
            None => tracing::warn!(
                "no [smtp] section and no [mail] pickup_dir: mail stays queued until one is configured"
            ),
            Some(round) if config.smtp.is_none() => tracing::info!(
                pickup_dir = %round.mailer.describe(),
                "no [smtp] section: every mail is written to the pickup directory as an .eml file"
            ),
            Some(_) => {}
        }
        if let Some(mail) = &mail {
            tasks.push(tokio::spawn(crate::mail::worker::run(
                Arc::clone(&self.services),
                mail.clone(),
                stopped.clone(),
            )));
        }
        let scheduler =
            Scheduler::start(Runner::new(Arc::clone(&self.services), mail), &config.jobs)
                .await
                .map_err(StartError::Jobs)?;
        let mut redirect_addr = None;
        let mut certs = None;
        let scheme = match &config.tls {
            None => {
                tasks.push(tokio::spawn(server::serve(
                    listener,
                    None,
                    routes,
                    options(served_over_https),
                    stopped.clone(),
                )));
                "http"
            }
            Some(tls_config) => {
                let key = tls::load_certified_key(&tls_config.cert, &tls_config.key)
                    .map_err(|e| StartError::Tls(e.to_string()))?;
                match tls::expiry(&key) {
                    Some(until) => tracing::info!(valid_until = %until, "TLS certificate loaded"),
                    None => tracing::warn!("TLS certificate loaded; its expiry could not be read"),
                }
                let store = tls::CertStore::new(key);
                let server_config = tls::server_config(Arc::clone(&store))
                    .map_err(|e| StartError::Tls(e.to_string()))?;
                certs = Some((store, tls_config.clone()));
                let acceptor = tokio_rustls::TlsAcceptor::from(server_config);
                if let (Some(addr), Some(public_url)) =
                    (tls_config.http_redirect_listen, &config.public_url)
                {
                    let plain =
                        bind(addr, "redirect listener", "[tls] http_redirect_listen").await?;
                    let bound = plain.local_addr().map_err(|source| StartError::Bind {
                        what: "redirect listener",
                        key: "[tls] http_redirect_listen",
                        addr,
                        source,
                    })?;
                    tracing::info!("redirecting http://{bound} to {public_url}");
                    redirect_addr = Some(bound);
                    tasks.push(tokio::spawn(server::serve(
                        plain,
                        None,
                        web::redirect::routes(public_url),
                        options(false),
                        stopped.clone(),
                    )));
                }
                tasks.push(tokio::spawn(server::serve(
                    listener,
                    Some(acceptor),
                    routes,
                    options(true),
                    stopped,
                )));
                "https"
            }
        };
        let url = format!("{scheme}://{local_addr}");
        tracing::info!("listening on {url}");
        if config.public_url.is_none() {
            self.services.set_public_url(&url);
        }
        Ok(Running {
            url,
            local_addr,
            redirect_addr,
            stop,
            tasks,
            scheduler,
            certs,
            services: self.services,
            _lock: self.lock,
        })
    }
}

/// Every connection is an open file, and so is every file being served: the common default
/// of 1024 would cap the connections below `[http] max_connections`. The soft limit goes up
/// to the hard one (which the administrator controls, e.g. `LimitNOFILE=` in the unit).
fn raise_open_files_limit(max_connections: usize) {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let limits = getrlimit(Resource::Nofile);
    let wanted = (max_connections as u64)
        .saturating_mul(2)
        .saturating_add(256);
    let Some(hard) = limits.maximum else {
        return;
    };
    let current = limits.current.unwrap_or(0);
    if current >= wanted.min(hard) {
        return;
    }
    let raised = rustix::process::Rlimit {
        current: Some(wanted.min(hard)),
        maximum: Some(hard),
    };
    match setrlimit(Resource::Nofile, raised) {
        Ok(()) => tracing::info!(
            from = current,
            to = wanted.min(hard),
            "raised the open-files limit"
        ),
        Err(e) => tracing::warn!(error = %e, current, "could not raise the open-files limit"),
    }
    if hard < wanted {
        tracing::warn!(
            hard,
            max_connections,
            "the open-files limit is low for [http] max_connections; raise LimitNOFILE"
        );
    }
}

/// The services for admin commands: same data directory, no server lock, so they work while
/// the server runs (SQLite's own locking keeps the two consistent).
pub fn open_admin(config: &Config, clock: SharedClock) -> Result<Services, StartError> {
    let data_dir = DataDir::open(&config.data_dir)?;
    open_services(config, &data_dir, clock)
}

/// The file store the config names. A bucket is refused while the data directory's `files/`
/// still holds stored files: they were never copied (`storage migrate` moves the directory
/// aside once it has), and serving from the bucket would leave their documents without files.
pub fn file_store(config: &Config, data_dir: &DataDir) -> Result<BlobStore, StartError> {
    match &config.storage {
        crate::config::StorageConfig::Local => {
            let moved = data_dir.files_dir().join(crate::blobs::migrate::MOVED);
            if let Ok(target) = std::fs::read_to_string(&moved) {
                return Err(StartError::StorageMoved {
                    target: target.trim().to_owned(),
                    dir: data_dir.files_dir().display().to_string(),
                });
            }
            Ok(BlobStore::new(data_dir))
        }
        crate::config::StorageConfig::S3(s3) => {
            let files = count_local_files(&data_dir.files_dir());
            if files > 0 {
                return Err(StartError::StorageNotMigrated {
                    files,
                    dir: data_dir.files_dir().display().to_string(),
                });
            }
            let objects = crate::blobs::Objects::new(s3).map_err(StartError::Storage)?;
            Ok(BlobStore::in_bucket(data_dir, objects))
        }
    }
}

/// How many files are in the shards of a local `files/` directory (0 when there is none).
fn count_local_files(files: &std::path::Path) -> u64 {
    let Ok(shards) = std::fs::read_dir(files) else {
        return 0;
    };
    shards
        .filter_map(Result::ok)
        .filter_map(|shard| std::fs::read_dir(shard.path()).ok())
        .map(|entries| entries.count() as u64)
        .sum()
}

fn open_services(
    config: &Config,
    data_dir: &DataDir,
    clock: SharedClock,
) -> Result<Services, StartError> {
    let now = clock
        .now()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    // One quick reader per thread the runtime runs requests on (tokio's default: one per core),
    // at most 8: beyond that a lookup waits its turn (without blocking its thread).
    let readers = std::thread::available_parallelism()
        .map_or(2, usize::from)
        .clamp(2, 8);
    let db_path = data_dir.database_path();
    // The sealing key is made together with the database, never later: a database without
    // its key is a restore gone wrong, and a new key would silently orphan its secrets. A new
    // one is made before the database, so a crash in between leaves a key and no database
    // (the next start uses that key), never a database without its key. An existing one is
    // read after the database is opened, so a database from a newer version is refused as
    // that first.
    let key_path = data_dir.secret_key_path();
    let new_key = if db_path.exists() {
        None
    } else {
        Some(Sealer::open_or_create(&key_path, true).map_err(StartError::Seal)?)
    };
    let store = Store::open(&db_path, &now, readers).map_err(|source| StartError::Store {
        path: db_path.display().to_string(),
        source,
    })?;
    let sealer = match new_key {
        Some(sealer) => sealer,
        None => Sealer::open_or_create(&key_path, false).map_err(StartError::Seal)?,
    };
    let settings = Settings {
        upload_max_bytes: config.upload_max_bytes,
        upload_quota_bytes: config.upload_quota_bytes,
        upload_max_files: config.upload_max_files,
        end_sessions_on_address_change: config.security.end_sessions_on_address_change,
        sessions: SessionLimits {
            idle: chrono::Duration::from_std(config.security.session_idle).unwrap_or_default(),
            absolute: chrono::Duration::from_std(config.security.session_max).unwrap_or_default(),
        },
        require_2fa: config.security.require_2fa.clone(),
        installation_name: config.installation_name.clone(),
        backup_max_bytes: config.backup_max_bytes,
        backups_keep: config.backups_keep,
        retention: config.retention.clone(),
        notify_delay: config
            .smtp
            .as_ref()
            .and_then(|s| chrono::Duration::from_std(s.notify_delay).ok())
            .unwrap_or_else(|| chrono::Duration::minutes(15)),
        public_url: match &config.public_url {
            Some(url) => url.as_str().trim_end_matches('/').to_owned(),
            None => format!("http://{}", config.http.listen),
        },
    };
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    let cost = Cost {
        memory_kib: config.security.argon2_memory_kib,
        iterations: config.security.argon2_iterations,
        parallelism: config.security.argon2_parallelism,
    };
    let passwords = PasswordWork::with_cost(cores, cost).map_err(StartError::Passwords)?;
    let credentials = Credentials {
        passwords,
        sealer: Arc::new(sealer),
    };
    let blobs = file_store(config, data_dir)?;
    Ok(Services::new(store, blobs, clock, credentials, settings))
}

async fn bind(
    addr: SocketAddr,
    what: &'static str,
    key: &'static str,
) -> Result<TcpListener, StartError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| StartError::Bind {
            what,
            key,
            addr,
            source,
        })
}

/// A serving application. Dropping it without [`Running::shutdown`] aborts nothing gracefully.
#[derive(Debug)]
pub struct Running {
    url: String,
    local_addr: SocketAddr,
    redirect_addr: Option<SocketAddr>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
    scheduler: Scheduler,
    certs: Option<(Arc<tls::CertStore>, TlsConfig)>,
    services: Arc<Services>,
    _lock: ServerLock,
}

impl Running {
    /// `http://IP:PORT` or `https://IP:PORT` of the main listener, with the real port.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    pub fn redirect_addr(&self) -> Option<SocketAddr> {
        self.redirect_addr
    }

    pub fn services(&self) -> &Arc<Services> {
        &self.services
    }

    /// Re-reads the certificate and key files (after a renewal). New handshakes use the new
    /// pair; open connections keep theirs. A pair that does not load leaves the old one in use.
    /// Answers the old and the new certificate's expiry, for the log.
    pub fn reload_tls(&self) -> Result<Option<CertificateSwap>, tls::TlsFileError> {
        let Some((store, config)) = &self.certs else {
            return Ok(None);
        };
        let key = tls::load_certified_key(&config.cert, &config.key)?;
        let new_expiry = tls::expiry(&key);
        let old = store.replace(key);
        Ok(Some(CertificateSwap {
            old_expiry: tls::expiry(&old),
            new_expiry,
        }))
    }

    /// Stops accepting, lets in-flight requests finish (bounded by the grace period), closes
    /// the database, then releases the data directory.
    pub async fn shutdown(self) {
        tracing::info!("shutting down: no new connections, finishing open requests");
        let _ = self.stop.send(true);
        // No new job starts; one in progress finishes with the services still open.
        self.scheduler.shutdown().await;
        for task in self.tasks {
            if let Err(e) = task.await {
                tracing::error!(error = %e, "listener task failed");
            }
        }
        self.services.close().await;
        tracing::info!("stopped");
    }
}
