//! What news from a real guest does to its instance (`--guests qemu`).
//!
//! With real guests, the phases a machine drives (deploying, booting, stopping, rebooting,
//! rebuilding) have no deadline: they are *held* until the guest driver reports what the
//! machine did. This is the table of those reports, as a pure function, beside the lifecycle
//! table of [`crate::lifecycle::apply`].

use crate::lifecycle::{Phase, Target};
use zec_types::InstanceStatus as S;

/// What the guest driver saw a machine do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuestEvent {
    /// The guest said it has booted (its readiness line on the serial console).
    Booted,
    /// The machine is off: it powered itself off, crashed, was shut down, or could not start.
    Off,
    /// An instance shows RUNNING with no machine behind it that this zecd has seen (zecd
    /// restarted after powering its guests off): its machine is to be started.
    Missing,
}

/// What the report does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuestEffect {
    /// Nothing: the report does not concern the phase under way (a late report, or a machine
    /// that is meant to be off).
    Ignore,
    /// The phase under way ends now, here.
    Finish(Target),
    /// No phase is under way: the status becomes this one.
    Become(S),
    /// No phase is under way: this phase begins (held until the guest reports).
    Begin(Phase),
}

/// Whether a phase waits for the guest under `--guests qemu`, rather than for its duration.
pub const fn held_by_guest(phase: Phase) -> bool {
    matches!(
        phase,
        Phase::Deploy | Phase::Boot | Phase::Stop | Phase::Reboot | Phase::Rebuild
    )
}

/// The table. `pending` is the phase under way, with the outcome planned when it began
/// (a fault rule may have planned a failure: a boot still ends there).
pub fn on_guest(status: S, pending: Option<(Phase, Target)>, event: GuestEvent) -> GuestEffect {
    use GuestEffect::{Become, Begin, Finish, Ignore};
    match (event, pending) {
        (GuestEvent::Booted, Some((phase, planned))) => match phase {
            Phase::Deploy | Phase::Boot | Phase::Reboot | Phase::Rebuild => Finish(planned),
            _ => Ignore,
        },
        (GuestEvent::Booted, None) => Ignore,
        (GuestEvent::Off, Some((phase, _))) => match phase {
            Phase::Stop | Phase::Boot | Phase::Reboot => Finish(Target::Status(S::Stopped)),
            Phase::Deploy => Finish(Target::Status(S::CreateFailed)),
            Phase::Rebuild => Finish(Target::Status(S::ReinstallFailed)),
            Phase::Resize | Phase::Release | Phase::Recycle => Ignore,
        },
        (GuestEvent::Off, None) => match status {
            S::Running => Become(S::Stopped),
            _ => Ignore,
        },
        (GuestEvent::Missing, None) => match status {
            S::Running => Begin(Phase::Boot),
            _ => Ignore,
        },
        (GuestEvent::Missing, Some(_)) => Ignore,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use GuestEffect::*;

    fn ok(p: Phase) -> Option<(Phase, Target)> {
        Some((p, p.success()))
    }

    #[test]
    fn a_boot_report_ends_every_phase_that_boots_in_its_planned_outcome() {
        for p in [Phase::Deploy, Phase::Boot, Phase::Reboot, Phase::Rebuild] {
            assert_eq!(
                on_guest(p.status(), ok(p), GuestEvent::Booted),
                Finish(Target::Status(S::Running)),
                "{p:?}"
            );
        }
        // A fault rule planned a failed deployment: the boot ends there all the same.
        let failed = Some((Phase::Deploy, Target::Status(S::CreateFailed)));
        assert_eq!(
            on_guest(S::Deploying, failed, GuestEvent::Booted),
            Finish(Target::Status(S::CreateFailed))
        );
        for p in [Phase::Stop, Phase::Resize, Phase::Release, Phase::Recycle] {
            assert_eq!(on_guest(p.status(), ok(p), GuestEvent::Booted), Ignore);
        }
        assert_eq!(on_guest(S::Running, None, GuestEvent::Booted), Ignore);
    }

    #[test]
    fn a_machine_that_goes_off_ends_where_the_phase_fails_or_stops() {
        let off = |s, p| on_guest(s, p, GuestEvent::Off);
        assert_eq!(
            off(S::Stopping, ok(Phase::Stop)),
            Finish(Target::Status(S::Stopped))
        );
        assert_eq!(
            off(S::Deploying, ok(Phase::Deploy)),
            Finish(Target::Status(S::CreateFailed))
        );
        assert_eq!(
            off(S::Rebuilding, ok(Phase::Rebuild)),
            Finish(Target::Status(S::ReinstallFailed))
        );
        assert_eq!(
            off(S::Booting, ok(Phase::Boot)),
            Finish(Target::Status(S::Stopped))
        );
        assert_eq!(
            off(S::Reboot, ok(Phase::Reboot)),
            Finish(Target::Status(S::Stopped))
        );
        // A guest that powers itself off, or crashes, is STOPPED.
        assert_eq!(off(S::Running, None), Become(S::Stopped));
        // Machines meant to be off.
        for s in [S::Stopped, S::CreateFailed, S::Recycle] {
            assert_eq!(off(s, None), Ignore, "{s}");
        }
        for p in [Phase::Resize, Phase::Release, Phase::Recycle] {
            assert_eq!(off(p.status(), ok(p)), Ignore, "{p:?}");
        }
    }

    #[test]
    fn only_a_running_instance_without_a_machine_is_booted_again() {
        assert_eq!(
            on_guest(S::Running, None, GuestEvent::Missing),
            Begin(Phase::Boot)
        );
        assert_eq!(on_guest(S::Stopped, None, GuestEvent::Missing), Ignore);
        assert_eq!(
            on_guest(S::Booting, ok(Phase::Boot), GuestEvent::Missing),
            Ignore
        );
    }

    #[test]
    fn the_phases_a_guest_holds() {
        let held: Vec<_> = Phase::ALL
            .into_iter()
            .filter(|p| held_by_guest(*p))
            .collect();
        assert_eq!(
            held,
            [
                Phase::Deploy,
                Phase::Boot,
                Phase::Stop,
                Phase::Reboot,
                Phase::Rebuild
            ]
        );
    }
}
