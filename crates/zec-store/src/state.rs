//! A store's state as one versioned JSON document: exported (one account, or all), imported
//! into a store (the same one later, or a fresh one), and an account reset to nothing, as
//! moto's reset and LocalStack's state snapshots give their users.
//!
//! The document names accounts, not their numbers, and carries no credentials: an import
//! makes the accounts it names if they are missing and replaces every resource they have; keys
//! and tokens stay as the target has them. Documents keep their ids and times, so every
//! Describe answers as it did; a phase under way keeps the time it had left (its end moves by
//! the time between export and import on the lifecycle clock).

use crate::Store;
use crate::error::StoreError;
use crate::kinds::{self, ForKind, KindIndex, ResourceGroup, Stored};
use crate::writer::Round;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use zec_core::clock::format_api_time;
use zec_core::{AccountId, Millis};

/// What the document says it is.
pub const FORMAT: &str = "zecd-state";
/// The version this zecd writes and reads.
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StateDocument {
    pub format: String,
    pub version: u32,
    /// The lifecycle clock at the export.
    pub exported_at: String,
    pub exported_at_millis: Millis,
    pub accounts: Vec<AccountState>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountState {
    pub name: String,
    /// Documents by kind (`instances`, `vpcs`, `disks`, ...), each in creation order.
    pub resources: BTreeMap<String, Vec<serde_json::Value>>,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Imported {
    pub accounts: usize,
    pub resources: usize,
}

impl StateDocument {
    /// Checks that this is a state document of a version this zecd reads.
    pub fn check(&self) -> Result<(), StoreError> {
        if self.format != FORMAT {
            return Err(StoreError::Invalid(format!(
                "not a zecd state document (format `{}`, expected `{FORMAT}`)",
                zec_types::error::echo(&self.format)
            )));
        }
        if self.version != VERSION {
            return Err(StoreError::Invalid(format!(
                "state document version {} is not one this zecd reads (it reads version {VERSION}); \
                 export it again with a zecd of this release",
                self.version
            )));
        }
        Ok(())
    }
}

impl Store {
    /// The state of one account (by name), or of every account.
    pub async fn export_state(&self, account: Option<&str>) -> Result<StateDocument, StoreError> {
        self.sync().await?;
        let directory = self.directory();
        let mut accounts: Vec<(AccountId, String)> = directory
            .accounts()
            .map(|a| (a.id, a.name.clone()))
            .filter(|(_, name)| account.is_none_or(|n| n == name))
            .collect();
        if let Some(name) = account
            && accounts.is_empty()
        {
            return Err(StoreError::Invalid(format!(
                "no account named `{}`",
                zec_types::error::echo(name)
            )));
        }
        accounts.sort();
        let now = self.now();
        let indexes = self.core().indexes();
        let mut out = Vec::with_capacity(accounts.len());
        for (id, name) in accounts {
            let mut export = Export {
                indexes: &indexes,
                account: id,
                resources: BTreeMap::new(),
                error: None,
            };
            kinds::for_every_kind(&mut export);
            if let Some(e) = export.error {
                return Err(e);
            }
            out.push(AccountState {
                name,
                resources: export.resources,
            });
        }
        Ok(StateDocument {
            format: FORMAT.into(),
            version: VERSION,
            exported_at: format_api_time(now),
            exported_at_millis: now,
            accounts: out,
        })
    }

    /// Replaces the resources of every account the document names with the document's (the
    /// accounts made if missing). All or nothing.
    pub async fn import_state(&self, doc: StateDocument) -> Result<Imported, StoreError> {
        doc.check()?;
        let mut names = BTreeSet::new();
        for a in &doc.accounts {
            if !names.insert(a.name.clone()) {
                return Err(StoreError::Invalid(format!(
                    "the account `{}` is named twice",
                    zec_types::error::echo(&a.name)
                )));
            }
        }
        // Every document is read before anything changes; an id is in the document once.
        let mut parsed = Vec::with_capacity(doc.accounts.len());
        let mut seen = BTreeMap::new();
        for a in doc.accounts {
            let mut read = Read {
                resources: a.resources,
                docs: Parsed::default(),
                error: None,
                account: a.name.clone(),
                seen: std::mem::take(&mut seen),
            };
            kinds::for_every_kind(&mut read);
            seen = std::mem::take(&mut read.seen);
            if let Some(e) = read.error {
                return Err(e);
            }
            if let Some(kind) = read.resources.keys().next() {
                return Err(StoreError::Invalid(format!(
                    "account `{}`: `{}` is not a kind of resource zecd keeps",
                    zec_types::error::echo(&a.name),
                    zec_types::error::echo(kind)
                )));
            }
            parsed.push((a.name, read.docs));
        }
        // The accounts, made where missing.
        let wanted: Vec<String> = parsed.iter().map(|(n, _)| n.clone()).collect();
        let ids: Vec<AccountId> = self
            .admin(move |db| {
                let mut ids = Vec::with_capacity(wanted.len());
                for name in &wanted {
                    let id = match crate::admin::find_account(db, name) {
                        Ok(a) => a.id,
                        Err(_) => crate::admin::create_account(db, name)?.id,
                    };
                    ids.push(id);
                }
                Ok(ids)
            })
            .await?;
        let shift = self.now().saturating_sub(doc.exported_at_millis);
        let accounts = parsed.len();
        let jobs: Vec<(AccountId, Parsed)> = ids
            .into_iter()
            .zip(parsed)
            .map(|(id, (_, docs))| (id, docs))
            .collect();
        let weight = jobs.iter().map(|(_, d)| d.len()).sum::<usize>().max(1);
        let resources = self
            .run(weight, move |round| {
                // Refused before the first change: an id another account has.
                for (account, docs) in &jobs {
                    docs.check_ordinals(round, *account)?;
                }
                // Every account is cleared before any is filled, so that nothing one of them
                // gives back is taken from another's new documents.
                for (account, _) in &jobs {
                    clear(round, *account, true);
                }
                let mut n = 0;
                for (account, docs) in jobs {
                    n += docs.install(round, account, shift);
                    crate::writer::groups::ensure_defaults(round, &[account])?;
                }
                Ok(n)
            })
            .await?;
        Ok(Imported {
            accounts,
            resources,
        })
    }

    /// Every resource of the account gone (its default resource group stays, emptied of
    /// nothing but what it held); its credentials are kept.
    pub async fn reset_account(&self, account: AccountId) -> Result<(), StoreError> {
        self.run(1, move |round| {
            clear(round, account, false);
            crate::writer::groups::ensure_defaults(round, &[account])
        })
        .await
    }
}

/// Collects one account's documents of each kind as JSON, in creation order.
struct Export<'a> {
    indexes: &'a kinds::Indexes,
    account: AccountId,
    resources: BTreeMap<String, Vec<serde_json::Value>>,
    error: Option<StoreError>,
}

impl ForKind for Export<'_> {
    fn call<D: Stored>(&mut self) {
        let mut docs: Vec<(u64, serde_json::Value)> = Vec::new();
        D::index(self.indexes).each(
            Some(self.account),
            &mut |d: &D| match serde_json::to_value(d) {
                Ok(v) => docs.push((d.ordinal(), v)),
                Err(e) => {
                    self.error = Some(StoreError::Internal(format!("exporting a document: {e}")))
                }
            },
        );
        if docs.is_empty() {
            return;
        }
        docs.sort_by_key(|(o, _)| *o);
        self.resources.insert(
            D::TABLE.to_owned(),
            docs.into_iter().map(|(_, v)| v).collect(),
        );
    }
}

/// One account's documents, read and checked.
#[derive(Default)]
struct Parsed {
    kinds: Vec<Box<dyn ParsedKind>>,
}

impl Parsed {
    fn len(&self) -> usize {
        self.kinds.iter().map(|k| k.len()).sum()
    }

    fn check_ordinals(&self, round: &Round<'_>, account: AccountId) -> Result<(), StoreError> {
        self.kinds
            .iter()
            .try_for_each(|k| k.check_ordinals(round, account))
    }

    fn install(self, round: &mut Round<'_>, account: AccountId, shift: Millis) -> usize {
        self.kinds
            .into_iter()
            .map(|k| k.install(round, account, shift))
            .sum()
    }
}

trait ParsedKind: Send {
    fn len(&self) -> usize;
    fn check_ordinals(&self, round: &Round<'_>, account: AccountId) -> Result<(), StoreError>;
    fn install(self: Box<Self>, round: &mut Round<'_>, account: AccountId, shift: Millis) -> usize;
}

struct Docs<D>(Vec<D>);

impl<D: Stored> ParsedKind for Docs<D> {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn check_ordinals(&self, round: &Round<'_>, account: AccountId) -> Result<(), StoreError> {
        for d in &self.0 {
            let other_account = |other: &D| other.account() != account;
            let taken = round
                .get::<D>(d.ordinal())
                .or_else(|| D::index(round.indexes).get(d.ordinal()).cloned())
                .is_some_and(|o| other_account(&o))
                || D::index(round.indexes)
                    .by_public(&d.public_id())
                    .is_some_and(other_account);
            if taken {
                return Err(StoreError::Invalid(format!(
                    "{} `{}` belongs to another account here",
                    D::TABLE,
                    d.public_id()
                )));
            }
        }
        Ok(())
    }

    fn install(self: Box<Self>, round: &mut Round<'_>, account: AccountId, shift: Millis) -> usize {
        let n = self.0.len();
        for mut d in self.0 {
            d.set_account(account);
            d.shift_phase(shift);
            round.ids.observe(d.ordinal());
            // What it holds (addresses) is taken now, as a new document's is when it is
            // made; a failed round gives it back (`undo`).
            d.hold(round.state, &round.core.catalog);
            round.schedule(&d);
            round.put(d);
        }
        n
    }
}

/// Reads each kind's documents out of an account's `resources`.
struct Read {
    resources: BTreeMap<String, Vec<serde_json::Value>>,
    docs: Parsed,
    error: Option<StoreError>,
    account: String,
    /// Ids already read, of every account of the document, by kind.
    seen: BTreeMap<&'static str, BTreeSet<u64>>,
}

impl ForKind for Read {
    fn call<D: Stored>(&mut self) {
        let Some(values) = self.resources.remove(D::TABLE) else {
            return;
        };
        let mut docs = Vec::with_capacity(values.len());
        let seen = self.seen.entry(D::TABLE).or_default();
        for (n, v) in values.into_iter().enumerate() {
            match serde_json::from_value::<D>(v) {
                Ok(d) if seen.insert(d.ordinal()) => docs.push(d),
                Ok(d) => {
                    self.error.get_or_insert(StoreError::Invalid(format!(
                        "account `{}`: {}[{n}]: `{}` is in the document twice",
                        zec_types::error::echo(&self.account),
                        D::TABLE,
                        d.public_id()
                    )));
                }
                Err(e) => {
                    self.error.get_or_insert(StoreError::Invalid(format!(
                        "account `{}`: {}[{n}] is not a document zecd reads: {e}",
                        zec_types::error::echo(&self.account),
                        D::TABLE
                    )));
                }
            }
        }
        self.docs.kinds.push(Box::new(Docs(docs)));
    }
}

/// Deletes every document of the account (the default resource group kept unless
/// `groups_too`), the instances last so that nothing they held is handled twice.
fn clear(round: &mut Round<'_>, account: AccountId, groups_too: bool) {
    struct Clear<'r, 'a> {
        round: &'r mut Round<'a>,
        account: AccountId,
        pass: Pass,
        groups_too: bool,
    }
    #[derive(PartialEq)]
    enum Pass {
        Resources,
        Instances,
        Groups,
    }
    impl ForKind for Clear<'_, '_> {
        fn call<D: Stored>(&mut self) {
            let pass = match D::KIND {
                kinds::KindId::Instance => Pass::Instances,
                kinds::KindId::ResourceGroup => Pass::Groups,
                _ => Pass::Resources,
            };
            if pass != self.pass {
                return;
            }
            // The account's documents as this round leaves them: committed, and made or
            // changed in it.
            let mut ordinals = BTreeSet::new();
            D::index(self.round.indexes).each(Some(self.account), &mut |d: &D| {
                ordinals.insert(d.ordinal());
            });
            for (o, d) in D::changes(&self.round.changes) {
                if d.as_ref().is_some_and(|d| d.account() == self.account) {
                    ordinals.insert(*o);
                }
            }
            for o in ordinals {
                let Some(d) = self.round.get::<D>(o) else {
                    continue;
                };
                if !self.groups_too
                    && let Some(g) = (&d as &dyn std::any::Any).downcast_ref::<ResourceGroup>()
                    && g.is_default
                {
                    continue;
                }
                self.round.delete(&d);
            }
        }
    }
    for pass in [Pass::Resources, Pass::Instances, Pass::Groups] {
        let mut c = Clear {
            round,
            account,
            pass,
            groups_too,
        };
        kinds::for_every_kind(&mut c);
    }
}
