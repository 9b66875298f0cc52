//! UnAssignSecurityGroupVpc: unbinds a VPC's security group; its `securityGroupId` becomes
//! null. A VPC with none bound is OPERATION_DENIED_VPC_NOT_EXIST_SECURITY_GROUP; the
//! `securityGroupId` 2024-04-01 clients send must be the bound one
//! (INVALID_VPC_SECURITY_GROUP_MISMATCH).

use crate::actions::allowed_groups;
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::params::required;
use zec_types::ApiError;
use zec_types::model::{Empty, UnAssignSecurityGroupVpcRequest};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: UnAssignSecurityGroupVpcRequest,
) -> Result<Reply<Empty>, ApiError> {
    let vpc = required("vpcId", &r.vpc_id)?.to_owned();
    let sg = r.security_group_id.clone().filter(|s| !s.is_empty());
    app.store
        .unassign_security_group(req.caller.account, vpc, sg, allowed_groups(req))
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(Empty {}))
}
