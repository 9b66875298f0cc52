//! Request limits per credential, as the real cloud has them: token buckets (`--rate-limit
//! 20/s` for every action, `--rate-limit DescribeInstances=5/s` for one), answered with
//! `REQUEST_LIMIT_EXCEEDED` (429) and no `Retry-After`, as the vendor answers. Off unless
//! configured. zecd's admin API is not limited.

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::collections::HashMap;
use std::num::NonZeroU32;
use zec_types::{Action, ApiError, ErrorCode};

/// One `--rate-limit`: for every action, or for one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateSpec {
    pub action: Option<Action>,
    pub quota: Quota,
    pub text: String,
}

impl RateSpec {
    /// `20/s`, `600/m`, `1000/h`, optionally prefixed by an action: `DescribeInstances=5/s`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let (action, rate) = match s.split_once('=') {
            Some((a, r)) => {
                let action = Action::ALL
                    .iter()
                    .copied()
                    .find(|x| x.name() == a.trim())
                    .ok_or_else(|| format!("`{a}` is not an action zecd serves"))?;
                (Some(action), r)
            }
            None => (None, s),
        };
        let (n, per) = rate
            .trim()
            .split_once('/')
            .ok_or_else(|| format!("`{s}`: a rate is N/s, N/m or N/h"))?;
        let n: u32 = n
            .trim()
            .parse()
            .map_err(|_| format!("`{s}`: `{n}` is not a whole number"))?;
        let n = NonZeroU32::new(n).ok_or_else(|| format!("`{s}`: the rate must be above 0"))?;
        let quota = match per.trim() {
            "s" | "sec" | "second" => Quota::per_second(n),
            "m" | "min" | "minute" => Quota::per_minute(n),
            "h" | "hour" => Quota::per_hour(n),
            other => return Err(format!("`{s}`: `{other}` is not s, m or h")),
        };
        Ok(Self {
            action,
            quota,
            text: s.to_owned(),
        })
    }
}

/// The buckets, one per credential (and per action, for per-action limits).
pub struct RateLimits {
    every: Option<DefaultKeyedRateLimiter<String>>,
    per_action: HashMap<Action, DefaultKeyedRateLimiter<String>>,
}

impl RateLimits {
    /// `None` when no limit is configured.
    pub fn new(specs: &[RateSpec]) -> Option<Self> {
        if specs.is_empty() {
            return None;
        }
        let mut every = None;
        let mut per_action = HashMap::new();
        // The last spec given for the same scope wins.
        for s in specs {
            let limiter = RateLimiter::keyed(s.quota);
            match s.action {
                None => every = Some(limiter),
                Some(a) => {
                    per_action.insert(a, limiter);
                }
            }
        }
        Some(Self { every, per_action })
    }

    /// Takes a token for the credential's call of `action`, or refuses it.
    pub fn check(&self, credential: &str, action: Action) -> Result<(), ApiError> {
        let key = credential.to_owned();
        // The action's own bucket first: a call it refuses does not spend the shared one.
        if let Some(l) = self.per_action.get(&action)
            && l.check_key(&key).is_err()
        {
            return Err(exceeded(Some(action)));
        }
        if let Some(l) = &self.every
            && l.check_key(&key).is_err()
        {
            return Err(exceeded(None));
        }
        Ok(())
    }
}

fn exceeded(action: Option<Action>) -> ApiError {
    ApiError::new(
        ErrorCode::RequestLimitExceeded,
        match action {
            Some(a) => format!(
                "Requests of {} exceed the limit for this credential; retry later.",
                a.name()
            ),
            None => "Requests exceed the limit for this credential; retry later.".to_owned(),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_and_bad_ones_say_why() {
        let s = RateSpec::parse("20/s").unwrap();
        assert_eq!(
            (s.action, s.quota),
            (None, Quota::per_second(NonZeroU32::new(20).unwrap()))
        );
        let s = RateSpec::parse("DescribeInstances=5/m").unwrap();
        assert_eq!(s.action, Some(Action::DescribeInstances));
        for bad in ["", "20", "0/s", "x/s", "5/d", "Nope=5/s", "-1/s"] {
            assert!(RateSpec::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_bucket_per_credential_and_per_action() {
        let limits = RateLimits::new(&[
            RateSpec::parse("3/h").unwrap(),
            RateSpec::parse("DescribeInstances=1/h").unwrap(),
        ])
        .unwrap();
        assert!(limits.check("a", Action::DescribeInstances).is_ok());
        let e = limits.check("a", Action::DescribeInstances).unwrap_err();
        assert_eq!(e.code, ErrorCode::RequestLimitExceeded);
        // The refused call spent nothing of the shared bucket: two more of another action.
        assert!(limits.check("a", Action::DescribeInstancesStatus).is_ok());
        assert!(limits.check("a", Action::DescribeInstancesStatus).is_ok());
        assert!(limits.check("a", Action::DescribeInstancesStatus).is_err());
        // Another credential has buckets of its own.
        assert!(limits.check("b", Action::DescribeInstances).is_ok());
    }
}
