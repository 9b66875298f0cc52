//! The whole front door in-process: a signed request for any action (and any version) with
//! any body goes through authentication, decoding, validation and the store, and is answered
//! in the vendor's envelope with a code of the table and that code's HTTP status. Never a
//! panic, never INTERNAL_SERVER_ERROR.
#![no_main]

use axum::body::Body;
use http_body_util::BodyExt;
use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, Mutex};
use tower::ServiceExt;
use zec_core::{Catalog, ManualClock, Timings};
use zec_server::{App, Limits, router};
use zec_store::{Backend, Store, StoreOptions, admin};
use zec_types::{Action, ErrorCode, Service};

const KEY: &str = "FUZZROOTKEY";
const PASSWORD: &str = "fuzz-password";
/// A fresh store every so many requests keeps memory flat.
const REQUESTS_PER_STORE: u32 = 5_000;

struct Harness {
    runtime: tokio::runtime::Runtime,
    router: axum::Router,
    store: Store,
    served: u32,
    _dir: tempfile::TempDir,
}

impl Harness {
    fn new() -> Self {
        let dir = match tempfile::tempdir_in("/dev/shm") {
            Ok(d) => d,
            Err(_) => tempfile::tempdir().expect("temp dir"),
        };
        let backend = Backend::Sqlite(dir.path().to_owned());
        {
            let mut db = backend.admin().expect("admin");
            let account = admin::ensure_default_account(&mut *db).expect("account");
            admin::ensure_key(&mut *db, account.id, KEY, PASSWORD).expect("key");
        }
        let clock = Arc::new(ManualClock::new(1_800_000_000_000));
        let store = Store::open(
            &backend,
            StoreOptions {
                clock: clock.clone(),
                timings: Timings::default(),
                catalog: Arc::new(Catalog::builtin()),
                faults: Default::default(),
                pg: Default::default(),
            },
        )
        .expect("store");
        let ops = zec_server::ops::Ops::new(&store, true, &[], None);
        let app = App::new(store.clone(), Limits::default(), Some(clock), ops);
        Self {
            runtime: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap(),
            router: router(app),
            store,
            served: 0,
            _dir: dir,
        }
    }
}

static HARNESS: Mutex<Option<Harness>> = Mutex::new(None);

/// An input names its action by a byte (`[action][version][body]`), or by name, as the seed
/// corpus recorded from the test suites does (`@Action\n[version][body]`).
fn action_of(data: &[u8]) -> Option<(Action, &[u8])> {
    // Fault rules could make any action answer any code on purpose: they have a target
    // of their own (fault_toml).
    let fuzzed = |a: &Action| !matches!(a, Action::CreateFaults);
    if let Some(rest) = data.strip_prefix(b"@") {
        let end = rest.iter().position(|b| *b == b'\n')?;
        let name = std::str::from_utf8(&rest[..end]).ok()?;
        let action = *Action::ALL.iter().find(|a| a.name() == name && fuzzed(a))?;
        return Some((action, &rest[end + 1..]));
    }
    let (which, rest) = data.split_first()?;
    let actions: Vec<Action> = Action::ALL.iter().copied().filter(fuzzed).collect();
    Some((actions[usize::from(*which) % actions.len()], rest))
}

fuzz_target!(|data: &[u8]| {
    let Some((action, rest)) = action_of(data) else {
        return;
    };
    let [version, body @ ..] = rest else {
        return;
    };
    let service = action.service();
    let versions = service.versions();
    let version = match version % 4 {
        0 => Some(versions[0]),
        1 => Some(versions[versions.len() - 1]),
        2 => None,
        _ => Some("1999-01-01"),
    };
    let path = match service {
        Service::Admin => "/_zecd/api".to_owned(),
        s => format!("/api/v2/{}", s.as_str()),
    };
    let timestamp = (std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs())
    .to_string();
    let signed = zec_sign::SignedParts {
        content_type: "application/json",
        host: "fuzz",
        timestamp: &timestamp,
        body,
    };
    let signature = zec_sign::sign(PASSWORD, &signed);
    let mut request = axum::http::Request::post(path)
        .header("content-type", "application/json")
        .header("host", "fuzz")
        .header("x-zc-action", action.name())
        .header("x-zc-timestamp", &timestamp)
        .header("authorization", zec_sign::authorization(KEY, &signature));
    if let Some(v) = version {
        request = request.header("x-zc-version", v);
    }
    let request = request.body(Body::from(body.to_vec())).unwrap();

    let mut slot = HARNESS.lock().unwrap_or_else(|e| e.into_inner());
    if slot.as_ref().is_none_or(|h| h.served >= REQUESTS_PER_STORE) {
        if let Some(old) = slot.take() {
            old.runtime.block_on(old.store.close());
        }
        *slot = Some(Harness::new());
    }
    let h = slot.as_mut().unwrap();
    h.served += 1;
    let router = h.router.clone();
    let (status, bytes) = h.runtime.block_on(async move {
        let response = router.oneshot(request).await.unwrap();
        let status = response.status().as_u16();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, bytes)
    });
    let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| {
        panic!(
            "{action}: not JSON ({e}): {}",
            String::from_utf8_lossy(&bytes)
        )
    });
    let request_id = json["requestId"].as_str().expect("requestId");
    assert!(request_id.starts_with('T'));
    if status == 200 {
        assert_eq!(json["response"]["requestId"], request_id, "{json}");
    } else {
        let code = json["code"].as_str().expect("code");
        let code = ErrorCode::parse(code).unwrap_or_else(|| panic!("{code} is not in the table"));
        assert_eq!(code.http_status(), status, "{json}");
        assert_ne!(code, ErrorCode::InternalServerError, "{action}: {json}");
        assert!(json["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
});
