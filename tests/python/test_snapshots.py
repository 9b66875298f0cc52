"""Snapshots (issue 12; notes/issue12-design.md "Snapshots"; spec zec-resources.md §0, §10,
§12 zec_disk_snapshots, §13, §14, §16, §17), through the official Python SDK on a zecd with a
manual clock:

* The provider's zenlayercloud_zec_disk_snapshot replayed call for call, every call 2024-04-01
  (tfstorage.Storage): CreateSnapshot → the StateChangeConf (CREATING → AVAILABLE, FAILED fails)
  → Read (snapshotType and resourceGroup dereferenced, retentionTime echoed, null when
  permanent); ModifySnapshotsAttribute with retentionTime or isPermanent; DeleteSnapshots then
  the poll DELETING → gone, a second delete tolerated.
* snapshot-create (2 s) and snapshot-delete (1 s) last exactly their phases; diskAbility only
  once AVAILABLE; a snapshot goes when its retentionTime comes; a snapshot-create fault rule
  ends FAILED; disks made from snapshots; a disk's snapshots outlive it.
* Every refusal of the design with its code and nothing changed; DescribeSnapshots' filters,
  paging and ids in both versions (and as data "zenlayercloud_zec_disk_snapshots" reads them,
  v1); isolation, read-only and group-scoped credentials; kill -9 while a snapshot is CREATING
  or DELETING (backend-agnostic).

Assumptions beyond the design (pinned here):
* "now" for ``retentionTime`` is the lifecycle clock's; exactly 24 h ahead is accepted; a
  snapshot is still AVAILABLE 1 ms before its retentionTime and gone once the snapshot-delete
  phase (1 s) after it has run.
* A snapshot is listed from the CreateSnapshot answer on, created at the clock's now, in its
  disk's zone and resource group (as the disk was when the snapshot was taken); the source
  disk's status does not change while a snapshot is made.
* "The snapshot's disk size" is the disk's size when the snapshot was taken.
* A snapshot of another zone given to CreateDisks is INVALID_DISK_SNAPSHOT_NOT_FOUND (the
  design lists "of the account, in the same zone" before the two codes without pairing them).
* A FAILED snapshot can be deleted (DELETING → gone) and cannot make disks
  (OPERATION_DENIED_DISK_SNAPSHOT_STATUS).
* 2024-04-01 DescribeSnapshots carries ``snapshotType`` and ``retentionTime`` (the provider's
  Go v1 model reads them; the Python v1 model does not declare them).
* Refusals the design names no code for (bad names, malformed retention times, too many ids)
  need a 4xx that Terraform does not retry, and change nothing. A scoped credential's
  CreateDisks from a snapshot outside its groups is refused (UNAUTHORIZED or not found).
"""

from __future__ import annotations

import pytest

from conftest import DEFAULT_GROUP_NAME, ZONE
from netkit import (
    UNAUTHORIZED,
    account_of,
    answer,
    check_time,
    every_page,
    listing,
    new_account,
    refused,
    scoped,
    terraform_list,
)
from tfnet import TerraformError
from tfstorage import (
    ID,
    NOWHERE,
    OTHER_ZONE,
    PHASE_MS,
    SnapshotConfig,
    Storage,
    api_time,
    disk_wire,
    instance_wire,
    ms,
    new_disks,
    new_instance,
    now_ms,
    raw_call,
    retention,
    snapshot_status,
    snapshot_wire,
    status_of,
    storage_snapshot,
)

SNAP_NOT_FOUND = "INVALID_DISK_SNAPSHOT_NOT_FOUND"
SNAP_STATUS = "OPERATION_DENIED_DISK_SNAPSHOT_STATUS"
SIZE_MISMATCH = "INVALID_DISK_SNAPSHOT_SIZE_MISMATCH"
RETENTION = "INVALID_SNAPSHOT_RETENTION_TIME"
SYSTEM_TYPE = "OPERATION_DENIED_DISK_SYSTEM_TYPE"
DISK_STATUS = "UNSUPPORTED_OPERATION_DISK_STATUS"
QUOTA = "INVALID_SNAPSHOT_QUOTA_EXCEED"
DAY = 24 * 3600


@pytest.fixture(scope="module")
def server(manual_zecd):
    return manual_zecd


@pytest.fixture
def acct(server):
    return new_account(server, "snap")


@pytest.fixture
def tf(acct):
    return Storage(acct)


@pytest.fixture
def no_faults(server):
    server.delete_faults()
    yield
    server.delete_faults()


@pytest.fixture
def disk(acct) -> str:
    """An AVAILABLE 30 GiB data disk in asia-east-1a."""
    return new_disks(acct, size=30, name="source")[0]


def snap_ids(client, **filters) -> tuple[int, list[str]]:
    return listing(client, "DescribeSnapshots", "snapshotId", **filters)


def new_snapshot(acct, did: str, name: str = "snap", ready: bool = True, version: str = "v2",
                 **fields) -> str:
    sid = raw_call(acct.client(version), "CreateSnapshot", diskId=did, snapshotName=name,
                   **fields)["snapshotId"]
    if ready:
        acct.server.advance(ms(PHASE_MS["snapshot-create"]))
    return sid


# --------------------------------------------------------------------------------------------
# zenlayercloud_zec_disk_snapshot.

def test_create_waits_for_available_then_reads_back_all_in_v1(tf, acct, disk):
    cfg = SnapshotConfig(disk_id=disk, name="tf-snap")
    sid, state = tf.run(tf.snapshot_create(cfg))
    assert ID.match(sid), sid
    assert tf.calls == [("v1", "CreateSnapshot"), ("v1", "DescribeSnapshots"),
                        ("v1", "DescribeSnapshots")]
    assert tf.sent("CreateSnapshot") == [{"diskId": disk, "snapshotName": "tf-snap"}]
    assert tf.clock == 3.0 and tf.observed[f"snapshot_create:{sid}"] == ["AVAILABLE"]
    assert Storage.snapshot_plan(cfg, state) == {}
    assert (state["snapshot_type"], state["availability_zone"], state["status"],
            state["retention_time"], state["disk_ability"]) == (
        "Manual", ZONE, "AVAILABLE", None, True)
    assert (state["resource_group_id"], state["resource_group_name"]) == (
        acct.default_group, DEFAULT_GROUP_NAME)
    check_time(state["create_time"])
    for version in ("v2", "v1"):
        s = snapshot_wire(acct, sid, version)
        assert (s["snapshotName"], s["zoneId"], s["status"], s["snapshotType"], s["diskId"],
                s["diskAbility"]) == ("tf-snap", ZONE, "AVAILABLE", "Manual", disk, True), s
        assert s.get("retentionTime") is None, s          # permanent: null, never ""
        assert s["resourceGroup"] == {"resourceGroupId": acct.default_group,
                                      "resourceGroupName": DEFAULT_GROUP_NAME}


def test_a_new_snapshot_is_creating_without_disk_ability_for_exactly_its_phase(acct, server):
    iid = new_instance(acct)
    free, used = new_disks(acct, 2, name="src")
    raw_call(acct.zec, "AttachDisks", diskIds=[used], instanceId=iid)
    server.advance("1s")
    now = server.clock()["now"]
    a = new_snapshot(acct, free, "from-free", ready=False)
    b = new_snapshot(acct, used, "from-used", ready=False, version="v1")
    for sid in (a, b):
        s = snapshot_wire(acct, sid)
        assert (s["status"], s["diskAbility"], s["createTime"]) == ("CREATING", False, now), s
    assert (status_of(acct, free), status_of(acct, used)) == ("AVAILABLE", "IN_USE")
    server.advance(ms(PHASE_MS["snapshot-create"] - 1))
    assert snapshot_status(acct, a) == snapshot_status(acct, b) == "CREATING"
    server.advance("1ms")
    for sid in (a, b):
        s = snapshot_wire(acct, sid)
        assert (s["status"], s["diskAbility"]) == ("AVAILABLE", True)
    assert disk_wire(acct, used)["instanceId"] == iid


def test_a_data_disk_made_with_an_instance_can_be_snapshotted(acct):
    iid = new_instance(acct, dataDisks=[{"diskSize": 40}])
    data = [d for d in acct.wire("DescribeDisks", {"instanceId": iid})["dataSet"]
            if d["diskType"] == "DATA"][0]
    assert data["snapshotAbility"] is True
    sid = new_snapshot(acct, data["diskId"], "instance-data")
    s = snapshot_wire(acct, sid)
    assert (s["status"], s["diskId"], s["resourceGroup"]["resourceGroupId"]) == (
        "AVAILABLE", data["diskId"], instance_wire(acct, iid)["resourceGroupId"])


def test_retention_time_is_echoed_changed_and_cleared_the_providers_way(tf, acct, server, disk):
    ret, _ = retention(server, 2 * DAY)
    cfg = SnapshotConfig(disk_id=disk, name="kept", retention_time=ret)
    sid, state = tf.run(tf.snapshot_create(cfg))
    assert tf.sent("CreateSnapshot") == [{"diskId": disk, "snapshotName": "kept",
                                          "retentionTime": ret}]
    assert state["retention_time"] == ret and Storage.snapshot_plan(cfg, state) == {}
    assert snapshot_wire(acct, sid)["retentionTime"] == ret

    ret2, _ = retention(server, 3 * DAY)
    new = SnapshotConfig(disk_id=disk, name="renamed", retention_time=ret2)
    mark = len(tf.calls)
    state = tf.snapshot_update(sid, cfg, new)
    assert tf.calls_since(mark) == [("v1", "ModifySnapshotsAttribute"),
                                    ("v1", "DescribeSnapshots")]
    assert tf.sent("ModifySnapshotsAttribute") == [
        {"snapshotIds": [sid], "snapshotName": "renamed", "retentionTime": ret2}]
    assert Storage.snapshot_plan(new, state) == {}

    permanent = SnapshotConfig(disk_id=disk, name="renamed")
    state = tf.snapshot_update(sid, new, permanent)
    assert tf.sent("ModifySnapshotsAttribute")[-1] == {
        "snapshotIds": [sid], "snapshotName": "renamed", "isPermanent": True}
    assert state["retention_time"] is None and Storage.snapshot_plan(permanent, state) == {}
    assert snapshot_wire(acct, sid).get("retentionTime") is None
    # The 2025-09-01 action takes the same fields.
    raw_call(acct.zec, "ModifySnapshotsAttribute", snapshotIds=[sid], retentionTime=ret2)
    assert snapshot_wire(acct, sid)["retentionTime"] == ret2
    raw_call(acct.zec, "ModifySnapshotsAttribute", snapshotIds=[sid], snapshotName="v2-name",
             isPermanent=True)
    s = snapshot_wire(acct, sid)
    assert (s["snapshotName"], s.get("retentionTime")) == ("v2-name", None)


def test_a_snapshot_goes_when_its_retention_time_comes(acct, server, disk):
    ret, at = retention(server, DAY)               # 24 h (to the next second): the minimum
    sid = new_snapshot(acct, disk, "short-lived", retentionTime=ret)
    forever = new_snapshot(acct, disk, "forever")
    later_ret, _ = retention(server, 2 * DAY)
    later = new_snapshot(acct, disk, "later", retentionTime=later_ret)
    server.advance(ms(at * 1000 - 1 - now_ms(server)))
    assert snapshot_status(acct, sid) == "AVAILABLE"
    server.advance("1ms")
    server.advance(ms(PHASE_MS["snapshot-delete"]))
    assert snapshot_wire(acct, sid) is None
    assert snapshot_status(acct, forever) == snapshot_status(acct, later) == "AVAILABLE"
    assert status_of(acct, disk) == "AVAILABLE"


def test_delete_goes_deleting_then_gone_and_a_second_delete_counts_as_done(tf, acct, disk):
    sid, _ = tf.run(tf.snapshot_create(SnapshotConfig(disk_id=disk, name="to-delete")))
    mark = len(tf.calls)
    assert tf.run(tf.snapshot_delete(sid)) == "deleted"
    assert tf.calls_since(mark) == [("v1", "DeleteSnapshots")] + [("v1", "DescribeSnapshots")] * 3
    # DELETING at 0 and 0.5 s, gone at 1.5 s (snapshot-delete: 1 s).
    assert tf.observed[f"snapshot_delete:{sid}"] == ["DELETING", "DELETING", None]
    assert tf.snapshot_read(sid) is None
    assert tf.run(tf.snapshot_delete(sid)) == SNAP_NOT_FOUND
    wire = acct.wire("DescribeSnapshots", {"snapshotIds": [sid]}, version="v1")
    assert (wire["totalCount"], wire["dataSet"]) == (0, [])


def test_deleting_lasts_exactly_its_phase(acct, server, disk):
    sid = new_snapshot(acct, disk, "timed")
    assert acct.wire("DeleteSnapshots", {"snapshotIds": [sid]}) == {"snapshotIds": []}
    assert snapshot_status(acct, sid) == "DELETING"
    server.advance(ms(PHASE_MS["snapshot-delete"] - 1))
    assert snapshot_status(acct, sid) == "DELETING"
    server.advance("1ms")
    assert snapshot_wire(acct, sid) is None


def test_a_failed_snapshot_fails_the_apply_and_a_refresh_drops_it(tf, acct, server, disk,
                                                                  no_faults):
    [far] = new_disks(acct, zone=OTHER_ZONE, name="far")
    server.create_faults(failures=[{"phase": "snapshot-create", "zone": ZONE, "count": 1}])
    elsewhere, _ = tf.run(tf.snapshot_create(SnapshotConfig(disk_id=far, name="far-snap")))
    with pytest.raises(TerraformError) as failed:
        tf.run(tf.snapshot_create(SnapshotConfig(disk_id=disk, name="doomed")))
    sid = failed.value.resource_id
    assert tf.observed[f"snapshot_create:{sid}"] == ["FAILED"]
    assert server.faults()["failures"] == []
    s = snapshot_wire(acct, sid)
    assert (s["status"], s["diskAbility"]) == ("FAILED", False)
    assert tf.snapshot_read(sid) is None
    before = storage_snapshot(acct)
    refused(acct.zec, "CreateDisks", SNAP_STATUS, zoneId=ZONE, diskName="from-failed",
            diskSize=30, snapshotId=sid)
    assert storage_snapshot(acct) == before
    # The tainted snapshot is deleted before its replacement is made.
    assert tf.run(tf.snapshot_delete(sid)) == "deleted"
    again, state = tf.run(tf.snapshot_create(SnapshotConfig(disk_id=disk, name="doomed")))
    assert state["status"] == "AVAILABLE"
    assert snapshot_status(acct, elsewhere) == "AVAILABLE"
    assert status_of(acct, disk) == "AVAILABLE"


# --------------------------------------------------------------------------------------------
# Preconditions and bad input.

def test_create_snapshot_refusals_change_nothing(acct, server):
    intruder = new_account(server, "snapintruder")
    [theirs] = new_disks(intruder, name="theirs")
    iid = new_instance(acct)
    system = [d["diskId"] for d in acct.wire("DescribeDisks", {"instanceId": iid})["dataSet"]
              if d["diskType"] == "SYSTEM"][0]
    ok, attaching, changing, recycled = new_disks(acct, 4, name="cs")
    raw_call(acct.zec, "ReleaseDisk", diskId=recycled)
    server.advance("2s")
    raw_call(acct.zec, "AttachDisks", diskIds=[attaching], instanceId=iid)
    raw_call(acct.zec, "ResizeDisk", diskId=changing, diskSize=40)
    [creating] = new_disks(acct, name="cs-creating", ready=False)
    before = (storage_snapshot(acct), storage_snapshot(intruder))
    for client in (acct.zec24, acct.zec):
        refused(client, "CreateSnapshot", SYSTEM_TYPE, diskId=system, snapshotName="sys")
        for did in (attaching, changing, recycled, creating):
            refused(client, "CreateSnapshot", DISK_STATUS, diskId=did, snapshotName="busy")
        unknown = refused(client, "CreateSnapshot", "INVALID_DISK_NOT_FOUND", diskId=NOWHERE,
                          snapshotName="nowhere")
        assert refused(client, "CreateSnapshot", diskId=theirs, snapshotName="xx") == unknown
        # Retention: at least 24 h after the clock's now.
        now_s = now_ms(server) // 1000
        for seconds in (DAY - 1, 3600, 0, -DAY):
            refused(client, "CreateSnapshot", RETENTION, diskId=ok, snapshotName="short",
                    retentionTime=api_time(now_s + seconds))
        for bad in ("tomorrow", "2030-01-01", "2030-01-01 00:00:00", "2030-13-01T00:00:00Z"):
            refused(client, "CreateSnapshot", diskId=ok, snapshotName="bad", retentionTime=bad)
        for name in ("a", "x" * 64, "has space", "slash/no", ""):
            refused(client, "CreateSnapshot", diskId=ok, snapshotName=name)
        refused(client, "CreateSnapshot", diskId=ok)                 # no name
        refused(client, "CreateSnapshot", snapshotName="no-disk")    # no disk
    assert (storage_snapshot(acct), storage_snapshot(intruder)) == before
    # The limits themselves are fine.
    for name in ("ab", "x" * 63, "a-b_c.d"):
        assert snapshot_wire(acct, new_snapshot(acct, ok, name, ready=False))["snapshotName"] \
            == name


def test_at_most_100_snapshots_per_account(acct, server):
    a, b = new_disks(acct, 2, name="quota")
    ids = [new_snapshot(acct, a if n % 2 else b, f"q{n}", ready=False) for n in range(100)]
    server.advance(ms(PHASE_MS["snapshot-create"]))
    before = storage_snapshot(acct)
    for client in (acct.zec, acct.zec24):
        refused(client, "CreateSnapshot", QUOTA, diskId=a, snapshotName="one-too-many")
    assert storage_snapshot(acct) == before
    # Another account has a quota of its own; a deleted snapshot frees its place.
    other = new_account(server, "quotaother")
    [theirs] = new_disks(other, name="theirs")
    new_snapshot(other, theirs, "fine", ready=False)
    raw_call(acct.zec, "DeleteSnapshots", snapshotIds=[ids[0]])
    server.advance(ms(PHASE_MS["snapshot-delete"]))
    new_snapshot(acct, a, "room-again", ready=False)
    assert snap_ids(acct.zec, pageSize=1000)[0] == 100


def test_delete_snapshots_refusals_and_partial_failures(acct, server, disk):
    intruder = new_account(server, "delintruder")
    [their_disk] = new_disks(intruder, name="theirs")
    theirs = new_snapshot(intruder, their_disk, "theirs")
    a, b, c = (new_snapshot(acct, disk, n, ready=False) for n in ("sa", "sb", "sc"))
    server.advance(ms(PHASE_MS["snapshot-create"]))
    creating = new_snapshot(acct, disk, "creating", ready=False)
    before = (storage_snapshot(acct), storage_snapshot(intruder))
    for client in (acct.zec, acct.zec24):
        refused(client, "DeleteSnapshots", SNAP_STATUS, snapshotIds=[creating])
        for ids in ([NOWHERE], [NOWHERE, str(int(NOWHERE) + 1)], [theirs]):
            assert refused(client, "DeleteSnapshots", SNAP_NOT_FOUND, snapshotIds=ids) == (
                SNAP_NOT_FOUND, 404)
        refused(client, "DeleteSnapshots", snapshotIds=[str(int(NOWHERE) + n)
                                                        for n in range(101)])
    assert (storage_snapshot(acct), storage_snapshot(intruder)) == before
    # Mixed: the ones that cannot go are listed as failed, the others go.
    assert acct.wire("DeleteSnapshots", {"snapshotIds": [creating, a]}) == {
        "snapshotIds": [creating]}
    assert acct.wire("DeleteSnapshots", {"snapshotIds": [b, NOWHERE]},
                     version="v1") == {"snapshotIds": [NOWHERE]}
    assert acct.wire("DeleteSnapshots", {"snapshotIds": [theirs, c]}) == {
        "snapshotIds": [theirs]}
    assert [snapshot_status(acct, s) for s in (a, b, c, creating)] == [
        "DELETING", "DELETING", "DELETING", "CREATING"]
    assert snapshot_status(intruder, theirs) == "AVAILABLE"
    server.advance(ms(PHASE_MS["snapshot-delete"]))
    assert [snapshot_wire(acct, s) for s in (a, b, c)] == [None, None, None]
    server.advance(ms(PHASE_MS["snapshot-create"]))
    assert snapshot_status(acct, creating) == "AVAILABLE"


def test_modify_snapshots_attribute_is_all_or_nothing(acct, server, disk):
    intruder = new_account(server, "modintruder")
    [their_disk] = new_disks(intruder, name="theirs")
    theirs = new_snapshot(intruder, their_disk, "theirs")
    a = new_snapshot(acct, disk, "sa")
    b = new_snapshot(acct, disk, "sb")
    raw_call(acct.zec, "ModifySnapshotsAttribute", snapshotIds=[a, b], snapshotName="both")
    assert snapshot_wire(acct, a)["snapshotName"] == snapshot_wire(acct, b)["snapshotName"] \
        == "both"
    before = (storage_snapshot(acct), storage_snapshot(intruder))
    for client in (acct.zec, acct.zec24):
        for ids in ([a, NOWHERE], [NOWHERE], [theirs], [b, theirs]):
            refused(client, "ModifySnapshotsAttribute", SNAP_NOT_FOUND, snapshotIds=ids,
                    snapshotName="nope")
        for seconds in (3600, -DAY):
            refused(client, "ModifySnapshotsAttribute", RETENTION, snapshotIds=[a],
                    retentionTime=retention(server, seconds)[0])
        refused(client, "ModifySnapshotsAttribute", snapshotIds=[a], snapshotName="has space")
        refused(client, "ModifySnapshotsAttribute",
                snapshotIds=[str(int(NOWHERE) + n) for n in range(101)], snapshotName="n")
    assert (storage_snapshot(acct), storage_snapshot(intruder)) == before


def test_disks_are_made_from_available_snapshots_of_the_same_zone_and_no_smaller(acct, server,
                                                                                 disk):
    sid = new_snapshot(acct, disk, "base")              # of a 30 GiB disk
    raw_call(acct.zec, "ResizeDisk", diskId=disk, diskSize=50)
    server.advance(ms(PHASE_MS["disk-resize"]))
    [far_disk] = new_disks(acct, zone=OTHER_ZONE, size=30, name="far")
    far_snap = new_snapshot(acct, far_disk, "far")
    intruder = new_account(server, "fromintruder")
    [their_disk] = new_disks(intruder, size=30, name="theirs")
    theirs = new_snapshot(intruder, their_disk, "theirs")
    creating = new_snapshot(acct, disk, "creating", ready=False)
    before = (storage_snapshot(acct), storage_snapshot(intruder))
    for client in (acct.zec, acct.zec24):
        create = dict(zoneId=ZONE, diskName="restored", diskSize=30)
        for size in (20, 29):
            refused(client, "CreateDisks", SIZE_MISMATCH, **{**create, "diskSize": size},
                    snapshotId=sid)
        refused(client, "CreateDisks", SNAP_STATUS, **create, snapshotId=creating)
        for snap in (NOWHERE, theirs, far_snap):
            refused(client, "CreateDisks", SNAP_NOT_FOUND, **create, snapshotId=snap)
    assert (storage_snapshot(acct), storage_snapshot(intruder)) == before
    # Equal or bigger than the disk was: fine, in both versions.
    [same] = new_disks(acct, size=30, name="restored", snapshotId=sid)
    [bigger] = raw_call(acct.zec24, "CreateDisks", zoneId=ZONE, diskName="restored-v1",
                        diskSize=100, snapshotId=sid)["diskIds"]
    server.advance(ms(PHASE_MS["disk-create"]))
    for did, size in ((same, 30), (bigger, 100)):
        d = disk_wire(acct, did)
        assert (d["diskStatus"], d["diskSize"], d["zoneId"], d["portable"], d["diskType"]) == (
            "AVAILABLE", size, ZONE, True, "DATA")
    [far_restored] = new_disks(acct, zone=OTHER_ZONE, size=30, name="far-restored",
                               snapshotId=far_snap)
    assert status_of(acct, far_restored) == "AVAILABLE"


def test_a_disks_snapshots_outlive_it(acct, server, disk):
    sid = new_snapshot(acct, disk, "survivor")
    raw_call(acct.zec24, "ReleaseDisk", diskId=disk)
    server.advance(ms(PHASE_MS["disk-release"]))
    raw_call(acct.zec24, "ReleaseDisk", diskId=disk)
    assert disk_wire(acct, disk) is None
    s = snapshot_wire(acct, sid)
    assert (s["status"], s["diskId"], s["diskAbility"]) == ("AVAILABLE", disk, True)
    assert snap_ids(acct.zec, diskIds=[disk]) == (1, [sid])
    [restored] = new_disks(acct, size=30, name="restored", snapshotId=sid)
    assert status_of(acct, restored) == "AVAILABLE"


# --------------------------------------------------------------------------------------------
# DescribeSnapshots.

@pytest.fixture
def fleet(acct):
    """Disks d1 (default group), d2 (group blue) in asia-east-1a, d3 in asia-southwest-1a;
    snapshots s1 "alpha-snap" (d1), s2 "Beta.snap" (d2), s3 "gamma" (d3), AVAILABLE, and s4
    "alpha-creating" (d1), CREATING."""
    [d1] = new_disks(acct, name="d1")
    [d2] = new_disks(acct, name="d2", resourceGroupId=acct.group("blue"))
    [d3] = new_disks(acct, zone=OTHER_ZONE, name="d3")
    s1 = new_snapshot(acct, d1, "alpha-snap", ready=False)
    s2 = new_snapshot(acct, d2, "Beta.snap", ready=False)
    s3 = new_snapshot(acct, d3, "gamma", ready=False)
    acct.server.advance(ms(PHASE_MS["snapshot-create"]))
    s4 = new_snapshot(acct, d1, "alpha-creating", ready=False)
    return {"d1": d1, "d2": d2, "d3": d3, "s1": s1, "s2": s2, "s3": s3, "s4": s4}


def test_snapshot_ids_are_exact_and_unknown_ids_find_nothing(acct, fleet):
    s1, s2, s3 = fleet["s1"], fleet["s2"], fleet["s3"]
    for client in (acct.zec, acct.zec24):
        assert snap_ids(client, snapshotIds=[s2]) == (1, [s2])
        assert snap_ids(client, snapshotIds=[s3, s1]) == (2, [s1, s3])
        assert snap_ids(client, snapshotIds=[s1, NOWHERE, s1]) == (1, [s1])
    for unknown in ([NOWHERE], ["snap-x"], [fleet["d1"]]):
        wire = acct.wire("DescribeSnapshots", {"snapshotIds": unknown})
        assert (wire["totalCount"], wire["dataSet"]) == (0, [])


def test_every_filter_of_describe_snapshots(acct, fleet):
    f = fleet
    s1, s2, s3, s4 = f["s1"], f["s2"], f["s3"], f["s4"]
    every = [s1, s2, s3, s4]
    checks = [
        ({"zoneId": ZONE}, [s1, s2, s4]),
        ({"zoneId": OTHER_ZONE}, [s3]),
        ({"status": "CREATING"}, [s4]),
        ({"status": "AVAILABLE"}, [s1, s2, s3]),
        ({"status": "FAILED"}, []),
        ({"diskIds": [f["d1"]]}, [s1, s4]),
        ({"diskIds": [f["d3"], f["d2"]]}, [s2, s3]),
        ({"diskType": "DATA"}, every),
        ({"diskType": "SYSTEM"}, []),
        ({"snapshotType": "Manual"}, every),
        ({"snapshotType": "Auto"}, []),
        ({"snapshotName": "ALPHA"}, [s1, s4]),       # substring, any case
        ({"snapshotName": "snap"}, [s1, s2]),
        ({"snapshotName": "^alpha-snap$"}, [s1]),    # exactly that name
        ({"snapshotName": "^alpha$"}, []),
        ({"snapshotName": "^alpha.snap$"}, []),      # literal, not a pattern
        ({"snapshotName": "^Beta.snap$"}, [s2]),
        ({"resourceGroupId": acct.group("blue")}, [s2]),
        ({"resourceGroupId": acct.default_group}, [s1, s3, s4]),
        ({"resourceGroupId": "00000000-0000-0000-0000-000000000000"}, []),
        ({"zoneId": ZONE, "status": "AVAILABLE"}, [s1, s2]),
        ({"snapshotIds": [s1, s2, s3], "diskIds": [f["d1"]]}, [s1]),
        # "" is "not given" (§0.4): the CSI sends zoneId and resourceGroupId that way.
        ({"zoneId": "", "status": "", "diskType": "", "snapshotType": "", "snapshotName": "",
          "resourceGroupId": ""}, every),
    ]
    for client in (acct.zec, acct.zec24):
        for filters, expected in checks:
            assert snap_ids(client, **filters) == (len(expected), expected), filters


def test_describe_snapshots_pages_in_creation_order_and_as_the_data_source_reads(acct, fleet):
    f = fleet
    every = [f["s1"], f["s2"], f["s3"], f["s4"]]
    for client in (acct.zec, acct.zec24):
        for size in (1, 3):
            assert every_page(client, "DescribeSnapshots", "snapshotId", size) == every
    # data "zenlayercloud_zec_disk_snapshots": v1, pageSize 100, the filters it sends.
    assert terraform_list(acct.zec24, "DescribeSnapshots", "snapshotId") == every
    assert terraform_list(acct.zec24, "DescribeSnapshots", "snapshotId", zoneId=ZONE,
                          diskIds=[f["d1"]], snapshotType="Manual",
                          resourceGroupId=acct.default_group) == [f["s1"], f["s4"]]
    assert terraform_list(acct.zec24, "DescribeSnapshots", "snapshotId",
                          snapshotIds=[f["s3"], f["s2"]], snapshotName="a") == [f["s2"],
                                                                               f["s3"]]
    for client in (acct.zec, acct.zec24):
        assert answer(client, "DescribeSnapshots", pageSize=1001)[0] == \
            "INVALID_PARAMETER_EXCEED_MAXIMUM"
        assert answer(client, "DescribeSnapshots", pageSize=0)[0] == \
            "INVALID_PARAMETER_LESS_MINIMUM"
        assert answer(client, "DescribeSnapshots",
                      snapshotIds=[str(int(NOWHERE) + n) for n in range(101)])[0] == \
            "INVALID_PARAMETER_EXCEED_LENGTH"


def test_the_default_page_holds_20(acct, disk):
    ids = [new_snapshot(acct, disk, f"p{n}", ready=False) for n in range(21)]
    for client in (acct.zec, acct.zec24):
        assert snap_ids(client) == (21, ids[:20])
        assert snap_ids(client, pageNum=2) == (21, ids[20:])


# --------------------------------------------------------------------------------------------
# Accounts and credentials.

def test_another_accounts_snapshots_answer_as_ones_that_never_existed(acct, server, fleet):
    s1, d1 = fleet["s1"], fleet["d1"]
    intruder = new_account(server, "snapspy")
    before = storage_snapshot(acct)
    for client in (intruder.zec, intruder.zec24):
        assert snap_ids(client, snapshotIds=[s1, fleet["s2"]]) == (0, [])
        assert snap_ids(client, diskIds=[d1]) == (0, [])
        assert snap_ids(client, pageSize=1000) == (0, [])
    probes = [
        ("DeleteSnapshots", lambda s: {"snapshotIds": [s]}),
        ("ModifySnapshotsAttribute", lambda s: {"snapshotIds": [s], "snapshotName": "mine"}),
        ("CreateDisks", lambda s: {"zoneId": ZONE, "diskName": "mine", "diskSize": 100,
                                   "snapshotId": s}),
    ]
    for action, fields in probes:
        got = answer(intruder.zec, action, **fields(s1))
        assert got == answer(intruder.zec, action, **fields(NOWHERE)), (action, got)
        assert 400 <= got[1] < 500
    assert storage_snapshot(acct) == before


def test_a_read_only_credential_reads_snapshots_and_changes_nothing(acct, fleet):
    ro = scoped(acct, read_only=True)
    f = fleet
    assert snap_ids(ro.zec, pageSize=100) == (4, [f["s1"], f["s2"], f["s3"], f["s4"]])
    before = storage_snapshot(acct)
    for client, action, fields in [
        (ro.zec, "CreateSnapshot", {"diskId": f["d1"], "snapshotName": "ro"}),
        (ro.zec24, "CreateSnapshot", {"diskId": f["d1"], "snapshotName": "ro"}),
        (ro.zec, "ModifySnapshotsAttribute", {"snapshotIds": [f["s1"]], "snapshotName": "ro"}),
        (ro.zec24, "DeleteSnapshots", {"snapshotIds": [f["s1"]]}),
        (ro.zec, "CreateDisks", {"zoneId": ZONE, "diskName": "ro", "diskSize": 100,
                                 "snapshotId": f["s1"]}),
    ]:
        assert answer(client, action, **fields) == UNAUTHORIZED, action
    assert storage_snapshot(acct) == before


def test_a_group_scoped_credential_sees_and_touches_only_its_groups_snapshots(acct, fleet):
    f = fleet
    c = scoped(acct, "blue")
    assert snap_ids(c.zec, pageSize=100) == (1, [f["s2"]])
    assert snap_ids(c.zec24, snapshotIds=[f["s1"], f["s2"], f["s4"]]) == (1, [f["s2"]])
    assert snap_ids(c.zec, diskIds=[f["d1"]]) == (0, [])
    before = storage_snapshot(acct)
    for client, action, fields in [
        (c.zec, "CreateSnapshot", {"diskId": f["d1"], "snapshotName": "outside"}),
        (c.zec, "ModifySnapshotsAttribute", {"snapshotIds": [f["s1"]], "snapshotName": "xx"}),
        (c.zec, "ModifySnapshotsAttribute", {"snapshotIds": [f["s2"], f["s1"]],
                                             "snapshotName": "xx"}),
        (c.zec24, "DeleteSnapshots", {"snapshotIds": [f["s1"]]}),
        (c.zec24, "DeleteSnapshots", {"snapshotIds": [f["s2"], f["s3"]]}),
    ]:
        assert answer(client, action, **fields) == UNAUTHORIZED, (action, fields)
    code, _ = refused(c.zec, "CreateDisks", zoneId=ZONE, diskName="x", diskSize=100,
                      snapshotId=f["s1"], resourceGroupId=acct.group("blue"))
    assert code in (UNAUTHORIZED[0], SNAP_NOT_FOUND), code
    assert storage_snapshot(acct) == before
    # Inside its group: a snapshot of its disk is in its group, and makes a disk there.
    mine = new_snapshot(c, f["d2"], "scoped")
    assert snapshot_wire(acct, mine)["resourceGroup"]["resourceGroupId"] == acct.group("blue")
    [restored] = new_disks(c, name="scoped-restored", snapshotId=mine,
                           resourceGroupId=acct.group("blue"))
    assert status_of(acct, restored) == "AVAILABLE"
    raw_call(c.zec, "DeleteSnapshots", snapshotIds=[mine])
    assert snapshot_status(acct, mine) == "DELETING"


# --------------------------------------------------------------------------------------------
# kill -9 in the middle of phases.

def test_snapshot_phases_and_retention_survive_kill_9(start_zecd, tmp_path):
    data = tmp_path / "data"
    server = start_zecd(data_dir=data, transition="", extra_args=["--clock", "manual"])
    acct = new_account(server, "snapdurable")
    [disk] = new_disks(acct, size=30, name="durable")
    doomed = new_snapshot(acct, disk, "doomed")
    ret, at = retention(server, DAY)
    short = new_snapshot(acct, disk, "short", retentionTime=ret)
    t0 = now_ms(server)
    creating = new_snapshot(acct, disk, "creating", ready=False)           # due t0 + 2 s
    server.create_faults(failures=[{"phase": "snapshot-create", "count": 1}])
    failing = new_snapshot(acct, disk, "failing", ready=False)             # fails t0 + 2 s
    server.delete_faults()
    server.advance("500ms")
    raw_call(acct.zec24, "DeleteSnapshots", snapshotIds=[doomed])          # gone t0 + 1.5 s
    deadline = {
        doomed: (t0 + 1500, "DELETING", None),
        creating: (t0 + 2000, "CREATING", "AVAILABLE"),
        failing: (t0 + 2000, "CREATING", "FAILED"),
    }
    assert {s: snapshot_status(acct, s) for s in deadline} == {
        s: v[1] for s, v in deadline.items()}
    before = storage_snapshot(acct)
    now = now_ms(server)

    server.kill()
    again = start_zecd(data_dir=data, transition="", extra_args=["--clock", "manual"])
    same = account_of(again, acct.name, acct.key)
    assert now_ms(again) == now
    assert storage_snapshot(same) == before
    for due in sorted({v[0] for v in deadline.values()}):
        for at_ms in (due - 1, due):
            again.advance(ms(at_ms - now))
            now = at_ms
            expected = {s: (v[2] if v[0] <= now else v[1]) for s, v in deadline.items()}
            assert {s: snapshot_status(same, s) for s in deadline} == expected, \
                f"t0+{now - t0} ms"
    assert snapshot_wire(same, creating)["diskAbility"] is True
    # The retention time still comes, after the restart.
    assert snapshot_status(same, short) == "AVAILABLE"
    again.advance(ms(at * 1000 - 1 - now))
    assert snapshot_status(same, short) == "AVAILABLE"
    again.advance("1ms")
    again.advance(ms(PHASE_MS["snapshot-delete"]))
    assert snapshot_wire(same, short) is None
    assert snapshot_status(same, creating) == "AVAILABLE"
