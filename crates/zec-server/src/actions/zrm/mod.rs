//! Service `zrm` (2025-10-14): tags.

pub mod modify_resource_tags;
