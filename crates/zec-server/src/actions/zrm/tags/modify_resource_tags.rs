//! ModifyResourceTags: sets tags on a resource by key (`replaceTags`) and removes keys
//! (`deleteTagKeys`). Tags need not be created first. Keys are 1–64 characters and unique on a
//! resource, values up to 64, at most 20 tags on a resource.

use crate::App;
use crate::actions::{instance_id, operate};
use crate::request::{Reply, VerifiedRequest};
use std::collections::HashSet;
use zec_core::create::MAX_TAGS;
use zec_core::params::{length, max_items, required};
use zec_core::{Change, Operation};
use zec_types::model::{Empty, ModifyResourceTagsRequest};
use zec_types::{ApiError, ErrorCode};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: ModifyResourceTagsRequest,
) -> Result<Reply<Empty>, ApiError> {
    let uuid = required("resourceUuid", &r.resource_uuid)?;
    let not_found = || {
        ApiError::new(
            ErrorCode::InvalidResourceNotFound,
            format!("The resource `{uuid}` is not found."),
        )
    };
    let id = instance_id(uuid).map_err(|_| not_found())?;
    let instance = app
        .store
        .instance(req.caller.account, id)
        .ok_or_else(not_found)?;
    crate::actions::check_instance_in_scope(req, &instance)?;
    let replace = r.replace_tags.unwrap_or_default();
    let delete = r.delete_tag_keys.unwrap_or_default();
    max_items("replaceTags", &replace, MAX_TAGS)?;
    max_items("deleteTagKeys", &delete, MAX_TAGS)?;
    let mut seen = HashSet::new();
    for t in &replace {
        length("replaceTags.key", &t.key, 1, 64)?;
        length("replaceTags.value", &t.value, 0, 64)?;
        if !seen.insert(t.key.as_str()) {
            return Err(ApiError::new(
                ErrorCode::InvalidParameterValue,
                format!("The tag key `{}` appears more than once.", t.key),
            ));
        }
    }
    let change = Change::Tags {
        replace: replace.into_iter().map(|t| (t.key, t.value)).collect(),
        delete,
    };
    let mut after = instance.clone();
    change.apply(&mut after);
    if after.tags.len() > MAX_TAGS {
        return Err(ApiError::new(
            ErrorCode::InvalidParameterExceedLength,
            format!(
                "A resource may carry at most {MAX_TAGS} tags; this would make {}.",
                after.tags.len()
            ),
        ));
    }
    operate(app, req, vec![id], Operation::ModifyAttributes, change)
        .await
        .map_err(|e| match e.code {
            ErrorCode::InvalidInstanceNotFound => not_found(),
            _ => e,
        })?;
    Ok(Reply::Json(Empty {}))
}
