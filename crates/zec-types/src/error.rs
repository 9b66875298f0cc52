//! The one error-code table: every code zecd sends, and the HTTP status it travels with.
//!
//! Codes are the vendor's UPPER_SNAKE wire strings (spec §3). Where the vendor's HTTP status is
//! not documented (spec §3.1 marks them as inferred), the status chosen here is recorded in the
//! README's "Choices" section.

use std::fmt;

macro_rules! error_codes {
    ($($(#[$doc:meta])* $variant:ident = ($status:literal, $code:literal);)*) => {
        /// An error code of the Zenlayer Cloud API, with its HTTP status.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($(#[$doc])* $variant,)*
        }

        impl ErrorCode {
            /// Every code, in table order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The wire string, e.g. `INVALID_INSTANCE_NOT_FOUND`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)*
                }
            }

            /// The HTTP status this code is sent with.
            pub const fn http_status(self) -> u16 {
                match self {
                    $(ErrorCode::$variant => $status,)*
                }
            }

            /// Looks a wire string up in the table.
            pub fn parse(code: &str) -> Option<Self> {
                match code {
                    $($code => Some(ErrorCode::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

error_codes! {
    // Common codes (spec §3.1).
    /// Unexpected server-side failure; the cause is logged, never returned.
    InternalServerError = (500, "INTERNAL_SERVER_ERROR");
    ServiceTemporaryUnavailable = (503, "SERVICE_TEMPORARY_UNAVAILABLE");
    RequestTimedOut = (503, "REQUEST_TIMED_OUT");
    InvalidOperationTimeout = (504, "INVALID_OPERATION_TIMEOUT");
    RequestLimitExceeded = (429, "REQUEST_LIMIT_EXCEEDED");
    AuthFailureInvalidAuthorization = (401, "AUTHFAILURE_INVALID_AUTHORIZATION");
    AuthFailureSignatureFailure = (401, "AUTHFAILURE_SIGNATURE_FAILURE");
    AuthFailureSignatureExpired = (401, "AUTHFAILURE_SIGNATURE_EXPIRED");
    /// No permission for the action, or an action the service does not have.
    AuthFailureUnauthorizedOperation = (401, "AUTHFAILURE_UNAUTHORIZED_OPERATION");
    MissingParameter = (400, "MISSING_PARAMETER");
    InvalidParameterType = (400, "INVALID_PARAMETER_TYPE");
    InvalidParameterExceedMaximum = (400, "INVALID_PARAMETER_EXCEED_MAXIMUM");
    InvalidParameterLessMinimum = (400, "INVALID_PARAMETER_LESS_MINIMUM");
    InvalidParameterExceedLength = (400, "INVALID_PARAMETER_EXCEED_LENGTH");
    InvalidParameterLessLength = (400, "INVALID_PARAMETER_LESS_LENGTH");
    InvalidParameterPatternError = (400, "INVALID_PARAMETER_PATTERN_ERROR");
    InvalidParameterDateFormatError = (400, "INVALID_PARAMETER_DATE_FORMAT_ERROR");
    InvalidParameterValue = (400, "INVALID_PARAMETER_VALUE");
    OperationFailedForRecycleResource = (403, "OPERATION_FAILED_FOR_RECYCLE_RESOURCE");
    OperationFailedResourceGroupNotFound = (404, "OPERATION_FAILED_RESOURCE_GROUP_NOT_FOUND");
    OperationFailedResourceNotFound = (404, "OPERATION_FAILED_RESOURCE_NOT_FOUND");

    // Resource groups and tags. The vendor documents no code for these two refusals; they are
    // zecd's own (README, "Choices").
    OperationDeniedResourceGroupNotEmpty = (403, "OPERATION_DENIED_RESOURCE_GROUP_NOT_EMPTY");
    OperationDeniedDefaultResourceGroup = (403, "OPERATION_DENIED_DEFAULT_RESOURCE_GROUP");
    /// zrm: the resource to tag does not exist.
    InvalidResourceNotFound = (404, "INVALID_RESOURCE_NOT_FOUND");

    // Instance codes (spec §3.2).
    InvalidInstanceNotFound = (404, "INVALID_INSTANCE_NOT_FOUND");
    OperationDeniedInstanceRecycled = (403, "OPERATION_DENIED_INSTANCE_RECYCLED");
    OperationDeniedInstanceNotStopped = (403, "OPERATION_DENIED_INSTANCE_NOT_STOPPED");
    OperationDeniedInstanceNotRunning = (403, "OPERATION_DENIED_INSTANCE_NOT_RUNNING");
    OperationDeniedInstanceStatus = (403, "OPERATION_DENIED_INSTANCE_STATUS");
    OperationDeniedInstanceNotRecycled = (403, "OPERATION_DENIED_INSTANCE_NOT_RECYCLED");
    OperationDeniedInstanceQuotaExceed = (403, "OPERATION_DENIED_INSTANCE_QUOTA_EXCEED");
    InvalidPasswordMalformed = (400, "INVALID_PASSWORD_MALFORMED");
    InvalidInstanceTypeNotChanged = (403, "INVALID_INSTANCE_TYPE_NOT_CHANGED");
    OperationFailedInstanceTypeUnsupported = (400, "OPERATION_FAILED_INSTANCE_TYPE_UNSUPPORTED");
    OperationDeniedInstanceStatusNotSupport = (400, "OPERATION_DENIED_INSTANCE_STATUS_NOT_SUPPORT");
    UnsupportedOperationInstanceBeingRecycle = (400, "UNSUPPORTED_OPERATION_INSTANCE_BEING_RECYCLE");
    UnsupportedOperationZoneNotSupport = (400, "UNSUPPORTED_OPERATION_ZONE_NOT_SUPPORT");
    StockInsufficient = (400, "STOCK_INSUFFICIENT");

    // CreateZecInstances and ResetInstance (the vendor's CreateZecInstances error table).
    InvalidZoneNotFound = (404, "INVALID_ZONE_NOT_FOUND");
    InvalidImageNotFound = (404, "INVALID_IMAGE_NOT_FOUND");
    InvalidInstanceTypeNotFound = (404, "INVALID_INSTANCE_TYPE_NOT_FOUND");
    InvalidSubnetNotFound = (404, "INVALID_SUBNET_NOT_FOUND");
    InvalidSecurityGroupNotFound = (404, "INVALID_SECURITY_GROUP_NOT_FOUND");
    InvalidKeyPairNotFound = (404, "INVALID_KEY_PAIR_NOT_FOUND");
    /// Neither a password nor a key pair was given.
    InvalidPasswordKeyPairMissing = (404, "INVALID_PASSWORD_KEY_PAIR_MISSING");
    /// Both a password and a key pair were given.
    InvalidLoginSettingConflict = (400, "INVALID_LOGIN_SETTING_CONFLICT");
    InvalidImagePasswordNotSupport = (400, "INVALID_IMAGE_PASSWORD_NOT_SUPPORT");
    InvalidImageKeyPairNotSupport = (400, "INVALID_IMAGE_KEY_PAIR_NOT_SUPPORT");
    InvalidInstanceNameExceed = (400, "INVALID_PARAMETER_INSTANCE_NAME_EXCEED");
    InvalidInstanceNameExceedMinimumLength = (400, "INVALID_PARAMETER_INSTANCE_NAME_EXCEED_MINIMUM_LENGTH");
    InvalidInstanceNameMalformed = (400, "INVALID_PARAMETER_INSTANCE_NAME_MALFORMED");
    InvalidDataDiskCountLimitation = (400, "INVALID_DATA_DISK_COUNT_LIMITATION");
    InvalidDiskIllegalAmount = (400, "INVALID_DISK_ILLEGAL_AMOUNT");
    InvalidDiskCategoryType = (400, "INVALID_DISK_CATEGORY_TYPE");
    InvalidSystemDiskExceedLimit = (400, "INVALID_SYSTEM_DISK_EXCEED_LIMIT");
    InvalidImageSizeExceed = (400, "INVALID_IMAGE_SIZE_EXCEED");
    OperationDeniedSubnetZoneMismatch = (400, "OPERATION_DENIED_SUBNET_ZONE_MISMATCH");
    InvalidSubnetIpv4Insufficient = (409, "INVALID_SUBNET_IPV4_INSUFFICIENT");
    InvalidIpOutOfRange = (400, "INVALID_IP_OUT_OF_RANGE");
    InvalidUserDataExceed = (400, "INVALID_PARAMETER_USER_DATA_EXCEED");
    InvalidIpStackTypeNotSupport = (400, "INVALID_IP_STACK_TYPE_NOT_SUPPORT");
    InvalidImageAgentNotSupport = (400, "INVALID_IMAGE_AGENT_NOT_SUPPORT");

    // Networks and key pairs: the codes the vendor documents for these actions (its API
    // reference pages), and, where a refusal has none, a name of the vendor's VPC and
    // bare-metal SDK tables or zecd's own in the same pattern (README, "Choices").
    InvalidVpcNotFound = (404, "INVALID_VPC_NOT_FOUND");
    InvalidNicNotFound = (404, "INVALID_NIC_NOT_FOUND");
    InvalidRegionNotFound = (404, "INVALID_REGION_NOT_FOUND");
    /// Not a CIDR block (or not in its canonical form).
    InvalidCidrBlockFormat = (400, "INVALID_CIDR_BLOCK_FORMAT");
    InvalidCidrBlockNetmaskRange = (400, "INVALID_CIDR_BLOCK_NETMASK_RANGE");
    /// Not one of the private ranges.
    InvalidCidrBlockNotLanIp = (400, "INVALID_CIDR_BLOCK_NOT_LAN_IP");
    /// An IPv4 stack without a block.
    InvalidCidrBlockNotEmpty = (400, "INVALID_CIDR_BLOCK_NOT_EMPTY");
    /// A block given to an IPv6-only subnet.
    InvalidCidrIpv6Only = (400, "INVALID_CIDR_IPV6_ONLY");
    /// A VPC that still has subnets.
    InvalidVpcSubnetAssociated = (409, "INVALID_VPC_SUBNET_ASSOCIATED");
    /// The catalog's VPC, shared by every account.
    OperationDeniedDefaultVpc = (400, "OPERATION_DENIED_DEFAULT_VPC");
    OperationDeniedVpcCantDisableIpv6 = (400, "OPERATION_DENIED_VPC_CANT_DISABLE_IPV6");
    /// A VPC block that leaves its subnets out (the vendor's name is cut short in its
    /// documentation; zecd completes it).
    OperationDeniedVpcCidrConflict = (400, "OPERATION_DENIED_VPC_CIDR_CONFLICT");
    /// Private IPv6 in a VPC without IPv6.
    OperationDeniedVpcNotSupportIpv6 = (400, "OPERATION_DENIED_VPC_NOT_SUPPORT_IPV6");
    /// zecd's own: the account has as many VPCs as it may.
    OperationDeniedVpcExceedLimit = (400, "OPERATION_DENIED_VPC_EXCEED_LIMIT");
    OperationDeniedVpcNotExistSecurityGroup = (400, "OPERATION_DENIED_VPC_NOT_EXIST_SECURITY_GROUP");
    InvalidVpcSecurityGroupMismatch = (409, "INVALID_VPC_SECURITY_GROUP_MISMATCH");
    InvalidParameterSubnetCidrNotBelongVpc = (400, "INVALID_PARAMETER_SUBNET_CIDR_NOT_BELONG_VPC");
    InvalidParameterSubnetIpv6TypeNotFound = (400, "INVALID_PARAMETER_SUBNET_IPV6_TYPE_NOT_FOUND");
    /// Overlapping another subnet of the VPC, or leaving the subnet's NICs out.
    OperationDeniedSubnetCidrConflict = (400, "OPERATION_DENIED_SUBNET_CIDR_CONFLICT");
    /// A subnet that NICs (instances) still use.
    InvalidSubnetInUse = (409, "INVALID_SUBNET_IN_USE");
    /// A block given to an IPv6-only subnet.
    InvalidSubnetIpstackNotSupport = (400, "INVALID_SUBNET_IPSTACK_NOT_SUPPORT");
    OperationDeniedSubnetTypeNotSupport = (400, "OPERATION_DENIED_SUBNET_TYPE_NOT_SUPPORT");
    /// The catalog's subnets, shared by every account.
    OperationDeniedDefaultSubnet = (400, "OPERATION_DENIED_DEFAULT_SUBNET");
    OperationDeniedSubnetExceedLimit = (400, "OPERATION_DENIED_SUBNET_EXCEED_LIMIT");
    OperationDeniedDefaultSecurityGroupNotSupport = (403, "OPERATION_DENIED_DEFAULT_SECURITY_GROUP_NOT_SUPPORT");
    /// NICs (instances) still use the security group (the vendor's VM table).
    OperationDeniedSecurityGroupExistInstance = (403, "OPERATION_DENIED_SECURITY_GROUP_EXIST_INSTANCE");
    /// A VPC is still bound to the security group.
    OperationDeniedSecurityGroupAssociateVpc = (409, "OPERATION_DENIED_SECURITY_GROUP_ASSOCIATE_VPC");
    OperationDeniedSecurityGroupTeamExceedLimit = (400, "OPERATION_DENIED_SECURITY_GROUP_TEAM_EXCEED_LIMIT");
    OperationDeniedSecurityGroupRuleExceedLimit = (400, "OPERATION_DENIED_SECURITY_GROUP_RULE_EXCEED_LIMIT");
    OperationDeniedSecurityGroupExistRepeatRule = (403, "OPERATION_DENIED_SECURITY_GROUP_EXIST_REPEAT_RULE");
    InvalidParameterSecurityGroupCidrIp = (400, "INVALID_PARAMETER_SECURITY_GROUP_CIDR_IP");
    InvalidParameterSecurityGroupDesc = (400, "INVALID_PARAMETER_SECURITY_GROUP_DESC");
    InvalidParameterSecurityGroupDirection = (400, "INVALID_PARAMETER_SECURITY_GROUP_DIRECTION");
    InvalidParameterSecurityGroupIpProtocol = (400, "INVALID_PARAMETER_SECURITY_GROUP_IP_PROTOCOL");
    InvalidParameterSecurityGroupPortRange = (400, "INVALID_PARAMETER_SECURITY_GROUP_PORT_RANGE");
    InvalidParameterSecurityGroupPriority = (400, "INVALID_PARAMETER_SECURITY_GROUP_PRIORITY");
    InvalidParameterSecurityGroupPolicy = (400, "INVALID_PARAMETER_SECURITY_GROUP_POLICY");
    /// A key type zecd does not take.
    InvalidKeyPairAlgorithm = (400, "INVALID_KEY_PAIR_ALGORITHM");
    InvalidKeyPairExceedLimit = (400, "INVALID_KEY_PAIR_EXCEED_LIMIT");
    /// A key pair name of other characters than letters, digits, `-` and `_`.
    InvalidKeyPairMalformed = (400, "INVALID_KEY_PAIR_MALFORMED");
    InvalidKeyPairNameExist = (409, "INVALID_KEY_PAIR_NAME_EXIST");
    /// More than five keys in one `publicKey`.
    InvalidPublicKeyExceedLimit = (400, "INVALID_PUBLIC_KEY_EXCEED_LIMIT");
    /// Key data that does not decode, or is not the key its type names.
    InvalidPublicKeyMalformed = (400, "INVALID_PUBLIC_KEY_MALFORMED");
    /// The same key twice in one import (the vendor's bare-metal table).
    InvalidParameterSshKeyDuplicate = (400, "INVALID_PARAMETER_SSH_KEY_DUPLICATE");

    // Disks and snapshots (the vendor's disk and snapshot pages).
    InvalidDiskNotFound = (404, "INVALID_DISK_NOT_FOUND");
    /// A system disk, or a data disk made with its instance.
    InvalidDiskNotPortable = (400, "INVALID_DISK_NOT_PORTABLE");
    UnsupportedOperationDiskStatus = (400, "UNSUPPORTED_OPERATION_DISK_STATUS");
    /// A release of a disk already on its way to the recycle bin.
    UnsupportedOperationDiskBeingRecycle = (400, "UNSUPPORTED_OPERATION_DISK_BEING_RECYCLE");
    InvalidDiskAndInstanceZoneMismatched = (400, "INVALID_DISK_AND_INSTANCE_ZONE_MISMATCHED");
    UnsupportedOperationInstanceStatus = (400, "UNSUPPORTED_OPERATION_INSTANCE_STATUS");
    LimitExceededInstanceCanAttach = (400, "LIMIT_EXCEEDED_INSTANCE_CAN_ATTACH");
    OperationDeniedDiskSystemType = (400, "OPERATION_DENIED_DISK_SYSTEM_TYPE");
    InvalidSnapshotRetentionTime = (400, "INVALID_SNAPSHOT_RETENTION_TIME");
    InvalidSnapshotQuotaExceed = (400, "INVALID_SNAPSHOT_QUOTA_EXCEED");
    InvalidDiskSnapshotNotFound = (404, "INVALID_DISK_SNAPSHOT_NOT_FOUND");
    OperationDeniedDiskSnapshotStatus = (400, "OPERATION_DENIED_DISK_SNAPSHOT_STATUS");
    /// A disk smaller than the snapshot it is made from.
    InvalidDiskSnapshotSizeMismatch = (400, "INVALID_DISK_SNAPSHOT_SIZE_MISMATCH");

    // Elastic IPs (the vendor's EIP pages).
    InvalidEipNotFound = (404, "INVALID_EIP_NOT_FOUND");
    InvalidParameterBandwidth = (400, "INVALID_PARAMETER_BANDWIDTH");
    InvalidParameterBandwidthExceed = (400, "INVALID_PARAMETER_BANDWIDTH_EXCEED");
    /// The vendor documents it with HTTP 500; zecd answers 400, as for every refusal of the
    /// client's request (a 5xx is a server failure clients retry).
    OperationDeniedEipStatusNotSupport = (400, "OPERATION_DENIED_EIP_STATUS_NOT_SUPPORT");
    /// A bound EIP cannot be deleted.
    OperationDeniedEipIsNotUnAssign = (400, "OPERATION_DENIED_EIP_IS_NOT_UN_ASSIGN");
    InvalidLbNotFound = (404, "INVALID_LB_NOT_FOUND");
    InvalidNatNotFound = (404, "INVALID_NAT_NOT_FOUND");
    InvalidHavipNotFound = (404, "INVALID_HAVIP_NOT_FOUND");

    // Network interfaces (the vendor's vNIC pages).
    InvalidNicAttached = (400, "INVALID_NIC_ATTACHED");
    InvalidNicPrimaryCantDelete = (409, "INVALID_NIC_PRIMARY_CANT_DELETE");
    InvalidNicPrimaryCantDetach = (409, "INVALID_NIC_PRIMARY_CANT_DETACH");
    InvalidNicStatus = (400, "INVALID_NIC_STATUS");
    InvalidNicInstanceRegionMismatch = (409, "INVALID_NIC_INSTANCE_REGION_MISMATCH");
    InvalidInstanceNicLimit = (400, "INVALID_INSTANCE_NIC_LIMIT");
    /// A detach of a NIC that is not attached (Terraform takes it as done).
    OperationDeniedNicNotExistInstance = (403, "OPERATION_DENIED_NIC_NOT_EXIST_INSTANCE");
    InvalidSubnetPrivateIpv4InUsed = (409, "INVALID_SUBNET_PRIVATE_IPV4_IN_USED");
    InvalidIpNetworkAddress = (400, "INVALID_IP_NETWORK_ADDRESS");
    InvalidIpFirstAddress = (400, "INVALID_IP_FIRST_ADDRESS");
    InvalidIpBroadcastAddress = (400, "INVALID_IP_BROADCAST_ADDRESS");
    InvalidNicPrivateIpExceedLimit = (403, "INVALID_NIC_PRIVATE_IP_EXCEED_LIMIT");
    InvalidNicPrimaryIpCantDetach = (409, "INVALID_NIC_PRIMARY_IP_CANT_DETACH");
    /// An address (or NIC) an EIP is bound to.
    InvalidNicHasPublicIpCantDetach = (409, "INVALID_NIC_HAS_PUBLIC_IP_CANT_DETACH");
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error as the API reports it: a code from the table and a message for humans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

/// The longest message an error carries: whatever a client sent, it is not echoed back whole.
pub const MAX_MESSAGE_BYTES: usize = 1024;
/// How much of one value a client sent an error message quotes.
pub const MAX_ECHO_CHARS: usize = 128;

/// A value a client sent, as an error message quotes it: at most [`MAX_ECHO_CHARS`]
/// characters, control characters escaped, cut short with `…`.
pub fn echo(value: &str) -> String {
    let mut out = String::with_capacity(value.len().min(MAX_ECHO_CHARS * 2));
    for (n, c) in value.chars().enumerate() {
        if n == MAX_ECHO_CHARS {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Cuts a message to [`MAX_MESSAGE_BYTES`] at a character boundary.
fn bounded(mut message: String) -> String {
    if message.len() > MAX_MESSAGE_BYTES {
        let mut end = MAX_MESSAGE_BYTES - '…'.len_utf8();
        while !message.is_char_boundary(end) {
            end -= 1;
        }
        message.truncate(end);
        message.push('…');
    }
    message
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: bounded(message.into()),
        }
    }

    pub fn http_status(&self) -> u16 {
        self.code.http_status()
    }

    /// The parameter is required but absent (or null).
    pub fn missing(field: &str) -> Self {
        Self::new(
            ErrorCode::MissingParameter,
            format!("The parameter `{field}` is required."),
        )
    }

    /// Any server-side failure. The cause belongs in the log, not in the response.
    pub fn internal() -> Self {
        Self::new(
            ErrorCode::InternalServerError,
            "An internal error occurred; retry later or report the requestId.",
        )
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_code_round_trips_and_is_unique() {
        let mut seen = HashSet::new();
        for &code in ErrorCode::ALL {
            assert!(seen.insert(code.as_str()), "duplicate {code}");
            assert_eq!(ErrorCode::parse(code.as_str()), Some(code));
            assert!(
                code.as_str()
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'),
                "{code} is not UPPER_SNAKE"
            );
            let status = code.http_status();
            assert!((400..600).contains(&status), "{code} has status {status}");
        }
        assert_eq!(ErrorCode::parse("NOPE"), None);
    }

    #[test]
    fn messages_never_carry_a_clients_input_whole() {
        let huge = "x".repeat(400_000);
        let e = ApiError::new(ErrorCode::InvalidParameterValue, format!("bad `{huge}`"));
        assert!(e.message.len() <= MAX_MESSAGE_BYTES, "{}", e.message.len());
        assert!(e.message.ends_with('…'));
        let e = ApiError::new(ErrorCode::InvalidParameterValue, "é".repeat(1000));
        assert!(e.message.len() <= MAX_MESSAGE_BYTES);
        assert_eq!(echo("abc"), "abc");
        assert_eq!(echo(&"y".repeat(500)).chars().count(), MAX_ECHO_CHARS + 1);
        assert_eq!(echo("a\nb\u{0}"), "a\\nb\\u{0}");
    }

    #[test]
    fn rate_limit_is_429_as_the_sdks_expect() {
        assert_eq!(ErrorCode::RequestLimitExceeded.http_status(), 429);
        assert_eq!(
            ErrorCode::RequestLimitExceeded.as_str(),
            "REQUEST_LIMIT_EXCEEDED"
        );
    }
}
