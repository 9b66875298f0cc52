//! Secondary network interfaces in a round: made in a subnet (an address of it each),
//! deleted, attached to and detached from instances, and given more private addresses (any
//! NIC, primary ones too). Detach and delete are done before the answer: the client's next
//! call must find them done.

use super::network::{live_nic, security_group_usable, usable_subnet};
use super::storage::live_instance;
use super::{Round, Scope, in_scope};
use crate::error::StoreError;
use crate::kinds::eips::{Binding, Eip};
use crate::kinds::network::TagList;
use crate::kinds::{Nic, Vpc};
use std::net::Ipv4Addr;
use zec_core::rules::nic as rules;
use zec_core::rules::{found, scope};
use zec_core::{AccountId, Atom, Life, Step};
use zec_types::InstanceStatus;

#[derive(Debug, Clone)]
pub struct NewNic {
    pub name: String,
    pub subnet_id: String,
    pub security_group_id: Option<String>,
    pub resource_group_id: String,
    pub tags: TagList,
    /// EIPs to bind to the new NIC's address.
    pub eip_ids: Vec<String>,
    pub eip_bind_type: String,
}

fn scoped_nic(
    round: &Round<'_>,
    account: AccountId,
    id: &str,
    scope: Scope<'_>,
) -> Result<Nic, StoreError> {
    let nic = live_nic(round, account, id)?;
    if !in_scope(scope, &nic.resource_group_id) {
        return Err(scope::resource("network interface", id).into());
    }
    Ok(nic)
}

pub(crate) fn create_nic(
    round: &mut Round<'_>,
    account: AccountId,
    new: NewNic,
    scope: Scope<'_>,
) -> Result<Nic, StoreError> {
    if round.group(account, &new.resource_group_id).is_none() {
        return Err(found::group(&new.resource_group_id).into());
    }
    let subnet = usable_subnet(round, account, &new.subnet_id)
        .ok_or_else(|| found::subnet(&new.subnet_id))?;
    let Some(cidr) = subnet.cidr else {
        return Err(rules::no_ipv4(&new.subnet_id).into());
    };
    // Placing a NIC in a subnet uses it, as an instance does: a credential limited to resource
    // groups may, whatever the subnet's VPC's group (it may not change that VPC).
    let security_group = match new.security_group_id {
        Some(sg) if security_group_usable(round, account, &sg) => Some(sg),
        Some(sg) => return Err(found::security_group(&sg).into()),
        None => round
            .find::<Vpc>(account, &subnet.vpc_id)
            .and_then(|v| v.security_group_id)
            .or_else(|| {
                round
                    .core
                    .shared
                    .vpc(&subnet.vpc_id)
                    .and_then(|v| v.security_group_id.clone())
            })
            .or_else(|| {
                round
                    .core
                    .shared
                    .default_security_group()
                    .map(str::to_owned)
            }),
    };
    let mut eips = Vec::with_capacity(new.eip_ids.len());
    for id in &new.eip_ids {
        let e = round
            .find::<Eip>(account, id.trim())
            .filter(|e| e.life.at(round.now).is_some())
            .ok_or_else(|| zec_core::rules::eip::not_found(id))?;
        if !in_scope(scope, &e.resource_group_id) {
            return Err(scope::resource("EIP", id).into());
        }
        let status = e.life.at(round.now).unwrap_or_default();
        if status != "UNBIND" {
            return Err(zec_core::rules::eip::status(id, status).into());
        }
        if e.region_id != subnet.region_id {
            return Err(
                zec_core::rules::eip::region_mismatch(&e.region_id, &subnet.region_id).into(),
            );
        }
        eips.push(e);
    }
    if eips.len() > 1 {
        return Err(rules::one_eip_per_address().into());
    }
    let address = round
        .state
        .alloc
        .take_private(account, &subnet.id, cidr, None)
        .ok_or_else(|| rules::subnet_full(&subnet.id))?;
    let failed = {
        let mut faults = round.core.faults.lock().unwrap_or_else(|e| e.into_inner());
        faults.step_fails(Step::NicCreate, &subnet.region_id)
    };
    let due = round
        .now
        .saturating_add(round.core.timings.step_millis(Step::NicCreate));
    let mut nic = Nic {
        id: round.next_id(),
        account,
        name: new.name.into(),
        region_id: Atom::new(&subnet.region_id),
        vpc_id: Atom::new(&subnet.vpc_id),
        subnet_id: Atom::new(&subnet.id),
        security_group_id: security_group.as_deref().map(Atom::new),
        instance_id: None,
        primary: false,
        primary_ipv4: Some(address),
        secondary_ipv4s: Vec::new(),
        public_ipv4s: Vec::new(),
        life: Life::default(),
        resource_group_id: Atom::new(&new.resource_group_id),
        tags: new.tags,
        created_at: round.now,
        updated_at: round.now,
    };
    nic.life.begin(
        Step::NicCreate,
        "PENDING",
        due,
        Some(if failed { "CREATE_FAILED" } else { "AVAILABLE" }),
    );
    round.schedule(&nic);
    round.put(nic.clone());
    for mut e in eips {
        e.life.settle(round.now);
        e.life = Life::new("BINDED");
        e.binding = Some(Binding {
            nic_id: nic.id,
            lan_ip: address,
            bind_type: new.eip_bind_type.clone(),
        });
        round.put(e);
    }
    Ok(nic)
}

/// Whether an EIP is bound to the NIC (to any of its addresses, or to this one).
fn bound_eips(round: &Round<'_>, nic: &Nic) -> Vec<Eip> {
    round.listed::<Eip>(nic.account, "associatedId", &nic.id.to_string())
}

pub(crate) fn delete_nic(
    round: &mut Round<'_>,
    account: AccountId,
    id: &str,
    scope: Scope<'_>,
) -> Result<(), StoreError> {
    let nic =
        live_nic(round, account, id).map_err(|_| found::to_delete("network interface", id))?;
    if !in_scope(scope, &nic.resource_group_id) {
        return Err(scope::resource("network interface", id).into());
    }
    if nic.primary {
        return Err(rules::primary_cannot_be_deleted(id).into());
    }
    let status = nic.life.at(round.now).unwrap_or_default();
    if nic.instance_id.is_some() {
        return Err(rules::attached(id).into());
    }
    if status == "PENDING" {
        return Err(rules::status(id, status).into());
    }
    if !bound_eips(round, &nic).is_empty() {
        return Err(rules::has_eip(id).into());
    }
    round.delete(&nic);
    Ok(())
}

pub(crate) fn attach_nic(
    round: &mut Round<'_>,
    account: AccountId,
    id: &str,
    instance_id: &str,
    scope: Scope<'_>,
) -> Result<(), StoreError> {
    let mut nic = scoped_nic(round, account, id, scope)?;
    let i =
        live_instance(round, account, instance_id).ok_or_else(|| found::instance(instance_id))?;
    if !in_scope(scope, &i.resource_group_id) {
        return Err(scope::instance(i.id).into());
    }
    if nic.instance_id.is_some() {
        return Err(rules::attached(id).into());
    }
    let status = nic.life.at(round.now).unwrap_or_default();
    if status != "AVAILABLE" {
        return Err(rules::status(id, status).into());
    }
    let istatus = i.status_at(round.now).unwrap_or(i.status);
    if istatus != InstanceStatus::Running {
        return Err(rules::instance_not_running(i.id, istatus).into());
    }
    if *i.region_id != *nic.region_id {
        return Err(rules::region_mismatch(id, &nic.region_id, &i.region_id).into());
    }
    let attached = round
        .listed::<Nic>(account, "instanceId", &i.id.to_string())
        .len();
    if attached >= rules::MAX_NICS_PER_INSTANCE {
        return Err(rules::too_many_nics(i.id).into());
    }
    nic.life.settle(round.now);
    nic.instance_id = Some(i.id);
    let due = round
        .now
        .saturating_add(round.core.timings.step_millis(Step::NicAttach));
    nic.life
        .begin(Step::NicAttach, "ATTACHING", due, Some("USED"));
    nic.updated_at = round.now;
    round.schedule(&nic);
    round.put(nic);
    Ok(())
}

pub(crate) fn detach_nic(
    round: &mut Round<'_>,
    account: AccountId,
    id: &str,
    scope: Scope<'_>,
) -> Result<(), StoreError> {
    let mut nic = scoped_nic(round, account, id, scope)?;
    if nic.primary {
        return Err(rules::primary_cannot_be_detached(id).into());
    }
    let Some(instance) = nic.instance_id else {
        return Err(rules::not_attached(id).into());
    };
    let status = nic.life.at(round.now).unwrap_or_default();
    if status != "USED" {
        return Err(rules::status(id, status).into());
    }
    if let Some(i) = round.get::<zec_core::Instance>(instance) {
        let istatus = i.status_at(round.now).unwrap_or(i.status);
        if istatus != InstanceStatus::Running {
            return Err(rules::instance_not_running(i.id, istatus).into());
        }
    }
    nic.life.settle(round.now);
    nic.instance_id = None;
    nic.life = Life::new("AVAILABLE");
    nic.updated_at = round.now;
    round.put(nic);
    Ok(())
}

/// Gives a NIC more private addresses: those asked for, or `count` free ones. All or none.
pub(crate) fn assign_ipv4s(
    round: &mut Round<'_>,
    account: AccountId,
    id: &str,
    asked: Vec<Ipv4Addr>,
    count: usize,
    scope: Scope<'_>,
) -> Result<Vec<Ipv4Addr>, StoreError> {
    let mut nic = scoped_nic(round, account, id, scope)?;
    let status = nic.life.at(round.now).unwrap_or_default();
    if status != "AVAILABLE" && status != "USED" {
        return Err(rules::status(id, status).into());
    }
    let subnet = usable_subnet(round, account, &nic.subnet_id)
        .ok_or_else(|| found::subnet(&nic.subnet_id))?;
    let Some(cidr) = subnet.cidr else {
        return Err(rules::no_ipv4(&nic.subnet_id).into());
    };
    let adding = if asked.is_empty() { count } else { asked.len() };
    if nic.secondary_ipv4s.len() + adding > rules::MAX_SECONDARY_IPV4S {
        return Err(rules::too_many_addresses(id).into());
    }
    for (n, ip) in asked.iter().enumerate() {
        rules::check_in_subnet(*ip, cidr)?;
        if asked[..n].contains(ip) || round.state.alloc.private_taken(account, &subnet.id, *ip) {
            return Err(rules::address_in_use(*ip).into());
        }
    }
    let mut got = Vec::with_capacity(adding);
    for n in 0..adding {
        let want = asked.get(n).copied();
        match round
            .state
            .alloc
            .take_private(account, &subnet.id, cidr, want)
        {
            Some(ip) => got.push(ip),
            None => {
                for ip in got {
                    round.state.alloc.free_private(account, &subnet.id, ip);
                }
                return Err(rules::subnet_full(&subnet.id).into());
            }
        }
    }
    nic.secondary_ipv4s.extend(got.iter().copied());
    nic.updated_at = round.now;
    round.put(nic);
    Ok(got)
}

/// Takes secondary addresses from a NIC (never its primary one, nor one with an EIP). All or
/// none.
pub(crate) fn unassign_ipv4s(
    round: &mut Round<'_>,
    account: AccountId,
    id: &str,
    addresses: Vec<Ipv4Addr>,
    scope: Scope<'_>,
) -> Result<(), StoreError> {
    let mut nic = scoped_nic(round, account, id, scope)?;
    let eips = bound_eips(round, &nic);
    for ip in &addresses {
        if nic.primary_ipv4 == Some(*ip) {
            return Err(rules::primary_address(*ip).into());
        }
        if !nic.secondary_ipv4s.contains(ip) {
            return Err(rules::not_an_address(id, *ip).into());
        }
        if eips
            .iter()
            .any(|e| e.binding.as_ref().is_some_and(|b| b.lan_ip == *ip))
        {
            return Err(rules::address_has_eip(*ip).into());
        }
    }
    nic.secondary_ipv4s.retain(|ip| !addresses.contains(ip));
    for ip in &addresses {
        round.state.alloc.free_private(account, &nic.subnet_id, *ip);
    }
    nic.updated_at = round.now;
    round.put(nic);
    Ok(())
}
