//! DescribeSecurityGroups: the catalog's security groups.

use crate::App;
use crate::actions::fuzzy;
use crate::request::{Reply, VerifiedRequest};
use zec_core::Page;
use zec_core::catalog::CATALOG_CREATE_TIME;
use zec_core::params::max_items;
use zec_types::ApiError;
use zec_types::model::{
    DescribeSecurityGroupsRequest, DescribeSecurityGroupsResponse, SecurityGroupInfo,
};

pub async fn handle(
    app: &App,
    _: &VerifiedRequest,
    r: DescribeSecurityGroupsRequest,
) -> Result<Reply<DescribeSecurityGroupsResponse>, ApiError> {
    let page = Page::from_request(r.page_size, r.page_num)?;
    let ids = r.security_group_ids.clone().filter(|v| !v.is_empty());
    if let Some(ids) = &ids {
        max_items("securityGroupIds", ids, 100)?;
    }
    let catalog = app.store.catalog();
    let matching: Vec<_> = catalog
        .security_groups
        .iter()
        .filter(|g| ids.as_ref().is_none_or(|ids| ids.contains(&g.id)))
        .filter(|g| fuzzy(&g.name, &r.security_group_name))
        .filter(|g| r.is_default.is_none_or(|d| d == g.is_default))
        .collect();
    let data_set = matching[page.range(matching.len())]
        .iter()
        .map(|g| SecurityGroupInfo {
            security_group_id: g.id.clone(),
            security_group_name: g.name.clone(),
            scope: "Global".into(),
            create_time: CATALOG_CREATE_TIME.into(),
            vpc_ids: catalog
                .vpcs
                .iter()
                .filter(|v| v.security_group == g.id)
                .map(|v| v.id.clone())
                .collect(),
            is_default: g.is_default,
            nic_id_list: Vec::new(),
            nat_id_list: Vec::new(),
            load_balancer_id_list: Vec::new(),
            ha_vip_id_list: Vec::new(),
        })
        .collect();
    Ok(Reply::Json(DescribeSecurityGroupsResponse {
        total_count: matching.len() as u64,
        data_set,
    }))
}
