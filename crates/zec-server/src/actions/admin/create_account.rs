//! CreateAccount: a new account, ready at once (its default resource group made), as
//! `zecd accounts create` makes one; for test suites that give each test an account of its own.

use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_types::ApiError;
use zec_types::model::{CreateAccountRequest, CreateAccountResponse};

pub async fn handle(
    app: &App,
    _: &VerifiedRequest,
    r: CreateAccountRequest,
) -> Result<Reply<CreateAccountResponse>, ApiError> {
    let name = r
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| ApiError::missing("name"))?
        .to_owned();
    let account = app
        .store
        .admin(move |db| zec_store::admin::create_account(db, &name))
        .await
        .map_err(store_error)?;
    let group = app
        .store
        .default_group(account.id)
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(CreateAccountResponse {
        name: account.name,
        default_resource_group_id: group.id.to_string(),
    }))
}
