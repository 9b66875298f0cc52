//! CreateSnapshot: a snapshot of an AVAILABLE or IN_USE data disk, CREATING → AVAILABLE
//! (FAILED when a fault rule says so), kept until deleted or until its `retentionTime`.

use crate::actions::allowed_groups;
use crate::actions::zec::filter;
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::params::required;
use zec_core::rules::storage;
use zec_types::ApiError;
use zec_types::model::{CreateSnapshotRequest, CreateSnapshotResponse};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: CreateSnapshotRequest,
) -> Result<Reply<CreateSnapshotResponse>, ApiError> {
    let disk = required("diskId", &r.disk_id)?.to_owned();
    let name = required("snapshotName", &r.snapshot_name)?;
    storage::check_short_name("snapshotName", name)?;
    let retention = match filter(&r.retention_time) {
        None => None,
        Some(t) => Some(super::retention(t, app.store.now())?),
    };
    let s = app
        .store
        .create_snapshot(
            req.caller.account,
            disk,
            name.to_owned(),
            retention,
            allowed_groups(req),
        )
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(CreateSnapshotResponse {
        snapshot_id: s.id.to_string(),
    }))
}
