//! Networks in a round: VPCs, subnets, security groups and their rules, network interfaces and
//! key pairs, made, changed and deleted. Every relation is checked here, on the documents as
//! the round leaves them (a subnet deleted and an instance created into it in one round cannot
//! both succeed), and every change of a relation is written in the same round as its cause.
//!
//! The handler has already checked the request's own fields (blocks, names, rules); what
//! depends on other documents (existence, overlap, limits, use) is decided here.

use super::{Round, Scope, in_scope};
use crate::error::StoreError;
use crate::kinds::network::TagList;
use crate::kinds::{Disk, Eip, KeyPair, Nic, SecurityGroup, Subnet, Vpc};
use rand::RngExt;
use zec_core::cidr::Ipv4Cidr;
use zec_core::rules::network::{self as net, Rule};
use zec_core::rules::{found, scope};
use zec_core::{AccountId, Atom, Instance};
use zec_types::ApiError;

/// A new VPC.
#[derive(Debug, Clone)]
pub struct NewVpc {
    pub name: String,
    pub cidr: Ipv4Cidr,
    pub mtu: u32,
    pub ipv6: bool,
    pub resource_group_id: String,
    pub tags: TagList,
}

/// What ModifyVpcAttribute changes (`None`: unchanged).
#[derive(Debug, Clone, Default)]
pub struct VpcChange {
    pub name: Option<String>,
    pub cidr: Option<Ipv4Cidr>,
    /// `true` turns IPv6 on; `false` is refused once it is on (it is never turned off).
    pub enable_ipv6: Option<bool>,
    pub security_group_id: Option<String>,
}

/// A new subnet.
#[derive(Debug, Clone)]
pub struct NewSubnet {
    pub vpc_id: String,
    pub name: String,
    pub region_id: String,
    pub cidr: Option<Ipv4Cidr>,
    /// `Public` or `Private`: the subnet has IPv6 of that kind.
    pub ipv6_type: Option<String>,
}

/// What ModifyNetworkInterfaceAttribute changes (`None`: unchanged).
#[derive(Debug, Clone, Default)]
pub struct NicChange {
    pub name: Option<String>,
    pub security_group_id: Option<String>,
}

/// A key pair to import (its key already checked).
#[derive(Debug, Clone)]
pub struct NewKeyPair {
    pub name: String,
    pub public_key: String,
    pub description: Option<String>,
    pub fingerprint: String,
}

/// A VPC, NIC, disk or EIP to retag or regroup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resource {
    Vpc(String),
    Nic(String),
    Disk(String),
    Eip(String),
}

// ---- lookups as the round leaves them ----

fn shared_vpc<'r>(round: &'r Round<'_>, id: &str) -> Option<&'r Vpc> {
    round.core.shared.vpc(id)
}

fn own_vpc(
    round: &Round<'_>,
    account: AccountId,
    id: &str,
    scope: Scope<'_>,
    missing: impl FnOnce(&str) -> ApiError,
) -> Result<Vpc, StoreError> {
    if shared_vpc(round, id).is_some() {
        return Err(net::shared_vpc(id).into());
    }
    let vpc = round.find::<Vpc>(account, id).ok_or_else(|| missing(id))?;
    if !in_scope(scope, &vpc.resource_group_id) {
        return Err(scope::resource("VPC", id).into());
    }
    Ok(vpc)
}

fn own_subnet(
    round: &Round<'_>,
    account: AccountId,
    id: &str,
    scope: Scope<'_>,
    missing: impl FnOnce(&str) -> ApiError,
) -> Result<(Subnet, Vpc), StoreError> {
    if round.core.shared.subnet(id).is_some() {
        return Err(net::shared_subnet(id).into());
    }
    let subnet = round
        .find::<Subnet>(account, id)
        .ok_or_else(|| missing(id))?;
    let vpc = round
        .find::<Vpc>(account, &subnet.vpc_id)
        .ok_or_else(|| StoreError::Internal(format!("subnet {id} has no VPC")))?;
    if !in_scope(scope, &vpc.resource_group_id) {
        return Err(scope::resource("subnet", id).into());
    }
    Ok((subnet, vpc))
}

fn own_security_group(
    round: &Round<'_>,
    account: AccountId,
    id: &str,
    missing: impl FnOnce(&str) -> ApiError,
) -> Result<SecurityGroup, StoreError> {
    if round.core.shared.security_group(id).is_some() {
        return Err(net::shared_security_group(id).into());
    }
    round
        .find::<SecurityGroup>(account, id)
        .ok_or_else(|| missing(id).into())
}

/// Whether a security group the account may use (its own, or a shared one) exists.
pub(crate) fn security_group_usable(round: &Round<'_>, account: AccountId, id: &str) -> bool {
    round.core.shared.security_group(id).is_some()
        || round.find::<SecurityGroup>(account, id).is_some()
}

/// A subnet the account may put an instance in, as the round leaves it: its block and VPC.
pub(crate) fn usable_subnet(round: &Round<'_>, account: AccountId, id: &str) -> Option<Subnet> {
    round
        .core
        .shared
        .subnet(id)
        .cloned()
        .or_else(|| round.find::<Subnet>(account, id))
}

/// The account's NICs in a subnet, a VPC or a security group (by `subnetId`, `vpcId`,
/// `securityGroupId`), as the round leaves them.
fn nics_where(round: &Round<'_>, account: AccountId, field: &'static str, id: &str) -> Vec<Nic> {
    round.listed::<Nic>(account, field, id)
}

// ---- VPCs ----

pub(crate) fn create_vpc(
    round: &mut Round<'_>,
    account: AccountId,
    new: NewVpc,
) -> Result<Vpc, StoreError> {
    if round.group(account, &new.resource_group_id).is_none() {
        return Err(found::group(&new.resource_group_id).into());
    }
    if round.count::<Vpc>(account) >= net::MAX_VPCS {
        return Err(net::too_many_vpcs().into());
    }
    let ordinal = round.next_id();
    let vpc = Vpc {
        id: ordinal.to_string(),
        ordinal,
        account,
        name: new.name,
        cidr: new.cidr,
        ipv6_cidr: new.ipv6.then(|| net::vpc_ipv6_block(ordinal)),
        mtu: new.mtu,
        security_group_id: None,
        resource_group_id: new.resource_group_id,
        tags: new.tags,
        created_at: round.now,
    };
    round.put(vpc.clone());
    Ok(vpc)
}

pub(crate) fn modify_vpc(
    round: &mut Round<'_>,
    account: AccountId,
    id: &str,
    change: VpcChange,
    scope: Scope<'_>,
) -> Result<Vpc, StoreError> {
    let mut vpc = own_vpc(round, account, id, scope, found::vpc)?;
    if let Some(cidr) = change.cidr
        && cidr != vpc.cidr
    {
        let subnets = round.listed::<Subnet>(account, "vpcId", id);
        if !subnets.is_empty() && !net::within(vpc.cidr, cidr) {
            return Err(net::vpc_block_leaves_subnets(id).into());
        }
        vpc.cidr = cidr;
    }
    if let Some(sg) = &change.security_group_id {
        if !security_group_usable(round, account, sg) {
            return Err(found::security_group(sg).into());
        }
        vpc.security_group_id = Some(sg.clone());
    }
    match change.enable_ipv6 {
        Some(true) if vpc.ipv6_cidr.is_none() => {
            vpc.ipv6_cidr = Some(net::vpc_ipv6_block(vpc.ordinal));
        }
        Some(false) if vpc.ipv6_cidr.is_some() => return Err(net::ipv6_stays_on(id).into()),
        _ => {}
    }
    if let Some(name) = change.name {
        vpc.name = name;
    }
    round.put(vpc.clone());
    Ok(vpc)
}

pub(crate) fn delete_vpc(
    round: &mut Round<'_>,
    account: AccountId,
    id: &str,
    scope: Scope<'_>,
) -> Result<Vpc, StoreError> {
    let vpc = own_vpc(round, account, id, scope, found::vpc)?;
    let subnets = round.listed::<Subnet>(account, "vpcId", id);
    if !subnets.is_empty() {
        return Err(net::vpc_has_subnets(id, subnets.len()).into());
    }
    round.delete(&vpc);
    Ok(vpc)
}

/// Binds a security group to a VPC (replacing any); NICs already in the VPC keep theirs.
pub(crate) fn assign_security_group(
    round: &mut Round<'_>,
    account: AccountId,
    vpc_id: &str,
    sg: &str,
    scope: Scope<'_>,
) -> Result<Vpc, StoreError> {
    let mut vpc = own_vpc(round, account, vpc_id, scope, found::vpc)?;
    if !security_group_usable(round, account, sg) {
        return Err(found::security_group(sg).into());
    }
    vpc.security_group_id = Some(sg.to_owned());
    round.put(vpc.clone());
    Ok(vpc)
}

/// Unbinds a VPC's security group (`sg`, when given, must be the one bound).
pub(crate) fn unassign_security_group(
    round: &mut Round<'_>,
    account: AccountId,
    vpc_id: &str,
    sg: Option<&str>,
    scope: Scope<'_>,
) -> Result<Vpc, StoreError> {
    let mut vpc = own_vpc(round, account, vpc_id, scope, found::vpc)?;
    let Some(bound) = vpc.security_group_id.take() else {
        return Err(net::vpc_without_security_group(vpc_id).into());
    };
    if let Some(sg) = sg
        && sg != bound
    {
        return Err(net::vpc_security_group_mismatch(vpc_id, sg).into());
    }
    round.put(vpc.clone());
    Ok(vpc)
}

// ---- subnets ----

/// Refuses a block outside its VPC's or overlapping another subnet of the VPC.
fn check_subnet_block(
    round: &Round<'_>,
    account: AccountId,
    vpc: &Vpc,
    cidr: Ipv4Cidr,
    except: Option<&str>,
) -> Result<(), StoreError> {
    if !net::within(cidr, vpc.cidr) {
        return Err(net::subnet_outside_vpc(cidr, vpc.cidr).into());
    }
    for other in round.listed::<Subnet>(account, "vpcId", &vpc.id) {
        if Some(other.id.as_str()) == except {
            continue;
        }
        if let Some(block) = other.cidr
            && net::overlap(cidr, block)
        {
            return Err(net::subnet_overlap(cidr, block, &other.id).into());
        }
    }
    Ok(())
}

/// A private IPv6 /64 of the VPC's block that none of its subnets has.
fn free_private_ipv6(round: &Round<'_>, account: AccountId, vpc: &Vpc) -> Option<String> {
    let block = vpc.ipv6_cidr.as_deref()?;
    let used: Vec<String> = round
        .listed::<Subnet>(account, "vpcId", &vpc.id)
        .into_iter()
        .filter_map(|s| s.ipv6_cidr)
        .collect();
    (0..=u16::MAX)
        .map(|n| net::private_ipv6_subnet(block, n))
        .find(|c| !used.contains(c))
}

fn ipv6_block(
    round: &Round<'_>,
    account: AccountId,
    vpc: &Vpc,
    ordinal: u64,
    ipv6_type: &str,
) -> Result<String, StoreError> {
    if ipv6_type == "Public" {
        return Ok(net::public_ipv6_subnet(ordinal));
    }
    if vpc.ipv6_cidr.is_none() {
        return Err(net::vpc_without_ipv6(&vpc.id).into());
    }
    free_private_ipv6(round, account, vpc).ok_or_else(|| net::too_many_subnets().into())
}

pub(crate) fn create_subnet(
    round: &mut Round<'_>,
    account: AccountId,
    new: NewSubnet,
    scope: Scope<'_>,
) -> Result<Subnet, StoreError> {
    let vpc = own_vpc(round, account, &new.vpc_id, scope, found::vpc)?;
    if round.listed::<Subnet>(account, "vpcId", &vpc.id).len() >= net::MAX_SUBNETS_PER_VPC {
        return Err(net::too_many_subnets().into());
    }
    if let Some(cidr) = new.cidr {
        check_subnet_block(round, account, &vpc, cidr, None)?;
    }
    let ordinal = round.next_id();
    let ipv6_cidr = match &new.ipv6_type {
        None => None,
        Some(t) => Some(ipv6_block(round, account, &vpc, ordinal, t)?),
    };
    let stack_type = match (new.cidr.is_some(), new.ipv6_type.is_some()) {
        (true, true) => "IPv4_IPv6",
        (false, true) => "IPv6",
        _ => "IPv4",
    };
    let subnet = Subnet {
        id: ordinal.to_string(),
        ordinal,
        account,
        name: new.name,
        region_id: new.region_id,
        vpc_id: vpc.id,
        cidr: new.cidr,
        stack_type: stack_type.into(),
        ipv6_type: new.ipv6_type,
        ipv6_cidr,
        created_at: round.now,
    };
    round.put(subnet.clone());
    Ok(subnet)
}

pub(crate) fn modify_subnet(
    round: &mut Round<'_>,
    account: AccountId,
    id: &str,
    name: Option<String>,
    cidr: Option<Ipv4Cidr>,
    scope: Scope<'_>,
) -> Result<Subnet, StoreError> {
    let (mut subnet, vpc) = own_subnet(round, account, id, scope, found::subnet)?;
    if let Some(cidr) = cidr
        && subnet.cidr != Some(cidr)
    {
        let Some(old) = subnet.cidr else {
            return Err(net::ipv6_only_subnet(id).into());
        };
        if !nics_where(round, account, "subnetId", id).is_empty() && !net::within(old, cidr) {
            return Err(net::subnet_block_leaves_nics(id).into());
        }
        check_subnet_block(round, account, &vpc, cidr, Some(id))?;
        subnet.cidr = Some(cidr);
    }
    if let Some(name) = name {
        subnet.name = name;
    }
    round.put(subnet.clone());
    Ok(subnet)
}

/// Gives an IPv4 subnet IPv6 (`IPv4_IPv6`), or takes it away (`IPv4`).
pub(crate) fn modify_subnet_stack(
    round: &mut Round<'_>,
    account: AccountId,
    id: &str,
    stack_type: &str,
    ipv6_type: Option<String>,
    scope: Scope<'_>,
) -> Result<Subnet, StoreError> {
    let (mut subnet, vpc) = own_subnet(round, account, id, scope, found::subnet)?;
    // IPv4 → IPv4_IPv6 and back; an IPv6-only subnet keeps its stack.
    let allowed = matches!(
        (subnet.stack_type.as_str(), stack_type),
        ("IPv4", "IPv4_IPv6") | ("IPv4_IPv6", "IPv4")
    );
    if !allowed {
        return Err(net::stack_change_refused(id, &subnet.stack_type, stack_type).into());
    }
    match stack_type {
        "IPv4" => {
            subnet.ipv6_type = None;
            subnet.ipv6_cidr = None;
        }
        _ => {
            let t = ipv6_type.ok_or_else(|| ApiError::missing("ipv6Type"))?;
            subnet.ipv6_cidr = Some(ipv6_block(round, account, &vpc, subnet.ordinal, &t)?);
            subnet.ipv6_type = Some(t);
        }
    }
    subnet.stack_type = stack_type.to_owned();
    round.put(subnet.clone());
    Ok(subnet)
}

pub(crate) fn delete_subnet(
    round: &mut Round<'_>,
    account: AccountId,
    id: &str,
    scope: Scope<'_>,
) -> Result<Subnet, StoreError> {
    let (subnet, _) = own_subnet(round, account, id, scope, |id| {
        found::to_delete("subnet", id)
    })?;
    let nics = nics_where(round, account, "subnetId", id);
    if !nics.is_empty() {
        return Err(net::subnet_in_use(id, nics.len()).into());
    }
    round.delete(&subnet);
    Ok(subnet)
}

// ---- security groups ----

pub(crate) fn create_security_group(
    round: &mut Round<'_>,
    account: AccountId,
    name: String,
    rules: Vec<Rule>,
) -> Result<SecurityGroup, StoreError> {
    if round.count::<SecurityGroup>(account) >= net::MAX_SECURITY_GROUPS {
        return Err(net::too_many_security_groups().into());
    }
    let ordinal = round.next_id();
    let sg = SecurityGroup {
        id: ordinal.to_string(),
        ordinal,
        account,
        name,
        rules,
        created_at: round.now,
    };
    round.put(sg.clone());
    Ok(sg)
}

/// Renames security groups: all of them, or none if any cannot be.
pub(crate) fn rename_security_groups(
    round: &mut Round<'_>,
    account: AccountId,
    ids: &[String],
    name: &str,
) -> Result<(), StoreError> {
    let mut groups = Vec::with_capacity(ids.len());
    for id in ids {
        groups.push(own_security_group(
            round,
            account,
            id,
            found::security_group,
        )?);
    }
    for mut g in groups {
        g.name = name.to_owned();
        round.put(g);
    }
    Ok(())
}

pub(crate) fn delete_security_group(
    round: &mut Round<'_>,
    account: AccountId,
    id: &str,
) -> Result<SecurityGroup, StoreError> {
    let sg = own_security_group(round, account, id, |id| {
        found::to_delete("security group", id)
    })?;
    let nics = nics_where(round, account, "securityGroupId", id);
    if !nics.is_empty() {
        return Err(net::security_group_in_use(id, nics.len()).into());
    }
    if let Some(vpc) = round.listed::<Vpc>(account, "securityGroupId", id).first() {
        return Err(net::security_group_bound(id, &vpc.id).into());
    }
    round.delete(&sg);
    Ok(sg)
}

/// Replaces a security group's rules with a whole new set.
pub(crate) fn configure_rules(
    round: &mut Round<'_>,
    account: AccountId,
    id: &str,
    rules: Vec<Rule>,
) -> Result<(), StoreError> {
    let mut sg = own_security_group(round, account, id, found::security_group)?;
    if sg.rules != rules {
        sg.rules = rules;
        round.put(sg);
    }
    Ok(())
}

// ---- network interfaces ----

/// Renames a NIC, or moves it to another security group; for an instance's primary NIC the
/// instance shows the new group at once.
pub(crate) fn modify_nic(
    round: &mut Round<'_>,
    account: AccountId,
    id: &str,
    change: NicChange,
    scope: Scope<'_>,
) -> Result<Nic, StoreError> {
    let mut nic = live_nic(round, account, id)?;
    if !in_scope(scope, &nic.resource_group_id) {
        return Err(scope::resource("network interface", id).into());
    }
    if let Some(sg) = &change.security_group_id
        && !security_group_usable(round, account, sg)
    {
        return Err(found::security_group(sg).into());
    }
    let mut changed = false;
    if let Some(name) = change.name
        && *name != *nic.name
    {
        nic.name = name.into();
        changed = true;
    }
    if let Some(sg) = change.security_group_id
        && nic.security_group_id.as_deref() != Some(sg.as_str())
    {
        if let Some(instance_id) = nic.instance_id.filter(|_| nic.primary)
            && let Some(mut instance) = round.get::<Instance>(instance_id)
        {
            instance.security_group_id = Atom::new(&sg);
            instance.updated_at = round.now;
            round.put(instance);
        }
        nic.security_group_id = Some(Atom::new(&sg));
        changed = true;
    }
    if changed {
        nic.updated_at = round.now;
        round.put(nic.clone());
    }
    Ok(nic)
}

/// A NIC of the account that exists (its instance not purged).
pub(crate) fn live_nic(round: &Round<'_>, account: AccountId, id: &str) -> Result<Nic, StoreError> {
    let nic = round
        .find::<Nic>(account, id)
        .ok_or_else(|| found::nic(id))?;
    if let Some(i) = nic.instance_id {
        let alive = round
            .get::<Instance>(i)
            .is_some_and(|i| i.status_at(round.now).is_some());
        if !alive {
            return Err(found::nic(id).into());
        }
    }
    Ok(nic)
}

/// Keeps what an instance is made with (its primary NIC, its system disk and the disks made
/// with it) in its resource group, in the same round as the instance's change.
pub(crate) fn sync_primary_nic(round: &mut Round<'_>, i: &Instance) {
    for mut d in round.listed::<Disk>(i.account, "instanceId", &i.id.to_string()) {
        if !d.portable && d.resource_group_id != *i.resource_group_id {
            d.resource_group_id = i.resource_group_id.clone();
            round.put(d);
        }
    }
    let Some(mut nic) = round.get::<Nic>(i.nic_id) else {
        return;
    };
    let public: Vec<_> = i.public_ipv4.into_iter().collect();
    if nic.resource_group_id != *i.resource_group_id || nic.public_ipv4s != public {
        nic.resource_group_id = i.resource_group_id.clone();
        nic.public_ipv4s = public;
        nic.updated_at = round.now;
        round.put(nic);
    }
}

// ---- tags and resource groups of VPCs and NICs ----

/// Sets and removes tags of a VPC or NIC.
pub(crate) fn retag(
    round: &mut Round<'_>,
    account: AccountId,
    resource: &Resource,
    replace: &[(String, String)],
    delete: &[String],
    scope: Scope<'_>,
) -> Result<(), StoreError> {
    let apply = |tags: &mut TagList| -> Result<(), StoreError> {
        tags.retain(|(k, _)| !delete.contains(k));
        for (k, v) in replace {
            match tags.iter_mut().find(|(tk, _)| tk == k) {
                Some(t) => t.1 = v.clone(),
                None => tags.push((k.clone(), v.clone())),
            }
        }
        zec_core::rules::tags::check_count(tags.len())?;
        Ok(())
    };
    match resource {
        Resource::Vpc(id) => {
            let mut vpc = own_vpc(round, account, id, scope, found::tagged_resource)?;
            apply(&mut vpc.tags)?;
            round.put(vpc);
        }
        Resource::Nic(id) => {
            let mut nic = live_nic(round, account, id).map_err(|_| found::tagged_resource(id))?;
            if !in_scope(scope, &nic.resource_group_id) {
                return Err(scope::resource("network interface", id).into());
            }
            apply(&mut nic.tags)?;
            nic.updated_at = round.now;
            round.put(nic);
        }
        Resource::Disk(id) => {
            let mut d = live::<Disk>(round, account, id, |d| &d.life)
                .ok_or_else(|| found::tagged_resource(id))?;
            if !in_scope(scope, &d.resource_group_id) {
                return Err(scope::resource("disk", id).into());
            }
            apply(&mut d.tags)?;
            round.put(d);
        }
        Resource::Eip(id) => {
            let mut e = live::<Eip>(round, account, id, |e| &e.life)
                .ok_or_else(|| found::tagged_resource(id))?;
            if !in_scope(scope, &e.resource_group_id) {
                return Err(scope::resource("EIP", id).into());
            }
            apply(&mut e.tags)?;
            round.put(e);
        }
    }
    Ok(())
}

/// A document of a kind with a lifecycle, while it exists.
fn live<D: crate::kinds::Stored<Index = crate::kinds::Table<D>>>(
    round: &Round<'_>,
    account: AccountId,
    id: &str,
    life: impl Fn(&D) -> &zec_core::Life,
) -> Option<D> {
    round
        .find::<D>(account, id.trim())
        .filter(|d| life(d).at(round.now).is_some())
}

/// VPCs and NICs found, ready to move to a resource group.
pub(crate) struct Regroup {
    vpcs: Vec<Vpc>,
    nics: Vec<Nic>,
    disks: Vec<Disk>,
    eips: Vec<Eip>,
}

/// Finds the VPCs and NICs to move to a resource group, changing nothing: any that cannot
/// move fails the whole call.
pub(crate) fn regroup_check(
    round: &Round<'_>,
    account: AccountId,
    resources: &[Resource],
    group: &str,
    scope: Scope<'_>,
) -> Result<Regroup, StoreError> {
    if round.group(account, group).is_none() {
        return Err(found::group(group).into());
    }
    let mut found = Regroup {
        vpcs: Vec::new(),
        nics: Vec::new(),
        disks: Vec::new(),
        eips: Vec::new(),
    };
    for r in resources {
        match r {
            Resource::Vpc(id) => {
                found
                    .vpcs
                    .push(own_vpc(round, account, id, scope, found::resource)?)
            }
            Resource::Nic(id) => {
                let nic = live_nic(round, account, id).map_err(|_| found::resource(id))?;
                if !in_scope(scope, &nic.resource_group_id) {
                    return Err(scope::resource("network interface", id).into());
                }
                found.nics.push(nic);
            }
            Resource::Disk(id) => {
                let d = live::<Disk>(round, account, id, |d| &d.life)
                    .ok_or_else(|| found::resource(id))?;
                if !in_scope(scope, &d.resource_group_id) {
                    return Err(scope::resource("disk", id).into());
                }
                found.disks.push(d);
            }
            Resource::Eip(id) => {
                let e = live::<Eip>(round, account, id, |e| &e.life)
                    .ok_or_else(|| found::resource(id))?;
                if !in_scope(scope, &e.resource_group_id) {
                    return Err(scope::resource("EIP", id).into());
                }
                found.eips.push(e);
            }
        }
    }
    Ok(found)
}

/// Moves what [`regroup_check`] found.
pub(crate) fn regroup_apply(round: &mut Round<'_>, found: Regroup, group: &str) {
    for mut v in found.vpcs {
        v.resource_group_id = group.to_owned();
        round.put(v);
    }
    for mut n in found.nics {
        n.resource_group_id = Atom::new(group);
        n.updated_at = round.now;
        round.put(n);
    }
    for mut d in found.disks {
        d.resource_group_id = Atom::new(group);
        round.put(d);
    }
    for mut e in found.eips {
        e.resource_group_id = group.to_owned();
        round.put(e);
    }
}

// ---- key pairs ----

/// `key-` and eight letters and digits, unused in the whole store.
fn new_key_id(round: &Round<'_>) -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    loop {
        let id: String = (0..8)
            .map(|_| CHARS[rng.random_range(0..CHARS.len())] as char)
            .collect();
        let id = format!("key-{id}");
        if !round.id_taken::<KeyPair>(&id) {
            return id;
        }
    }
}

fn key_name_taken(round: &Round<'_>, account: AccountId, name: &str) -> bool {
    !round.listed::<KeyPair>(account, "keyName", name).is_empty()
}

pub(crate) fn import_key_pair(
    round: &mut Round<'_>,
    account: AccountId,
    new: NewKeyPair,
) -> Result<KeyPair, StoreError> {
    if key_name_taken(round, account, &new.name) {
        return Err(ApiError::new(
            zec_types::ErrorCode::InvalidKeyPairNameExist,
            format!(
                "The account already has a key pair named `{}`.",
                zec_types::error::echo(&new.name)
            ),
        )
        .into());
    }
    if round.count::<KeyPair>(account) >= net::MAX_KEY_PAIRS {
        return Err(net::too_many_key_pairs().into());
    }
    let kp = KeyPair {
        id: new_key_id(round),
        ordinal: round.next_id(),
        account,
        name: new.name,
        public_key: new.public_key,
        description: new.description,
        fingerprint: new.fingerprint,
        created_at: round.now,
    };
    round.put(kp.clone());
    Ok(kp)
}

/// Sets a key pair's description (`Some("")` clears it).
pub(crate) fn describe_key_pair(
    round: &mut Round<'_>,
    account: AccountId,
    id: &str,
    description: Option<String>,
) -> Result<(), StoreError> {
    let mut kp = round
        .find::<KeyPair>(account, id)
        .ok_or_else(|| found::key_pair(id))?;
    if let Some(d) = description {
        kp.description = Some(d).filter(|d| !d.is_empty());
        round.put(kp);
    }
    Ok(())
}

/// Deletes key pairs: all of them, or none if any is unknown. Instances made with one keep
/// its id.
pub(crate) fn delete_key_pairs(
    round: &mut Round<'_>,
    account: AccountId,
    ids: &[String],
) -> Result<(), StoreError> {
    let mut doomed: Vec<KeyPair> = Vec::with_capacity(ids.len());
    for id in ids {
        let kp = round
            .find::<KeyPair>(account, id)
            .ok_or_else(|| found::key_pair(id))?;
        if !doomed.iter().any(|d| d.id == kp.id) {
            doomed.push(kp);
        }
    }
    for kp in &doomed {
        round.delete(kp);
    }
    Ok(())
}
