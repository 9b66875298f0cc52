//! CreateNetworkInterface: a secondary NIC in a subnet (the account's or a catalog one), with
//! an address of it, the security group asked for (else the VPC's, else the catalog
//! default), PENDING → AVAILABLE (CREATE_FAILED when a fault rule says so). `eipIds` binds an
//! unbound EIP to its address at once.

use crate::actions::allowed_groups;
use crate::actions::zec::{filter, group_for, tag_list};
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::params::{one_of, required};
use zec_core::rules::{eip, network};
use zec_store::network::NewNic;
use zec_types::model::{CreateNetworkInterfaceRequest, CreateNetworkInterfaceResponse};
use zec_types::{ApiError, ErrorCode};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: CreateNetworkInterfaceRequest,
) -> Result<Reply<CreateNetworkInterfaceResponse>, ApiError> {
    let name = required("name", &r.name)?;
    network::check_nic_name("name", name)?;
    let subnet = required("subnetId", &r.subnet_id)?.trim().to_owned();
    if let Some(stack) = filter(&r.nic_stack_type).or(filter(&r.stack_type)) {
        one_of("nicStackType", stack, &["IPv4", "IPv4_IPv6", "IPv6"])?;
        if stack != "IPv4" {
            return Err(ApiError::new(
                ErrorCode::InvalidIpStackTypeNotSupport,
                "zecd's network interfaces are IPv4 only.",
            ));
        }
    }
    let eip_bind_type = one_of(
        "eipBindType",
        filter(&r.eip_bind_type).unwrap_or("FullNat"),
        &eip::BIND_TYPES,
    )?
    .to_owned();
    let tags = tag_list(&r.tags)?;
    let resource_group_id = group_for(app, req, &r.resource_group_id).await?;
    let nic = app
        .store
        .create_nic(
            req.caller.account,
            NewNic {
                name: name.to_owned(),
                subnet_id: subnet,
                security_group_id: filter(&r.security_group_id).map(str::to_owned),
                resource_group_id,
                tags,
                eip_ids: r
                    .eip_ids
                    .clone()
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|e| !e.trim().is_empty())
                    .collect(),
                eip_bind_type,
            },
            allowed_groups(req),
        )
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(CreateNetworkInterfaceResponse {
        nic_id: nic.id.to_string(),
    }))
}
