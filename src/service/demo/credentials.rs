//! The demo logins' passwords, kept in the data directory so later runs can show them again.

use std::path::Path;

use super::DemoLogin;

pub(super) fn write_credentials(path: &Path, logins: &[DemoLogin]) {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .and_then(|mut file| {
            for login in logins {
                writeln!(
                    file,
                    "{}\t{}\t{}",
                    login.role, login.username, login.password
                )?;
            }
            file.sync_all()
        });
    if let Err(e) = written {
        tracing::warn!(error = %e, path = %path.display(), "could not keep the demo passwords");
    }
}

pub(super) fn read_credentials(path: &Path) -> Vec<DemoLogin> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| {
            let mut parts = line.split('\t');
            Some(DemoLogin {
                role: parts.next()?.to_owned(),
                username: parts.next()?.to_owned(),
                password: parts.next()?.to_owned(),
            })
        })
        .collect()
}
