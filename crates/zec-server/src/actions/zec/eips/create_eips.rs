//! CreateEips: 1-100 elastic IPs in a region, each an address of the region's public pool,
//! CREATING → UNBIND (BINDED when made for `instanceIds`; CREATE_FAILED when a fault rule says
//! so).

use crate::actions::allowed_groups;
use crate::actions::zec::{filter, group_for, tag_list};
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::params::{at_least, at_most, one_of, required};
use zec_core::rules::{self, eip};
use zec_store::network::NewEips;
use zec_types::model::{CreateEipsRequest, CreateEipsResponse};
use zec_types::{ApiError, ErrorCode};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: CreateEipsRequest,
) -> Result<Reply<CreateEipsResponse>, ApiError> {
    let region = required("regionId", &r.region_id)?;
    if app.store.catalog().region(region).is_none() {
        return Err(rules::network::region(region));
    }
    let name = required("name", &r.name)?;
    rules::storage::check_short_name("name", name)?;
    let charge_type = one_of(
        "internetChargeType",
        required("internetChargeType", &r.internet_charge_type)?,
        &eip::CHARGE_TYPES,
    )?;
    let amount = r.amount.unwrap_or(1);
    at_least("amount", amount, 1)?;
    at_most("amount", amount, eip::MAX_AMOUNT)?;
    let v4_type = match filter(&r.eip_v4_type) {
        None => None,
        Some(t) => Some(one_of("eipV4Type", t, &eip::V4_TYPES)?.to_owned()),
    };
    let line_type = match filter(&r.network_line_type) {
        Some(l) => one_of("networkLineType", l, &eip::LINE_TYPES)?.to_owned(),
        None => eip::line_of(v4_type.as_deref().unwrap_or_default()).to_owned(),
    };
    let bandwidth = eip::check_bandwidth(r.bandwidth.unwrap_or(1))?;
    if let Some(cidr) = filter(&r.cidr_id) {
        return Err(rules::found::resource(cidr));
    }
    if let Some(peer) = filter(&r.peer_region_id)
        && app.store.catalog().region(peer).is_none()
    {
        return Err(rules::network::region(peer));
    }
    let rate_limit_mode = match filter(&r.rate_limit_mode) {
        None => None,
        Some(m) => Some(one_of("rateLimitMode", m, &eip::RATE_LIMIT_MODES)?.to_owned()),
    };
    let bind_type = one_of(
        "bindType",
        filter(&r.bind_type).unwrap_or("FullNat"),
        &eip::BIND_TYPES,
    )?
    .to_owned();
    let instances: Vec<String> = r
        .instance_ids
        .clone()
        .unwrap_or_default()
        .into_iter()
        .filter(|i| !i.trim().is_empty())
        .collect();
    if !instances.is_empty() && instances.len() as i64 != amount {
        return Err(ApiError::new(
            ErrorCode::InvalidParameterValue,
            format!(
                "`instanceIds` names {} instances for {amount} EIPs; give one per EIP.",
                instances.len()
            ),
        ));
    }
    let tags = tag_list(&r.tags)?;
    let resource_group_id = group_for(app, req, &r.resource_group_id).await?;
    let made = app
        .store
        .create_eips(
            req.caller.account,
            NewEips {
                region_id: region.to_owned(),
                name: name.to_owned(),
                amount: amount as usize,
                charge_type: charge_type.to_owned(),
                eip_v4_type: v4_type,
                line_type,
                bandwidth,
                flow_package: r.flow_package,
                cluster_id: filter(&r.cluster_id).map(str::to_owned),
                peer_region_id: filter(&r.peer_region_id).map(str::to_owned),
                rate_limit_mode,
                instances,
                bind_type,
                resource_group_id,
                tags,
            },
            allowed_groups(req),
        )
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(CreateEipsResponse {
        eip_ids: made.items.iter().map(|e| e.id.to_string()).collect(),
        order_number: made.order_number.to_string(),
    }))
}
