//! The response envelope (spec §2).
//!
//! Success: HTTP 200, `{"requestId": R, "response": {"requestId": R, ...fields}}`.
//! Error: 4xx/5xx, `{"requestId": R, "code": C, "message": M}`, all three always present.

use serde::{Deserialize, Serialize};

/// A successful reply as it travels: the request id both outside and inside `response`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope<'a, T: Serialize> {
    pub request_id: &'a str,
    pub response: Inner<'a, T>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Inner<'a, T: Serialize> {
    pub request_id: &'a str,
    #[serde(flatten)]
    pub body: &'a T,
}

impl<'a, T: Serialize> Envelope<'a, T> {
    pub fn new(request_id: &'a str, body: &'a T) -> Self {
        Self {
            request_id,
            response: Inner { request_id, body },
        }
    }
}

/// A successful reply as a client reads it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reply<T> {
    pub request_id: String,
    pub response: T,
}

/// An error reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    pub request_id: String,
    pub code: String,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Body {
        total_count: u32,
    }

    #[test]
    fn success_carries_the_request_id_outside_and_inside() {
        let json = serde_json::to_string(&Envelope::new("T1", &Body { total_count: 3 })).unwrap();
        assert_eq!(
            json,
            r#"{"requestId":"T1","response":{"requestId":"T1","totalCount":3}}"#
        );
    }

    #[test]
    fn error_body_has_all_three_keys() {
        let e = ErrorBody {
            request_id: "T2".into(),
            code: "MISSING_PARAMETER".into(),
            message: "m".into(),
        };
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"requestId":"T2","code":"MISSING_PARAMETER","message":"m"}"#
        );
    }
}
