//! Disks and snapshots. Every instance's system disk and the data disks made with it are
//! disks too, made in the same round as the instance and gone with its purge.

use super::network::{TagList, settled, tag_keys};
use super::{Document, KindId, Settled};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use zec_core::{AccountId, Atom, Instance, Life, Millis};

pub const DISKS: &str = "disks";
pub const SNAPSHOTS: &str = "snapshots";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Disk {
    /// Its ordinal; clients know it by its digits.
    pub id: u64,
    pub account: AccountId,
    pub name: Box<str>,
    pub zone_id: Atom,
    pub region_id: Atom,
    pub category: Atom,
    /// GiB.
    pub size: u32,
    /// The instance's boot disk (`SYSTEM`), else a data disk.
    pub system: bool,
    /// May be detached and released on its own (not a system disk, nor one made with its
    /// instance).
    pub portable: bool,
    pub bursting: bool,
    /// `CREATING`, `AVAILABLE`, `IN_USE`, `ATTACHING`, `DETACHING`, `CHANGING`, `RECYCLING`,
    /// `RECYCLED`, `FAILED`, and the phase under way.
    #[serde(flatten)]
    pub life: Life,
    pub instance_id: Option<u64>,
    /// The snapshot it was made from.
    pub snapshot_id: Option<u64>,
    pub resource_group_id: Atom,
    pub tags: TagList,
    pub created_at: Millis,
}

impl Disk {
    /// The disks an instance is made with: its system disk and its data disks, attached.
    pub fn of_instance(i: &Instance) -> Vec<Disk> {
        let disk = |d: &zec_core::instance::Disk, system: bool| Disk {
            id: d.id,
            account: i.account,
            name: if system {
                format!("{}-system", i.name).into()
            } else {
                d.name.clone()
            },
            zone_id: i.zone_id.clone(),
            region_id: i.region_id.clone(),
            category: d.category.clone(),
            size: d.size,
            system,
            portable: false,
            bursting: d.bursting,
            life: Life::new("IN_USE"),
            instance_id: Some(i.id),
            snapshot_id: None,
            resource_group_id: i.resource_group_id.clone(),
            tags: Vec::new(),
            created_at: i.created_at,
        };
        std::iter::once(disk(&i.system_disk, true))
            .chain(i.data_disks.iter().map(|d| disk(d, false)))
            .collect()
    }

    /// `SYSTEM` or `DATA`.
    pub fn disk_type(&self) -> &'static str {
        if self.system { "SYSTEM" } else { "DATA" }
    }

    /// The serial the guest sees the disk by (as the CSI driver finds its block device):
    /// unique, exactly 20 characters, as the CSI driver expects of a volume's serial.
    pub fn serial(&self) -> String {
        format!("zec{:017x}", self.id)
    }

    /// Whether snapshots can be taken of it.
    pub fn snapshot_ability(&self) -> bool {
        !self.system
    }

    /// The `(field, value)` pairs it is listed under, for DescribeDisks' filters.
    pub fn filter_keys(&self) -> Vec<(&'static str, String)> {
        Document::keys(self)
    }
}

impl Document for Disk {
    const KIND: KindId = KindId::Disk;
    const TABLE: &'static str = DISKS;
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
            ("zoneId", self.zone_id.to_string()),
            ("regionId", self.region_id.to_string()),
            ("diskType", self.disk_type().to_owned()),
            ("diskCategory", self.category.to_string()),
            ("resourceGroupId", self.resource_group_id.to_string()),
        ];
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
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub id: u64,
    pub account: AccountId,
    pub name: String,
    pub zone_id: String,
    pub disk_id: u64,
    /// Of the disk when the snapshot was taken: a disk made from it is at least this big.
    pub disk_size: u32,
    pub disk_system: bool,
    /// `CREATING`, `AVAILABLE`, `FAILED`, `DELETING`, and the phase under way.
    #[serde(flatten)]
    pub life: Life,
    /// When it is deleted by itself (`None`: kept until deleted).
    pub retention: Option<Millis>,
    /// The disk's, when it was taken.
    pub resource_group_id: String,
    pub created_at: Millis,
}

impl Snapshot {
    /// Its status at `now` (`None`: gone, deleted or past its retention).
    pub fn status_at(&self, now: Millis) -> Option<&str> {
        if self.retention.is_some_and(|r| r <= now) {
            return None;
        }
        self.life.at(now)
    }

    pub fn filter_keys(&self) -> Vec<(&'static str, String)> {
        Document::keys(self)
    }
}

impl Document for Snapshot {
    const KIND: KindId = KindId::Snapshot;
    const TABLE: &'static str = SNAPSHOTS;
    const ID_IS_ORDINAL: bool = true;
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
    fn keys(&self) -> Vec<(&'static str, String)> {
        vec![
            ("zoneId", self.zone_id.to_string()),
            ("diskId", self.disk_id.to_string()),
            ("resourceGroupId", self.resource_group_id.to_string()),
        ]
    }
    fn shift_phase(&mut self, by: Millis) {
        self.life.shift(by);
    }

    fn status_now(&self, now: Millis) -> Option<&str> {
        self.status_at(now)
    }

    fn due(&self) -> Option<Millis> {
        match (self.life.due(), self.retention) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
    fn settle(&mut self, now: Millis) -> Settled {
        if self.retention.is_some_and(|r| r <= now) {
            return Settled::Gone;
        }
        settled(self.life.settle(now))
    }
}
