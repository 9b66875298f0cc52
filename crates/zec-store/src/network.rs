//! What the server asks of the store about networks: each operation is run by the writer in
//! one round (see `writer::network` for the rules it checks), and answered after its commit.

use crate::Operated;
use crate::Store;
use crate::error::StoreError;
use crate::kinds::{Disk, Eip, KeyPair, Nic, SecurityGroup, Snapshot, Subnet, Vpc};
use crate::writer::network as ops;
use zec_core::cidr::Ipv4Cidr;
use zec_core::rules::network::Rule;
use zec_core::{AccountId, Atom, Change, Operation};

pub use crate::writer::storage::{Made, NewDisks, SnapshotChange};
pub use ops::{NewKeyPair, NewSubnet, NewVpc, NicChange, Resource, VpcChange};

/// The resource groups a credential may touch (`None`: all).
pub type Scope = Option<Vec<Atom>>;

impl Store {
    pub async fn create_vpc(&self, account: AccountId, new: NewVpc) -> Result<Vpc, StoreError> {
        self.run(1, move |r| ops::create_vpc(r, account, new)).await
    }

    pub async fn modify_vpc(
        &self,
        account: AccountId,
        id: String,
        change: VpcChange,
        scope: Scope,
    ) -> Result<Vpc, StoreError> {
        self.run(1, move |r| {
            ops::modify_vpc(r, account, &id, change, scope.as_deref())
        })
        .await
    }

    pub async fn delete_vpc(
        &self,
        account: AccountId,
        id: String,
        scope: Scope,
    ) -> Result<Vpc, StoreError> {
        self.run(1, move |r| {
            ops::delete_vpc(r, account, &id, scope.as_deref())
        })
        .await
    }

    pub async fn assign_security_group(
        &self,
        account: AccountId,
        vpc: String,
        security_group: String,
        scope: Scope,
    ) -> Result<Vpc, StoreError> {
        self.run(1, move |r| {
            ops::assign_security_group(r, account, &vpc, &security_group, scope.as_deref())
        })
        .await
    }

    pub async fn unassign_security_group(
        &self,
        account: AccountId,
        vpc: String,
        security_group: Option<String>,
        scope: Scope,
    ) -> Result<Vpc, StoreError> {
        self.run(1, move |r| {
            ops::unassign_security_group(
                r,
                account,
                &vpc,
                security_group.as_deref(),
                scope.as_deref(),
            )
        })
        .await
    }

    pub async fn create_subnet(
        &self,
        account: AccountId,
        new: NewSubnet,
        scope: Scope,
    ) -> Result<Subnet, StoreError> {
        self.run(1, move |r| {
            ops::create_subnet(r, account, new, scope.as_deref())
        })
        .await
    }

    pub async fn modify_subnet(
        &self,
        account: AccountId,
        id: String,
        name: Option<String>,
        cidr: Option<Ipv4Cidr>,
        scope: Scope,
    ) -> Result<Subnet, StoreError> {
        self.run(1, move |r| {
            ops::modify_subnet(r, account, &id, name, cidr, scope.as_deref())
        })
        .await
    }

    pub async fn modify_subnet_stack(
        &self,
        account: AccountId,
        id: String,
        stack_type: String,
        ipv6_type: Option<String>,
        scope: Scope,
    ) -> Result<Subnet, StoreError> {
        self.run(1, move |r| {
            ops::modify_subnet_stack(r, account, &id, &stack_type, ipv6_type, scope.as_deref())
        })
        .await
    }

    pub async fn delete_subnet(
        &self,
        account: AccountId,
        id: String,
        scope: Scope,
    ) -> Result<Subnet, StoreError> {
        self.run(1, move |r| {
            ops::delete_subnet(r, account, &id, scope.as_deref())
        })
        .await
    }

    pub async fn create_security_group(
        &self,
        account: AccountId,
        name: String,
        rules: Vec<Rule>,
    ) -> Result<SecurityGroup, StoreError> {
        self.run(1, move |r| {
            ops::create_security_group(r, account, name, rules)
        })
        .await
    }

    pub async fn rename_security_groups(
        &self,
        account: AccountId,
        ids: Vec<String>,
        name: String,
    ) -> Result<(), StoreError> {
        self.run(ids.len(), move |r| {
            ops::rename_security_groups(r, account, &ids, &name)
        })
        .await
    }

    pub async fn delete_security_group(
        &self,
        account: AccountId,
        id: String,
    ) -> Result<SecurityGroup, StoreError> {
        self.run(1, move |r| ops::delete_security_group(r, account, &id))
            .await
    }

    pub async fn configure_rules(
        &self,
        account: AccountId,
        id: String,
        rules: Vec<Rule>,
    ) -> Result<(), StoreError> {
        self.run(1, move |r| ops::configure_rules(r, account, &id, rules))
            .await
    }

    pub async fn modify_nic(
        &self,
        account: AccountId,
        id: String,
        change: NicChange,
        scope: Scope,
    ) -> Result<Nic, StoreError> {
        self.run(1, move |r| {
            ops::modify_nic(r, account, &id, change, scope.as_deref())
        })
        .await
    }

    /// Sets and removes tags of a VPC or network interface.
    pub async fn retag(
        &self,
        account: AccountId,
        resource: Resource,
        replace: Vec<(String, String)>,
        delete: Vec<String>,
        scope: Scope,
    ) -> Result<(), StoreError> {
        self.run(1, move |r| {
            ops::retag(r, account, &resource, &replace, &delete, scope.as_deref())
        })
        .await
    }

    /// Moves instances, VPCs and network interfaces to a resource group in one round: the
    /// VPCs and NICs all or none (checked before anything moves), the instances as
    /// [`Store::operate`] moves them.
    pub async fn move_to_group(
        &self,
        account: AccountId,
        instances: Vec<u64>,
        resources: Vec<Resource>,
        group: String,
        scope: Scope,
    ) -> Result<Option<Operated>, StoreError> {
        self.run(instances.len() + resources.len(), move |r| {
            let found = ops::regroup_check(r, account, &resources, &group, scope.as_deref())?;
            let operated = if instances.is_empty() {
                None
            } else {
                let change = Change::ResourceGroup(Atom::new(&group));
                Some(crate::writer::instances::operate(
                    r,
                    crate::writer::instances::Operate {
                        account,
                        ids: &instances,
                        op: Operation::ModifyAttributes,
                        change: &change,
                        scope: scope.as_deref(),
                    },
                )?)
            };
            ops::regroup_apply(r, found, &group);
            Ok(operated)
        })
        .await
    }

    pub async fn import_key_pair(
        &self,
        account: AccountId,
        new: NewKeyPair,
    ) -> Result<KeyPair, StoreError> {
        self.run(1, move |r| ops::import_key_pair(r, account, new))
            .await
    }

    /// Sets a key pair's description (`Some("")` clears it, `None` leaves it).
    pub async fn describe_key_pair(
        &self,
        account: AccountId,
        id: String,
        description: Option<String>,
    ) -> Result<(), StoreError> {
        self.run(1, move |r| {
            ops::describe_key_pair(r, account, &id, description)
        })
        .await
    }

    pub async fn delete_key_pairs(
        &self,
        account: AccountId,
        ids: Vec<String>,
    ) -> Result<(), StoreError> {
        self.run(ids.len(), move |r| ops::delete_key_pairs(r, account, &ids))
            .await
    }
}

// ---- secondary network interfaces and elastic IPs ----

pub use crate::writer::eips::{EipChange, NewEips, Target as EipTarget};
pub use crate::writer::nics::NewNic;

impl Store {
    pub async fn create_nic(
        &self,
        account: AccountId,
        new: NewNic,
        scope: Scope,
    ) -> Result<Nic, StoreError> {
        self.run(1, move |r| {
            crate::writer::nics::create_nic(r, account, new, scope.as_deref())
        })
        .await
    }

    pub async fn delete_nic(
        &self,
        account: AccountId,
        id: String,
        scope: Scope,
    ) -> Result<(), StoreError> {
        self.run(1, move |r| {
            crate::writer::nics::delete_nic(r, account, &id, scope.as_deref())
        })
        .await
    }

    pub async fn attach_nic(
        &self,
        account: AccountId,
        id: String,
        instance: String,
        scope: Scope,
    ) -> Result<(), StoreError> {
        self.run(1, move |r| {
            crate::writer::nics::attach_nic(r, account, &id, &instance, scope.as_deref())
        })
        .await
    }

    pub async fn detach_nic(
        &self,
        account: AccountId,
        id: String,
        scope: Scope,
    ) -> Result<(), StoreError> {
        self.run(1, move |r| {
            crate::writer::nics::detach_nic(r, account, &id, scope.as_deref())
        })
        .await
    }

    /// Gives a NIC the addresses asked for, or `count` free ones; answers those it got.
    pub async fn assign_ipv4s(
        &self,
        account: AccountId,
        id: String,
        asked: Vec<std::net::Ipv4Addr>,
        count: usize,
        scope: Scope,
    ) -> Result<Vec<std::net::Ipv4Addr>, StoreError> {
        self.run(1, move |r| {
            crate::writer::nics::assign_ipv4s(r, account, &id, asked, count, scope.as_deref())
        })
        .await
    }

    pub async fn unassign_ipv4s(
        &self,
        account: AccountId,
        id: String,
        addresses: Vec<std::net::Ipv4Addr>,
        scope: Scope,
    ) -> Result<(), StoreError> {
        self.run(1, move |r| {
            crate::writer::nics::unassign_ipv4s(r, account, &id, addresses, scope.as_deref())
        })
        .await
    }

    pub async fn create_eips(
        &self,
        account: AccountId,
        new: NewEips,
        scope: Scope,
    ) -> Result<Made<Eip>, StoreError> {
        self.run(new.amount, move |r| {
            crate::writer::eips::create_eips(r, account, new, scope.as_deref())
        })
        .await
    }

    pub async fn modify_eip(
        &self,
        account: AccountId,
        id: String,
        change: EipChange,
        scope: Scope,
    ) -> Result<(), StoreError> {
        self.run(1, move |r| {
            crate::writer::eips::modify_eip(r, account, &id, change, scope.as_deref())
        })
        .await
    }

    /// Binds EIPs to an address of a NIC; answers the ids it could not bind.
    pub async fn associate_eips(
        &self,
        account: AccountId,
        ids: Vec<String>,
        target: EipTarget,
        scope: Scope,
    ) -> Result<Vec<String>, StoreError> {
        self.run(ids.len(), move |r| {
            crate::writer::eips::associate(r, account, &ids, target, scope.as_deref())
        })
        .await
    }

    pub async fn unassociate_eips(
        &self,
        account: AccountId,
        ids: Vec<String>,
        scope: Scope,
    ) -> Result<Vec<String>, StoreError> {
        self.run(ids.len(), move |r| {
            crate::writer::eips::unassociate(r, account, &ids, scope.as_deref())
        })
        .await
    }

    pub async fn delete_eip(
        &self,
        account: AccountId,
        id: String,
        scope: Scope,
    ) -> Result<(), StoreError> {
        self.run(1, move |r| {
            crate::writer::eips::delete_eip(r, account, &id, scope.as_deref())
        })
        .await
    }

    // ---- disks and snapshots ----

    pub async fn create_disks(
        &self,
        account: AccountId,
        new: NewDisks,
        scope: Scope,
    ) -> Result<Made<Disk>, StoreError> {
        self.run(new.amount, move |r| {
            crate::writer::storage::create_disks(r, account, new, scope.as_deref())
        })
        .await
    }

    pub async fn attach_disks(
        &self,
        account: AccountId,
        ids: Vec<String>,
        instance: String,
        scope: Scope,
    ) -> Result<(), StoreError> {
        self.run(ids.len(), move |r| {
            crate::writer::storage::attach_disks(r, account, &ids, &instance, scope.as_deref())
        })
        .await
    }

    pub async fn detach_disks(
        &self,
        account: AccountId,
        ids: Vec<String>,
        instance_check: bool,
        scope: Scope,
    ) -> Result<(), StoreError> {
        self.run(ids.len(), move |r| {
            crate::writer::storage::detach_disks(r, account, &ids, instance_check, scope.as_deref())
        })
        .await
    }

    pub async fn resize_disk(
        &self,
        account: AccountId,
        id: String,
        size: u32,
        scope: Scope,
    ) -> Result<(), StoreError> {
        self.run(1, move |r| {
            crate::writer::storage::resize_disk(r, account, &id, size, scope.as_deref())
        })
        .await
    }

    pub async fn rename_disks(
        &self,
        account: AccountId,
        ids: Vec<String>,
        name: String,
        scope: Scope,
    ) -> Result<(), StoreError> {
        self.run(ids.len(), move |r| {
            crate::writer::storage::rename_disks(r, account, &ids, &name, scope.as_deref())
        })
        .await
    }

    pub async fn release_disk(
        &self,
        account: AccountId,
        id: String,
        scope: Scope,
    ) -> Result<(), StoreError> {
        self.run(1, move |r| {
            crate::writer::storage::release_disk(r, account, &id, scope.as_deref())
        })
        .await
    }

    pub async fn create_snapshot(
        &self,
        account: AccountId,
        disk: String,
        name: String,
        retention: Option<zec_core::Millis>,
        scope: Scope,
    ) -> Result<Snapshot, StoreError> {
        self.run(1, move |r| {
            crate::writer::storage::create_snapshot(
                r,
                account,
                &disk,
                name,
                retention,
                scope.as_deref(),
            )
        })
        .await
    }

    pub async fn modify_snapshots(
        &self,
        account: AccountId,
        ids: Vec<String>,
        change: SnapshotChange,
        scope: Scope,
    ) -> Result<(), StoreError> {
        self.run(ids.len(), move |r| {
            crate::writer::storage::modify_snapshots(r, account, &ids, change, scope.as_deref())
        })
        .await
    }

    /// Deletes snapshots; answers the ids it could not delete.
    pub async fn delete_snapshots(
        &self,
        account: AccountId,
        ids: Vec<String>,
        scope: Scope,
    ) -> Result<Vec<String>, StoreError> {
        self.run(ids.len(), move |r| {
            crate::writer::storage::delete_snapshots(r, account, &ids, scope.as_deref())
        })
        .await
    }
}
