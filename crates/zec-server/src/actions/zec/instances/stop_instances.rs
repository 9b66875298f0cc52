//! StopInstances: RUNNING → STOPPING → STOPPED. `forceShutdown` (absent: forced) changes how
//! the guest is told to stop, not how long the phase takes.

use crate::App;
use crate::request::{Reply, VerifiedRequest};
use zec_core::{Change, Operation};
use zec_types::ApiError;
use zec_types::model::{InstanceBatchResponse, StopInstancesRequest};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: StopInstancesRequest,
) -> Result<Reply<InstanceBatchResponse>, ApiError> {
    let ids = crate::actions::batch_ids(r.instance_ids.as_deref())?;
    let (_, failed) =
        crate::actions::operate(app, req, ids.clone(), Operation::Stop, Change::None).await?;
    if let Some(guests) = &app.guests
        && r.force_shutdown.unwrap_or(true)
    {
        // A real guest that is stopping is powered off rather than asked to shut down.
        let stopping: Vec<u64> = ids
            .iter()
            .copied()
            .filter(|id| !failed.contains(&id.to_string()))
            .collect();
        guests.force_stop(&stopping);
    }
    Ok(Reply::Json(InstanceBatchResponse {
        instance_ids: failed,
    }))
}
