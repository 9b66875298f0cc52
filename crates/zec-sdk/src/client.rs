//! The client: signs, sends, retries, and reads the envelope.

use crate::Error;
use crate::config::{Config, Credential, Scheme};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::client::legacy::Client as HttpClient;
use hyper_util::rt::TokioExecutor;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::ops::Deref;
use std::time::{SystemTime, UNIX_EPOCH};
use zec_sign::SignedParts;
use zec_types::envelope::{ErrorBody, Reply};

#[cfg(feature = "rustls")]
type Connector = hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>;
#[cfg(not(feature = "rustls"))]
type Connector = hyper_util::client::legacy::connect::HttpConnector;

/// TLS trusting exactly these CAs (DER); `None` for the public roots (or if none of them
/// is a usable certificate, which [`Config::with_ca_bundle`] has already ruled out).
#[cfg(feature = "rustls")]
fn tls_with_roots(ca_certs: Option<&Vec<Vec<u8>>>) -> Option<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    for der in ca_certs? {
        let _ = roots.add(rustls_pki_types::CertificateDer::from(der.clone()));
    }
    if roots.is_empty() {
        return None;
    }
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .ok()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Some(config)
}

const CONTENT_TYPE: &str = "application/json";
const ADMIN_PATH: &str = "/_zecd/api";
const ADMIN_VERSION: &str = "2026-11-01";

/// A successful answer: the action's response and the request id.
#[derive(Debug, Clone)]
pub struct Response<T> {
    pub request_id: String,
    pub data: T,
}

impl<T> Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.data
    }
}

/// A client of one endpoint with one credential. Cheap to clone; clones share connections.
#[derive(Clone)]
pub struct Client {
    http: HttpClient<Connector, Full<Bytes>>,
    config: Config,
    credential: Credential,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.config)
            .field("credential", &self.credential)
            .finish_non_exhaustive()
    }
}

impl Client {
    pub fn new(config: Config, credential: Credential) -> Self {
        #[cfg(feature = "rustls")]
        let connector = match tls_with_roots(config.ca_certs.as_deref()) {
            Some(tls) => hyper_rustls::HttpsConnectorBuilder::new()
                .with_tls_config(tls)
                .https_or_http()
                .enable_http1()
                .build(),
            None => hyper_rustls::HttpsConnectorBuilder::new()
                .with_webpki_roots()
                .https_or_http()
                .enable_http1()
                .build(),
        };
        #[cfg(not(feature = "rustls"))]
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let http = HttpClient::builder(TokioExecutor::new()).build(connector);
        Self {
            http,
            config,
            credential,
        }
    }

    /// A client configured from `ZENLAYERCLOUD_ACCESS_KEY_ID`, `ZENLAYERCLOUD_ACCESS_KEY_PASSWORD`,
    /// `ZENLAYERCLOUD_DOMAIN` and `ZENLAYERCLOUD_SCHEME`, as the Terraform provider reads them.
    pub fn from_env() -> Result<Self, Error> {
        Ok(Self::new(Config::from_env()?, Credential::from_env()?))
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Calls any action with any body: what the typed methods are made of. Retries on
    /// `REQUEST_LIMIT_EXCEEDED` as configured, signing each attempt afresh.
    pub async fn call<Req: Serialize + ?Sized, Resp: DeserializeOwned>(
        &self,
        service: &str,
        version: &str,
        action: &str,
        request: &Req,
    ) -> Result<Response<Resp>, Error> {
        self.call_at(
            &format!("/api/v2/{service}"),
            service,
            version,
            action,
            request,
        )
        .await
    }

    /// Calls an action of zecd's admin API (`/_zecd/api`; root credential only).
    pub async fn call_admin<Req: Serialize + ?Sized, Resp: DeserializeOwned>(
        &self,
        action: &str,
        request: &Req,
    ) -> Result<Response<Resp>, Error> {
        self.call_at(ADMIN_PATH, "admin", ADMIN_VERSION, action, request)
            .await
    }

    async fn call_at<Req: Serialize + ?Sized, Resp: DeserializeOwned>(
        &self,
        path: &str,
        service: &str,
        version: &str,
        action: &str,
        request: &Req,
    ) -> Result<Response<Resp>, Error> {
        let body = Bytes::from(
            serde_json::to_vec(request)
                .map_err(|e| Error::Config(format!("the request does not serialize: {e}")))?,
        );
        let mut attempt = 0;
        loop {
            let request = self.build_request_at(path, service, version, action, body.clone())?;
            match self.send(request).await {
                Err(Error::Api { code, .. })
                    if code == "REQUEST_LIMIT_EXCEEDED"
                        && attempt < self.config.rate_limit_retries =>
                {
                    tokio::time::sleep((self.config.retry_delay)(attempt)).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    /// The signed HTTP request for a call, as it would be sent (for a dry run).
    pub fn build_request(
        &self,
        service: &str,
        version: &str,
        action: &str,
        body: Bytes,
    ) -> Result<Request<Full<Bytes>>, Error> {
        self.build_request_at(
            &format!("/api/v2/{service}"),
            service,
            version,
            action,
            body,
        )
    }

    /// The signed HTTP request for a call of zecd's admin API.
    pub fn build_admin_request(
        &self,
        action: &str,
        body: Bytes,
    ) -> Result<Request<Full<Bytes>>, Error> {
        self.build_request_at(ADMIN_PATH, "admin", ADMIN_VERSION, action, body)
    }

    fn build_request_at(
        &self,
        path: &str,
        service: &str,
        version: &str,
        action: &str,
        body: Bytes,
    ) -> Result<Request<Full<Bytes>>, Error> {
        let domain = &self.config.domain;
        let mut b = Request::post(format!("{}://{domain}{path}", self.config.scheme.as_str()))
            .header("content-type", CONTENT_TYPE)
            .header("host", domain.as_str())
            .header("x-zc-action", action)
            .header("x-zc-version", version)
            .header("x-zc-service", service)
            .header("x-zc-sdk-lang", "rust")
            .header("x-zc-sdk-version", env!("CARGO_PKG_VERSION"));
        if let Some(client) = &self.config.request_client {
            b = b.header("x-zc-request-client", client.as_str());
        }
        match &self.credential {
            Credential::AccessKey { id, password } => {
                let timestamp = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map(|d| d.as_secs())
                    .unwrap_or(0)
                    .to_string();
                let signature = zec_sign::sign(
                    password,
                    &SignedParts {
                        content_type: CONTENT_TYPE,
                        host: domain,
                        timestamp: &timestamp,
                        body: &body,
                    },
                );
                b = b
                    .header("x-zc-signature-method", zec_sign::ALGORITHM)
                    .header("x-zc-timestamp", timestamp)
                    .header("authorization", zec_sign::authorization(id, &signature));
            }
            Credential::Bearer(token) => {
                b = b.header("authorization", format!("Bearer {token}"));
            }
        }
        b.body(Full::new(body))
            .map_err(|e| Error::Config(format!("cannot build the request: {e}")))
    }

    async fn send<Resp: DeserializeOwned>(
        &self,
        request: Request<Full<Bytes>>,
    ) -> Result<Response<Resp>, Error> {
        if self.config.scheme == Scheme::Https && !cfg!(feature = "rustls") {
            return Err(Error::Config(
                "this build of zec-sdk has no TLS (feature `rustls`); use http".into(),
            ));
        }
        let timeout = self.config.timeout;
        let host = request
            .uri()
            .authority()
            .map(|a| a.to_string())
            .unwrap_or_default();
        let exchange = async {
            let response = self
                .http
                .request(request)
                .await
                .map_err(|e| Error::Network(network_error(&e, &host)))?;
            let status = response.status().as_u16();
            let bytes = response
                .into_body()
                .collect()
                .await
                .map_err(|e| Error::Network(e.to_string()))?
                .to_bytes();
            Ok::<_, Error>((status, bytes))
        };
        let (status, bytes) = tokio::time::timeout(timeout, exchange)
            .await
            .map_err(|_| Error::Timeout(timeout))??;
        let decode = |e: serde_json::Error| Error::Decode {
            status,
            detail: e.to_string(),
        };
        if status == 200 {
            let reply: Reply<Resp> = serde_json::from_slice(&bytes).map_err(decode)?;
            Ok(Response {
                request_id: reply.request_id,
                data: reply.response,
            })
        } else {
            let e: ErrorBody = serde_json::from_slice(&bytes).map_err(decode)?;
            Err(Error::Api {
                status,
                request_id: e.request_id,
                code: e.code,
                message: e.message,
            })
        }
    }
}

/// A failed exchange, said plainly: an HTTPS request answered in plain HTTP (rustls sees a
/// record of the wrong type) is a wrong endpoint, not a corrupt network.
fn network_error(e: &dyn std::error::Error, host: &str) -> String {
    let chain = error_chain(e);
    if chain.contains("InvalidContentType") || chain.contains("received corrupt message") {
        return format!(
            "{host} answered in plain HTTP, not HTTPS: use http://{host} as the endpoint \
             (or serve HTTPS there) [{chain}]"
        );
    }
    chain
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        source = inner.source();
    }
    s
}
