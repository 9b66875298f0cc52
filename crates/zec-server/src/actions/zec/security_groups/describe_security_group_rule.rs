//! DescribeSecurityGroupRule: a security group's rules, exactly as they were configured, split
//! by direction. Both lists are always present (Terraform reads the egress rules only when the
//! ingress list is not null).

use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::params::required;
use zec_core::rules;
use zec_types::ApiError;
use zec_types::model::{DescribeSecurityGroupRuleResponse, RuleInfo, SecurityGroupIdRequest};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: SecurityGroupIdRequest,
) -> Result<Reply<DescribeSecurityGroupRuleResponse>, ApiError> {
    let id = required("securityGroupId", &r.security_group_id)?;
    let view = app
        .store
        .view(req.caller.account)
        .await
        .map_err(store_error)?;
    let sg = view
        .security_group(id)
        .ok_or_else(|| rules::found::security_group(id))?;
    let of = |direction: &str| -> Vec<RuleInfo> {
        sg.rules
            .iter()
            .filter(|r| r.direction == direction)
            .map(|r| RuleInfo {
                direction: r.direction.clone(),
                policy: r.policy.clone(),
                priority: r.priority,
                ip_protocol: r.ip_protocol.clone(),
                port_range: r.port_range.clone(),
                cidr_ip: r.cidr_ip.clone(),
                desc: r.desc.clone(),
            })
            .collect()
    };
    Ok(Reply::Json(DescribeSecurityGroupRuleResponse {
        ingress_rule_list: of("ingress"),
        egress_rule_list: of("egress"),
    }))
}
