//! ModifySecurityGroupsAttribute: renames security groups (at most 100), all or none.

use crate::actions::zec::{check_account_wide, ids_filter};
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_types::ApiError;
use zec_types::model::{Empty, ModifySecurityGroupsAttributeRequest};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: ModifySecurityGroupsAttributeRequest,
) -> Result<Reply<Empty>, ApiError> {
    check_account_wide(req, "security groups")?;
    let ids = ids_filter("securityGroupIds", &r.security_group_ids)?
        .ok_or_else(|| ApiError::missing("securityGroupIds"))?;
    let name = super::name(&r.security_group_name)?;
    app.store
        .rename_security_groups(req.caller.account, ids, name)
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(Empty {}))
}
