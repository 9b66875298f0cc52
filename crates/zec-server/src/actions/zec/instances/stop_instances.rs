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
    // A real guest that is stopping is powered off rather than asked to shut down: marked
    // before the stop is written, so that the driver never presses the power button first.
    let forced = app
        .guests
        .as_ref()
        .filter(|_| r.force_shutdown.unwrap_or(true));
    if let Some(guests) = forced {
        guests.force_stop(&ids);
    }
    let result =
        crate::actions::operate(app, req, ids.clone(), Operation::Stop, Change::None).await;
    let refused = |id: &u64| match &result {
        Ok((_, failed)) => failed.contains(&id.to_string()),
        Err(_) => true,
    };
    if let Some(guests) = forced {
        guests.unforce_stop(&ids.iter().copied().filter(refused).collect::<Vec<_>>());
    }
    let (_, failed) = result?;
    Ok(Reply::Json(InstanceBatchResponse {
        instance_ids: failed,
    }))
}
