//! ImportKeyPair: imports one to five OpenSSH public keys (one per line) under a name unique in
//! the account (2-32 letters, digits, `-` and `_`), with an optional description (up to 255). The key is checked
//! (type, data, length), kept byte for byte, and fingerprinted.

use crate::actions::zec::check_account_wide;
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::keys;
use zec_core::params::{length, required};
use zec_core::rules::network::check_description;
use zec_store::network::NewKeyPair;
use zec_types::error::echo;
use zec_types::model::{ImportKeyPairRequest, ImportKeyPairResponse};
use zec_types::{ApiError, ErrorCode};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: ImportKeyPairRequest,
) -> Result<Reply<ImportKeyPairResponse>, ApiError> {
    check_account_wide(req, "key pairs")?;
    let name = required("keyName", &r.key_name)?;
    length("keyName", name, 2, 32)?;
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(ApiError::new(
            ErrorCode::InvalidKeyPairMalformed,
            format!(
                "`keyName` `{}` may hold only letters, digits, `-` and `_`.",
                echo(name)
            ),
        ));
    }
    let public_key = r
        .public_key
        .clone()
        .filter(|k| !k.trim().is_empty())
        .ok_or_else(|| ApiError::missing("publicKey"))?;
    let fingerprint = keys::fingerprint(&public_key)?;
    let description = r.key_description.clone().filter(|d| !d.is_empty());
    if let Some(d) = &description {
        check_description("keyDescription", d)?;
    }
    let kp = app
        .store
        .import_key_pair(
            req.caller.account,
            NewKeyPair {
                name: name.to_owned(),
                public_key,
                description,
                fingerprint,
            },
        )
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(ImportKeyPairResponse { key_id: kp.id }))
}
