//! CreateSecurityGroup: a security group of the account (scope `Global`), with the rules given
//! (none otherwise: rules are set with ConfigureSecurityGroupRules).

use crate::actions::zec::check_account_wide;
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::params::one_of;
use zec_core::rules::network::check_rules;
use zec_types::ApiError;
use zec_types::model::{CreateSecurityGroupRequest, CreateSecurityGroupResponse};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: CreateSecurityGroupRequest,
) -> Result<Reply<CreateSecurityGroupResponse>, ApiError> {
    check_account_wide(req, "security groups")?;
    let name = super::name(&r.security_group_name)?;
    if let Some(scope) = r.scope.as_deref().filter(|s| !s.is_empty()) {
        one_of("scope", scope, &["Global"])?;
    }
    let rules = check_rules(r.rule_infos.as_deref().unwrap_or_default())?;
    let sg = app
        .store
        .create_security_group(req.caller.account, name, rules)
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(CreateSecurityGroupResponse {
        security_group_id: sg.id,
    }))
}
