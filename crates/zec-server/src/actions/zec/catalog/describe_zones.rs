//! DescribeZones: the catalog's zones, all or those named in `zoneIds`.

use crate::App;
use crate::request::{Reply, VerifiedRequest};
use zec_types::ApiError;
use zec_types::model::{DescribeZonesRequest, DescribeZonesResponse, ZoneInfo};

pub async fn handle(
    app: &App,
    _: &VerifiedRequest,
    r: DescribeZonesRequest,
) -> Result<Reply<DescribeZonesResponse>, ApiError> {
    let wanted = r.zone_ids.filter(|ids| !ids.is_empty());
    let zone_set = app
        .store
        .catalog()
        .zones
        .iter()
        .filter(|z| wanted.as_ref().is_none_or(|ids| ids.contains(&z.id)))
        .map(|z| ZoneInfo {
            zone_id: z.id.clone(),
            region_id: z.region.clone(),
            zone_name: z.name.clone(),
            support_security_group: true,
            time_zone: z.time_zone.clone(),
            city_name: z.city.clone(),
            city_code: z.city_code.clone(),
            country_code: z.country_code.clone(),
            country_name: z.country.clone(),
            support_ha_vip: z.support_ha_vip,
        })
        .collect();
    Ok(Reply::Json(DescribeZonesResponse { zone_set }))
}
