//! ExportState: the state of one account (by name) or of every account, as a versioned
//! document that ImportState (or `zecd import`) takes back.

use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_types::model::{ExportStateRequest, StateResponse};
use zec_types::{ApiError, ErrorCode};

pub async fn handle(
    app: &App,
    _: &VerifiedRequest,
    r: ExportStateRequest,
) -> Result<Reply<StateResponse>, ApiError> {
    let account = r
        .account
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty());
    let doc = app.store.export_state(account).await.map_err(store_error)?;
    let state = serde_json::to_value(&doc).map_err(|e| {
        ApiError::new(
            ErrorCode::InternalServerError,
            format!("cannot encode the state: {e}"),
        )
    })?;
    Ok(Reply::Json(StateResponse { state }))
}
