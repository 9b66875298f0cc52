//! ModifySubnetAttribute: renames a subnet, changes its block (inside the VPC's, overlapping no
//! other subnet, and, while NICs use it, containing its current block; the same block is
//! always accepted). Empty values change nothing (Terraform sends `cidrBlock: ""` for an IPv6
//! subnet).

use crate::actions::allowed_groups;
use crate::actions::zec::optional_name;
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::params::required;
use zec_core::rules::network as net;
use zec_types::ApiError;
use zec_types::model::{Empty, ModifySubnetAttributeRequest};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: ModifySubnetAttributeRequest,
) -> Result<Reply<Empty>, ApiError> {
    let id = required("subnetId", &r.subnet_id)?.to_owned();
    let name = optional_name("subnetName", &r.subnet_name)?;
    let cidr = match r.cidr_block.as_deref().filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => Some(net::subnet_cidr(c)?),
    };
    app.store
        .modify_subnet(req.caller.account, id, name, cidr, allowed_groups(req))
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(Empty {}))
}
