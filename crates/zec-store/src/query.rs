//! What Describe* asks for: an account's instances, filtered, in creation order.

use std::net::Ipv4Addr;
use zec_core::{Instance, Millis};
use zec_types::InstanceStatus;

/// Filters of DescribeInstances and DescribeInstancesStatus, combined with AND.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InstanceQuery {
    /// Only these instances (`instanceIds`); ids that cannot exist are already dropped.
    pub ids: Option<Vec<u64>>,
    pub resource_group_id: Option<String>,
    pub zone_id: Option<String>,
    pub image_id: Option<String>,
    pub instance_type: Option<String>,
    /// Instance type family, e.g. `z2a` for `z2a.cpu.4`.
    pub instance_type_series: Option<String>,
    pub status: Option<InstanceStatus>,
    /// Substring of the name, case-insensitive.
    pub name: Option<String>,
    /// Private or public IPv4 address.
    pub ipv4: Option<Ipv4Addr>,
    /// zecd's subnets are IPv4 only, so an IPv6 filter matches nothing.
    pub ipv6: Option<String>,
    /// Instances carrying every one of these tag keys.
    pub tag_keys: Vec<String>,
    /// Instances carrying every one of these tags.
    pub tags: Vec<(String, String)>,
    /// The caller may see only these resource groups (a scoped key); `None`: all.
    pub allowed_groups: Option<Vec<zec_core::Atom>>,
}

impl InstanceQuery {
    /// Whether `i`, whose status at the time of the query is `status`, matches every filter.
    pub fn matches(&self, i: &Instance, status: InstanceStatus) -> bool {
        fn eq(want: &Option<String>, have: &str) -> bool {
            want.as_deref().is_none_or(|w| w == have)
        }
        eq(&self.resource_group_id, &i.resource_group_id)
            && self
                .allowed_groups
                .as_ref()
                .is_none_or(|groups| groups.contains(&i.resource_group_id))
            && eq(&self.zone_id, &i.zone_id)
            && eq(&self.image_id, &i.image_id)
            && eq(&self.instance_type, &i.instance_type)
            && self
                .instance_type_series
                .as_deref()
                .is_none_or(|s| i.instance_type.split('.').next() == Some(s))
            && self.status.is_none_or(|s| s == status)
            && self
                .name
                .as_deref()
                .is_none_or(|n| contains_ignore_case(&i.name, n))
            && self
                .ipv4
                .is_none_or(|ip| i.private_ipv4 == ip || i.public_ipv4 == Some(ip))
            && self.ipv6.is_none()
            && self
                .tag_keys
                .iter()
                .all(|k| i.tags.iter().any(|(tk, _)| tk == k))
            && self
                .tags
                .iter()
                .all(|t| i.tags.iter().any(|(k, v)| (k, v) == (&t.0, &t.1)))
    }
}

/// Names are ASCII (CreateZecInstances allows letters, digits, `-` and `.`), so case is folded
/// the ASCII way, as the name index does: a needle with other letters matches nothing.
fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    haystack
        .to_ascii_lowercase()
        .contains(&needle.to_ascii_lowercase())
}

/// One page of a result and the number of all matches.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing<T> {
    pub total: u64,
    pub items: Vec<T>,
}

impl<T> Listing<T> {
    pub fn empty() -> Self {
        Self {
            total: 0,
            items: Vec::new(),
        }
    }
}

/// An instance's id and its status at the time of the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusRow {
    pub id: u64,
    pub status: InstanceStatus,
}

/// A status read at a moment.
pub(crate) fn status_now(i: &Instance, now: Millis) -> Option<InstanceStatus> {
    i.status_at(now)
}
