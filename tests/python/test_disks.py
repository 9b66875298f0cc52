"""Disks (issue 12; notes/issue12-design.md "Disks", "Instances"; spec zec-resources.md §0, §9,
§12 zec_disks, §13, §14, §16, §17), through the official Python SDK on a zecd with a manual
clock:

* The provider's zenlayercloud_zec_disk replayed call for call (tfstorage.Storage): CreateDisks
  v2, the StateChangeConf (first poll after 3 s), Read v2 retried while operating; update in the
  provider's order ModifyDisksAttributes v2 → AddResourceResourceGroup → ModifyResourceTags →
  ResizeDisk v1 → Read (waiting CHANGING out); delete ReleaseDisk v1, the poll to RECYCLED, and
  force_delete's second ReleaseDisk. zenlayercloud_zec_disk_attachment: AttachDisks v2 → Read
  (ATTACHING → IN_USE), DetachDisks v2 {instanceCheckFlag:false} from a RUNNING instance → poll
  to AVAILABLE. The disk + instance + attachment example applied and destroyed to nothing.
* Each phase lasts exactly its default (disk-create 2 s, disk-attach 1 s, disk-detach 1 s,
  disk-resize 2 s, disk-release 2 s); instanceId is set (attach) or cleared (detach) at once.
* Every instance's system disk (and the data disk made with it) is a disk; DescribeInstances'
  systemDisk/dataDisks agree with DescribeDisks; ReleaseInstances' dependResource at the purge.
* Every refusal of the design with its code, and nothing changed (the account's storage
  snapshot before and after); bad input; DescribeDisks' filters, paging, ids; isolation between
  accounts; read-only and resource-group-scoped credentials; a disk-create fault rule; kill -9
  in the middle of phases (on both backends: nothing here depends on which one runs).

Assumptions beyond the design (pinned here):
* A disk is listed from the CreateDisks answer on, created at the lifecycle clock's now; a new
  instance's disks are listed from its create answer on (their status while it deploys is not
  tested, only once it is RUNNING: IN_USE).
* ``burstingEnabled`` is false unless sent; ``tags`` of an untagged disk read back as no tags.
* Disks created by CreateDisks with ``instanceId``/``instanceIds`` are standalone: portable.
* The data disk made with an instance and its system disk are in the instance's resource group.
* Refusals whose code the design does not name (bad names, sizes, amounts, too many ids, an
  unknown disk in ResizeDisk/DetachDisks, an unknown instance in CreateDisks) only need a 4xx
  with a code Terraform does not retry (netkit.refused), and change nothing.
* Paging and id lists as for instances (README "Choices"): pageSize > 1000
  INVALID_PARAMETER_EXCEED_MAXIMUM, < 1 INVALID_PARAMETER_LESS_MINIMUM, more than 100 ids
  INVALID_PARAMETER_EXCEED_LENGTH.
* ``^name$`` is the literal name (``^alpha.data$`` does not find ``alpha-data``).
* Attaching a non-portable disk (always IN_USE) is UNSUPPORTED_OPERATION_DISK_STATUS or
  INVALID_DISK_NOT_PORTABLE (the design does not order the two checks).
* In DescribeInstances.dataDisks the order of the entries is not pinned.
"""

from __future__ import annotations

import pytest

from conftest import DEFAULT_GROUP_NAME, PASSWORD, REGION, SUBNET, ZONE
from netkit import (
    UNAUTHORIZED,
    account_of,
    answer,
    check_time,
    every_page,
    listing,
    new_account,
    fails,
    refused,
    scoped,
    tag_association,
    terraform_list,
)
from tfnet import InstanceConfig, TerraformError
from tfstorage import (
    BASIC,
    CATALOG_REGIONS,
    DEPLOY_MS,
    ID,
    NOWHERE,
    OTHER_REGION,
    OTHER_ZONE,
    PHASE_MS,
    SERIAL,
    STANDARD,
    DiskConfig,
    Storage,
    disk_wire,
    instance_wire,
    ms,
    new_disks,
    new_instance,
    raw_call,
    status_of,
    stop,
    storage_snapshot,
)

NOT_FOUND = ("INVALID_DISK_NOT_FOUND", 404)
BAD_STATUS = ("UNSUPPORTED_OPERATION_DISK_STATUS", 400)
NOT_PORTABLE = ("INVALID_DISK_NOT_PORTABLE", 400)
ZONE_MISMATCH = ("INVALID_DISK_AND_INSTANCE_ZONE_MISMATCHED", 400)
INSTANCE_STATUS = ("UNSUPPORTED_OPERATION_INSTANCE_STATUS", 400)
TOO_MANY = ("LIMIT_EXCEEDED_INSTANCE_CAN_ATTACH", 400)
RELEASE_UNKNOWN = ("OPERATION_FAILED_RESOURCE_NOT_FOUND", 404)
BEING_RECYCLED = "UNSUPPORTED_OPERATION_DISK_BEING_RECYCLE"
DATA_DISK_KEYS = ("diskId", "diskName", "diskSize", "portable", "burstingEnabled", "diskCategory")


@pytest.fixture(scope="module")
def server(manual_zecd):
    return manual_zecd


@pytest.fixture
def acct(server):
    return new_account(server, "disk")


@pytest.fixture
def tf(acct):
    return Storage(acct)


@pytest.fixture
def no_faults(server):
    server.delete_faults()
    yield
    server.delete_faults()


def disk_ids(client, **filters) -> tuple[int, list[str]]:
    return listing(client, "DescribeDisks", "diskId", **filters)


def denied(client, action: str, expected: tuple[str, int], **fields) -> None:
    """A refusal with the design's code and HTTP status."""
    got = refused(client, action, expected[0], **fields)
    assert got == expected, (action, fields, got)


def attach(acct, dids: list[str], iid: str, done: bool = True) -> None:
    raw_call(acct.zec, "AttachDisks", diskIds=dids, instanceId=iid)
    if done:
        acct.server.advance(ms(PHASE_MS["disk-attach"]))


def detach(acct, dids: list[str], done: bool = True) -> None:
    raw_call(acct.zec, "DetachDisks", diskIds=dids, instanceCheckFlag=False)
    if done:
        acct.server.advance(ms(PHASE_MS["disk-detach"]))


def instance_disks(acct, iid: str) -> dict[str, dict]:
    """The instance's disks by type: {"SYSTEM": info, "DATA": [infos]} from DescribeDisks."""
    found = acct.wire("DescribeDisks", {"instanceId": iid, "pageSize": 100})["dataSet"]
    return {"SYSTEM": [d for d in found if d["diskType"] == "SYSTEM"],
            "DATA": [d for d in found if d["diskType"] == "DATA"]}


def data_disks(acct, iid: str) -> dict[str, dict]:
    """DescribeInstances' dataDisks of ``iid``, by disk id, as the provider reads them."""
    entries = instance_wire(acct, iid).get("dataDisks") or []
    for e in entries:
        assert e.get("diskAmount") is None, e   # request-only
    return {e["diskId"]: {k: e.get(k) for k in DATA_DISK_KEYS} for e in entries}


def data_disk_entry(d: dict) -> dict:
    """What DescribeInstances.dataDisks must say of the disk ``d`` (a DiskInfo)."""
    return {"diskId": d["diskId"], "diskName": d["diskName"], "diskSize": d["diskSize"],
            "portable": d["portable"], "burstingEnabled": d["burstingEnabled"],
            "diskCategory": d["diskCategory"]}


# --------------------------------------------------------------------------------------------
# zenlayercloud_zec_disk: create and read.

def test_create_waits_for_available_then_reads_back_what_terraform_sent(tf, acct):
    cfg = DiskConfig(disk_size=40, disk_name="tf-disk-1")
    did, state = tf.run(tf.disk_create(cfg))
    assert ID.match(did), did
    assert tf.calls == [("v2", "CreateDisks"), ("v2", "DescribeDisks"), ("v2", "DescribeDisks")]
    assert tf.sent("CreateDisks") == [dict(diskName="tf-disk-1", diskSize=40,
                                           diskCategory=STANDARD, zoneId=ZONE)]
    # Delay 3 s, then one poll: disk-create (2 s) is over.
    assert tf.clock == 3.0
    assert tf.observed[f"disk_create:{did}"] == ["AVAILABLE"]
    assert tf.observed[f"disk_read:{did}"] == ["AVAILABLE"]
    assert Storage.disk_plan(cfg, state) == {}
    assert state["disk_type"] == "DATA"
    assert (state["resource_group_id"], state["resource_group_name"]) == (
        acct.default_group, DEFAULT_GROUP_NAME)
    check_time(state["create_time"])


def test_a_new_disk_is_listed_at_once_and_creating_for_exactly_its_phase(acct, server):
    now = server.clock()["now"]
    resp = acct.wire("CreateDisks", {"zoneId": ZONE, "diskName": "phase", "diskSize": 20})
    [did] = resp["diskIds"]
    assert isinstance(resp["orderNumber"], str) and resp["orderNumber"], resp
    for version in ("v2", "v1"):
        d = disk_wire(acct, did, version)
        assert d["diskStatus"] == "CREATING", d
        assert d["createTime"] == now
    server.advance(ms(PHASE_MS["disk-create"] - 1))
    assert status_of(acct, did) == "CREATING"
    server.advance("1ms")
    assert status_of(acct, did) == "AVAILABLE"


def test_a_standalone_disk_on_the_wire_null_not_empty(acct):
    [did] = new_disks(acct, name="wire-disk", size=30)
    d = disk_wire(acct, did)
    assert (d["diskName"], d["regionId"], d["zoneId"], d["diskType"], d["portable"],
            d["diskCategory"], d["diskSize"], d["diskStatus"]) == (
        "wire-disk", REGION, ZONE, "DATA", True, STANDARD, 30, "AVAILABLE")
    for key in ("instanceId", "instanceName", "expiredTime", "period", "autoSnapshotPolicyId"):
        assert d.get(key) is None, (key, d)   # null or absent, never ""
    assert SERIAL.match(d["serial"]), d
    assert d["snapshotAbility"] is True and d["burstingEnabled"] is False
    assert (d["resourceGroupId"], d["resourceGroupName"]) == (acct.default_group,
                                                              DEFAULT_GROUP_NAME)
    assert not ((d.get("tags") or {}).get("tags") or [])
    check_time(d["createTime"])
    v1 = disk_wire(acct, did, "v1")
    assert v1["chargeType"] == "POSTPAID"
    assert (v1["diskId"], v1["serial"], v1["diskStatus"], v1["portable"]) == (
        did, d["serial"], "AVAILABLE", True)
    assert v1.get("instanceId") is None
    # Serials are unique.
    more = new_disks(acct, 5, name="wire-more")
    serials = {disk_wire(acct, i)["serial"] for i in more} | {d["serial"]}
    assert len(serials) == 6 and all(SERIAL.match(s) for s in serials)


def test_category_defaults_to_standard_and_both_categories_and_bursting_are_kept(acct):
    [plain] = new_disks(acct, name="plain")
    [basic] = new_disks(acct, name="basic", diskCategory=BASIC)
    [burst] = new_disks(acct, name="burst", diskCategory=STANDARD, burstingEnabled=True)
    assert disk_wire(acct, plain)["diskCategory"] == STANDARD
    assert disk_wire(acct, basic)["diskCategory"] == BASIC
    b = disk_wire(acct, burst)
    assert (b["diskCategory"], b["burstingEnabled"]) == (STANDARD, True)


def test_create_into_a_resource_group_with_tags_reads_both_back(tf, acct):
    group = acct.group("storage")
    cfg = DiskConfig(disk_size=25, disk_name="tagged", resource_group_id=group,
                     tags={"env": "test", "team": "storage"}, disk_category=BASIC)
    _, state = tf.run(tf.disk_create(cfg))
    assert Storage.disk_plan(cfg, state) == {}
    assert (state["resource_group_id"], state["resource_group_name"]) == (group, "storage")


def test_describe_disk_regions_and_categories(acct):
    regions = acct.wire("DescribeDiskRegions")["regionIds"]
    assert sorted(regions) == sorted(CATALOG_REGIONS)
    assert sorted(acct.wire("DescribeDiskRegions", version="v1")["regionIds"]) == \
        sorted(CATALOG_REGIONS)
    every = acct.wire("DescribeDiskCategory")["categoryZoneSet"]
    assert {z["zoneId"] for z in every} >= {ZONE, OTHER_ZONE}
    for z in every:
        assert sorted(z["categorySet"]) == [BASIC, STANDARD], z
    [one] = acct.wire("DescribeDiskCategory", {"zoneId": ZONE})["categoryZoneSet"]
    assert one["zoneId"] == ZONE
    for z in acct.wire("DescribeDiskCategory", {"diskCategory": BASIC})["categoryZoneSet"]:
        assert BASIC in z["categorySet"]


# --------------------------------------------------------------------------------------------
# zenlayercloud_zec_disk: update and delete.

def test_update_renames_moves_retags_then_resizes_in_the_providers_order(tf, acct):
    cfg = DiskConfig(disk_size=20, disk_name="before", tags={"env": "dev", "gone": "soon"})
    did, _ = tf.run(tf.disk_create(cfg))
    new = DiskConfig(disk_size=50, disk_name="after", resource_group_id=acct.group("moved"),
                     tags={"env": "prod", "new": "tag"})
    mark, start = len(tf.calls), tf.clock
    state = tf.run(tf.disk_update(did, cfg, new))
    calls = tf.calls_since(mark)
    assert calls[:4] == [("v2", "ModifyDisksAttributes"), ("user", "AddResourceResourceGroup"),
                         ("zrm", "ModifyResourceTags"), ("v1", "ResizeDisk")]
    assert set(calls[4:]) == {("v2", "DescribeDisks")}
    assert tf.sent("ResizeDisk") == [{"diskId": did, "diskSize": 50}]
    # Read retries while CHANGING (0, 0.5, 1.5 s) and sees AVAILABLE at 3.5 s (resize: 2 s).
    assert tf.observed[f"disk_read:{did}"][1:] == ["CHANGING", "CHANGING", "CHANGING",
                                                   "AVAILABLE"]
    assert tf.clock - start == 3.5
    assert Storage.disk_plan(new, state) == {}
    assert state["resource_group_name"] == "moved"


def test_a_resize_shows_the_new_size_at_once_and_changes_for_exactly_its_phase(acct, server):
    iid = new_instance(acct)
    free, used = new_disks(acct, 2, size=30)
    attach(acct, [used], iid)
    for version, did, size in (("v2", free, 40), ("v1", used, 45)):
        raw_call(acct.client(version), "ResizeDisk", diskId=did, diskSize=size)
        d = disk_wire(acct, did)
        assert (d["diskStatus"], d["diskSize"]) == ("CHANGING", size)
    assert data_disks(acct, iid)[used]["diskSize"] == 45
    server.advance(ms(PHASE_MS["disk-resize"] - 1))
    assert (status_of(acct, free), status_of(acct, used)) == ("CHANGING", "CHANGING")
    server.advance("1ms")
    assert (status_of(acct, free), status_of(acct, used)) == ("AVAILABLE", "IN_USE")
    assert disk_wire(acct, used)["instanceId"] == iid
    # Up to the maximum.
    raw_call(acct.zec, "ResizeDisk", diskId=free, diskSize=32768)
    assert disk_wire(acct, free)["diskSize"] == 32768


def test_delete_recycles_the_disk_and_a_refresh_then_drops_it(tf, acct, server):
    did, _ = tf.run(tf.disk_create(DiskConfig(disk_name="to-recycle")))
    mark = len(tf.calls)
    assert tf.run(tf.disk_delete(did)) == "recycled"
    calls = tf.calls_since(mark)
    assert calls[0] == ("v1", "ReleaseDisk") and set(calls[1:]) == {("v2", "DescribeDisks")}
    # RECYCLING at 0, 0.5 and 1.5 s, RECYCLED at 3.5 s (release: 2 s).
    assert tf.observed[f"disk_delete:{did}"] == ["RECYCLING", "RECYCLING", "RECYCLING",
                                                 "RECYCLED"]
    assert tf.run(tf.disk_read(did)) is None
    # A recycled disk stays until released again (no automatic purge).
    server.advance("1day")
    d = disk_wire(acct, did)
    assert d["diskStatus"] == "RECYCLED" and d.get("instanceId") is None
    raw_call(acct.zec24, "ReleaseDisk", diskId=did)
    assert disk_wire(acct, did) is None
    wire = acct.wire("DescribeDisks", {"diskIds": [did]})
    assert (wire["totalCount"], wire["dataSet"]) == (0, [])
    for client in (acct.zec24, acct.zec):
        denied(client, "ReleaseDisk", RELEASE_UNKNOWN, diskId=did)


def test_force_delete_releases_the_recycled_disk_again_and_it_is_gone(tf, acct):
    before = storage_snapshot(acct)
    cfg = DiskConfig(disk_name="forced", force_delete=True)
    did, _ = tf.run(tf.disk_create(cfg))
    mark = len(tf.calls)
    assert tf.run(tf.disk_delete(did, force_delete=True)) == "released"
    calls = tf.calls_since(mark)
    assert calls[0] == calls[-1] == ("v1", "ReleaseDisk")
    assert set(calls[1:-1]) == {("v2", "DescribeDisks")}
    assert tf.dropped == []
    assert disk_wire(acct, did) is None
    assert storage_snapshot(acct) == before


def test_a_delete_while_recycling_counts_as_already_recycling(tf, acct):
    [did] = new_disks(acct, name="twice")
    raw_call(acct.zec24, "ReleaseDisk", diskId=did)
    assert status_of(acct, did) == "RECYCLING"
    assert refused(acct.zec24, "ReleaseDisk", BEING_RECYCLED, diskId=did)[0] == BEING_RECYCLED
    assert tf.run(tf.disk_delete(did)) == "recycled"
    assert status_of(acct, did) == "RECYCLED"


def test_a_failed_create_fails_the_apply_and_a_refresh_drops_the_disk(tf, acct, server,
                                                                      no_faults):
    [rule] = server.create_faults(failures=[{"phase": "disk-create", "zone": ZONE, "count": 1}])
    # Another zone is not matched by the rule.
    far, _ = tf.run(tf.disk_create(DiskConfig(availability_zone=OTHER_ZONE, disk_name="far")))
    assert [r["id"] for r in server.faults()["failures"]] == [rule]
    with pytest.raises(TerraformError) as failed:
        tf.run(tf.disk_create(DiskConfig(disk_name="doomed")))
    did = failed.value.resource_id
    assert tf.observed[f"disk_create:{did}"] == ["FAILED"]
    assert server.faults()["failures"] == []
    d = disk_wire(acct, did)
    assert d["diskStatus"] == "FAILED" and d.get("instanceId") is None
    assert tf.run(tf.disk_read(did)) is None
    # A failed disk can only be released: FAILED → RECYCLING → RECYCLED → gone.
    iid = new_instance(acct)
    before = storage_snapshot(acct)
    denied(acct.zec, "AttachDisks", BAD_STATUS, diskIds=[did], instanceId=iid)
    denied(acct.zec, "ResizeDisk", BAD_STATUS, diskId=did, diskSize=40)
    assert storage_snapshot(acct) == before
    assert tf.run(tf.disk_delete(did, force_delete=True)) == "released"
    assert disk_wire(acct, did) is None
    # The replacement goes through.
    again, state = tf.run(tf.disk_create(DiskConfig(disk_name="doomed")))
    assert status_of(acct, again) == "AVAILABLE" and state["disk_name"] == "doomed"
    assert status_of(acct, far) == "AVAILABLE"


# --------------------------------------------------------------------------------------------
# zenlayercloud_zec_disk_attachment.

def test_attach_waits_attaching_out_then_detach_from_a_running_instance(tf, acct):
    iid = new_instance(acct)
    did, _ = tf.run(tf.disk_create(DiskConfig(disk_name="data-1", disk_size=30)))
    mark = len(tf.calls)
    state = tf.run(tf.disk_attachment_create(did, iid))
    assert state == {"disk_id": did, "instance_id": iid}
    assert tf.calls_since(mark) == [("v2", "AttachDisks")] + [("v2", "DescribeDisks")] * 3
    assert tf.sent("AttachDisks") == [{"diskIds": [did], "instanceId": iid}]
    # instanceId is there from the attach answer on; IN_USE after 1 s (seen at 1.5 s).
    assert tf.observed[f"attachment_read:{did}"] == [("ATTACHING", iid), ("ATTACHING", iid),
                                                     ("IN_USE", iid)]
    d = disk_wire(acct, did)
    assert (d["diskStatus"], d["instanceId"], d["instanceName"]) == (
        "IN_USE", iid, instance_wire(acct, iid)["instanceName"])
    assert data_disks(acct, iid) == {did: data_disk_entry(d)}
    assert data_disks(acct, iid)[did]["portable"] is True

    # Destroy: DetachDisks {instanceCheckFlag:false} from the RUNNING instance, poll AVAILABLE.
    mark = len(tf.calls)
    tf.run(tf.disk_attachment_delete(did))
    assert tf.sent("DetachDisks") == [{"diskIds": [did], "instanceCheckFlag": False}]
    assert tf.calls_since(mark) == [("v2", "DetachDisks")] + [("v2", "DescribeDisks")] * 3
    assert tf.observed[f"attachment_delete:{did}"] == [("DETACHING", None), ("DETACHING", None),
                                                       ("AVAILABLE", None)]
    assert tf.run(tf.disk_attachment_read(did)) is None
    d = disk_wire(acct, did)
    assert d["diskStatus"] == "AVAILABLE"
    assert d.get("instanceId") is None and d.get("instanceName") is None
    assert data_disks(acct, iid) == {}
    assert instance_wire(acct, iid)["status"] == "RUNNING"


def test_attach_and_detach_set_the_instance_at_once_and_last_exactly_their_phases(acct, server):
    iid = new_instance(acct)
    [did] = new_disks(acct, name="timed")
    assert acct.wire("AttachDisks", {"diskIds": [did], "instanceId": iid}) == {
        "failedDiskIds": []}
    d = disk_wire(acct, did)
    assert (d["diskStatus"], d["instanceId"]) == ("ATTACHING", iid)
    server.advance(ms(PHASE_MS["disk-attach"] - 1))
    assert status_of(acct, did) == "ATTACHING"
    server.advance("1ms")
    assert status_of(acct, did) == "IN_USE"
    assert acct.wire("DetachDisks", {"diskIds": [did], "instanceCheckFlag": False}) == {
        "failedDiskIds": []}
    d = disk_wire(acct, did)
    assert d["diskStatus"] == "DETACHING" and d.get("instanceId") is None
    server.advance(ms(PHASE_MS["disk-detach"] - 1))
    assert status_of(acct, did) == "DETACHING"
    server.advance("1ms")
    assert status_of(acct, did) == "AVAILABLE"
    # The 2024-04-01 actions do the same.
    raw_call(acct.zec24, "AttachDisks", diskIds=[did], instanceId=iid)
    assert disk_wire(acct, did, "v1")["instanceId"] == iid
    server.advance("1s")
    raw_call(acct.zec24, "DetachDisks", diskIds=[did], instanceCheckFlag=False)
    server.advance("1s")
    assert status_of(acct, did) == "AVAILABLE"


def test_detach_with_the_instance_check_needs_a_stopped_instance(acct, server):
    iid = new_instance(acct)
    [did] = new_disks(acct, name="checked")
    attach(acct, [did], iid)
    before = storage_snapshot(acct)
    denied(acct.zec, "DetachDisks", INSTANCE_STATUS, diskIds=[did], instanceCheckFlag=True)
    denied(acct.zec, "DetachDisks", INSTANCE_STATUS, diskIds=[did])          # default: true
    denied(acct.zec24, "DetachDisks", INSTANCE_STATUS, diskIds=[did])
    assert storage_snapshot(acct) == before
    stop(acct, iid)
    raw_call(acct.zec, "DetachDisks", diskIds=[did])
    server.advance("1s")
    assert status_of(acct, did) == "AVAILABLE"
    # A STOPPED instance takes disks too.
    attach(acct, [did], iid)
    assert disk_wire(acct, did)["instanceId"] == iid


def test_the_disk_and_attachment_example_applies_and_destroys_to_nothing(tf, acct):
    before = storage_snapshot(acct)
    ids: dict[str, str] = {}
    disk_cfg = DiskConfig(disk_name="example-disk", disk_size=50, force_delete=True)

    def instance():
        ids["instance"], _ = yield from tf.instance_create(
            InstanceConfig(subnet_id=SUBNET, password=PASSWORD, instance_name="example"))

    def disk():
        ids["disk"], _ = yield from tf.disk_create(disk_cfg)

    def attachment():
        state = yield from tf.disk_attachment_create(ids["disk"], ids["instance"])
        assert state == {"disk_id": ids["disk"], "instance_id": ids["instance"]}

    spans = tf.run_parallel([
        ("instance", [], instance),
        ("disk", [], disk),
        ("attachment", ["instance", "disk"], attachment),
    ])
    assert spans["attachment"][0] >= max(spans["instance"][1], spans["disk"][1])
    i = instance_wire(acct, ids["instance"])
    assert list(data_disks(acct, ids["instance"])) == [ids["disk"]]
    # Refresh and plan: nothing to change.
    assert Storage.disk_plan(disk_cfg, tf.run(tf.disk_read(ids["disk"]))) == {}
    assert tf.run(tf.disk_attachment_read(ids["disk"])) == {"disk_id": ids["disk"],
                                                           "instance_id": ids["instance"]}
    system = i["systemDisk"]["diskId"]
    assert disk_wire(acct, system)["diskType"] == "SYSTEM"

    spans = tf.run_parallel([
        ("attachment", [], lambda: tf.disk_attachment_delete(ids["disk"])),
        ("disk", ["attachment"], lambda: tf.disk_delete(ids["disk"], force_delete=True)),
        ("instance", ["attachment"], lambda: tf.instance_delete(ids["instance"])),
    ])
    assert spans["disk"][0] >= spans["attachment"][1]
    assert disk_wire(acct, ids["disk"]) is None and disk_wire(acct, system) is None
    assert storage_snapshot(acct) == before


# --------------------------------------------------------------------------------------------
# The disks of instances.

def test_an_instances_system_and_data_disks_are_disks(acct, server):
    iid = new_instance(acct, ready=False, instanceName="disky", systemDisk={"diskSize": 40},
                       dataDisks=[{"diskSize": 50, "diskCategory": BASIC}])
    # Listed from the create answer on, with the instance.
    listed = acct.wire("DescribeDisks", {"instanceId": iid})
    assert listed["totalCount"] == 2
    assert [d["diskType"] for d in listed["dataSet"]] == ["SYSTEM", "DATA"]
    server.advance(ms(DEPLOY_MS))
    disks = instance_disks(acct, iid)
    [system], [data] = disks["SYSTEM"], disks["DATA"]
    i = instance_wire(acct, iid)
    assert i["status"] == "RUNNING"
    for d in (system, data):
        assert (d["diskStatus"], d["instanceId"], d["instanceName"], d["portable"],
                d["zoneId"], d["regionId"]) == ("IN_USE", iid, "disky", False, ZONE, REGION), d
        assert (d["resourceGroupId"], d["resourceGroupName"]) == (i["resourceGroupId"],
                                                                  i["resourceGroupName"])
        assert SERIAL.match(d["serial"]) and d.get("expiredTime") is None
    assert (system["diskSize"], system["snapshotAbility"]) == (40, False)
    assert (data["diskSize"], data["diskCategory"], data["snapshotAbility"]) == (50, BASIC, True)
    # DescribeInstances reads them from the disks.
    assert i["systemDisk"]["diskId"] == system["diskId"]
    assert (i["systemDisk"]["diskSize"], i["systemDisk"]["diskCategory"]) == (
        40, system["diskCategory"])
    assert data_disks(acct, iid) == {data["diskId"]: data_disk_entry(data)}
    assert data_disks(acct, iid)[data["diskId"]]["portable"] is False
    # Filters find them.
    assert disk_ids(acct.zec, instanceId=iid, diskType="SYSTEM") == (1, [system["diskId"]])
    assert disk_ids(acct.zec, instanceId=iid, diskType="DATA") == (1, [data["diskId"]])
    assert disk_ids(acct.zec24, instanceId=iid) == (2, [system["diskId"], data["diskId"]])

    # Resizes show in DescribeInstances at once.
    raw_call(acct.zec, "ResizeDisk", diskId=system["diskId"], diskSize=60)
    raw_call(acct.zec24, "ResizeDisk", diskId=data["diskId"], diskSize=80)
    i = instance_wire(acct, iid)
    assert i["systemDisk"]["diskSize"] == 60
    assert data_disks(acct, iid)[data["diskId"]]["diskSize"] == 80
    server.advance(ms(PHASE_MS["disk-resize"]))
    assert status_of(acct, system["diskId"]) == status_of(acct, data["diskId"]) == "IN_USE"

    # An attached portable disk joins dataDisks (portable true) and leaves it on detach.
    [p] = new_disks(acct, name="portable")
    attach(acct, [p], iid)
    entries = data_disks(acct, iid)
    assert set(entries) == {data["diskId"], p}
    assert entries[p] == data_disk_entry(disk_wire(acct, p)) and entries[p]["portable"] is True
    detach(acct, [p])
    assert set(data_disks(acct, iid)) == {data["diskId"]}
    assert disk_ids(acct.zec, instanceId=iid) == (2, [system["diskId"], data["diskId"]])


# (first ReleaseInstances, second ReleaseInstances, what the attached portable disk becomes)
RELEASES = [
    (("v1", None), ("v1", None), "AVAILABLE"),
    (("v2", None), ("v2", None), "RECYCLED"),
    (("v2", False), ("v2", False), "AVAILABLE"),
    (("v2", True), ("v1", None), "AVAILABLE"),    # the call that starts the purge decides
    (("v1", None), ("v2", None), "RECYCLED"),
    (("v2", False), ("v2", True), "RECYCLED"),
]


@pytest.mark.parametrize("first,second,portable_after", RELEASES)
def test_release_instances_handles_disks_at_the_purge(acct, server, first, second,
                                                      portable_after):
    iid = new_instance(acct, dataDisks=[{"diskSize": 20}])
    disks = instance_disks(acct, iid)
    system, data = disks["SYSTEM"][0]["diskId"], disks["DATA"][0]["diskId"]
    [p, spare] = new_disks(acct, 2, name="kept")
    attach(acct, [p], iid)

    def release(how):
        version, depend = how
        fields = {"instanceIds": [iid]}
        if depend is not None:
            fields["dependResource"] = depend
        raw_call(acct.client(version), "ReleaseInstances", **fields)

    release(first)
    server.advance("2s")                      # RELEASING → RECYCLE
    assert instance_wire(acct, iid)["status"] == "RECYCLE"
    # In the recycle bin nothing has happened to the disks yet.
    assert (status_of(acct, p), disk_wire(acct, p)["instanceId"]) == ("IN_USE", iid)
    assert status_of(acct, system) == status_of(acct, data) == "IN_USE"
    release(second)                           # RECYCLING: the purge comes in 2 s
    assert disk_wire(acct, p)["instanceId"] == iid
    server.advance("2s")
    assert instance_wire(acct, iid) is None
    assert disk_wire(acct, system) is None and disk_wire(acct, data) is None
    assert disk_ids(acct.zec, instanceId=iid) == (0, [])
    d = disk_wire(acct, p)
    assert d["diskStatus"] == portable_after
    assert d.get("instanceId") is None and d.get("instanceName") is None
    assert status_of(acct, spare) == "AVAILABLE"
    # What is left is usable: an AVAILABLE disk attaches elsewhere, a RECYCLED one is released.
    if portable_after == "AVAILABLE":
        other = new_instance(acct)
        attach(acct, [p], other)
        assert disk_wire(acct, p)["instanceId"] == other
    else:
        raw_call(acct.zec24, "ReleaseDisk", diskId=p)
        assert disk_wire(acct, p) is None


# --------------------------------------------------------------------------------------------
# Preconditions: the design's code, and nothing changed.

def test_attach_refusals_change_nothing(acct, server):
    here, there = new_instance(acct), new_instance(acct)
    far = new_instance(acct, zone=OTHER_ZONE)
    system = instance_disks(acct, here)["SYSTEM"][0]["diskId"]
    a, b, used = new_disks(acct, 3, name="att")
    eleven = new_disks(acct, 11, name="eleven")
    [far_disk] = new_disks(acct, zone=OTHER_ZONE, name="far")
    attach(acct, [used], here)
    intruder = new_account(server, "diskintruder")
    theirs_instance = new_instance(intruder)
    [theirs_disk] = new_disks(intruder, name="theirs")
    creating = new_disks(acct, name="creating", ready=False)[0]
    deploying = new_instance(acct, ready=False)
    before = (storage_snapshot(acct), storage_snapshot(intruder))

    missing = refused(acct.zec, "AttachDisks", "INVALID_INSTANCE_NOT_FOUND", diskIds=[a],
                      instanceId=NOWHERE)
    assert refused(acct.zec, "AttachDisks", diskIds=[a], instanceId=theirs_instance) == missing
    for did in (NOWHERE, theirs_disk):
        denied(acct.zec, "AttachDisks", NOT_FOUND, diskIds=[did], instanceId=there)
        denied(acct.zec24, "AttachDisks", NOT_FOUND, diskIds=[did], instanceId=there)
    denied(acct.zec, "AttachDisks", BAD_STATUS, diskIds=[used], instanceId=there)
    denied(acct.zec, "AttachDisks", BAD_STATUS, diskIds=[creating], instanceId=there)
    denied(acct.zec, "AttachDisks", ZONE_MISMATCH, diskIds=[far_disk], instanceId=here)
    denied(acct.zec, "AttachDisks", ZONE_MISMATCH, diskIds=[a], instanceId=far)
    denied(acct.zec, "AttachDisks", INSTANCE_STATUS, diskIds=[a], instanceId=deploying)
    # All or nothing: one bad disk and no disk is attached.
    denied(acct.zec, "AttachDisks", BAD_STATUS, diskIds=[a, used], instanceId=there)
    denied(acct.zec, "AttachDisks", NOT_FOUND, diskIds=[a, NOWHERE], instanceId=there)
    denied(acct.zec, "AttachDisks", ZONE_MISMATCH, diskIds=[b, far_disk], instanceId=there)
    code, _ = refused(acct.zec, "AttachDisks", diskIds=[system], instanceId=there)
    assert code in (BAD_STATUS[0], NOT_PORTABLE[0])
    refused(acct.zec, "AttachDisks", diskIds=eleven, instanceId=there)   # at most 10 a call
    refused(acct.zec, "AttachDisks", diskIds=[a])                     # no instance
    refused(acct.zec, "AttachDisks", instanceId=there)                # no disks
    assert (storage_snapshot(acct), storage_snapshot(intruder)) == before


def test_attach_to_an_instance_in_the_recycle_bin_or_purged_is_refused(acct, server):
    recycled, purged = new_instance(acct), new_instance(acct)
    [did] = new_disks(acct, name="orphan")
    raw_call(acct.zec24, "ReleaseInstances", instanceIds=[recycled, purged])
    server.advance("2s")
    raw_call(acct.zec24, "ReleaseInstances", instanceIds=[purged])
    server.advance("2s")
    assert instance_wire(acct, purged) is None
    before = storage_snapshot(acct)
    denied(acct.zec, "AttachDisks", INSTANCE_STATUS, diskIds=[did], instanceId=recycled)
    refused(acct.zec, "AttachDisks", "INVALID_INSTANCE_NOT_FOUND", diskIds=[did],
            instanceId=purged)
    assert storage_snapshot(acct) == before


def test_an_instance_takes_at_most_15_data_disks(acct):
    iid = new_instance(acct)
    disks = new_disks(acct, 16, name="many")
    attach(acct, disks[:10], iid)
    attach(acct, disks[10:14], iid)
    before = storage_snapshot(acct)
    denied(acct.zec, "AttachDisks", TOO_MANY, diskIds=disks[14:16], instanceId=iid)
    assert storage_snapshot(acct) == before
    attach(acct, disks[14:15], iid)
    before = storage_snapshot(acct)
    denied(acct.zec, "AttachDisks", TOO_MANY, diskIds=disks[15:], instanceId=iid)
    assert storage_snapshot(acct) == before
    assert len(data_disks(acct, iid)) == 15
    assert disk_ids(acct.zec, instanceId=iid, diskType="DATA")[0] == 15


def test_release_refusals_change_nothing(acct, server):
    iid = new_instance(acct, dataDisks=[{"diskSize": 20}])
    disks = instance_disks(acct, iid)
    system, data = disks["SYSTEM"][0]["diskId"], disks["DATA"][0]["diskId"]
    used, recycling, attaching, detaching, changing, spare = new_disks(acct, 6, name="rel")
    attach(acct, [used, detaching], iid)
    intruder = new_account(server, "relintruder")
    [theirs] = new_disks(intruder, name="theirs")
    raw_call(acct.zec, "ReleaseDisk", diskId=recycling)
    raw_call(acct.zec, "AttachDisks", diskIds=[attaching], instanceId=iid)
    raw_call(acct.zec, "DetachDisks", diskIds=[detaching], instanceCheckFlag=False)
    raw_call(acct.zec, "ResizeDisk", diskId=changing, diskSize=30)
    [creating] = new_disks(acct, name="rel-creating", ready=False)
    assert [status_of(acct, d) for d in (used, recycling, attaching, detaching, changing,
                                         creating)] == [
        "IN_USE", "RECYCLING", "ATTACHING", "DETACHING", "CHANGING", "CREATING"]
    before = (storage_snapshot(acct), storage_snapshot(intruder))
    for client in (acct.zec24, acct.zec):
        for did in (system, data):
            denied(client, "ReleaseDisk", NOT_PORTABLE, diskId=did)
        for did in (used, attaching, detaching, changing, creating):
            denied(client, "ReleaseDisk", BAD_STATUS, diskId=did)
        assert refused(client, "ReleaseDisk", BEING_RECYCLED, diskId=recycling)[0] == \
            BEING_RECYCLED
        for did in (NOWHERE, theirs):
            denied(client, "ReleaseDisk", RELEASE_UNKNOWN, diskId=did)
    assert (storage_snapshot(acct), storage_snapshot(intruder)) == before
    assert status_of(acct, spare) == "AVAILABLE"


def test_resize_refusals_change_nothing(acct, server):
    intruder = new_account(server, "rsintruder")
    [theirs] = new_disks(intruder, size=30, name="theirs")
    iid = new_instance(acct)
    disk, attaching, recycled, changing = new_disks(acct, 4, size=30, name="rs")
    raw_call(acct.zec, "ReleaseDisk", diskId=recycled)
    server.advance("2s")
    raw_call(acct.zec, "AttachDisks", diskIds=[attaching], instanceId=iid)
    raw_call(acct.zec, "ResizeDisk", diskId=changing, diskSize=40)
    [creating] = new_disks(acct, size=30, name="rs-creating", ready=False)
    assert [status_of(acct, d) for d in (disk, attaching, recycled, changing, creating)] == [
        "AVAILABLE", "ATTACHING", "RECYCLED", "CHANGING", "CREATING"]
    before = (storage_snapshot(acct), storage_snapshot(intruder))
    for client in (acct.zec24, acct.zec):
        for size in (20, 29, 30):
            refused(client, "ResizeDisk", "INVALID_PARAMETER_LESS_MINIMUM", diskId=disk,
                    diskSize=size)
            # The message says what the size is now.
            assert "30" in fails(client, "ResizeDisk", diskId=disk, diskSize=size).message
        refused(client, "ResizeDisk", "INVALID_PARAMETER_EXCEED_MAXIMUM", diskId=disk,
                diskSize=32769)
        for did in (attaching, recycled, changing, creating):
            denied(client, "ResizeDisk", BAD_STATUS, diskId=did, diskSize=50)
        unknown = refused(client, "ResizeDisk", diskId=NOWHERE, diskSize=50)
        assert refused(client, "ResizeDisk", diskId=theirs, diskSize=50) == unknown
    assert (storage_snapshot(acct), storage_snapshot(intruder)) == before


def test_detach_refusals_change_nothing(acct, server):
    one, two = new_instance(acct, dataDisks=[{"diskSize": 20}]), new_instance(acct)
    disks = instance_disks(acct, one)
    system, data = disks["SYSTEM"][0]["diskId"], disks["DATA"][0]["diskId"]
    on_one, on_two, free, attaching = new_disks(acct, 4, name="dt")
    attach(acct, [on_one], one)
    attach(acct, [on_two], two)
    raw_call(acct.zec, "AttachDisks", diskIds=[attaching], instanceId=one)
    before = storage_snapshot(acct)
    for flag in (False, True):
        denied(acct.zec, "DetachDisks", BAD_STATUS, diskIds=[free], instanceCheckFlag=flag)
    denied(acct.zec, "DetachDisks", BAD_STATUS, diskIds=[attaching], instanceCheckFlag=False)
    for did in (system, data):
        denied(acct.zec, "DetachDisks", NOT_PORTABLE, diskIds=[did], instanceCheckFlag=False)
    refused(acct.zec, "DetachDisks", "INVALID_PARAMETER_VALUE", diskIds=[on_one, on_two],
            instanceCheckFlag=False)
    refused(acct.zec, "DetachDisks", diskIds=[NOWHERE], instanceCheckFlag=False)
    refused(acct.zec, "DetachDisks", diskIds=[on_one, NOWHERE], instanceCheckFlag=False)
    refused(acct.zec, "DetachDisks", diskIds=[str(int(NOWHERE) + n) for n in range(11)],
            instanceCheckFlag=False)
    assert storage_snapshot(acct) == before


NAMES_OK = ["a", "A" * 64, "a-b_c.d", "9lives", "Disk.01"]
NAMES_BAD = ["", "-lead", "_lead", ".lead", "a" * 65, "has space", "slash/no", "ünïcode",
             "tab\tname"]


@pytest.mark.parametrize("name", NAMES_BAD)
def test_a_bad_disk_name_is_refused_and_creates_nothing(acct, name):
    [did] = new_disks(acct, name="keep")
    before = storage_snapshot(acct)
    refused(acct.zec, "CreateDisks", zoneId=ZONE, diskName=name, diskSize=20)
    refused(acct.zec, "ModifyDisksAttributes", diskIds=[did], diskName=name)
    assert storage_snapshot(acct) == before


def test_disk_names_within_the_rules_are_accepted(acct):
    [renamed] = new_disks(acct, name="renamed", ready=False)
    for name in NAMES_OK:
        [did] = new_disks(acct, name=name, ready=False)
        assert disk_wire(acct, did)["diskName"] == name
        raw_call(acct.zec, "ModifyDisksAttributes", diskIds=[renamed], diskName=name)
        assert disk_wire(acct, renamed)["diskName"] == name


@pytest.mark.parametrize("fields", [
    {"diskSize": 19}, {"diskSize": 0}, {"diskSize": -1}, {"diskSize": 32769},
    {"diskSize": None}, {"diskName": None}, {"zoneId": None},
    {"diskAmount": 0}, {"diskAmount": 51}, {"diskAmount": -1},
])
def test_a_bad_size_amount_or_missing_field_is_refused_and_creates_nothing(acct, fields):
    request = {"zoneId": ZONE, "diskName": "bad", "diskSize": 20}
    request.update(fields)
    request = {k: v for k, v in request.items() if v is not None}
    before = storage_snapshot(acct)
    refused(acct.zec, "CreateDisks", **request)
    assert storage_snapshot(acct) == before


@pytest.mark.parametrize("category", ["Premium NVMe SSD", "standard nvme ssd", "SSD",
                                      "Standard NVMe SSD "])
def test_an_unknown_category_is_refused(acct, category):
    before = storage_snapshot(acct)
    refused(acct.zec, "CreateDisks", "INVALID_DISK_CATEGORY_TYPE", zoneId=ZONE, diskName="c",
            diskSize=20, diskCategory=category)
    assert storage_snapshot(acct) == before


def test_an_unknown_zone_is_refused(acct):
    before = storage_snapshot(acct)
    for client in (acct.zec, acct.zec24):
        refused(client, "CreateDisks", "INVALID_ZONE_NOT_FOUND", zoneId="nowhere-1a",
                diskName="z", diskSize=20)
    assert storage_snapshot(acct) == before


def test_size_and_amount_extremes_are_accepted(acct):
    for size in (20, 32768):
        [did] = new_disks(acct, size=size, name=f"size{size}", ready=False)
        assert disk_wire(acct, did)["diskSize"] == size
    ids = new_disks(acct, 50, name="fifty", ready=False)
    assert len(set(ids)) == 50
    assert ids == sorted(ids, key=int), "creation order is id order"
    assert disk_ids(acct.zec, diskIds=ids, pageSize=50) == (50, ids)


def test_disks_created_attached_are_portable_and_in_use_after_the_phase(acct, server):
    one, two = new_instance(acct), new_instance(acct)
    [a] = new_disks(acct, name="with-one", ready=False, instanceId=one)
    b, c = new_disks(acct, 2, name="with-each", ready=False, instanceIds=[one, two])
    [d] = raw_call(acct.zec24, "CreateDisks", zoneId=ZONE, diskName="v1-with", diskSize=20,
                   instanceId=two)["diskIds"]
    assert [status_of(acct, x) for x in (a, b, c, d)] == ["CREATING"] * 4
    server.advance(ms(PHASE_MS["disk-create"]))
    for did, iid in ((a, one), (b, one), (c, two), (d, two)):
        w = disk_wire(acct, did)
        assert (w["diskStatus"], w["instanceId"], w["portable"], w["diskType"]) == (
            "IN_USE", iid, True, "DATA"), w
    assert set(data_disks(acct, one)) == {a, b} and set(data_disks(acct, two)) == {c, d}
    # A count of instances other than diskAmount, or an instance that is not there: refused.
    far = new_instance(acct, zone=OTHER_ZONE)
    before = storage_snapshot(acct)
    refused(acct.zec, "CreateDisks", zoneId=ZONE, diskName="x", diskSize=20, diskAmount=2,
            instanceIds=[one])
    refused(acct.zec, "CreateDisks", zoneId=ZONE, diskName="x", diskSize=20, instanceId=NOWHERE)
    refused(acct.zec, "CreateDisks", zoneId=ZONE, diskName="x", diskSize=20, instanceId=far)
    assert storage_snapshot(acct) == before


def test_modify_disks_attributes_renames_all_or_nothing(acct, server):
    a, b = new_disks(acct, 2, name="old")
    raw_call(acct.zec, "ModifyDisksAttributes", diskIds=[a, b], diskName="new")
    assert disk_wire(acct, a)["diskName"] == disk_wire(acct, b)["diskName"] == "new"
    raw_call(acct.zec24, "ModifyDisksAttributes", diskIds=[b], diskName="v1-name")
    assert disk_wire(acct, b)["diskName"] == "v1-name"
    intruder = new_account(server, "renameintruder")
    [theirs] = new_disks(intruder, name="theirs")
    before = (storage_snapshot(acct), storage_snapshot(intruder))
    for ids in ([a, NOWHERE], [NOWHERE], [theirs], [b, theirs]):
        refused(acct.zec, "ModifyDisksAttributes", NOT_FOUND[0], diskIds=ids, diskName="nope")
    refused(acct.zec, "ModifyDisksAttributes", diskIds=[str(int(NOWHERE) + n)
                                                        for n in range(101)], diskName="n")
    assert (storage_snapshot(acct), storage_snapshot(intruder)) == before


# --------------------------------------------------------------------------------------------
# DescribeDisks: ids, filters, paging.

@pytest.fixture
def fleet(acct):
    """An instance (its system disk s), then a (asia-east-1a, Standard, tag env=prod), b
    (Basic, group blue, tags env=dev team=x, attached), c (asia-southwest-1a)."""
    iid = new_instance(acct)
    s = instance_disks(acct, iid)["SYSTEM"][0]["diskId"]
    [a] = new_disks(acct, name="alpha-data", tags=tag_association({"env": "prod"}))
    [b] = new_disks(acct, name="Beta.data", diskCategory=BASIC,
                    resourceGroupId=acct.group("blue"),
                    tags=tag_association({"env": "dev", "team": "x"}))
    [c] = new_disks(acct, zone=OTHER_ZONE, name="gamma")
    attach(acct, [b], iid)
    return {"s": s, "a": a, "b": b, "c": c, "i": iid}


def test_disk_ids_are_exact_and_unknown_ids_find_nothing(acct, fleet):
    s, a, b, c = fleet["s"], fleet["a"], fleet["b"], fleet["c"]
    assert disk_ids(acct.zec, diskIds=[b]) == (1, [b])
    assert disk_ids(acct.zec, diskIds=[c, a]) == (2, [a, c])
    assert disk_ids(acct.zec, diskIds=[a, NOWHERE, a]) == (1, [a])
    assert disk_ids(acct.zec24, diskIds=[c, s]) == (2, [s, c])
    for unknown in ([NOWHERE], ["disk-x"], [str(int(c) + 1)]):
        wire = acct.wire("DescribeDisks", {"diskIds": unknown})
        assert (wire["totalCount"], wire["dataSet"]) == (0, [])


def test_every_filter_of_describe_disks(acct, fleet):
    s, a, b, c, i = fleet["s"], fleet["a"], fleet["b"], fleet["c"], fleet["i"]
    every = [s, a, b, c]
    checks = [
        ({"diskName": "DATA"}, [a, b]),               # substring, any case
        ({"diskName": "alpha"}, [a]),
        ({"diskName": "^gamma$"}, [c]),               # exactly that name
        ({"diskName": "^gam$"}, []),
        ({"diskName": "^Beta.data$"}, [b]),
        ({"diskName": "^alpha.data$"}, []),           # literal, not a pattern
        ({"diskStatus": "IN_USE"}, [s, b]),
        ({"diskStatus": "AVAILABLE"}, [a, c]),
        ({"diskStatus": "RECYCLED"}, []),
        ({"diskType": "SYSTEM"}, [s]),
        ({"diskType": "DATA"}, [a, b, c]),
        ({"diskCategory": BASIC}, [b]),
        ({"diskCategory": STANDARD}, [s, a, c]),
        ({"instanceId": i}, [s, b]),
        ({"instanceId": NOWHERE}, []),
        ({"zoneId": OTHER_ZONE}, [c]),
        ({"zoneId": ZONE}, [s, a, b]),
        ({"regionId": OTHER_REGION}, [c]),
        ({"regionId": "eu-west-1"}, []),
        ({"snapshotAbility": True}, [a, b, c]),
        ({"snapshotAbility": False}, [s]),
        ({"resourceGroupId": acct.group("blue")}, [b]),
        ({"resourceGroupId": acct.default_group}, [s, a, c]),
        ({"resourceGroupId": "00000000-0000-0000-0000-000000000000"}, []),
        ({"tagKeys": ["env"]}, [a, b]),
        ({"tagKeys": ["team"]}, [b]),
        ({"tags": [{"key": "env", "value": "prod"}]}, [a]),
        ({"tags": [{"key": "env", "value": "qa"}]}, []),
        ({"zoneId": ZONE, "diskType": "DATA"}, [a, b]),
        ({"diskIds": [a, b, c], "diskStatus": "AVAILABLE"}, [a, c]),
        # "" is "not given" (§0.4): the CSI sends zoneId and resourceGroupId that way.
        ({"diskName": "", "diskStatus": "", "diskType": "", "diskCategory": "",
          "instanceId": "", "zoneId": "", "regionId": "", "resourceGroupId": ""}, every),
    ]
    for filters, expected in checks:
        assert disk_ids(acct.zec, **filters) == (len(expected), expected), filters
    # The 2024-04-01 filters.
    for filters, expected in [({"diskName": "data"}, [a, b]), ({"instanceId": i}, [s, b]),
                              ({"diskType": "DATA", "zoneId": ZONE}, [a, b]),
                              ({"snapshotAbility": False}, [s]),
                              ({"resourceGroupId": "", "zoneId": ""}, every)]:
        assert disk_ids(acct.zec24, **filters) == (len(expected), expected), filters


def test_describe_disks_pages_in_creation_order_and_as_the_data_source_reads(acct, fleet):
    every = [fleet[k] for k in "sabc"]
    for size in (1, 3):
        assert every_page(acct.zec, "DescribeDisks", "diskId", size) == every
    assert every_page(acct.zec24, "DescribeDisks", "diskId", 2) == every
    # data "zenlayercloud_zec_disks": pageSize 100, with the filters it sends.
    assert terraform_list(acct.zec, "DescribeDisks", "diskId") == every
    assert terraform_list(acct.zec, "DescribeDisks", "diskId", zoneId=ZONE, diskType="DATA",
                          diskStatus="IN_USE", instanceId=fleet["i"]) == [fleet["b"]]
    assert terraform_list(acct.zec, "DescribeDisks", "diskId",
                          diskIds=[fleet["c"], fleet["s"]]) == [fleet["s"], fleet["c"]]
    assert answer(acct.zec, "DescribeDisks", pageSize=1001)[0] == \
        "INVALID_PARAMETER_EXCEED_MAXIMUM"
    assert answer(acct.zec, "DescribeDisks", pageSize=0)[0] == "INVALID_PARAMETER_LESS_MINIMUM"
    assert answer(acct.zec, "DescribeDisks", pageNum=0)[0] == "INVALID_PARAMETER_LESS_MINIMUM"
    assert answer(acct.zec, "DescribeDisks",
                  diskIds=[str(int(NOWHERE) + n) for n in range(101)])[0] == \
        "INVALID_PARAMETER_EXCEED_LENGTH"


def test_the_default_page_holds_20(acct):
    ids = new_disks(acct, 21, name="page", ready=False)
    for client in (acct.zec, acct.zec24):
        assert disk_ids(client) == (21, ids[:20])
        assert disk_ids(client, pageNum=2) == (21, ids[20:])


# --------------------------------------------------------------------------------------------
# Accounts and credentials.

def test_another_accounts_disks_answer_as_ones_that_never_existed(acct, server, fleet):
    a, b, i = fleet["a"], fleet["b"], fleet["i"]
    intruder = new_account(server, "diskspy")
    their_instance = new_instance(intruder)
    before = storage_snapshot(acct)
    for client in (intruder.zec, intruder.zec24):
        assert disk_ids(client, diskIds=[a, b, fleet["s"]]) == (0, [])
        assert disk_ids(client, instanceId=i) == (0, [])
        assert disk_ids(client, pageSize=1000)[1] == instance_disks_ids(intruder, their_instance)
    probes = [
        (intruder.zec, "AttachDisks", lambda d: {"diskIds": [d], "instanceId": their_instance}),
        (intruder.zec, "DetachDisks", lambda d: {"diskIds": [d], "instanceCheckFlag": False}),
        (intruder.zec, "ResizeDisk", lambda d: {"diskId": d, "diskSize": 100}),
        (intruder.zec24, "ResizeDisk", lambda d: {"diskId": d, "diskSize": 100}),
        (intruder.zec24, "ReleaseDisk", lambda d: {"diskId": d}),
        (intruder.zec, "ModifyDisksAttributes", lambda d: {"diskIds": [d], "diskName": "mine"}),
        (intruder.zec, "CreateSnapshot", lambda d: {"diskId": d, "snapshotName": "mine"}),
        (intruder.user, "AddResourceResourceGroup",
         lambda d: {"resourceGroupId": intruder.default_group, "resources": [d]}),
    ]
    for did in (a, b):
        for client, action, fields in probes:
            got = answer(client, action, **fields(did))
            assert got == answer(client, action, **fields(NOWHERE)), (action, got)
            assert 400 <= got[1] < 500
    # Their instance is not mine either.
    got = answer(acct.zec, "AttachDisks", diskIds=[a], instanceId=their_instance)
    assert got == answer(acct.zec, "AttachDisks", diskIds=[a], instanceId=NOWHERE)
    assert storage_snapshot(acct) == before


def instance_disks_ids(acct, iid: str) -> list[str]:
    return [d["diskId"] for d in acct.wire("DescribeDisks", {"instanceId": iid})["dataSet"]]


def test_a_read_only_credential_reads_disks_and_changes_nothing(acct, fleet):
    ro = scoped(acct, read_only=True)
    every = [fleet[k] for k in "sabc"]
    assert disk_ids(ro.zec, pageSize=100) == (4, every)
    assert ro.wire("DescribeDiskRegions")["regionIds"]
    assert ro.wire("DescribeDiskCategory")["categoryZoneSet"]
    before = storage_snapshot(acct)
    a, b = fleet["a"], fleet["b"]
    for client, action, fields in [
        (ro.zec, "CreateDisks", {"zoneId": ZONE, "diskName": "ro", "diskSize": 20}),
        (ro.zec, "AttachDisks", {"diskIds": [a], "instanceId": fleet["i"]}),
        (ro.zec, "DetachDisks", {"diskIds": [b], "instanceCheckFlag": False}),
        (ro.zec, "ResizeDisk", {"diskId": a, "diskSize": 100}),
        (ro.zec24, "ReleaseDisk", {"diskId": a}),
        (ro.zec, "ModifyDisksAttributes", {"diskIds": [a], "diskName": "ro"}),
        (ro.zec, "CreateSnapshot", {"diskId": a, "snapshotName": "ro"}),
    ]:
        assert answer(client, action, **fields) == UNAUTHORIZED, action
    assert storage_snapshot(acct) == before


def test_a_group_scoped_credential_sees_and_touches_only_its_groups_disks(acct):
    g1, g2 = acct.group("g1"), acct.group("g2")
    i1 = new_instance(acct, resourceGroupId=g1)
    i2 = new_instance(acct, resourceGroupId=g2)
    s1 = instance_disks(acct, i1)["SYSTEM"][0]["diskId"]
    s2 = instance_disks(acct, i2)["SYSTEM"][0]["diskId"]
    assert disk_wire(acct, s1)["resourceGroupId"] == g1
    [d1] = new_disks(acct, name="in-g1", resourceGroupId=g1)
    [d2] = new_disks(acct, name="in-g2", resourceGroupId=g2)
    [d0] = new_disks(acct, name="in-default")
    c = scoped(acct, "g1")
    assert disk_ids(c.zec, pageSize=100) == (2, [s1, d1])
    assert disk_ids(c.zec, diskIds=[d0, d1, d2, s2]) == (1, [d1])
    assert disk_ids(c.zec, instanceId=i2) == (0, [])
    assert disk_ids(c.zec24, resourceGroupId=g2) == (0, [])
    before = storage_snapshot(acct)
    for fields in ({}, {"resourceGroupId": g2}, {"resourceGroupId": acct.default_group}):
        assert answer(c.zec, "CreateDisks", zoneId=ZONE, diskName="x", diskSize=20,
                      **fields) == UNAUTHORIZED, fields
    for did in (d2, d0, s2):
        for client, action, fields in [
            (c.zec, "AttachDisks", {"diskIds": [did], "instanceId": i1}),
            (c.zec, "ResizeDisk", {"diskId": did, "diskSize": 100}),
            (c.zec24, "ReleaseDisk", {"diskId": did}),
            (c.zec, "ModifyDisksAttributes", {"diskIds": [did], "diskName": "x"}),
            (c.zec, "CreateSnapshot", {"diskId": did, "snapshotName": "xx"}),
            (c.user, "AddResourceResourceGroup", {"resourceGroupId": g1, "resources": [did]}),
        ]:
            assert answer(client, action, **fields) == UNAUTHORIZED, (did, action)
    # Its disk to an instance outside, or its disk out of its groups: refused too.
    assert answer(c.zec, "AttachDisks", diskIds=[d1], instanceId=i2) == UNAUTHORIZED
    assert answer(c.user, "AddResourceResourceGroup", resourceGroupId=g2,
                  resources=[d1]) == UNAUTHORIZED
    assert answer(c.zec, "ModifyDisksAttributes", diskIds=[d1, d2],
                  diskName="x") == UNAUTHORIZED
    assert storage_snapshot(acct) == before
    # Inside its group it does everything.
    [new] = new_disks(c, name="scoped-new", resourceGroupId=g1)
    attach(c, [d1, new], i1)
    assert disk_ids(c.zec, instanceId=i1) == (3, [s1, d1, new])
    assert disk_wire(acct, new)["resourceGroupId"] == g1
    # The full key moves a disk; the scoped credential sees it come and go.
    raw_call(acct.user, "AddResourceResourceGroup", resourceGroupId=g1, resources=[d2])
    assert disk_ids(c.zec, diskIds=[d2]) == (1, [d2])
    raw_call(acct.user, "AddResourceResourceGroup", resourceGroupId=g2, resources=[d2])
    assert disk_ids(c.zec, diskIds=[d2]) == (0, [])


# --------------------------------------------------------------------------------------------
# kill -9 in the middle of phases.

def test_disk_phases_survive_kill_9_and_end_as_the_clock_says(start_zecd, tmp_path):
    data = tmp_path / "data"
    server = start_zecd(data_dir=data, transition="", extra_args=["--clock", "manual"])
    acct = new_account(server, "diskdurable")
    iid = new_instance(acct)
    attaching, changing, releasing, detaching = new_disks(acct, 4, size=30, name="dur")
    attach(acct, [detaching], iid)
    t0 = server.clock()["nowMillis"]
    raw_call(acct.zec, "AttachDisks", diskIds=[attaching], instanceId=iid)   # due t0 + 1 s
    raw_call(acct.zec24, "ResizeDisk", diskId=changing, diskSize=60)         # due t0 + 2 s
    server.advance("500ms")
    raw_call(acct.zec, "DetachDisks", diskIds=[detaching], instanceCheckFlag=False)  # t0+1.5
    raw_call(acct.zec24, "ReleaseDisk", diskId=releasing)                    # due t0 + 2.5 s
    [creating] = new_disks(acct, name="dur-new", ready=False)                # due t0 + 2.5 s
    server.create_faults(failures=[{"phase": "disk-create", "count": 1}])
    [failing] = new_disks(acct, name="dur-bad", ready=False)                 # fails t0 + 2.5 s
    server.delete_faults()
    deadline = {
        attaching: (t0 + 1000, "ATTACHING", "IN_USE"),
        detaching: (t0 + 1500, "DETACHING", "AVAILABLE"),
        changing: (t0 + 2000, "CHANGING", "AVAILABLE"),
        releasing: (t0 + 2500, "RECYCLING", "RECYCLED"),
        creating: (t0 + 2500, "CREATING", "AVAILABLE"),
        failing: (t0 + 2500, "CREATING", "FAILED"),
    }
    during = {d: v[1] for d, v in deadline.items()}
    assert {d: status_of(acct, d) for d in deadline} == during
    before = storage_snapshot(acct)
    now = server.clock()["nowMillis"]
    assert now == t0 + 500

    server.kill()
    again = start_zecd(data_dir=data, transition="", extra_args=["--clock", "manual"])
    same = account_of(again, acct.name, acct.key)
    assert again.clock()["nowMillis"] == now
    assert storage_snapshot(same) == before
    assert disk_wire(same, attaching)["instanceId"] == iid
    assert disk_wire(same, detaching).get("instanceId") is None
    assert disk_wire(same, changing)["diskSize"] == 60

    for due in sorted({v[0] for v in deadline.values()}):
        for at in (due - 1, due):
            again.advance(ms(at - now))
            now = at
            expected = {d: (v[2] if v[0] <= now else v[1]) for d, v in deadline.items()}
            assert {d: status_of(same, d) for d in deadline} == expected, f"t0+{now - t0} ms"
    assert disk_wire(same, attaching)["instanceId"] == iid
    assert set(data_disks(same, iid)) == {attaching}
    # And it still works after the restart.
    raw_call(same.zec24, "ReleaseDisk", diskId=releasing)
    assert disk_wire(same, releasing) is None
