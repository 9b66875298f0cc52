//! The lifecycle actions (spec §4.2, §5).

use serde::{Deserialize, Serialize};

/// StartInstances, StopInstances, RebootInstances, ReleaseInstances: a batch of at most 100
/// instances, and flags.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceBatchRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_ids: Option<Vec<String>>,
    /// StopInstances: absent means forced (spec §4.2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub force_shutdown: Option<bool>,
    /// RebootInstances: also interrupt a boot or a reboot under way.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub force_reboot: Option<bool>,
    /// ReleaseInstances: also free disks and addresses that came with the instance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub depend_resource: Option<bool>,
}

pub type StartInstancesRequest = InstanceBatchRequest;
pub type StopInstancesRequest = InstanceBatchRequest;
pub type RebootInstancesRequest = InstanceBatchRequest;
pub type ReleaseInstancesRequest = InstanceBatchRequest;

/// The answer of the batch actions: the ids that failed (spec §4.2).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct InstanceBatchResponse {
    pub instance_ids: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModifyInstancesAttributeRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_name: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModifyInstanceTypeRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_type: Option<String>,
}

/// ModifyInstanceType's answer; `orderNumber` is what 2024-04-01 clients read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ModifyInstanceTypeResponse {
    #[serde(skip_serializing_if = "crate::shape::only_in_2024")]
    pub order_number: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResetInstanceRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    /// Lower-case `z`, unlike CreateZecInstances' `timeZone` (spec §5).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_agent: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_data: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResetInstancePasswordRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

/// StartIpForward and StopIpForward.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceIdRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
}

/// Answers that carry nothing but the request id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Empty {}
