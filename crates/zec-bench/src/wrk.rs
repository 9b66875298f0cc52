//! Runs wrk and reads its report.

use crate::Args;
use anyhow::{Context, Result, bail};
use std::process::Command;

pub struct Measured {
    pub name: String,
    pub rps: f64,
    /// Microseconds.
    pub p50: f64,
    pub p99: f64,
}

pub fn check_installed() -> Result<()> {
    Command::new("wrk")
        .arg("--version")
        .output()
        .context("wrk is not installed (Debian: apt-get install wrk)")?;
    Ok(())
}

fn lua_string(s: &str) -> String {
    format!("{s:?}")
}

/// The same load split over several servers at once (replicas behind a load balancer):
/// requests/s add up; p50 is the mean of theirs, p99 the worst.
/// Each server comes with the headers signed for it (the signature covers the host).
pub fn run_split(
    targets: &[(String, Vec<(String, String)>)],
    name: &str,
    body: &str,
    args: &Args,
) -> Result<Measured> {
    let mut each = args.clone();
    each.connections = (args.connections / targets.len() as u32).max(1);
    let results = std::thread::scope(|s| {
        let handles: Vec<_> = targets
            .iter()
            .map(|(addr, headers)| {
                let each = &each;
                s.spawn(move || run(addr, name, body, headers, each))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| bail!("wrk thread panicked")))
            .collect::<Result<Vec<_>>>()
    })?;
    Ok(Measured {
        name: name.to_owned(),
        rps: results.iter().map(|m| m.rps).sum(),
        p50: results.iter().map(|m| m.p50).sum::<f64>() / results.len() as f64,
        p99: results.iter().map(|m| m.p99).fold(0.0, f64::max),
    })
}

pub fn run(
    addr: &str,
    name: &str,
    body: &str,
    headers: &[(String, String)],
    args: &Args,
) -> Result<Measured> {
    let mut script = String::from("wrk.method = \"POST\"\n");
    script.push_str(&format!("wrk.body = {}\n", lua_string(body)));
    for (k, v) in headers {
        script.push_str(&format!(
            "wrk.headers[{}] = {}\n",
            lua_string(k),
            lua_string(v)
        ));
    }
    let path = std::env::temp_dir().join(format!(
        "zec-bench-{}-{}.lua",
        std::process::id(),
        addr.replace([':', '.'], "-")
    ));
    std::fs::write(&path, script)?;
    eprintln!("measuring: {name}");
    let out = crate::pinned("wrk", false)
        .args([
            "-t1",
            &format!("-c{}", args.connections),
            &format!("-d{}s", args.duration),
            "--latency",
            "-s",
        ])
        .arg(&path)
        .arg(format!("http://{addr}/api/v2/zec"))
        .output()
        .context("running wrk");
    let _ = std::fs::remove_file(&path);
    let out = out?;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    if !out.status.success() {
        bail!("wrk failed: {text}{}", String::from_utf8_lossy(&out.stderr));
    }
    if text.contains("Non-2xx or 3xx responses") || text.contains("Socket errors") {
        bail!("{name}: requests failed:\n{text}");
    }
    let rps = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .with_context(|| format!("no Requests/sec in:\n{text}"))?;
    let percentile = |p: &str| -> Result<f64> {
        text.lines()
            .map(str::trim)
            .find_map(|l| l.strip_prefix(p))
            .and_then(|v| parse_latency(v.trim()))
            .with_context(|| format!("no {p} latency in:\n{text}"))
    };
    Ok(Measured {
        name: name.to_owned(),
        rps,
        p50: percentile("50%")?,
        p99: percentile("99%")?,
    })
}

/// wrk prints `123.45us`, `1.23ms` or `1.02s`.
fn parse_latency(v: &str) -> Option<f64> {
    let (num, scale) = if let Some(n) = v.strip_suffix("us") {
        (n, 1.0)
    } else if let Some(n) = v.strip_suffix("ms") {
        (n, 1e3)
    } else if let Some(n) = v.strip_suffix('s') {
        (n, 1e6)
    } else {
        return None;
    };
    num.parse::<f64>().ok().map(|n| n * scale)
}

pub fn fmt_latency(us: f64) -> String {
    if us >= 1000.0 {
        format!("{:.2} ms", us / 1000.0)
    } else {
        format!("{us:.0} µs")
    }
}
