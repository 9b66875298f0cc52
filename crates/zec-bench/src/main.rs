//! `zec-bench describe-status`: loads an account with instances and measures
//! DescribeInstancesStatus over HTTP on loopback with wrk, beside a minimal axum endpoint that
//! returns a fixed body of the same size (the ceiling), in the same run. Prints requests/s,
//! p50/p99, the ratio to the ceiling, RSS, and the time to load and to restart.

mod ceiling;
mod chart;
mod curve;
mod database;
mod filters;
mod fleet;
mod process;
mod writes;
mod wrk;

use anyhow::{Result, bail};
use clap::{Parser, Subcommand};
use process::Zecd;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use zec_sdk::model::{DescribeInstancesRequest, DescribeInstancesStatusRequest};
use zec_sdk::{Client, Config, Credential};

#[derive(Parser)]
#[command(about = "zecd benchmarks")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// The DescribeInstancesStatus benchmark.
    DescribeStatus(Args),
    /// The cost curve: every read and filter case at 1k, 10k, 100k and 1M instances, each
    /// beside its ceiling, drawn as a chart.
    Curve(curve::CurveArgs),
    /// Redraw the cost curve's chart from the table `curve` wrote.
    Chart {
        /// The markdown table (`curve` writes it beside the chart, as .md).
        #[arg(long, default_value = "docs/bench/curve.md")]
        table: PathBuf,
        #[arg(long, default_value = "docs/bench/curve.svg")]
        out: PathBuf,
    },
    /// The write benchmark: creates, then Stop/Start/Reboot in batches of 100.
    Writes(writes::WriteArgs),
    /// Load the benchmark's fleet into a zecd data directory that is kept (for profiling a
    /// restart or the memory of a loaded zecd: `zecd serve --data-dir DIR`).
    Load {
        /// Instances to load into one account.
        #[arg(long, default_value_t = 1_000_000)]
        instances: u64,
        /// The data directory (created; must not hold a database yet).
        #[arg(long)]
        data_dir: PathBuf,
        /// The zecd binary (a release build).
        #[arg(long, default_value = "target/release/zecd")]
        zecd: PathBuf,
    },
    /// Serve a fixed body of `size` bytes on `listen` (the ceiling; run by describe-status).
    Ceiling {
        #[arg(long)]
        listen: String,
        #[arg(long)]
        size: usize,
    },
}

#[derive(Parser, Clone)]
struct Args {
    /// Instances to load into one account.
    #[arg(long, default_value_t = 1_000_000)]
    instances: u64,
    /// Seconds per measurement.
    #[arg(long, default_value_t = 10)]
    duration: u64,
    /// Open connections per measurement.
    #[arg(long, default_value_t = 64)]
    connections: u32,
    /// The zecd binary (a release build).
    #[arg(long, default_value = "target/release/zecd")]
    zecd: PathBuf,
    /// Extra arguments for `zecd serve`, e.g. `--log=warn`.
    #[arg(long = "zecd-arg", allow_hyphen_values = true)]
    zecd_args: Vec<String>,
    /// Run zecd on PostgreSQL: a server URL (postgres://user@host:port/db) whose user may
    /// create databases; the benchmark makes a database of its own there and drops it after.
    #[arg(long)]
    database_url: Option<String>,
    /// With --database-url: after measuring one replica, start more and measure the same
    /// cases with the load split over all of them.
    #[arg(long, default_value_t = 1)]
    replicas: usize,
    /// Pin zecd and the ceiling to these CPUs (`taskset -c`), e.g. `0`.
    #[arg(long)]
    server_cpus: Option<String>,
    /// Pin the load generator (wrk) to these CPUs, e.g. `1`.
    #[arg(long)]
    load_cpus: Option<String>,
}

/// Where the server and the load generator run (`--server-cpus`, `--load-cpus`).
static CPUS: std::sync::OnceLock<(Option<String>, Option<String>)> = std::sync::OnceLock::new();

/// A command for `program`, pinned with `taskset -c` when the run asks: the server's CPUs
/// (zecd, the ceiling) or the load generator's.
pub fn pinned(program: impl AsRef<std::ffi::OsStr>, server: bool) -> std::process::Command {
    let cpus = CPUS
        .get()
        .and_then(|(s, l)| if server { s.clone() } else { l.clone() });
    match cpus {
        Some(c) => {
            let mut cmd = std::process::Command::new("taskset");
            cmd.arg("-c").arg(c).arg(program);
            cmd
        }
        None => std::process::Command::new(program),
    }
}

pub(crate) const KEY_ID: &str = "AKIDBENCH00000001";
pub(crate) const KEY_PASSWORD: &str = "bench-password-0001";

fn main() -> Result<()> {
    let cli = Cli::parse();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    match cli.command {
        Cmd::Ceiling { listen, size } => rt.block_on(ceiling::serve(&listen, size)),
        Cmd::Load {
            instances,
            data_dir,
            zecd,
        } => rt.block_on(load_only(&zecd, &data_dir, instances)),
        Cmd::Chart { table, out } => {
            let text = std::fs::read_to_string(&table)?;
            chart::draw(&out, &chart::series_from_table(&text)?)
        }
        Cmd::Curve(args) => {
            let _ = CPUS.set((args.server_cpus(), args.load_cpus()));
            rt.block_on(curve::run(args))
        }
        Cmd::Writes(mut args) => {
            let _ = CPUS.set((args.server_cpus.clone(), None));
            let _database = match &args.database_url {
                Some(url) => {
                    let db = database::Scratch::create(url)?;
                    args.zecd_args.push(format!("--database-url={}", db.url));
                    Some(db)
                }
                None => None,
            };
            rt.block_on(writes::run(args))
        }
        Cmd::DescribeStatus(mut args) => {
            let _ = CPUS.set((args.server_cpus.clone(), args.load_cpus.clone()));
            if args.replicas > 1 && args.database_url.is_none() {
                bail!("--replicas needs --database-url: replicas share a PostgreSQL database");
            }
            let _database = match &args.database_url {
                Some(url) => {
                    let db = database::Scratch::create(url)?;
                    args.zecd_args.push(format!("--database-url={}", db.url));
                    Some(db)
                }
                None => None,
            };
            rt.block_on(describe_status(args))
        }
    }
}

pub(crate) fn client(addr: &str) -> Client {
    let mut config = Config::local(addr);
    config.timeout = Duration::from_secs(120);
    Client::new(config, Credential::access_key(KEY_ID, KEY_PASSWORD))
}

/// `zec-bench load`: the fleet, loaded and settled, in a data directory that stays.
async fn load_only(bin: &std::path::Path, data: &std::path::Path, instances: u64) -> Result<()> {
    if data.join("zecd.db").exists() {
        bail!("{} already holds a database", data.display());
    }
    std::fs::create_dir_all(data)?;
    let mut zecd = Zecd::start(bin, data, &[], KEY_ID, KEY_PASSWORD)?;
    let api = client(&zecd.addr);
    let started = Instant::now();
    fleet::load(&api, instances).await?;
    eprintln!("loaded {instances} instances in {:.1?}", started.elapsed());
    wait_running(&api).await?;
    zecd.stop()?;
    eprintln!(
        "serve it with: ZECD_ACCESS_KEY_ID={KEY_ID} ZECD_ACCESS_KEY_PASSWORD={KEY_PASSWORD} \
         zecd serve --data-dir {}",
        data.display()
    );
    Ok(())
}

async fn describe_status(args: Args) -> Result<()> {
    if !args.zecd.exists() {
        bail!(
            "{} not found; run `cargo build --release -p zec-server` first",
            args.zecd.display()
        );
    }
    wrk::check_installed()?;
    let data = tempfile_dir()?;
    let mut zecd = Zecd::start(&args.zecd, &data, &args.zecd_args, KEY_ID, KEY_PASSWORD)?;
    let api = client(&zecd.addr);

    eprintln!("loading {} instances ...", args.instances);
    let started = Instant::now();
    let fleet = fleet::load(&api, args.instances).await?;
    let ids = &fleet.ids;
    let load_time = started.elapsed();
    eprintln!("loaded in {load_time:.1?}; waiting for every deployment to finish ...");
    let settle_started = Instant::now();
    wait_running(&api).await?;
    let settle_time = settle_started.elapsed();
    let rss_loaded = zecd.rss_kib()?;

    let pages = args.instances.div_ceil(1000).max(1);
    let sample: Vec<String> = {
        let step = (ids.len() / 100).max(1);
        ids.iter().step_by(step).take(100).cloned().collect()
    };
    let cases = [
        (
            "{} (first 20)",
            serde_json::to_string(&DescribeInstancesStatusRequest::default())?,
        ),
        (
            "pageSize 1000, page 1",
            serde_json::to_string(&DescribeInstancesStatusRequest {
                page_size: Some(1000),
                page_num: Some(1),
                ..Default::default()
            })?,
        ),
        (
            "pageSize 1000, last page",
            serde_json::to_string(&DescribeInstancesStatusRequest {
                page_size: Some(1000),
                page_num: Some(pages as i64),
                ..Default::default()
            })?,
        ),
        (
            "100 explicit ids",
            serde_json::to_string(&DescribeInstancesStatusRequest {
                instance_ids: Some(sample),
                ..Default::default()
            })?,
        ),
    ];

    // Each case is measured beside its own ceiling: the same request (same body and headers)
    // sent to an endpoint that answers with a fixed body as large as zecd's answer to it.
    let mut results = Vec::new();
    for (name, body) in &cases {
        let headers = signed_headers(&zecd.addr, "DescribeInstancesStatus", body);
        let size = response_size(&zecd.addr, body, &headers).await?;
        let ceiling = ceiling::spawn(size)?;
        let roof = wrk::run(
            &ceiling.addr,
            &format!("ceiling for {name}"),
            body,
            &headers,
            &args,
        )?;
        drop(ceiling);
        let measured = wrk::run(&zecd.addr, name, body, &headers, &args)?;
        results.push((measured, roof, size));
    }
    let filtered = filters::measure(&zecd.addr, &fleet, &args).await?;
    let rss_after = zecd.rss_kib()?;

    // More replicas on the same database: each loads the fleet at start, then the same
    // cases are measured with the load split over all of them.
    let mut replicas = Vec::new();
    let mut joined = Vec::new();
    for _ in 1..args.replicas {
        eprintln!("starting another replica ...");
        let (z, took) = zecd.another()?;
        joined.push(took);
        replicas.push(z);
    }
    let mut split = Vec::new();
    if !replicas.is_empty() {
        let addrs: Vec<String> = std::iter::once(zecd.addr.clone())
            .chain(replicas.iter().map(|z| z.addr.clone()))
            .collect();
        for (name, body) in &cases {
            let targets: Vec<_> = addrs
                .iter()
                .map(|a| {
                    let headers = signed_headers(a, "DescribeInstancesStatus", body);
                    (a.clone(), headers)
                })
                .collect();
            split.push(wrk::run_split(&targets, name, body, &args)?);
        }
    }
    for mut z in replicas {
        z.stop()?;
    }

    eprintln!("restarting zecd with {} instances ...", args.instances);
    let restart = zecd.restart()?;
    // Check the restarted server answers with everything.
    let after = client(&zecd.addr)
        .describe_instances_status(&DescribeInstancesStatusRequest::default())
        .await?;
    if after.total_count != args.instances {
        bail!(
            "after restart totalCount is {}, not {}",
            after.total_count,
            args.instances
        );
    }
    zecd.stop()?;

    println!();
    println!(
        "DescribeInstancesStatus, {} instances in one account on {}, wrk -t1 -c{} -d{}s on loopback, 2 cores shared by server and load",
        args.instances,
        if args.database_url.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        args.connections,
        args.duration
    );
    println!();
    println!(
        "| case | response bytes | zecd requests/s | p50 | p99 | ceiling requests/s | p50 | p99 | zecd / ceiling |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (r, roof, size) in &results {
        println!(
            "| {} | {size} | {:.0} | {} | {} | {:.0} | {} | {} | {:.0}% |",
            r.name,
            r.rps,
            wrk::fmt_latency(r.p50),
            wrk::fmt_latency(r.p99),
            roof.rps,
            wrk::fmt_latency(roof.p50),
            wrk::fmt_latency(roof.p99),
            100.0 * r.rps / roof.rps
        );
    }
    if !split.is_empty() {
        println!();
        println!(
            "The same cases with {} replicas on the database, the load split evenly over them:",
            args.replicas
        );
        println!();
        println!(
            "| case | requests/s, 1 replica | requests/s, {} replicas | p50 | p99 | vs 1 replica |",
            args.replicas
        );
        println!("|---|---:|---:|---:|---:|---:|");
        for ((one, _, _), r) in results.iter().zip(&split) {
            println!(
                "| {} | {:.0} | {:.0} | {} | {} | {:.2}x |",
                r.name,
                one.rps,
                r.rps,
                wrk::fmt_latency(r.p50),
                wrk::fmt_latency(r.p99),
                r.rps / one.rps
            );
        }
        for (n, took) in joined.iter().enumerate() {
            println!(
                "replica {} joined with {} instances in {took:.2?} (start to listening)",
                n + 2,
                args.instances
            );
        }
    }
    println!();
    let last_vs_first = results[1].0.rps / results[2].0.rps;
    println!("last page of 1000 vs first page of 1000: {last_vs_first:.2}x the time per request");
    println!(
        "load: {:.1?} ({:.0} instances/s through CreateZecInstances, 100 per call); deployments settled {:.1?} later",
        load_time,
        args.instances as f64 / load_time.as_secs_f64(),
        settle_time
    );
    println!();
    println!(
        "Filters over the same {} instances (DescribeInstances unless noted, first page of 20):",
        args.instances
    );
    println!();
    println!("| filter | matches | requests/s | p50 | p99 |");
    println!("|---|---:|---:|---:|---:|");
    for (r, total) in &filtered {
        println!(
            "| {} | {total} | {:.0} | {} | {} |",
            r.name,
            r.rps,
            wrk::fmt_latency(r.p50),
            wrk::fmt_latency(r.p99)
        );
    }
    println!();
    println!(
        "RSS: {} MiB loaded, {} MiB after the runs",
        rss_loaded / 1024,
        rss_after / 1024
    );
    println!(
        "restart with {} instances: {:.2?} until listening",
        args.instances, restart
    );
    Ok(())
}

pub(crate) fn tempfile_dir() -> Result<ScratchDir> {
    let dir = std::env::temp_dir().join(format!("zec-bench-{}", std::process::id()));
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    Ok(ScratchDir(dir))
}

/// A scratch directory (a zecd's data, a million instances' worth), removed when dropped, so
/// a run that fails half-way does not leave gigabytes behind in `$TMPDIR`.
pub(crate) struct ScratchDir(PathBuf);

impl std::ops::Deref for ScratchDir {
    type Target = std::path::Path;
    fn deref(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The size of zecd's answer to a request.
async fn response_size(addr: &str, body: &str, headers: &[(String, String)]) -> Result<usize> {
    Ok(response(addr, body, headers).await?.len())
}

/// zecd's answer to a request.
async fn response(addr: &str, body: &str, headers: &[(String, String)]) -> Result<bytes::Bytes> {
    use http_body_util::{BodyExt, Full};
    let mut req = hyper::Request::post(format!("http://{addr}/api/v2/zec"));
    for (k, v) in headers {
        req = req.header(k.as_str(), v.as_str());
    }
    let req = req.body(Full::new(bytes::Bytes::from(body.to_owned())))?;
    let http = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<Full<bytes::Bytes>>();
    let response = http.request(req).await?;
    if response.status() != 200 {
        bail!("{body}: HTTP {}", response.status());
    }
    Ok(response.into_body().collect().await?.to_bytes())
}

pub(crate) async fn wait_running(api: &Client) -> Result<()> {
    loop {
        let deploying = api
            .describe_instances(&DescribeInstancesRequest {
                status: Some("DEPLOYING".into()),
                page_size: Some(1),
                ..Default::default()
            })
            .await?;
        if deploying.total_count == 0 {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Headers of a signed request, valid for five minutes.
fn signed_headers(addr: &str, action: &str, body: &str) -> Vec<(String, String)> {
    let ts = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let sig = zec_sign::sign(
        KEY_PASSWORD,
        &zec_sign::SignedParts {
            content_type: "application/json",
            host: addr,
            timestamp: &ts,
            body: body.as_bytes(),
        },
    );
    vec![
        ("Content-Type".into(), "application/json".into()),
        ("x-zc-action".into(), action.into()),
        ("x-zc-version".into(), "2025-09-01".into()),
        ("x-zc-signature-method".into(), "ZC2-HMAC-SHA256".into()),
        ("x-zc-timestamp".into(), ts),
        (
            "Authorization".into(),
            zec_sign::authorization(KEY_ID, &sig),
        ),
    ]
}
