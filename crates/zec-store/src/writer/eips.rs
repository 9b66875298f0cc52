//! Elastic IPs in a round: made (an address of the region's pool each, bound at once to
//! instances when asked), changed, bound to and unbound from a private address of a network
//! interface (at once: clients read the binding back immediately), recycled and destroyed.

use super::storage::{Made, live_instance};
use super::{Round, Scope, in_scope};
use crate::error::StoreError;
use crate::kinds::Nic;
use crate::kinds::eips::{Binding, Eip};
use crate::kinds::network::TagList;
use std::net::Ipv4Addr;
use zec_core::rules::eip as rules;
use zec_core::rules::{found, scope};
use zec_core::{AccountId, Life, Step};
use zec_types::ApiError;

#[derive(Debug, Clone)]
pub struct NewEips {
    pub region_id: String,
    pub name: String,
    pub amount: usize,
    pub charge_type: String,
    pub eip_v4_type: Option<String>,
    pub line_type: String,
    pub bandwidth: u32,
    pub flow_package: Option<f64>,
    pub cluster_id: Option<String>,
    pub peer_region_id: Option<String>,
    pub rate_limit_mode: Option<String>,
    /// Bind each new EIP to this instance's primary address (one per EIP).
    pub instances: Vec<String>,
    pub bind_type: String,
    pub resource_group_id: String,
    pub tags: TagList,
}

/// What ModifyEip* changes.
#[derive(Debug, Clone)]
pub enum EipChange {
    Name(String),
    Bandwidth(u32),
    RateLimitMode(String),
}

/// Where AssociateEipAddress binds.
#[derive(Debug, Clone)]
pub struct Target {
    pub nic_id: String,
    pub lan_ip: Ipv4Addr,
    pub bind_type: String,
}

fn eip(round: &Round<'_>, account: AccountId, id: &str) -> Option<Eip> {
    round
        .find::<Eip>(account, id.trim())
        .filter(|e| e.life.at(round.now).is_some())
}

fn scoped_eip(
    round: &Round<'_>,
    account: AccountId,
    id: &str,
    scope: Scope<'_>,
    missing: impl FnOnce(&str) -> ApiError,
) -> Result<Eip, StoreError> {
    let e = eip(round, account, id).ok_or_else(|| missing(id))?;
    if !in_scope(scope, &e.resource_group_id) {
        return Err(scope::resource("EIP", id).into());
    }
    Ok(e)
}

fn status<'e>(round: &Round<'_>, e: &'e Eip) -> &'e str {
    e.life.at(round.now).unwrap_or_default()
}

/// Whether a private address of a NIC already has an EIP, as the round leaves them.
fn lan_ip_taken(round: &Round<'_>, account: AccountId, lan_ip: Ipv4Addr) -> bool {
    round
        .listed::<Eip>(account, "privateIpAddress", &lan_ip.to_string())
        .iter()
        .any(|e| e.binding.is_some())
}

pub(crate) fn create_eips(
    round: &mut Round<'_>,
    account: AccountId,
    new: NewEips,
    scope: Scope<'_>,
) -> Result<Made<Eip>, StoreError> {
    if round.group(account, &new.resource_group_id).is_none() {
        return Err(found::group(&new.resource_group_id).into());
    }
    let pool = round
        .core
        .catalog
        .region(&new.region_id)
        .map(|r| r.public_ipv4_pool)
        .ok_or_else(|| zec_core::rules::network::region(&new.region_id))?;
    // The instances to bind to: their primary NIC and its primary address.
    let mut targets: Vec<Option<(Nic, Ipv4Addr)>> = vec![None; new.amount];
    for (n, id) in new.instances.iter().enumerate() {
        let i = live_instance(round, account, id).ok_or_else(|| found::instance(id))?;
        if !in_scope(scope, &i.resource_group_id) {
            return Err(scope::instance(i.id).into());
        }
        if *i.region_id != *new.region_id {
            return Err(rules::region_mismatch(&new.region_id, &i.region_id).into());
        }
        let nic = round
            .get::<Nic>(i.nic_id)
            .ok_or_else(|| StoreError::Internal(format!("instance {} has no NIC", i.id)))?;
        let ip = i.private_ipv4;
        let twice = targets.iter().flatten().any(|(_, taken)| *taken == ip);
        if twice || lan_ip_taken(round, account, ip) {
            return Err(rules::lan_ip_taken(ip).into());
        }
        targets[n] = Some((nic, ip));
    }
    // Every address first: all or none.
    let mut addresses = Vec::with_capacity(new.amount);
    for _ in 0..new.amount {
        match round.state.alloc.public(pool) {
            Some(a) => addresses.push(a),
            None => {
                for a in addresses {
                    round.state.alloc.free_public(pool, a);
                }
                return Err(rules::pool_exhausted(&new.region_id).into());
            }
        }
    }
    let order_number = round.next_id();
    let due = round
        .now
        .saturating_add(round.core.timings.step_millis(Step::EipCreate));
    let mut made = Vec::with_capacity(new.amount);
    for (address, target) in addresses.into_iter().zip(targets) {
        let failed = {
            let mut faults = round.core.faults.lock().unwrap_or_else(|e| e.into_inner());
            faults.step_fails(Step::EipCreate, &new.region_id)
        };
        let then = match (failed, &target) {
            (true, _) => "CREATE_FAILED",
            (false, Some(_)) => "BINDED",
            (false, None) => "UNBIND",
        };
        let mut e = Eip {
            id: round.next_id(),
            account,
            name: new.name.clone(),
            region_id: new.region_id.clone(),
            public_ip: address,
            charge_type: new.charge_type.clone(),
            eip_v4_type: new.eip_v4_type.clone(),
            line_type: new.line_type.clone(),
            bandwidth: new.bandwidth,
            flow_package: new.flow_package,
            cluster_id: new.cluster_id.clone(),
            peer_region_id: new.peer_region_id.clone(),
            rate_limit_mode: new.rate_limit_mode.clone(),
            life: Life::default(),
            binding: target.filter(|_| !failed).map(|(nic, ip)| Binding {
                nic_id: nic.id,
                lan_ip: ip,
                bind_type: new.bind_type.clone(),
            }),
            resource_group_id: new.resource_group_id.clone(),
            tags: new.tags.clone(),
            created_at: round.now,
        };
        e.life.begin(Step::EipCreate, "CREATING", due, Some(then));
        round.schedule(&e);
        round.put(e.clone());
        made.push(e);
    }
    Ok(Made {
        order_number,
        items: made,
    })
}

pub(crate) fn modify_eip(
    round: &mut Round<'_>,
    account: AccountId,
    id: &str,
    change: EipChange,
    scope: Scope<'_>,
) -> Result<(), StoreError> {
    let mut e = scoped_eip(round, account, id, scope, rules::not_found)?;
    match change {
        EipChange::Name(name) => e.name = name,
        EipChange::Bandwidth(b) => {
            let s = status(round, &e);
            if s != "BINDED" && s != "UNBIND" {
                return Err(rules::status(id, s).into());
            }
            e.bandwidth = b;
        }
        EipChange::RateLimitMode(mode) => {
            let s = status(round, &e);
            if s != "BINDED" && s != "UNBIND" {
                return Err(rules::status(id, s).into());
            }
            if e.charge_type != "ByBandwidth" {
                return Err(rules::no_bandwidth_limit(id).into());
            }
            e.rate_limit_mode = Some(mode);
        }
    }
    round.put(e);
    Ok(())
}

/// Binds EIPs to a private address of a NIC; answers the ids that could not be bound (not
/// UNBIND, or the address has one already). If none could be, the call fails and nothing
/// changes.
pub(crate) fn associate(
    round: &mut Round<'_>,
    account: AccountId,
    ids: &[String],
    target: Target,
    scope: Scope<'_>,
) -> Result<Vec<String>, StoreError> {
    let nic = super::network::live_nic(round, account, &target.nic_id)?;
    if !in_scope(scope, &nic.resource_group_id) {
        return Err(scope::resource("network interface", &target.nic_id).into());
    }
    if !nic.private_ipv4s().any(|ip| ip == target.lan_ip) {
        return Err(rules::not_an_address_of(&target.nic_id, target.lan_ip).into());
    }
    let mut eips = Vec::with_capacity(ids.len());
    for id in ids {
        eips.push(scoped_eip(round, account, id, scope, rules::not_found)?);
    }
    let mut taken = lan_ip_taken(round, account, target.lan_ip);
    let mut failed: Vec<(String, ApiError)> = Vec::new();
    let mut bound = Vec::new();
    for (id, mut e) in ids.iter().zip(eips) {
        let s = status(round, &e);
        if *e.region_id != *nic.region_id {
            failed.push((
                id.clone(),
                rules::region_mismatch(&e.region_id, &nic.region_id),
            ));
        } else if s != "UNBIND" {
            failed.push((id.clone(), rules::status(id, s)));
        } else if taken {
            failed.push((id.clone(), rules::lan_ip_taken(target.lan_ip)));
        } else {
            e.life.settle(round.now);
            e.life = Life::new("BINDED");
            e.binding = Some(Binding {
                nic_id: nic.id,
                lan_ip: target.lan_ip,
                bind_type: target.bind_type.clone(),
            });
            taken = true;
            bound.push(e);
        }
    }
    if bound.is_empty()
        && let Some((_, e)) = failed.first()
    {
        return Err(e.clone().into());
    }
    for e in bound {
        round.put(e);
    }
    Ok(failed.into_iter().map(|(id, _)| id).collect())
}

/// Unbinds EIPs (an unbound one is left as it is).
pub(crate) fn unassociate(
    round: &mut Round<'_>,
    account: AccountId,
    ids: &[String],
    scope: Scope<'_>,
) -> Result<Vec<String>, StoreError> {
    let mut eips = Vec::with_capacity(ids.len());
    for id in ids {
        eips.push(scoped_eip(round, account, id, scope, rules::not_found)?);
    }
    for mut e in eips {
        if e.binding.is_some() {
            e.life.settle(round.now);
            e.binding = None;
            e.life = Life::new("UNBIND");
            round.put(e);
        }
    }
    Ok(Vec::new())
}

/// The first delete recycles an unbound EIP (RECYCLING → RECYCLED); the second destroys it.
pub(crate) fn delete_eip(
    round: &mut Round<'_>,
    account: AccountId,
    id: &str,
    scope: Scope<'_>,
) -> Result<(), StoreError> {
    let mut e = scoped_eip(round, account, id, scope, |id| found::to_delete("EIP", id))?;
    let s = status(round, &e).to_owned();
    match s.as_str() {
        "UNBIND" | "CREATE_FAILED" => {
            e.life.settle(round.now);
            let due = round
                .now
                .saturating_add(round.core.timings.step_millis(Step::EipRelease));
            e.life
                .begin(Step::EipRelease, "RECYCLING", due, Some("RECYCLED"));
            round.schedule(&e);
            round.put(e);
        }
        "RECYCLED" => round.delete(&e),
        "BINDED" => return Err(rules::still_bound(id).into()),
        other => return Err(rules::status(id, other).into()),
    }
    Ok(())
}
