//! The benchmark's account: a million instances that differ the way a real fleet's do, so
//! that filters have something to find.

use anyhow::{Context, Result};
use zec_sdk::Client;
use zec_sdk::model::{CreateResourceGroupRequest, CreateZecInstancesRequest, Tag, Tags};

/// Zones, with a subnet of each one's region.
pub const ZONES: [(&str, &str); 4] = [
    ("asia-east-1a", "1272168087751233112"),
    ("asia-southwest-1a", "1272168087751233113"),
    ("na-west-1a", "1272168087751233114"),
    ("eu-west-1a", "1272168087751233115"),
];
pub const TYPES: [&str; 2] = ["z2a.cpu.1", "z2a.cpu.2"];
pub const IMAGES: [&str; 3] = [
    "ubuntu2404_20240712",
    "debian12_20251225",
    "rocky96_20250601",
];
pub const KINDS: [&str; 4] = ["web", "db", "cache", "worker"];

pub struct Fleet {
    /// Every instance id, in creation order.
    pub ids: Vec<String>,
    pub groups: Vec<String>,
}

/// What the `call`-th CreateZecInstances call of the load asks for.
pub fn call_shape(call: u64) -> (usize, usize, usize, usize, usize) {
    let c = call as usize;
    (c % 4, (c / 4) % 2, (c / 8) % 3, (c / 24) % 4, (c / 3) % 4)
}

/// Creates `n` instances, 100 per call, 8 calls at a time.
pub async fn load(api: &Client, n: u64) -> Result<Fleet> {
    const PER_CALL: u64 = 100;
    const PARALLEL: u64 = 8;
    let mut groups = Vec::new();
    for name in ["blue", "green", "red", "gold"] {
        let g = api
            .create_resource_group(&CreateResourceGroupRequest {
                name: Some(name.into()),
            })
            .await?;
        groups.push(g.data.resource_group_id);
    }
    let calls = n.div_ceil(PER_CALL);
    let mut ids = Vec::with_capacity(n as usize);
    let mut next = 0;
    while next < calls {
        let batch: Vec<_> = (next..(next + PARALLEL).min(calls))
            .map(|c| {
                let api = api.clone();
                let count = PER_CALL.min(n - c * PER_CALL);
                let (zone, itype, image, kind, group) = call_shape(c);
                let tags = match c % 10 {
                    0 => vec![("env", "prod")],
                    5 => vec![("env", "dev")],
                    _ => vec![],
                };
                let req = CreateZecInstancesRequest {
                    zone_id: Some(ZONES[zone].0.into()),
                    subnet_id: Some(ZONES[zone].1.into()),
                    instance_type: Some(TYPES[itype].into()),
                    image_id: Some(IMAGES[image].into()),
                    password: Some("Passw0rd!".into()),
                    instance_count: Some(count as i64),
                    instance_name: Some(format!("{}-{c}-[0,2]", KINDS[kind])),
                    resource_group_id: Some(groups[group].clone()),
                    tags: Some(Tags {
                        tags: tags
                            .into_iter()
                            .map(|(k, v)| Tag {
                                key: k.into(),
                                value: v.into(),
                            })
                            .collect(),
                    }),
                    // Public addresses for the first ten thousand: a region's pool is finite.
                    internet_charge_type: (c < 100).then(|| "ByBandwidth".into()),
                    ..Default::default()
                };
                tokio::spawn(async move { api.create_zec_instances(&req).await })
            })
            .collect();
        next += batch.len() as u64;
        for task in batch {
            let r = task.await?.context("CreateZecInstances")?;
            ids.extend(r.data.instance_id_set);
        }
        if next % 1000 == 0 {
            eprintln!("  {} instances", ids.len());
        }
    }
    ids.sort_unstable_by_key(|id| id.parse::<u64>().unwrap_or(0));
    Ok(Fleet { ids, groups })
}
