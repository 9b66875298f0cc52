//! `GET /metrics`: Prometheus' text format (OpenMetrics 1.0), from `prometheus-client`.
//!
//! A request costs a few atomic additions: the counter of each (action, version) answered OK
//! and the latency histogram of each action are reached by index (made on their first use, so
//! that a scrape lists only what was used); only an error's counter is looked up by its labels.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Registry, Unit};
use std::sync::OnceLock;
use std::time::Duration;
use zec_store::Store;
use zec_types::Action;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    service: &'static str,
    action: &'static str,
    version: &'static str,
    code: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ActionLabels {
    service: &'static str,
    action: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ResourceLabels {
    kind: &'static str,
    status: String,
}

/// What a request was, once the front door knows it.
#[derive(Debug, Clone, Copy)]
pub struct Seen {
    pub service: &'static str,
    /// `None`: the request never named an action zecd serves.
    pub action: Option<(Action, &'static str)>,
}

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: HistogramFamily<ActionLabels>,
    /// Per action, per version of its service: the OK counter.
    ok: Vec<Vec<OnceLock<Counter>>>,
    /// Per action: its latency histogram.
    action_latency: Vec<OnceLock<Histogram>>,
    in_flight: Gauge,
    resources: Family<ResourceLabels, Gauge>,
}

fn latency_histogram() -> Histogram {
    // 50 µs to about 1.6 s.
    Histogram::new(exponential_buckets(0.000_05, 2.0, 16))
}

impl Metrics {
    pub fn new(store: &Store) -> Self {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        let latency: HistogramFamily<ActionLabels> =
            Family::new_with_constructor(latency_histogram as fn() -> Histogram);
        let in_flight = Gauge::default();
        let resources = Family::<ResourceLabels, Gauge>::default();
        registry.register(
            "zecd_requests",
            "API requests answered, by service, action, API version and code (OK or the error's code)",
            requests.clone(),
        );
        registry.register_with_unit(
            "zecd_request_duration",
            "Time to answer an API request, by action",
            Unit::Seconds,
            latency.clone(),
        );
        registry.register(
            "zecd_requests_in_flight",
            "API requests being answered",
            in_flight.clone(),
        );
        registry.register(
            "zecd_resources",
            "Resources of every account, by kind and by the status a reader sees now",
            resources.clone(),
        );
        store.metrics().register(&mut registry, store.is_shared());
        let ok = Action::ALL
            .iter()
            .map(|a| {
                a.service()
                    .versions()
                    .iter()
                    .map(|_| OnceLock::new())
                    .collect()
            })
            .collect();
        let action_latency = Action::ALL.iter().map(|_| OnceLock::new()).collect();
        Self {
            registry,
            requests,
            latency,
            ok,
            action_latency,
            in_flight,
            resources,
        }
    }

    /// A request has begun; it is counted in flight until the guard is dropped.
    pub fn begin(&self) -> InFlight {
        self.in_flight.inc();
        InFlight(self.in_flight.clone())
    }

    /// A request was answered with `code` (`"OK"` or an error's) after `took`.
    pub fn answered(&self, seen: Seen, code: &'static str, took: Duration) {
        let seconds = took.as_secs_f64();
        match seen.action {
            Some((action, version)) => {
                let index = action as usize;
                if code == "OK"
                    && let Some(v) = action
                        .service()
                        .versions()
                        .iter()
                        .position(|x| *x == version)
                {
                    self.ok[index][v]
                        .get_or_init(|| {
                            self.requests
                                .get_or_create(&RequestLabels {
                                    service: action.service().as_str(),
                                    action: action.name(),
                                    version,
                                    code,
                                })
                                .clone()
                        })
                        .inc();
                } else {
                    self.requests
                        .get_or_create(&RequestLabels {
                            service: seen.service,
                            action: action.name(),
                            version,
                            code,
                        })
                        .inc();
                }
                self.action_latency[index]
                    .get_or_init(|| {
                        self.latency
                            .get_or_create(&ActionLabels {
                                service: action.service().as_str(),
                                action: action.name(),
                            })
                            .clone()
                    })
                    .observe(seconds);
            }
            None => {
                self.requests
                    .get_or_create(&RequestLabels {
                        service: seen.service,
                        action: "",
                        version: "",
                        code,
                    })
                    .inc();
                self.latency
                    .get_or_create(&ActionLabels {
                        service: seen.service,
                        action: "",
                    })
                    .observe(seconds);
            }
        }
    }

    /// The text of a scrape: the counters as they are, the gauges read now.
    pub fn render(&self, store: &Store) -> String {
        store.refresh_metrics();
        self.resources.clear();
        for (kind, status, n) in store.census() {
            self.resources
                .get_or_create(&ResourceLabels { kind, status })
                .set(n as i64);
        }
        let mut out = String::with_capacity(16 * 1024);
        if let Err(e) = prometheus_client::encoding::text::encode(&mut out, &self.registry) {
            tracing::error!(error = %e, "cannot encode the metrics");
        }
        out
    }
}

/// Counts a request in flight until dropped.
pub struct InFlight(Gauge);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.dec();
    }
}
