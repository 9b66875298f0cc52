//! DeleteNetworkInterface: deletes a detached secondary NIC at once, its addresses free again.
//! An unknown NIC is OPERATION_FAILED_RESOURCE_NOT_FOUND (Terraform takes it as gone); a
//! primary NIC goes only with its instance.

use crate::actions::allowed_groups;
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_types::ApiError;
use zec_types::model::{Empty, NicIdRequest};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: NicIdRequest,
) -> Result<Reply<Empty>, ApiError> {
    let id = super::nic_id(&r.nic_id)?;
    app.store
        .delete_nic(req.caller.account, id, allowed_groups(req))
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(Empty {}))
}
