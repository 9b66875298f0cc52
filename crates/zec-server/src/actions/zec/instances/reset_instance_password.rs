//! ResetInstancePassword: needs the instance RUNNING with its guest agent; no status change.
//! zecd keeps no passwords: it checks the new one and the instance, and answers.

use crate::App;
use crate::request::{Reply, VerifiedRequest};
use zec_core::create::check_password;
use zec_core::params::required;
use zec_core::{Change, Operation};
use zec_types::model::{Empty, ResetInstancePasswordRequest};
use zec_types::{ApiError, ErrorCode};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: ResetInstancePasswordRequest,
) -> Result<Reply<Empty>, ApiError> {
    let instance = crate::actions::one_instance(app, req, &r.instance_id)?;
    check_password(required("password", &r.password)?)?;
    if !instance.enable_agent {
        return Err(ApiError::new(
            ErrorCode::OperationDeniedInstanceStatus,
            format!(
                "The instance `{}` runs without the guest agent, which resets passwords.",
                instance.id
            ),
        ));
    }
    crate::actions::operate(
        app,
        req,
        vec![instance.id],
        Operation::ResetPassword,
        Change::None,
    )
    .await?;
    Ok(Reply::Json(Empty {}))
}
