//! One file per action, one folder per service; one `match` to reach them.

pub mod admin;
pub mod user;
pub mod zec;
pub mod zrm;

use crate::request::VerifiedRequest;
use crate::{App, store_error};
use axum::response::Response;
use zec_core::ids::parse_id;
use zec_core::params::{max_items, required};
use zec_core::{Atom, Change, Instance, Operation};
use zec_store::{InstanceQuery, Operated};
use zec_types::{Action, ApiError, ErrorCode};

pub use admin::known_action;

pub async fn dispatch(app: &App, req: &VerifiedRequest) -> Result<Response, ApiError> {
    use Action as A;
    match req.action {
        A::DescribeInstancesStatus => zec::describe_instances_status::handle(app, req).await,
        A::DescribeInstances => zec::describe_instances::handle(app, req).await,
        A::CreateZecInstances => zec::create_zec_instances::handle(app, req).await,
        A::DescribeZones => zec::describe_zones::handle(app, req),
        A::DescribeZoneInstanceConfigInfos => {
            zec::describe_zone_instance_config_infos::handle(app, req)
        }
        A::DescribeImages => zec::describe_images::handle(app, req),
        A::DescribeVpcs => zec::describe_vpcs::handle(app, req),
        A::DescribeSubnets => zec::describe_subnets::handle(app, req),
        A::DescribeSecurityGroups => zec::describe_security_groups::handle(app, req),
        A::StartInstances => zec::start_instances::handle(app, req).await,
        A::StopInstances => zec::stop_instances::handle(app, req).await,
        A::RebootInstances => zec::reboot_instances::handle(app, req).await,
        A::ReleaseInstances => zec::release_instances::handle(app, req).await,
        A::ModifyInstancesAttribute => zec::modify_instances_attribute::handle(app, req).await,
        A::ModifyInstanceType => zec::modify_instance_type::handle(app, req).await,
        A::ResetInstance => zec::reset_instance::handle(app, req).await,
        A::ResetInstancePassword => zec::reset_instance_password::handle(app, req).await,
        A::StartIpForward => zec::start_ip_forward::handle(app, req).await,
        A::StopIpForward => zec::stop_ip_forward::handle(app, req).await,
        A::ModifyInstancesResourceGroup => {
            zec::modify_instances_resource_group::handle(app, req).await
        }
        A::DescribeResourceGroups => user::describe_resource_groups::handle(app, req),
        A::CreateResourceGroup => user::create_resource_group::handle(app, req).await,
        A::ModifyResourceGroup => user::modify_resource_group::handle(app, req).await,
        A::DeleteResourceGroup => user::delete_resource_group::handle(app, req).await,
        A::AddResourceResourceGroup => user::add_resource_resource_group::handle(app, req).await,
        A::ModifyResourceTags => zrm::modify_resource_tags::handle(app, req).await,
        A::DescribeClock => admin::describe_clock(app, req),
        A::AdvanceClock => admin::advance_clock(app, req).await,
        A::DescribeFaults => admin::describe_faults(app, req),
        A::CreateFaults => admin::create_faults(app, req),
        A::DeleteFaults => admin::delete_faults(app, req),
    }
}

/// The resource groups the caller may see and touch; `None` when all of them.
pub fn allowed_groups(req: &VerifiedRequest) -> Option<Vec<Atom>> {
    let groups = &req.caller.scope.groups;
    (!groups.is_empty()).then(|| groups.iter().map(|g| Atom::new(g)).collect())
}

/// Refuses a resource group the caller's credential may not use.
pub fn check_group_allowed(req: &VerifiedRequest, group: &str) -> Result<(), ApiError> {
    if req.caller.scope.allows_group(group) {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::AuthFailureUnauthorizedOperation,
            format!("This credential may not use the resource group `{group}`."),
        ))
    }
}

/// Only a credential of the whole account may manage resource groups.
pub fn check_unscoped(req: &VerifiedRequest) -> Result<(), ApiError> {
    if req.caller.scope.groups.is_empty() {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::AuthFailureUnauthorizedOperation,
            "A credential limited to resource groups may not manage resource groups.",
        ))
    }
}

/// The instances a batch action names: required, at most 100. An id that cannot name an
/// instance is unknown, like any other unknown id.
pub fn batch_ids(ids: Option<&[String]>) -> Result<Vec<u64>, ApiError> {
    let ids = ids
        .filter(|ids| !ids.is_empty())
        .ok_or_else(|| ApiError::missing("instanceIds"))?;
    max_items("instanceIds", ids, MAX_IDS)?;
    ids.iter().map(|s| instance_id(s)).collect()
}

/// One instance id, as an action that takes `instanceId` reads it.
pub fn instance_id(s: &str) -> Result<u64, ApiError> {
    parse_id(s.trim()).ok_or_else(|| not_found(s))
}

pub fn not_found(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidInstanceNotFound,
        format!("The instance `{id}` is not found."),
    )
}

/// The instance an action that takes `instanceId` works on. A credential limited to resource
/// groups is refused an instance outside them here, before anything about it is looked at.
pub fn one_instance(
    app: &App,
    req: &VerifiedRequest,
    id: &Option<String>,
) -> Result<Instance, ApiError> {
    let id = required("instanceId", id)?;
    let instance = app
        .store
        .instance(req.caller.account, instance_id(id)?)
        .ok_or_else(|| not_found(id))?;
    check_instance_in_scope(req, &instance)?;
    Ok(instance)
}

/// Refuses an instance outside the caller's resource groups, saying nothing about it.
pub fn check_instance_in_scope(req: &VerifiedRequest, i: &Instance) -> Result<(), ApiError> {
    if req.caller.scope.allows_group(&i.resource_group_id) {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::AuthFailureUnauthorizedOperation,
            format!(
                "The instance `{}` is in a resource group this credential may not touch.",
                i.id
            ),
        ))
    }
}

/// Applies an operation to instances (spec §4.2): unknown ids fail the whole request with
/// INVALID_INSTANCE_NOT_FOUND; if the lifecycle denies every instance, the request fails with
/// the denial's code; otherwise it succeeds, and the ids it could not act on are returned.
pub async fn operate(
    app: &App,
    req: &VerifiedRequest,
    ids: Vec<u64>,
    op: Operation,
    change: Change,
) -> Result<(Operated, Vec<String>), ApiError> {
    let done = app
        .store
        .operate(req.caller.account, ids, op, change, allowed_groups(req))
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
