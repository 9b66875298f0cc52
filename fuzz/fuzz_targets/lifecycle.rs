//! The lifecycle: any sequence of operations, failing phases and clock moves on an instance
//! follows the table (`lifecycle::apply` against the table written out row by row), and the
//! instance's status over time is what its phases say.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zec_core::Instance;
use zec_core::lifecycle::{Effect, Target, Timings, apply, table};
use zec_types::InstanceStatus;

fuzz_target!(|data: &[u8]| {
    let timings = Timings::default();
    let mut instance = Instance::sample(1);
    let mut now = 1_000i64;
    for step in data.chunks(2) {
        let (kind, arg) = (step[0], step.get(1).copied().unwrap_or(0));
        let Some(status) = instance.status_at(now) else {
            // Purged: nothing more can happen to it.
            assert!(instance.status_at(now + 1_000_000).is_none());
            return;
        };
        match kind % 3 {
            // An operation, as the store applies it: settle what is due, then the table.
            0 => {
                let op = table::OPERATIONS[usize::from(arg) % table::OPERATIONS.len()];
                instance.settle(now);
                assert_eq!(instance.status, status, "settling shows the due outcome");
                let got = apply(status, op);
                assert_eq!(got, table::expected(status, op), "{status} {op:?}");
                if let Ok(Effect::Begin(phase)) = got {
                    let fails = arg & 0x80 != 0;
                    let outcome = match phase.failure() {
                        Some(f) if fails => f,
                        _ => phase.success(),
                    };
                    let due = now.saturating_add(timings.millis(phase));
                    instance.begin(phase, now, due, outcome);
                    assert_eq!(instance.status_at(now), Some(phase.status()));
                    assert!(phase.status().is_transient());
                    if due > now {
                        assert_eq!(instance.status_at(due - 1), Some(phase.status()));
                    }
                    let at_end = instance.status_at(due);
                    match outcome {
                        Target::Status(s) => {
                            assert_eq!(at_end, Some(s));
                            assert!(!s.is_transient(), "{s} is where a phase ends");
                        }
                        Target::Purged => assert_eq!(at_end, None),
                    }
                }
            }
            // The clock moves.
            1 => now = now.saturating_add(i64::from(arg) * 97),
            // The store writes a due phase down: twice changes nothing more.
            _ => {
                let before = instance.status_at(now);
                instance.settle(now);
                let again = instance.clone();
                assert!(!instance.settle(now) || instance.status_at(now).is_none());
                assert_eq!(instance.status_at(now), before);
                if before.is_some() {
                    assert_eq!(instance, again);
                }
            }
        }
        assert!(InstanceStatus::ALL.contains(&status));
    }
});
