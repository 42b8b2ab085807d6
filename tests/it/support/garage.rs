//! A real Garage cluster (S3-compatible object storage) of three nodes on loopback, replication
//! factor 3, for the tests that run against a bucket. `garage` comes from PATH (`./test`
//! installs the pinned version with `cargo install` when it is missing) or `$GARAGE`; without
//! it a test that needs it fails with instructions — it never skips.
//!
//! Each node runs under `sh`, which kills it when the test process's end closes its stdin: no
//! Garage outlives the tests, even the shared cluster that lives in a static.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The bucket every test cluster has; tests keep apart by prefix.
pub const BUCKET: &str = "loondossier";

fn garage_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("GARAGE") {
        return PathBuf::from(path);
    }
    std::env::var_os("PATH")
        .and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join("garage"))
                .find(|p| p.exists())
        })
        .unwrap_or_else(|| {
            panic!(
                "garage not found on PATH: install it with \
                 `cargo install garage --locked --version 2.5.0` (`./test` does this)"
            )
        })
}

/// One node: its config, its ports, and the process while it runs.
pub struct Node {
    config: PathBuf,
    pub s3_port: u16,
    rpc_port: u16,
    process: Option<(Child, ChildStdin)>,
    log: PathBuf,
}

impl Node {
    fn start(&mut self) {
        assert!(self.process.is_none(), "node already running");
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .expect("node log");
        // A line "kill" on stdin kills the node (its data stays, for a restart); the end of
        // stdin (the test process is gone) kills it and removes its data.
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(
                "\"$0\" -c \"$1\" server & node=$!; read -r what; kill -9 $node; wait $node; \
                 [ \"$what\" = kill ] || rm -rf \"$2\"",
            )
            .arg(garage_binary())
            .arg(&self.config)
            .arg(self.config.parent().expect("node dir"))
            .env("RUST_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("start a garage node");
        let stdin = child.stdin.take().expect("stdin");
        self.process = Some((child, stdin));
    }

    /// Kills the node at once (SIGKILL: a machine lost, not a clean shutdown).
    pub fn kill(&mut self) {
        if let Some((mut child, mut stdin)) = self.process.take() {
            let _ = stdin.write_all(b"kill\n");
            drop(stdin);
            let _ = child.wait();
        }
    }

    fn cli(&self, args: &[&str]) -> Result<String, String> {
        let out = Command::new(garage_binary())
            .arg("-c")
            .arg(&self.config)
            .args(args)
            .env("RUST_LOG", "warn")
            .output()
            .expect("run garage");
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(format!(
                "garage {}: {}{}",
                args.join(" "),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }

    /// Runs a `garage` command against this node, retrying while the cluster settles.
    fn cli_until_ok(&self, args: &[&str]) -> String {
        self.cli_until(args, None)
    }

    /// Like [`Node::cli_until_ok`]; an error whose text holds `done` means an earlier try
    /// did it already (a command that cannot be run twice).
    fn cli_until(&self, args: &[&str], done: Option<&str>) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            match self.cli(args) {
                Ok(out) => return out,
                Err(e) if done.is_some_and(|d| e.contains(d)) => return e,
                Err(e) if Instant::now() > deadline => panic!("{e}"),
                Err(_) => std::thread::sleep(Duration::from_millis(100)),
            }
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Three nodes with a bucket and a key that may read and write it.
pub struct Cluster {
    pub nodes: Vec<Node>,
    pub access_key_id: String,
    pub secret_access_key: String,
    dir: tempfile::TempDir,
}

impl Cluster {
    /// Starts three nodes, joins them, gives each a zone and 1 GB, and makes the bucket and
    /// a key for it.
    pub fn start() -> Self {
        let dir = tempfile::tempdir().expect("cluster dir");
        let secret = hex::encode(rand::random::<[u8; 32]>());
        let port = super::ports::for_a_program;
        let mut nodes: Vec<Node> = (1..=3)
            .map(|n| {
                let home = dir.path().join(format!("node{n}"));
                std::fs::create_dir_all(&home).expect("node dir");
                let (s3_port, rpc_port, admin_port) = (port(), port(), port());
                let config = home.join("garage.toml");
                std::fs::write(
                    &config,
                    format!(
                        "metadata_dir = \"{home}/meta\"\n\
                         data_dir = \"{home}/data\"\n\
                         db_engine = \"sqlite\"\n\
                         replication_factor = 3\n\
                         rpc_bind_addr = \"127.0.0.1:{rpc_port}\"\n\
                         rpc_public_addr = \"127.0.0.1:{rpc_port}\"\n\
                         rpc_secret = \"{secret}\"\n\
                         [s3_api]\n\
                         s3_region = \"garage\"\n\
                         api_bind_addr = \"127.0.0.1:{s3_port}\"\n\
                         [admin]\n\
                         api_bind_addr = \"127.0.0.1:{admin_port}\"\n",
                        home = home.display()
                    ),
                )
                .expect("node config");
                Node {
                    config,
                    s3_port,
                    rpc_port,
                    process: None,
                    log: home.join("log"),
                }
            })
            .collect();
        for node in &mut nodes {
            node.start();
        }
        let ids: Vec<String> = nodes
            .iter()
            .map(|n| n.cli_until_ok(&["node", "id", "-q"]).trim().to_owned())
            .collect();
        for id in &ids[1..] {
            nodes[0].cli_until_ok(&["node", "connect", id]);
        }
        for (n, id) in ids.iter().enumerate() {
            let short = id.split('@').next().expect("node id");
            let zone = format!("dc{}", n + 1);
            nodes[0].cli_until_ok(&["layout", "assign", "-z", &zone, "-c", "1G", short]);
        }
        nodes[0].cli_until(&["layout", "apply", "--version", "1"], Some("version"));
        nodes[0].cli_until(&["bucket", "create", BUCKET], Some("already"));
        let key = nodes[0].cli_until_ok(&["key", "create", "loondossier-test"]);
        let field = |name: &str| {
            key.lines()
                .find_map(|l| l.strip_prefix(name))
                .map(|v| v.trim().to_owned())
                .unwrap_or_else(|| panic!("no {name} in:\n{key}"))
        };
        let access_key_id = field("Key ID:");
        let secret_access_key = field("Secret key:");
        nodes[0].cli_until_ok(&[
            "bucket",
            "allow",
            "--read",
            "--write",
            "--owner",
            BUCKET,
            "--key",
            &access_key_id,
        ]);
        {
            // Written once: tests starting at the same time all read it.
            use std::os::unix::fs::PermissionsExt;
            let secret = dir.path().join("s3-secret");
            std::fs::write(&secret, &secret_access_key).expect("secret file");
            std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600))
                .expect("secret mode");
        }
        let cluster = Self {
            nodes,
            access_key_id,
            secret_access_key,
            dir,
        };
        cluster.wait_until_writable();
        cluster
    }

    /// The cluster shared by every test of this process that runs against a bucket.
    pub fn shared() -> &'static Cluster {
        static SHARED: OnceLock<Cluster> = OnceLock::new();
        static STARTING: Mutex<()> = Mutex::new(());
        let _one = STARTING.lock().unwrap_or_else(|e| e.into_inner());
        SHARED.get_or_init(Cluster::start)
    }

    /// The S3 endpoint of node `n` (0-based).
    pub fn endpoint(&self, n: usize) -> String {
        format!("http://127.0.0.1:{}", self.nodes[n].s3_port)
    }

    /// A `[storage]` section for this cluster under `prefix`. The secret file lives with the
    /// cluster (so a config copied elsewhere keeps working while the cluster runs); `_dir` is
    /// the test's own directory.
    pub fn storage_config(&self, _dir: &Path, prefix: &str) -> String {
        let secret = self.dir.path().join("s3-secret");
        format!(
            "\n[storage]\nbackend = \"s3\"\nendpoint = \"{}\"\nregion = \"garage\"\n\
             bucket = \"{BUCKET}\"\nprefix = \"{prefix}\"\naccess_key_id = \"{}\"\n\
             secret_access_key_file = \"{}\"\n",
            self.endpoint(0),
            self.access_key_id,
            secret.display()
        )
    }

    /// The parsed config of [`Cluster::storage_config`], for talking to the bucket directly.
    pub fn s3_config(&self, prefix: &str) -> loondossier::config::S3Config {
        loondossier::config::S3Config {
            endpoint: url::Url::parse(&self.endpoint(0)).expect("endpoint"),
            region: "garage".to_owned(),
            bucket: BUCKET.to_owned(),
            prefix: prefix.to_owned(),
            access_key_id: self.access_key_id.clone(),
            secret_access_key: self.secret_access_key.clone(),
            secret_access_key_file: self.dir.path().join("s3-secret"),
        }
    }

    /// Waits until a write through node 1 succeeds (the layout reaches every node first). On a
    /// thread of its own with its own runtime: callers may be inside a test's runtime.
    fn wait_until_writable(&self) {
        let objects =
            loondossier::blobs::Objects::new(&self.s3_config("ready/")).expect("S3 client");
        let logs = self.logs();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            let deadline = Instant::now() + Duration::from_secs(60);
            loop {
                let probe = bytes::Bytes::from_static(b"ok");
                match runtime.block_on(objects.put_named("probe", probe)) {
                    Ok(()) => return,
                    Err(e) if Instant::now() > deadline => {
                        panic!("the garage cluster never took a write: {e}\n{logs}")
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(200)),
                }
            }
        })
        .join()
        .expect("the garage cluster takes writes");
    }

    /// Every node's log, for a failure message.
    pub fn logs(&self) -> String {
        self.nodes
            .iter()
            .map(|n| std::fs::read_to_string(&n.log).unwrap_or_default())
            .collect::<Vec<_>>()
            .join("\n---\n")
    }

    /// Kills node `n` (0-based).
    pub fn kill(&mut self, n: usize) {
        self.nodes[n].kill();
    }

    /// Starts node `n` again on its data; waits until it answers RPC.
    pub fn restart(&mut self, n: usize) {
        self.nodes[n].start();
        self.nodes[n].cli_until_ok(&["node", "id", "-q"]);
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn rpc_port(&self, n: usize) -> u16 {
        self.nodes[n].rpc_port
    }
}

/// Whether this run's tests keep their files in a bucket: `LOONDOSSIER_TEST_STORAGE=s3`
/// (`./test` runs the storage tests a second time so).
pub fn in_bucket() -> bool {
    std::env::var("LOONDOSSIER_TEST_STORAGE").is_ok_and(|v| v == "s3")
}

/// A prefix no other test of any run uses.
pub fn unique_prefix() -> String {
    format!("t{}/", hex::encode(rand::random::<[u8; 8]>()))
}
