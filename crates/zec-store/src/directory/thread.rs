//! The directory's thread: admin work (accounts, keys, tokens) on its own connection, and
//! reloads when the database changed beside the server (an admin command, another replica).
//! An account seen for the first time is given its default resource group by the writer.

use crate::admin::{self, AdminDb};
use crate::core::Core;
use crate::error::StoreError;
use crate::writer::Command;
use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::Duration;
use tokio::sync::oneshot;

/// How often the directory is checked for changes made beside the server.
const DIRECTORY_EVERY: Duration = Duration::from_millis(500);

/// Admin work: given the connection, and a way to reload the directory before answering.
pub(crate) type AdminJob =
    Box<dyn FnOnce(&mut dyn AdminDb, &mut dyn FnMut(&mut dyn AdminDb)) + Send>;

pub(crate) enum AdminMsg {
    Run(AdminJob),
    Refresh(oneshot::Sender<()>),
}

/// Reads the directory and installs it, under the state lock, so that a read never
/// overwrites a newer one installed meanwhile (see [`Core::set_directory`]).
fn reload_directory(db: &mut dyn AdminDb, core: &Core) -> Result<i64, StoreError> {
    let version = db.directory_version()?;
    let _state = core.state();
    core.set_directory(admin::load_directory(db)?);
    Ok(version)
}

/// Accounts that have no default resource group yet: the writer makes theirs.
pub(crate) fn ensure_default_groups(core: &Core, writer: &Sender<Command>) {
    let directory = core.directory();
    let indexes = core.indexes();
    let missing: Vec<_> = directory
        .accounts()
        .map(|a| a.id)
        .filter(|a| !indexes.groups.of_account(*a).any(|g| g.is_default))
        .collect();
    drop(indexes);
    if !missing.is_empty() {
        let _ = writer.send(Command::EnsureDefaultGroups {
            accounts: missing,
            reply: None,
        });
    }
}

pub(crate) fn run(
    mut db: Box<dyn AdminDb>,
    core: Arc<Core>,
    writer: std::sync::Weak<Sender<Command>>,
    rx: mpsc::Receiver<AdminMsg>,
) {
    let mut seen = db.directory_version().ok();
    let refresh = |db: &mut dyn AdminDb, force: bool, seen: &mut Option<i64>| {
        let changed = match db.directory_version() {
            Ok(v) => Some(v) != *seen,
            Err(e) => {
                tracing::warn!(error = %e, "directory check failed");
                return;
            }
        };
        if force || changed {
            match reload_directory(db, &core) {
                Ok(v) => {
                    *seen = Some(v);
                    if let Some(w) = writer.upgrade() {
                        ensure_default_groups(&core, &w);
                    }
                }
                Err(e) => tracing::warn!(error = %e, "directory reload failed"),
            }
        }
    };
    loop {
        match rx.recv_timeout(DIRECTORY_EVERY) {
            Ok(AdminMsg::Run(job)) => job(&mut *db, &mut |db| refresh(db, true, &mut seen)),
            Ok(AdminMsg::Refresh(reply)) => {
                // Requests that arrived together share one reload.
                let mut replies = vec![reply];
                let mut jobs = Vec::new();
                while let Ok(m) = rx.try_recv() {
                    match m {
                        AdminMsg::Refresh(r) => replies.push(r),
                        AdminMsg::Run(job) => jobs.push(job),
                    }
                }
                for job in jobs {
                    job(&mut *db, &mut |db| refresh(db, true, &mut seen));
                }
                refresh(&mut *db, false, &mut seen);
                for r in replies {
                    let _ = r.send(());
                }
            }
            Err(RecvTimeoutError::Timeout) => refresh(&mut *db, false, &mut seen),
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
}
