//! Config validation tests: every refusal names its key and line and says how to fix it.

use super::*;

const EXAMPLE: &str = include_str!("../../config.example.toml");

/// Writes a fresh self-signed certificate and its key into `dir`.
fn write_cert(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let cert_path = dir.join(format!("{name}.crt"));
    let key_path = dir.join(format!("{name}.key"));
    std::fs::write(&cert_path, cert.cert.pem()).unwrap();
    std::fs::write(&key_path, cert.signing_key.serialize_pem()).unwrap();
    (cert_path, key_path)
}

fn invalid(text: &str) -> (String, String) {
    match Config::from_toml(text, Some(Path::new("/etc/loondossier/loondossier.toml"))) {
        Err(ConfigError::Invalid {
            location,
            key,
            problem,
            fix,
        }) => (format!("{location}: {key}"), format!("{problem} / {fix}")),
        other => panic!("expected an invalid-value error, got {other:?}"),
    }
}

#[test]
fn no_file_means_local_defaults() {
    let config = Config::from_toml("", None).unwrap();
    assert_eq!(config.data_dir, PathBuf::from("data"));
    assert_eq!(config.http.listen.to_string(), "127.0.0.1:8080");
    assert!(config.tls.is_none() && config.smtp.is_none() && config.public_url.is_none());
    assert_eq!(config.installation_name, "Loondossier");
    assert_eq!(config.jobs.len(), JOBS.len());
    assert!(config.jobs.iter().all(|(_, s)| s.is_some()));
}

#[test]
fn example_file_documents_a_valid_config() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = write_cert(dir.path(), "example");
    let text = EXAMPLE
        .replace("/etc/loondossier/tls/fullchain.pem", cert.to_str().unwrap())
        .replace("/etc/loondossier/tls/privkey.pem", key.to_str().unwrap());
    let config = Config::from_toml(&text, Some(&dir.path().join("loondossier.toml"))).unwrap();
    assert_eq!(config.data_dir, PathBuf::from("/var/lib/loondossier"));
    assert_eq!(config.http.listen.to_string(), "0.0.0.0:443");
    let tls = config.tls.as_ref().unwrap();
    assert_eq!(tls.http_redirect_listen.unwrap().to_string(), "0.0.0.0:80");
    let smtp = config.smtp.as_ref().unwrap();
    assert_eq!((smtp.port, smtp.security), (587, SmtpSecurity::StartTls));
    // Every job is documented with its default schedule.
    for (name, default) in JOBS {
        assert!(
            EXAMPLE.contains(&format!("{name} = \"{default}\"")),
            "config.example.toml must document [jobs] {name}"
        );
    }
}

#[test]
fn unknown_key_is_named_with_its_line() {
    let err = Config::from_toml("[http]\nlisten = \"127.0.0.1:1\"\nlisen = \"x\"\n", None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown field `lisen`"), "{err}");
    assert!(err.contains("line 3"), "{err}");
    assert!(err.contains("config.example.toml"), "{err}");
}

#[test]
fn unknown_job_is_refused() {
    let err = Config::from_toml("[jobs]\nbackups = \"0 * * * * *\"\n", None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown field `backups`"), "{err}");
}

#[test]
fn bad_cron_names_the_job_and_line() {
    let (place, why) = invalid("\n[jobs]\noutbox = \"0 * * * *\"\n");
    assert_eq!(place, "/etc/loondossier/loondossier.toml:3: [jobs] outbox");
    assert!(why.contains("6 fields"), "{why}");
    let (place, why) = invalid("[jobs]\nsnapshot = \"0 0 25 * * *\"\n");
    assert_eq!(
        place,
        "/etc/loondossier/loondossier.toml:2: [jobs] snapshot"
    );
    assert!(why.contains("not a valid cron expression"), "{why}");
}

#[test]
fn empty_schedule_disables_a_job() {
    let config = Config::from_toml("[jobs]\nintegrity = \"\"\n", None).unwrap();
    let integrity = config.jobs.iter().find(|(n, _)| *n == "integrity").unwrap();
    assert_eq!(integrity.1, None);
}

#[test]
fn bad_listen_address_is_explained() {
    let (place, why) = invalid("[http]\nlisten = \"localhost\"\n");
    assert_eq!(place, "/etc/loondossier/loondossier.toml:2: [http] listen");
    assert!(why.contains("IP:PORT"), "{why}");
    let (place, _) = invalid("[http]\nmax_connections = 0\n");
    assert!(place.ends_with("[http] max_connections"));
}

#[test]
fn missing_certificate_file_names_tls_cert() {
    let (place, why) =
        invalid("[tls]\ncert = \"/nonexistent/fullchain.pem\"\nkey = \"/nonexistent/key.pem\"\n");
    assert_eq!(place, "/etc/loondossier/loondossier.toml:2: [tls] cert");
    assert!(why.contains("cannot read"), "{why}");
    assert!(why.contains("fullchain.pem"), "{why}");
}

#[test]
fn key_of_another_certificate_names_tls_key() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, _) = write_cert(dir.path(), "one");
    let (_, other_key) = write_cert(dir.path(), "two");
    let text = format!(
        "[tls]\ncert = \"{}\"\nkey = \"{}\"\n",
        cert.display(),
        other_key.display()
    );
    let (place, why) = invalid(&text);
    assert!(place.ends_with(":3: [tls] key"), "{place}");
    assert!(why.contains("does not belong to the certificate"), "{why}");
}

#[test]
fn tls_section_needs_both_files() {
    let (place, _) = invalid("[tls]\ncert = \"a.pem\"\n");
    assert!(place.ends_with("[tls] key"), "{place}");
}

#[test]
fn relative_paths_follow_the_config_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("tls")).unwrap();
    write_cert(&dir.path().join("tls"), "site");
    let text = "data_dir = \"state\"\n[tls]\ncert = \"tls/site.crt\"\nkey = \"tls/site.key\"\n";
    let config = Config::from_toml(text, Some(&dir.path().join("loondossier.toml"))).unwrap();
    assert_eq!(config.data_dir, dir.path().join("state"));
    assert_eq!(config.tls.unwrap().cert, dir.path().join("tls/site.crt"));
}

#[test]
fn public_url_rules() {
    let (place, _) = invalid("public_url = \"portal.example.nl\"\n");
    assert!(place.ends_with(":1: public_url"));
    let (_, why) = invalid("public_url = \"https://portal.example.nl/portal\"\n");
    assert!(why.contains("without path"), "{why}");
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = write_cert(dir.path(), "site");
    let tls = format!(
        "[tls]\ncert = \"{}\"\nkey = \"{}\"\nhttp_redirect_listen = \"127.0.0.1:0\"\n",
        cert.display(),
        key.display()
    );
    let (place, why) = invalid(&tls);
    assert!(place.ends_with(": public_url"), "{place}");
    assert!(why.contains("http_redirect_listen"), "{why}");
    let (_, why) = invalid(&format!("public_url = \"http://portal.example.nl\"\n{tls}"));
    assert!(why.contains("https://"), "{why}");
}

#[test]
fn smtp_values_are_checked_and_password_redacted() {
    let (place, why) = invalid("[smtp]\nhost = \"mail\"\nsecurity = \"ssl\"\nfrom = \"a@b.nl\"\n");
    assert!(place.ends_with(":3: [smtp] security"), "{place}");
    assert!(why.contains("\"ssl\""), "{why}");
    let (place, _) = invalid("[smtp]\nhost = \"mail\"\nfrom = \"not an address\"\n");
    assert!(place.ends_with(":3: [smtp] from"), "{place}");
    let (place, _) = invalid("[smtp]\nhost = \"mail\"\nfrom = \"a@b.nl\"\nusername = \"u\"\n");
    assert!(place.ends_with("[smtp] password"), "{place}");

    let text = "[smtp]\nhost = \"mail.example.nl\"\nsecurity = \"tls\"\nusername = \"u\"\n\
                password = \"hunter2-secret\"\nfrom = \"Portal <noreply@example.nl>\"\n";
    let config = Config::from_toml(text, None).unwrap();
    let smtp = config.smtp.as_ref().unwrap();
    assert_eq!(smtp.port, 465);
    assert!(!format!("{config:?}").contains("hunter2"));
    let printed = config.to_redacted_toml();
    assert!(!printed.contains("hunter2"), "{printed}");
    assert!(printed.contains("password = \"<redacted>\""), "{printed}");
    assert_eq!(smtp.give_up_after.as_secs(), 72 * 3600);
    assert_eq!(smtp.notify_delay.as_secs(), 15 * 60);
    // The printed configuration is itself a valid config (minus the redacted secret).
    let reparsed = printed.replace("\"<redacted>\"", "\"x\"");
    Config::from_toml(&reparsed, None).unwrap();
}

#[test]
fn smtp_ca_and_retry_settings_are_checked() {
    let base = "[smtp]\nhost = \"mail\"\nfrom = \"a@b.nl\"\n";
    let (place, why) = invalid(&format!("{base}ca_cert = \"/nonexistent/ca.pem\"\n"));
    assert!(place.ends_with(":4: [smtp] ca_cert"), "{place}");
    assert!(why.contains("cannot read"), "{why}");
    let dir = tempfile::tempdir().unwrap();
    let not_pem = dir.path().join("ca.pem");
    std::fs::write(&not_pem, "hello").unwrap();
    let (place, why) = invalid(&format!("{base}ca_cert = \"{}\"\n", not_pem.display()));
    assert!(place.ends_with("[smtp] ca_cert"), "{place}");
    assert!(why.contains("no PEM certificate"), "{why}");
    let (place, _) = invalid(&format!("{base}give_up_after_hours = 0\n"));
    assert!(place.ends_with("[smtp] give_up_after_hours"), "{place}");
    let config = Config::from_toml(
        &format!("{base}give_up_after_hours = 24\nnotify_delay_minutes = 0\n"),
        None,
    )
    .unwrap();
    let smtp = config.smtp.unwrap();
    assert_eq!(smtp.give_up_after.as_secs(), 24 * 3600);
    assert_eq!(smtp.notify_delay.as_secs(), 0);
}

#[test]
fn retention_settings_have_dutch_defaults_and_are_checked() {
    let defaults = Config::from_toml("", None).unwrap().retention;
    assert_eq!(defaults.payroll_years, 7);
    assert_eq!(defaults.upload_years, 5);
    assert_eq!(defaults.trash_days, 30);
    let config = Config::from_toml(
        "[retention]\nupload_years = 4\nupload_years_by_kind = { expense_claim = 7 }\n",
        None,
    )
    .unwrap();
    use crate::domain::DocumentKind;
    assert_eq!(
        config
            .retention
            .upload_years_for(DocumentKind::ExpenseClaim),
        7
    );
    assert_eq!(config.retention.upload_years_for(DocumentKind::IdCopy), 4);
    let (place, why) = invalid("[retention]\nupload_years_by_kind = { payslip = 3 }\n");
    assert!(
        place.ends_with("[retention] upload_years_by_kind.payslip"),
        "{place}"
    );
    assert!(why.contains("not a kind employees upload"), "{why}");
    let (place, _) = invalid("[retention]\npayroll_years = 0\n");
    assert!(place.ends_with(":2: [retention] payroll_years"), "{place}");
    // The example file's retention section is valid as written.
    let example = include_str!("../../config.example.toml");
    let start = example.find("[retention]").unwrap();
    let end = start + example[start..].find("\n# Scheduled jobs").unwrap();
    Config::from_toml(&example[start..end], None).unwrap();
}

#[test]
fn a_pickup_directory_is_a_path_and_not_beside_smtp() {
    let config = Config::from_toml(
        "[mail]\npickup_dir = \"mail\"\n",
        Some(Path::new("/etc/loondossier/loondossier.toml")),
    )
    .unwrap();
    assert_eq!(
        config.mail_pickup.as_deref(),
        Some(Path::new("/etc/loondossier/mail"))
    );
    let (at, why) = invalid(
        "[smtp]\nhost = \"smtp.example.nl\"\nfrom = \"a@example.nl\"\n\n[mail]\npickup_dir = \"/tmp/m\"\n",
    );
    assert_eq!(at, "/etc/loondossier/loondossier.toml:6: [mail] pickup_dir");
    assert!(why.contains("together with [smtp]"), "{why}");
    let (at, _) = invalid("[mail]\npickup_dir = \" \"\n");
    assert!(at.ends_with("[mail] pickup_dir"), "{at}");
    // The effective config shows it.
    assert!(
        config
            .to_redacted_toml()
            .contains("pickup_dir = \"/etc/loondossier/mail\"")
    );
}

#[test]
fn help_url_rules() {
    let (place, why) = invalid("help_url = \"www.bureau.nl/loondossier\"\n");
    assert!(place.ends_with(":1: help_url"), "{place}");
    assert!(why.contains("not a URL"), "{why}");
    let (_, why) = invalid("help_url = \"javascript:alert(1)\"\n");
    assert!(why.contains("https://"), "{why}");
    let config =
        Config::from_toml("help_url = \"https://www.bureau.nl/loondossier\"\n", None).unwrap();
    assert_eq!(
        config.help_url.map(|u| u.to_string()),
        Some("https://www.bureau.nl/loondossier".to_owned())
    );
}

/// `[storage]`: local by default; `s3` needs every key, names the one missing or wrong, and
/// reads the secret from a file only its owner may read.
#[test]
fn storage_is_local_by_default_and_s3_names_what_is_wrong() {
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        Config::from_toml("", None).unwrap().storage,
        StorageConfig::Local
    );
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("s3-secret");
    std::fs::write(&secret, "geheime-sleutel\n").unwrap();
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).unwrap();
    let config_path = dir.path().join("loondossier.toml");
    let s3 = |extra: &str| {
        format!(
            "[storage]\nbackend = \"s3\"\nendpoint = \"http://127.0.0.1:3900\"\nregion = \"garage\"\n\
             bucket = \"loondossier\"\naccess_key_id = \"GK123\"\n\
             secret_access_key_file = \"s3-secret\"\n{extra}"
        )
    };
    let config = Config::from_toml(&s3("prefix = \"/bakker\"\n"), Some(&config_path)).unwrap();
    let StorageConfig::S3(s3_config) = &config.storage else {
        panic!("{:?}", config.storage);
    };
    assert_eq!(s3_config.prefix, "bakker/");
    assert_eq!(s3_config.secret_access_key, "geheime-sleutel");
    assert!(
        !format!("{config:?}").contains("geheime-sleutel"),
        "never printed"
    );
    let printed = config.to_redacted_toml();
    assert!(!printed.contains("geheime-sleutel"), "{printed}");
    assert!(
        printed.contains("secret_access_key_file = ") && printed.contains("s3-secret"),
        "{printed}"
    );

    let refused = |text: &str| match Config::from_toml(text, Some(&config_path)) {
        Err(ConfigError::Invalid { key, problem, .. }) => format!("{key}: {problem}"),
        other => panic!("expected a refusal, got {other:?}"),
    };
    assert!(
        refused(&s3("").replace("bucket = \"loondossier\"\n", ""))
            .starts_with("[storage] bucket: is missing")
    );
    assert!(
        refused(&s3("").replace("\"loondossier\"", "\"Loon_Dossier\""))
            .starts_with("[storage] bucket")
    );
    assert!(
        refused(&s3("").replace("http://127.0.0.1:3900", "ftp://x"))
            .starts_with("[storage] endpoint")
    );
    assert!(refused("[storage]\nbackend = \"nfs\"\n").starts_with("[storage] backend"));
    assert!(
        refused("[storage]\nbucket = \"loondossier\"\n")
            .starts_with("[storage] bucket: belongs to")
    );
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o644)).unwrap();
    let loose = refused(&s3(""));
    assert!(
        loose.starts_with("[storage] secret_access_key_file") && loose.contains("read by others"),
        "{loose}"
    );
    std::fs::remove_file(&secret).unwrap();
    assert!(refused(&s3("")).starts_with("[storage] secret_access_key_file: cannot read"));
}
