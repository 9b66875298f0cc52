//! CreateAccessKey: an access key of an account, read-only and/or limited to resource groups,
//! as `zecd keys create` makes one; the password is answered this once and never again.

use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_store::Scope;
use zec_types::ApiError;
use zec_types::model::{CreateAccessKeyRequest, CreateAccessKeyResponse};

pub async fn handle(
    app: &App,
    _: &VerifiedRequest,
    r: CreateAccessKeyRequest,
) -> Result<Reply<CreateAccessKeyResponse>, ApiError> {
    let account = super::account_named(app, "account", &r.account)?;
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
