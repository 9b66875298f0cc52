"""What the network suites (issue 11: VPCs, subnets, security groups and rules, vNICs, key pairs)
share: an account with every SDK client it needs (zec 2025-09-01 and 2024-04-01, ccs 2025-09-01
for key pairs, user, zrm), calls that cope with the SDK's naming quirks, the wire as it is (raw
JSON, to tell ``null`` from ``""``), what "nothing changed" means, and how a refusal must look.

SDK quirks handled here (zenlayercloud-sdk-python 2.0.77):

* Key pairs live in service ``ccs``: ``zenlayercloud.ccs.v20250901.ccs_client.CcsClient``
  (``POST /api/v2/ccs``, ``x-zc-service: ccs``, version 2025-09-01). conftest has no such client;
  :func:`ccs_client` builds one the way conftest builds the others.
* The 2024-04-01 zec client names some request models differently from their action:
  ``DescribeNetworkInterfaces`` takes ``DescribeNicsRequest``, ``DeleteNetworkInterface``
  ``DeleteNicRequest``, ``AssignNetworkInterfaceIpv4`` ``AssignNicIpv4Request`` (and its
  ``UnassignNetworkInterfaceIpv4`` method sends the action as ``UnAssignNetworkInterfaceIpv4``),
  and a rule is ``RuleInfo`` (2025-09-01: ``SecurityGroupRuleInfo``). :func:`request_of` knows
  them.
* The 2024-04-01 client has no ``ModifyNetworkInterfaceAttribute`` (it has
  ``ModifyNetworkInterfacesAttribute``, another action); the provider sends it as 2025-09-01
  only. An action a client lacks can still be sent with ``client._api_call(action, request)``
  (it returns the ``response`` dict): :func:`call` does that when the method is missing.
* The SDK sends every attribute that is not None, so ``""`` and ``False`` go on the wire as the
  Go SDK's pointer fields send them (spec §0.4); to replay a Go model with plain string fields
  (which drops empty values), leave the attribute None.
"""

from __future__ import annotations

import ipaddress
import itertools
import json
import re
from dataclasses import dataclass, field

from conftest import (
    DEFAULT_GROUP_NAME,
    V2024,
    V2025,
    ZecdServer,
    ZenlayerCloudSdkException,
    _record_status,
    first_use,
    sdk_call,
)
from zenlayercloud.ccs.v20250901 import models as ccs_models
from zenlayercloud.ccs.v20250901.ccs_client import CcsClient

CCS_VERSION = "2025-09-01"
CCS_PATH = "/api/v2/ccs"
ZEC_PATH = "/api/v2/zec"

# The built-in catalog (crates/zec-core/src/catalog.default.toml), shared by every account.
CATALOG_VPC = "1604048104989008897"
CATALOG_VPC_CIDR = "10.0.0.0/8"
CATALOG_SG = "1604048217236974337"          # "Default Security Group", the default VPC's group
CATALOG_WEB_SG = "791721259766392536"       # "web", not default
CATALOG_SUBNET = "1272168087751233112"      # asia-east-1, 10.16.0.0/12 (the README quickstart's)
CATALOG_SUBNET_CIDR = "10.16.0.0/12"
CATALOG_SUBNETS = ("1272168087751233112", "1272168087751233113", "1272168087751233114",
                   "1272168087751233115")

# Codes Terraform retries (spec §0.1): a refusal answered with one of these makes the provider
# spin for up to 20 minutes instead of failing; a refusal must never use them.
RETRIED_CODES = frozenset({"INTERNAL_SERVER_ERROR", "SERVICE_TEMPORARY_UNAVAILABLE",
                           "REQUEST_TIMED_OUT", "INVALID_OPERATION_TIMEOUT", "NETWORK_ERROR"})

UNAUTHORIZED = ("AUTHFAILURE_UNAUTHORIZED_OPERATION", 401)

# Request models whose name in the 2024-04-01 SDK is not "<Action>Request".
V1_REQUEST_MODELS = {
    "DescribeNetworkInterfaces": "DescribeNicsRequest",
    "DeleteNetworkInterface": "DeleteNicRequest",
    "CreateNetworkInterface": "CreateNicRequest",
    "AttachNetworkInterface": "AttachNicRequest",
    "DetachNetworkInterface": "DetachNicRequest",
    "AssignNetworkInterfaceIpv4": "AssignNicIpv4Request",
}

_names = itertools.count()


def unique(prefix: str) -> str:
    """A name no other test of this process uses (account names, resource names)."""
    return f"{prefix}{next(_names)}"


# --------------------------------------------------------------------------------------------
# Calls.

def request_of(client, action: str, **fields):
    """The request model of ``action`` in the client's SDK package, fields assigned."""
    models = client.models
    cls = getattr(models, action + "Request", None)
    if cls is None and action in V1_REQUEST_MODELS:
        cls = getattr(models, V1_REQUEST_MODELS[action], None)
    if cls is None:
        raise AttributeError(f"{models.__name__} has no request model for {action}")
    req = cls()
    for name, value in fields.items():
        setattr(req, name, value)
    return req


def call(client, action: str, **fields):
    """Sends ``action`` through the SDK; returns its response model (or, for an action the
    client has no method for, the ``response`` dict)."""
    req = request_of(client, action, **fields)
    method = getattr(client, action, None)
    if method is None:
        return client._api_call(action, req)
    return method(req)


def fails(client, action: str, **fields) -> ZenlayerCloudSdkException:
    """Sends ``action`` expecting an error; returns the exception."""
    try:
        resp = call(client, action, **fields)
    except ZenlayerCloudSdkException as e:
        return e
    raise AssertionError(f"{action}({fields}) succeeded, an error was expected: {resp}")


def answer(client, action: str, **fields) -> tuple[str, int]:
    """(code, HTTP status) of a call expected to fail."""
    e = fails(client, action, **fields)
    return e.code, client.last_status


def refused(client, action: str, code: str | None = None, **fields) -> tuple[str, int]:
    """A refusal as a client can live with it: HTTP 4xx, a code Terraform does not retry (spec
    §0.1, §16), and ``code`` when the vendor's code is known. Returns (code, status)."""
    got, status = answer(client, action, **fields)
    assert 400 <= status < 500, (action, fields, got, status)
    assert got not in RETRIED_CODES, (action, fields, got)
    if code is not None:
        assert got == code, (action, fields, got, status)
    return got, status


def rule(direction="ingress", policy="accept", cidr_ip="0.0.0.0/0", port_range="80",
         ip_protocol="tcp", desc=None, priority=None, models=None):
    """A SecurityGroupRuleInfo (2025-09-01) with only the given fields set."""
    from zenlayercloud.zec.v20250901 import models as m2
    m = models or m2
    r = getattr(m, "SecurityGroupRuleInfo", None) or m.RuleInfo
    r = r()
    r.direction, r.policy, r.cidrIp, r.portRange, r.ipProtocol = (
        direction, policy, cidr_ip, port_range, ip_protocol)
    if desc is not None:
        r.desc = desc
    if priority is not None:
        r.priority = priority
    return r


def tag_association(tags: dict[str, str]):
    from zenlayercloud.zec.v20250901 import models as m2
    return m2.TagAssociation({"tags": [{"key": k, "value": v} for k, v in tags.items()]})


# ReleaseInstances of one instance, by how it is sent: "v1" (2024-04-01, no dependResource),
# "v2" (2025-09-01, dependResource left to its default), "v2-keep" (dependResource false),
# "v2-depend" (dependResource true). Each takes (account, instance id).
RELEASES = {
    "v1": lambda acct, iid: call(acct.zec24, "ReleaseInstances", instanceIds=[iid]),
    "v2": lambda acct, iid: call(acct.zec, "ReleaseInstances", instanceIds=[iid]),
    "v2-keep": lambda acct, iid: call(acct.zec, "ReleaseInstances", instanceIds=[iid],
                                      dependResource=False),
    "v2-depend": lambda acct, iid: call(acct.zec, "ReleaseInstances", instanceIds=[iid],
                                        dependResource=True),
}


# --------------------------------------------------------------------------------------------
# An account.

def ccs_client(server: ZecdServer, key_id: str | None = None, password: str | None = None,
               token: str | None = None):
    """The SDK's CcsClient (key pairs, ccs 2025-09-01) of a credential (the root key unless
    given), built like conftest's clients: ``models`` and ``last_status`` set."""
    c = CcsClient(server._credential(key_id, password, token), server.config())
    c.models = ccs_models
    _record_status(c)
    return c


@dataclass
class Account:
    """One account's clients: ``zec`` (2025-09-01, "v2"), ``zec24`` (2024-04-01, "v1"),
    ``ccs``, ``user``, ``zrm``; ``key`` is its (id, password) when it is a key."""
    server: ZecdServer
    name: str
    zec: object
    zec24: object
    ccs: object
    user: object
    zrm: object
    key: tuple[str, str] | None = None
    token: str | None = None
    groups: dict[str, str] = field(default_factory=dict)  # name -> resource group id

    def client(self, version: str):
        return {"v2": self.zec, "v1": self.zec24, "ccs": self.ccs, "user": self.user,
                "zrm": self.zrm}[version]

    @property
    def default_group(self) -> str:
        if "default" not in self.groups:
            self.groups["default"] = next(
                g.resourceGroupId for g in sdk_call(self.user, "DescribeResourceGroups")
                .resourceGroups if g.name == DEFAULT_GROUP_NAME)
        return self.groups["default"]

    def group(self, name: str) -> str:
        """The id of the account's resource group ``name``, made on first use."""
        if name not in self.groups:
            self.groups[name] = sdk_call(self.user, "CreateResourceGroup",
                                         name=name).resourceGroupId
        return self.groups[name]

    # ---- the wire ----

    def wire(self, action: str, body: dict | None = None, version: str = "v2") -> dict:
        """The ``response`` object of a successful call, as JSON (``null`` and ``""`` kept
        apart), without its ``requestId``, signed by this account's credential."""
        path, header = {"v2": (ZEC_PATH, V2025), "v1": (ZEC_PATH, V2024),
                        "ccs": (CCS_PATH, CCS_VERSION)}[version]
        kw = {"token": self.token} if self.token else {"key_id": self.key[0],
                                                       "password": self.key[1]}
        r = self.server.raw(action, json.dumps(body or {}), path=path, version=header, **kw)
        assert r.status == 200, (action, body, r)
        response = r.json["response"]
        response.pop("requestId", None)  # fresh on every answer: not part of what is compared
        return response

    def snapshot(self) -> dict:
        """Everything this account sees of networks, key pairs and instances, as raw JSON: two
        snapshots are equal when nothing changed (usage counts and relations included)."""
        big = {"pageSize": 1000}
        groups = self.wire("DescribeSecurityGroups", big)["dataSet"]
        return {
            "vpcs": self.wire("DescribeVpcs", big),
            "subnets": self.wire("DescribeSubnets", big),
            "security_groups": groups,
            "rules": {g["securityGroupId"]: self.wire("DescribeSecurityGroupRule",
                                                      {"securityGroupId": g["securityGroupId"]})
                      for g in groups},
            "nics": self.wire("DescribeNetworkInterfaces", big),
            "key_pairs": self.wire("DescribeKeyPairs", big, version="ccs"),
            "instances": self.wire("DescribeInstances", big),
        }


def new_account(server: ZecdServer, prefix: str = "net") -> Account:
    """A new account of its own and its first key (full rights), ready to use."""
    name = unique(prefix)
    server.create_account(name)
    return account_of(server, name, server.create_key(name))


def account_of(server: ZecdServer, name: str, key: tuple[str, str] | None = None,
               token: str | None = None) -> Account:
    """The clients of an existing credential of account ``name``."""
    clients = first_use(server.clients(*(key or (None, None)), token=token))
    ccs = ccs_client(server, *(key or (None, None)), token=token)
    return Account(server, name, clients.zec, clients.zec24, ccs, clients.user, clients.zrm,
                   key=key, token=token)


def scoped(acct: Account, *groups: str, read_only: bool = False, token: bool = False
           ) -> Account:
    """A new credential of ``acct``'s account limited to its groups named ``groups`` (see
    :meth:`Account.group`) and/or read-only."""
    ids = [acct.default_group if g == "default" else acct.group(g) for g in groups]
    server = acct.server
    if token:
        _, t = server.create_token(acct.name, read_only=read_only, resource_groups=ids)
        a = account_of(server, acct.name, token=t)
    else:
        a = account_of(server, acct.name, server.create_key(acct.name, read_only=read_only,
                                                             resource_groups=ids))
    a.groups = acct.groups
    return a


# --------------------------------------------------------------------------------------------
# Reading back.

def ids_of(items, attr: str) -> list[str]:
    return [getattr(i, attr) for i in items or []]


def listing(client, action: str, attr: str, **fields) -> tuple[int, list[str]]:
    """(totalCount, ids of the page) of a Describe*."""
    resp = call(client, action, **fields)
    assert resp.totalCount is not None, (action, fields, "totalCount is dereferenced (§0.5)")
    assert resp.dataSet is not None, (action, fields)
    return resp.totalCount, ids_of(resp.dataSet, attr)


def every_page(client, action: str, attr: str, page_size: int, **fields) -> list[str]:
    """Reads a Describe* page by page (``pageSize`` = page_size) and checks each page's
    totalCount and size; returns the ids in order."""
    first_total, ids = listing(client, action, attr, pageSize=page_size, pageNum=1, **fields)
    pages = max(1, -(-first_total // page_size))
    for n in range(2, pages + 1):
        total, page = listing(client, action, attr, pageSize=page_size, pageNum=n, **fields)
        assert total == first_total, (action, n, total, first_total)
        assert len(page) == (page_size if n < pages else first_total - page_size * (pages - 1))
        ids += page
    # Past the last page: empty, with the true count.
    assert listing(client, action, attr, pageSize=page_size, pageNum=pages + 1, **fields) == \
        (first_total, [])
    assert len(ids) == len(set(ids)) == first_total, (action, ids, first_total)
    return ids


def terraform_list(client, action: str, attr: str, **filters) -> list[str]:
    """The provider's ``…ByFilter`` reads (spec §0.6): pageSize 100, page 1, then pages
    2..⌈totalCount/100⌉ (concurrently in the provider; in order here)."""
    total, ids = listing(client, action, attr, pageSize=100, pageNum=1, **filters)
    for n in range(2, -(-total // 100) + 1):
        ids += listing(client, action, attr, pageSize=100, pageNum=n, **filters)[1]
    assert len(ids) == total, (action, filters, total, ids)
    return ids


def absent(value) -> bool:
    """Null or missing on the wire (spec §0.3): never ``""``."""
    return value is None


def in_cidr(address: str, cidr: str) -> bool:
    return ipaddress.ip_address(address) in ipaddress.ip_network(cidr)


def nth_address(cidr: str, n: int) -> str:
    """The n-th address of a block (0: its network address)."""
    return str(ipaddress.ip_network(cidr).network_address + n)


def usable_host(address: str, cidr: str) -> bool:
    """In the block, and neither its network address, its first address (the gateway) nor its
    broadcast address."""
    net = ipaddress.ip_network(cidr)
    a = ipaddress.ip_address(address)
    return a in net and a not in (net.network_address, net.network_address + 1,
                                  net.broadcast_address)


TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def check_time(value: str) -> None:
    """Time strings are ``YYYY-MM-DDTHH:MM:SSZ`` (spec §14)."""
    assert isinstance(value, str) and TIME.match(value), value
