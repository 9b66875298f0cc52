//! ModifyInstanceType: STOPPED → RESIZING → STOPPED, with the new type.

use crate::App;
use crate::request::{Reply, VerifiedRequest};
use zec_core::params::required;
use zec_core::{Atom, Change, Operation};
use zec_types::model::{ModifyInstanceTypeRequest, ModifyInstanceTypeResponse};
use zec_types::{ApiError, ErrorCode};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: ModifyInstanceTypeRequest,
) -> Result<Reply<ModifyInstanceTypeResponse>, ApiError> {
    let instance = crate::actions::one_instance(app, req, &r.instance_id)?;
    let type_id = required("instanceType", &r.instance_type)?;
    let catalog = app.store.catalog();
    let zone = catalog.zone(&instance.zone_id);
    let itype = catalog
        .instance_type(type_id)
        .filter(|_| zone.is_some_and(|z| z.instance_types.iter().any(|t| t == type_id)))
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidInstanceTypeNotFound,
                format!(
                    "The instance type `{type_id}` is not offered in zone `{}`.",
                    instance.zone_id
                ),
            )
        })?;
    if instance.instance_type == type_id {
        return Err(ApiError::new(
            ErrorCode::InvalidInstanceTypeNotChanged,
            format!("The instance is already of type `{type_id}`."),
        ));
    }
    if zone.is_some_and(|z| z.sold_out.iter().any(|t| t == type_id)) {
        return Err(ApiError::new(
            ErrorCode::StockInsufficient,
            format!(
                "The instance type `{type_id}` is out of stock in zone `{}`.",
                instance.zone_id
            ),
        ));
    }
    // A real guest's machine grows at its next start: it must fit (STOCK_INSUFFICIENT).
    let admitted = match &app.guests {
        Some(guests) => Some(
            guests
                .admit_resize(&app.store, instance.memory, itype.memory)
                .await?,
        ),
        None => None,
    };
    let change = Change::Resize {
        instance_type: Atom::new(&itype.id),
        cpu: itype.cpu,
        memory: itype.memory,
    };
    let (done, _) =
        crate::actions::operate(app, req, vec![instance.id], Operation::Resize, change).await?;
    drop(admitted);
    Ok(Reply::Json(ModifyInstanceTypeResponse {
        order_number: done.order_number.to_string(),
    }))
}
