//! What an instance can be put on: the networks an account may use (the catalog's shared
//! ones, and the account's own) and its key pairs. The store answers for a given account;
//! [`CatalogNetworks`] answers from the catalog alone (tests, the catalog's own checks).

use crate::catalog::Catalog;
use crate::cidr::Ipv4Cidr;

/// A subnet, as an instance placed on it needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubnetRef {
    pub id: String,
    pub region: String,
    pub vpc_id: String,
    /// None for an IPv6-only subnet (no IPv4 address to give an instance).
    pub cidr: Option<Ipv4Cidr>,
}

pub trait Networks {
    fn subnet(&self, id: &str) -> Option<SubnetRef>;
    fn security_group_exists(&self, id: &str) -> bool;
    /// The security group bound to a VPC, if any.
    fn vpc_security_group(&self, vpc_id: &str) -> Option<String>;
    fn key_pair_exists(&self, id: &str) -> bool;
    /// The security group a NIC gets when neither it nor its VPC names one.
    fn default_security_group(&self) -> Option<String>;
}

/// The catalog's networks only; key pairs are those `keys` names.
pub struct CatalogNetworks<'a> {
    pub catalog: &'a Catalog,
    pub keys: &'a [&'a str],
}

impl<'a> CatalogNetworks<'a> {
    pub fn new(catalog: &'a Catalog) -> Self {
        Self { catalog, keys: &[] }
    }
}

impl Networks for CatalogNetworks<'_> {
    fn subnet(&self, id: &str) -> Option<SubnetRef> {
        self.catalog.subnet(id).map(|s| SubnetRef {
            id: s.id.clone(),
            region: s.region.clone(),
            vpc_id: s.vpc.clone(),
            cidr: Some(s.cidr),
        })
    }

    fn security_group_exists(&self, id: &str) -> bool {
        self.catalog.security_group(id).is_some()
    }

    fn vpc_security_group(&self, vpc_id: &str) -> Option<String> {
        self.catalog.vpc(vpc_id).map(|v| v.security_group.clone())
    }

    fn key_pair_exists(&self, id: &str) -> bool {
        self.keys.contains(&id)
    }

    fn default_security_group(&self) -> Option<String> {
        self.catalog
            .security_groups
            .iter()
            .find(|s| s.is_default)
            .map(|s| s.id.clone())
    }
}

/// The catalog's networks and one key pair, `key-rcfljdP5`, for tests.
#[cfg(test)]
pub(crate) fn nets() -> CatalogNetworks<'static> {
    static CATALOG: std::sync::LazyLock<Catalog> = std::sync::LazyLock::new(Catalog::builtin);
    CatalogNetworks {
        catalog: &CATALOG,
        keys: &["key-rcfljdP5"],
    }
}
