//! DescribeVpcs: the catalog's VPCs, as every account sees them (in its default resource
//! group), with the account's own address usage.

use crate::actions::{fuzzy, non_empty};
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::Page;
use zec_core::catalog::CATALOG_CREATE_TIME;
use zec_core::params::max_items;
use zec_types::ApiError;
use zec_types::model::{
    DescribeVpcsRequest, DescribeVpcsResponse, ResourceGroupInfo, Tags, VpcInfo,
};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: DescribeVpcsRequest,
) -> Result<Reply<DescribeVpcsResponse>, ApiError> {
    let page = Page::from_request(r.page_size, r.page_num)?;
    let ids = r.vpc_ids.clone().filter(|v| !v.is_empty());
    if let Some(ids) = &ids {
        max_items("vpcIds", ids, 100)?;
    }
    let account = req.caller.account;
    let groups = crate::actions::allowed_groups(req);
    let group = app
        .store
        .default_group(account)
        .await
        .map_err(store_error)?;
    let in_group = non_empty(&r.resource_group_id).is_none_or(|g| group.id == g);
    let untagged =
        r.tag_keys.as_ref().is_none_or(Vec::is_empty) && r.tags.as_ref().is_none_or(Vec::is_empty);
    let catalog = app.store.catalog();
    let matching: Vec<_> = catalog
        .vpcs
        .iter()
        .filter(|v| ids.as_ref().is_none_or(|ids| ids.contains(&v.id)))
        .filter(|v| fuzzy(&v.name, &r.name))
        .filter(|v| fuzzy(&v.cidr.to_string(), &r.cidr_block))
        .filter(|_| in_group && untagged)
        .collect();
    let data_set = matching[page.range(matching.len())]
        .iter()
        .map(|v| VpcInfo {
            vpc_id: v.id.clone(),
            name: v.name.clone(),
            cidr_block: v.cidr.to_string(),
            secondary_cidr_blocks: Vec::new(),
            ipv6_cidr_block: None,
            mtu: v.mtu,
            is_default: v.is_default,
            create_time: CATALOG_CREATE_TIME.into(),
            usage_ipv4_count: catalog
                .subnets
                .iter()
                .filter(|s| s.vpc == v.id)
                .map(|s| app.store.subnet_usage(account, &s.id, groups.as_deref()))
                .sum(),
            usage_ipv6_count: 0,
            security_group_id: v.security_group.clone(),
            dns_zone_ids: Vec::new(),
            resource_group: ResourceGroupInfo {
                resource_group_id: group.id.clone(),
                resource_group_name: group.name.clone(),
            },
            tags: Tags::default(),
        })
        .collect();
    Ok(Reply::Json(DescribeVpcsResponse {
        total_count: matching.len() as u64,
        data_set,
    }))
}
