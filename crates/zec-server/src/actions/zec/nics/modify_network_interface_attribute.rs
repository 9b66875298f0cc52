//! ModifyNetworkInterfaceAttribute: renames a NIC, or moves it to another security group (the
//! account's, or a shared one). For an instance's primary NIC this is how the instance's
//! security group changes: DescribeInstances shows the new group at once, and the NIC moves
//! from the old group's `nicIdList` to the new one's. Empty values change nothing; the current
//! group again is not an error.

use crate::actions::allowed_groups;
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::params::required;
use zec_store::network::NicChange;
use zec_types::ApiError;
use zec_types::model::{Empty, ModifyNetworkInterfaceAttributeRequest};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: ModifyNetworkInterfaceAttributeRequest,
) -> Result<Reply<Empty>, ApiError> {
    let id = required("nicId", &r.nic_id)?.to_owned();
    let change = NicChange {
        name: match r.name.as_deref().filter(|n| !n.is_empty()) {
            None => None,
            Some(n) => {
                zec_core::rules::network::check_nic_name("name", n)?;
                Some(n.to_owned())
            }
        },
        security_group_id: r.security_group_id.clone().filter(|s| !s.is_empty()),
    };
    app.store
        .modify_nic(req.caller.account, id, change, allowed_groups(req))
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(Empty {}))
}
