//! The rules of network interfaces and their addresses, and the refusals of the vNIC actions,
//! with the vendor's codes.

use crate::cidr::Ipv4Cidr;
use std::net::Ipv4Addr;
use zec_types::error::echo;
use zec_types::{ApiError, ErrorCode, InstanceStatus};

/// Most NICs on one instance, its primary one included.
pub const MAX_NICS_PER_INSTANCE: usize = 8;
/// Most secondary private addresses on one NIC.
pub const MAX_SECONDARY_IPV4S: usize = 20;

fn e(code: ErrorCode, message: String) -> ApiError {
    ApiError::new(code, message)
}

pub fn primary_cannot_be_deleted(id: &str) -> ApiError {
    e(
        ErrorCode::InvalidNicPrimaryCantDelete,
        format!(
            "The network interface `{}` is an instance's primary one; it goes with the instance.",
            echo(id)
        ),
    )
}

pub fn primary_cannot_be_detached(id: &str) -> ApiError {
    e(
        ErrorCode::InvalidNicPrimaryCantDetach,
        format!(
            "The network interface `{}` is an instance's primary one; it cannot be detached.",
            echo(id)
        ),
    )
}

pub fn attached(id: &str) -> ApiError {
    e(
        ErrorCode::InvalidNicAttached,
        format!(
            "The network interface `{}` is attached to an instance.",
            echo(id)
        ),
    )
}

pub fn not_attached(id: &str) -> ApiError {
    e(
        ErrorCode::OperationDeniedNicNotExistInstance,
        format!(
            "The network interface `{}` is not attached to an instance.",
            echo(id)
        ),
    )
}

pub fn status(id: &str, status: &str) -> ApiError {
    e(
        ErrorCode::InvalidNicStatus,
        format!(
            "The network interface `{}` is {}; the operation is not allowed in that state.",
            echo(id),
            echo(status)
        ),
    )
}

pub fn has_eip(id: &str) -> ApiError {
    e(
        ErrorCode::InvalidNicHasPublicIpCantDetach,
        format!(
            "An EIP is bound to the network interface `{}`; unbind it first.",
            echo(id)
        ),
    )
}

pub fn instance_not_running(id: u64, status: InstanceStatus) -> ApiError {
    e(
        ErrorCode::OperationDeniedInstanceStatusNotSupport,
        format!(
            "The instance `{id}` is {status}; network interfaces attach to and detach from RUNNING instances."
        ),
    )
}

pub fn region_mismatch(id: &str, nic_region: &str, instance_region: &str) -> ApiError {
    e(
        ErrorCode::InvalidNicInstanceRegionMismatch,
        format!(
            "The network interface `{}` is in region `{}`, the instance in `{}`.",
            echo(id),
            echo(nic_region),
            echo(instance_region)
        ),
    )
}

pub fn too_many_nics(id: u64) -> ApiError {
    e(
        ErrorCode::InvalidInstanceNicLimit,
        format!("The instance `{id}` has {MAX_NICS_PER_INSTANCE} network interfaces already."),
    )
}

pub fn too_many_addresses(id: &str) -> ApiError {
    e(
        ErrorCode::InvalidNicPrivateIpExceedLimit,
        format!(
            "A network interface has at most {MAX_SECONDARY_IPV4S} secondary addresses; `{}` would have more.",
            echo(id)
        ),
    )
}

pub fn address_in_use(ip: Ipv4Addr) -> ApiError {
    e(
        ErrorCode::InvalidSubnetPrivateIpv4InUsed,
        format!("The address {ip} is in use."),
    )
}

pub fn subnet_full(id: &str) -> ApiError {
    e(
        ErrorCode::InvalidSubnetIpv4Insufficient,
        format!("The subnet `{}` has no free address.", echo(id)),
    )
}

pub fn no_ipv4(id: &str) -> ApiError {
    e(
        ErrorCode::InvalidIpStackTypeNotSupport,
        format!(
            "The subnet `{}` is IPv6 only; zecd's network interfaces need an IPv4 block.",
            echo(id)
        ),
    )
}

pub fn primary_address(ip: Ipv4Addr) -> ApiError {
    e(
        ErrorCode::InvalidNicPrimaryIpCantDetach,
        format!("{ip} is the network interface's primary address."),
    )
}

pub fn address_has_eip(ip: Ipv4Addr) -> ApiError {
    e(
        ErrorCode::InvalidNicHasPublicIpCantDetach,
        format!("An EIP is bound to {ip}; unbind it first."),
    )
}

pub fn not_an_address(id: &str, ip: Ipv4Addr) -> ApiError {
    e(
        ErrorCode::InvalidParameterValue,
        format!(
            "{ip} is not a secondary address of the network interface `{}`.",
            echo(id)
        ),
    )
}

pub fn one_eip_per_address() -> ApiError {
    e(
        ErrorCode::InvalidParameterValue,
        "A network interface made with `eipIds` takes one EIP (for its one address).".into(),
    )
}

/// An address asked for in a subnet: inside its block, not its network, gateway or broadcast
/// address.
pub fn check_in_subnet(ip: Ipv4Addr, cidr: Ipv4Cidr) -> Result<(), ApiError> {
    if !cidr.contains(ip) {
        return Err(e(
            ErrorCode::InvalidIpOutOfRange,
            format!("{ip} is not in the subnet's block {cidr}."),
        ));
    }
    if ip == cidr.network() {
        return Err(e(
            ErrorCode::InvalidIpNetworkAddress,
            format!("{ip} is the network address of {cidr}."),
        ));
    }
    if ip == cidr.gateway() {
        return Err(e(
            ErrorCode::InvalidIpFirstAddress,
            format!("{ip} is the gateway of {cidr}."),
        ));
    }
    if ip == cidr.broadcast() {
        return Err(e(
            ErrorCode::InvalidIpBroadcastAddress,
            format!("{ip} is the broadcast address of {cidr}."),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_of_a_subnet() {
        let c: Ipv4Cidr = "10.0.0.0/24".parse().unwrap();
        let code = |ip: [u8; 4]| check_in_subnet(Ipv4Addr::from(ip), c).err().map(|e| e.code);
        assert_eq!(code([10, 0, 0, 5]), None);
        assert_eq!(code([10, 0, 1, 5]), Some(ErrorCode::InvalidIpOutOfRange));
        assert_eq!(
            code([10, 0, 0, 0]),
            Some(ErrorCode::InvalidIpNetworkAddress)
        );
        assert_eq!(code([10, 0, 0, 1]), Some(ErrorCode::InvalidIpFirstAddress));
        assert_eq!(
            code([10, 0, 0, 255]),
            Some(ErrorCode::InvalidIpBroadcastAddress)
        );
    }
}
