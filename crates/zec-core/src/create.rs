//! CreateZecInstances: from a request to a plan of instances, checked against the catalog.
//! Pure: the store turns a plan into instances, handing out ids and addresses.

use crate::atom::Atom;
use crate::catalog::Catalog;
use crate::cidr::Ipv4Cidr;
use crate::clock::Millis;
use crate::instance::{AccountId, Disk, Instance, Internet, Pending};
use crate::lifecycle::{Phase, Target};
use crate::networks::Networks;
use crate::params::{at_least, at_most, one_of, required};
use crate::rules::found;
use std::net::Ipv4Addr;
use zec_types::error::echo;
use zec_types::model::CreateZecInstancesRequest;
use zec_types::{ApiError, ErrorCode, InstanceStatus};

pub const MAX_INSTANCE_COUNT: i64 = 100;
pub const DISK_CATEGORIES: &[&str] = &["Standard NVMe SSD", "Basic NVMe SSD"];
pub const DEFAULT_DISK_CATEGORY: &str = "Standard NVMe SSD";
pub const NIC_NETWORK_TYPES: &[&str] = &["Auto", "FailOver", "VirtioOnly", "VfOnly"];
pub const INTERNET_CHARGE_TYPES: &[&str] = &["ByBandwidth", "ByTrafficPackage", "BandwidthCluster"];
pub const NETWORK_LINE_TYPES: &[&str] = &[
    "PremiumBGP",
    "CN2",
    "PathBasedBandwidthIP",
    "LocalLine",
    "StandardBGP",
    "CMI",
    "CUG",
    "CTG",
];
pub const SYSTEM_DISK_MAX: i64 = 1024;
pub const DATA_DISK_MIN: i64 = 20;
pub const DATA_DISK_MAX: i64 = 32768;
pub use crate::rules::login::{check_key_id, check_login, check_password};
pub use crate::rules::names::check_instance_name;
pub use crate::rules::tags::MAX_TAGS;
pub const MAX_USER_DATA: usize = 16 * 1024;

/// What one CreateZecInstances call will make: `names.len()` instances alike but for name,
/// ids and addresses.
#[derive(Debug, Clone, PartialEq)]
pub struct CreatePlan {
    pub names: Vec<String>,
    pub subnet_cidr: Ipv4Cidr,
    /// The private address asked for, given to the first instance if free.
    pub lan_ip: Option<Ipv4Addr>,
    /// The region's public pool, when the instances get public addresses.
    pub public_pool: Option<Ipv4Cidr>,
    pub data_disk: Option<DiskSpec>,
    pub template: Instance,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiskSpec {
    pub size: u32,
    pub category: String,
    pub bursting: bool,
}

/// Ids and addresses the store hands one planned instance.
#[derive(Debug, Clone, Copy)]
pub struct Allocation {
    pub id: u64,
    pub nic_id: u64,
    pub system_disk_id: u64,
    pub data_disk_id: Option<u64>,
    pub private_ipv4: Ipv4Addr,
    pub public_ipv4: Option<Ipv4Addr>,
}

impl CreatePlan {
    /// The `index`-th instance of the plan, deploying from `now` until `due`.
    pub fn instantiate(
        &self,
        index: usize,
        a: Allocation,
        now: Millis,
        due: Millis,
        outcome: Target,
    ) -> Instance {
        let mut i = self.template.clone();
        i.id = a.id;
        i.name = self.names[index].as_str().into();
        i.nic_id = a.nic_id;
        i.system_disk.id = a.system_disk_id;
        if let (Some(spec), Some(id)) = (&self.data_disk, a.data_disk_id) {
            i.data_disks = Box::new([Disk {
                id,
                name: format!("{}-data", i.name).into(),
                size: spec.size,
                category: Atom::new(&spec.category),
                bursting: spec.bursting,
            }]);
        }
        i.private_ipv4 = a.private_ipv4;
        i.public_ipv4 = a.public_ipv4;
        i.created_at = now;
        i.updated_at = now;
        i.status = InstanceStatus::Deploying;
        i.pending = Some(Pending {
            phase: Phase::Deploy,
            due,
            outcome,
            held_since: (due == crate::instance::HELD).then_some(now),
        });
        i
    }
}

/// Checks a request against the catalog. `resource_group_id` is the caller's group, already
/// resolved (absent ⇒ the account's default group).
pub fn plan(
    req: &CreateZecInstancesRequest,
    catalog: &Catalog,
    networks: &dyn Networks,
    account: AccountId,
    resource_group_id: &str,
) -> Result<CreatePlan, ApiError> {
    let zone_id = required("zoneId", &req.zone_id)?;
    let image_id = required("imageId", &req.image_id)?;
    let type_id = required("instanceType", &req.instance_type)?;
    let subnet_id = required("subnetId", &req.subnet_id)?;

    let zone = catalog.zone(zone_id).ok_or_else(|| found::zone(zone_id))?;
    let itype = catalog
        .instance_type(type_id)
        .filter(|_| zone.instance_types.iter().any(|t| t == type_id))
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidInstanceTypeNotFound,
                format!("The instance type `{type_id}` is not offered in zone `{zone_id}`."),
            )
        })?;
    if zone.sold_out.iter().any(|t| t == type_id) {
        return Err(ApiError::new(
            ErrorCode::StockInsufficient,
            format!("The instance type `{type_id}` is out of stock in zone `{zone_id}`."),
        ));
    }
    let image = catalog
        .image(image_id)
        .filter(|i| i.offered_in(zone_id))
        .ok_or_else(|| found::image_in_zone(image_id, zone_id))?;
    let subnet = networks
        .subnet(subnet_id)
        .ok_or_else(|| found::subnet(subnet_id))?;
    let Some(subnet_cidr) = subnet.cidr else {
        return Err(ApiError::new(
            ErrorCode::InvalidIpStackTypeNotSupport,
            format!(
                "The subnet `{}` has no IPv4 block; zecd's instances need one.",
                echo(subnet_id)
            ),
        ));
    };
    if subnet.region != zone.region {
        return Err(ApiError::new(
            ErrorCode::OperationDeniedSubnetZoneMismatch,
            format!(
                "The subnet `{subnet_id}` is in region {}, not in zone {zone_id}'s region {}.",
                subnet.region, zone.region
            ),
        ));
    }

    let count = req.instance_count.unwrap_or(1);
    at_least("instanceCount", count, 1)?;
    at_most("instanceCount", count, MAX_INSTANCE_COUNT)?;
    let names = instance_names(
        req.instance_name.as_deref().unwrap_or("instance"),
        count as usize,
    )?;

    check_login(req.password.as_deref(), req.key_id.as_deref(), image.login)?;
    if let Some(key) = req.key_id.as_deref().filter(|k| !k.is_empty())
        && !networks.key_pair_exists(key)
    {
        return Err(found::key_pair(key));
    }

    let system = req.system_disk.clone().unwrap_or_default();
    let system_size = system.disk_size.unwrap_or(i64::from(image.min_disk_size));
    if system_size < i64::from(image.min_disk_size) {
        return Err(ApiError::new(
            ErrorCode::InvalidImageSizeExceed,
            format!(
                "The image `{image_id}` needs a system disk of at least {} GiB; got {system_size}.",
                image.min_disk_size
            ),
        ));
    }
    if system_size > SYSTEM_DISK_MAX {
        return Err(ApiError::new(
            ErrorCode::InvalidSystemDiskExceedLimit,
            format!("The system disk may be at most {SYSTEM_DISK_MAX} GiB; got {system_size}."),
        ));
    }
    let system_category =
        disk_category("systemDisk.diskCategory", system.disk_category.as_deref())?;

    let data_disk = data_disk(req)?;
    let nic_network_type = match req.nic_network_type.as_deref() {
        None => "Auto",
        Some(t) => {
            let t = one_of("nicNetworkType", t, NIC_NETWORK_TYPES)?;
            if !image.nic_network_types.iter().any(|n| n == t) {
                return Err(ApiError::new(
                    ErrorCode::InvalidParameterValue,
                    format!("The image `{image_id}` does not support nicNetworkType `{t}`."),
                ));
            }
            t
        }
    };
    let time_zone = match req.time_zone.as_deref() {
        None => zone.time_zone.as_str(),
        Some(tz) => check_time_zone(tz)?,
    };
    // The request's group, else the VPC's, else the default one.
    let security_group_id = match req.security_group_id.as_deref().filter(|s| !s.is_empty()) {
        Some(id) if networks.security_group_exists(id) => id.to_owned(),
        Some(id) => return Err(found::security_group(id)),
        None => networks
            .vpc_security_group(&subnet.vpc_id)
            .or_else(|| networks.default_security_group())
            .unwrap_or_default(),
    };
    let lan_ip = match req.lan_ip.as_deref() {
        None => None,
        Some(ip) => Some(check_lan_ip(ip, subnet_cidr)?),
    };
    if let Some(stack) = req.ip_stack_type.as_deref() {
        one_of("ipStackType", stack, &["IPv4", "IPv4_IPv6", "IPv6"])?;
        if stack != "IPv4" {
            return Err(ApiError::new(
                ErrorCode::InvalidIpStackTypeNotSupport,
                format!(
                    "The subnet `{subnet_id}` is IPv4 only; ipStackType `{stack}` is not supported."
                ),
            ));
        }
    }
    let internet = internet(req, &itype.internet_charge_types, itype.max_bandwidth_out)?;
    if req.eip_ids.as_ref().is_some_and(|ids| !ids.is_empty()) {
        return Err(ApiError::new(
            ErrorCode::InvalidParameterValue,
            "Binding existing EIPs (`eipIds`) is not supported by zecd; use internetChargeType to get a public address.",
        ));
    }
    let enable_agent = match req.enable_agent {
        Some(true) if !image.agent => {
            return Err(ApiError::new(
                ErrorCode::InvalidImageAgentNotSupport,
                format!("The image `{image_id}` cannot run the guest agent."),
            ));
        }
        Some(v) => v,
        None => image.agent,
    };
    let tags = tags(req)?;
    if let Some(data) = &req.user_data
        && data.len() > MAX_USER_DATA
    {
        return Err(ApiError::new(
            ErrorCode::InvalidUserDataExceed,
            format!("`userData` may be at most {MAX_USER_DATA} bytes."),
        ));
    }

    let region = catalog
        .region(&zone.region)
        .expect("catalog checked: zone's region exists");
    let template = Instance {
        id: 0,
        account,
        name: Box::default(),
        zone_id: Atom::new(&zone.id),
        region_id: Atom::new(&zone.region),
        instance_type: Atom::new(&itype.id),
        cpu: itype.cpu,
        memory: itype.memory,
        image_id: Atom::new(&image.id),
        image_name: Atom::new(&image.name),
        time_zone: Atom::new(time_zone),
        nic_network_type: Atom::new(nic_network_type),
        status: InstanceStatus::Deploying,
        pending: None,
        system_disk: Disk {
            id: 0,
            name: Box::default(),
            size: system_size as u32,
            category: Atom::new(system_category),
            bursting: system.bursting_enabled.unwrap_or(false),
        },
        data_disks: Box::default(),
        private_ipv4: Ipv4Addr::UNSPECIFIED,
        public_ipv4: None,
        internet: internet.clone().map(Box::new),
        key_id: req.key_id.as_deref().map(Box::from),
        vpc_id: Atom::new(&subnet.vpc_id),
        subnet_id: Atom::new(&subnet.id),
        security_group_id: Atom::new(&security_group_id),
        enable_agent,
        enable_agent_monitor: false,
        enable_ip_forward: req.enable_ip_forward.unwrap_or(false),
        created_at: 0,
        updated_at: 0,
        resource_group_id: Atom::new(resource_group_id),
        nic_id: 0,
        tags,
        placement_group_id: req.placement_group_id.as_deref().map(Box::from),
        nested_virtualization: req
            .instance_options
            .as_ref()
            .map(|o| o.nested_virtualization),
        depend_resource: false,
    };
    Ok(CreatePlan {
        names,
        subnet_cidr,
        lan_ip,
        public_pool: internet.map(|_| region.public_ipv4_pool),
        data_disk,
        template,
    })
}

/// Expands `[begin,bits]` patterns: the i-th instance gets `begin + i`, zero-padded to `bits`
/// digits (begin 0..=99999, default 0; bits 1..=6, default 6). Every name must then be 2–63
/// letters, digits, `-` or `.`, starting and ending with a letter or digit.
pub fn instance_names(pattern: &str, count: usize) -> Result<Vec<String>, ApiError> {
    let malformed = |why: String| ApiError::new(ErrorCode::InvalidInstanceNameMalformed, why);
    // Split into literal text and numbering tokens.
    enum Part<'a> {
        Text(&'a str),
        Number { begin: u64, bits: usize },
    }
    let mut parts = Vec::new();
    let mut rest = pattern;
    while let Some(open) = rest.find('[') {
        let close = rest[open..]
            .find(']')
            .map(|c| open + c)
            .ok_or_else(|| malformed(format!("`{pattern}`: `[` without `]`.")))?;
        parts.push(Part::Text(&rest[..open]));
        let inner = &rest[open + 1..close];
        let (b, n) = inner.split_once(',').unwrap_or((inner, ""));
        let num = |s: &str, default: u64, max: u64| -> Result<u64, ApiError> {
            if s.is_empty() {
                return Ok(default);
            }
            s.parse::<u64>().ok().filter(|v| *v <= max).ok_or_else(|| {
                malformed(format!(
                    "`{pattern}`: `[{inner}]` is not [begin,bits] with begin 0-99999 and bits 1-6."
                ))
            })
        };
        let begin = num(b, 0, 99_999)?;
        let bits = num(n, 6, 6)? as usize;
        if bits == 0 {
            return Err(malformed(format!("`{pattern}`: bits must be 1-6.")));
        }
        parts.push(Part::Number { begin, bits });
        rest = &rest[close + 1..];
    }
    parts.push(Part::Text(rest));

    (0..count)
        .map(|i| {
            let mut name = String::new();
            for p in &parts {
                match p {
                    Part::Text(t) => name.push_str(t),
                    Part::Number { begin, bits } => {
                        name.push_str(&format!("{:0width$}", begin + i as u64, width = *bits))
                    }
                }
            }
            check_instance_name(&name)?;
            Ok(name)
        })
        .collect()
}

fn disk_category<'a>(field: &str, category: Option<&'a str>) -> Result<&'a str, ApiError> {
    match category {
        None => Ok(DEFAULT_DISK_CATEGORY),
        Some(c) if DISK_CATEGORIES.contains(&c) => Ok(c),
        Some(c) => Err(ApiError::new(
            ErrorCode::InvalidDiskCategoryType,
            format!(
                "`{field}` must be one of {}; got `{c}`.",
                DISK_CATEGORIES.join(", ")
            ),
        )),
    }
}

fn data_disk(req: &CreateZecInstancesRequest) -> Result<Option<DiskSpec>, ApiError> {
    let disks = req.data_disks.as_deref().unwrap_or_default();
    let Some(disk) = disks.first() else {
        return Ok(None);
    };
    if disks.len() > 1 {
        return Err(ApiError::new(
            ErrorCode::InvalidDataDiskCountLimitation,
            "Only one data disk can be created with an instance.",
        ));
    }
    if disk.disk_amount.is_some_and(|a| a != 1) {
        return Err(ApiError::new(
            ErrorCode::InvalidDiskIllegalAmount,
            "`dataDisks[0].diskAmount` must be 1.",
        ));
    }
    let size = disk
        .disk_size
        .ok_or_else(|| ApiError::missing("dataDisks[0].diskSize"))?;
    at_least("dataDisks[0].diskSize", size, DATA_DISK_MIN)?;
    at_most("dataDisks[0].diskSize", size, DATA_DISK_MAX)?;
    let category = disk_category("dataDisks[0].diskCategory", disk.disk_category.as_deref())?;
    Ok(Some(DiskSpec {
        size: size as u32,
        category: category.to_owned(),
        bursting: disk.bursting_enabled.unwrap_or(false),
    }))
}

pub fn check_time_zone(tz: &str) -> Result<&str, ApiError> {
    let ok = !tz.is_empty()
        && tz.len() <= 64
        && tz
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/_+-".contains(&b));
    if ok {
        Ok(tz)
    } else {
        Err(ApiError::new(
            ErrorCode::InvalidParameterValue,
            format!("`timeZone` `{tz}` is not a time zone name such as Asia/Shanghai."),
        ))
    }
}

fn check_lan_ip(ip: &str, cidr: Ipv4Cidr) -> Result<Ipv4Addr, ApiError> {
    let addr: Ipv4Addr = ip.parse().map_err(|_| {
        ApiError::new(
            ErrorCode::InvalidParameterValue,
            format!("`lanIp` `{ip}` is not an IPv4 address."),
        )
    })?;
    if !cidr.assignable().contains(&u32::from(addr)) {
        return Err(lan_ip_out_of_range(addr, cidr));
    }
    Ok(addr)
}

/// `lanIp` outside the subnet's assignable addresses.
pub fn lan_ip_out_of_range(addr: Ipv4Addr, cidr: Ipv4Cidr) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidIpOutOfRange,
        format!("`lanIp` {addr} is not an assignable address of the subnet {cidr}."),
    )
}

fn internet(
    req: &CreateZecInstancesRequest,
    offered: &[String],
    max_bandwidth: u32,
) -> Result<Option<Internet>, ApiError> {
    let Some(charge_type) = req.internet_charge_type.as_deref() else {
        return Ok(None);
    };
    one_of("internetChargeType", charge_type, INTERNET_CHARGE_TYPES)?;
    if !offered.iter().any(|o| o == charge_type) {
        return Err(ApiError::new(
            ErrorCode::InvalidParameterValue,
            format!("The instance type does not offer internetChargeType `{charge_type}`."),
        ));
    }
    let bandwidth = req.bandwidth.unwrap_or(1);
    at_least("bandwidth", bandwidth, 1)?;
    at_most("bandwidth", bandwidth, i64::from(max_bandwidth))?;
    if charge_type == "BandwidthCluster" && req.cluster_id.as_deref().is_none_or(str::is_empty) {
        return Err(ApiError::missing("clusterId"));
    }
    if let Some(size) = req.traffic_package_size
        && !(size > 0.0 && size.is_finite())
    {
        return Err(ApiError::new(
            ErrorCode::InvalidParameterLessMinimum,
            "`trafficPackageSize` must be greater than 0.",
        ));
    }
    let line_type = match req.network_line_type.as_deref() {
        None => "PremiumBGP",
        Some(l) => one_of("networkLineType", l, NETWORK_LINE_TYPES)?,
    };
    let bind_type = match req.eip_bind_type.as_deref() {
        None => "FullNat",
        Some(b) => one_of("eipBindType", b, &["FullNat", "Passthrough"])?,
    };
    Ok(Some(Internet {
        charge_type: Atom::new(charge_type),
        bandwidth: bandwidth as u32,
        traffic_package_size: req
            .traffic_package_size
            .filter(|_| charge_type == "ByTrafficPackage"),
        line_type: Atom::new(line_type),
        bind_type: Atom::new(bind_type),
    }))
}

fn tags(req: &CreateZecInstancesRequest) -> Result<Vec<(String, String)>, ApiError> {
    let tags = req
        .tags
        .as_ref()
        .map(|t| t.tags.as_slice())
        .unwrap_or_default();
    crate::rules::tags::check(
        "tags.tags",
        tags.iter().map(|t| (t.key.as_str(), t.value.as_str())),
    )?;
    Ok(tags
        .iter()
        .map(|t| (t.key.clone(), t.value.clone()))
        .collect())
}

#[cfg(test)]
mod tests;
