//! Faults a user injects on purpose: phases that end in failure (DEPLOYING → CREATE_FAILED,
//! REBUILDING → REINSTALL_FAILED, and the creations of disks, snapshots, EIPs and NICs) and actions that answer with a chosen error code, the next
//! N times or with a probability. Set at start from a file, changed at run time through the
//! admin API; the decisions are made here, from an injected random source.

use crate::lifecycle::Phase;
use crate::steps::Step;
use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};
use zec_types::{ApiError, ErrorCode};

pub use zec_types::model::{ErrorRule, FailureRule, FaultRules as FaultSpec};

/// What a phase that can fail is about to run on.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    pub zone: &'a str,
    pub image: &'a str,
    pub instance_type: &'a str,
}

pub struct Faults {
    spec: FaultSpec,
    next_id: u64,
    rng: SmallRng,
}

impl Default for Faults {
    fn default() -> Self {
        Self {
            spec: FaultSpec::default(),
            next_id: 1,
            rng: rand::make_rng(),
        }
    }
}

impl Faults {
    /// Reads a fault file (TOML).
    pub fn from_toml(text: &str, known_action: impl Fn(&str) -> bool) -> Result<Self, String> {
        let spec: FaultSpec = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut f = Faults::default();
        f.add(spec, known_action)?;
        Ok(f)
    }

    /// Adds rules; returns the ids given to them. Nothing is added if any rule is invalid.
    pub fn add(
        &mut self,
        mut spec: FaultSpec,
        known_action: impl Fn(&str) -> bool,
    ) -> Result<Vec<String>, String> {
        for r in &spec.failures {
            let can_fail = match (Phase::from_name(&r.phase), Step::from_name(&r.phase)) {
                (Some(p), _) => p.failure().is_some(),
                (None, Some(s)) => s.failure().is_some(),
                (None, None) => return Err(format!("there is no phase `{}`", r.phase)),
            };
            if !can_fail {
                return Err(format!(
                    "phase `{}` cannot fail; only deploy, rebuild, disk-create, snapshot-create, eip-create and nic-create can",
                    r.phase
                ));
            }
            check_probability(r.probability)?;
        }
        for r in &spec.errors {
            if r.action != "*" && !known_action(&r.action) {
                return Err(format!("there is no action `{}`", r.action));
            }
            if ErrorCode::parse(&r.code).is_none() {
                return Err(format!("`{}` is not an error code zecd knows", r.code));
            }
            check_probability(r.probability)?;
        }
        if let Some(seed) = spec.seed {
            self.rng = SmallRng::seed_from_u64(seed);
        }
        let mut ids = Vec::new();
        for r in &mut spec.failures {
            r.id = Some(self.new_id());
            ids.push(r.id.clone().unwrap_or_default());
        }
        for r in &mut spec.errors {
            r.id = Some(self.new_id());
            ids.push(r.id.clone().unwrap_or_default());
        }
        self.spec.failures.append(&mut spec.failures);
        self.spec.errors.append(&mut spec.errors);
        Ok(ids)
    }

    fn new_id(&mut self) -> String {
        let id = format!("fault-{}", self.next_id);
        self.next_id += 1;
        id
    }

    /// The rules in force, with the counts they have left.
    pub fn rules(&self) -> FaultSpec {
        FaultSpec {
            seed: None,
            ..self.spec.clone()
        }
    }

    /// Removes rules by id (all of them when `ids` is empty); returns how many went.
    pub fn remove(&mut self, ids: &[String]) -> usize {
        let before = self.spec.failures.len() + self.spec.errors.len();
        let keep = |id: &Option<String>| {
            !ids.is_empty() && !ids.contains(id.as_ref().unwrap_or(&String::new()))
        };
        self.spec.failures.retain(|r| keep(&r.id));
        self.spec.errors.retain(|r| keep(&r.id));
        before - self.spec.failures.len() - self.spec.errors.len()
    }

    /// Whether a phase about to begin will end in failure.
    pub fn phase_fails(&mut self, phase: Phase, target: Target<'_>) -> bool {
        let rng = &mut self.rng;
        let fired = self.spec.failures.iter_mut().any(|r| {
            r.phase == phase.name()
                && r.zone.as_deref().is_none_or(|z| z == target.zone)
                && r.image.as_deref().is_none_or(|i| i == target.image)
                && r.instance_type
                    .as_deref()
                    .is_none_or(|t| t == target.instance_type)
                && fire(&mut r.count, r.probability, rng)
        });
        self.spec.failures.retain(|r| r.count != Some(0));
        fired
    }

    /// Whether a phase of another resource, about to begin in `zone` (a disk's or snapshot's
    /// zone, an EIP's or NIC's region), will end in failure. Rules naming an image or an
    /// instance type never match these.
    pub fn step_fails(&mut self, step: Step, zone: &str) -> bool {
        let rng = &mut self.rng;
        let fired = self.spec.failures.iter_mut().any(|r| {
            r.phase == step.name()
                && r.zone.as_deref().is_none_or(|z| z == zone)
                && r.image.is_none()
                && r.instance_type.is_none()
                && fire(&mut r.count, r.probability, rng)
        });
        self.spec.failures.retain(|r| r.count != Some(0));
        fired
    }

    /// The error a call of `action` is to answer with, if a rule says so.
    pub fn injected_error(&mut self, action: &str) -> Option<ApiError> {
        let mut fired = None;
        for r in &mut self.spec.errors {
            if (r.action == "*" || r.action == action)
                && fire(&mut r.count, r.probability, &mut self.rng)
            {
                let code = ErrorCode::parse(&r.code)?;
                let message = r.message.clone().unwrap_or_else(|| {
                    format!("Injected fault {}.", r.id.as_deref().unwrap_or(""))
                });
                fired = Some(ApiError::new(code, message));
                break;
            }
        }
        self.spec.errors.retain(|r| r.count != Some(0));
        fired
    }
}

fn check_probability(p: Option<f64>) -> Result<(), String> {
    match p {
        Some(p) if !(0.0..=1.0).contains(&p) => {
            Err(format!("probability {p} is not between 0 and 1"))
        }
        _ => Ok(()),
    }
}

/// Decides whether a rule fires this time, using up one of its count if it does.
fn fire(count: &mut Option<u64>, probability: Option<f64>, rng: &mut SmallRng) -> bool {
    if *count == Some(0) {
        return false;
    }
    let hit = probability.is_none_or(|p| rng.random_bool(p));
    if hit && let Some(c) = count {
        *c -= 1;
    }
    hit
}

#[cfg(test)]
mod tests {
    use super::*;

    fn any_action(_: &str) -> bool {
        true
    }

    const HERE: Target<'static> = Target {
        zone: "asia-east-1a",
        image: "ubuntu2404_20240712",
        instance_type: "z2a.cpu.1",
    };

    #[test]
    fn a_counted_rule_fires_that_many_times_then_goes() {
        let mut f = Faults::from_toml(
            r#"
            [[failures]]
            phase = "deploy"
            zone = "asia-east-1a"
            count = 2
            "#,
            any_action,
        )
        .unwrap();
        let elsewhere = Target {
            zone: "na-west-1a",
            ..HERE
        };
        assert!(!f.phase_fails(Phase::Deploy, elsewhere));
        assert!(!f.phase_fails(Phase::Rebuild, HERE));
        assert!(f.phase_fails(Phase::Deploy, HERE));
        assert!(f.phase_fails(Phase::Deploy, HERE));
        assert!(!f.phase_fails(Phase::Deploy, HERE));
        assert!(f.rules().failures.is_empty());
    }

    #[test]
    fn probabilities_follow_the_seed() {
        let spec = r#"
            seed = 7
            [[failures]]
            phase = "rebuild"
            probability = 0.5
        "#;
        let run = || {
            let mut f = Faults::from_toml(spec, any_action).unwrap();
            (0..200)
                .map(|_| f.phase_fails(Phase::Rebuild, HERE))
                .collect::<Vec<_>>()
        };
        let a = run();
        assert_eq!(a, run(), "same seed, same decisions");
        let hits = a.iter().filter(|h| **h).count();
        assert!((60..140).contains(&hits), "{hits} of 200");
    }

    #[test]
    fn error_rules_answer_for_their_action_only() {
        let mut f = Faults::default();
        let ids = f
            .add(
                FaultSpec {
                    errors: vec![ErrorRule {
                        action: "DescribeInstancesStatus".into(),
                        code: "REQUEST_LIMIT_EXCEEDED".into(),
                        count: Some(1),
                        ..Default::default()
                    }],
                    ..Default::default()
                },
                any_action,
            )
            .unwrap();
        assert_eq!(ids, ["fault-1"]);
        assert!(f.injected_error("DescribeInstances").is_none());
        let e = f.injected_error("DescribeInstancesStatus").unwrap();
        assert_eq!(e.code, ErrorCode::RequestLimitExceeded);
        assert!(f.injected_error("DescribeInstancesStatus").is_none());
    }

    #[test]
    fn invalid_rules_are_refused_whole() {
        let bad = [
            "[[failures]]\nphase = \"stop\"",
            "[[failures]]\nphase = \"deploy\"\nprobability = 2.0",
            "[[errors]]\naction = \"Nope\"\ncode = \"INTERNAL_SERVER_ERROR\"",
            "[[errors]]\naction = \"*\"\ncode = \"NOT_A_CODE\"",
            "[[errors]]\naction = \"*\"\ncode = \"INTERNAL_SERVER_ERROR\"\nsurprise = 1",
        ];
        for text in bad {
            assert!(
                Faults::from_toml(text, |a| a == "DescribeInstancesStatus").is_err(),
                "{text}"
            );
        }
    }

    #[test]
    fn rules_can_be_removed_one_by_one_or_all_at_once() {
        let mut f = Faults::from_toml(
            "[[errors]]\naction = \"*\"\ncode = \"INTERNAL_SERVER_ERROR\"\n[[failures]]\nphase = \"deploy\"",
            any_action,
        )
        .unwrap();
        // Failure rules are numbered first.
        assert_eq!(f.remove(&["fault-2".into()]), 1);
        assert_eq!((f.rules().failures.len(), f.rules().errors.len()), (1, 0));
        assert_eq!(f.remove(&[]), 1);
        assert_eq!(f.rules(), FaultSpec::default());
    }
}
