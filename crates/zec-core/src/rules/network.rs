//! The rules of networks: CIDR blocks of VPCs and subnets, security group rules, names, the
//! limits of an account, and the refusals of the network actions.

use crate::cidr::Ipv4Cidr;
use crate::params::length;
use std::net::{IpAddr, Ipv4Addr};
use zec_types::error::echo;
use zec_types::model::SecurityGroupRuleInfo;
use zec_types::{ApiError, ErrorCode};

/// Most VPCs an account may have.
pub const MAX_VPCS: usize = 50;
/// Most subnets one VPC may hold.
pub const MAX_SUBNETS_PER_VPC: usize = 100;
/// Most security groups an account may have.
pub const MAX_SECURITY_GROUPS: usize = 100;
/// Most rules a security group may have in each direction.
pub const MAX_RULES_PER_DIRECTION: usize = 100;
/// Most key pairs an account may have.
pub const MAX_KEY_PAIRS: usize = 100;
/// The MTUs a VPC may have.
pub const MTUS: [i64; 3] = [1300, 1500, 9000];
/// A VPC's MTU when none is given.
pub const DEFAULT_MTU: u32 = 1500;
/// Prefix lengths of a VPC's block.
pub const VPC_PREFIXES: std::ops::RangeInclusive<u8> = 8..=24;
/// Prefix lengths of a subnet's block.
pub const SUBNET_PREFIXES: std::ops::RangeInclusive<u8> = 8..=29;

/// The private ranges of RFC 1918 (a subnet's block lies in one, inside its VPC's).
const PRIVATE: &[(Ipv4Addr, u8)] = &[
    (Ipv4Addr::new(10, 0, 0, 0), 8),
    (Ipv4Addr::new(172, 16, 0, 0), 12),
    (Ipv4Addr::new(192, 168, 0, 0), 16),
];

/// The ranges a VPC's block must lie in (the vendor's: 10.0.0.0/8 split in two halves, so a
/// VPC is at most a /9 there).
const VPC_RANGES: &[(Ipv4Addr, u8)] = &[
    (Ipv4Addr::new(10, 0, 0, 0), 9),
    (Ipv4Addr::new(10, 128, 0, 0), 9),
    (Ipv4Addr::new(172, 16, 0, 0), 12),
    (Ipv4Addr::new(192, 168, 0, 0), 16),
];

fn ranges_text(ranges: &[(Ipv4Addr, u8)]) -> String {
    let all: Vec<String> = ranges.iter().map(|(a, p)| format!("{a}/{p}")).collect();
    all.join(", ")
}

/// Whether `inner` lies wholly inside `outer`.
pub fn within(inner: Ipv4Cidr, outer: Ipv4Cidr) -> bool {
    inner.prefix() >= outer.prefix() && outer.contains(inner.network())
}

/// Whether two blocks share an address.
pub fn overlap(a: Ipv4Cidr, b: Ipv4Cidr) -> bool {
    within(a, b) || within(b, a)
}

fn in_ranges(c: Ipv4Cidr, ranges: &[(Ipv4Addr, u8)]) -> bool {
    ranges.iter().any(|(net, prefix)| {
        let range = Ipv4Cidr::new(*net, *prefix).expect("the private ranges are blocks");
        within(c, range)
    })
}

struct CidrRules {
    what: &'static str,
    ranges: &'static [(Ipv4Addr, u8)],
    prefixes: std::ops::RangeInclusive<u8>,
}

fn check_cidr(field: &str, s: &str, codes: CidrRules) -> Result<Ipv4Cidr, ApiError> {
    // Only the canonical form is taken, so that the block answers exactly as it was sent.
    let parsed = s
        .parse::<Ipv4Cidr>()
        .ok()
        .filter(|c| c.to_string() == s)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidCidrBlockFormat,
                format!(
                    "`{field}` `{}` is not a {} CIDR block such as 10.0.0.0/16 (a network address and a prefix length, no host bits set).",
                    echo(s),
                    codes.what
                ),
            )
        })?;
    if !codes.prefixes.contains(&parsed.prefix()) {
        return Err(ApiError::new(
            ErrorCode::InvalidCidrBlockNetmaskRange,
            format!(
                "A {}'s block must have a prefix length from /{} to /{}; `{}` has /{}.",
                codes.what,
                codes.prefixes.start(),
                codes.prefixes.end(),
                echo(s),
                parsed.prefix()
            ),
        ));
    }
    if !in_ranges(parsed, codes.ranges) {
        return Err(ApiError::new(
            ErrorCode::InvalidCidrBlockNotLanIp,
            format!(
                "`{}` is not a private range: a {}'s block must lie in one of {}.",
                echo(s),
                codes.what,
                ranges_text(codes.ranges)
            ),
        ));
    }
    Ok(parsed)
}

/// A VPC's IPv4 block: canonical, /8 to /24, in 10.0.0.0/9, 10.128.0.0/9, 172.16.0.0/12 or
/// 192.168.0.0/16.
pub fn vpc_cidr(s: &str) -> Result<Ipv4Cidr, ApiError> {
    check_cidr(
        "cidrBlock",
        s,
        CidrRules {
            what: "VPC",
            ranges: VPC_RANGES,
            prefixes: VPC_PREFIXES,
        },
    )
}

/// A subnet's IPv4 block: canonical, private, /8 to /29.
pub fn subnet_cidr(s: &str) -> Result<Ipv4Cidr, ApiError> {
    check_cidr(
        "cidrBlock",
        s,
        CidrRules {
            what: "subnet",
            ranges: PRIVATE,
            prefixes: SUBNET_PREFIXES,
        },
    )
}

pub fn subnet_outside_vpc(subnet: Ipv4Cidr, vpc: Ipv4Cidr) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidParameterSubnetCidrNotBelongVpc,
        format!("The subnet block {subnet} is not inside the VPC's block {vpc}."),
    )
}

pub fn subnet_overlap(subnet: Ipv4Cidr, other: Ipv4Cidr, other_id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::OperationDeniedSubnetCidrConflict,
        format!(
            "The block {subnet} overlaps {other}, the block of subnet `{}` in the same VPC.",
            echo(other_id)
        ),
    )
}

fn bad_name(field: &str, name: &str, rule: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidParameterPatternError,
        format!("`{field}` `{}` {rule}.", echo(name)),
    )
}

/// The name of a VPC, subnet or network interface (the vendor's CLI): 2-63 letters, digits,
/// `-` and `.`, starting and ending with a letter or digit.
pub fn check_name(field: &str, name: &str) -> Result<(), ApiError> {
    if name.trim().is_empty() {
        return Err(ApiError::missing(field));
    }
    length(field, name, 2, 63)?;
    let ok = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '.';
    let ends = name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric());
    if !name.chars().all(ok) || !ends {
        return Err(bad_name(
            field,
            name,
            "may hold only letters, digits, `-` and `.`, and must start and end with a letter or digit",
        ));
    }
    Ok(())
}

/// The name of a security group (the vendor's CLI): 1-64 letters, digits, `-` and `.`.
pub fn check_security_group_name(field: &str, name: &str) -> Result<(), ApiError> {
    if name.is_empty() {
        return Err(ApiError::missing(field));
    }
    length(field, name, 1, 64)?;
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
    {
        return Err(bad_name(
            field,
            name,
            "may hold only letters, digits, `-` and `.`",
        ));
    }
    Ok(())
}

/// A description: at most 255 characters.
pub fn check_description(field: &str, desc: &str) -> Result<(), ApiError> {
    length(field, desc, 0, 255)
}

fn limit(code: ErrorCode, what: &str, max: usize) -> ApiError {
    ApiError::new(code, format!("An account may have at most {max} {what}."))
}

pub fn too_many_vpcs() -> ApiError {
    limit(ErrorCode::OperationDeniedVpcExceedLimit, "VPCs", MAX_VPCS)
}

pub fn too_many_subnets() -> ApiError {
    ApiError::new(
        ErrorCode::OperationDeniedSubnetExceedLimit,
        format!("A VPC may hold at most {MAX_SUBNETS_PER_VPC} subnets."),
    )
}

pub fn too_many_security_groups() -> ApiError {
    limit(
        ErrorCode::OperationDeniedSecurityGroupTeamExceedLimit,
        "security groups",
        MAX_SECURITY_GROUPS,
    )
}

pub fn too_many_key_pairs() -> ApiError {
    limit(
        ErrorCode::InvalidKeyPairExceedLimit,
        "key pairs",
        MAX_KEY_PAIRS,
    )
}

/// The built-in (catalog) networks are shared by every account: read and use, never change.
pub fn shared_vpc(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::OperationDeniedDefaultVpc,
        format!(
            "The VPC `{}` is a default VPC shared by every account; it cannot be changed or deleted.",
            echo(id)
        ),
    )
}

pub fn shared_subnet(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::OperationDeniedDefaultSubnet,
        format!(
            "The subnet `{}` is a default subnet shared by every account; it cannot be changed or deleted.",
            echo(id)
        ),
    )
}

pub fn shared_security_group(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::OperationDeniedDefaultSecurityGroupNotSupport,
        format!(
            "The security group `{}` is a default security group shared by every account; it, and its rules, cannot be changed or deleted.",
            echo(id)
        ),
    )
}

pub fn vpc_has_subnets(id: &str, n: usize) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidVpcSubnetAssociated,
        format!(
            "The VPC `{}` still has {n} subnet(s); delete them first.",
            echo(id)
        ),
    )
}

pub fn vpc_block_leaves_subnets(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::OperationDeniedVpcCidrConflict,
        format!(
            "The VPC `{}` has subnets: its new block must contain its current one.",
            echo(id)
        ),
    )
}

pub fn subnet_in_use(id: &str, n: usize) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidSubnetInUse,
        format!(
            "The subnet `{}` is still used by {n} network interface(s); release the instances and delete the NICs first.",
            echo(id)
        ),
    )
}

pub fn subnet_block_leaves_nics(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::OperationDeniedSubnetCidrConflict,
        format!(
            "The subnet `{}` has network interfaces: its new block must contain its current one.",
            echo(id)
        ),
    )
}

pub fn security_group_in_use(id: &str, nics: usize) -> ApiError {
    ApiError::new(
        ErrorCode::OperationDeniedSecurityGroupExistInstance,
        format!(
            "The security group `{}` is still used by {nics} network interface(s).",
            echo(id)
        ),
    )
}

pub fn security_group_bound(id: &str, vpc: &str) -> ApiError {
    ApiError::new(
        ErrorCode::OperationDeniedSecurityGroupAssociateVpc,
        format!(
            "The security group `{}` is bound to VPC `{}`; unassign it first.",
            echo(id),
            echo(vpc)
        ),
    )
}

pub fn vpc_without_ipv6(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::OperationDeniedVpcNotSupportIpv6,
        format!(
            "The VPC `{}` has no IPv6 block; enable its IPv6 before giving a subnet private IPv6.",
            echo(id)
        ),
    )
}

pub fn ipv6_stays_on(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::OperationDeniedVpcCantDisableIpv6,
        format!(
            "The VPC `{}` has IPv6; once on, IPv6 cannot be turned off.",
            echo(id)
        ),
    )
}

pub fn vpc_without_security_group(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::OperationDeniedVpcNotExistSecurityGroup,
        format!("The VPC `{}` has no security group bound.", echo(id)),
    )
}

pub fn vpc_security_group_mismatch(id: &str, sg: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidVpcSecurityGroupMismatch,
        format!(
            "The security group `{}` is not the one bound to VPC `{}`.",
            echo(sg),
            echo(id)
        ),
    )
}

pub fn ipv6_only_subnet(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidSubnetIpstackNotSupport,
        format!(
            "The subnet `{}` is IPv6 only; it cannot be given an IPv4 block.",
            echo(id)
        ),
    )
}

pub fn stack_change_refused(id: &str, from: &str, to: &str) -> ApiError {
    ApiError::new(
        ErrorCode::OperationDeniedSubnetTypeNotSupport,
        format!(
            "The subnet `{}` is {}; it can go from IPv4 to IPv4_IPv6 and back, not to {}.",
            echo(id),
            echo(from),
            echo(to)
        ),
    )
}

/// The name of a network interface (the vendor's CLI): 2-63 letters, digits, `-`, `_`, `/` and
/// `.`, starting and ending with a letter or digit.
pub fn check_nic_name(field: &str, name: &str) -> Result<(), ApiError> {
    if name.trim().is_empty() {
        return Err(ApiError::missing(field));
    }
    length(field, name, 2, 63)?;
    let ok = |c: char| c.is_ascii_alphanumeric() || "-_/.".contains(c);
    let ends = name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric());
    if !name.chars().all(ok) || !ends {
        return Err(bad_name(
            field,
            name,
            "may hold only letters, digits, `-`, `_`, `/` and `.`, and must start and end with a letter or digit",
        ));
    }
    Ok(())
}

/// `ipv6Type` of a subnet: `Public` or `Private` (`""` is not given).
pub fn ipv6_type(value: Option<&str>) -> Result<Option<String>, ApiError> {
    match value.filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(t @ ("Public" | "Private")) => Ok(Some(t.to_owned())),
        Some(t) => Err(ApiError::new(
            ErrorCode::InvalidParameterSubnetIpv6TypeNotFound,
            format!("`ipv6Type` must be Public or Private; got `{}`.", echo(t)),
        )),
    }
}

/// What a subnet of `stack` (`IPv4`, `IPv4_IPv6`, `IPv6`) needs given: a block for IPv4, an
/// `ipv6Type` for IPv6, and nothing of the other.
pub fn check_stack(
    stack: &str,
    cidr: Option<Ipv4Cidr>,
    ipv6_type: Option<&str>,
) -> Result<(), ApiError> {
    let (v4, v6) = (stack != "IPv6", stack != "IPv4");
    if v4 && cidr.is_none() {
        return Err(ApiError::new(
            ErrorCode::InvalidCidrBlockNotEmpty,
            format!("A subnet of stack type {stack} needs a `cidrBlock`."),
        ));
    }
    if !v4 && cidr.is_some() {
        return Err(ApiError::new(
            ErrorCode::InvalidCidrIpv6Only,
            "An IPv6 subnet takes no `cidrBlock`.",
        ));
    }
    if v6 && ipv6_type.is_none() {
        return Err(ApiError::new(
            ErrorCode::InvalidParameterSubnetIpv6TypeNotFound,
            format!("A subnet of stack type {stack} needs an `ipv6Type` (Public or Private)."),
        ));
    }
    if !v6 && ipv6_type.is_some() {
        return Err(ApiError::new(
            ErrorCode::InvalidParameterValue,
            "An IPv4 subnet takes no `ipv6Type`.",
        ));
    }
    Ok(())
}

pub fn region(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidRegionNotFound,
        format!("The region `{}` is not found.", echo(id)),
    )
}

/// Scrambles an id into well-spread bits (SplitMix64's finalizer).
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// A VPC's private IPv6 block: a unique local /48 (`fdXX:XXXX:XXXX::/48`) made from its id.
pub fn vpc_ipv6_block(ordinal: u64) -> String {
    let h = mix(ordinal);
    format!(
        "fd{:02x}:{:x}:{:x}::/48",
        (h >> 32) & 0xff,
        (h >> 16) & 0xffff,
        h & 0xffff
    )
}

/// The `n`th /64 of a VPC's /48: a subnet's private IPv6 block.
pub fn private_ipv6_subnet(vpc_block: &str, n: u16) -> String {
    let prefix = vpc_block.trim_end_matches("::/48");
    format!("{prefix}:{n:x}::/64")
}

/// A subnet's public IPv6 block: a /64 of the documentation range 2001:db8::/32, made from
/// its id (zecd's public addresses route nowhere).
pub fn public_ipv6_subnet(ordinal: u64) -> String {
    let h = mix(ordinal ^ 0x5eed);
    format!("2001:db8:{:x}:{:x}::/64", (h >> 16) & 0xffff, h & 0xffff)
}

/// The gateway of an IPv6 block: its first address after the network's.
pub fn ipv6_gateway(block: &str) -> Option<String> {
    let (prefix, _) = block.split_once("::/")?;
    Some(format!("{prefix}::1"))
}

/// A security group rule, checked, as it is kept: what the client sent, verbatim (Terraform
/// hashes rules into a set), with the CLI's defaults for what it left out.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Rule {
    pub direction: String,
    pub policy: String,
    pub priority: i64,
    pub ip_protocol: String,
    pub port_range: String,
    pub cidr_ip: String,
    pub desc: Option<String>,
}

impl Rule {
    /// What makes two rules of one direction the same rule.
    fn identity(&self) -> (&str, i64, &str, &str, &str) {
        (
            &self.policy,
            self.priority,
            &self.ip_protocol,
            &self.port_range,
            &self.cidr_ip,
        )
    }
}

/// The protocols a rule may name.
pub const PROTOCOLS: [&str; 6] = ["tcp", "udp", "icmp", "gre", "icmpv6", "all"];

fn bad_rule(code: ErrorCode, n: usize, message: String) -> ApiError {
    ApiError::new(code, format!("Rule {}: {message}", n + 1))
}

/// A port range: `-1` or `-1/-1` (every port), or a comma-separated list of ports `80`,
/// ranges `80-90` and `1/200`, each port 1–65535.
fn port_range_ok(s: &str) -> bool {
    if s == "-1" || s == "-1/-1" {
        return true;
    }
    let port = |p: &str| {
        !p.is_empty()
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u32>().is_ok_and(|n| (1..=65535).contains(&n))
    };
    !s.is_empty()
        && s.split(',').all(
            |item| match item.split_once('-').or_else(|| item.split_once('/')) {
                None => port(item),
                Some((a, b)) => {
                    port(a) && port(b) && a.parse::<u32>().ok() <= b.parse::<u32>().ok()
                }
            },
        )
}

/// An IPv4 or IPv6 network (`0.0.0.0/0`, `10.0.0.0/8`, `::/0`) or a single address.
fn cidr_ip_ok(s: &str) -> bool {
    let (addr, prefix) = match s.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (s, None),
    };
    let Ok(addr) = addr.parse::<IpAddr>() else {
        return false;
    };
    let max = if addr.is_ipv4() { 32 } else { 128 };
    prefix.is_none_or(|p| {
        !p.is_empty()
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u32>().is_ok_and(|n| n <= max)
    })
}

/// Checks a whole rule set (at most [`MAX_RULES_PER_DIRECTION`] per direction, no rule twice
/// in one direction) and returns it as it will be kept.
pub fn check_rules(rules: &[SecurityGroupRuleInfo]) -> Result<Vec<Rule>, ApiError> {
    let mut out: Vec<Rule> = Vec::with_capacity(rules.len());
    for (n, r) in rules.iter().enumerate() {
        let direction = r.direction.clone().unwrap_or_default();
        if direction != "ingress" && direction != "egress" {
            return Err(bad_rule(
                ErrorCode::InvalidParameterSecurityGroupDirection,
                n,
                format!(
                    "`direction` must be ingress or egress; got `{}`.",
                    echo(&direction)
                ),
            ));
        }
        let policy = r.policy.clone().unwrap_or_else(|| "accept".into());
        if policy != "accept" && policy != "deny" {
            return Err(bad_rule(
                ErrorCode::InvalidParameterSecurityGroupPolicy,
                n,
                format!("`policy` must be accept or deny; got `{}`.", echo(&policy)),
            ));
        }
        let priority = r.priority.unwrap_or(1);
        if !(1..=100).contains(&priority) {
            return Err(bad_rule(
                ErrorCode::InvalidParameterSecurityGroupPriority,
                n,
                format!("`priority` must be from 1 to 100; got {priority}."),
            ));
        }
        let ip_protocol = r.ip_protocol.clone().unwrap_or_default();
        if !PROTOCOLS.contains(&ip_protocol.as_str()) {
            return Err(bad_rule(
                ErrorCode::InvalidParameterSecurityGroupIpProtocol,
                n,
                format!(
                    "`ipProtocol` must be one of {}; got `{}`.",
                    PROTOCOLS.join(", "),
                    echo(&ip_protocol)
                ),
            ));
        }
        let port_range = r.port_range.clone().unwrap_or_else(|| "-1".into());
        if !port_range_ok(&port_range) {
            return Err(bad_rule(
                ErrorCode::InvalidParameterSecurityGroupPortRange,
                n,
                format!(
                    "`portRange` `{}` is not -1 (every port) or a list of ports 1-65535 and ranges such as 80, 80-90, 1/200.",
                    echo(&port_range)
                ),
            ));
        }
        let cidr_ip = r.cidr_ip.clone().unwrap_or_else(|| "0.0.0.0/0".into());
        if !cidr_ip_ok(&cidr_ip) {
            return Err(bad_rule(
                ErrorCode::InvalidParameterSecurityGroupCidrIp,
                n,
                format!(
                    "`cidrIp` `{}` is not an IP network such as 0.0.0.0/0.",
                    echo(&cidr_ip)
                ),
            ));
        }
        let desc = r.desc.clone().filter(|d| !d.is_empty());
        if let Some(d) = &desc
            && d.chars().count() > 255
        {
            return Err(bad_rule(
                ErrorCode::InvalidParameterSecurityGroupDesc,
                n,
                "`desc` is longer than 255 characters.".into(),
            ));
        }
        let rule = Rule {
            direction,
            policy,
            priority,
            ip_protocol,
            port_range,
            cidr_ip,
            desc,
        };
        if out
            .iter()
            .any(|o| o.direction == rule.direction && o.identity() == rule.identity())
        {
            return Err(bad_rule(
                ErrorCode::OperationDeniedSecurityGroupExistRepeatRule,
                n,
                format!(
                    "the same {} rule is given twice (policy, priority, protocol, ports and CIDR).",
                    rule.direction
                ),
            ));
        }
        out.push(rule);
    }
    for direction in ["ingress", "egress"] {
        let n = out.iter().filter(|r| r.direction == direction).count();
        if n > MAX_RULES_PER_DIRECTION {
            return Err(ApiError::new(
                ErrorCode::OperationDeniedSecurityGroupRuleExceedLimit,
                format!(
                    "A security group may have at most {MAX_RULES_PER_DIRECTION} {direction} rules; got {n}."
                ),
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vpc_and_subnet_blocks() {
        assert_eq!(vpc_cidr("10.0.0.0/16").unwrap().to_string(), "10.0.0.0/16");
        assert_eq!(vpc_cidr("192.168.0.0/24").unwrap().prefix(), 24);
        let code = |r: Result<Ipv4Cidr, ApiError>| r.unwrap_err().code;
        assert_eq!(
            code(vpc_cidr("10.0.0.1/16")),
            ErrorCode::InvalidCidrBlockFormat
        );
        assert_eq!(
            code(vpc_cidr("10.0.0.0/016")),
            ErrorCode::InvalidCidrBlockFormat
        );
        assert_eq!(
            code(vpc_cidr("10.0.0.0")),
            ErrorCode::InvalidCidrBlockFormat
        );
        assert_eq!(
            code(vpc_cidr("8.8.0.0/16")),
            ErrorCode::InvalidCidrBlockNotLanIp
        );
        assert_eq!(
            code(vpc_cidr("172.32.0.0/16")),
            ErrorCode::InvalidCidrBlockNotLanIp
        );
        // The vendor's ranges split 10.0.0.0/8 in two: a VPC is at most a /9 there.
        assert_eq!(
            code(vpc_cidr("10.0.0.0/8")),
            ErrorCode::InvalidCidrBlockNotLanIp
        );
        assert_eq!(vpc_cidr("10.128.0.0/9").unwrap().prefix(), 9);
        assert_eq!(subnet_cidr("10.0.0.0/8").unwrap().prefix(), 8);
        assert_eq!(
            code(vpc_cidr("10.0.0.0/28")),
            ErrorCode::InvalidCidrBlockNetmaskRange
        );
        assert_eq!(
            code(vpc_cidr("10.0.0.0/7")),
            ErrorCode::InvalidCidrBlockNetmaskRange
        );
        assert_eq!(subnet_cidr("10.0.1.0/29").unwrap().prefix(), 29);
        assert_eq!(
            code(subnet_cidr("10.0.1.0/30")),
            ErrorCode::InvalidCidrBlockNetmaskRange
        );
        let a = subnet_cidr("10.0.0.0/24").unwrap();
        let b = subnet_cidr("10.0.0.128/25").unwrap();
        let c = subnet_cidr("10.0.1.0/24").unwrap();
        assert!(overlap(a, b) && overlap(b, a) && !overlap(a, c));
        assert!(within(a, vpc_cidr("10.0.0.0/16").unwrap()));
        assert!(!within(vpc_cidr("10.0.0.0/16").unwrap(), a));
    }

    fn rule(direction: &str, protocol: &str, ports: &str, cidr: &str) -> SecurityGroupRuleInfo {
        SecurityGroupRuleInfo {
            direction: Some(direction.into()),
            policy: Some("accept".into()),
            priority: None,
            ip_protocol: Some(protocol.into()),
            port_range: Some(ports.into()),
            cidr_ip: Some(cidr.into()),
            desc: None,
        }
    }

    #[test]
    fn names_follow_the_vendors_rules() {
        for ok in ["ab", "a.b-c.9", &"x".repeat(63)] {
            check_name("name", ok).unwrap();
        }
        for bad in [
            "a",
            "-vpc",
            "vpc-",
            "my vpc",
            "vpc_1",
            "vpc/1",
            &"x".repeat(64),
        ] {
            assert!(check_name("name", bad).is_err(), "{bad}");
        }
        assert_eq!(
            check_name("name", " ").unwrap_err().code,
            ErrorCode::MissingParameter
        );
        for ok in ["g", "web.tier-2", &"g".repeat(64)] {
            check_security_group_name("name", ok).unwrap();
        }
        for bad in ["", "my group", "sg_1", "sg/1", &"g".repeat(65)] {
            assert!(check_security_group_name("name", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ipv6_blocks_parse_and_nest() {
        let vpc = vpc_ipv6_block(1_234_567);
        let net: std::net::Ipv6Addr = vpc.trim_end_matches("/48").parse().unwrap();
        assert_eq!(net.segments()[0] >> 8, 0xfd);
        let sub = private_ipv6_subnet(&vpc, 3);
        assert!(sub.ends_with(":3::/64"));
        sub.trim_end_matches("/64")
            .parse::<std::net::Ipv6Addr>()
            .unwrap();
        let public = public_ipv6_subnet(42);
        let p: std::net::Ipv6Addr = public.trim_end_matches("/64").parse().unwrap();
        assert_eq!(&p.segments()[..2], &[0x2001, 0xdb8]);
        assert_ne!(vpc_ipv6_block(1), vpc_ipv6_block(2));
        assert_eq!(ipv6_gateway(&sub).unwrap(), sub.replace("::/64", "::1"));
    }

    #[test]
    fn rules_are_kept_verbatim_with_defaults() {
        let r = check_rules(&[
            rule("ingress", "tcp", "22", "0.0.0.0/0"),
            rule("ingress", "tcp", "80,443", "10.0.0.0/8"),
            rule("egress", "all", "-1", "0.0.0.0/0"),
            rule("ingress", "udp", "1/200", "::/0"),
            rule("ingress", "tcp", "8000-9000", "1.2.3.4"),
        ])
        .unwrap();
        assert_eq!(r[0].priority, 1);
        assert_eq!(r[1].port_range, "80,443");
        assert_eq!(r[2].port_range, "-1");
        let mut bare = rule("ingress", "icmp", "-1", "0.0.0.0/0");
        bare.port_range = None;
        bare.cidr_ip = None;
        bare.policy = None;
        let r = check_rules(&[bare]).unwrap();
        assert_eq!(
            (r[0].port_range.as_str(), r[0].cidr_ip.as_str()),
            ("-1", "0.0.0.0/0")
        );
        assert_eq!(r[0].policy, "accept");
    }

    #[test]
    fn bad_rules_are_refused_with_their_codes() {
        let code = |r: SecurityGroupRuleInfo| check_rules(&[r]).unwrap_err().code;
        assert_eq!(
            code(rule("inbound", "tcp", "22", "0.0.0.0/0")),
            ErrorCode::InvalidParameterSecurityGroupDirection
        );
        for protocol in ["sctp", "TCP", "", "6"] {
            assert_eq!(
                code(rule("ingress", protocol, "22", "0.0.0.0/0")),
                ErrorCode::InvalidParameterSecurityGroupIpProtocol
            );
        }
        for ports in ["0", "65536", "90-80", "", "a", "80-", "1/2/3", "-2"] {
            assert_eq!(
                code(rule("ingress", "tcp", ports, "0.0.0.0/0")),
                ErrorCode::InvalidParameterSecurityGroupPortRange,
                "{ports}"
            );
        }
        for cidr in ["0.0.0.0/33", "300.0.0.0/8", "x", "10.0.0.0/"] {
            assert_eq!(
                code(rule("ingress", "tcp", "22", cidr)),
                ErrorCode::InvalidParameterSecurityGroupCidrIp,
                "{cidr}"
            );
        }
        let mut p = rule("ingress", "tcp", "22", "0.0.0.0/0");
        p.priority = Some(101);
        assert_eq!(code(p), ErrorCode::InvalidParameterSecurityGroupPriority);
        let mut p = rule("ingress", "tcp", "22", "0.0.0.0/0");
        p.policy = Some("drop".into());
        assert_eq!(code(p), ErrorCode::InvalidParameterSecurityGroupPolicy);
        let twice = check_rules(&[
            rule("ingress", "tcp", "22", "0.0.0.0/0"),
            rule("ingress", "tcp", "22", "0.0.0.0/0"),
        ]);
        assert_eq!(
            twice.unwrap_err().code,
            ErrorCode::OperationDeniedSecurityGroupExistRepeatRule
        );
        // The same rule in the other direction is another rule.
        check_rules(&[
            rule("ingress", "tcp", "22", "0.0.0.0/0"),
            rule("egress", "tcp", "22", "0.0.0.0/0"),
        ])
        .unwrap();
        let many: Vec<_> = (1..=101)
            .map(|p| rule("ingress", "tcp", &p.to_string(), "0.0.0.0/0"))
            .collect();
        assert_eq!(
            check_rules(&many).unwrap_err().code,
            ErrorCode::OperationDeniedSecurityGroupRuleExceedLimit
        );
    }
}
