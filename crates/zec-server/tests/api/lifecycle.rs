//! The lifecycle behind the status (spec §4.2), on a manual clock: every transition is seen,
//! held, then advanced.

use crate::harness::{Options, Server};
use crate::{create, status};
use zec_sdk::model::*;

fn manual() -> Server {
    Server::start_with(Options {
        args: vec!["--clock".into(), "manual".into()],
        ..Options::default()
    })
}

fn ids(ids: &[&String]) -> InstanceBatchRequest {
    InstanceBatchRequest {
        instance_ids: Some(ids.iter().map(|s| s.to_string()).collect()),
        ..Default::default()
    }
}

#[tokio::test]
async fn an_instance_walks_the_whole_lifecycle_and_each_status_holds_until_time_moves() {
    let server = manual();
    let c = server.client();
    let id = &create(&c, 1).await[0];
    let expect = async |want: Option<&str>| {
        for _ in 0..3 {
            assert_eq!(status(&c, id).await.as_deref(), want);
        }
    };
    expect(Some("DEPLOYING")).await;
    server.advance("2999ms").await;
    expect(Some("DEPLOYING")).await;
    server.advance("1ms").await;
    expect(Some("RUNNING")).await;

    c.stop_instances(&ids(&[id])).await.unwrap();
    expect(Some("STOPPING")).await;
    server.advance("2s").await;
    expect(Some("STOPPED")).await;

    c.start_instances(&ids(&[id])).await.unwrap();
    expect(Some("BOOTING")).await;
    server.advance("2s").await;
    expect(Some("RUNNING")).await;

    c.reboot_instances(&ids(&[id])).await.unwrap();
    expect(Some("REBOOT")).await;
    server.advance("2s").await;
    expect(Some("RUNNING")).await;

    c.stop_instances(&ids(&[id])).await.unwrap();
    server.advance("2s").await;
    c.reset_instance(&ResetInstanceRequest {
        instance_id: Some(id.clone()),
        image_id: Some("debian12_20251225".into()),
        password: Some("N3w-Passw0rd".into()),
        ..Default::default()
    })
    .await
    .unwrap();
    expect(Some("REBUILDING")).await;
    server.advance("4s").await;
    expect(Some("RUNNING")).await;

    c.stop_instances(&ids(&[id])).await.unwrap();
    server.advance("2s").await;
    let resized = c
        .modify_instance_type(&ModifyInstanceTypeRequest {
            instance_id: Some(id.clone()),
            instance_type: Some("z2a.cpu.4".into()),
        })
        .await
        .unwrap();
    // 2025-09-01's answer has no orderNumber (2024-04-01's has).
    assert!(resized.order_number.is_empty());
    expect(Some("RESIZING")).await;
    server.advance("3s").await;
    expect(Some("STOPPED")).await;
    let info = c
        .describe_instances(&DescribeInstancesRequest {
            instance_ids: Some(vec![id.clone()]),
            ..Default::default()
        })
        .await
        .unwrap();
    let i = &info.data_set[0];
    assert_eq!(
        (i.instance_type.as_deref(), i.cpu, i.memory),
        (Some("z2a.cpu.4"), 4, 8)
    );
    assert_eq!(i.image_id, "debian12_20251225");

    c.release_instances(&ids(&[id])).await.unwrap();
    expect(Some("RELEASING")).await;
    server.advance("2s").await;
    expect(Some("RECYCLE")).await;
    c.release_instances(&ids(&[id])).await.unwrap();
    expect(Some("RECYCLING")).await;
    server.advance("2s").await;
    expect(None).await;
    let e = c.release_instances(&ids(&[id])).await.unwrap_err();
    assert_eq!(
        (e.code(), e.http_status()),
        ("INVALID_INSTANCE_NOT_FOUND", Some(404))
    );
}

#[tokio::test]
async fn wrong_state_actions_get_their_codes_and_change_nothing() {
    let server = manual();
    let c = server.client();
    let id = &create(&c, 1).await[0];
    // DEPLOYING: nothing but renames.
    for (what, e) in [
        ("start", c.start_instances(&ids(&[id])).await.unwrap_err()),
        ("stop", c.stop_instances(&ids(&[id])).await.unwrap_err()),
        ("reboot", c.reboot_instances(&ids(&[id])).await.unwrap_err()),
        (
            "release",
            c.release_instances(&ids(&[id])).await.unwrap_err(),
        ),
    ] {
        let want = match what {
            "start" => "OPERATION_DENIED_INSTANCE_NOT_STOPPED",
            "stop" => "OPERATION_DENIED_INSTANCE_NOT_RUNNING",
            _ => "OPERATION_DENIED_INSTANCE_STATUS",
        };
        assert_eq!((e.code(), e.http_status()), (want, Some(403)), "{what}");
    }
    c.modify_instances_attribute(&ModifyInstancesAttributeRequest {
        instance_ids: Some(vec![id.clone()]),
        instance_name: Some("renamed".into()),
    })
    .await
    .unwrap();
    assert_eq!(status(&c, id).await.as_deref(), Some("DEPLOYING"));
    server.advance("3s").await;
    let e = c
        .modify_instance_type(&ModifyInstanceTypeRequest {
            instance_id: Some(id.clone()),
            instance_type: Some("z2a.cpu.2".into()),
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), "OPERATION_DENIED_INSTANCE_STATUS_NOT_SUPPORT");
    let e = c
        .reset_instance(&ResetInstanceRequest {
            instance_id: Some(id.clone()),
            password: Some("Passw0rd!".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), "OPERATION_DENIED_INSTANCE_NOT_STOPPED");
    // In the recycle bin.
    c.release_instances(&ids(&[id])).await.unwrap();
    server.advance("2s").await;
    for e in [
        c.start_instances(&ids(&[id])).await.unwrap_err(),
        c.stop_instances(&ids(&[id])).await.unwrap_err(),
        c.reset_instance_password(&ResetInstancePasswordRequest {
            instance_id: Some(id.clone()),
            password: Some("Passw0rd!".into()),
        })
        .await
        .unwrap_err(),
    ] {
        assert_eq!(e.code(), "OPERATION_DENIED_INSTANCE_RECYCLED");
    }
    assert_eq!(status(&c, id).await.as_deref(), Some("RECYCLE"));
}

#[tokio::test]
async fn a_mixed_batch_acts_on_what_it_can_and_returns_the_ids_that_failed() {
    let server = manual();
    let c = server.client();
    let all = create(&c, 3).await;
    server.advance("3s").await;
    c.stop_instances(&ids(&[&all[0]])).await.unwrap();
    server.advance("2s").await;
    // all[0] is STOPPED, the others RUNNING: rebooting all three fails for all[0] only.
    let r = c
        .reboot_instances(&ids(&[&all[0], &all[1], &all[2]]))
        .await
        .unwrap();
    assert_eq!(r.instance_ids, vec![all[0].clone()]);
    assert_eq!(status(&c, &all[1]).await.as_deref(), Some("REBOOT"));
    // Stopping what is stopped, or starting what runs, is done already (Terraform relies on it).
    let r = c.stop_instances(&ids(&[&all[0]])).await.unwrap();
    assert!(r.instance_ids.is_empty());
    assert_eq!(status(&c, &all[0]).await.as_deref(), Some("STOPPED"));
    // An unknown id fails the whole request, and nothing changes.
    let e = c
        .start_instances(&ids(&[&all[0], &"913659857599463425".to_string()]))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "INVALID_INSTANCE_NOT_FOUND");
    assert_eq!(status(&c, &all[0]).await.as_deref(), Some("STOPPED"));
    let too_many = InstanceBatchRequest {
        instance_ids: Some((0..101).map(|n| (1_000_000 + n).to_string()).collect()),
        ..Default::default()
    };
    assert_eq!(
        c.stop_instances(&too_many).await.unwrap_err().code(),
        "INVALID_PARAMETER_EXCEED_LENGTH"
    );
    assert_eq!(
        c.stop_instances(&InstanceBatchRequest::default())
            .await
            .unwrap_err()
            .code(),
        "MISSING_PARAMETER"
    );
}

#[tokio::test]
async fn a_forced_reboot_interrupts_a_boot() {
    let server = manual();
    let c = server.client();
    let id = &create(&c, 1).await[0];
    server.advance("3s").await;
    c.stop_instances(&ids(&[id])).await.unwrap();
    server.advance("2s").await;
    c.start_instances(&ids(&[id])).await.unwrap();
    let plain = c.reboot_instances(&ids(&[id])).await.unwrap_err();
    assert_eq!(plain.code(), "OPERATION_DENIED_INSTANCE_STATUS");
    let forced = InstanceBatchRequest {
        force_reboot: Some(true),
        ..ids(&[id])
    };
    c.reboot_instances(&forced).await.unwrap();
    assert_eq!(status(&c, id).await.as_deref(), Some("REBOOT"));
}

#[tokio::test]
async fn ip_forwarding_and_passwords_need_the_right_state() {
    let server = manual();
    let c = server.client();
    let id = &create(&c, 1).await[0];
    let one = InstanceIdRequest {
        instance_id: Some(id.clone()),
    };
    assert_eq!(
        c.start_ip_forward(&one).await.unwrap_err().code(),
        "OPERATION_DENIED_INSTANCE_STATUS"
    );
    server.advance("3s").await;
    c.start_ip_forward(&one).await.unwrap();
    let forwarding = |c: zec_sdk::Client| async move {
        c.describe_instances(&DescribeInstancesRequest::default())
            .await
            .unwrap()
            .data_set[0]
            .enable_ip_forward
    };
    assert!(forwarding(c.clone()).await);
    c.stop_ip_forward(&one).await.unwrap();
    assert!(!forwarding(c.clone()).await);
    let weak = ResetInstancePasswordRequest {
        instance_id: Some(id.clone()),
        password: Some("weak".into()),
    };
    assert_eq!(
        c.reset_instance_password(&weak).await.unwrap_err().code(),
        "INVALID_PASSWORD_MALFORMED"
    );
    c.reset_instance_password(&ResetInstancePasswordRequest {
        password: Some("N3w-Passw0rd".into()),
        ..weak
    })
    .await
    .unwrap();
    let unknown = InstanceIdRequest {
        instance_id: Some("ins-404".into()),
    };
    assert_eq!(
        c.start_ip_forward(&unknown).await.unwrap_err().code(),
        "INVALID_INSTANCE_NOT_FOUND"
    );
}

#[tokio::test]
async fn the_manual_clock_resumes_after_kill_9_and_transitions_finish_on_time() {
    let mut server = manual();
    let c = server.client();
    let all = create(&c, 2).await;
    server.advance("3s").await;
    c.stop_instances(&ids(&[&all[0]])).await.unwrap();
    let deploying = &create(&c, 1).await[0];
    server.advance("1s").await;
    server.crash_and_restart();
    let c = server.client();
    assert_eq!(status(&c, &all[0]).await.as_deref(), Some("STOPPING"));
    assert_eq!(status(&c, deploying).await.as_deref(), Some("DEPLOYING"));
    server.advance("999ms").await;
    assert_eq!(status(&c, &all[0]).await.as_deref(), Some("STOPPING"));
    server.advance("1ms").await;
    assert_eq!(status(&c, &all[0]).await.as_deref(), Some("STOPPED"));
    assert_eq!(status(&c, deploying).await.as_deref(), Some("DEPLOYING"));
    server.advance("1s").await;
    assert_eq!(status(&c, deploying).await.as_deref(), Some("RUNNING"));
}

#[tokio::test]
async fn with_the_system_clock_transitions_under_way_finish_after_kill_9_at_their_time() {
    let mut server = Server::start_with(Options {
        args: vec!["--transition".into(), "deploy=4s,stop=4s".into()],
        ..Options::default()
    });
    let c = server.client();
    let id = &create(&c, 1).await[0];
    server.crash_and_restart();
    let c = server.client();
    // Not finished by the restart: still deploying now...
    assert_eq!(status(&c, id).await.as_deref(), Some("DEPLOYING"));
    // ...and finished later, on its own.
    crate::harness::eventually(std::time::Duration::from_secs(15), || async {
        (status(&c, id).await.as_deref() == Some("RUNNING")).then_some(())
    })
    .await;
}

#[tokio::test]
async fn the_clock_only_moves_when_manual_and_only_for_the_root_key() {
    let server = Server::start();
    let e = server
        .client()
        .call_admin::<_, ClockInfo>(
            "AdvanceClock",
            &AdvanceClockRequest {
                by: Some("1s".into()),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), "INVALID_PARAMETER_VALUE");
    let info: zec_sdk::Response<ClockInfo> = server
        .client()
        .call_admin("DescribeClock", &serde_json::json!({}))
        .await
        .unwrap();
    assert_eq!(info.mode, "system");
    let other = server.new_account("other");
    let e = other
        .call_admin::<_, ClockInfo>("DescribeClock", &serde_json::json!({}))
        .await
        .unwrap_err();
    assert_eq!(
        (e.code(), e.http_status()),
        ("AUTHFAILURE_UNAUTHORIZED_OPERATION", Some(401))
    );
}

#[tokio::test]
async fn without_real_guests_there_are_no_machines_and_no_consoles() {
    let server = Server::start();
    let c = server.client();
    let id = &create(&c, 1).await[0];
    let guests: zec_sdk::Response<DescribeGuestsResponse> = c
        .call_admin(
            "DescribeGuests",
            &serde_json::json!({ "instanceIds": [id] }),
        )
        .await
        .unwrap();
    assert_eq!(guests.driver, "none");
    assert!(guests.guest_set.is_empty());
    let e = c
        .call_admin::<_, serde_json::Value>(
            "DescribeGuestConsole",
            &serde_json::json!({ "instanceId": id }),
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), "INVALID_PARAMETER_VALUE");
    let e = c
        .call_admin::<_, serde_json::Value>("DescribeGuestConsole", &serde_json::json!({}))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "MISSING_PARAMETER");
    // Another account's key may not look.
    let other = server.new_account("other");
    let e = other
        .call_admin::<_, serde_json::Value>("DescribeGuests", &serde_json::json!({}))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "AUTHFAILURE_UNAUTHORIZED_OPERATION");
}
