//! A request that has passed authentication: the only thing an action handler sees.

use crate::auth::Caller;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde::Serialize;
use serde::de::DeserializeOwned;
use zec_types::envelope::{Envelope, ErrorBody};
use zec_types::{Action, ApiError, ErrorCode};

/// The response header carrying the request id.
pub const REQUEST_ID_HEADER: &str = "x-zc-request-id";

/// An action's answer: its response, serialized in the shape of the request's version, or
/// the whole reply already written (a measured hot path, checked byte for byte against what
/// serde would write).
pub enum Reply<T> {
    Json(T),
    Raw(Vec<u8>),
}

pub struct VerifiedRequest {
    pub request_id: String,
    pub caller: Caller,
    pub action: Action,
    pub version: &'static str,
    pub body: Bytes,
}

impl VerifiedRequest {
    /// Reads the body as the action's request type. An empty body is `{}`; unknown keys are
    /// ignored; a value of the wrong type is named by its path.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        parse_json(&self.body)
    }

    /// The HTTP response for an action's answer.
    pub fn answer<T: Serialize>(&self, reply: Reply<T>) -> Result<Response, ApiError> {
        match reply {
            Reply::Json(body) => self.reply(&body),
            Reply::Raw(bytes) => Ok(json_response(StatusCode::OK, &self.request_id, bytes)),
        }
    }

    /// A success reply: `{"requestId", "response": {"requestId", ...}}`, in the shape of the
    /// request's API version.
    pub fn reply<T: Serialize>(&self, body: &T) -> Result<Response, ApiError> {
        let shape = zec_types::shape::Shape::of(self.version);
        let bytes = zec_types::shape::for_version(shape, || {
            // Room for a typical page up front: growing a buffer by doubling copies it
            // again each time, a tenth of the cost of a page of 20 instances.
            let mut buf = Vec::with_capacity(RESPONSE_BUFFER);
            serde_json::to_writer(&mut buf, &Envelope::new(&self.request_id, body)).map(|()| buf)
        })
        .map_err(|e| {
            tracing::error!(error = %e, "response serialization failed");
            ApiError::internal()
        })?;
        Ok(json_response(StatusCode::OK, &self.request_id, bytes))
    }
}

/// The buffer a response is serialized into starts this large.
const RESPONSE_BUFFER: usize = 32 * 1024;

pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    let Ok(body) = std::str::from_utf8(body) else {
        return Err(ApiError::new(
            ErrorCode::InvalidParameterValue,
            "The request body is not valid UTF-8.",
        ));
    };
    if !body.trim_start().starts_with('{') {
        return Err(ApiError::new(
            ErrorCode::InvalidParameterType,
            "The request body must be a JSON object.",
        ));
    }
    // The common case first: a well-formed body needs no path tracking. Only a failing body
    // is read again, to name the field at fault.
    if let Ok(value) = serde_json::from_str(body) {
        return Ok(value);
    }
    let mut de = serde_json::Deserializer::from_str(body);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_data() {
            ApiError::new(
                ErrorCode::InvalidParameterType,
                format!("The parameter `{path}` has the wrong type: {inner}."),
            )
        } else {
            ApiError::new(
                ErrorCode::InvalidParameterValue,
                format!("The request body is not valid JSON: {inner}."),
            )
        }
    })?;
    de.end().map_err(|e| {
        ApiError::new(
            ErrorCode::InvalidParameterValue,
            format!("The request body is not valid JSON: {e}."),
        )
    })?;
    Ok(value)
}

fn json_response(status: StatusCode, request_id: &str, body: Vec<u8>) -> Response {
    let mut r = (status, body).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Ok(v) = HeaderValue::from_str(request_id) {
        h.insert(REQUEST_ID_HEADER, v);
    }
    r
}

/// An error reply: the code's HTTP status and `{"requestId", "code", "message"}`.
pub fn error_response(request_id: &str, e: &ApiError) -> Response {
    let body = ErrorBody {
        request_id: request_id.to_owned(),
        code: e.code.as_str().to_owned(),
        message: e.message.clone(),
    };
    let bytes = serde_json::to_vec(&body).unwrap_or_else(|_| b"{}".to_vec());
    let status = StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    json_response(status, request_id, bytes)
}

/// A fresh request id in the vendor's shape: `T` and an upper-case UUID.
pub fn new_request_id() -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut b: [u8; 16] = rand::random();
    // Version 4, RFC 4122 variant.
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let mut s = String::with_capacity(37);
    s.push('T');
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        s.push(char::from(HEX[usize::from(byte >> 4)]));
        s.push(char::from(HEX[usize::from(byte & 0xf)]));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use zec_types::model::DescribeInstancesStatusRequest;

    #[test]
    fn request_ids_look_like_the_vendors() {
        let id = new_request_id();
        assert_eq!(id.len(), 37);
        assert!(id.starts_with('T'));
        let parts: Vec<_> = id[1..].split('-').map(str::len).collect();
        assert_eq!(parts, [8, 4, 4, 4, 12]);
        assert_eq!(&id[15..16], "4");
        assert_ne!(new_request_id(), id);
    }

    #[test]
    fn json_errors_name_the_field_and_the_code() {
        let err =
            |body: &str| parse_json::<DescribeInstancesStatusRequest>(body.as_bytes()).unwrap_err();
        let e = err(r#"{"pageSize":"20"}"#);
        assert_eq!(e.code, ErrorCode::InvalidParameterType);
        assert!(e.message.contains("pageSize"), "{}", e.message);
        let e = err(r#"{"instanceIds":["a",3]}"#);
        assert_eq!(e.code, ErrorCode::InvalidParameterType);
        assert!(e.message.contains("instanceIds[1]"), "{}", e.message);
        assert_eq!(
            err(r#"{"pageSize":20.5}"#).code,
            ErrorCode::InvalidParameterType
        );
        assert_eq!(
            err(r#"{"pageSize":1"#).code,
            ErrorCode::InvalidParameterValue
        );
        assert_eq!(err(r#"{} x"#).code, ErrorCode::InvalidParameterValue);
        assert_eq!(err(r#"[]"#).code, ErrorCode::InvalidParameterType);
        assert_eq!(err("\u{0}").code, ErrorCode::InvalidParameterType);
        let bad_utf8 = parse_json::<DescribeInstancesStatusRequest>(b"{\"x\":\"\xff\"}");
        assert_eq!(bad_utf8.unwrap_err().code, ErrorCode::InvalidParameterValue);
        // Deep nesting neither overflows the stack nor is taken for a value.
        let deep = format!(
            "{{\"instanceIds\":{}{}}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert_eq!(err(&deep).code, ErrorCode::InvalidParameterType);
        let ignored = format!("{{\"x\":{}{}}}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(parse_json::<DescribeInstancesStatusRequest>(ignored.as_bytes()).is_ok());
    }

    #[test]
    fn empty_bodies_unknown_keys_and_nulls_are_accepted() {
        let ok =
            |body: &str| parse_json::<DescribeInstancesStatusRequest>(body.as_bytes()).unwrap();
        assert_eq!(ok(""), DescribeInstancesStatusRequest::default());
        assert_eq!(ok(" {} "), DescribeInstancesStatusRequest::default());
        assert_eq!(
            ok(r#"{"pageSize":null,"extra":{"x":1}}"#),
            DescribeInstancesStatusRequest::default()
        );
        assert_eq!(ok(r#"{"pageSize": 5}"#).page_size, Some(5));
    }
}
