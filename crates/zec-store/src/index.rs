//! The in-memory index every read is served from. For each account: every instance in creation
//! order, and a compressed bitmap per value of each filter DescribeInstances has (resource
//! group, zone, image, type, type family, status, tag key, tag, name trigram), plus addresses.
//! A query ANDs the bitmaps its filters name, counts the result exactly and goes straight to
//! the page: paging and counts cost the page and a few microseconds per million instances,
//! not a walk of the account. Filters no bitmap answers exactly (explicit ids, a name
//! substring, statuses while a phase is overdue) are checked on the candidates the bitmaps
//! leave. Only the writer changes the index, and only with what has been committed to the
//! durable store.

use crate::Map;
use crate::postings::Postings;
use crate::query::{InstanceQuery, Listing, StatusRow, status_now};
use std::collections::BTreeSet;
use zec_core::{AccountId, Atom, Instance, Millis, Page, Target};
use zec_types::InstanceStatus;

/// Hash maps keyed by ids: foldhash, seeded per process, is several times faster than SipHash
/// on small keys and still resists crafted collisions.
#[derive(Debug, Default)]
pub struct InstanceIndex {
    /// Boxed: a hash table holds its values inline, and sizes itself to a power of two.
    instances: Map<u64, Box<Instance>>,
    accounts: Map<AccountId, AccountIndex>,
}

/// A value of a filter, within one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Key {
    Group(Atom),
    Zone(Atom),
    Image(Atom),
    Type(Atom),
    /// The family of the type: `z2a` of `z2a.cpu.4`.
    Series(Atom),
    /// The status as stored; see [`AccountIndex::pending`] for phases come due since.
    Status(InstanceStatus),
    TagName(Box<str>),
    Tag(Box<str>, Box<str>),
    /// Three consecutive bytes of the lower-cased name (names are ASCII).
    Trigram([u8; 3]),
}

#[derive(Debug, Default)]
struct AccountIndex {
    /// Every instance in creation order, and the instances under each filter value.
    postings: Postings<Key>,
    /// Private and public IPv4 addresses.
    addresses: Map<u32, u64>,
    /// Instances whose phase ends in their removal: once due, they are no longer listed, even
    /// before the writer has deleted them.
    purging: BTreeSet<u64>,
    /// Phases under way, by deadline: while one is overdue (the writer has not written it down
    /// yet), the status lists are not to be trusted and a status filter checks each instance.
    pending: BTreeSet<(Millis, u64)>,
}

fn keys(i: &Instance) -> Vec<Key> {
    let mut keys = vec![
        Key::Group(i.resource_group_id.clone()),
        Key::Zone(i.zone_id.clone()),
        Key::Image(i.image_id.clone()),
        Key::Type(i.instance_type.clone()),
        Key::Series(Atom::new(series(&i.instance_type))),
        Key::Status(i.status),
    ];
    for (k, v) in &i.tags {
        keys.push(Key::TagName(k.as_str().into()));
        keys.push(Key::Tag(k.as_str().into(), v.as_str().into()));
    }
    let mut grams: Vec<[u8; 3]> = trigrams(&i.name).collect();
    grams.sort_unstable();
    grams.dedup();
    keys.extend(grams.into_iter().map(Key::Trigram));
    keys
}

/// The family of an instance type.
pub fn series(instance_type: &str) -> &str {
    instance_type.split('.').next().unwrap_or(instance_type)
}

fn trigrams(s: &str) -> impl Iterator<Item = [u8; 3]> + '_ {
    s.as_bytes()
        .windows(3)
        .map(|w| [w[0], w[1], w[2]].map(|b| b.to_ascii_lowercase()))
}

fn addresses(i: &Instance) -> impl Iterator<Item = u32> {
    std::iter::once(u32::from(i.private_ipv4)).chain(i.public_ipv4.map(u32::from))
}

impl AccountIndex {
    fn overdue(&self, now: Millis) -> bool {
        self.pending.first().is_some_and(|(due, _)| *due <= now)
    }
}

impl crate::kinds::KindIndex<Instance> for InstanceIndex {
    fn get(&self, ordinal: u64) -> Option<&Instance> {
        self.by_id(ordinal)
    }

    fn upsert(&mut self, doc: Instance) {
        InstanceIndex::upsert(self, doc)
    }

    fn remove(&mut self, ordinal: u64) -> Option<Instance> {
        InstanceIndex::remove(self, ordinal)
    }

    fn in_group(&self, account: AccountId, group: &str) -> usize {
        self.group_size(account, group)
    }

    fn by_public(&self, id: &str) -> Option<&Instance> {
        zec_core::ids::parse_id(id).and_then(|o| self.by_id(o))
    }

    fn reserve(&mut self, n: usize) {
        self.instances.reserve(n);
    }

    fn each(&self, account: Option<AccountId>, f: &mut dyn FnMut(&Instance)) {
        self.instances
            .values()
            .filter(|i| account.is_none_or(|a| i.account == a))
            .for_each(|i| f(i));
    }
}

impl InstanceIndex {
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

    /// How many instances (in any status) a resource group of the account holds.
    pub fn group_size(&self, account: AccountId, group: &str) -> usize {
        self.accounts
            .get(&account)
            .map_or(0, |a| a.postings.list_len(&Key::Group(Atom::new(group))))
    }

    /// Inserts or replaces an instance.
    pub fn upsert(&mut self, instance: Instance) {
        let id = instance.id;
        let acct = self.accounts.entry(instance.account).or_default();
        let new_keys = keys(&instance);
        let old_pending = match self.instances.get(&id) {
            Some(old) => {
                for a in addresses(old) {
                    acct.addresses.remove(&a);
                }
                let old_keys = keys(old);
                let gone: Vec<Key> = old_keys
                    .iter()
                    .filter(|k| !new_keys.contains(k))
                    .cloned()
                    .collect();
                let added: Vec<Key> = new_keys
                    .into_iter()
                    .filter(|k| !old_keys.contains(k))
                    .collect();
                acct.postings.relist(id, gone, added);
                old.pending
            }
            None => {
                acct.postings.insert(id, new_keys);
                None
            }
        };
        for a in addresses(&instance) {
            acct.addresses.insert(a, id);
        }
        if let Some(p) = old_pending {
            acct.pending.remove(&(p.due, id));
        }
        acct.purging.remove(&id);
        if let Some(p) = instance.pending {
            acct.pending.insert((p.due, id));
            if p.outcome == Target::Purged {
                acct.purging.insert(id);
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
            acct.postings.remove(id, keys(&instance));
            for a in addresses(&instance) {
                acct.addresses.remove(&a);
            }
            if let Some(p) = instance.pending {
                acct.pending.remove(&(p.due, id));
            }
            acct.purging.remove(&id);
        }
        Some(instance)
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

    /// Whole instances, for DescribeInstances: borrowed from the index, or settled copies of
    /// those whose phase has ended since the writer last wrote them.
    pub fn list_instances(
        &self,
        account: AccountId,
        q: &InstanceQuery,
        page: Page,
        now: Millis,
    ) -> Listing<std::borrow::Cow<'_, Instance>> {
        self.list(account, q, page, now, |i, status| {
            if i.status == status {
                std::borrow::Cow::Borrowed(i)
            } else {
                let mut i = i.clone();
                i.settle(now);
                std::borrow::Cow::Owned(i)
            }
        })
    }

    fn list<'a, T>(
        &'a self,
        account: AccountId,
        q: &InstanceQuery,
        page: Page,
        now: Millis,
        row: impl Fn(&'a Instance, InstanceStatus) -> T,
    ) -> Listing<T> {
        let Some(acct) = self.accounts.get(&account) else {
            return Listing::empty();
        };
        let plan = Plan::new(acct, q, now);
        let range = page.range(usize::MAX);
        let mut total = 0usize;
        let mut items = Vec::new();
        // A candidate no bitmap vouches for: checked against the query, counted, and kept
        // if it falls on the page.
        let mut check = |id: u64| {
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
        let keys = match plan.source {
            // Listed ids, or the owner of an address.
            Source::Ids(ids) => {
                ids.into_iter().for_each(&mut check);
                return Listing {
                    total: total as u64,
                    items,
                };
            }
            Source::Keys(keys) => keys,
        };
        let gone = self.gone(acct, q, now);
        if plan.residual {
            // Filters the bitmaps only narrow: each candidate checked, in creation order.
            acct.postings.each(&keys, &gone, &mut check);
            return Listing {
                total: total as u64,
                items,
            };
        }
        // The bitmaps are the answer: counted exactly, and the page reached by position.
        let (total, ids) = acct.postings.page(&keys, &gone, range);
        let items = ids
            .into_iter()
            .filter_map(|id| {
                let i = self.instances.get(&id)?;
                status_now(i, now).map(|s| row(i, s))
            })
            .collect();
        Listing {
            total: total as u64,
            items,
        }
    }

    /// The account's instances whose removal is due by `now` (not yet written down).
    pub fn purged_by(&self, account: AccountId, now: Millis) -> Vec<u64> {
        self.accounts.get(&account).map_or_else(Vec::new, |acct| {
            acct.purging
                .iter()
                .copied()
                .filter(|id| {
                    self.instances
                        .get(id)
                        .is_some_and(|i| status_now(i, now).is_none())
                })
                .collect()
        })
    }

    /// Slots of the instances matching the query whose removal is due: no longer listed,
    /// even before the writer deletes them.
    fn gone(&self, acct: &AccountIndex, q: &InstanceQuery, now: Millis) -> roaring::RoaringBitmap {
        acct.postings
            .slots_of(acct.purging.iter().copied().filter(|id| {
                self.instances
                    .get(id)
                    .is_some_and(|i| status_now(i, now).is_none() && q.matches(i, i.status))
            }))
    }
}

/// Where a query's candidates come from.
enum Source {
    /// Listed ids (sorted, deduplicated), or the owners of an address.
    Ids(Vec<u64>),
    /// The filter values whose bitmaps are ANDed; none: every instance.
    Keys(Vec<Key>),
}

struct Plan {
    source: Source,
    /// Whether each candidate must still be checked against the query (filters no bitmap
    /// answers exactly: name substrings, several allowed groups, statuses while a phase is
    /// overdue, IPv6 addresses).
    residual: bool,
}

impl Plan {
    fn new(acct: &AccountIndex, q: &InstanceQuery, now: Millis) -> Self {
        if let Some(ids) = &q.ids {
            let mut ids = ids.clone();
            ids.sort_unstable();
            ids.dedup();
            return Plan {
                source: Source::Ids(ids),
                residual: true,
            };
        }
        if let Some(ip) = q.ipv4 {
            let owner = acct.addresses.get(&u32::from(ip)).copied();
            return Plan {
                source: Source::Ids(owner.into_iter().collect()),
                residual: true,
            };
        }
        let mut keys: Vec<Key> = Vec::new();
        let mut residual = false;
        keys.extend(
            q.resource_group_id
                .as_deref()
                .map(|g| Key::Group(Atom::new(g))),
        );
        keys.extend(q.zone_id.as_deref().map(|z| Key::Zone(Atom::new(z))));
        keys.extend(q.image_id.as_deref().map(|i| Key::Image(Atom::new(i))));
        keys.extend(q.instance_type.as_deref().map(|t| Key::Type(Atom::new(t))));
        keys.extend(
            q.instance_type_series
                .as_deref()
                .map(|s| Key::Series(Atom::new(s))),
        );
        keys.extend(q.tag_keys.iter().map(|k| Key::TagName(k.as_str().into())));
        keys.extend(
            q.tags
                .iter()
                .map(|(k, v)| Key::Tag(k.as_str().into(), v.as_str().into())),
        );
        if let Some(s) = q.status {
            // Stored statuses lag behind phases that have come due but are not written yet.
            if acct.overdue(now) {
                residual = true;
            } else {
                keys.push(Key::Status(s));
            }
        }
        if let Some(name) = &q.name {
            // The trigrams narrow; the substring itself is checked on each candidate (and a
            // substring shorter than three letters has none).
            residual = true;
            keys.extend(trigrams(name).map(Key::Trigram));
        }
        match q.allowed_groups.as_deref() {
            None => {}
            Some([only]) => keys.push(Key::Group(only.clone())),
            Some(_) => residual = true,
        }
        if q.ipv6.is_some() {
            residual = true;
        }
        keys.sort_unstable();
        keys.dedup();
        Plan {
            source: Source::Keys(keys),
            residual,
        }
    }
}

#[cfg(test)]
mod tests;
