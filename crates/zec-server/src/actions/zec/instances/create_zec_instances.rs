//! CreateZecInstances: checks the request against the catalog, creates the instances
//! DEPLOYING; each becomes RUNNING when its deploy phase ends (CREATE_FAILED if a fault rule
//! says so).

use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::{create, rules};
use zec_types::ApiError;
use zec_types::model::{CreateZecInstancesRequest, CreateZecInstancesResponse, DiskWithInstance};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: CreateZecInstancesRequest,
) -> Result<Reply<CreateZecInstancesResponse>, ApiError> {
    let account = req.caller.account;
    let group = match crate::actions::non_empty(&r.resource_group_id) {
        Some(id) => app
            .store
            .group(account, &id)
            .ok_or_else(|| rules::found::group(&id))?,
        None => app
            .store
            .default_group(account)
            .await
            .map_err(store_error)?,
    };
    crate::actions::check_group_allowed(req, &group.id)?;
    let plan = {
        let view = app.store.view(account).await.map_err(store_error)?;
        create::plan(&r, app.store.catalog(), &view, account, &group.id)?
    };
    // With real guests, the machines must fit (held until the store has made them).
    let admitted = match &app.guests {
        Some(guests) => {
            let os_type = app
                .store
                .catalog()
                .image(&plan.template.image_id)
                .map_or("linux", |i| i.os_type.as_str())
                .to_owned();
            Some(
                guests
                    .admit(&app.store, plan.names.len(), plan.template.memory, &os_type)
                    .await?,
            )
        }
        None => None,
    };
    let created = app
        .store
        .create_instances(account, plan)
        .await
        .map_err(store_error)?;
    drop(admitted);
    if let (Some(guests), Some(password)) = (&app.guests, &r.password) {
        for i in &created.instances {
            guests.remember_password(i.id, password.clone());
        }
    }
    Ok(Reply::Json(CreateZecInstancesResponse {
        order_number: created.order_number.to_string(),
        instance_id_set: created.instances.iter().map(|i| i.id.to_string()).collect(),
        // Only instances created with data disks are listed (the vendor's example shows an
        // empty list for instances without).
        instances: created
            .instances
            .iter()
            .filter(|i| !i.data_disks.is_empty())
            .map(|i| DiskWithInstance {
                instance_id: i.id.to_string(),
                disk_id_set: i.data_disks.iter().map(|d| d.id.to_string()).collect(),
            })
            .collect(),
    }))
}
