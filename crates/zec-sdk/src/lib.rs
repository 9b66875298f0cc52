//! A client for the Zenlayer Cloud API 2.0 elastic compute service (ZEC) — the real cloud's
//! or a [zecd](https://github.com/zecd/zecd)'s — and the resource groups (`user`) and tags
//! (`zrm`) that go with it. It shares its wire types ([`model`]) and its signer
//! ([`zec_sign`]) with zecd.
//!
//! - [`Client`]: one typed async method per action, configured like the official SDKs
//!   (access key id and password, or a bearer token; domain and scheme, by default
//!   `console.zenlayer.com` over HTTPS; `ZENLAYERCLOUD_*` variables with [`Client::from_env`]).
//! - Errors carry the request id, code, message and HTTP status ([`Error`]).
//! - `REQUEST_LIMIT_EXCEEDED` is retried with the official SDKs' backoff (1, 2, 4 s; see
//!   [`Config`]).
//! - [`Client::paginate`] walks every page of a Describe action as a stream;
//!   [`Client::wait_instances`] waits for statuses.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use futures_util::TryStreamExt;
//! use zec_sdk::model::{CreateZecInstancesRequest, DescribeInstancesRequest};
//! use zec_sdk::{Client, Config, Credential, Wait};
//!
//! let client = Client::new(Config::local("127.0.0.1:8080"), Credential::access_key("AKID", "secret"));
//! let created = client
//!     .create_zec_instances(&CreateZecInstancesRequest {
//!         zone_id: Some("asia-east-1a".into()),
//!         image_id: Some("ubuntu2404_20240712".into()),
//!         instance_type: Some("z2a.cpu.1".into()),
//!         subnet_id: Some("1272168087751233112".into()),
//!         password: Some("Passw0rd!".into()),
//!         ..Default::default()
//!     })
//!     .await?;
//! client.wait_instances(&created.instance_id_set, &Wait::until("RUNNING"), |_| {}).await?;
//! let all: Vec<_> = client.paginate(DescribeInstancesRequest::default()).try_collect().await?;
//! println!("{} instances", all.len());
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]

mod actions;
mod client;
mod config;
mod error;
mod paginate;
mod wait;

pub use actions::{USER_VERSION, ZEC_VERSION, ZEC_VERSION_2024, ZRM_VERSION};
pub use client::{Client, Response};
pub use config::{Config, Credential, DEFAULT_DOMAIN, RetryDelay, Scheme};
pub use error::Error;
pub use paginate::{DEFAULT_PAGE_SIZE, JsonRequest, Paged};
pub use wait::{GONE, Statuses, Wait, WaitError};
pub use zec_types::model;
