//! AttachNetworkInterface: attaches an AVAILABLE NIC to a RUNNING instance of its region (at
//! most 8 NICs per instance): `instanceId` set at once, ATTACHING → USED.

use crate::actions::allowed_groups;
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::params::required;
use zec_types::ApiError;
use zec_types::model::{AttachNetworkInterfaceRequest, Empty};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: AttachNetworkInterfaceRequest,
) -> Result<Reply<Empty>, ApiError> {
    let id = super::nic_id(&r.nic_id)?;
    let instance = required("instanceId", &r.instance_id)?.to_owned();
    app.store
        .attach_nic(req.caller.account, id, instance, allowed_groups(req))
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(Empty {}))
}
