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

/// Fault rules, as a `--faults` file (TOML), CreateFaults and DescribeFaults give them.
/// Unknown keys are refused: a misspelt rule must not silently match everything.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRules {
    /// Seed of the random source, for runs that repeat exactly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    #[serde(default)]
    pub failures: Vec<FailureRule>,
    #[serde(default)]
    pub errors: Vec<ErrorRule>,
}

/// Phases of this kind (the phases that can fail: `deploy`, `rebuild`, `disk-create`,
/// `snapshot-create`, `eip-create`, `nic-create`), on matching resources, end in failure.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FailureRule {
    /// Given by zecd.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub phase: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_type: Option<String>,
    /// At most this many more times (absent: no limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// Each time with this probability (absent: always).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
}

/// Calls of this action (`*`: any) answer with this error instead of being carried out.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorRule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub action: String,
    /// A code of the error-code table, e.g. `REQUEST_LIMIT_EXCEEDED`.
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
}

/// ExportState: one account by name, or every account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportStateRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
}

/// A state document (`format`, `version`, `exportedAt`, `accounts`), as ExportState answers it
/// and ImportState takes it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct StateResponse {
    pub state: serde_json::Value,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportStateRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ImportStateResponse {
    /// Accounts whose resources were replaced (made if missing).
    pub accounts: u64,
    /// Resources written.
    pub resources: u64,
}

/// ResetAccount: the account by name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountNameRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
}

/// CreateAccount: a new account (with its default resource group).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateAccountRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CreateAccountResponse {
    pub name: String,
    /// The account's default resource group.
    pub default_resource_group_id: String,
}

/// CreateAccessKey: a key of an account, read-only and/or limited to resource groups.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateAccessKeyRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_only: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_group_ids: Option<Vec<String>>,
}

/// The key's secret is answered once, as `zecd keys create` prints it once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CreateAccessKeyResponse {
    pub access_key_id: String,
    pub access_key_password: String,
}

/// DescribeAccounts: every account and its access keys (never their passwords).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DescribeAccountsResponse {
    pub accounts: Vec<AccountInfo>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AccountInfo {
    pub name: String,
    pub create_time: String,
    pub access_keys: Vec<AccessKeyInfo>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AccessKeyInfo {
    pub access_key_id: String,
    pub root: bool,
    pub read_only: bool,
    pub resource_group_ids: Vec<String>,
    pub create_time: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeGuestsRequest {
    /// Only these instances' machines (all if absent or empty).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_ids: Option<Vec<String>>,
}

/// The real guests behind instances (`--guests qemu`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DescribeGuestsResponse {
    /// `none` or `qemu`: what zecd runs instances as.
    pub driver: String,
    /// With `qemu`: `kvm` or `tcg` (QEMU's emulation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accel: Option<String>,
    pub guest_set: Vec<GuestInfo>,
}

/// One instance's machine.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct GuestInfo {
    pub instance_id: String,
    /// `booting` (on, not yet ready), `running` (ready for SSH), `stopping` (told to power
    /// off), `off`.
    pub state: String,
    /// The QEMU process, while on.
    pub pid: Option<u32>,
    /// Where the guest's SSH is forwarded to (`ssh -p sshPort root@sshHost`).
    pub ssh_host: String,
    pub ssh_port: u16,
    pub vcpus: u32,
    pub memory_mib: u32,
    /// Resident memory of the QEMU process, while on.
    pub rss_mib: Option<u64>,
    /// The qcow2 overlay that is the system disk.
    pub disk: String,
    /// The serial console's log file.
    pub console: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeGuestConsoleRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
}

/// The end of a guest's serial console (at most 64 KiB).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DescribeGuestConsoleResponse {
    pub instance_id: String,
    pub output: String,
}
