"""Faults a test injects on purpose (issue 3 items 4 and 6): error rules that make an action
answer with a chosen code, seen through the official SDK's own retry on
REQUEST_LIMIT_EXCEEDED; failure rules that turn DEPLOYING into CREATE_FAILED and REBUILDING
into REINSTALL_FAILED; rules loaded at start from `--faults FILE` and changed at run time
through the admin API."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time

import pytest

from conftest import (
    DEFAULT_PHASE_MS,
    IMAGE,
    PASSWORD,
    ROOT_KEY_ID,
    ROOT_KEY_PASSWORD,
    VERSIONS,
    ZECD_BIN,
    ZONE,
    create_instances,
    sdk_call,
    sdk_error,
    statuses,
    wait_until,
)

LIMIT = "REQUEST_LIMIT_EXCEEDED"
ACTION = "DescribeInstancesStatus"


@pytest.fixture(autouse=True)
def no_rules_left_behind(manual_zecd):
    manual_zecd.delete_faults()
    yield
    manual_zecd.delete_faults()


def rules(server) -> dict:
    found = server.faults()
    found.pop("requestId")
    return found


def retrying_client(server, version: str, retries: int):
    """An SDK client that retries REQUEST_LIMIT_EXCEEDED ``retries`` times without sleeping."""
    return server.client(version=version, rate_limit_max_retries=retries,
                         rate_limit_retry_duration=lambda i: 0)


def attempts(server, before: int, expected: int) -> int:
    """How many calls of ACTION reached zecd since the log had ``before`` of them, once the
    log has caught up to ``expected`` (and stayed there a moment)."""
    wait_until(lambda: len(server.access_log(ACTION)) - before >= expected, timeout=5,
               message=f"{expected} access-log lines for {ACTION}")
    time.sleep(0.2)
    return len(server.access_log(ACTION)) - before


def codes_since(server, before: int) -> list[str]:
    """The codes zecd answered ACTION with since the log had ``before`` calls of it."""
    return [re.search(r'\bcode="?([A-Z_]+)', line).group(1)
            for line in server.access_log(ACTION)[before:]]


@pytest.mark.parametrize("version", VERSIONS)
def test_the_sdk_retries_past_two_rate_limit_errors(manual_zecd, version):
    server = manual_zecd
    [rule] = server.create_faults(errors=[{"action": ACTION, "code": LIMIT, "count": 2}])
    assert rules(server)["errors"] == [
        {"id": rule, "action": ACTION, "code": LIMIT, "count": 2}]
    before = len(server.access_log(ACTION))
    client = retrying_client(server, version, retries=3)
    resp = sdk_call(client, ACTION)
    assert resp.requestId and resp.totalCount >= 0
    # Both errors were used up (the rule is gone), and the third attempt got through.
    assert rules(server)["errors"] == []
    assert attempts(server, before, 3) == 3
    assert codes_since(server, before) == [LIMIT, LIMIT, "OK"]


@pytest.mark.parametrize("version", VERSIONS)
def test_the_sdk_gives_up_after_four_attempts(manual_zecd, version):
    server = manual_zecd
    [rule] = server.create_faults(errors=[{"action": ACTION, "code": LIMIT, "count": 5,
                                           "message": "Slow down."}])
    before = len(server.access_log(ACTION))
    client = retrying_client(server, version, retries=3)
    e = sdk_error(client, ACTION)
    assert (e.code, e.message) == (LIMIT, "Slow down.")
    assert e.request_id
    # 1 attempt + 3 retries: 4 of the rule's 5 were used.
    assert rules(server)["errors"] == [
        {"id": rule, "action": ACTION, "code": LIMIT, "count": 1, "message": "Slow down."}]
    assert attempts(server, before, 4) == 4
    assert codes_since(server, before) == [LIMIT] * 4
    # The last one is still there for the next call; then the action works again.
    assert sdk_error(server.client(version=version), ACTION).code == LIMIT
    assert rules(server)["errors"] == []
    assert sdk_call(server.client(version=version), ACTION).requestId


def test_a_rate_limit_error_is_http_429_in_the_vendor_envelope(manual_zecd):
    server = manual_zecd
    server.create_faults(errors=[{"action": ACTION, "code": LIMIT, "count": 1}])
    r = server.raw(ACTION)
    assert r.status == 429
    assert set(r.json) == {"requestId", "code", "message"} and r.json["code"] == LIMIT
    assert server.raw(ACTION).status == 200


def test_an_error_rule_answers_for_its_action_only(manual_zecd):
    server, client = manual_zecd, manual_zecd.client()
    server.create_faults(errors=[{"action": "StopInstances", "code": "INTERNAL_SERVER_ERROR"}])
    [iid] = create_instances(client, 1)
    server.advance(f"{DEFAULT_PHASE_MS['deploy']}ms")
    for _ in range(3):
        e = sdk_error(client, "StopInstances", instanceIds=[iid])
        assert e.code == "INTERNAL_SERVER_ERROR"
    # The action was not carried out.
    assert statuses(client, [iid]) == {iid: "RUNNING"}
    r = server.raw("StopInstances", json.dumps({"instanceIds": [iid]}))
    assert r.status == 500, r
    # Other actions are untouched; without a count the rule stays.
    assert sdk_call(client, "RebootInstances", instanceIds=[iid]).instanceIds == []
    assert len(rules(server)["errors"]) == 1


def test_a_wildcard_rule_hits_every_action_but_not_the_admin_api(manual_zecd):
    server, client = manual_zecd, manual_zecd.client()
    server.create_faults(errors=[{"action": "*", "code": "SERVICE_TEMPORARY_UNAVAILABLE"}])
    for action in ("DescribeInstancesStatus", "DescribeInstances", "DescribeZones",
                   "CreateZecInstances"):
        assert sdk_error(client, action).code == "SERVICE_TEMPORARY_UNAVAILABLE", action
    # The admin API is exempt, so the rule can be taken away again.
    assert server.clock()["mode"] == "manual"
    assert server.delete_faults() == 1
    assert sdk_call(client, "DescribeZones").requestId


def test_probabilities_one_and_zero(manual_zecd):
    server, client = manual_zecd, manual_zecd.client()
    never, always = server.create_faults(errors=[
        {"action": "DescribeZones", "code": "INTERNAL_SERVER_ERROR", "probability": 0.0},
        {"action": "DescribeImages", "code": "INTERNAL_SERVER_ERROR", "probability": 1.0,
         "count": 3},
    ])
    for _ in range(5):
        assert sdk_call(client, "DescribeZones").requestId
    for _ in range(3):
        assert sdk_error(client, "DescribeImages", zoneId=ZONE).code == "INTERNAL_SERVER_ERROR"
    assert sdk_call(client, "DescribeImages", zoneId=ZONE).requestId
    assert [r["id"] for r in rules(server)["errors"]] == [never]


def test_a_deploy_rule_fails_the_next_creates_in_its_zone_only(manual_zecd):
    server, client = manual_zecd, manual_zecd.client()
    [rule] = server.create_faults(failures=[{"phase": "deploy", "zone": ZONE, "count": 2}])
    assert rules(server)["failures"] == [
        {"id": rule, "phase": "deploy", "zone": ZONE, "count": 2}]
    elsewhere = create_instances(client, 1, zoneId="asia-southwest-1a",
                                 subnetId="1272168087751233113")
    here = create_instances(client, 3)
    assert rules(server)["failures"] == []
    server.advance(f"{DEFAULT_PHASE_MS['deploy']}ms")
    assert statuses(client, elsewhere + here) == {
        elsewhere[0]: "RUNNING", here[0]: "CREATE_FAILED", here[1]: "CREATE_FAILED",
        here[2]: "RUNNING"}
    # A failed instance can be released (and is then in the recycle bin).
    sdk_call(client, "ReleaseInstances", instanceIds=here[:1])
    server.advance(f"{DEFAULT_PHASE_MS['release']}ms")
    assert statuses(client, here[:1]) == {here[0]: "RECYCLE"}


def test_failure_rules_match_image_and_instance_type(manual_zecd):
    server, client = manual_zecd, manual_zecd.client()
    server.create_faults(failures=[
        {"phase": "deploy", "image": "debian12_20251225"},
        {"phase": "deploy", "instance_type": "z2a.cpu.2"},
    ])
    plain = create_instances(client, 1)
    debian = create_instances(client, 1, imageId="debian12_20251225")
    bigger = create_instances(client, 1, instanceType="z2a.cpu.2")
    server.advance(f"{DEFAULT_PHASE_MS['deploy']}ms")
    assert statuses(client, plain + debian + bigger) == {
        plain[0]: "RUNNING", debian[0]: "CREATE_FAILED", bigger[0]: "CREATE_FAILED"}


def test_a_denied_reset_does_not_use_up_a_rebuild_failure_rule(manual_zecd):
    # "The next reinstall fails": a ResetInstance that the lifecycle refuses is no reinstall.
    server, client = manual_zecd, manual_zecd.client()
    [iid] = create_instances(client, 1)
    server.advance(f"{DEFAULT_PHASE_MS['deploy']}ms")
    [rule] = server.create_faults(failures=[{"phase": "rebuild", "count": 1}])
    e = sdk_error(client, "ResetInstance", instanceId=iid, password=PASSWORD)  # RUNNING
    assert e.code == "OPERATION_DENIED_INSTANCE_NOT_STOPPED"
    assert rules(server)["failures"] == [{"id": rule, "phase": "rebuild", "count": 1}]


def test_invalid_rules_are_refused_whole(manual_zecd):
    server = manual_zecd
    good = {"action": ACTION, "code": LIMIT}
    for body in [
        {"failures": [{"phase": "stop"}], "errors": [good]},
        {"failures": [{"phase": "deploy", "probability": 1.5}]},
        {"errors": [good, {"action": "NoSuchAction", "code": LIMIT}]},
        {"errors": [{"action": ACTION, "code": "NOT_A_CODE"}]},
        {"errors": [{"action": "AdvanceClock", "code": LIMIT}]},
    ]:
        r = server.admin_api("CreateFaults", body)
        assert r.status == 400 and r.json["code"] == "INVALID_PARAMETER_VALUE", (body, r)
    assert rules(server) == {"failures": [], "errors": []}


def test_rules_are_deleted_by_id_or_all_at_once(manual_zecd):
    server = manual_zecd
    a, b, c = server.create_faults(
        failures=[{"phase": "deploy", "probability": 0.0}],
        errors=[{"action": "DescribeZones", "code": LIMIT, "probability": 0.0},
                {"action": "*", "code": LIMIT, "probability": 0.0}])
    assert server.delete_faults([b]) == 1
    got = rules(server)
    assert [r["id"] for r in got["failures"]] == [a]
    assert [r["id"] for r in got["errors"]] == [c]
    assert server.delete_faults([b]) == 0
    assert server.delete_faults() == 2
    assert rules(server) == {"failures": [], "errors": []}


FAULT_FILE = f"""
[[failures]]
phase = "deploy"
zone = "{ZONE}"
count = 1

[[failures]]
phase = "rebuild"
count = 1

[[errors]]
action = "DescribeZones"
code = "INTERNAL_SERVER_ERROR"
count = 2
"""


def test_rules_are_loaded_from_a_fault_file_at_start(start_zecd, tmp_path):
    path = tmp_path / "faults.toml"
    path.write_text(FAULT_FILE)
    server = start_zecd(transition="", extra_args=["--clock", "manual", "--faults", path])
    client = server.client()
    loaded = rules(server)
    assert [(r["phase"], r.get("zone"), r["count"]) for r in loaded["failures"]] == [
        ("deploy", ZONE, 1), ("rebuild", None, 1)]
    assert [(r["action"], r["code"], r["count"]) for r in loaded["errors"]] == [
        ("DescribeZones", "INTERNAL_SERVER_ERROR", 2)]
    for _ in range(2):
        assert sdk_error(client, "DescribeZones").code == "INTERNAL_SERVER_ERROR"
    assert sdk_call(client, "DescribeZones").requestId
    failed, fine = create_instances(client, 2)
    server.advance(f"{DEFAULT_PHASE_MS['deploy']}ms")
    assert statuses(client, [failed, fine]) == {failed: "CREATE_FAILED", fine: "RUNNING"}
    sdk_call(client, "StopInstances", instanceIds=[fine])
    server.advance(f"{DEFAULT_PHASE_MS['stop']}ms")
    sdk_call(client, "ResetInstance", instanceId=fine, imageId=IMAGE, password=PASSWORD)
    server.advance(f"{DEFAULT_PHASE_MS['rebuild']}ms")
    assert statuses(client, [fine]) == {fine: "REINSTALL_FAILED"}
    assert rules(server) == {"failures": [], "errors": []}


def test_a_bad_fault_file_stops_zecd_from_starting(tmp_path):
    path = tmp_path / "faults.toml"
    path.write_text('[[failures]]\nphase = "boot"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZECD_")}
    env.update(ZECD_ACCESS_KEY_ID=ROOT_KEY_ID, ZECD_ACCESS_KEY_PASSWORD=ROOT_KEY_PASSWORD)
    result = subprocess.run(
        [str(ZECD_BIN), "serve", "--listen", "127.0.0.1:0", "--data-dir",
         str(tmp_path / "data"), "--faults", str(path)],
        capture_output=True, text=True, timeout=20, env=env)
    assert result.returncode != 0
    assert "boot" in result.stdout + result.stderr
