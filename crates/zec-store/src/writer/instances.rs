//! Instances in a round: creation (addresses allocated, deployment begun) and operations
//! (each checked against the lifecycle table at the moment it is applied).

use super::{Round, network};
use crate::error::StoreError;
use crate::kinds::eips::Eip;
use crate::kinds::instances::public_pool;
use crate::kinds::{Disk, Nic};
use crate::{Created, Operated};
use zec_core::Life;
use zec_core::create::{Allocation, CreatePlan};
use zec_core::guest::{GuestEffect, GuestEvent, on_guest};
use zec_core::lifecycle::{Effect, apply};
use zec_core::rules;
use zec_core::{AccountId, Atom, Change, Instance, Operation, Phase, Target};
use zec_types::{ApiError, ErrorCode};

/// An operation on some of an account's instances.
pub(crate) struct Operate<'a> {
    pub account: AccountId,
    pub ids: &'a [u64],
    pub op: Operation,
    pub change: &'a Change,
    /// The resource groups the caller may touch (`None`: all).
    pub scope: Option<&'a [Atom]>,
}

/// Applies an operation to each instance: the lifecycle table decides, against the status
/// the instance has at this moment (its due phase settled first), so that an action and a
/// finishing phase can never interleave into a state the table does not allow. If any id
/// names no instance of the account, nothing is done.
pub(crate) fn operate(round: &mut Round<'_>, o: Operate<'_>) -> Result<Operated, StoreError> {
    if let Change::ResourceGroup(g) = o.change
        && round.group(o.account, g).is_none()
    {
        return Err(rules::found::group(g).into());
    }
    let now = round.now;
    let mut current: Vec<Instance> = Vec::with_capacity(o.ids.len());
    for &id in o.ids {
        let found = round
            .get::<Instance>(id)
            .filter(|i| i.account == o.account && i.status_at(now).is_some());
        let Some(instance) = found else {
            return Err(rules::found::instance(&id.to_string()).into());
        };
        if o.scope
            .is_some_and(|groups| !groups.contains(&instance.resource_group_id))
        {
            return Err(rules::scope::instance(id).into());
        }
        if !current.iter().any(|i| i.id == id) {
            current.push(instance);
        }
    }
    // A change with limits (tags) is checked against every instance as it is now, before
    // any is touched: all or nothing.
    for instance in &current {
        o.change.check(instance)?;
    }
    let mut outcomes = Vec::with_capacity(current.len());
    for instance in current {
        let Some(mut instance) = round.settle(instance) else {
            continue;
        };
        let before = instance.status;
        match apply(before, o.op) {
            Err(code) => outcomes.push((instance.id, Err((code, before)))),
            Ok(effect) => {
                o.change.apply(&mut instance);
                instance.updated_at = now;
                if let Change::ResourceGroup(_) = o.change {
                    network::sync_primary_nic(round, &instance);
                }
                if let Effect::Begin(phase) = effect {
                    let due = round.core.timings.due(phase, now);
                    let outcome = outcome(round, phase, &instance);
                    instance.begin(phase, now, due, outcome);
                    round.schedule(&instance);
                }
                outcomes.push((instance.id, Ok(instance.status)));
                round.put(instance);
            }
        }
    }
    Ok(Operated {
        order_number: round.next_id(),
        outcomes,
    })
}

/// News from a real guest about instance `id` ([`zec_core::guest::on_guest`]), observed
/// while the instance was in the phase `about` (`None`: in no phase). News about a phase that
/// has since ended or been replaced is stale and changes nothing. Returns the status
/// afterwards; `None` if there is no such instance (any more).
pub(crate) fn guest_event(
    round: &mut Round<'_>,
    id: u64,
    event: GuestEvent,
    about: Option<(Phase, zec_core::Millis)>,
) -> Result<Option<zec_types::InstanceStatus>, StoreError> {
    let Some(instance) = round.get::<Instance>(id) else {
        return Ok(None);
    };
    let Some(mut instance) = round.settle(instance) else {
        return Ok(None);
    };
    if instance.pending.map(|p| p.key()) != about {
        return Ok(Some(instance.status));
    }
    let now = round.now;
    let pending = instance.pending.map(|p| (p.phase, p.outcome));
    match on_guest(instance.status, pending, event) {
        GuestEffect::Ignore => return Ok(Some(instance.status)),
        GuestEffect::Finish(target) => {
            if let Some(p) = instance.pending.as_mut() {
                p.outcome = target;
                p.due = now;
            }
            instance.settle(now);
        }
        GuestEffect::Become(status) => {
            instance.status = status;
            instance.updated_at = now;
        }
        GuestEffect::Begin(phase) => {
            let due = round.core.timings.due(phase, now);
            instance.begin(phase, now, due, phase.success());
            round.schedule(&instance);
        }
    }
    let status = instance.status;
    round.put(instance);
    Ok(Some(status))
}

/// Gives phases held for a real guest, which this zecd does not hold (it now runs without
/// real guests, or they came in an import), the deadline their duration gives from when they
/// began. Returns how many.
pub(crate) fn unhold(round: &mut Round<'_>) -> usize {
    use crate::kinds::KindIndex;
    let timings = round.core.timings;
    let mut held = Vec::new();
    round.indexes.instances.each(None, &mut |i| {
        if i.pending
            .is_some_and(|p| p.is_held() && !timings.is_held(p.phase))
        {
            held.push(i.id);
        }
    });
    let mut n = 0;
    for id in held {
        let Some(mut i) = round.get::<Instance>(id) else {
            continue;
        };
        if let Some(p) = i.pending.as_mut()
            && let Some(since) = p.held_since.take()
        {
            p.due = since.saturating_add(timings.millis(p.phase));
            round.schedule(&i);
            round.put(i);
            n += 1;
        }
    }
    n
}

/// How a phase beginning now on this instance will end: its failure if a fault rule says
/// so (rules are consulted, and their counts spent, only here), else its success.
fn outcome(round: &Round<'_>, phase: Phase, i: &Instance) -> Target {
    let Some(failure) = phase.failure() else {
        return phase.success();
    };
    let target = zec_core::faults::Target {
        zone: &i.zone_id,
        image: &i.image_id,
        instance_type: &i.instance_type,
    };
    let mut faults = round.core.faults.lock().unwrap_or_else(|e| e.into_inner());
    if faults.phase_fails(phase, target) {
        failure
    } else {
        phase.success()
    }
}

/// Creates the planned instances, DEPLOYING, each with its addresses.
pub(crate) fn create(
    round: &mut Round<'_>,
    account: AccountId,
    plan: &CreatePlan,
) -> Result<Created, StoreError> {
    let template = &plan.template;
    // The group, subnet and security group were checked when the request came in; they may
    // have been deleted (or the subnet's block changed) since.
    if round.group(account, &template.resource_group_id).is_none() {
        return Err(rules::found::group(&template.resource_group_id).into());
    }
    let subnet_cidr = network::usable_subnet(round, account, &template.subnet_id)
        .and_then(|s| s.cidr)
        .ok_or_else(|| rules::found::subnet(&template.subnet_id))?;
    if !template.security_group_id.is_empty()
        && !network::security_group_usable(round, account, &template.security_group_id)
    {
        return Err(rules::found::security_group(&template.security_group_id).into());
    }
    if let Some(ip) = plan.lan_ip
        && !subnet_cidr.assignable().contains(&u32::from(ip))
    {
        return Err(zec_core::create::lan_ip_out_of_range(ip, subnet_cidr).into());
    }
    let mut addresses = Vec::with_capacity(plan.names.len());
    for n in 0..plan.names.len() {
        let want = if n == 0 { plan.lan_ip } else { None };
        let alloc = &mut round.state.alloc;
        let private = alloc.private(account, &template.subnet_id, subnet_cidr, want);
        let public = match (private, plan.public_pool) {
            (Some(_), Some(pool)) => alloc.public(pool).map(Some),
            _ => Some(None),
        };
        match (private, public) {
            (Some(private), Some(public)) => addresses.push((private, public)),
            (private, _) => {
                // Give back what this request took before failing it.
                for (private, public) in addresses.iter().copied().chain(private.map(|p| (p, None)))
                {
                    let mut probe = template.clone();
                    probe.account = account;
                    probe.private_ipv4 = private;
                    probe.public_ipv4 = public;
                    round
                        .state
                        .alloc
                        .release(&probe, public_pool(&round.core.catalog, &probe));
                }
                let (code, what) = if private.is_none() {
                    (
                        ErrorCode::InvalidSubnetIpv4Insufficient,
                        "private IPv4 addresses in the subnet",
                    )
                } else {
                    (
                        ErrorCode::OperationDeniedInstanceQuotaExceed,
                        "public IPv4 addresses in the region",
                    )
                };
                return Err(ApiError::new(
                    code,
                    format!(
                        "There are not enough free {what} for {} instances.",
                        plan.names.len()
                    ),
                )
                .into());
            }
        }
    }
    let now = round.now;
    let due = round.core.timings.due(Phase::Deploy, now);
    let order_number = round.next_id();
    let mut made = Vec::with_capacity(plan.names.len());
    for (n, (private, public)) in addresses.into_iter().enumerate() {
        let a = Allocation {
            id: round.next_id(),
            nic_id: round.next_id(),
            system_disk_id: round.next_id(),
            data_disk_id: plan.data_disk.as_ref().map(|_| round.next_id()),
            private_ipv4: private,
            public_ipv4: public,
        };
        let outcome = outcome(round, Phase::Deploy, &plan.template);
        let instance = plan.instantiate(n, a, now, due, outcome);
        round.schedule(&instance);
        round.put(Nic::primary_of(&instance));
        for disk in Disk::of_instance(&instance) {
            round.put(disk);
        }
        round.put(instance.clone());
        made.push(instance);
    }
    Ok(Created {
        order_number,
        instances: made,
    })
}

/// What goes with an instance at its purge, in the same round: its primary NIC, its system
/// disk and the disks made with it. What was attached to it is detached and kept, or, when
/// the release that began the purge said `dependResource`, released too: portable disks go to
/// the recycle bin, secondary NICs are deleted, EIPs bound to its NICs are unbound (and
/// recycled). EIPs bound to its primary NIC are always unbound, as the NIC goes.
pub(crate) fn purged(round: &mut Round<'_>, i: &Instance) {
    let now = round.now;
    let release = i.depend_resource;
    for mut disk in round.listed::<Disk>(i.account, "instanceId", &i.id.to_string()) {
        if disk.system || !disk.portable {
            round.delete(&disk);
            continue;
        }
        disk.instance_id = None;
        disk.life = Life::new(if release { "RECYCLED" } else { "AVAILABLE" });
        round.put(disk);
    }
    for nic in round.listed::<Nic>(i.account, "instanceId", &i.id.to_string()) {
        let goes = nic.primary || release;
        for mut eip in round.listed::<Eip>(i.account, "associatedId", &nic.id.to_string()) {
            if goes {
                eip.binding = None;
                eip.life = Life::new(if release { "RECYCLED" } else { "UNBIND" });
                round.put(eip);
            }
        }
        if goes {
            round.delete(&nic);
        } else {
            let mut nic = nic;
            nic.instance_id = None;
            nic.life = Life::new("AVAILABLE");
            nic.updated_at = now;
            round.put(nic);
        }
    }
}
