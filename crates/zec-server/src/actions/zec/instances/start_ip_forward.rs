//! StartIpForward: lets the instance forward packets not addressed to it.

use crate::App;
use crate::request::{Reply, VerifiedRequest};
use zec_core::{Change, Operation};
use zec_types::ApiError;
use zec_types::model::{Empty, InstanceIdRequest};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: InstanceIdRequest,
) -> Result<Reply<Empty>, ApiError> {
    let instance = crate::actions::one_instance(app, req, &r.instance_id)?;
    let change = Change::IpForward(true);
    crate::actions::operate(app, req, vec![instance.id], Operation::SetIpForward, change).await?;
    Ok(Reply::Json(Empty {}))
}
