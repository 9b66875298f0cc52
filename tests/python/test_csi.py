"""The Zenlayer CSI driver v1.2.0 (zenlayer-cloud-csi-driver ``0b9046f``) against zecd (issue 12;
spec zec-resources.md §15, §0.2, §0.4, §0.6, §9, §10, §13, §17; notes/issue12-design.md "Disks",
"Snapshots"), through the official Python SDK's 2025-09-01 ``zec`` client on a zecd with a manual
clock.

:class:`CsiDriver` replays the controller plugin call for call (``pkg/cloud/cloud_manager.go`` and
``pkg/disk/rpcserver/controllerserver.go``): the same actions with the same request fields (the Go
SDK's pointer fields, so ``""`` and ``false`` go on the wire), the same reading of each answer
(what it dereferences: ``totalCount``, ``dataSet[0]``, ``diskStatus``, ``serial``, ``diskAbility``
…; ``totalCount`` 0 = absent, not 1 = "repeat" error) and the same waits: ``WaitFor`` polls
``DescribeDisks``/``DescribeSnapshots {…Ids:[id]}`` once at once, then every 3 s (the manual
clock is advanced by exactly 3 s between polls) for up to 180 s, recognising no failure status.
Every call is recorded as ``(action, fields)`` so that tests can check the sequence:

* Probe: ``DescribeDiskRegions {}``.
* CreateVolume: the name lookup ``DescribeDisks {diskName:"^<name>$", zoneId, resourceGroupId,
  pageSize:20, pageNum:1}`` (all pages again from 1 when ``totalCount`` > 20; RECYCLED skipped;
  same zone and category: same size = reuse, another size = AlreadyExists), then ``CreateDisks
  {diskName, diskSize, zoneId, diskAmount:1, resourceGroupId, diskCategory, burstingEnabled[,
  snapshotId]}`` (from a snapshot: ``DescribeSnapshots {snapshotIds}`` first, ``diskAbility``
  must be true), the wait for AVAILABLE and ``DescribeDisks``; the volume id is
  ``<diskId>-<serial>``.
* ControllerPublish: ``DescribeDisks``, ``DescribeInstancesStatus`` (RUNNING), ``AttachDisks``,
  the wait for IN_USE, ``DescribeDisks`` (``instanceId`` = the node).
* ControllerUnpublish: ``DescribeDisks``, ``DetachDisks {instanceCheckFlag:false}`` (from a
  running instance), the wait for AVAILABLE.
* ControllerExpand: ``DescribeDisks``, ``ResizeDisk``, the wait for AVAILABLE or IN_USE.
* CreateSnapshot: ``DescribeDisks`` (``snapshotAbility``), ``DescribeSnapshots {snapshotName:
  "^<name>$", zoneId, resourceGroupId (the disk's), pageSize:20, pageNum:1}`` (the first match:
  same disk = reuse, another = AlreadyExists), ``CreateSnapshot {diskId, snapshotName}``, the wait
  for AVAILABLE, ``DescribeSnapshots``.
* DeleteSnapshot: ``DescribeSnapshots``, ``DeleteSnapshots`` (INVALID_DISK_SNAPSHOT_NOT_FOUND =
  done), the wait until ``totalCount`` 0.
* DeleteVolume: up to two rounds of ``DescribeDisks`` + ``ReleaseDisk``
  (OPERATION_FAILED_RESOURCE_NOT_FOUND = done): a RECYCLED disk is waited out until gone, any other
  until gone or RECYCLED (then round two).

Assumptions beyond the spec and the design (pinned here):
* ``^name$`` is the exact name (whether its case must match is not pinned: the CSI's names are
  lowercase PV names); a plain name filter is a case-insensitive substring, for disks and
  snapshots alike.
* The v1.2.0 driver only accepts volume ids of a 19-digit disk id and a 20-character serial
  (``ParseCsiVolId``, ``ZECVOLID_LEN``/``ZECVOLSERIAL_LEN`` in ``pkg/common``); a volume id of
  another shape is "not found" for ControllerPublish/Expand/CreateSnapshot and "already deleted"
  for DeleteVolume. The spec does not mention the lengths, so the replay splits ids the driver's
  way but leaves the length check to one test of its own
  (:func:`test_volume_ids_have_the_shape_the_driver_parses`), which shows what the real driver
  does with zecd's ids, instead of failing every other test on that one point.
* ReleaseDisk of an attached disk is UNSUPPORTED_OPERATION_DISK_STATUS (the design's code).
"""

from __future__ import annotations

import math
from typing import Callable

import pytest

from conftest import ZONE, ZenlayerCloudSdkException
from netkit import check_time, listing, new_account
from tfstorage import (
    BASIC,
    CATALOG_REGIONS,
    NOWHERE,
    OTHER_ZONE,
    PHASE_MS,
    SERIAL,
    STANDARD,
    disk_wire,
    instance_wire,
    ms,
    new_disks,
    new_instance,
    raw_call,
    snapshot_wire,
    status_of,
    stop,
    storage_snapshot,
)

WAIT_INTERVAL = 3.0        # WaitStatusInterval
WAIT_TIMEOUT = 180.0       # WaitStatusTimeout
PAGE_SIZE = 20             # the name lookups' page
MAX_RELEASES = 2           # maxReleaseDiskTimes
GIB = 1 << 30
VOLUME_ID_LEN = 19         # pkg/common ZECVOLID_LEN     (e.g. 1440908808376556310)
SERIAL_LEN = 20            # pkg/common ZECVOLSERIAL_LEN (e.g. d100om84ggf2oqdh05eg)
CATEGORIES = (BASIC, STANDARD)   # driver.StringToType knows these two


class CsiError(Exception):
    """A gRPC error the controller plugin answers the CO with; ``code`` is its gRPC code
    ("NotFound", "AlreadyExists", "Internal", "Aborted", "FailedPrecondition"); ``sdk_code`` the
    API error code behind it, if any."""

    def __init__(self, code: str, message: str, sdk_code: str | None = None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.sdk_code = sdk_code


class CsiDriver:
    """The controller plugin of zenlayer-cloud-csi-driver v1.2.0 over an account's 2025-09-01
    client. ``calls``: every API call as ``(action, fields)``; ``observed``: what each wait saw
    (by ``"<wait>:<id>"``); ``clock``: the seconds waited; ``before``: one-shot hooks run just
    before an action is sent (to let something else happen in between, as a race would)."""

    def __init__(self, acct, zone: str = ZONE, category: str = STANDARD,
                 resource_group: str | None = None, burst: bool = False,
                 strict_ids: bool = False):
        self.acct = acct
        self.client = acct.zec
        self.server = acct.server
        # The storage class: zone, disk type, resource group ("placeGroupId"), bursting.
        self.zone = zone
        self.category = category
        self.resource_group = resource_group or acct.default_group
        self.burst = burst
        self.strict_ids = strict_ids
        self.calls: list[tuple[str, dict]] = []
        self.observed: dict[str, list] = {}
        self.clock = 0.0
        self.before: dict[str, Callable[[], None]] = {}

    # ---- plumbing ----

    def sdk(self, action: str, **fields) -> dict:
        """One call; the answer as a dict (JSON null = None); an API error raises the SDK's
        exception."""
        self.calls.append((action, fields))
        hook = self.before.pop(action, None)
        if hook:
            hook()
        return raw_call(self.client, action, **fields)

    def api(self, action: str, **fields) -> dict:
        """One call whose API error the driver passes on as Internal."""
        try:
            return self.sdk(action, **fields)
        except ZenlayerCloudSdkException as e:
            raise CsiError("Internal", f"{action}: {e}", e.code) from e

    def actions(self, since: int = 0) -> list[str]:
        return [a for a, _ in self.calls[since:]]

    def sent(self, action: str) -> list[dict]:
        return [f for a, f in self.calls if a == action]

    def wait_for(self, job: Callable[[], bool]) -> None:
        """WaitFor: ``job`` once at once, then on every 3 s tick until it says stop or 180 s
        have passed (a timeout error)."""
        if job():
            return
        waited = 0.0
        while waited + WAIT_INTERVAL < WAIT_TIMEOUT:
            self.server.advance(ms(WAIT_INTERVAL * 1000))
            self.clock += WAIT_INTERVAL
            waited += WAIT_INTERVAL
            if job():
                return
        self.server.advance(ms((WAIT_TIMEOUT - waited) * 1000))
        self.clock += WAIT_TIMEOUT - waited
        raise CsiError("Internal", "Wait timeout [3m0s]")

    # ---- volume ids (common.GenCsiVolId / ParseCsiVolId) ----

    @staticmethod
    def volume_id(vol: dict) -> str:
        if not vol["id"] or not vol["serial"]:
            raise CsiError("Aborted", f"volume {vol}: id or serial is empty, cannot build "
                                      f"volume id, please retry later")
        return f"{vol['id']}-{vol['serial']}"

    def parse_volume_id(self, volume_id: str) -> str | None:
        """The disk id of a volume id, or None when the driver cannot parse it."""
        disk_id, found, serial = volume_id.partition("-")
        if not found:
            return None
        if self.strict_ids and (len(disk_id) != VOLUME_ID_LEN or len(serial) != SERIAL_LEN):
            return None
        return disk_id

    # ---- reading disks and instances ----

    @staticmethod
    def volume(d: dict) -> dict:
        """ZecVolume from a DiskInfo (Go zero values for what is null)."""
        return {
            "id": d.get("diskId") or "",
            "name": d.get("diskName") or "",
            "size": d.get("diskSize") or 0,
            "category": d.get("diskCategory") or "",
            "status": d.get("diskStatus") or "",
            "zone": d.get("zoneId") or "",
            "instance_id": d.get("instanceId") or "",
            "serial": d.get("serial") or "",
            "portable": bool(d.get("portable")),
            "snapshot_ability": bool(d.get("snapshotAbility")),
            "resource_group_id": d.get("resourceGroupId") or "",
        }

    def find_volume(self, disk_id: str) -> dict | None:
        """FindVolume: DescribeDisks {diskIds:[id]}."""
        answer = self.api("DescribeDisks", diskIds=[disk_id])
        total = answer.get("totalCount")
        if total is None:
            raise CsiError("Internal", f"DescribeDisks without totalCount: {answer}")
        if total == 0:
            return None
        if total != 1:
            raise CsiError("Internal", f"Volid Repeat. volid={disk_id}: {answer}")
        data = answer.get("dataSet") or []
        if not data or data[0] is None:
            raise CsiError("Internal", f"nil response. volid={disk_id}")
        # Not checked by the driver, but what it relies on (spec §0.2).
        assert data[0].get("diskId") == disk_id, answer
        return self.volume(data[0])

    def find_volume_by_name(self, name: str, zone: str, size: int, category: str,
                            group: str) -> dict | None:
        """FindVolumeByName: the ``^name$`` lookup, paged by 20 when there are more."""
        fields = dict(diskName=f"^{name}$", zoneId=zone, resourceGroupId=group,
                      pageSize=PAGE_SIZE, pageNum=1)
        answer = self.api("DescribeDisks", **fields)
        total = answer.get("totalCount")
        if total is None:
            raise CsiError("Internal", f"nil response. volName={name}")
        if total == 0:
            return None
        found: list = []
        if total > PAGE_SIZE:
            for page in range(1, math.ceil(total / PAGE_SIZE) + 1):
                found += self.api("DescribeDisks", **{**fields, "pageNum": page}
                                  ).get("dataSet") or []
        else:
            found = answer.get("dataSet") or []
        for d in found:
            if d is None:
                continue
            vol = self.volume(d)
            if vol["status"] == "RECYCLED":
                continue
            if vol["zone"] == zone and vol["category"] == category:
                if vol["size"] != size:
                    raise CsiError("AlreadyExists", f"volume name {name} exists with size "
                                                    f"{vol['size']}, asked {size}")
                return vol
        return None

    def vm_status(self, node: str) -> str | None:
        """GetVmStatus: DescribeInstancesStatus {instanceIds:[node]}; None = no such VM."""
        answer = self.api("DescribeInstancesStatus", instanceIds=[node])
        total = answer.get("totalCount")
        if total is None:
            raise CsiError("Internal", f"nil response. vmid={node}")
        if total == 0:
            return None
        if total != 1:
            raise CsiError("Internal", f"VmId repeat. vmid={node}")
        data = answer.get("dataSet") or []
        if not data or data[0] is None or data[0].get("instanceStatus") is None:
            raise CsiError("Internal", f"nil response. vmid={node}")
        return data[0]["instanceStatus"]

    # ---- waits (waitDiskStatus, waitDiskReleased, waitDiskSnapStatus) ----

    def describe_one_disk(self, disk_id: str) -> dict:
        """A wait's poll: totalCount, dataSet[0] and its diskStatus must be there, and
        totalCount exactly 1."""
        answer = self.api("DescribeDisks", diskIds=[disk_id])
        data = answer.get("dataSet") or []
        if answer.get("totalCount") is None or not data or data[0] is None or \
                data[0].get("diskStatus") is None:
            raise CsiError("Internal", f"nil response.volid={disk_id}: {answer}")
        if answer["totalCount"] != 1:
            raise CsiError("Internal", f"VolId Repeat or missing, volid={disk_id}")
        return data[0]

    def wait_disk(self, disk_id: str, *statuses: str) -> None:
        seen = self.observed.setdefault(f"wait {'/'.join(statuses)}:{disk_id}", [])

        def job():
            status = self.describe_one_disk(disk_id)["diskStatus"]
            seen.append(status)
            return status in statuses

        self.wait_for(job)

    def wait_disk_gone(self, disk_id: str) -> None:
        seen = self.observed.setdefault(f"wait gone:{disk_id}", [])

        def job():
            answer = self.api("DescribeDisks", diskIds=[disk_id])
            if answer.get("totalCount") is None:
                raise CsiError("Internal", f"nil response.volid={disk_id}")
            seen.append(None if answer["totalCount"] == 0 else
                        answer["dataSet"][0]["diskStatus"])
            return answer["totalCount"] == 0

        self.wait_for(job)

    def wait_disk_released(self, disk_id: str) -> bool:
        """Until gone (True) or RECYCLED (False)."""
        seen = self.observed.setdefault(f"wait released:{disk_id}", [])
        gone = [False]

        def job():
            answer = self.api("DescribeDisks", diskIds=[disk_id])
            total = answer.get("totalCount")
            if total is None:
                raise CsiError("Internal", f"nil response.volid={disk_id}")
            if total == 0:
                seen.append(None)
                gone[0] = True
                return True
            if total != 1:
                raise CsiError("Internal", f"VolId Repeat, volid={disk_id}")
            data = answer.get("dataSet") or []
            if not data or data[0] is None or data[0].get("diskStatus") is None:
                raise CsiError("Internal", f"nil response.volid={disk_id}")
            seen.append(data[0]["diskStatus"])
            return data[0]["diskStatus"] == "RECYCLED"

        self.wait_for(job)
        return gone[0]

    def wait_snapshot(self, snap_id: str) -> None:
        seen = self.observed.setdefault(f"wait snapshot AVAILABLE:{snap_id}", [])

        def job():
            answer = self.api("DescribeSnapshots", snapshotIds=[snap_id])
            data = answer.get("dataSet") or []
            if answer.get("totalCount") is None or not data or data[0] is None or \
                    data[0].get("status") is None:
                raise CsiError("Internal", f"nil response.snapid={snap_id}: {answer}")
            if answer["totalCount"] != 1:
                raise CsiError("Internal", f"snapshotId Repeat or missing, {snap_id}")
            seen.append(data[0]["status"])
            return data[0]["status"] == "AVAILABLE"

        self.wait_for(job)

    def wait_snapshot_gone(self, snap_id: str) -> None:
        seen = self.observed.setdefault(f"wait snapshot gone:{snap_id}", [])

        def job():
            answer = self.api("DescribeSnapshots", snapshotIds=[snap_id])
            if answer.get("totalCount") is None:
                raise CsiError("Internal", f"nil response.snapid={snap_id}")
            seen.append(None if answer["totalCount"] == 0 else answer["dataSet"][0]["status"])
            return answer["totalCount"] == 0

        self.wait_for(job)

    # ---- snapshots ----

    @staticmethod
    def snapshot(s: dict) -> dict:
        group = s.get("resourceGroup") or {}
        return {
            "id": s.get("snapshotId") or "",
            "name": s.get("snapshotName") or "",
            "status": s.get("status") or "",
            "disk_id": s.get("diskId") or "",
            "disk_ability": bool(s.get("diskAbility")),
            "zone": s.get("zoneId") or "",
            "resource_group_id": group.get("resourceGroupId") or "",
            "create_time": s.get("createTime") or "",
        }

    def find_snapshot(self, snap_id: str) -> dict | None:
        answer = self.api("DescribeSnapshots", snapshotIds=[snap_id])
        total = answer.get("totalCount")
        if total is None:
            raise CsiError("Internal", f"nil response. snapshotId={snap_id}")
        if total == 0:
            return None
        if total != 1:
            raise CsiError("Internal", f"snapshotId Repeat. snapshotid={snap_id}")
        data = answer.get("dataSet") or []
        if not data or data[0] is None:
            raise CsiError("Internal", f"nil response. snapshotId={snap_id}")
        assert data[0].get("snapshotId") == snap_id, answer
        return self.snapshot(data[0])

    def find_snapshot_by_name(self, name: str, disk_id: str, zone: str,
                              group: str) -> dict | None:
        fields = dict(snapshotName=f"^{name}$", zoneId=zone, resourceGroupId=group,
                      pageSize=PAGE_SIZE, pageNum=1)
        answer = self.api("DescribeSnapshots", **fields)
        total = answer.get("totalCount")
        if total is None:
            raise CsiError("Internal", f"nil response. snapshotName={name}")
        if total == 0:
            return None
        found: list = []
        if total > PAGE_SIZE:
            for page in range(1, math.ceil(total / PAGE_SIZE) + 1):
                found += self.api("DescribeSnapshots", **{**fields, "pageNum": page}
                                  ).get("dataSet") or []
        else:
            found = answer.get("dataSet") or []
        for s in found:
            if s is None:
                continue
            snap = self.snapshot(s)
            if snap["disk_id"] == disk_id:
                return snap
            raise CsiError("AlreadyExists", f"snapshot name {name} already exists for volume "
                                            f"{snap['disk_id']}, not {disk_id}")
        return None

    # ---- the CSI controller RPCs ----

    def probe(self) -> list[str]:
        return self.api("DescribeDiskRegions").get("regionIds") or []

    def create_volume(self, name: str, size_gib: int, snapshot_id: str | None = None) -> dict:
        """CreateVolume; returns the CSI volume: volume_id, capacity_bytes, disk_id."""
        existing = self.find_volume_by_name(name, self.zone, size_gib, self.category,
                                            self.resource_group)
        if existing is not None:
            return {"volume_id": self.volume_id(existing), "disk_id": existing["id"],
                    "capacity_bytes": existing["size"] * GIB, "reused": True}
        fields = dict(diskName=name, diskSize=size_gib, zoneId=self.zone, diskAmount=1,
                      resourceGroupId=self.resource_group, diskCategory=self.category)
        if snapshot_id is not None:
            snap = self.find_snapshot(snapshot_id)
            if snap is None:
                raise CsiError("NotFound", f"cannot find content source snapshotid "
                                           f"[{snapshot_id}]")
            if not snap["disk_ability"]:
                raise CsiError("Internal", f"snap DiskAbility is false, snapshot not ready: "
                                           f"{snapshot_id}")
            fields["snapshotId"] = snapshot_id
        fields["burstingEnabled"] = self.burst
        answer = self.api("CreateDisks", **fields)
        ids = answer.get("diskIds") or []
        if not ids:
            raise CsiError("Internal", f"nil response. volName={name}")
        disk_id = ids[0]
        self.wait_disk(disk_id, "AVAILABLE")
        vol = self.find_volume(disk_id)
        if vol is None:
            raise CsiError("Aborted", f"cannot find volume[{disk_id}]")
        return {"volume_id": self.volume_id(vol), "disk_id": disk_id,
                "capacity_bytes": size_gib * GIB, "reused": False}

    def controller_publish(self, volume_id: str, node: str) -> None:
        disk_id = self.parse_volume_id(volume_id)
        if disk_id is None:
            raise CsiError("NotFound", f"invalid csi volume id[{volume_id}]")
        vol = self.find_volume(disk_id)
        if vol is None:
            raise CsiError("NotFound", f"Volume: {disk_id} does not exist")
        status = self.vm_status(node)
        if status is None:
            raise CsiError("NotFound", f"node[{node}] does not exist")
        if status != "RUNNING":
            raise CsiError("FailedPrecondition", f"node[{node}] status is [{status}]")
        if vol["instance_id"]:
            if vol["instance_id"] == node:
                return
            raise CsiError("FailedPrecondition", "Volume published to another node")
        self.api("AttachDisks", diskIds=[disk_id], instanceId=node)
        self.wait_disk(disk_id, "IN_USE")
        vol = self.find_volume(disk_id)
        if vol is None:
            raise CsiError("NotFound", f"Volume: {disk_id} does not exist")
        if vol["instance_id"] != node:
            raise CsiError("Internal", f"after attach, volume[{disk_id}] not attached to "
                                       f"expected vm[{node}], actual vm[{vol['instance_id']}]")

    def controller_unpublish(self, volume_id: str, node: str) -> None:
        disk_id = self.parse_volume_id(volume_id)
        if disk_id is None:
            return
        vol = self.find_volume(disk_id)
        if vol is None or not vol["instance_id"] or vol["instance_id"] != node:
            return
        answer = self.api("DetachDisks", diskIds=[disk_id], instanceCheckFlag=False)
        if answer.get("failedDiskIds"):
            raise CsiError("Internal", f"DetachDisks failedDiskIds {answer['failedDiskIds']}")
        self.wait_disk(disk_id, "AVAILABLE")

    def controller_expand(self, volume_id: str, size_gib: int) -> int:
        """Returns the capacity in bytes."""
        disk_id = self.parse_volume_id(volume_id)
        if disk_id is None:
            raise CsiError("NotFound", f"invalid csi volume id[{volume_id}]")
        vol = self.find_volume(disk_id)
        if vol is None:
            raise CsiError("NotFound", f"Volume[{disk_id}] does not exist")
        if vol["category"] not in CATEGORIES:
            raise CsiError("Internal", f"unsupport voltype {vol['category']!r}")
        if vol["size"] >= size_gib:
            return vol["size"] * GIB
        self.api("ResizeDisk", diskId=disk_id, diskSize=size_gib)
        self.wait_disk(disk_id, "AVAILABLE", "IN_USE")
        return size_gib * GIB

    def create_snapshot(self, name: str, source_volume_id: str) -> dict:
        disk_id = self.parse_volume_id(source_volume_id)
        if disk_id is None:
            raise CsiError("NotFound", f"invalid csi volume id[{source_volume_id}]")
        vol = self.find_volume(disk_id)
        if vol is None:
            raise CsiError("NotFound", f"Volume[{disk_id}] does not exist")
        if not vol["snapshot_ability"]:
            raise CsiError("Internal", f"Volume[{disk_id}] do not support SnapshotAbility")
        existing = self.find_snapshot_by_name(name, disk_id, vol["zone"],
                                              vol["resource_group_id"])
        if existing is not None:
            return {"snapshot_id": existing["id"], "source": existing["disk_id"],
                    "ready": existing["status"] == "AVAILABLE",
                    "creation_time": existing["create_time"],
                    "size_bytes": vol["size"] * GIB, "reused": True}
        answer = self.api("CreateSnapshot", diskId=disk_id, snapshotName=name)
        snap_id = answer.get("snapshotId")
        if snap_id is None:
            raise CsiError("Internal", f"nil response. snapshotName={name}")
        self.wait_snapshot(snap_id)
        snap = self.find_snapshot(snap_id)
        if snap is None:
            raise CsiError("Internal", f"cannot find just created snapshot id[{snap_id}]")
        return {"snapshot_id": snap["id"], "source": snap["disk_id"],
                "ready": snap["status"] == "AVAILABLE", "creation_time": snap["create_time"],
                "size_bytes": vol["size"] * GIB, "reused": False}

    def delete_snapshot(self, snap_id: str) -> str:
        """Returns "absent", "not found" (the tolerated code) or "deleted"."""
        if self.find_snapshot(snap_id) is None:
            return "absent"
        try:
            answer = self.sdk("DeleteSnapshots", snapshotIds=[snap_id])
        except ZenlayerCloudSdkException as e:
            if e.code == "INVALID_DISK_SNAPSHOT_NOT_FOUND":
                return "not found"
            raise CsiError("Internal", f"DeleteSnapshots: {e}", e.code) from e
        if answer.get("snapshotIds"):
            raise CsiError("Internal", f"DeleteSnapshots failed ids {answer['snapshotIds']}")
        self.wait_snapshot_gone(snap_id)
        return "deleted"

    def delete_volume(self, volume_id: str) -> str:
        """Returns how it ended: "unparsable", "absent" (not listed before a release), "not
        found" (ReleaseDisk's tolerated code) or "released" (listed no more after a release)."""
        disk_id = self.parse_volume_id(volume_id)
        if disk_id is None:
            return "unparsable"
        for _ in range(MAX_RELEASES):
            vol = self.find_volume(disk_id)
            if vol is None:
                return "absent"
            last = vol["status"] == "RECYCLED"
            try:
                self.sdk("ReleaseDisk", diskId=disk_id)
            except ZenlayerCloudSdkException as e:
                if e.code == "OPERATION_FAILED_RESOURCE_NOT_FOUND":
                    return "not found"
                raise CsiError("Internal", f"ReleaseDisk: {e}", e.code) from e
            if last:
                self.wait_disk_gone(disk_id)
                return "released"
            if self.wait_disk_released(disk_id):
                return "released"
        raise CsiError("Internal", f"volId[{disk_id}] still exist after release "
                                   f"{MAX_RELEASES} times")


# --------------------------------------------------------------------------------------------
# Fixtures and helpers.

@pytest.fixture(scope="module")
def server(manual_zecd):
    return manual_zecd


@pytest.fixture
def acct(server):
    return new_account(server, "csi")


@pytest.fixture
def csi(acct):
    return CsiDriver(acct)


@pytest.fixture
def node(acct):
    """A RUNNING instance in the storage class's zone: the Kubernetes node."""
    return new_instance(acct, instanceName="k8s-node-1")


@pytest.fixture
def no_faults(server):
    server.delete_faults()
    yield
    server.delete_faults()


def disk_names(acct, **filters) -> list[str]:
    data = acct.wire("DescribeDisks", {"pageSize": 1000, **filters})["dataSet"]
    return sorted(d["diskName"] for d in data)


def snapshot_names(acct, **filters) -> list[str]:
    data = acct.wire("DescribeSnapshots", {"pageSize": 1000, **filters})["dataSet"]
    return sorted(s["snapshotName"] for s in data)


def lookup(name: str, zone: str = ZONE, group: str = "", **more) -> dict:
    """The CreateVolume name lookup as the driver sends it (page 1)."""
    return dict(diskName=f"^{name}$", zoneId=zone, resourceGroupId=group, pageSize=PAGE_SIZE,
                pageNum=1, **more)


def recycle(acct, disk_id: str) -> None:
    raw_call(acct.zec, "ReleaseDisk", diskId=disk_id)
    acct.server.advance(ms(PHASE_MS["disk-release"]))
    assert status_of(acct, disk_id) == "RECYCLED"


# --------------------------------------------------------------------------------------------
# Probe and CreateVolume.

def test_probe_lists_the_disk_regions(csi):
    """The controller starts: Probe is DescribeDiskRegions {}."""
    assert sorted(csi.probe()) == sorted(CATALOG_REGIONS)
    assert csi.calls == [("DescribeDiskRegions", {})]


def test_create_volume_looks_the_name_up_creates_and_polls_until_available(csi, acct):
    """A PVC is created: the name lookup finds nothing, CreateDisks, the disk is CREATING at the
    first poll and AVAILABLE 3 s later (disk-create: 2 s), and the volume id is built from the
    disk id and its serial."""
    group = acct.default_group
    vol = csi.create_volume("pvc-7d0c1e52", 30)
    did = vol["disk_id"]
    assert csi.actions() == ["DescribeDisks", "CreateDisks", "DescribeDisks", "DescribeDisks",
                             "DescribeDisks"]
    assert csi.calls[0][1] == lookup("pvc-7d0c1e52", group=group)
    assert csi.sent("CreateDisks") == [dict(
        diskName="pvc-7d0c1e52", diskSize=30, zoneId=ZONE, diskAmount=1,
        resourceGroupId=group, diskCategory=STANDARD, burstingEnabled=False)]
    assert csi.calls[2][1] == csi.calls[4][1] == {"diskIds": [did]}
    assert csi.observed[f"wait AVAILABLE:{did}"] == ["CREATING", "AVAILABLE"]
    assert csi.clock == WAIT_INTERVAL
    d = disk_wire(acct, did)
    assert SERIAL.match(d["serial"]), d
    assert vol == {"volume_id": f"{did}-{d['serial']}", "disk_id": did,
                   "capacity_bytes": 30 * GIB, "reused": False}
    assert (d["diskName"], d["diskSize"], d["zoneId"], d["diskCategory"], d["diskStatus"],
            d["diskType"], d["portable"], d["snapshotAbility"], d["burstingEnabled"],
            d["resourceGroupId"]) == ("pvc-7d0c1e52", 30, ZONE, STANDARD, "AVAILABLE", "DATA",
                                      True, True, False, group)
    assert d.get("instanceId") is None


def test_a_basic_bursting_storage_class_creates_what_it_says(acct):
    """A storage class with diskCategory Basic NVMe SSD and bursting on, in a resource group of
    its own."""
    group = acct.group("k8s")
    csi = CsiDriver(acct, category=BASIC, resource_group=group, burst=True)
    vol = csi.create_volume("pvc-basic", 20)
    d = disk_wire(acct, vol["disk_id"])
    assert (d["diskCategory"], d["burstingEnabled"], d["resourceGroupId"], d["diskSize"]) == (
        BASIC, True, group, 20)
    assert csi.calls[0][1] == lookup("pvc-basic", group=group)


def test_a_retried_create_volume_reuses_the_disk_of_that_name(csi, acct):
    """The external-provisioner retries CreateVolume (its first call timed out): the lookup finds
    the disk by its exact name and answers the same volume, with no second disk."""
    first = csi.create_volume("pvc-retried", 40)
    mark = len(csi.calls)
    again = csi.create_volume("pvc-retried", 40)
    assert csi.actions(mark) == ["DescribeDisks"]
    assert again == {**first, "reused": True}
    assert disk_names(acct) == ["pvc-retried"]
    # The same while the disk is still attached to a node (IN_USE is not skipped).
    node = new_instance(acct)
    csi.controller_publish(first["volume_id"], node)
    assert csi.create_volume("pvc-retried", 40)["volume_id"] == first["volume_id"]


def test_a_create_volume_with_the_name_of_a_disk_of_another_size_is_already_exists(csi, acct):
    """Kubernetes asks for a PVC name again with another capacity: AlreadyExists, nothing made."""
    first = csi.create_volume("pvc-sized", 40)
    before = storage_snapshot(acct)
    mark = len(csi.calls)
    with pytest.raises(CsiError) as e:
        csi.create_volume("pvc-sized", 50)
    assert e.value.code == "AlreadyExists"
    assert csi.actions(mark) == ["DescribeDisks"]
    assert storage_snapshot(acct) == before
    assert status_of(acct, first["disk_id"]) == "AVAILABLE"


def test_the_name_lookup_is_exact_and_a_plain_name_filter_a_substring(csi, acct):
    """``^name$`` finds the disk of exactly that name and no disk whose name merely contains it;
    a plain diskName (and snapshotName) filter is a case-insensitive substring."""
    others = ["pvc-1a", "my-pvc-1", "PVC-1-old", "pvc-10"]
    for name in others:
        new_disks(acct, name=name, size=30)
    # No disk is called "pvc-1": CreateVolume makes one, it does not take "pvc-10" or another.
    vol = csi.create_volume("pvc-1", 30)
    assert vol["reused"] is False
    assert csi.sent("DescribeDisks")[0] == lookup("pvc-1", group=acct.default_group)
    total, ids = listing(acct.zec, "DescribeDisks", "diskId", **lookup("pvc-1"))
    assert (total, ids) == (1, [vol["disk_id"]])
    for name in others:
        assert listing(acct.zec, "DescribeDisks", "diskId", **lookup(name))[0] == 1, name
    for pattern in ("^pvc$", "^pvc-1", "pvc-1$", "^vc-1$", "^pvc-1.$"):
        assert disk_names(acct, diskName=pattern) == [], pattern
    # A plain name: substring, any case.
    assert disk_names(acct, diskName="PVC-1") == sorted(others + ["pvc-1"])
    assert disk_names(acct, diskName="pvc-1-OLD") == ["PVC-1-old"]
    assert disk_names(acct, diskName="1a") == ["pvc-1a"]
    assert disk_names(acct, diskName="my-") == ["my-pvc-1"]
    # "" zone and group in a lookup are "not given" (spec §0.4).
    assert listing(acct.zec, "DescribeDisks", "diskId", diskName="^pvc-1$", zoneId="",
                   resourceGroupId="", pageSize=PAGE_SIZE, pageNum=1) == (1, [vol["disk_id"]])
    # Snapshot names work the same way.
    source = vol["volume_id"]
    for name in ("snap-a", "snap-ab", "my-snap-a", "SNAP-A-old"):
        csi.create_snapshot(name, source)
    assert snapshot_names(acct, snapshotName="^snap-a$") == ["snap-a"]
    assert snapshot_names(acct, snapshotName="^snap$") == []
    assert snapshot_names(acct, snapshotName="snap-A") == sorted(
        ["snap-a", "snap-ab", "my-snap-a", "SNAP-A-old"])


def test_the_lookup_skips_recycled_disks_other_categories_and_other_zones(csi, acct):
    """Disks of the PVC's name that the driver must not take: one in the recycle bin (a
    DeleteVolume half done), one of another category (client-side check), one in another zone
    (the zoneId filter). CreateVolume makes a fresh disk."""
    [recycled] = new_disks(acct, name="pvc-taken", size=30)
    recycle(acct, recycled)
    [basic] = new_disks(acct, name="pvc-taken", size=30, diskCategory=BASIC)
    [far] = new_disks(acct, name="pvc-taken", size=30, zone=OTHER_ZONE)
    vol = csi.create_volume("pvc-taken", 30)
    assert vol["reused"] is False and vol["disk_id"] not in (recycled, basic, far)
    assert csi.actions()[:2] == ["DescribeDisks", "CreateDisks"]
    # The lookup saw the recycled and the Basic disk, not the far one.
    total, ids = listing(acct.zec, "DescribeDisks", "diskId",
                         **lookup("pvc-taken", group=acct.default_group))
    assert (total, ids) == (3, [recycled, basic, vol["disk_id"]])
    # Now the retry finds the new one.
    mark = len(csi.calls)
    assert csi.create_volume("pvc-taken", 30) == {**vol, "reused": True}
    assert csi.actions(mark) == ["DescribeDisks"]


def test_the_lookup_never_finds_another_accounts_disk(csi, acct, server):
    """Two clusters in two accounts use the same PVC name: each CreateVolume makes its own disk,
    and neither lookup (with the account's group, or with "" for none) sees the other's."""
    neighbour = new_account(server, "csineighbour")
    theirs = CsiDriver(neighbour).create_volume("pvc-same-name", 20)
    mine = csi.create_volume("pvc-same-name", 20)
    assert mine["reused"] is False and mine["disk_id"] != theirs["disk_id"]
    for group in (acct.default_group, ""):
        assert listing(acct.zec, "DescribeDisks", "diskId", **lookup("pvc-same-name", group=group)
                       ) == (1, [mine["disk_id"]])
    assert listing(neighbour.zec, "DescribeDisks", "diskId", **lookup("pvc-same-name")) == (
        1, [theirs["disk_id"]])


def test_the_lookup_pages_through_more_than_20_disks_of_that_name(csi, acct):
    """22 disks answer to the name (21 of them recycled): totalCount > 20, so the driver reads
    pages 1 and 2 again from the start, and finds the live one on page 2."""
    recycled = new_disks(acct, 21, name="pvc-many", size=20)
    for did in recycled:
        raw_call(acct.zec, "ReleaseDisk", diskId=did)
    acct.server.advance(ms(PHASE_MS["disk-release"]))
    [live] = new_disks(acct, name="pvc-many", size=20)
    vol = csi.create_volume("pvc-many", 20)
    first = lookup("pvc-many", group=acct.default_group)
    assert csi.calls == [("DescribeDisks", first), ("DescribeDisks", first),
                         ("DescribeDisks", {**first, "pageNum": 2})]
    assert (vol["disk_id"], vol["reused"]) == (live, True)
    page2 = acct.wire("DescribeDisks", {**first, "pageNum": 2})
    assert page2["totalCount"] == 22
    assert [d["diskId"] for d in page2["dataSet"]] == [recycled[20], live]


def test_create_volume_from_a_snapshot(csi, acct):
    """A PVC restored from a VolumeSnapshot: DescribeSnapshots (diskAbility true), CreateDisks
    with snapshotId, the wait, DescribeDisks."""
    source = csi.create_volume("pvc-source", 30)
    snap = csi.create_snapshot("snapshot-1f2e", source["volume_id"])
    mark = len(csi.calls)
    vol = csi.create_volume("pvc-restored", 40, snapshot_id=snap["snapshot_id"])
    assert csi.actions(mark) == ["DescribeDisks", "DescribeSnapshots", "CreateDisks",
                                 "DescribeDisks", "DescribeDisks", "DescribeDisks"]
    assert csi.calls[mark + 1][1] == {"snapshotIds": [snap["snapshot_id"]]}
    assert csi.sent("CreateDisks")[-1] == dict(
        diskName="pvc-restored", diskSize=40, zoneId=ZONE, diskAmount=1,
        resourceGroupId=acct.default_group, diskCategory=STANDARD,
        snapshotId=snap["snapshot_id"], burstingEnabled=False)
    assert csi.observed[f"wait AVAILABLE:{vol['disk_id']}"] == ["CREATING", "AVAILABLE"]
    d = disk_wire(acct, vol["disk_id"])
    assert (d["diskSize"], d["diskStatus"], d["zoneId"]) == (40, "AVAILABLE", ZONE)
    # Retried: the lookup answers it (no second DescribeSnapshots, no second disk).
    mark = len(csi.calls)
    assert csi.create_volume("pvc-restored", 40, snapshot_id=snap["snapshot_id"])[
        "volume_id"] == vol["volume_id"]
    assert csi.actions(mark) == ["DescribeDisks"]


def test_create_volume_from_a_missing_unready_or_bigger_snapshot_fails(csi, acct, server):
    """No disk is made from a snapshot that does not exist (NotFound), that is still CREATING
    (diskAbility false: Internal, before any CreateDisks) or whose disk was bigger than the PVC
    (CreateDisks refused with INVALID_DISK_SNAPSHOT_SIZE_MISMATCH)."""
    source = csi.create_volume("pvc-src", 50)
    ready = csi.create_snapshot("snap-ready", source["volume_id"])["snapshot_id"]
    creating = raw_call(acct.zec, "CreateSnapshot", diskId=source["disk_id"],
                        snapshotName="snap-creating")["snapshotId"]
    before = storage_snapshot(acct)
    for snap_id, code in ((NOWHERE, "NotFound"), (creating, "Internal")):
        mark = len(csi.calls)
        with pytest.raises(CsiError) as e:
            csi.create_volume("pvc-from", 50, snapshot_id=snap_id)
        assert e.value.code == code, e.value
        assert csi.actions(mark) == ["DescribeDisks", "DescribeSnapshots"]
    mark = len(csi.calls)
    with pytest.raises(CsiError) as e:
        csi.create_volume("pvc-from", 40, snapshot_id=ready)
    assert (e.value.code, e.value.sdk_code) == ("Internal", "INVALID_DISK_SNAPSHOT_SIZE_MISMATCH")
    assert csi.actions(mark) == ["DescribeDisks", "DescribeSnapshots", "CreateDisks"]
    assert storage_snapshot(acct) == before
    server.advance(ms(PHASE_MS["snapshot-create"]))
    assert csi.create_volume("pvc-from", 50, snapshot_id=creating)["reused"] is False


def test_a_disk_that_fails_to_create_waits_out_the_180_s(csi, acct, server, no_faults):
    """The driver knows no failure status: a disk that ends FAILED is polled every 3 s until the
    180 s are up, and CreateVolume fails with the timeout."""
    server.create_faults(failures=[{"phase": "disk-create", "zone": ZONE, "count": 1}])
    with pytest.raises(CsiError) as e:
        csi.create_volume("pvc-doomed", 20)
    assert e.value.code == "Internal" and "timeout" in str(e.value)
    [disk] = acct.wire("DescribeDisks", {"diskName": "^pvc-doomed$"})["dataSet"]
    seen = csi.observed[f"wait AVAILABLE:{disk['diskId']}"]
    assert seen == ["CREATING"] + ["FAILED"] * (len(seen) - 1)
    assert len(seen) == WAIT_TIMEOUT / WAIT_INTERVAL
    assert csi.clock == WAIT_TIMEOUT
    assert disk["diskStatus"] == "FAILED"


# --------------------------------------------------------------------------------------------
# ControllerPublish / ControllerUnpublish.

def test_controller_publish_attaches_and_waits_until_in_use_on_the_node(csi, acct, node):
    """A pod is scheduled on the node: the volume is attached to its instance. The disk is
    ATTACHING at the first poll and IN_USE 3 s later (disk-attach: 1 s), its instanceId the
    node, and the instance lists it in dataDisks."""
    vol = csi.create_volume("pvc-web", 30)
    did = vol["disk_id"]
    mark = len(csi.calls)
    csi.controller_publish(vol["volume_id"], node)
    assert csi.calls[mark:] == [
        ("DescribeDisks", {"diskIds": [did]}),
        ("DescribeInstancesStatus", {"instanceIds": [node]}),
        ("AttachDisks", {"diskIds": [did], "instanceId": node}),
        ("DescribeDisks", {"diskIds": [did]}),
        ("DescribeDisks", {"diskIds": [did]}),
        ("DescribeDisks", {"diskIds": [did]}),
    ]
    assert csi.observed[f"wait IN_USE:{did}"] == ["ATTACHING", "IN_USE"]
    d = disk_wire(acct, did)
    assert (d["diskStatus"], d["instanceId"], d["instanceName"]) == (
        "IN_USE", node, "k8s-node-1")
    [entry] = instance_wire(acct, node)["dataDisks"]
    assert (entry["diskId"], entry["diskSize"], entry["portable"]) == (did, 30, True)
    # Published again (the attacher retries): nothing to do.
    mark = len(csi.calls)
    csi.controller_publish(vol["volume_id"], node)
    assert csi.actions(mark) == ["DescribeDisks", "DescribeInstancesStatus"]


def test_controller_publish_refusals_attach_nothing(csi, acct, node, server):
    """A volume on another node (FailedPrecondition), a node that is not RUNNING
    (FailedPrecondition), a node that does not exist (NotFound), a volume that is gone
    (NotFound): no AttachDisks, nothing changes."""
    used = csi.create_volume("pvc-used", 20)
    csi.controller_publish(used["volume_id"], node)
    other = new_instance(acct, instanceName="k8s-node-2")
    stopped = new_instance(acct, instanceName="k8s-node-3")
    stop(acct, stopped)
    free = csi.create_volume("pvc-free", 20)
    gone = csi.create_volume("pvc-gone", 20)
    csi.delete_volume(gone["volume_id"])
    before = storage_snapshot(acct)
    for volume, target, code in ((used, other, "FailedPrecondition"),
                                 (free, stopped, "FailedPrecondition"),
                                 (free, NOWHERE, "NotFound")):
        mark = len(csi.calls)
        with pytest.raises(CsiError) as e:
            csi.controller_publish(volume["volume_id"], target)
        assert e.value.code == code, (volume, target, e.value)
        assert csi.actions(mark) == ["DescribeDisks", "DescribeInstancesStatus"]
    mark = len(csi.calls)
    with pytest.raises(CsiError) as e:
        csi.controller_publish(gone["volume_id"], node)
    assert e.value.code == "NotFound"
    assert csi.actions(mark) == ["DescribeDisks"]
    assert storage_snapshot(acct) == before


def test_controller_unpublish_detaches_from_the_running_node(csi, acct, node):
    """The pod goes away: DetachDisks {instanceCheckFlag:false} while the instance keeps
    RUNNING; DETACHING at the first poll (instanceId already null), AVAILABLE 3 s later."""
    vol = csi.create_volume("pvc-detach", 30)
    did = vol["disk_id"]
    csi.controller_publish(vol["volume_id"], node)
    mark = len(csi.calls)
    csi.controller_unpublish(vol["volume_id"], node)
    assert csi.calls[mark:] == [
        ("DescribeDisks", {"diskIds": [did]}),
        ("DetachDisks", {"diskIds": [did], "instanceCheckFlag": False}),
        ("DescribeDisks", {"diskIds": [did]}),
        ("DescribeDisks", {"diskIds": [did]}),
    ]
    assert csi.observed[f"wait AVAILABLE:{did}"] == ["CREATING", "AVAILABLE",
                                                     "DETACHING", "AVAILABLE"]
    d = disk_wire(acct, did)
    assert d["diskStatus"] == "AVAILABLE"
    assert d.get("instanceId") is None and d.get("instanceName") is None
    i = instance_wire(acct, node)
    assert i["status"] == "RUNNING" and not i.get("dataDisks")
    # The volume can go to another node now.
    other = new_instance(acct, instanceName="k8s-node-2")
    csi.controller_publish(vol["volume_id"], other)
    assert disk_wire(acct, did)["instanceId"] == other


def test_controller_unpublish_from_a_stopped_node_and_when_there_is_nothing_to_do(
        csi, acct, node):
    """A stopped node's volume is detached too; a volume not attached, attached to another node,
    or gone is unpublished with no DetachDisks at all."""
    vol = csi.create_volume("pvc-stopped", 20)
    csi.controller_publish(vol["volume_id"], node)
    stop(acct, node)
    csi.controller_unpublish(vol["volume_id"], node)
    assert status_of(acct, vol["disk_id"]) == "AVAILABLE"
    assert csi.sent("DetachDisks") == [{"diskIds": [vol["disk_id"]], "instanceCheckFlag": False}]
    elsewhere = csi.create_volume("pvc-elsewhere", 20)
    other = new_instance(acct, instanceName="k8s-node-2")
    csi.controller_publish(elsewhere["volume_id"], other)
    gone = csi.create_volume("pvc-gone", 20)
    csi.delete_volume(gone["volume_id"])
    for volume in (vol, elsewhere, gone):
        mark = len(csi.calls)
        csi.controller_unpublish(volume["volume_id"], node)
        assert csi.actions(mark) == ["DescribeDisks"], volume
    assert disk_wire(acct, elsewhere["disk_id"])["instanceId"] == other
    mark = len(csi.calls)
    csi.controller_unpublish("foreign_volume_id", node)
    assert csi.actions(mark) == []


# --------------------------------------------------------------------------------------------
# ControllerExpand.

def test_controller_expand_resizes_and_waits_for_the_old_stable_status(csi, acct, node):
    """A PVC is resized, detached and while attached: ResizeDisk, CHANGING at the first poll
    (the new size shown at once), back to AVAILABLE / IN_USE 3 s later (disk-resize: 2 s)."""
    free = csi.create_volume("pvc-grow", 20)
    used = csi.create_volume("pvc-grow-used", 20)
    csi.controller_publish(used["volume_id"], node)
    for vol, size, after in ((free, 35, "AVAILABLE"), (used, 64, "IN_USE")):
        did = vol["disk_id"]
        csi.observed.clear()
        mark = len(csi.calls)
        assert csi.controller_expand(vol["volume_id"], size) == size * GIB
        assert csi.calls[mark:] == [
            ("DescribeDisks", {"diskIds": [did]}),
            ("ResizeDisk", {"diskId": did, "diskSize": size}),
            ("DescribeDisks", {"diskIds": [did]}),
            ("DescribeDisks", {"diskIds": [did]}),
        ]
        assert csi.observed[f"wait AVAILABLE/IN_USE:{did}"] == ["CHANGING", after]
        d = disk_wire(acct, did)
        assert (d["diskSize"], d["diskStatus"]) == (size, after)
    assert disk_wire(acct, used["disk_id"])["instanceId"] == node
    assert instance_wire(acct, node)["dataDisks"][0]["diskSize"] == 64
    # Asked again (or smaller): nothing to do.
    for size in (35, 30):
        mark = len(csi.calls)
        assert csi.controller_expand(free["volume_id"], size) == 35 * GIB
        assert csi.actions(mark) == ["DescribeDisks"]
    with pytest.raises(CsiError) as e:
        csi.controller_expand(f"{NOWHERE}-zec0000000000000000", 40)
    assert e.value.code == "NotFound"


# --------------------------------------------------------------------------------------------
# CreateSnapshot / DeleteSnapshot.

def test_create_snapshot_checks_the_ability_looks_the_name_up_and_waits(csi, acct):
    """A VolumeSnapshot is taken: DescribeDisks (snapshotAbility), the ``^name$`` lookup in the
    disk's zone and resource group, CreateSnapshot, CREATING at the first poll and AVAILABLE 3 s
    later (snapshot-create: 2 s), then DescribeSnapshots for createTime and diskId."""
    group = acct.group("snaps")
    csi = CsiDriver(acct, resource_group=group)
    vol = csi.create_volume("pvc-data", 30)
    did = vol["disk_id"]
    mark = len(csi.calls)
    snap = csi.create_snapshot("snapshot-0a1b", vol["volume_id"])
    sid = snap["snapshot_id"]
    assert csi.calls[mark:] == [
        ("DescribeDisks", {"diskIds": [did]}),
        ("DescribeSnapshots", dict(snapshotName="^snapshot-0a1b$", zoneId=ZONE,
                                   resourceGroupId=group, pageSize=PAGE_SIZE, pageNum=1)),
        ("CreateSnapshot", {"diskId": did, "snapshotName": "snapshot-0a1b"}),
        ("DescribeSnapshots", {"snapshotIds": [sid]}),
        ("DescribeSnapshots", {"snapshotIds": [sid]}),
        ("DescribeSnapshots", {"snapshotIds": [sid]}),
    ]
    assert csi.observed[f"wait snapshot AVAILABLE:{sid}"] == ["CREATING", "AVAILABLE"]
    assert (snap["source"], snap["ready"], snap["size_bytes"], snap["reused"]) == (
        did, True, 30 * GIB, False)
    check_time(snap["creation_time"])
    s = snapshot_wire(acct, sid)
    assert (s["snapshotName"], s["diskId"], s["zoneId"], s["status"], s["diskAbility"],
            s["resourceGroup"]["resourceGroupId"]) == (
        "snapshot-0a1b", did, ZONE, "AVAILABLE", True, group)


def test_a_retried_create_snapshot_reuses_it_and_another_disk_is_already_exists(csi, acct):
    """The snapshotter retries CreateSnapshot: while the snapshot is CREATING it is answered as
    not ready, once AVAILABLE as ready, never made twice; the same name for another volume is
    AlreadyExists; a name that merely contains it is another snapshot."""
    vol = csi.create_volume("pvc-a", 20)
    other = csi.create_volume("pvc-b", 20)
    sid = raw_call(acct.zec, "CreateSnapshot", diskId=vol["disk_id"],
                   snapshotName="snap-x")["snapshotId"]
    mark = len(csi.calls)
    snap = csi.create_snapshot("snap-x", vol["volume_id"])
    assert (snap["snapshot_id"], snap["ready"], snap["reused"]) == (sid, False, True)
    assert csi.actions(mark) == ["DescribeDisks", "DescribeSnapshots"]
    acct.server.advance(ms(PHASE_MS["snapshot-create"]))
    snap = csi.create_snapshot("snap-x", vol["volume_id"])
    assert (snap["snapshot_id"], snap["ready"]) == (sid, True)
    with pytest.raises(CsiError) as e:
        csi.create_snapshot("snap-x", other["volume_id"])
    assert e.value.code == "AlreadyExists"
    # "snap" is not "snap-x": a new snapshot.
    fresh = csi.create_snapshot("snap", vol["volume_id"])
    assert fresh["snapshot_id"] != sid and fresh["reused"] is False
    assert snapshot_names(acct) == ["snap", "snap-x"]
    assert len(csi.sent("CreateSnapshot")) == 1


def test_a_system_disk_has_no_snapshot_ability(csi, acct, node):
    """A volume id naming a system disk (snapshotAbility false): CreateSnapshot stops after
    DescribeDisks."""
    system = instance_wire(acct, node)["systemDisk"]["diskId"]
    d = disk_wire(acct, system)
    assert (d["diskType"], d["snapshotAbility"]) == ("SYSTEM", False)
    with pytest.raises(CsiError) as e:
        csi.create_snapshot("snap-system", f"{system}-{d['serial']}")
    assert e.value.code == "Internal"
    assert csi.actions() == ["DescribeDisks"]
    assert snapshot_names(acct) == []


def test_delete_snapshot_deletes_and_waits_until_gone(csi, acct, server):
    """A VolumeSnapshot is deleted: DescribeSnapshots, DeleteSnapshots, DELETING at the first
    poll and gone 3 s later (snapshot-delete: 1 s). Deleted again: nothing to do. Deleted by
    someone else between the driver's look and its delete: INVALID_DISK_SNAPSHOT_NOT_FOUND,
    done."""
    vol = csi.create_volume("pvc-snapped", 20)
    sid = csi.create_snapshot("snap-del", vol["volume_id"])["snapshot_id"]
    mark = len(csi.calls)
    assert csi.delete_snapshot(sid) == "deleted"
    assert csi.calls[mark:] == [("DescribeSnapshots", {"snapshotIds": [sid]}),
                                ("DeleteSnapshots", {"snapshotIds": [sid]}),
                                ("DescribeSnapshots", {"snapshotIds": [sid]}),
                                ("DescribeSnapshots", {"snapshotIds": [sid]})]
    assert csi.observed[f"wait snapshot gone:{sid}"] == ["DELETING", None]
    assert snapshot_wire(acct, sid) is None
    mark = len(csi.calls)
    assert csi.delete_snapshot(sid) == "absent"
    assert csi.actions(mark) == ["DescribeSnapshots"]

    raced = csi.create_snapshot("snap-raced", vol["volume_id"])["snapshot_id"]

    def someone_else():
        raw_call(acct.zec, "DeleteSnapshots", snapshotIds=[raced])
        server.advance(ms(PHASE_MS["snapshot-delete"]))

    csi.before["DeleteSnapshots"] = someone_else
    assert csi.delete_snapshot(raced) == "not found"
    assert snapshot_wire(acct, raced) is None
    # The volume it was taken of is untouched.
    assert status_of(acct, vol["disk_id"]) == "AVAILABLE"


# --------------------------------------------------------------------------------------------
# DeleteVolume.

def test_delete_volume_recycles_the_disk_then_releases_it_again(csi, acct):
    """The PV is deleted: ReleaseDisk puts the disk in the recycle bin (RECYCLING at the first
    poll, RECYCLED 3 s later: disk-release 2 s), the second round releases it again and it is
    gone at once. Deleted again: DescribeDisks only."""
    before = storage_snapshot(acct)
    vol = csi.create_volume("pvc-doomed", 20)
    did = vol["disk_id"]
    mark = len(csi.calls)
    assert csi.delete_volume(vol["volume_id"]) == "released"
    assert csi.calls[mark:] == [
        ("DescribeDisks", {"diskIds": [did]}),
        ("ReleaseDisk", {"diskId": did}),
        ("DescribeDisks", {"diskIds": [did]}),
        ("DescribeDisks", {"diskIds": [did]}),
        ("DescribeDisks", {"diskIds": [did]}),
        ("ReleaseDisk", {"diskId": did}),
        ("DescribeDisks", {"diskIds": [did]}),
    ]
    assert csi.observed[f"wait released:{did}"] == ["RECYCLING", "RECYCLED"]
    assert csi.observed[f"wait gone:{did}"] == [None]
    assert disk_wire(acct, did) is None
    assert storage_snapshot(acct) == before
    mark = len(csi.calls)
    assert csi.delete_volume(vol["volume_id"]) == "absent"
    assert csi.actions(mark) == ["DescribeDisks"]


def test_delete_volume_of_a_disk_already_in_the_recycle_bin_releases_it_once(csi, acct):
    """A DeleteVolume that stopped between its two releases is retried: the disk is RECYCLED,
    so this release is the last one, and the driver waits until it is gone."""
    vol = csi.create_volume("pvc-half", 20)
    did = vol["disk_id"]
    recycle(acct, did)
    mark = len(csi.calls)
    assert csi.delete_volume(vol["volume_id"]) == "released"
    assert csi.calls[mark:] == [("DescribeDisks", {"diskIds": [did]}),
                                ("ReleaseDisk", {"diskId": did}),
                                ("DescribeDisks", {"diskIds": [did]})]
    assert disk_wire(acct, did) is None


def test_delete_volume_takes_not_found_from_release_disk_as_gone(csi, acct):
    """Someone else purges the recycled disk between the driver's look and its ReleaseDisk:
    OPERATION_FAILED_RESOURCE_NOT_FOUND (404), which the driver takes as done."""
    vol = csi.create_volume("pvc-raced", 20)
    did = vol["disk_id"]
    recycle(acct, did)
    csi.before["ReleaseDisk"] = lambda: raw_call(acct.zec, "ReleaseDisk", diskId=did)
    assert csi.delete_volume(vol["volume_id"]) == "not found"
    assert acct.zec.last_status == 404
    assert disk_wire(acct, did) is None


def test_delete_volume_is_done_when_the_disk_vanishes_during_its_wait(csi, acct, server):
    """The other end of the first round: the disk is no longer listed at all (here: purged by
    someone else right after the driver's ReleaseDisk), so one release was enough."""
    vol = csi.create_volume("pvc-vanishing", 20)
    did = vol["disk_id"]

    def purge():
        server.advance(ms(PHASE_MS["disk-release"]))
        raw_call(acct.zec, "ReleaseDisk", diskId=did)

    csi.before["ReleaseDisk"] = lambda: csi.before.__setitem__("DescribeDisks", purge)
    mark = len(csi.calls)
    assert csi.delete_volume(vol["volume_id"]) == "released"
    assert csi.actions(mark) == ["DescribeDisks", "ReleaseDisk", "DescribeDisks"]
    assert csi.observed[f"wait released:{did}"] == [None]
    assert disk_wire(acct, did) is None


def test_delete_volume_of_an_attached_disk_fails_and_changes_nothing(csi, acct, node):
    """The CO deletes a PV whose volume is still attached (it never does on purpose): ReleaseDisk
    is refused with UNSUPPORTED_OPERATION_DISK_STATUS, the driver answers Internal, and the
    disk stays attached; after ControllerUnpublish the retry goes through."""
    vol = csi.create_volume("pvc-attached", 20)
    csi.controller_publish(vol["volume_id"], node)
    before = storage_snapshot(acct)
    with pytest.raises(CsiError) as e:
        csi.delete_volume(vol["volume_id"])
    assert (e.value.code, e.value.sdk_code) == ("Internal", "UNSUPPORTED_OPERATION_DISK_STATUS")
    assert storage_snapshot(acct) == before
    csi.controller_unpublish(vol["volume_id"], node)
    assert csi.delete_volume(vol["volume_id"]) == "released"
    assert disk_wire(acct, vol["disk_id"]) is None


# --------------------------------------------------------------------------------------------
# A PVC's whole life, and what the driver reads.

def test_a_stateful_sets_volume_from_birth_to_death(csi, acct, node):
    """A StatefulSet's PVC: created, attached to the node, grown while attached, snapshotted,
    detached; a second PVC restored from the snapshot; the snapshot deleted once the restore is
    done; both PVs deleted. Afterwards the account's storage is as it was, the node untouched."""
    before = storage_snapshot(acct)
    assert csi.probe()
    data = csi.create_volume("pvc-www-web-0", 20)
    csi.controller_publish(data["volume_id"], node)
    assert csi.controller_expand(data["volume_id"], 25) == 25 * GIB
    snap = csi.create_snapshot("snapshot-www-web-0", data["volume_id"])
    assert snap["ready"] is True and snap["size_bytes"] == 25 * GIB
    csi.controller_unpublish(data["volume_id"], node)
    restored = csi.create_volume("pvc-www-web-0-restore", 25, snapshot_id=snap["snapshot_id"])
    csi.controller_publish(restored["volume_id"], node)
    assert [d["diskId"] for d in instance_wire(acct, node)["dataDisks"]] == [
        restored["disk_id"]]
    assert csi.delete_snapshot(snap["snapshot_id"]) == "deleted"
    csi.controller_unpublish(restored["volume_id"], node)
    for vol in (data, restored):
        assert csi.delete_volume(vol["volume_id"]) == "released"
    assert storage_snapshot(acct) == before
    assert instance_wire(acct, node)["status"] == "RUNNING"
    assert [a for a in csi.actions() if a not in ("DescribeDisks", "DescribeSnapshots")] == [
        "DescribeDiskRegions", "CreateDisks", "DescribeInstancesStatus", "AttachDisks",
        "ResizeDisk", "CreateSnapshot", "DetachDisks", "CreateDisks",
        "DescribeInstancesStatus", "AttachDisks", "DeleteSnapshots", "DetachDisks",
        "ReleaseDisk", "ReleaseDisk", "ReleaseDisk", "ReleaseDisk"]


def test_every_field_the_driver_reads_is_on_the_wire(csi, acct, node):
    """What the driver dereferences or needs non-empty, on the wire as zecd sends it:
    totalCount (0 for an unknown id, never missing), the DiskInfo fields of FindVolume with a
    non-empty serial, DescribeInstancesStatus' instanceStatus, the SnapshotInfo fields of
    FindSnapshot."""
    vol = csi.create_volume("pvc-fields", 20)
    csi.controller_publish(vol["volume_id"], node)
    snap = csi.create_snapshot("snap-fields", vol["volume_id"])
    d = acct.wire("DescribeDisks", {"diskIds": [vol["disk_id"]]})
    assert d["totalCount"] == 1
    [disk] = d["dataSet"]
    for key in ("diskId", "diskName", "diskSize", "diskCategory", "diskStatus", "zoneId",
                "instanceId", "serial", "portable", "snapshotAbility", "resourceGroupId"):
        assert disk.get(key) not in (None, ""), (key, disk)
    assert disk["diskCategory"] in CATEGORIES
    s = acct.wire("DescribeSnapshots", {"snapshotIds": [snap["snapshot_id"]]})
    assert s["totalCount"] == 1
    [info] = s["dataSet"]
    for key in ("snapshotId", "snapshotName", "status", "diskId", "diskAbility", "zoneId",
                "createTime"):
        assert info.get(key) not in (None, ""), (key, info)
    assert info["resourceGroup"]["resourceGroupId"] == disk["resourceGroupId"]
    i = acct.wire("DescribeInstancesStatus", {"instanceIds": [node]})
    assert i["totalCount"] == 1 and i["dataSet"][0]["instanceStatus"] == "RUNNING"
    for action, body in (("DescribeDisks", {"diskIds": [NOWHERE]}),
                         ("DescribeSnapshots", {"snapshotIds": [NOWHERE]}),
                         ("DescribeInstancesStatus", {"instanceIds": [NOWHERE]}),
                         ("DescribeDisks", lookup("pvc-none")),
                         ("DescribeSnapshots", dict(snapshotName="^none$", zoneId=ZONE,
                                                    resourceGroupId="", pageSize=PAGE_SIZE,
                                                    pageNum=1))):
        answer = acct.wire(action, body)
        assert (answer.get("totalCount"), answer.get("dataSet")) == (0, []), (action, answer)


def test_volume_ids_have_the_shape_the_driver_parses(acct, node):
    """The v1.2.0 driver parses a volume id as ``<diskId>-<serial>`` with a 19-digit disk id and
    a 20-character serial (pkg/common: ZECVOLID_LEN = 19, e.g. 1440908808376556310;
    ZECVOLSERIAL_LEN = 20, e.g. d100om84ggf2oqdh05eg; a virtio serial holds 20 characters).
    Anything else is NotFound to ControllerPublish and "already deleted" to DeleteVolume, which
    would leave the disk behind. The real driver's sequence, with its length check."""
    strict = CsiDriver(acct, strict_ids=True)
    vol = strict.create_volume("pvc-shape", 20)
    d = disk_wire(acct, vol["disk_id"])
    assert d["diskId"].isdigit() and d["serial"], d
    assert (len(d["diskId"]), len(d["serial"])) == (VOLUME_ID_LEN, SERIAL_LEN), (
        vol["volume_id"], "is not a volume id the driver can parse")
    strict.controller_publish(vol["volume_id"], node)
    assert disk_wire(acct, vol["disk_id"])["instanceId"] == node
    strict.controller_unpublish(vol["volume_id"], node)
    assert strict.delete_volume(vol["volume_id"]) == "released"
    assert disk_wire(acct, vol["disk_id"]) is None
