//! Request and response models, one module per area, field names exactly as the official SDKs
//! spell them (camelCase). Requests treat every field as optional, as the SDKs do (absent ≡ null);
//! the server decides what is required. Responses always carry nested objects and lists (never
//! null), because the Python SDK leaves an attribute undefined when a nested value is missing.

mod admin;
mod catalog;
mod ccs;
mod common;
mod create;
mod eip;
mod instance;
mod lifecycle;
mod network;
mod storage;
mod tenancy;

pub use admin::*;
pub use catalog::*;
pub use ccs::*;
pub use common::*;
pub use create::*;
pub use eip::*;
pub use instance::*;
pub use lifecycle::*;
pub use network::*;
pub use storage::*;
pub use tenancy::*;
