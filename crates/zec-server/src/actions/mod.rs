//! One file per action; one `match` to reach them.

mod create_zec_instances;
mod describe_images;
mod describe_instances;
mod describe_instances_status;
mod describe_security_groups;
mod describe_subnets;
mod describe_vpcs;
mod describe_zone_instance_config_infos;
mod describe_zones;

use crate::App;
use crate::request::VerifiedRequest;
use axum::response::Response;
use zec_core::params::max_items;
use zec_store::InstanceQuery;
use zec_types::{Action, ApiError};

pub async fn dispatch(app: &App, req: &VerifiedRequest) -> Result<Response, ApiError> {
    match req.action {
        Action::DescribeInstancesStatus => describe_instances_status::handle(app, req).await,
        Action::DescribeInstances => describe_instances::handle(app, req).await,
        Action::CreateZecInstances => create_zec_instances::handle(app, req).await,
        Action::DescribeZones => describe_zones::handle(app, req),
        Action::DescribeZoneInstanceConfigInfos => {
            describe_zone_instance_config_infos::handle(app, req)
        }
        Action::DescribeImages => describe_images::handle(app, req),
        Action::DescribeVpcs => describe_vpcs::handle(app, req),
        Action::DescribeSubnets => describe_subnets::handle(app, req),
        Action::DescribeSecurityGroups => describe_security_groups::handle(app, req),
    }
}

/// Most ids one request may list (spec §5: instanceIds ≤ 100).
pub const MAX_IDS: usize = 100;

/// `instanceIds` as a query: at most 100; an empty list means no filter; ids that cannot name
/// an instance are dropped (unknown ids are omitted, not errors).
pub fn id_filter(query: &mut InstanceQuery, ids: Option<&[String]>) -> Result<(), ApiError> {
    match ids {
        Some(ids) if !ids.is_empty() => {
            max_items("instanceIds", ids, MAX_IDS)?;
            query.ids = Some(
                ids.iter()
                    .filter_map(|s| zec_core::ids::parse_id(s.trim()))
                    .collect(),
            );
        }
        _ => {}
    }
    Ok(())
}

/// A filter value; an empty string is no filter.
pub fn non_empty(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
}

/// Case-insensitive substring match, for the fuzzy `name` filters.
pub fn fuzzy(haystack: &str, needle: &Option<String>) -> bool {
    needle
        .as_deref()
        .is_none_or(|n| haystack.to_lowercase().contains(&n.to_lowercase()))
}
