//! ModifyInstancesAttribute: renames instances, in any state. Any unknown id fails the whole
//! request, as the vendor documents.

use crate::App;
use crate::request::{Reply, VerifiedRequest};
use zec_core::create::check_instance_name;
use zec_core::params::required;
use zec_core::{Change, Operation};
use zec_types::ApiError;
use zec_types::model::{Empty, ModifyInstancesAttributeRequest};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: ModifyInstancesAttributeRequest,
) -> Result<Reply<Empty>, ApiError> {
    let ids = crate::actions::batch_ids(r.instance_ids.as_deref())?;
    let name = required("instanceName", &r.instance_name)?;
    check_instance_name(name)?;
    let change = Change::Rename(name.to_owned());
    crate::actions::operate(app, req, ids, Operation::ModifyAttributes, change).await?;
    Ok(Reply::Json(Empty {}))
}
