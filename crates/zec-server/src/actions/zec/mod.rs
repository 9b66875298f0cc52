//! Service `zec`: elastic compute, one folder per resource.

pub mod catalog;
pub mod instances;
pub mod network;
