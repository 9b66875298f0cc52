//! DeleteFaults: removes rules by id; without ids, every rule.

use crate::App;
use crate::request::{Reply, VerifiedRequest};
use zec_types::ApiError;
use zec_types::model::{DeleteFaultsRequest, DeleteFaultsResponse};

pub async fn handle(
    app: &App,
    _: &VerifiedRequest,
    r: DeleteFaultsRequest,
) -> Result<Reply<DeleteFaultsResponse>, ApiError> {
    let deleted = app.faults().remove(&r.ids.unwrap_or_default());
    Ok(Reply::Json(DeleteFaultsResponse {
        deleted: deleted as u64,
    }))
}
