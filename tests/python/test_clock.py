"""The manual lifecycle clock and the admin API that moves it (issue 3 items 3, 4 and 6):
`zecd serve --clock manual` holds every transition until AdvanceClock moves the clock; each
phase lasts exactly its configured duration; DescribeClock reports the clock's time, which
moves by exactly what was advanced; the admin API takes the root key only, and refuses to
advance the system clock."""

from __future__ import annotations

import json
import time

import pytest

from conftest import (
    DEFAULT_PHASE_MS,
    IMAGE,
    PASSWORD,
    V2024,
    create_instances,
    sdk_call,
    statuses,
)

UNAUTHORIZED = "AUTHFAILURE_UNAUTHORIZED_OPERATION"
ADMIN_ACTIONS = {
    "DescribeClock": {},
    "AdvanceClock": {"by": "1s"},
    "DescribeFaults": {},
    "CreateFaults": {"errors": [{"action": "*", "code": "INTERNAL_SERVER_ERROR"}]},
    "DeleteFaults": {},
}


def ms(n: int) -> str:
    return f"{n}ms"


def test_a_transition_is_held_across_many_reads_then_advanced_past_its_deadline(manual_zecd):
    server, client = manual_zecd, manual_zecd.client()
    clock = server.clock()
    assert clock["mode"] == "manual"
    start = clock["nowMillis"]
    ids = create_instances(client, 2)
    # Held: many reads over real time, through both Describe actions and both versions.
    client_2024 = server.client(version=V2024)
    deadline = time.monotonic() + 1.0
    reads = 0
    while time.monotonic() < deadline or reads < 50:
        assert statuses(client, ids) == {i: "DEPLOYING" for i in ids}
        assert statuses(client_2024, ids) == {i: "DEPLOYING" for i in ids}
        info = sdk_call(client, "DescribeInstances", instanceIds=ids).dataSet
        assert [i.status for i in info] == ["DEPLOYING"] * 2
        reads += 1
    assert server.clock()["nowMillis"] == start, "the manual clock moved by itself"

    # Just short of the deadline: still deploying.
    deploy = DEFAULT_PHASE_MS["deploy"]
    assert server.advance(ms(deploy - 1))["nowMillis"] == start + deploy - 1
    assert statuses(client, ids) == {i: "DEPLOYING" for i in ids}
    time.sleep(0.3)
    assert statuses(client, ids) == {i: "DEPLOYING" for i in ids}
    # The deadline: done, and seen at once by the next read (AdvanceClock returns after the
    # phases that came due are written).
    assert server.advance("1ms")["nowMillis"] == start + deploy
    assert statuses(client, ids) == {i: "RUNNING" for i in ids}
    assert server.clock()["nowMillis"] == start + deploy


def test_describe_clock_moves_by_exactly_what_was_advanced(manual_zecd):
    server = manual_zecd
    before = server.clock()
    assert set(before) >= {"requestId", "mode", "now", "nowMillis"}
    t = before["nowMillis"]
    for by, delta in [("1ms", 1), ("250ms", 250), ("2s", 2000), ("1m", 60_000),
                      ("1h 30m", 5_400_000), ("1day", 86_400_000), ("0s", 0)]:
        after = server.advance(by)
        assert after["mode"] == "manual"
        assert after["nowMillis"] == t + delta, by
        assert server.clock()["nowMillis"] == t + delta, by
        t += delta
    # `now` is the same time, in the API's format.
    clock = server.clock()
    assert clock["now"] == time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                         time.gmtime(clock["nowMillis"] // 1000))


def test_new_instances_are_created_at_the_clocks_time(manual_zecd):
    server, client = manual_zecd, manual_zecd.client()
    server.advance("3day")
    now = server.clock()["now"]
    [iid] = create_instances(client, 1)
    assert sdk_call(client, "DescribeInstances", instanceIds=[iid]).dataSet[0].createTime == now


# Each phase, from an instance that is RUNNING or STOPPED: how to begin it, the status it
# shows, where it ends.
PHASES = {
    "boot": ("STOPPED", ("StartInstances", "ids"), "BOOTING", "RUNNING"),
    "stop": ("RUNNING", ("StopInstances", "ids"), "STOPPING", "STOPPED"),
    "reboot": ("RUNNING", ("RebootInstances", "ids"), "REBOOT", "RUNNING"),
    "rebuild": ("STOPPED", ("ResetInstance", "id"), "REBUILDING", "RUNNING"),
    "resize": ("STOPPED", ("ModifyInstanceType", "id"), "RESIZING", "STOPPED"),
    "release": ("RUNNING", ("ReleaseInstances", "ids"), "RELEASING", "RECYCLE"),
    "recycle": ("RECYCLE", ("ReleaseInstances", "ids"), "RECYCLING", None),
}
EXTRA = {"ResetInstance": {"imageId": IMAGE, "password": PASSWORD},
         "ModifyInstanceType": {"instanceType": "z2a.cpu.2"}}


def bring(server, client, iid: str, status: str) -> None:
    """Moves a RUNNING instance to ``status`` (RUNNING, STOPPED or RECYCLE)."""
    if status == "STOPPED":
        sdk_call(client, "StopInstances", instanceIds=[iid])
        server.advance(ms(DEFAULT_PHASE_MS["stop"]))
    elif status == "RECYCLE":
        sdk_call(client, "ReleaseInstances", instanceIds=[iid])
        server.advance(ms(DEFAULT_PHASE_MS["release"]))
    assert statuses(client, [iid]) == {iid: status}


@pytest.mark.parametrize("phase", list(PHASES))
def test_each_phase_lasts_exactly_its_default_duration(manual_zecd, phase):
    server, client = manual_zecd, manual_zecd.client()
    precondition, (action, shape), during, after = PHASES[phase]
    [iid] = create_instances(client, 1)
    server.advance(ms(DEFAULT_PHASE_MS["deploy"]))
    bring(server, client, iid, precondition)
    fields = {"instanceIds": [iid]} if shape == "ids" else {"instanceId": iid}
    sdk_call(client, action, **fields, **EXTRA.get(action, {}))
    assert statuses(client, [iid]) == {iid: during}
    server.advance(ms(DEFAULT_PHASE_MS[phase] - 1))
    assert statuses(client, [iid]) == {iid: during}
    server.advance("1ms")
    assert statuses(client, [iid]) == ({iid: after} if after else {})


@pytest.mark.parametrize("phase,during,failed", [
    ("deploy", "DEPLOYING", "CREATE_FAILED"),
    ("rebuild", "REBUILDING", "REINSTALL_FAILED"),
])
def test_a_failing_phase_fails_exactly_at_its_deadline(manual_zecd, phase, during, failed):
    server, client = manual_zecd, manual_zecd.client()
    if phase == "rebuild":
        [iid] = create_instances(client, 1)
        server.advance(ms(DEFAULT_PHASE_MS["deploy"]))
        bring(server, client, iid, "STOPPED")
        server.create_faults(failures=[{"phase": phase, "count": 1}])
        sdk_call(client, "ResetInstance", instanceId=iid, password=PASSWORD)
    else:
        server.create_faults(failures=[{"phase": phase, "count": 1}])
        [iid] = create_instances(client, 1)
    assert statuses(client, [iid]) == {iid: during}
    server.advance(ms(DEFAULT_PHASE_MS[phase] - 1))
    assert statuses(client, [iid]) == {iid: during}
    server.advance("1ms")
    assert statuses(client, [iid]) == {iid: failed}


def test_transition_durations_can_be_set_and_unnamed_ones_keep_their_defaults(start_zecd):
    server = start_zecd(transition="deploy=1500ms,stop=7s", extra_args=["--clock", "manual"])
    client = server.client()
    [iid] = create_instances(client, 1)
    server.advance("1499ms")
    assert statuses(client, [iid]) == {iid: "DEPLOYING"}
    server.advance("1ms")
    assert statuses(client, [iid]) == {iid: "RUNNING"}
    sdk_call(client, "StopInstances", instanceIds=[iid])
    server.advance("6999ms")
    assert statuses(client, [iid]) == {iid: "STOPPING"}
    server.advance("1ms")
    assert statuses(client, [iid]) == {iid: "STOPPED"}
    sdk_call(client, "StartInstances", instanceIds=[iid])  # boot: the default 2 s
    server.advance("1999ms")
    assert statuses(client, [iid]) == {iid: "BOOTING"}
    server.advance("1ms")
    assert statuses(client, [iid]) == {iid: "RUNNING"}


def test_advance_clock_needs_a_duration(manual_zecd):
    before = manual_zecd.clock()["nowMillis"]
    r = manual_zecd.admin_api("AdvanceClock", {})
    assert (r.status, r.json["code"]) == (400, "MISSING_PARAMETER"), r
    for bad in ("soon", "-1s", "5"):
        r = manual_zecd.admin_api("AdvanceClock", {"by": bad})
        assert (r.status, r.json["code"]) == (400, "INVALID_PARAMETER_VALUE"), (bad, r)
    assert manual_zecd.clock()["nowMillis"] == before


# --------------------------------------------------------------------------------------------
# The system clock, and who may call the admin API.

def test_advance_clock_is_refused_with_the_system_clock(zecd):
    clock = zecd.clock()
    assert clock["mode"] == "system"
    assert abs(clock["nowMillis"] - time.time() * 1000) < 5000
    r = zecd.admin_api("AdvanceClock", {"by": "1h"})
    assert r.status == 400 and r.json["code"] == "INVALID_PARAMETER_VALUE", r
    assert set(r.json) == {"requestId", "code", "message"}
    assert abs(zecd.clock()["nowMillis"] - time.time() * 1000) < 5000


@pytest.mark.parametrize("action", list(ADMIN_ACTIONS))
def test_the_admin_api_refuses_a_key_that_is_not_root(manual_zecd, action):
    key_id, password = manual_zecd.create_key()
    # The key works for the API ...
    client = manual_zecd.client(key_id=key_id, password=password)
    deadline = time.monotonic() + 5
    while True:
        try:
            sdk_call(client, "DescribeInstancesStatus")
            break
        except Exception:  # noqa: BLE001
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    # ... but not for the admin API.
    before_clock, before_faults = manual_zecd.clock(), manual_zecd.faults()
    r = manual_zecd.admin_api(action, ADMIN_ACTIONS[action], key_id=key_id, password=password)
    assert r.status in (401, 403) and r.json["code"] == UNAUTHORIZED, r
    assert manual_zecd.clock()["nowMillis"] == before_clock["nowMillis"]
    after_faults = manual_zecd.faults()
    assert {k: v for k, v in after_faults.items() if k != "requestId"} == \
        {k: v for k, v in before_faults.items() if k != "requestId"}


def test_the_admin_api_refuses_a_bearer_token(manual_zecd):
    _, token = manual_zecd.create_token()
    r = manual_zecd.admin_api("DescribeClock", token=token)
    assert r.status in (401, 403) and r.json["code"] == UNAUTHORIZED, r


def test_the_admin_api_checks_the_signature(manual_zecd):
    r = manual_zecd.admin_api("AdvanceClock", {"by": "1s"}, password="not-the-password")
    assert r.json["code"] == "AUTHFAILURE_SIGNATURE_FAILURE", r
    r = manual_zecd.admin_api("AdvanceClock", {"by": "1s"}, authorization=None)
    assert r.json["code"] == "AUTHFAILURE_INVALID_AUTHORIZATION", r


def test_admin_actions_are_not_zec_actions_and_back(manual_zecd):
    before = manual_zecd.clock()["nowMillis"]
    r = manual_zecd.raw("AdvanceClock", json.dumps({"by": "1s"}))
    assert r.json["code"] == UNAUTHORIZED, r
    r = manual_zecd.admin_api("DescribeInstancesStatus")
    assert r.json["code"] == UNAUTHORIZED, r
    assert manual_zecd.clock()["nowMillis"] == before


def test_the_status_filter_follows_the_clock(manual_zecd):
    server, client = manual_zecd, manual_zecd.client()
    ids = create_instances(client, 2)

    def with_status(status):
        resp = sdk_call(client, "DescribeInstances", instanceIds=ids, status=status)
        assert resp.totalCount == len(resp.dataSet)
        return {i.instanceId for i in resp.dataSet}

    assert (with_status("DEPLOYING"), with_status("RUNNING")) == (set(ids), set())
    server.advance(ms(DEFAULT_PHASE_MS["deploy"]))
    assert (with_status("DEPLOYING"), with_status("RUNNING")) == (set(), set(ids))
