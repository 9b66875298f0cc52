//! ResetInstance: reinstalls a STOPPED (or REINSTALL_FAILED) instance: REBUILDING → RUNNING,
//! or REINSTALL_FAILED when a fault rule says so (the store asks the rules when the phase
//! begins, so a refused reset spends none of them).

use crate::App;
use crate::request::{Reply, VerifiedRequest};
use zec_core::{Change, Operation, reset};
use zec_types::ApiError;
use zec_types::model::{Empty, ResetInstanceRequest};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: ResetInstanceRequest,
) -> Result<Reply<Empty>, ApiError> {
    let instance = crate::actions::one_instance(app, req, &r.instance_id)?;
    let reinstall = {
        let view = app
            .store
            .view(req.caller.account)
            .await
            .map_err(crate::store_error)?;
        reset::plan(&r, app.store.catalog(), &view, &instance)?
    };
    if let Some(guests) = &app.guests {
        let os_type = app
            .store
            .catalog()
            .image(&reinstall.image_id)
            .map_or("linux", |i| i.os_type.as_str());
        guests.check_image(os_type)?;
    }
    let change = Change::Reinstall(Box::new(reinstall));
    crate::actions::operate(app, req, vec![instance.id], Operation::Reinstall, change).await?;
    if let (Some(guests), Some(password)) = (&app.guests, &r.password) {
        // For the rebuilt guest's first boot.
        guests.remember_password(instance.id, password.clone());
    }
    Ok(Reply::Json(Empty {}))
}
