//! The web console at `/console`: a page and its script and style, embedded in the binary (no
//! CDN, no build step), over the same front door as the API.
//!
//! Signing in (`POST /console/api/session` with an access key id and password, or a token)
//! opens a session kept in this replica's memory for at most 24 hours; its id travels in an
//! http-only, same-site cookie, and only its hash is kept. Every console call
//! (`POST /console/api/v2/{service}`, the action in `x-zc-action`) runs as the session's
//! credential, through the same permissions, limits, faults and metrics as a signed request,
//! and must carry `x-zecd-console: 1` (a header no other site's page can send without
//! asking). A credential deleted since the session began ends it. Signing out
//! (`DELETE /console/api/session`) ends it on the server.

use crate::App;
use crate::auth::{Caller, Credential};
use crate::request::{error_response, new_request_id};
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use zec_types::{ApiError, ErrorCode};

/// The longest a session lasts.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(24 * 3600);
/// Most sessions kept at once (the oldest go first).
const MAX_SESSIONS: usize = 10_000;
const COOKIE: &str = "zecd_console";

const INDEX_HTML: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const APP_CSS: &str = include_str!("assets/app.css");

struct Session {
    caller: Caller,
    expires: Instant,
}

/// The console's sessions, by the hash of their cookie.
#[derive(Default)]
pub struct Sessions {
    open: Mutex<HashMap<[u8; 32], Session>>,
}

impl Sessions {
    fn open(&self, caller: Caller) -> String {
        let mut secret = [0u8; 32];
        rand::fill(&mut secret);
        let id = hex::encode(secret);
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        open.retain(|_, s| s.expires > now);
        if open.len() >= MAX_SESSIONS
            && let Some(oldest) = open.iter().min_by_key(|(_, s)| s.expires).map(|(k, _)| *k)
        {
            open.remove(&oldest);
        }
        open.insert(
            hash(&id),
            Session {
                caller,
                expires: now + SESSION_LIFETIME,
            },
        );
        id
    }

    fn get(&self, id: &str) -> Option<Caller> {
        let open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        open.get(&hash(id))
            .filter(|s| s.expires > Instant::now())
            .map(|s| s.caller.clone())
    }

    fn close(&self, id: &str) {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        open.remove(&hash(id));
    }
}

fn hash(id: &str) -> [u8; 32] {
    Sha256::digest(id.as_bytes()).into()
}

fn cookie_of(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v)
}

fn signed_out() -> ApiError {
    ApiError::new(
        ErrorCode::AuthFailureInvalidAuthorization,
        "Sign in to the console first (the session is missing, over or ended).",
    )
}

fn check_console_header(headers: &HeaderMap) -> Result<(), ApiError> {
    match headers.get("x-zecd-console").map(HeaderValue::as_bytes) {
        Some(b"1") => Ok(()),
        _ => Err(ApiError::new(
            ErrorCode::AuthFailureUnauthorizedOperation,
            "Console requests carry the header x-zecd-console: 1.",
        )),
    }
}

/// The caller of a console request: its session, if it is open and its credential still
/// exists.
pub async fn session_of(app: &App, headers: &HeaderMap) -> Result<Caller, ApiError> {
    check_console_header(headers)?;
    let id = cookie_of(headers).ok_or_else(signed_out)?;
    let caller = app.ops.sessions.get(id).ok_or_else(signed_out)?;
    let directory = app.store.directory();
    let alive = match &caller.credential {
        Credential::AccessKey(k) => directory.key(k).is_some(),
        Credential::Token(t) => directory.token_by_id(t).is_some(),
    };
    if !alive {
        app.ops.sessions.close(id);
        return Err(signed_out());
    }
    Ok(caller)
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

fn describe(app: &App, caller: &Caller) -> serde_json::Value {
    let account = app
        .store
        .directory()
        .account(caller.account)
        .map(|a| a.name.clone())
        .unwrap_or_default();
    serde_json::json!({
        "account": account,
        "credential": caller.credential.id(),
        "root": caller.root,
        "readOnly": caller.scope.read_only,
        "resourceGroupIds": caller.scope.groups,
    })
}

/// `/console/api/session`: GET (who am I), POST (sign in), DELETE (sign out).
pub async fn session(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let rid = new_request_id();
    if let Err(e) = check_console_header(&headers) {
        return error_response(&rid, &e);
    }
    match method {
        Method::GET => match session_of(&app, &headers).await {
            Ok(caller) => json(StatusCode::OK, describe(&app, &caller)),
            Err(e) => error_response(&rid, &e),
        },
        Method::POST => match sign_in(&app, &body).await {
            Ok(caller) => {
                let id = app.ops.sessions.open(caller.clone());
                let mut r = json(StatusCode::OK, describe(&app, &caller));
                let cookie = format!(
                    "{COOKIE}={id}; Path=/console; HttpOnly; SameSite=Strict; Max-Age={}",
                    SESSION_LIFETIME.as_secs()
                );
                if let Ok(v) = HeaderValue::from_str(&cookie) {
                    r.headers_mut().insert(header::SET_COOKIE, v);
                }
                r
            }
            Err(e) => error_response(&rid, &e),
        },
        Method::DELETE => {
            if let Some(id) = cookie_of(&headers) {
                app.ops.sessions.close(id);
            }
            let mut r = json(StatusCode::OK, serde_json::json!({"signedOut": true}));
            r.headers_mut().insert(
                header::SET_COOKIE,
                HeaderValue::from_static(
                    "zecd_console=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0",
                ),
            );
            r
        }
        other => error_response(
            &rid,
            &ApiError::new(
                ErrorCode::InvalidParameterValue,
                format!("The HTTP method {other} is not supported here."),
            ),
        ),
    }
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct SignIn {
    access_key_id: Option<String>,
    access_key_password: Option<String>,
    token: Option<String>,
}

async fn sign_in(app: &App, body: &[u8]) -> Result<Caller, ApiError> {
    let s: SignIn = serde_json::from_slice(body).map_err(|_| {
        ApiError::new(
            ErrorCode::InvalidParameterValue,
            "Sign in with {\"accessKeyId\", \"accessKeyPassword\"} or {\"token\"}.",
        )
    })?;
    let failed = || {
        ApiError::new(
            ErrorCode::AuthFailureSignatureFailure,
            "The access key id and password, or the token, are not right.",
        )
    };
    if let Some(token) = s.token.as_deref().filter(|t| !t.is_empty()) {
        let found = match app.store.directory().token(token) {
            Some(t) => Some(t),
            None => {
                let _ = app.store.refresh_directory().await;
                app.store.directory().token(token)
            }
        };
        let t = found.ok_or_else(failed)?;
        return Ok(Caller {
            account: t.account,
            credential: Credential::Token(t.id.clone()),
            root: false,
            scope: t.scope.clone(),
        });
    }
    let id = s.access_key_id.as_deref().unwrap_or_default().trim();
    let password = s.access_key_password.as_deref().unwrap_or_default();
    let key = match app.store.directory().key(id) {
        Some(k) => Some(k),
        None => {
            let _ = app.store.refresh_directory().await;
            app.store.directory().key(id)
        }
    };
    let key = key.ok_or_else(failed)?;
    if !crate::ops::constant_time_eq(key.secret.as_bytes(), password.as_bytes()) {
        return Err(failed());
    }
    Ok(Caller {
        account: key.account,
        credential: Credential::AccessKey(key.id.clone()),
        root: key.root,
        scope: key.scope.clone(),
    })
}

fn asset(body: &'static str, content_type: &'static str) -> Response {
    let mut r = Response::new(Body::from(body));
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

/// `GET /console`: the page.
pub async fn index() -> Response {
    asset(INDEX_HTML, "text/html; charset=utf-8")
}

/// `GET /console/app.js`.
pub async fn script() -> Response {
    asset(APP_JS, "text/javascript; charset=utf-8")
}

/// `GET /console/app.css`.
pub async fn style() -> Response {
    asset(APP_CSS, "text/css; charset=utf-8")
}
