//! DescribeInstancesStatus: the user's source document, served exactly.
//!
//! `instanceIds` (≤100), `pageSize` (default 20, 1..=1000), `pageNum` (default 1),
//! `resourceGroupId`. `totalCount` counts every match; the order is creation order; unknown ids
//! are omitted; with ids and no `pageSize`, every listed instance that exists is returned.

use super::{MAX_IDS, id_filter, non_empty};
use crate::request::VerifiedRequest;
use crate::{App, store_error};
use axum::response::Response;
use zec_core::Page;
use zec_store::InstanceQuery;
use zec_types::ApiError;
use zec_types::model::{
    DescribeInstancesStatusRequest, DescribeInstancesStatusResponse, InstanceStatusItem,
};

pub async fn handle(app: &App, req: &VerifiedRequest) -> Result<Response, ApiError> {
    let r: DescribeInstancesStatusRequest = req.json()?;
    let mut query = InstanceQuery {
        resource_group_id: non_empty(&r.resource_group_id),
        ..Default::default()
    };
    id_filter(&mut query, r.instance_ids.as_deref())?;
    let default_size = if query.ids.is_some() {
        MAX_IDS as i64
    } else {
        Page::DEFAULT_SIZE
    };
    let page = Page::from_request(Some(r.page_size.unwrap_or(default_size)), r.page_num)?;
    let listing = app
        .store
        .describe_status(req.caller.account, &query, page)
        .await
        .map_err(store_error)?;
    req.reply(&DescribeInstancesStatusResponse {
        total_count: listing.total,
        data_set: listing
            .items
            .into_iter()
            .map(|row| InstanceStatusItem {
                instance_id: row.id.to_string(),
                instance_status: row.status.as_str().to_owned(),
            })
            .collect(),
    })
}
