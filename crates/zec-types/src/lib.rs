//! Wire types of the Zenlayer Cloud API 2.0 as zecd serves it: services and actions, the
//! error-code table, instance statuses, the response envelope, and the request and response
//! models of every action. No I/O; shared by the server and the SDK.

#![forbid(unsafe_code)]

pub mod action;
pub mod envelope;
pub mod error;
pub mod model;
pub mod shape;
pub mod status;

pub use action::{Action, Service};
pub use error::{ApiError, ErrorCode};
pub use status::InstanceStatus;
