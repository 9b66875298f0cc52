//! The catalog: regions, zones, instance types, images, VPCs, subnets and security groups that
//! CreateZecInstances can be given, served by the Describe* lookups. Built in (a few realistic
//! entries, `catalog.default.toml`) and replaceable from a TOML file of the same shape.

use crate::cidr::Ipv4Cidr;
use serde::Deserialize;
use std::collections::HashSet;
use std::path::Path;

/// When the catalog's network objects were made, as Describe* reports it.
pub const CATALOG_CREATE_TIME: &str = "2025-01-01T00:00:00Z";
/// The same moment, in milliseconds since the Unix epoch.
pub const CATALOG_CREATED: crate::Millis = 1_735_689_600_000;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    pub regions: Vec<Region>,
    pub zones: Vec<Zone>,
    pub instance_types: Vec<InstanceType>,
    pub images: Vec<Image>,
    pub vpcs: Vec<Vpc>,
    pub subnets: Vec<Subnet>,
    pub security_groups: Vec<SecurityGroup>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    pub id: String,
    pub name: String,
    /// Where this region's public IPv4 addresses come from.
    pub public_ipv4_pool: Ipv4Cidr,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Zone {
    pub id: String,
    pub region: String,
    pub name: String,
    pub city: String,
    pub city_code: String,
    pub country_code: String,
    pub country: String,
    pub time_zone: String,
    #[serde(default)]
    pub support_ha_vip: bool,
    /// Instance types sold in this zone.
    pub instance_types: Vec<String>,
    /// Of those, the ones out of stock: creation fails with STOCK_INSUFFICIENT.
    #[serde(default)]
    pub sold_out: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceType {
    pub id: String,
    pub name: String,
    pub cpu: u32,
    /// GiB.
    pub memory: u32,
    pub frequency: String,
    pub bps: i64,
    pub pps: i64,
    /// Mbps.
    pub max_bandwidth_out: u32,
    pub internet_charge_types: Vec<String>,
}

/// How an image lets a user log in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Login {
    /// A password or a key pair, exactly one.
    #[default]
    Credentials,
    /// Neither (Windows and Generic images, spec notes on CreateZecInstances).
    None,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Image {
    pub id: String,
    pub name: String,
    pub category: String,
    pub os_type: String,
    pub version: String,
    /// GiB.
    pub size: u32,
    /// GiB: the smallest system disk this image fits on.
    pub min_disk_size: u32,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default = "default_nic_types")]
    pub nic_network_types: Vec<String>,
    #[serde(default)]
    pub login: Login,
    /// Whether the guest agent (QGA) can run on it.
    #[serde(default = "yes")]
    pub agent: bool,
    /// Zones it is offered in; empty means all.
    #[serde(default)]
    pub zones: Vec<String>,
}

fn default_nic_types() -> Vec<String> {
    ["Auto", "FailOver", "VirtioOnly", "VfOnly"]
        .map(String::from)
        .to_vec()
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vpc {
    pub id: String,
    pub name: String,
    pub cidr: Ipv4Cidr,
    pub mtu: u32,
    #[serde(default)]
    pub is_default: bool,
    pub security_group: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subnet {
    pub id: String,
    pub vpc: String,
    pub region: String,
    pub name: String,
    pub cidr: Ipv4Cidr,
    #[serde(default)]
    pub is_default: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityGroup {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub is_default: bool,
}

impl Catalog {
    /// The catalog zecd ships with.
    pub fn builtin() -> Self {
        Self::from_toml(include_str!("catalog.default.toml")).expect("built-in catalog is valid")
    }

    pub fn from_toml(text: &str) -> Result<Self, String> {
        let catalog: Catalog = toml::from_str(text).map_err(|e| e.to_string())?;
        catalog.check()?;
        Ok(catalog)
    }

    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read catalog {}: {e}", path.display()))?;
        Self::from_toml(&text).map_err(|e| format!("catalog {}: {e}", path.display()))
    }

    /// Every reference points at something that exists, and ids are unique.
    fn check(&self) -> Result<(), String> {
        unique("region", self.regions.iter().map(|r| &r.id))?;
        unique("zone", self.zones.iter().map(|z| &z.id))?;
        unique("instance type", self.instance_types.iter().map(|t| &t.id))?;
        unique("image", self.images.iter().map(|i| &i.id))?;
        unique("vpc", self.vpcs.iter().map(|v| &v.id))?;
        unique("subnet", self.subnets.iter().map(|s| &s.id))?;
        unique("security group", self.security_groups.iter().map(|s| &s.id))?;
        for z in &self.zones {
            self.region(&z.region)
                .ok_or_else(|| format!("zone {} names unknown region {}", z.id, z.region))?;
            for t in z.instance_types.iter().chain(&z.sold_out) {
                self.instance_type(t)
                    .ok_or_else(|| format!("zone {} names unknown instance type {t}", z.id))?;
            }
            if let Some(t) = z.sold_out.iter().find(|t| !z.instance_types.contains(t)) {
                return Err(format!(
                    "zone {} lists {t} as sold out but does not sell it",
                    z.id
                ));
            }
        }
        for i in &self.images {
            if let Some(z) = i.zones.iter().find(|z| self.zone(z).is_none()) {
                return Err(format!("image {} names unknown zone {z}", i.id));
            }
        }
        for v in &self.vpcs {
            self.security_group(&v.security_group).ok_or_else(|| {
                format!(
                    "vpc {} names unknown security group {}",
                    v.id, v.security_group
                )
            })?;
        }
        for s in &self.subnets {
            let vpc = self
                .vpc(&s.vpc)
                .ok_or_else(|| format!("subnet {} names unknown vpc {}", s.id, s.vpc))?;
            self.region(&s.region)
                .ok_or_else(|| format!("subnet {} names unknown region {}", s.id, s.region))?;
            if !vpc.cidr.contains(s.cidr.network()) || s.cidr.prefix() < vpc.cidr.prefix() {
                return Err(format!(
                    "subnet {} {} is outside vpc {}",
                    s.id, s.cidr, vpc.cidr
                ));
            }
        }
        Ok(())
    }

    pub fn region(&self, id: &str) -> Option<&Region> {
        self.regions.iter().find(|r| r.id == id)
    }

    pub fn zone(&self, id: &str) -> Option<&Zone> {
        self.zones.iter().find(|z| z.id == id)
    }

    pub fn instance_type(&self, id: &str) -> Option<&InstanceType> {
        self.instance_types.iter().find(|t| t.id == id)
    }

    pub fn image(&self, id: &str) -> Option<&Image> {
        self.images.iter().find(|i| i.id == id)
    }

    pub fn vpc(&self, id: &str) -> Option<&Vpc> {
        self.vpcs.iter().find(|v| v.id == id)
    }

    pub fn subnet(&self, id: &str) -> Option<&Subnet> {
        self.subnets.iter().find(|s| s.id == id)
    }

    pub fn security_group(&self, id: &str) -> Option<&SecurityGroup> {
        self.security_groups.iter().find(|s| s.id == id)
    }
}

impl Image {
    pub fn offered_in(&self, zone: &str) -> bool {
        self.zones.is_empty() || self.zones.iter().any(|z| z == zone)
    }
}

fn unique<'a>(what: &str, ids: impl Iterator<Item = &'a String>) -> Result<(), String> {
    let mut seen = HashSet::new();
    for id in ids {
        if !seen.insert(id) {
            return Err(format!("{what} id {id} appears twice"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_creation_time_is_one_moment() {
        assert_eq!(
            crate::clock::format_api_time(CATALOG_CREATED),
            CATALOG_CREATE_TIME
        );
    }

    #[test]
    fn builtin_catalog_is_consistent_and_complete_enough_to_create() {
        let c = Catalog::builtin();
        let zone = c.zone("asia-east-1a").unwrap();
        assert!(c.instance_type(&zone.instance_types[0]).is_some());
        assert!(c.images.iter().any(|i| i.offered_in(&zone.id)));
        assert!(c.subnets.iter().any(|s| s.region == zone.region));
        assert!(
            c.zones
                .iter()
                .all(|z| c.subnets.iter().any(|s| s.region == z.region))
        );
    }

    #[test]
    fn rejects_dangling_references() {
        let text = include_str!("catalog.default.toml").replace(
            "region = \"asia-east-1\"\nname = \"Shanghai A\"",
            "region = \"mars-north-1\"\nname = \"Shanghai A\"",
        );
        let err = Catalog::from_toml(&text).unwrap_err();
        assert!(err.contains("mars-north-1"), "{err}");
    }

    #[test]
    fn rejects_unknown_keys() {
        let text = format!(
            "{}\n[[zones]]\nbogus = 1\n",
            include_str!("catalog.default.toml")
        );
        assert!(Catalog::from_toml(&text).is_err());
    }
}
