//! The one writer: every change to instances goes through this thread, which batches what
//! arrives together into one transaction of the backend (one fsync), settles the phases whose
//! time has come, and only after the commit publishes the result to the index and answers the
//! callers. With replicas on a shared database, each round first takes the database's write
//! lock and catches up with what the others committed, so that every decision is made on the
//! latest state of the whole fleet.
//!
//! Phases are settled from one queue ordered by deadline, not one timer per instance; with a
//! real clock the thread sleeps until the earliest deadline or the next command, with a manual
//! clock only commands (including "settle what is due") wake it.

use crate::core::{Core, State};
use crate::journal::{Journal, Overlay};
use crate::{Created, Operated, ResourceGroup, StoreError};
use std::cmp::Reverse;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, TryRecvError};
use tokio::sync::oneshot;
use zec_core::create::{Allocation, CreatePlan};
use zec_core::ids::IdGenerator;
use zec_core::lifecycle::{Effect, apply};
use zec_core::{AccountId, Atom, Change, Instance, Millis, Operation, Phase, Target};
use zec_types::{ApiError, ErrorCode};

/// Most commands taken into one transaction.
const MAX_BATCH: usize = 256;
/// Most instances the commands of one transaction may name (creates count what they create):
/// a round holds the fleet's write lock on a shared database, and must stay short.
const MAX_BATCH_INSTANCES: usize = 5_000;
/// Most phases settled in one transaction; more wait for the next round, straight away.
const MAX_SETTLE: usize = 5_000;

/// How long the writer waits before it tries again after the backend failed (so that a
/// database that is down is not hammered by deadlines falling due).
const RETRY_PAUSE: std::time::Duration = std::time::Duration::from_millis(250);

pub(crate) type Reply<T> = oneshot::Sender<Result<T, StoreError>>;

pub(crate) enum GroupOp {
    Create { name: String },
    Rename { id: String, name: String },
    Delete { id: String },
}

pub(crate) enum Command {
    Create {
        account: AccountId,
        plan: Box<CreatePlan>,
        reply: Reply<Created>,
    },
    /// An operation on some of an account's instances, each checked against the lifecycle
    /// table at the moment it is applied.
    Operate {
        account: AccountId,
        ids: Vec<u64>,
        op: Operation,
        change: Change,
        /// The resource groups the caller may touch (`None`: all).
        scope: Option<Vec<Atom>>,
        reply: Reply<Operated>,
    },
    /// Creates, renames or deletes a resource group.
    Group {
        account: AccountId,
        op: GroupOp,
        reply: Reply<ResourceGroup>,
    },
    /// Answered once every phase due at the time it is read has been settled and committed,
    /// or with the backend's error when a round fails; with `record_clock`, the clock's time
    /// is written down too (a manual clock resumes from it after a restart).
    Settle {
        record_clock: bool,
        reply: Reply<()>,
    },
    /// Answered when everything sent before it is committed; the writer then stops.
    Shutdown { reply: Reply<()> },
    /// Another replica's change added an earlier deadline: look at the queue again.
    Wake,
}

impl Command {
    /// How many instances the command names or creates.
    fn instances(&self) -> usize {
        match self {
            Command::Create { plan, .. } => plan.names.len(),
            Command::Operate { ids, .. } => ids.len(),
            _ => 1,
        }
    }
}

pub(crate) struct Writer {
    pub journal: Box<dyn Journal>,
    pub core: Arc<Core>,
    pub ids: IdGenerator,
}

enum Answer {
    Created(Reply<Created>, Result<Created, StoreError>),
    Operated(Reply<Operated>, Result<Operated, StoreError>),
    Group(Reply<ResourceGroup>, Result<ResourceGroup, StoreError>),
}

impl Writer {
    pub fn run(mut self, rx: Receiver<Command>) {
        // Settle requests wait until nothing due at the time they arrived is left.
        let mut settles: Vec<(Millis, Reply<()>)> = Vec::new();
        let mut shutdown: Option<Reply<()>> = None;
        while let Some(batch) = self.next_batch(&rx) {
            let now = self.core.clock.now();
            let mut record = false;
            let mut commands = Vec::with_capacity(batch.len());
            for cmd in batch {
                match cmd {
                    Command::Settle {
                        record_clock,
                        reply,
                    } => {
                        record |= record_clock;
                        settles.push((now, reply));
                    }
                    Command::Shutdown { reply } => shutdown = Some(reply),
                    Command::Wake => {}
                    // Nothing after a shutdown is taken.
                    other if shutdown.is_none() => commands.push(other),
                    _ => {}
                }
            }
            let due_now = self.core.state().earliest_due().is_some_and(|t| t <= now);
            if (due_now || !commands.is_empty() || record)
                && let Err(why) = self.round(now, commands, record.then_some(now))
            {
                // What was due is still due: the settles waiting for it are told now, not
                // when the backend is back.
                for (_, reply) in settles.drain(..) {
                    let _ = reply.send(Err(StoreError::Backend(why.clone())));
                }
            }
            if let Some(reply) = shutdown.take() {
                let _ = reply.send(Ok(()));
                break;
            }
            let earliest = self.core.state().earliest_due();
            for (_, reply) in settles.extract_if(.., |(at, _)| earliest.is_none_or(|t| t > *at)) {
                let _ = reply.send(Ok(()));
            }
        }
        // Callers still waiting learn that the store closed when their reply is dropped.
        tracing::debug!("store writer stopped");
    }

    /// Waits for commands, or for the earliest deadline, and takes what has arrived.
    /// `None` when every handle to the store is gone.
    fn next_batch(&self, rx: &Receiver<Command>) -> Option<Vec<Command>> {
        let now = self.core.clock.now();
        let wait = match self.core.state().earliest_due() {
            Some(t) if t <= now => Some(std::time::Duration::ZERO),
            Some(t) => self.core.clock.real_wait_until(t),
            None => None,
        };
        let first = match wait {
            Some(d) => match rx.recv_timeout(d) {
                Ok(c) => Some(c),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => return None,
            },
            None => Some(rx.recv().ok()?),
        };
        let mut weight = first.as_ref().map_or(0, Command::instances);
        let mut batch: Vec<Command> = first.into_iter().collect();
        while batch.len() < MAX_BATCH && weight < MAX_BATCH_INSTANCES {
            match rx.try_recv() {
                Ok(c) => {
                    weight += c.instances();
                    batch.push(c);
                }
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
            }
        }
        Some(batch)
    }

    /// One transaction: catch up with other replicas, settle what is due, apply the commands,
    /// commit, publish, answer.
    /// On failure nothing of the round is applied, and every command has been answered with
    /// the error (returned too).
    fn round(
        &mut self,
        now: Millis,
        commands: Vec<Command>,
        clock: Option<Millis>,
    ) -> Result<(), String> {
        if now > zec_core::clock::MAX_TIME {
            // Only a system clock set decades ahead gets here (a manual clock cannot).
            let why = format!(
                "the clock reads {}, after the latest time zecd can represent ({}); writes are refused until it is corrected",
                zec_core::clock::format_api_time(now),
                zec_core::clock::format_api_time(zec_core::clock::MAX_TIME)
            );
            tracing::error!("{why}");
            Self::refuse(commands, || {
                StoreError::Api(ApiError::new(
                    ErrorCode::ServiceTemporaryUnavailable,
                    why.clone(),
                ))
            });
            std::thread::sleep(RETRY_PAUSE);
            return Err(why);
        }
        let applied = self.core.state().applied;
        let catch_up = match self.journal.begin(applied) {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(error = %e, "store round could not begin; the batch is not applied");
                self.journal.abort();
                let why = e.to_string();
                Self::refuse(commands, || StoreError::Backend(why.clone()));
                std::thread::sleep(RETRY_PAUSE);
                return Err(e.to_string());
            }
        };
        let core = self.core.clone();
        let mut state = core.state();
        let st = &mut *state;
        core.catch_up(st, catch_up);
        let mut overlay = Overlay {
            clock,
            ..Overlay::default()
        };
        self.settle_due(st, now, &mut overlay);
        let mut answers = Vec::with_capacity(commands.len());
        for cmd in commands {
            match cmd {
                Command::Create {
                    account,
                    plan,
                    reply,
                } => {
                    let result = self.create(st, account, &plan, now, &mut overlay);
                    answers.push(Answer::Created(reply, result));
                }
                Command::Operate {
                    account,
                    ids,
                    op,
                    change,
                    scope,
                    reply,
                } => {
                    let result = self.operate(
                        st,
                        account,
                        &ids,
                        op,
                        &change,
                        scope.as_deref(),
                        now,
                        &mut overlay,
                    );
                    answers.push(Answer::Operated(reply, result));
                }
                Command::Group { account, op, reply } => {
                    let result = self.group(account, op, now, &mut overlay);
                    answers.push(Answer::Group(reply, result));
                }
                Command::Settle { reply, .. } | Command::Shutdown { reply } => {
                    let _ = reply.send(Ok(()));
                }
                Command::Wake => {}
            }
        }
        if overlay.is_empty() {
            self.journal.abort();
            Self::answer(answers, None);
            return Ok(());
        }
        match self.journal.commit(&overlay, self.ids.last()) {
            Ok(seq) => {
                core.publish(st, overlay, seq);
                drop(state);
                Self::answer(answers, None);
                Ok(())
            }
            Err(e) => {
                tracing::error!(error = %e, "store commit failed; the batch is not applied");
                self.journal.abort();
                self.roll_back(st, &overlay);
                drop(state);
                Self::answer(answers, Some(e.to_string()));
                std::thread::sleep(RETRY_PAUSE);
                Err(e.to_string())
            }
        }
    }

    /// Answers commands that a round could not take up.
    fn refuse(commands: Vec<Command>, err: impl Fn() -> StoreError) {
        for cmd in commands {
            match cmd {
                Command::Create { reply, .. } => {
                    let _ = reply.send(Err(err()));
                }
                Command::Operate { reply, .. } => {
                    let _ = reply.send(Err(err()));
                }
                Command::Group { reply, .. } => {
                    let _ = reply.send(Err(err()));
                }
                Command::Settle { reply, .. } | Command::Shutdown { reply } => {
                    let _ = reply.send(Err(err()));
                }
                Command::Wake => {}
            }
        }
    }

    /// Undoes what a round that failed to commit did to the writer's own state: addresses it
    /// handed out or freed, deadlines it took off the queue.
    fn roll_back(&mut self, st: &mut State, overlay: &Overlay) {
        let index = self.core.index();
        for (id, row) in &overlay.rows {
            match (index.by_id(*id), row) {
                (Some(old), _) => {
                    if row.is_none() {
                        let pool = self.public_pool(old);
                        st.alloc.claim(old, pool);
                    }
                    if let Some(p) = old.pending {
                        st.due.push(Reverse((p.due, *id)));
                    }
                }
                (None, Some(new)) => {
                    let pool = self.public_pool(new);
                    st.alloc.release(new, pool);
                }
                (None, None) => {}
            }
        }
    }

    fn answer(answers: Vec<Answer>, failure: Option<String>) {
        fn unless<T>(failure: &Option<String>, r: Result<T, StoreError>) -> Result<T, StoreError> {
            match failure {
                Some(f) => Err(StoreError::Backend(f.clone())),
                None => r,
            }
        }
        for a in answers {
            match a {
                Answer::Created(reply, result) => {
                    let _ = reply.send(unless(&failure, result));
                }
                Answer::Operated(reply, result) => {
                    let _ = reply.send(unless(&failure, result));
                }
                Answer::Group(reply, result) => {
                    let _ = reply.send(unless(&failure, result));
                }
            }
        }
    }

    /// The current version of an instance: this batch's, else the index's.
    fn current(&self, overlay: &Overlay, id: u64) -> Option<Instance> {
        match overlay.rows.get(&id) {
            Some(row) => row.clone(),
            None => self.core.index().by_id(id).cloned(),
        }
    }

    fn settle_due(&mut self, st: &mut State, now: Millis, overlay: &mut Overlay) {
        let mut settled = 0;
        while settled < MAX_SETTLE {
            match st.due.peek() {
                Some(Reverse((t, _))) if *t <= now => {}
                _ => break,
            }
            let Some(Reverse((due, id))) = st.due.pop() else {
                break;
            };
            let Some(instance) = self.current(overlay, id) else {
                continue;
            };
            // A deadline left over from a phase that has since been replaced.
            if instance.pending.is_none_or(|p| p.due != due) {
                continue;
            }
            self.settle(st, instance, now, overlay);
            settled += 1;
        }
    }

    /// Writes down a phase whose time has come; an instance whose phase ends in its removal
    /// is deleted and its addresses freed. Returns the instance unless it is gone.
    fn settle(
        &mut self,
        st: &mut State,
        mut instance: Instance,
        now: Millis,
        overlay: &mut Overlay,
    ) -> Option<Instance> {
        let id = instance.id;
        if !instance.settle(now) {
            return Some(instance);
        }
        if instance.status_at(now).is_none() {
            let pool = self.public_pool(&instance);
            st.alloc.release(&instance, pool);
            overlay.rows.insert(id, None);
            None
        } else {
            overlay.rows.insert(id, Some(instance.clone()));
            Some(instance)
        }
    }

    /// Applies an operation to each instance: the lifecycle table decides, against the status
    /// the instance has at this moment (its due phase settled first), so that an action and
    /// a finishing phase can never interleave into a state the table does not allow. If any
    /// id names no instance of the account, nothing is done.
    #[allow(clippy::too_many_arguments)]
    fn operate(
        &mut self,
        st: &mut State,
        account: AccountId,
        ids: &[u64],
        op: Operation,
        change: &Change,
        scope: Option<&[Atom]>,
        now: Millis,
        overlay: &mut Overlay,
    ) -> Result<Operated, StoreError> {
        if let Change::ResourceGroup(g) = change
            && self.group_of(account, g, overlay).is_none()
        {
            return Err(StoreError::Api(ApiError::new(
                ErrorCode::OperationFailedResourceGroupNotFound,
                format!("The resource group `{g}` is not found."),
            )));
        }
        let mut current = Vec::with_capacity(ids.len());
        for &id in ids {
            let found = self
                .current(overlay, id)
                .filter(|i| i.account == account && i.status_at(now).is_some());
            let Some(instance) = found else {
                return Err(StoreError::Api(ApiError::new(
                    ErrorCode::InvalidInstanceNotFound,
                    format!("The instance `{id}` is not found."),
                )));
            };
            if scope.is_some_and(|groups| !groups.contains(&instance.resource_group_id)) {
                return Err(StoreError::Api(ApiError::new(
                    ErrorCode::AuthFailureUnauthorizedOperation,
                    format!(
                        "The instance `{id}` is in a resource group this credential may not touch."
                    ),
                )));
            }
            if !current.iter().any(|i: &Instance| i.id == id) {
                current.push(instance);
            }
        }
        // A change with limits (tags) is checked against every instance as it is now, before
        // any is touched: all or nothing.
        for instance in &current {
            change.check(instance).map_err(StoreError::Api)?;
        }
        let mut outcomes = Vec::with_capacity(current.len());
        for instance in current {
            let Some(mut instance) = self.settle(st, instance, now, overlay) else {
                continue;
            };
            let before = instance.status;
            match apply(before, op) {
                Err(code) => outcomes.push((instance.id, Err((code, before)))),
                Ok(effect) => {
                    change.apply(&mut instance);
                    instance.updated_at = now;
                    if let Effect::Begin(phase) = effect {
                        let due = now.saturating_add(self.core.timings.millis(phase));
                        let outcome = self.outcome(phase, &instance);
                        instance.begin(phase, now, due, outcome);
                        st.due.push(Reverse((due, instance.id)));
                    }
                    outcomes.push((instance.id, Ok(instance.status)));
                    overlay.rows.insert(instance.id, Some(instance));
                }
            }
        }
        Ok(Operated {
            order_number: self.ids.next(now),
            outcomes,
        })
    }

    /// A resource group of the account, as this batch leaves it.
    fn group_of(&self, account: AccountId, id: &str, overlay: &Overlay) -> Option<ResourceGroup> {
        match overlay.groups.get(id) {
            Some(g) => g.clone(),
            None => {
                let directory = self
                    .core
                    .directory
                    .read()
                    .unwrap_or_else(|e| e.into_inner());
                directory.group(account, id).cloned()
            }
        }
        .filter(|g| g.account == account)
    }

    fn group(
        &mut self,
        account: AccountId,
        op: GroupOp,
        now: Millis,
        overlay: &mut Overlay,
    ) -> Result<ResourceGroup, StoreError> {
        let not_found = |id: &str| {
            StoreError::Api(ApiError::new(
                ErrorCode::OperationFailedResourceGroupNotFound,
                format!("The resource group `{id}` is not found."),
            ))
        };
        let directory = self
            .core
            .directory
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        // Names are unique within an account.
        let taken = |name: &str, except: Option<&str>| {
            let mut groups: HashMap<String, ResourceGroup> = directory
                .groups_of(account)
                .into_iter()
                .map(|g| (g.id.clone(), g.clone()))
                .collect();
            for (id, g) in &overlay.groups {
                match g {
                    Some(g) if g.account == account => {
                        groups.insert(id.clone(), g.clone());
                    }
                    _ => {
                        groups.remove(id);
                    }
                }
            }
            groups
                .values()
                .any(|g| g.name == name && Some(g.id.as_str()) != except)
        };
        let name_taken = |name: &str| {
            StoreError::Api(ApiError::new(
                ErrorCode::InvalidParameterValue,
                format!("The account already has a resource group named `{name}`."),
            ))
        };
        match op {
            GroupOp::Create { name } => {
                if taken(&name, None) {
                    return Err(name_taken(&name));
                }
                let g = ResourceGroup {
                    id: crate::admin::new_uuid(),
                    account,
                    name,
                    is_default: false,
                    created_at: now,
                };
                overlay.groups.insert(g.id.clone(), Some(g.clone()));
                Ok(g)
            }
            GroupOp::Rename { id, name } => {
                let mut g = self
                    .group_of(account, &id, overlay)
                    .ok_or_else(|| not_found(&id))?;
                if taken(&name, Some(&id)) {
                    return Err(name_taken(&name));
                }
                g.name = name;
                overlay.groups.insert(id, Some(g.clone()));
                Ok(g)
            }
            GroupOp::Delete { id } => {
                let g = self
                    .group_of(account, &id, overlay)
                    .ok_or_else(|| not_found(&id))?;
                if g.is_default {
                    return Err(StoreError::Api(ApiError::new(
                        ErrorCode::OperationDeniedDefaultResourceGroup,
                        "The account's default resource group cannot be deleted.",
                    )));
                }
                let held = self.group_size(account, &id, overlay);
                if held > 0 {
                    return Err(StoreError::Api(ApiError::new(
                        ErrorCode::OperationDeniedResourceGroupNotEmpty,
                        format!(
                            "The resource group `{id}` still holds {held} resources; move or release them first."
                        ),
                    )));
                }
                overlay.groups.insert(id, None);
                Ok(g)
            }
        }
    }

    /// Instances (in any status) in a group, as this batch leaves them.
    fn group_size(&self, account: AccountId, group: &str, overlay: &Overlay) -> usize {
        let index = self.core.index.read().unwrap_or_else(|e| e.into_inner());
        let mut n = index.group_size(account, group) as i64;
        for (id, row) in &overlay.rows {
            let before = index
                .by_id(*id)
                .is_some_and(|i| i.resource_group_id == group);
            let after = row.as_ref().is_some_and(|i| i.resource_group_id == group);
            n += i64::from(after) - i64::from(before);
        }
        n.max(0) as usize
    }

    /// How a phase beginning now on this instance will end: its failure if a fault rule says
    /// so (rules are consulted, and their counts spent, only here), else its success.
    fn outcome(&self, phase: Phase, i: &Instance) -> Target {
        let Some(failure) = phase.failure() else {
            return phase.success();
        };
        let target = zec_core::faults::Target {
            zone: &i.zone_id,
            image: &i.image_id,
            instance_type: &i.instance_type,
        };
        let mut faults = self.core.faults.lock().unwrap_or_else(|e| e.into_inner());
        if faults.phase_fails(phase, target) {
            failure
        } else {
            phase.success()
        }
    }

    fn public_pool(&self, i: &Instance) -> Option<zec_core::cidr::Ipv4Cidr> {
        self.core
            .catalog
            .region(&i.region_id)
            .map(|r| r.public_ipv4_pool)
    }

    fn create(
        &mut self,
        st: &mut State,
        account: AccountId,
        plan: &CreatePlan,
        now: Millis,
        overlay: &mut Overlay,
    ) -> Result<Created, StoreError> {
        let template = &plan.template;
        // The group was checked when the request came in; it may have been deleted since.
        if self
            .group_of(account, &template.resource_group_id, overlay)
            .is_none()
        {
            return Err(StoreError::Api(ApiError::new(
                ErrorCode::OperationFailedResourceGroupNotFound,
                format!(
                    "The resource group `{}` is not found.",
                    template.resource_group_id
                ),
            )));
        }
        let mut addresses = Vec::with_capacity(plan.names.len());
        for n in 0..plan.names.len() {
            let want = if n == 0 { plan.lan_ip } else { None };
            let private = st
                .alloc
                .private(account, &template.subnet_id, plan.subnet_cidr, want);
            let public = match (private, plan.public_pool) {
                (Some(_), Some(pool)) => st.alloc.public(pool).map(Some),
                _ => Some(None),
            };
            match (private, public) {
                (Some(private), Some(public)) => addresses.push((private, public)),
                (private, _) => {
                    // Give back what this request took before failing it.
                    for (private, public) in
                        addresses.iter().copied().chain(private.map(|p| (p, None)))
                    {
                        let mut probe = template.clone();
                        probe.account = account;
                        probe.private_ipv4 = private;
                        probe.public_ipv4 = public;
                        st.alloc.release(&probe, plan.public_pool);
                    }
                    let (code, what) = if private.is_none() {
                        (
                            ErrorCode::InvalidSubnetIpv4Insufficient,
                            "private IPv4 addresses in the subnet",
                        )
                    } else {
                        (
                            ErrorCode::OperationDeniedInstanceQuotaExceed,
                            "public IPv4 addresses in the region",
                        )
                    };
                    return Err(StoreError::Api(ApiError::new(
                        code,
                        format!(
                            "There are not enough free {what} for {} instances.",
                            plan.names.len()
                        ),
                    )));
                }
            }
        }
        let due = now.saturating_add(self.core.timings.millis(Phase::Deploy));
        let order_number = self.ids.next(now);
        let mut made = Vec::with_capacity(plan.names.len());
        for (n, (private, public)) in addresses.into_iter().enumerate() {
            let a = Allocation {
                id: self.ids.next(now),
                nic_id: self.ids.next(now),
                system_disk_id: self.ids.next(now),
                data_disk_id: plan.data_disk.as_ref().map(|_| self.ids.next(now)),
                private_ipv4: private,
                public_ipv4: public,
            };
            let outcome = self.outcome(Phase::Deploy, &plan.template);
            let instance = plan.instantiate(n, a, now, due, outcome);
            st.due.push(Reverse((due, instance.id)));
            overlay.rows.insert(instance.id, Some(instance.clone()));
            made.push(instance);
        }
        Ok(Created {
            order_number,
            instances: made,
        })
    }
}
