"""Each API version answers with its own shape (the response-shape issue).

Clients of zec ``2024-04-01`` get exactly the keys that version's response models declare, clients
of ``2025-09-01`` exactly theirs; ``user`` (2024-05-29), ``zrm`` (2025-10-14) and ``ccs``
(2025-09-01) likewise. The reference is the official SDKs' response model of the action in that
version: the installed Python SDK's model classes, united with the Go SDK's where it declares more
(see ``sdk_shapes.py``, which derives the schemas from the SDK sources).

For every action zecd serves (read from ``crates/zec-types/src/action.rs``, admin excluded, and
the names it also serves under another service's path, ``ALIASES``) in every version its service
accepts, the test sends one real request over raw HTTP, signed, with ``x-zc-version`` set, after
building a world in which lists are non-empty and nested objects are present (an instance with a
data disk, a public address, tags, instance options and a resource group of its own; a VPC with
IPv6, a security group with ingress and egress rules, a tagged NIC, a key pair with a
description; and, since issue 12, a tagged disk attached to an instance and one attached to
nothing, a snapshot with a retention time, a tagged secondary NIC with a secondary IPv4 attached
to an instance, an EIP with a bandwidth cluster and tags bound to that NIC and one bound to
nothing), and compares the keys of the ``response`` object, at every level, with the schema:
keys the model does not declare are ``extra``, keys it declares that the answer lacks are
``missing``. An action that neither SDK has in a version is skipped, with the reason.

Run: ``.venv/bin/python -m pytest tests/python/test_response_shapes.py`` (uses
``target/debug/zecd``, or ``$ZECD_BIN``).
"""

from __future__ import annotations

import itertools
import json
import re
import warnings
from dataclasses import dataclass, field

import pytest

from conftest import (
    DEFAULT_PHASE_MS,
    IMAGE,
    INSTANCE_TYPE,
    PASSWORD,
    REGION,
    REPO,
    SUBNET,
    ZONE,
    ZecdServer,
)
from sdk_shapes import (
    check_keys,
    action_sources,
    python_response_model,
    response_schema,
    unvisited,
)
from ssh_keys import ED25519_MANY
from tfeip import PHASE_MS as NET_PHASE_MS
from tfstorage import PHASE_MS as STORAGE_PHASE_MS, retention

ACTION_RS = REPO / "crates" / "zec-types" / "src" / "action.rs"

# The phase durations of the manual clock: the instances' and issue 12's (disks, snapshots, EIPs,
# NICs; notes/issue12-design.md "Phases").
PHASE_MS = {**DEFAULT_PHASE_MS, **STORAGE_PHASE_MS, **NET_PHASE_MS}


class ShapeCoverageWarning(UserWarning):
    """A nested model of a schema that the answer never carried (always null or an empty
    list), so its keys went unchecked."""


# --------------------------------------------------------------------------------------------
# What zecd serves, from its source.

def served() -> list[tuple[str, str, str]]:
    """(service, version, action) for every action of action.rs and every version its service
    accepts, admin excluded; and likewise for every name of ``ALIASES`` (an action also served
    under another service's path, e.g. DescribeKeyPairs under zec)."""
    text = ACTION_RS.read_text(encoding="utf-8")
    versions: dict[str, list[str]] = {}
    body = re.search(r"pub const fn versions\(self\).*?\{(.*?)\n    \}", text, re.S)
    assert body, "versions() not found in action.rs"
    for variant, vs in re.findall(r"Self::(\w+)\s*=>\s*&\[([^\]]*)\]", body.group(1)):
        versions[variant] = re.findall(r'"([^"]+)"', vs)
    block = re.search(r"macro_rules! for_each_action \{(.*?)^\}", text, re.S | re.M)
    assert block, "the for_each_action! table not found in action.rs"
    out = []
    for service, names in re.findall(r"^\s+(zec|ccs|user|zrm|admin) \{(.*?)^\s+\}",
                                     block.group(1), re.S | re.M):
        if service == "admin":
            continue
        variant = service.capitalize()
        for action in re.findall(r"^\s+(\w+) => \w+, (?:read|write),", names, re.M):
            for version in versions[variant]:
                out.append((service, version, action))
    aliases = re.search(r"pub const ALIASES: [^=]*=\s*&\[(.*?)\];", text, re.S)
    assert aliases, "ALIASES not found in action.rs"
    # (rustfmt leaves a comma after the last element of a tuple it spreads over lines.)
    alias = r'\(\s*Service::(\w+)\s*,\s*"(\w+)"\s*,\s*Action::\w+\s*,?\s*\)'
    for variant, name in re.findall(alias, aliases.group(1)):
        if variant == "Admin":
            continue
        for version in versions[variant]:
            out.append((variant.lower(), version, name))
    assert len(out) > 20, out
    assert len(set(out)) == len(out), "an action served twice under one service"
    return out


SERVED = served()


# Served combinations that have no response model to compare with: neither SDK has the action
# in that version. (Checked: an absence not listed here, or listed but not real, fails.)
NO_MODEL = {
    ("zec", "2025-09-01", "ModifyInstancesResourceGroup"):
        "ModifyInstancesResourceGroup is not in zec 2025-09-01 (neither the Python SDK's "
        "zec.v20250901 nor the Go SDK's zec20250901 has it; only 2024-04-01 does), so there is "
        "no response model to compare with; zecd serves it there anyway",
    ("zec", "2024-04-01", "ModifyNetworkInterfaceAttribute"):
        "ModifyNetworkInterfaceAttribute is not in zec 2024-04-01 (that version of both SDKs "
        "has only ModifyNetworkInterfacesAttribute; the provider sends the singular one as "
        "2025-09-01 only), so there is no response model to compare with",
    ("zec", "2025-09-01", "DescribeKeyPairs"):
        "DescribeKeyPairs under zec is the 2024-04-01 SDKs' (zecd serves it there as an alias "
        "of ccs DescribeKeyPairs); zec 2025-09-01 of neither SDK has it (key pairs moved to "
        "ccs 2025-09-01), so there is no response model to compare with",
    ("zec", "2024-04-01", "ModifyEipBandwidthLimitMode"):
        "ModifyEipBandwidthLimitMode is not in zec 2024-04-01 (neither the Python SDK's "
        "zec.v20240401 nor the Go SDK's zec20240401 has it; only 2025-09-01 does), so there is "
        "no response model to compare with; zecd serves it there anyway (issue 12 design)",
    ("zec", "2025-09-01", "UnAssignNetworkInterfaceIpv4"):
        "UnAssignNetworkInterfaceIpv4 (capital A) is the 2024-04-01 Python SDK's spelling of "
        "UnassignNetworkInterfaceIpv4 (zecd serves it as an alias); zec 2025-09-01 of neither "
        "SDK sends that name, so there is no response model to compare with",
}


# --------------------------------------------------------------------------------------------
# The world.

_names = itertools.count(1)
_subnets = itertools.count(1)  # the third octet of the world's subnets (172.16.N.0/24)
_keys = itertools.count(0)  # an index into ED25519_MANY

# A rule each way (DescribeSecurityGroupRule must list both).
RULES = [
    {"direction": "ingress", "policy": "accept", "priority": 1, "ipProtocol": "tcp",
     "portRange": "22", "cidrIp": "0.0.0.0/0", "desc": "ssh"},
    {"direction": "egress", "policy": "accept", "priority": 1, "ipProtocol": "all",
     "portRange": "-1", "cidrIp": "0.0.0.0/0", "desc": "out"},
]


@dataclass
class World:
    server: ZecdServer
    group: str = ""  # a resource group of the account's own (not the default one)
    rich: list[str] = field(default_factory=list)  # RUNNING instances with everything
    plain: str = ""  # a RUNNING instance with nothing optional
    vpc: str = ""  # a VPC with IPv6, tags, a resource group and a security group of its own
    sg: str = ""  # a security group with a rule each way, bound to ``vpc``
    key: str = ""  # a key pair with a description
    subnet: str = ""  # a subnet of ``vpc`` (172.16.N.0/24), for the secondary NICs
    # Storage and addresses (issue 12).
    disk: str = ""  # a tagged data disk in ``group``, attached to ``rich[0]`` (IN_USE)
    free_disk: str = ""  # a data disk attached to nothing (AVAILABLE)
    snapshot: str = ""  # an AVAILABLE snapshot of ``disk`` with a retentionTime
    nic2: str = ""  # a tagged secondary NIC with a secondary IPv4, attached to ``rich[0]``
    eip: str = ""  # an EIP with tags, a bandwidth cluster and a rate limit, bound to ``nic2``
    free_eip: str = ""  # an EIP bound to nothing (UNBIND)

    def call(self, service: str, version: str, action: str, body: dict) -> dict:
        """One raw signed call that must succeed; returns the whole envelope."""
        r = self.server.raw(action, json.dumps(body), path=f"/api/v2/{service}", version=version)
        assert r.status == 200, f"{service} {version} {action}({body}): {r}"
        return r.json

    def advance(self, phase: str) -> None:
        self.server.advance(f"{PHASE_MS[phase]}ms")

    def create(self, count: int = 1, rich: bool = True, version: str = "2025-09-01") -> list[str]:
        """Creates instances (DEPLOYING) and returns their ids."""
        body = rich_create(self.group, count) if rich else plain_create(count)
        resp = self.call("zec", version, "CreateZecInstances", body)["response"]
        ids = resp["instanceIdSet"]
        assert len(ids) == count, resp
        return ids

    def statuses(self, ids: list[str]) -> dict[str, str]:
        resp = self.call("zec", "2025-09-01", "DescribeInstancesStatus",
                         {"instanceIds": ids})["response"]
        return {s["instanceId"]: s["instanceStatus"] for s in resp["dataSet"]}

    def running(self) -> str:
        [iid] = self.create()
        self.advance("deploy")
        assert self.statuses([iid]) == {iid: "RUNNING"}
        return iid

    def stopped(self) -> str:
        iid = self.running()
        self.call("zec", "2025-09-01", "StopInstances", {"instanceIds": [iid]})
        self.advance("stop")
        assert self.statuses([iid]) == {iid: "STOPPED"}
        return iid

    def new_group(self) -> str:
        name = f"shapes-{next(_names)}"
        return self.call("user", "2024-05-29", "CreateResourceGroup",
                         {"name": name})["response"]["resourceGroupId"]

    # Networks and key pairs (issue 11).

    def new_vpc(self, ipv6: bool = False) -> str:
        """A VPC of the account's own (172.16.0.0/16), in the world's resource group, tagged,
        with a private IPv6 block if ``ipv6``."""
        body = {"name": f"shapes-vpc-{next(_names)}", "cidrBlock": "172.16.0.0/16",
                "resourceGroupId": self.group,
                "tags": {"tags": [{"key": "env", "value": "shapes"}]}}
        if ipv6:
            body["enablePriIpv6"] = True
        return self.call("zec", "2025-09-01", "CreateVpc", body)["response"]["vpcId"]

    def new_subnet(self) -> str:
        """An IPv4 subnet of its own /24 in :attr:`vpc` (IPv6 on, so that it can add IPv6)."""
        n = next(_subnets)
        assert n < 256, "out of /24s in the world's VPC"
        return self.call("zec", "2025-09-01", "CreateSubnet", {
            "vpcId": self.vpc, "regionId": REGION, "name": f"shapes-subnet-{n}",
            "stackType": "IPv4", "cidrBlock": f"172.16.{n}.0/24"})["response"]["subnetId"]

    def new_sg(self, rules: bool = False) -> str:
        """A security group, with an ingress and an egress rule if ``rules``."""
        body = {"securityGroupName": f"shapes-sg-{next(_names)}"}
        if rules:
            body["ruleInfos"] = RULES
        return self.call("zec", "2025-09-01", "CreateSecurityGroup",
                         body)["response"]["securityGroupId"]

    def vpc_with_sg(self) -> str:
        """A VPC with a security group of its own bound to it."""
        vpc = self.new_vpc()
        self.call("zec", "2025-09-01", "AssignSecurityGroupVpc",
                  {"vpcId": vpc, "securityGroupId": self.new_sg()})
        return vpc

    def nic(self, iid: str) -> str:
        """The primary NIC of instance ``iid``."""
        nics = self.call("zec", "2025-09-01", "DescribeNetworkInterfaces",
                         {"instanceId": iid})["response"]["dataSet"]
        [nic] = [n["nicId"] for n in nics if n["nicType"] == "Primary"]
        return nic

    def new_key(self) -> str:
        """A key pair with a description, of a public key no other key pair here has."""
        n = next(_keys)
        return self.call("ccs", "2025-09-01", "ImportKeyPair", {
            "keyName": f"shapes_key_{n}", "publicKey": ED25519_MANY[n],
            "keyDescription": f"shapes {n}"})["response"]["keyId"]


    # Disks, snapshots, EIPs and secondary NICs (issue 12).

    def new_disk(self, instance: str | None = None, **fields) -> str:
        """A 20 GiB data disk of its own name in ZONE, past its create phase: AVAILABLE, or
        IN_USE on ``instance`` (created attached, so portable)."""
        body = {"zoneId": ZONE, "diskName": f"shapes-disk-{next(_names)}", "diskSize": 20,
                **fields}
        if instance:
            body["instanceId"] = instance
        [did] = self.call("zec", "2025-09-01", "CreateDisks", body)["response"]["diskIds"]
        self.advance("disk-create")
        return did

    def new_snapshot(self, **fields) -> str:
        """An AVAILABLE snapshot of :attr:`disk`."""
        sid = self.call("zec", "2025-09-01", "CreateSnapshot", {
            "diskId": self.disk, "snapshotName": f"shapes-snap-{next(_names)}",
            **fields})["response"]["snapshotId"]
        self.advance("snapshot-create")
        return sid

    def new_eip(self, **fields) -> str:
        """An EIP in REGION, past its create phase (UNBIND)."""
        body = {"regionId": REGION, "name": f"shapes-eip-{next(_names)}",
                "internetChargeType": "ByBandwidth", "bandwidth": 2, **fields}
        [eid] = self.call("zec", "2025-09-01", "CreateEips", body)["response"]["eipIds"]
        self.advance("eip-create")
        return eid

    def new_nic(self, subnet: str | None = None, **fields) -> str:
        """A secondary NIC in ``subnet`` (else :attr:`subnet`), past its create phase
        (AVAILABLE, attached to nothing)."""
        nic = self.call("zec", "2025-09-01", "CreateNetworkInterface", {
            "name": f"shapes-nic-{next(_names)}", "subnetId": subnet or self.subnet,
            **fields})["response"]["nicId"]
        self.advance("nic-create")
        return nic

    def nic_info(self, nic: str) -> dict:
        [info] = self.call("zec", "2025-09-01", "DescribeNetworkInterfaces",
                           {"nicIds": [nic]})["response"]["dataSet"]
        return info

    def attach_nic(self, nic: str, iid: str) -> None:
        """Attaches ``nic`` to ``iid`` and passes the attach phase (USED)."""
        self.call("zec", "2025-09-01", "AttachNetworkInterface", {"nicId": nic, "instanceId": iid})
        self.advance("nic-attach")

    def bind(self, eip: str, nic: str) -> None:
        """Binds ``eip`` to the primary IPv4 of ``nic`` (BINDED at once)."""
        self.call("zec", "2025-09-01", "AssociateEipAddress", {
            "eipIds": [eip], "nicId": nic, "lanIp": self.nic_info(nic)["primaryIpv4"]})

    def bound_eip(self) -> str:
        """A new EIP bound to a new NIC."""
        eip = self.new_eip()
        self.bind(eip, self.new_nic())
        return eip

    def with_secondary_ip(self) -> tuple[str, list[str]]:
        """A new NIC and the secondary IPv4 it was given."""
        nic = self.new_nic()
        ips = self.call("zec", "2025-09-01", "BatchAssignNetworkInterfaceIpv4",
                        {"nicId": nic, "ipAddressCount": 1})["response"]["ipAddresses"]
        assert len(ips) == 1, ips
        return nic, ips

    def nic_and_free_ip(self) -> tuple[str, str]:
        """A new NIC alone in a new /24 of :attr:`vpc`, and a usable address of that subnet
        it does not have (so nothing has it)."""
        nic = self.new_nic(self.new_subnet())
        primary = self.nic_info(nic)["primaryIpv4"]
        net = primary.rsplit(".", 1)[0]
        free = next(f"{net}.{n}" for n in range(10, 250) if f"{net}.{n}" != primary)
        return nic, free


def plain_create(count: int = 1) -> dict:
    return {"zoneId": ZONE, "imageId": IMAGE, "instanceType": INSTANCE_TYPE, "subnetId": SUBNET,
            "password": PASSWORD, "instanceCount": count}


def rich_create(group: str, count: int = 1) -> dict:
    """A CreateZecInstances body that gives the instance every optional part zecd models: a
    data disk, a public IPv4 address, the guest agent, IP forwarding, tags, instance options and
    a resource group other than the default one."""
    return {
        **plain_create(count),
        "instanceName": "shapes",
        "systemDisk": {"diskSize": 40},
        "dataDisks": [{"diskSize": 20}],
        "internetChargeType": "ByBandwidth",
        "bandwidth": 2,
        "enableAgent": True,
        "enableIpForward": True,
        "resourceGroupId": group,
        "tags": {"tags": [{"key": "env", "value": "shapes"}, {"key": "team", "value": "zecd"}]},
        "instanceOptions": {"nestedVirtualization": True},
    }


@pytest.fixture(scope="module")
def world(manual_zecd) -> World:
    w = World(manual_zecd)
    w.group = w.new_group()
    w.rich = w.create(2)
    [w.plain] = w.create(rich=False)
    w.advance("deploy")
    assert set(w.statuses(w.rich + [w.plain]).values()) == {"RUNNING"}
    # Networks: a VPC with every optional part, a subnet in it, a security group with rules
    # (set again by ConfigureSecurityGroupRules) bound to it, and tags on a NIC (NicInfo.tags,
    # InstanceInfo.nics[].tags).
    w.vpc = w.new_vpc(ipv6=True)
    w.subnet = w.new_subnet()
    w.sg = w.new_sg()
    w.call("zec", "2025-09-01", "ConfigureSecurityGroupRules",
           {"securityGroupId": w.sg, "ruleInfos": RULES})
    w.call("zec", "2025-09-01", "AssignSecurityGroupVpc", {"vpcId": w.vpc, "securityGroupId": w.sg})
    w.call("zrm", "2025-10-14", "ModifyResourceTags",
           {"resourceUuid": w.nic(w.rich[0]), "replaceTags": [{"key": "nic", "value": "shapes"}]})
    w.key = w.new_key()
    # Storage (issue 12): a tagged disk of the world's group attached to an instance
    # (DiskInfo.instanceId/instanceName, tags), one attached to nothing, and a snapshot of the
    # first with a retentionTime (SnapshotInfo.resourceGroup is the disk's group).
    tags = {"tags": [{"key": "env", "value": "shapes"}]}
    w.disk = w.new_disk(w.rich[0], resourceGroupId=w.group, tags=tags)
    w.free_disk = w.new_disk()
    w.snapshot = w.new_snapshot(retentionTime=retention(w.server, 30 * 24 * 3600)[0])
    # A secondary NIC of the world's group, tagged, with a secondary IPv4, attached to
    # rich[0] (InstanceInfo.nics gets a Secondary entry); an EIP with every optional part bound
    # to it (EipInfo's association fields, bandwidthCluster, tags), and one bound to nothing.
    w.nic2 = w.new_nic(resourceGroupId=w.group, tags={"tags": [{"key": "nic", "value": "two"}]})
    w.call("zec", "2025-09-01", "BatchAssignNetworkInterfaceIpv4",
           {"nicId": w.nic2, "ipAddressCount": 1})
    w.attach_nic(w.nic2, w.rich[0])
    w.eip = w.new_eip(internetChargeType="BandwidthCluster", clusterId="shapes-bc",
                      bandwidth=20, rateLimitMode="STRICT", peerRegionId="na-west-1",
                      eipV4Type="BGPLine", resourceGroupId=w.group,
                      tags={"tags": [{"key": "eip", "value": "shapes"}]})
    w.bind(w.eip, w.nic2)
    w.free_eip = w.new_eip()
    return w


# --------------------------------------------------------------------------------------------
# One request per action: the body, made in a world (it may create what the action needs), and
# what the answer must contain for the check to mean something (lists that must be non-empty in
# at least one place, as paths into the response).

Recipe = tuple  # (make_body(world, version) -> dict, [paths that must be non-empty lists])


def _ids(w: World) -> list[str]:
    return w.rich + [w.plain]


RECIPES: dict[tuple[str, str], Recipe] = {
    ("zec", "DescribeInstancesStatus"): (
        lambda w, v: {"instanceIds": _ids(w)}, ["dataSet"]),
    ("zec", "DescribeInstances"): (
        lambda w, v: {"instanceIds": _ids(w)},
        ["dataSet", "dataSet[].nics", "dataSet[].dataDisks", "dataSet[].tags.tags",
         "dataSet[].nics[].tags.tags"]),
    ("zec", "CreateZecInstances"): (
        lambda w, v: rich_create(w.group), ["instanceIdSet", "instances"]),
    ("zec", "DescribeZones"): (lambda w, v: {}, ["zoneSet"]),
    ("zec", "DescribeZoneInstanceConfigInfos"): (
        lambda w, v: {"zoneId": ZONE}, ["instanceTypeQuotaSet"]),
    ("zec", "DescribeImages"): (lambda w, v: {"zoneId": ZONE}, ["dataSet"]),
    ("zec", "DescribeVpcs"): (lambda w, v: {}, ["dataSet", "dataSet[].tags.tags"]),
    ("zec", "DescribeSubnets"): (lambda w, v: {}, ["dataSet"]),
    ("zec", "DescribeSecurityGroups"): (lambda w, v: {}, ["dataSet"]),
    ("zec", "StartInstances"): (lambda w, v: {"instanceIds": [w.stopped()]}, []),
    ("zec", "StopInstances"): (lambda w, v: {"instanceIds": [w.running()]}, []),
    ("zec", "RebootInstances"): (lambda w, v: {"instanceIds": [w.running()]}, []),
    ("zec", "ReleaseInstances"): (lambda w, v: {"instanceIds": [w.running()]}, []),
    ("zec", "ModifyInstancesAttribute"): (
        lambda w, v: {"instanceIds": [w.running()], "instanceName": "shapes-renamed"}, []),
    ("zec", "ModifyInstanceType"): (
        lambda w, v: {"instanceId": w.stopped(), "instanceType": "z2a.cpu.2"}, []),
    ("zec", "ResetInstance"): (
        lambda w, v: {"instanceId": w.stopped(), "imageId": IMAGE, "password": PASSWORD}, []),
    ("zec", "ResetInstancePassword"): (
        lambda w, v: {"instanceId": w.running(), "password": "N3w-Passw0rd!"}, []),
    ("zec", "StartIpForward"): (lambda w, v: {"instanceId": w.running()}, []),
    ("zec", "StopIpForward"): (lambda w, v: {"instanceId": w.running()}, []),
    ("zec", "ModifyInstancesResourceGroup"): (
        lambda w, v: {"instanceIds": [w.running()], "resourceGroupId": w.new_group()}, []),
    ("user", "DescribeResourceGroups"): (lambda w, v: {}, ["resourceGroups"]),
    ("user", "CreateResourceGroup"): (lambda w, v: {"name": f"shapes-{next(_names)}"}, []),
    ("user", "ModifyResourceGroup"): (
        lambda w, v: {"resourceGroupId": w.new_group(), "name": f"shapes-{next(_names)}"}, []),
    ("user", "DeleteResourceGroup"): (lambda w, v: {"resourceGroupId": w.new_group()}, []),
    ("user", "AddResourceResourceGroup"): (
        lambda w, v: {"resourceGroupId": w.new_group(), "resources": [w.running()]}, []),
    ("zrm", "ModifyResourceTags"): (
        lambda w, v: {"resourceUuid": w.running(),
                      "replaceTags": [{"key": "k1", "value": "v1"}],
                      "deleteTagKeys": ["env"]}, []),
    # Networks (issue 11).
    ("zec", "CreateVpc"): (
        lambda w, v: {"name": f"shapes-vpc-{next(_names)}", "cidrBlock": "172.16.0.0/16"}, []),
    ("zec", "ModifyVpcAttribute"): (
        lambda w, v: {"vpcId": w.new_vpc(), "vpcName": f"shapes-vpc-{next(_names)}",
                      "cidrBlock": "172.16.0.0/16"}, []),
    ("zec", "DeleteVpc"): (lambda w, v: {"vpcId": w.new_vpc()}, []),
    ("zec", "CreateSubnet"): (
        lambda w, v: (lambda n: {"vpcId": w.vpc, "regionId": REGION,
                                 "name": f"shapes-subnet-{n}", "stackType": "IPv4",
                                 "cidrBlock": f"172.16.{n}.0/24"})(next(_subnets)), []),
    ("zec", "ModifySubnetAttribute"): (
        lambda w, v: {"subnetId": w.new_subnet(), "subnetName": f"shapes-subnet-r{next(_names)}"},
        []),
    ("zec", "ModifySubnetStackType"): (
        lambda w, v: {"subnetId": w.new_subnet(), "stackType": "IPv4_IPv6",
                      "ipv6Type": "Private"}, []),
    ("zec", "DeleteSubnet"): (lambda w, v: {"subnetId": w.new_subnet()}, []),
    ("zec", "CreateSecurityGroup"): (
        lambda w, v: {"securityGroupName": f"shapes-sg-{next(_names)}", "ruleInfos": RULES}, []),
    ("zec", "ModifySecurityGroupsAttribute"): (
        lambda w, v: {"securityGroupIds": [w.new_sg()],
                      "securityGroupName": f"shapes-sg-r{next(_names)}"}, []),
    ("zec", "DeleteSecurityGroup"): (lambda w, v: {"securityGroupId": w.new_sg(rules=True)}, []),
    ("zec", "DescribeSecurityGroupRule"): (
        lambda w, v: {"securityGroupId": w.sg}, ["ingressRuleList", "egressRuleList"]),
    ("zec", "ConfigureSecurityGroupRules"): (
        lambda w, v: {"securityGroupId": w.new_sg(), "ruleInfos": RULES}, []),
    ("zec", "AssignSecurityGroupVpc"): (
        lambda w, v: {"vpcId": w.new_vpc(), "securityGroupId": w.new_sg()}, []),
    ("zec", "UnAssignSecurityGroupVpc"): (lambda w, v: {"vpcId": w.vpc_with_sg()}, []),
    ("zec", "DescribeNetworkInterfaces"): (lambda w, v: {}, ["dataSet", "dataSet[].tags.tags"]),
    ("zec", "ModifyNetworkInterfaceAttribute"): (
        lambda w, v: {"nicId": w.nic(w.running()), "name": f"shapes-nic-{next(_names)}",
                      "securityGroupId": w.sg}, []),
    # Key pairs (issue 11); DescribeKeyPairs also under zec, as the 2024-04-01 SDKs send it.
    ("ccs", "ImportKeyPair"): (
        lambda w, v: (lambda n: {"keyName": f"shapes_key_{n}", "publicKey": ED25519_MANY[n],
                                 "keyDescription": "imported"})(next(_keys)), []),
    ("ccs", "DescribeKeyPairs"): (lambda w, v: {"keyIds": [w.key]}, ["dataSet"]),
    ("zec", "DescribeKeyPairs"): (lambda w, v: {"keyIds": [w.key]}, ["dataSet"]),
    ("ccs", "ModifyKeyPairAttribute"): (
        lambda w, v: {"keyId": w.new_key(), "keyDescription": "modified"}, []),
    ("ccs", "DeleteKeyPairs"): (lambda w, v: {"keyIds": [w.new_key()]}, []),
    # Disks (issue 12). What an action consumes is made for it (a recipe may run more than once).
    ("zec", "CreateDisks"): (
        lambda w, v: {"zoneId": ZONE, "diskName": f"shapes-disk-{next(_names)}",
                      "diskSize": 20}, ["diskIds"]),
    ("zec", "DescribeDisks"): (
        lambda w, v: {"diskIds": [w.disk, w.free_disk]}, ["dataSet", "dataSet[].tags.tags"]),
    ("zec", "AttachDisks"): (
        lambda w, v: {"diskIds": [w.new_disk()], "instanceId": w.running()}, []),
    ("zec", "DetachDisks"): (
        lambda w, v: {"diskIds": [w.new_disk(w.plain)], "instanceCheckFlag": False}, []),
    ("zec", "ResizeDisk"): (lambda w, v: {"diskId": w.new_disk(), "diskSize": 40}, []),
    ("zec", "ModifyDisksAttributes"): (
        lambda w, v: {"diskIds": [w.new_disk()], "diskName": f"shapes-disk-r{next(_names)}"},
        []),
    ("zec", "ReleaseDisk"): (lambda w, v: {"diskId": w.new_disk()}, []),
    ("zec", "DescribeDiskRegions"): (lambda w, v: {}, ["regionIds"]),
    ("zec", "DescribeDiskCategory"): (lambda w, v: {"zoneId": ZONE}, ["categoryZoneSet"]),
    # Snapshots (issue 12).
    ("zec", "CreateSnapshot"): (
        lambda w, v: {"diskId": w.disk, "snapshotName": f"shapes-snap-{next(_names)}"}, []),
    ("zec", "DescribeSnapshots"): (lambda w, v: {"snapshotIds": [w.snapshot]}, ["dataSet"]),
    ("zec", "ModifySnapshotsAttribute"): (
        lambda w, v: {"snapshotIds": [w.new_snapshot()],
                      "snapshotName": f"shapes-snap-r{next(_names)}"}, []),
    ("zec", "DeleteSnapshots"): (lambda w, v: {"snapshotIds": [w.new_snapshot()]}, []),
    # EIPs (issue 12).
    ("zec", "CreateEips"): (
        lambda w, v: {"regionId": REGION, "name": f"shapes-eip-{next(_names)}",
                      "internetChargeType": "ByBandwidth", "bandwidth": 1}, ["eipIds"]),
    ("zec", "DescribeEips"): (
        lambda w, v: {"eipIds": [w.eip, w.free_eip]}, ["dataSet", "dataSet[].tags.tags"]),
    ("zec", "ModifyEipAttribute"): (
        lambda w, v: {"eipId": w.new_eip(), "name": f"shapes-eip-r{next(_names)}"}, []),
    ("zec", "ModifyEipBandwidth"): (lambda w, v: {"eipId": w.new_eip(), "bandwidth": 5}, []),
    ("zec", "ModifyEipBandwidthLimitMode"): (
        lambda w, v: {"eipId": w.new_eip(), "rateLimitMode": "LOOSE"}, []),
    ("zec", "AssociateEipAddress"): (
        lambda w, v: (lambda nic: {"eipIds": [w.new_eip()], "nicId": nic,
                                   "lanIp": w.nic_info(nic)["primaryIpv4"],
                                   "bindType": "FullNat"})(w.new_nic()), []),
    ("zec", "UnassociateEipAddress"): (lambda w, v: {"eipIds": [w.bound_eip()]}, []),
    ("zec", "DeleteEip"): (lambda w, v: {"eipId": w.new_eip()}, []),
    # Secondary NICs (issue 12); UnAssignNetworkInterfaceIpv4 is the 2024-04-01 Python SDK's
    # spelling of UnassignNetworkInterfaceIpv4.
    ("zec", "CreateNetworkInterface"): (
        lambda w, v: {"name": f"shapes-nic-{next(_names)}", "subnetId": w.subnet}, []),
    ("zec", "DeleteNetworkInterface"): (lambda w, v: {"nicId": w.new_nic()}, []),
    ("zec", "AttachNetworkInterface"): (
        lambda w, v: {"nicId": w.new_nic(), "instanceId": w.running()}, []),
    ("zec", "DetachNetworkInterface"): (
        lambda w, v: (lambda nic: (w.attach_nic(nic, w.plain), {"nicId": nic})[1])(
            w.new_nic()), []),
    ("zec", "AssignNetworkInterfaceIpv4"): (
        lambda w, v: (lambda nic, ip: {"nicId": nic, "ipAddress": ip})(*w.nic_and_free_ip()),
        []),
    ("zec", "BatchAssignNetworkInterfaceIpv4"): (
        lambda w, v: {"nicId": w.new_nic(), "ipAddressCount": 2}, ["ipAddresses"]),
    ("zec", "UnassignNetworkInterfaceIpv4"): (
        lambda w, v: (lambda nic, ips: {"nicId": nic, "ipAddresses": ips})(
            *w.with_secondary_ip()), []),
    ("zec", "UnAssignNetworkInterfaceIpv4"): (
        lambda w, v: (lambda nic, ips: {"nicId": nic, "ipAddresses": ips})(
            *w.with_secondary_ip()), []),
}


def _in_schema(schema, path: str) -> bool:
    """Whether this version's model has the path ("a[].b.c")."""
    shape = schema
    for part in path.split("."):
        key = part[:-2] if part.endswith("[]") else part
        f = shape.fields.get(key) if shape is not None else None
        if f is None:
            return False
        shape = f.shape
    return True


def _list_at(value, path: str) -> list:
    """Every value at ``path`` ("a[].b.c"), each list element visited; lists are flattened."""
    values = [value]
    for part in path.split("."):
        many = part.endswith("[]")
        key = part[:-2] if many else part
        nxt = []
        for v in values:
            x = v.get(key) if isinstance(v, dict) else None
            if many:
                nxt += x if isinstance(x, list) else []
            else:
                nxt.append(x)
        values = nxt
    return values


def test_every_served_action_has_a_recipe():
    missing = sorted({(s, a) for s, _, a in SERVED} - set(RECIPES))
    assert not missing, f"no request recipe for {missing}: add one to RECIPES"


def _id(p) -> str:
    service, version, action = p
    return f"{service}-{version}-{action}"


@pytest.mark.parametrize("service,version,action", SERVED, ids=[_id(p) for p in SERVED])
def test_answer_has_exactly_the_keys_of_the_sdk_response_model(world, service, version, action):
    absent = not action_sources(service, version, action)
    assert absent == ((service, version, action) in NO_MODEL), (
        f"{service} {version} {action}: the SDKs {'lack' if absent else 'have'} it; "
        f"NO_MODEL says otherwise")
    if absent:
        pytest.skip(NO_MODEL[(service, version, action)])
    schema = response_schema(service, version, action)
    assert schema is not None
    if (service, action) not in RECIPES:
        pytest.fail(f"no request recipe for {service} {action}")
    make, nonempty = RECIPES[(service, action)]
    envelope = world.call(service, version, action, make(world, version))

    # The envelope (not part of the response models): {"requestId", "response"}; the SDKs read
    # "response" and the model's own requestId inside it.
    assert set(envelope) == {"requestId", "response"}, envelope
    response = envelope["response"]
    assert isinstance(response, dict), envelope
    assert response.get("requestId") == envelope["requestId"], envelope

    # The world must exercise the lists whose elements carry keys (those this version has).
    for path in nonempty:
        if not _in_schema(schema, path):
            continue
        lists = _list_at(response, path)
        assert any(isinstance(x, list) and x for x in lists), (
            f"{path} should be a non-empty list (in at least one element) for this check to "
            f"mean anything: {json.dumps(response)[:2000]}")

    problems = check_keys(schema, response)
    model = python_response_model(service, version, action) or "(Go only)"
    not_seen = unvisited(schema, response)
    if not_seen:
        warnings.warn(ShapeCoverageWarning(
            f"{service} {version} {action}: nested models never present in the answer, their "
            f"keys unchecked: {', '.join(not_seen)}"))
    assert not problems, (
        f"{service} {version} {action}: the answer does not have the keys of {model}:\n  "
        + "\n  ".join(str(p) for p in problems)
        + (f"\n(nested models not exercised by this answer: {', '.join(not_seen)})"
           if not_seen else ""))


# --------------------------------------------------------------------------------------------
# The schemas themselves: what sdk_shapes read from the SDK source is what the SDK does.

def _sample(shape, depth: int = 0) -> dict:
    """An answer with every key of ``shape``, nested models filled in (to a depth of 6)."""
    out = {}
    for key, f in shape.fields.items():
        if f.shape is None or depth > 6:
            out[key] = "x"
        elif f.kind == "object":
            out[key] = _sample(f.shape, depth + 1)
        else:
            out[key] = [_sample(f.shape, depth + 1)]
    return out


PY_MODELS = sorted({(s, v, a) for s, v, a in SERVED if python_response_model(s, v, a)})


@pytest.mark.parametrize("service,version,action", PY_MODELS, ids=[_id(p) for p in PY_MODELS])
def test_the_schema_is_what_the_python_sdk_model_reads_and_writes(service, version, action):
    """The Python-only schema, turned into an answer with every key, goes through the SDK
    model's own ``_deserialize`` and ``serialize`` unchanged: the parse of the source agrees
    with the running SDK (every declared key is read, nested models are the right classes)."""
    import importlib

    from sdk_shapes import PACKAGES

    schema = response_schema(service, version, action, go=False)
    models = importlib.import_module(PACKAGES[(service, version)][0] + ".models")
    model = getattr(models, python_response_model(service, version, action))()
    sample = _sample(schema)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        model._deserialize(json.loads(json.dumps(sample)))
    assert model.serialize(allow_none=True) == sample
    assert check_keys(schema, sample) == []


def test_the_vendored_go_extract_is_that_of_the_go_sdk_checkout():
    """With ZECD_GO_SDK_DIR (a checkout of zenlayercloud-sdk-go), sdk_go_models.json must be its
    extract (refresh it with ``python sdk_shapes.py refresh-go DIR``)."""
    import os

    from sdk_shapes import GO_EXTRACT, extract_go

    checkout = os.environ.get("ZECD_GO_SDK_DIR")
    if not checkout:
        pytest.skip("ZECD_GO_SDK_DIR is not set: the vendored Go extract is used as it is")
    from pathlib import Path

    vendored = json.loads(GO_EXTRACT.read_text(encoding="utf-8"))
    live = extract_go(Path(checkout))
    assert live["packages"] == vendored["packages"], (
        f"{GO_EXTRACT.name} ({vendored['revision']}) differs from {checkout} ({live['revision']})")


def test_check_keys_reports_extra_and_missing_keys_at_their_paths():
    schema = response_schema("zec", "2024-04-01", "DescribeInstances")
    answer = _sample(schema)
    answer["dataSet"].append(_sample(schema.fields["dataSet"].shape))
    answer["dataSet"][1]["tags"] = {"tags": []}  # a 2025 key
    del answer["dataSet"][0]["nics"][0]["macAddress"]
    answer["dataSet"][0]["systemDisk"]["burstingEnabled"] = False
    answer["dataSet"][0]["dataDisks"] = None  # null: present, nothing to look into
    answer["extraTop"] = 1
    problems = [str(p) for p in check_keys(schema, answer)]
    assert problems == [
        "response: extra keys extraTop",
        "response.dataSet[]: extra keys tags",
        "response.dataSet[].nics[]: missing keys macAddress",
        "response.dataSet[].systemDisk: extra keys burstingEnabled",
    ], problems
    answer["dataSet"][1]["systemDisk"] = []
    assert "response.dataSet[].systemDisk: expected an object (SystemDisk), got list" in [
        str(p) for p in check_keys(schema, answer)]
