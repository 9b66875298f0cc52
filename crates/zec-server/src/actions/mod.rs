//! One file per action, one folder per resource, one folder per service; the dispatch is made
//! from the action table (`zec_types::for_each_action!`), so that every action declared there
//! is served, by a handler that takes its request type and answers its response type.

pub mod admin;
pub mod ccs;
pub mod user;
pub mod zec;
pub mod zrm;

use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use axum::response::Response;
use zec_core::ids::parse_id;
use zec_core::params::{max_items, required};
use zec_core::{Atom, Change, Instance, Operation, rules};
use zec_store::{InstanceQuery, Operated};
use zec_types::{Action, ApiError};

pub use admin::known_action;

/// Every handler module by the action's method name (`handlers::stop_instances::handle`).
mod handlers {
    pub use super::admin::*;
    pub use super::ccs::key_pairs::*;
    pub use super::user::resource_groups::*;
    pub use super::zec::catalog::*;
    pub use super::zec::disks::*;
    pub use super::zec::eips::*;
    pub use super::zec::instances::*;
    pub use super::zec::nics::*;
    pub use super::zec::security_groups::*;
    pub use super::zec::snapshots::*;
    pub use super::zec::subnets::*;
    pub use super::zec::vpcs::*;
    pub use super::zrm::tags::*;
}

/// A handler's request type reads what the table's request type reads: the type itself, or a
/// faster reader of the same JSON (DescribeInstancesStatus), which says so by implementing
/// this.
pub trait ReadsAs<T> {}

impl<T> ReadsAs<T> for T {}

fn reads_as<B: ReadsAs<R>, R>(_: &B) {}

macro_rules! dispatch {
    ($($service:ident {
        $(
            $(#[doc = $doc:literal])*
            $action:ident => $method:ident, $access:ident, $req:ty => $resp:ty,
                required [$($required:literal),*], version $version:literal;
        )*
    })*) => {
        /// Runs the action of a verified request: its body read as the action's request type,
        /// its answer of the action's response type, shaped for the request's version.
        pub async fn dispatch(app: &App, req: &VerifiedRequest) -> Result<Response, ApiError> {
            match req.action {
                $($(Action::$action => {
                    let body = req.json()?;
                    reads_as::<_, $req>(&body);
                    let reply: Reply<$resp> = handlers::$method::handle(app, req, body).await?;
                    req.answer(reply)
                })*)*
            }
        }
    };
}

zec_types::for_each_action!(dispatch);

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
        Err(rules::scope::group(group))
    }
}

/// Only a credential of the whole account may manage resource groups.
pub fn check_unscoped(req: &VerifiedRequest) -> Result<(), ApiError> {
    if req.caller.scope.groups.is_empty() {
        Ok(())
    } else {
        Err(rules::scope::groups_unmanageable())
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
    rules::found::instance(id)
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
        Err(rules::scope::instance(i.id))
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
