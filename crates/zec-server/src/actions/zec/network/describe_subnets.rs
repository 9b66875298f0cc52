//! DescribeSubnets: the catalog's subnets, with the account's own address usage.

use crate::App;
use crate::actions::{fuzzy, non_empty};
use crate::request::{Reply, VerifiedRequest};
use zec_core::Page;
use zec_core::catalog::CATALOG_CREATE_TIME;
use zec_core::params::max_items;
use zec_types::ApiError;
use zec_types::model::{DescribeSubnetsRequest, DescribeSubnetsResponse, SubnetInfo};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: DescribeSubnetsRequest,
) -> Result<Reply<DescribeSubnetsResponse>, ApiError> {
    let page = Page::from_request(r.page_size, r.page_num)?;
    let ids = r.subnet_ids.clone().filter(|v| !v.is_empty());
    if let Some(ids) = &ids {
        max_items("subnetIds", ids, 100)?;
    }
    let vpc_ids = r.vpc_ids.clone().filter(|v| !v.is_empty());
    if let Some(v) = &vpc_ids {
        max_items("vpcIds", v, 100)?;
    }
    let region = non_empty(&r.region_id);
    let catalog = app.store.catalog();
    let groups = crate::actions::allowed_groups(req);
    let matching: Vec<_> = catalog
        .subnets
        .iter()
        .filter(|s| ids.as_ref().is_none_or(|ids| ids.contains(&s.id)))
        .filter(|s| vpc_ids.as_ref().is_none_or(|v| v.contains(&s.vpc)))
        .filter(|s| region.as_ref().is_none_or(|r| *r == s.region))
        .filter(|s| fuzzy(&s.name, &r.name))
        .filter(|s| fuzzy(&s.cidr.to_string(), &r.cidr_block))
        // zecd has no DHCP option sets.
        .filter(|_| non_empty(&r.dhcp_options_set_id).is_none())
        .collect();
    let data_set = matching[page.range(matching.len())]
        .iter()
        .map(|s| SubnetInfo {
            subnet_id: s.id.clone(),
            region_id: s.region.clone(),
            name: s.name.clone(),
            cidr_block: s.cidr.to_string(),
            gateway_ip_address: s.cidr.gateway().to_string(),
            ipv6_cidr_block: None,
            ipv6_gateway_ip_address: None,
            stack_type: "IPv4".into(),
            ipv6_type: None,
            vpc_id: s.vpc.clone(),
            vpc_name: catalog
                .vpc(&s.vpc)
                .map(|v| v.name.clone())
                .unwrap_or_default(),
            usage_ipv4_count: app
                .store
                .subnet_usage(req.caller.account, &s.id, groups.as_deref()),
            usage_ipv6_count: 0,
            create_time: CATALOG_CREATE_TIME.into(),
            is_default: s.is_default,
            dhcp_options_set_id: None,
            ipv6_mask_length: None,
        })
        .collect();
    Ok(Reply::Json(DescribeSubnetsResponse {
        total_count: matching.len() as u64,
        data_set,
    }))
}
