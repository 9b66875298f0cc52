//! What the writer needs of a durable backend: a round begins (on a database shared by
//! several replicas, by taking the write lock and catching up with what the others
//! committed), then commits its changes at the next log position, or is abandoned.

use crate::StoreError;
use crate::directory::ResourceGroup;
use crate::load::Loaded;
use std::collections::HashMap;
use zec_core::{Instance, Millis};

/// Changes made by one round, not yet committed: the latest version of each touched instance
/// (`None`: deleted) and of each touched resource group.
#[derive(Default)]
pub(crate) struct Overlay {
    pub rows: HashMap<u64, Option<Instance>>,
    pub groups: HashMap<String, Option<ResourceGroup>>,
    /// The manual clock's time, to be written down.
    pub clock: Option<Millis>,
}

impl Overlay {
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty() && self.groups.is_empty() && self.clock.is_none()
    }
}

/// What other replicas committed after a given log position.
pub(crate) enum CatchUp {
    /// Nothing new.
    Nothing,
    /// The instances changed since then, each with the position of its change (`None`: the
    /// instance is gone), and, if any group changed, every group.
    Changes {
        seq: u64,
        rows: Vec<(u64, u64, Option<Instance>)>,
        groups: Option<Vec<ResourceGroup>>,
    },
    /// The replica fell too far behind (the deletions it missed were pruned): everything.
    Reload {
        seq: u64,
        loaded: Box<Loaded>,
        groups: Vec<ResourceGroup>,
    },
}

/// The writer's side of a backend.
pub(crate) trait Journal: Send {
    /// Starts a round. On a database that other replicas write too, this takes the write lock
    /// (held until [`Journal::commit`] or [`Journal::abort`]) and returns what they committed
    /// after `applied`.
    fn begin(&mut self, applied: u64) -> Result<CatchUp, StoreError>;
    /// Makes the round's changes durable and returns their log position.
    fn commit(&mut self, overlay: &Overlay, last_id: u64) -> Result<u64, StoreError>;
    /// Ends a round that changed nothing, or whose commit failed.
    fn abort(&mut self);
}

/// The reading side of a backend shared by replicas: what others committed after `applied`.
pub(crate) trait Follow: Send {
    fn poll(&mut self, applied: u64) -> Result<CatchUp, StoreError>;
}
