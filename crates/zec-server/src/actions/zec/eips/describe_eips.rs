//! DescribeEips: the account's elastic IPs, filtered and paged in creation order;
//! `instanceId` finds the EIPs bound to that instance's NICs.

use crate::actions::allowed_groups;
use crate::actions::fuzzy;
use crate::actions::zec::{filter, ids_filter, tag_filters, visible};
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::Page;
use zec_store::Eip;
use zec_types::ApiError;
use zec_types::model::{DescribeEipsRequest, DescribeEipsResponse};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: DescribeEipsRequest,
) -> Result<Reply<DescribeEipsResponse>, ApiError> {
    let page = Page::from_request(r.page_size, r.page_num)?;
    let ids = ids_filter("eipIds", &r.eip_ids)?;
    let addresses = ids_filter("ipAddresses", &r.ip_addresses)?;
    let cidrs = ids_filter("cidrIds", &r.cidr_ids)?;
    let tags = tag_filters(&r.tag_keys, &r.tags)?;
    let fields = [
        ("regionId", filter(&r.region_id)),
        ("resourceGroupId", filter(&r.resource_group_id)),
        ("associatedId", filter(&r.associated_id)),
        ("privateIpAddress", filter(&r.private_ip_address)),
        ("ipAddress", filter(&r.ip_address)),
        ("internetChargeType", filter(&r.internet_charge_type)),
    ];
    let mut filters: Vec<(&'static str, &str)> = fields
        .iter()
        .filter_map(|(f, v)| v.map(|v| (*f, v)))
        .collect();
    filters.extend(tags.iter().map(|(f, v)| (*f, v.as_str())));
    let groups = allowed_groups(req);
    let view = app
        .store
        .view(req.caller.account)
        .await
        .map_err(store_error)?;
    let now = view.now();
    let status = filter(&r.status);
    // The NICs of the instance named: an EIP bound to one of them is the instance's.
    let instance_nics: Option<Vec<u64>> =
        filter(&r.instance_id).map(|i| view.nics_where("instanceId", i).map(|n| n.id).collect());
    let listing = view.eips(
        &filters,
        |e: &Eip| {
            ids.as_ref()
                .is_none_or(|ids| ids.contains(&e.id.to_string()))
                && addresses
                    .as_ref()
                    .is_none_or(|a| a.contains(&e.public_ip.to_string()))
                // zecd has no CIDR blocks: no EIP comes from one.
                && cidrs.is_none()
                && status.is_none_or(|s| e.life.at(now) == Some(s))
                && r.is_default.is_none_or(|d| !d)
                && fuzzy(&e.name, &r.name)
                && instance_nics.as_ref().is_none_or(|nics| {
                    e.binding.as_ref().is_some_and(|b| nics.contains(&b.nic_id))
                })
                && visible(&groups, &e.resource_group_id)
        },
        page,
    );
    Ok(Reply::Json(DescribeEipsResponse {
        total_count: listing.total,
        data_set: listing
            .items
            .iter()
            .map(|e| super::info(&view, e))
            .collect(),
    }))
}
