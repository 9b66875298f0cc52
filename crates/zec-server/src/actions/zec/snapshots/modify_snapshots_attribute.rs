//! ModifySnapshotsAttribute: renames snapshots (at most 100) and changes how long they are
//! kept (`retentionTime`, or `isPermanent: true` to keep them until deleted), all or none.

use crate::actions::zec::{filter, ids_filter};
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::rules::storage;
use zec_store::network::SnapshotChange;
use zec_types::ApiError;
use zec_types::model::{Empty, ModifySnapshotsAttributeRequest};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: ModifySnapshotsAttributeRequest,
) -> Result<Reply<Empty>, ApiError> {
    let ids = ids_filter("snapshotIds", &r.snapshot_ids)?
        .ok_or_else(|| ApiError::missing("snapshotIds"))?;
    let name = match filter(&r.snapshot_name) {
        None => None,
        Some(n) => {
            storage::check_short_name("snapshotName", n)?;
            Some(n.to_owned())
        }
    };
    let retention = if r.is_permanent == Some(true) {
        Some(None)
    } else {
        match filter(&r.retention_time) {
            None => None,
            Some(t) => Some(Some(super::retention(t, app.store.now())?)),
        }
    };
    app.store
        .modify_snapshots(
            req.caller.account,
            ids,
            SnapshotChange { name, retention },
            crate::actions::allowed_groups(req),
        )
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(Empty {}))
}
