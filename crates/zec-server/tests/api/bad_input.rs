//! Bad input of every kind gets the vendor's error envelope with the right code, and the
//! server carries on.

use crate::harness::Server;
use bytes::Bytes;
use http_body_util::Full;

#[tokio::test]
async fn every_kind_of_bad_request_gets_its_own_vendor_shaped_error() {
    let server = Server::start();
    let cases: Vec<(&str, hyper::Request<Full<Bytes>>, u16, &str)> = vec![
        (
            "malformed JSON",
            server.signed("DescribeInstancesStatus", "{\"pageSize\":"),
            400,
            "INVALID_PARAMETER_VALUE",
        ),
        (
            "trailing garbage",
            server.signed("DescribeInstancesStatus", "{} {}"),
            400,
            "INVALID_PARAMETER_VALUE",
        ),
        (
            "not an object",
            server.signed("DescribeInstancesStatus", "[1,2]"),
            400,
            "INVALID_PARAMETER_TYPE",
        ),
        (
            "string for an integer",
            server.signed("DescribeInstancesStatus", r#"{"pageSize":"20"}"#),
            400,
            "INVALID_PARAMETER_TYPE",
        ),
        (
            "number for a list",
            server.signed("DescribeInstancesStatus", r#"{"instanceIds":7}"#),
            400,
            "INVALID_PARAMETER_TYPE",
        ),
        (
            "not UTF-8",
            server.signed(
                "DescribeInstancesStatus",
                Bytes::from_static(b"{\"a\":\"\xff\"}"),
            ),
            400,
            "INVALID_PARAMETER_VALUE",
        ),
        (
            "unknown action",
            server.signed("DescribeEverything", "{}"),
            401,
            "AUTHFAILURE_UNAUTHORIZED_OPERATION",
        ),
        (
            "oversize body",
            server.signed("DescribeInstancesStatus", vec![b' '; (1 << 20) + 1]),
            400,
            "INVALID_PARAMETER_EXCEED_LENGTH",
        ),
        (
            "wrong type deep inside",
            server.signed("CreateZecInstances", r#"{"systemDisk":{"diskSize":"big"}}"#),
            400,
            "INVALID_PARAMETER_TYPE",
        ),
    ];
    for (what, req, status, code) in cases {
        let r = server.raw(req).await;
        assert_eq!(
            (r.status, r.error_code()),
            (status, code),
            "{what}: {}",
            r.json
        );
    }

    let mut no_action = server.signed("DescribeInstancesStatus", "{}");
    no_action.headers_mut().remove("x-zc-action");
    let r = server.raw(no_action).await;
    assert_eq!((r.status, r.error_code()), (400, "MISSING_PARAMETER"));

    let mut bad_version = server.signed("DescribeInstancesStatus", "{}");
    bad_version
        .headers_mut()
        .insert("x-zc-version", "2019-01-01".parse().unwrap());
    let r = server.raw(bad_version).await;
    assert_eq!((r.status, r.error_code()), (400, "INVALID_PARAMETER_VALUE"));

    let mut old_version = server.signed("DescribeInstancesStatus", "{}");
    old_version
        .headers_mut()
        .insert("x-zc-version", "2024-04-01".parse().unwrap());
    assert_eq!(server.raw(old_version).await.status, 200);
    let mut no_version = server.signed("DescribeInstancesStatus", "{}");
    no_version.headers_mut().remove("x-zc-version");
    assert_eq!(server.raw(no_version).await.status, 200);

    let mut get = server.signed("DescribeInstancesStatus", "{}");
    *get.method_mut() = hyper::Method::GET;
    let r = server.raw(get).await;
    assert_eq!((r.status, r.error_code()), (400, "INVALID_PARAMETER_VALUE"));

    for path in ["/api/v2/vm", "/", "/api/v2/zec/extra", "/api/v3/zec"] {
        let mut req = server.signed("DescribeInstancesStatus", "{}");
        *req.uri_mut() = format!("http://{}{path}", server.addr).parse().unwrap();
        let r = server.raw(req).await;
        assert_eq!(r.status, 404, "{path}: {}", r.json);
        assert_eq!(
            r.error_code(),
            "OPERATION_FAILED_RESOURCE_NOT_FOUND",
            "{path}"
        );
    }

    // Header names are case-insensitive; the server is still answering normally.
    let mut shouting = server.signed("DescribeInstancesStatus", "{}");
    let action = shouting.headers_mut().remove("x-zc-action").unwrap();
    shouting.headers_mut().insert("X-ZC-ACTION", action);
    let ok = server.raw(shouting).await;
    assert_eq!(ok.status, 200);
    assert_eq!(ok.json["response"]["totalCount"], 0);
    assert_eq!(ok.json["requestId"].as_str(), ok.request_id.as_deref());
}

#[tokio::test]
async fn every_request_gets_a_fresh_request_id_in_the_body_the_header_and_the_log() {
    let server = Server::start();
    let a = server
        .raw(server.signed("DescribeInstancesStatus", "{}"))
        .await;
    let b = server
        .raw(server.signed("DescribeInstancesStatus", "{}"))
        .await;
    let (a, b) = (a.request_id.unwrap(), b.request_id.unwrap());
    assert_ne!(a, b);
    assert!(a.starts_with('T') && a.len() == 37, "{a}");
    crate::harness::eventually(std::time::Duration::from_secs(5), || async {
        let log = server.log();
        (log.contains(&a) && log.contains(&b)).then_some(())
    })
    .await;
}
