//! AssociateEipAddress: binds UNBIND elastic IPs to a private address (`lanIp`) of a network
//! interface, at once: BINDED, `associatedId` and `privateIpAddress` set, the address in the
//! NIC's `publicIpList` and its instance's `publicIpAddresses`. Exactly one target is named
//! (Terraform sends the others as `""`); load balancers, NAT gateways and HaVips are not
//! modelled. EIPs that cannot be bound are answered in `failedEipIds`; if none can, the call
//! fails and nothing changes.

use crate::actions::allowed_groups;
use crate::actions::zec::filter;
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use std::net::Ipv4Addr;
use zec_core::params::one_of;
use zec_core::rules::eip;
use zec_store::network::EipTarget;
use zec_types::model::{AssociateEipAddressRequest, FailedEipsResponse};
use zec_types::{ApiError, ErrorCode};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: AssociateEipAddressRequest,
) -> Result<Reply<FailedEipsResponse>, ApiError> {
    let ids = crate::actions::zec::ids_filter("eipIds", &r.eip_ids)?
        .ok_or_else(|| ApiError::missing("eipIds"))?;
    let targets = [
        ("LB", filter(&r.load_balancer_id)),
        ("NIC", filter(&r.nic_id)),
        ("NAT", filter(&r.nat_id)),
        ("HAVIP", filter(&r.ha_vip_id)),
    ];
    let mut named = targets.iter().filter_map(|(k, v)| v.map(|v| (*k, v)));
    let Some((kind, target)) = named.next() else {
        return Err(ApiError::missing("nicId"));
    };
    if named.next().is_some() {
        return Err(ApiError::new(
            ErrorCode::InvalidParameterValue,
            "Name one target: `loadBalancerId`, `nicId`, `natId` or `haVipId`; the others empty.",
        ));
    }
    if kind != "NIC" {
        return Err(eip::no_such_target(kind, target));
    }
    let lan_ip: Ipv4Addr = filter(&r.lan_ip)
        .ok_or_else(|| ApiError::missing("lanIp"))?
        .parse()
        .map_err(|_| {
            ApiError::new(
                ErrorCode::InvalidParameterValue,
                "`lanIp` is not an IPv4 address.",
            )
        })?;
    let bind_type = one_of(
        "bindType",
        filter(&r.bind_type).unwrap_or("FullNat"),
        &eip::BIND_TYPES,
    )?;
    let failed = app
        .store
        .associate_eips(
            req.caller.account,
            ids,
            EipTarget {
                nic_id: target.to_owned(),
                lan_ip,
                bind_type: bind_type.to_owned(),
            },
            allowed_groups(req),
        )
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(FailedEipsResponse {
        failed_eip_ids: failed,
    }))
}
