//! DeleteEip: moves an unbound elastic IP to the recycle bin (RECYCLING → RECYCLED), or
//! destroys one already there (its address goes back to the pool). A bound EIP is
//! OPERATION_DENIED_EIP_IS_NOT_UN_ASSIGN; an unknown one OPERATION_FAILED_RESOURCE_NOT_FOUND,
//! which Terraform takes as gone.

use crate::actions::allowed_groups;
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_types::ApiError;
use zec_types::model::{EipIdRequest, Empty};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: EipIdRequest,
) -> Result<Reply<Empty>, ApiError> {
    let id = super::eip_id(&r.eip_id)?;
    app.store
        .delete_eip(req.caller.account, id, allowed_groups(req))
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(Empty {}))
}
