//! The filter cases: DescribeInstances (and DescribeInstancesStatus) with each filter, and a
//! combination, over the loaded fleet.

use crate::fleet::{Fleet, IMAGES, TYPES, ZONES};
use crate::wrk::{self, Measured};
use crate::{Args, response, signed_headers};
use anyhow::{Context, Result};
use serde_json::{Value, json};

/// A request to measure: its name, action and body.
pub struct Case {
    pub name: String,
    pub action: &'static str,
    pub body: String,
}

/// Each case measured, with the number of instances it matches.
pub async fn measure(addr: &str, fleet: &Fleet, args: &Args) -> Result<Vec<(Measured, u64)>> {
    let mut out = Vec::new();
    for case in cases(addr, fleet).await? {
        let headers = signed_headers(addr, case.action, &case.body);
        let total = matches(addr, &case).await?;
        let short = Args {
            duration: args.duration.div_ceil(2),
            ..args.clone()
        };
        out.push((
            wrk::run(addr, &case.name, &case.body, &headers, &short)?,
            total,
        ));
    }
    Ok(out)
}

/// The `totalCount` of zecd's answer to a case.
pub async fn matches(addr: &str, case: &Case) -> Result<u64> {
    let headers = signed_headers(addr, case.action, &case.body);
    let answer: Value = serde_json::from_slice(&response(addr, &case.body, &headers).await?)?;
    answer["response"]["totalCount"]
        .as_u64()
        .with_context(|| format!("{}: {answer}", case.name))
}

/// The filter cases over a loaded fleet: each filter of DescribeInstances alone, several
/// combined, and the NICs' and disks' lists (a million of each beside a million instances).
pub async fn cases(addr: &str, fleet: &Fleet) -> Result<Vec<Case>> {
    // An address to look up: ask zecd for one instance's.
    let probe = json!({"instanceIds": [fleet.ids[fleet.ids.len() / 2]]}).to_string();
    let one: Value = serde_json::from_slice(
        &response(
            addr,
            &probe,
            &signed_headers(addr, "DescribeInstances", &probe),
        )
        .await?,
    )?;
    let ip = one["response"]["dataSet"][0]["privateIpAddresses"][0]
        .as_str()
        .context("no address")?
        .to_owned();
    // A name the load gave: calls whose kind is `web` are the multiples of 96, so pick one near
    // the middle; "web-<call>-" names that call's hundred instances.
    let calls = (fleet.ids.len() as u64).div_ceil(100);
    let web_call = (calls / 2 / 96) * 96;
    assert_eq!(
        crate::fleet::KINDS[crate::fleet::call_shape(web_call).3],
        "web"
    );
    let name = format!("web-{web_call}-");
    let name_case = format!("name contains \"{name}\"");
    let cases: Vec<(&str, &'static str, Value)> = vec![
        ("zoneId", "DescribeInstances", json!({"zoneId": ZONES[2].0})),
        (
            "status RUNNING",
            "DescribeInstances",
            json!({"status": "RUNNING"}),
        ),
        (
            "resourceGroupId",
            "DescribeInstances",
            json!({"resourceGroupId": fleet.groups[1]}),
        ),
        (
            "tags env=prod",
            "DescribeInstances",
            json!({"tags": [{"key": "env", "value": "prod"}]}),
        ),
        (
            "tagKeys env",
            "DescribeInstances",
            json!({"tagKeys": ["env"]}),
        ),
        (&name_case, "DescribeInstances", json!({"name": name})),
        (
            "ipv4Address",
            "DescribeInstances",
            json!({"ipv4Address": ip}),
        ),
        (
            "zoneId + instanceType + imageId",
            "DescribeInstances",
            json!({"zoneId": ZONES[0].0, "instanceType": TYPES[1], "imageId": IMAGES[2]}),
        ),
        (
            "zoneId + status + resourceGroupId + tags",
            "DescribeInstances",
            json!({"zoneId": ZONES[1].0, "status": "RUNNING", "resourceGroupId": fleet.groups[3],
                   "tags": [{"key": "env", "value": "dev"}]}),
        ),
        (
            "resourceGroupId (DescribeInstancesStatus)",
            "DescribeInstancesStatus",
            json!({"resourceGroupId": fleet.groups[2]}),
        ),
        ("DescribeDisks {}", "DescribeDisks", json!({})),
        (
            "DescribeDisks zoneId + diskType + resourceGroupId",
            "DescribeDisks",
            json!({"zoneId": ZONES[2].0, "diskType": "SYSTEM", "resourceGroupId": fleet.groups[0]}),
        ),
        (
            "DescribeNetworkInterfaces {}",
            "DescribeNetworkInterfaces",
            json!({}),
        ),
        (
            "DescribeNetworkInterfaces subnetId + resourceGroupId",
            "DescribeNetworkInterfaces",
            json!({"subnetId": ZONES[3].1, "resourceGroupId": fleet.groups[1]}),
        ),
    ];
    Ok(cases
        .into_iter()
        .map(|(name, action, body)| Case {
            name: name.to_owned(),
            action,
            body: body.to_string(),
        })
        .collect())
}
