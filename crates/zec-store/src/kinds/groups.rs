//! Resource groups as a kind: documents of their own, changed by the writer like every kind
//! (created, renamed, deleted only when nothing is left in them, one default per account).

use super::{Document, KindId};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use zec_core::{AccountId, Millis};

/// Where a resource group is kept.
pub const TABLE: &str = "resource_groups";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceGroup {
    /// A UUID, as the vendor's.
    pub id: String,
    pub account: AccountId,
    pub name: String,
    /// The group every account has, where resources go unless told otherwise.
    pub is_default: bool,
    pub created_at: Millis,
    /// Its place in creation order.
    pub ordinal: u64,
}

impl Document for ResourceGroup {
    const KIND: KindId = KindId::ResourceGroup;
    const TABLE: &'static str = TABLE;

    fn ordinal(&self) -> u64 {
        self.ordinal
    }

    fn account(&self) -> AccountId {
        self.account
    }
    fn set_account(&mut self, account: AccountId) {
        self.account = account;
    }

    fn public_id(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.id)
    }
}

/// The name every account's default group is made with.
pub const DEFAULT_NAME: &str = "Default Resource Group";

/// Groups as the first release kept them (id, account, name, default, created): documents,
/// with ordinals in creation order from a replica number no live replica takes for ids of
/// that age (the groups are older than any id being handed out).
pub(crate) fn from_v1(
    mut rows: Vec<(String, AccountId, String, bool, Millis)>,
) -> Vec<ResourceGroup> {
    rows.sort_by(|a, b| (a.4, &a.0).cmp(&(b.4, &b.0)));
    let mut ids = zec_core::ids::IdGenerator::new(1023, 0);
    rows.into_iter()
        .map(
            |(id, account, name, is_default, created_at)| ResourceGroup {
                ordinal: ids.next(created_at),
                id,
                account,
                name,
                is_default,
                created_at,
            },
        )
        .collect()
}
