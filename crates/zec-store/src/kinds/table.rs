//! The generic index of a kind: every document by ordinal and by public id, each account's in
//! creation order, one ordered list per `(field, value)` the kind is filtered by, and counts
//! per resource group. A page and its total cost the page (one filter) or a walk of the
//! shortest intersection (several), never the whole account.

use super::{Document, KindIndex};
use crate::ordered::{OrderedIds, intersect};
use crate::query::Listing;
use std::collections::HashMap;
use zec_core::AccountId;

type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

pub struct Table<D> {
    docs: Map<u64, D>,
    by_id: Map<Box<str>, u64>,
    accounts: Map<AccountId, OrderedIds>,
    lists: Map<(AccountId, &'static str, Box<str>), OrderedIds>,
    groups: Map<(AccountId, Box<str>), usize>,
}

impl<D> Default for Table<D> {
    fn default() -> Self {
        Self {
            docs: Map::default(),
            by_id: Map::default(),
            accounts: Map::default(),
            lists: Map::default(),
            groups: Map::default(),
        }
    }
}

impl<D: Document> Table<D> {
    /// A document of the account, by the id clients know.
    pub fn by_id(&self, account: AccountId, id: &str) -> Option<&D> {
        self.by_id
            .get(id)
            .and_then(|o| self.docs.get(o))
            .filter(|d| d.account() == account)
    }

    /// The account's documents, in creation order.
    pub fn of_account(&self, account: AccountId) -> impl Iterator<Item = &D> {
        self.accounts
            .get(&account)
            .into_iter()
            .flat_map(|ids| ids.iter())
            .filter_map(|o| self.docs.get(&o))
    }

    /// A page of the account's documents listed under every `(field, value)` given (all of
    /// them without filters) that `also` accepts, in creation order, and how many there are.
    #[cfg(test)]
    pub fn list<'a>(
        &'a self,
        account: AccountId,
        filters: &[(&'static str, &str)],
        also: impl Fn(&D) -> bool,
        page: zec_core::Page,
    ) -> Listing<&'a D> {
        self.list_range(account, filters, also, page.range(usize::MAX))
    }

    /// Like [`Table::list`], for the positions `range` of the matching documents.
    pub fn list_range<'a>(
        &'a self,
        account: AccountId,
        filters: &[(&'static str, &str)],
        also: impl Fn(&D) -> bool,
        range: std::ops::Range<usize>,
    ) -> Listing<&'a D> {
        static EMPTY: OrderedIds = OrderedIds::new();
        let Some(all) = self.accounts.get(&account) else {
            return Listing::empty();
        };
        let lists: Vec<&OrderedIds> = filters
            .iter()
            .map(|(f, v)| {
                self.lists
                    .get(&(account, *f, Box::from(*v)))
                    .unwrap_or(&EMPTY)
            })
            .collect();
        let mut total = 0usize;
        let mut items = Vec::new();
        let mut visit = |o: u64| {
            let Some(d) = self.docs.get(&o) else { return };
            if !also(d) {
                return;
            }
            if range.contains(&total) {
                items.push(d);
            }
            total += 1;
        };
        match lists.len() {
            0 => all.iter().for_each(&mut visit),
            1 => lists[0].iter().for_each(&mut visit),
            _ => intersect(&lists).for_each(&mut visit),
        }
        Listing {
            total: total as u64,
            items,
        }
    }

    /// The account's documents listed under `(field, value)`, in creation order.
    pub fn listed(
        &self,
        account: AccountId,
        field: &'static str,
        value: &str,
    ) -> impl Iterator<Item = &D> {
        self.lists
            .get(&(account, field, Box::from(value)))
            .into_iter()
            .flat_map(|ids| ids.iter())
            .filter_map(|o| self.docs.get(&o))
    }

    /// How many documents the account has.
    pub fn count(&self, account: AccountId) -> usize {
        self.accounts.get(&account).map_or(0, |ids| ids.len())
    }

    /// A document of any account, by the id clients know (ids are unique store-wide).
    pub fn by_public_id(&self, id: &str) -> Option<&D> {
        self.by_id.get(id).and_then(|o| self.docs.get(o))
    }

    fn unlist(&mut self, d: &D) {
        let (account, ordinal) = (d.account(), d.ordinal());
        if let Some(ids) = self.accounts.get_mut(&account) {
            ids.remove(ordinal);
        }
        for (field, value) in d.keys() {
            let key = (account, field, value.into_boxed_str());
            if let Some(list) = self.lists.get_mut(&key) {
                list.remove(ordinal);
                if list.len() == 0 {
                    self.lists.remove(&key);
                }
            }
        }
        if let Some(g) = d.resource_group() {
            let key = (account, Box::from(g));
            if let Some(n) = self.groups.get_mut(&key) {
                *n = n.saturating_sub(1);
            }
        }
        self.by_id.remove(&*d.public_id());
    }

    fn enlist(&mut self, d: &D) {
        let (account, ordinal) = (d.account(), d.ordinal());
        self.accounts.entry(account).or_default().insert(ordinal);
        for (field, value) in d.keys() {
            self.lists
                .entry((account, field, value.into_boxed_str()))
                .or_default()
                .insert(ordinal);
        }
        if let Some(g) = d.resource_group() {
            *self.groups.entry((account, Box::from(g))).or_default() += 1;
        }
        self.by_id.insert(d.public_id().into(), ordinal);
    }
}

impl<D: Document> KindIndex<D> for Table<D> {
    fn get(&self, ordinal: u64) -> Option<&D> {
        self.docs.get(&ordinal)
    }

    fn upsert(&mut self, doc: D) {
        if let Some(old) = self.docs.remove(&doc.ordinal()) {
            self.unlist(&old);
        }
        self.enlist(&doc);
        self.docs.insert(doc.ordinal(), doc);
    }

    fn remove(&mut self, ordinal: u64) -> Option<D> {
        let old = self.docs.remove(&ordinal)?;
        self.unlist(&old);
        Some(old)
    }

    fn in_group(&self, account: AccountId, group: &str) -> usize {
        self.groups
            .get(&(account, Box::from(group)))
            .copied()
            .unwrap_or(0)
    }

    fn by_public(&self, id: &str) -> Option<&D> {
        self.by_public_id(id)
    }

    fn each(&self, account: Option<AccountId>, f: &mut dyn FnMut(&D)) {
        match account {
            Some(a) => self.of_account(a).for_each(f),
            None => self.docs.values().for_each(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::ResourceGroup;
    use std::borrow::Cow;
    use zec_core::Page;

    /// A document with filters, for the table's own tests.
    #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Thing {
        ordinal: u64,
        account: AccountId,
        colour: String,
        group: String,
    }

    impl Document for Thing {
        const KIND: crate::kinds::KindId = crate::kinds::KindId::ResourceGroup;
        const TABLE: &'static str = "things";
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
            Cow::Owned(format!("thing-{}", self.ordinal))
        }
        fn resource_group(&self) -> Option<&str> {
            Some(&self.group)
        }
        fn keys(&self) -> Vec<(&'static str, String)> {
            vec![
                ("colour", self.colour.clone()),
                ("group", self.group.clone()),
            ]
        }
    }

    fn thing(ordinal: u64, account: AccountId, colour: &str, group: &str) -> Thing {
        Thing {
            ordinal,
            account,
            colour: colour.into(),
            group: group.into(),
        }
    }

    #[test]
    fn lists_filter_page_and_count_in_creation_order() {
        let mut t = Table::default();
        for n in 1..=10u64 {
            let colour = if n % 2 == 0 { "red" } else { "blue" };
            let group = if n <= 5 { "a" } else { "b" };
            t.upsert(thing(n, 1, colour, group));
        }
        t.upsert(thing(11, 2, "red", "a"));
        let page = |size, num| Page::from_request(Some(size), Some(num)).unwrap();
        let ords = |l: Listing<&Thing>| l.items.iter().map(|d| d.ordinal).collect::<Vec<_>>();
        let all = t.list(1, &[], |_| true, page(3, 2));
        assert_eq!(all.total, 10);
        assert_eq!(ords(all), [4, 5, 6]);
        let red = t.list(1, &[("colour", "red")], |_| true, page(20, 1));
        assert_eq!((red.total, ords(red)), (5, vec![2, 4, 6, 8, 10]));
        let red_b = t.list(
            1,
            &[("colour", "red"), ("group", "b")],
            |_| true,
            page(20, 1),
        );
        assert_eq!(ords(red_b), [6, 8, 10]);
        let odd = t.list(1, &[("group", "a")], |d| d.ordinal % 2 == 1, page(20, 1));
        assert_eq!(ords(odd), [1, 3, 5]);
        assert_eq!(t.in_group(1, "a"), 5);
        assert_eq!(t.by_id(1, "thing-3").map(|d| d.ordinal), Some(3));
        assert_eq!(t.by_id(2, "thing-3"), None, "another account's");
        // A change moves a document between lists; a removal takes it off every list.
        t.upsert(thing(2, 1, "blue", "b"));
        assert_eq!(
            t.list(1, &[("colour", "red")], |_| true, page(20, 1)).total,
            4
        );
        assert_eq!(t.in_group(1, "a"), 4);
        t.remove(2);
        assert_eq!(t.list(1, &[], |_| true, page(20, 1)).total, 9);
        assert_eq!(t.in_group(1, "b"), 5);
        assert!(t.by_id(1, "thing-2").is_none());
        let _ = std::marker::PhantomData::<ResourceGroup>;
    }
}
