//! The in-memory index every read is served from: each account's instances in creation order,
//! per resource group, with exact paging and counts. Only the writer changes it, and only with
//! what has been committed to the durable store.

use crate::ordered::OrderedIds;
use crate::query::{InstanceQuery, Listing, StatusRow, status_now};
use std::collections::{BTreeSet, HashMap};
use zec_core::{AccountId, Atom, Instance, Millis, Page, Target};

/// Hash maps keyed by instance ids: foldhash, seeded per process, is several times faster than
/// SipHash on u64 keys and still resists crafted collisions.
type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

#[derive(Debug, Default)]
pub struct Index {
    /// Boxed: a hash table holds its values inline, and sizes itself to a power of two.
    instances: Map<u64, Box<Instance>>,
    accounts: Map<AccountId, AccountIndex>,
}

#[derive(Debug, Default)]
struct AccountIndex {
    /// Ids in ascending order, which is creation order.
    all: OrderedIds,
    by_group: Map<Atom, OrderedIds>,
    /// Instances whose phase ends in their removal: once due, they are no longer listed, even
    /// before the writer has deleted them.
    purging: BTreeSet<u64>,
    /// Private addresses in use per subnet.
    subnet_usage: Map<Atom, u64>,
}

impl Index {
    /// Room for `n` more instances, so that loading does not rehash.
    pub fn reserve(&mut self, n: usize) {
        self.instances.reserve(n);
    }

    /// An instance as stored, whatever its status; `None` if it is not this account's.
    pub fn get(&self, account: AccountId, id: u64) -> Option<&Instance> {
        self.instances
            .get(&id)
            .map(|i| &**i)
            .filter(|i| i.account == account)
    }

    /// An instance by id, whoever owns it; for the writer.
    pub fn by_id(&self, id: u64) -> Option<&Instance> {
        self.instances.get(&id).map(|i| &**i)
    }

    /// Inserts or replaces an instance.
    pub fn upsert(&mut self, instance: Instance) {
        let id = instance.id;
        let acct = self.accounts.entry(instance.account).or_default();
        let purging = matches!(instance.pending, Some(p) if p.outcome == Target::Purged);
        if purging {
            acct.purging.insert(id);
        } else {
            acct.purging.remove(&id);
        }
        match self.instances.get(&id) {
            Some(old) => {
                if old.resource_group_id != instance.resource_group_id {
                    if let Some(list) = acct.by_group.get_mut(&old.resource_group_id) {
                        list.remove(id);
                    }
                    acct.by_group
                        .entry(instance.resource_group_id.clone())
                        .or_default()
                        .insert(id);
                }
            }
            None => {
                acct.all.insert(id);
                acct.by_group
                    .entry(instance.resource_group_id.clone())
                    .or_default()
                    .insert(id);
                *acct
                    .subnet_usage
                    .entry(instance.subnet_id.clone())
                    .or_default() += 1;
            }
        }
        match self.instances.get_mut(&id) {
            Some(slot) => **slot = instance,
            None => {
                self.instances.insert(id, Box::new(instance));
            }
        }
    }

    pub fn remove(&mut self, id: u64) -> Option<Instance> {
        let instance = *self.instances.remove(&id)?;
        if let Some(acct) = self.accounts.get_mut(&instance.account) {
            acct.all.remove(id);
            if let Some(list) = acct.by_group.get_mut(&instance.resource_group_id) {
                list.remove(id);
            }
            acct.purging.remove(&id);
            if let Some(n) = acct.subnet_usage.get_mut(&instance.subnet_id) {
                *n = n.saturating_sub(1);
            }
        }
        Some(instance)
    }

    /// Private addresses the account uses in a subnet.
    pub fn subnet_usage(&self, account: AccountId, subnet_id: &str) -> u64 {
        self.accounts
            .get(&account)
            .and_then(|a| a.subnet_usage.get(subnet_id))
            .copied()
            .unwrap_or(0)
    }

    /// Instance ids and statuses, for DescribeInstancesStatus.
    pub fn list_status(
        &self,
        account: AccountId,
        q: &InstanceQuery,
        page: Page,
        now: Millis,
    ) -> Listing<StatusRow> {
        self.list(account, q, page, now, |i, status| StatusRow {
            id: i.id,
            status,
        })
    }

    /// Whole instances, for DescribeInstances.
    pub fn list_instances(
        &self,
        account: AccountId,
        q: &InstanceQuery,
        page: Page,
        now: Millis,
    ) -> Listing<Instance> {
        self.list(account, q, page, now, |i, status| {
            let mut i = i.clone();
            if i.status != status {
                i.settle(now);
            }
            i
        })
    }

    fn list<T>(
        &self,
        account: AccountId,
        q: &InstanceQuery,
        page: Page,
        now: Millis,
        row: impl Fn(&Instance, zec_types::InstanceStatus) -> T,
    ) -> Listing<T> {
        let Some(acct) = self.accounts.get(&account) else {
            return Listing::empty();
        };
        static EMPTY: OrderedIds = OrderedIds::new();
        let group_list = |g: &str| acct.by_group.get(g).unwrap_or(&EMPTY);

        if q.ids.is_some() || q.has_predicates() {
            // Filtered: walk the candidates in creation order, counting every match.
            let range = page.range(usize::MAX);
            let mut total = 0usize;
            let mut items = Vec::new();
            let mut visit = |id: u64| {
                let Some(i) = self.get(account, id) else {
                    return;
                };
                let Some(status) = status_now(i, now) else {
                    return;
                };
                if !q.matches(i, status) {
                    return;
                }
                if range.contains(&total) {
                    items.push(row(i, status));
                }
                total += 1;
            };
            match (&q.ids, &q.resource_group_id) {
                (Some(ids), _) => {
                    let mut ids = ids.clone();
                    ids.sort_unstable();
                    ids.dedup();
                    ids.into_iter().for_each(&mut visit);
                }
                (None, Some(g)) => group_list(g).iter().for_each(&mut visit),
                (None, None) => acct.all.iter().for_each(&mut visit),
            }
            return Listing {
                total: total as u64,
                items,
            };
        }

        // Unfiltered (or by resource group only): go straight to the page, stepping over
        // instances whose removal is already due.
        let list: &OrderedIds = match &q.resource_group_id {
            Some(g) => group_list(g),
            None => &acct.all,
        };
        let gone: Vec<u64> = acct
            .purging
            .iter()
            .copied()
            .filter(|id| {
                self.instances.get(id).is_some_and(|i| {
                    status_now(i, now).is_none()
                        && q.resource_group_id
                            .as_deref()
                            .is_none_or(|g| i.resource_group_id == g)
                })
            })
            .collect();
        let total = list.len() - gone.len();
        let range = page.range(total);
        // Position in `list` of the range.start-th listed instance.
        let mut start = range.start;
        for id in &gone {
            if list.rank(*id) <= start {
                start += 1;
            } else {
                break;
            }
        }
        let items = list
            .iter_from(start)
            .filter(|id| gone.binary_search(id).is_err())
            .take(range.len())
            .filter_map(|id| {
                let i = &self.instances[&id];
                status_now(i, now).map(|s| row(i, s))
            })
            .collect();
        Listing {
            total: total as u64,
            items,
        }
    }
}

#[cfg(test)]
mod tests;
