//! The phases of resources other than instances (disks, snapshots, EIPs, network interfaces),
//! on the same clock as instances: a resource shows a transitional status until the phase's
//! deadline, then the status it ends in (or it is gone). Durations come with instances' in
//! `--transition` (`disk-create=2s,...`); fault rules may make the phases that create
//! something fail.

use crate::Atom;
use crate::clock::Millis;
use serde::{Deserialize, Serialize};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Step {
    DiskCreate,
    DiskAttach,
    DiskDetach,
    DiskResize,
    DiskRelease,
    SnapshotCreate,
    SnapshotDelete,
    EipCreate,
    EipRelease,
    NicCreate,
    NicAttach,
}

impl Step {
    pub const ALL: [Step; 11] = [
        Step::DiskCreate,
        Step::DiskAttach,
        Step::DiskDetach,
        Step::DiskResize,
        Step::DiskRelease,
        Step::SnapshotCreate,
        Step::SnapshotDelete,
        Step::EipCreate,
        Step::EipRelease,
        Step::NicCreate,
        Step::NicAttach,
    ];

    /// The name in `--transition` and in fault rules.
    pub const fn name(self) -> &'static str {
        match self {
            Step::DiskCreate => "disk-create",
            Step::DiskAttach => "disk-attach",
            Step::DiskDetach => "disk-detach",
            Step::DiskResize => "disk-resize",
            Step::DiskRelease => "disk-release",
            Step::SnapshotCreate => "snapshot-create",
            Step::SnapshotDelete => "snapshot-delete",
            Step::EipCreate => "eip-create",
            Step::EipRelease => "eip-release",
            Step::NicCreate => "nic-create",
            Step::NicAttach => "nic-attach",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The status a failed phase ends in, for the phases that can fail.
    pub const fn failure(self) -> Option<&'static str> {
        match self {
            Step::DiskCreate | Step::SnapshotCreate => Some("FAILED"),
            Step::EipCreate | Step::NicCreate => Some("CREATE_FAILED"),
            _ => None,
        }
    }

    pub const fn default_duration(self) -> Duration {
        match self {
            Step::DiskCreate | Step::DiskResize | Step::DiskRelease | Step::SnapshotCreate => {
                Duration::from_secs(2)
            }
            _ => Duration::from_secs(1),
        }
    }
}

/// A phase under way: the resource shows its status until `due`, then `then` (`None`: it is
/// gone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    pub step: Step,
    pub due: Millis,
    pub then: Option<Atom>,
}

/// A resource's status on the clock: the status it shows, and the phase under way.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Life {
    pub status: Atom,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transition: Option<Transition>,
}

/// What settling did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    Nothing,
    Changed,
    Gone,
}

impl Life {
    pub fn new(status: &str) -> Self {
        Self {
            status: Atom::new(status),
            transition: None,
        }
    }

    /// The status at `now` (`None`: gone by then).
    pub fn at(&self, now: Millis) -> Option<&str> {
        match &self.transition {
            Some(t) if t.due <= now => t.then.as_deref(),
            _ => Some(&self.status),
        }
    }

    /// Whether a phase is under way at `now`.
    pub fn busy(&self, now: Millis) -> bool {
        self.transition.as_ref().is_some_and(|t| t.due > now)
    }

    /// Begins a phase: `during` until `due`, then `then`.
    pub fn begin(&mut self, step: Step, during: &str, due: Millis, then: Option<&str>) {
        self.status = Atom::new(during);
        self.transition = Some(Transition {
            step,
            due,
            then: then.map(Atom::new),
        });
    }

    /// Writes down a phase that ended by `now` (a pure function of the status and the time).
    pub fn settle(&mut self, now: Millis) -> Ended {
        match self.transition.take_if(|t| t.due <= now) {
            None => Ended::Nothing,
            Some(Transition { then: None, .. }) => Ended::Gone,
            Some(Transition { then: Some(s), .. }) => {
                self.status = s;
                Ended::Changed
            }
        }
    }

    /// Moves the end of the phase under way by `by` milliseconds (an imported document's
    /// phase keeps the time it had left).
    pub fn shift(&mut self, by: Millis) {
        if let Some(t) = &mut self.transition {
            t.due = t.due.saturating_add(by);
        }
    }

    pub fn due(&self) -> Option<Millis> {
        self.transition.as_ref().map(|t| t.due)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phase_shows_its_status_until_its_time_then_the_next() {
        let mut l = Life::new("AVAILABLE");
        l.begin(Step::DiskAttach, "ATTACHING", 100, Some("IN_USE"));
        assert_eq!(l.at(99), Some("ATTACHING"));
        assert!(l.busy(99) && !l.busy(100));
        assert_eq!(l.at(100), Some("IN_USE"));
        assert_eq!(l.settle(99), Ended::Nothing);
        assert_eq!(l.settle(100), Ended::Changed);
        assert_eq!(
            (l.status.as_str(), l.transition.is_none()),
            ("IN_USE", true)
        );
        l.begin(Step::SnapshotDelete, "DELETING", 200, None);
        assert_eq!(l.at(200), None);
        assert_eq!(l.settle(250), Ended::Gone);
    }

    #[test]
    fn names_round_trip_and_only_creations_fail() {
        for s in Step::ALL {
            assert_eq!(Step::from_name(s.name()), Some(s));
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.name()));
        }
        let failing: Vec<_> = Step::ALL.iter().filter(|s| s.failure().is_some()).collect();
        assert_eq!(failing.len(), 4);
    }
}
