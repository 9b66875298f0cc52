//! Tags on resources.

pub mod modify_resource_tags;
