//! Validation of `[storage]`: the local data directory, or an S3-compatible bucket whose
//! secret key is read from a file only its owner may read.

use toml::Spanned;

use super::file::StorageSection;
use super::validate::Validator;
use super::{ConfigError, S3Config, StorageConfig};

/// The keys that belong to `backend = "s3"` only.
const S3_KEYS: [&str; 6] = [
    "endpoint",
    "region",
    "bucket",
    "prefix",
    "access_key_id",
    "secret_access_key_file",
];

impl Validator<'_> {
    pub(super) fn storage(&self, s: StorageSection) -> Result<StorageConfig, ConfigError> {
        if let Some(b) = s
            .backend
            .as_ref()
            .filter(|b| !matches!(b.get_ref().as_str(), "local" | "s3"))
        {
            return Err(self.invalid(
                "[storage] backend",
                b,
                &format!("\"{}\" is not one of \"local\", \"s3\"", b.get_ref()),
                "use \"local\" (files in the data directory) or \"s3\" (an S3-compatible bucket)",
            ));
        }
        let backend = s.backend.as_ref().map_or("local", |b| b.get_ref().as_str());
        match backend {
            "local" => {
                let given = [
                    &s.endpoint,
                    &s.region,
                    &s.bucket,
                    &s.prefix,
                    &s.access_key_id,
                    &s.secret_access_key_file,
                ];
                if let Some((key, value)) = S3_KEYS
                    .iter()
                    .zip(given)
                    .find_map(|(k, v)| v.as_ref().map(|v| (k, v)))
                {
                    return Err(self.invalid(
                        &format!("[storage] {key}"),
                        value,
                        "belongs to backend = \"s3\"",
                        "add backend = \"s3\" to [storage], or remove the key",
                    ));
                }
                Ok(StorageConfig::Local)
            }
            _ => self.s3(s).map(|c| StorageConfig::S3(Box::new(c))),
        }
    }

    fn s3(&self, s: StorageSection) -> Result<S3Config, ConfigError> {
        let required = |value: Option<Spanned<String>>, key: &str, fix: &str| {
            value
                .filter(|v| !v.get_ref().trim().is_empty())
                .ok_or_else(|| self.missing(key, fix))
        };
        let endpoint = required(
            s.endpoint,
            "[storage] endpoint",
            "the store's S3 address, e.g. endpoint = \"http://127.0.0.1:3900\" for Garage",
        )?;
        let url = url::Url::parse(endpoint.get_ref().trim())
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
            .ok_or_else(|| {
                self.invalid(
                    "[storage] endpoint",
                    &endpoint,
                    "is not an http(s) address",
                    "e.g. \"https://s3.example.nl\" or \"http://127.0.0.1:3900\"",
                )
            })?;
        let region = required(
            s.region,
            "[storage] region",
            "the region the store signs for: \"garage\" for Garage, \"us-east-1\" for MinIO",
        )?;
        let bucket = required(s.bucket, "[storage] bucket", "the bucket's name")?;
        let name = bucket.get_ref().trim();
        // S3's bucket naming rules: 3–63 lower-case letters, digits, dots and hyphens.
        let valid = (3..=63).contains(&name.len())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
            && name.starts_with(|c: char| c.is_ascii_alphanumeric())
            && name.ends_with(|c: char| c.is_ascii_alphanumeric());
        if !valid {
            return Err(self.invalid(
                "[storage] bucket",
                &bucket,
                "is not a bucket name",
                "3 to 63 lower-case letters, digits, dots and hyphens, e.g. \"loondossier\"",
            ));
        }
        let prefix = match &s.prefix {
            None => String::new(),
            Some(p) => {
                let text = p.get_ref().trim().trim_matches('/');
                if text.contains("//") || text.chars().any(|c| c.is_control() || c == '\\') {
                    return Err(self.invalid(
                        "[storage] prefix",
                        p,
                        "is not a key prefix",
                        "letters, digits and single slashes, e.g. \"bakker/\"",
                    ));
                }
                if text.is_empty() {
                    String::new()
                } else {
                    format!("{text}/")
                }
            }
        };
        let key_id = required(
            s.access_key_id,
            "[storage] access_key_id",
            "the access key's id the store gave you",
        )?;
        let secret_file = required(
            s.secret_access_key_file,
            "[storage] secret_access_key_file",
            "a file holding the secret key, readable by the portal's user only (chmod 600)",
        )?;
        let path = self.path(secret_file.get_ref().trim());
        let secret = std::fs::read_to_string(&path).map_err(|e| {
            self.invalid(
                "[storage] secret_access_key_file",
                &secret_file,
                &format!("cannot read {}: {e}", path.display()),
                "give the path of the file holding the secret key",
            )
        })?;
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).map_or(0, |m| m.permissions().mode());
            if mode & 0o077 != 0 {
                return Err(self.invalid(
                    "[storage] secret_access_key_file",
                    &secret_file,
                    &format!(
                        "{} may be read by others (mode {:o})",
                        path.display(),
                        mode & 0o777
                    ),
                    &format!("chmod 600 {}", path.display()),
                ));
            }
        }
        let secret = secret.trim().to_owned();
        if secret.is_empty() {
            return Err(self.invalid(
                "[storage] secret_access_key_file",
                &secret_file,
                &format!("{} is empty", path.display()),
                "put the secret key in it",
            ));
        }
        Ok(S3Config {
            endpoint: url,
            region: region.into_inner().trim().to_owned(),
            bucket: name.to_owned(),
            prefix,
            access_key_id: key_id.into_inner().trim().to_owned(),
            secret_access_key: secret,
            secret_access_key_file: path,
        })
    }
}
