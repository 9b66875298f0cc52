//! ModifyEipBandwidth: changes a BINDED or UNBIND elastic IP's bandwidth (1-10000 Mbps).

use crate::actions::allowed_groups;
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::rules::eip;
use zec_store::network::EipChange;
use zec_types::ApiError;
use zec_types::model::{Empty, ModifyEipBandwidthRequest};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: ModifyEipBandwidthRequest,
) -> Result<Reply<Empty>, ApiError> {
    let id = super::eip_id(&r.eip_id)?;
    let bandwidth =
        eip::check_bandwidth(r.bandwidth.ok_or_else(|| ApiError::missing("bandwidth"))?)?;
    app.store
        .modify_eip(
            req.caller.account,
            id,
            EipChange::Bandwidth(bandwidth),
            allowed_groups(req),
        )
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(Empty {}))
}
