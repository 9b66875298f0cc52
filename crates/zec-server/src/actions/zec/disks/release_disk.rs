//! ReleaseDisk: moves a detached portable disk to the recycle bin (RECYCLING → RECYCLED), or
//! destroys one already there. An unknown disk is OPERATION_FAILED_RESOURCE_NOT_FOUND, which
//! Terraform and the CSI driver both take as gone.

use crate::actions::allowed_groups;
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::params::required;
use zec_types::ApiError;
use zec_types::model::{DiskIdRequest, Empty};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: DiskIdRequest,
) -> Result<Reply<Empty>, ApiError> {
    let id = required("diskId", &r.disk_id)?.to_owned();
    app.store
        .release_disk(req.caller.account, id, allowed_groups(req))
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(Empty {}))
}
