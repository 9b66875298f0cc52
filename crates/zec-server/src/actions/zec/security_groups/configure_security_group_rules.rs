//! ConfigureSecurityGroupRules: replaces a security group's rules with the set given (none
//! without `ruleInfos`: how Terraform clears them). Each rule is checked (direction, policy
//! accept or deny, protocol, ports, CIDR, priority 1-100, description), no rule twice in one
//! direction, at most 100 per direction; then kept verbatim.

use crate::actions::zec::check_account_wide;
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::params::required;
use zec_core::rules::network::check_rules;
use zec_types::ApiError;
use zec_types::model::{ConfigureSecurityGroupRulesRequest, Empty};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: ConfigureSecurityGroupRulesRequest,
) -> Result<Reply<Empty>, ApiError> {
    check_account_wide(req, "security groups")?;
    let id = required("securityGroupId", &r.security_group_id)?.to_owned();
    let rules = check_rules(r.rule_infos.as_deref().unwrap_or_default())?;
    app.store
        .configure_rules(req.caller.account, id, rules)
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(Empty {}))
}
