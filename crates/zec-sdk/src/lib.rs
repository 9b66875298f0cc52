//! A client for the Zenlayer Cloud API 2.0 elastic compute service (ZEC), the real cloud's or
//! a zecd's. It shares its wire types ([`zec_types`]) and its signer ([`zec_sign`]) with zecd.
//!
//! ```no_run
//! # async fn demo() -> Result<(), zec_sdk::Error> {
//! use zec_sdk::{Client, Config, Credential, model::DescribeInstancesStatusRequest};
//! let client = Client::new(Config::local("127.0.0.1:8080"), Credential::access_key("AKID", "secret"));
//! let page = client.describe_instances_status(&DescribeInstancesStatusRequest::default()).await?;
//! for s in &page.data_set {
//!     println!("{} {}", s.instance_id, s.instance_status);
//! }
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]

mod client;
mod error;

pub use client::{Client, Config, Credential, Response, Scheme};
pub use error::Error;
pub use zec_types::model;
