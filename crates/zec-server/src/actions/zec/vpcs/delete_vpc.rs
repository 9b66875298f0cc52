//! DeleteVpc: deletes a VPC without subnets (INVALID_VPC_SUBNET_ASSOCIATED otherwise). An unknown
//! VPC is INVALID_VPC_NOT_FOUND, which Terraform takes as already deleted.

use crate::actions::allowed_groups;
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::params::required;
use zec_types::ApiError;
use zec_types::model::{DeleteVpcRequest, Empty};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: DeleteVpcRequest,
) -> Result<Reply<Empty>, ApiError> {
    let id = required("vpcId", &r.vpc_id)?.to_owned();
    app.store
        .delete_vpc(req.caller.account, id, allowed_groups(req))
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(Empty {}))
}
