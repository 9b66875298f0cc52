//! ZC2-HMAC-SHA256, the request signature of the Zenlayer Cloud API 2.0 (spec §1.3–§1.5).
//!
//! Pure functions, shared by the server (which verifies) and the SDK (which signs), so that
//! there is one implementation of the canonical request.
//!
//! ```text
//! CanonicalRequest = "POST\n/\n\ncontent-type:<ct>\nhost:<host>\n\ncontent-type;host\n<hex sha256(body)>"
//! StringToSign     = "ZC2-HMAC-SHA256\n<timestamp>\n<hex sha256(CanonicalRequest)>"
//! Signature        = hex hmac_sha256(key = access key password, StringToSign)
//! ```
//! The canonical URI is always `/`, whatever the real path, and the content type and host are
//! signed exactly as sent (a Java client signs `application/json; charset=utf-8`).

#![forbid(unsafe_code)]

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use std::fmt;

/// The algorithm name, first word of the `Authorization` header and of the string to sign.
pub const ALGORITHM: &str = "ZC2-HMAC-SHA256";
/// The only signed-header list the official clients send.
pub const SIGNED_HEADERS: &str = "content-type;host";

type HmacSha256 = Hmac<Sha256>;

/// What a signature covers: the literal values a client sent.
#[derive(Debug, Clone, Copy)]
pub struct SignedParts<'a> {
    pub content_type: &'a str,
    pub host: &'a str,
    /// The `x-zc-timestamp` header value, unix seconds as text.
    pub timestamp: &'a str,
    /// The exact body bytes, never a re-serialization.
    pub body: &'a [u8],
}

/// Lowercase hex SHA-256 of the body.
pub fn hashed_payload(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

/// The canonical request (spec §1.4 step 2).
pub fn canonical_request(content_type: &str, host: &str, body: &[u8]) -> String {
    format!(
        "POST\n/\n\ncontent-type:{content_type}\nhost:{host}\n\n{SIGNED_HEADERS}\n{}",
        hashed_payload(body)
    )
}

/// The string to sign (spec §1.4 step 3).
pub fn string_to_sign(parts: &SignedParts<'_>) -> String {
    let canonical = canonical_request(parts.content_type, parts.host, parts.body);
    format!(
        "{ALGORITHM}\n{}\n{}",
        parts.timestamp,
        hex::encode(Sha256::digest(canonical.as_bytes()))
    )
}

/// SHA-256 of the canonical request, hashed as it is written rather than built in memory:
/// every request to the server goes through this.
fn canonical_request_hash(parts: &SignedParts<'_>) -> [u8; 64] {
    let mut payload = [0u8; 64];
    hex::encode_to_slice(Sha256::digest(parts.body), &mut payload).expect("64 hex digits");
    let mut h = Sha256::new();
    h.update(b"POST\n/\n\ncontent-type:");
    h.update(parts.content_type.as_bytes());
    h.update(b"\nhost:");
    h.update(parts.host.as_bytes());
    h.update(b"\n\n");
    h.update(SIGNED_HEADERS.as_bytes());
    h.update(b"\n");
    h.update(payload);
    let mut out = [0u8; 64];
    hex::encode_to_slice(h.finalize(), &mut out).expect("64 hex digits");
    out
}

fn mac(secret: &str, parts: &SignedParts<'_>) -> HmacSha256 {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes any key size");
    mac.update(ALGORITHM.as_bytes());
    mac.update(b"\n");
    mac.update(parts.timestamp.as_bytes());
    mac.update(b"\n");
    mac.update(&canonical_request_hash(parts));
    mac
}

/// The signature as 64 lowercase hex digits.
pub fn sign(secret: &str, parts: &SignedParts<'_>) -> String {
    hex::encode(mac(secret, parts).finalize().into_bytes())
}

/// Checks a hex signature in constant time. Anything that is not 64 hex digits fails.
pub fn verify(secret: &str, parts: &SignedParts<'_>, signature_hex: &str) -> bool {
    let mut expected = [0u8; 32];
    if hex::decode_to_slice(signature_hex, &mut expected).is_err() {
        return false;
    }
    mac(secret, parts).verify_slice(&expected).is_ok()
}

/// The `Authorization` header value for a signature.
pub fn authorization(access_key_id: &str, signature: &str) -> String {
    format!(
        "{ALGORITHM} Credential={access_key_id}, SignedHeaders={SIGNED_HEADERS}, Signature={signature}"
    )
}

/// A parsed `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Authorization<'a> {
    /// `ZC2-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`
    Hmac {
        access_key_id: &'a str,
        signature: &'a str,
    },
    /// `Bearer <token>`
    Bearer(&'a str),
}

/// Why an `Authorization` header could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedAuthorization(pub &'static str);

impl fmt::Display for MalformedAuthorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for MalformedAuthorization {}

/// Parses an `Authorization` header. The clients write `, ` between parts; a bare `,` is
/// accepted too. The signed-header list must be `content-type;host`, the only one any
/// official client sends.
pub fn parse_authorization(value: &str) -> Result<Authorization<'_>, MalformedAuthorization> {
    let value = value.trim();
    if let Some(token) = strip_prefix_ignore_case(value, "Bearer ") {
        let token = token.trim();
        if token.is_empty() {
            return Err(MalformedAuthorization("the bearer token is empty"));
        }
        return Ok(Authorization::Bearer(token));
    }
    let Some(rest) = value.strip_prefix(ALGORITHM) else {
        return Err(MalformedAuthorization(
            "the Authorization header must start with `ZC2-HMAC-SHA256 ` or `Bearer `",
        ));
    };
    if !rest.starts_with(' ') {
        return Err(MalformedAuthorization(
            "expected a space after ZC2-HMAC-SHA256",
        ));
    }
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let part = part.trim();
        let Some((name, val)) = part.split_once('=') else {
            return Err(MalformedAuthorization(
                "each part must be Name=Value, separated by `, `",
            ));
        };
        let slot = match name {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed_headers,
            "Signature" => &mut signature,
            _ => return Err(MalformedAuthorization("unknown part in Authorization")),
        };
        if slot.replace(val).is_some() {
            return Err(MalformedAuthorization(
                "a part appears twice in Authorization",
            ));
        }
    }
    let access_key_id = credential
        .filter(|c| !c.is_empty())
        .ok_or(MalformedAuthorization("Credential is missing or empty"))?;
    if signed_headers != Some(SIGNED_HEADERS) {
        return Err(MalformedAuthorization(
            "SignedHeaders must be content-type;host",
        ));
    }
    let signature = signature.ok_or(MalformedAuthorization("Signature is missing"))?;
    if signature.len() != 64 || !signature.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(MalformedAuthorization(
            "Signature must be 64 hexadecimal digits",
        ));
    }
    Ok(Authorization::Hmac {
        access_key_id,
        signature,
    })
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOST: &str = "127.0.0.1:8080";
    const TS: &str = "1700000000";

    fn parts<'a>(content_type: &'a str, body: &'a str) -> SignedParts<'a> {
        SignedParts {
            content_type,
            host: HOST,
            timestamp: TS,
            body: body.as_bytes(),
        }
    }

    /// Spec §1.5, vectors V1–V4.
    #[test]
    fn reproduces_the_four_spec_vectors() {
        let cases = [
            (
                "application/json",
                "{}",
                "ea2fb76330357998e4e98979884848cd10204d378f965c5a6d98a369fb8abc2a",
            ),
            (
                "application/json",
                r#"{"instanceIds":["ins-1"]}"#,
                "328822e480420577b95cdacd5ad8ee68fc6423f0e9600460331204a193702127",
            ),
            (
                "application/json",
                r#"{"instanceIds": ["ins-1"]}"#,
                "c53430206d00f6696f95069249aec2d2540c9aa610e97caa5ba3cb071e826836",
            ),
            (
                "application/json; charset=utf-8",
                "{}",
                "0a8a84a57967e88174646c816db63099623b98448d5ef96b002cf81dba462b62",
            ),
        ];
        for (ct, body, want) in cases {
            let p = parts(ct, body);
            assert_eq!(sign("secretEXAMPLE", &p), want, "{ct} {body}");
            assert!(verify("secretEXAMPLE", &p, want));
        }
    }

    #[test]
    fn the_streamed_hash_is_the_hash_of_the_written_canonical_request() {
        let p = parts("application/json; charset=utf-8", r#"{"a": 1}"#);
        let written = canonical_request(p.content_type, p.host, p.body);
        assert_eq!(
            canonical_request_hash(&p).to_vec(),
            hex::encode(Sha256::digest(written.as_bytes())).into_bytes()
        );
        let mut mac = HmacSha256::new_from_slice(b"k").unwrap();
        mac.update(string_to_sign(&p).as_bytes());
        assert_eq!(
            sign("k", &p),
            hex::encode(mac.finalize().into_bytes()),
            "the streamed MAC signs the written string"
        );
    }

    #[test]
    fn v1_intermediates_match_the_spec() {
        assert_eq!(
            hashed_payload(b"{}"),
            "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
        );
        let canonical = canonical_request("application/json", HOST, b"{}");
        assert_eq!(
            hex::encode(Sha256::digest(canonical.as_bytes())),
            "d30cdaaa133b0f587bba833eefb6a6376829d22c984c78abcab74ca0b8418a61"
        );
    }

    #[test]
    fn exact_v1_and_v2_headers() {
        let v1 = sign("secretEXAMPLE", &parts("application/json", "{}"));
        assert_eq!(
            authorization("AKIDEXAMPLE", &v1),
            "ZC2-HMAC-SHA256 Credential=AKIDEXAMPLE, SignedHeaders=content-type;host, Signature=ea2fb76330357998e4e98979884848cd10204d378f965c5a6d98a369fb8abc2a"
        );
        let v2 = sign(
            "secretEXAMPLE",
            &parts("application/json", r#"{"instanceIds":["ins-1"]}"#),
        );
        assert_eq!(
            authorization("AKIDEXAMPLE", &v2),
            "ZC2-HMAC-SHA256 Credential=AKIDEXAMPLE, SignedHeaders=content-type;host, Signature=328822e480420577b95cdacd5ad8ee68fc6423f0e9600460331204a193702127"
        );
    }

    /// The docs' worked example (DOCS api-introduction/instruction/sign).
    #[test]
    fn reproduces_the_docs_example() {
        let p = SignedParts {
            content_type: "application/json; charset=utf-8",
            host: "console.zenlayer.com",
            timestamp: "1673361177",
            body: br#"{"pageSize":10,"pageNum":1,"zoneId":"HKG-A"}"#,
        };
        assert_eq!(
            sign("Gu5t9xGARNpq86cd98joQYCN3", &p),
            "efb356c32e55c781e10dc676da59462c22596d82e91c57803666243379555b2f"
        );
    }

    #[test]
    fn verify_rejects_any_change() {
        let p = parts("application/json", "{}");
        let good = sign("secretEXAMPLE", &p);
        assert!(!verify("secretEXAMPLf", &p, &good));
        assert!(!verify(
            "secretEXAMPLE",
            &parts("application/json", "{ }"),
            &good
        ));
        assert!(!verify(
            "secretEXAMPLE",
            &parts("application/json;charset=utf-8", "{}"),
            &good
        ));
        let mut other_ts = p;
        other_ts.timestamp = "1700000001";
        assert!(!verify("secretEXAMPLE", &other_ts, &good));
        assert!(!verify("secretEXAMPLE", &p, &good[..63]));
        assert!(!verify("secretEXAMPLE", &p, "zz"));
        // Upper-case hex is the same bytes.
        assert!(verify("secretEXAMPLE", &p, &good.to_uppercase()));
    }

    #[test]
    fn parses_what_the_clients_send() {
        let sig = "ea2fb76330357998e4e98979884848cd10204d378f965c5a6d98a369fb8abc2a";
        let header = authorization("AKIDEXAMPLE", sig);
        assert_eq!(
            parse_authorization(&header),
            Ok(Authorization::Hmac {
                access_key_id: "AKIDEXAMPLE",
                signature: sig
            })
        );
        let compact = format!(
            "ZC2-HMAC-SHA256 Credential=AKIDEXAMPLE,SignedHeaders=content-type;host,Signature={sig}"
        );
        assert!(parse_authorization(&compact).is_ok());
        assert_eq!(
            parse_authorization("Bearer pat_abc"),
            Ok(Authorization::Bearer("pat_abc"))
        );
        assert_eq!(
            parse_authorization("bearer pat_abc"),
            Ok(Authorization::Bearer("pat_abc"))
        );
    }

    #[test]
    fn rejects_malformed_headers() {
        let sig = "ea2fb76330357998e4e98979884848cd10204d378f965c5a6d98a369fb8abc2a";
        for bad in [
            String::new(),
            "Basic dXNlcjpwYXNz".into(),
            "Bearer ".into(),
            "ZC2-HMAC-SHA256".into(),
            "ZC2-HMAC-SHA256Credential=A".into(),
            format!(
                "ZC2-HMAC-SHA256 Credential=, SignedHeaders=content-type;host, Signature={sig}"
            ),
            format!("ZC2-HMAC-SHA256 Credential=A, SignedHeaders=host, Signature={sig}"),
            "ZC2-HMAC-SHA256 Credential=A, SignedHeaders=content-type;host, Signature=abc".into(),
            "ZC2-HMAC-SHA256 Credential=A, SignedHeaders=content-type;host".into(),
            format!(
                "ZC2-HMAC-SHA256 Credential=A, Credential=B, SignedHeaders=content-type;host, Signature={sig}"
            ),
            format!(
                "ZC2-HMAC-SHA256 Credential=A, Foo=1, SignedHeaders=content-type;host, Signature={sig}"
            ),
            format!("ZC2-HMAC-SHA256 Credential=A SignedHeaders=content-type;host Signature={sig}"),
        ] {
            assert!(parse_authorization(&bad).is_err(), "accepted {bad:?}");
        }
    }
}
