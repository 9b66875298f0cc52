//! Resource groups' own refusals. The vendor documents no code for these two; they are
//! zecd's own (README, "Choices").

use zec_types::error::echo;
use zec_types::{ApiError, ErrorCode};

pub fn default_cannot_be_deleted() -> ApiError {
    ApiError::new(
        ErrorCode::OperationDeniedDefaultResourceGroup,
        "The account's default resource group cannot be deleted.",
    )
}

pub fn not_empty(id: &str, held: usize) -> ApiError {
    ApiError::new(
        ErrorCode::OperationDeniedResourceGroupNotEmpty,
        format!(
            "The resource group `{}` still holds {held} resources; move or release them first.",
            echo(id)
        ),
    )
}
