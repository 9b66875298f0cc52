//! "Not found", per kind of resource, with the vendor's code for each. An id of another
//! account answers exactly as one that does not exist.

use zec_types::error::echo;
use zec_types::{ApiError, ErrorCode};

fn not_found(code: ErrorCode, what: &str, id: &str) -> ApiError {
    ApiError::new(code, format!("The {what} `{}` is not found.", echo(id)))
}

pub fn instance(id: &str) -> ApiError {
    not_found(ErrorCode::InvalidInstanceNotFound, "instance", id)
}

pub fn group(id: &str) -> ApiError {
    not_found(
        ErrorCode::OperationFailedResourceGroupNotFound,
        "resource group",
        id,
    )
}

/// A resource named by a generic call (user's AddResourceResourceGroup).
pub fn resource(id: &str) -> ApiError {
    not_found(ErrorCode::OperationFailedResourceNotFound, "resource", id)
}

/// A resource to tag (zrm).
pub fn tagged_resource(id: &str) -> ApiError {
    not_found(ErrorCode::InvalidResourceNotFound, "resource", id)
}

pub fn zone(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidZoneNotFound,
        format!("The specified zoneId `{}` is not found.", echo(id)),
    )
}

pub fn image_in_zone(image: &str, zone: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidImageNotFound,
        format!(
            "The image `{}` is not found in zone `{}`.",
            echo(image),
            echo(zone)
        ),
    )
}

pub fn subnet(id: &str) -> ApiError {
    not_found(ErrorCode::InvalidSubnetNotFound, "subnet", id)
}

pub fn security_group(id: &str) -> ApiError {
    not_found(
        ErrorCode::InvalidSecurityGroupNotFound,
        "security group",
        id,
    )
}

pub fn key_pair(id: &str) -> ApiError {
    not_found(ErrorCode::InvalidKeyPairNotFound, "key pair", id)
}

pub fn instance_type(id: &str) -> ApiError {
    not_found(ErrorCode::InvalidInstanceTypeNotFound, "instance type", id)
}

pub fn vpc(id: &str) -> ApiError {
    not_found(ErrorCode::InvalidVpcNotFound, "VPC", id)
}

pub fn nic(id: &str) -> ApiError {
    not_found(ErrorCode::InvalidNicNotFound, "network interface", id)
}

/// What a Delete* action answers for an object that does not exist: the code every client
/// (Terraform's deletes among them) takes as "already gone".
pub fn to_delete(what: &str, id: &str) -> ApiError {
    not_found(ErrorCode::OperationFailedResourceNotFound, what, id)
}
