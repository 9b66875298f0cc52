//! Services, API versions and actions: what `POST /api/v2/{service}` with `x-zc-action` and
//! `x-zc-version` can name (spec §1.1, §1.6).

use std::fmt;

/// A service, the last segment of the request path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    /// Elastic compute: `/api/v2/zec`.
    Zec,
    /// Users and resource groups: `/api/v2/user`.
    User,
    /// Tags: `/api/v2/zrm`.
    Zrm,
    /// Key pairs: `/api/v2/ccs`.
    Ccs,
    /// zecd's own admin API, `/_zecd/api`: clock and faults; root credential only.
    Admin,
}

impl Service {
    /// Every service, in the order help lists them.
    pub const ALL: [Service; 5] = [Self::Zec, Self::Ccs, Self::User, Self::Zrm, Self::Admin];

    /// What the service is for, in a line.
    pub const fn about(self) -> &'static str {
        match self {
            Self::Zec => "Elastic compute",
            Self::User => "Resource groups",
            Self::Zrm => "Tags",
            Self::Ccs => "Key pairs",
            Self::Admin => {
                "zecd's own admin API: the clock, fault rules, state, accounts (root key)"
            }
        }
    }

    /// The service of `/api/v2/{segment}`.
    pub fn from_path(segment: &str) -> Option<Self> {
        match segment {
            "zec" => Some(Self::Zec),
            "user" => Some(Self::User),
            "zrm" => Some(Self::Zrm),
            "ccs" => Some(Self::Ccs),
            _ => None,
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Zec => "zec",
            Self::User => "user",
            Self::Zrm => "zrm",
            Self::Ccs => "ccs",
            Self::Admin => "admin",
        }
    }

    /// API versions accepted in `x-zc-version`. The first is the newest, used when a client
    /// sends none. Terraform mixes both zec versions (spec §1.6); their shapes are compatible.
    pub const fn versions(self) -> &'static [&'static str] {
        match self {
            Self::Zec => &["2025-09-01", "2024-04-01"],
            Self::User => &["2024-05-29"],
            Self::Zrm => &["2025-10-14"],
            Self::Ccs => &["2025-09-01"],
            Self::Admin => &["2026-11-01"],
        }
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Every action zecd serves, declared once: its service, name, Rust method name, whether it
/// only reads, its request and response types, the request fields that are required, and (for
/// an action only the older zec version has) the version clients send it with.
///
/// `for_each_action!(callback)` hands the whole table to `callback!`, which is how the server's
/// dispatch, the SDK's methods and the `zec` command line's commands are made from it: an
/// action added here must be served, and is in the SDK and the command line at once. Each entry
/// is
///
/// ```text
/// /// Doc, first line used as the command's help.
/// Action => method, read|write, RequestType => ResponseType, required [camelCaseField ...], version "...";
/// ```
///
/// grouped by service: `zec { ... } user { ... } zrm { ... } admin { ... }`.
#[macro_export]
macro_rules! for_each_action {
    ($callback:ident) => {
        $callback! {
        zec {
            /// The status of instances: `instanceIds` (at most 100) and/or a page of the account's.
            DescribeInstancesStatus => describe_instances_status, read,
                $crate::model::DescribeInstancesStatusRequest => $crate::model::DescribeInstancesStatusResponse,
                required [], version "2025-09-01";
            /// Instances in full, filtered and paged.
            DescribeInstances => describe_instances, read,
                $crate::model::DescribeInstancesRequest => $crate::model::DescribeInstancesResponse,
                required [], version "2025-09-01";
            /// Create 1-100 instances; they start DEPLOYING.
            CreateZecInstances => create_zec_instances, write,
                $crate::model::CreateZecInstancesRequest => $crate::model::CreateZecInstancesResponse,
                required ["zoneId", "imageId", "instanceType", "subnetId"], version "2025-09-01";
            /// The zones.
            DescribeZones => describe_zones, read,
                $crate::model::DescribeZonesRequest => $crate::model::DescribeZonesResponse,
                required [], version "2025-09-01";
            /// Instance types on sale in a zone.
            DescribeZoneInstanceConfigInfos => describe_zone_instance_config_infos, read,
                $crate::model::DescribeZoneInstanceConfigInfosRequest => $crate::model::DescribeZoneInstanceConfigInfosResponse,
                required [], version "2025-09-01";
            /// Images available in a zone.
            DescribeImages => describe_images, read,
                $crate::model::DescribeImagesRequest => $crate::model::DescribeImagesResponse,
                required ["zoneId"], version "2025-09-01";
            /// VPCs.
            DescribeVpcs => describe_vpcs, read,
                $crate::model::DescribeVpcsRequest => $crate::model::DescribeVpcsResponse,
                required [], version "2025-09-01";
            /// Subnets.
            DescribeSubnets => describe_subnets, read,
                $crate::model::DescribeSubnetsRequest => $crate::model::DescribeSubnetsResponse,
                required [], version "2025-09-01";
            /// Security groups.
            DescribeSecurityGroups => describe_security_groups, read,
                $crate::model::DescribeSecurityGroupsRequest => $crate::model::DescribeSecurityGroupsResponse,
                required [], version "2025-09-01";
            /// Power on stopped instances; answers the ids it could not start.
            StartInstances => start_instances, write,
                $crate::model::StartInstancesRequest => $crate::model::InstanceBatchResponse,
                required ["instanceIds"], version "2025-09-01";
            /// Power off running instances; answers the ids it could not stop.
            StopInstances => stop_instances, write,
                $crate::model::StopInstancesRequest => $crate::model::InstanceBatchResponse,
                required ["instanceIds"], version "2025-09-01";
            /// Reboot running instances.
            RebootInstances => reboot_instances, write,
                $crate::model::RebootInstancesRequest => $crate::model::InstanceBatchResponse,
                required ["instanceIds"], version "2025-09-01";
            /// Move instances to the recycle bin, or destroy instances already there.
            ReleaseInstances => release_instances, write,
                $crate::model::ReleaseInstancesRequest => $crate::model::InstanceBatchResponse,
                required ["instanceIds"], version "2025-09-01";
            /// Rename instances.
            ModifyInstancesAttribute => modify_instances_attribute, write,
                $crate::model::ModifyInstancesAttributeRequest => $crate::model::Empty,
                required ["instanceIds", "instanceName"], version "2025-09-01";
            /// Change a stopped instance's type.
            ModifyInstanceType => modify_instance_type, write,
                $crate::model::ModifyInstanceTypeRequest => $crate::model::ModifyInstanceTypeResponse,
                required ["instanceId", "instanceType"], version "2025-09-01";
            /// Reinstall a stopped instance.
            ResetInstance => reset_instance, write,
                $crate::model::ResetInstanceRequest => $crate::model::Empty,
                required ["instanceId"], version "2025-09-01";
            /// Set a running instance's password.
            ResetInstancePassword => reset_instance_password, write,
                $crate::model::ResetInstancePasswordRequest => $crate::model::Empty,
                required ["instanceId", "password"], version "2025-09-01";
            /// Turn IP forwarding on.
            StartIpForward => start_ip_forward, write,
                $crate::model::InstanceIdRequest => $crate::model::Empty,
                required ["instanceId"], version "2025-09-01";
            /// Turn IP forwarding off.
            StopIpForward => stop_ip_forward, write,
                $crate::model::InstanceIdRequest => $crate::model::Empty,
                required ["instanceId"], version "2025-09-01";
            /// Move instances to another resource group (zec 2024-04-01).
            ModifyInstancesResourceGroup => modify_instances_resource_group, write,
                $crate::model::ModifyInstancesResourceGroupRequest => $crate::model::Empty,
                required ["instanceIds", "resourceGroupId"], version "2024-04-01";
            /// Create a VPC.
            CreateVpc => create_vpc, write,
                $crate::model::CreateVpcRequest => $crate::model::CreateVpcResponse,
                required ["name", "cidrBlock"], version "2025-09-01";
            /// Rename a VPC, change its CIDR block, turn IPv6 on, bind a security group.
            ModifyVpcAttribute => modify_vpc_attribute, write,
                $crate::model::ModifyVpcAttributeRequest => $crate::model::Empty,
                required ["vpcId"], version "2025-09-01";
            /// Delete a VPC that has no subnets.
            DeleteVpc => delete_vpc, write,
                $crate::model::DeleteVpcRequest => $crate::model::Empty,
                required ["vpcId"], version "2024-04-01";
            /// Create a subnet in a VPC, in one region.
            CreateSubnet => create_subnet, write,
                $crate::model::CreateSubnetRequest => $crate::model::CreateSubnetResponse,
                required ["vpcId", "regionId", "name", "stackType"], version "2024-04-01";
            /// Rename a subnet or change its CIDR block.
            ModifySubnetAttribute => modify_subnet_attribute, write,
                $crate::model::ModifySubnetAttributeRequest => $crate::model::Empty,
                required ["subnetId"], version "2024-04-01";
            /// Add IPv6 to a subnet.
            ModifySubnetStackType => modify_subnet_stack_type, write,
                $crate::model::ModifySubnetStackTypeRequest => $crate::model::ModifySubnetStackTypeResponse,
                required ["subnetId", "stackType"], version "2024-04-01";
            /// Delete a subnet no NIC uses.
            DeleteSubnet => delete_subnet, write,
                $crate::model::DeleteSubnetRequest => $crate::model::Empty,
                required ["subnetId"], version "2024-04-01";
            /// Create a security group.
            CreateSecurityGroup => create_security_group, write,
                $crate::model::CreateSecurityGroupRequest => $crate::model::CreateSecurityGroupResponse,
                required ["securityGroupName"], version "2025-09-01";
            /// Rename security groups.
            ModifySecurityGroupsAttribute => modify_security_groups_attribute, write,
                $crate::model::ModifySecurityGroupsAttributeRequest => $crate::model::Empty,
                required ["securityGroupIds", "securityGroupName"], version "2024-04-01";
            /// Delete a security group no NIC or VPC uses.
            DeleteSecurityGroup => delete_security_group, write,
                $crate::model::SecurityGroupIdRequest => $crate::model::Empty,
                required ["securityGroupId"], version "2024-04-01";
            /// A security group's rules, ingress and egress.
            DescribeSecurityGroupRule => describe_security_group_rule, read,
                $crate::model::SecurityGroupIdRequest => $crate::model::DescribeSecurityGroupRuleResponse,
                required ["securityGroupId"], version "2025-09-01";
            /// Replace a security group's rules with the given set (none without ruleInfos).
            ConfigureSecurityGroupRules => configure_security_group_rules, write,
                $crate::model::ConfigureSecurityGroupRulesRequest => $crate::model::Empty,
                required ["securityGroupId"], version "2025-09-01";
            /// Bind a security group to a VPC (its new NICs get it).
            AssignSecurityGroupVpc => assign_security_group_vpc, write,
                $crate::model::AssignSecurityGroupVpcRequest => $crate::model::Empty,
                required ["vpcId", "securityGroupId"], version "2025-09-01";
            /// Unbind a VPC's security group.
            UnAssignSecurityGroupVpc => un_assign_security_group_vpc, write,
                $crate::model::UnAssignSecurityGroupVpcRequest => $crate::model::Empty,
                required ["vpcId"], version "2025-09-01";
            /// Network interfaces, filtered and paged.
            DescribeNetworkInterfaces => describe_network_interfaces, read,
                $crate::model::DescribeNetworkInterfacesRequest => $crate::model::DescribeNetworkInterfacesResponse,
                required [], version "2025-09-01";
            /// Rename a network interface or change its security group.
            ModifyNetworkInterfaceAttribute => modify_network_interface_attribute, write,
                $crate::model::ModifyNetworkInterfaceAttributeRequest => $crate::model::Empty,
                required ["nicId"], version "2025-09-01";
            /// Create a network interface in a subnet; it starts PENDING.
            CreateNetworkInterface => create_network_interface, write,
                $crate::model::CreateNetworkInterfaceRequest => $crate::model::CreateNetworkInterfaceResponse,
                required ["name", "subnetId"], version "2025-09-01";
            /// Delete a detached secondary network interface.
            DeleteNetworkInterface => delete_network_interface, write,
                $crate::model::NicIdRequest => $crate::model::Empty,
                required ["nicId"], version "2025-09-01";
            /// Attach a network interface to a running instance.
            AttachNetworkInterface => attach_network_interface, write,
                $crate::model::AttachNetworkInterfaceRequest => $crate::model::Empty,
                required ["nicId", "instanceId"], version "2025-09-01";
            /// Detach a secondary network interface from its instance.
            DetachNetworkInterface => detach_network_interface, write,
                $crate::model::NicIdRequest => $crate::model::Empty,
                required ["nicId"], version "2025-09-01";
            /// Give a network interface one more private IPv4 address.
            AssignNetworkInterfaceIpv4 => assign_network_interface_ipv4, write,
                $crate::model::AssignNetworkInterfaceIpv4Request => $crate::model::Empty,
                required ["nicId", "ipAddress"], version "2025-09-01";
            /// Give a network interface more private IPv4 addresses (listed, or a count).
            BatchAssignNetworkInterfaceIpv4 => batch_assign_network_interface_ipv4, write,
                $crate::model::BatchAssignNetworkInterfaceIpv4Request => $crate::model::BatchAssignNetworkInterfaceIpv4Response,
                required ["nicId"], version "2025-09-01";
            /// Take secondary private IPv4 addresses from a network interface.
            UnassignNetworkInterfaceIpv4 => unassign_network_interface_ipv4, write,
                $crate::model::UnassignNetworkInterfaceIpv4Request => $crate::model::Empty,
                required ["nicId"], version "2025-09-01";
            /// Create 1-50 disks in a zone (attached to an instance, or from a snapshot).
            CreateDisks => create_disks, write,
                $crate::model::CreateDisksRequest => $crate::model::CreateDisksResponse,
                required ["zoneId", "diskName", "diskSize"], version "2025-09-01";
            /// Disks, instances' system and data disks included, filtered and paged.
            DescribeDisks => describe_disks, read,
                $crate::model::DescribeDisksRequest => $crate::model::DescribeDisksResponse,
                required [], version "2025-09-01";
            /// Attach available disks to an instance.
            AttachDisks => attach_disks, write,
                $crate::model::AttachDisksRequest => $crate::model::FailedDisksResponse,
                required ["diskIds", "instanceId"], version "2025-09-01";
            /// Detach disks from their instance (--instance-check-flag=false: a running one).
            DetachDisks => detach_disks, write,
                $crate::model::DetachDisksRequest => $crate::model::FailedDisksResponse,
                required ["diskIds"], version "2025-09-01";
            /// Grow a disk.
            ResizeDisk => resize_disk, write,
                $crate::model::ResizeDiskRequest => $crate::model::Empty,
                required ["diskId", "diskSize"], version "2025-09-01";
            /// Rename disks.
            ModifyDisksAttributes => modify_disks_attributes, write,
                $crate::model::ModifyDisksAttributesRequest => $crate::model::Empty,
                required ["diskIds", "diskName"], version "2025-09-01";
            /// Move a detached disk to the recycle bin, or destroy one already there.
            ReleaseDisk => release_disk, write,
                $crate::model::DiskIdRequest => $crate::model::Empty,
                required ["diskId"], version "2025-09-01";
            /// Regions where disks are sold.
            DescribeDiskRegions => describe_disk_regions, read,
                $crate::model::DescribeDiskRegionsRequest => $crate::model::DescribeDiskRegionsResponse,
                required [], version "2025-09-01";
            /// Disk categories per zone.
            DescribeDiskCategory => describe_disk_category, read,
                $crate::model::DescribeDiskCategoryRequest => $crate::model::DescribeDiskCategoryResponse,
                required [], version "2025-09-01";
            /// Snapshot a data disk.
            CreateSnapshot => create_snapshot, write,
                $crate::model::CreateSnapshotRequest => $crate::model::CreateSnapshotResponse,
                required ["diskId", "snapshotName"], version "2025-09-01";
            /// Snapshots, filtered and paged.
            DescribeSnapshots => describe_snapshots, read,
                $crate::model::DescribeSnapshotsRequest => $crate::model::DescribeSnapshotsResponse,
                required [], version "2025-09-01";
            /// Rename snapshots or change how long they are kept.
            ModifySnapshotsAttribute => modify_snapshots_attribute, write,
                $crate::model::ModifySnapshotsAttributeRequest => $crate::model::Empty,
                required ["snapshotIds"], version "2025-09-01";
            /// Delete snapshots; answers the ids it could not delete.
            DeleteSnapshots => delete_snapshots, write,
                $crate::model::SnapshotIdsRequest => $crate::model::DeleteSnapshotsResponse,
                required ["snapshotIds"], version "2025-09-01";
            /// Create elastic IPs in a region.
            CreateEips => create_eips, write,
                $crate::model::CreateEipsRequest => $crate::model::CreateEipsResponse,
                required ["regionId", "name", "internetChargeType"], version "2025-09-01";
            /// Elastic IPs, filtered and paged.
            DescribeEips => describe_eips, read,
                $crate::model::DescribeEipsRequest => $crate::model::DescribeEipsResponse,
                required [], version "2025-09-01";
            /// Rename an elastic IP.
            ModifyEipAttribute => modify_eip_attribute, write,
                $crate::model::ModifyEipAttributeRequest => $crate::model::Empty,
                required ["eipId", "name"], version "2025-09-01";
            /// Change an elastic IP's bandwidth.
            ModifyEipBandwidth => modify_eip_bandwidth, write,
                $crate::model::ModifyEipBandwidthRequest => $crate::model::Empty,
                required ["eipId", "bandwidth"], version "2025-09-01";
            /// Change how an elastic IP's bandwidth is limited (LOOSE or STRICT).
            ModifyEipBandwidthLimitMode => modify_eip_bandwidth_limit_mode, write,
                $crate::model::ModifyEipBandwidthLimitModeRequest => $crate::model::Empty,
                required ["eipId", "rateLimitMode"], version "2025-09-01";
            /// Bind elastic IPs to a private address of a network interface.
            AssociateEipAddress => associate_eip_address, write,
                $crate::model::AssociateEipAddressRequest => $crate::model::FailedEipsResponse,
                required ["eipIds"], version "2025-09-01";
            /// Unbind elastic IPs.
            UnassociateEipAddress => unassociate_eip_address, write,
                $crate::model::EipIdsRequest => $crate::model::FailedEipsResponse,
                required ["eipIds"], version "2025-09-01";
            /// Move an unbound elastic IP to the recycle bin, or destroy one already there.
            DeleteEip => delete_eip, write,
                $crate::model::EipIdRequest => $crate::model::Empty,
                required ["eipId"], version "2025-09-01";
        }
        ccs {
            /// Import an SSH public key (up to 5, one per line).
            ImportKeyPair => import_key_pair, write,
                $crate::model::ImportKeyPairRequest => $crate::model::ImportKeyPairResponse,
                required ["keyName", "publicKey"], version "2025-09-01";
            /// Key pairs, filtered and paged.
            DescribeKeyPairs => describe_key_pairs, read,
                $crate::model::DescribeKeyPairsRequest => $crate::model::DescribeKeyPairsResponse,
                required [], version "2025-09-01";
            /// Change a key pair's description ("" clears it).
            ModifyKeyPairAttribute => modify_key_pair_attribute, write,
                $crate::model::ModifyKeyPairAttributeRequest => $crate::model::Empty,
                required ["keyId"], version "2025-09-01";
            /// Delete key pairs (all or none).
            DeleteKeyPairs => delete_key_pairs, write,
                $crate::model::DeleteKeyPairsRequest => $crate::model::Empty,
                required ["keyIds"], version "2025-09-01";
        }
        user {
            /// Resource groups.
            DescribeResourceGroups => describe_resource_groups, read,
                $crate::model::Empty => $crate::model::DescribeResourceGroupsResponse,
                required [], version "2024-05-29";
            /// Create a resource group.
            CreateResourceGroup => create_resource_group, write,
                $crate::model::CreateResourceGroupRequest => $crate::model::ResourceGroup,
                required ["name"], version "2024-05-29";
            /// Rename a resource group.
            ModifyResourceGroup => modify_resource_group, write,
                $crate::model::ModifyResourceGroupRequest => $crate::model::ResourceGroup,
                required ["resourceGroupId", "name"], version "2024-05-29";
            /// Delete an empty resource group.
            DeleteResourceGroup => delete_resource_group, write,
                $crate::model::DeleteResourceGroupRequest => $crate::model::Empty,
                required ["resourceGroupId"], version "2024-05-29";
            /// Move resources into a resource group.
            AddResourceResourceGroup => add_resource_resource_group, write,
                $crate::model::AddResourceResourceGroupRequest => $crate::model::Empty,
                required ["resourceGroupId", "resources"], version "2024-05-29";
        }
        zrm {
            /// Set and remove a resource's tags.
            ModifyResourceTags => modify_resource_tags, write,
                $crate::model::ModifyResourceTagsRequest => $crate::model::Empty,
                required ["resourceUuid"], version "2025-10-14";
        }
        admin {
            /// zecd: the lifecycle clock.
            DescribeClock => describe_clock, read,
                $crate::model::Empty => $crate::model::ClockInfo,
                required [], version "2026-11-01";
            /// zecd: move a manual clock forward, e.g. --by 2s.
            AdvanceClock => advance_clock, write,
                $crate::model::AdvanceClockRequest => $crate::model::ClockInfo,
                required ["by"], version "2026-11-01";
            /// zecd: the fault rules in force.
            DescribeFaults => describe_faults, read,
                $crate::model::Empty => $crate::model::FaultRules,
                required [], version "2026-11-01";
            /// zecd: add fault rules.
            CreateFaults => create_faults, write,
                $crate::model::FaultRules => $crate::model::CreateFaultsResponse,
                required [], version "2026-11-01";
            /// zecd: remove fault rules (all without --ids).
            DeleteFaults => delete_faults, write,
                $crate::model::DeleteFaultsRequest => $crate::model::DeleteFaultsResponse,
                required [], version "2026-11-01";
            /// zecd: the state of one account (--account NAME) or of all, as a versioned
            /// document.
            ExportState => export_state, read,
                $crate::model::ExportStateRequest => $crate::model::StateResponse,
                required [], version "2026-11-01";
            /// zecd: replace the resources of the accounts a state document names with its
            /// own (the accounts made if missing; credentials untouched).
            ImportState => import_state, write,
                $crate::model::ImportStateRequest => $crate::model::ImportStateResponse,
                required ["state"], version "2026-11-01";
            /// zecd: every resource of an account gone; its credentials kept.
            ResetAccount => reset_account, write,
                $crate::model::AccountNameRequest => $crate::model::Empty,
                required ["account"], version "2026-11-01";
            /// zecd: every account and its access keys (no passwords).
            DescribeAccounts => describe_accounts, read,
                $crate::model::Empty => $crate::model::DescribeAccountsResponse,
                required [], version "2026-11-01";
            /// zecd: a new account, with its default resource group.
            CreateAccount => create_account, write,
                $crate::model::CreateAccountRequest => $crate::model::CreateAccountResponse,
                required ["name"], version "2026-11-01";
            /// zecd: an access key of an account (--read-only, --resource-group-ids); its
            /// password is answered this once.
            CreateAccessKey => create_access_key, write,
                $crate::model::CreateAccessKeyRequest => $crate::model::CreateAccessKeyResponse,
                required ["account"], version "2026-11-01";
            /// zecd: the real machines behind instances (--guests qemu): state, process, SSH
            /// port, memory.
            DescribeGuests => describe_guests, read,
                $crate::model::DescribeGuestsRequest => $crate::model::DescribeGuestsResponse,
                required [], version "2026-11-01";
            /// zecd: the end of a real guest's serial console.
            DescribeGuestConsole => describe_guest_console, read,
                $crate::model::DescribeGuestConsoleRequest => $crate::model::DescribeGuestConsoleResponse,
                required ["instanceId"], version "2026-11-01";
        }
        }
    };
}

/// Actions also served under another name or another service's path: `(service, name,
/// action)`. The 2024-04-01 zec SDKs list key pairs through service zec.
pub const ALIASES: &[(Service, &str, Action)] = &[
    (Service::Zec, "DescribeKeyPairs", Action::DescribeKeyPairs),
    // The 2024-04-01 Python SDK spells it so.
    (
        Service::Zec,
        "UnAssignNetworkInterfaceIpv4",
        Action::UnassignNetworkInterfaceIpv4,
    ),
];

/// Makes [`Action`] from the table.
macro_rules! define_actions {
    ($($service:ident {
        $(
            $(#[doc = $doc:literal])*
            $action:ident => $method:ident, $access:ident, $req:ty => $resp:ty,
                required [$($required:literal),*], version $version:literal;
        )*
    })*) => {
        /// An action zecd serves.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Action {
            $($($(#[doc = $doc])* $action,)*)*
        }

        impl Action {
            pub const ALL: &'static [Action] = &[$($(Action::$action,)*)*];

            pub const fn name(self) -> &'static str {
                match self {
                    $($(Action::$action => stringify!($action),)*)*
                }
            }

            pub const fn service(self) -> Service {
                match self {
                    $($(Action::$action => service!($service),)*)*
                }
            }

            /// Read-only actions change nothing (a read-only credential may call them).
            pub const fn is_read_only(self) -> bool {
                match self {
                    $($(Action::$action => access_is_read(stringify!($access)),)*)*
                }
            }

            /// The version clients send the action with.
            pub const fn version(self) -> &'static str {
                match self {
                    $($(Action::$action => $version,)*)*
                }
            }

            /// What the action does, in a line.
            pub const fn about(self) -> &'static str {
                match self {
                    $($(Action::$action => concat!($($doc),*),)*)*
                }
            }

            /// The request fields that must be given (camelCase).
            pub const fn required(self) -> &'static [&'static str] {
                match self {
                    $($(Action::$action => &[$($required),*],)*)*
                }
            }

            /// Resolves an action name within a service. Names are case-sensitive, as the
            /// vendor's are.
            pub fn lookup(service: Service, name: &str) -> Option<Self> {
                match (service, name) {
                    $($((service!($service), stringify!($action)) => Some(Action::$action),)*)*
                    _ => ALIASES
                        .iter()
                        .find(|(s, n, _)| *s == service && *n == name)
                        .map(|(_, _, a)| *a),
                }
            }
        }
    };
}

/// A service of the table, by its name there.
macro_rules! service {
    (zec) => {
        Service::Zec
    };
    (user) => {
        Service::User
    };
    (zrm) => {
        Service::Zrm
    };
    (ccs) => {
        Service::Ccs
    };
    (admin) => {
        Service::Admin
    };
}

const fn access_is_read(access: &str) -> bool {
    matches!(access.as_bytes(), b"read")
}

for_each_action!(define_actions);

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_is_found_by_its_name_in_its_service_only() {
        for &a in Action::ALL {
            assert_eq!(Action::lookup(a.service(), a.name()), Some(a));
        }
        assert_eq!(
            Action::lookup(Service::Zec, "describeinstancesstatus"),
            None
        );
        assert_eq!(Action::lookup(Service::Zec, "NoSuchAction"), None);
        // Key pairs are ccs's, and listed through zec too (2024-04-01 SDKs).
        assert_eq!(
            Action::lookup(Service::Zec, "DescribeKeyPairs"),
            Some(Action::DescribeKeyPairs)
        );
        assert_eq!(Action::lookup(Service::Zec, "ImportKeyPair"), None);
        assert_eq!(Action::lookup(Service::Ccs, "DescribeVpcs"), None);
    }

    #[test]
    fn the_table_is_consistent() {
        let mut names = std::collections::HashSet::new();
        for &a in Action::ALL {
            assert!(names.insert((a.service(), a.name())), "{a} twice");
            assert!(
                a.service().versions().contains(&a.version()),
                "{a}: {} is not a version of {}",
                a.version(),
                a.service()
            );
            assert!(!a.about().trim().is_empty(), "{a} has no doc");
            assert_eq!(
                a.is_read_only(),
                a.name().starts_with("Describe") || a == Action::ExportState,
                "{a}: reads are exactly the Describe* actions (and the admin API's export)"
            );
            for f in a.required() {
                assert!(
                    f.chars().next().is_some_and(|c| c.is_ascii_lowercase()),
                    "{a}: {f}"
                );
            }
        }
        assert_eq!(Action::ModifyInstancesResourceGroup.version(), "2024-04-01");
        assert_eq!(Action::CreateFaults.service(), Service::Admin);
    }

    #[test]
    fn zec_accepts_both_versions_terraform_sends() {
        assert!(Service::Zec.versions().contains(&"2025-09-01"));
        assert!(Service::Zec.versions().contains(&"2024-04-01"));
        assert_eq!(Service::from_path("zec"), Some(Service::Zec));
        assert_eq!(Service::from_path("user"), Some(Service::User));
        assert_eq!(Service::from_path("zrm"), Some(Service::Zrm));
        assert_eq!(Service::from_path("ccs"), Some(Service::Ccs));
        assert_eq!(
            Service::from_path("admin"),
            None,
            "the admin API has its own path"
        );
        assert_eq!(Service::from_path("ZEC"), None);
    }
}
