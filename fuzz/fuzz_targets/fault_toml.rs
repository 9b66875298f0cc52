//! Fault files (`--faults FILE`, and the admin API's CreateFaults, which takes the same rules):
//! any text is read or refused with a message, never a panic; what is read survives being
//! consulted.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zec_core::faults::{Faults, Target};
use zec_core::lifecycle::Phase;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let known = |name: &str| zec_server::actions::known_action(name);
    if let Ok(mut faults) = Faults::from_toml(text, known) {
        let rules = faults.rules();
        let target = Target {
            zone: "asia-east-1a",
            image: "ubuntu2404_20240712",
            instance_type: "z2a.cpu.1",
        };
        for _ in 0..4 {
            for phase in Phase::ALL {
                let _ = faults.phase_fails(phase, target);
            }
            let _ = faults.injected_error("DescribeInstancesStatus");
            let _ = faults.injected_error("CreateZecInstances");
        }
        // What DescribeFaults shows can be given back to CreateFaults.
        let json = serde_json::to_string(&rules).expect("rules serialize");
        let again: zec_core::faults::FaultSpec =
            serde_json::from_str(&json).expect("rules read back");
        let mut other = Faults::default();
        other
            .add(again, known)
            .expect("shown rules are accepted again");
    }
});
