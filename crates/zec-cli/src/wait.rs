//! `zec zec wait-instances`: poll DescribeInstancesStatus until every instance has a status,
//! with a live progress line on a terminal.

use crate::Failure;
use clap::{Arg, ArgAction, ArgMatches, Command};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};
use zec_sdk::{Client, Wait, WaitError};

pub const COMMAND: &str = "wait-instances";

/// The body of a poll's first request (100 ids per request, as the waiter sends them).
pub fn poll_body(m: &ArgMatches) -> serde_json::Map<String, Value> {
    let ids: Vec<Value> = m
        .get_many::<String>("instance-ids")
        .map(|v| v.take(100).cloned().map(Value::String).collect())
        .unwrap_or_default();
    let mut body = serde_json::Map::new();
    body.insert("instanceIds".into(), Value::Array(ids));
    body.insert("pageSize".into(), Value::from(100));
    body
}

pub fn command() -> Command {
    Command::new(COMMAND)
        .about("Wait until instances reach a status (e.g. RUNNING, or GONE once released for good)")
        .arg(
            Arg::new("instance-ids")
                .long("instance-ids")
                .required(true)
                .num_args(1..)
                .action(ArgAction::Append),
        )
        .arg(
            Arg::new("status")
                .long("status")
                .num_args(1..)
                .action(ArgAction::Append)
                .default_value("RUNNING")
                .help("The status (or statuses) to wait for; GONE: no longer listed"),
        )
        .arg(
            Arg::new("fail-on")
                .long("fail-on")
                .num_args(1..)
                .action(ArgAction::Append)
                .default_values(["CREATE_FAILED", "REINSTALL_FAILED"])
                .help("Statuses that end the wait as a failure (exit code 5)"),
        )
        .arg(
            Arg::new("timeout")
                .long("timeout")
                .default_value("10m")
                .value_parser(humantime::parse_duration)
                .help("Give up after this long (exit code 3)"),
        )
        .arg(
            Arg::new("interval")
                .long("interval")
                .default_value("2s")
                .value_parser(humantime::parse_duration),
        )
}

pub async fn run(client: &Client, m: &ArgMatches) -> Result<Value, Failure> {
    let many = |id: &str| -> Vec<String> {
        m.get_many::<String>(id)
            .map(|v| v.cloned().collect())
            .unwrap_or_default()
    };
    let ids = many("instance-ids");
    let wait = Wait {
        until: many("status"),
        fail_on: many("fail-on"),
        timeout: *m.get_one::<Duration>("timeout").expect("has a default"),
        interval: *m.get_one::<Duration>("interval").expect("has a default"),
    };
    let live = std::io::stderr().is_terminal();
    let started = Instant::now();
    let progress = |statuses: &zec_sdk::Statuses| {
        if !live {
            return;
        }
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, s) in statuses {
            *counts.entry(s.as_str()).or_default() += 1;
        }
        let summary: Vec<String> = counts.iter().map(|(s, n)| format!("{n} {s}")).collect();
        let mut err = std::io::stderr();
        let _ = write!(
            err,
            "\r\x1b[2Kwaiting {}s for {}: {}",
            started.elapsed().as_secs(),
            wait.until.join("|"),
            summary.join(", ")
        );
        let _ = err.flush();
    };
    let result = client.wait_instances(&ids, &wait, progress).await;
    if live {
        eprintln!();
    }
    match result {
        Ok(statuses) => Ok(json!({
            "dataSet": statuses
                .iter()
                .map(|(id, s)| json!({"instanceId": id, "instanceStatus": s}))
                .collect::<Vec<_>>()
        })),
        Err(WaitError::Api(e)) => Err(e.into()),
        Err(e @ WaitError::Timeout { .. }) => Err(Failure::Timeout(e.to_string())),
        Err(e) => Err(Failure::WaitFailed(e.to_string())),
    }
}
