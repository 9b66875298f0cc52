//! AddResourceResourceGroup: moves resources into a group. zecd's resources are instances; an
//! id that names none of the account's is OPERATION_FAILED_RESOURCE_NOT_FOUND, and nothing moves.

use crate::App;
use crate::actions::{MAX_IDS, check_group_allowed, operate};
use crate::request::{Reply, VerifiedRequest};
use zec_core::ids::parse_id;
use zec_core::params::{max_items, required};
use zec_core::{Atom, Change, Operation, rules};
use zec_types::model::{AddResourceResourceGroupRequest, Empty};
use zec_types::{ApiError, ErrorCode};

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
    let ids = resources
        .iter()
        .map(|s| parse_id(s.trim()).ok_or_else(|| rules::found::resource(s)))
        .collect::<Result<Vec<_>, _>>()?;
    let change = Change::ResourceGroup(Atom::new(group));
    operate(app, req, ids, Operation::ModifyAttributes, change)
        .await
        .map_err(|e| match e.code {
            ErrorCode::InvalidInstanceNotFound => {
                ApiError::new(ErrorCode::OperationFailedResourceNotFound, e.message)
            }
            _ => e,
        })?;
    Ok(Reply::Json(Empty {}))
}
