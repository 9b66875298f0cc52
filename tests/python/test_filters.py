"""Every DescribeInstances filter through the official Python SDK (issue 4 item 3): zoneId,
imageId, instanceType, instanceTypeSeries (2025 client), status, name (case-insensitive
substring), ipv4Address (private or public), ipv6Address (zecd has no IPv6: matches nothing),
resourceGroupId, tagKeys and tags — alone, combined with AND, with instanceIds, and paged.

The fleet: 30 instances of one account on a zecd with a manual clock, spread over the four zones,
six images, many types, names, tag sets and three resource groups, and brought into eleven
statuses; then the clock stands still. Every answer is checked against an expectation computed
here from what the test asked for (``FLEET`` and the operations it ran), never from the
server's own filtering; only the addresses, which zecd assigns, are read back from it. A second
account holds look-alikes of some fleet instances (same zone, type, image, name, tags, a group
of the same name): they must never appear."""

from __future__ import annotations

import ipaddress
import random
import uuid
from dataclasses import dataclass, field

import pytest

from conftest import (
    PASSWORD,
    V2024,
    V2025,
    ZecdServer,
    create_instances,
    models_2025,
    sdk_call,
    sdk_status_error,
)

E, S, N, F = "asia-east-1a", "asia-southwest-1a", "na-west-1a", "eu-west-1a"
ZONES = (E, S, N, F)
SUBNET_OF = {E: "1272168087751233112", S: "1272168087751233113", N: "1272168087751233114",
             F: "1272168087751233115"}
CIDR_OF = {E: "10.16.0.0/12", S: "10.32.0.0/12", N: "10.48.0.0/12", F: "10.64.0.0/12"}
U24, U22, DEB = "ubuntu2404_20240712", "ubuntu2204_20240712", "debian12_20251225"
ROCKY, BSD, ALMA = "rocky96_20250601", "freebsd141_20250610", "almalinux101_20260516"
UNUSED_IMAGE = "windows2022_20250301"

# name, zone, type, image, group, tags, public address, status
FLEET = [
    ("web-01", E, "z2a.cpu.1", U24, "frontend", {"env": "prod", "tier": "web"}, True, "RUNNING"),
    ("web-02", E, "z2a.cpu.1", U24, "frontend", {"env": "prod", "tier": "web"}, True, "RUNNING"),
    ("Web-Canary", E, "z2a.cpu.2", U22, "frontend", {"env": "staging", "tier": "web"}, False,
     "STOPPED"),
    ("api-01", S, "z2a.cpu.2", DEB, "backend", {"env": "prod", "tier": "api", "team": "core"},
     True, "RUNNING"),
    ("api-02", S, "z2a.cpu.4", DEB, "backend", {"env": "prod", "tier": "api", "team": "core"},
     False, "REBOOT"),
    ("API-batch.7", S, "z2a.cpu.8", ROCKY, "backend", {"env": "dev", "team": "data"}, False,
     "STOPPING"),
    ("db.primary", N, "z2a.cpu.8", ROCKY, "backend", {"env": "prod", "tier": "db", "team": "core"},
     False, "RUNNING"),
    ("db.replica-1", N, "z2a.cpu.4", ROCKY, "backend", {"env": "prod", "tier": "db"}, False,
     "BOOTING"),
    ("db.replica-2", N, "z2a.mem.2", ROCKY, "backend", {"env": "prod", "tier": "db", "owner": ""},
     False, "RECYCLE"),
    ("cache-a", F, "z2a.cpu.1", U24, None, {"tier": "cache"}, False, "RUNNING"),
    ("Cache-B", F, "z2a.cpu.2", U24, None, {"tier": "cache", "env": "dev"}, True, "STOPPED"),
    ("edge.sha.1", E, "z2a.cpu.4", BSD, None, {}, True, "RUNNING"),
    ("edge.sin.1", S, "z2a.cpu.1", BSD, None, {}, True, "RELEASING"),
    ("edge.lax.1", N, "z2a.cpu.1", BSD, None, {"env": ""}, False, "RECYCLING"),
    ("ml-trainer-01", N, "z2a.cpu.16", U22, "backend", {"team": "data", "gpu": "no"}, False,
     "DEPLOYING"),
    ("ml-trainer-02", N, "z2a.mem.4", U22, "backend", {"team": "data"}, False, "CREATE_FAILED"),
    ("batch-job-1", F, "z2a.cpu.4", ALMA, None, {"env": "dev", "team": "data"}, False,
     "REBUILDING"),
    ("batch-job-2", F, "z2a.cpu.4", ALMA, None, {"env": "dev", "team": "data"}, False, "RUNNING"),
    ("batch-job-3", F, "z2a.cpu.2", ALMA, "frontend", {"env": "dev"}, False, "STOPPED"),
    ("test-vm", E, "z2a.mem.2", DEB, None, {}, False, "DEPLOYING"),
    ("TEST-vm-2", E, "z2a.cpu.8", DEB, None, {"owner": "kim"}, True, "RUNNING"),
    ("jump.host", S, "z2a.cpu.16", U24, None, {"owner": "kim", "env": "prod"}, True, "REBOOT"),
    ("mail-relay", N, "z2a.cpu.2", DEB, "frontend", {"env": "prod", "tier": "mail"}, True,
     "RELEASING"),
    ("dns-1", E, "z2a.cpu.1", U22, None, {"tier": "dns", "env": "prod"}, False, "CREATE_FAILED"),
    ("dns-2", S, "z2a.cpu.1", U22, None, {"tier": "dns", "env": "prod"}, False, "RUNNING"),
    ("vpn-gw", F, "z2a.cpu.1", ROCKY, "frontend", {"tier": "vpn"}, True, "BOOTING"),
    ("monitor-k8s", N, "z2a.cpu.4", U24, None, {"team": "ops", "env": "prod"}, False, "STOPPING"),
    ("log-sink", S, "z2a.cpu.2", BSD, "backend", {"team": "ops"}, False, "RECYCLE"),
    ("ci-runner-01", E, "z2a.cpu.2", ALMA, None, {"team": "ops", "env": "dev"}, False,
     "REBUILDING"),
    ("ci-runner-02", E, "z2a.cpu.2", ALMA, None, {"team": "ops", "env": "dev"}, False,
     "DEPLOYING"),
]
GROUP_NAMES = ("frontend", "backend", "empty")
FLEET_STATUSES = {row[7] for row in FLEET}
ABSENT_STATUSES = ("IMAGING", "RESIZING", "REINSTALL_FAILED")

# The filters the 2024-04-01 DescribeInstancesRequest has.
FIELDS_2024 = {"instanceIds", "zoneId", "imageId", "status", "name", "ipv4Address",
               "ipv6Address", "resourceGroupId", "pageSize", "pageNum"}


@dataclass
class Inst:
    id: str
    seq: int
    name: str
    zone: str
    type: str
    image: str
    group: str
    tags: dict[str, str]
    status: str
    public_wanted: bool
    private: str = ""
    public: list[str] = field(default_factory=list)


@dataclass
class Fleet:
    server: ZecdServer
    clients: object
    instances: list[Inst]
    groups: dict[str, str]  # name -> id ("default" too)
    neighbour_ids: list[str]
    neighbour_group: str

    def by_name(self, name: str) -> Inst:
        [i] = [i for i in self.instances if i.name == name]
        return i


def _create(client, row, group_id) -> str:
    name, zone, itype, image, _, tags, public, _ = row
    fields = dict(zoneId=zone, subnetId=SUBNET_OF[zone], instanceType=itype, imageId=image,
                  instanceName=name)
    if group_id:
        fields["resourceGroupId"] = group_id
    if tags:
        fields["tags"] = models_2025.TagAssociation(
            {"tags": [{"key": k, "value": v} for k, v in tags.items()]})
    if public:
        fields.update(internetChargeType="ByBandwidth", bandwidth=5)
    [iid] = create_instances(client, 1, **fields)
    return iid


@pytest.fixture(scope="module")
def fleet(manual_zecd) -> Fleet:
    server = manual_zecd
    c = server.account_clients("fleet")
    groups = {name: sdk_call(c.user, "CreateResourceGroup", name=name).resourceGroupId
              for name in GROUP_NAMES}
    [groups["default"]] = [g.resourceGroupId for g in
                           sdk_call(c.user, "DescribeResourceGroups").resourceGroups
                           if g.resourceGroupId not in groups.values()]

    # The neighbour: look-alikes in another account, never to be listed.
    nb = server.account_clients("fleet-neighbour")
    nb_group = sdk_call(nb.user, "CreateResourceGroup", name="frontend").resourceGroupId
    neighbour_ids = [_create(nb.zec, row, nb_group) for row in FLEET[:4]]
    neighbour_ids += [_create(nb.zec, row, None) for row in FLEET[9:12]]

    insts: list[Inst] = []
    seq = 0

    def make(row):
        nonlocal seq
        gid = groups[row[4]] if row[4] else None
        iid = _create(c.zec, row, gid)
        insts.append(Inst(iid, seq, row[0], row[1], row[2], row[3],
                          gid or groups["default"], dict(row[5]), row[7], row[6]))
        seq += 1

    # Everything but the DEPLOYING ones now; CREATE_FAILED ones with a failing deploy.
    for row in FLEET:
        if row[7] == "DEPLOYING":
            continue
        if row[7] == "CREATE_FAILED":
            server.create_faults(failures=[{"phase": "deploy", "count": 1}])
        make(row)
    assert server.faults()["failures"] == []

    def ids(*wanted):
        return [i.id for i in insts if i.status in wanted]

    server.advance("3s")  # deployed
    assert sdk_call(c.zec, "StopInstances",
                    instanceIds=ids("STOPPED", "BOOTING", "REBUILDING")).instanceIds == []
    assert sdk_call(c.zec, "ReleaseInstances",
                    instanceIds=ids("RECYCLE", "RECYCLING")).instanceIds == []
    server.advance("2s")  # stopped; in the recycle bin
    # The transient states begin; the clock stands still from here.
    sdk_call(c.zec, "StartInstances", instanceIds=ids("BOOTING"))
    sdk_call(c.zec, "StopInstances", instanceIds=ids("STOPPING"))
    sdk_call(c.zec, "RebootInstances", instanceIds=ids("REBOOT"))
    sdk_call(c.zec, "ReleaseInstances", instanceIds=ids("RELEASING", "RECYCLING"))
    for i in insts:
        if i.status == "REBUILDING":
            sdk_call(c.zec, "ResetInstance", instanceId=i.id, imageId=i.image,
                     password=PASSWORD)
    for row in FLEET:
        if row[7] == "DEPLOYING":
            make(row)

    # The addresses zecd gave.
    resp = sdk_call(c.zec, "DescribeInstances", instanceIds=[i.id for i in insts],
                    pageSize=1000)
    info = {x.instanceId: x for x in resp.dataSet}
    for i in insts:
        i.private = info[i.id].privateIpAddresses[0]
        i.public = list(info[i.id].publicIpAddresses)
    return Fleet(server, c, insts, groups, neighbour_ids, nb_group)


# ---- the expectation ----

def expected(fleet: Fleet, f: dict) -> list[str]:
    """The ids matching every filter in ``f``, in creation order, computed from the fleet's
    own record."""

    def ok(i: Inst) -> bool:
        if "instanceIds" in f and i.id not in f["instanceIds"]:
            return False
        if "zoneId" in f and i.zone != f["zoneId"]:
            return False
        if "imageId" in f and i.image != f["imageId"]:
            return False
        if "instanceType" in f and i.type != f["instanceType"]:
            return False
        if "instanceTypeSeries" in f and i.type.split(".")[0] != f["instanceTypeSeries"]:
            return False
        if "status" in f and i.status != f["status"]:
            return False
        if "name" in f and f["name"].lower() not in i.name.lower():
            return False
        if "ipv4Address" in f and f["ipv4Address"] != i.private \
                and f["ipv4Address"] not in i.public:
            return False
        if "ipv6Address" in f:
            return False
        if "resourceGroupId" in f and i.group != f["resourceGroupId"]:
            return False
        if "tagKeys" in f and not all(k in i.tags for k in f["tagKeys"]):
            return False
        if "tags" in f and not all(i.tags.get(k) == v for k, v in f["tags"]):
            return False
        return True

    return [i.id for i in sorted(fleet.instances, key=lambda i: i.seq) if ok(i)]


def sdk_fields(f: dict, version: str = V2025) -> dict:
    """``f`` as SDK request fields (tags as Tag models); the 2024 client only gets what its
    DescribeInstancesRequest has."""
    if version == V2024:
        assert set(f) <= FIELDS_2024, f"the 2024-04-01 request has no {set(f) - FIELDS_2024}"
    out = dict(f)
    if "tags" in out:
        out["tags"] = [models_2025.Tag({"key": k, "value": v}) for k, v in out["tags"]]
    return out


def describe(fleet: Fleet, f: dict, version: str = V2025, **paging) -> tuple[int, list[str]]:
    client = fleet.clients.zec if version == V2025 else fleet.clients.zec24
    resp = sdk_call(client, "DescribeInstances", **sdk_fields(f, version), **paging)
    return resp.totalCount, [i.instanceId for i in resp.dataSet]


def check(fleet: Fleet, f: dict, version: str = V2025):
    want = expected(fleet, f)
    got_total, got = describe(fleet, f, version, pageSize=1000)
    assert (got_total, got) == (len(want), want), (
        f"filter {f}: expected {names(fleet, want)}, got {names(fleet, got)}")
    return want


def names(fleet: Fleet, ids: list[str]) -> list[str]:
    by_id = {i.id: i.name for i in fleet.instances}
    return [by_id.get(i, f"<not the fleet's: {i}>") for i in ids]


# ---- the fleet is what was asked for ----

def test_the_fleet_is_as_built(fleet):
    resp = sdk_call(fleet.clients.zec, "DescribeInstances", pageSize=1000)
    assert resp.totalCount == len(FLEET)
    got = {x.instanceId: x for x in resp.dataSet}
    assert [x.instanceId for x in resp.dataSet] == [
        i.id for i in sorted(fleet.instances, key=lambda i: i.seq)]
    for i in fleet.instances:
        x = got[i.id]
        assert (x.instanceName, x.zoneId, x.instanceType, x.imageId, x.resourceGroupId,
                x.status) == (i.name, i.zone, i.type, i.image, i.group, i.status), i.name
        assert {t.key: t.value for t in x.tags.tags} == i.tags, i.name
        assert ipaddress.ip_address(i.private) in ipaddress.ip_network(CIDR_OF[i.zone])
        if i.public_wanted:
            assert len(i.public) == 1, i.name
        elif i.status != "CREATE_FAILED":
            assert i.public == [], i.name
    assert {i.status for i in fleet.instances} == FLEET_STATUSES
    assert len(FLEET_STATUSES) == 11


# ---- each filter alone ----

def single_filters(fleet: Fleet) -> list[dict]:
    insts = fleet.instances
    fs: list[dict] = []
    fs += [{"zoneId": z} for z in ZONES + ("mars-1a",)]
    fs += [{"imageId": im} for im in sorted({i.image for i in insts}) + [UNUSED_IMAGE, "nope"]]
    fs += [{"instanceType": t} for t in sorted({i.type for i in insts})
           + ["z2a.cpu.32", "Z2A.CPU.1"]]
    fs += [{"instanceTypeSeries": s} for s in ("z2a", "z2", "z2a.cpu", "cpu", "z2b")]
    fs += [{"status": s} for s in sorted(FLEET_STATUSES) + list(ABSENT_STATUSES)]
    fs += [{"name": n} for n in (
        "web", "WEB", "Web-", "-0", "db.", "replica", "REPLICA-", "1", "e", "E", "x", "-",
        ".", "ml-trainer-01", "batch-job-1", "api-batch.7", "ApI-BaTcH", "edge.s", "vm-2",
        "test-vm", "nothing-like-it", "web-01x")]
    fs += [{"ipv4Address": i.private} for i in insts]
    fs += [{"ipv4Address": ip} for i in insts for ip in i.public]
    fs += [{"ipv4Address": ip} for ip in ("10.16.255.254", "10.99.0.1", "198.18.255.254",
                                          "8.8.8.8")]
    fs += [{"ipv6Address": ip} for ip in ("::1", "2001:db8::1", "fe80::1", insts[0].private)]
    fs += [{"resourceGroupId": g} for g in fleet.groups.values()]
    fs += [{"resourceGroupId": g} for g in (str(uuid.uuid4()), fleet.neighbour_group)]
    keys = sorted({k for i in insts for k in i.tags})
    fs += [{"tagKeys": [k]} for k in keys + ["missing", "ENV", "en"]] + [{"tagKeys": []}]
    pairs = sorted({(k, v) for i in insts for k, v in i.tags.items()})
    fs += [{"tags": [p]} for p in pairs + [("env", "PROD"), ("env", "pro"), ("owner", "x"),
                                            ("missing", "")]]
    return fs


def test_each_filter_alone(fleet):
    matched = 0
    for f in single_filters(fleet):
        matched += bool(check(fleet, f))
    assert matched > 60  # most filters pick something: they are not all empty


def test_each_zone_image_type_status_and_group_filter_partitions_the_fleet(fleet):
    """The values of one of these filters split the fleet: every instance is listed under
    exactly one value."""
    for field_, values in (
        ("zoneId", ZONES),
        ("imageId", {i.image for i in fleet.instances}),
        ("instanceType", {i.type for i in fleet.instances}),
        ("status", FLEET_STATUSES),
        ("resourceGroupId", fleet.groups.values()),
    ):
        listed = []
        for v in values:
            listed += describe(fleet, {field_: v}, pageSize=1000)[1]
        assert sorted(listed) == sorted(i.id for i in fleet.instances), field_


def test_a_name_filter_answers_alike_whichever_way_it_is_served(fleet):
    """Adding a filter every instance passes (all of the account's ids) can never add matches.
    Needles include ones that lower-case to the ASCII of a name although they are not ASCII
    themselves (KELVIN SIGN U+212A lower-cases to "k" in Python and in Rust's to_lowercase):
    whether those match is not specified, but the answer must not depend on the path."""
    every = [i.id for i in fleet.instances]
    for needle in ("k8s", "K8S", "\u212a8s", "\u212a", "-\u212a", "mONITOR-\u212a8", "web",
                   "é", "ßtop"):
        alone = describe(fleet, {"name": needle}, pageSize=1000)
        narrowed = describe(fleet, {"name": needle, "instanceIds": every[:100]}, pageSize=1000)
        assert alone == narrowed, (needle, names(fleet, alone[1]), names(fleet, narrowed[1]))
        if needle.isascii():
            check(fleet, {"name": needle})


@pytest.mark.parametrize("f", [
    {"zoneId": E}, {"imageId": ROCKY}, {"status": "RUNNING"}, {"status": "RECYCLE"},
    {"name": "web"}, {"name": "E"}, {"ipv6Address": "::1"}, {"zoneId": "mars-1a"},
], ids=repr)
def test_the_2024_client_filters_alike(fleet, f):
    check(fleet, f, V2024)


def test_the_2024_client_filters_by_address_and_group(fleet):
    for i in fleet.instances[:8]:
        check(fleet, {"ipv4Address": i.private}, V2024)
        for ip in i.public:
            check(fleet, {"ipv4Address": ip}, V2024)
    for g in fleet.groups.values():
        check(fleet, {"resourceGroupId": g}, V2024)
    check(fleet, {"resourceGroupId": fleet.groups["backend"], "status": "RUNNING",
                  "zoneId": N}, V2024)


def test_describe_instances_status_filters_by_group_alike(fleet):
    for version, client in ((V2025, fleet.clients.zec), (V2024, fleet.clients.zec24)):
        for g in list(fleet.groups.values()) + [str(uuid.uuid4()), fleet.neighbour_group]:
            want = expected(fleet, {"resourceGroupId": g})
            resp = sdk_call(client, "DescribeInstancesStatus", resourceGroupId=g,
                            pageSize=1000)
            assert resp.totalCount == len(want)
            assert [s.instanceId for s in resp.dataSet] == want
            by_id = {i.id: i.status for i in fleet.instances}
            assert all(s.instanceStatus == by_id[s.instanceId] for s in resp.dataSet)


def test_an_address_names_exactly_its_instance(fleet):
    for i in fleet.instances:
        for ip in [i.private] + i.public:
            assert describe(fleet, {"ipv4Address": ip})[1] == [i.id], (i.name, ip)


def test_ipv6_matches_nothing_even_with_other_filters(fleet):
    for f in ({"ipv6Address": "::1", "zoneId": E}, {"ipv6Address": "2001:db8::1", "name": "e"},
              {"ipv6Address": "::", "status": "RUNNING"}):
        assert describe(fleet, f) == (0, [])


@pytest.mark.parametrize("f", [
    {"status": "RUNING"}, {"status": "running-ish"}, {"ipv4Address": "10.16.0"},
    {"ipv4Address": "::1"}, {"ipv4Address": "not-an-address"},
], ids=repr)
def test_malformed_status_and_address_filters_are_invalid(fleet, f):
    code, http = sdk_status_error(fleet.clients.zec, "DescribeInstances", **f)
    assert code.startswith("INVALID_PARAMETER") and http == 400, (code, http)


# ---- combinations ----

def _pool(fleet: Fleet):
    insts = fleet.instances
    keys = sorted({k for i in insts for k in i.tags})
    pairs = sorted({(k, v) for i in insts for k, v in i.tags.items()})
    return {
        "zoneId": list(ZONES),
        "imageId": sorted({i.image for i in insts}),
        "instanceType": sorted({i.type for i in insts}),
        "instanceTypeSeries": ["z2a", "z2a", "z2a", "z2b"],
        "status": sorted(FLEET_STATUSES) + ["IMAGING"],
        "name": ["web", "e", "-0", "db", "1", "batch", "API", "a", "vm", ".s"],
        "ipv4Address": [i.private for i in insts] + [ip for i in insts for ip in i.public],
        "ipv6Address": ["::1"],
        "resourceGroupId": list(fleet.groups.values()),
        "tagKeys": [[k] for k in keys] + [["env", "team"], ["env", "tier"], ["team", "owner"]],
        "tags": [[p] for p in pairs] + [[("env", "prod"), ("tier", "db")],
                                        [("env", "dev"), ("team", "data")]],
    }


def _from(rng: random.Random, i: Inst, kind: str):
    """A value of filter ``kind`` that instance ``i`` matches (None: it has none)."""
    if kind == "name":
        start = rng.randrange(len(i.name))
        part = i.name[start:start + rng.randint(1, 6)]
        return "".join(ch.upper() if rng.random() < 0.5 else ch.lower() for ch in part)
    if kind == "ipv4Address":
        return rng.choice([i.private] + i.public)
    if kind in ("tagKeys", "tags"):
        if not i.tags:
            return None
        picked = rng.sample(sorted(i.tags.items()), rng.randint(1, len(i.tags)))
        return [k for k, _ in picked] if kind == "tagKeys" else picked
    return {"zoneId": i.zone, "imageId": i.image, "instanceType": i.type,
            "instanceTypeSeries": "z2a", "status": i.status, "resourceGroupId": i.group,
            "ipv6Address": "::1"}[kind]


def test_random_combinations_of_filters_are_anded(fleet):
    """220 combinations of 2 to 5 filters: half drawn from everything the fleet has, half from
    one instance's own values (so that they match at least that one)."""
    rng = random.Random(4)
    pool = _pool(fleet)
    kinds = sorted(pool)
    weights = [1 if k in ("ipv6Address", "ipv4Address") else 4 for k in kinds]
    all_ids = [i.id for i in fleet.instances]
    non_empty = 0
    for n in range(220):
        chosen: set[str] = set()
        want = rng.randint(2, 5)
        while len(chosen) < want:
            chosen.add(rng.choices(kinds, weights=weights)[0])
        if n % 2:
            f = {k: rng.choice(pool[k]) for k in sorted(chosen)}
        else:
            anchor = rng.choice(fleet.instances)
            f = {k: _from(rng, anchor, k) for k in sorted(chosen)}
            f = {k: v for k, v in f.items() if v is not None}
        if n % 5 == 0:
            ids = rng.sample(all_ids, 8) + [str(rng.randrange(10**17, 10**18))]
            ids += fleet.neighbour_ids[:2]
            f["instanceIds"] = ids
        non_empty += bool(check(fleet, f))
    # Not a vacuous check: many combinations match something.
    assert non_empty > 90, non_empty


@pytest.mark.parametrize("f", [
    {"zoneId": N, "status": "RUNNING"},
    {"zoneId": S, "tagKeys": ["env"], "name": "api"},
    {"resourceGroupId": "backend", "tags": [("env", "prod")], "instanceType": "z2a.cpu.8"},
    {"resourceGroupId": "default", "tagKeys": ["team"], "status": "REBUILDING"},
    {"imageId": BSD, "name": "edge", "zoneId": E},
    {"instanceTypeSeries": "z2a", "tags": [("tier", "web")], "name": "canary"},
    {"tags": [("env", "prod"), ("tier", "db")], "status": "RECYCLE"},
    {"tagKeys": ["owner"], "tags": [("owner", "kim")], "zoneId": S},
    {"name": "JOB", "zoneId": F, "imageId": ALMA, "instanceType": "z2a.cpu.4",
     "status": "RUNNING", "resourceGroupId": "default", "tagKeys": ["env", "team"],
     "tags": [("team", "data")], "instanceTypeSeries": "z2a"},
], ids=repr)
def test_chosen_combinations(fleet, f):
    f = dict(f)
    if "resourceGroupId" in f:
        f["resourceGroupId"] = fleet.groups[f["resourceGroupId"]]
    assert check(fleet, f), "each chosen combination matches something"


def test_a_combination_with_an_address_is_empty_when_another_filter_disagrees(fleet):
    i = fleet.by_name("web-01")
    for f in ({"zoneId": E}, {"name": "web-01"}, {"tags": [("tier", "web")]}):
        check(fleet, {"ipv4Address": i.public[0], **f})
    for f in ({"zoneId": S}, {"name": "web-02"}, {"tags": [("tier", "db")]},
              {"status": "STOPPED"}, {"resourceGroupId": fleet.groups["backend"]}):
        assert describe(fleet, {"ipv4Address": i.public[0], **f}) == (0, [])


def test_instance_ids_with_filters_are_their_intersection(fleet):
    ids = [i.id for i in fleet.instances]
    picked = ids[::3] + ["123", fleet.neighbour_ids[0], ids[0]]
    for f in ({}, {"zoneId": E}, {"status": "RUNNING"}, {"tagKeys": ["env"]},
              {"name": "-0"}, {"resourceGroupId": fleet.groups["frontend"]}):
        check(fleet, {"instanceIds": picked, **f})


# ---- paging under a filter ----

PAGED = [
    {},
    {"status": "RUNNING"},
    {"zoneId": N},
    {"tagKeys": ["env"]},
    {"name": "e"},
    {"resourceGroupId": "backend"},
    {"zoneId": E, "tagKeys": ["env"]},
    {"instanceTypeSeries": "z2a", "name": "-"},
]


@pytest.mark.parametrize("f", PAGED, ids=repr)
def test_paging_under_a_filter_never_skips_or_repeats(fleet, f):
    f = dict(f)
    if "resourceGroupId" in f:
        f["resourceGroupId"] = fleet.groups[f["resourceGroupId"]]
    want = expected(fleet, f)
    assert want
    for size in (1, 2, 3, 7, len(want), len(want) + 1):
        seen: list[str] = []
        page = 1
        while True:
            total, ids = describe(fleet, f, pageSize=size, pageNum=page)
            assert total == len(want), (f, size, page)
            if not ids:
                break
            assert len(ids) <= size
            seen += ids
            page += 1
            assert page <= len(want) + 2, "paging does not end"
        assert seen == want, (f, size)
        assert page == -(-len(want) // size) + 1, (f, size)


def test_paging_a_group_through_describe_instances_status(fleet):
    gid = fleet.groups["backend"]
    want = expected(fleet, {"resourceGroupId": gid})
    for version, client in ((V2025, fleet.clients.zec), (V2024, fleet.clients.zec24)):
        for size in (1, 4):
            seen = []
            for page in range(1, len(want) + 2):
                resp = sdk_call(client, "DescribeInstancesStatus", resourceGroupId=gid,
                                pageSize=size, pageNum=page)
                assert resp.totalCount == len(want)
                seen += [s.instanceId for s in resp.dataSet]
            assert seen == want, (version, size)


def test_paging_with_the_2024_client(fleet):
    f = {"zoneId": N}
    want = expected(fleet, f)
    seen = []
    for page in range(1, len(want) + 2):
        total, ids = describe(fleet, f, V2024, pageSize=2, pageNum=page)
        assert total == len(want)
        seen += ids
    assert seen == want


def test_listed_ids_all_come_back_without_a_page_size(fleet):
    """Paged like DescribeInstancesStatus (issue 4; README "instanceIds": without pageSize the
    page holds up to 100, so every listed instance that exists comes back)."""
    every = [i.id for i in sorted(fleet.instances, key=lambda i: i.seq)]
    resp = sdk_call(fleet.clients.zec, "DescribeInstancesStatus", instanceIds=every)
    assert (resp.totalCount, [s.instanceId for s in resp.dataSet]) == (30, every)
    for version in (V2025, V2024):
        assert describe(fleet, {"instanceIds": every}, version) == (30, every), version
    want = expected(fleet, {"instanceIds": every, "name": "-"})
    assert len(want) > 20
    assert describe(fleet, {"instanceIds": every, "name": "-"}) == (len(want), want)


def test_the_default_page_is_20_under_a_filter(fleet):
    f = {"instanceTypeSeries": "z2a"}
    want = expected(fleet, f)
    assert len(want) == 30
    assert describe(fleet, f) == (30, want[:20])
    assert describe(fleet, f, pageNum=2) == (30, want[20:])


# ---- the clock moves: status filters follow, and released instances leave every list ----

def test_filters_follow_the_clock_and_forget_purged_instances(start_zecd, tmp_path):
    server = start_zecd(data_dir=tmp_path / "clock", transition="",
                        extra_args=["--clock", "manual"])
    c = server.clients()
    a = create_instances(c.zec, 4, instanceName="alpha-[1,1]", zoneId=E)
    b = create_instances(c.zec, 3, instanceName="beta-[1,1]", zoneId=E)
    everyone = a + b

    def ids(**f):
        resp = sdk_call(c.zec, "DescribeInstances", pageSize=1000, **f)
        assert resp.totalCount == len(resp.dataSet)
        return [i.instanceId for i in resp.dataSet]

    def paged(size, **f):
        seen = []
        for page in range(1, 10):
            resp = sdk_call(c.zec, "DescribeInstances", pageSize=size, pageNum=page, **f)
            seen += [i.instanceId for i in resp.dataSet]
        return seen

    assert ids(status="DEPLOYING") == everyone
    server.advance("3s")
    # Straight after the clock moved, before or after the server wrote the phases down.
    assert ids(status="DEPLOYING") == []
    assert ids(status="RUNNING") == everyone
    assert ids(status="RUNNING", name="beta") == b
    sdk_call(c.zec, "ReleaseInstances", instanceIds=a[1:3])
    assert ids(status="RELEASING") == a[1:3]
    server.advance("2s")
    assert ids(status="RECYCLE", zoneId=E) == a[1:3]
    sdk_call(c.zec, "ReleaseInstances", instanceIds=a[1:3])
    assert ids(status="RECYCLING") == a[1:3]
    server.advance("2s")
    left = [a[0], a[3]] + b
    for f in ({}, {"zoneId": E}, {"name": "alpha"}, {"status": "RUNNING"},
              {"instanceType": "z2a.cpu.1"}, {"instanceTypeSeries": "z2a"}):
        want = left if "name" not in f else [a[0], a[3]]
        assert ids(**f) == want, f
        for size in (1, 2, 3):
            assert paged(size, **f) == want, (f, size)
    assert ids(status="RECYCLING") == []
    assert ids(instanceIds=a) == [a[0], a[3]]
