//! One typed method per action zecd serves, with the request and response types of
//! [`zec_types::model`].

use crate::{Client, Error, Response};
use zec_types::model::*;

/// The zec API version this client speaks.
pub const ZEC_VERSION: &str = "2025-09-01";
/// The older zec version, for the actions only it has.
pub const ZEC_VERSION_2024: &str = "2024-04-01";
/// The `user` API version this client speaks.
pub const USER_VERSION: &str = "2024-05-29";
/// The `zrm` API version this client speaks.
pub const ZRM_VERSION: &str = "2025-10-14";

macro_rules! actions {
    ($service:literal, $version:expr; $($(#[$doc:meta])* $method:ident => $action:literal ($req:ty) -> $resp:ty;)*) => {
        impl Client {
            $(
                $(#[$doc])*
                #[doc = concat!("\n\n`", $service, "` action `", $action, "`.")]
                pub async fn $method(&self, request: &$req) -> Result<Response<$resp>, Error> {
                    self.call($service, $version, $action, request).await
                }
            )*
        }
    };
}

actions! {
    "zec", ZEC_VERSION;
    /// The status of instances: `instanceIds` (≤ 100) and/or a page of the account's.
    describe_instances_status => "DescribeInstancesStatus"
        (DescribeInstancesStatusRequest) -> DescribeInstancesStatusResponse;
    /// Instances in full, filtered and paged.
    describe_instances => "DescribeInstances"
        (DescribeInstancesRequest) -> DescribeInstancesResponse;
    /// Creates 1–100 instances; they start DEPLOYING.
    create_zec_instances => "CreateZecInstances"
        (CreateZecInstancesRequest) -> CreateZecInstancesResponse;
    /// Powers on STOPPED instances; answers the ids it could not start.
    start_instances => "StartInstances" (StartInstancesRequest) -> InstanceBatchResponse;
    /// Powers off RUNNING instances; answers the ids it could not stop.
    stop_instances => "StopInstances" (StopInstancesRequest) -> InstanceBatchResponse;
    reboot_instances => "RebootInstances" (RebootInstancesRequest) -> InstanceBatchResponse;
    /// Moves instances to the recycle bin, or destroys instances already there.
    release_instances => "ReleaseInstances" (ReleaseInstancesRequest) -> InstanceBatchResponse;
    /// Renames instances.
    modify_instances_attribute => "ModifyInstancesAttribute"
        (ModifyInstancesAttributeRequest) -> Empty;
    /// Changes a STOPPED instance's type.
    modify_instance_type => "ModifyInstanceType"
        (ModifyInstanceTypeRequest) -> ModifyInstanceTypeResponse;
    /// Reinstalls a STOPPED instance.
    reset_instance => "ResetInstance" (ResetInstanceRequest) -> Empty;
    reset_instance_password => "ResetInstancePassword" (ResetInstancePasswordRequest) -> Empty;
    start_ip_forward => "StartIpForward" (InstanceIdRequest) -> Empty;
    stop_ip_forward => "StopIpForward" (InstanceIdRequest) -> Empty;
    describe_zones => "DescribeZones" (DescribeZonesRequest) -> DescribeZonesResponse;
    describe_zone_instance_config_infos => "DescribeZoneInstanceConfigInfos"
        (DescribeZoneInstanceConfigInfosRequest) -> DescribeZoneInstanceConfigInfosResponse;
    describe_images => "DescribeImages" (DescribeImagesRequest) -> DescribeImagesResponse;
    describe_vpcs => "DescribeVpcs" (DescribeVpcsRequest) -> DescribeVpcsResponse;
    describe_subnets => "DescribeSubnets" (DescribeSubnetsRequest) -> DescribeSubnetsResponse;
    describe_security_groups => "DescribeSecurityGroups"
        (DescribeSecurityGroupsRequest) -> DescribeSecurityGroupsResponse;
}

actions! {
    "zec", ZEC_VERSION_2024;
    /// Moves instances to another resource group (zec 2024-04-01 only).
    modify_instances_resource_group => "ModifyInstancesResourceGroup"
        (ModifyInstancesResourceGroupRequest) -> Empty;
}

actions! {
    "user", USER_VERSION;
    describe_resource_groups => "DescribeResourceGroups" (Empty) -> DescribeResourceGroupsResponse;
    create_resource_group => "CreateResourceGroup" (CreateResourceGroupRequest) -> ResourceGroup;
    modify_resource_group => "ModifyResourceGroup" (ModifyResourceGroupRequest) -> ResourceGroup;
    /// Deletes an empty resource group.
    delete_resource_group => "DeleteResourceGroup" (DeleteResourceGroupRequest) -> Empty;
    add_resource_resource_group => "AddResourceResourceGroup"
        (AddResourceResourceGroupRequest) -> Empty;
}

actions! {
    "zrm", ZRM_VERSION;
    /// Sets tags by key and removes keys.
    modify_resource_tags => "ModifyResourceTags" (ModifyResourceTagsRequest) -> Empty;
}

/// zecd's admin API (not the vendor's): its lifecycle clock and fault rules. Root key only.
impl Client {
    /// The lifecycle clock: `manual` or `system`, and its time.
    pub async fn describe_clock(&self) -> Result<Response<ClockInfo>, Error> {
        self.call_admin("DescribeClock", &Empty {}).await
    }

    /// Moves a manual clock forward (`"2s"`, `"500ms"`); returns once everything that came
    /// due is written down.
    pub async fn advance_clock(&self, by: &str) -> Result<Response<ClockInfo>, Error> {
        self.call_admin(
            "AdvanceClock",
            &AdvanceClockRequest {
                by: Some(by.to_owned()),
            },
        )
        .await
    }

    /// Adds fault rules (`{"failures": [...], "errors": [...]}`, as zecd's `--faults` file).
    pub async fn create_faults(
        &self,
        rules: &serde_json::Value,
    ) -> Result<Response<CreateFaultsResponse>, Error> {
        self.call_admin("CreateFaults", rules).await
    }

    /// The fault rules in force.
    pub async fn describe_faults(&self) -> Result<Response<serde_json::Value>, Error> {
        self.call_admin("DescribeFaults", &Empty {}).await
    }

    /// Removes fault rules by id; none given: all of them.
    pub async fn delete_faults(
        &self,
        ids: &[String],
    ) -> Result<Response<DeleteFaultsResponse>, Error> {
        self.call_admin(
            "DeleteFaults",
            &DeleteFaultsRequest {
                ids: Some(ids.to_vec()),
            },
        )
        .await
    }
}
