//! Disks and snapshots in a round: made (attached to an instance, or from a snapshot),
//! attached, detached, grown, renamed, released; snapshots taken, changed and deleted. Every
//! phase begins here with its deadline on the clock; creations consult the fault rules.

use super::{Round, Scope, in_scope};
use crate::error::StoreError;
use crate::kinds::network::TagList;
use crate::kinds::{Disk, Snapshot};
use zec_core::rules::storage as rules;
use zec_core::rules::{found, scope};
use zec_core::{AccountId, Atom, Instance, Life, Millis, Step};
use zec_types::{ApiError, InstanceStatus};

/// New disks.
#[derive(Debug, Clone)]
pub struct NewDisks {
    pub zone_id: String,
    pub region_id: String,
    pub name: String,
    pub size: u32,
    pub amount: usize,
    pub category: String,
    pub bursting: bool,
    /// Attach each new disk to this instance (one per disk, or one for all).
    pub instances: Vec<String>,
    pub snapshot_id: Option<String>,
    pub resource_group_id: String,
    pub tags: TagList,
}

/// What ModifySnapshotsAttribute changes (`None`: unchanged).
#[derive(Debug, Clone, Default)]
pub struct SnapshotChange {
    pub name: Option<String>,
    /// `Some(None)`: kept until deleted.
    pub retention: Option<Option<Millis>>,
}

/// What was made, and the order number.
#[derive(Debug, Clone)]
pub struct Made<T> {
    pub order_number: u64,
    pub items: Vec<T>,
}

/// A disk of the account, as the round leaves it, while it exists.
fn disk(round: &Round<'_>, account: AccountId, id: &str) -> Option<Disk> {
    round
        .find::<Disk>(account, id.trim())
        .filter(|d| d.life.at(round.now).is_some())
}

fn scoped_disk(
    round: &Round<'_>,
    account: AccountId,
    id: &str,
    scope: Scope<'_>,
    missing: impl FnOnce(&str) -> ApiError,
) -> Result<Disk, StoreError> {
    let d = disk(round, account, id).ok_or_else(|| missing(id))?;
    if !in_scope(scope, &d.resource_group_id) {
        return Err(scope::resource("disk", id).into());
    }
    Ok(d)
}

/// An instance of the account that exists, as the round leaves it.
pub(crate) fn live_instance(round: &Round<'_>, account: AccountId, id: &str) -> Option<Instance> {
    let id = zec_core::ids::parse_id(id.trim())?;
    let i = round
        .get::<Instance>(id)
        .filter(|i| i.account == account && i.status_at(round.now).is_some())?;
    Some(i)
}

fn instance_status(round: &Round<'_>, i: &Instance) -> InstanceStatus {
    i.status_at(round.now).unwrap_or(i.status)
}

/// Data disks attached to an instance, as the round leaves them.
fn attached_data_disks(round: &Round<'_>, account: AccountId, instance: u64) -> usize {
    round
        .listed::<Disk>(account, "instanceId", &instance.to_string())
        .iter()
        .filter(|d| !d.system)
        .count()
}

/// Whether a disk of this zone may be attached to the instance now.
fn check_attachable_instance(
    round: &Round<'_>,
    i: &Instance,
    zone: &str,
    adding: usize,
) -> Result<(), StoreError> {
    if *i.zone_id != *zone {
        return Err(rules::zone_mismatch(zone, &i.zone_id).into());
    }
    let status = instance_status(round, i);
    if !matches!(status, InstanceStatus::Running | InstanceStatus::Stopped) {
        return Err(rules::instance_status(i.id, status).into());
    }
    if attached_data_disks(round, i.account, i.id) + adding > rules::MAX_DATA_DISKS {
        return Err(rules::too_many_disks(i.id).into());
    }
    Ok(())
}

fn fails(round: &Round<'_>, step: Step, zone: &str) -> bool {
    let mut faults = round.core.faults.lock().unwrap_or_else(|e| e.into_inner());
    faults.step_fails(step, zone)
}

fn due(round: &Round<'_>, step: Step) -> Millis {
    round
        .now
        .saturating_add(round.core.timings.step_millis(step))
}

/// Begins a phase of a document and queues its deadline.
fn begin(round: &mut Round<'_>, d: &mut Disk, step: Step, during: &str, then: Option<&str>) {
    let due = due(round, step);
    d.life.begin(step, during, due, then);
}

pub(crate) fn create_disks(
    round: &mut Round<'_>,
    account: AccountId,
    new: NewDisks,
    scope: Scope<'_>,
) -> Result<Made<Disk>, StoreError> {
    if round.group(account, &new.resource_group_id).is_none() {
        return Err(found::group(&new.resource_group_id).into());
    }
    let source = match &new.snapshot_id {
        None => None,
        Some(id) => {
            let s = round
                .find::<Snapshot>(account, id.trim())
                .filter(|s| s.status_at(round.now).is_some())
                .ok_or_else(|| rules::snapshot_not_found(id))?;
            if !in_scope(scope, &s.resource_group_id) {
                return Err(scope::resource("snapshot", id).into());
            }
            if s.status_at(round.now) != Some("AVAILABLE") {
                return Err(
                    rules::snapshot_status(id, s.status_at(round.now).unwrap_or("")).into(),
                );
            }
            if s.zone_id != new.zone_id {
                return Err(rules::snapshot_zone(id, &s.zone_id).into());
            }
            if new.size < s.disk_size {
                return Err(rules::snapshot_size(id, s.disk_size, new.size).into());
            }
            Some(s.id)
        }
    };
    // The instances to attach to, one per disk.
    let mut targets: Vec<Option<Instance>> = vec![None; new.amount];
    if !new.instances.is_empty() {
        for (n, slot) in targets.iter_mut().enumerate() {
            let id = if new.instances.len() == 1 {
                &new.instances[0]
            } else {
                &new.instances[n]
            };
            let i = live_instance(round, account, id).ok_or_else(|| found::instance(id))?;
            if !in_scope(scope, &i.resource_group_id) {
                return Err(scope::instance(i.id).into());
            }
            *slot = Some(i);
        }
        for t in targets.iter().flatten() {
            let adding = targets
                .iter()
                .flatten()
                .filter(|other| other.id == t.id)
                .count();
            check_attachable_instance(round, t, &new.zone_id, adding)?;
        }
    }
    let order_number = round.next_id();
    let mut made = Vec::with_capacity(new.amount);
    for target in targets {
        let failed = fails(round, Step::DiskCreate, &new.zone_id);
        let then = match (failed, &target) {
            (true, _) => "FAILED",
            (false, Some(_)) => "IN_USE",
            (false, None) => "AVAILABLE",
        };
        let mut d = Disk {
            id: round.next_id(),
            account,
            name: new.name.as_str().into(),
            zone_id: Atom::new(&new.zone_id),
            region_id: Atom::new(&new.region_id),
            category: Atom::new(&new.category),
            size: new.size,
            system: false,
            portable: true,
            bursting: new.bursting,
            life: Life::default(),
            instance_id: target.as_ref().filter(|_| !failed).map(|i| i.id),
            snapshot_id: source,
            resource_group_id: Atom::new(&new.resource_group_id),
            tags: new.tags.clone(),
            created_at: round.now,
        };
        begin(round, &mut d, Step::DiskCreate, "CREATING", Some(then));
        round.schedule(&d);
        round.put(d.clone());
        made.push(d);
    }
    Ok(Made {
        order_number,
        items: made,
    })
}

pub(crate) fn attach_disks(
    round: &mut Round<'_>,
    account: AccountId,
    ids: &[String],
    instance_id: &str,
    scope: Scope<'_>,
) -> Result<(), StoreError> {
    let mut disks: Vec<Disk> = Vec::with_capacity(ids.len());
    for id in ids {
        let d = scoped_disk(round, account, id, scope, rules::disk_not_found)?;
        if !d.portable {
            return Err(rules::not_portable(id).into());
        }
        let status = d.life.at(round.now).unwrap_or_default();
        if status != "AVAILABLE" {
            return Err(rules::disk_status(id, status).into());
        }
        if !disks.iter().any(|x| x.id == d.id) {
            disks.push(d);
        }
    }
    let i =
        live_instance(round, account, instance_id).ok_or_else(|| found::instance(instance_id))?;
    if !in_scope(scope, &i.resource_group_id) {
        return Err(scope::instance(i.id).into());
    }
    for d in &disks {
        check_attachable_instance(round, &i, &d.zone_id, disks.len())?;
    }
    for mut d in disks {
        d.life.settle(round.now);
        d.instance_id = Some(i.id);
        begin(round, &mut d, Step::DiskAttach, "ATTACHING", Some("IN_USE"));
        round.schedule(&d);
        round.put(d);
    }
    Ok(())
}

pub(crate) fn detach_disks(
    round: &mut Round<'_>,
    account: AccountId,
    ids: &[String],
    instance_check: bool,
    scope: Scope<'_>,
) -> Result<(), StoreError> {
    let mut disks: Vec<Disk> = Vec::with_capacity(ids.len());
    for id in ids {
        let d = scoped_disk(round, account, id, scope, rules::disk_not_found)?;
        if !d.portable {
            return Err(rules::not_portable(id).into());
        }
        let status = d.life.at(round.now).unwrap_or_default();
        if status != "IN_USE" {
            return Err(rules::disk_status(id, status).into());
        }
        if !disks.iter().any(|x| x.id == d.id) {
            disks.push(d);
        }
    }
    let instance = disks.first().and_then(|d| d.instance_id);
    if disks.iter().any(|d| d.instance_id != instance) {
        return Err(rules::not_one_instance().into());
    }
    if instance_check && let Some(i) = instance.and_then(|i| round.get::<Instance>(i)) {
        let status = instance_status(round, &i);
        if status != InstanceStatus::Stopped {
            return Err(rules::instance_not_stopped(i.id, status).into());
        }
    }
    for mut d in disks {
        d.life.settle(round.now);
        d.instance_id = None;
        begin(
            round,
            &mut d,
            Step::DiskDetach,
            "DETACHING",
            Some("AVAILABLE"),
        );
        round.schedule(&d);
        round.put(d);
    }
    Ok(())
}

pub(crate) fn resize_disk(
    round: &mut Round<'_>,
    account: AccountId,
    id: &str,
    size: u32,
    scope: Scope<'_>,
) -> Result<(), StoreError> {
    let mut d = scoped_disk(round, account, id, scope, rules::disk_not_found)?;
    let status = d.life.at(round.now).unwrap_or_default().to_owned();
    if status != "AVAILABLE" && status != "IN_USE" {
        return Err(rules::disk_status(id, &status).into());
    }
    if size <= d.size {
        return Err(rules::not_larger(id, d.size, size).into());
    }
    d.life.settle(round.now);
    d.size = size;
    begin(round, &mut d, Step::DiskResize, "CHANGING", Some(&status));
    round.schedule(&d);
    round.put(d);
    Ok(())
}

pub(crate) fn rename_disks(
    round: &mut Round<'_>,
    account: AccountId,
    ids: &[String],
    name: &str,
    scope: Scope<'_>,
) -> Result<(), StoreError> {
    let mut disks = Vec::with_capacity(ids.len());
    for id in ids {
        disks.push(scoped_disk(
            round,
            account,
            id,
            scope,
            rules::disk_not_found,
        )?);
    }
    for mut d in disks {
        d.name = name.into();
        round.put(d);
    }
    Ok(())
}

pub(crate) fn release_disk(
    round: &mut Round<'_>,
    account: AccountId,
    id: &str,
    scope: Scope<'_>,
) -> Result<(), StoreError> {
    let mut d = scoped_disk(round, account, id, scope, |id| found::to_delete("disk", id))?;
    if d.system || !d.portable {
        return Err(rules::not_portable(id).into());
    }
    let status = d.life.at(round.now).unwrap_or_default().to_owned();
    match status.as_str() {
        "AVAILABLE" | "FAILED" => {
            d.life.settle(round.now);
            begin(
                round,
                &mut d,
                Step::DiskRelease,
                "RECYCLING",
                Some("RECYCLED"),
            );
            round.schedule(&d);
            round.put(d);
        }
        "RECYCLED" => round.delete(&d),
        "RECYCLING" => return Err(rules::being_recycled(id).into()),
        other => return Err(rules::disk_status(id, other).into()),
    }
    Ok(())
}

// ---- snapshots ----

pub(crate) fn create_snapshot(
    round: &mut Round<'_>,
    account: AccountId,
    disk_id: &str,
    name: String,
    retention: Option<Millis>,
    scope: Scope<'_>,
) -> Result<Snapshot, StoreError> {
    let d = scoped_disk(round, account, disk_id, scope, rules::disk_not_found)?;
    if d.system {
        return Err(rules::system_disk_snapshot(disk_id).into());
    }
    let status = d.life.at(round.now).unwrap_or_default();
    if status != "AVAILABLE" && status != "IN_USE" {
        return Err(rules::disk_status(disk_id, status).into());
    }
    if round.count::<Snapshot>(account) >= rules::MAX_SNAPSHOTS {
        return Err(rules::too_many_snapshots().into());
    }
    let failed = fails(round, Step::SnapshotCreate, &d.zone_id);
    let mut s = Snapshot {
        id: round.next_id(),
        account,
        name,
        zone_id: d.zone_id.to_string(),
        disk_id: d.id,
        disk_size: d.size,
        disk_system: d.system,
        life: Life::default(),
        retention,
        resource_group_id: d.resource_group_id.to_string(),
        created_at: round.now,
    };
    let due = due(round, Step::SnapshotCreate);
    s.life.begin(
        Step::SnapshotCreate,
        "CREATING",
        due,
        Some(if failed { "FAILED" } else { "AVAILABLE" }),
    );
    round.schedule(&s);
    round.put(s.clone());
    Ok(s)
}

fn snapshot(round: &Round<'_>, account: AccountId, id: &str) -> Option<Snapshot> {
    round
        .find::<Snapshot>(account, id.trim())
        .filter(|s| s.status_at(round.now).is_some())
}

pub(crate) fn modify_snapshots(
    round: &mut Round<'_>,
    account: AccountId,
    ids: &[String],
    change: SnapshotChange,
    scope: Scope<'_>,
) -> Result<(), StoreError> {
    let mut found = Vec::with_capacity(ids.len());
    for id in ids {
        let s = snapshot(round, account, id).ok_or_else(|| rules::snapshot_not_found(id))?;
        if !in_scope(scope, &s.resource_group_id) {
            return Err(scope::resource("snapshot", id).into());
        }
        found.push(s);
    }
    for mut s in found {
        if let Some(name) = &change.name {
            s.name.clone_from(name);
        }
        if let Some(retention) = change.retention {
            s.retention = retention;
        }
        round.schedule(&s);
        round.put(s);
    }
    Ok(())
}

/// Deletes snapshots; answers the ids that could not be (unknown, or still being made). If
/// none could be, the call fails with the reason of the first.
pub(crate) fn delete_snapshots(
    round: &mut Round<'_>,
    account: AccountId,
    ids: &[String],
    scope: Scope<'_>,
) -> Result<Vec<String>, StoreError> {
    let mut failed: Vec<(String, ApiError)> = Vec::new();
    let mut doomed: Vec<Snapshot> = Vec::new();
    for id in ids {
        match snapshot(round, account, id) {
            Some(s) if !in_scope(scope, &s.resource_group_id) => {
                return Err(scope::resource("snapshot", id).into());
            }
            None => failed.push((id.clone(), rules::snapshot_not_found(id))),
            Some(s) => match s.status_at(round.now) {
                Some("CREATING") => {
                    failed.push((id.clone(), rules::snapshot_status(id, "CREATING")));
                }
                Some("DELETING") => {}
                _ => {
                    if !doomed.iter().any(|d| d.id == s.id) {
                        doomed.push(s);
                    }
                }
            },
        }
    }
    if doomed.is_empty()
        && let Some((_, e)) = failed.first()
        && failed.len() == ids.len()
    {
        return Err(e.clone().into());
    }
    for mut s in doomed {
        s.life.settle(round.now);
        let due = due(round, Step::SnapshotDelete);
        s.life.begin(Step::SnapshotDelete, "DELETING", due, None);
        round.schedule(&s);
        round.put(s);
    }
    Ok(failed.into_iter().map(|(id, _)| id).collect())
}
