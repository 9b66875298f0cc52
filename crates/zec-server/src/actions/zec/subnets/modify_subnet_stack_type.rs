//! ModifySubnetStackType: gives an IPv4 subnet IPv6 (`IPv4_IPv6` with an `ipv6Type`), answering
//! its new block, or takes it away (`IPv4`); any other change (to the stack it has, or of an
//! IPv6-only subnet) is OPERATION_DENIED_SUBNET_TYPE_NOT_SUPPORT.

use crate::actions::allowed_groups;
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::params::{one_of, required};
use zec_types::ApiError;
use zec_types::model::{ModifySubnetStackTypeRequest, ModifySubnetStackTypeResponse};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: ModifySubnetStackTypeRequest,
) -> Result<Reply<ModifySubnetStackTypeResponse>, ApiError> {
    let id = required("subnetId", &r.subnet_id)?.to_owned();
    let stack = one_of(
        "stackType",
        required("stackType", &r.stack_type)?,
        &["IPv4", "IPv4_IPv6"],
    )?
    .to_owned();
    let ipv6_type = zec_core::rules::network::ipv6_type(r.ipv6_type.as_deref())?;
    if stack == "IPv4_IPv6" && ipv6_type.is_none() {
        return Err(ApiError::missing("ipv6Type"));
    }
    let subnet = app
        .store
        .modify_subnet_stack(
            req.caller.account,
            id,
            stack,
            ipv6_type,
            allowed_groups(req),
        )
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(ModifySubnetStackTypeResponse {
        ipv6_cidr_block: subnet.ipv6_cidr,
    }))
}
