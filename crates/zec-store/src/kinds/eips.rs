//! Elastic IPs: a public address of a region's pool, held from creation until the EIP is gone,
//! bound to a private address of a network interface or not.

use super::network::{TagList, settled, tag_keys};
use super::{Document, KindId, Settled};
use crate::core::State;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::net::Ipv4Addr;
use zec_core::{AccountId, Catalog, Life, Millis};

pub const EIPS: &str = "eips";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Eip {
    pub id: u64,
    pub account: AccountId,
    pub name: String,
    pub region_id: String,
    pub public_ip: Ipv4Addr,
    pub charge_type: String,
    /// As the client sent it (`None`: not sent, or `""`).
    pub eip_v4_type: Option<String>,
    pub line_type: String,
    /// Mbps.
    pub bandwidth: u32,
    pub flow_package: Option<f64>,
    pub cluster_id: Option<String>,
    pub peer_region_id: Option<String>,
    pub rate_limit_mode: Option<String>,
    /// `CREATING`, `UNBIND`, `BINDED`, `RECYCLING`, `RECYCLED`, `CREATE_FAILED`, and the phase
    /// under way.
    #[serde(flatten)]
    pub life: Life,
    pub binding: Option<Binding>,
    pub resource_group_id: String,
    pub tags: TagList,
    pub created_at: Millis,
}

/// Where an EIP is bound: a private address of a network interface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Binding {
    pub nic_id: u64,
    pub lan_ip: Ipv4Addr,
    /// `FullNat` or `Passthrough`.
    pub bind_type: String,
}

impl Eip {
    pub fn filter_keys(&self) -> Vec<(&'static str, String)> {
        Document::keys(self)
    }
}

/// The public pool of a region.
fn pool(catalog: &Catalog, region: &str) -> Option<zec_core::cidr::Ipv4Cidr> {
    catalog.region(region).map(|r| r.public_ipv4_pool)
}

impl Document for Eip {
    const KIND: KindId = KindId::Eip;
    const TABLE: &'static str = EIPS;
    const ID_IS_ORDINAL: bool = true;
    fn ordinal(&self) -> u64 {
        self.id
    }
    fn account(&self) -> AccountId {
        self.account
    }
    fn set_account(&mut self, account: AccountId) {
        self.account = account;
    }
    fn public_id(&self) -> Cow<'_, str> {
        Cow::Owned(self.id.to_string())
    }
    fn resource_group(&self) -> Option<&str> {
        Some(&self.resource_group_id)
    }
    fn keys(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![
            ("regionId", self.region_id.clone()),
            ("resourceGroupId", self.resource_group_id.clone()),
            ("ipAddress", self.public_ip.to_string()),
            ("internetChargeType", self.charge_type.clone()),
        ];
        if let Some(b) = &self.binding {
            out.push(("associatedId", b.nic_id.to_string()));
            out.push(("privateIpAddress", b.lan_ip.to_string()));
        }
        tag_keys(&self.tags, &mut out);
        out
    }
    fn shift_phase(&mut self, by: Millis) {
        self.life.shift(by);
    }

    fn status_now(&self, now: Millis) -> Option<&str> {
        self.life.at(now)
    }

    fn due(&self) -> Option<Millis> {
        self.life.due()
    }
    fn settle(&mut self, now: Millis) -> Settled {
        settled(self.life.settle(now))
    }
    fn hold(&self, state: &mut State, catalog: &Catalog) {
        if let Some(p) = pool(catalog, &self.region_id) {
            state.alloc.claim_public(p, self.public_ip);
        }
    }
    fn release(&self, state: &mut State, catalog: &Catalog) {
        if let Some(p) = pool(catalog, &self.region_id) {
            state.alloc.free_public(p, self.public_ip);
        }
    }
}
