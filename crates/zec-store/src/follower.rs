//! The follower's thread (shared database only): catches up with other replicas every
//! [`FOLLOW_EVERY`], and at once when a request asks (see [`crate::Store::sync`]).

use crate::backend::Follow;
use crate::core::Core;
use crate::writer::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Weak};
use std::time::Duration;
use tokio::sync::watch;

/// How often a replica looks for other replicas' changes when no request asks it to.
const FOLLOW_EVERY: Duration = Duration::from_millis(100);

/// Rounds of catching up with the shared database: a request waits for one that began after
/// it arrived.
pub(crate) struct Rounds {
    pub started: AtomicU64,
    /// When a round last reached the database ([`mono_ms`]).
    pub last_ok: AtomicU64,
    /// The last round finished, and whether it reached the database.
    pub finished: watch::Sender<(u64, bool)>,
}

impl Rounds {
    pub fn new() -> Self {
        Self {
            started: AtomicU64::new(0),
            last_ok: AtomicU64::new(mono_ms()),
            finished: watch::Sender::new((0, true)),
        }
    }
}

/// Milliseconds on a monotonic clock shared by the follower and its readers.
pub(crate) fn mono_ms() -> u64 {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    START
        .get_or_init(std::time::Instant::now)
        .elapsed()
        .as_millis() as u64
}

pub(crate) fn run(
    mut follow: Box<dyn Follow>,
    core: Arc<Core>,
    rounds: Arc<Rounds>,
    writer: Weak<mpsc::Sender<Command>>,
    demand: mpsc::Receiver<()>,
) {
    let mut healthy = true;
    while let Ok(()) | Err(RecvTimeoutError::Timeout) = demand.recv_timeout(FOLLOW_EVERY) {
        while demand.try_recv().is_ok() {}
        let round = rounds.started.fetch_add(1, Ordering::SeqCst) + 1;
        // Read without the state lock (the writer may be waiting for it while it holds the
        // fleet's write lock); installed under it. What the writer applied meanwhile is not
        // applied again, and an older read is never installed over a newer one: every change
        // has its log position.
        let applied = core.state().applied;
        let outcome = follow
            .poll(applied)
            .map(|catch_up| core.catch_up(&mut core.state(), catch_up));
        let ok = match outcome {
            Ok(earlier_deadline) => {
                if earlier_deadline && let Some(w) = writer.upgrade() {
                    let _ = w.send(Command::Wake);
                }
                if !healthy {
                    tracing::info!("the database is reachable again");
                    core.metrics.reconnects.inc();
                }
                rounds
                    .last_ok
                    .store(crate::follower::mono_ms(), Ordering::Relaxed);
                true
            }
            Err(e) => {
                if healthy {
                    tracing::error!(error = %e, "cannot catch up with the database");
                }
                false
            }
        };
        healthy = ok;
        rounds.finished.send_replace((round, ok));
    }
}
