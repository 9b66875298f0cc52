//! HTTPS: a certificate and key from PEM files (`--tls-cert`, `--tls-key`), or a local CA that
//! zecd makes once and keeps in its data directory, with a server certificate it signs at every
//! start for `localhost`, `127.0.0.1`, `::1` and the names given (`--tls self-signed`,
//! `--tls-name`). A user trusts the CA's file (`tls/ca.pem`) once, as with mkcert.

use anyhow::{Context, Result, bail};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio_rustls::rustls;

/// Where the certificate comes from.
#[derive(Debug, Clone)]
pub enum TlsSource {
    Files { cert: PathBuf, key: PathBuf },
    SelfSigned { dir: PathBuf, names: Vec<String> },
}

/// A server's TLS settings, ready to accept with; and the CA a client must trust, when zecd
/// made it.
pub struct Tls {
    pub acceptor: tokio_rustls::TlsAcceptor,
    pub ca_file: Option<PathBuf>,
}

/// The names every self-signed certificate is valid for.
const LOCAL_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];
/// The CA's common name; the CA is recognised by it and by its key.
const CA_NAME: &str = "zecd local CA";

pub fn load(source: &TlsSource) -> Result<Tls> {
    let (chain, key, ca_file) = match source {
        TlsSource::Files { cert, key } => {
            let chain = CertificateDer::pem_file_iter(cert)
                .with_context(|| format!("cannot read the certificate {}", cert.display()))?
                .collect::<Result<Vec<_>, _>>()
                .with_context(|| format!("{} is not a PEM certificate chain", cert.display()))?;
            if chain.is_empty() {
                bail!("{} holds no certificate", cert.display());
            }
            let key = PrivateKeyDer::from_pem_file(key)
                .with_context(|| format!("{} is not a PEM private key", key.display()))?;
            (chain, key, None)
        }
        TlsSource::SelfSigned { dir, names } => {
            let (chain, key, ca) = self_signed(dir, names)?;
            (chain, key, Some(ca))
        }
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("TLS protocol versions")?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .context("the certificate does not match its key")?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Tls {
        acceptor: tokio_rustls::TlsAcceptor::from(Arc::new(config)),
        ca_file,
    })
}

/// The CA (made once, kept in `dir`) and a server certificate it signs now for the local
/// names and `names`.
fn self_signed(
    dir: &Path,
    names: &[String],
) -> Result<(
    Vec<CertificateDer<'static>>,
    PrivateKeyDer<'static>,
    PathBuf,
)> {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
        KeyPair, KeyUsagePurpose,
    };
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    private_dir(dir)?;
    let ca_file = dir.join("ca.pem");
    let ca_key_file = dir.join("ca-key.pem");
    let ca_params = || -> Result<CertificateParams> {
        let mut p = CertificateParams::new(Vec::<String>::new())?;
        p.distinguished_name.push(DnType::CommonName, CA_NAME);
        p.distinguished_name.push(DnType::OrganizationName, "zecd");
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        p.not_before = rcgen::date_time_ymd(2024, 1, 1);
        p.not_after = rcgen::date_time_ymd(2099, 12, 31);
        Ok(p)
    };
    let ca_key = if ca_file.exists() && ca_key_file.exists() {
        let pem = std::fs::read_to_string(&ca_key_file)
            .with_context(|| format!("cannot read {}", ca_key_file.display()))?;
        KeyPair::from_pem(&pem)
            .with_context(|| format!("{} is not a key", ca_key_file.display()))?
    } else {
        let key = KeyPair::generate().context("generating the CA's key")?;
        let cert = ca_params()?
            .self_signed(&key)
            .context("signing the CA's certificate")?;
        write_private(&ca_key_file, key.serialize_pem().as_bytes())?;
        // The CA's certificate is what users trust: readable by them.
        std::fs::write(&ca_file, cert.pem())
            .with_context(|| format!("cannot write {}", ca_file.display()))?;
        tracing::info!(ca = %ca_file.display(), "made a local certificate authority");
        key
    };
    let issuer = Issuer::new(ca_params()?, ca_key);

    let mut sans: Vec<String> = LOCAL_NAMES.iter().map(|s| (*s).to_owned()).collect();
    for n in names {
        let n = n.trim();
        if !n.is_empty() && !sans.iter().any(|s| s == n) {
            sans.push(n.to_owned());
        }
    }
    let mut params = CertificateParams::new(sans.clone())
        .with_context(|| format!("a name of --tls-name is not a DNS name or address: {sans:?}"))?;
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    params.is_ca = IsCa::NoCa;
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    params.use_authority_key_identifier_extension = true;
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::days(1);
    // Under 398 days, as browsers and some TLS stacks require of server certificates.
    params.not_after = now + time::Duration::days(397);
    let key = KeyPair::generate().context("generating the server's key")?;
    let cert = params
        .signed_by(&key, &issuer)
        .context("signing the server's certificate")?;
    write_private(&dir.join("server-key.pem"), key.serialize_pem().as_bytes())?;
    std::fs::write(dir.join("server.pem"), cert.pem())
        .with_context(|| format!("cannot write {}", dir.join("server.pem").display()))?;
    let ca_der = CertificateDer::from_pem_file(&ca_file)
        .with_context(|| format!("{} is not a PEM certificate", ca_file.display()))?;
    let chain = vec![cert.der().clone(), ca_der];
    let key = PrivateKeyDer::try_from(key.serialize_der())
        .map_err(|e| anyhow::anyhow!("the server's key: {e}"))?;
    Ok((chain, key, ca_file))
}

/// The directory of keys: only its owner may enter.
fn private_dir(dir: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
        .with_context(|| format!("cannot make {} private", dir.display()))
}

/// A key file, readable by its owner only.
fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    // A file that was already there keeps its mode on open: narrowed too.
    f.set_permissions(std::fs::Permissions::from_mode(0o600))
        .with_context(|| format!("cannot make {} private", path.display()))?;
    f.write_all(bytes)
        .with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ca_is_made_once_and_server_certificates_name_what_was_asked() {
        let dir = tempfile::tempdir().unwrap();
        let tls = dir.path().join("tls");
        let source = TlsSource::SelfSigned {
            dir: tls.clone(),
            names: vec!["zecd.test".into(), "10.1.2.3".into()],
        };
        let first = load(&source).unwrap();
        let ca = std::fs::read(first.ca_file.as_ref().unwrap()).unwrap();
        let second = load(&source).unwrap();
        assert_eq!(std::fs::read(second.ca_file.unwrap()).unwrap(), ca);
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&tls), 0o700);
        assert_eq!(mode(&tls.join("ca-key.pem")), 0o600);
        assert_eq!(mode(&tls.join("server-key.pem")), 0o600);
        let server = std::fs::read_to_string(tls.join("server.pem")).unwrap();
        assert!(server.starts_with("-----BEGIN CERTIFICATE-----"));
    }

    #[test]
    fn files_that_are_not_pem_are_refused_with_their_name() {
        let dir = tempfile::tempdir().unwrap();
        let cert = dir.path().join("cert.pem");
        std::fs::write(&cert, "not a certificate").unwrap();
        let err = load(&TlsSource::Files {
            cert: cert.clone(),
            key: cert.clone(),
        })
        .err()
        .unwrap();
        assert!(format!("{err:#}").contains("cert.pem"), "{err:#}");
    }
}
