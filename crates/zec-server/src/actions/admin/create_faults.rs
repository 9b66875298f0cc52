//! CreateFaults: adds rules, as a `--faults` file gives them; all or none.

use crate::App;
use crate::request::{Reply, VerifiedRequest};
use zec_types::model::{CreateFaultsResponse, FaultRules};
use zec_types::{ApiError, ErrorCode};

pub async fn handle(
    app: &App,
    _: &VerifiedRequest,
    rules: FaultRules,
) -> Result<Reply<CreateFaultsResponse>, ApiError> {
    let ids = app
        .faults()
        .add(rules, super::known_action)
        .map_err(|e| ApiError::new(ErrorCode::InvalidParameterValue, e))?;
    Ok(Reply::Json(CreateFaultsResponse { ids }))
}
