//! How an instance is logged into: a password or a key pair, exactly one of them, unless the
//! image takes neither (Windows); passwords 8-16 characters of letters, digits and specials.

use crate::catalog::Login;
use zec_types::error::echo;
use zec_types::{ApiError, ErrorCode};

const PASSWORD_SPECIALS: &str = "~!@$^*-_=+|;:,.?";

/// 8–16 characters from letters, digits and `~!@$^*-_=+|;:,.?`, with at least one of each kind.
pub fn check_password(password: &str) -> Result<(), ApiError> {
    let len = password.chars().count();
    let allowed = |c: char| c.is_ascii_alphanumeric() || PASSWORD_SPECIALS.contains(c);
    let ok = (8..=16).contains(&len)
        && password.chars().all(allowed)
        && password.chars().any(|c| c.is_ascii_alphabetic())
        && password.chars().any(|c| c.is_ascii_digit())
        && password.chars().any(|c| PASSWORD_SPECIALS.contains(c));
    if ok {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::InvalidPasswordMalformed,
            format!(
                "The password must be 8-16 characters with letters, digits and at least one of {PASSWORD_SPECIALS}."
            ),
        ))
    }
}

/// Key pair ids look like `key-` and eight letters or digits.
pub fn check_key_id(key_id: &str) -> Result<(), ApiError> {
    let ok = key_id
        .strip_prefix("key-")
        .is_some_and(|s| s.len() == 8 && s.bytes().all(|b| b.is_ascii_alphanumeric()));
    if ok {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::InvalidKeyPairNotFound,
            format!("The key pair `{}` is not found.", echo(key_id)),
        ))
    }
}

/// Exactly one of a password and a key pair, unless the image takes neither.
pub fn check_login(
    password: Option<&str>,
    key_id: Option<&str>,
    login: Login,
) -> Result<(), ApiError> {
    let password = password.filter(|p| !p.is_empty());
    let key_id = key_id.filter(|k| !k.is_empty());
    match (login, password, key_id) {
        (Login::None, Some(_), _) => Err(ApiError::new(
            ErrorCode::InvalidImagePasswordNotSupport,
            "This image does not take a password.",
        )),
        (Login::None, None, Some(_)) => Err(ApiError::new(
            ErrorCode::InvalidImageKeyPairNotSupport,
            "This image does not take a key pair.",
        )),
        (Login::None, None, None) => Ok(()),
        (Login::Credentials, Some(_), Some(_)) => Err(ApiError::new(
            ErrorCode::InvalidLoginSettingConflict,
            "Give either `password` or `keyId`, not both.",
        )),
        (Login::Credentials, None, None) => Err(ApiError::new(
            ErrorCode::InvalidPasswordKeyPairMissing,
            "Give either `password` or `keyId`.",
        )),
        (Login::Credentials, Some(p), None) => check_password(p),
        (Login::Credentials, None, Some(k)) => check_key_id(k),
    }
}
