//! zecd's admin API (`POST /_zecd/api`, root credential only): the lifecycle clock and the
//! fault rules. Not part of the vendor's API.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdvanceClockRequest {
    /// How far, e.g. `2s`, `500ms`, `1h 30m`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}

/// The lifecycle clock: `manual` or `system`, and its time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClockInfo {
    pub mode: String,
    pub now: String,
    pub now_millis: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteFaultsRequest {
    /// Rule ids; absent or empty removes every rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ids: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CreateFaultsResponse {
    pub ids: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DeleteFaultsResponse {
    pub deleted: u64,
}
