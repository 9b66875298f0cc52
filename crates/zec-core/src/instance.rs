//! An instance as zecd keeps it.

use crate::atom::Atom;
use crate::clock::Millis;
use crate::lifecycle::{Phase, Target};
use serde::{Deserialize, Serialize};
use std::net::Ipv4Addr;
use zec_types::InstanceStatus;

/// An account's numeric id.
pub type AccountId = i64;

/// An instance. Every field a DescribeInstances reply shows is here or derived from here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Instance {
    pub id: u64,
    pub account: AccountId,
    pub name: Box<str>,
    pub zone_id: Atom,
    pub region_id: Atom,
    pub instance_type: Atom,
    pub cpu: u32,
    pub memory: u32,
    pub image_id: Atom,
    pub image_name: Atom,
    pub time_zone: Atom,
    pub nic_network_type: Atom,
    /// The status as of the last stored change; see [`Instance::status_at`].
    pub status: InstanceStatus,
    /// The phase in progress, if any.
    pub pending: Option<Pending>,
    pub system_disk: Disk,
    pub data_disks: Box<[Disk]>,
    pub private_ipv4: Ipv4Addr,
    pub public_ipv4: Option<Ipv4Addr>,
    pub internet: Option<Box<Internet>>,
    pub key_id: Option<Box<str>>,
    pub vpc_id: Atom,
    pub subnet_id: Atom,
    pub security_group_id: Atom,
    pub enable_agent: bool,
    pub enable_agent_monitor: bool,
    pub enable_ip_forward: bool,
    pub created_at: Millis,
    pub updated_at: Millis,
    pub resource_group_id: Atom,
    pub nic_id: u64,
    pub tags: Vec<(String, String)>,
    pub placement_group_id: Option<Box<str>>,
    /// `instanceOptions.nestedVirtualization`, when the instance was created with options
    /// (an instance without them shows `instanceOptions: null`, as the Terraform provider needs).
    pub nested_virtualization: Option<bool>,
    /// Whether, at its purge, what is attached to it is released with it (the
    /// `dependResource` of the release that began the purge); else it is detached and kept.
    #[serde(default)]
    pub depend_resource: bool,
}

/// The deadline of a phase held until a real guest reports (`--guests qemu`): never reached
/// by any clock, so the phase ends only when the guest driver finishes it.
pub const HELD: Millis = Millis::MAX;

/// A phase under way: it shows `phase.status()` until `due`, then `outcome`.
/// The outcome is decided when the phase begins, so that finishing it is a pure function of
/// time and can happen exactly once, on any replica.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    pub phase: Phase,
    pub due: Millis,
    pub outcome: Target,
    /// For a phase held until a real guest reports (`due` is [`HELD`]): when it began, which
    /// tells one such phase from the next. Absent for a phase with a deadline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held_since: Option<Millis>,
}

impl Pending {
    /// Whether the phase waits for a real guest rather than for its deadline.
    pub const fn is_held(&self) -> bool {
        self.held_since.is_some()
    }

    /// What tells this phase from any other of the instance's: its kind and when it began
    /// (held phases; a phase with a deadline is told by the deadline).
    pub const fn key(&self) -> (Phase, Millis) {
        match self.held_since {
            Some(since) => (self.phase, since),
            None => (self.phase, self.due),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disk {
    pub id: u64,
    /// Data disks have names; the system disk's is empty (the API shows none).
    pub name: Box<str>,
    /// GiB.
    pub size: u32,
    pub category: Atom,
    pub bursting: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Internet {
    pub charge_type: Atom,
    /// Mbps.
    pub bandwidth: u32,
    pub traffic_package_size: Option<f64>,
    pub line_type: Atom,
    pub bind_type: Atom,
}

impl Instance {
    /// The status at `now`: a phase whose time has come shows its outcome, even before the
    /// store has written it down. `None` once the instance has been purged.
    pub fn status_at(&self, now: Millis) -> Option<InstanceStatus> {
        match self.pending {
            Some(p) if p.due <= now => match p.outcome {
                Target::Status(s) => Some(s),
                Target::Purged => None,
            },
            _ => Some(self.status),
        }
    }

    /// Settles a phase whose time has come. Returns whether anything changed; a purged
    /// instance is left with `status_at() == None` for the caller to delete.
    pub fn settle(&mut self, now: Millis) -> bool {
        match self.pending {
            Some(p) if p.due <= now => {
                if let Target::Status(s) = p.outcome {
                    self.status = s;
                    self.pending = None;
                }
                self.updated_at = p.due;
                true
            }
            _ => false,
        }
    }

    /// Begins a phase now.
    pub fn begin(&mut self, phase: Phase, now: Millis, due: Millis, outcome: Target) {
        self.status = phase.status();
        self.pending = Some(Pending {
            phase,
            due,
            outcome,
            held_since: (due == HELD).then_some(now),
        });
        self.updated_at = now;
    }

    /// An instance with plausible values, RUNNING, for tests and fuzzing.
    #[doc(hidden)]
    pub fn sample(id: u64) -> Instance {
        Instance {
            id,
            account: 1,
            name: "web".into(),
            zone_id: "asia-east-1a".into(),
            region_id: "asia-east-1".into(),
            instance_type: "z2a.cpu.1".into(),
            cpu: 1,
            memory: 2,
            image_id: "ubuntu2404_20240712".into(),
            image_name: "Ubuntu Server 24.04 LTS".into(),
            time_zone: "Asia/Shanghai".into(),
            nic_network_type: "Auto".into(),
            status: InstanceStatus::Running,
            pending: None,
            system_disk: Disk {
                id: id + 1,
                name: Box::default(),
                size: 20,
                category: "Standard NVMe SSD".into(),
                bursting: false,
            },
            data_disks: Box::default(),
            private_ipv4: Ipv4Addr::new(10, 16, 0, 2),
            public_ipv4: None,
            internet: None,
            key_id: None,
            vpc_id: "v".into(),
            subnet_id: "s".into(),
            security_group_id: "sg".into(),
            enable_agent: true,
            enable_agent_monitor: false,
            enable_ip_forward: false,
            created_at: 1_000,
            updated_at: 1_000,
            resource_group_id: "rg".into(),
            nic_id: id + 2,
            tags: vec![],
            placement_group_id: None,
            nested_virtualization: None,
            depend_resource: false,
        }
    }

    /// The MAC address of the primary NIC.
    pub fn mac_address(&self) -> String {
        mac_address(self.nic_id)
    }
}

/// A NIC's MAC address, derived from its id (stable, unique per NIC).
pub fn mac_address(nic_id: u64) -> String {
    let b = nic_id.to_be_bytes();
    format!(
        "fa:16:{:02x}:{:02x}:{:02x}:{:02x}",
        b[4] ^ b[0],
        b[5] ^ b[1],
        b[6] ^ b[2],
        b[7] ^ b[3]
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn sample(id: u64) -> Instance {
        Instance::sample(id)
    }

    #[test]
    fn a_due_phase_shows_its_outcome_before_and_after_settling() {
        let mut i = sample(7);
        i.begin(Phase::Stop, 1_000, 3_000, Phase::Stop.success());
        assert_eq!(i.status_at(2_999), Some(InstanceStatus::Stopping));
        assert_eq!(i.status_at(3_000), Some(InstanceStatus::Stopped));
        assert!(!i.settle(2_999));
        assert!(i.settle(3_000));
        assert_eq!(i.status, InstanceStatus::Stopped);
        assert_eq!(i.pending, None);
        assert_eq!(i.status_at(0), Some(InstanceStatus::Stopped));
    }

    #[test]
    fn a_purge_leaves_no_status() {
        let mut i = sample(7);
        i.begin(Phase::Recycle, 0, 10, Target::Purged);
        assert_eq!(i.status_at(9), Some(InstanceStatus::Recycling));
        assert_eq!(i.status_at(10), None);
        assert!(i.settle(10));
        assert_eq!(i.status_at(10), None);
    }

    #[test]
    fn mac_addresses_are_locally_administered_and_distinct() {
        let a = sample(100).mac_address();
        let b = sample(200).mac_address();
        assert_ne!(a, b);
        assert!(a.starts_with("fa:16:"));
        assert_eq!(a.len(), 17);
    }
}
