//! DescribeClock: the lifecycle clock, `manual` or `system`, and its time.

use crate::App;
use crate::request::{Reply, VerifiedRequest};
use zec_types::ApiError;
use zec_types::model::{ClockInfo, Empty};

pub async fn handle(
    app: &App,
    _: &VerifiedRequest,
    _: Empty,
) -> Result<Reply<ClockInfo>, ApiError> {
    Ok(Reply::Json(super::clock_info(app)))
}
