//! One account's view of the networks: its own VPCs, subnets, security groups, key pairs and
//! network interfaces, and the catalog's shared ones, as committed at one moment (the indexes'
//! read lock is held while the view lives, so it cannot be kept across an `await`).
//!
//! Lists are served from the indexes: the shared documents first (they are the oldest), then
//! the account's own, in creation order, with the filters the kinds are listed under. A NIC of
//! an instance whose purge has come is already gone here, before the writer writes it down.

use crate::core::Core;
use crate::kinds::{
    Disk, Document, Eip, Indexes, KeyPair, Nic, ResourceGroup, SecurityGroup, Snapshot, Subnet,
    Table, Vpc,
};
use crate::query::Listing;
use std::sync::RwLockReadGuard;
use zec_core::networks::{Networks, SubnetRef};
use zec_core::{AccountId, Atom, Instance, Millis, Page};

/// Filters of a list: `(field, value)` pairs, all of which a document must be listed under.
pub type Filters<'f> = [(&'static str, &'f str)];

pub struct View<'a> {
    indexes: RwLockReadGuard<'a, Indexes>,
    core: &'a Core,
    account: AccountId,
    now: Millis,
    /// The shared VPCs as this account sees them: in its default group.
    shared_vpcs: Vec<Vpc>,
    default_group: ResourceGroup,
}

impl<'a> View<'a> {
    pub(crate) fn new(core: &'a Core, account: AccountId, default_group: ResourceGroup) -> Self {
        let shared_vpcs = core
            .shared
            .vpcs
            .iter()
            .map(|v| Vpc {
                resource_group_id: default_group.id.clone(),
                ..v.clone()
            })
            .collect();
        View {
            indexes: core.indexes(),
            now: core.clock.now(),
            core,
            account,
            shared_vpcs,
            default_group,
        }
    }

    pub fn account(&self) -> AccountId {
        self.account
    }

    /// The account's default resource group.
    pub fn default_group(&self) -> &ResourceGroup {
        &self.default_group
    }

    /// The name of one of the account's resource groups.
    pub fn group_name(&self, id: &str) -> Option<&str> {
        self.indexes
            .groups
            .by_id(self.account, id)
            .map(|g| g.name.as_str())
    }

    /// Whether the catalog marks a shared VPC, subnet or security group as a default.
    pub fn is_default(&self, id: &str) -> bool {
        self.core.shared.is_default(id)
    }

    // ---- one document, the account's or a shared one ----

    pub fn vpc(&self, id: &str) -> Option<&Vpc> {
        self.shared_vpcs
            .iter()
            .find(|v| v.id == id)
            .or_else(|| self.indexes.vpcs.by_id(self.account, id))
    }

    pub fn subnet(&self, id: &str) -> Option<&Subnet> {
        self.core
            .shared
            .subnet(id)
            .or_else(|| self.indexes.subnets.by_id(self.account, id))
    }

    pub fn security_group(&self, id: &str) -> Option<&SecurityGroup> {
        self.core
            .shared
            .security_group(id)
            .or_else(|| self.indexes.security_groups.by_id(self.account, id))
    }

    pub fn key_pair(&self, id: &str) -> Option<&KeyPair> {
        self.indexes.key_pairs.by_id(self.account, id)
    }

    /// A network interface, while it exists.
    pub fn nic(&self, id: &str) -> Option<&Nic> {
        self.indexes
            .nics
            .by_id(self.account, id)
            .filter(|n| self.alive(n))
    }

    /// An instance as it is now (its due phase settled), while it exists.
    pub fn instance(&self, id: u64) -> Option<Instance> {
        let i = self
            .indexes
            .instances
            .get(self.account, id)
            .filter(|i| i.status_at(self.now).is_some())?;
        let mut i = i.clone();
        i.settle(self.now);
        Some(i)
    }

    /// The time the view was taken at.
    pub fn now(&self) -> Millis {
        self.now
    }

    /// A disk, while it exists.
    pub fn disk(&self, id: &str) -> Option<&Disk> {
        self.indexes
            .disks
            .by_id(self.account, id.trim())
            .filter(|d| d.life.at(self.now).is_some())
    }

    /// A snapshot, while it exists.
    pub fn snapshot(&self, id: &str) -> Option<&Snapshot> {
        self.indexes
            .snapshots
            .by_id(self.account, id.trim())
            .filter(|s| s.status_at(self.now).is_some())
    }

    /// An EIP, while it exists.
    pub fn eip(&self, id: &str) -> Option<&Eip> {
        self.indexes
            .eips
            .by_id(self.account, id.trim())
            .filter(|e| e.life.at(self.now).is_some())
    }

    /// An instance's name, while it exists.
    /// A page of the account's instances (DescribeInstances), borrowed from the index.
    pub fn instances(
        &self,
        query: &crate::InstanceQuery,
        page: Page,
    ) -> Listing<std::borrow::Cow<'_, Instance>> {
        self.indexes
            .instances
            .list_instances(self.account, query, page, self.now)
    }

    pub fn instance_name(&self, id: u64) -> Option<&str> {
        self.indexes
            .instances
            .get(self.account, id)
            .filter(|i| i.status_at(self.now).is_some())
            .map(|i| &*i.name)
    }

    /// The disks attached to an instance: its system disk first, then its data disks in the
    /// order they were made.
    pub fn disks_of(&self, instance: u64) -> Vec<&Disk> {
        let mut disks: Vec<&Disk> = self
            .indexes
            .disks
            .owned_by(self.account, instance)
            .filter(|d| d.life.at(self.now).is_some())
            .collect();
        disks.sort_by_key(|d| (!d.system, d.id));
        disks
    }

    /// The NICs of an instance: its primary one first, then those attached.
    pub fn nics_of(&self, instance: u64) -> Vec<&Nic> {
        let mut nics: Vec<&Nic> = self
            .indexes
            .nics
            .owned_by(self.account, instance)
            .filter(|n| self.alive(n))
            .collect();
        nics.sort_by_key(|n| (!n.primary, n.id));
        nics
    }

    /// The EIPs bound to a NIC.
    pub fn eips_on(&self, nic: u64) -> Vec<&Eip> {
        self.indexes
            .eips
            .listed(
                self.account,
                "associatedId",
                itoa::Buffer::new().format(nic),
            )
            .filter(|e| e.life.at(self.now).is_some() && e.binding.is_some())
            .collect()
    }

    /// The primary NIC of an instance.
    pub fn primary_nic(&self, i: &Instance) -> Option<&Nic> {
        use crate::kinds::KindIndex;
        self.indexes.nics.get(i.nic_id)
    }

    /// A NIC exists until its instance's purge has come.
    fn alive(&self, n: &Nic) -> bool {
        n.instance_id.is_none_or(|i| {
            self.indexes
                .instances
                .get(n.account, i)
                .is_some_and(|i| i.status_at(self.now).is_some())
        })
    }

    // ---- lists ----

    pub fn vpcs(
        &self,
        filters: &Filters<'_>,
        also: impl Fn(&Vpc) -> bool,
        page: Page,
    ) -> Listing<&Vpc> {
        let table = &self.indexes.vpcs;
        self.list(
            &self.shared_vpcs,
            table,
            filters,
            Vec::new(),
            Some(&also),
            page,
        )
    }

    pub fn subnets(
        &self,
        filters: &Filters<'_>,
        also: impl Fn(&Subnet) -> bool,
        page: Page,
    ) -> Listing<&Subnet> {
        let (shared, table) = (&self.core.shared.subnets, &self.indexes.subnets);
        self.list(shared, table, filters, Vec::new(), Some(&also), page)
    }

    pub fn security_groups(
        &self,
        filters: &Filters<'_>,
        also: impl Fn(&SecurityGroup) -> bool,
        page: Page,
    ) -> Listing<&SecurityGroup> {
        let shared = &self.core.shared.security_groups;
        let table = &self.indexes.security_groups;
        self.list(shared, table, filters, Vec::new(), Some(&also), page)
    }

    pub fn key_pairs(
        &self,
        filters: &Filters<'_>,
        also: impl Fn(&KeyPair) -> bool,
        page: Page,
    ) -> Listing<&KeyPair> {
        let table = &self.indexes.key_pairs;
        self.list(&[], table, filters, Vec::new(), Some(&also), page)
    }

    /// The account's NICs under every filter that `also` (if any) accepts. Without `also`
    /// the answer is counted from the bitmaps alone, at any size.
    pub fn nics(
        &self,
        filters: &Filters<'_>,
        also: Option<&dyn Fn(&Nic) -> bool>,
        page: Page,
    ) -> Listing<&Nic> {
        let table = &self.indexes.nics;
        // A NIC exists until its instance's purge has come.
        let mut gone: Vec<u64> = Vec::new();
        for i in self.indexes.instances.purged_by(self.account, self.now) {
            gone.extend(table.owned_by(self.account, i).map(|n| n.id));
        }
        self.list(&[], table, filters, gone, also, page)
    }

    /// The account's disks; see [`View::nics`].
    pub fn disks(
        &self,
        filters: &Filters<'_>,
        also: Option<&dyn Fn(&Disk) -> bool>,
        page: Page,
    ) -> Listing<&Disk> {
        let table = &self.indexes.disks;
        let gone = self.due_gone(table, |d: &Disk| d.life.at(self.now).is_some());
        self.list(&[], table, filters, gone, also, page)
    }

    pub fn snapshots(
        &self,
        filters: &Filters<'_>,
        also: impl Fn(&Snapshot) -> bool,
        page: Page,
    ) -> Listing<&Snapshot> {
        let table = &self.indexes.snapshots;
        let gone = self.due_gone(table, |s: &Snapshot| s.status_at(self.now).is_some());
        self.list(&[], table, filters, gone, Some(&also), page)
    }

    pub fn eips(
        &self,
        filters: &Filters<'_>,
        also: impl Fn(&Eip) -> bool,
        page: Page,
    ) -> Listing<&Eip> {
        let table = &self.indexes.eips;
        let gone = self.due_gone(table, |e: &Eip| e.life.at(self.now).is_some());
        self.list(&[], table, filters, gone, Some(&also), page)
    }

    /// The account's documents of a table whose phase has ended by now, leaving them not
    /// `alive`: listed, but no longer there.
    fn due_gone<D: Document>(&self, table: &Table<D>, alive: impl Fn(&D) -> bool) -> Vec<u64> {
        table
            .due_by(self.now)
            .filter(|d| d.account() == self.account && !alive(d))
            .map(Document::ordinal)
            .collect()
    }

    /// The shared documents that match, then a page of the account's own, leaving out
    /// `gone`.
    fn list<'v, D: Document>(
        &'v self,
        shared: &'v [D],
        table: &'v Table<D>,
        filters: &Filters<'_>,
        gone: Vec<u64>,
        also: Option<&dyn Fn(&D) -> bool>,
        page: Page,
    ) -> Listing<&'v D> {
        let shared: Vec<&D> = shared
            .iter()
            .filter(|d| {
                let keys = d.keys();
                filters
                    .iter()
                    .all(|(f, v)| keys.iter().any(|(kf, kv)| kf == f && kv == v))
                    && also.is_none_or(|also| also(d))
            })
            .collect();
        let range = page.range(usize::MAX);
        let n = shared.len();
        let own = table.list_range(
            self.account,
            filters,
            &gone,
            also,
            range.start.saturating_sub(n)..range.end.saturating_sub(n),
        );
        let mut items: Vec<&D> = shared[range.start.min(n)..range.end.min(n)].to_vec();
        items.extend(own.items);
        Listing {
            total: n as u64 + own.total,
            items,
        }
    }

    // ---- relations ----

    /// The account's NICs listed under `(field, value)` (`subnetId`, `vpcId`,
    /// `securityGroupId`), in creation order.
    pub fn nics_where(&self, field: &'static str, value: &str) -> impl Iterator<Item = &Nic> {
        self.indexes
            .nics
            .listed(self.account, field, value)
            .filter(|n| self.alive(n))
    }

    /// Private addresses the account's NICs use in a subnet (or a VPC, by `vpcId`); with
    /// `groups`, only NICs in those resource groups count.
    pub fn usage(&self, field: &'static str, id: &str, groups: Option<&[Atom]>) -> u64 {
        self.nics_where(field, id)
            .filter(|n| groups.is_none_or(|g| g.iter().any(|g| **g == *n.resource_group_id)))
            .map(|n| n.private_ipv4s().count() as u64)
            .sum()
    }

    /// The VPCs (shared and the account's) bound to a security group.
    pub fn vpcs_bound_to(&self, security_group: &str) -> Vec<&Vpc> {
        self.shared_vpcs
            .iter()
            .filter(|v| v.security_group_id.as_deref() == Some(security_group))
            .chain(
                self.indexes
                    .vpcs
                    .listed(self.account, "securityGroupId", security_group),
            )
            .collect()
    }

    /// The subnets (shared and the account's) of a VPC.
    pub fn subnets_of(&self, vpc: &str) -> Vec<&Subnet> {
        self.core
            .shared
            .subnets
            .iter()
            .filter(|s| s.vpc_id == vpc)
            .chain(self.indexes.subnets.listed(self.account, "vpcId", vpc))
            .collect()
    }
}

impl Networks for View<'_> {
    fn subnet(&self, id: &str) -> Option<SubnetRef> {
        View::subnet(self, id).map(|s| SubnetRef {
            id: s.id.clone(),
            region: s.region_id.clone(),
            vpc_id: s.vpc_id.clone(),
            cidr: s.cidr,
        })
    }

    fn security_group_exists(&self, id: &str) -> bool {
        self.security_group(id).is_some()
    }

    fn vpc_security_group(&self, vpc_id: &str) -> Option<String> {
        self.vpc(vpc_id).and_then(|v| v.security_group_id.clone())
    }

    fn key_pair_exists(&self, id: &str) -> bool {
        self.key_pair(id).is_some()
    }

    fn default_security_group(&self) -> Option<String> {
        self.core.shared.default_security_group().map(str::to_owned)
    }
}
