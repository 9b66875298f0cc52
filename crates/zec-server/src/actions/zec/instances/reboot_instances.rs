//! RebootInstances: RUNNING → REBOOT → RUNNING; with `forceReboot`, also from BOOTING or REBOOT.

use crate::App;
use crate::request::{Reply, VerifiedRequest};
use zec_core::{Change, Operation};
use zec_types::ApiError;
use zec_types::model::{InstanceBatchResponse, RebootInstancesRequest};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: RebootInstancesRequest,
) -> Result<Reply<InstanceBatchResponse>, ApiError> {
    let ids = crate::actions::batch_ids(r.instance_ids.as_deref())?;
    let op = Operation::Reboot {
        force: r.force_reboot.unwrap_or(false),
    };
    let (_, failed) = crate::actions::operate(app, req, ids, op, Change::None).await?;
    Ok(Reply::Json(InstanceBatchResponse {
        instance_ids: failed,
    }))
}
