//! AssignNetworkInterfaceIpv4: gives a NIC one more private address of its subnet.

use crate::actions::allowed_groups;
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::params::required;
use zec_types::ApiError;
use zec_types::model::{AssignNetworkInterfaceIpv4Request, Empty};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: AssignNetworkInterfaceIpv4Request,
) -> Result<Reply<Empty>, ApiError> {
    let id = super::nic_id(&r.nic_id)?;
    let ip = super::addresses(
        "ipAddress",
        &[required("ipAddress", &r.ip_address)?.to_owned()],
    )?;
    app.store
        .assign_ipv4s(req.caller.account, id, ip, 0, allowed_groups(req))
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(Empty {}))
}
