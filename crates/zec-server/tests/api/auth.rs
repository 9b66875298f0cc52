//! Authentication (spec §1.3–§1.5): signatures, expiry, bearer tokens, key lifecycle.

use crate::harness::{KEY_ID, KEY_PASSWORD, Server, eventually};
use bytes::Bytes;
use http_body_util::Full;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use zec_sdk::Credential;
use zec_sdk::model::DescribeInstancesStatusRequest;
use zec_sign::SignedParts;

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A request signed by hand, with every signed value under the test's control.
fn hand_signed(
    server: &Server,
    content_type: &str,
    body: &'static str,
    timestamp: i64,
    password: &str,
) -> hyper::Request<Full<Bytes>> {
    let ts = timestamp.to_string();
    let sig = zec_sign::sign(
        password,
        &SignedParts {
            content_type,
            host: &server.addr,
            timestamp: &ts,
            body: body.as_bytes(),
        },
    );
    hyper::Request::post(format!("http://{}/api/v2/zec", server.addr))
        .header("content-type", content_type)
        .header("host", server.addr.as_str())
        .header("x-zc-action", "DescribeInstancesStatus")
        .header("x-zc-timestamp", ts)
        .header("x-zc-signature-method", "ZC2-HMAC-SHA256")
        .header("authorization", zec_sign::authorization(KEY_ID, &sig))
        .body(Full::new(Bytes::from_static(body.as_bytes())))
        .unwrap()
}

#[tokio::test]
async fn wrong_passwords_and_unknown_keys_fail_the_signature() {
    let server = Server::start();
    for cred in [
        Credential::access_key(KEY_ID, "not-the-password"),
        Credential::access_key("AKIDUNKNOWN", KEY_PASSWORD),
    ] {
        let e = server
            .client_with(cred)
            .describe_instances_status(&DescribeInstancesStatusRequest::default())
            .await
            .unwrap_err();
        assert_eq!(e.code(), "AUTHFAILURE_SIGNATURE_FAILURE");
        assert_eq!(e.http_status(), Some(401));
    }
}

#[tokio::test]
async fn the_signature_covers_the_raw_body_and_the_literal_content_type() {
    let server = Server::start();
    // The Java SDK's content type, signed as sent, and Python's spacing in the body.
    let ok = server
        .raw(hand_signed(
            &server,
            "application/json; charset=utf-8",
            r#"{"pageSize": 5}"#,
            now(),
            KEY_PASSWORD,
        ))
        .await;
    assert_eq!(ok.status, 200, "{}", ok.json);
    assert_eq!(ok.json["response"]["requestId"], ok.json["requestId"]);

    // Same signature, one byte of the body changed.
    let mut tampered = hand_signed(
        &server,
        "application/json",
        r#"{"pageSize":5}"#,
        now(),
        KEY_PASSWORD,
    );
    *tampered.body_mut() = Full::new(Bytes::from_static(br#"{"pageSize":6}"#));
    let r = server.raw(tampered).await;
    assert_eq!(
        (r.status, r.error_code()),
        (401, "AUTHFAILURE_SIGNATURE_FAILURE")
    );
}

#[tokio::test]
async fn timestamps_more_than_five_minutes_off_are_expired() {
    let server = Server::start();
    for (skew, expired) in [(-301, true), (301, true), (-290, false), (290, false)] {
        let r = server
            .raw(hand_signed(
                &server,
                "application/json",
                "{}",
                now() + skew,
                KEY_PASSWORD,
            ))
            .await;
        if expired {
            assert_eq!(
                (r.status, r.error_code()),
                (401, "AUTHFAILURE_SIGNATURE_EXPIRED"),
                "skew {skew}"
            );
        } else {
            assert_eq!(r.status, 200, "skew {skew}: {}", r.json);
        }
    }
}

#[tokio::test]
async fn malformed_or_missing_authorization_is_invalid_authorization() {
    let server = Server::start();
    let good = hand_signed(&server, "application/json", "{}", now(), KEY_PASSWORD);
    let auth = good.headers()["authorization"].to_str().unwrap().to_owned();
    type Mutation = Box<dyn Fn(&mut hyper::Request<Full<Bytes>>)>;
    let cases: Vec<Mutation> = vec![
        Box::new(|r| {
            r.headers_mut().remove("authorization");
        }),
        Box::new(|r| {
            r.headers_mut()
                .insert("authorization", "Basic dXNlcjpwYXNz".parse().unwrap());
        }),
        Box::new(move |r| {
            let bad = auth.replace("SignedHeaders=content-type;host", "SignedHeaders=host");
            r.headers_mut()
                .insert("authorization", bad.parse().unwrap());
        }),
        Box::new(|r| {
            r.headers_mut().remove("x-zc-timestamp");
        }),
        Box::new(|r| {
            r.headers_mut()
                .insert("x-zc-timestamp", "yesterday".parse().unwrap());
        }),
        Box::new(|r| {
            r.headers_mut()
                .insert("x-zc-signature-method", "HMAC-MD5".parse().unwrap());
        }),
    ];
    for (n, mutate) in cases.iter().enumerate() {
        let mut req = hand_signed(&server, "application/json", "{}", now(), KEY_PASSWORD);
        mutate(&mut req);
        let r = server.raw(req).await;
        assert_eq!(
            (r.status, r.error_code()),
            (401, "AUTHFAILURE_INVALID_AUTHORIZATION"),
            "case {n}"
        );
    }
}

#[tokio::test]
async fn bearer_tokens_work_until_deleted_and_are_never_logged() {
    let server = Server::start();
    let out = server.admin(&["tokens", "create", "--account", "default", "--name", "ci"]);
    let mut lines = out.lines();
    let id = lines
        .next()
        .unwrap()
        .strip_prefix("token id ")
        .unwrap()
        .to_owned();
    let token = lines.next().unwrap().to_owned();
    assert!(token.starts_with("pat_") && token.len() == 68, "{token}");
    let client = server.client_with(Credential::bearer(&token));
    client
        .describe_instances_status(&DescribeInstancesStatusRequest::default())
        .await
        .unwrap();
    let e = server
        .client_with(Credential::bearer("pat_0000"))
        .describe_instances_status(&DescribeInstancesStatusRequest::default())
        .await
        .unwrap_err();
    assert_eq!(e.code(), "AUTHFAILURE_SIGNATURE_FAILURE");

    server.admin(&["tokens", "delete", &id, "--account", "default"]);
    eventually(Duration::from_secs(5), || async {
        client
            .describe_instances_status(&DescribeInstancesStatusRequest::default())
            .await
            .err()
            .filter(|e| e.code() == "AUTHFAILURE_SIGNATURE_FAILURE")
    })
    .await;
    let log = server.log();
    assert!(log.contains(&id), "the access log names the token by id");
    assert!(!log.contains(&token));
    assert!(!log.contains(KEY_PASSWORD));
}

#[tokio::test]
async fn keys_made_beside_a_running_server_work_at_once_and_stop_when_deleted() {
    let server = Server::start();
    let out = server.admin(&["keys", "create", "--account", "default"]);
    let field = |k: &str| {
        out.lines()
            .find_map(|l| l.strip_prefix(k))
            .unwrap()
            .to_owned()
    };
    let id = field("ZENLAYERCLOUD_ACCESS_KEY_ID=");
    let client = server.client_with(Credential::access_key(
        &id,
        &field("ZENLAYERCLOUD_ACCESS_KEY_PASSWORD="),
    ));
    client
        .describe_instances_status(&DescribeInstancesStatusRequest::default())
        .await
        .unwrap();
    assert!(
        server
            .admin(&["keys", "list", "--account", "default"])
            .contains(&id)
    );
    server.admin(&["keys", "delete", &id, "--account", "default"]);
    eventually(Duration::from_secs(5), || async {
        client
            .describe_instances_status(&DescribeInstancesStatusRequest::default())
            .await
            .err()
            .filter(|e| e.code() == "AUTHFAILURE_SIGNATURE_FAILURE")
    })
    .await;
}
