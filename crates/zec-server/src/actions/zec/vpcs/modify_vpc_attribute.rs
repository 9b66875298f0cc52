//! ModifyVpcAttribute: renames a VPC, changes its block (a VPC with subnets only to a block
//! that contains its current one; the same block is always accepted), turns its IPv6 on
//! (`enableIPv6: true`; `false` on a VPC with IPv6 is OPERATION_DENIED_VPC_CANT_DISABLE_IPV6),
//! and binds a security group.

use crate::actions::allowed_groups;
use crate::actions::zec::optional_name;
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::params::required;
use zec_core::rules::network as net;
use zec_store::network::VpcChange;
use zec_types::ApiError;
use zec_types::model::{Empty, ModifyVpcAttributeRequest};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: ModifyVpcAttributeRequest,
) -> Result<Reply<Empty>, ApiError> {
    let id = required("vpcId", &r.vpc_id)?.to_owned();
    let change = VpcChange {
        name: optional_name("vpcName", &r.vpc_name)?,
        cidr: match r.cidr_block.as_deref().filter(|c| !c.is_empty()) {
            None => None,
            Some(c) => Some(net::vpc_cidr(c)?),
        },
        enable_ipv6: r.enable_ipv6,
        security_group_id: r.security_group_id.clone().filter(|s| !s.is_empty()),
    };
    app.store
        .modify_vpc(req.caller.account, id, change, allowed_groups(req))
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(Empty {}))
}
