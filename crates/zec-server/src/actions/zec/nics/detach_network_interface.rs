//! DetachNetworkInterface: detaches a USED secondary NIC from its RUNNING instance, done
//! before the answer (AVAILABLE, `instanceId` null). A NIC that is not attached is
//! OPERATION_DENIED_NIC_NOT_EXIST_INSTANCE, which Terraform takes as done.

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
        .detach_nic(req.caller.account, id, allowed_groups(req))
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(Empty {}))
}
