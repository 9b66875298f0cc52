//! Running zecd as a service: health and readiness for orchestrators and load balancers,
//! Prometheus metrics, per-credential request limits, and the drain on shutdown.
//!
//! - `GET /_zecd/health`: 200 while the process serves.
//! - `GET /_zecd/ready`: 200 when the store is loaded and, on PostgreSQL, the database answers
//!   and this replica has caught up; 503 while it has not, and while draining on SIGTERM.
//! - `GET /metrics`: the Prometheus text format; with `--metrics-token`, only for
//!   `Authorization: Bearer <token>`.
//!
//! None of them needs an API credential, and none says anything about accounts.

pub mod metrics;
pub mod rate;

use crate::App;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How long a readiness probe may wait for the database.
const READY_WITHIN: Duration = Duration::from_secs(2);

/// What the service endpoints and the front door share.
pub struct Ops {
    /// Set on SIGTERM: readiness fails while requests in flight finish.
    pub draining: AtomicBool,
    /// `None` with `--metrics false`.
    pub metrics: Option<metrics::Metrics>,
    pub rate: Option<rate::RateLimits>,
    pub metrics_token: Option<String>,
    /// The web console's sessions.
    pub sessions: crate::console::Sessions,
}

impl Ops {
    /// Metrics on or off, request limits (none: unlimited), the token /metrics asks for.
    pub fn new(
        store: &zec_store::Store,
        metrics: bool,
        rate_limits: &[rate::RateSpec],
        metrics_token: Option<String>,
    ) -> Self {
        Self {
            draining: AtomicBool::new(false),
            metrics: metrics.then(|| metrics::Metrics::new(store)),
            rate: rate::RateLimits::new(rate_limits),
            metrics_token,
            sessions: Default::default(),
        }
    }

    pub fn draining(&self) -> bool {
        self.draining.load(Ordering::Relaxed)
    }
}

fn json(status: StatusCode, body: serde_json::Value) -> Response {
    let mut r = Response::new(Body::from(body.to_string()));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// `GET /_zecd/health`.
pub async fn health() -> Response {
    json(StatusCode::OK, serde_json::json!({"status": "ok"}))
}

/// `GET /_zecd/ready`.
pub async fn ready(State(app): State<App>) -> Response {
    if app.ops.draining() {
        return json(
            StatusCode::SERVICE_UNAVAILABLE,
            serde_json::json!({"status": "draining", "reason": "zecd is shutting down"}),
        );
    }
    match app.store.ready(READY_WITHIN).await {
        Ok(()) => json(StatusCode::OK, serde_json::json!({"status": "ready"})),
        Err(e) => json(
            StatusCode::SERVICE_UNAVAILABLE,
            serde_json::json!({"status": "not ready", "reason": e.to_string()}),
        ),
    }
}

/// `GET /metrics`.
pub async fn metrics(State(app): State<App>, headers: HeaderMap) -> Response {
    let Some(metrics) = &app.ops.metrics else {
        return crate::request::error_response(
            &crate::request::new_request_id(),
            &zec_types::ApiError::new(
                zec_types::ErrorCode::OperationFailedResourceNotFound,
                "Metrics are off (--metrics false).",
            ),
        );
    };
    if let Some(token) = &app.ops.metrics_token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let ok = given.is_some_and(|g| constant_time_eq(g.as_bytes(), token.as_bytes()));
        if !ok {
            let mut r = json(
                StatusCode::UNAUTHORIZED,
                serde_json::json!({"status": "unauthorized",
                    "reason": "metrics need `Authorization: Bearer <--metrics-token>`"}),
            );
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"zecd metrics\""),
            );
            return r;
        }
    }
    let text = metrics.render(&app.store);
    let mut r = Response::new(Body::from(text));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    r
}

/// Compares secrets without telling by timing how much of them matched.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
