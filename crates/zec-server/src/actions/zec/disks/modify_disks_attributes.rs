//! ModifyDisksAttributes: renames disks (at most 100), all or none.

use crate::actions::allowed_groups;
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::params::required;
use zec_core::rules::storage;
use zec_types::ApiError;
use zec_types::model::{Empty, ModifyDisksAttributesRequest};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: ModifyDisksAttributesRequest,
) -> Result<Reply<Empty>, ApiError> {
    let ids = super::ids("diskIds", &r.disk_ids, 100)?;
    let name = required("diskName", &r.disk_name)?;
    storage::check_disk_name("diskName", name)?;
    app.store
        .rename_disks(
            req.caller.account,
            ids,
            name.to_owned(),
            allowed_groups(req),
        )
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(Empty {}))
}
