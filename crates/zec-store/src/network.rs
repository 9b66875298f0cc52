//! What the server asks of the store about networks: each operation is run by the writer in
//! one round (see `writer::network` for the rules it checks), and answered after its commit.

use crate::Operated;
use crate::Store;
use crate::error::StoreError;
use crate::kinds::{KeyPair, Nic, SecurityGroup, Subnet, Vpc};
use crate::writer::network as ops;
use zec_core::cidr::Ipv4Cidr;
use zec_core::rules::network::Rule;
use zec_core::{AccountId, Atom, Change, Operation};

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
