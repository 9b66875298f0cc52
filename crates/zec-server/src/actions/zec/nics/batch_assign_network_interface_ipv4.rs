//! BatchAssignNetworkInterfaceIpv4: gives a NIC the private addresses listed (or, without
//! them, `ipAddressCount` free ones) of its subnet, all or none; answers those it got.

use crate::actions::allowed_groups;
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::params::at_least;
use zec_core::rules::nic::MAX_SECONDARY_IPV4S;
use zec_types::ApiError;
use zec_types::model::{
    BatchAssignNetworkInterfaceIpv4Request, BatchAssignNetworkInterfaceIpv4Response,
};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: BatchAssignNetworkInterfaceIpv4Request,
) -> Result<Reply<BatchAssignNetworkInterfaceIpv4Response>, ApiError> {
    let id = super::nic_id(&r.nic_id)?;
    let listed = r.ip_addresses.clone().unwrap_or_default();
    let (asked, count) = if listed.is_empty() {
        let count = r
            .ip_address_count
            .ok_or_else(|| ApiError::missing("ipAddresses"))?;
        at_least("ipAddressCount", count, 1)?;
        // More than a NIC may hold is the NIC's limit (INVALID_NIC_PRIVATE_IP_EXCEED_LIMIT,
        // decided by the store against what the NIC has); capped here only so that the
        // number stays small.
        (
            Vec::new(),
            count.min(MAX_SECONDARY_IPV4S as i64 + 1) as usize,
        )
    } else {
        // A list longer than a NIC may hold is refused the same way; a list far longer is
        // bad input.
        zec_core::params::max_items("ipAddresses", &listed, 100)?;
        (super::addresses("ipAddresses", &listed)?, 0)
    };
    let got = app
        .store
        .assign_ipv4s(req.caller.account, id, asked, count, allowed_groups(req))
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(BatchAssignNetworkInterfaceIpv4Response {
        ip_addresses: got.iter().map(|ip| ip.to_string()).collect(),
    }))
}
