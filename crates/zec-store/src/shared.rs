//! The catalog's networks, shared by every account: its VPCs, subnets and security groups as
//! documents owned by [`SHARED`], made once when the store opens. Every account can see and use
//! them (so that scripts written for the catalog keep working); none can change them.

use crate::kinds::network::SHARED;
use crate::kinds::{SecurityGroup, Subnet, Vpc};
use std::collections::HashSet;
use zec_core::Catalog;
use zec_core::catalog::CATALOG_CREATED;

pub(crate) struct Shared {
    pub vpcs: Vec<Vpc>,
    pub subnets: Vec<Subnet>,
    pub security_groups: Vec<SecurityGroup>,
    /// Ids the catalog marks as defaults.
    defaults: HashSet<String>,
}

impl Shared {
    pub fn from_catalog(c: &Catalog) -> Self {
        let mut defaults = HashSet::new();
        let vpcs = c
            .vpcs
            .iter()
            .enumerate()
            .map(|(n, v)| {
                if v.is_default {
                    defaults.insert(v.id.clone());
                }
                Vpc {
                    id: v.id.clone(),
                    ordinal: n as u64,
                    account: SHARED,
                    name: v.name.clone(),
                    cidr: v.cidr,
                    ipv6_cidr: None,
                    mtu: v.mtu,
                    security_group_id: Some(v.security_group.clone()),
                    resource_group_id: String::new(),
                    tags: Vec::new(),
                    created_at: CATALOG_CREATED,
                }
            })
            .collect();
        let subnets = c
            .subnets
            .iter()
            .enumerate()
            .map(|(n, s)| {
                if s.is_default {
                    defaults.insert(s.id.clone());
                }
                Subnet {
                    id: s.id.clone(),
                    ordinal: n as u64,
                    account: SHARED,
                    name: s.name.clone(),
                    region_id: s.region.clone(),
                    vpc_id: s.vpc.clone(),
                    cidr: Some(s.cidr),
                    stack_type: "IPv4".into(),
                    ipv6_type: None,
                    ipv6_cidr: None,
                    created_at: CATALOG_CREATED,
                }
            })
            .collect();
        let security_groups = c
            .security_groups
            .iter()
            .enumerate()
            .map(|(n, g)| {
                if g.is_default {
                    defaults.insert(g.id.clone());
                }
                SecurityGroup {
                    id: g.id.clone(),
                    ordinal: n as u64,
                    account: SHARED,
                    name: g.name.clone(),
                    rules: Vec::new(),
                    created_at: CATALOG_CREATED,
                }
            })
            .collect();
        Shared {
            vpcs,
            subnets,
            security_groups,
            defaults,
        }
    }

    pub fn vpc(&self, id: &str) -> Option<&Vpc> {
        self.vpcs.iter().find(|v| v.id == id)
    }

    pub fn subnet(&self, id: &str) -> Option<&Subnet> {
        self.subnets.iter().find(|s| s.id == id)
    }

    pub fn security_group(&self, id: &str) -> Option<&SecurityGroup> {
        self.security_groups.iter().find(|g| g.id == id)
    }

    /// Whether the catalog marks this VPC, subnet or security group as a default.
    pub fn is_default(&self, id: &str) -> bool {
        self.defaults.contains(id)
    }

    /// The security group a NIC gets when neither it nor its VPC names one.
    pub fn default_security_group(&self) -> Option<&str> {
        self.security_groups
            .iter()
            .find(|g| self.is_default(&g.id))
            .map(|g| g.id.as_str())
    }
}
