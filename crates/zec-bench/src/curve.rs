//! `zec-bench curve`: the cost curve. For each account size (1k, 10k, 100k, 1M by default) a
//! fresh zecd is loaded with that many instances (each with its NIC and system disk), then
//! every read and filter case is measured beside its own ceiling (an endpoint answering the
//! same request with a body of the same size), zecd and the ceiling pinned to the server's
//! CPUs, wrk to the load's. Prints one table per size and the curve, draws the curve as an
//! SVG chart, and reports memory per instance and the restart time at each size.

use crate::filters::{self, Case};
use crate::process::Zecd;
use crate::wrk::{self, Measured};
use crate::{Args, KEY_ID, KEY_PASSWORD, client, fleet, signed_headers, wait_running};
use anyhow::{Result, bail};
use clap::Parser;
use serde_json::json;
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Parser, Clone)]
pub struct CurveArgs {
    /// Account sizes to measure, in instances.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "1000,10000,100000,1000000"
    )]
    sizes: Vec<u64>,
    /// Where to draw the chart (SVG).
    #[arg(long, default_value = "docs/bench/curve.svg")]
    chart: PathBuf,
    /// Record a CPU profile (`perf record -g`) of zecd while it answers the cases whose
    /// name contains this, and write its summary (`perf report`) beside the chart.
    #[arg(long)]
    profile: Option<String>,
    #[command(flatten)]
    run: Args,
}

impl CurveArgs {
    pub fn server_cpus(&self) -> Option<String> {
        self.run.server_cpus.clone()
    }
    pub fn load_cpus(&self) -> Option<String> {
        self.run.load_cpus.clone()
    }
}

struct Row {
    case: String,
    matches: u64,
    bytes: usize,
    zecd: Measured,
    roof: Measured,
}

struct Size {
    instances: u64,
    rows: Vec<Row>,
    rss_kib: u64,
    load: Duration,
    restart: Duration,
}

pub async fn run(args: CurveArgs) -> Result<()> {
    if !args.run.zecd.exists() {
        bail!(
            "{} not found; run `cargo build --release -p zec-server` first",
            args.run.zecd.display()
        );
    }
    if args.sizes.len() < 2 {
        bail!("--sizes: a curve needs at least two sizes");
    }
    wrk::check_installed()?;
    // An empty zecd's resident memory: what the instances add is measured above it.
    let base_kib = {
        let data = crate::tempfile_dir()?;
        let mut z = Zecd::start(
            &args.run.zecd,
            &data,
            &args.run.zecd_args,
            KEY_ID,
            KEY_PASSWORD,
        )?;
        let rss = z.rss_kib()?;
        z.stop()?;
        rss
    };
    let mut sizes = Vec::new();
    for &n in &args.sizes {
        sizes.push(measure(&args, n).await?);
    }
    let table = print(&sizes, base_kib, &args);
    print!("{table}");
    std::fs::create_dir_all(args.chart.parent().unwrap_or(std::path::Path::new(".")))?;
    std::fs::write(args.chart.with_extension("md"), &table)?;
    crate::chart::draw(&args.chart, &chart_series(&sizes))?;
    println!("\nchart: {}", args.chart.display());
    Ok(())
}

async fn measure(curve: &CurveArgs, n: u64) -> Result<Size> {
    let args = &curve.run;
    let data = crate::tempfile_dir()?;
    // On PostgreSQL, each size in a scratch database of its own.
    // (The postgres client blocks: kept off the runtime's own threads.)
    let database = args
        .database_url
        .as_deref()
        .map(|url| tokio::task::block_in_place(|| crate::database::Scratch::create(url)))
        .transpose()?;
    let mut zecd_args = args.zecd_args.clone();
    if let Some(db) = &database {
        zecd_args.push(format!("--database-url={}", db.url));
    }
    let mut zecd = Zecd::start(&args.zecd, &data, &zecd_args, KEY_ID, KEY_PASSWORD)?;
    let api = client(&zecd.addr);
    eprintln!("loading {n} instances ...");
    let started = Instant::now();
    let fleet = fleet::load(&api, n).await?;
    let load = started.elapsed();
    wait_running(&api).await?;
    let rss_kib = zecd.rss_kib()?;

    let pages = n.div_ceil(1000).max(1);
    let sample: Vec<String> = {
        let step = (fleet.ids.len() / 100).max(1);
        fleet.ids.iter().step_by(step).take(100).cloned().collect()
    };
    let status = "DescribeInstancesStatus";
    let mut cases = vec![
        Case {
            name: "{} (first 20)".into(),
            action: status,
            body: json!({}).to_string(),
        },
        Case {
            name: "pageSize 1000, page 1".into(),
            action: status,
            body: json!({"pageSize": 1000, "pageNum": 1}).to_string(),
        },
        Case {
            name: "pageSize 1000, last page".into(),
            action: status,
            body: json!({"pageSize": 1000, "pageNum": pages}).to_string(),
        },
        Case {
            name: "100 explicit ids".into(),
            action: status,
            body: json!({"instanceIds": sample}).to_string(),
        },
    ];
    cases.extend(filters::cases(&zecd.addr, &fleet).await?);

    let mut rows = Vec::new();
    for case in cases {
        let headers = signed_headers(&zecd.addr, case.action, &case.body);
        let matches = filters::matches(&zecd.addr, &case).await?;
        let bytes = crate::response(&zecd.addr, &case.body, &headers)
            .await?
            .len();
        let ceiling = crate::ceiling::spawn(bytes)?;
        let label = format!("{} @ {n}", case.name);
        let roof = wrk::run(
            &ceiling.addr,
            &format!("ceiling for {label}"),
            &case.body,
            &headers,
            args,
        )?;
        drop(ceiling);
        let profile = match (&curve.profile, zecd.pid()) {
            (Some(p), Some(pid)) if case.name.contains(p.as_str()) => {
                Some(Profile::start(pid, &curve.chart, &label, args.duration)?)
            }
            _ => None,
        };
        let zecd_m = wrk::run(&zecd.addr, &label, &case.body, &headers, args)?;
        if let Some(p) = profile {
            p.finish()?;
        }
        rows.push(Row {
            case: case.name,
            matches,
            bytes,
            zecd: zecd_m,
            roof,
        });
    }
    eprintln!("restarting zecd with {n} instances ...");
    let restart = zecd.restart()?;
    zecd.stop()?;
    drop(data);
    tokio::task::block_in_place(|| drop(database));
    Ok(Size {
        instances: n,
        rows,
        rss_kib,
        load,
        restart,
    })
}

/// The tables, as markdown.
fn print(sizes: &[Size], base_kib: u64, args: &CurveArgs) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    macro_rules! println {
        () => {
            out.push('\n')
        };
        ($($t:tt)*) => {{
            let _ = writeln!(out, $($t)*);
        }};
    }
    let pin = match (&args.run.server_cpus, &args.run.load_cpus) {
        (Some(s), Some(l)) => format!("zecd and each ceiling pinned to CPU {s}, wrk to CPU {l}"),
        _ => "server and load unpinned".into(),
    };
    println!();
    println!(
        "Cost curve on {}: wrk -t1 -c{} -d{}s per case on loopback, {pin}",
        if args.run.database_url.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        args.run.connections,
        args.run.duration
    );
    for s in sizes {
        println!();
        println!("{} instances:", s.instances);
        println!();
        println!(
            "| case | matches | bytes | zecd req/s | p50 | p99 | ceiling req/s | p99 | zecd / ceiling | p99 / ceiling p99 |"
        );
        println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for r in &s.rows {
            println!(
                "| {} | {} | {} | {:.0} | {} | {} | {:.0} | {} | {:.0}% | {:.1}x |",
                r.case,
                r.matches,
                r.bytes,
                r.zecd.rps,
                wrk::fmt_latency(r.zecd.p50),
                wrk::fmt_latency(r.zecd.p99),
                r.roof.rps,
                wrk::fmt_latency(r.roof.p99),
                100.0 * r.zecd.rps / r.roof.rps,
                r.zecd.p99 / r.roof.p99
            );
        }
    }
    println!();
    println!("The curve, zecd requests/s (share of the ceiling):");
    println!();
    let header: Vec<String> = sizes.iter().map(|s| format!("{}", s.instances)).collect();
    println!("| case | {} |", header.join(" | "));
    println!("|---|{}", "---:|".repeat(sizes.len()));
    for (i, r) in sizes[0].rows.iter().enumerate() {
        let cells: Vec<String> = sizes
            .iter()
            .map(|s| {
                let r = &s.rows[i];
                format!(
                    "{:.0} ({:.0}%)",
                    r.zecd.rps,
                    100.0 * r.zecd.rps / r.roof.rps
                )
            })
            .collect();
        println!("| {} | {} |", r.case, cells.join(" | "));
    }
    println!();
    println!(
        "| instances | load through the API | RSS | RSS above an empty zecd, per instance | restart, start to listening |"
    );
    println!("|---:|---:|---:|---:|---:|");
    for s in sizes {
        println!(
            "| {} | {:.1?} ({:.0}/s) | {} MiB | {:.0} B | {:.2?} |",
            s.instances,
            s.load,
            s.instances as f64 / s.load.as_secs_f64(),
            s.rss_kib / 1024,
            (s.rss_kib.saturating_sub(base_kib) * 1024) as f64 / s.instances as f64,
            s.restart
        );
    }
    println!("(empty zecd: {} MiB)", base_kib / 1024);
    out
}

fn chart_series(sizes: &[Size]) -> Vec<crate::chart::Series> {
    let Some(first) = sizes.first() else {
        return Vec::new();
    };
    first
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let points = sizes
                .iter()
                .map(|s| (s.instances as f64, s.rows[i].zecd.rps))
                .collect();
            (r.case.clone(), points)
        })
        .collect()
}

/// `perf record` of zecd during one measurement.
struct Profile {
    child: std::process::Child,
    data: PathBuf,
    report: PathBuf,
}

impl Profile {
    fn start(pid: u32, chart: &std::path::Path, label: &str, seconds: u64) -> Result<Self> {
        let dir = chart.parent().unwrap_or(std::path::Path::new("."));
        std::fs::create_dir_all(dir)?;
        let stem: String = label
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let data = std::env::temp_dir().join(format!("zec-bench-{stem}.perf"));
        let child = std::process::Command::new("perf")
            .args([
                "record",
                "-e",
                "cpu-clock",
                "-F",
                "499",
                "--call-graph",
                "dwarf,16384",
                "-o",
            ])
            .arg(&data)
            .args(["-p", &pid.to_string(), "--", "sleep", &seconds.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .map_err(|e| {
                anyhow::anyhow!("perf record: {e} (Debian: apt-get install linux-perf)")
            })?;
        Ok(Profile {
            child,
            data,
            report: dir.join(format!("profile-{stem}.txt")),
        })
    }

    fn finish(mut self) -> Result<()> {
        self.child.wait()?;
        // The flat profile, then where the heaviest symbols are called from.
        let flat = std::process::Command::new("perf")
            .args([
                "report",
                "--stdio",
                "--no-children",
                "--percent-limit",
                "0.7",
            ])
            .args(["-g", "none", "--sort", "symbol", "-i"])
            .arg(&self.data)
            .output()?;
        let callers = std::process::Command::new("perf")
            .args(["report", "--stdio", "--no-children", "--percent-limit", "4"])
            .args(["--max-stack", "12"])
            .args([
                "-g",
                "caller,2,callee,function,percent",
                "--sort",
                "symbol",
                "-i",
            ])
            .arg(&self.data)
            .output()?;
        let mut text = flat.stdout;
        text.extend_from_slice(b"\n# Callers of the heaviest symbols\n");
        text.extend_from_slice(&callers.stdout);
        std::fs::write(&self.report, text)?;
        eprintln!("profile: {}", self.report.display());
        let _ = std::fs::remove_file(&self.data);
        Ok(())
    }
}
