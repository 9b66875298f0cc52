//! Address allocation: private IPv4 addresses per account and subnet, public IPv4 addresses
//! per region pool (shared by all accounts, as public addresses are).

use crate::Map;
use roaring::RoaringBitmap;
use std::net::Ipv4Addr;
use zec_core::cidr::Ipv4Cidr;
use zec_core::{AccountId, Atom, Instance};

#[derive(Debug, Default)]
struct Pool {
    /// The addresses taken, as a bitmap: a region's public pool of a million addresses is
    /// 128 KiB, where a hash set would be several MiB.
    used: RoaringBitmap,
    cursor: u32,
}

impl Pool {
    /// `want` if it is free, else the next free address after the last one handed out.
    fn take(&mut self, range: std::ops::RangeInclusive<u32>, want: Option<u32>) -> Option<u32> {
        if let Some(w) = want
            && range.contains(&w)
            && self.used.insert(w)
        {
            return Some(w);
        }
        let (start, end) = (*range.start(), *range.end());
        let size = u64::from(end - start) + 1;
        if self.used.len() >= size {
            return None;
        }
        let mut at = self.cursor.clamp(start, end);
        loop {
            if self.used.insert(at) {
                self.cursor = if at == end { start } else { at + 1 };
                return Some(at);
            }
            at = if at == end { start } else { at + 1 };
        }
    }

    fn release(&mut self, addr: u32) {
        self.used.remove(addr);
    }
}

#[derive(Debug, Default)]
pub struct Allocator {
    private: Map<(AccountId, Atom), Pool>,
    public: Map<Ipv4Cidr, Pool>,
}

impl Allocator {
    /// A private address in the account's subnet; `want` (a `lanIp`) if it is free.
    pub fn private(
        &mut self,
        account: AccountId,
        subnet_id: &str,
        cidr: Ipv4Cidr,
        want: Option<Ipv4Addr>,
    ) -> Option<Ipv4Addr> {
        self.private
            .entry((account, Atom::new(subnet_id)))
            .or_default()
            .take(cidr.assignable(), want.map(u32::from))
            .map(Ipv4Addr::from)
    }

    pub fn public(&mut self, pool: Ipv4Cidr) -> Option<Ipv4Addr> {
        let range = u32::from(pool.network()) + 1..=u32::from(pool.broadcast()) - 1;
        self.public
            .entry(pool)
            .or_default()
            .take(range, None)
            .map(Ipv4Addr::from)
    }

    /// Takes a private address of the account's subnet: `want` exactly (`None` if it is
    /// taken), or, without a wish, the next free one.
    pub fn take_private(
        &mut self,
        account: AccountId,
        subnet_id: &str,
        cidr: Ipv4Cidr,
        want: Option<Ipv4Addr>,
    ) -> Option<Ipv4Addr> {
        let pool = self
            .private
            .entry((account, Atom::new(subnet_id)))
            .or_default();
        match want {
            Some(w) => pool.used.insert(u32::from(w)).then_some(w),
            None => pool.take(cidr.assignable(), None).map(Ipv4Addr::from),
        }
    }

    /// Whether a private address of the account's subnet is taken.
    pub fn private_taken(&self, account: AccountId, subnet_id: &str, addr: Ipv4Addr) -> bool {
        self.private
            .get(&(account, Atom::new(subnet_id)))
            .is_some_and(|p| p.used.contains(u32::from(addr)))
    }

    /// Marks a private address as taken (a document holding it is loaded or learnt).
    pub fn claim_private(&mut self, account: AccountId, subnet_id: &str, addr: Ipv4Addr) {
        let pool = self
            .private
            .entry((account, Atom::new(subnet_id)))
            .or_default();
        pool.used.insert(u32::from(addr));
        pool.cursor = pool.cursor.max(u32::from(addr) + 1);
    }

    pub fn free_private(&mut self, account: AccountId, subnet_id: &str, addr: Ipv4Addr) {
        if let Some(pool) = self.private.get_mut(&(account, Atom::new(subnet_id))) {
            pool.release(u32::from(addr));
        }
    }

    /// Marks a public address as taken.
    pub fn claim_public(&mut self, pool: Ipv4Cidr, addr: Ipv4Addr) {
        let p = self.public.entry(pool).or_default();
        p.used.insert(u32::from(addr));
        p.cursor = p.cursor.max(u32::from(addr) + 1);
    }

    pub fn free_public(&mut self, pool: Ipv4Cidr, addr: Ipv4Addr) {
        if let Some(p) = self.public.get_mut(&pool) {
            p.release(u32::from(addr));
        }
    }

    /// Marks an existing instance's addresses as taken (at load).
    pub fn claim(&mut self, i: &Instance, public_pool: Option<Ipv4Cidr>) {
        let pool = self
            .private
            .entry((i.account, i.subnet_id.clone()))
            .or_default();
        pool.used.insert(u32::from(i.private_ipv4));
        pool.cursor = pool.cursor.max(u32::from(i.private_ipv4) + 1);
        if let (Some(ip), Some(cidr)) = (i.public_ipv4, public_pool) {
            let pool = self.public.entry(cidr).or_default();
            pool.used.insert(u32::from(ip));
            pool.cursor = pool.cursor.max(u32::from(ip) + 1);
        }
    }

    /// Frees an instance's addresses (when it is purged).
    pub fn release(&mut self, i: &Instance, public_pool: Option<Ipv4Cidr>) {
        if let Some(pool) = self.private.get_mut(&(i.account, i.subnet_id.clone())) {
            pool.release(u32::from(i.private_ipv4));
        }
        if let (Some(ip), Some(cidr)) = (i.public_ipv4, public_pool)
            && let Some(pool) = self.public.get_mut(&cidr)
        {
            pool.release(u32::from(ip));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hands_out_each_address_once_and_honours_a_free_wish() {
        let cidr: Ipv4Cidr = "10.0.0.0/29".parse().unwrap(); // .2 to .6 assignable
        let mut a = Allocator::default();
        let want = Some(Ipv4Addr::new(10, 0, 0, 5));
        assert_eq!(a.private(1, "s", cidr, want), want);
        let mut got: Vec<_> = (0..4)
            .map(|_| a.private(1, "s", cidr, want).unwrap())
            .collect();
        got.sort();
        assert_eq!(
            got,
            [2, 3, 4, 6].map(|n| Ipv4Addr::new(10, 0, 0, n)).to_vec()
        );
        assert_eq!(a.private(1, "s", cidr, None), None, "subnet is full");
        // Another account has its own address space in the same subnet.
        assert_eq!(
            a.private(2, "s", cidr, None),
            Some(Ipv4Addr::new(10, 0, 0, 2))
        );
    }

    #[test]
    fn released_addresses_come_back() {
        let cidr: Ipv4Cidr = "10.0.0.0/30".parse().unwrap(); // only .2
        let mut a = Allocator::default();
        let ip = a.private(1, "s", cidr, None).unwrap();
        assert_eq!(a.private(1, "s", cidr, None), None);
        a.private
            .get_mut(&(1, "s".into()))
            .unwrap()
            .release(u32::from(ip));
        assert_eq!(a.private(1, "s", cidr, None), Some(ip));
    }

    #[test]
    fn public_addresses_skip_network_and_broadcast() {
        let pool: Ipv4Cidr = "198.18.0.0/30".parse().unwrap();
        let mut a = Allocator::default();
        let mut got = vec![a.public(pool).unwrap(), a.public(pool).unwrap()];
        got.sort();
        assert_eq!(
            got,
            [Ipv4Addr::new(198, 18, 0, 1), Ipv4Addr::new(198, 18, 0, 2)]
        );
        assert_eq!(a.public(pool), None);
    }
}
