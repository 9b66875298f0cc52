//! DescribeImages: the public images offered in a zone (`zoneId` is required, as the vendor's
//! CLI spec says), with the filters and paging of spec §5.

use crate::App;
use crate::actions::{fuzzy, non_empty};
use crate::request::{Reply, VerifiedRequest};
use zec_core::Page;
use zec_core::params::{max_items, required};
use zec_types::ApiError;
use zec_types::model::{DescribeImagesRequest, DescribeImagesResponse, ImageInfo, Tags};

pub async fn handle(
    app: &App,
    _: &VerifiedRequest,
    r: DescribeImagesRequest,
) -> Result<Reply<DescribeImagesResponse>, ApiError> {
    let zone_id = required("zoneId", &r.zone_id)?;
    let catalog = app.store.catalog();
    if catalog.zone(zone_id).is_none() {
        return Err(zec_core::rules::found::zone(zone_id));
    }
    let page = Page::from_request(r.page_size, r.page_num)?;
    let ids = r.image_ids.clone().filter(|v| !v.is_empty());
    if let Some(ids) = &ids {
        max_items("imageIds", ids, 100)?;
    }
    let tag_keys = r.tag_keys.clone().unwrap_or_default();
    let tags = r.tags.clone().unwrap_or_default();
    max_items("tagKeys", &tag_keys, 20)?;
    max_items("tags", &tags, 20)?;
    let eq = |want: &Option<String>, have: &str| non_empty(want).is_none_or(|w| w == have);
    let matching: Vec<_> = catalog
        .images
        .iter()
        .filter(|i| i.offered_in(zone_id))
        .filter(|i| ids.as_ref().is_none_or(|ids| ids.contains(&i.id)))
        .filter(|i| fuzzy(&i.name, &r.image_name))
        .filter(|i| eq(&r.category, &i.category))
        .filter(|_| eq(&r.image_type, "PUBLIC_IMAGE"))
        .filter(|_| eq(&r.image_source, "OFFICIAL"))
        .filter(|i| eq(&r.os_type, &i.os_type) || r.os_type.as_deref() == Some("any"))
        .filter(|_| eq(&r.image_status, "AVAILABLE"))
        // Public images carry no tags, so any tag filter leaves none.
        .filter(|_| tag_keys.is_empty() && tags.is_empty())
        .collect();
    let data_set = matching[page.range(matching.len())]
        .iter()
        .map(|i| ImageInfo {
            image_id: i.id.clone(),
            image_name: i.name.clone(),
            image_type: "PUBLIC_IMAGE".into(),
            image_source: "OFFICIAL".into(),
            image_size: i.size.to_string(),
            min_disk_size: i.min_disk_size,
            image_description: i.description.clone(),
            image_version: i.version.clone(),
            image_status: "AVAILABLE".into(),
            nic_network_type: i.nic_network_types.clone(),
            category: i.category.clone(),
            os_type: i.os_type.clone(),
            tags: Tags::default(),
        })
        .collect();
    Ok(Reply::Json(DescribeImagesResponse {
        total_count: matching.len() as u64,
        data_set,
    }))
}
