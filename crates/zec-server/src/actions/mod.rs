//! One file per action; one `match` to reach them.

pub mod admin;
mod create_zec_instances;
mod describe_images;
mod describe_instances;
mod describe_instances_status;
mod describe_security_groups;
mod describe_subnets;
mod describe_vpcs;
mod describe_zone_instance_config_infos;
mod describe_zones;
mod modify_instance_type;
mod modify_instances_attribute;
mod reboot_instances;
mod release_instances;
mod reset_instance;
mod reset_instance_password;
mod start_instances;
mod start_ip_forward;
mod stop_instances;
mod stop_ip_forward;

use crate::request::VerifiedRequest;
use crate::{App, store_error};
use axum::response::Response;
use zec_core::ids::parse_id;
use zec_core::params::{max_items, required};
use zec_core::{Change, Instance, Operation};
use zec_store::{InstanceQuery, Operated};
use zec_types::{Action, ApiError, ErrorCode};

pub use admin::known_action;

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
        Action::StartInstances => start_instances::handle(app, req).await,
        Action::StopInstances => stop_instances::handle(app, req).await,
        Action::RebootInstances => reboot_instances::handle(app, req).await,
        Action::ReleaseInstances => release_instances::handle(app, req).await,
        Action::ModifyInstancesAttribute => modify_instances_attribute::handle(app, req).await,
        Action::ModifyInstanceType => modify_instance_type::handle(app, req).await,
        Action::ResetInstance => reset_instance::handle(app, req).await,
        Action::ResetInstancePassword => reset_instance_password::handle(app, req).await,
        Action::StartIpForward => start_ip_forward::handle(app, req).await,
        Action::StopIpForward => stop_ip_forward::handle(app, req).await,
        Action::DescribeClock => admin::describe_clock(app, req),
        Action::AdvanceClock => admin::advance_clock(app, req).await,
        Action::DescribeFaults => admin::describe_faults(app, req),
        Action::CreateFaults => admin::create_faults(app, req),
        Action::DeleteFaults => admin::delete_faults(app, req),
    }
}

/// The instances a batch action names: required, at most 100. An id that cannot name an
/// instance is unknown, like any other unknown id.
fn batch_ids(ids: Option<&[String]>) -> Result<Vec<u64>, ApiError> {
    let ids = ids
        .filter(|ids| !ids.is_empty())
        .ok_or_else(|| ApiError::missing("instanceIds"))?;
    max_items("instanceIds", ids, MAX_IDS)?;
    ids.iter().map(|s| instance_id(s)).collect()
}

/// One instance id, as an action that takes `instanceId` reads it.
fn instance_id(s: &str) -> Result<u64, ApiError> {
    parse_id(s.trim()).ok_or_else(|| not_found(s))
}

fn not_found(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidInstanceNotFound,
        format!("The instance `{id}` is not found."),
    )
}

/// The instance an action that takes `instanceId` works on.
fn one_instance(
    app: &App,
    req: &VerifiedRequest,
    id: &Option<String>,
) -> Result<Instance, ApiError> {
    let id = required("instanceId", id)?;
    app.store
        .instance(req.caller.account, instance_id(id)?)
        .ok_or_else(|| not_found(id))
}

/// Applies an operation to instances (spec §4.2): unknown ids fail the whole request with
/// INVALID_INSTANCE_NOT_FOUND; if the lifecycle denies every instance, the request fails with
/// the denial's code; otherwise it succeeds, and the ids it could not act on are returned.
async fn operate(
    app: &App,
    req: &VerifiedRequest,
    ids: Vec<u64>,
    op: Operation,
    change: Change,
) -> Result<(Operated, Vec<String>), ApiError> {
    let done = app
        .store
        .operate(req.caller.account, ids, op, change)
        .await
        .map_err(store_error)?;
    let failed: Vec<_> = done
        .outcomes
        .iter()
        .filter_map(|(id, o)| o.as_ref().err().map(|denied| (*id, *denied)))
        .collect();
    if let Some(&(id, (code, status))) = failed.first()
        && failed.len() == done.outcomes.len()
    {
        return Err(ApiError::new(
            code,
            format!(
                "The instance `{id}` is {status}; {} is not allowed in that state.",
                req.action
            ),
        ));
    }
    let failed = failed.iter().map(|(id, _)| id.to_string()).collect();
    Ok((done, failed))
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
