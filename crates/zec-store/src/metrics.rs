//! What the store measures of itself, for the server's `/metrics`: writer rounds, their batch
//! sizes and commit times, the deadline queue and how late phases are settled, and on a shared
//! database how far this replica lags and how often it lost the database.

use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Registry, Unit};
use std::sync::atomic::AtomicU64;

pub struct StoreMetrics {
    /// Write rounds committed (or found to have nothing to write).
    pub rounds: Counter,
    /// Commands per round.
    pub batch_size: Histogram,
    /// Seconds to commit a round (the database transaction).
    pub commit_seconds: Histogram,
    /// Phases waiting for their deadline.
    pub deadlines: Gauge,
    /// Seconds between a phase's deadline and its settling by the writer.
    pub lateness_seconds: Histogram,
    /// Seconds since this replica last caught up with the shared database.
    pub catch_up_lag_seconds: Gauge<f64, AtomicU64>,
    /// Times the shared database became reachable again after it was lost.
    pub reconnects: Counter,
}

impl Default for StoreMetrics {
    fn default() -> Self {
        Self {
            rounds: Counter::default(),
            batch_size: Histogram::new(exponential_buckets(1.0, 2.0, 12)),
            commit_seconds: Histogram::new(exponential_buckets(0.000_05, 2.0, 16)),
            deadlines: Gauge::default(),
            lateness_seconds: Histogram::new(exponential_buckets(0.001, 2.0, 14)),
            catch_up_lag_seconds: Gauge::default(),
            reconnects: Counter::default(),
        }
    }
}

impl StoreMetrics {
    /// Registers every metric (the replica ones only on a shared database).
    pub fn register(&self, registry: &mut Registry, shared: bool) {
        registry.register(
            "zecd_writer_rounds",
            "Write rounds of the store's single writer",
            self.rounds.clone(),
        );
        registry.register(
            "zecd_writer_batch_size",
            "Commands taken up by one write round",
            self.batch_size.clone(),
        );
        registry.register_with_unit(
            "zecd_writer_commit",
            "Time to commit one write round",
            Unit::Seconds,
            self.commit_seconds.clone(),
        );
        registry.register(
            "zecd_deadlines_queued",
            "Phases under way, waiting for their deadline",
            self.deadlines.clone(),
        );
        registry.register_with_unit(
            "zecd_phase_lateness",
            "How long after its deadline a phase was written down",
            Unit::Seconds,
            self.lateness_seconds.clone(),
        );
        if shared {
            registry.register_with_unit(
                "zecd_replica_catch_up_lag",
                "Time since this replica last caught up with the shared database",
                Unit::Seconds,
                self.catch_up_lag_seconds.clone(),
            );
            registry.register(
                "zecd_replica_reconnects",
                "Times the shared database became reachable again after it was lost",
                self.reconnects.clone(),
            );
        }
    }
}
