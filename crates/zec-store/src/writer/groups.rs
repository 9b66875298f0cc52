//! Resource groups in a round: made, renamed, deleted (only when nothing is left in them, and
//! never the default one), and every account's default group made when the account is first
//! seen. Decided on the groups as the round leaves them, so that two requests in one round
//! cannot both take a name.

use super::Round;
use crate::error::StoreError;
use crate::kinds::groups::{DEFAULT_NAME, ResourceGroup};
use std::collections::BTreeMap;
use zec_core::AccountId;
use zec_core::rules;

pub(crate) enum GroupOp {
    Create { name: String },
    Rename { id: String, name: String },
    Delete { id: String },
}

/// The account's groups as the round leaves them.
fn groups_of(round: &Round<'_>, account: AccountId) -> Vec<ResourceGroup> {
    let mut all: BTreeMap<u64, ResourceGroup> = round
        .indexes
        .groups
        .of_account(account)
        .map(|g| (g.ordinal, g.clone()))
        .collect();
    for (ordinal, g) in &round.changes.groups {
        match g {
            Some(g) if g.account == account => {
                all.insert(*ordinal, g.clone());
            }
            _ => {
                all.remove(ordinal);
            }
        }
    }
    all.into_values().collect()
}

fn name_taken(round: &Round<'_>, account: AccountId, name: &str, except: Option<&str>) -> bool {
    groups_of(round, account)
        .iter()
        .any(|g| g.name == name && Some(g.id.as_str()) != except)
}

pub(crate) fn apply(
    round: &mut Round<'_>,
    account: AccountId,
    op: GroupOp,
) -> Result<ResourceGroup, StoreError> {
    match op {
        GroupOp::Create { name } => {
            if name_taken(round, account, &name, None) {
                return Err(rules::names::group_name_taken(&name).into());
            }
            let g = ResourceGroup {
                id: crate::admin::new_uuid(),
                account,
                name,
                is_default: false,
                created_at: round.now,
                ordinal: round.next_id(),
            };
            round.put(g.clone());
            Ok(g)
        }
        GroupOp::Rename { id, name } => {
            let mut g = round
                .group(account, &id)
                .ok_or_else(|| rules::found::group(&id))?;
            if name_taken(round, account, &name, Some(&id)) {
                return Err(rules::names::group_name_taken(&name).into());
            }
            g.name = name;
            round.put(g.clone());
            Ok(g)
        }
        GroupOp::Delete { id } => {
            let g = round
                .group(account, &id)
                .ok_or_else(|| rules::found::group(&id))?;
            if g.is_default {
                return Err(rules::groups::default_cannot_be_deleted().into());
            }
            let held = round.in_group(account, &id);
            if held > 0 {
                return Err(rules::groups::not_empty(&id, held).into());
            }
            round.delete(&g);
            Ok(g)
        }
    }
}

/// Gives every account named that has none its default group.
pub(crate) fn ensure_defaults(
    round: &mut Round<'_>,
    accounts: &[AccountId],
) -> Result<(), StoreError> {
    for &account in accounts {
        if groups_of(round, account).iter().any(|g| g.is_default) {
            continue;
        }
        let g = ResourceGroup {
            id: crate::admin::new_uuid(),
            account,
            name: DEFAULT_NAME.to_owned(),
            is_default: true,
            created_at: round.now,
            ordinal: round.next_id(),
        };
        round.put(g);
    }
    Ok(())
}
