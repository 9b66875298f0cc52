//! Instances: their lifecycle, attributes and listings.

pub mod create_zec_instances;
pub mod describe_instances;
pub mod describe_instances_status;
pub mod modify_instance_type;
pub mod modify_instances_attribute;
pub mod modify_instances_resource_group;
pub mod reboot_instances;
pub mod release_instances;
pub mod reset_instance;
pub mod reset_instance_password;
pub mod start_instances;
pub mod start_ip_forward;
pub mod stop_instances;
pub mod stop_ip_forward;
