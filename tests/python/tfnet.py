"""The Terraform provider's network resources (0.2.28), replayed call for call through the
official Python SDK, as spec zec-resources.md §1–§8 describes them: the same actions with the
same API versions ("v2" = zec 2025-09-01, "v1" = zec 2024-04-01, "ccs" = ccs 2025-09-01), the
same request fields (sent or omitted as the Go SDK sends them, §0.4), the same reactions to what
comes back (the codes each step tolerates, what Read dereferences, when a resource counts as
gone), and the same waits.

Waits run on a zecd with ``--clock manual``: an operation that waits is a generator that yields
the seconds the provider would sleep; :meth:`Terraform.run` drives one on the server's clock
(advancing it by exactly those seconds), :meth:`Terraform.run_parallel` drives several at once
the way Terraform walks its dependency graph (what one task sees of another's progress depends
only on the virtual time, so the interleaving is deterministic).

Where the provider would fail it raises :class:`TerraformError`; where it would dereference a
nil it raises :class:`TerraformPanic`. Where it would retry a code zecd should never send for a
healthy request (INVALID_OPERATION_TIMEOUT on a create, INTERNAL_SERVER_ERROR on an update) it
raises :class:`TerraformError` too, naming the retry: a test server answering those is wrong.
Reads also check what the provider does not: that ``dataSet[0]`` is the object asked for (§0.2).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Callable, Generator, Iterable

from conftest import IMAGE, INSTANCE_TYPE, ZONE, ZenlayerCloudSdkException
from netkit import Account, call, rule, tag_association

MINUTE = 60.0
DEFAULT_TIMEOUT = 20 * MINUTE      # every network resource (§0.1)
LOOP_TIMEOUT = DEFAULT_TIMEOUT - MINUTE
INSTANCE_TIMEOUT = 90 * MINUTE     # zec_instance create/update

ALWAYS_RETRIED = ("SERVICE_TEMPORARY_UNAVAILABLE",)
MODIFY_RETRIED = ("INTERNAL_SERVER_ERROR", "NETWORK_ERROR")
OPERATING = frozenset({"PENDING", "DEPLOYING", "REBUILDING", "BOOTING", "STOPPING",
                       "RELEASING", "RECYCLING", "RESIZING"})
INSTANCE_NOT_FOUND = ("INVALID_INSTANCE_NOT_FOUND", "OPERATION_FAILED_RESOURCE_NOT_FOUND")
VPC_NOT_FOUND = ("OPERATION_FAILED_RESOURCE_NOT_FOUND", "INVALID_VPC_NOT_FOUND")


class TerraformError(Exception):
    """The provider reports an error: the apply (or destroy) fails."""


class TerraformPanic(Exception):
    """The provider dereferences a nil pointer and crashes."""


class Retry(Exception):
    """resource.RetryableError: the provider tries again after a back-off."""


Wait = Generator[float, None, object]


def retry(timeout: float, attempt: Callable[[], object]) -> Wait:
    """resource.RetryContext: the first attempt at once, then about 0.5, 1, 2, 4, 8, 10, 10 …
    seconds apart while ``attempt`` raises :class:`Retry`, for at most ``timeout`` seconds."""
    gaps = itertools.chain([0.5, 1, 2, 4, 8], itertools.repeat(10))
    waited = 0.0
    while True:
        try:
            return attempt()
        except Retry as e:
            gap = next(gaps)
            if waited + gap > timeout:
                raise TerraformError(f"timeout while waiting: {e}") from e
            yield gap
            waited += gap


def instant(fn: Callable[[], object]) -> Wait:
    """An operation that does not wait, as a task for :meth:`Terraform.run_parallel`."""
    return fn()
    yield  # noqa: unreachable - makes this a generator


# --------------------------------------------------------------------------------------------
# Configurations (None: not set).

@dataclass
class VpcConfig:
    cidr_block: str
    name: str = "Terraform-Global-VPC"
    mtu: int = 1500
    enable_ipv6: bool = False
    resource_group_id: str | None = None
    tags: dict[str, str] = field(default_factory=dict)


@dataclass
class SubnetConfig:
    vpc_id: str
    region_id: str = "asia-east-1"
    cidr_block: str | None = None
    ipv6_type: str | None = None
    name: str = "Terraform-Subnet"


@dataclass(frozen=True)
class Rule:
    """One rule of a zenlayercloud_zec_security_group_rule_set (priority 0 / desc "": unset)."""
    direction: str = "ingress"
    policy: str = "accept"
    cidr_ip: str = "0.0.0.0/0"
    port_range: str = "80"
    ip_protocol: str = "tcp"
    desc: str = ""
    priority: int = 0


@dataclass
class InstanceConfig:
    subnet_id: str
    key_id: str | None = None
    password: str | None = None
    security_group_id: str | None = None
    instance_name: str = "Terraform-Instance"
    availability_zone: str = ZONE
    image_id: str = IMAGE
    instance_type: str = INSTANCE_TYPE
    system_disk_size: int = 20
    force_delete: bool = True


# --------------------------------------------------------------------------------------------
# The provider.

class Terraform:
    def __init__(self, acct: Account):
        self.acct = acct
        self.server = acct.server
        self.calls: list[tuple[str, str]] = []   # (version, action), in order
        self.clock = 0.0                          # virtual seconds slept so far
        self.observed: dict[str, list] = {}      # what waits saw, by wait name
        self.sg_poll_hook: Callable[[object], None] | None = None  # sees each pre-wait poll

    # ---- plumbing ----

    def call(self, version: str, action: str, **fields):
        self.calls.append((version, action))
        return call(self.acct.client(version), action, **fields)

    def once(self, version: str, action: str, retried: Iterable[str] = (), **fields):
        """One call whose error fails the operation; a code the provider would retry on
        (``retried`` and SERVICE_TEMPORARY_UNAVAILABLE) fails it too, named as such."""
        try:
            return self.call(version, action, **fields)
        except ZenlayerCloudSdkException as e:
            if e.code in ALWAYS_RETRIED or e.code in tuple(retried):
                raise TerraformError(f"{action}: the provider would retry {e.code} for up to "
                                     f"20 minutes: {e}") from e
            raise TerraformError(f"{action}: {e}") from e

    def calls_since(self, mark: int) -> list[tuple[str, str]]:
        return self.calls[mark:]

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.server.advance(f"{round(seconds * 1000)}ms")
            self.clock += seconds

    def run(self, operation: Wait):
        """Drives one operation to its end on the manual clock; returns its result."""
        while True:
            try:
                delay = next(operation)
            except StopIteration as done:
                return done.value
            self.sleep(delay)

    def run_parallel(self, tasks: list[tuple[str, list[str], Callable[[], Wait]]]
                     ) -> dict[str, tuple[float, float]]:
        """Runs tasks (name, names it depends on, operation factory) as Terraform walks a
        graph: a task starts when all it depends on have finished; tasks that are running at
        the same time interleave by virtual time (ties in list order). Returns each task's
        (start, end) in virtual seconds from now."""
        order = {name: n for n, (name, _, _) in enumerate(tasks)}
        waiting = list(tasks)
        running: dict[str, list] = {}
        spans: dict[str, list[float]] = {}
        now = 0.0
        while waiting or running:
            for task in list(waiting):
                name, deps, make = task
                if all(d in spans and len(spans[d]) == 2 for d in deps):
                    running[name] = [make(), now]
                    spans[name] = [now]
                    waiting.remove(task)
            if not running:
                raise AssertionError(f"dependency cycle among {[t[0] for t in waiting]}")
            name = min(running, key=lambda n: (running[n][1], order[n]))
            operation, wake = running[name]
            if wake > now:
                self.sleep(wake - now)
                now = wake
            try:
                running[name][1] = now + next(operation)
            except StopIteration:
                spans[name].append(now)
                del running[name]
        return {n: (s[0], s[1]) for n, s in spans.items()}

    # ---- zenlayercloud_zec_vpc (§1) ----

    def vpc_create(self, cfg: VpcConfig) -> tuple[str, dict]:
        fields = dict(name=cfg.name, cidrBlock=cfg.cidr_block, mtu=cfg.mtu,
                      enablePriIpv6=cfg.enable_ipv6)
        if cfg.resource_group_id:
            fields["resourceGroupId"] = cfg.resource_group_id
        if cfg.tags:
            fields["tags"] = tag_association(cfg.tags)
        resp = self.once("v2", "CreateVpc", ("INVALID_OPERATION_TIMEOUT",), **fields)
        if resp.vpcId is None:
            raise TerraformError("CreateVpc: vpcId is null")
        return resp.vpcId, self.after_create("vpc", resp.vpcId, self.vpc_read)

    def after_create(self, kind: str, rid: str, read: Callable[[str], dict | None]) -> dict:
        state = read(rid)
        if state is None:
            raise TerraformError(f"Provider produced inconsistent result after apply: the new "
                                 f"{kind} {rid} is not in the Describe that follows its create")
        return state

    def vpc_read(self, vpc_id: str) -> dict | None:
        resp = self.once("v2", "DescribeVpcs", vpcIds=[vpc_id])
        if not resp.dataSet:
            return None
        v = resp.dataSet[0]
        assert v.vpcId == vpc_id, f"DescribeVpcs {{vpcIds:[{vpc_id}]}} answered {v.vpcId}"
        rg = v.resourceGroup
        if rg is None or rg.resourceGroupId is None or rg.resourceGroupName is None:
            raise TerraformPanic("VpcInfo.resourceGroup.{resourceGroupId,resourceGroupName}")
        return {
            "name": v.name,
            "cidr_block": v.cidrBlock,
            "ipv6_cidr_block": v.ipv6CidrBlock or "",
            "enable_ipv6": bool(v.ipv6CidrBlock),
            "mtu": v.mtu,
            "is_default": v.isDefault,
            "resource_group_id": rg.resourceGroupId,
            "resource_group_name": rg.resourceGroupName,
            "create_time": v.createTime,
            "tags": {t.key: t.value for t in (v.tags.tags or [])} if v.tags else {},
            "security_group_id": v.securityGroupId,
        }

    def vpc_update(self, vpc_id: str, old: VpcConfig, new: VpcConfig) -> dict:
        if (old.name, old.cidr_block, old.enable_ipv6) != (new.name, new.cidr_block,
                                                             new.enable_ipv6):
            fields = dict(vpcId=vpc_id, vpcName=new.name, cidrBlock=new.cidr_block)
            if new.enable_ipv6 != old.enable_ipv6:
                if not new.enable_ipv6:
                    raise AssertionError("enable_ipv6 true -> false is a replacement")
                fields["enableIPv6"] = True
            self.once("v2", "ModifyVpcAttribute", MODIFY_RETRIED, **fields)
        if new.resource_group_id and new.resource_group_id != old.resource_group_id:
            self.once("user", "AddResourceResourceGroup", MODIFY_RETRIED,
                      resourceGroupId=new.resource_group_id, resources=[vpc_id])
        if new.tags != old.tags:
            self.modify_tags(vpc_id, old.tags, new.tags)
        state = self.vpc_read(vpc_id)
        if state is None:
            raise TerraformError(f"vpc {vpc_id} vanished during update")
        return state

    def modify_tags(self, resource_id: str, old: dict, new: dict) -> None:
        from zenlayercloud.zrm.v20251014 import models as zrm_models
        fields = {"resourceUuid": resource_id}
        replace = [zrm_models.Tag({"key": k, "value": v}) for k, v in new.items()
                   if old.get(k) != v]
        delete = [k for k in old if k not in new]
        if replace:
            fields["replaceTags"] = replace
        if delete:
            fields["deleteTagKeys"] = delete
        self.once("zrm", "ModifyResourceTags", ("NETWORK_ERROR", "INVALID_OPERATION_TIMEOUT"),
                  **fields)

    def vpc_delete(self, vpc_id: str) -> str:
        """DeleteVpc v1; the not-found codes of §1 are success. Returns "deleted" or the
        tolerated code."""
        try:
            self.call("v1", "DeleteVpc", vpcId=vpc_id)
        except ZenlayerCloudSdkException as e:
            if e.code in VPC_NOT_FOUND:
                return e.code
            raise TerraformError(f"DeleteVpc: {e}") from e
        return "deleted"

    @staticmethod
    def vpc_plan(cfg: VpcConfig, state: dict) -> dict:
        """What the next plan would change (ForceNew ones included)."""
        want = {"name": cfg.name, "cidr_block": cfg.cidr_block, "mtu": cfg.mtu,
                "enable_ipv6": cfg.enable_ipv6, "tags": cfg.tags}
        if cfg.resource_group_id:
            want["resource_group_id"] = cfg.resource_group_id
        return {k: (v, state[k]) for k, v in want.items() if state[k] != v}

    # ---- zenlayercloud_zec_subnet (§2) ----

    def subnet_create(self, cfg: SubnetConfig) -> tuple[str, dict]:
        if cfg.cidr_block and cfg.ipv6_type:
            stack = "IPv4_IPv6"
        elif cfg.cidr_block:
            stack = "IPv4"
        else:
            stack = "IPv6"
        # CreateSubnet v1: a Go model of plain strings, so unset values are not sent.
        fields = dict(regionId=cfg.region_id, name=cfg.name, vpcId=cfg.vpc_id, stackType=stack)
        if cfg.cidr_block:
            fields["cidrBlock"] = cfg.cidr_block
        if cfg.ipv6_type:
            fields["ipv6Type"] = cfg.ipv6_type
        resp = self.once("v1", "CreateSubnet", **fields)
        if not resp.subnetId:
            raise TerraformError("CreateSubnet: subnetId is empty")
        return resp.subnetId, self.after_create("subnet", resp.subnetId, self.subnet_read)

    def subnet_read(self, subnet_id: str) -> dict | None:
        resp = self.once("v2", "DescribeSubnets", subnetIds=[subnet_id])
        if not resp.dataSet:
            return None
        s = resp.dataSet[0]
        if s.subnetId is None:
            raise TerraformPanic("SubnetInfo.subnetId")
        assert s.subnetId == subnet_id, f"DescribeSubnets answered {s.subnetId}"
        return {
            "region_id": s.regionId,
            "name": s.name,
            "cidr_block": s.cidrBlock or "",
            "vpc_id": s.vpcId,
            "is_default": s.isDefault,
            "stack_type": s.stackType,
            "ipv6_type": s.ipv6Type or "",
            "create_time": s.createTime,
        }

    def subnet_update(self, subnet_id: str, old: SubnetConfig, new: SubnetConfig) -> dict:
        if (old.name, old.cidr_block) != (new.name, new.cidr_block):
            # ModifySubnetAttribute v1 has pointer fields: both always sent, "" included.
            self.once("v1", "ModifySubnetAttribute", MODIFY_RETRIED, subnetId=subnet_id,
                      subnetName=new.name, cidrBlock=new.cidr_block or "")
        if not old.ipv6_type and new.ipv6_type:
            self.once("v1", "ModifySubnetStackType", MODIFY_RETRIED, subnetId=subnet_id,
                      stackType="IPv4_IPv6", ipv6Type=new.ipv6_type)
        elif old.ipv6_type != new.ipv6_type:
            raise AssertionError("this ipv6_type change is a replacement")
        state = self.subnet_read(subnet_id)
        if state is None:
            raise TerraformError(f"subnet {subnet_id} vanished during update")
        return state

    def subnet_delete(self, subnet_id: str) -> Wait:
        """DeleteSubnet v1, retried on INTERNAL_SERVER_ERROR / SERVICE_TEMPORARY_UNAVAILABLE,
        OPERATION_FAILED_RESOURCE_NOT_FOUND is success; then a fixed 1 s sleep."""
        def attempt():
            try:
                self.call("v1", "DeleteSubnet", subnetId=subnet_id)
            except ZenlayerCloudSdkException as e:
                if e.code == "OPERATION_FAILED_RESOURCE_NOT_FOUND":
                    return e.code
                if e.code in ("INTERNAL_SERVER_ERROR", "SERVICE_TEMPORARY_UNAVAILABLE"):
                    raise Retry(str(e))
                raise TerraformError(f"DeleteSubnet: {e}") from e
            return "deleted"
        result = yield from retry(LOOP_TIMEOUT, attempt)
        yield 1.0
        return result

    @staticmethod
    def subnet_plan(cfg: SubnetConfig, state: dict) -> dict:
        want = {"region_id": cfg.region_id, "name": cfg.name, "vpc_id": cfg.vpc_id,
                "cidr_block": cfg.cidr_block or "", "ipv6_type": cfg.ipv6_type or ""}
        return {k: (v, state[k]) for k, v in want.items() if state[k] != v}

    # ---- zenlayercloud_zec_security_group (§3) ----

    def sg_create(self, name: str) -> tuple[str, dict]:
        resp = self.once("v2", "CreateSecurityGroup", ("INVALID_OPERATION_TIMEOUT",),
                         securityGroupName=name)
        if resp.securityGroupId is None:
            raise TerraformError("CreateSecurityGroup: securityGroupId is null")
        return resp.securityGroupId, self.after_create("security group", resp.securityGroupId,
                                                       self.sg_read)

    def describe_sg(self, sg_id: str):
        resp = self.once("v2", "DescribeSecurityGroups", securityGroupIds=[sg_id])
        if not resp.dataSet:
            return None
        g = resp.dataSet[0]
        assert g.securityGroupId == sg_id, f"DescribeSecurityGroups answered {g.securityGroupId}"
        return g

    def sg_read(self, sg_id: str) -> dict | None:
        g = self.describe_sg(sg_id)
        return None if g is None else {"name": g.securityGroupName}

    def sg_update(self, sg_id: str, name: str) -> dict:
        self.once("v1", "ModifySecurityGroupsAttribute", MODIFY_RETRIED,
                  securityGroupIds=[sg_id], securityGroupName=name)
        return self.sg_read(sg_id)

    def sg_delete(self, sg_id: str) -> Wait:
        """The pre-wait (DescribeSecurityGroups until nicIdList and natIdList are empty; the
        group must still be listed), then DeleteSecurityGroup v1 (not-found is success). What
        each poll saw is kept in ``observed["sg_delete:<id>"]``."""
        polls = self.observed.setdefault(f"sg_delete:{sg_id}", [])

        def drained():
            g = self.describe_sg(sg_id)
            if g is None:
                raise TerraformPanic("the security group vanished during its delete pre-wait")
            polls.append((list(g.nicIdList or []), list(g.natIdList or [])))
            if self.sg_poll_hook:
                self.sg_poll_hook(g)
            if g.nicIdList or g.natIdList:
                raise Retry(f"security group {sg_id} still has {g.nicIdList} {g.natIdList}")

        yield from retry(LOOP_TIMEOUT, drained)
        try:
            self.call("v1", "DeleteSecurityGroup", securityGroupId=sg_id)
        except ZenlayerCloudSdkException as e:
            if e.code == "OPERATION_FAILED_RESOURCE_NOT_FOUND":
                return e.code
            raise TerraformError(f"DeleteSecurityGroup: {e}") from e
        return "deleted"

    # ---- zenlayercloud_zec_security_group_rule_set (§4) ----

    def rules_apply(self, sg_id: str, rules: list[Rule]) -> None:
        """Create and Update: the whole set, ingress rules first, then egress; desc omitted
        when empty, priority when 0; no rules at all: no ruleInfos key."""
        infos = [rule(r.direction, r.policy, r.cidr_ip, r.port_range, r.ip_protocol,
                      desc=r.desc or None, priority=r.priority or None)
                 for r in sorted(rules, key=lambda r: r.direction != "ingress")]
        fields = {"securityGroupId": sg_id}
        if infos:
            fields["ruleInfos"] = infos
        self.once("v2", "ConfigureSecurityGroupRules", **fields)

    def rules_read(self, sg_id: str) -> set[Rule]:
        try:
            resp = self.call("v2", "DescribeSecurityGroupRule", securityGroupId=sg_id)
        except ZenlayerCloudSdkException as e:
            raise TerraformPanic(f"DescribeSecurityGroupRule failed ({e}): the provider "
                                 f"dereferences the nil response") from e
        if resp.ingressRuleList is None:
            # The provider reads egress rules only inside `if ingressRuleList != nil`.
            return set()
        found = set()
        for direction, items in (("ingress", resp.ingressRuleList),
                                 ("egress", resp.egressRuleList or [])):
            for r in items:
                found.add(Rule(direction, r.policy, r.cidrIp, r.portRange, r.ipProtocol,
                               r.desc or "", r.priority or 0))
        return found

    def rules_delete(self, sg_id: str) -> None:
        """ConfigureSecurityGroupRules without ruleInfos; every error is ignored."""
        try:
            self.call("v2", "ConfigureSecurityGroupRules", securityGroupId=sg_id)
        except ZenlayerCloudSdkException:
            pass

    @staticmethod
    def rules_plan(rules: list[Rule], state: set[Rule]) -> tuple[set, set]:
        """(to add, to remove) in the next plan; an unset priority reads back as 1 (§4)."""
        want = {Rule(r.direction, r.policy, r.cidr_ip, r.port_range, r.ip_protocol, r.desc,
                     r.priority or 1) for r in rules}
        return want - state, state - want

    # ---- zenlayercloud_zec_vpc_security_group_attachment (§5) ----

    def attachment_create(self, vpc_id: str, sg_id: str) -> dict:
        self.once("v2", "AssignSecurityGroupVpc", ("INVALID_OPERATION_TIMEOUT",),
                  vpcId=vpc_id, securityGroupId=sg_id)
        state = self.attachment_read(vpc_id)
        if state is None:
            raise TerraformError("the new attachment is not in DescribeVpcs")
        return state

    def attachment_read(self, vpc_id: str) -> dict | None:
        resp = self.once("v2", "DescribeVpcs", vpcIds=[vpc_id])
        if not resp.dataSet or resp.dataSet[0].securityGroupId is None:
            return None
        return {"vpc_id": resp.dataSet[0].vpcId,
                "security_group_id": resp.dataSet[0].securityGroupId}

    def attachment_delete(self, vpc_id: str) -> None:
        self.once("v2", "UnAssignSecurityGroupVpc", vpcId=vpc_id)

    # ---- zenlayercloud_key_pair (§6) ----

    def key_create(self, name: str, public_key: str, description: str | None = None
                   ) -> tuple[str, dict]:
        fields = dict(keyName=name, publicKey=public_key)
        if description:
            fields["keyDescription"] = description
        resp = self.once("ccs", "ImportKeyPair", **fields)
        if resp.keyId is None:
            raise TerraformError("ImportKeyPair: keyId is null")
        return resp.keyId, self.after_create("key pair", resp.keyId, self.key_read)

    def key_read(self, key_id: str) -> dict | None:
        resp = self.once("ccs", "DescribeKeyPairs", ("INTERNAL_SERVER_ERROR",), keyIds=[key_id])
        if not resp.dataSet:
            return None
        k = resp.dataSet[0]
        if k.keyId is None:
            raise TerraformPanic("KeyPair.keyId")
        assert k.keyId == key_id, f"DescribeKeyPairs answered {k.keyId}"
        return {"key_name": k.keyName, "public_key": k.publicKey,
                "key_description": k.keyDescription or ""}

    def key_update(self, key_id: str, description: str) -> dict:
        self.once("ccs", "ModifyKeyPairAttribute", ("INTERNAL_SERVER_ERROR",), keyId=key_id,
                  keyDescription=description)
        return self.key_read(key_id)

    def key_delete(self, key_id: str) -> None:
        self.once("ccs", "DeleteKeyPairs", keyIds=[key_id])

    # ---- zenlayercloud_zec_instance, as far as networks go (§7, zenlayer-api.md §7) ----

    def describe_instance(self, iid: str):
        resp = self.once("v2", "DescribeInstances", instanceIds=[iid])
        if resp.dataSet is None:
            raise TerraformPanic("DescribeInstances dataSet is null")
        if not resp.dataSet:
            return None
        i = resp.dataSet[0]
        assert i.instanceId == iid
        for name in ("status", "enableAgent", "enableIpForward"):
            if getattr(i, name) is None:
                raise TerraformPanic(f"InstanceInfo.{name} is null")
        for nic in i.nics or []:
            if nic.nicType is None or nic.nicId is None:
                raise TerraformPanic("InstanceInfo.nics[].nicType/nicId is null")
        return i

    def instance_create(self, cfg: InstanceConfig) -> Wait:
        """CreateZecInstances v2, then the StateChangeConf (Delay 10 s, MinTimeout 5 s,
        PENDING/DEPLOYING -> RUNNING, CREATE_FAILED fails), then Read. Returns (id, state)."""
        from zenlayercloud.zec.v20250901 import models as m2
        disk = m2.SystemDisk()
        disk.diskSize = cfg.system_disk_size
        fields = dict(instanceCount=1, zoneId=cfg.availability_zone,
                      instanceType=cfg.instance_type, imageId=cfg.image_id,
                      instanceName=cfg.instance_name, systemDisk=disk, subnetId=cfg.subnet_id,
                      enableAgent=True)
        if cfg.password:
            fields["password"] = cfg.password
        if cfg.key_id:
            fields["keyId"] = cfg.key_id
        if cfg.security_group_id:
            fields["securityGroupId"] = cfg.security_group_id
        resp = self.once("v2", "CreateZecInstances", ("INVALID_OPERATION_TIMEOUT",), **fields)
        if not resp.instanceIdSet:
            raise TerraformError("instance id is nil")
        iid = resp.instanceIdSet[0]
        seen = self.observed.setdefault(f"instance_create:{iid}", [])
        yield 10.0
        gaps = itertools.chain([5.0], itertools.repeat(10.0))
        waited, not_found = 10.0, 0
        while True:
            i = self.describe_instance(iid)
            status = i.status if i else "<none>"
            seen.append(status)
            if i is None:
                not_found += 1
                if not_found > 3:
                    raise TerraformError("couldn't find resource")
            elif status == "CREATE_FAILED":
                raise TerraformError("Failed to reach target status CREATE_FAILED")
            elif status == "RUNNING":
                break
            elif status not in ("PENDING", "DEPLOYING"):
                raise TerraformError(f"unexpected state '{status}'")
            gap = next(gaps)
            if waited + gap > INSTANCE_TIMEOUT - MINUTE:
                raise TerraformError("timeout while waiting for state")
            yield gap
            waited += gap
        state = self.instance_read(iid)
        if state is None:
            raise TerraformError("Read dropped the new instance")
        return iid, state

    def instance_read(self, iid: str) -> dict | None:
        i = self.describe_instance(iid)
        if i is None or i.status in ("CREATE_FAILED", "RECYCLE"):
            return None
        return {
            "subnet_id": i.subnetId,
            "security_group_id": i.securityGroupId or "",
            "key_id": i.keyId or "",
            "private_ip_addresses": list(i.privateIpAddresses or []),
            "status": i.status,
            "primary_nic": next(n.nicId for n in i.nics if n.nicType == "Primary"),
        }

    def instance_update_security_group(self, iid: str, sg_id: str) -> dict:
        """security_group_id changed: DescribeInstances v2 -> the Primary entry of nics[] ->
        ModifyNetworkInterfaceAttribute v2 {nicId, securityGroupId} -> Read."""
        i = self.describe_instance(iid)
        if i is None:
            raise TerraformPanic("instance is nil")
        primary = [n for n in i.nics or [] if n.nicType == "Primary"]
        if not primary:
            raise TerraformPanic("no Primary NIC")
        self.once("v2", "ModifyNetworkInterfaceAttribute", ("INTERNAL_SERVER_ERROR",),
                  nicId=primary[0].nicId, securityGroupId=sg_id)
        return self.instance_read(iid)

    def instance_delete(self, iid: str, force_delete: bool = True) -> Wait:
        """ReleaseInstances v1 -> wait RECYCLE or gone -> ReleaseInstances v1 again
        (INVALID_INSTANCE_NOT_FOUND is success) -> wait until gone."""
        self.once("v1", "ReleaseInstances", instanceIds=[iid])
        gone = False

        def recycled():
            nonlocal gone
            i = self.describe_instance(iid)
            if i is None:
                gone = True
                return
            if i.status == "RECYCLE":
                return
            if i.status in OPERATING:
                raise Retry(i.status)
            raise TerraformError(f"vm instance status is not recycle: {i.status}")

        yield from retry(LOOP_TIMEOUT, recycled)
        if gone or not force_delete:
            return "recycled" if not gone else "gone"
        try:
            self.call("v1", "ReleaseInstances", instanceIds=[iid])
        except ZenlayerCloudSdkException as e:
            if e.code != "INVALID_INSTANCE_NOT_FOUND":
                raise TerraformError(f"second ReleaseInstances: {e}") from e

        def vanished():
            i = self.describe_instance(iid)
            if i is None:
                return
            if i.status in OPERATING:
                raise Retry(i.status)
            raise TerraformError(f"vm instance status is not recycle: {i.status}")

        yield from retry(LOOP_TIMEOUT, vanished)
        return "gone"
