//! ModifyResourceTags: sets tags on a resource (an instance, a VPC, a network interface, a disk or an EIP) by
//! key (`replaceTags`) and removes keys (`deleteTagKeys`). Tags need not be created first. Keys
//! are 1–64 characters and unique on a resource, values up to 64, at most 20 tags on a
//! resource.

use crate::App;
use crate::actions::{allowed_groups, instance_id, operate};
use crate::request::{Reply, VerifiedRequest};
use crate::store_error;
use zec_core::params::required;
use zec_core::{Change, Operation, rules};
use zec_store::network::Resource;
use zec_types::model::{Empty, ModifyResourceTagsRequest};
use zec_types::{ApiError, ErrorCode};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: ModifyResourceTagsRequest,
) -> Result<Reply<Empty>, ApiError> {
    let uuid = required("resourceUuid", &r.resource_uuid)?
        .trim()
        .to_owned();
    let not_found = || rules::found::tagged_resource(&uuid);
    let replace = r.replace_tags.unwrap_or_default();
    let delete = r.delete_tag_keys.unwrap_or_default();
    rules::tags::check(
        "replaceTags",
        replace.iter().map(|t| (t.key.as_str(), t.value.as_str())),
    )?;
    rules::tags::check_keys("deleteTagKeys", &delete)?;
    let replace: Vec<(String, String)> = replace.into_iter().map(|t| (t.key, t.value)).collect();
    let account = req.caller.account;
    if let Some(instance) = instance_id(&uuid)
        .ok()
        .and_then(|id| app.store.instance(account, id))
    {
        crate::actions::check_instance_in_scope(req, &instance)?;
        let change = Change::Tags { replace, delete };
        change.check(&instance)?;
        operate(
            app,
            req,
            vec![instance.id],
            Operation::ModifyAttributes,
            change,
        )
        .await
        .map_err(|e| match e.code {
            ErrorCode::InvalidInstanceNotFound => not_found(),
            _ => e,
        })?;
        return Ok(Reply::Json(Empty {}));
    }
    let resource = {
        let view = app.store.view(account).await.map_err(store_error)?;
        if view.vpc(&uuid).is_some() {
            Resource::Vpc(uuid.clone())
        } else if view.nic(&uuid).is_some() {
            Resource::Nic(uuid.clone())
        } else if view.disk(&uuid).is_some() {
            Resource::Disk(uuid.clone())
        } else if view.eip(&uuid).is_some() {
            Resource::Eip(uuid.clone())
        } else {
            return Err(not_found());
        }
    };
    app.store
        .retag(account, resource, replace, delete, allowed_groups(req))
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(Empty {}))
}
