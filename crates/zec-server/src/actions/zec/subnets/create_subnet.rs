//! CreateSubnet: a subnet in one of the account's VPCs, in a region: an IPv4 block inside the
//! VPC's that overlaps none of its other subnets (`IPv4`), IPv6 only (`IPv6`: a public /64, or
//! a private one of the VPC's /48), or both (`IPv4_IPv6`).

use crate::actions::allowed_groups;
use crate::actions::zec::name;
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::params::{one_of, required};
use zec_core::rules::{self, network as net};
use zec_store::network::NewSubnet;
use zec_types::model::{CreateSubnetRequest, CreateSubnetResponse};
use zec_types::{ApiError, ErrorCode};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: CreateSubnetRequest,
) -> Result<Reply<CreateSubnetResponse>, ApiError> {
    let vpc_id = required("vpcId", &r.vpc_id)?.to_owned();
    let name = name("name", &r.name)?;
    let region = required("regionId", &r.region_id)?;
    if app.store.catalog().region(region).is_none() {
        return Err(net::region(region));
    }
    let cidr = match r.cidr_block.as_deref().filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => Some(net::subnet_cidr(c)?),
    };
    let ipv6_type = net::ipv6_type(r.ipv6_type.as_deref())?;
    let stack = one_of(
        "stackType",
        required("stackType", &r.stack_type)?,
        &["IPv4", "IPv4_IPv6", "IPv6"],
    )?;
    net::check_stack(stack, cidr, ipv6_type.as_deref())?;
    if let Some(m) = r.ipv6_mask_length
        && m != 64
    {
        return Err(ApiError::new(
            ErrorCode::InvalidParameterValue,
            format!("zecd's IPv6 subnets are /64; `ipv6MaskLength` {m} is not offered."),
        ));
    }
    if let Some(id) = r.dhcp_options_set_id.as_deref().filter(|s| !s.is_empty()) {
        return Err(rules::found::resource(id));
    }
    let subnet = app
        .store
        .create_subnet(
            req.caller.account,
            NewSubnet {
                vpc_id,
                name,
                region_id: region.to_owned(),
                cidr,
                ipv6_type,
            },
            allowed_groups(req),
        )
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(CreateSubnetResponse {
        subnet_id: subnet.id,
    }))
}
