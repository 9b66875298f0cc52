//! Instances as a kind: the documents behind DescribeInstances, with their phases on the
//! lifecycle clock and the addresses they hold.

use super::{Document, KindId, Settled};
use crate::core::State;
use std::borrow::Cow;
use zec_core::{AccountId, Catalog, Instance, Millis};

/// Where instances are kept (the table the first release made).
pub const TABLE: &str = "instances";

/// The public address pool of an instance's region.
pub(crate) fn public_pool(catalog: &Catalog, i: &Instance) -> Option<zec_core::cidr::Ipv4Cidr> {
    catalog.region(&i.region_id).map(|r| r.public_ipv4_pool)
}

impl Document for Instance {
    const KIND: KindId = KindId::Instance;
    const TABLE: &'static str = TABLE;
    const ONE_PER_INSTANCE: bool = true;

    fn ordinal(&self) -> u64 {
        self.id
    }

    fn account(&self) -> AccountId {
        self.account
    }
    fn set_account(&mut self, account: AccountId) {
        self.account = account;
    }

    fn public_id(&self) -> Cow<'_, str> {
        Cow::Owned(self.id.to_string())
    }

    fn resource_group(&self) -> Option<&str> {
        Some(&self.resource_group_id)
    }

    fn shift_phase(&mut self, by: Millis) {
        if let Some(p) = self.pending.as_mut().filter(|p| !p.is_held()) {
            p.due = p.due.saturating_add(by);
        }
    }

    fn status_now(&self, now: Millis) -> Option<&str> {
        self.status_at(now).map(|s| s.as_str())
    }

    fn due(&self) -> Option<Millis> {
        // A held phase has no deadline to wait for: the guest driver ends it.
        self.pending.filter(|p| !p.is_held()).map(|p| p.due)
    }

    fn settle(&mut self, now: Millis) -> Settled {
        if !Instance::settle(self, now) {
            Settled::Unchanged
        } else if self.status_at(now).is_none() {
            Settled::Gone
        } else {
            Settled::Changed
        }
    }

    fn hold(&self, state: &mut State, catalog: &Catalog) {
        state.alloc.claim(self, public_pool(catalog, self));
    }

    fn release(&self, state: &mut State, catalog: &Catalog) {
        state.alloc.release(self, public_pool(catalog, self));
    }

    fn went(&self, round: &mut crate::writer::Round<'_>) {
        crate::writer::instances::purged(round, self);
    }
}
