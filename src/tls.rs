//! TLS for the HTTPS listener: loading the PEM certificate chain and key, and the rustls server
//! configuration (TLS 1.2 and 1.3 only, forward-secret AEAD suites only, ALPN h2 + http/1.1).

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock};

use rustls::crypto::CryptoProvider;
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls::{ServerConfig, version};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

/// The one crypto provider used everywhere (ring: no C toolchain beyond `cc`, no OpenSSL).
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Makes ring the process-wide default, for crates (such as the SMTP client) that ask for it.
pub fn install_default_provider() {
    // Err only means a provider is already installed, which is what we want.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Which of the two PEM files a problem is in, so the config error can name the right key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PemFile {
    Cert,
    Key,
}

/// A certificate or key file that cannot be used.
#[derive(Debug)]
pub struct TlsFileError {
    file: PemFile,
    path: PathBuf,
    problem: String,
}

impl TlsFileError {
    fn new(file: PemFile, path: &Path, problem: impl Into<String>) -> Self {
        Self {
            file,
            path: path.to_path_buf(),
            problem: problem.into(),
        }
    }

    pub fn file(&self) -> PemFile {
        self.file
    }

    /// What the administrator should do about it.
    pub fn fix(&self) -> &'static str {
        match self.file {
            PemFile::Cert => {
                "point [tls] cert at a readable PEM file holding the certificate followed by its \
                 intermediates (certbot: fullchain.pem)"
            }
            PemFile::Key => {
                "point [tls] key at the readable PEM private key of that certificate \
                 (certbot: privkey.pem); the service user must be able to read it"
            }
        }
    }
}

impl fmt::Display for TlsFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.problem)
    }
}

impl std::error::Error for TlsFileError {}

fn pem_problem(e: &rustls_pki_types::pem::Error) -> String {
    match e {
        rustls_pki_types::pem::Error::Io(io) => format!("cannot read it ({io})"),
        rustls_pki_types::pem::Error::NoItemsFound => "holds no PEM item of the right kind".into(),
        other => format!("is not valid PEM ({other})"),
    }
}

/// Reads and checks a certificate chain and its private key: both parse, the key matches.
pub fn load_certified_key(cert: &Path, key: &Path) -> Result<Arc<CertifiedKey>, TlsFileError> {
    let chain = CertificateDer::pem_file_iter(cert)
        .map_err(|e| TlsFileError::new(PemFile::Cert, cert, pem_problem(&e)))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsFileError::new(PemFile::Cert, cert, pem_problem(&e)))?;
    if chain.is_empty() {
        return Err(TlsFileError::new(
            PemFile::Cert,
            cert,
            "holds no CERTIFICATE block",
        ));
    }
    let private_key = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| TlsFileError::new(PemFile::Key, key, pem_problem(&e)))?;
    CertifiedKey::from_der(chain, private_key, &provider())
        .map(Arc::new)
        .map_err(|e| match e {
            rustls::Error::InconsistentKeys(_) => TlsFileError::new(
                PemFile::Key,
                key,
                format!("does not belong to the certificate in {}", cert.display()),
            ),
            other => TlsFileError::new(
                PemFile::Key,
                key,
                format!("is not a usable private key ({other})"),
            ),
        })
}

/// When the leaf certificate of `key` stops being valid, for the log.
pub fn expiry(key: &CertifiedKey) -> Option<chrono::DateTime<chrono::Utc>> {
    let leaf = key.cert.first()?;
    let (_, parsed) = x509_parser::parse_x509_certificate(leaf.as_ref()).ok()?;
    chrono::DateTime::from_timestamp(parsed.validity().not_after.timestamp(), 0)
}

/// The certificate in use; swapped as a whole so a reload never serves half a pair.
#[derive(Debug)]
pub struct CertStore {
    current: RwLock<Arc<CertifiedKey>>,
}

impl CertStore {
    pub fn new(key: Arc<CertifiedKey>) -> Arc<Self> {
        Arc::new(Self {
            current: RwLock::new(key),
        })
    }

    /// Replaces the certificate for new handshakes; open connections keep theirs. Returns
    /// the one it replaced.
    pub fn replace(&self, key: Arc<CertifiedKey>) -> Arc<CertifiedKey> {
        std::mem::replace(
            &mut *self.current.write().unwrap_or_else(PoisonError::into_inner),
            key,
        )
    }

    /// The certificate new handshakes get.
    pub fn current(&self) -> Arc<CertifiedKey> {
        Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner))
    }
}

impl ResolvesServerCert for CertStore {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(Arc::clone(
            &self.current.read().unwrap_or_else(PoisonError::into_inner),
        ))
    }
}

/// The server side of every HTTPS connection.
pub fn server_config(certs: Arc<CertStore>) -> Result<Arc<ServerConfig>, rustls::Error> {
    // ring's default suites are exactly the forward-secret AEAD ones (ECDHE for TLS 1.2).
    let mut config = ServerConfig::builder_with_provider(provider())
        .with_protocol_versions(&[&version::TLS13, &version::TLS12])?
        .with_no_client_auth()
        .with_cert_resolver(certs);
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    config.ignore_client_order = true;
    // 0-RTT data can be replayed; nothing here may be replayed.
    config.max_early_data_size = 0;
    Ok(Arc::new(config))
}
