//! AttachDisks: attaches available portable disks (at most 10) to a RUNNING or STOPPED
//! instance of their zone, all or none: ATTACHING → IN_USE, `instanceId` set at once.

use crate::actions::allowed_groups;
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::params::required;
use zec_types::ApiError;
use zec_types::model::{AttachDisksRequest, FailedDisksResponse};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: AttachDisksRequest,
) -> Result<Reply<FailedDisksResponse>, ApiError> {
    let ids = super::ids("diskIds", &r.disk_ids, 10)?;
    let instance = required("instanceId", &r.instance_id)?.to_owned();
    app.store
        .attach_disks(req.caller.account, ids, instance, allowed_groups(req))
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(FailedDisksResponse::default()))
}
