//! UnassignNetworkInterfaceIpv4 (also `UnAssignNetworkInterfaceIpv4`, as the 2024-04-01
//! Python SDK spells it): takes secondary addresses from a NIC, all or none; never its
//! primary address, nor one an EIP is bound to.

use crate::actions::allowed_groups;
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_types::ApiError;
use zec_types::model::{Empty, UnassignNetworkInterfaceIpv4Request};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: UnassignNetworkInterfaceIpv4Request,
) -> Result<Reply<Empty>, ApiError> {
    let id = super::nic_id(&r.nic_id)?;
    let listed = match r.ip_addresses.clone().filter(|a| !a.is_empty()) {
        Some(list) => list,
        None => r.ip_address.clone().into_iter().collect(),
    };
    if listed.is_empty() {
        return Err(ApiError::missing("ipAddresses"));
    }
    zec_core::params::max_items("ipAddresses", &listed, 100)?;
    let addresses = super::addresses("ipAddresses", &listed)?;
    app.store
        .unassign_ipv4s(req.caller.account, id, addresses, allowed_groups(req))
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(Empty {}))
}
