//! DescribeZoneInstanceConfigInfos: which instance types each zone sells, and whether they are
//! in stock.

use crate::App;
use crate::actions::non_empty;
use crate::request::{Reply, VerifiedRequest};
use zec_types::ApiError;
use zec_types::model::{
    DescribeZoneInstanceConfigInfosRequest, DescribeZoneInstanceConfigInfosResponse,
    InstanceTypeQuotaItem,
};

pub async fn handle(
    app: &App,
    _: &VerifiedRequest,
    r: DescribeZoneInstanceConfigInfosRequest,
) -> Result<Reply<DescribeZoneInstanceConfigInfosResponse>, ApiError> {
    let catalog = app.store.catalog();
    let zone_filter = non_empty(&r.zone_id);
    if let Some(z) = &zone_filter
        && catalog.zone(z).is_none()
    {
        return Err(zec_core::rules::found::zone(z));
    }
    let type_filter = non_empty(&r.instance_type);
    let mut set = Vec::new();
    for zone in &catalog.zones {
        if zone_filter.as_ref().is_some_and(|z| *z != zone.id) {
            continue;
        }
        for type_id in &zone.instance_types {
            if type_filter.as_ref().is_some_and(|t| t != type_id) {
                continue;
            }
            let Some(t) = catalog.instance_type(type_id) else {
                continue;
            };
            set.push(InstanceTypeQuotaItem {
                zone_id: zone.id.clone(),
                instance_type: t.id.clone(),
                instance_type_name: t.name.clone(),
                cpu_count: t.cpu,
                memory: t.memory,
                frequency: t.frequency.clone(),
                bps: t.bps,
                pps: t.pps,
                internet_max_bandwidth_out_limit: t.max_bandwidth_out,
                with_stock: !zone.sold_out.contains(type_id),
                internet_charge_types: t.internet_charge_types.clone(),
            });
        }
    }
    Ok(Reply::Json(DescribeZoneInstanceConfigInfosResponse {
        instance_type_quota_set: set,
    }))
}
