//! The front door, a pipeline of named steps, each failure its own vendor-shaped error:
//!
//! 1. [`route`]: the path names a service, the method is POST;
//! 2. [`read_body`]: at most `--max-body-bytes`, each part within `--body-timeout`;
//! 3. [`authenticate`]: a valid signature or bearer token;
//! 4. [`resolve`]: the action (`x-zc-action`) and the API version (`x-zc-version`);
//! 5. [`authorize`]: what the credential may do;
//! 6. [`inject_faults`]: an error a fault rule asks for;
//! 7. catch up with the other replicas (on a shared database);
//! 8. [`actions::dispatch`]: the action.
//!
//! Each request runs in a `request` span carrying the access-log fields as they become known
//! (anything logged while serving it names the request), and ends in one access-log line.

use crate::App;
use crate::actions;
use crate::auth::{Caller, authenticate};
use crate::request::{VerifiedRequest, error_response, new_request_id};
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, Uri, header};
use axum::response::Response;
use bytes::Bytes;
use http_body_util::BodyExt;
use std::time::{Duration, Instant};
use tracing::Instrument;
use tracing::field::Empty;
use zec_core::clock::wall_clock_millis;
use zec_core::rules;
use zec_types::error::echo;
use zec_types::{Action, ApiError, ErrorCode, Service};

/// `POST /api/v2/{service}`.
pub async fn api(
    State(app): State<App>,
    uri: Uri,
    method: Method,
    headers: HeaderMap,
    body: Body,
) -> Response {
    // The path is read here, not by an extractor, so that a segment that is not valid
    // percent-encoded UTF-8 is an unknown service in the envelope like any other.
    let raw = uri.path().rsplit('/').next().unwrap_or_default();
    let service = percent_decode(raw).unwrap_or_else(|| raw.to_owned());
    let resolved = Service::from_path(&service);
    serve(app, service, resolved, method, headers, body, None).await
}

/// `POST /console/api/v2/{service}`: the web console's calls, with its session in place of a
/// signature, through the same front door (the same permissions, limits, faults, metrics).
pub async fn console_api(
    State(app): State<App>,
    uri: Uri,
    method: Method,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let raw = uri.path().rsplit('/').next().unwrap_or_default();
    let service = percent_decode(raw).unwrap_or_else(|| raw.to_owned());
    let resolved = if service == "admin" {
        Some(Service::Admin)
    } else {
        Service::from_path(&service)
    };
    match crate::console::session_of(&app, &headers).await {
        Ok(caller) => serve(app, service, resolved, method, headers, body, Some(caller)).await,
        Err(e) => error_response(&new_request_id(), &e),
    }
}

/// `POST /_zecd/api`: zecd's admin API, through the same front door.
pub async fn admin(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let service = "_zecd".to_owned();
    serve(
        app,
        service,
        Some(Service::Admin),
        method,
        headers,
        body,
        None,
    )
    .await
}

/// `GET /_zecd/health`, `GET /_zecd/ready`, `GET /metrics`: other methods are refused in the
/// envelope, as every other answer.
pub async fn health(method: Method) -> Response {
    match only_get(&method) {
        None => crate::ops::health().await,
        Some(refused) => refused,
    }
}

pub async fn ready(state: State<App>, method: Method) -> Response {
    match only_get(&method) {
        None => crate::ops::ready(state).await,
        Some(refused) => refused,
    }
}

pub async fn metrics(state: State<App>, method: Method, headers: HeaderMap) -> Response {
    match only_get(&method) {
        None => crate::ops::metrics(state, headers).await,
        Some(refused) => refused,
    }
}

/// The refusal of a method other than GET (or HEAD).
fn only_get(method: &Method) -> Option<Response> {
    if method == Method::GET || method == Method::HEAD {
        return None;
    }
    Some(error_response(
        &new_request_id(),
        &ApiError::new(
            ErrorCode::InvalidParameterValue,
            format!("The HTTP method {method} is not supported here; use GET."),
        ),
    ))
}

/// What the access log says of a request, filled in step by step.
#[derive(Default)]
struct Access {
    action: Option<String>,
    caller: Option<Caller>,
    /// The action and version, once resolved (for the metrics).
    resolved: Option<(Action, &'static str)>,
}

async fn serve(
    app: App,
    service: String,
    resolved: Option<Service>,
    method: Method,
    headers: HeaderMap,
    body: Body,
    session: Option<Caller>,
) -> Response {
    let started = Instant::now();
    let _in_flight = app.ops.metrics.as_ref().map(|m| m.begin());
    let request_id = new_request_id();
    // At debug level: a span costs little when disabled, and the access line below says
    // everything at info level; with `--log debug`, whatever is logged while serving a
    // request names it.
    let span = tracing::debug_span!(
        "request",
        request_id = %request_id,
        service = %service,
        action = Empty,
        account = Empty,
        credential = Empty,
    );
    let mut access = Access::default();
    let step = Step {
        app: &app,
        session,
        service: &service,
        method: &method,
        headers: &headers,
        request_id: &request_id,
        span: &span,
    };
    let result = step
        .pipeline(resolved, body, &mut access)
        .instrument(span.clone())
        .await;
    let (response, code) = match result {
        Ok(r) => (r, "OK"),
        Err(e) => {
            let mut r = error_response(&request_id, &e);
            if e.code == ErrorCode::RequestTimedOut {
                // The body was not read to its end: the connection cannot carry another
                // request.
                r.headers_mut()
                    .insert(header::CONNECTION, HeaderValue::from_static("close"));
            }
            (r, e.code.as_str())
        }
    };
    if let Some(metrics) = &app.ops.metrics {
        metrics.answered(
            crate::ops::metrics::Seen {
                service: resolved.map_or("unknown", Service::as_str),
                action: access.resolved,
            },
            code,
            started.elapsed(),
        );
    }
    tracing::info!(
        target: "zecd::access",
        parent: None,
        request_id = %request_id,
        method = %method,
        service = %service,
        action = access.action.as_deref().unwrap_or("-"),
        account = access.caller.as_ref().map(|c| c.account),
        credential = access.caller.as_ref().map(|c| c.credential.id()),
        status = response.status().as_u16(),
        code,
        micros = started.elapsed().as_micros() as u64,
    );
    response
}

/// What every step of one request shares.
struct Step<'a> {
    app: &'a App,
    /// A console session's caller: no signature is read (the console's requests carry its
    /// session cookie instead).
    session: Option<Caller>,
    service: &'a str,
    method: &'a Method,
    headers: &'a HeaderMap,
    request_id: &'a str,
    span: &'a tracing::Span,
}

impl Step<'_> {
    async fn pipeline(
        &self,
        resolved: Option<Service>,
        body: Body,
        access: &mut Access,
    ) -> Result<Response, ApiError> {
        let service = route(self.service, resolved, self.method)?;
        let limits = &self.app.limits;
        let body = read_body(
            self.headers,
            body,
            limits.max_body_bytes,
            limits.body_timeout,
        )
        .await?;
        let caller = match &self.session {
            Some(caller) => caller.clone(),
            None => {
                let now = wall_clock_millis().div_euclid(1000);
                authenticate(&self.app.store, self.headers, &body, now).await?
            }
        };
        self.span.record("account", caller.account);
        self.span.record("credential", caller.credential.id());
        access.caller = Some(caller.clone());
        let name = action_name(self.headers)?;
        access.action = Some(name.to_owned());
        let (action, version) = resolve(service, name, self.headers)?;
        access.resolved = Some((action, version));
        self.span.record("action", action.name());
        authorize(&caller, action)?;
        if let Some(limits) = &self.app.ops.rate
            && service != Service::Admin
        {
            limits.check(caller.credential.id(), action)?;
        }
        inject_faults(self.app, action)?;
        // With replicas on one database: see everything committed before this request came.
        self.app.store.sync().await.map_err(crate::store_error)?;
        let request = VerifiedRequest {
            request_id: self.request_id.to_owned(),
            caller,
            action,
            version,
            body,
        };
        actions::dispatch(self.app, &request).await
    }
}

/// Step 1: a service zecd serves, with POST.
fn route(name: &str, resolved: Option<Service>, method: &Method) -> Result<Service, ApiError> {
    let service = resolved.ok_or_else(|| {
        ApiError::new(
            ErrorCode::OperationFailedResourceNotFound,
            format!(
                "There is no service `{}`; ZEC is served at POST /api/v2/zec.",
                echo(name)
            ),
        )
    })?;
    if method != Method::POST {
        return Err(ApiError::new(
            ErrorCode::InvalidParameterValue,
            format!(
                "The HTTP method {method} is not supported; Zenlayer Cloud API requests are POST."
            ),
        ));
    }
    Ok(service)
}

/// Step 2: a body of at most `limit` bytes, each part arriving within `pause` of the previous
/// one (nginx's `client_body_timeout`). A client that stalls is answered REQUEST_TIMED_OUT.
async fn read_body(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
    pause: Duration,
) -> Result<Bytes, ApiError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let mut body = body;
    if declared.is_some_and(|n| n > limit as u64) {
        // Read and dropped before answering, so that the client, still sending, gets the
        // answer instead of a reset connection (nginx's lingering close).
        discard(&mut body, pause).await;
        return Err(too_large(limit));
    }
    let mut first: Option<Bytes> = None;
    let mut rest: Vec<u8> = Vec::new();
    loop {
        let next = tokio::time::timeout(pause, body.frame())
            .await
            .map_err(|_| timed_out(pause))?;
        let chunk = match next {
            None => break,
            Some(Ok(frame)) => match frame.into_data() {
                Ok(chunk) => chunk,
                // Trailers carry nothing an action reads.
                Err(_) => continue,
            },
            Some(Err(e)) => return Err(unreadable(&e)),
        };
        // `rest`, once used, holds the first chunk too.
        let have = if rest.is_empty() {
            first.as_ref().map_or(0, Bytes::len)
        } else {
            rest.len()
        };
        if have + chunk.len() > limit {
            discard(&mut body, pause).await;
            return Err(too_large(limit));
        }
        // One chunk, the usual case, is kept without a copy.
        match &first {
            None => first = Some(chunk),
            Some(f) => {
                if rest.is_empty() {
                    rest.reserve(f.len() + chunk.len());
                    rest.extend_from_slice(f);
                }
                rest.extend_from_slice(&chunk);
            }
        }
    }
    Ok(if rest.is_empty() {
        first.unwrap_or_default()
    } else {
        Bytes::from(rest)
    })
}

/// The action's name, from `x-zc-action`.
fn action_name(headers: &HeaderMap) -> Result<&str, ApiError> {
    headers
        .get("x-zc-action")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::missing("x-zc-action (header)"))
}

/// Step 4: the action, in its service, and the API version (absent: the newest).
fn resolve(
    service: Service,
    name: &str,
    headers: &HeaderMap,
) -> Result<(Action, &'static str), ApiError> {
    let action = Action::lookup(service, name).ok_or_else(|| {
        ApiError::new(
            ErrorCode::AuthFailureUnauthorizedOperation,
            format!(
                "The action `{}` does not exist in service {service}, or you may not call it.",
                echo(name)
            ),
        )
    })?;
    let version = match headers.get("x-zc-version").map(|v| v.to_str()) {
        None => service.versions()[0],
        Some(Ok(v)) => service
            .versions()
            .iter()
            .copied()
            .find(|known| *known == v.trim())
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::InvalidParameterValue,
                    format!(
                        "The API version `{}` is not supported by {service}; use one of {}.",
                        echo(v),
                        service.versions().join(", ")
                    ),
                )
            })?,
        Some(Err(_)) => {
            return Err(ApiError::new(
                ErrorCode::InvalidParameterValue,
                "The x-zc-version header is not valid text.",
            ));
        }
    };
    Ok((action, version))
}

/// Step 5: a read-only credential only reads; only the root credential administers.
fn authorize(caller: &Caller, action: Action) -> Result<(), ApiError> {
    if caller.scope.read_only && !action.is_read_only() {
        return Err(rules::scope::read_only(action.name()));
    }
    if action.service() == Service::Admin && !caller.root {
        return Err(rules::scope::not_root());
    }
    Ok(())
}

/// Step 6: an error a fault rule asks for (never on the admin API, so that rules can always
/// be taken back).
fn inject_faults(app: &App, action: Action) -> Result<(), ApiError> {
    if action.service() != Service::Admin
        && let Some(e) = app.faults().injected_error(action.name())
    {
        return Err(e);
    }
    Ok(())
}

/// At most this much of a body too large to take is read and dropped before the answer.
const DISCARD_AT_MOST: usize = 16 << 20;

/// Reads and drops what is left of a body (at most [`DISCARD_AT_MOST`] bytes, each part within
/// `pause`); beyond that the answer goes out and the connection is closed under the sender.
async fn discard(body: &mut Body, pause: Duration) {
    let mut dropped = 0usize;
    while dropped <= DISCARD_AT_MOST {
        match tokio::time::timeout(pause, body.frame()).await {
            Ok(Some(Ok(frame))) => dropped += frame.data_ref().map_or(0, Bytes::len),
            _ => return,
        }
    }
}

fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidParameterExceedLength,
        format!("The request body is larger than {limit} bytes."),
    )
}

fn timed_out(pause: Duration) -> ApiError {
    ApiError::new(
        ErrorCode::RequestTimedOut,
        format!(
            "The request body stopped arriving for {}; the connection is closed.",
            humantime::format_duration(pause)
        ),
    )
}

fn unreadable(e: &axum::Error) -> ApiError {
    tracing::debug!(error = %e, "request body unreadable");
    ApiError::new(
        ErrorCode::InvalidParameterValue,
        "The request body could not be read in full.",
    )
}

/// A path segment with its `%XX` escapes decoded; `None` if that is not UTF-8 text.
fn percent_decode(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = segment.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Anything else: the envelope, not a 404 page.
pub async fn not_found(uri: Uri) -> Response {
    let request_id = new_request_id();
    let e = ApiError::new(
        ErrorCode::OperationFailedResourceNotFound,
        format!(
            "There is nothing at {}; ZEC is served at POST /api/v2/zec.",
            echo(uri.path())
        ),
    );
    tracing::info!(target: "zecd::access", request_id = %request_id, path = %echo(uri.path()), status = 404);
    error_response(&request_id, &e)
}
