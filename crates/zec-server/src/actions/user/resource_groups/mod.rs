//! Resource groups: every account has a default one; instances live in exactly one.

pub mod add_resource_resource_group;
pub mod create_resource_group;
pub mod delete_resource_group;
pub mod describe_resource_groups;
pub mod modify_resource_group;
