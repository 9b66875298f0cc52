//! Waiting for instances to reach a status, on DescribeInstancesStatus.

use crate::{Client, Error};
use std::time::Duration;
use tokio::time::Instant;
use zec_types::model::DescribeInstancesStatusRequest;

/// The pseudo-status of an instance no longer listed (released for good).
pub const GONE: &str = "GONE";

/// What to wait for.
#[derive(Debug, Clone)]
pub struct Wait {
    /// Done when every instance has one of these statuses (may include [`GONE`]).
    pub until: Vec<String>,
    /// Fail at once when an instance reaches one of these.
    pub fail_on: Vec<String>,
    pub timeout: Duration,
    /// Time between polls.
    pub interval: Duration,
}

impl Default for Wait {
    /// Until RUNNING, failing on CREATE_FAILED and REINSTALL_FAILED, for at most ten minutes,
    /// polling every two seconds.
    fn default() -> Self {
        Self {
            until: vec!["RUNNING".into()],
            fail_on: vec!["CREATE_FAILED".into(), "REINSTALL_FAILED".into()],
            timeout: Duration::from_secs(600),
            interval: Duration::from_secs(2),
        }
    }
}

impl Wait {
    pub fn until(status: &str) -> Self {
        Self {
            until: vec![status.to_owned()],
            ..Self::default()
        }
    }
}

/// Each instance's id and its status at the last poll.
pub type Statuses = Vec<(String, String)>;

#[derive(Debug, thiserror::Error)]
pub enum WaitError {
    #[error("timed out; last seen: {}", describe(.last))]
    Timeout { last: Statuses },
    #[error("instance {instance_id} is {status}")]
    Failed { instance_id: String, status: String },
    #[error("instances no longer exist: {}", .ids.join(", "))]
    Missing { ids: Vec<String> },
    #[error(transparent)]
    Api(#[from] Error),
}

fn describe(s: &Statuses) -> String {
    s.iter()
        .map(|(id, st)| format!("{id} {st}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Client {
    /// Polls until every instance has a status in `wait.until`; `progress` sees each poll.
    pub async fn wait_instances(
        &self,
        ids: &[String],
        wait: &Wait,
        mut progress: impl FnMut(&Statuses),
    ) -> Result<Statuses, WaitError> {
        let started = Instant::now();
        loop {
            let now = self.statuses(ids).await?;
            progress(&now);
            if let Some((id, status)) = now.iter().find(|(_, s)| wait.fail_on.contains(s)) {
                return Err(WaitError::Failed {
                    instance_id: id.clone(),
                    status: status.clone(),
                });
            }
            if now.iter().all(|(_, s)| wait.until.contains(s)) {
                return Ok(now);
            }
            let gone: Vec<String> = now
                .iter()
                .filter(|(_, s)| s == GONE)
                .map(|(id, _)| id.clone())
                .collect();
            if !gone.is_empty() && !wait.until.iter().any(|u| u == GONE) {
                return Err(WaitError::Missing { ids: gone });
            }
            let elapsed = started.elapsed();
            if elapsed >= wait.timeout {
                return Err(WaitError::Timeout { last: now });
            }
            tokio::time::sleep(wait.interval.min(wait.timeout - elapsed)).await;
        }
    }

    /// Each instance's status, [`GONE`] for those not listed; 100 ids per request.
    pub async fn statuses(&self, ids: &[String]) -> Result<Statuses, Error> {
        let mut found = std::collections::HashMap::new();
        for chunk in ids.chunks(100) {
            let page = self
                .describe_instances_status(&DescribeInstancesStatusRequest {
                    instance_ids: Some(chunk.to_vec()),
                    page_size: Some(100),
                    ..Default::default()
                })
                .await?;
            for s in &page.data_set {
                found.insert(s.instance_id.clone(), s.instance_status.clone());
            }
        }
        Ok(ids
            .iter()
            .map(|id| {
                let status = found.get(id).cloned().unwrap_or_else(|| GONE.to_owned());
                (id.clone(), status)
            })
            .collect())
    }
}
