//! Key pairs: service `ccs` 2025-09-01 (`zec_resources.md` §6).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportKeyPairRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ImportKeyPairResponse {
    pub key_id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeKeyPairsRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_size: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_num: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DescribeKeyPairsResponse {
    pub total_count: u64,
    pub data_set: Vec<KeyPairInfo>,
}

/// A key pair (the SDKs' `KeyPair`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct KeyPairInfo {
    pub key_id: String,
    pub key_name: String,
    /// Byte for byte as imported.
    pub public_key: String,
    pub key_description: Option<String>,
    pub create_time: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModifyKeyPairAttributeRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    /// `""` clears the description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_description: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteKeyPairsRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_ids: Option<Vec<String>>,
}
