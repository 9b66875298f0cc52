//! CreateDisks: 1-50 data disks in a zone, CREATING → AVAILABLE (IN_USE when made attached to
//! `instanceId`, or one of `instanceIds` each; FAILED when a fault rule says so), from a
//! snapshot when `snapshotId` names one.

use crate::actions::allowed_groups;
use crate::actions::zec::{filter, group_for, tag_list};
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::params::{at_least, at_most, required};
use zec_core::rules::{self, storage};
use zec_store::network::NewDisks;
use zec_types::model::{CreateDisksRequest, CreateDisksResponse};
use zec_types::{ApiError, ErrorCode};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: CreateDisksRequest,
) -> Result<Reply<CreateDisksResponse>, ApiError> {
    let zone_id = required("zoneId", &r.zone_id)?;
    let zone = app
        .store
        .catalog()
        .zone(zone_id)
        .ok_or_else(|| rules::found::zone(zone_id))?;
    let name = required("diskName", &r.disk_name)?;
    storage::check_disk_name("diskName", name)?;
    let size = storage::check_size(
        "diskSize",
        r.disk_size.ok_or_else(|| ApiError::missing("diskSize"))?,
    )?;
    let amount = r.disk_amount.unwrap_or(1);
    at_least("diskAmount", amount, 1)?;
    at_most("diskAmount", amount, storage::MAX_DISK_AMOUNT)?;
    // The category is matched exactly, as the vendor's catalog spells it: no trimming.
    let category = match r.disk_category.as_deref() {
        None | Some("") => storage::DEFAULT_CATEGORY,
        Some(c) => c,
    };
    storage::check_category(category)?;
    let mut instances: Vec<String> = r
        .instance_ids
        .clone()
        .unwrap_or_default()
        .into_iter()
        .filter(|i| !i.trim().is_empty())
        .collect();
    if !instances.is_empty() && instances.len() as i64 != amount {
        return Err(ApiError::new(
            ErrorCode::InvalidParameterValue,
            format!(
                "`instanceIds` names {} instances for {amount} disks; give one per disk.",
                instances.len()
            ),
        ));
    }
    if instances.is_empty()
        && let Some(i) = filter(&r.instance_id)
    {
        instances.push(i.to_owned());
    }
    let tags = tag_list(&r.tags)?;
    let resource_group_id = group_for(app, req, &r.resource_group_id).await?;
    let made = app
        .store
        .create_disks(
            req.caller.account,
            NewDisks {
                zone_id: zone.id.clone(),
                region_id: zone.region.clone(),
                name: name.to_owned(),
                size,
                amount: amount as usize,
                category: category.to_owned(),
                bursting: r.bursting_enabled.unwrap_or(false),
                instances,
                snapshot_id: filter(&r.snapshot_id).map(str::to_owned),
                resource_group_id,
                tags,
            },
            allowed_groups(req),
        )
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(CreateDisksResponse {
        disk_ids: made.items.iter().map(|d| d.id.to_string()).collect(),
        order_number: made.order_number.to_string(),
    }))
}
