//! DescribeInstancesStatus: the user's source document, served exactly.
//!
//! `instanceIds` (≤100), `pageSize` (default 20, 1..=1000), `pageNum` (default 1),
//! `resourceGroupId`. `totalCount` counts every match; the order is creation order; unknown ids
//! are omitted; with ids and no `pageSize`, every listed instance that exists is returned.

use crate::actions::{MAX_IDS, non_empty};
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use serde::de::{Deserialize, Deserializer, SeqAccess, Visitor};
use std::fmt;
use zec_core::Page;
use zec_core::params::max_count;
use zec_store::{InstanceQuery, Listing, StatusRow};
use zec_types::ApiError;
use zec_types::model::{DescribeInstancesStatusRequest, DescribeInstancesStatusResponse};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: Request,
) -> Result<Reply<DescribeInstancesStatusResponse>, ApiError> {
    let mut query = InstanceQuery {
        resource_group_id: non_empty(&r.resource_group_id),
        allowed_groups: crate::actions::allowed_groups(req),
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
    Ok(Reply::Raw(write_reply(&req.request_id, &listing)))
}

/// `DescribeInstancesStatusRequest` (zec-types) as the hot path reads it: the ids are parsed as
/// they are read instead of each becoming a string first (a test below checks that it reads
/// what the wire type reads).
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    instance_ids: Option<IdList>,
    page_size: Option<i64>,
    page_num: Option<i64>,
    resource_group_id: Option<String>,
}

impl crate::actions::ReadsAs<DescribeInstancesStatusRequest> for Request {}

/// `instanceIds`: how many were listed, and the ids of those that can name an instance.
#[derive(Debug)]
pub struct IdList {
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

/// The reply, envelope and all, written by hand: this is zecd's hot path, and every value in it
/// is digits, a status name or a request id, none of which JSON needs to escape. A test below
/// checks it byte for byte against the shared wire types serialized by serde.
fn write_reply(request_id: &str, listing: &Listing<StatusRow>) -> Vec<u8> {
    debug_assert!(
        request_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    );
    let mut ids = itoa::Buffer::new();
    let mut out = Vec::with_capacity(128 + 64 * listing.items.len());
    out.extend_from_slice(b"{\"requestId\":\"");
    out.extend_from_slice(request_id.as_bytes());
    out.extend_from_slice(b"\",\"response\":{\"requestId\":\"");
    out.extend_from_slice(request_id.as_bytes());
    out.extend_from_slice(b"\",\"totalCount\":");
    out.extend_from_slice(ids.format(listing.total).as_bytes());
    out.extend_from_slice(b",\"dataSet\":[");
    for (n, row) in listing.items.iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"instanceId\":\"");
        out.extend_from_slice(ids.format(row.id).as_bytes());
        out.extend_from_slice(b"\",\"instanceStatus\":\"");
        out.extend_from_slice(row.status.as_str().as_bytes());
        out.extend_from_slice(b"\"}");
    }
    out.extend_from_slice(b"]}}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::parse_json;
    use zec_types::InstanceStatus;
    use zec_types::envelope::Envelope;
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
            assert_eq!(
                ours.instance_ids.as_ref().map(|l| l.ids.clone()),
                wire_ids,
                "{body}"
            );
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
        let request_id = crate::request::new_request_id();
        let ours = write_reply(&request_id, &listing);
        let theirs = serde_json::to_vec(&Envelope::new(&request_id, &wire)).unwrap();
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            String::from_utf8(theirs).unwrap()
        );
        let empty = write_reply("T1", &Listing::empty());
        let wire_empty = DescribeInstancesStatusResponse::default();
        assert_eq!(
            empty,
            serde_json::to_vec(&Envelope::new("T1", &wire_empty)).unwrap()
        );
    }
}
