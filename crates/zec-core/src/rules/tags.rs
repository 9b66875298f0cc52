//! Tags: keys 1-64 characters and unique on a resource, values up to 64 (empty allowed: the
//! Terraform provider sends "" for a tag without one), at most 20 tags on a resource.

use crate::params::{length, max_items};
use std::collections::HashSet;
use zec_types::error::echo;
use zec_types::{ApiError, ErrorCode};

/// The most tags a resource may carry.
pub const MAX_TAGS: usize = 20;

/// Tags as a request gives them (`field` names them in errors): valid, keys unique.
pub fn check<'a>(
    field: &str,
    tags: impl ExactSizeIterator<Item = (&'a str, &'a str)>,
) -> Result<(), ApiError> {
    crate::params::max_count(field, tags.len(), MAX_TAGS)?;
    let mut seen = HashSet::new();
    for (key, value) in tags {
        length(&format!("{field}.key"), key, 1, 64)?;
        length(&format!("{field}.value"), value, 0, 64)?;
        if !seen.insert(key) {
            return Err(ApiError::new(
                ErrorCode::InvalidParameterValue,
                format!("The tag key `{}` appears more than once.", echo(key)),
            ));
        }
    }
    Ok(())
}

/// Tag keys to delete: at most as many as a resource can carry.
pub fn check_keys(field: &str, keys: &[String]) -> Result<(), ApiError> {
    max_items(field, keys, MAX_TAGS)
}

/// A resource would carry `n` tags.
pub fn check_count(n: usize) -> Result<(), ApiError> {
    if n > MAX_TAGS {
        return Err(ApiError::new(
            ErrorCode::InvalidParameterExceedLength,
            format!("A resource may carry at most {MAX_TAGS} tags; this would make {n}."),
        ));
    }
    Ok(())
}
