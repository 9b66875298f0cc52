//! ModifyResourceTags: sets tags on a resource by key (`replaceTags`) and removes keys
//! (`deleteTagKeys`). Tags need not be created first. Keys are 1–64 characters and unique on a
//! resource, values up to 64, at most 20 tags on a resource.

use crate::App;
use crate::actions::{instance_id, operate};
use crate::request::{Reply, VerifiedRequest};
use zec_core::params::required;
use zec_core::{Change, Operation, rules};
use zec_types::model::{Empty, ModifyResourceTagsRequest};
use zec_types::{ApiError, ErrorCode};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: ModifyResourceTagsRequest,
) -> Result<Reply<Empty>, ApiError> {
    let uuid = required("resourceUuid", &r.resource_uuid)?;
    let not_found = || rules::found::tagged_resource(uuid);
    let id = instance_id(uuid).map_err(|_| not_found())?;
    let instance = app
        .store
        .instance(req.caller.account, id)
        .ok_or_else(not_found)?;
    crate::actions::check_instance_in_scope(req, &instance)?;
    let replace = r.replace_tags.unwrap_or_default();
    let delete = r.delete_tag_keys.unwrap_or_default();
    rules::tags::check(
        "replaceTags",
        replace.iter().map(|t| (t.key.as_str(), t.value.as_str())),
    )?;
    rules::tags::check_keys("deleteTagKeys", &delete)?;
    let change = Change::Tags {
        replace: replace.into_iter().map(|t| (t.key, t.value)).collect(),
        delete,
    };
    change.check(&instance)?;
    operate(app, req, vec![id], Operation::ModifyAttributes, change)
        .await
        .map_err(|e| match e.code {
            ErrorCode::InvalidInstanceNotFound => not_found(),
            _ => e,
        })?;
    Ok(Reply::Json(Empty {}))
}
