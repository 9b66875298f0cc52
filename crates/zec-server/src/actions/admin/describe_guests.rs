//! DescribeGuests: the real machines behind instances (`--guests qemu`): state, QEMU
//! process, forwarded SSH port, memory. Without real guests, none.

use crate::App;
use crate::request::{Reply, VerifiedRequest};
use zec_types::ApiError;
use zec_types::model::{DescribeGuestsRequest, DescribeGuestsResponse};

pub async fn handle(
    app: &App,
    _: &VerifiedRequest,
    r: DescribeGuestsRequest,
) -> Result<Reply<DescribeGuestsResponse>, ApiError> {
    let ids = r
        .instance_ids
        .unwrap_or_default()
        .iter()
        .map(|id| crate::actions::instance_id(id))
        .collect::<Result<Vec<u64>, _>>()?;
    Ok(Reply::Json(match &app.guests {
        Some(guests) => DescribeGuestsResponse {
            driver: "qemu".into(),
            accel: Some(guests.accel().into()),
            guest_set: guests.describe(&ids),
        },
        None => DescribeGuestsResponse {
            driver: "none".into(),
            accel: None,
            guest_set: Vec::new(),
        },
    }))
}
