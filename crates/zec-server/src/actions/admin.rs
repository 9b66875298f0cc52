//! zecd's admin API (`POST /_zecd/api`, root credential only): the lifecycle clock and the
//! fault rules.

use crate::request::VerifiedRequest;
use crate::{App, store_error};
use axum::response::Response;
use zec_core::clock::format_api_time;
use zec_core::faults::FaultSpec;
use zec_core::params::required;
use zec_types::model::{
    AdvanceClockRequest, ClockInfo, CreateFaultsResponse, DeleteFaultsRequest, DeleteFaultsResponse,
};
use zec_types::{Action, ApiError, ErrorCode};

fn clock_info(app: &App) -> ClockInfo {
    let now = app.store.now();
    ClockInfo {
        mode: if app.manual_clock.is_some() {
            "manual"
        } else {
            "system"
        }
        .into(),
        now: format_api_time(now),
        now_millis: now,
    }
}

pub fn describe_clock(app: &App, req: &VerifiedRequest) -> Result<Response, ApiError> {
    req.reply(&clock_info(app))
}

/// Moves a manual clock forward and returns once every phase that has come due is written
/// down, so that the next read sees the new world.
pub async fn advance_clock(app: &App, req: &VerifiedRequest) -> Result<Response, ApiError> {
    let r: AdvanceClockRequest = req.json()?;
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
                zec_types::error::echo(&e.to_string())
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
    req.reply(&clock_info(app))
}

pub fn describe_faults(app: &App, req: &VerifiedRequest) -> Result<Response, ApiError> {
    let rules = app.faults().rules();
    req.reply(&rules)
}

pub fn create_faults(app: &App, req: &VerifiedRequest) -> Result<Response, ApiError> {
    let spec: FaultSpec = req.json()?;
    let ids = app
        .faults()
        .add(spec, known_action)
        .map_err(|e| ApiError::new(ErrorCode::InvalidParameterValue, e))?;
    req.reply(&CreateFaultsResponse { ids })
}

pub fn delete_faults(app: &App, req: &VerifiedRequest) -> Result<Response, ApiError> {
    let r: DeleteFaultsRequest = req.json()?;
    let deleted = app.faults().remove(&r.ids.unwrap_or_default());
    req.reply(&DeleteFaultsResponse {
        deleted: deleted as u64,
    })
}

/// Whether fault rules can name this action: any action of the vendor's services.
pub fn known_action(name: &str) -> bool {
    Action::ALL
        .iter()
        .any(|a| a.name() == name && a.service() != zec_types::Service::Admin)
}
