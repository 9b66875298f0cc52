//! AddResourceResourceGroup: moves resources into a group: instances, VPCs, network
//! interfaces, disks and EIPs, in one round. An id that names none of the account's is
//! OPERATION_FAILED_RESOURCE_NOT_FOUND, and nothing moves. An instance's primary NIC moves with
//! it.

use crate::actions::{MAX_IDS, allowed_groups, check_group_allowed};
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::ids::parse_id;
use zec_core::params::{max_items, required};
use zec_core::rules;
use zec_store::network::Resource;
use zec_types::ApiError;
use zec_types::model::{AddResourceResourceGroupRequest, Empty};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: AddResourceResourceGroupRequest,
) -> Result<Reply<Empty>, ApiError> {
    let group = required("resourceGroupId", &r.resource_group_id)?;
    let resources = r
        .resources
        .as_deref()
        .filter(|ids| !ids.is_empty())
        .ok_or_else(|| ApiError::missing("resources"))?;
    max_items("resources", resources, MAX_IDS)?;
    check_group_allowed(req, group)?;
    let account = req.caller.account;
    let (instances, network) = {
        let view = app.store.view(account).await.map_err(store_error)?;
        let mut instances = Vec::new();
        let mut network = Vec::new();
        for id in resources {
            let id = id.trim();
            if let Some(i) = parse_id(id).filter(|i| view.instance(*i).is_some()) {
                instances.push(i);
            } else if view.vpc(id).is_some() {
                network.push(Resource::Vpc(id.to_owned()));
            } else if view.nic(id).is_some() {
                network.push(Resource::Nic(id.to_owned()));
            } else if view.disk(id).is_some() {
                network.push(Resource::Disk(id.to_owned()));
            } else if view.eip(id).is_some() {
                network.push(Resource::Eip(id.to_owned()));
            } else {
                return Err(rules::found::resource(id));
            }
        }
        (instances, network)
    };
    let only_instances = network.is_empty();
    let moved = app
        .store
        .move_to_group(
            account,
            instances,
            network,
            group.to_owned(),
            allowed_groups(req),
        )
        .await
        .map_err(|e| match store_error(e) {
            e if e.code == zec_types::ErrorCode::InvalidInstanceNotFound => ApiError::new(
                zec_types::ErrorCode::OperationFailedResourceNotFound,
                e.message,
            ),
            e => e,
        })?;
    // As for any batch: when the lifecycle refuses every instance (and nothing else moved),
    // the call fails with its code.
    if let Some(done) = moved
        && only_instances
        && let Some((id, Err((code, status)))) = done.outcomes.first()
        && done.outcomes.iter().all(|(_, o)| o.is_err())
    {
        return Err(ApiError::new(
            *code,
            format!(
                "The instance `{id}` is {status}; {} is not allowed in that state.",
                req.action
            ),
        ));
    }
    Ok(Reply::Json(Empty {}))
}
