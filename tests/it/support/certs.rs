//! Certificates generated at test time, written as PEM files, with matching client settings.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::RootCertStore;
use rustls_pki_types::CertificateDer;

/// A self-signed certificate for `localhost` and `127.0.0.1`, with its files on disk.
pub struct TestCert {
    pub cert_path: PathBuf,
    pub key_path: PathBuf,
    pub pem: String,
    der: CertificateDer<'static>,
}

impl TestCert {
    pub fn write(dir: &Path) -> Self {
        let generated = rcgen::generate_simple_self_signed(vec![
            "localhost".to_owned(),
            "127.0.0.1".to_owned(),
        ])
        .expect("generate certificate");
        let cert_path = dir.join("fullchain.pem");
        let key_path = dir.join("privkey.pem");
        std::fs::write(&cert_path, generated.cert.pem()).expect("write cert");
        std::fs::write(&key_path, generated.signing_key.serialize_pem()).expect("write key");
        Self {
            cert_path,
            key_path,
            pem: generated.cert.pem(),
            der: generated.cert.der().clone(),
        }
    }

    /// The `[tls]` section for this certificate.
    pub fn tls_section(&self, extra: &str) -> String {
        format!(
            "[tls]\ncert = \"{}\"\nkey = \"{}\"\n{extra}",
            self.cert_path.display(),
            self.key_path.display()
        )
    }

    /// A rustls client trusting only this certificate, limited to the given TLS versions.
    pub fn client_config(
        &self,
        versions: &[&'static rustls::SupportedProtocolVersion],
        alpn: &[&[u8]],
    ) -> Arc<rustls::ClientConfig> {
        let mut roots = RootCertStore::empty();
        roots.add(self.der.clone()).expect("add root");
        let mut config = rustls::ClientConfig::builder_with_provider(loondossier::tls::provider())
            .with_protocol_versions(versions)
            .expect("versions")
            .with_root_certificates(roots)
            .with_no_client_auth();
        config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
        Arc::new(config)
    }

    /// An HTTP client trusting only this certificate.
    pub fn http_client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .add_root_certificate(reqwest::Certificate::from_pem(self.pem.as_bytes()).expect("pem"))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
    }
}
