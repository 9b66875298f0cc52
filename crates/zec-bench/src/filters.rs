//! The filter cases: DescribeInstances (and DescribeInstancesStatus) with each filter, and a
//! combination, over the loaded fleet.

use crate::fleet::{Fleet, IMAGES, TYPES, ZONES};
use crate::wrk::{self, Measured};
use crate::{Args, response, signed_headers};
use anyhow::{Context, Result};
use serde_json::{Value, json};

/// Each case measured, with the number of instances it matches.
pub async fn measure(addr: &str, fleet: &Fleet, args: &Args) -> Result<Vec<(Measured, u64)>> {
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
    let cases: Vec<(&str, &str, Value)> = vec![
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
            "resourceGroupId (DescribeInstancesStatus)",
            "DescribeInstancesStatus",
            json!({"resourceGroupId": fleet.groups[2]}),
        ),
    ];
    let mut out = Vec::new();
    for (name, action, body) in cases {
        let body = body.to_string();
        let headers = signed_headers(addr, action, &body);
        let answer: Value = serde_json::from_slice(&response(addr, &body, &headers).await?)?;
        let total = answer["response"]["totalCount"]
            .as_u64()
            .with_context(|| format!("{name}: {answer}"))?;
        let short = Args {
            duration: args.duration.div_ceil(2),
            ..args.clone()
        };
        out.push((wrk::run(addr, name, &body, &headers, &short)?, total));
    }
    Ok(out)
}
