//! DescribeInstances: whole instances, with the filters and paging of spec §5.

use crate::actions::{id_filter, non_empty};
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::clock::format_api_time;
use zec_core::params::{max_items, one_of};
use zec_core::{Instance, Page};
use zec_store::{InstanceQuery, View};
use zec_types::model::{
    DescribeInstancesRequest, DescribeInstancesResponse, InstanceDataDisk, InstanceInfo,
    InstanceOptions, NicInfo, ResourceGroupInfo, SystemDisk, Tag, Tags,
};
use zec_types::{ApiError, ErrorCode, InstanceStatus};

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
    Ok(Reply::Json(DescribeInstancesResponse {
        total_count: listing.total,
        data_set: listing
            .items
            .iter()
            .map(|i| {
                let group_name = view.group_name(&i.resource_group_id).unwrap_or_default();
                info(i, group_name, Some(&view))
            })
            .collect(),
    }))
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
/// never null (spec §5; the Python SDK needs them present).
pub fn info(i: &Instance, group_name: &str, view: Option<&View<'_>>) -> InstanceInfo {
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
    let nics: Vec<NicInfo> = view
        .map(|v| {
            v.nics_of(i.id)
                .into_iter()
                .map(|n| crate::actions::zec::nics::info(v, n))
                .collect()
        })
        .unwrap_or_default();
    let disks: Vec<&zec_store::Disk> = view.map(|v| v.disks_of(i.id)).unwrap_or_default();
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
        instance_name: i.name.clone(),
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
        data_disks: if view.is_some() {
            disks
                .iter()
                .filter(|d| d.disk_type() == "DATA")
                .map(|d| InstanceDataDisk {
                    disk_id: Some(d.id.to_string()),
                    disk_name: Some(d.name.clone()),
                    disk_size: Some(i64::from(d.size)),
                    disk_amount: None,
                    portable: Some(d.portable),
                    bursting_enabled: Some(d.bursting),
                    disk_category: Some(d.category.clone()),
                })
                .collect()
        } else {
            i.data_disks
                .iter()
                .map(|d| InstanceDataDisk {
                    disk_id: Some(d.id.to_string()),
                    disk_name: Some(d.name.clone()),
                    disk_size: Some(i64::from(d.size)),
                    disk_amount: None,
                    portable: Some(false),
                    bursting_enabled: Some(d.bursting),
                    disk_category: Some(d.category.to_string()),
                })
                .collect()
        },
        public_ip_addresses: public,
        private_ip_addresses: private,
        key_id: i.key_id.clone(),
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
        placement_group_id: i.placement_group_id.clone(),
        instance_options: i
            .nested_virtualization
            .map(|nested_virtualization| InstanceOptions {
                nested_virtualization,
            }),
    }
}
