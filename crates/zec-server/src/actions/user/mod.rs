//! Service `user` (2024-05-29): resource groups.

pub mod add_resource_resource_group;
pub mod create_resource_group;
pub mod delete_resource_group;
pub mod describe_resource_groups;
pub mod modify_resource_group;
