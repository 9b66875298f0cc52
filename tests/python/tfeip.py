"""The Terraform provider's EIP and secondary-vNIC resources (0.2.28, commit dc56e9b), replayed
call for call through the official Python SDK as spec zec-resources.md §8, §11, §12 and the
provider's sources describe them, in the style of :mod:`tfnet` (whose :class:`Terraform` this
extends: the same plumbing, clock, waits and error classes):

* ``zenlayercloud_zec_eip`` (§11.1): CreateEips v2 with ``eipV4Type`` always sent (``""`` when
  ``ip_network_type`` is unset); Read = DescribeEips v2 ``{eipIds:[id]}`` retried while
  CREATING / DELETING / RECYCLING, gone when absent, CREATE_FAILED or RECYCLED; Update in the
  order ModifyEipAttribute, ModifyEipBandwidth, ModifyEipBandwidthLimitMode, (traffic
  MigrateBandwidthClusterResources: not served by zecd), AddResourceResourceGroup,
  ModifyResourceTags, then Read; Delete = DeleteEip, poll until RECYCLED (or absent), DeleteEip
  again, one Read. ``OPERATION_FAILED_RESOURCE_NOT_FOUND`` is "gone" for both DeleteEip calls.
* ``zenlayercloud_zec_eip_association`` (§11.2): DescribeEips first (an EIP already bound to the
  same target is adopted without a call, to another one is an error); AssociateEipAddress v2
  with every target field sent (unused ones ``""``), ``lanIp`` and ``bindType`` ``""`` when not
  configured; Read: absent or ``associatedId`` null ⇒ gone; Delete: UnassociateEipAddress v2.
* ``zenlayercloud_zec_vnic`` (§8.1): CreateNetworkInterface v2, Read retried while PENDING /
  ATTACHING / DETACHING / DELETING (CREATE_FAILED ⇒ gone), Update ModifyNetworkInterfaceAttribute
  v2 ``{nicId, name (if not empty), securityGroupId (always)}`` then group and tags, Delete
  DeleteNetworkInterface **v1** (its error is overwritten by the provider, so in effect ignored;
  kept here in ``observed``) then a poll that accepts only "absent" or DELETING.
* ``zenlayercloud_zec_vnic_attachment`` (§8.2): AttachNetworkInterface v2, Read with no wait
  (``instanceId`` null ⇒ gone); DetachNetworkInterface v2 with
  ``OPERATION_DENIED_NIC_NOT_EXIST_INSTANCE`` taken as done.
* ``zenlayercloud_zec_vnic_ipv4`` (§8.3): BatchAssignNetworkInterfaceIpv4 v2 by addresses or by
  count; Read ``secondaryIpv4s`` (empty ⇒ gone); Update Unassign removed then BatchAssign added,
  or BatchAssign ``{ipAddressCount: +n}`` / Unassign of the first n addresses of the state;
  Delete = DescribeNetworkInterfaces then UnassignNetworkInterfaceIpv4 v2 of ``secondaryIpv4s``
  (no ``ipAddresses`` key when there are none: Go's omitempty).
* data sources ``zenlayercloud_zec_vnics`` and ``zenlayercloud_zec_eips`` (§12): the provider's
  ``…ByFilter`` paging (pageSize 100, page 1, then 2..N), its filters (zec_eips always sends
  ``privateIpAddress`` and ``associatedId``, ``""`` when unset) and what it dereferences. The
  provider swallows a data source's errors (an empty list); the replay raises instead, since
  zecd should never answer one of them with an error.

Every wait records what it saw in ``observed`` (``eip:<id>``, ``vnic:<id>``, ``eip_delete:<id>``,
``vnic_delete:<id>``) so tests can check the phases against the manual clock.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from pathlib import Path

from conftest import REGION, REPO, ZenlayerCloudSdkException, create_instances
from netkit import call, listing, refused, tag_association
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

EIP_OPERATING = frozenset({"CREATING", "DELETING", "RECYCLING"})
NIC_OPERATING = frozenset({"PENDING", "DELETING", "ATTACHING", "DETACHING"})
NOT_FOUND = "OPERATION_FAILED_RESOURCE_NOT_FOUND"
NIC_GONE_CODES = (NOT_FOUND, "INVALID_NIC_NOT_FOUND")
NOT_ATTACHED = "OPERATION_DENIED_NIC_NOT_EXIST_INSTANCE"
TARGET_FIELDS = {"LB": "loadBalancerId", "NIC": "nicId", "NAT": "natId", "HAVIP": "haVipId"}

# The public pool of asia-east-1 in the built-in catalog, and the phases of issue 12 (ms).
REGION_POOL = "198.18.0.0/18"
PHASE_MS = {"eip-create": 1000, "eip-release": 1000, "nic-create": 1000, "nic-attach": 1000,
            "disk-create": 2000, "disk-attach": 1000, "disk-detach": 1000,
            "disk-release": 2000}


# --------------------------------------------------------------------------------------------
# Configurations (None / "" / {}: not set).

@dataclass
class EipConfig:
    name: str = "example"
    region_id: str = REGION
    internet_charge_type: str = "ByBandwidth"
    bandwidth: int | None = 10          # required by the provider for ByBandwidth
    ip_network_type: str | None = None  # eipV4Type
    flow_package_size: float | None = None
    cidr_id: str | None = None
    peer_region_id: str | None = None
    resource_group_id: str | None = None
    bandwidth_cluster_id: str | None = None
    rate_limit_mode: str | None = None
    tags: dict[str, str] = field(default_factory=dict)


@dataclass
class VnicConfig:
    subnet_id: str
    name: str = "Terraform-vNIC"
    security_group_id: str | None = None
    resource_group_id: str | None = None
    stack_type: str | None = None
    tags: dict[str, str] = field(default_factory=dict)


def tags_of(value) -> dict[str, str]:
    return {t.key: t.value for t in (value.tags or [])} if value else {}


# --------------------------------------------------------------------------------------------
# The provider.

class Provider(Terraform):
    """:class:`tfnet.Terraform` plus the EIP and vNIC resources and data sources."""

    # ---- plumbing ----

    def tolerant(self, version: str, action: str, tolerated: tuple[str, ...], **fields) -> str:
        """One call whose error fails the operation unless its code is in ``tolerated``;
        returns "ok" or the tolerated code."""
        try:
            self.call(version, action, **fields)
        except ZenlayerCloudSdkException as e:
            if e.code in tolerated:
                return e.code
            if e.code in ALWAYS_RETRIED:
                raise TerraformError(f"{action}: the provider would retry {e.code}: {e}") from e
            raise TerraformError(f"{action}: {e}") from e
        return "ok"

    def paged(self, action: str, filters: dict) -> list:
        """The provider's ``…ByFilter`` list: pageSize 100, page 1, then pages
        2..⌈totalCount/100⌉ (concurrent in the provider, in order here)."""
        first = self.once("v2", action, pageSize=100, pageNum=1, **filters)
        if not first.dataSet:
            return []
        if first.totalCount is None:
            raise TerraformPanic(f"{action} totalCount is null")
        items = list(first.dataSet)
        for n in range(2, -(-first.totalCount // 100) + 1):
            items += self.once("v2", action, pageSize=100, pageNum=n, **filters).dataSet or []
        return items

    # ---- zenlayercloud_zec_eip (§11.1) ----

    def eip_create(self, cfg: EipConfig) -> Wait:
        """CreateEips v2, then Read (which waits out CREATING). Returns (id, state)."""
        fields = dict(regionId=cfg.region_id, name=cfg.name,
                      internetChargeType=cfg.internet_charge_type,
                      eipV4Type=cfg.ip_network_type or "")
        if cfg.tags:
            fields["tags"] = tag_association(cfg.tags)
        if cfg.bandwidth:
            fields["bandwidth"] = cfg.bandwidth
        if cfg.flow_package_size:
            fields["flowPackage"] = cfg.flow_package_size
        if cfg.cidr_id:
            fields["cidrId"] = cfg.cidr_id
        if cfg.resource_group_id:
            fields["resourceGroupId"] = cfg.resource_group_id
        if cfg.bandwidth_cluster_id:
            fields["clusterId"] = cfg.bandwidth_cluster_id
        if cfg.peer_region_id:
            fields["peerRegionId"] = cfg.peer_region_id
        if cfg.rate_limit_mode:
            fields["rateLimitMode"] = cfg.rate_limit_mode
        resp = self.once("v2", "CreateEips", ("INVALID_OPERATION_TIMEOUT",), **fields)
        if not resp.eipIds:
            raise TerraformError("failed to get EIP ID from response")
        eip_id = resp.eipIds[0]
        state = yield from self.eip_read(eip_id)
        if state is None:
            raise TerraformError(f"Provider produced inconsistent result after apply: the new "
                                 f"EIP {eip_id} is gone after its create")
        return eip_id, state

    def describe_eip(self, eip_id: str, retried: tuple[str, ...] = ()):
        resp = self.once("v2", "DescribeEips", retried, eipIds=[eip_id])
        if not resp.dataSet:
            return None
        e = resp.dataSet[0]
        if e.eipId is None:
            raise TerraformPanic("EipInfo.eipId")
        assert e.eipId == eip_id, f"DescribeEips {{eipIds:[{eip_id}]}} answered {e.eipId}"
        if e.status is None:
            raise TerraformPanic("EipInfo.status")
        return e

    def eip_read(self, eip_id: str) -> Wait:
        """Read: retried while the status is operating; None when the provider drops it."""
        seen = self.observed.setdefault(f"eip:{eip_id}", [])

        def attempt():
            e = self.describe_eip(eip_id)
            seen.append(e.status if e else None)
            if e is not None and e.status in EIP_OPERATING:
                raise Retry(f"waiting for eip {eip_id} operation ({e.status})")
            return e

        e = yield from retry(LOOP_TIMEOUT, attempt)
        if e is None or e.status in ("CREATE_FAILED", "RECYCLED"):
            return None
        if not e.publicIpAddresses:
            raise TerraformPanic("EipInfo.publicIpAddresses[0]")
        return {
            "region_id": e.regionId,
            "name": e.name,
            "internet_charge_type": e.internetChargeType,
            "ip_network_type": e.eipV4Type or "",
            "bandwidth": e.bandwidth,
            "cidr_id": e.cidrId or "",
            "public_ip_address": e.publicIpAddresses[0],
            "resource_group_id": e.resourceGroupId,
            "resource_group_name": e.resourceGroupName,
            "peer_region_id": e.peerRegionId or "",
            "status": e.status,
            # Only set when the object is there; otherwise the state keeps what it had.
            # The Python model sets `bandwidthCluster` only when the answer has one (the Go
            # model the provider uses leaves a nil pointer).
            "bandwidth_cluster_id": (e.bandwidthCluster.bandwidthClusterId
                                     if getattr(e, "bandwidthCluster", None) is not None
                                     else None),
            "rate_limit_mode": e.rateLimitMode or "",
            "create_time": e.createTime,
            "tags": tags_of(e.tags),
        }

    @staticmethod
    def eip_plan(cfg: EipConfig, state: dict) -> dict:
        """What the next plan would change (ForceNew ones included)."""
        want = {"region_id": cfg.region_id, "name": cfg.name,
                "internet_charge_type": cfg.internet_charge_type,
                "ip_network_type": cfg.ip_network_type or "", "cidr_id": cfg.cidr_id or "",
                "peer_region_id": cfg.peer_region_id or "", "tags": cfg.tags}
        for key, value in (("bandwidth", cfg.bandwidth),
                           ("rate_limit_mode", cfg.rate_limit_mode),
                           ("resource_group_id", cfg.resource_group_id)):
            if value:  # Optional + Computed: only a configured value can differ
                want[key] = value
        diff = {k: (v, state[k]) for k, v in want.items() if state[k] != v}
        cluster = state["bandwidth_cluster_id"]
        if (cfg.bandwidth_cluster_id or "") != (cluster or ""):
            diff["bandwidth_cluster_id"] = (cfg.bandwidth_cluster_id, cluster)
        return diff

    def eip_update(self, eip_id: str, old: EipConfig, new: EipConfig) -> Wait:
        """The provider's Update, in its order; none of the EIP's own calls is retried."""
        if new.name != old.name:
            self.once("v2", "ModifyEipAttribute", eipId=eip_id, name=new.name)
        if new.bandwidth != old.bandwidth:
            self.once("v2", "ModifyEipBandwidth", eipId=eip_id, bandwidth=new.bandwidth)
        if new.rate_limit_mode != old.rate_limit_mode:
            self.once("v2", "ModifyEipBandwidthLimitMode", eipId=eip_id,
                      rateLimitMode=new.rate_limit_mode)
        if new.bandwidth_cluster_id != old.bandwidth_cluster_id:
            raise AssertionError("MigrateBandwidthClusterResources (service traffic) is not "
                                 "served by zecd")
        if new.resource_group_id and new.resource_group_id != old.resource_group_id:
            self.once("user", "AddResourceResourceGroup", MODIFY_RETRIED,
                      resourceGroupId=new.resource_group_id, resources=[eip_id])
        if new.tags != old.tags:
            self.modify_tags(eip_id, old.tags, new.tags)
        state = yield from self.eip_read(eip_id)
        if state is None:
            raise TerraformError(f"EIP {eip_id} vanished during update")
        return state

    def eip_delete(self, eip_id: str) -> Wait:
        """DeleteEip → poll until RECYCLED (RECYCLING/DELETING: keep polling; absent: done) →
        DeleteEip again → Read. ``observed["eip_delete:<id>"]`` gets each DeleteEip's outcome
        and each status polled. Returns "gone" (absent after the first call) or "purged"."""
        log = self.observed.setdefault(f"eip_delete:{eip_id}", [])
        log.append(self.tolerant("v2", "DeleteEip", (NOT_FOUND,), eipId=eip_id))
        gone = False

        def recycled():
            nonlocal gone
            e = self.describe_eip(eip_id)
            if e is None:
                gone = True
                return
            log.append(e.status)
            if e.status == "RECYCLED":
                return
            if e.status in ("RECYCLING", "DELETING"):
                raise Retry(f"zec eip ({eip_id}) is {e.status}")
            raise TerraformError(f"zec eip status is not recycle, current status {e.status}")

        yield from retry(LOOP_TIMEOUT, recycled)
        if gone:
            return "gone"
        log.append(self.tolerant("v2", "DeleteEip", (NOT_FOUND,), eipId=eip_id))
        state = yield from self.eip_read(eip_id)
        if state is not None:
            raise TerraformError(f"EIP {eip_id} is still there after its delete: {state}")
        return "purged"

    # ---- zenlayercloud_zec_eip_association (§11.2) ----

    def eip_association_create(self, eip_id: str, associated_id: str,
                               associated_type: str = "NIC",
                               private_ip_address: str | None = None,
                               bind_type: str | None = None) -> dict:
        e = self.describe_eip(eip_id)
        if e is not None and e.associatedId:
            if e.associatedId != associated_id:
                raise TerraformError(f"EIP {eip_id} is already associated with instance "
                                     f"{e.associatedId}, cannot associate with {associated_id}")
        else:
            fields = {name: "" for name in TARGET_FIELDS.values()}
            fields[TARGET_FIELDS[associated_type]] = associated_id
            fields.update(eipIds=[eip_id], lanIp=private_ip_address or "",
                          bindType=bind_type or "")
            self.once("v2", "AssociateEipAddress", ("INVALID_OPERATION_TIMEOUT",), **fields)
        state = self.eip_association_read(eip_id)
        if state is None:
            raise TerraformError(f"Provider produced inconsistent result after apply: the "
                                 f"association of {eip_id} is gone at once")
        return state

    def eip_association_read(self, eip_id: str) -> dict | None:
        e = self.describe_eip(eip_id)
        if e is None or e.associatedId is None:
            return None
        return {"eip_id": e.eipId, "associated_id": e.associatedId,
                "associated_type": e.associatedType,
                "private_ip_address": e.privateIpAddress or "", "bind_type": e.bindType or ""}

    @staticmethod
    def eip_association_plan(state: dict, associated_id: str, associated_type: str = "NIC",
                             private_ip_address: str | None = None,
                             bind_type: str | None = None) -> dict:
        want = {"associated_id": associated_id, "associated_type": associated_type,
                "private_ip_address": private_ip_address or ""}
        if bind_type:
            want["bind_type"] = bind_type
        return {k: (v, state[k]) for k, v in want.items() if state[k] != v}

    def eip_association_delete(self, eip_id: str) -> None:
        self.once("v2", "UnassociateEipAddress", eipIds=[eip_id])

    # ---- data sources (§12) ----

    def data_eips(self, ids=None, region_id=None, public_ip_address=None,
                  private_ip_address=None, associated_id=None, cidr_ids=None, status=None,
                  resource_group_id=None, name_regex=None) -> list[dict]:
        filters = {"privateIpAddress": private_ip_address or "",
                   "associatedId": associated_id or ""}
        if ids:
            filters["eipIds"] = list(ids)
        if region_id:
            filters["regionId"] = region_id
        if public_ip_address:
            filters["ipAddresses"] = [public_ip_address]
        if status:
            filters["status"] = status
        if resource_group_id:
            filters["resourceGroupId"] = resource_group_id
        if cidr_ids:
            filters["cidrIds"] = list(cidr_ids)
        found = []
        for e in self.paged("DescribeEips", filters):
            if name_regex and not re.search(name_regex, e.name or ""):
                continue
            if e.eipId is None:
                raise TerraformPanic("EipInfo.eipId")
            found.append({
                "id": e.eipId, "name": e.name, "region_id": e.regionId, "status": e.status,
                "internet_charge_type": e.internetChargeType, "ip_type": e.eipV4Type,
                "bandwidth": e.bandwidth, "cidr_id": e.cidrId, "peer_region_id": e.peerRegionId,
                "public_ip_address": e.publicIpAddresses[0] if e.publicIpAddresses else None,
                "private_ip_address": e.privateIpAddress, "associated_id": e.associatedId,
                "associated_type": e.associatedType, "bind_type": e.bindType,
                "resource_group_id": e.resourceGroupId, "tags": tags_of(e.tags),
            })
        return found

    def data_vnics(self, ids=None, region_id=None, vpc_id=None, subnet_id=None,
                   resource_group_id=None, instance_id=None, name_regex=None) -> list[dict]:
        filters = {}
        if ids:
            filters["nicIds"] = list(ids)
        for key, value in (("regionId", region_id), ("vpcId", vpc_id),
                           ("subnetId", subnet_id), ("resourceGroupId", resource_group_id),
                           ("instanceId", instance_id)):
            if value:
                filters[key] = value
        found = []
        for n in self.paged("DescribeNetworkInterfaces", filters):
            if name_regex:
                if n.name is None:
                    raise TerraformPanic("NicInfo.name")
                if not re.search(name_regex, n.name):
                    continue
            if n.nicType is None:
                raise TerraformPanic("NicInfo.nicType")
            if n.resourceGroup is None:
                raise TerraformPanic("NicInfo.resourceGroup")
            found.append({
                "id": n.nicId, "name": n.name, "region_id": n.regionId,
                "primary": n.nicType == "Primary", "primary_ipv4_address": n.primaryIpv4,
                "public_ips": list(n.publicIpList or []),
                "private_ips": list(n.privateIpList or []), "subnet_id": n.subnetId,
                "vpc_id": n.vpcId, "instance_id": n.instanceId,
                "security_group_id": n.securityGroupId,
                "resource_group_id": n.resourceGroup.resourceGroupId,
            })
        return found

    # ---- zenlayercloud_zec_vnic (§8.1) ----

    def vnic_create(self, cfg: VnicConfig) -> Wait:
        fields = dict(subnetId=cfg.subnet_id, name=cfg.name)
        if cfg.resource_group_id:
            fields["resourceGroupId"] = cfg.resource_group_id
        if cfg.tags:
            fields["tags"] = tag_association(cfg.tags)
        if cfg.stack_type:
            fields["nicStackType"] = cfg.stack_type
        if cfg.security_group_id:
            fields["securityGroupId"] = cfg.security_group_id
        resp = self.once("v2", "CreateNetworkInterface", ("INVALID_OPERATION_TIMEOUT",),
                         **fields)
        if resp.nicId is None:
            raise TerraformError("vnic id is nil")
        state = yield from self.vnic_read(resp.nicId)
        if state is None:
            raise TerraformError(f"Provider produced inconsistent result after apply: the new "
                                 f"vNIC {resp.nicId} is gone after its create")
        return resp.nicId, state

    def describe_nic(self, nic_id: str, retried: tuple[str, ...] = ()):
        resp = self.once("v2", "DescribeNetworkInterfaces", retried, nicIds=[nic_id])
        if not resp.dataSet:
            return None
        n = resp.dataSet[0]
        assert n.nicId == nic_id, f"DescribeNetworkInterfaces answered {n.nicId} for {nic_id}"
        return n

    def vnic_read(self, nic_id: str) -> Wait:
        seen = self.observed.setdefault(f"vnic:{nic_id}", [])

        def attempt():
            n = self.describe_nic(nic_id)
            if n is not None and n.status is None:
                raise TerraformPanic("NicInfo.status")
            seen.append(n.status if n else None)
            if n is not None and n.status in NIC_OPERATING:
                raise Retry(f"waiting for nic {nic_id} operation ({n.status})")
            return n

        n = yield from retry(LOOP_TIMEOUT, attempt)
        if n is None or n.status == "CREATE_FAILED":
            return None
        if n.resourceGroup is None:
            raise TerraformPanic("NicInfo.resourceGroup")
        return {
            "subnet_id": n.subnetId,
            "name": n.name,
            "primary_ipv4": n.primaryIpv4,
            "primary_ipv6": n.primaryIpv6 or "",
            "resource_group_id": n.resourceGroup.resourceGroupId,
            "resource_group_name": n.resourceGroup.resourceGroupName,
            "create_time": n.createTime,
            "security_group_id": n.securityGroupId or "",
            "tags": tags_of(n.tags),
        }

    @staticmethod
    def vnic_plan(cfg: VnicConfig, state: dict) -> dict:
        want = {"subnet_id": cfg.subnet_id, "name": cfg.name, "tags": cfg.tags}
        if cfg.security_group_id:
            want["security_group_id"] = cfg.security_group_id
        if cfg.resource_group_id:
            want["resource_group_id"] = cfg.resource_group_id
        return {k: (v, state[k]) for k, v in want.items() if state[k] != v}

    def vnic_update(self, nic_id: str, state: dict, new: VnicConfig) -> Wait:
        """name / security_group_id (Optional + Computed: the state's when not configured) ⇒
        ModifyNetworkInterfaceAttribute v2; then resource group; then tags; then Read."""
        group = new.security_group_id or state["security_group_id"]
        if new.name != state["name"] or group != state["security_group_id"]:
            fields = {"nicId": nic_id, "securityGroupId": group}
            if new.name:
                fields["name"] = new.name
            self.once("v2", "ModifyNetworkInterfaceAttribute", MODIFY_RETRIED, **fields)
        if new.resource_group_id and new.resource_group_id != state["resource_group_id"]:
            self.once("user", "AddResourceResourceGroup", MODIFY_RETRIED,
                      resourceGroupId=new.resource_group_id, resources=[nic_id])
        if new.tags != state["tags"]:
            self.modify_tags(nic_id, state["tags"], new.tags)
        fresh = yield from self.vnic_read(nic_id)
        if fresh is None:
            raise TerraformError(f"vNIC {nic_id} vanished during update")
        return fresh

    def vnic_delete(self, nic_id: str) -> Wait:
        """DeleteNetworkInterface v1 (its outcome recorded; the provider overwrites its error),
        then DescribeNetworkInterfaces until absent (DELETING: keep polling; any other status
        fails the destroy). Returns what the delete call answered ("ok" or a code)."""
        log = self.observed.setdefault(f"vnic_delete:{nic_id}", [])
        first = len(log)
        try:
            self.call("v1", "DeleteNetworkInterface", nicId=nic_id)
            log.append("ok")
        except ZenlayerCloudSdkException as e:
            log.append(e.code)

        def vanished():
            n = self.describe_nic(nic_id)
            if n is None:
                return
            log.append(n.status)
            if n.status == "DELETING":
                raise Retry(f"vnic ({nic_id}) is recycling")
            raise TerraformError(f"vnic status invalid, current status {n.status}")

        yield from retry(LOOP_TIMEOUT, vanished)
        return log[first]

    # ---- zenlayercloud_zec_vnic_attachment (§8.2) ----

    def vnic_attachment_create(self, nic_id: str, instance_id: str) -> dict:
        self.once("v2", "AttachNetworkInterface", ("INVALID_OPERATION_TIMEOUT",),
                  instanceId=instance_id, nicId=nic_id)
        state = self.vnic_attachment_read(nic_id)
        if state is None:
            raise TerraformError(f"Provider produced inconsistent result after apply: vNIC "
                                 f"{nic_id} shows no instanceId after its attach")
        return state

    def vnic_attachment_read(self, nic_id: str) -> dict | None:
        n = self.describe_nic(nic_id)
        if n is None or n.instanceId is None:
            return None
        return {"vnic_id": n.nicId, "instance_id": n.instanceId}

    def vnic_attachment_delete(self, nic_id: str) -> str:
        """DetachNetworkInterface v2; "not attached" is done. Returns "ok" or that code."""
        return self.tolerant("v2", "DetachNetworkInterface", (NOT_ATTACHED,), nicId=nic_id)

    # ---- zenlayercloud_zec_vnic_ipv4 (§8.3) ----

    def vnic_ipv4_create(self, nic_id: str, addresses: list[str] | None = None,
                         count: int | None = None) -> dict:
        fields = {"nicId": nic_id}
        if addresses:
            fields["ipAddresses"] = list(addresses)
        if count:
            fields["ipAddressCount"] = count
        self.once("v2", "BatchAssignNetworkInterfaceIpv4", ("INVALID_OPERATION_TIMEOUT",),
                  **fields)
        state = self.vnic_ipv4_read(nic_id)
        if state is None:
            raise TerraformError(f"Provider produced inconsistent result after apply: vNIC "
                                 f"{nic_id} shows no secondary addresses after the assign")
        return state

    def vnic_ipv4_read(self, nic_id: str) -> dict | None:
        n = self.describe_nic(nic_id)
        if n is None or not n.secondaryIpv4s:
            return None
        return {"secondary_private_ip_addresses": list(n.secondaryIpv4s),
                "secondary_private_ip_count": len(n.secondaryIpv4s)}

    def vnic_ipv4_update(self, nic_id: str, state: dict, addresses: list[str] | None = None,
                         count: int | None = None) -> None:
        """Address mode: Unassign the removed ones, then BatchAssign the added ones. Count
        mode: BatchAssign {ipAddressCount: +n} or Unassign the first n of the state's list.
        No Read afterwards."""
        old = state["secondary_private_ip_addresses"]
        if addresses is not None and set(addresses) != set(old):
            removed = [a for a in old if a not in addresses]
            added = [a for a in addresses if a not in old]
            if removed:
                self.once("v2", "UnassignNetworkInterfaceIpv4", nicId=nic_id,
                          ipAddresses=removed)
            if added:
                self.once("v2", "BatchAssignNetworkInterfaceIpv4", nicId=nic_id,
                          ipAddresses=added)
        if count is not None and count != len(old):
            diff = count - state["secondary_private_ip_count"]
            if diff > 0:
                self.once("v2", "BatchAssignNetworkInterfaceIpv4", nicId=nic_id,
                          ipAddressCount=diff)
            else:
                self.once("v2", "UnassignNetworkInterfaceIpv4", nicId=nic_id,
                          ipAddresses=old[:-diff])

    def vnic_ipv4_delete(self, nic_id: str) -> list[str]:
        """DescribeNetworkInterfaces (the NIC must exist) then UnassignNetworkInterfaceIpv4 v2
        of its secondaryIpv4s. Returns what was unassigned."""
        n = self.describe_nic(nic_id)
        if n is None:
            raise TerraformPanic("zec_vnic_ipv4 delete: the vNIC is nil")
        fields = {"nicId": nic_id}
        if n.secondaryIpv4s:
            fields["ipAddresses"] = list(n.secondaryIpv4s)
        self.once("v2", "UnassignNetworkInterfaceIpv4", **fields)
        return list(n.secondaryIpv4s or [])


# --------------------------------------------------------------------------------------------
# Shared by the issue 12 suites.

def snapshot(acct, disks: bool = False) -> dict:
    """:meth:`netkit.Account.snapshot` plus the account's EIPs (and, with ``disks``, its
    disks), as raw JSON: equal snapshots = nothing changed."""
    s = acct.snapshot()
    s["eips"] = acct.wire("DescribeEips", {"pageSize": 1000})
    if disks:
        s["disks"] = acct.wire("DescribeDisks", {"pageSize": 1000})
    return s


def catalog_with_pool(path: Path, region: str = REGION, pool: str = "198.18.0.0/29") -> Path:
    """The built-in catalog with ``region``'s public IPv4 pool replaced by ``pool``, written to
    ``path`` (for ``ZECD_CATALOG``)."""
    text = (REPO / "crates" / "zec-core" / "src" / "catalog.default.toml").read_text()
    pattern = re.compile(r'(\[\[regions\]\]\nid = "' + re.escape(region)
                         + r'"\n(?:[^\[\n]*\n)*?public_ipv4_pool = )"[^"]*"')
    text, n = pattern.subn(lambda m: m.group(1) + f'"{pool}"', text)
    assert n == 1, f"no public_ipv4_pool for {region} in the built-in catalog"
    path.write_text(text)
    return path


IDS = re.compile(r"^\d{18,19}$")   # ids of EIPs, NICs, disks (the design's "18–19 digits")
NOWHERE = "1000001"                # an id nothing has


def in_pool(address: str, pool: str = REGION_POOL) -> bool:
    """A host address of a region's public pool (neither its network nor its broadcast
    address)."""
    net = ipaddress.ip_network(pool)
    a = ipaddress.ip_address(address)
    return a in net and a not in (net.network_address, net.broadcast_address)


def ms(n: int) -> str:
    return f"{n}ms"


def run_instance(acct, subnet: str, **fields) -> str:
    """One instance, RUNNING (the deploy phase passed on the manual clock)."""
    [iid] = create_instances(acct.zec, 1, subnetId=subnet, **fields)
    acct.server.advance("3s")
    return iid


def instance_of(acct, iid: str):
    """The instance's DescribeInstances entry (2025-09-01 model), or None."""
    found = call(acct.zec, "DescribeInstances", instanceIds=[iid]).dataSet
    return found[0] if found else None


def primary_of(acct, iid: str):
    """The Primary entry of the instance's ``nics``."""
    [nic] = [n for n in instance_of(acct, iid).nics if n.nicType == "Primary"]
    return nic


def eip_wire(acct, eip_id: str, version: str = "v2") -> dict | None:
    """The EIP as raw JSON (None when it is not listed)."""
    found = acct.wire("DescribeEips", {"eipIds": [eip_id]}, version=version)
    assert found["totalCount"] == len(found["dataSet"]) <= 1, found
    return found["dataSet"][0] if found["dataSet"] else None


def nic_wire(acct, nic_id: str, version: str = "v2") -> dict | None:
    found = acct.wire("DescribeNetworkInterfaces", {"nicIds": [nic_id]}, version=version)
    assert found["totalCount"] == len(found["dataSet"]) <= 1, found
    return found["dataSet"][0] if found["dataSet"] else None


def new_eip(acct, settle: bool = True, **fields) -> str:
    """CreateEips v2 (one EIP in asia-east-1 ByBandwidth unless ``fields`` say otherwise);
    with ``settle`` the eip-create phase is passed."""
    req = dict(regionId=REGION, name="eip", internetChargeType="ByBandwidth")
    req.update(fields)
    [eip_id] = call(acct.zec, "CreateEips", **req).eipIds
    if settle:
        acct.server.advance(ms(PHASE_MS["eip-create"]))
    return eip_id


def new_nic(acct, subnet: str, settle: bool = True, **fields) -> str:
    """CreateNetworkInterface v2; with ``settle`` the nic-create phase is passed."""
    nic_id = call(acct.zec, "CreateNetworkInterface", subnetId=subnet,
                  name=fields.pop("name", "nic"), **fields).nicId
    if settle:
        acct.server.advance(ms(PHASE_MS["nic-create"]))
    return nic_id


def attach(acct, nic_id: str, iid: str, settle: bool = True) -> None:
    call(acct.zec, "AttachNetworkInterface", nicId=nic_id, instanceId=iid)
    if settle:
        acct.server.advance(ms(PHASE_MS["nic-attach"]))


def bind(acct, eip_id: str, nic_id: str, lan_ip: str, **fields):
    """AssociateEipAddress v2 to a NIC address; returns the answer."""
    return call(acct.zec, "AssociateEipAddress", eipIds=[eip_id], nicId=nic_id, lanIp=lan_ip,
                **fields)


def release_eip(acct, eip_id: str) -> None:
    """DeleteEip, the eip-release phase, DeleteEip again: gone."""
    call(acct.zec, "DeleteEip", eipId=eip_id)
    acct.server.advance(ms(PHASE_MS["eip-release"]))
    call(acct.zec, "DeleteEip", eipId=eip_id)


def usage(acct, subnet: str) -> int:
    [s] = call(acct.zec, "DescribeSubnets", subnetIds=[subnet]).dataSet
    return s.usageIpv4Count


def members(acct, sg: str) -> set[str]:
    """The security group's nicIdList."""
    [g] = call(acct.zec, "DescribeSecurityGroups", securityGroupIds=[sg]).dataSet
    return set(g.nicIdList or [])


def eip_ids(client, **filters) -> tuple[int, list[str]]:
    return listing(client, "DescribeEips", "eipId", **filters)


def nic_ids(client, **filters) -> tuple[int, list[str]]:
    return listing(client, "DescribeNetworkInterfaces", "nicId", **filters)


def unbound(eip: dict) -> bool:
    """Every association field of an EIP's raw JSON is null (spec §0.3, design "all
    association fields null")."""
    return all(eip.get(k) is None for k in ("associatedId", "nicId", "instanceId",
                                              "privateIpAddress", "bindType",
                                              "associatedType"))


def refused_as(client, action: str, code: str, status: int | None = None, **fields) -> None:
    """A refusal with the design's code (and HTTP status where the design gives one)."""
    got = refused(client, action, code, **fields)
    if status is not None:
        assert got[1] == status, (action, fields, got)


