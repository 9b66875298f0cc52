//! Security groups and their rules: the account's own, and the catalog's, shared (their rules
//! cannot be changed). A group's NICs (`nicIdList`) and bound VPCs (`vpcIds`) are read from
//! the indexes at the moment of the answer, so they are exact.

pub mod configure_security_group_rules;
pub mod create_security_group;
pub mod delete_security_group;
pub mod describe_security_group_rule;
pub mod describe_security_groups;
pub mod modify_security_groups_attribute;

use zec_core::Atom;
use zec_core::clock::format_api_time;
use zec_store::{SecurityGroup, View};
use zec_types::model::SecurityGroupInfo;

/// `securityGroupName`, checked.
pub fn name(value: &Option<String>) -> Result<String, zec_types::ApiError> {
    let name = value
        .as_deref()
        .ok_or_else(|| zec_types::ApiError::missing("securityGroupName"))?;
    zec_core::rules::network::check_security_group_name("securityGroupName", name)?;
    Ok(name.to_owned())
}

/// A security group as DescribeSecurityGroups shows it to the account.
pub fn info(view: &View<'_>, g: &SecurityGroup, groups: Option<&[Atom]>) -> SecurityGroupInfo {
    SecurityGroupInfo {
        security_group_id: g.id.clone(),
        security_group_name: g.name.clone(),
        scope: "Global".into(),
        create_time: format_api_time(g.created_at),
        vpc_ids: view
            .vpcs_bound_to(&g.id)
            .iter()
            .map(|v| v.id.clone())
            .collect(),
        is_default: view.is_default(&g.id),
        nic_id_list: view
            .nics_where("securityGroupId", &g.id)
            .filter(|n| groups.is_none_or(|gs| gs.iter().any(|x| **x == *n.resource_group_id)))
            .map(|n| n.id.to_string())
            .collect(),
        nat_id_list: Vec::new(),
        load_balancer_id_list: Vec::new(),
        ha_vip_id_list: Vec::new(),
    }
}
