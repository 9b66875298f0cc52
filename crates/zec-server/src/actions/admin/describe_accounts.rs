//! DescribeAccounts: every account and its access keys (ids, scope, root), never a password.

use crate::App;
use crate::request::{Reply, VerifiedRequest};
use zec_core::clock::format_api_time;
use zec_types::ApiError;
use zec_types::model::{AccessKeyInfo, AccountInfo, DescribeAccountsResponse, Empty};

pub async fn handle(
    app: &App,
    _: &VerifiedRequest,
    _: Empty,
) -> Result<Reply<DescribeAccountsResponse>, ApiError> {
    let directory = app.store.directory();
    let mut accounts: Vec<_> = directory.accounts().collect();
    accounts.sort_by_key(|a| a.id);
    let out = accounts
        .into_iter()
        .map(|a| {
            let mut keys: Vec<_> = directory.keys().filter(|k| k.account == a.id).collect();
            keys.sort_by(|x, y| (x.created_at, &x.id).cmp(&(y.created_at, &y.id)));
            AccountInfo {
                name: a.name.clone(),
                create_time: format_api_time(a.created_at),
                access_keys: keys
                    .into_iter()
                    .map(|k| AccessKeyInfo {
                        access_key_id: k.id.clone(),
                        root: k.root,
                        read_only: k.scope.read_only,
                        resource_group_ids: k.scope.groups.clone(),
                        create_time: format_api_time(k.created_at),
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(Reply::Json(DescribeAccountsResponse { accounts: out }))
}
