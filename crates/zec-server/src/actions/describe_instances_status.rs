//! DescribeInstancesStatus: the user's source document, served exactly.
//!
//! `instanceIds` (≤100), `pageSize` (default 20, 1..=1000), `pageNum` (default 1),
//! `resourceGroupId`. `totalCount` counts every match; the order is creation order; unknown ids
//! are omitted; with ids and no `pageSize`, every listed instance that exists is returned.

use super::{MAX_IDS, non_empty};
use crate::request::VerifiedRequest;
use crate::{App, store_error};
use axum::response::Response;
use serde::de::{Deserialize, Deserializer, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeStruct, Serializer};
use std::fmt;
use zec_core::Page;
use zec_core::params::max_count;
use zec_store::{InstanceQuery, Listing, StatusRow};
use zec_types::ApiError;

pub async fn handle(app: &App, req: &VerifiedRequest) -> Result<Response, ApiError> {
    let r: Request = req.json()?;
    let mut query = InstanceQuery {
        resource_group_id: non_empty(&r.resource_group_id),
        ..Default::default()
    };
    if let Some(list) = r.instance_ids.filter(|l| l.len > 0) {
        max_count("instanceIds", list.len, MAX_IDS)?;
        query.ids = Some(list.ids);
    }
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

/// `DescribeInstancesStatusRequest` (zec-types) as the hot path reads it: the ids are parsed as
/// they are read instead of each becoming a string first (a test below checks that it reads
/// what the wire type reads).
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Request {
    instance_ids: Option<IdList>,
    page_size: Option<i64>,
    page_num: Option<i64>,
    resource_group_id: Option<String>,
}

/// `instanceIds`: how many were listed, and the ids of those that can name an instance.
#[derive(Debug)]
struct IdList {
    len: usize,
    ids: Vec<u64>,
}

impl<'de> Deserialize<'de> for IdList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Ids;
        impl<'de> Visitor<'de> for Ids {
            type Value = IdList;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a sequence")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<IdList, A::Error> {
                let mut list = IdList {
                    len: 0,
                    ids: Vec::with_capacity(seq.size_hint().unwrap_or(0).min(MAX_IDS)),
                };
                while let Some(IdArg(id)) = seq.next_element()? {
                    list.len += 1;
                    list.ids.extend(id);
                }
                Ok(list)
            }
        }
        d.deserialize_seq(Ids)
    }
}

struct IdArg(Option<u64>);

impl<'de> Deserialize<'de> for IdArg {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Id;
        impl Visitor<'_> for Id {
            type Value = IdArg;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E>(self, v: &str) -> Result<IdArg, E> {
                Ok(IdArg(zec_core::ids::parse_id(v.trim())))
            }
        }
        d.deserialize_str(Id)
    }
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
    use crate::request::parse_json;
    use zec_types::InstanceStatus;
    use zec_types::model::{
        DescribeInstancesStatusRequest, DescribeInstancesStatusResponse, InstanceStatusItem,
    };

    #[test]
    fn the_request_reads_what_the_wire_type_reads() {
        for body in [
            "{}",
            r#"{"instanceIds": []}"#,
            r#"{"instanceIds": ["913659857599463425", " 12 ", "ins-1", "", "0", "\u0031\u0032"], "pageSize": 3}"#,
            r#"{"instanceIds": null, "pageNum": 2, "resourceGroupId": "g", "other": [1]}"#,
        ] {
            let wire: DescribeInstancesStatusRequest = parse_json(body.as_bytes()).unwrap();
            let ours: Request = parse_json(body.as_bytes()).unwrap();
            let wire_ids = wire.instance_ids.as_ref().map(|ids| {
                ids.iter()
                    .filter_map(|s| zec_core::ids::parse_id(s.trim()))
                    .collect::<Vec<_>>()
            });
            assert_eq!(ours.instance_ids.as_ref().map(|l| l.ids.clone()), wire_ids, "{body}");
            assert_eq!(
                ours.instance_ids.as_ref().map(|l| l.len),
                wire.instance_ids.as_ref().map(Vec::len)
            );
            assert_eq!(
                (ours.page_size, ours.page_num, ours.resource_group_id),
                (wire.page_size, wire.page_num, wire.resource_group_id)
            );
        }
        for bad in [r#"{"instanceIds": [1]}"#, r#"{"instanceIds": "1"}"#] {
            let wire = parse_json::<DescribeInstancesStatusRequest>(bad.as_bytes()).unwrap_err();
            let ours = parse_json::<Request>(bad.as_bytes()).unwrap_err();
            assert_eq!((ours.code, &ours.message), (wire.code, &wire.message));
        }
    }

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
