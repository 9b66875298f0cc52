//! VPCs, subnets and security groups.

pub mod describe_security_groups;
pub mod describe_subnets;
pub mod describe_vpcs;
