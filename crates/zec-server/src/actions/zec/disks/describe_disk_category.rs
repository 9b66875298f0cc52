//! DescribeDiskCategory: the disk categories of each zone (every zone sells both).

use crate::App;
use crate::actions::zec::filter;
use crate::request::{Reply, VerifiedRequest};
use zec_core::rules::storage::CATEGORIES;
use zec_types::ApiError;
use zec_types::model::{
    DescribeDiskCategoryRequest, DescribeDiskCategoryResponse, DiskCategoryItem,
};

pub async fn handle(
    app: &App,
    _: &VerifiedRequest,
    r: DescribeDiskCategoryRequest,
) -> Result<Reply<DescribeDiskCategoryResponse>, ApiError> {
    let zone = filter(&r.zone_id);
    let category = filter(&r.disk_category);
    let set: Vec<String> = CATEGORIES
        .iter()
        .filter(|c| category.is_none_or(|want| want == **c))
        .map(|c| (*c).to_owned())
        .collect();
    Ok(Reply::Json(DescribeDiskCategoryResponse {
        category_zone_set: app
            .store
            .catalog()
            .zones
            .iter()
            .filter(|z| zone.is_none_or(|want| want == z.id))
            .filter(|_| !set.is_empty())
            .map(|z| DiskCategoryItem {
                zone_id: z.id.clone(),
                category_set: set.clone(),
            })
            .collect(),
    }))
}
