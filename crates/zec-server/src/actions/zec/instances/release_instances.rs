//! ReleaseInstances: the first release moves an instance to the recycle bin
//! (RELEASING → RECYCLE); releasing it from there destroys it (RECYCLING → gone). Its system
//! disk, the disks made with it, its primary NIC and its own addresses go with it. What was
//! attached afterwards (portable disks, secondary NICs, EIPs bound to its NICs) is released
//! too when the release that began the purge said `dependResource` (2025-09-01: default
//! true; 2024-04-01 has no such field: false), else detached and kept.

use crate::App;
use crate::request::{Reply, VerifiedRequest};
use zec_core::{Change, Operation};
use zec_types::ApiError;
use zec_types::model::{InstanceBatchResponse, ReleaseInstancesRequest};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: ReleaseInstancesRequest,
) -> Result<Reply<InstanceBatchResponse>, ApiError> {
    let ids = crate::actions::batch_ids(r.instance_ids.as_deref())?;
    let depend_resource = r.depend_resource.unwrap_or(req.version != "2024-04-01");
    let change = Change::Release { depend_resource };
    let (_, failed) = crate::actions::operate(app, req, ids, Operation::Release, change).await?;
    Ok(Reply::Json(InstanceBatchResponse {
        instance_ids: failed,
    }))
}
