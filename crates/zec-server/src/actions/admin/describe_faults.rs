//! DescribeFaults: the fault rules in force, with their ids and the counts they have left.

use crate::App;
use crate::request::{Reply, VerifiedRequest};
use zec_types::ApiError;
use zec_types::model::{Empty, FaultRules};

pub async fn handle(
    app: &App,
    _: &VerifiedRequest,
    _: Empty,
) -> Result<Reply<FaultRules>, ApiError> {
    Ok(Reply::Json(app.faults().rules()))
}
