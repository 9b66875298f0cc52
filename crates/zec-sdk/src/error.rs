use std::fmt;

/// What can go wrong with a call.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The API answered with an error.
    #[error("{code} (HTTP {status}): {message} [requestId {request_id}]")]
    Api {
        status: u16,
        request_id: String,
        code: String,
        message: String,
    },
    /// The request never got an answer.
    #[error("network error: {0}")]
    Network(String),
    #[error("timed out after {0:?}")]
    Timeout(std::time::Duration),
    /// The answer was not what the API sends.
    #[error("unreadable response (HTTP {status}): {detail}")]
    Decode { status: u16, detail: String },
    /// The client is not configured to make the call.
    #[error("{0}")]
    Config(String),
}

impl Error {
    /// The API error code, or the official SDKs' client-side code for other failures.
    pub fn code(&self) -> &str {
        match self {
            Error::Api { code, .. } => code,
            Error::Network(_) => "NETWORK_ERROR",
            Error::Timeout(_) => "REQUEST_TIMED_OUT",
            Error::Decode { .. } => "JSON_PARSE_FAILED",
            Error::Config(_) => "SDK_INVALID_REQUEST",
        }
    }

    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api { request_id, .. } => Some(request_id),
            _ => None,
        }
    }

    pub fn http_status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } | Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }
}

pub(crate) struct Redacted<'a>(pub &'a str);

impl fmt::Debug for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} chars redacted>", self.0.len())
    }
}
