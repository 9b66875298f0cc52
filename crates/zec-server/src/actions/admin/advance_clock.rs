//! AdvanceClock: moves a manual clock forward and returns once every phase that has come due
//! is written down, so that the next read sees the new world.

use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::params::required;
use zec_types::error::echo;
use zec_types::model::{AdvanceClockRequest, ClockInfo};
use zec_types::{ApiError, ErrorCode};

pub async fn handle(
    app: &App,
    _: &VerifiedRequest,
    r: AdvanceClockRequest,
) -> Result<Reply<ClockInfo>, ApiError> {
    let Some(clock) = &app.manual_clock else {
        return Err(ApiError::new(
            ErrorCode::InvalidParameterValue,
            "The lifecycle clock is the system clock; start zecd with --clock manual to move it.",
        ));
    };
    let by = required("by", &r.by)?;
    let by = humantime::parse_duration(by).map_err(|e| {
        ApiError::new(
            ErrorCode::InvalidParameterValue,
            format!(
                "`by` is not a duration such as 2s or 500ms: {}.",
                echo(&e.to_string())
            ),
        )
    })?;
    clock
        .advance(by)
        .map_err(|e| ApiError::new(ErrorCode::InvalidParameterValue, format!("`by`: {e}.")))?;
    app.store
        .settle_and_record_clock()
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(super::clock_info(app)))
}
