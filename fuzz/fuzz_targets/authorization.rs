//! The Authorization header and the signature check (spec §1.3–§1.5): any header value is
//! parsed or refused, never a panic; a signature verifies only when it is the right one.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zec_sign::{Authorization, SignedParts};

fuzz_target!(|data: &[u8]| {
    // header value \0 timestamp \0 body
    let mut parts = data.splitn(3, |b| *b == 0);
    let header = parts.next().unwrap_or_default();
    let timestamp = parts.next().unwrap_or_default();
    let body = parts.next().unwrap_or_default();
    let (Ok(header), Ok(timestamp)) = (std::str::from_utf8(header), std::str::from_utf8(timestamp))
    else {
        return;
    };
    let signed = SignedParts {
        content_type: "application/json",
        host: "127.0.0.1:8080",
        timestamp,
        body,
    };
    let right = zec_sign::sign("secret", &signed);
    assert!(zec_sign::verify("secret", &signed, &right));
    match zec_sign::parse_authorization(header) {
        Ok(Authorization::Hmac {
            access_key_id,
            signature,
        }) => {
            assert!(!access_key_id.is_empty());
            // A signature the fuzzer wrote verifies only if it is the right one.
            let verified = zec_sign::verify("secret", &signed, signature);
            assert_eq!(
                verified,
                signature.eq_ignore_ascii_case(&right),
                "{signature}"
            );
            // What a client would send for this key parses back to it.
            let sent = zec_sign::authorization(access_key_id, &right);
            if let Ok(Authorization::Hmac {
                access_key_id: id,
                signature: sig,
            }) = zec_sign::parse_authorization(&sent)
            {
                assert_eq!(sig, right);
                assert_eq!(id, access_key_id);
            }
        }
        Ok(Authorization::Bearer(token)) => assert!(!token.is_empty()),
        Err(_) => {}
    }
});
