//! `zec-bench writes`: what the store's writer sustains. Creates through CreateZecInstances
//! (100 per call, 8 calls in flight), then Stop, Start and Reboot in batches of 100 across the
//! whole fleet, several batches in flight, as instance transitions per second with the
//! latency of each call. Phases last 1 ms, so a batch has settled by the time its turn comes
//! again; an instance a call could not act on (answered in `instanceIds`) is not counted.

use crate::process::Zecd;
use crate::{KEY_ID, KEY_PASSWORD, client, fleet, tempfile_dir, wait_running};
use anyhow::{Result, bail};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use zec_sdk::model::InstanceBatchRequest;

#[derive(clap::Parser, Clone)]
pub struct WriteArgs {
    /// Instances to create, then to stop, start and reboot.
    #[arg(long, default_value_t = 100_000)]
    pub instances: u64,
    /// Seconds of Stop/Start/Reboot.
    #[arg(long, default_value_t = 10)]
    pub duration: u64,
    /// Calls in flight at once.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// The zecd binary (a release build).
    #[arg(long, default_value = "target/release/zecd")]
    pub zecd: std::path::PathBuf,
    /// Extra arguments for `zecd serve`.
    #[arg(long = "zecd-arg", allow_hyphen_values = true)]
    pub zecd_args: Vec<String>,
    /// Run zecd on PostgreSQL (a server URL whose user may create databases).
    #[arg(long)]
    pub database_url: Option<String>,
    /// Pin zecd to these CPUs (`taskset -c`); run `zec-bench` itself under `taskset` for the
    /// load's.
    #[arg(long)]
    pub server_cpus: Option<String>,
}

const OPS: [&str; 3] = ["StopInstances", "StartInstances", "RebootInstances"];

pub async fn run(mut args: WriteArgs) -> Result<()> {
    if !args.zecd.exists() {
        bail!(
            "{} not found; build zecd in release first",
            args.zecd.display()
        );
    }
    args.zecd_args.extend([
        "--transition".into(),
        "deploy=1ms,stop=1ms,boot=1ms,reboot=1ms".into(),
        "--log".into(),
        "info,zecd::access=off".into(),
    ]);
    let backend = if args.database_url.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let data = tempfile_dir()?;
    let zecd = Zecd::start(&args.zecd, &data, &args.zecd_args, KEY_ID, KEY_PASSWORD)?;
    let api = client(&zecd.addr);

    let started = Instant::now();
    let fleet = fleet::load(&api, args.instances).await?;
    let create_time = started.elapsed();
    wait_running(&api).await?;
    let ids = Arc::new(fleet.ids);
    let batches = ids.len().div_ceil(100);

    let next = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicU64::new(0));
    let refused = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(args.duration);
    let measure = Instant::now();
    let workers: Vec<_> = (0..args.concurrency)
        .map(|_| {
            let (api, ids, next, done, refused) = (
                api.clone(),
                ids.clone(),
                next.clone(),
                done.clone(),
                refused.clone(),
            );
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                while Instant::now() < deadline {
                    let n = next.fetch_add(1, Ordering::Relaxed) as usize;
                    let (batch, visit) = (n % batches, n / batches);
                    let chunk: Vec<String> =
                        ids[batch * 100..((batch + 1) * 100).min(ids.len())].to_vec();
                    let count = chunk.len() as u64;
                    let request = InstanceBatchRequest {
                        instance_ids: Some(chunk),
                        ..Default::default()
                    };
                    let t = Instant::now();
                    let answer = match OPS[visit % 3] {
                        "StopInstances" => api.stop_instances(&request).await,
                        "StartInstances" => api.start_instances(&request).await,
                        _ => api.reboot_instances(&request).await,
                    };
                    latencies.push(t.elapsed());
                    match answer {
                        Ok(r) => {
                            let failed = r.instance_ids.len() as u64;
                            done.fetch_add(count - failed, Ordering::Relaxed);
                            refused.fetch_add(failed, Ordering::Relaxed);
                        }
                        Err(_) => {
                            refused.fetch_add(count, Ordering::Relaxed);
                        }
                    }
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for w in workers {
        latencies.extend(w.await?);
    }
    let elapsed = measure.elapsed().as_secs_f64();
    latencies.sort();
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    let transitions = done.load(Ordering::Relaxed);
    println!();
    println!(
        "Writes on {backend}, {} instances, {} calls in flight, zecd pinned to {}",
        ids.len(),
        args.concurrency,
        args.server_cpus.as_deref().unwrap_or("any CPU")
    );
    println!("| case | per second | calls | p50 | p99 | not acted on |");
    println!("|---|---:|---:|---:|---:|---:|");
    println!(
        "| creates (CreateZecInstances, 100 per call, 8 in flight) | {:.0} instances | {} | | | |",
        ids.len() as f64 / create_time.as_secs_f64(),
        ids.len().div_ceil(100)
    );
    println!(
        "| Stop/Start/Reboot, batches of 100 | {:.0} transitions | {} | {:.2} ms | {:.2} ms | {} |",
        transitions as f64 / elapsed,
        latencies.len(),
        pct(0.50).as_secs_f64() * 1000.0,
        pct(0.99).as_secs_f64() * 1000.0,
        refused.load(Ordering::Relaxed)
    );
    drop(zecd);
    drop(data);
    Ok(())
}
