//! DescribeGuestConsole: the end (64 KiB) of a real guest's serial console: its kernel's
//! messages, its readiness line, its login prompt.

use crate::App;
use crate::request::{Reply, VerifiedRequest};
use zec_types::model::{DescribeGuestConsoleRequest, DescribeGuestConsoleResponse};
use zec_types::{ApiError, ErrorCode};

/// How much of the log is answered.
const TAIL_BYTES: u64 = 64 * 1024;

pub async fn handle(
    app: &App,
    _: &VerifiedRequest,
    r: DescribeGuestConsoleRequest,
) -> Result<Reply<DescribeGuestConsoleResponse>, ApiError> {
    let id = r
        .instance_id
        .filter(|id| !id.is_empty())
        .ok_or_else(|| ApiError::missing("instanceId"))?;
    let ordinal = crate::actions::instance_id(&id)?;
    let Some(guests) = &app.guests else {
        return Err(ApiError::new(
            ErrorCode::InvalidParameterValue,
            "zecd runs without real guests (--guests none): instances have no console.",
        ));
    };
    let output = guests
        .console(ordinal, TAIL_BYTES)
        .ok_or_else(|| zec_core::rules::found::instance(&id))?;
    Ok(Reply::Json(DescribeGuestConsoleResponse {
        instance_id: id,
        output,
    }))
}
