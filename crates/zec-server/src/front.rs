//! The front door: path, method, body size, authentication, action and version, in that
//! order, each failure its own vendor-shaped error; then the action; then one access-log line.

use crate::App;
use crate::actions;
use crate::auth::{Caller, authenticate};
use crate::request::{VerifiedRequest, error_response, new_request_id};
use axum::body::{Body, to_bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, Uri, header};
use axum::response::Response;
use std::time::Instant;
use zec_core::clock::wall_clock_millis;
use zec_types::{Action, ApiError, ErrorCode, Service};

pub async fn api(
    State(app): State<App>,
    Path(service): Path<String>,
    method: Method,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let resolved = Service::from_path(&service);
    serve(app, service, resolved, method, headers, body).await
}

/// zecd's admin API: the same front door, for the admin service.
pub async fn admin(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    body: Body,
) -> Response {
    serve(
        app,
        "_zecd".into(),
        Some(Service::Admin),
        method,
        headers,
        body,
    )
    .await
}

async fn serve(
    app: App,
    service: String,
    resolved: Option<Service>,
    method: Method,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let started = Instant::now();
    let request_id = new_request_id();
    let mut caller: Option<Caller> = None;
    let mut action_name: Option<String> = None;
    let result = handle(
        &app,
        &service,
        resolved,
        &method,
        &headers,
        body,
        &request_id,
        &mut caller,
        &mut action_name,
    )
    .await;
    let (response, code) = match result {
        Ok(r) => (r, "OK"),
        Err(e) => (error_response(&request_id, &e), e.code.as_str()),
    };
    tracing::info!(
        target: "zecd::access",
        request_id = %request_id,
        method = %method,
        service = %service,
        action = action_name.as_deref().unwrap_or("-"),
        account = caller.as_ref().map(|c| c.account),
        credential = caller.as_ref().map(|c| c.credential.id()),
        status = response.status().as_u16(),
        code,
        micros = started.elapsed().as_micros() as u64,
    );
    response
}

#[allow(clippy::too_many_arguments)]
async fn handle(
    app: &App,
    service: &str,
    resolved: Option<Service>,
    method: &Method,
    headers: &HeaderMap,
    body: Body,
    request_id: &str,
    caller_out: &mut Option<Caller>,
    action_out: &mut Option<String>,
) -> Result<Response, ApiError> {
    let service = resolved.ok_or_else(|| {
        ApiError::new(
            ErrorCode::OperationFailedResourceNotFound,
            format!("There is no service `{service}`; ZEC is served at POST /api/v2/zec."),
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
    let limit = app.limits.max_body_bytes;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large(limit));
    }
    let body = to_bytes(body, limit).await.map_err(|e| {
        if is_length_limit(&e) {
            too_large(limit)
        } else {
            unreadable(&e)
        }
    })?;

    let caller = authenticate(
        &app.store,
        headers,
        &body,
        wall_clock_millis().div_euclid(1000),
    )
    .await?;
    *caller_out = Some(caller.clone());

    let name = headers
        .get("x-zc-action")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::missing("x-zc-action (header)"))?;
    *action_out = Some(name.to_owned());
    let action = Action::lookup(service, name).ok_or_else(|| {
        ApiError::new(
            ErrorCode::AuthFailureUnauthorizedOperation,
            format!(
                "The action `{name}` does not exist in service {service}, or you may not call it."
            ),
        )
    })?;
    if caller.scope.read_only && !action.is_read_only() {
        return Err(ApiError::new(
            ErrorCode::AuthFailureUnauthorizedOperation,
            format!("This credential may only read (Describe* actions); {action} is refused."),
        ));
    }
    if service == Service::Admin && !caller.root {
        return Err(ApiError::new(
            ErrorCode::AuthFailureUnauthorizedOperation,
            "The admin API takes the root credential only.",
        ));
    }
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
                        "The API version `{v}` is not supported by {service}; use one of {}.",
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
    // Faults a user asked for (the admin API is exempt, so they can always be removed).
    if service != Service::Admin
        && let Some(e) = app.faults().injected_error(action.name())
    {
        return Err(e);
    }
    // With replicas on one database: see everything committed before this request came.
    app.store.sync().await.map_err(crate::store_error)?;
    let req = VerifiedRequest {
        request_id: request_id.to_owned(),
        caller,
        action,
        version,
        body,
    };
    actions::dispatch(app, &req).await
}

fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidParameterExceedLength,
        format!("The request body is larger than {limit} bytes."),
    )
}

fn is_length_limit(e: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(s) = source {
        if s.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = s.source();
    }
    false
}

fn unreadable(e: &axum::Error) -> ApiError {
    tracing::debug!(error = %e, "request body unreadable");
    ApiError::new(
        ErrorCode::InvalidParameterValue,
        "The request body could not be read in full.",
    )
}

pub async fn not_found(uri: Uri) -> Response {
    let request_id = new_request_id();
    let e = ApiError::new(
        ErrorCode::OperationFailedResourceNotFound,
        format!(
            "There is nothing at {}; ZEC is served at POST /api/v2/zec.",
            uri.path()
        ),
    );
    tracing::info!(target: "zecd::access", request_id = %request_id, path = %uri.path(), status = 404);
    error_response(&request_id, &e)
}
