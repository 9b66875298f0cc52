//! DescribeInstancesStatus: the user's source document, served exactly.
//!
//! `instanceIds` (≤100), `pageSize` (default 20, 1..=1000), `pageNum` (default 1),
//! `resourceGroupId`. `totalCount` counts every match; the order is creation order; unknown ids
//! are omitted; with ids and no `pageSize`, every listed instance that exists is returned.

use super::{MAX_IDS, id_filter, non_empty};
use crate::request::VerifiedRequest;
use crate::{App, store_error};
use axum::response::Response;
use serde::ser::{Serialize, SerializeStruct, Serializer};
use zec_core::Page;
use zec_store::{InstanceQuery, Listing, StatusRow};
use zec_types::ApiError;
use zec_types::model::DescribeInstancesStatusRequest;

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
    req.reply(&Reply(listing))
}

/// `DescribeInstancesStatusResponse` written straight from the store's rows: the hot path of
/// zecd, so ids are formatted on the stack rather than allocated (a test below checks that
/// the output is what the shared wire type reads and writes).
struct Reply(Listing<StatusRow>);

struct Row<'a>(&'a StatusRow);

impl Serialize for Reply {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut r = s.serialize_struct("DescribeInstancesStatusResponse", 2)?;
        r.serialize_field("totalCount", &self.0.total)?;
        let rows: Vec<Row<'_>> = self.0.items.iter().map(Row).collect();
        r.serialize_field("dataSet", &rows)?;
        r.end()
    }
}

impl Serialize for Row<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut id = itoa::Buffer::new();
        let mut r = s.serialize_struct("InstanceStatus", 2)?;
        r.serialize_field("instanceId", id.format(self.0.id))?;
        r.serialize_field("instanceStatus", self.0.status.as_str())?;
        r.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zec_types::InstanceStatus;
    use zec_types::model::{DescribeInstancesStatusResponse, InstanceStatusItem};

    #[test]
    fn the_reply_is_exactly_the_wire_type() {
        let listing = Listing {
            total: 7,
            items: vec![
                StatusRow {
                    id: 913_659_857_599_463_425,
                    status: InstanceStatus::Running,
                },
                StatusRow {
                    id: 1,
                    status: InstanceStatus::CreateFailed,
                },
            ],
        };
        let wire = DescribeInstancesStatusResponse {
            total_count: 7,
            data_set: vec![
                InstanceStatusItem {
                    instance_id: "913659857599463425".into(),
                    instance_status: "RUNNING".into(),
                },
                InstanceStatusItem {
                    instance_id: "1".into(),
                    instance_status: "CREATE_FAILED".into(),
                },
            ],
        };
        let ours = serde_json::to_string(&Reply(listing)).unwrap();
        assert_eq!(ours, serde_json::to_string(&wire).unwrap());
        assert_eq!(
            serde_json::from_str::<DescribeInstancesStatusResponse>(&ours).unwrap(),
            wire
        );
    }
}
