//! The instance lifecycle as a pure function (spec §4.2).
//!
//! An operation on an instance in some status either is denied with the vendor's per-action
//! code (spec §3.2), leaves the status alone, or begins a [`Phase`]: a transient status that
//! ends, after the phase's duration, in the phase's outcome. Nothing here knows about time or
//! storage; the store applies [`apply`] as a compare-and-swap so that an API call and a
//! finishing phase can never race into a state this table does not allow.

use crate::steps::Step;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use zec_types::{ErrorCode, InstanceStatus as S};

/// What a caller asks of an instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    Start,
    Stop,
    Reboot {
        force: bool,
    },
    /// First release moves to the recycle bin; releasing a recycled instance destroys it.
    Release,
    /// ResetInstance: reinstall the operating system.
    Reinstall,
    /// ModifyInstanceType.
    Resize,
    ResetPassword,
    /// StartIpForward / StopIpForward.
    SetIpForward,
    /// ModifyInstancesAttribute, ModifyInstancesResourceGroup, tags.
    ModifyAttributes,
}

/// A transient stretch of the lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    Deploy,
    Boot,
    Stop,
    Reboot,
    Rebuild,
    Resize,
    Release,
    Recycle,
}

/// Where a phase ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    Status(S),
    /// Gone for good: no longer in any Describe.
    Purged,
}

/// What an allowed operation does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// The status stays as it is (e.g. a rename).
    Unchanged,
    Begin(Phase),
}

impl Phase {
    pub const ALL: [Phase; 8] = [
        Phase::Deploy,
        Phase::Boot,
        Phase::Stop,
        Phase::Reboot,
        Phase::Rebuild,
        Phase::Resize,
        Phase::Release,
        Phase::Recycle,
    ];

    /// The status an instance shows while the phase runs.
    pub const fn status(self) -> S {
        match self {
            Phase::Deploy => S::Deploying,
            Phase::Boot => S::Booting,
            Phase::Stop => S::Stopping,
            Phase::Reboot => S::Reboot,
            Phase::Rebuild => S::Rebuilding,
            Phase::Resize => S::Resizing,
            Phase::Release => S::Releasing,
            Phase::Recycle => S::Recycling,
        }
    }

    /// Where the phase ends when all goes well.
    pub const fn success(self) -> Target {
        match self {
            Phase::Deploy | Phase::Boot | Phase::Reboot | Phase::Rebuild => {
                Target::Status(S::Running)
            }
            Phase::Stop | Phase::Resize => Target::Status(S::Stopped),
            Phase::Release => Target::Status(S::Recycle),
            Phase::Recycle => Target::Purged,
        }
    }

    /// Where the phase ends when it fails, for the phases that can.
    pub const fn failure(self) -> Option<Target> {
        match self {
            Phase::Deploy => Some(Target::Status(S::CreateFailed)),
            Phase::Rebuild => Some(Target::Status(S::ReinstallFailed)),
            _ => None,
        }
    }

    /// The name used in `--transition deploy=3s,...` and in the README.
    pub const fn name(self) -> &'static str {
        match self {
            Phase::Deploy => "deploy",
            Phase::Boot => "boot",
            Phase::Stop => "stop",
            Phase::Reboot => "reboot",
            Phase::Rebuild => "rebuild",
            Phase::Resize => "resize",
            Phase::Release => "release",
            Phase::Recycle => "recycle",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }

    /// Stored form (one byte, stable across versions).
    pub const fn code(self) -> u8 {
        self as u8
    }

    pub fn from_code(code: u8) -> Option<Self> {
        Self::ALL.get(usize::from(code)).copied()
    }
}

/// The table. `Err` carries the code the vendor answers a wrong-state request with.
pub fn apply(status: S, op: Operation) -> Result<Effect, ErrorCode> {
    use Effect::{Begin, Unchanged};
    use ErrorCode as E;
    let recycled = status.is_recycled();
    match op {
        // Starting what is running or booting, and stopping what is stopped or stopping, is
        // done already: the Terraform provider starts an instance before every password
        // reset and stops it before every reinstall, whatever state it is in, and fails on
        // an error.
        Operation::Start => match status {
            S::Stopped => Ok(Begin(Phase::Boot)),
            S::Running | S::Booting => Ok(Unchanged),
            _ if recycled => Err(E::OperationDeniedInstanceRecycled),
            _ => Err(E::OperationDeniedInstanceNotStopped),
        },
        Operation::Stop => match status {
            S::Running => Ok(Begin(Phase::Stop)),
            S::Stopped | S::Stopping => Ok(Unchanged),
            _ if recycled => Err(E::OperationDeniedInstanceRecycled),
            _ => Err(E::OperationDeniedInstanceNotRunning),
        },
        Operation::Reboot { force } => match status {
            S::Running => Ok(Begin(Phase::Reboot)),
            // A forced reboot also interrupts a boot or a reboot in progress (spec §4.2).
            S::Booting | S::Reboot if force => Ok(Begin(Phase::Reboot)),
            _ if recycled => Err(E::OperationDeniedInstanceRecycled),
            _ => Err(E::OperationDeniedInstanceStatus),
        },
        Operation::Release => match status {
            S::Running | S::Stopped | S::CreateFailed | S::ReinstallFailed => {
                Ok(Begin(Phase::Release))
            }
            S::Recycle => Ok(Begin(Phase::Recycle)),
            S::Releasing | S::Recycling => Err(E::OperationDeniedInstanceRecycled),
            _ => Err(E::OperationDeniedInstanceStatus),
        },
        Operation::Reinstall => match status {
            S::Stopped | S::ReinstallFailed => Ok(Begin(Phase::Rebuild)),
            _ if recycled => Err(E::OperationDeniedInstanceRecycled),
            _ => Err(E::OperationDeniedInstanceNotStopped),
        },
        Operation::Resize => match status {
            S::Stopped => Ok(Begin(Phase::Resize)),
            _ if recycled => Err(E::UnsupportedOperationInstanceBeingRecycle),
            _ => Err(E::OperationDeniedInstanceStatusNotSupport),
        },
        Operation::ResetPassword => match status {
            S::Running => Ok(Unchanged),
            _ if recycled => Err(E::OperationDeniedInstanceRecycled),
            _ => Err(E::OperationDeniedInstanceNotRunning),
        },
        Operation::SetIpForward => match status {
            S::Running | S::Stopped => Ok(Unchanged),
            _ if recycled => Err(E::OperationDeniedInstanceRecycled),
            _ => Err(E::OperationDeniedInstanceStatus),
        },
        Operation::ModifyAttributes => Ok(Unchanged),
    }
}

/// The table written out row by row, independently of [`apply`]'s match arms: the unit tests
/// and the lifecycle fuzz target compare the two.
#[doc(hidden)]
pub mod table {
    use super::{Effect, Operation, Phase};
    use zec_types::{ErrorCode as E, ErrorCode, InstanceStatus as S};

    /// Every operation, for tables and generators.
    pub const OPERATIONS: [Operation; 10] = [
        Operation::Start,
        Operation::Stop,
        Operation::Reboot { force: false },
        Operation::Reboot { force: true },
        Operation::Release,
        Operation::Reinstall,
        Operation::Resize,
        Operation::ResetPassword,
        Operation::SetIpForward,
        Operation::ModifyAttributes,
    ];

    fn begin(p: Phase) -> Result<Effect, ErrorCode> {
        Ok(Effect::Begin(p))
    }

    // The table written out row by row, independently of `apply`'s match arms.
    pub fn expected(status: S, op: Operation) -> Result<Effect, ErrorCode> {
        let recycled = matches!(status, S::Releasing | S::Recycle | S::Recycling);
        match (op, status) {
            (Operation::Start, S::Stopped) => begin(Phase::Boot),
            (Operation::Start, S::Running | S::Booting) => Ok(Effect::Unchanged),
            (Operation::Start, _) if recycled => Err(E::OperationDeniedInstanceRecycled),
            (Operation::Start, _) => Err(E::OperationDeniedInstanceNotStopped),

            (Operation::Stop, S::Running) => begin(Phase::Stop),
            (Operation::Stop, S::Stopped | S::Stopping) => Ok(Effect::Unchanged),
            (Operation::Stop, _) if recycled => Err(E::OperationDeniedInstanceRecycled),
            (Operation::Stop, _) => Err(E::OperationDeniedInstanceNotRunning),

            (Operation::Reboot { .. }, S::Running) => begin(Phase::Reboot),
            (Operation::Reboot { force: true }, S::Booting) => begin(Phase::Reboot),
            (Operation::Reboot { force: true }, S::Reboot) => begin(Phase::Reboot),
            (Operation::Reboot { .. }, _) if recycled => Err(E::OperationDeniedInstanceRecycled),
            (Operation::Reboot { .. }, _) => Err(E::OperationDeniedInstanceStatus),

            (Operation::Release, S::Running) => begin(Phase::Release),
            (Operation::Release, S::Stopped) => begin(Phase::Release),
            (Operation::Release, S::CreateFailed) => begin(Phase::Release),
            (Operation::Release, S::ReinstallFailed) => begin(Phase::Release),
            (Operation::Release, S::Recycle) => begin(Phase::Recycle),
            (Operation::Release, S::Releasing) => Err(E::OperationDeniedInstanceRecycled),
            (Operation::Release, S::Recycling) => Err(E::OperationDeniedInstanceRecycled),
            (Operation::Release, _) => Err(E::OperationDeniedInstanceStatus),

            (Operation::Reinstall, S::Stopped) => begin(Phase::Rebuild),
            (Operation::Reinstall, S::ReinstallFailed) => begin(Phase::Rebuild),
            (Operation::Reinstall, _) if recycled => Err(E::OperationDeniedInstanceRecycled),
            (Operation::Reinstall, _) => Err(E::OperationDeniedInstanceNotStopped),

            (Operation::Resize, S::Stopped) => begin(Phase::Resize),
            (Operation::Resize, _) if recycled => Err(E::UnsupportedOperationInstanceBeingRecycle),
            (Operation::Resize, _) => Err(E::OperationDeniedInstanceStatusNotSupport),

            (Operation::ResetPassword, S::Running) => Ok(Effect::Unchanged),
            (Operation::ResetPassword, _) if recycled => Err(E::OperationDeniedInstanceRecycled),
            (Operation::ResetPassword, _) => Err(E::OperationDeniedInstanceNotRunning),

            (Operation::SetIpForward, S::Running | S::Stopped) => Ok(Effect::Unchanged),
            (Operation::SetIpForward, _) if recycled => Err(E::OperationDeniedInstanceRecycled),
            (Operation::SetIpForward, _) => Err(E::OperationDeniedInstanceStatus),

            (Operation::ModifyAttributes, _) => Ok(Effect::Unchanged),
        }
    }
}

/// How long each phase lasts. Defaults are a few seconds, like a small real instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timings {
    durations: [Duration; 8],
    /// Phases that end when the guest driver says so, not after their duration
    /// (`--guests qemu`; see [`crate::guest`]).
    held: [bool; 8],
    /// Of the other resources' phases ([`Step`]).
    steps: [Duration; 11],
}

impl Default for Timings {
    fn default() -> Self {
        let s = Duration::from_secs;
        let mut durations = [Duration::ZERO; 8];
        for phase in Phase::ALL {
            durations[phase as usize] = match phase {
                Phase::Deploy => s(3),
                Phase::Boot => s(2),
                Phase::Stop => s(2),
                Phase::Reboot => s(2),
                Phase::Rebuild => s(4),
                Phase::Resize => s(3),
                Phase::Release => s(2),
                Phase::Recycle => s(2),
            };
        }
        Self {
            durations,
            held: [false; 8],
            steps: Step::ALL.map(Step::default_duration),
        }
    }
}

impl Timings {
    /// The longest a phase may last, so that every deadline is a representable time.
    pub const MAX: Duration = Duration::from_secs(7 * 24 * 3600);

    /// The duration of a phase in milliseconds.
    pub fn millis(&self, phase: Phase) -> i64 {
        // At most Self::MAX: always fits.
        self.get(phase).as_millis().min(Self::MAX.as_millis()) as i64
    }

    pub fn get(&self, phase: Phase) -> Duration {
        self.durations[phase as usize]
    }

    /// When a phase beginning at `now` ends: after its duration, or, for a held phase,
    /// [`crate::instance::HELD`] (when the guest driver reports).
    pub fn due(&self, phase: Phase, now: crate::Millis) -> crate::Millis {
        if self.is_held(phase) {
            crate::instance::HELD
        } else {
            now.saturating_add(self.millis(phase))
        }
    }

    /// Makes a phase end when the guest driver reports, not after its duration.
    pub fn hold(&mut self, phase: Phase) {
        self.held[phase as usize] = true;
    }

    pub fn is_held(&self, phase: Phase) -> bool {
        self.held[phase as usize]
    }

    pub fn set(&mut self, phase: Phase, d: Duration) {
        self.durations[phase as usize] = d;
    }

    /// The duration of another resource's phase in milliseconds.
    pub fn step_millis(&self, step: Step) -> i64 {
        self.step(step).as_millis().min(Self::MAX.as_millis()) as i64
    }

    pub fn step(&self, step: Step) -> Duration {
        self.steps[step as usize]
    }

    pub fn set_step(&mut self, step: Step, d: Duration) {
        self.steps[step as usize] = d;
    }

    /// Parses `deploy=3s,boot=500ms,...` over the defaults.
    pub fn parse(spec: &str) -> Result<Self, String> {
        let mut t = Self::default();
        for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (name, value) = item
                .split_once('=')
                .ok_or_else(|| format!("`{item}`: expected phase=duration, e.g. deploy=3s"))?;
            let d =
                humantime::parse_duration(value.trim()).map_err(|e| format!("`{item}`: {e}"))?;
            if d > Self::MAX {
                return Err(format!("`{item}`: a phase lasts at most 7 days"));
            }
            match (Phase::from_name(name.trim()), Step::from_name(name.trim())) {
                (Some(phase), _) => t.set(phase, d),
                (None, Some(step)) => t.set_step(step, d),
                (None, None) => {
                    let names: Vec<_> = Phase::ALL
                        .iter()
                        .map(|p| p.name())
                        .chain(Step::ALL.iter().map(|s| s.name()))
                        .collect();
                    return Err(format!(
                        "unknown phase `{name}`; phases are {}",
                        names.join(", ")
                    ));
                }
            }
        }
        Ok(t)
    }
}

impl std::fmt::Display for Timings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, phase) in Phase::ALL.into_iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            if self.is_held(phase) {
                write!(f, "{}=guest", phase.name())?;
            } else {
                write!(
                    f,
                    "{}={}",
                    phase.name(),
                    humantime::format_duration(self.get(phase))
                )?;
            }
        }
        for step in Step::ALL {
            write!(
                f,
                ",{}={}",
                step.name(),
                humantime::format_duration(self.step(step))
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn begin(p: Phase) -> Result<Effect, ErrorCode> {
        Ok(Effect::Begin(p))
    }

    /// The whole table: every operation against every status.
    #[test]
    fn whole_table() {
        for &status in S::ALL {
            for op in table::OPERATIONS {
                let got = apply(status, op);
                let want = table::expected(status, op);
                assert_eq!(got, want, "{status} {op:?}");
            }
        }
    }

    #[test]
    fn phases_run_through_their_transient_status_to_their_outcome() {
        let rows = [
            (
                Phase::Deploy,
                S::Deploying,
                Target::Status(S::Running),
                Some(S::CreateFailed),
            ),
            (Phase::Boot, S::Booting, Target::Status(S::Running), None),
            (Phase::Stop, S::Stopping, Target::Status(S::Stopped), None),
            (Phase::Reboot, S::Reboot, Target::Status(S::Running), None),
            (
                Phase::Rebuild,
                S::Rebuilding,
                Target::Status(S::Running),
                Some(S::ReinstallFailed),
            ),
            (Phase::Resize, S::Resizing, Target::Status(S::Stopped), None),
            (
                Phase::Release,
                S::Releasing,
                Target::Status(S::Recycle),
                None,
            ),
            (Phase::Recycle, S::Recycling, Target::Purged, None),
        ];
        for (phase, during, success, failure) in rows {
            assert_eq!(phase.status(), during);
            assert!(during.is_transient(), "{during}");
            assert_eq!(phase.success(), success);
            assert_eq!(phase.failure(), failure.map(Target::Status));
            assert_eq!(Phase::from_code(phase.code()), Some(phase));
            assert_eq!(Phase::from_name(phase.name()), Some(phase));
        }
    }

    #[test]
    fn every_stable_status_is_reachable_from_running() {
        // RUNNING -stop-> STOPPED -reinstall-> REBUILDING -> RUNNING -release-> RECYCLE
        let stop = apply(S::Running, Operation::Stop).unwrap();
        assert_eq!(stop, Effect::Begin(Phase::Stop));
        assert_eq!(Phase::Stop.success(), Target::Status(S::Stopped));
        assert_eq!(
            apply(S::Stopped, Operation::Reinstall),
            begin(Phase::Rebuild)
        );
        assert_eq!(apply(S::Recycle, Operation::Release), begin(Phase::Recycle));
    }

    #[test]
    fn timings_parse_over_the_defaults_and_print_back() {
        let t = Timings::parse("deploy=10s, boot=250ms").unwrap();
        assert_eq!(t.get(Phase::Deploy), Duration::from_secs(10));
        assert_eq!(t.get(Phase::Boot), Duration::from_millis(250));
        assert_eq!(t.get(Phase::Stop), Timings::default().get(Phase::Stop));
        assert_eq!(Timings::parse(&t.to_string()).unwrap(), t);
        assert!(Timings::parse("warp=1s").is_err());
        assert!(Timings::parse("deploy").is_err());
        assert!(Timings::parse("deploy=soon").is_err());
        assert!(Timings::parse("deploy=8days").is_err());
        assert!(Timings::parse("deploy=99999999999years").is_err());
        assert_eq!(
            Timings::parse("deploy=7days")
                .unwrap()
                .millis(Phase::Deploy),
            604_800_000
        );
        assert_eq!(Timings::parse("").unwrap(), Timings::default());
    }
}
