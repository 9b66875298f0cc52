//! ModifyInstancesResourceGroup (zec 2024-04-01): moves instances to another resource group of
//! the account, in any state.

use crate::App;
use crate::actions::{batch_ids, check_group_allowed, operate};
use crate::request::{Reply, VerifiedRequest};
use zec_core::params::required;
use zec_core::{Atom, Change, Operation};
use zec_types::ApiError;
use zec_types::model::{Empty, ModifyInstancesResourceGroupRequest};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: ModifyInstancesResourceGroupRequest,
) -> Result<Reply<Empty>, ApiError> {
    let ids = batch_ids(r.instance_ids.as_deref())?;
    let group = required("resourceGroupId", &r.resource_group_id)?;
    check_group_allowed(req, group)?;
    let change = Change::ResourceGroup(Atom::new(group));
    operate(app, req, ids, Operation::ModifyAttributes, change).await?;
    Ok(Reply::Json(Empty {}))
}
