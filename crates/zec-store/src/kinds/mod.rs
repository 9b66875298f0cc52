//! Resource kinds: what the store keeps, declared once each.
//!
//! A kind is a document type ([`Document`]: its id, account, resource group, phase deadline
//! and pure settlement, what it holds of the shared state) with an in-memory index
//! ([`KindIndex`]: the generic [`Table`], or one of its own, as instances have). The [`kinds!`]
//! table below makes, for every kind at once: the round's [`Changes`] (one map per kind, so that
//! one round can touch several kinds atomically), the [`Indexes`] every read is served from,
//! the [`KindId`] deadlines are queued by, and the glue the writer, the journals, the loader and
//! the follower use to treat every kind the same way. Both backends keep every kind in a table
//! of the same shape (`id` = the document's ordinal, `account_id`, `due_at`, `doc` = JSON; on
//! PostgreSQL also `seq`, and `doc` NULL as a tombstone).
//!
//! Adding a kind: its document type and `Document` impl, its index, and one line in [`kinds!`]
//! (see ARCHITECTURE.md).

pub mod eips;
pub mod groups;
pub mod instances;
pub mod network;
pub mod storage;
pub mod table;

use crate::core::State;
use crate::error::StoreError;
use crate::index::InstanceIndex;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::cmp::Reverse;
use std::collections::BTreeMap;
use zec_core::{AccountId, Catalog, Instance, Millis};

pub use eips::Eip;
pub use groups::ResourceGroup;
pub use network::{KeyPair, Nic, SecurityGroup, Subnet, Vpc};
pub use storage::{Disk, Snapshot};
pub use table::Table;

/// A document of some kind.
pub trait Document: Clone + Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The kind, for deadlines and logs.
    const KIND: KindId;
    /// The table its documents are kept in.
    const TABLE: &'static str;

    /// The store-wide, time-ordered number it is kept and listed by (its creation order).
    fn ordinal(&self) -> u64;
    fn account(&self) -> AccountId;
    /// Moves it to another account (an imported document, into the account of its name).
    fn set_account(&mut self, account: AccountId);
    /// The resource group it belongs to, if its kind belongs to groups.
    fn resource_group(&self) -> Option<&str> {
        None
    }
    /// The id clients know it by.
    fn public_id(&self) -> std::borrow::Cow<'_, str>;
    /// Whether the id clients know is the ordinal's digits (no map from one to the other is
    /// kept then).
    const ID_IS_ORDINAL: bool = false;
    /// The values it is listed under (`(field, value)`), for the filters of its Describe.
    fn keys(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
    /// The field of [`Document::keys`] whose value is another document's ordinal that few
    /// documents share (a NIC's or a disk's `instanceId`): the table keeps it as a map from
    /// that ordinal to its documents, not as a filter list of one value per document.
    const OWNER: Option<&'static str> = None;
    /// Whether every instance comes with one of these (the instance itself, its primary NIC,
    /// its system disk): a load makes room in the kind's index for as many documents as there
    /// are instances before reading them, rather than growing it by doubling.
    const ONE_PER_INSTANCE: bool = false;
    /// The value of the [`Document::OWNER`] field, if it has one.
    fn owner(&self) -> Option<u64> {
        None
    }
    /// When the phase under way ends.
    fn due(&self) -> Option<Millis> {
        None
    }
    /// Moves the end of the phase under way by `by` milliseconds: an imported document's
    /// phase keeps the time it had left.
    fn shift_phase(&mut self, _by: Millis) {}
    /// The status a reader sees at `now`, for kinds that have one (`None`: no status, or
    /// gone by then).
    fn status_now(&self, _now: Millis) -> Option<&str> {
        None
    }
    /// Writes down a phase that has ended by `now` (a pure function of the document and the
    /// time, so that any replica settles it alike).
    fn settle(&mut self, _now: Millis) -> Settled {
        Settled::Unchanged
    }
    /// Takes what the document holds of the shared state (addresses), as it is loaded or
    /// learnt from another replica.
    fn hold(&self, _state: &mut State, _catalog: &Catalog) {}
    /// Gives it back, as the document goes.
    fn release(&self, _state: &mut State, _catalog: &Catalog) {}
    /// What goes (or changes) with it when it goes, in the same round: an instance's NICs,
    /// disks and bound addresses.
    fn went(&self, _round: &mut crate::writer::Round<'_>) {}
}

/// What settling did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    Unchanged,
    Changed,
    /// The phase ended in the document's removal.
    Gone,
}

/// The in-memory index of a kind.
pub trait KindIndex<D>: Default + Send + Sync {
    fn get(&self, ordinal: u64) -> Option<&D>;
    fn upsert(&mut self, doc: D);
    fn remove(&mut self, ordinal: u64) -> Option<D>;
    /// How many documents of the account are in a resource group.
    fn in_group(&self, account: AccountId, group: &str) -> usize;
    /// Calls `f` with every document (of one account, or of all).
    fn each(&self, account: Option<AccountId>, f: &mut dyn FnMut(&D));
    /// A document of any account by the id clients know it by.
    fn by_public(&self, id: &str) -> Option<&D>;
    /// Room for `n` more documents.
    fn reserve(&mut self, _n: usize) {}
}

/// A document's row as both backends keep it.
pub(crate) struct Row {
    pub ordinal: u64,
    pub account: AccountId,
    pub due: Option<Millis>,
    /// The JSON document; `None`: deleted.
    pub doc: Option<Vec<u8>>,
}

/// Rows read back from a table: ordinal, log position (0 where there is none), document.
pub(crate) type ReadRows = Vec<(u64, u64, Option<Vec<u8>>)>;

pub(crate) fn encode<D: Serialize>(d: &D) -> Result<Vec<u8>, StoreError> {
    encode_with(d, &mut Vec::new())
}

/// Encodes in `scratch` (grown once for a round's documents, not from nothing for each one),
/// and returns a copy of exactly the document's size.
fn encode_with<D: Serialize>(d: &D, scratch: &mut Vec<u8>) -> Result<Vec<u8>, StoreError> {
    scratch.clear();
    serde_json::to_writer(&mut *scratch, d)
        .map_err(|e| StoreError::Internal(format!("encoding a document: {e}")))?;
    Ok(scratch.as_slice().to_vec())
}

pub(crate) fn decode<D: DeserializeOwned>(
    table: &str,
    ordinal: u64,
    doc: &[u8],
) -> Result<D, StoreError> {
    serde_json::from_slice(doc)
        .map_err(|e| StoreError::Internal(format!("{table} {ordinal} cannot be read: {e}")))
}

/// Ordinals are stored as signed 64-bit integers.
pub(crate) fn db_id(ordinal: u64) -> Result<i64, StoreError> {
    i64::try_from(ordinal).map_err(|_| StoreError::Internal(format!("ordinal {ordinal}")))
}

/// Something done with a kind, whichever it is: [`for_kind`] and [`for_every_kind`] call it
/// with the kind's document type.
pub(crate) trait ForKind {
    fn call<D: Stored>(&mut self);
}

/// Access to one kind's slot in [`Changes`] and [`Indexes`] (made by [`kinds!`]).
pub trait Stored: Document {
    type Index: KindIndex<Self>;
    fn changes(c: &Changes) -> &BTreeMap<u64, Option<Self>>;
    fn changes_mut(c: &mut Changes) -> &mut BTreeMap<u64, Option<Self>>;
    fn index(i: &Indexes) -> &Self::Index;
    fn index_mut(i: &mut Indexes) -> &mut Self::Index;
}

macro_rules! kinds {
    ($($(#[$meta:meta])* $variant:ident $field:ident: $doc:ty => $index:ty;)*) => {
        /// Every kind.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum KindId {
            $($(#[$meta])* $variant,)*
        }

        /// One round's changes, not yet committed: the latest version of every document it
        /// touched (`None`: deleted), of every kind.
        #[derive(Default)]
        pub struct Changes {
            $(pub $field: BTreeMap<u64, Option<$doc>>,)*
            /// The manual clock's time, to be written down.
            pub clock: Option<Millis>,
        }

        /// The in-memory indexes of every kind.
        #[derive(Default)]
        pub struct Indexes {
            $(pub $field: $index,)*
        }

        $(
            impl Stored for $doc {
                type Index = $index;
                fn changes(c: &Changes) -> &BTreeMap<u64, Option<Self>> {
                    &c.$field
                }
                fn changes_mut(c: &mut Changes) -> &mut BTreeMap<u64, Option<Self>> {
                    &mut c.$field
                }
                fn index(i: &Indexes) -> &Self::Index {
                    &i.$field
                }
                fn index_mut(i: &mut Indexes) -> &mut Self::Index {
                    &mut i.$field
                }
            }
        )*

        /// Calls `f` with the document type of `kind`.
        pub(crate) fn for_kind(kind: KindId, f: &mut impl ForKind) {
            match kind {
                $(KindId::$variant => f.call::<$doc>(),)*
            }
        }

        /// Calls `f` with every kind's document type.
        pub(crate) fn for_every_kind(f: &mut impl ForKind) {
            $(f.call::<$doc>();)*
        }

        /// Every kind's table, in the order loads and catch-ups read them.
        pub(crate) const TABLES: &[&str] = &[$(<$doc as Document>::TABLE,)*];

        impl Changes {
            pub fn is_empty(&self) -> bool {
                $(self.$field.is_empty() &&)* self.clock.is_none()
            }

            /// The rows to write, table by table.
            pub(crate) fn rows(&self) -> Result<Vec<(&'static str, Vec<Row>)>, StoreError> {
                Ok(vec![$((<$doc as Document>::TABLE, rows_of(&self.$field)?),)*])
            }

            /// Rows read from a table (a catch-up or a load), decoded into this set of
            /// changes; rows at or before log position `after` are skipped (already applied).
            pub(crate) fn read(
                &mut self,
                table: &str,
                rows: ReadRows,
                after: u64,
            ) -> Result<(), StoreError> {
                $(
                    if table == <$doc as Document>::TABLE {
                        for (ordinal, at, doc) in rows {
                            if at != 0 && at <= after {
                                continue;
                            }
                            let doc = doc.map(|d| decode::<$doc>(table, ordinal, &d)).transpose()?;
                            self.$field.insert(ordinal, doc);
                        }
                        return Ok(());
                    }
                )*
                Err(StoreError::Internal(format!("no kind is kept in table {table}")))
            }
        }

        impl Indexes {
            /// Applies committed changes.
            pub(crate) fn apply(&mut self, changes: Changes) {
                $(apply(&mut self.$field, changes.$field);)*
            }

            /// What a round that failed to commit took from the shared state is given back
            /// (new documents' holdings), and what it gave up taken again (deleted documents'
            /// holdings, replaced deadlines).
            pub(crate) fn undo(&self, changes: &Changes, state: &mut State, catalog: &Catalog) {
                $(undo(&self.$field, &changes.$field, state, catalog);)*
            }

            /// Documents (of every kind that belongs to groups) in a resource group.
            pub fn in_group(&self, account: AccountId, group: &str) -> usize {
                0 $(+ self.$field.in_group(account, group))*
            }
        }

        /// Installs documents another replica committed (or a load read), keeping the shared
        /// state (holdings, deadlines) in step: the change of each document applied only if
        /// its log position is after `applied`.
        pub(crate) fn catch_up(
            indexes: &mut Indexes,
            changes: Changes,
            state: &mut State,
            catalog: &Catalog,
        ) {
            $(install(&mut indexes.$field, changes.$field, state, catalog);)*
        }
    };
}

kinds! {
    /// Elastic compute instances.
    Instance instances: Instance => InstanceIndex;
    /// Resource groups (service `user`).
    ResourceGroup groups: ResourceGroup => Table<ResourceGroup>;
    /// VPCs.
    Vpc vpcs: Vpc => Table<Vpc>;
    /// Subnets.
    Subnet subnets: Subnet => Table<Subnet>;
    /// Security groups, with their rules.
    SecurityGroup security_groups: SecurityGroup => Table<SecurityGroup>;
    /// Key pairs (service `ccs`).
    KeyPair key_pairs: KeyPair => Table<KeyPair>;
    /// Network interfaces.
    Nic nics: Nic => Table<Nic>;
    /// Disks, instances' system and data disks among them.
    Disk disks: Disk => Table<Disk>;
    /// Disk snapshots.
    Snapshot snapshots: Snapshot => Table<Snapshot>;
    /// Elastic IPs.
    Eip eips: Eip => Table<Eip>;
}

fn rows_of<D: Document>(changes: &BTreeMap<u64, Option<D>>) -> Result<Vec<Row>, StoreError> {
    let mut scratch = Vec::new();
    changes
        .iter()
        .map(|(ordinal, doc)| {
            Ok(Row {
                ordinal: *ordinal,
                account: doc.as_ref().map_or(0, Document::account),
                due: doc.as_ref().and_then(Document::due),
                doc: doc
                    .as_ref()
                    .map(|d| encode_with(d, &mut scratch))
                    .transpose()?,
            })
        })
        .collect()
}

fn apply<D: Document, I: KindIndex<D>>(index: &mut I, changes: BTreeMap<u64, Option<D>>) {
    for (ordinal, doc) in changes {
        match doc {
            Some(d) => index.upsert(d),
            None => {
                index.remove(ordinal);
            }
        }
    }
}

fn undo<D: Document, I: KindIndex<D>>(
    index: &I,
    changes: &BTreeMap<u64, Option<D>>,
    state: &mut State,
    catalog: &Catalog,
) {
    for (ordinal, doc) in changes {
        match (index.get(*ordinal), doc) {
            (Some(old), new) => {
                // What the round's version holds goes back; the committed one's is taken
                // again (both are sets: what they share stays taken).
                if let Some(new) = new {
                    new.release(state, catalog);
                }
                old.hold(state, catalog);
                if let Some(due) = old.due() {
                    state.due.push(Reverse((due, D::KIND, *ordinal)));
                }
            }
            (None, Some(new)) => new.release(state, catalog),
            (None, None) => {}
        }
    }
}

fn install<D: Document, I: KindIndex<D>>(
    index: &mut I,
    changes: BTreeMap<u64, Option<D>>,
    state: &mut State,
    catalog: &Catalog,
) {
    for (ordinal, doc) in changes {
        match doc {
            Some(d) => install_one(index, d, state, catalog),
            None => {
                if let Some(old) = index.remove(ordinal) {
                    old.release(state, catalog);
                }
            }
        }
    }
}

/// Installs one document read from the database, keeping the shared state in step.
pub(crate) fn install_one<D: Document, I: KindIndex<D>>(
    index: &mut I,
    d: D,
    state: &mut State,
    catalog: &Catalog,
) {
    let ordinal = d.ordinal();
    // What the version it replaces held is given back first (a NIC may have lost or gained
    // addresses).
    if let Some(old) = index.get(ordinal) {
        old.release(state, catalog);
    }
    d.hold(state, catalog);
    if let Some(due) = d.due() {
        state.due.push(Reverse((due, D::KIND, ordinal)));
    }
    state.last_ordinal = state.last_ordinal.max(ordinal);
    index.upsert(d);
}
