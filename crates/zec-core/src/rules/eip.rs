//! The rules of elastic IPs: charge types, lines, bandwidth, and the refusals of the EIP
//! actions, with the vendor's codes.

use std::net::Ipv4Addr;
use zec_types::error::echo;
use zec_types::{ApiError, ErrorCode};

pub const CHARGE_TYPES: [&str; 3] = ["ByBandwidth", "ByTrafficPackage", "BandwidthCluster"];
pub const LINE_TYPES: [&str; 8] = [
    "PremiumBGP",
    "CN2",
    "PathBasedBandwidthIP",
    "LocalLine",
    "StandardBGP",
    "CMI",
    "CUG",
    "CTG",
];
pub const V4_TYPES: [&str; 8] = [
    "BGPLine",
    "CN2Line",
    "LocalLine",
    "ChinaMobile",
    "ChinaUnicom",
    "ChinaTelecom",
    "Cogent",
    "PathBasedBandwidthIP",
];
pub const BIND_TYPES: [&str; 2] = ["FullNat", "Passthrough"];
pub const RATE_LIMIT_MODES: [&str; 2] = ["LOOSE", "STRICT"];
/// Most EIPs one CreateEips makes.
pub const MAX_AMOUNT: i64 = 100;
/// Bandwidth, Mbps.
pub const MAX_BANDWIDTH: i64 = 10_000;

/// The line of an EIP created with only the deprecated `eipV4Type`.
pub fn line_of(v4_type: &str) -> &'static str {
    match v4_type {
        "CN2Line" => "CN2",
        "LocalLine" => "LocalLine",
        "ChinaMobile" => "CMI",
        "ChinaUnicom" => "CUG",
        "ChinaTelecom" => "CTG",
        "Cogent" => "StandardBGP",
        "PathBasedBandwidthIP" => "PathBasedBandwidthIP",
        _ => "PremiumBGP",
    }
}

/// A bandwidth in Mbps: 1 to 10000.
pub fn check_bandwidth(value: i64) -> Result<u32, ApiError> {
    if value < 1 {
        return Err(ApiError::new(
            ErrorCode::InvalidParameterBandwidth,
            format!("`bandwidth` must be at least 1 Mbps; got {value}."),
        ));
    }
    if value > MAX_BANDWIDTH {
        return Err(ApiError::new(
            ErrorCode::InvalidParameterBandwidthExceed,
            format!("`bandwidth` must be at most {MAX_BANDWIDTH} Mbps; got {value}."),
        ));
    }
    Ok(value as u32)
}

pub fn not_found(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidEipNotFound,
        format!("The EIP `{}` is not found.", echo(id)),
    )
}

pub fn status(id: &str, status: &str) -> ApiError {
    ApiError::new(
        ErrorCode::OperationDeniedEipStatusNotSupport,
        format!(
            "The EIP `{}` is {}; the operation is not allowed in that state.",
            echo(id),
            echo(status)
        ),
    )
}

pub fn still_bound(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::OperationDeniedEipIsNotUnAssign,
        format!("The EIP `{}` is bound; unbind it first.", echo(id)),
    )
}

pub fn no_bandwidth_limit(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::OperationDeniedEipStatusNotSupport,
        format!(
            "The EIP `{}` is not billed by bandwidth; it has no bandwidth limit mode.",
            echo(id)
        ),
    )
}

pub fn region_mismatch(a: &str, b: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidParameterValue,
        format!(
            "The EIP and its target are in different regions (`{}`, `{}`).",
            echo(a),
            echo(b)
        ),
    )
}

pub fn lan_ip_taken(ip: Ipv4Addr) -> ApiError {
    ApiError::new(
        ErrorCode::OperationDeniedEipStatusNotSupport,
        format!("The private address {ip} has an EIP already."),
    )
}

pub fn not_an_address_of(nic: &str, ip: Ipv4Addr) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidIpOutOfRange,
        format!(
            "{ip} is not a private address of the network interface `{}`.",
            echo(nic)
        ),
    )
}

pub fn pool_exhausted(region: &str) -> ApiError {
    ApiError::new(
        ErrorCode::OperationDeniedInstanceQuotaExceed,
        format!(
            "There are not enough free public IPv4 addresses in region `{}`.",
            echo(region)
        ),
    )
}

/// An EIP target zecd does not model (load balancers, NAT gateways, HaVips).
pub fn no_such_target(kind: &str, id: &str) -> ApiError {
    let code = match kind {
        "LB" => ErrorCode::InvalidLbNotFound,
        "NAT" => ErrorCode::InvalidNatNotFound,
        _ => ErrorCode::InvalidHavipNotFound,
    };
    ApiError::new(code, format!("The {kind} `{}` is not found.", echo(id)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bandwidth_limits_and_lines() {
        assert_eq!(check_bandwidth(1).unwrap(), 1);
        assert_eq!(
            check_bandwidth(0).unwrap_err().code,
            ErrorCode::InvalidParameterBandwidth
        );
        assert_eq!(
            check_bandwidth(10_001).unwrap_err().code,
            ErrorCode::InvalidParameterBandwidthExceed
        );
        assert_eq!(line_of("ChinaMobile"), "CMI");
        assert_eq!(line_of("BGPLine"), "PremiumBGP");
    }
}
