//! CreateAccessKey: an access key of an account, read-only and/or limited to resource groups,
//! as `zecd keys create` makes one; the password is answered this once and never again.

use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_store::Scope;
use zec_types::model::{CreateAccessKeyRequest, CreateAccessKeyResponse};
use zec_types::{ApiError, ErrorCode};

pub async fn handle(
    app: &App,
    _: &VerifiedRequest,
    r: CreateAccessKeyRequest,
) -> Result<Reply<CreateAccessKeyResponse>, ApiError> {
    let name = r
        .account
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| ApiError::missing("account"))?;
    let account = app
        .store
        .directory()
        .accounts()
        .find(|a| a.name == name)
        .map(|a| a.id)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidParameterValue,
                format!(
                    "There is no account named `{}`.",
                    zec_types::error::echo(name)
                ),
            )
        })?;
    let scope = Scope {
        read_only: r.read_only.unwrap_or(false),
        groups: r.resource_group_ids.unwrap_or_default(),
    };
    let key = app
        .store
        .admin(move |db| zec_store::admin::create_key(db, account, false, scope))
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(CreateAccessKeyResponse {
        access_key_id: key.id,
        access_key_password: key.secret,
    }))
}
