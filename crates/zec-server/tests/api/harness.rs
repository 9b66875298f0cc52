//! Spawns the real `zecd` binary on port 0 with its own data directory, and talks to it.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client as HttpClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use zec_sdk::{Client, Config, Credential};

pub const KEY_ID: &str = "AKIDZECDTEST0001";
pub const KEY_PASSWORD: &str = "zecd-test-password-0001";
/// An OpenSSH public key (`ssh-keygen -t ed25519`).
pub const ED25519_KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJLxWYsADItjQ48LnKgqGUKeYbMgekr09oMCasnBeGEd user@host";

pub struct Server {
    pub dir: tempfile::TempDir,
    child: Option<Child>,
    pub addr: String,
    /// The HTTPS listener's address, when zecd serves one (`--listen-tls`).
    pub tls_addr: Option<String>,
    pub stdout: String,
    log: Arc<Mutex<Vec<String>>>,
    args: Vec<String>,
    envs: Vec<(String, String)>,
    nofile: Option<u32>,
    /// On the PostgreSQL run of the suite: this server's own database.
    database: Option<Database>,
}

/// Whether the suite runs on PostgreSQL (`ZECD_TEST_BACKEND=postgres`, as `scripts/test`'s
/// second run sets): every server then keeps its data in a database of its own, and the admin
/// subcommands reach it there.
pub fn on_postgres() -> bool {
    std::env::var("ZECD_TEST_BACKEND").is_ok_and(|b| b == "postgres")
}

/// For a test about the SQLite data directory itself: `true` (and a note) when it cannot run
/// on this backend.
pub fn skip_unless_sqlite(what: &str) -> bool {
    if on_postgres() {
        eprintln!("skipped on PostgreSQL: {what} is about the SQLite data directory");
        return true;
    }
    false
}

pub struct Options {
    pub args: Vec<String>,
    pub envs: Vec<(String, String)>,
    /// Set ZECD_ACCESS_KEY_ID/PASSWORD to the test key.
    pub root_key: bool,
    /// Start zecd under this open-files limit (soft and hard), as `ulimit -n` does.
    pub nofile: Option<u32>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            args: vec!["--transition".into(), "deploy=300ms".into()],
            envs: Vec::new(),
            root_key: true,
            nofile: None,
        }
    }
}

impl Server {
    pub fn start() -> Server {
        Self::start_with(Options::default())
    }

    pub fn start_with(o: Options) -> Server {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut envs = o.envs;
        if o.root_key {
            envs.push(("ZECD_ACCESS_KEY_ID".into(), KEY_ID.into()));
            envs.push(("ZECD_ACCESS_KEY_PASSWORD".into(), KEY_PASSWORD.into()));
        }
        let mut args = o.args;
        let database = if on_postgres() && !args.iter().any(|a| a == "--database-url") {
            let db = Database::create().expect("ZECD_TEST_DATABASE_URL for the PostgreSQL run");
            args.extend(["--database-url".to_owned(), db.url.clone()]);
            Some(db)
        } else {
            None
        };
        let mut s = Server {
            dir,
            child: None,
            addr: String::new(),
            tls_addr: None,
            stdout: String::new(),
            log: Arc::new(Mutex::new(Vec::new())),
            args,
            envs,
            nofile: o.nofile,
            database,
        };
        s.spawn();
        s
    }

    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    fn spawn(&mut self) {
        let mut cmd = match self.nofile {
            None => Command::new(env!("CARGO_BIN_EXE_zecd")),
            Some(n) => {
                let mut c = Command::new("sh");
                c.args(["-c", &format!("ulimit -n {n} && exec \"$0\" \"$@\"")])
                    .arg(env!("CARGO_BIN_EXE_zecd"));
                c
            }
        };
        cmd.arg("serve")
            .args(["--listen", "127.0.0.1:0"])
            .arg("--data-dir")
            .arg(self.dir.path())
            .args(&self.args)
            .env_remove("ZECD_ACCESS_KEY_ID")
            .env_remove("ZECD_ACCESS_KEY_PASSWORD")
            .env_remove("ZECD_LISTEN")
            .env_remove("ZECD_DATA_DIR")
            .env("ZECD_LOG", "info")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in &self.envs {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn zecd");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let (tls_tx, tls_rx) = std::sync::mpsc::channel();
        let log = self.log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(at) = line.find("listening on https://") {
                    let addr = line[at + "listening on https://".len()..]
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_owned();
                    let _ = tls_tx.send(addr);
                }
                if let Some(at) = line.find("listening on http://") {
                    let addr = line[at + "listening on http://".len()..]
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_owned();
                    let _ = tx.send(addr);
                }
                log.lock().unwrap().push(line);
            }
        });
        let stdout = child.stdout.take().unwrap();
        let (out_tx, out_rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut all = String::new();
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                all.push_str(&line);
                all.push('\n');
                let _ = out_tx.send(all.clone());
            }
        });
        self.addr = match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(addr) => addr,
            Err(_) => {
                let _ = child.kill();
                panic!(
                    "zecd did not start:\n{}",
                    self.log.lock().unwrap().join("\n")
                );
            }
        };
        // The HTTPS line comes before the plain one.
        self.tls_addr = tls_rx.try_recv().ok();
        // Anything printed to stdout before listening (the first-start key banner).
        std::thread::sleep(Duration::from_millis(20));
        self.stdout = out_rx.try_iter().last().unwrap_or_default();
        self.child = Some(child);
    }

    pub fn client(&self) -> Client {
        self.client_with(Credential::access_key(KEY_ID, KEY_PASSWORD))
    }

    pub fn client_with(&self, credential: Credential) -> Client {
        let mut config = Config::local(&self.addr);
        config.rate_limit_retries = 0;
        config.timeout = Duration::from_secs(30);
        Client::new(config, credential)
    }

    /// The process id of the running zecd.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("running").id()
    }

    /// Sends a signal (`STOP`, `CONT`, ...) to the running zecd.
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.pid().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits for zecd to exit by itself (after a signal), at most `timeout`.
    pub fn wait_exit(&mut self, timeout: Duration) -> std::process::ExitStatus {
        let mut child = self.child.take().expect("running");
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("zecd did not exit within {timeout:?}:\n{}", self.log());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The store flags of this server (its data directory, or its database), for the
    /// offline subcommands.
    pub fn store_args(&self) -> Vec<String> {
        match &self.database {
            Some(db) => vec!["--database-url".into(), db.url.clone()],
            None => vec![
                "--data-dir".into(),
                self.data_dir().to_string_lossy().into_owned(),
            ],
        }
    }

    /// The database this server keeps its data in, on the PostgreSQL run.
    pub fn database(&self) -> Option<&Database> {
        self.database.as_ref()
    }

    /// Everything zecd has logged so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    /// kill -9, then start again on the same data directory.
    pub fn crash_and_restart(&mut self) {
        let mut child = self.child.take().unwrap();
        child.kill().unwrap();
        child.wait().unwrap();
        self.spawn();
    }

    /// SIGTERM; returns the exit status.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let mut child = self.child.take().unwrap();
        let status = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "zecd did not stop on SIGTERM");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// kill -9, and no restart.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }

    pub fn restart(&mut self) {
        if self.child.is_some() {
            self.terminate();
        }
        self.spawn();
    }

    /// Runs an admin subcommand against this server's data directory.
    pub fn admin(&self, args: &[&str]) -> String {
        match &self.database {
            Some(db) => admin_on(&["--database-url", &db.url], args),
            None => admin(self.data_dir(), args),
        }
    }

    /// A second account with its own key, made with the admin subcommands.
    pub fn new_account(&self, name: &str) -> Client {
        self.admin(&["accounts", "create", name]);
        self.key(&["keys", "create", "--account", name])
    }

    /// A client for a key made with `args` (`keys create ...`).
    pub fn key(&self, args: &[&str]) -> Client {
        let out = self.admin(args);
        let field = |k: &str| {
            out.lines()
                .find_map(|l| l.strip_prefix(k))
                .unwrap_or_else(|| panic!("no {k} in {out}"))
                .to_owned()
        };
        self.client_with(Credential::access_key(
            &field("ZENLAYERCLOUD_ACCESS_KEY_ID="),
            &field("ZENLAYERCLOUD_ACCESS_KEY_PASSWORD="),
        ))
    }

    /// Moves the manual clock (`--clock manual`) and waits until what came due is written.
    pub async fn advance(&self, by: &str) {
        let _: zec_sdk::Response<zec_sdk::model::ClockInfo> = self
            .client()
            .call_admin(
                "AdvanceClock",
                &zec_sdk::model::AdvanceClockRequest {
                    by: Some(by.into()),
                },
            )
            .await
            .expect("AdvanceClock");
    }

    /// Adds fault rules through the admin API.
    pub async fn faults(&self, rules: serde_json::Value) -> Vec<String> {
        let r: zec_sdk::Response<zec_sdk::model::CreateFaultsResponse> = self
            .client()
            .call_admin("CreateFaults", &rules)
            .await
            .expect("CreateFaults");
        r.data.ids
    }

    /// Sends a request by hand: the signature covers exactly `body`.
    pub async fn raw(&self, request: hyper::Request<Full<Bytes>>) -> RawResponse {
        let http: HttpClient<HttpConnector, Full<Bytes>> =
            HttpClient::builder(TokioExecutor::new()).build_http();
        let response = http.request(request).await.expect("request sent");
        let status = response.status().as_u16();
        let request_id = response
            .headers()
            .get("x-zc-request-id")
            .map(|v| v.to_str().unwrap().to_owned());
        let body = response.into_body().collect().await.unwrap().to_bytes();
        RawResponse {
            status,
            request_id,
            json: serde_json::from_slice(&body)
                .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&body))),
        }
    }

    /// A signed request for `action` with `body` as given.
    pub fn signed(&self, action: &str, body: impl Into<Bytes>) -> hyper::Request<Full<Bytes>> {
        self.client()
            .build_request("zec", "2025-09-01", action, body.into())
            .unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

pub fn admin(data_dir: &Path, args: &[&str]) -> String {
    admin_on(&["--data-dir", &data_dir.to_string_lossy()], args)
}

fn admin_on(store: &[&str], args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_zecd"))
        .args(args)
        .args(store)
        .output()
        .expect("run zecd admin");
    assert!(
        out.status.success(),
        "zecd {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

pub struct RawResponse {
    pub status: u16,
    pub request_id: Option<String>,
    pub json: serde_json::Value,
}

impl RawResponse {
    /// Asserts the vendor's error shape and returns the code.
    pub fn error_code(&self) -> &str {
        let obj = self.json.as_object().expect("error body is an object");
        let mut keys: Vec<_> = obj.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["code", "message", "requestId"], "{}", self.json);
        assert_eq!(
            obj["requestId"].as_str(),
            self.request_id.as_deref(),
            "requestId and x-zc-request-id differ"
        );
        assert!(!obj["message"].as_str().unwrap().is_empty());
        obj["code"].as_str().unwrap()
    }
}

/// Polls until `f` returns `Some`, for at most `timeout`.
pub async fn eventually<T, F, Fut>(timeout: Duration, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(
            Instant::now() < deadline,
            "condition not reached in {timeout:?}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// A database of its own for one test, dropped afterwards.
pub struct Database {
    server_url: String,
    pub name: String,
    pub url: String,
}

impl Database {
    /// `None` (the test is skipped) without `ZECD_TEST_DATABASE_URL`, unless
    /// `ZECD_REQUIRE_POSTGRES` is set.
    pub fn create() -> Option<Self> {
        let Ok(server_url) = std::env::var("ZECD_TEST_DATABASE_URL") else {
            assert!(
                std::env::var_os("ZECD_REQUIRE_POSTGRES").is_none(),
                "ZECD_TEST_DATABASE_URL is not set, and ZECD_REQUIRE_POSTGRES is"
            );
            eprintln!("skipped: ZECD_TEST_DATABASE_URL is not set");
            return None;
        };
        let name = format!("zecd_fleet_{}_{}", std::process::id(), rand_suffix());
        let (base, query) = server_url
            .split_once('?')
            .map_or((server_url.as_str(), None), |(b, q)| (b, Some(q)));
        let base = base.rsplit_once('/').map_or(base, |(b, _)| b);
        let url = match query {
            Some(q) => format!("{base}/{name}?{q}"),
            None => format!("{base}/{name}"),
        };
        let db = Self {
            server_url,
            name,
            url,
        };
        db.sql(&format!("CREATE DATABASE {}", db.name));
        Some(db)
    }

    pub fn sql(&self, sql: &str) {
        let (url, sql) = (self.server_url.clone(), sql.to_owned());
        std::thread::spawn(move || {
            let mut c = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
            c.batch_execute(&sql).expect("sql");
        })
        .join()
        .unwrap();
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        self.sql(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ));
    }
}

fn rand_suffix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as u64
}
