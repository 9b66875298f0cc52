//! CreateVpc: a VPC of the account, in a resource group (the default one unless named), with
//! a private IPv4 block (/8 to /24), an MTU (1300, 1500 or 9000) and, with `enablePriIpv6`, a
//! private IPv6 /48.

use crate::actions::zec::{name, tag_list};
use crate::actions::{check_group_allowed, non_empty};
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::params::{one_of, required};
use zec_core::rules::{self, network as net};
use zec_store::network::NewVpc;
use zec_types::ApiError;
use zec_types::model::{CreateVpcRequest, CreateVpcResponse};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: CreateVpcRequest,
) -> Result<Reply<CreateVpcResponse>, ApiError> {
    let account = req.caller.account;
    let name = name("name", &r.name)?;
    let cidr = net::vpc_cidr(required("cidrBlock", &r.cidr_block)?)?;
    let mtu = match r.mtu {
        None => net::DEFAULT_MTU,
        Some(m) => {
            let allowed = net::MTUS.map(|m| m.to_string());
            let allowed: Vec<&str> = allowed.iter().map(String::as_str).collect();
            one_of("mtu", &m.to_string(), &allowed)?;
            m as u32
        }
    };
    let tags = tag_list(&r.tags)?;
    let group = match non_empty(&r.resource_group_id) {
        Some(id) => app
            .store
            .group(account, &id)
            .ok_or_else(|| rules::found::group(&id))?,
        None => app
            .store
            .default_group(account)
            .await
            .map_err(store_error)?,
    };
    check_group_allowed(req, &group.id)?;
    let vpc = app
        .store
        .create_vpc(
            account,
            NewVpc {
                name,
                cidr,
                mtu,
                ipv6: r.enable_pri_ipv6.unwrap_or(false),
                resource_group_id: group.id,
                tags,
            },
        )
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(CreateVpcResponse { vpc_id: vpc.id }))
}
