//! The generic index of a kind: every document by ordinal and by public id, each account's in
//! creation order with a compressed bitmap per `(field, value)` the kind is filtered by, and
//! counts per resource group. A page and its total cost the page and an AND of bitmaps, never
//! a walk of the account (unless a filter no bitmap answers is given: `also`).

use super::{Document, KindIndex};
use crate::Map;
use crate::postings::Postings;
use crate::query::Listing;
use std::collections::BTreeSet;
use std::collections::hash_map::Entry;
use zec_core::{AccountId, Millis};

pub struct Table<D> {
    /// Boxed: a hash table holds its values inline and sizes itself to a power of two.
    docs: Map<u64, Box<D>>,
    by_id: Map<Box<str>, u64>,
    accounts: Map<AccountId, Postings<(&'static str, Box<str>)>>,
    /// How many of each account's documents are in each resource group.
    groups: Map<AccountId, Map<Box<str>, usize>>,
    /// Phases under way, by deadline: a document's liveness changes only when one ends.
    dues: BTreeSet<(Millis, u64)>,
    /// Documents by the value of their [`Document::OWNER`] field, in creation order.
    owners: Map<u64, Owned>,
}

/// The documents of one owner: nearly always one (an instance's NIC, its system disk).
enum Owned {
    One(u64),
    Many(Box<[u64]>),
}

impl Owned {
    fn as_slice(&self) -> &[u64] {
        match self {
            Owned::One(o) => std::slice::from_ref(o),
            Owned::Many(v) => v,
        }
    }
}

impl<D> Default for Table<D> {
    fn default() -> Self {
        Self {
            docs: Map::default(),
            by_id: Map::default(),
            accounts: Map::default(),
            groups: Map::default(),
            dues: BTreeSet::new(),
            owners: Map::default(),
        }
    }
}

impl<D: Document> Table<D> {
    fn doc(&self, ordinal: u64) -> Option<&D> {
        self.docs.get(&ordinal).map(|d| &**d)
    }

    /// A document of the account, by the id clients know.
    pub fn by_id(&self, account: AccountId, id: &str) -> Option<&D> {
        self.by_public_id(id).filter(|d| d.account() == account)
    }

    /// The account's documents, in creation order.
    pub fn of_account(&self, account: AccountId) -> impl Iterator<Item = &D> {
        self.accounts
            .get(&account)
            .into_iter()
            .flat_map(|p| p.all())
            .filter_map(|o| self.doc(o))
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
        self.list_range(account, filters, &[], Some(&also), page.range(usize::MAX))
    }

    /// Like [`Table::list`], for the positions `range` of the matching documents, leaving out
    /// `gone` (documents whose removal is due). Without `also` the bitmaps are the answer:
    /// counted exactly and the page reached by position, whatever the account's size.
    pub fn list_range<'a>(
        &'a self,
        account: AccountId,
        filters: &[(&'static str, &str)],
        gone: &[u64],
        also: Option<&dyn Fn(&D) -> bool>,
        range: std::ops::Range<usize>,
    ) -> Listing<&'a D> {
        let Some(postings) = self.accounts.get(&account) else {
            return Listing::empty();
        };
        if let Some(owner) = D::OWNER
            && let Some((_, value)) = filters.iter().find(|(f, _)| *f == owner)
        {
            // The owner's few documents, each checked against the other filters.
            if filters.iter().any(|(f, v)| *f == owner && v != value) {
                return Listing::empty();
            }
            let rest: Vec<(&'static str, Box<str>)> = filters
                .iter()
                .filter(|(f, _)| *f != owner)
                .map(|(f, v)| (*f, Box::from(*v)))
                .collect();
            let mut total = 0usize;
            let mut items = Vec::new();
            for d in self.owned(value).iter().filter_map(|o| self.doc(*o)) {
                if d.account() != account
                    || gone.contains(&d.ordinal())
                    || !rest.iter().all(|k| postings.holds(d.ordinal(), k))
                    || also.is_some_and(|also| !also(d))
                {
                    continue;
                }
                if range.contains(&total) {
                    items.push(d);
                }
                total += 1;
            }
            return Listing {
                total: total as u64,
                items,
            };
        }
        let keys: Vec<(&'static str, Box<str>)> =
            filters.iter().map(|(f, v)| (*f, Box::from(*v))).collect();
        let gone = postings.slots_of(gone.iter().copied());
        let Some(also) = also else {
            let (total, ordinals) = postings.page(&keys, &gone, range);
            let items = ordinals.into_iter().filter_map(|o| self.doc(o)).collect();
            return Listing {
                total: total as u64,
                items,
            };
        };
        let mut total = 0usize;
        let mut items = Vec::new();
        postings.each(&keys, &gone, |o| {
            let Some(d) = self.doc(o) else { return };
            if !also(d) {
                return;
            }
            if range.contains(&total) {
                items.push(d);
            }
            total += 1;
        });
        Listing {
            total: total as u64,
            items,
        }
    }

    /// Documents whose phase under way has ended by `now` (the writer has not written it
    /// down yet): the only ones whose liveness may differ from what the lists say.
    pub fn due_by(&self, now: Millis) -> impl Iterator<Item = &D> {
        self.dues
            .range(..=(now, u64::MAX))
            .filter_map(|(_, o)| self.doc(*o))
    }

    /// The account's documents listed under `(field, value)`, in creation order.
    pub fn listed(
        &self,
        account: AccountId,
        field: &'static str,
        value: &str,
    ) -> impl Iterator<Item = &D> {
        let by_owner = D::OWNER == Some(field);
        let owned = if by_owner { self.owned(value) } else { &[] };
        let key = (field, Box::from(value));
        self.accounts
            .get(&account)
            .filter(|_| !by_owner)
            .into_iter()
            .flat_map(move |p| p.listed(&key))
            .chain(owned.iter().copied())
            .filter_map(|o| self.doc(o))
            .filter(move |d| d.account() == account)
    }

    /// The account's documents whose [`Document::OWNER`] is `owner`, in creation order.
    pub fn owned_by(&self, account: AccountId, owner: u64) -> impl Iterator<Item = &D> {
        self.owned_ordinals(owner)
            .iter()
            .filter_map(|o| self.doc(*o))
            .filter(move |d| d.account() == account)
    }

    /// The documents whose [`Document::OWNER`] field is `value` (an ordinal's digits), in
    /// creation order, of every account.
    fn owned(&self, value: &str) -> &[u64] {
        value
            .parse::<u64>()
            .ok()
            .filter(|n| itoa::Buffer::new().format(*n) == value)
            .map_or(&[], |o| self.owned_ordinals(o))
    }

    fn owned_ordinals(&self, owner: u64) -> &[u64] {
        self.owners.get(&owner).map_or(&[], Owned::as_slice)
    }

    fn own(&mut self, owner: u64, ordinal: u64) {
        match self.owners.entry(owner) {
            Entry::Vacant(v) => {
                v.insert(Owned::One(ordinal));
            }
            Entry::Occupied(mut e) => {
                let mut all = e.get().as_slice().to_vec();
                if let Err(at) = all.binary_search(&ordinal) {
                    all.insert(at, ordinal);
                    e.insert(Owned::Many(all.into()));
                }
            }
        }
    }

    fn disown(&mut self, owner: u64, ordinal: u64) {
        let Entry::Occupied(mut e) = self.owners.entry(owner) else {
            return;
        };
        let left: Vec<u64> = e
            .get()
            .as_slice()
            .iter()
            .copied()
            .filter(|o| *o != ordinal)
            .collect();
        match left.as_slice() {
            [] => {
                e.remove();
            }
            [one] => {
                e.insert(Owned::One(*one));
            }
            _ => {
                e.insert(Owned::Many(left.into()));
            }
        }
    }

    /// How many documents the account has.
    pub fn count(&self, account: AccountId) -> usize {
        self.accounts.get(&account).map_or(0, |p| p.len())
    }

    /// A document of any account, by the id clients know (ids are unique store-wide).
    pub fn by_public_id(&self, id: &str) -> Option<&D> {
        let ordinal = if D::ID_IS_ORDINAL {
            zec_core::ids::parse_id(id)
        } else {
            self.by_id.get(id).copied()
        };
        ordinal.and_then(|o| self.doc(o))
    }

    /// The filter lists a document is in (its owner is kept apart: [`Table::owned`]).
    fn keys(d: &D) -> Vec<(&'static str, Box<str>)> {
        d.keys()
            .into_iter()
            .filter(|(f, _)| D::OWNER != Some(*f))
            .map(|(f, v)| (f, v.into_boxed_str()))
            .collect()
    }

    fn unlist(&mut self, d: &D) {
        let account = d.account();
        if let Some(p) = self.accounts.get_mut(&account) {
            p.remove(d.ordinal(), Self::keys(d));
            if p.is_empty() {
                self.accounts.remove(&account);
            }
        }
        self.count_group(d, false);
        if let Some(due) = d.due() {
            self.dues.remove(&(due, d.ordinal()));
        }
        if !D::ID_IS_ORDINAL {
            self.by_id.remove(&*d.public_id());
        }
        if let Some(owner) = d.owner() {
            self.disown(owner, d.ordinal());
        }
    }

    fn enlist(&mut self, d: &D) {
        self.accounts
            .entry(d.account())
            .or_default()
            .insert(d.ordinal(), Self::keys(d));
        self.count_group(d, true);
        if let Some(due) = d.due() {
            self.dues.insert((due, d.ordinal()));
        }
        if !D::ID_IS_ORDINAL {
            self.by_id.insert(d.public_id().into(), d.ordinal());
        }
        if let Some(owner) = d.owner() {
            self.own(owner, d.ordinal());
        }
    }

    /// A document changed in place: its lists, group count and public id follow.
    fn relist(&mut self, old: &D, new: &D) {
        let (before, after) = (Self::keys(old), Self::keys(new));
        let gone: Vec<_> = before
            .iter()
            .filter(|k| !after.contains(k))
            .cloned()
            .collect();
        let added: Vec<_> = after.into_iter().filter(|k| !before.contains(k)).collect();
        if let Some(p) = self.accounts.get_mut(&new.account()) {
            p.relist(new.ordinal(), gone, added);
        }
        if old.due() != new.due() {
            if let Some(due) = old.due() {
                self.dues.remove(&(due, old.ordinal()));
            }
            if let Some(due) = new.due() {
                self.dues.insert((due, new.ordinal()));
            }
        }
        if old.resource_group() != new.resource_group() {
            self.count_group(old, false);
            self.count_group(new, true);
        }
        if !D::ID_IS_ORDINAL && old.public_id() != new.public_id() {
            self.by_id.remove(&*old.public_id());
            self.by_id.insert(new.public_id().into(), new.ordinal());
        }
        if old.owner() != new.owner() {
            if let Some(owner) = old.owner() {
                self.disown(owner, old.ordinal());
            }
            if let Some(owner) = new.owner() {
                self.own(owner, new.ordinal());
            }
        }
    }

    fn count_group(&mut self, d: &D, add: bool) {
        let Some(g) = d.resource_group() else { return };
        let account = d.account();
        if add {
            let counts = self.groups.entry(account).or_default();
            match counts.get_mut(g) {
                Some(n) => *n += 1,
                None => {
                    counts.insert(g.into(), 1);
                }
            }
        } else if let Some(counts) = self.groups.get_mut(&account)
            && let Some(n) = counts.get_mut(g)
        {
            *n = n.saturating_sub(1);
            if *n == 0 {
                counts.remove(g);
                if counts.is_empty() {
                    self.groups.remove(&account);
                }
            }
        }
    }
}

impl<D: Document> KindIndex<D> for Table<D> {
    fn get(&self, ordinal: u64) -> Option<&D> {
        self.doc(ordinal)
    }

    fn upsert(&mut self, doc: D) {
        match self.docs.remove(&doc.ordinal()) {
            // Changed in place: it keeps its position in creation order.
            Some(old) if old.account() == doc.account() => self.relist(&old, &doc),
            Some(old) => {
                self.unlist(&old);
                self.enlist(&doc);
            }
            None => self.enlist(&doc),
        }
        self.docs.insert(doc.ordinal(), Box::new(doc));
    }

    fn remove(&mut self, ordinal: u64) -> Option<D> {
        let old = self.docs.remove(&ordinal)?;
        self.unlist(&old);
        Some(*old)
    }

    fn in_group(&self, account: AccountId, group: &str) -> usize {
        self.groups
            .get(&account)
            .and_then(|counts| counts.get(group))
            .copied()
            .unwrap_or(0)
    }

    fn by_public(&self, id: &str) -> Option<&D> {
        self.by_public_id(id)
    }

    fn reserve(&mut self, n: usize) {
        self.docs.reserve(n);
        if D::OWNER.is_some() {
            self.owners.reserve(n);
        }
        if !D::ID_IS_ORDINAL {
            self.by_id.reserve(n);
        }
    }

    fn each(&self, account: Option<AccountId>, f: &mut dyn FnMut(&D)) {
        match account {
            Some(a) => self.of_account(a).for_each(f),
            None => self.docs.values().for_each(|d| f(d)),
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
        holder: Option<u64>,
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
            let mut keys = vec![
                ("colour", self.colour.clone()),
                ("group", self.group.clone()),
            ];
            keys.extend(self.holder.map(|h| ("holder", h.to_string())));
            keys
        }
        const OWNER: Option<&'static str> = Some("holder");
        fn owner(&self) -> Option<u64> {
            self.holder
        }
    }

    fn thing(ordinal: u64, account: AccountId, colour: &str, group: &str) -> Thing {
        Thing {
            ordinal,
            account,
            colour: colour.into(),
            group: group.into(),
            holder: None,
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

    #[test]
    fn resource_group_counts_are_kept_per_account() {
        let mut t = Table::default();
        t.upsert(thing(1, 1, "red", "a"));
        t.upsert(thing(2, 2, "red", "a"));
        t.upsert(thing(3, 1, "red", "b"));
        let counts = |t: &Table<Thing>| {
            [(1, "a"), (2, "a"), (1, "b"), (2, "b")].map(|(account, g)| t.in_group(account, g))
        };
        assert_eq!(counts(&t), [1, 1, 1, 0]);
        // Moved to another group, then out of the account's groups altogether.
        t.upsert(thing(1, 1, "red", "b"));
        assert_eq!(counts(&t), [0, 1, 2, 0]);
        t.remove(1);
        t.remove(3);
        assert_eq!(counts(&t), [0, 1, 0, 0]);
        assert!(
            !t.groups.contains_key(&1),
            "an account with nothing in a group keeps no counts"
        );
    }

    #[test]
    fn documents_are_found_and_filtered_by_their_owner() {
        let mut t = Table::default();
        let held = |ordinal, account, colour, holder| Thing {
            holder: Some(holder),
            ..thing(ordinal, account, colour, "a")
        };
        t.upsert(held(1, 1, "red", 100));
        t.upsert(held(2, 1, "blue", 100));
        t.upsert(held(3, 1, "red", 200));
        t.upsert(thing(4, 1, "red", "a"));
        t.upsert(held(5, 2, "red", 100));
        let page = |size, num| Page::from_request(Some(size), Some(num)).unwrap();
        let ords = |l: Listing<&Thing>| l.items.iter().map(|d| d.ordinal).collect::<Vec<_>>();
        let listed = |t: &Table<Thing>, account, value| {
            t.listed(account, "holder", value)
                .map(|d| d.ordinal)
                .collect::<Vec<_>>()
        };
        assert_eq!(listed(&t, 1, "100"), [1, 2]);
        assert_eq!(listed(&t, 2, "100"), [5], "each account its own");
        let by_ordinal: Vec<u64> = t.owned_by(1, 100).map(|d| d.ordinal).collect();
        assert_eq!(
            by_ordinal,
            [1, 2],
            "by the owner's ordinal, as by its digits"
        );
        assert_eq!(
            listed(&t, 1, "0100"),
            Vec::<u64>::new(),
            "digits as written"
        );
        assert_eq!(listed(&t, 1, "x"), Vec::<u64>::new());
        // With the other filters, gone documents, a predicate and a page.
        let red = t.list(
            1,
            &[("holder", "100"), ("colour", "red")],
            |_| true,
            page(20, 1),
        );
        assert_eq!((red.total, ords(red)), (1, vec![1]));
        let both = t.list(1, &[("holder", "100")], |_| true, page(1, 2));
        assert_eq!((both.total, ords(both)), (2, vec![2]));
        let kept = t.list_range(1, &[("holder", "100")], &[1], None, 0..20);
        assert_eq!((kept.total, ords(kept)), (1, vec![2]));
        let blue = t.list(1, &[("holder", "100")], |d| d.colour == "blue", page(20, 1));
        assert_eq!(ords(blue), [2]);
        let two = t.list(
            1,
            &[("holder", "100"), ("holder", "200")],
            |_| true,
            page(20, 1),
        );
        assert_eq!(two.total, 0, "two owners at once");
        let none = t.list(
            1,
            &[("holder", "100"), ("colour", "green")],
            |_| true,
            page(20, 1),
        );
        assert_eq!(none.total, 0);
        // A document that changes owner, one that loses it, one removed.
        t.upsert(held(1, 1, "red", 200));
        assert_eq!(listed(&t, 1, "100"), [2]);
        assert_eq!(listed(&t, 1, "200"), [1, 3]);
        t.upsert(thing(3, 1, "red", "a"));
        assert_eq!(listed(&t, 1, "200"), [1]);
        t.remove(2);
        assert_eq!(listed(&t, 1, "100"), Vec::<u64>::new());
        assert_eq!(listed(&t, 2, "100"), [5]);
        assert!(t.owners.get(&100).is_some_and(|o| o.as_slice() == [5]));
        assert_eq!(std::mem::size_of::<Owned>(), 16, "an entry of 24 bytes");
        // Owners are not filter lists: red without an owner still counts every red one.
        assert_eq!(
            t.list(1, &[("colour", "red")], |_| true, page(20, 1)).total,
            3
        );
    }
}
