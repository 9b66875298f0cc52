//! ResetAccount: every resource of the account gone (its default resource group stays, now
//! empty), its access keys and tokens kept: a clean account between test cases.

use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_types::ApiError;
use zec_types::model::{AccountNameRequest, Empty};

pub async fn handle(
    app: &App,
    _: &VerifiedRequest,
    r: AccountNameRequest,
) -> Result<Reply<Empty>, ApiError> {
    let account = super::account_named(app, "account", &r.account)?;
    app.store
        .reset_account(account)
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(Empty {}))
}
