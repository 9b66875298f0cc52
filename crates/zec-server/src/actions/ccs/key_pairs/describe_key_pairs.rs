//! DescribeKeyPairs: the account's key pairs by id and/or name (a substring, any case), paged
//! (20 by default, at most 1000).

use crate::actions::fuzzy;
use crate::actions::zec::ids_filter;
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::Page;
use zec_core::clock::format_api_time;
use zec_types::ApiError;
use zec_types::model::{DescribeKeyPairsRequest, DescribeKeyPairsResponse, KeyPairInfo};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: DescribeKeyPairsRequest,
) -> Result<Reply<DescribeKeyPairsResponse>, ApiError> {
    let page = Page::from_request(r.page_size, r.page_num)?;
    let ids = ids_filter("keyIds", &r.key_ids)?;
    let view = app
        .store
        .view(req.caller.account)
        .await
        .map_err(store_error)?;
    let listing = view.key_pairs(
        &[],
        |k| ids.as_ref().is_none_or(|ids| ids.contains(&k.id)) && fuzzy(&k.name, &r.key_name),
        page,
    );
    Ok(Reply::Json(DescribeKeyPairsResponse {
        total_count: listing.total,
        data_set: listing
            .items
            .iter()
            .map(|k| KeyPairInfo {
                key_id: k.id.clone(),
                key_name: k.name.clone(),
                public_key: k.public_key.clone(),
                key_description: k.description.clone(),
                create_time: format_api_time(k.created_at),
            })
            .collect(),
    }))
}
