//! DescribeInstances: whole instances, with the filters and paging of spec §5.

use crate::actions::{id_filter, non_empty};
use crate::raw::RawJson;
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use std::net::Ipv4Addr;
use zec_core::params::{max_items, one_of};
use zec_core::{Instance, Page};
use zec_store::{InstanceQuery, Listing, View};
use zec_types::model::{DescribeInstancesRequest, DescribeInstancesResponse, Tag};
use zec_types::{ApiError, ErrorCode, InstanceStatus};
#[cfg(test)]
use {
    zec_core::clock::format_api_time,
    zec_types::model::{
        InstanceDataDisk, InstanceInfo, InstanceOptions, NicInfo, ResourceGroupInfo, SystemDisk,
        Tags,
    },
};

/// Most tag filters one request may carry.
const MAX_TAG_FILTERS: usize = 20;

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: DescribeInstancesRequest,
) -> Result<Reply<DescribeInstancesResponse>, ApiError> {
    let mut query = query(&r)?;
    query.allowed_groups = crate::actions::allowed_groups(req);
    id_filter(&mut query, r.instance_ids.as_deref())?;
    // As in DescribeInstancesStatus: listed ids without a page size all come back.
    let default_size = if query.ids.is_some() {
        crate::actions::MAX_IDS as i64
    } else {
        Page::DEFAULT_SIZE
    };
    let page = Page::from_request(Some(r.page_size.unwrap_or(default_size)), r.page_num)?;
    let view = app
        .store
        .view(req.caller.account)
        .await
        .map_err(store_error)?;
    let listing = view.instances(&query, page);
    let shape = zec_types::shape::Shape::of(req.version);
    Ok(Reply::Raw(write_reply(
        &req.request_id,
        shape,
        &view,
        &listing,
    )))
}

/// The reply, written straight from the stored documents (the instances, their NICs, disks
/// and EIPs) into its buffer: a page of instances is zecd's largest common answer, and
/// building the response model first cost as much as serializing it. A test below checks it
/// byte for byte, in both API versions, against serde's serialization of the wire types as
/// [`info`] fills them, which stays the reference.
fn write_reply(
    request_id: &str,
    shape: zec_types::shape::Shape,
    view: &View<'_>,
    listing: &Listing<std::borrow::Cow<'_, Instance>>,
) -> Vec<u8> {
    let v2024 = shape == zec_types::shape::Shape::V2024;
    // About 1.6 KB per instance with its NIC and system disk.
    let mut o = RawJson::envelope(request_id, 256 + 2048 * listing.items.len());
    o.key("totalCount");
    o.num(listing.total);
    o.key("dataSet");
    o.begin_array();
    let mut ips = Addresses::default();
    for i in &listing.items {
        o.element();
        write_instance(&mut o, v2024, view, i, &mut ips);
    }
    o.end_array();
    o.finish()
}

/// An instance's addresses, reused from one instance to the next.
#[derive(Default)]
struct Addresses {
    public: Vec<Ipv4Addr>,
    private: Vec<Ipv4Addr>,
    /// Each NIC's public addresses (its own, then its EIPs'), in the order of `nics`.
    nic_public: Vec<Vec<Ipv4Addr>>,
}

/// One `InstanceInfo` (see [`info`], whose every choice this follows).
fn write_instance(
    o: &mut RawJson,
    v2024: bool,
    view: &View<'_>,
    i: &Instance,
    ips: &mut Addresses,
) {
    let nics = view.nics_of(i.id);
    let disks = view.disks_of(i.id);
    // The instance's addresses: its own, then every NIC's not yet listed.
    ips.public.clear();
    ips.public.extend(i.public_ipv4);
    ips.private.clear();
    ips.private.push(i.private_ipv4);
    ips.nic_public.resize_with(nics.len(), Vec::new);
    for (n, public) in nics.iter().zip(&mut ips.nic_public) {
        public.clear();
        public.extend(n.public_ipv4s.iter().copied());
        public.extend(view.eips_on(n.id).iter().map(|e| e.public_ip));
        for ip in n.private_ipv4s().chain(public.iter().copied()) {
            let list = if n.private_ipv4s().any(|p| p == ip) {
                &mut ips.private
            } else {
                &mut ips.public
            };
            if !list.contains(&ip) {
                list.push(ip);
            }
        }
    }
    let group_name = view.group_name(&i.resource_group_id).unwrap_or_default();

    o.begin_object();
    o.key("instanceId");
    o.id(i.id);
    o.key("instanceName");
    o.str(&i.name);
    o.key("zoneId");
    o.str(&i.zone_id);
    o.key("instanceType");
    o.str(&i.instance_type);
    o.key("cpu");
    o.num(i.cpu);
    o.key("memory");
    o.num(i.memory);
    o.key("imageId");
    o.str(&i.image_id);
    o.key("imageName");
    o.str(&i.image_name);
    o.key("timeZone");
    o.str(&i.time_zone);
    o.key("nicNetworkType");
    o.str(&i.nic_network_type);
    o.key("status");
    o.plain(i.status.as_str());

    o.key("systemDisk");
    o.begin_object();
    o.key("diskId");
    o.id(i.system_disk.id);
    o.key("diskSize");
    let system = disks.iter().find(|d| d.system);
    o.num(system.map_or(i.system_disk.size, |d| d.size));
    o.key("diskCategory");
    o.str(&i.system_disk.category);
    if !v2024 {
        o.key("burstingEnabled");
        o.bool(i.system_disk.bursting);
    }
    o.end_object();

    o.key("dataDisks");
    o.begin_array();
    for d in disks.iter().filter(|d| !d.system) {
        o.element();
        o.begin_object();
        o.key("diskId");
        o.id(d.id);
        o.key("diskName");
        o.str(&d.name);
        o.key("diskSize");
        o.num(d.size);
        o.key("diskAmount");
        o.null();
        o.key("portable");
        o.bool(d.portable);
        if !v2024 {
            o.key("burstingEnabled");
            o.bool(d.bursting);
        }
        o.key("diskCategory");
        o.str(&d.category);
        o.end_object();
    }
    o.end_array();

    o.key("publicIpAddresses");
    o.ipv4_list(ips.public.iter().copied());
    o.key("privateIpAddresses");
    o.ipv4_list(ips.private.iter().copied());
    o.key("keyId");
    o.opt_str(i.key_id.as_deref());
    o.key("subnetId");
    o.str(&i.subnet_id);
    if !v2024 {
        o.key("securityGroupId");
        o.str(&i.security_group_id);
    }
    o.key("enableAgent");
    o.bool(i.enable_agent);
    o.key("enableAgentMonitor");
    o.bool(i.enable_agent_monitor);
    o.key("enableIpForward");
    o.bool(i.enable_ip_forward);
    o.key("createTime");
    o.time(i.created_at);
    // Pay-as-you-go instances do not expire.
    o.key("expiredTime");
    o.null();
    o.key("resourceGroupId");
    o.str(&i.resource_group_id);
    o.key("resourceGroupName");
    o.str(group_name);

    o.key("nics");
    o.begin_array();
    if nics.is_empty() {
        // Its NIC went in the instant since the listing: as the instance was made.
        let primary = zec_store::Nic::primary_of(i);
        o.element();
        write_nic(o, v2024, view, &primary, &ips.public, &ips.private);
    } else {
        for (n, public) in nics.iter().zip(&ips.nic_public) {
            o.element();
            write_nic(o, v2024, view, n, public, &[]);
        }
    }
    o.end_array();

    if !v2024 {
        o.key("tags");
        o.tags(i.tags.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        o.key("loadBalancerIds");
        o.begin_array();
        o.end_array();
        o.key("placementGroupId");
        o.opt_str(i.placement_group_id.as_deref());
        o.key("instanceOptions");
        match i.nested_virtualization {
            Some(nested) => {
                o.begin_object();
                o.key("nestedVirtualization");
                o.bool(nested);
                o.end_object();
            }
            None => o.null(),
        }
    }
    o.end_object();
}

/// One `NicInfo`, as [`crate::actions::zec::nics::info`] fills it: `public` is its public
/// addresses; `private`, when not empty, replaces its own private ones (the NIC an instance
/// shows for a primary NIC not found).
fn write_nic(
    o: &mut RawJson,
    v2024: bool,
    view: &View<'_>,
    n: &zec_store::Nic,
    public: &[Ipv4Addr],
    private: &[Ipv4Addr],
) {
    o.begin_object();
    o.key("nicId");
    o.id(n.id);
    o.key("name");
    o.str(&n.name);
    o.key("status");
    o.str(n.life.at(view.now()).unwrap_or_default());
    o.key("nicType");
    o.plain(n.nic_type());
    o.key("regionId");
    o.str(&n.region_id);
    o.key("nicSubnetType");
    o.plain(n.subnet_type());
    o.key("publicIpList");
    o.ipv4_list(public.iter().copied());
    o.key("privateIpList");
    if private.is_empty() {
        o.ipv4_list(n.private_ipv4s());
    } else {
        o.ipv4_list(private.iter().copied());
    }
    o.key("primaryIpv4");
    match n.primary_ipv4 {
        Some(ip) => o.ipv4(ip),
        None => o.null(),
    }
    o.key("primaryIpv6");
    o.null();
    o.key("ipv6Cidr");
    o.null();
    o.key("secondaryIpv4s");
    o.ipv4_list(n.secondary_ipv4s.iter().copied());
    o.key("macAddress");
    o.mac(n.id);
    o.key("instanceId");
    o.opt_id(n.instance_id);
    o.key("vpcId");
    o.str(&n.vpc_id);
    o.key("subnetId");
    o.str(&n.subnet_id);
    o.key("createTime");
    o.time(n.created_at);
    o.key("updateTime");
    o.time(n.updated_at);
    o.key("resourceGroup");
    o.begin_object();
    o.key("resourceGroupId");
    o.str(&n.resource_group_id);
    o.key("resourceGroupName");
    o.str(view.group_name(&n.resource_group_id).unwrap_or_default());
    o.end_object();
    if !v2024 {
        o.key("securityGroupId");
        o.opt_str(n.security_group_id.as_deref());
        o.key("tags");
        o.tags(n.tags.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    }
    o.end_object();
}

fn query(r: &DescribeInstancesRequest) -> Result<InstanceQuery, ApiError> {
    let status = match non_empty(&r.status) {
        None => None,
        Some(s) => Some(InstanceStatus::parse(&s).ok_or_else(|| {
            let all: Vec<_> = InstanceStatus::ALL.iter().map(|s| s.as_str()).collect();
            one_of("status", &s, &all).unwrap_err()
        })?),
    };
    let ipv4 = match non_empty(&r.ipv4_address) {
        None => None,
        Some(ip) => Some(ip.parse().map_err(|_| {
            ApiError::new(
                ErrorCode::InvalidParameterValue,
                format!("`ipv4Address` `{ip}` is not an IPv4 address."),
            )
        })?),
    };
    let tag_keys = r.tag_keys.clone().unwrap_or_default();
    max_items("tagKeys", &tag_keys, MAX_TAG_FILTERS)?;
    let tags: Vec<Tag> = r.tags.clone().unwrap_or_default();
    max_items("tags", &tags, MAX_TAG_FILTERS)?;
    Ok(InstanceQuery {
        ids: None,
        resource_group_id: non_empty(&r.resource_group_id),
        zone_id: non_empty(&r.zone_id),
        image_id: non_empty(&r.image_id),
        instance_type: non_empty(&r.instance_type),
        instance_type_series: non_empty(&r.instance_type_series),
        status,
        name: non_empty(&r.name),
        ipv4,
        ipv6: non_empty(&r.ipv6_address),
        tag_keys,
        tags: tags.into_iter().map(|t| (t.key, t.value)).collect(),
        allowed_groups: None,
    })
}

/// An instance as DescribeInstances shows it: every field populated, nested objects and lists
/// never null (spec §5; the Python SDK needs them present). The reference [`write_instance`]
/// is checked against.
#[cfg(test)]
pub fn info(i: &Instance, group_name: &str, v: &View<'_>) -> InstanceInfo {
    let id = i.id.to_string();
    let created = format_api_time(i.created_at);
    let group_name = group_name.to_owned();
    let tags = Tags {
        tags: i
            .tags
            .iter()
            .map(|(k, v)| Tag {
                key: k.clone(),
                value: v.clone(),
            })
            .collect(),
    };
    // Its NICs (the primary one first) and disks as DescribeNetworkInterfaces and DescribeDisks
    // show them; as the instance was made if they went in the instant since the listing.
    let nics: Vec<NicInfo> = v
        .nics_of(i.id)
        .into_iter()
        .map(|n| crate::actions::zec::nics::info(v, n))
        .collect();
    let disks: Vec<&zec_store::Disk> = v.disks_of(i.id);
    let mut public: Vec<String> = i.public_ipv4.iter().map(|ip| ip.to_string()).collect();
    let mut private = vec![i.private_ipv4.to_string()];
    for n in &nics {
        for ip in n.private_ip_list.iter().chain(&n.public_ip_list) {
            let list = if n.private_ip_list.contains(ip) {
                &mut private
            } else {
                &mut public
            };
            if !list.contains(ip) {
                list.push(ip.clone());
            }
        }
    }
    let primary = || NicInfo {
        nic_id: i.nic_id.to_string(),
        name: format!("{}-nic", i.name),
        status: "USED".into(),
        nic_type: "Primary".into(),
        region_id: i.region_id.to_string(),
        nic_subnet_type: "IPv4".into(),
        public_ip_list: public.clone(),
        private_ip_list: private.clone(),
        primary_ipv4: Some(i.private_ipv4.to_string()),
        primary_ipv6: None,
        ipv6_cidr: None,
        secondary_ipv4s: Vec::new(),
        mac_address: i.mac_address(),
        instance_id: Some(id.clone()),
        vpc_id: i.vpc_id.to_string(),
        subnet_id: i.subnet_id.to_string(),
        create_time: created.clone(),
        update_time: format_api_time(i.updated_at),
        resource_group: ResourceGroupInfo {
            resource_group_id: i.resource_group_id.to_string(),
            resource_group_name: group_name.clone(),
        },
        security_group_id: Some(i.security_group_id.to_string()).filter(|s| !s.is_empty()),
        tags: Tags::default(),
    };
    let nics = if nics.is_empty() {
        vec![primary()]
    } else {
        nics
    };
    let system = disks.iter().find(|d| d.disk_type() == "SYSTEM");
    InstanceInfo {
        instance_id: id,
        instance_name: i.name.to_string(),
        zone_id: i.zone_id.to_string(),
        instance_type: Some(i.instance_type.to_string()),
        cpu: i.cpu,
        memory: i.memory,
        image_id: i.image_id.to_string(),
        image_name: i.image_name.to_string(),
        time_zone: i.time_zone.to_string(),
        nic_network_type: i.nic_network_type.to_string(),
        status: i.status.as_str().to_owned(),
        system_disk: SystemDisk {
            disk_id: Some(i.system_disk.id.to_string()),
            disk_size: Some(system.map_or(i64::from(i.system_disk.size), |d| i64::from(d.size))),
            disk_category: Some(i.system_disk.category.to_string()),
            bursting_enabled: Some(i.system_disk.bursting),
        },
        data_disks: disks
            .iter()
            .filter(|d| d.disk_type() == "DATA")
            .map(|d| InstanceDataDisk {
                disk_id: Some(d.id.to_string()),
                disk_name: Some(d.name.to_string()),
                disk_size: Some(i64::from(d.size)),
                disk_amount: None,
                portable: Some(d.portable),
                bursting_enabled: Some(d.bursting),
                disk_category: Some(d.category.to_string()),
            })
            .collect(),
        public_ip_addresses: public,
        private_ip_addresses: private,
        key_id: i.key_id.as_deref().map(str::to_owned),
        subnet_id: i.subnet_id.to_string(),
        security_group_id: i.security_group_id.to_string(),
        enable_agent: i.enable_agent,
        enable_agent_monitor: i.enable_agent_monitor,
        enable_ip_forward: i.enable_ip_forward,
        create_time: created,
        // Pay-as-you-go instances do not expire.
        expired_time: None,
        resource_group_id: i.resource_group_id.to_string(),
        resource_group_name: group_name,
        nics,
        tags,
        load_balancer_ids: Vec::new(),
        placement_group_id: i.placement_group_id.as_deref().map(str::to_owned),
        instance_options: i
            .nested_virtualization
            .map(|nested_virtualization| InstanceOptions {
                nested_virtualization,
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{Caller, Credential};
    use serde_json::{Value, json};
    use std::sync::Arc;
    use std::time::Duration;
    use zec_core::{Catalog, ManualClock, Timings};
    use zec_store::{Backend, Store, StoreOptions};
    use zec_types::Action;
    use zec_types::action::Service;
    use zec_types::envelope::Envelope;
    use zec_types::shape::Shape;

    struct World {
        app: App,
        clock: Arc<ManualClock>,
        account: zec_core::AccountId,
        _dir: tempfile::TempDir,
    }

    impl World {
        async fn new() -> Self {
            let dir = tempfile::tempdir().unwrap();
            let clock = Arc::new(ManualClock::new(1_764_547_200_000));
            let store = Store::open(
                &Backend::Sqlite(dir.path().to_owned()),
                StoreOptions {
                    clock: clock.clone(),
                    timings: Timings::default(),
                    catalog: Arc::new(Catalog::builtin()),
                    faults: Default::default(),
                    pg: Default::default(),
                },
            )
            .unwrap();
            let account = store
                .admin(|db| zec_store::admin::create_account(db, "one"))
                .await
                .unwrap()
                .id;
            store.default_group(account).await.unwrap();
            let ops = crate::ops::Ops::new(&store, false, &[], None);
            let app = App::new(store, Default::default(), Some(clock.clone()), ops);
            Self {
                app,
                clock,
                account,
                _dir: dir,
            }
        }

        fn request(&self, action: &str, version: &'static str, body: &Value) -> VerifiedRequest {
            VerifiedRequest {
                request_id: "T0A1B2C3D-REQ".into(),
                caller: Caller {
                    account: self.account,
                    credential: Credential::AccessKey("key".into()),
                    root: false,
                    scope: Default::default(),
                },
                action: Action::lookup(Service::Zec, action).unwrap(),
                version,
                body: serde_json::to_vec(body).unwrap().into(),
            }
        }

        /// Calls an action; its `response`, or a panic naming the error.
        async fn call(&self, action: &str, body: Value) -> Value {
            let req = self.request(action, "2025-09-01", &body);
            let r = crate::actions::dispatch(&self.app, &req)
                .await
                .unwrap_or_else(|e| panic!("{action}: {e:?}"));
            let bytes = axum::body::to_bytes(r.into_body(), usize::MAX)
                .await
                .unwrap();
            let v: Value = serde_json::from_slice(&bytes).unwrap();
            v["response"].clone()
        }

        async fn advance(&self, minutes: u64) {
            self.clock
                .advance(Duration::from_secs(60 * minutes))
                .unwrap();
            // Let the store end the phases that came due.
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// A varied account: instances in every state of a lifecycle, with tags and names that
    /// need escaping, data disks, an EIP, a secondary NIC with more addresses, options.
    async fn furnished() -> World {
        let w = World::new().await;
        let subnet = "1272168087751233112";
        let create = |count: i64, extra: Value| {
            let mut body = json!({
                "zoneId": "asia-east-1a",
                "imageId": "ubuntu2404_20240712",
                "instanceType": "z2a.cpu.1",
                "subnetId": subnet,
                "password": "Passw0rd!",
                "instanceCount": count,
            });
            body.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            body
        };
        let a = w
            .call(
                "CreateZecInstances",
                create(
                    2,
                    json!({
                        "instanceName": "web-1",
                        "dataDisks": [{"diskSize": 40, "diskName": "logs\u{1}"}],
                        "internetChargeType": "ByBandwidth",
                        "internetMaxBandwidthOut": 10,
                        "tags": {"tags": [{"key": "env", "value": "prod\n"}, {"key": "k\"", "value": ""}]},
                        "instanceOptions": {"nestedVirtualization": true},
                    }),
                ),
            )
            .await;
        let ids: Vec<String> = serde_json::from_value(a["instanceIdSet"].clone()).unwrap();
        w.call(
            "CreateZecInstances",
            create(3, json!({"instanceName": "plain"})),
        )
        .await;
        w.advance(60).await;
        let eip = w
            .call(
                "CreateEips",
                json!({"regionId": "asia-east-1", "name": "front", "internetChargeType": "ByBandwidth"}),
            )
            .await["eipIds"][0]
            .clone();
        let nic = w
            .call(
                "CreateNetworkInterface",
                json!({"name": "second", "subnetId": subnet}),
            )
            .await["nicId"]
            .clone();
        let disk = w
            .call(
                "CreateDisks",
                json!({"zoneId": "asia-east-1a", "diskName": "more", "diskSize": 60}),
            )
            .await["diskIds"][0]
            .clone();
        w.advance(60).await;
        let listed = w
            .call("DescribeInstances", json!({"instanceIds": [ids[0]]}))
            .await;
        let primary = &listed["dataSet"][0]["nics"][0];
        w.call(
            "AssociateEipAddress",
            json!({"eipIds": [eip], "nicId": primary["nicId"], "lanIp": primary["primaryIpv4"]}),
        )
        .await;
        w.call(
            "AttachNetworkInterface",
            json!({"nicId": nic, "instanceId": ids[0]}),
        )
        .await;
        w.call(
            "AttachDisks",
            json!({"diskIds": [disk], "instanceId": ids[1]}),
        )
        .await;
        w.advance(60).await;
        w.call(
            "BatchAssignNetworkInterfaceIpv4",
            json!({"nicId": nic, "ipAddressCount": 2}),
        )
        .await;
        w.call("StopInstances", json!({"instanceIds": [ids[1]]}))
            .await;
        w
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_reply_is_exactly_the_wire_types_in_both_versions() {
        let w = furnished().await;
        for (version, shape) in [("2025-09-01", Shape::Newest), ("2024-04-01", Shape::V2024)] {
            for body in [
                json!({"pageSize": 1000}),
                json!({"pageSize": 2, "pageNum": 2}),
                json!({"tagKeys": ["env"]}),
                json!({"name": "nothing matches this"}),
            ] {
                let req = w.request("DescribeInstances", version, &body);
                let r: DescribeInstancesRequest = req.json().unwrap();
                let Reply::Raw(ours) = handle(&w.app, &req, r.clone()).await.unwrap() else {
                    panic!("DescribeInstances answers by hand");
                };
                // The reference: the wire types, filled by `info`, serialized by serde.
                let view = w.app.store.view(w.account).await.unwrap();
                let mut query = query(&r).unwrap();
                id_filter(&mut query, r.instance_ids.as_deref()).unwrap();
                let page = Page::from_request(r.page_size.or(Some(20)), r.page_num).unwrap();
                let listing = view.instances(&query, page);
                let wire = DescribeInstancesResponse {
                    total_count: listing.total,
                    data_set: listing
                        .items
                        .iter()
                        .map(|i| {
                            let group = view.group_name(&i.resource_group_id).unwrap_or_default();
                            info(i, group, &view)
                        })
                        .collect(),
                };
                let theirs = zec_types::shape::for_version(shape, || {
                    serde_json::to_string(&Envelope::new(&req.request_id, &wire)).unwrap()
                });
                assert_eq!(String::from_utf8(ours).unwrap(), theirs, "{version} {body}");
            }
        }
        // The account is as varied as promised, so that every branch above was compared.
        let all = w.call("DescribeInstances", json!({})).await;
        let text = all.to_string();
        for needle in [
            "\"nestedVirtualization\":true",
            "\"nicType\":\"Secondary\"",
            "\"diskAmount\":null",
            "\"status\":\"STOPPING\"",
            "\"key\":\"k\\\"\"",
        ] {
            assert!(text.contains(needle), "{needle} not in {text}");
        }
        let first = &all["dataSet"][0];
        assert_eq!(first["totalCount"], Value::Null);
        assert_eq!(all["totalCount"], 5);
    }
}
