"""The instance state machine through the official SDK (issue 3 items 1, 2 and 6): every
operation against every status an instance can be in, with the outcome written out below
independently of the server (from the issue, spec §3.2/§4.2 and the table of
crates/zec-core/src/lifecycle.rs), and the batch semantics of the lifecycle actions.

The table runs on one zecd with a manual clock: a module fixture brings a set of instances
into each of the thirteen reachable statuses and then leaves the clock alone, so every status
holds while the rows run; each row acts on an instance of its own."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest

from conftest import (
    DEFAULT_PHASE_MS,
    IMAGE,
    PASSWORD,
    V2024,
    V2025,
    ZecdServer,
    ZenlayerCloudSdkException,
    create_instances,
    sdk_call,
    sdk_error,
    statuses,
    wait_until,
)

# --------------------------------------------------------------------------------------------
# The expected table.

OPS = (
    "start", "stop", "reboot", "force_reboot", "release", "reset", "modify_type",
    "reset_password", "start_ip_forward", "stop_ip_forward", "rename",
)

NOT_STOPPED = "OPERATION_DENIED_INSTANCE_NOT_STOPPED"
NOT_RUNNING = "OPERATION_DENIED_INSTANCE_NOT_RUNNING"
BAD_STATUS = "OPERATION_DENIED_INSTANCE_STATUS"
RECYCLED = "OPERATION_DENIED_INSTANCE_RECYCLED"
NOT_SUPPORT = "OPERATION_DENIED_INSTANCE_STATUS_NOT_SUPPORT"
BEING_RECYCLED = "UNSUPPORTED_OPERATION_INSTANCE_BEING_RECYCLE"

# HTTP status of each denial (spec §3.2: ModifyInstanceType's state errors are 400s, the others
# 403s).
DENIAL_HTTP = {
    NOT_STOPPED: 403, NOT_RUNNING: 403, BAD_STATUS: 403, RECYCLED: 403,
    NOT_SUPPORT: 400, BEING_RECYCLED: 400,
}

# "=" : allowed, the status stays; an upper-case status: allowed, the instance is now in it;
# anything else: the denial's code.
_ = "="
NS, NR, ST, RC, SNS, BR = NOT_STOPPED, NOT_RUNNING, BAD_STATUS, RECYCLED, NOT_SUPPORT, BEING_RECYCLED
TABLE = {
    #                  start      stop        reboot    force_reboot release      reset         modify_type reset_pw start_ipf stop_ipf rename
    "DEPLOYING":        (NS,       NR,         ST,       ST,          ST,          NS,           SNS,        NR,      ST,       ST,      _),
    "RUNNING":          (_,        "STOPPING", "REBOOT", "REBOOT",    "RELEASING", NS,           SNS,        _,       _,        _,       _),
    "BOOTING":          (_,        NR,         ST,       "REBOOT",    ST,          NS,           SNS,        NR,      ST,       ST,      _),
    "STOPPING":         (NS,       _,          ST,       ST,          ST,          NS,           SNS,        NR,      ST,       ST,      _),
    "STOPPED":          ("BOOTING", _,         ST,       ST,          "RELEASING", "REBUILDING", "RESIZING", NR,      _,        _,       _),
    "REBOOT":           (NS,       NR,         ST,       "REBOOT",    ST,          NS,           SNS,        NR,      ST,       ST,      _),
    "REBUILDING":       (NS,       NR,         ST,       ST,          ST,          NS,           SNS,        NR,      ST,       ST,      _),
    "RESIZING":         (NS,       NR,         ST,       ST,          ST,          NS,           SNS,        NR,      ST,       ST,      _),
    "RELEASING":        (RC,       RC,         RC,       RC,          RC,          RC,           BR,         RC,      RC,       RC,      _),
    "RECYCLE":          (RC,       RC,         RC,       RC,          "RECYCLING", RC,           BR,         RC,      RC,       RC,      _),
    "RECYCLING":        (RC,       RC,         RC,       RC,          RC,          RC,           BR,         RC,      RC,       RC,      _),
    "CREATE_FAILED":    (NS,       NR,         ST,       ST,          "RELEASING", NS,           SNS,        NR,      ST,       ST,      _),
    "REINSTALL_FAILED": (NS,       NR,         ST,       ST,          "RELEASING", "REBUILDING", SNS,        NR,      ST,       ST,      _),
}
STATUS_ORDER = tuple(TABLE)
ROWS = [(status, op) for status in STATUS_ORDER for op in OPS]

# Types for ModifyInstanceType: instances are created INSTANCE_TYPE (z2a.cpu.1), the RESIZING
# ones are resized to RESIZED_TO while the world is built, and the table's rows ask for ROW_TYPE,
# which differs from both (so "type not changed" never gets in the way of the state check).
RESIZED_TO = "z2a.cpu.2"
ROW_TYPE = "z2a.cpu.4"
NEW_PASSWORD = "N3w-Passw0rd!"


def op_request(op: str, iid: str, status: str) -> tuple[str, dict]:
    """The action and fields of ``op`` on instance ``iid`` (in a row of ``status``)."""
    return {
        "start": ("StartInstances", {"instanceIds": [iid]}),
        "stop": ("StopInstances", {"instanceIds": [iid], "forceShutdown": True}),
        "reboot": ("RebootInstances", {"instanceIds": [iid]}),
        "force_reboot": ("RebootInstances", {"instanceIds": [iid], "forceReboot": True}),
        "release": ("ReleaseInstances", {"instanceIds": [iid]}),
        "reset": ("ResetInstance", {"instanceId": iid, "imageId": IMAGE, "password": PASSWORD}),
        "modify_type": ("ModifyInstanceType", {"instanceId": iid, "instanceType": ROW_TYPE}),
        "reset_password": ("ResetInstancePassword", {"instanceId": iid, "password": NEW_PASSWORD}),
        "start_ip_forward": ("StartIpForward", {"instanceId": iid}),
        "stop_ip_forward": ("StopIpForward", {"instanceId": iid}),
        "rename": ("ModifyInstancesAttribute", {"instanceIds": [iid],
                                                "instanceName": renamed(status)}),
    }[op]


BATCH_ACTIONS = {"StartInstances", "StopInstances", "RebootInstances", "ReleaseInstances"}


def renamed(status: str) -> str:
    return "renamed-" + status.lower().replace("_", "-")


def snapshot(server: ZecdServer, iid: str) -> dict | None:
    """Everything DescribeInstances says about an instance (None: not listed)."""
    r = server.raw("DescribeInstances", json.dumps({"instanceIds": [iid]}))
    assert r.status == 200, r
    data = r.json["response"]["dataSet"]
    assert len(data) <= 1, data
    return data[0] if data else None


def without_update_times(info: dict) -> dict:
    info = json.loads(json.dumps(info))
    for nic in info.get("nics") or []:
        nic.pop("updateTime", None)
    return info


# --------------------------------------------------------------------------------------------
# The world: instances held in every status.

@dataclass
class World:
    server: ZecdServer
    client: object
    # status -> op -> instance id
    ids: dict[str, dict[str, str]] = field(default_factory=dict)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    # Default phase durations; the clock only moves when told to.
    server = ZecdServer(data_dir=tmp_path_factory.mktemp("world"), transition="",
                        extra_args=["--clock", "manual"]).start()
    try:
        client = server.client()
        w = World(server, client)
        n = len(OPS)

        def make() -> dict[str, str]:
            """A fresh instance for each operation. The one stop_ip_forward acts on starts
            with IP forwarding on, so that turning it off is visible."""
            others = create_instances(client, n - 1)
            [forwarding] = create_instances(client, 1, enableIpForward=True)
            col = dict(zip([op for op in OPS if op != "stop_ip_forward"], others))
            col["stop_ip_forward"] = forwarding
            return col

        stable = ["RUNNING", "BOOTING", "STOPPING", "STOPPED", "REBOOT", "REBUILDING",
                  "RESIZING", "RELEASING", "RECYCLE", "RECYCLING", "REINSTALL_FAILED"]
        for status in stable:
            w.ids[status] = make()

        # CREATE_FAILED: the next 11 deployments fail.
        server.create_faults(failures=[{"phase": "deploy", "count": n}])
        w.ids["CREATE_FAILED"] = make()
        assert server.faults()["failures"] == [], "the deploy rule should be used up"

        def batch(status: str) -> list[str]:
            return list(w.ids[status].values())

        # Deploy (3 s).
        server.advance("3s")
        # Stop the ones that must be STOPPED first; release the recycle-bin ones.
        to_stop = sum((batch(s) for s in ("STOPPED", "BOOTING", "REBUILDING", "RESIZING",
                                           "REINSTALL_FAILED")), [])
        assert sdk_call(client, "StopInstances", instanceIds=to_stop).instanceIds == []
        to_release = batch("RECYCLE") + batch("RECYCLING")
        assert sdk_call(client, "ReleaseInstances", instanceIds=to_release).instanceIds == []
        server.advance("2s")  # stop, release
        # REINSTALL_FAILED: the next 11 reinstalls fail.
        server.create_faults(failures=[{"phase": "rebuild", "count": n}])
        for iid in batch("REINSTALL_FAILED"):
            sdk_call(client, "ResetInstance", instanceId=iid, imageId=IMAGE, password=PASSWORD)
        assert server.faults()["failures"] == [], "the rebuild rule should be used up"
        server.advance("4s")  # rebuild

        # The last step begins every transient status; from here on the clock stands still.
        sdk_call(client, "StartInstances", instanceIds=batch("BOOTING"))
        sdk_call(client, "StopInstances", instanceIds=batch("STOPPING"))
        sdk_call(client, "RebootInstances", instanceIds=batch("REBOOT"))
        for iid in batch("REBUILDING"):
            sdk_call(client, "ResetInstance", instanceId=iid, imageId=IMAGE, password=PASSWORD)
        for iid in batch("RESIZING"):
            sdk_call(client, "ModifyInstanceType", instanceId=iid, instanceType=RESIZED_TO)
        sdk_call(client, "ReleaseInstances", instanceIds=batch("RELEASING"))
        sdk_call(client, "ReleaseInstances", instanceIds=batch("RECYCLING"))
        w.ids["DEPLOYING"] = make()

        # Every instance is where its column says.
        everyone = {iid: status for status, col in w.ids.items() for iid in col.values()}
        seen = {}
        ids = list(everyone)
        for i in range(0, len(ids), 100):
            seen.update(statuses(client, ids[i:i + 100]))
        assert seen == everyone
        yield w
    finally:
        server.stop()


@pytest.mark.parametrize("status,op", ROWS, ids=[f"{s}-{o}" for s, o in ROWS])
def test_transition_table(world, status, op):
    expected = TABLE[status][OPS.index(op)]
    iid = world.ids[status][op]
    client = world.client
    before = snapshot(world.server, iid)
    assert before is not None and before["status"] == status, before

    action, fields = op_request(op, iid, status)
    if expected == "=" or expected in TABLE:
        resp = sdk_call(client, action, **fields)
        assert resp.requestId
        if action in BATCH_ACTIONS:
            # Batch actions list the ids that failed: none.
            assert resp.instanceIds == [], vars(resp)
        new_status = status if expected == "=" else expected
        assert statuses(client, [iid]) == {iid: new_status}
        after = snapshot(world.server, iid)
        want = without_update_times(before)
        want["status"] = new_status
        if op == "rename":
            want["instanceName"] = renamed(status)
            # zecd names the primary NIC after the instance ("<name>-nic"); whether a rename
            # carries over to it is not asserted.
            for nic, nic_after in zip(want["nics"], after["nics"]):
                nic["name"] = nic_after["name"]
        elif op == "start_ip_forward":
            want["enableIpForward"] = True
        elif op == "stop_ip_forward":
            want["enableIpForward"] = False
        elif op == "modify_type":
            # The catalog's z2a.cpu.4: 4 vCPUs, 8 GiB.
            want.update(instanceType=ROW_TYPE, cpu=4, memory=8)
        assert without_update_times(after) == want
    else:
        e = sdk_error(client, action, **fields)
        assert e.code == expected, str(e)
        assert snapshot(world.server, iid) == before, "a denied request changed the instance"
        raw = world.server.raw(action, json.dumps(fields))
        assert (raw.status, raw.json["code"]) == (DENIAL_HTTP[expected], expected), raw
        assert snapshot(world.server, iid) == before, "a denied request changed the instance"


# --------------------------------------------------------------------------------------------
# Batch semantics (spec §4.2, §6), on a shared manual-clock server with the default durations.

def running(server: ZecdServer, client, n: int) -> list[str]:
    """``n`` new instances, RUNNING."""
    ids = create_instances(client, n)
    server.advance(f"{DEFAULT_PHASE_MS['deploy']}ms")
    assert statuses(client, ids) == {i: "RUNNING" for i in ids}
    return ids


def stopped(server: ZecdServer, client, n: int) -> list[str]:
    """``n`` new instances, STOPPED."""
    ids = running(server, client, n)
    sdk_call(client, "StopInstances", instanceIds=ids)
    server.advance(f"{DEFAULT_PHASE_MS['stop']}ms")
    assert statuses(client, ids) == {i: "STOPPED" for i in ids}
    return ids


def purged(server: ZecdServer, client) -> str:
    """The id of an instance that existed and is gone for good."""
    [iid] = running(server, client, 1)
    sdk_call(client, "ReleaseInstances", instanceIds=[iid])
    server.advance(f"{DEFAULT_PHASE_MS['release']}ms")
    sdk_call(client, "ReleaseInstances", instanceIds=[iid])
    server.advance(f"{DEFAULT_PHASE_MS['recycle']}ms")
    assert statuses(client, [iid]) == {}
    return iid


@pytest.fixture(scope="module")
def other_account_instance(manual_zecd):
    """An instance of another account, which the root key's account must not find."""
    manual_zecd.create_account("lifecycle-other")
    key_id, password = manual_zecd.create_key("lifecycle-other")
    other = manual_zecd.client(key_id=key_id, password=password)

    def create():
        try:
            return create_instances(other, 1)
        except ZenlayerCloudSdkException:
            return None  # the new key is not picked up yet
    [iid] = wait_until(create, timeout=5, message="the new account's key to work")
    return iid


BATCH_CALLS = {
    "StartInstances": {},
    "StopInstances": {},
    "RebootInstances": {},
    "ReleaseInstances": {},
    "ModifyInstancesAttribute": {"instanceName": "never-applied"},
}
UNKNOWN_KINDS = ("never-existed", "malformed", "purged", "other-account")


@pytest.mark.parametrize("kind", UNKNOWN_KINDS)
@pytest.mark.parametrize("action", BATCH_CALLS)
def test_any_unknown_id_fails_the_whole_batch_and_changes_nothing(
        manual_zecd, other_account_instance, action, kind):
    client = manual_zecd.client()
    # One instance each action could act on, one it would deny.
    [stop] = stopped(manual_zecd, client, 1)
    [run] = running(manual_zecd, client, 1)
    unknown = {
        "never-existed": "913669999999999999",
        "malformed": "ins-nope",
        "purged": None,
        "other-account": other_account_instance,
    }[kind] or purged(manual_zecd, client)
    before = {i: snapshot(manual_zecd, i) for i in (stop, run)}
    e = sdk_error(client, action, instanceIds=[stop, run, unknown], **BATCH_CALLS[action])
    assert e.code == "INVALID_INSTANCE_NOT_FOUND", str(e)
    raw = manual_zecd.raw(action, json.dumps(
        {"instanceIds": [unknown, run], **BATCH_CALLS[action]}))
    assert (raw.status, raw.json["code"]) == (404, "INVALID_INSTANCE_NOT_FOUND"), raw
    assert {i: snapshot(manual_zecd, i) for i in (stop, run)} == before


@pytest.mark.parametrize("version", [V2025, V2024])
def test_a_partly_denied_batch_succeeds_and_returns_the_ids_that_failed(manual_zecd, version):
    client = manual_zecd.client(version=version)
    s1, s2 = stopped(manual_zecd, client, 2)
    r1, r2 = running(manual_zecd, client, 2)
    [d1] = create_instances(client, 1)  # DEPLOYING
    resp = sdk_call(client, "StartInstances", instanceIds=[s1, d1, r1, s2])
    assert resp.instanceIds == [d1]
    assert statuses(client, [s1, s2, r1, d1]) == {
        s1: "BOOTING", s2: "BOOTING", r1: "RUNNING", d1: "DEPLOYING"}

    resp = sdk_call(client, "StopInstances", instanceIds=[s1, r1, d1])
    assert sorted(resp.instanceIds) == sorted([s1, d1])
    assert statuses(client, [s1, r1, d1]) == {s1: "BOOTING", r1: "STOPPING", d1: "DEPLOYING"}

    resp = sdk_call(client, "RebootInstances", instanceIds=[s1, r1], forceReboot=True)
    assert resp.instanceIds == [r1]  # STOPPING cannot reboot; BOOTING can, when forced
    assert statuses(client, [s1, r1]) == {s1: "REBOOT", r1: "STOPPING"}

    resp = sdk_call(client, "ReleaseInstances", instanceIds=[d1, r2, s2])
    assert resp.instanceIds == [d1, s2]  # DEPLOYING and BOOTING cannot be released
    assert statuses(client, [d1, r2, s2]) == {d1: "DEPLOYING", r2: "RELEASING", s2: "BOOTING"}


def test_when_every_instance_is_denied_the_request_fails_with_the_denial(manual_zecd):
    client = manual_zecd.client()
    d1, d2 = create_instances(client, 2)
    before = {i: snapshot(manual_zecd, i) for i in (d1, d2)}
    for action, fields, code in [
        ("StartInstances", {}, NOT_STOPPED),
        ("StopInstances", {}, NOT_RUNNING),
        ("RebootInstances", {}, BAD_STATUS),
        ("RebootInstances", {"forceReboot": True}, BAD_STATUS),
        ("ReleaseInstances", {}, BAD_STATUS),
    ]:
        e = sdk_error(client, action, instanceIds=[d1, d2], **fields)
        assert e.code == code, (action, str(e))
        raw = manual_zecd.raw(action, json.dumps({"instanceIds": [d1, d2], **fields}))
        assert (raw.status, raw.json["code"]) == (403, code), raw
    assert {i: snapshot(manual_zecd, i) for i in (d1, d2)} == before


@pytest.mark.parametrize("action", list(BATCH_CALLS))
def test_instance_ids_are_required(manual_zecd, action):
    client = manual_zecd.client()
    extra = BATCH_CALLS[action]
    assert sdk_error(client, action, **extra).code == "MISSING_PARAMETER"
    assert sdk_error(client, action, instanceIds=[], **extra).code == "MISSING_PARAMETER"


def test_a_batch_takes_at_most_100_ids(manual_zecd):
    client = manual_zecd.client()
    ids = create_instances(client, 100) + create_instances(client, 1)
    manual_zecd.advance(f"{DEFAULT_PHASE_MS['deploy']}ms")
    for action, extra in BATCH_CALLS.items():
        e = sdk_error(client, action, instanceIds=ids, **extra)
        assert e.code == "INVALID_PARAMETER_EXCEED_LENGTH", (action, str(e))
    assert set(statuses(client, ids[:100]).values()) == {"RUNNING"}
    assert statuses(client, ids[100:]) == {ids[100]: "RUNNING"}
    resp = sdk_call(client, "StopInstances", instanceIds=ids[:100])
    assert resp.instanceIds == []
    assert set(statuses(client, ids[:100]).values()) == {"STOPPING"}
    assert statuses(client, ids[100:]) == {ids[100]: "RUNNING"}


SINGLE_CALLS = {
    "ResetInstance": {"imageId": IMAGE, "password": PASSWORD},
    "ResetInstancePassword": {"password": NEW_PASSWORD},
    "ModifyInstanceType": {"instanceType": ROW_TYPE},
    "StartIpForward": {},
    "StopIpForward": {},
}


@pytest.mark.parametrize("action", list(SINGLE_CALLS))
def test_single_instance_actions_need_an_instance_that_exists(
        manual_zecd, other_account_instance, action):
    client = manual_zecd.client()
    fields = SINGLE_CALLS[action]
    assert sdk_error(client, action, **fields).code == "MISSING_PARAMETER"
    for unknown in ("913669999999999999", "ins-nope", other_account_instance,
                    purged(manual_zecd, client)):
        e = sdk_error(client, action, instanceId=unknown, **fields)
        assert e.code == "INVALID_INSTANCE_NOT_FOUND", (unknown, str(e))


# --------------------------------------------------------------------------------------------
# Where the phases lead (spec §4.2), with the manual clock.

def test_release_goes_to_the_recycle_bin_and_a_second_release_destroys(manual_zecd):
    server, client = manual_zecd, manual_zecd.client()
    [iid] = running(server, client, 1)
    sdk_call(client, "ReleaseInstances", instanceIds=[iid])
    assert statuses(client, [iid]) == {iid: "RELEASING"}
    server.advance(f"{DEFAULT_PHASE_MS['release']}ms")
    # In the recycle bin: still visible, to every Describe, with and without an id filter.
    assert statuses(client, [iid]) == {iid: "RECYCLE"}
    assert snapshot(server, iid)["status"] == "RECYCLE"
    assert iid in listed_ids(client)
    sdk_call(client, "ReleaseInstances", instanceIds=[iid])
    assert statuses(client, [iid]) == {iid: "RECYCLING"}
    server.advance(f"{DEFAULT_PHASE_MS['recycle']}ms")
    # Gone: in no Describe, and every action answers INVALID_INSTANCE_NOT_FOUND.
    assert statuses(client, [iid]) == {}
    assert snapshot(server, iid) is None
    resp = sdk_call(client, "DescribeInstances", instanceIds=[iid])
    assert (resp.totalCount, resp.dataSet) == (0, [])
    assert iid not in listed_ids(client)
    for action in BATCH_CALLS:
        e = sdk_error(client, action, instanceIds=[iid], **BATCH_CALLS[action])
        assert e.code == "INVALID_INSTANCE_NOT_FOUND", (action, str(e))


def listed_ids(client) -> set[str]:
    seen, page = set(), 1
    while True:
        resp = sdk_call(client, "DescribeInstancesStatus", pageSize=1000, pageNum=page)
        seen |= {s.instanceId for s in resp.dataSet}
        if len(seen) >= resp.totalCount or not resp.dataSet:
            return seen
        page += 1


def test_a_resize_ends_stopped_with_the_new_type(manual_zecd):
    server, client = manual_zecd, manual_zecd.client()
    [iid] = stopped(server, client, 1)
    sdk_call(client, "ModifyInstanceType", instanceId=iid, instanceType="z2a.cpu.8")
    assert statuses(client, [iid]) == {iid: "RESIZING"}
    server.advance(f"{DEFAULT_PHASE_MS['resize']}ms")
    info = snapshot(server, iid)
    assert (info["status"], info["instanceType"], info["cpu"], info["memory"]) == (
        "STOPPED", "z2a.cpu.8", 8, 16)
    # The same type again is refused.
    e = sdk_error(client, "ModifyInstanceType", instanceId=iid, instanceType="z2a.cpu.8")
    assert e.code == "INVALID_INSTANCE_TYPE_NOT_CHANGED"


def test_a_reset_ends_running_with_the_new_image(manual_zecd):
    server, client = manual_zecd, manual_zecd.client()
    [iid] = stopped(server, client, 1)
    key = server.key_pair()
    sdk_call(client, "ResetInstance", instanceId=iid, imageId="ubuntu2204_20240712",
             keyId=key, timezone="Asia/Singapore", instanceName="reset-1")
    assert statuses(client, [iid]) == {iid: "REBUILDING"}
    server.advance(f"{DEFAULT_PHASE_MS['rebuild']}ms")
    info = snapshot(server, iid)
    assert info["status"] == "RUNNING"
    assert (info["imageId"], info["keyId"], info["timeZone"], info["instanceName"]) == (
        "ubuntu2204_20240712", key, "Asia/Singapore", "reset-1")


def test_a_failed_reinstall_can_be_retried(manual_zecd):
    server, client = manual_zecd, manual_zecd.client()
    [iid] = stopped(server, client, 1)
    server.create_faults(failures=[{"phase": "rebuild", "count": 1}])
    sdk_call(client, "ResetInstance", instanceId=iid, password=PASSWORD)
    assert statuses(client, [iid]) == {iid: "REBUILDING"}
    server.advance(f"{DEFAULT_PHASE_MS['rebuild']}ms")
    assert statuses(client, [iid]) == {iid: "REINSTALL_FAILED"}
    sdk_call(client, "ResetInstance", instanceId=iid, password=PASSWORD)
    assert statuses(client, [iid]) == {iid: "REBUILDING"}
    server.advance(f"{DEFAULT_PHASE_MS['rebuild']}ms")
    assert statuses(client, [iid]) == {iid: "RUNNING"}


def test_stop_on_a_stopping_and_start_on_a_booting_instance_keep_the_deadline(manual_zecd):
    server, client = manual_zecd, manual_zecd.client()
    [r] = running(server, client, 1)
    [s] = stopped(server, client, 1)
    sdk_call(client, "StopInstances", instanceIds=[r])
    sdk_call(client, "StartInstances", instanceIds=[s])
    server.advance("1s")
    assert sdk_call(client, "StopInstances", instanceIds=[r]).instanceIds == []
    assert sdk_call(client, "StartInstances", instanceIds=[s]).instanceIds == []
    assert statuses(client, [r, s]) == {r: "STOPPING", s: "BOOTING"}
    server.advance("1s")  # 2 s after the first call: both phases are over
    assert statuses(client, [r, s]) == {r: "STOPPED", s: "RUNNING"}


def test_a_forced_reboot_restarts_a_reboot_in_progress(manual_zecd):
    server, client = manual_zecd, manual_zecd.client()
    [iid] = running(server, client, 1)
    sdk_call(client, "RebootInstances", instanceIds=[iid])
    server.advance("1s")
    assert sdk_call(client, "RebootInstances", instanceIds=[iid], forceReboot=True).instanceIds == []
    server.advance("1999ms")
    assert statuses(client, [iid]) == {iid: "REBOOT"}
    server.advance("1ms")
    assert statuses(client, [iid]) == {iid: "RUNNING"}


def test_a_password_reset_needs_the_guest_agent(manual_zecd):
    server, client = manual_zecd, manual_zecd.client()
    ids = create_instances(client, 1, enableAgent=False)
    server.advance(f"{DEFAULT_PHASE_MS['deploy']}ms")
    e = sdk_error(client, "ResetInstancePassword", instanceId=ids[0], password=NEW_PASSWORD)
    assert e.code == BAD_STATUS
