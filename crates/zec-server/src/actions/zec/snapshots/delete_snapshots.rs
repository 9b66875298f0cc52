//! DeleteSnapshots: deletes snapshots (at most 100): DELETING → gone. Answers the ids it could
//! not delete (unknown, or still CREATING); if it could delete none, the call fails with the
//! first one's reason (INVALID_DISK_SNAPSHOT_NOT_FOUND, which Terraform and the CSI driver
//! take as gone, or OPERATION_DENIED_DISK_SNAPSHOT_STATUS).

use crate::actions::zec::ids_filter;
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_types::ApiError;
use zec_types::model::{DeleteSnapshotsResponse, SnapshotIdsRequest};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: SnapshotIdsRequest,
) -> Result<Reply<DeleteSnapshotsResponse>, ApiError> {
    let ids = ids_filter("snapshotIds", &r.snapshot_ids)?
        .ok_or_else(|| ApiError::missing("snapshotIds"))?;
    let failed = app
        .store
        .delete_snapshots(req.caller.account, ids, crate::actions::allowed_groups(req))
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(DeleteSnapshotsResponse {
        snapshot_ids: failed,
    }))
}
