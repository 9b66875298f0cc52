//! Names: instances' (2-63 letters, digits, `-` and `.`) and resource groups' (1-64
//! characters, unique within an account).

use crate::params::{length, required};
use zec_types::error::echo;
use zec_types::{ApiError, ErrorCode};

/// 2–63 letters, digits, `-` or `.`, starting and ending with a letter or digit.
pub fn check_instance_name(name: &str) -> Result<(), ApiError> {
    let n = name.chars().count();
    if n < 2 {
        return Err(ApiError::new(
            ErrorCode::InvalidInstanceNameExceedMinimumLength,
            format!(
                "The instance name `{}` is shorter than 2 characters.",
                echo(name)
            ),
        ));
    }
    if n > 63 {
        return Err(ApiError::new(
            ErrorCode::InvalidInstanceNameExceed,
            format!(
                "The instance name `{}` is longer than 63 characters.",
                echo(name)
            ),
        ));
    }
    let ok_char = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '.';
    let ends_ok = name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric());
    if !name.chars().all(ok_char) || !ends_ok {
        return Err(ApiError::new(
            ErrorCode::InvalidInstanceNameMalformed,
            format!(
                "The instance name `{}` may hold only letters, digits, `-` and `.`, and must start and end with a letter or digit.",
                echo(name)
            ),
        ));
    }
    Ok(())
}

/// A resource group name: 1-64 characters, not blank (returned trimmed).
pub fn check_group_name(name: &Option<String>) -> Result<String, ApiError> {
    let name = required("name", name)?.trim();
    if name.is_empty() {
        return Err(ApiError::missing("name"));
    }
    length("name", name, 1, 64)?;
    Ok(name.to_owned())
}

/// Group names are unique within an account.
pub fn group_name_taken(name: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidParameterValue,
        format!(
            "The account already has a resource group named `{}`.",
            echo(name)
        ),
    )
}
