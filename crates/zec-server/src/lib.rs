//! zecd's HTTP side: `POST /api/v2/{service}`, the action in `x-zc-action`, every request
//! authenticated before an action sees it, every answer in the vendor's envelope.

#![forbid(unsafe_code)]

pub mod actions;
pub mod auth;
pub mod config;
pub mod console;
mod front;
pub mod net;
pub mod ops;
mod raw;
pub mod request;
pub mod tls;

use axum::Router;
use axum::routing::any;
use std::sync::{Arc, MutexGuard};
use zec_core::ManualClock;
use zec_core::faults::Faults;
use zec_store::{Store, StoreError};
use zec_types::ApiError;

/// What every handler shares.
#[derive(Clone)]
pub struct App {
    pub store: Store,
    pub limits: Arc<Limits>,
    /// The lifecycle clock, when it is manual: the admin API moves it.
    pub manual_clock: Option<Arc<ManualClock>>,
    /// Health, metrics, request limits, draining.
    pub ops: Arc<ops::Ops>,
    /// The guest driver, with `--guests qemu`.
    pub guests: Option<zec_guest::Guests>,
}

impl App {
    pub fn new(
        store: Store,
        limits: Limits,
        manual_clock: Option<Arc<ManualClock>>,
        ops: ops::Ops,
    ) -> Self {
        Self {
            store,
            limits: Arc::new(limits),
            manual_clock,
            ops: Arc::new(ops),
            guests: None,
        }
    }

    /// With real guests (`--guests qemu`).
    pub fn with_guests(mut self, guests: Option<zec_guest::Guests>) -> Self {
        self.guests = guests;
        self
    }

    /// The fault rules (shared with the store, which consults them when phases begin).
    pub fn faults(&self) -> MutexGuard<'_, Faults> {
        self.store
            .faults()
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }
}

#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest request body accepted.
    pub max_body_bytes: usize,
    /// Longest pause between two reads of a request body.
    pub body_timeout: std::time::Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_body_bytes: 1 << 20,
            body_timeout: std::time::Duration::from_secs(60),
        }
    }
}

/// The HTTP routes.
pub fn router(app: App) -> Router {
    Router::new()
        .route("/api/v2/{service}", any(front::api))
        .route("/_zecd/api", any(front::admin))
        .route("/_zecd/health", any(front::health))
        .route("/_zecd/ready", any(front::ready))
        .route("/metrics", any(front::metrics))
        .route("/console", axum::routing::get(console::index))
        .route("/console/", axum::routing::get(console::index))
        .route("/console/app.js", axum::routing::get(console::script))
        .route("/console/app.css", axum::routing::get(console::style))
        .route("/console/api/session", any(console::session))
        .route("/console/api/v2/{service}", any(front::console_api))
        .fallback(front::not_found)
        .with_state(app)
}

/// A store failure as the caller sees it: its own error when it has one, else an internal
/// error whose cause goes to the log only.
pub fn store_error(e: StoreError) -> ApiError {
    match e {
        StoreError::Refused(e) => e,
        StoreError::Unavailable(why) => {
            tracing::error!(error = %why, "store unavailable");
            ApiError::new(
                zec_types::ErrorCode::ServiceTemporaryUnavailable,
                "The service is temporarily unavailable; retry shortly.",
            )
        }
        StoreError::Invalid(why) => ApiError::new(zec_types::ErrorCode::InvalidParameterValue, why),
        StoreError::Internal(why) => {
            tracing::error!(error = %why, "store failure");
            ApiError::internal()
        }
    }
}
