//! zecd as an attacker or an unlucky operator would try it: connections that never finish,
//! answers outside the envelope, values at the edges of their types, secrets on disk.

use crate::harness::{Options, Server};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn with(args: &[&str]) -> Options {
    let mut o = Options::default();
    o.args.extend(args.iter().map(|s| s.to_string()));
    o
}

/// Reads until the server closes the connection (or `limit` passes); what came, and when the
/// connection ended.
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> (Vec<u8>, Option<Duration>) {
    let started = Instant::now();
    let mut all = Vec::new();
    let mut buf = [0u8; 65536];
    loop {
        let left = limit.saturating_sub(started.elapsed());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (all, Some(started.elapsed())),
            Ok(Ok(n)) => all.extend_from_slice(&buf[..n]),
            Err(_) => return (all, None),
        }
    }
}

/// The JSON body of a raw HTTP/1.1 response.
fn body_json(response: &[u8]) -> serde_json::Value {
    let text = String::from_utf8_lossy(response);
    let (_, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no HTTP response: {text:?}"));
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn status_of(response: &[u8]) -> u16 {
    String::from_utf8_lossy(&response[9..12]).parse().unwrap()
}

#[tokio::test]
async fn a_connection_that_sends_nothing_or_trickles_its_header_is_closed_after_the_header_timeout()
{
    let server = Server::start_with(with(&[
        "--header-timeout",
        "1s",
        "--keepalive-timeout",
        "5s",
    ]));
    let mut silent = TcpStream::connect(&server.addr).await.unwrap();
    let mut trickling = TcpStream::connect(&server.addr).await.unwrap();
    let feeder = tokio::spawn(async move {
        let started = Instant::now();
        for b in b"POST /api/v2/zec HTTP/1.1\r\nHost: x\r\nX-Slow: abcdefghijklmnop" {
            if trickling.write_all(&[*b]).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let (_, closed) = read_until_closed(&mut trickling, Duration::from_secs(5)).await;
        (started, closed)
    });
    let (got, closed) = read_until_closed(&mut silent, Duration::from_secs(5)).await;
    let closed = closed.expect("a silent connection is closed");
    assert!(got.is_empty());
    assert!(
        closed >= Duration::from_millis(900) && closed < Duration::from_secs(3),
        "{closed:?}"
    );
    let (started, closed) = feeder.await.unwrap();
    assert!(closed.is_some(), "a trickling header is cut off");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn an_idle_keep_alive_connection_lasts_the_keepalive_timeout_and_no_more() {
    let server = Server::start_with(with(&[
        "--header-timeout",
        "5s",
        "--keepalive-timeout",
        "1500ms",
    ]));
    let mut s = TcpStream::connect(&server.addr).await.unwrap();
    s.write_all(b"POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 4096];
    let n = s.read(&mut buf).await.unwrap();
    assert_eq!(status_of(&buf[..n]), 404);
    let (_, closed) = read_until_closed(&mut s, Duration::from_secs(5)).await;
    let closed = closed.expect("closed when idle");
    assert!(
        closed >= Duration::from_millis(1300) && closed < Duration::from_secs(3),
        "{closed:?}"
    );
}

#[tokio::test]
async fn a_body_that_stops_arriving_is_answered_request_timed_out_and_the_connection_closed() {
    let server = Server::start_with(with(&["--body-timeout", "1s"]));
    let mut s = TcpStream::connect(&server.addr).await.unwrap();
    let request = server.signed("DescribeZones", "{}");
    let auth = request.headers()["authorization"]
        .to_str()
        .unwrap()
        .to_owned();
    let ts = request.headers()["x-zc-timestamp"]
        .to_str()
        .unwrap()
        .to_owned();
    let head = format!(
        "POST /api/v2/zec HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
         X-ZC-Action: DescribeZones\r\nX-ZC-Timestamp: {ts}\r\nAuthorization: {auth}\r\n\
         Content-Length: 2\r\n\r\n{{",
        server.addr
    );
    s.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    let (got, closed) = read_until_closed(&mut s, Duration::from_secs(5)).await;
    assert!(closed.is_some(), "the connection is closed");
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(status_of(&got), 503);
    assert_eq!(body_json(&got)["code"], "REQUEST_TIMED_OUT");
}

#[tokio::test]
async fn a_client_that_never_reads_its_answers_is_cut_off_after_the_send_timeout() {
    let server = Server::start_with(with(&[
        "--send-timeout",
        "1s",
        "--keepalive-timeout",
        "60s",
    ]));
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let s = socket.connect(server.addr.parse().unwrap()).await.unwrap();
    let (mut read, mut write) = s.into_split();
    // Pipelined requests whose answers fill every buffer between us and the server.
    let writer = tokio::spawn(async move {
        let one = b"POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n";
        let many: Vec<u8> = one
            .iter()
            .copied()
            .cycle()
            .take(one.len() * 40_000)
            .collect();
        let _ = write.write_all(&many).await;
        write
    });
    tokio::time::sleep(Duration::from_secs(3)).await;
    // Now read everything: the server must have given up before sending all 40,000 answers.
    let mut all = 0usize;
    let mut buf = vec![0u8; 1 << 16];
    let started = Instant::now();
    loop {
        match tokio::time::timeout(Duration::from_secs(5), read.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => all += n,
            Err(_) => panic!("the connection stayed open after the send timeout"),
        }
        assert!(started.elapsed() < Duration::from_secs(20));
    }
    let answers = all / 200;
    assert!(answers < 40_000, "every answer was sent: {all} bytes");
    writer.abort();
    // The server serves others all along.
    server
        .client()
        .describe_zones(&Default::default())
        .await
        .unwrap();
}

#[tokio::test]
async fn valid_clients_are_served_while_thousands_of_idle_and_trickling_connections_are_open() {
    raise_own_open_files_limit();
    let mut o = with(&["--header-timeout", "60s", "--keepalive-timeout", "75s"]);
    // Fewer descriptors than connections: zecd must make room, not lock everyone out.
    o.nofile = Some(1024);
    let server = Server::start_with(o);
    let mut idle = Vec::new();
    for _ in 0..2000 {
        idle.push(TcpStream::connect(&server.addr).await.unwrap());
    }
    let mut tricklers = Vec::new();
    for _ in 0..200 {
        let mut s = TcpStream::connect(&server.addr).await.unwrap();
        tricklers.push(tokio::spawn(async move {
            for b in b"POST /api/v2/zec HTTP/1.1\r\nHost: x\r\nX-Slow: " {
                if s.write_all(&[*b]).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let client = server.client();
    let mut latencies = Vec::new();
    for _ in 0..200 {
        let started = Instant::now();
        client
            .describe_instances_status(&Default::default())
            .await
            .expect("a valid client is served");
        latencies.push(started.elapsed());
    }
    latencies.sort();
    let p99 = latencies[latencies.len() * 99 / 100];
    assert!(p99 < Duration::from_secs(1), "p99 {p99:?}");
    // A fresh client (new connections) too.
    let fresh = server.client();
    fresh
        .describe_zones(&Default::default())
        .await
        .expect("a new client is served");
    for t in tricklers {
        t.abort();
    }
    drop(idle);
}

/// The test itself holds thousands of sockets.
fn raise_own_open_files_limit() {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let mut l = getrlimit(Resource::Nofile);
    if let Some(hard) = l.maximum {
        l.current = Some(hard);
        let _ = setrlimit(Resource::Nofile, l);
    }
}

#[tokio::test]
async fn every_answer_is_the_vendors_envelope_even_for_bad_paths_and_unparsable_http() {
    let server = Server::start();
    // A signed request to a path that is not valid percent-encoded UTF-8.
    let mut request = server.signed("DescribeZones", "{}");
    *request.uri_mut() = format!("http://{}/api/v2/z%ffec", server.addr)
        .parse()
        .unwrap();
    let r = server.raw(request).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.error_code(), "OPERATION_FAILED_RESOURCE_NOT_FOUND");
    // HTTP hyper cannot parse, and a header over the limit.
    for (raw, code) in [
        (
            b"POST /api/v2/zec HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n".to_vec(),
            "INVALID_PARAMETER_VALUE",
        ),
        (
            b"POST /api/v2/\x01zec HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
            "INVALID_PARAMETER_VALUE",
        ),
        (
            [
                b"POST /api/v2/zec HTTP/1.1\r\nHost: x\r\nX-Big: ".to_vec(),
                vec![b'a'; 40_000],
                b"\r\n\r\n".to_vec(),
            ]
            .concat(),
            "INVALID_PARAMETER_EXCEED_LENGTH",
        ),
    ] {
        let mut s = TcpStream::connect(&server.addr).await.unwrap();
        s.write_all(&raw).await.unwrap();
        let (got, closed) = read_until_closed(&mut s, Duration::from_secs(5)).await;
        assert!(closed.is_some());
        assert_eq!(status_of(&got), 400, "{}", String::from_utf8_lossy(&got));
        let json = body_json(&got);
        assert_eq!(json["code"], code);
        assert!(json["requestId"].as_str().unwrap().starts_with('T'));
    }
    // An unknown action of 20 KB (within the header limit) is not echoed back whole.
    let name = "A".repeat(20_000);
    let mut request = server.signed("DescribeZones", "{}");
    request
        .headers_mut()
        .insert("x-zc-action", name.parse().unwrap());
    let r = server.raw(request).await;
    assert_eq!(r.error_code(), "AUTHFAILURE_UNAUTHORIZED_OPERATION");
    assert!(r.json["message"].as_str().unwrap().len() < 1024);
    // Served on as before.
    server
        .client()
        .describe_zones(&Default::default())
        .await
        .unwrap();
}

#[tokio::test]
async fn timestamps_at_the_ends_of_the_integer_range_are_expired_not_accepted() {
    let server = Server::start();
    for ts in [
        "-9223372035058727433",
        "-9223372036854775808",
        "9223372036854775807",
    ] {
        let mut request = server.signed("DescribeZones", "{}");
        request
            .headers_mut()
            .insert("x-zc-timestamp", ts.parse().unwrap());
        let r = server.raw(request).await;
        assert_eq!(r.status, 401, "{ts}");
        assert_eq!(r.error_code(), "AUTHFAILURE_SIGNATURE_EXPIRED", "{ts}");
    }
}

#[tokio::test]
async fn the_manual_clock_refuses_times_zecd_cannot_represent_and_everything_keeps_working() {
    let mut server = Server::start_with(with(&["--clock", "manual"]));
    let client = server.client();
    for by in ["63years", "8000years", "99999999999years"] {
        let e = client
            .call_admin::<_, serde_json::Value>("AdvanceClock", &serde_json::json!({"by": by}))
            .await
            .unwrap_err();
        assert_eq!(e.code(), "INVALID_PARAMETER_VALUE", "{by}");
    }
    // The longest move that fits is taken, and everything still answers.
    let r: zec_sdk::Response<serde_json::Value> = client
        .call_admin("AdvanceClock", &serde_json::json!({"by": "61years"}))
        .await
        .unwrap();
    assert!(
        r.data["now"].as_str().unwrap().starts_with("208"),
        "{}",
        r.data
    );
    let created = crate::create(&client, 3).await;
    assert_eq!(created.len(), 3);
    client
        .create_resource_group(&zec_sdk::model::CreateResourceGroupRequest {
            name: Some("late".into()),
        })
        .await
        .unwrap();
    server.restart();
    let client = server.client();
    let _: zec_sdk::Response<serde_json::Value> = client
        .call_admin("DescribeClock", &serde_json::json!({}))
        .await
        .unwrap();
    client
        .describe_resource_groups(&zec_sdk::model::Empty::default())
        .await
        .unwrap();
    assert_eq!(crate::create(&client, 1).await.len(), 1);
}

#[tokio::test]
async fn a_clock_recorded_beyond_the_representable_times_is_taken_back_at_start() {
    if crate::harness::skip_unless_sqlite("editing the recorded clock") {
        return;
    }
    let mut server = Server::start_with(with(&["--clock", "manual"]));
    server.kill();
    let db = rusqlite::Connection::open(server.data_dir().join("zecd.db")).unwrap();
    db.execute(
        "UPDATE meta SET value = ?1 WHERE key = 'manual_clock'",
        [i64::MAX.to_string()],
    )
    .unwrap();
    drop(db);
    server.restart();
    let r: zec_sdk::Response<serde_json::Value> = server
        .client()
        .call_admin("DescribeClock", &serde_json::json!({}))
        .await
        .unwrap();
    assert_eq!(r.data["now"], "2088-01-01T00:00:00Z");
    assert!(
        server
            .log()
            .contains("outside the times zecd can represent")
    );
}

#[tokio::test]
async fn the_data_directory_is_private_and_an_older_one_is_narrowed() {
    if crate::harness::skip_unless_sqlite("file permissions") {
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let mut server = Server::start();
    let dir = server.data_dir().to_owned();
    assert_eq!(mode(&dir), 0o700);
    for f in ["zecd.db", "zecd.db-wal", "zecd.db-shm", "zecd.lock"] {
        assert_eq!(mode(&dir.join(f)), 0o600, "{f}");
    }
    server.kill();
    // As an older zecd under the usual umask left it.
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    for f in ["zecd.db", "zecd.db-wal", "zecd.db-shm"] {
        let _ = std::fs::set_permissions(dir.join(f), std::fs::Permissions::from_mode(0o644));
    }
    server.restart();
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&dir.join("zecd.db")), 0o600);
    assert!(
        server.log().contains("narrowed the permissions"),
        "{}",
        server.log()
    );
}
