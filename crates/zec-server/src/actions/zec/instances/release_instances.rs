//! ReleaseInstances: the first release moves an instance to the recycle bin
//! (RELEASING → RECYCLE); releasing it from there destroys it (RECYCLING → gone). The data
//! disk and addresses that came with the instance go with it (`dependResource` is accepted;
//! zecd has no separately attached resources to keep).

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
    let (_, failed) =
        crate::actions::operate(app, req, ids, Operation::Release, Change::None).await?;
    Ok(Reply::Json(InstanceBatchResponse {
        instance_ids: failed,
    }))
}
