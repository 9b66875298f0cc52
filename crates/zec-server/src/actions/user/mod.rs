//! Service `user` (2024-05-29): resource groups.

pub mod resource_groups;
