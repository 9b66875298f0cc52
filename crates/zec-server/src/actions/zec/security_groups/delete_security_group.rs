//! DeleteSecurityGroup: deletes a security group that no NIC uses and no VPC is bound to. An
//! unknown group is OPERATION_FAILED_RESOURCE_NOT_FOUND, which Terraform takes as already
//! deleted.

use crate::actions::zec::check_account_wide;
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::params::required;
use zec_types::ApiError;
use zec_types::model::{Empty, SecurityGroupIdRequest};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: SecurityGroupIdRequest,
) -> Result<Reply<Empty>, ApiError> {
    check_account_wide(req, "security groups")?;
    let id = required("securityGroupId", &r.security_group_id)?.to_owned();
    app.store
        .delete_security_group(req.caller.account, id)
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(Empty {}))
}
