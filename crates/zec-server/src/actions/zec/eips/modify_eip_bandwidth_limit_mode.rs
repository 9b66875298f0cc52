//! ModifyEipBandwidthLimitMode: LOOSE (short bursts allowed) or STRICT, for a BINDED or
//! UNBIND elastic IP billed by bandwidth.

use crate::actions::allowed_groups;
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::params::{one_of, required};
use zec_core::rules::eip;
use zec_store::network::EipChange;
use zec_types::ApiError;
use zec_types::model::{Empty, ModifyEipBandwidthLimitModeRequest};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: ModifyEipBandwidthLimitModeRequest,
) -> Result<Reply<Empty>, ApiError> {
    let id = super::eip_id(&r.eip_id)?;
    let mode = one_of(
        "rateLimitMode",
        required("rateLimitMode", &r.rate_limit_mode)?,
        &eip::RATE_LIMIT_MODES,
    )?;
    app.store
        .modify_eip(
            req.caller.account,
            id,
            EipChange::RateLimitMode(mode.to_owned()),
            allowed_groups(req),
        )
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(Empty {}))
}
