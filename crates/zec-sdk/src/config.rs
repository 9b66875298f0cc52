//! Where a client sends requests, how patiently, and as whom.

use crate::Error;
use crate::error::Redacted;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The real cloud's API domain.
pub const DEFAULT_DOMAIN: &str = "console.zenlayer.com";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Http,
    Https,
}

impl Scheme {
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }

    /// `http` or `https`, in any case (Terraform's `ZENLAYERCLOUD_SCHEME` is `HTTP`/`HTTPS`).
    pub fn parse(s: &str) -> Result<Self, Error> {
        match s.to_ascii_lowercase().as_str() {
            "http" => Ok(Scheme::Http),
            "https" => Ok(Scheme::Https),
            other => Err(Error::Config(format!(
                "scheme `{other}` is neither http nor https"
            ))),
        }
    }
}

/// The wait before the n-th retry (n from 0).
pub type RetryDelay = Arc<dyn Fn(u32) -> Duration + Send + Sync>;

/// Where to send requests and how patiently. [`Config::default`] is the real cloud over HTTPS.
#[derive(Clone)]
pub struct Config {
    pub scheme: Scheme,
    /// Host and optional port, e.g. `console.zenlayer.com` or `127.0.0.1:8080`; also what is
    /// signed as `host`.
    pub domain: String,
    /// For the whole exchange of one attempt.
    pub timeout: Duration,
    /// Retries on `REQUEST_LIMIT_EXCEEDED` (0: none).
    pub rate_limit_retries: u32,
    /// Sleep before each retry; the official SDKs' 1, 2, 4 … seconds by default.
    pub retry_delay: RetryDelay,
    /// Sent as `x-zc-request-client` (the Terraform provider sends `Terraform-latest`).
    pub request_client: Option<String>,
    /// Trust only these certificate authorities (DER) over HTTPS, instead of the public
    /// roots: a zecd's own CA (see [`Config::with_ca_bundle`]).
    pub ca_certs: Option<Arc<Vec<Vec<u8>>>>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            scheme: Scheme::Https,
            domain: DEFAULT_DOMAIN.to_owned(),
            timeout: Duration::from_secs(60),
            rate_limit_retries: 3,
            retry_delay: Arc::new(|n| Duration::from_secs(1 << n.min(16))),
            request_client: None,
            ca_certs: None,
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("scheme", &self.scheme)
            .field("domain", &self.domain)
            .field("timeout", &self.timeout)
            .field("rate_limit_retries", &self.rate_limit_retries)
            .field("request_client", &self.request_client)
            .field("ca_certs", &self.ca_certs.as_ref().map(|c| c.len()))
            .finish_non_exhaustive()
    }
}

impl Config {
    /// A zecd on this machine, over plain HTTP, e.g. `Config::local("127.0.0.1:8080")`.
    pub fn local(domain: &str) -> Self {
        Self {
            scheme: Scheme::Http,
            domain: domain.to_owned(),
            ..Self::default()
        }
    }

    /// The defaults, with `ZENLAYERCLOUD_DOMAIN` and `ZENLAYERCLOUD_SCHEME` applied as the
    /// official tools apply them.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_vars(|k| std::env::var(k).ok())
    }

    /// As [`Config::from_env`], reading variables through `var`.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let mut c = Self::default();
        if let Some(d) = var("ZENLAYERCLOUD_DOMAIN").filter(|d| !d.is_empty()) {
            c.domain = d;
        }
        if let Some(s) = var("ZENLAYERCLOUD_SCHEME").filter(|s| !s.is_empty()) {
            c.scheme = Scheme::parse(&s)?;
        }
        Ok(c)
    }

    /// Trusts the certificate authorities of a PEM file (and no others) over HTTPS, as
    /// `--ca-bundle` does for the official CLIs: e.g. the CA `zecd serve --tls self-signed`
    /// prints.
    #[cfg(feature = "rustls")]
    pub fn with_ca_bundle(mut self, path: &std::path::Path) -> Result<Self, Error> {
        use rustls_pki_types::CertificateDer;
        use rustls_pki_types::pem::PemObject;
        let certs = CertificateDer::pem_file_iter(path)
            .and_then(|it| it.collect::<Result<Vec<_>, _>>())
            .map_err(|e| {
                Error::Config(format!(
                    "CA bundle {}: not a PEM certificate file ({e})",
                    path.display()
                ))
            })?;
        if certs.is_empty() {
            return Err(Error::Config(format!(
                "CA bundle {} holds no certificate",
                path.display()
            )));
        }
        self.ca_certs = Some(Arc::new(certs.into_iter().map(|c| c.to_vec()).collect()));
        Ok(self)
    }

    /// Points at an endpoint given as `host[:port]` (HTTPS) or a URL `http(s)://host[:port]`.
    pub fn with_endpoint(mut self, endpoint: &str) -> Result<Self, Error> {
        let (scheme, rest) = match endpoint.split_once("://") {
            Some((s, rest)) => (Scheme::parse(s)?, rest),
            None => (Scheme::Https, endpoint),
        };
        let domain = rest.trim_end_matches('/');
        if domain.is_empty() || domain.contains('/') {
            return Err(Error::Config(format!(
                "endpoint `{endpoint}` is not host[:port] or scheme://host[:port]"
            )));
        }
        self.scheme = scheme;
        self.domain = domain.to_owned();
        Ok(self)
    }

    /// The delay before retry `n` is `delay(n)` (e.g. `|_| Duration::ZERO` in tests).
    pub fn with_retry_delay(
        mut self,
        delay: impl Fn(u32) -> Duration + Send + Sync + 'static,
    ) -> Self {
        self.retry_delay = Arc::new(delay);
        self
    }
}

/// How a client proves who it is.
#[derive(Clone, PartialEq, Eq)]
pub enum Credential {
    /// An access key id and password, for ZC2-HMAC-SHA256.
    AccessKey { id: String, password: String },
    /// A bearer token (`pat_…`).
    Bearer(String),
}

impl Credential {
    /// Surrounding whitespace is dropped, as the Python SDK does.
    pub fn access_key(id: &str, password: &str) -> Self {
        Self::AccessKey {
            id: id.trim().to_owned(),
            password: password.trim().to_owned(),
        }
    }

    pub fn bearer(token: &str) -> Self {
        Self::Bearer(token.trim().to_owned())
    }

    /// `ZENLAYERCLOUD_ACCESS_KEY_ID` and `ZENLAYERCLOUD_ACCESS_KEY_PASSWORD`.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_vars(|k| std::env::var(k).ok())
    }

    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let get = |k: &str| var(k).filter(|v| !v.trim().is_empty());
        match (
            get("ZENLAYERCLOUD_ACCESS_KEY_ID"),
            get("ZENLAYERCLOUD_ACCESS_KEY_PASSWORD"),
        ) {
            (Some(id), Some(password)) => Ok(Self::access_key(&id, &password)),
            _ => Err(Error::Config(
                "ZENLAYERCLOUD_ACCESS_KEY_ID and ZENLAYERCLOUD_ACCESS_KEY_PASSWORD must both be set"
                    .into(),
            )),
        }
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credential::AccessKey { id, password } => f
                .debug_struct("AccessKey")
                .field("id", id)
                .field("password", &Redacted(password))
                .finish(),
            Credential::Bearer(t) => f.debug_tuple("Bearer").field(&Redacted(t)).finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn defaults_are_the_real_cloud_and_the_environment_overrides_them() {
        let c = Config::from_vars(vars(&[])).unwrap();
        assert_eq!(
            (c.scheme, c.domain.as_str()),
            (Scheme::Https, DEFAULT_DOMAIN)
        );
        let c = Config::from_vars(vars(&[
            ("ZENLAYERCLOUD_DOMAIN", "127.0.0.1:8080"),
            ("ZENLAYERCLOUD_SCHEME", "HTTP"),
        ]))
        .unwrap();
        assert_eq!(
            (c.scheme, c.domain.as_str()),
            (Scheme::Http, "127.0.0.1:8080")
        );
        assert!(Config::from_vars(vars(&[("ZENLAYERCLOUD_SCHEME", "ftp")])).is_err());
        assert_eq!((c.retry_delay)(2), Duration::from_secs(4));
    }

    #[test]
    fn endpoints_are_hosts_or_urls() {
        let c = Config::default()
            .with_endpoint("http://127.0.0.1:8080/")
            .unwrap();
        assert_eq!(
            (c.scheme, c.domain.as_str()),
            (Scheme::Http, "127.0.0.1:8080")
        );
        let c = Config::default().with_endpoint("api.example.com").unwrap();
        assert_eq!(
            (c.scheme, c.domain.as_str()),
            (Scheme::Https, "api.example.com")
        );
        assert!(Config::default().with_endpoint("http://h/path").is_err());
        assert!(Config::default().with_endpoint("").is_err());
    }

    #[test]
    fn credentials_come_from_both_variables_and_never_print() {
        let c = Credential::from_vars(vars(&[
            ("ZENLAYERCLOUD_ACCESS_KEY_ID", " AKID "),
            ("ZENLAYERCLOUD_ACCESS_KEY_PASSWORD", "secret"),
        ]))
        .unwrap();
        assert_eq!(c, Credential::access_key("AKID", "secret"));
        assert!(!format!("{c:?}").contains("secret"));
        assert!(Credential::from_vars(vars(&[("ZENLAYERCLOUD_ACCESS_KEY_ID", "A")])).is_err());
    }
}
