use super::*;
use crate::networks::nets;
use zec_types::model::{DataDisk, SystemDisk, Tag, Tags};

fn request() -> CreateZecInstancesRequest {
    CreateZecInstancesRequest {
        zone_id: Some("asia-east-1a".into()),
        image_id: Some("ubuntu2404_20240712".into()),
        instance_type: Some("z2a.cpu.1".into()),
        subnet_id: Some("1272168087751233112".into()),
        password: Some("Passw0rd!".into()),
        ..Default::default()
    }
}

fn code(req: &CreateZecInstancesRequest) -> ErrorCode {
    plan(req, &Catalog::builtin(), &nets(), 1, "rg")
        .unwrap_err()
        .code
}

#[test]
fn a_minimal_request_plans_one_deploying_instance_with_defaults() {
    let p = plan(&request(), &Catalog::builtin(), &nets(), 7, "rg-1").unwrap();
    assert_eq!(p.names, ["instance"]);
    let t = &p.template;
    assert_eq!(t.account, 7);
    assert_eq!(t.resource_group_id, "rg-1");
    assert_eq!((t.cpu, t.memory), (1, 2));
    assert_eq!(t.time_zone, "Asia/Shanghai");
    assert_eq!(t.system_disk.size, 20);
    assert_eq!(t.system_disk.category, "Standard NVMe SSD");
    assert_eq!(t.nic_network_type, "Auto");
    assert!(t.enable_agent);
    assert!(!t.enable_ip_forward);
    assert_eq!(t.security_group_id, "1604048217236974337");
    assert!(p.public_pool.is_none());
    let a = Allocation {
        id: 11,
        nic_id: 12,
        system_disk_id: 13,
        data_disk_id: None,
        private_ipv4: Ipv4Addr::new(10, 16, 0, 2),
        public_ipv4: None,
    };
    let i = p.instantiate(0, a, 1_000, 4_000, Phase::Deploy.success());
    assert_eq!(i.status, InstanceStatus::Deploying);
    assert_eq!(i.status_at(3_999), Some(InstanceStatus::Deploying));
    assert_eq!(i.status_at(4_000), Some(InstanceStatus::Running));
    assert_eq!((i.id, i.nic_id, i.system_disk.id), (11, 12, 13));
}

#[test]
fn missing_required_fields_are_named() {
    for (field, clear) in [
        (
            "zoneId",
            (|r: &mut CreateZecInstancesRequest| r.zone_id = None) as fn(&mut _),
        ),
        ("imageId", |r| r.image_id = None),
        ("instanceType", |r| r.instance_type = None),
        ("subnetId", |r| r.subnet_id = Some(String::new())),
    ] {
        let mut r = request();
        clear(&mut r);
        let e = plan(&r, &Catalog::builtin(), &nets(), 1, "rg").unwrap_err();
        assert_eq!(e.code, ErrorCode::MissingParameter);
        assert!(e.message.contains(field), "{}", e.message);
    }
}

#[test]
fn catalog_lookups_fail_with_their_own_codes() {
    let mut r = request();
    r.zone_id = Some("SEL--A".into());
    assert_eq!(code(&r), ErrorCode::InvalidZoneNotFound);
    let mut r = request();
    r.instance_type = Some("z9.huge".into());
    assert_eq!(code(&r), ErrorCode::InvalidInstanceTypeNotFound);
    let mut r = request();
    r.instance_type = Some("z2a.cpu.16".into()); // exists, not sold in asia-east-1a
    assert_eq!(code(&r), ErrorCode::InvalidInstanceTypeNotFound);
    let mut r = request();
    r.instance_type = Some("z2a.mem.4".into());
    assert_eq!(code(&r), ErrorCode::StockInsufficient);
    let mut r = request();
    r.image_id = Some("image-xxxxxxxxx".into());
    assert_eq!(code(&r), ErrorCode::InvalidImageNotFound);
    let mut r = request();
    r.subnet_id = Some("1".into());
    assert_eq!(code(&r), ErrorCode::InvalidSubnetNotFound);
    let mut r = request();
    r.subnet_id = Some("1272168087751233114".into()); // na-west-1
    assert_eq!(code(&r), ErrorCode::OperationDeniedSubnetZoneMismatch);
    let mut r = request();
    r.security_group_id = Some("42".into());
    assert_eq!(code(&r), ErrorCode::InvalidSecurityGroupNotFound);
}

#[test]
fn instance_count_is_one_to_a_hundred() {
    for (n, want) in [
        (0, Some(ErrorCode::InvalidParameterLessMinimum)),
        (1, None),
        (100, None),
        (101, Some(ErrorCode::InvalidParameterExceedMaximum)),
    ] {
        let mut r = request();
        r.instance_count = Some(n);
        let got = plan(&r, &Catalog::builtin(), &nets(), 1, "rg")
            .err()
            .map(|e| e.code);
        assert_eq!(got, want, "instanceCount {n}");
    }
}

#[test]
fn names_expand_numbering_patterns() {
    assert_eq!(instance_names("web", 2).unwrap(), ["web", "web"]);
    assert_eq!(
        instance_names("server-[3,3]", 2).unwrap(),
        ["server-003", "server-004"]
    );
    assert_eq!(
        instance_names("db[,2].x[5,1]", 2).unwrap(),
        ["db00.x5", "db01.x6"]
    );
    assert_eq!(instance_names("n[]", 1).unwrap(), ["n000000"]);
    let code = |p: &str| instance_names(p, 1).unwrap_err().code;
    assert_eq!(code("a"), ErrorCode::InvalidInstanceNameExceedMinimumLength);
    assert_eq!(code(&"a".repeat(64)), ErrorCode::InvalidInstanceNameExceed);
    assert_eq!(code("-web"), ErrorCode::InvalidInstanceNameMalformed);
    assert_eq!(code("web_1"), ErrorCode::InvalidInstanceNameMalformed);
    assert_eq!(code("web[1,7]"), ErrorCode::InvalidInstanceNameMalformed);
    assert_eq!(code("web[100000]"), ErrorCode::InvalidInstanceNameMalformed);
    assert_eq!(code("web[1"), ErrorCode::InvalidInstanceNameMalformed);
}

#[test]
fn login_needs_exactly_one_of_password_and_key() {
    let mut r = request();
    r.password = None;
    assert_eq!(code(&r), ErrorCode::InvalidPasswordKeyPairMissing);
    r.key_id = Some("key-rcfljdP5".into());
    assert!(plan(&r, &Catalog::builtin(), &nets(), 1, "rg").is_ok());
    r.password = Some("Passw0rd!".into());
    assert_eq!(code(&r), ErrorCode::InvalidLoginSettingConflict);
    r.password = None;
    r.key_id = Some("rcfljdP5".into());
    assert_eq!(code(&r), ErrorCode::InvalidKeyPairNotFound);
    // Windows takes neither.
    let mut r = request();
    r.image_id = Some("windows2022_20250301".into());
    assert_eq!(code(&r), ErrorCode::InvalidImagePasswordNotSupport);
    r.password = None;
    assert!(plan(&r, &Catalog::builtin(), &nets(), 1, "rg").is_ok());
}

#[test]
fn passwords_follow_the_vendor_rules() {
    for good in ["Passw0rd!", "abcd123~", "A1-b2_c3=d4+e5|f"] {
        assert!(check_password(good).is_ok(), "{good}");
    }
    for bad in [
        "Pa0!",
        "Passw0rd!Passw0rd!",
        "Password!",
        "12345678!",
        "Passw0rd",
        "Passw0rd#",
        "Pässw0rd!",
    ] {
        assert_eq!(
            check_password(bad).unwrap_err().code,
            ErrorCode::InvalidPasswordMalformed,
            "{bad}"
        );
    }
}

#[test]
fn disks_are_checked() {
    let mut r = request();
    r.system_disk = Some(SystemDisk {
        disk_size: Some(10),
        ..Default::default()
    });
    assert_eq!(code(&r), ErrorCode::InvalidImageSizeExceed);
    r.system_disk = Some(SystemDisk {
        disk_size: Some(2048),
        ..Default::default()
    });
    assert_eq!(code(&r), ErrorCode::InvalidSystemDiskExceedLimit);
    r.system_disk = Some(SystemDisk {
        disk_category: Some("Spinning Rust".into()),
        ..Default::default()
    });
    assert_eq!(code(&r), ErrorCode::InvalidDiskCategoryType);

    let disk = |size, amount| DataDisk {
        disk_size: size,
        disk_amount: amount,
        ..Default::default()
    };
    let mut r = request();
    r.data_disks = Some(vec![disk(Some(40), None), disk(Some(40), None)]);
    assert_eq!(code(&r), ErrorCode::InvalidDataDiskCountLimitation);
    r.data_disks = Some(vec![disk(Some(40), Some(2))]);
    assert_eq!(code(&r), ErrorCode::InvalidDiskIllegalAmount);
    r.data_disks = Some(vec![disk(None, None)]);
    assert_eq!(code(&r), ErrorCode::MissingParameter);
    r.data_disks = Some(vec![disk(Some(10), None)]);
    assert_eq!(code(&r), ErrorCode::InvalidParameterLessMinimum);
    r.data_disks = Some(vec![disk(Some(40), Some(1))]);
    let p = plan(&r, &Catalog::builtin(), &nets(), 1, "rg").unwrap();
    assert_eq!(p.data_disk.unwrap().size, 40);
}

#[test]
fn network_options_are_checked() {
    let mut r = request();
    r.lan_ip = Some("10.16.0.9".into());
    assert_eq!(
        plan(&r, &Catalog::builtin(), &nets(), 1, "rg")
            .unwrap()
            .lan_ip,
        Some(Ipv4Addr::new(10, 16, 0, 9))
    );
    r.lan_ip = Some("10.16.0.1".into()); // the gateway
    assert_eq!(code(&r), ErrorCode::InvalidIpOutOfRange);
    r.lan_ip = Some("192.168.0.5".into());
    assert_eq!(code(&r), ErrorCode::InvalidIpOutOfRange);
    r.lan_ip = Some("ten".into());
    assert_eq!(code(&r), ErrorCode::InvalidParameterValue);

    let mut r = request();
    r.internet_charge_type = Some("ByBandwidth".into());
    r.bandwidth = Some(100);
    let p = plan(&r, &Catalog::builtin(), &nets(), 1, "rg").unwrap();
    assert!(p.public_pool.is_some());
    r.bandwidth = Some(5000);
    assert_eq!(code(&r), ErrorCode::InvalidParameterExceedMaximum);
    r.bandwidth = Some(10);
    r.internet_charge_type = Some("Free".into());
    assert_eq!(code(&r), ErrorCode::InvalidParameterValue);
    r.internet_charge_type = Some("BandwidthCluster".into());
    assert_eq!(code(&r), ErrorCode::MissingParameter);

    let mut r = request();
    r.ip_stack_type = Some("IPv6".into());
    assert_eq!(code(&r), ErrorCode::InvalidIpStackTypeNotSupport);
    r.ip_stack_type = Some("IPv5".into());
    assert_eq!(code(&r), ErrorCode::InvalidParameterValue);
}

#[test]
fn tags_are_unique_and_bounded() {
    let tag = |k: &str| Tag {
        key: k.into(),
        value: "v".into(),
    };
    let mut r = request();
    r.tags = Some(Tags {
        tags: vec![tag("env"), tag("team")],
    });
    assert_eq!(
        plan(&r, &Catalog::builtin(), &nets(), 1, "rg")
            .unwrap()
            .template
            .tags
            .len(),
        2
    );
    r.tags = Some(Tags {
        tags: vec![tag("env"), tag("env")],
    });
    assert_eq!(code(&r), ErrorCode::InvalidParameterValue);
    r.tags = Some(Tags {
        tags: (0..21).map(|i| tag(&format!("k{i}"))).collect(),
    });
    assert_eq!(code(&r), ErrorCode::InvalidParameterExceedLength);
    r.tags = Some(Tags {
        tags: vec![tag(&"k".repeat(65))],
    });
    assert_eq!(code(&r), ErrorCode::InvalidParameterExceedLength);
}
