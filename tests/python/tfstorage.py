"""The Terraform provider's storage resources (0.2.28), replayed call for call through the
official Python SDK, as spec zec-resources.md §9, §10, §0 and §13 describe them, in the style of
tfnet.py (whose :class:`~tfnet.Terraform` this extends): zenlayercloud_zec_disk,
zenlayercloud_zec_disk_attachment and zenlayercloud_zec_disk_snapshot, with the provider's API
versions ("v2" = zec 2025-09-01, "v1" = zec 2024-04-01), request fields, tolerated codes, waits
and "gone" rules; and what the storage suites share (raw answers, the account's storage snapshot,
phase durations, times on the manual clock).

Waits are generators yielding the seconds the provider would sleep, driven on a zecd with
``--clock manual`` by :meth:`Terraform.run` / :meth:`Terraform.run_parallel`:

* ``StateChangeConf`` (disk and snapshot creates, §0.1): the first poll after ``Delay`` 3 s, then
  5 s, then every 10 s (terraform-plugin-sdk's back-off bounded by ``MinTimeout`` 5 s and 10 s);
  a status in neither Pending nor Target fails it, so does a fail state the refresh function
  names (RECYCLED for disks, FAILED for snapshots) and a fourth consecutive empty answer.
* ``RetryContext`` (the reads that wait out operating statuses, the delete polls): tfnet.retry
  (at once, then 0.5, 1, 2, 4, 8, 10 … s).

Reads go through the SDK's ``_api_call`` and look at the answer as a dict, as the Go SDK's
pointer fields see it (``null`` is ``None``, ``""`` is ``""``): the 2024-04-01 Python models lack
``SnapshotInfo.snapshotType``/``retentionTime`` and ``ModifySnapshotsAttribute``'s
``retentionTime``/``isPermanent``, which the provider's Go v1 models have and send (the Python
SDK serialises every attribute set on a request model, so they go on the wire all the same).

Where the provider would fail it raises :class:`~tfnet.TerraformError` (after a create whose id
it already saved, ``.resource_id`` names the tainted resource); where it dereferences a nil,
:class:`~tfnet.TerraformPanic`. Reads also check what the provider does not: ``dataSet[0]`` is
the object asked for, and ``totalCount`` is there (§0.2, §0.5).
"""

from __future__ import annotations

import calendar
import itertools
import math
import re
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable

from conftest import ZONE, ZenlayerCloudSdkException
from netkit import Account, request_of, tag_association
from tfnet import (
    ALWAYS_RETRIED,
    LOOP_TIMEOUT,
    MODIFY_RETRIED,
    Retry,
    Terraform,
    TerraformError,
    TerraformPanic,
    Wait,
    retry,
)

STANDARD = "Standard NVMe SSD"      # the default category
BASIC = "Basic NVMe SSD"
CATEGORIES = (BASIC, STANDARD)
OTHER_ZONE = "asia-southwest-1a"    # the catalog's zone of asia-southwest-1
OTHER_REGION = "asia-southwest-1"
OTHER_SUBNET = "1272168087751233113"  # the catalog's subnet of asia-southwest-1
CATALOG_REGIONS = ("asia-east-1", "asia-southwest-1", "na-west-1", "eu-west-1")
NOWHERE = "1000001"                 # an id no object ever had

# The phases of issue 12 and their default durations (notes/issue12-design.md), in ms.
PHASE_MS = {
    "disk-create": 2000, "disk-attach": 1000, "disk-detach": 1000, "disk-resize": 2000,
    "disk-release": 2000, "snapshot-create": 2000, "snapshot-delete": 1000,
}
DEPLOY_MS = 3000   # an instance's deploy phase (conftest.DEFAULT_PHASE_MS)

# Disk statuses the provider's reads wait out (diskIsOperating).
DISK_OPERATING = frozenset({"RECYCLING", "ATTACHING", "DETACHING", "CREATING", "DELETING",
                            "CHANGING"})
DISK_CREATE_PENDING = frozenset({"ATTACHING", "DETACHING", "CREATING", "DELETING"})
DISK_CREATE_TARGET = frozenset({"IN_USE", "AVAILABLE"})
SERIAL = re.compile(r"^zec[0-9a-f]{17}$")
ID = re.compile(r"^[1-9][0-9]{17,18}$")


# --------------------------------------------------------------------------------------------
# Raw answers, times, the account's storage.

def raw_call(client, action: str, **fields) -> dict:
    """Sends ``action`` through the SDK client and returns its ``response`` as a dict (JSON
    ``null`` is None, ``""`` stays ``""``); an error answer raises the SDK's exception."""
    return client._api_call(action, request_of(client, action, **fields))


def ms(n: float) -> str:
    return f"{round(n)}ms"


def now_ms(server) -> int:
    return server.clock()["nowMillis"]


def api_time(epoch_seconds: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch_seconds))


def parse_api_time(value: str) -> int:
    return calendar.timegm(time.strptime(value, "%Y-%m-%dT%H:%M:%SZ"))


def retention(server, seconds: float) -> tuple[str, int]:
    """A ``retentionTime`` at least ``seconds`` after the lifecycle clock's now (rounded up to
    the next whole second) and its epoch second."""
    at = math.ceil((now_ms(server) / 1000.0) + seconds)
    return api_time(at), at


def storage_snapshot(acct: Account) -> dict:
    """Everything ``acct`` sees (netkit's networks, key pairs and instances) plus every disk and
    snapshot, as raw JSON: equal snapshots mean nothing changed."""
    s = acct.snapshot()
    s["disks"] = acct.wire("DescribeDisks", {"pageSize": 1000})
    s["snapshots"] = acct.wire("DescribeSnapshots", {"pageSize": 1000})
    return s


def disk_wire(acct: Account, did: str, version: str = "v2") -> dict | None:
    """The disk as DescribeDisks {diskIds:[id]} answers it on the wire (None when not listed);
    checks totalCount is there and exactly 0 or 1."""
    answer = acct.wire("DescribeDisks", {"diskIds": [did]}, version=version)
    assert answer.get("totalCount") in (0, 1), answer
    assert len(answer["dataSet"]) == answer["totalCount"], answer
    if not answer["dataSet"]:
        return None
    [d] = answer["dataSet"]
    assert d["diskId"] == did, answer
    return d


def snapshot_wire(acct: Account, sid: str, version: str = "v2") -> dict | None:
    answer = acct.wire("DescribeSnapshots", {"snapshotIds": [sid]}, version=version)
    assert answer.get("totalCount") in (0, 1), answer
    assert len(answer["dataSet"]) == answer["totalCount"], answer
    if not answer["dataSet"]:
        return None
    [s] = answer["dataSet"]
    assert s["snapshotId"] == sid, answer
    return s


def status_of(acct: Account, did: str) -> str | None:
    d = disk_wire(acct, did)
    return None if d is None else d["diskStatus"]


def snapshot_status(acct: Account, sid: str) -> str | None:
    s = snapshot_wire(acct, sid)
    return None if s is None else s["status"]


def new_disks(acct: Account, count: int = 1, zone: str = ZONE, size: int = 20,
              name: str = "disk", ready: bool = True, **fields) -> list[str]:
    """CreateDisks v2 (diskAmount ``count``); ``ready``: the clock is advanced by the create
    phase, so that they are AVAILABLE (or IN_USE when created attached)."""
    resp = raw_call(acct.zec, "CreateDisks", zoneId=zone, diskName=name, diskSize=size,
                    diskAmount=count, **fields)
    ids = list(resp["diskIds"])
    assert len(ids) == count, resp
    if ready:
        acct.server.advance(ms(PHASE_MS["disk-create"]))
    return ids


def new_instance(acct: Account, zone: str = ZONE, subnet: str | None = None, ready: bool = True,
                 **fields) -> str:
    """One instance of the account (the catalog's subnet of its zone's region); ``ready``: the
    clock is advanced past its deploy, so that it is RUNNING."""
    from conftest import IMAGE, INSTANCE_TYPE, PASSWORD, SUBNET
    subnet = subnet or (SUBNET if zone == ZONE else OTHER_SUBNET)
    resp = raw_call(acct.zec, "CreateZecInstances", zoneId=zone, imageId=IMAGE,
                    instanceType=INSTANCE_TYPE, subnetId=subnet, password=PASSWORD,
                    instanceCount=1, **fields)
    [iid] = resp["instanceIdSet"]
    if ready:
        acct.server.advance(ms(DEPLOY_MS))
    return iid


def instance_wire(acct: Account, iid: str) -> dict | None:
    answer = acct.wire("DescribeInstances", {"instanceIds": [iid]})
    if not answer["dataSet"]:
        return None
    [i] = answer["dataSet"]
    return i


def stop(acct: Account, iid: str) -> None:
    raw_call(acct.zec, "StopInstances", instanceIds=[iid])
    acct.server.advance("2s")


# --------------------------------------------------------------------------------------------
# Configurations (None: not set).

@dataclass
class DiskConfig:
    availability_zone: str = ZONE
    disk_size: int = 20
    disk_name: str = "Terraform-Disk"
    disk_category: str = STANDARD
    resource_group_id: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    force_delete: bool = False


@dataclass
class SnapshotConfig:
    disk_id: str
    name: str = "Terraform-Snapshot"
    retention_time: str | None = None


# --------------------------------------------------------------------------------------------
# The provider.

class Storage(Terraform):
    """tfnet's provider with the storage resources. ``requests`` keeps every call with the
    fields sent, in order: ``(version, action, fields)``."""

    def __init__(self, acct: Account):
        super().__init__(acct)
        self.requests: list[tuple[str, str, dict]] = []
        self.dropped: list[ZenlayerCloudSdkException] = []   # errors the provider swallows

    # ---- plumbing ----

    def call(self, version: str, action: str, **fields):
        self.requests.append((version, action, fields))
        return super().call(version, action, **fields)

    def raw(self, version: str, action: str, retried: Iterable[str] = (), **fields) -> dict:
        """One call, answered as a dict; its error fails the operation (a code the provider
        would retry on fails it too, named as such)."""
        self.calls.append((version, action))
        self.requests.append((version, action, fields))
        try:
            return raw_call(self.acct.client(version), action, **fields)
        except ZenlayerCloudSdkException as e:
            if e.code in ALWAYS_RETRIED or e.code in tuple(retried):
                raise TerraformError(f"{action}: the provider would retry {e.code} for up to "
                                     f"20 minutes: {e}") from e
            raise TerraformError(f"{action}: {e}") from e

    def sent(self, action: str) -> list[dict]:
        """The fields of every ``action`` sent so far."""
        return [f for _, a, f in self.requests if a == action]

    def state_change(self, name: str, refresh: Callable[[], str | None], pending, target,
                     failed=(), delay: float = 3.0, timeout: float = LOOP_TIMEOUT) -> Wait:
        """resource.StateChangeConf.WaitForStateContext with Delay ``delay``, MinTimeout 5 s,
        NotFoundChecks 3; ``refresh`` returns the status or None (not found). What each poll
        saw is kept in ``observed[name]``; returns the target status reached."""
        seen = self.observed.setdefault(name, [])
        yield delay
        waited, wait, not_found = delay, 0.0, 0
        while True:
            status = refresh()
            seen.append(status)
            if status is None:
                not_found += 1
                if not_found > 3:
                    raise TerraformError(f"{name}: couldn't find resource (4 retries)")
            else:
                not_found = 0
                if status in failed:
                    raise TerraformError(f"{name}: failed to reach target state: {status}")
                if status in target:
                    return status
                if status not in pending:
                    raise TerraformError(f"{name}: unexpected state '{status}', wanted target "
                                         f"{sorted(target)}")
            wait = 0.2 if wait == 0 else wait * 2
            wait = min(max(wait, 5.0), 10.0)
            if waited + wait > timeout:
                raise TerraformError(f"{name}: timeout while waiting for state")
            yield wait
            waited += wait

    # ---- disks on the wire ----

    def describe_disk(self, did: str, retried: Iterable[str] = ()) -> dict | None:
        """DescribeDisks v2 {diskIds:[id]} (no paging fields), as the provider reads it."""
        answer = self.raw("v2", "DescribeDisks", retried, diskIds=[did])
        assert answer.get("totalCount") is not None, f"DescribeDisks without totalCount: {answer}"
        data = answer.get("dataSet") or []
        if not data:
            return None
        d = data[0]
        if d.get("diskId") is None or d.get("diskStatus") is None:
            raise TerraformPanic(f"DiskInfo.diskId/diskStatus is null: {d}")
        assert d["diskId"] == did, f"DescribeDisks {{diskIds:[{did}]}} answered {d['diskId']}"
        assert len(data) == 1 and answer["totalCount"] == 1, answer
        return d

    # ---- zenlayercloud_zec_disk (§9.1) ----

    def disk_create(self, cfg: DiskConfig) -> Wait:
        """CreateDisks v2, the StateChangeConf (Pending ATTACHING/DETACHING/CREATING/DELETING,
        Target IN_USE/AVAILABLE, RECYCLED fails), then Read. Returns (id, state)."""
        fields = dict(diskName=cfg.disk_name, diskSize=cfg.disk_size,
                      diskCategory=cfg.disk_category, zoneId=cfg.availability_zone)
        if cfg.tags:
            fields["tags"] = tag_association(cfg.tags)
        if cfg.resource_group_id:
            fields["resourceGroupId"] = cfg.resource_group_id
        resp = self.raw("v2", "CreateDisks", **fields)
        ids = resp.get("diskIds") or []
        if not ids:
            raise TerraformError("CreateDisks: disk id is nil")
        did = ids[0]

        def refresh():
            d = self.describe_disk(did)
            return None if d is None else d["diskStatus"]

        try:
            yield from self.state_change(f"disk_create:{did}", refresh, DISK_CREATE_PENDING,
                                         DISK_CREATE_TARGET, failed=("RECYCLED",))
        except TerraformError as e:
            e.resource_id = did   # d.SetId came before the wait: the resource is tainted
            raise
        state = yield from self.disk_read(did)
        if state is None:
            e = TerraformError(f"Provider produced inconsistent result after apply: disk {did}")
            e.resource_id = did
            raise e
        return did, state

    def disk_read(self, did: str) -> Wait:
        """DescribeDisks v2, retried while the disk is operating; absent, RECYCLED or FAILED
        is gone (None). What each attempt saw is kept in ``observed["disk_read:<id>"]``."""
        seen = self.observed.setdefault(f"disk_read:{did}", [])
        found: list[dict | None] = [None]

        def attempt():
            d = self.describe_disk(did)
            found[0] = d
            seen.append(None if d is None else d["diskStatus"])
            if d is not None and d["diskStatus"] in DISK_OPERATING:
                raise Retry(f"waiting for disk {did} operation ({d['diskStatus']})")

        yield from retry(LOOP_TIMEOUT, attempt)
        d = found[0]
        if d is None or d["diskStatus"] in ("RECYCLED", "FAILED"):
            return None
        return {
            "availability_zone": d.get("zoneId"),
            "disk_name": d.get("diskName"),
            "disk_category": d.get("diskCategory"),
            "disk_type": d.get("diskType"),
            "disk_size": d.get("diskSize"),
            "create_time": d.get("createTime"),
            "resource_group_id": d.get("resourceGroupId"),
            "resource_group_name": d.get("resourceGroupName"),
            "tags": {t["key"]: t["value"] for t in ((d.get("tags") or {}).get("tags") or [])},
        }

    def disk_update(self, did: str, old: DiskConfig, new: DiskConfig) -> Wait:
        """In the provider's order: ModifyDisksAttributes v2, AddResourceResourceGroup,
        ModifyResourceTags, ResizeDisk v1, then Read (which waits out CHANGING)."""
        if new.disk_name != old.disk_name:
            self.once("v2", "ModifyDisksAttributes", MODIFY_RETRIED, diskIds=[did],
                      diskName=new.disk_name)
        if new.resource_group_id and new.resource_group_id != old.resource_group_id:
            self.once("user", "AddResourceResourceGroup", MODIFY_RETRIED,
                      resourceGroupId=new.resource_group_id, resources=[did])
        if new.tags != old.tags:
            self.modify_tags(did, old.tags, new.tags)
        if new.disk_size != old.disk_size:
            self.once("v1", "ResizeDisk", MODIFY_RETRIED, diskId=did, diskSize=new.disk_size)
        state = yield from self.disk_read(did)
        if state is None:
            raise TerraformError(f"disk {did} vanished during update")
        return state

    def disk_delete(self, did: str, force_delete: bool = False) -> Wait:
        """ReleaseDisk v1 (UNSUPPORTED_OPERATION_DISK_BEING_RECYCLE is success); poll until
        absent or RECYCLED (operating statuses waited out, anything else fails); with
        force_delete and the disk still there, ReleaseDisk v1 again (not-found is success,
        other errors are dropped). Returns "gone", "recycled" or "released"."""
        try:
            self.call("v1", "ReleaseDisk", diskId=did)
        except ZenlayerCloudSdkException as e:
            if e.code != "UNSUPPORTED_OPERATION_DISK_BEING_RECYCLE":
                if e.code in ALWAYS_RETRIED:
                    raise TerraformError(f"ReleaseDisk: the provider would retry {e.code}") from e
                raise TerraformError(f"ReleaseDisk: {e}") from e
        seen = self.observed.setdefault(f"disk_delete:{did}", [])
        gone = [False]

        def recycled():
            d = self.describe_disk(did, retried=("INTERNAL_SERVER_ERROR",))
            seen.append(None if d is None else d["diskStatus"])
            if d is None:
                gone[0] = True
                return
            if d["diskStatus"] == "RECYCLED":
                return
            if d["diskStatus"] in DISK_OPERATING:
                raise Retry(f"waiting for disk {did} recycling ({d['diskStatus']})")
            raise TerraformError(f"disk status is not recycle, current status "
                                 f"{d['diskStatus']}")

        yield from retry(LOOP_TIMEOUT, recycled)
        if gone[0]:
            return "gone"
        if not force_delete:
            return "recycled"
        try:
            self.call("v1", "ReleaseDisk", diskId=did)
        except ZenlayerCloudSdkException as e:
            if e.code in ("INVALID_DISK_NOT_FOUND", "OPERATION_FAILED_RESOURCE_NOT_FOUND"):
                return "gone"
            self.dropped.append(e)   # diag.FromErr(err) without return: the error is lost
        return "released"

    @staticmethod
    def disk_plan(cfg: DiskConfig, state: dict) -> dict:
        """What the next plan would change (ForceNew ones included)."""
        want = {"availability_zone": cfg.availability_zone, "disk_name": cfg.disk_name,
                "disk_size": cfg.disk_size, "disk_category": cfg.disk_category,
                "tags": cfg.tags}
        if cfg.resource_group_id:
            want["resource_group_id"] = cfg.resource_group_id
        return {k: (v, state[k]) for k, v in want.items() if state[k] != v}

    # ---- zenlayercloud_zec_disk_attachment (§9.2) ----

    def disk_attachment_create(self, did: str, iid: str) -> Wait:
        """AttachDisks v2 {diskIds:[id], instanceId}, then Read (which waits ATTACHING out)."""
        self.once("v2", "AttachDisks", diskIds=[did], instanceId=iid)
        state = yield from self.disk_attachment_read(did)
        if state is None:
            raise TerraformError(f"Provider produced inconsistent result after apply: the "
                                 f"attachment {did}:{iid} is not there")
        return state

    def disk_attachment_read(self, did: str) -> Wait:
        """DescribeDisks v2, retried while operating; absent or instanceId null/"" is gone."""
        seen = self.observed.setdefault(f"attachment_read:{did}", [])
        found: list[dict | None] = [None]

        def attempt():
            d = self.describe_disk(did)
            found[0] = d
            seen.append(None if d is None else (d["diskStatus"], d.get("instanceId")))
            if d is not None and d["diskStatus"] in DISK_OPERATING:
                raise Retry(f"waiting disk {did} operation")

        yield from retry(LOOP_TIMEOUT, attempt)
        d = found[0]
        if d is None or not d.get("instanceId"):
            return None
        return {"disk_id": d["diskId"], "instance_id": d["instanceId"]}

    def disk_attachment_delete(self, did: str) -> Wait:
        """DetachDisks v2 {diskIds:[id], instanceCheckFlag:false} (failedDiskIds ignored), then
        poll DescribeDisks until AVAILABLE or a status outside the operating set; a poll error
        ends the poll silently; a disk no longer listed crashes the provider."""
        self.once("v2", "DetachDisks", diskIds=[did], instanceCheckFlag=False)
        seen = self.observed.setdefault(f"attachment_delete:{did}", [])

        def detached():
            try:
                d = self.describe_disk(did)
            except TerraformError:
                return
            if d is None:
                raise TerraformPanic("the detached disk is no longer listed: nil DiskStatus")
            seen.append((d["diskStatus"], d.get("instanceId")))
            if d["diskStatus"] != "AVAILABLE" and d["diskStatus"] in DISK_OPERATING:
                raise Retry(f"waiting disk {did} operation")

        yield from retry(LOOP_TIMEOUT, detached)

    # ---- zenlayercloud_zec_disk_snapshot (§10; every call v1) ----

    def describe_snapshot(self, sid: str) -> dict | None:
        answer = self.raw("v1", "DescribeSnapshots", snapshotIds=[sid])
        assert answer.get("totalCount") is not None, answer
        data = answer.get("dataSet") or []
        if not data:
            return None
        s = data[0]
        if s.get("status") is None:
            raise TerraformPanic(f"SnapshotInfo.status is null: {s}")
        assert s.get("snapshotId") == sid, f"DescribeSnapshots answered {s.get('snapshotId')}"
        assert len(data) == 1 and answer["totalCount"] == 1, answer
        return s

    def snapshot_create(self, cfg: SnapshotConfig) -> Wait:
        """CreateSnapshot v1, the StateChangeConf (CREATING → AVAILABLE, FAILED fails), then
        Read. Returns (id, state)."""
        fields = dict(diskId=cfg.disk_id, snapshotName=cfg.name)
        if cfg.retention_time:
            fields["retentionTime"] = cfg.retention_time
        resp = self.raw("v1", "CreateSnapshot", **fields)
        sid = resp.get("snapshotId")
        if sid is None:
            raise TerraformError("CreateSnapshot: snapshot id is nil")

        def refresh():
            s = self.describe_snapshot(sid)
            return None if s is None else s["status"]

        try:
            yield from self.state_change(f"snapshot_create:{sid}", refresh, {"CREATING"},
                                         {"AVAILABLE"}, failed=("FAILED",))
        except TerraformError as e:
            e.resource_id = sid
            raise
        state = self.snapshot_read(sid)
        if state is None:
            e = TerraformError(f"Provider produced inconsistent result: snapshot {sid}")
            e.resource_id = sid
            raise e
        return sid, state

    def snapshot_read(self, sid: str) -> dict | None:
        """DescribeSnapshots v1; absent or FAILED is gone. snapshotType and resourceGroup are
        dereferenced."""
        s = self.describe_snapshot(sid)
        if s is None or s["status"] == "FAILED":
            return None
        if s.get("snapshotType") is None:
            raise TerraformPanic("SnapshotInfo.snapshotType is null")
        rg = s.get("resourceGroup")
        if rg is None:
            raise TerraformPanic("SnapshotInfo.resourceGroup is null")
        return {
            "disk_id": s.get("diskId"),
            "name": s.get("snapshotName"),
            "availability_zone": s.get("zoneId"),
            "snapshot_type": s["snapshotType"],
            "create_time": s.get("createTime"),
            "status": s["status"],
            "retention_time": s.get("retentionTime"),
            "resource_group_id": rg.get("resourceGroupId"),
            "resource_group_name": rg.get("resourceGroupName"),
            "disk_ability": s.get("diskAbility"),
        }

    def snapshot_update(self, sid: str, old: SnapshotConfig, new: SnapshotConfig) -> dict:
        """ModifySnapshotsAttribute v1 {snapshotIds, snapshotName, retentionTime} or
        {…, isPermanent:true} when retention_time is empty; then Read."""
        if (old.name, old.retention_time) != (new.name, new.retention_time):
            fields = dict(snapshotIds=[sid], snapshotName=new.name)
            if new.retention_time:
                fields["retentionTime"] = new.retention_time
            else:
                fields["isPermanent"] = True
            self.raw("v1", "ModifySnapshotsAttribute", MODIFY_RETRIED, **fields)
        state = self.snapshot_read(sid)
        if state is None:
            raise TerraformError(f"snapshot {sid} vanished during update")
        return state

    def snapshot_delete(self, sid: str) -> Wait:
        """DeleteSnapshots v1 (INVALID_DISK_SNAPSHOT_NOT_FOUND is success, the failed-id list is
        ignored), then poll: absent (or OPERATION_FAILED_RESOURCE_NOT_FOUND) done, DELETING
        waited out, anything else fails. Returns "deleted" or the tolerated code."""
        result = "deleted"
        try:
            self.call("v1", "DeleteSnapshots", snapshotIds=[sid])
        except ZenlayerCloudSdkException as e:
            if e.code != "INVALID_DISK_SNAPSHOT_NOT_FOUND":
                raise TerraformError(f"DeleteSnapshots: {e}") from e
            result = e.code
        seen = self.observed.setdefault(f"snapshot_delete:{sid}", [])

        def vanished():
            try:
                s = self.describe_snapshot(sid)
            except TerraformError as e:
                cause = e.__cause__
                if getattr(cause, "code", None) == "OPERATION_FAILED_RESOURCE_NOT_FOUND":
                    return
                if getattr(cause, "code", None) == "INTERNAL_SERVER_ERROR":
                    raise TerraformError("the provider would retry INTERNAL_SERVER_ERROR") from e
                raise
            seen.append(None if s is None else s["status"])
            if s is None:
                return
            if s["status"] == "DELETING":
                raise Retry(f"waiting for snapshot {sid} deleting")
            raise TerraformError(f"snapshot status is not deleted, current status "
                                 f"{s['status']}")

        yield from retry(LOOP_TIMEOUT, vanished)
        return result

    @staticmethod
    def snapshot_plan(cfg: SnapshotConfig, state: dict) -> dict:
        want = {"disk_id": cfg.disk_id, "name": cfg.name, "retention_time": cfg.retention_time}
        return {k: (v, state[k]) for k, v in want.items() if state[k] != v}


def unique_names(prefix: str) -> Callable[[], str]:
    """A generator of names ``prefix-1``, ``prefix-2`` … (disk and snapshot names)."""
    counter = itertools.count(1)
    return lambda: f"{prefix}-{next(counter)}"
