//! ResetAccount: every resource of the account gone (its default resource group stays, now
//! empty), its access keys and tokens kept: a clean account between test cases.

use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_types::model::{AccountNameRequest, Empty};
use zec_types::{ApiError, ErrorCode};

pub async fn handle(
    app: &App,
    _: &VerifiedRequest,
    r: AccountNameRequest,
) -> Result<Reply<Empty>, ApiError> {
    let name = r
        .account
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
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
    app.store
        .reset_account(account)
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(Empty {}))
}
