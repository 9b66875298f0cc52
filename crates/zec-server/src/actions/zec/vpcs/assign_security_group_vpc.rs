//! AssignSecurityGroupVpc: binds a security group (the account's, or a shared one) to a VPC,
//! replacing the one bound before. NICs already in the VPC keep their groups; NICs made in it
//! afterwards without a group of their own get this one.

use crate::actions::allowed_groups;
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::params::required;
use zec_types::ApiError;
use zec_types::model::{AssignSecurityGroupVpcRequest, Empty};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: AssignSecurityGroupVpcRequest,
) -> Result<Reply<Empty>, ApiError> {
    let vpc = required("vpcId", &r.vpc_id)?.to_owned();
    let sg = required("securityGroupId", &r.security_group_id)?.to_owned();
    app.store
        .assign_security_group(req.caller.account, vpc, sg, allowed_groups(req))
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(Empty {}))
}
