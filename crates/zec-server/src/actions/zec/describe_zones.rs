//! DescribeZones: the catalog's zones, all or those named in `zoneIds`.

use crate::App;
use crate::request::VerifiedRequest;
use axum::response::Response;
use zec_types::ApiError;
use zec_types::model::{DescribeZonesRequest, DescribeZonesResponse, ZoneInfo};

pub fn handle(app: &App, req: &VerifiedRequest) -> Result<Response, ApiError> {
    let r: DescribeZonesRequest = req.json()?;
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
    req.reply(&DescribeZonesResponse { zone_set })
}
