//! DetachDisks: detaches portable disks (at most 10, all of one instance): DETACHING →
//! AVAILABLE, `instanceId` null at once. With `instanceCheckFlag` true (the default) the
//! instance must be STOPPED; Terraform and the CSI driver send false and detach from running
//! instances.

use crate::actions::allowed_groups;
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_types::ApiError;
use zec_types::model::{DetachDisksRequest, FailedDisksResponse};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: DetachDisksRequest,
) -> Result<Reply<FailedDisksResponse>, ApiError> {
    let ids = super::ids("diskIds", &r.disk_ids, 10)?;
    app.store
        .detach_disks(
            req.caller.account,
            ids,
            r.instance_check_flag.unwrap_or(true),
            allowed_groups(req),
        )
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(FailedDisksResponse::default()))
}
