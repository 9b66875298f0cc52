//! DeleteSubnet: deletes a subnet no NIC uses (an instance's NIC goes when the instance is
//! purged from the recycle bin). An unknown subnet is OPERATION_FAILED_RESOURCE_NOT_FOUND, which
//! Terraform takes as already deleted.

use crate::actions::allowed_groups;
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::params::required;
use zec_types::ApiError;
use zec_types::model::{DeleteSubnetRequest, Empty};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: DeleteSubnetRequest,
) -> Result<Reply<Empty>, ApiError> {
    let id = required("subnetId", &r.subnet_id)?.to_owned();
    app.store
        .delete_subnet(req.caller.account, id, allowed_groups(req))
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(Empty {}))
}
