//! Resource groups, tags, filters, permissions, and accounts that never see each other.

use crate::harness::{Options, Server};
use crate::{create, create_request, statuses};
use zec_sdk::Client;
use zec_sdk::model::*;

fn manual() -> Server {
    Server::start_with(Options {
        args: vec!["--clock".into(), "manual".into()],
        ..Options::default()
    })
}

async fn group(c: &Client, name: &str) -> String {
    c.create_resource_group(&CreateResourceGroupRequest {
        name: Some(name.into()),
    })
    .await
    .unwrap()
    .data
    .resource_group_id
}

fn in_group(group: &str) -> DescribeInstancesStatusRequest {
    DescribeInstancesStatusRequest {
        resource_group_id: Some(group.into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn resource_groups_hold_instances_and_filter_the_status_list() {
    let server = manual();
    let c = server.client();
    let groups = c.describe_resource_groups(&Empty {}).await.unwrap();
    assert_eq!(groups.resource_groups.len(), 1);
    let default = groups.resource_groups[0].clone();
    assert_eq!(default.name, "Default Resource Group");
    let web = group(&c, "web").await;
    let e = c
        .create_resource_group(&CreateResourceGroupRequest {
            name: Some("web".into()),
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), "INVALID_PARAMETER_VALUE");

    let mut req = create_request(3);
    req.resource_group_id = Some(web.clone());
    let in_web = c
        .create_zec_instances(&req)
        .await
        .unwrap()
        .data
        .instance_id_set;
    let elsewhere = create(&c, 2).await;
    assert_eq!(statuses(&c, &in_group(&web)).await.0, 3);
    assert_eq!(
        statuses(&c, &in_group(&default.resource_group_id)).await.0,
        2
    );
    assert_eq!(
        statuses(&c, &in_group("c91db3f4-b15e-4323-9a12-fd3f0330b74b")).await,
        (0, vec![]),
        "an unknown group filters everything out"
    );

    // A group that holds instances cannot go; the default group never can.
    let e = c
        .delete_resource_group(&DeleteResourceGroupRequest {
            resource_group_id: Some(web.clone()),
        })
        .await
        .unwrap_err();
    assert_eq!(
        (e.code(), e.http_status()),
        ("OPERATION_DENIED_RESOURCE_GROUP_NOT_EMPTY", Some(403))
    );
    let e = c
        .delete_resource_group(&DeleteResourceGroupRequest {
            resource_group_id: Some(default.resource_group_id.clone()),
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), "OPERATION_DENIED_DEFAULT_RESOURCE_GROUP");

    // Move them all back: two ways, both versions' ways.
    c.add_resource_resource_group(&AddResourceResourceGroupRequest {
        resource_group_id: Some(default.resource_group_id.clone()),
        resources: Some(in_web[..2].to_vec()),
    })
    .await
    .unwrap();
    c.modify_instances_resource_group(&ModifyInstancesResourceGroupRequest {
        instance_ids: Some(in_web[2..].to_vec()),
        resource_group_id: Some(default.resource_group_id.clone()),
    })
    .await
    .unwrap();
    assert_eq!(
        statuses(&c, &in_group(&default.resource_group_id)).await.0,
        5
    );
    let moved = c
        .describe_instances(&DescribeInstancesRequest {
            instance_ids: Some(vec![in_web[0].clone()]),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        moved.data_set[0].resource_group_name,
        "Default Resource Group"
    );

    let renamed = c
        .modify_resource_group(&ModifyResourceGroupRequest {
            resource_group_id: Some(web.clone()),
            name: Some("frontend".into()),
        })
        .await
        .unwrap();
    assert_eq!(renamed.name, "frontend");
    c.delete_resource_group(&DeleteResourceGroupRequest {
        resource_group_id: Some(web.clone()),
    })
    .await
    .unwrap();
    for e in [
        c.add_resource_resource_group(&AddResourceResourceGroupRequest {
            resource_group_id: Some(web.clone()),
            resources: Some(elsewhere.clone()),
        })
        .await
        .unwrap_err(),
        c.create_zec_instances(&CreateZecInstancesRequest {
            resource_group_id: Some(web.clone()),
            ..create_request(1)
        })
        .await
        .unwrap_err(),
    ] {
        assert_eq!(
            (e.code(), e.http_status()),
            ("OPERATION_FAILED_RESOURCE_GROUP_NOT_FOUND", Some(404))
        );
    }
    let e = c
        .add_resource_resource_group(&AddResourceResourceGroupRequest {
            resource_group_id: Some(default.resource_group_id.clone()),
            resources: Some(vec!["vpc-1234".into()]),
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), "OPERATION_FAILED_RESOURCE_NOT_FOUND");
}

#[tokio::test]
async fn tags_are_set_changed_removed_and_filtered_on() {
    let server = manual();
    let c = server.client();
    let mut req = create_request(2);
    req.tags = Some(Tags {
        tags: vec![Tag {
            key: "env".into(),
            value: "dev".into(),
        }],
    });
    let tagged = c
        .create_zec_instances(&req)
        .await
        .unwrap()
        .data
        .instance_id_set;
    create(&c, 3).await;
    let count = |r: DescribeInstancesRequest| {
        let c = c.clone();
        async move { c.describe_instances(&r).await.unwrap().total_count }
    };
    let by_tag = |k: &str, v: &str| DescribeInstancesRequest {
        tags: Some(vec![Tag {
            key: k.into(),
            value: v.into(),
        }]),
        ..Default::default()
    };
    assert_eq!(count(by_tag("env", "dev")).await, 2);
    c.modify_resource_tags(&ModifyResourceTagsRequest {
        resource_uuid: Some(tagged[0].clone()),
        replace_tags: Some(vec![
            Tag {
                key: "env".into(),
                value: "prod".into(),
            },
            Tag {
                key: "team".into(),
                value: String::new(),
            },
        ]),
        delete_tag_keys: None,
    })
    .await
    .unwrap();
    assert_eq!(count(by_tag("env", "dev")).await, 1);
    assert_eq!(count(by_tag("env", "prod")).await, 1);
    let keys = DescribeInstancesRequest {
        tag_keys: Some(vec!["env".into(), "team".into()]),
        ..Default::default()
    };
    assert_eq!(count(keys.clone()).await, 1);
    c.modify_resource_tags(&ModifyResourceTagsRequest {
        resource_uuid: Some(tagged[0].clone()),
        replace_tags: None,
        delete_tag_keys: Some(vec!["team".into()]),
    })
    .await
    .unwrap();
    assert_eq!(count(keys).await, 0);
    let too_many = ModifyResourceTagsRequest {
        resource_uuid: Some(tagged[1].clone()),
        replace_tags: Some(
            (0..20)
                .map(|n| Tag {
                    key: format!("k{n}"),
                    value: "v".into(),
                })
                .collect(),
        ),
        delete_tag_keys: None,
    };
    let e = c.modify_resource_tags(&too_many).await.unwrap_err();
    assert_eq!(
        e.code(),
        "INVALID_PARAMETER_EXCEED_LENGTH",
        "env plus 20 more is 21"
    );
    let e = c
        .modify_resource_tags(&ModifyResourceTagsRequest {
            resource_uuid: Some("913659857599463425".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(
        (e.code(), e.http_status()),
        ("INVALID_RESOURCE_NOT_FOUND", Some(404))
    );
}

#[tokio::test]
async fn every_filter_narrows_and_they_combine_with_and() {
    let server = manual();
    let c = server.client();
    let mut web = create_request(3);
    web.instance_name = Some("web-[1,1]".into());
    web.internet_charge_type = Some("ByBandwidth".into());
    let web = c
        .create_zec_instances(&web)
        .await
        .unwrap()
        .data
        .instance_id_set;
    let mut db = create_request(2);
    db.instance_name = Some("db-[1,1]".into());
    db.instance_type = Some("z2a.cpu.2".into());
    db.image_id = Some("debian12_20251225".into());
    c.create_zec_instances(&db).await.unwrap();
    let mut la = create_request(1);
    la.zone_id = Some("na-west-1a".into());
    la.subnet_id = Some("1272168087751233114".into());
    c.create_zec_instances(&la).await.unwrap();
    server.advance("3s").await;
    c.stop_instances(&InstanceBatchRequest {
        instance_ids: Some(vec![web[0].clone()]),
        ..Default::default()
    })
    .await
    .unwrap();
    let all = c
        .describe_instances(&DescribeInstancesRequest::default())
        .await
        .unwrap();
    let public = all
        .data_set
        .iter()
        .find(|i| i.instance_id == web[1])
        .unwrap()
        .public_ip_addresses[0]
        .clone();
    let private = all.data_set[5].private_ip_addresses[0].clone();
    let q = |f: fn(&mut DescribeInstancesRequest)| {
        let mut r = DescribeInstancesRequest::default();
        f(&mut r);
        r
    };
    let cases: Vec<(DescribeInstancesRequest, u64)> = vec![
        (q(|r| r.zone_id = Some("na-west-1a".into())), 1),
        (q(|r| r.image_id = Some("debian12_20251225".into())), 2),
        (q(|r| r.instance_type = Some("z2a.cpu.2".into())), 2),
        (q(|r| r.instance_type_series = Some("z2a".into())), 6),
        (q(|r| r.status = Some("STOPPING".into())), 1),
        (q(|r| r.status = Some("RUNNING".into())), 5),
        (q(|r| r.name = Some("WEB".into())), 3),
        (q(|r| r.name = Some("b-".into())), 5),
        (q(|r| r.name = Some("DB-".into())), 2),
        (q(|r| r.ipv6_address = Some("2a0b:21c1::1".into())), 0),
        (
            q(|r| {
                r.name = Some("web".into());
                r.status = Some("RUNNING".into());
            }),
            2,
        ),
        (
            q(|r| {
                r.zone_id = Some("asia-east-1a".into());
                r.instance_type = Some("z2a.cpu.1".into());
                r.image_id = Some("ubuntu2404_20240712".into());
            }),
            3,
        ),
    ];
    for (r, want) in cases {
        assert_eq!(
            c.describe_instances(&r).await.unwrap().total_count,
            want,
            "{r:?}"
        );
    }
    for ip in [public, private] {
        let r = c
            .describe_instances(&DescribeInstancesRequest {
                ipv4_address: Some(ip.clone()),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(r.total_count, 1, "{ip}");
    }
}

#[tokio::test]
async fn a_read_only_key_reads_and_does_nothing_else() {
    let server = manual();
    let c = server.client();
    let ids = create(&c, 1).await;
    let ro = server.key(&["keys", "create", "--account", "default", "--read-only"]);
    assert_eq!(
        statuses(&ro, &DescribeInstancesStatusRequest::default())
            .await
            .0,
        1
    );
    ro.describe_resource_groups(&Empty {}).await.unwrap();
    let batch = InstanceBatchRequest {
        instance_ids: Some(ids.clone()),
        ..Default::default()
    };
    for e in [
        ro.create_zec_instances(&create_request(1))
            .await
            .unwrap_err(),
        ro.stop_instances(&batch).await.unwrap_err(),
        ro.release_instances(&batch).await.unwrap_err(),
        ro.create_resource_group(&CreateResourceGroupRequest {
            name: Some("x".into()),
        })
        .await
        .unwrap_err(),
        ro.modify_resource_tags(&ModifyResourceTagsRequest {
            resource_uuid: Some(ids[0].clone()),
            ..Default::default()
        })
        .await
        .unwrap_err(),
    ] {
        assert_eq!(
            (e.code(), e.http_status()),
            ("AUTHFAILURE_UNAUTHORIZED_OPERATION", Some(401))
        );
    }
    assert!(
        server
            .admin(&["keys", "list", "--account", "default"])
            .contains("read-only")
    );
}

#[tokio::test]
async fn a_key_scoped_to_a_group_sees_and_touches_only_that_group() {
    let server = manual();
    let c = server.client();
    let team = group(&c, "team").await;
    let mut req = create_request(2);
    req.resource_group_id = Some(team.clone());
    let theirs = c
        .create_zec_instances(&req)
        .await
        .unwrap()
        .data
        .instance_id_set;
    let others = create(&c, 3).await;
    server.advance("3s").await;
    let out = server.admin(&[
        "tokens",
        "create",
        "--account",
        "default",
        "--resource-group",
        &team,
    ]);
    let token = out.lines().nth(1).unwrap().to_owned();
    let scoped = server.client_with(zec_sdk::Credential::bearer(&token));

    let (total, rows) = statuses(&scoped, &DescribeInstancesStatusRequest::default()).await;
    assert_eq!(total, 2);
    assert!(rows.iter().all(|(id, _)| theirs.contains(id)));
    let everything = DescribeInstancesStatusRequest {
        instance_ids: Some(others.iter().chain(&theirs).cloned().collect()),
        ..Default::default()
    };
    assert_eq!(statuses(&scoped, &everything).await.0, 2);
    let groups = scoped.describe_resource_groups(&Empty {}).await.unwrap();
    assert_eq!(groups.resource_groups.len(), 1);

    scoped
        .stop_instances(&InstanceBatchRequest {
            instance_ids: Some(theirs.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
    let e = scoped
        .stop_instances(&InstanceBatchRequest {
            instance_ids: Some(vec![theirs[0].clone(), others[0].clone()]),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), "AUTHFAILURE_UNAUTHORIZED_OPERATION");
    let e = scoped
        .create_zec_instances(&create_request(1))
        .await
        .unwrap_err();
    assert_eq!(
        e.code(),
        "AUTHFAILURE_UNAUTHORIZED_OPERATION",
        "the default group is not theirs"
    );
    let mut in_team = create_request(1);
    in_team.resource_group_id = Some(team.clone());
    scoped.create_zec_instances(&in_team).await.unwrap();
    let e = scoped
        .add_resource_resource_group(&AddResourceResourceGroupRequest {
            resource_group_id: Some(team.clone()),
            resources: Some(vec![others[0].clone()]),
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), "AUTHFAILURE_UNAUTHORIZED_OPERATION");
    let e = scoped
        .create_resource_group(&CreateResourceGroupRequest {
            name: Some("mine".into()),
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), "AUTHFAILURE_UNAUTHORIZED_OPERATION");
    let (_, rows) = statuses(
        &c,
        &DescribeInstancesStatusRequest {
            instance_ids: Some(others.clone()),
            ..Default::default()
        },
    )
    .await;
    assert!(
        rows.iter().all(|(_, s)| s == "RUNNING"),
        "nothing outside the group changed"
    );
}

/// Every action of one account, aimed at another account's instances and groups, with real and
/// guessed ids: each answers as if the ids did not exist, and nothing changes.
#[tokio::test]
async fn no_action_of_one_account_reveals_or_touches_another() {
    let server = manual();
    let owner = server.client();
    let intruder = server.new_account("intruder");
    let victim_group = group(&owner, "private").await;
    let mut req = create_request(3);
    req.resource_group_id = Some(victim_group.clone());
    req.tags = Some(Tags {
        tags: vec![Tag {
            key: "secret".into(),
            value: "yes".into(),
        }],
    });
    let victims = owner
        .create_zec_instances(&req)
        .await
        .unwrap()
        .data
        .instance_id_set;
    server.advance("3s").await;
    create(&intruder, 1).await;
    // Real ids, and their neighbours (ids are time-ordered numbers, easy to guess).
    let mut guesses = victims.clone();
    for v in &victims {
        let n: u64 = v.parse().unwrap();
        guesses.extend([n - 1, n + 1, n + 2].map(|g| g.to_string()));
    }
    let batch = InstanceBatchRequest {
        instance_ids: Some(guesses[..3].to_vec()),
        ..Default::default()
    };
    let one = || Some(victims[0].clone());
    let not_found = [
        intruder.start_instances(&batch).await.unwrap_err(),
        intruder.stop_instances(&batch).await.unwrap_err(),
        intruder.reboot_instances(&batch).await.unwrap_err(),
        intruder.release_instances(&batch).await.unwrap_err(),
        intruder
            .modify_instances_attribute(&ModifyInstancesAttributeRequest {
                instance_ids: Some(guesses[..3].to_vec()),
                instance_name: Some("pwned".into()),
            })
            .await
            .unwrap_err(),
        intruder
            .modify_instance_type(&ModifyInstanceTypeRequest {
                instance_id: one(),
                instance_type: Some("z2a.cpu.2".into()),
            })
            .await
            .unwrap_err(),
        intruder
            .reset_instance(&ResetInstanceRequest {
                instance_id: one(),
                password: Some("Passw0rd!".into()),
                ..Default::default()
            })
            .await
            .unwrap_err(),
        intruder
            .reset_instance_password(&ResetInstancePasswordRequest {
                instance_id: one(),
                password: Some("Passw0rd!".into()),
            })
            .await
            .unwrap_err(),
        intruder
            .start_ip_forward(&InstanceIdRequest { instance_id: one() })
            .await
            .unwrap_err(),
        intruder
            .stop_ip_forward(&InstanceIdRequest { instance_id: one() })
            .await
            .unwrap_err(),
        intruder
            .modify_instances_resource_group(&ModifyInstancesResourceGroupRequest {
                instance_ids: Some(guesses[..3].to_vec()),
                resource_group_id: Some(victim_group.clone()),
            })
            .await
            .unwrap_err(),
        intruder
            .add_resource_resource_group(&AddResourceResourceGroupRequest {
                resource_group_id: Some(victim_group.clone()),
                resources: Some(guesses[..3].to_vec()),
            })
            .await
            .unwrap_err(),
        intruder
            .modify_resource_group(&ModifyResourceGroupRequest {
                resource_group_id: Some(victim_group.clone()),
                name: Some("mine".into()),
            })
            .await
            .unwrap_err(),
        intruder
            .delete_resource_group(&DeleteResourceGroupRequest {
                resource_group_id: Some(victim_group.clone()),
            })
            .await
            .unwrap_err(),
        intruder
            .modify_resource_tags(&ModifyResourceTagsRequest {
                resource_uuid: one(),
                delete_tag_keys: Some(vec!["secret".into()]),
                ..Default::default()
            })
            .await
            .unwrap_err(),
    ];
    for e in &not_found {
        assert!(
            matches!(
                e.code(),
                "INVALID_INSTANCE_NOT_FOUND"
                    | "OPERATION_FAILED_RESOURCE_GROUP_NOT_FOUND"
                    | "OPERATION_FAILED_RESOURCE_NOT_FOUND"
                    | "INVALID_RESOURCE_NOT_FOUND"
            ),
            "{e}"
        );
        assert_eq!(e.http_status(), Some(404), "{e}");
    }
    // Reads: nothing by id, group, tag, name or address.
    let look = [
        DescribeInstancesRequest {
            instance_ids: Some(guesses.clone()),
            ..Default::default()
        },
        DescribeInstancesRequest {
            resource_group_id: Some(victim_group.clone()),
            ..Default::default()
        },
        DescribeInstancesRequest {
            tag_keys: Some(vec!["secret".into()]),
            ..Default::default()
        },
    ];
    for r in look {
        assert_eq!(
            intruder.describe_instances(&r).await.unwrap().total_count,
            0,
            "{r:?}"
        );
    }
    let groups = intruder.describe_resource_groups(&Empty {}).await.unwrap();
    assert!(
        groups
            .resource_groups
            .iter()
            .all(|g| g.resource_group_id != victim_group)
    );
    assert_eq!(
        statuses(
            &intruder,
            &DescribeInstancesStatusRequest {
                instance_ids: Some(guesses.clone()),
                ..Default::default()
            }
        )
        .await
        .0,
        0
    );
    // And the owner's instances are as they were.
    let mine = owner
        .describe_instances(&DescribeInstancesRequest {
            instance_ids: Some(victims.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(mine.total_count, 3);
    for i in &mine.data_set {
        assert_eq!(
            (i.status.as_str(), i.instance_name.as_str()),
            ("RUNNING", "instance")
        );
        assert_eq!(i.resource_group_id, victim_group);
        assert_eq!(i.tags.tags.len(), 1);
        assert!(!i.enable_ip_forward);
    }
}
