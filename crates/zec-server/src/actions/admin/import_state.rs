//! ImportState: replaces the resources of every account the document names with the
//! document's, all or nothing; accounts it names that do not exist are made. Credentials are
//! not part of a state and stay as they are.

use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_store::state::StateDocument;
use zec_types::model::{ImportStateRequest, ImportStateResponse};
use zec_types::{ApiError, ErrorCode};

pub async fn handle(
    app: &App,
    _: &VerifiedRequest,
    r: ImportStateRequest,
) -> Result<Reply<ImportStateResponse>, ApiError> {
    let state = r.state.ok_or_else(|| ApiError::missing("state"))?;
    let doc: StateDocument = serde_json::from_value(state).map_err(|e| {
        ApiError::new(
            ErrorCode::InvalidParameterValue,
            format!("`state` is not a zecd state document: {e}"),
        )
    })?;
    let done = app.store.import_state(doc).await.map_err(store_error)?;
    // Phases a real guest held where the state was exported end on their durations here,
    // unless guests are real here too.
    app.store.unhold().await.map_err(store_error)?;
    Ok(Reply::Json(ImportStateResponse {
        accounts: done.accounts as u64,
        resources: done.resources as u64,
    }))
}
