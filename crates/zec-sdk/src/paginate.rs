//! Every page of a Describe action, as a stream.
//!
//! Pages are asked for from 1, 100 at a time unless the request says otherwise, until as many
//! items as the first page's `totalCount` have come, or a page comes back short: the rule the
//! official CLI follows.

use crate::{Client, Error, Response};
use futures_util::stream::{self, Stream, StreamExt};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use zec_types::model::*;

/// A Describe request that pages.
pub trait Paged: Serialize + Clone + Send + Sync + 'static {
    type Response: DeserializeOwned + Send + 'static;
    type Item: Send + 'static;
    /// Service, version and action.
    fn target(&self) -> (&str, &str, &str);
    fn page_size(&self) -> Option<i64>;
    fn set_page(&mut self, num: i64, size: i64);
    /// `totalCount` and how many items this page holds.
    fn page_info(page: &Self::Response) -> (u64, usize);
    fn items(page: Self::Response) -> Vec<Self::Item>;
}

/// The page size used when a request names none.
pub const DEFAULT_PAGE_SIZE: i64 = 100;

struct Walk<R> {
    client: Client,
    request: R,
    next: i64,
    size: i64,
    seen: u64,
    done: bool,
}

impl Client {
    /// Every page of `request`, in order. A failed page ends the stream with its error.
    pub fn pages<R: Paged>(
        &self,
        request: R,
    ) -> impl Stream<Item = Result<Response<R::Response>, Error>> + Send + 'static {
        let size = request.page_size().unwrap_or(DEFAULT_PAGE_SIZE);
        let walk = Walk {
            client: self.clone(),
            request,
            next: 1,
            size,
            seen: 0,
            done: false,
        };
        stream::unfold(walk, |mut w| async move {
            if w.done {
                return None;
            }
            w.request.set_page(w.next, w.size);
            let (service, version, action) = w.request.target();
            let page = w
                .client
                .call::<R, R::Response>(service, version, action, &w.request)
                .await;
            match &page {
                Err(_) => w.done = true,
                Ok(p) => {
                    let (total, len) = R::page_info(p);
                    w.seen += len as u64;
                    w.next += 1;
                    w.done = (len as i64) < w.size || w.seen >= total;
                }
            }
            Some((page, w))
        })
    }

    /// Every item of every page of `request`, in order.
    pub fn paginate<R: Paged>(
        &self,
        request: R,
    ) -> impl Stream<Item = Result<R::Item, Error>> + Send + 'static {
        self.pages(request).flat_map(|page| {
            let items: Vec<Result<R::Item, Error>> = match page {
                Ok(p) => R::items(p.data).into_iter().map(Ok).collect(),
                Err(e) => vec![Err(e)],
            };
            stream::iter(items)
        })
    }
}

macro_rules! paged {
    ($($req:ty => $action:literal, $resp:ty, $item:ty;)*) => {
        $(
            impl Paged for $req {
                type Response = $resp;
                type Item = $item;
                fn target(&self) -> (&str, &str, &str) {
                    ("zec", crate::actions::ZEC_VERSION, $action)
                }
                fn page_size(&self) -> Option<i64> {
                    self.page_size
                }
                fn set_page(&mut self, num: i64, size: i64) {
                    self.page_num = Some(num);
                    self.page_size = Some(size);
                }
                fn page_info(page: &$resp) -> (u64, usize) {
                    (page.total_count, page.data_set.len())
                }
                fn items(page: $resp) -> Vec<$item> {
                    page.data_set
                }
            }
        )*
    };
}

paged! {
    DescribeInstancesStatusRequest => "DescribeInstancesStatus", DescribeInstancesStatusResponse, InstanceStatusItem;
    DescribeInstancesRequest => "DescribeInstances", DescribeInstancesResponse, InstanceInfo;
    DescribeImagesRequest => "DescribeImages", DescribeImagesResponse, ImageInfo;
    DescribeVpcsRequest => "DescribeVpcs", DescribeVpcsResponse, VpcInfo;
    DescribeSubnetsRequest => "DescribeSubnets", DescribeSubnetsResponse, SubnetInfo;
    DescribeSecurityGroupsRequest => "DescribeSecurityGroups", DescribeSecurityGroupsResponse, SecurityGroupInfo;
}

/// Any paged action with a JSON body (what a command line builds): its items are the first
/// array in the response.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct JsonRequest {
    #[serde(skip)]
    pub service: String,
    #[serde(skip)]
    pub version: String,
    #[serde(skip)]
    pub action: String,
    pub body: serde_json::Map<String, Value>,
}

impl JsonRequest {
    /// The array that holds a page's items: the first array field other than metadata.
    pub fn items_key(page: &serde_json::Map<String, Value>) -> Option<&str> {
        page.iter()
            .find(|(k, v)| v.is_array() && !matches!(k.as_str(), "requestId" | "totalCount"))
            .map(|(k, _)| k.as_str())
    }
}

impl Paged for JsonRequest {
    type Response = serde_json::Map<String, Value>;
    type Item = Value;

    fn target(&self) -> (&str, &str, &str) {
        (&self.service, &self.version, &self.action)
    }

    fn page_size(&self) -> Option<i64> {
        self.body.get("pageSize").and_then(Value::as_i64)
    }

    fn set_page(&mut self, num: i64, size: i64) {
        self.body.insert("pageNum".into(), num.into());
        self.body.insert("pageSize".into(), size.into());
    }

    fn page_info(page: &Self::Response) -> (u64, usize) {
        let total = page.get("totalCount").and_then(Value::as_u64).unwrap_or(0);
        let len = Self::items_key(page)
            .and_then(|k| page[k].as_array())
            .map_or(0, Vec::len);
        (total, len)
    }

    fn items(mut page: Self::Response) -> Vec<Value> {
        match Self::items_key(&page).map(str::to_owned) {
            Some(k) => match page.remove(&k) {
                Some(Value::Array(items)) => items,
                _ => Vec::new(),
            },
            None => Vec::new(),
        }
    }
}
