//! DescribeDiskRegions: the regions disks are sold in (the catalog's).

use crate::App;
use crate::request::{Reply, VerifiedRequest};
use zec_types::ApiError;
use zec_types::model::{DescribeDiskRegionsRequest, DescribeDiskRegionsResponse};

pub async fn handle(
    app: &App,
    _: &VerifiedRequest,
    _: DescribeDiskRegionsRequest,
) -> Result<Reply<DescribeDiskRegionsResponse>, ApiError> {
    Ok(Reply::Json(DescribeDiskRegionsResponse {
        region_ids: app
            .store
            .catalog()
            .regions
            .iter()
            .map(|r| r.id.clone())
            .collect(),
    }))
}
