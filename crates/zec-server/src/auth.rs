//! Who is calling: ZC2-HMAC-SHA256 over the raw body and the literal `content-type` and
//! `host` values (spec §1.3–§1.4), or a bearer token. Expiry is judged by the real wall clock.

use axum::http::HeaderMap;
use zec_core::AccountId;
use zec_sign::{Authorization, SignedParts};
use zec_store::{Scope, Store};
use zec_types::{ApiError, ErrorCode};

/// How far a signature's timestamp may be from the server's clock (spec §1.4).
pub const MAX_SKEW_SECS: i64 = 300;

/// An authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub account: AccountId,
    pub credential: Credential,
    /// May call the admin API.
    pub root: bool,
    /// What the credential may do.
    pub scope: Scope,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    AccessKey(String),
    Token(String),
}

impl Credential {
    /// For the access log: the key id or token id, never a secret.
    pub fn id(&self) -> &str {
        match self {
            Credential::AccessKey(id) | Credential::Token(id) => id,
        }
    }
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::AuthFailureInvalidAuthorization, message)
}

fn failure() -> ApiError {
    ApiError::new(
        ErrorCode::AuthFailureSignatureFailure,
        "The signature does not match, or the credential is unknown.",
    )
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Result<Option<&'a str>, ApiError> {
    headers
        .get(name)
        .map(|v| {
            std::str::from_utf8(v.as_bytes())
                .map_err(|_| invalid(format!("The {name} header is not valid UTF-8.")))
        })
        .transpose()
}

/// Checks the credentials of a request against the store's directory.
pub async fn authenticate(
    store: &Store,
    headers: &HeaderMap,
    body: &[u8],
    wall_now_secs: i64,
) -> Result<Caller, ApiError> {
    let value = header(headers, "authorization")?
        .ok_or_else(|| invalid("The Authorization header is missing."))?;
    let parsed = zec_sign::parse_authorization(value)
        .map_err(|e| invalid(format!("The Authorization header is malformed: {e}.")))?;
    match parsed {
        Authorization::Bearer(token) => {
            let found = match store.directory().token(token) {
                Some(t) => Some(t),
                // A token made a moment ago by `zecd tokens create` beside this server.
                None => refreshed(store).await.token(token),
            };
            let t = found.ok_or_else(failure)?;
            Ok(Caller {
                account: t.account,
                credential: Credential::Token(t.id.clone()),
                root: false,
                scope: t.scope.clone(),
            })
        }
        Authorization::Hmac {
            access_key_id,
            signature,
        } => {
            if let Some(method) = header(headers, "x-zc-signature-method")?
                && method != zec_sign::ALGORITHM
            {
                return Err(invalid(format!(
                    "x-zc-signature-method must be {}; got {method}.",
                    zec_sign::ALGORITHM
                )));
            }
            let timestamp = header(headers, "x-zc-timestamp")?
                .ok_or_else(|| invalid("The x-zc-timestamp header is missing."))?;
            let ts: i64 = timestamp
                .parse()
                .map_err(|_| invalid("x-zc-timestamp must be Unix seconds."))?;
            // abs_diff: a timestamp near i64::MIN or i64::MAX must not wrap into the window.
            if wall_now_secs.abs_diff(ts) > MAX_SKEW_SECS.unsigned_abs() {
                return Err(ApiError::new(
                    ErrorCode::AuthFailureSignatureExpired,
                    format!(
                        "The request was signed at {ts}, more than {MAX_SKEW_SECS} s from the server time {wall_now_secs}."
                    ),
                ));
            }
            let key = match store.directory().key(access_key_id) {
                Some(k) => Some(k),
                None => refreshed(store).await.key(access_key_id),
            };
            let key = key.ok_or_else(failure)?;
            let parts = SignedParts {
                content_type: header(headers, "content-type")?.unwrap_or(""),
                host: header(headers, "host")?.unwrap_or(""),
                timestamp,
                body,
            };
            if !zec_sign::verify(&key.secret, &parts, signature) {
                return Err(failure());
            }
            Ok(Caller {
                account: key.account,
                credential: Credential::AccessKey(key.id.clone()),
                root: key.root,
                scope: key.scope.clone(),
            })
        }
    }
}

/// The directory once it has caught up with the database (a credential made a moment ago by
/// `zecd keys create` beside this server).
/// Requests arriving together share one reload.
async fn refreshed(store: &Store) -> std::sync::Arc<zec_store::Directory> {
    if let Err(e) = store.refresh_directory().await {
        tracing::warn!(error = %e, "directory reload failed");
    }
    store.directory()
}
