//! The network kinds an account makes: VPCs, subnets, security groups (with their rules), key
//! pairs, and network interfaces (every instance's primary NIC is one, made and purged with the
//! instance in the same round).
//!
//! VPCs, subnets and security groups of the catalog are shared by every account: they are
//! documents of the same types, made from the catalog when the store opens, owned by
//! [`SHARED`], never kept in a table (see `crate::shared`).

use super::{Document, KindId, Settled};
use crate::core::State;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::net::Ipv4Addr;
use zec_core::cidr::Ipv4Cidr;
use zec_core::rules::network::Rule;
use zec_core::{AccountId, Atom, Catalog, Instance, Life, Millis};

/// The owner of the catalog's shared networks (no account has id 0).
pub const SHARED: AccountId = 0;

/// Tags as documents keep them.
pub type TagList = Vec<(String, String)>;

/// The filter keys of a document's tags: every key, and every key with its value.
pub(crate) fn tag_keys(tags: &TagList, out: &mut Vec<(&'static str, String)>) {
    for (k, v) in tags {
        out.push(("tagKey", k.clone()));
        out.push(("tag", tag_key(k, v)));
    }
}

/// The list key of a tag filter.
pub fn tag_key(key: &str, value: &str) -> String {
    format!("{key}\u{0}{value}")
}

pub const VPCS: &str = "vpcs";
pub const SUBNETS: &str = "subnets";
pub const SECURITY_GROUPS: &str = "security_groups";
pub const KEY_PAIRS: &str = "key_pairs";
pub const NICS: &str = "nics";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vpc {
    /// The id clients know (the ordinal's digits, or the catalog's id).
    pub id: String,
    pub ordinal: u64,
    pub account: AccountId,
    pub name: String,
    pub cidr: Ipv4Cidr,
    /// A private IPv6 block, once IPv6 is on.
    pub ipv6_cidr: Option<String>,
    pub mtu: u32,
    /// The security group bound to the VPC (the one its new NICs get unless told otherwise).
    pub security_group_id: Option<String>,
    /// Empty for a shared VPC (each account sees it in its default group).
    pub resource_group_id: String,
    pub tags: TagList,
    pub created_at: Millis,
}

impl Document for Vpc {
    const KIND: KindId = KindId::Vpc;
    const TABLE: &'static str = VPCS;
    fn ordinal(&self) -> u64 {
        self.ordinal
    }
    fn account(&self) -> AccountId {
        self.account
    }
    fn set_account(&mut self, account: AccountId) {
        self.account = account;
    }
    fn public_id(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.id)
    }
    fn resource_group(&self) -> Option<&str> {
        Some(&self.resource_group_id)
    }
    fn keys(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![("resourceGroupId", self.resource_group_id.to_string())];
        if let Some(sg) = &self.security_group_id {
            out.push(("securityGroupId", sg.to_string()));
        }
        tag_keys(&self.tags, &mut out);
        out
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subnet {
    pub id: String,
    pub ordinal: u64,
    pub account: AccountId,
    pub name: String,
    pub region_id: String,
    pub vpc_id: String,
    /// None for an IPv6-only subnet.
    pub cidr: Option<Ipv4Cidr>,
    /// `IPv4`, `IPv4_IPv6` or `IPv6`.
    pub stack_type: String,
    /// `Public` or `Private`, with IPv6.
    pub ipv6_type: Option<String>,
    pub ipv6_cidr: Option<String>,
    pub created_at: Millis,
}

impl Document for Subnet {
    const KIND: KindId = KindId::Subnet;
    const TABLE: &'static str = SUBNETS;
    fn ordinal(&self) -> u64 {
        self.ordinal
    }
    fn account(&self) -> AccountId {
        self.account
    }
    fn set_account(&mut self, account: AccountId) {
        self.account = account;
    }
    fn public_id(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.id)
    }
    fn keys(&self) -> Vec<(&'static str, String)> {
        vec![
            ("vpcId", self.vpc_id.to_string()),
            ("regionId", self.region_id.to_string()),
        ]
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecurityGroup {
    pub id: String,
    pub ordinal: u64,
    pub account: AccountId,
    pub name: String,
    /// As the client gave them, in its order.
    pub rules: Vec<Rule>,
    pub created_at: Millis,
}

impl Document for SecurityGroup {
    const KIND: KindId = KindId::SecurityGroup;
    const TABLE: &'static str = SECURITY_GROUPS;
    fn ordinal(&self) -> u64 {
        self.ordinal
    }
    fn account(&self) -> AccountId {
        self.account
    }
    fn set_account(&mut self, account: AccountId) {
        self.account = account;
    }
    fn public_id(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.id)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyPair {
    /// `key-` and eight letters or digits.
    pub id: String,
    pub ordinal: u64,
    pub account: AccountId,
    pub name: String,
    /// As imported, byte for byte.
    pub public_key: String,
    pub description: Option<String>,
    /// Of the first key: `SHA256:…`, as `ssh-keygen -l` prints it.
    pub fingerprint: String,
    pub created_at: Millis,
}

impl Document for KeyPair {
    const KIND: KindId = KindId::KeyPair;
    const TABLE: &'static str = KEY_PAIRS;
    fn ordinal(&self) -> u64 {
        self.ordinal
    }
    fn account(&self) -> AccountId {
        self.account
    }
    fn set_account(&mut self, account: AccountId) {
        self.account = account;
    }
    fn public_id(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.id)
    }
    fn keys(&self) -> Vec<(&'static str, String)> {
        vec![("keyName", self.name.clone())]
    }
}

/// A network interface. An instance's primary NIC is made and purged with it; its private
/// address is held by the instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Nic {
    /// Its ordinal; clients know it by its digits.
    pub id: u64,
    pub account: AccountId,
    pub name: Box<str>,
    pub region_id: Atom,
    pub vpc_id: Atom,
    pub subnet_id: Atom,
    pub security_group_id: Option<Atom>,
    pub instance_id: Option<u64>,
    /// The instance's primary NIC (else a secondary one).
    pub primary: bool,
    pub primary_ipv4: Option<Ipv4Addr>,
    pub secondary_ipv4s: Vec<Ipv4Addr>,
    /// The instance's own public address (primary NICs of instances made with one); bound
    /// EIPs are read from the EIPs.
    pub public_ipv4s: Vec<Ipv4Addr>,
    /// `PENDING`, `AVAILABLE`, `ATTACHING`, `USED`, `CREATE_FAILED`, and the phase under way.
    #[serde(flatten)]
    pub life: Life,
    pub resource_group_id: Atom,
    pub tags: TagList,
    pub created_at: Millis,
    pub updated_at: Millis,
}

impl Nic {
    /// The primary NIC of an instance, as the instance is made.
    pub fn primary_of(i: &Instance) -> Nic {
        Nic {
            id: i.nic_id,
            account: i.account,
            name: format!("{}-nic", i.name).into(),
            region_id: i.region_id.clone(),
            vpc_id: i.vpc_id.clone(),
            subnet_id: i.subnet_id.clone(),
            security_group_id: Some(i.security_group_id.clone()).filter(|s| !s.is_empty()),
            instance_id: Some(i.id),
            primary: true,
            primary_ipv4: Some(i.private_ipv4),
            secondary_ipv4s: Vec::new(),
            public_ipv4s: i.public_ipv4.into_iter().collect(),
            life: Life::new("USED"),
            resource_group_id: i.resource_group_id.clone(),
            tags: Vec::new(),
            created_at: i.created_at,
            updated_at: i.updated_at,
        }
    }

    /// `Primary` or `Secondary`.
    pub fn nic_type(&self) -> &'static str {
        if self.primary { "Primary" } else { "Secondary" }
    }

    /// Every private address the NIC has.
    pub fn private_ipv4s(&self) -> impl Iterator<Item = Ipv4Addr> + '_ {
        self.primary_ipv4
            .into_iter()
            .chain(self.secondary_ipv4s.iter().copied())
    }

    /// `IPv4`, `IPv6` or `IPv4_IPv6`: zecd's NICs have IPv4 only.
    pub fn subnet_type(&self) -> &'static str {
        "IPv4"
    }

    /// The `(field, value)` pairs it is listed under, for DescribeNetworkInterfaces' filters.
    pub fn filter_keys(&self) -> Vec<(&'static str, String)> {
        Document::keys(self)
    }

    pub fn mac_address(&self) -> String {
        zec_core::instance::mac_address(self.id)
    }
}

impl Document for Nic {
    const KIND: KindId = KindId::Nic;
    const TABLE: &'static str = NICS;
    const ID_IS_ORDINAL: bool = true;
    const ONE_PER_INSTANCE: bool = true;
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
            ("vpcId", self.vpc_id.to_string()),
            ("subnetId", self.subnet_id.to_string()),
            ("regionId", self.region_id.to_string()),
            ("nicType", self.nic_type().to_owned()),
            ("nicSubnetType", self.subnet_type().to_owned()),
            ("resourceGroupId", self.resource_group_id.to_string()),
        ];
        if let Some(sg) = &self.security_group_id {
            out.push(("securityGroupId", sg.to_string()));
        }
        if let Some(i) = self.instance_id {
            out.push(("instanceId", i.to_string()));
        }
        tag_keys(&self.tags, &mut out);
        out
    }
    const OWNER: Option<&'static str> = Some("instanceId");
    fn owner(&self) -> Option<u64> {
        self.instance_id
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

    /// A secondary NIC holds its primary address (an instance holds its primary NIC's);
    /// every NIC holds its secondary addresses.
    fn hold(&self, state: &mut State, _: &Catalog) {
        for ip in self.own_addresses() {
            state.alloc.claim_private(self.account, &self.subnet_id, ip);
        }
    }

    fn release(&self, state: &mut State, _: &Catalog) {
        for ip in self.own_addresses() {
            state.alloc.free_private(self.account, &self.subnet_id, ip);
        }
    }
}

impl Nic {
    /// The private addresses the NIC itself holds.
    pub fn own_addresses(&self) -> impl Iterator<Item = Ipv4Addr> + '_ {
        self.primary_ipv4
            .filter(|_| !self.primary)
            .into_iter()
            .chain(self.secondary_ipv4s.iter().copied())
    }
}

/// A resource phase's end, as a document's settlement.
pub(crate) fn settled(e: zec_core::steps::Ended) -> Settled {
    match e {
        zec_core::steps::Ended::Nothing => Settled::Unchanged,
        zec_core::steps::Ended::Changed => Settled::Changed,
        zec_core::steps::Ended::Gone => Settled::Gone,
    }
}
