use crate::Error;
use crate::error::Redacted;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::client::legacy::Client as HttpClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt;
use std::ops::Deref;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use zec_sign::SignedParts;
use zec_types::envelope::{ErrorBody, Reply};
use zec_types::model::*;

/// The zec API version this client speaks.
pub const ZEC_VERSION: &str = "2025-09-01";
const ADMIN_PATH: &str = "/_zecd/api";
const ADMIN_VERSION: &str = "2026-11-01";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Http,
    Https,
}

impl Scheme {
    fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }
}

/// Where to send requests and how patiently.
#[derive(Debug, Clone)]
pub struct Config {
    pub scheme: Scheme,
    /// Host and optional port, e.g. `console.zenlayer.com` or `127.0.0.1:8080`; also what is
    /// signed as `host`.
    pub domain: String,
    pub timeout: Duration,
    /// Retries on `REQUEST_LIMIT_EXCEEDED`, sleeping 1, 2, 4 … seconds as the official SDKs do.
    pub rate_limit_retries: u32,
}

impl Config {
    /// A zecd on this machine, over plain HTTP.
    pub fn local(domain: &str) -> Self {
        Self {
            scheme: Scheme::Http,
            domain: domain.to_owned(),
            timeout: Duration::from_secs(60),
            rate_limit_retries: 3,
        }
    }
}

/// How a client proves who it is.
#[derive(Clone)]
pub enum Credential {
    /// An access key id and password, for ZC2-HMAC-SHA256.
    AccessKey { id: String, password: String },
    /// A bearer token (`pat_…`).
    Bearer(String),
}

impl Credential {
    pub fn access_key(id: &str, password: &str) -> Self {
        Self::AccessKey {
            id: id.trim().to_owned(),
            password: password.trim().to_owned(),
        }
    }

    pub fn bearer(token: &str) -> Self {
        Self::Bearer(token.trim().to_owned())
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

#[derive(Clone)]
pub struct Client {
    http: HttpClient<HttpConnector, Full<Bytes>>,
    config: Config,
    credential: Credential,
}

impl Client {
    pub fn new(config: Config, credential: Credential) -> Self {
        let http = HttpClient::builder(TokioExecutor::new()).build_http();
        Self {
            http,
            config,
            credential,
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Calls any action with any body: what the typed methods are made of.
    pub async fn call<Req: Serialize, Resp: DeserializeOwned>(
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
    pub async fn call_admin<Req: Serialize, Resp: DeserializeOwned>(
        &self,
        action: &str,
        request: &Req,
    ) -> Result<Response<Resp>, Error> {
        self.call_at(ADMIN_PATH, "admin", ADMIN_VERSION, action, request)
            .await
    }

    async fn call_at<Req: Serialize, Resp: DeserializeOwned>(
        &self,
        path: &str,
        service: &str,
        version: &str,
        action: &str,
        request: &Req,
    ) -> Result<Response<Resp>, Error> {
        let body = Bytes::from(serde_json::to_vec(request).map_err(|e| Error::Decode {
            status: 0,
            detail: format!("request does not serialize: {e}"),
        })?);
        let mut attempt = 0;
        loop {
            match self
                .send(path, service, version, action, body.clone())
                .await
            {
                Err(Error::Api { code, .. })
                    if code == "REQUEST_LIMIT_EXCEEDED"
                        && attempt < self.config.rate_limit_retries =>
                {
                    tokio::time::sleep(Duration::from_secs(1 << attempt.min(16))).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    /// The signed HTTP request for a call (for inspection, e.g. a dry run).
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

    fn build_request_at(
        &self,
        path: &str,
        service: &str,
        version: &str,
        action: &str,
        body: Bytes,
    ) -> Result<Request<Full<Bytes>>, Error> {
        const CONTENT_TYPE: &str = "application/json";
        let domain = &self.config.domain;
        let mut b = Request::post(format!("{}://{domain}{path}", self.config.scheme.as_str()))
            .header("content-type", CONTENT_TYPE)
            .header("host", domain.as_str())
            .header("x-zc-action", action)
            .header("x-zc-version", version)
            .header("x-zc-service", service)
            .header("x-zc-sdk-lang", "rust")
            .header("x-zc-sdk-version", env!("CARGO_PKG_VERSION"));
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
            .map_err(|e| Error::Network(format!("cannot build the request: {e}")))
    }

    async fn send<Resp: DeserializeOwned>(
        &self,
        path: &str,
        service: &str,
        version: &str,
        action: &str,
        body: Bytes,
    ) -> Result<Response<Resp>, Error> {
        let request = self.build_request_at(path, service, version, action, body)?;
        let timeout = self.config.timeout;
        let exchange = async {
            let response = self
                .http
                .request(request)
                .await
                .map_err(|e| Error::Network(e.to_string()))?;
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

macro_rules! actions {
    ($service:literal, $version:expr; $($(#[$doc:meta])* $method:ident => $action:literal ($req:ty) -> $resp:ty;)*) => {
        impl Client {
            $(
                $(#[$doc])*
                pub async fn $method(&self, request: &$req) -> Result<Response<$resp>, Error> {
                    self.call($service, $version, $action, request).await
                }
            )*
        }
    };
}

/// The `user` API version this client speaks.
pub const USER_VERSION: &str = "2024-05-29";
/// The `zrm` API version this client speaks.
pub const ZRM_VERSION: &str = "2025-10-14";

actions! {
    "user", USER_VERSION;
    describe_resource_groups => "DescribeResourceGroups" (Empty) -> DescribeResourceGroupsResponse;
    create_resource_group => "CreateResourceGroup" (CreateResourceGroupRequest) -> ResourceGroup;
    modify_resource_group => "ModifyResourceGroup" (ModifyResourceGroupRequest) -> ResourceGroup;
    /// Deletes an empty resource group.
    delete_resource_group => "DeleteResourceGroup" (DeleteResourceGroupRequest) -> Empty;
    add_resource_resource_group => "AddResourceResourceGroup"
        (AddResourceResourceGroupRequest) -> Empty;
}

actions! {
    "zrm", ZRM_VERSION;
    modify_resource_tags => "ModifyResourceTags" (ModifyResourceTagsRequest) -> Empty;
}

actions! {
    "zec", ZEC_VERSION;
    /// The status of instances (paged; `instanceIds` up to 100).
    describe_instances_status => "DescribeInstancesStatus"
        (DescribeInstancesStatusRequest) -> DescribeInstancesStatusResponse;
    describe_instances => "DescribeInstances"
        (DescribeInstancesRequest) -> DescribeInstancesResponse;
    create_zec_instances => "CreateZecInstances"
        (CreateZecInstancesRequest) -> CreateZecInstancesResponse;
    describe_zones => "DescribeZones" (DescribeZonesRequest) -> DescribeZonesResponse;
    describe_zone_instance_config_infos => "DescribeZoneInstanceConfigInfos"
        (DescribeZoneInstanceConfigInfosRequest) -> DescribeZoneInstanceConfigInfosResponse;
    describe_images => "DescribeImages" (DescribeImagesRequest) -> DescribeImagesResponse;
    describe_vpcs => "DescribeVpcs" (DescribeVpcsRequest) -> DescribeVpcsResponse;
    describe_subnets => "DescribeSubnets" (DescribeSubnetsRequest) -> DescribeSubnetsResponse;
    describe_security_groups => "DescribeSecurityGroups"
        (DescribeSecurityGroupsRequest) -> DescribeSecurityGroupsResponse;
    /// Powers on STOPPED instances; answers the ids it could not start.
    start_instances => "StartInstances" (StartInstancesRequest) -> InstanceBatchResponse;
    stop_instances => "StopInstances" (StopInstancesRequest) -> InstanceBatchResponse;
    reboot_instances => "RebootInstances" (RebootInstancesRequest) -> InstanceBatchResponse;
    /// Moves instances to the recycle bin, or destroys instances already there.
    release_instances => "ReleaseInstances" (ReleaseInstancesRequest) -> InstanceBatchResponse;
    modify_instances_attribute => "ModifyInstancesAttribute"
        (ModifyInstancesAttributeRequest) -> Empty;
    modify_instance_type => "ModifyInstanceType"
        (ModifyInstanceTypeRequest) -> ModifyInstanceTypeResponse;
    reset_instance => "ResetInstance" (ResetInstanceRequest) -> Empty;
    reset_instance_password => "ResetInstancePassword" (ResetInstancePasswordRequest) -> Empty;
    start_ip_forward => "StartIpForward" (InstanceIdRequest) -> Empty;
    stop_ip_forward => "StopIpForward" (InstanceIdRequest) -> Empty;
}

actions! {
    "zec", "2024-04-01";
    /// zec 2024-04-01 only.
    modify_instances_resource_group => "ModifyInstancesResourceGroup"
        (ModifyInstancesResourceGroupRequest) -> Empty;
}
