//! What a credential's scope refuses (read-only, limited to resource groups). Refusals say
//! nothing about the resource beyond its id.

use zec_types::error::echo;
use zec_types::{ApiError, ErrorCode};

fn refused(message: String) -> ApiError {
    ApiError::new(ErrorCode::AuthFailureUnauthorizedOperation, message)
}

/// An instance in a resource group the credential may not touch.
pub fn instance(id: u64) -> ApiError {
    refused(format!(
        "The instance `{id}` is in a resource group this credential may not touch."
    ))
}

/// A resource group the credential may not use.
pub fn group(id: &str) -> ApiError {
    refused(format!(
        "This credential may not use the resource group `{}`.",
        echo(id)
    ))
}

/// Managing resource groups takes a credential of the whole account.
pub fn groups_unmanageable() -> ApiError {
    refused("A credential limited to resource groups may not manage resource groups.".into())
}

/// A read-only credential calling an action that writes.
pub fn read_only(action: &str) -> ApiError {
    refused(format!(
        "This credential may only read (Describe* actions); {action} is refused."
    ))
}

/// The admin API.
pub fn not_root() -> ApiError {
    refused("The admin API takes the root credential only.".into())
}

/// A VPC, subnet or network interface in a resource group the credential may not touch.
pub fn resource(what: &str, id: &str) -> ApiError {
    refused(format!(
        "The {what} `{}` is in a resource group this credential may not touch.",
        echo(id)
    ))
}

/// Security groups and key pairs belong to the whole account.
pub fn account_wide(what: &str) -> ApiError {
    refused(format!(
        "A credential limited to resource groups may use {what} but not change them."
    ))
}
