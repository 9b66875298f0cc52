//! UnassociateEipAddress: unbinds elastic IPs at once (UNBIND; `associatedId`, `instanceId`
//! and `privateIpAddress` null). An unbound EIP is left as it is, no error.

use crate::actions::allowed_groups;
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_types::ApiError;
use zec_types::model::{EipIdsRequest, FailedEipsResponse};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: EipIdsRequest,
) -> Result<Reply<FailedEipsResponse>, ApiError> {
    let ids = crate::actions::zec::ids_filter("eipIds", &r.eip_ids)?
        .ok_or_else(|| ApiError::missing("eipIds"))?;
    let failed = app
        .store
        .unassociate_eips(req.caller.account, ids, allowed_groups(req))
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(FailedEipsResponse {
        failed_eip_ids: failed,
    }))
}
