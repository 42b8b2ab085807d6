//! The compiled `loondossier` binary as a child process, for exit codes, signals and the CLI.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

/// Long enough for a loaded CI machine; only a bound against hanging, not a speed check.
const PATIENCE: Duration = Duration::from_secs(60);

pub struct Binary;

impl Binary {
    pub fn path() -> PathBuf {
        PathBuf::from(env!("CARGO_BIN_EXE_loondossier"))
    }

    /// Runs a command to completion in `dir`.
    pub fn run(dir: &Path, args: &[&str]) -> Output {
        Command::new(Self::path())
            .args(args)
            .current_dir(dir)
            .env_remove("LOONDOSSIER_LOG")
            .output()
            .expect("run loondossier")
    }

    /// Runs a command with `input` on its standard input.
    pub fn run_with_input(dir: &Path, args: &[&str], input: &str) -> Output {
        use std::io::Write;
        let mut child = Command::new(Self::path())
            .args(args)
            .current_dir(dir)
            .env_remove("LOONDOSSIER_LOG")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn loondossier");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
        child.wait_with_output().expect("run loondossier")
    }

    /// Starts `serve` and waits for its "listening on" line.
    pub fn serve(dir: &Path, args: &[&str]) -> ServerProcess {
        let path = Self::path();
        let mut all = vec!["serve"];
        all.extend_from_slice(args);
        Self::serve_with(dir, &path.to_string_lossy(), &all)
    }

    /// Starts a server through another program (e.g. `unshare … loondossier serve`) and
    /// waits for its "listening on" line.
    pub fn serve_with(dir: &Path, program: &str, args: &[&str]) -> ServerProcess {
        let mut child = Command::new(program)
            .args(args)
            .current_dir(dir)
            .env_remove("LOONDOSSIER_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn the server");
        let stderr = child.stderr.take().expect("stderr");
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel();
        let sink = Arc::clone(&log);
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some((_, url)) = line.split_once("listening on ") {
                    let url: String = url
                        .chars()
                        .take_while(|c| !c.is_whitespace() && *c != '"')
                        .collect();
                    let _ = tx.send(url);
                }
                let mut log = sink.lock().expect("log");
                log.push_str(&line);
                log.push('\n');
            }
        });
        let url = rx.recv_timeout(PATIENCE).ok();
        ServerProcess {
            child,
            url,
            log,
            reader: Some(reader),
        }
    }
}

/// A `serve` child process. Killed on drop if still running.
pub struct ServerProcess {
    pub child: Child,
    /// The URL from the "listening on" log line, if it came.
    pub url: Option<String>,
    log: Arc<Mutex<String>>,
    /// The thread copying stderr into `log`; it ends with the process's stderr.
    reader: Option<std::thread::JoinHandle<()>>,
}

impl ServerProcess {
    pub fn url(&self) -> &str {
        self.url
            .as_deref()
            .unwrap_or_else(|| panic!("server did not start:\n{}", self.log()))
    }

    pub fn log(&self) -> String {
        self.log.lock().expect("log").clone()
    }

    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
    }

    /// Waits for the process to exit, and for its last log lines to be read: [`Self::log`]
    /// then holds all it wrote.
    pub fn wait(&mut self) -> ExitStatus {
        let deadline = std::time::Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                if let Some(reader) = self.reader.take() {
                    let _ = reader.join();
                }
                return status;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "server did not exit:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
