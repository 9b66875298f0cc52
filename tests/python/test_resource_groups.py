"""Resource groups through the official Python SDK (issue 4 item 1): the ``user`` service's
UserClient (2024-05-29) — DescribeResourceGroups, CreateResourceGroup, ModifyResourceGroup,
DeleteResourceGroup, AddResourceResourceGroup — zec's ModifyInstancesResourceGroup (2024-04-01
client), CreateZecInstances with ``resourceGroupId``, and the ``resourceGroupId`` filter of
DescribeInstancesStatus and DescribeInstances.

One zecd with a manual clock for the module; each test works in an account of its own, so that
"the account's groups" is exactly what the test made. Expectations come from the issue and
notes/groups-tags.md: the default group is "Default Resource Group", ids are lowercase UUIDs,
names are 1–64 characters and unique within an account, an unknown group is
OPERATION_FAILED_RESOURCE_GROUP_NOT_FOUND (404), an unknown resource
OPERATION_FAILED_RESOURCE_NOT_FOUND (404), the default group and a group holding instances (in
any status) cannot be deleted (403), and a Describe* filter naming an unknown group is empty."""

from __future__ import annotations

import itertools
import json
import re
import threading
import uuid

import pytest

from conftest import (
    DEFAULT_GROUP_NAME,
    V2024,
    V2025,
    ZenlayerCloudSdkException,
    create_fields,
    create_instances,
    sdk_call,
    sdk_status_error,
)

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
API_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

GROUP_NOT_FOUND = ("OPERATION_FAILED_RESOURCE_GROUP_NOT_FOUND", 404)
RESOURCE_NOT_FOUND = ("OPERATION_FAILED_RESOURCE_NOT_FOUND", 404)
INSTANCE_NOT_FOUND = ("INVALID_INSTANCE_NOT_FOUND", 404)
NOT_EMPTY = ("OPERATION_DENIED_RESOURCE_GROUP_NOT_EMPTY", 403)
DEFAULT_DENIED = ("OPERATION_DENIED_DEFAULT_RESOURCE_GROUP", 403)
NAME_TAKEN = ("INVALID_PARAMETER_VALUE", 400)

# An instance id no account has (ids are decimal numbers; this one is far below any zecd makes).
NO_SUCH_INSTANCE = "1000001"

_accounts = itertools.count()


@pytest.fixture(scope="module")
def server(manual_zecd):
    return manual_zecd


@pytest.fixture
def acct(server):
    """The SDK clients of a new account of this test's own."""
    return server.account_clients(f"groups{next(_accounts)}")


# ---- helpers ----

def groups(c) -> dict[str, str]:
    """The account's groups as DescribeResourceGroups lists them: id -> name."""
    resp = sdk_call(c.user, "DescribeResourceGroups")
    listed = {g.resourceGroupId: g.name for g in resp.resourceGroups}
    assert len(listed) == len(resp.resourceGroups), "a group is listed twice"
    return listed


def default_group(c) -> str:
    [gid] = [g for g, name in groups(c).items() if name == DEFAULT_GROUP_NAME]
    return gid


def create_group(c, name: str) -> str:
    return sdk_call(c.user, "CreateResourceGroup", name=name).resourceGroupId


def group_of(c, iid: str) -> tuple[str, str]:
    """(resourceGroupId, resourceGroupName) of an instance, as DescribeInstances shows it."""
    [info] = sdk_call(c.zec, "DescribeInstances", instanceIds=[iid]).dataSet
    return info.resourceGroupId, info.resourceGroupName


def members(c, gid: str, version: str = V2025) -> list[str]:
    """The instances DescribeInstancesStatus lists in a group (all pages)."""
    client = c.zec if version == V2025 else c.zec24
    resp = sdk_call(client, "DescribeInstancesStatus", resourceGroupId=gid, pageSize=1000)
    ids = [s.instanceId for s in resp.dataSet]
    assert resp.totalCount == len(ids)
    return ids


def describe_members(c, gid: str, version: str = V2025) -> list[str]:
    client = c.zec if version == V2025 else c.zec24
    resp = sdk_call(client, "DescribeInstances", resourceGroupId=gid, pageSize=1000)
    ids = [i.instanceId for i in resp.dataSet]
    assert resp.totalCount == len(ids)
    return ids


def _create(**overrides) -> dict:
    return create_fields(**overrides)


def where(c, ids: list[str]) -> dict[str, str]:
    """instance id -> resource group id."""
    resp = sdk_call(c.zec, "DescribeInstances", instanceIds=ids)
    return {i.instanceId: i.resourceGroupId for i in resp.dataSet}


def snapshot(server, c, ids: list[str]) -> dict:
    """Everything DescribeInstances says about ``ids`` (raw JSON, by id)."""
    key = c.zec.credential
    r = server.raw("DescribeInstances", json.dumps({"instanceIds": ids}),
                   key_id=key.access_key_id, password=key.access_key_password)
    assert r.status == 200, r
    return {i["instanceId"]: i for i in r.json["response"]["dataSet"]}


def without_group(info: dict) -> dict:
    """An instance's description without what a move changes: its group and update times."""
    info = json.loads(json.dumps(info))
    info.pop("resourceGroupId")
    info.pop("resourceGroupName")
    for nic in info["nics"]:
        nic.pop("resourceGroup")
        nic.pop("updateTime", None)
    return info


# ---- the default group ----

def test_a_new_account_has_exactly_the_default_resource_group(acct):
    resp = sdk_call(acct.user, "DescribeResourceGroups")
    [g] = resp.resourceGroups
    assert g.name == DEFAULT_GROUP_NAME
    assert UUID.match(g.resourceGroupId), g.resourceGroupId
    assert API_TIME.match(g.createTime), g.createTime


def test_instances_created_without_a_group_join_the_default_group(acct):
    gid = default_group(acct)
    ids = create_instances(acct.zec, 3)
    for iid in ids:
        assert group_of(acct, iid) == (gid, DEFAULT_GROUP_NAME)
    assert members(acct, gid) == ids
    assert members(acct, gid, V2024) == ids


def test_each_account_has_a_default_group_of_its_own(server, acct):
    other = server.account_clients(f"groups{next(_accounts)}")
    assert default_group(acct) != default_group(other)
    assert set(groups(acct)).isdisjoint(groups(other))


# ---- CreateResourceGroup ----

def test_create_resource_group_answers_with_the_group_and_lists_it(acct):
    resp = sdk_call(acct.user, "CreateResourceGroup", name="web-tier")
    assert resp.name == "web-tier"
    assert UUID.match(resp.resourceGroupId), resp.resourceGroupId
    assert API_TIME.match(resp.createTime), resp.createTime
    listed = sdk_call(acct.user, "DescribeResourceGroups").resourceGroups
    [g] = [g for g in listed if g.resourceGroupId == resp.resourceGroupId]
    assert (g.name, g.createTime) == ("web-tier", resp.createTime)
    assert sorted(groups(acct).values()) == sorted([DEFAULT_GROUP_NAME, "web-tier"])


def test_every_group_gets_a_new_id(acct):
    made = [create_group(acct, f"g{n}") for n in range(5)]
    assert len(set(made)) == 5
    assert set(made) | {default_group(acct)} == set(groups(acct))


@pytest.mark.parametrize("name", ["a", "x" * 64, "é" * 64, "Team A / prod (2)"])
def test_names_of_1_to_64_characters_are_accepted(acct, name):
    assert sdk_call(acct.user, "CreateResourceGroup", name=name).name == name
    assert name in groups(acct).values()


@pytest.mark.parametrize("name, code", [
    ("", ("MISSING_PARAMETER", 400)),
    (None, ("MISSING_PARAMETER", 400)),
    ("x" * 65, ("INVALID_PARAMETER_EXCEED_LENGTH", 400)),
    ("é" * 65, ("INVALID_PARAMETER_EXCEED_LENGTH", 400)),
])
def test_names_outside_1_to_64_characters_are_refused(acct, name, code):
    fields = {} if name is None else {"name": name}
    assert sdk_status_error(acct.user, "CreateResourceGroup", **fields) == code
    assert list(groups(acct).values()) == [DEFAULT_GROUP_NAME]


def test_names_are_unique_within_an_account(acct):
    first = create_group(acct, "dup")
    assert sdk_status_error(acct.user, "CreateResourceGroup", name="dup") == NAME_TAKEN
    assert sdk_status_error(acct.user, "CreateResourceGroup",
                            name=DEFAULT_GROUP_NAME) == NAME_TAKEN
    assert groups(acct) == {default_group(acct): DEFAULT_GROUP_NAME, first: "dup"}


def test_another_account_may_use_the_same_name(server, acct):
    mine = create_group(acct, "shared-name")
    other = server.account_clients(f"groups{next(_accounts)}")
    theirs = create_group(other, "shared-name")
    assert mine != theirs
    assert groups(acct)[mine] == groups(other)[theirs] == "shared-name"


# ---- ModifyResourceGroup ----

def test_modify_resource_group_renames_and_echoes_the_group(acct):
    made = sdk_call(acct.user, "CreateResourceGroup", name="before")
    [iid] = create_instances(acct.zec, 1, resourceGroupId=made.resourceGroupId)
    resp = sdk_call(acct.user, "ModifyResourceGroup", resourceGroupId=made.resourceGroupId,
                    name="after")
    assert (resp.resourceGroupId, resp.name, resp.createTime) == (
        made.resourceGroupId, "after", made.createTime)
    assert groups(acct)[made.resourceGroupId] == "after"
    # Instances show the new name; they stay in the group.
    assert group_of(acct, iid) == (made.resourceGroupId, "after")
    assert members(acct, made.resourceGroupId) == [iid]


def test_renaming_a_group_to_its_own_name_is_allowed(acct):
    gid = create_group(acct, "same")
    assert sdk_call(acct.user, "ModifyResourceGroup", resourceGroupId=gid,
                    name="same").name == "same"


def test_renaming_to_another_groups_name_is_refused(acct):
    a, b = create_group(acct, "a"), create_group(acct, "b")
    assert sdk_status_error(acct.user, "ModifyResourceGroup", resourceGroupId=a,
                            name="b") == NAME_TAKEN
    assert sdk_status_error(acct.user, "ModifyResourceGroup", resourceGroupId=a,
                            name=DEFAULT_GROUP_NAME) == NAME_TAKEN
    assert groups(acct)[a] == "a" and groups(acct)[b] == "b"


@pytest.mark.parametrize("name, code", [
    ("", ("MISSING_PARAMETER", 400)),
    ("x" * 65, ("INVALID_PARAMETER_EXCEED_LENGTH", 400)),
])
def test_renaming_checks_the_name_like_create(acct, name, code):
    gid = create_group(acct, "keep")
    assert sdk_status_error(acct.user, "ModifyResourceGroup", resourceGroupId=gid,
                            name=name) == code
    assert groups(acct)[gid] == "keep"


def test_renaming_an_unknown_group_is_not_found(acct):
    for gid in (str(uuid.uuid4()), "not-a-group"):
        assert sdk_status_error(acct.user, "ModifyResourceGroup", resourceGroupId=gid,
                                name="x") == GROUP_NOT_FOUND
    assert list(groups(acct).values()) == [DEFAULT_GROUP_NAME]


def test_the_default_group_can_be_renamed_and_stays_the_default(acct):
    gid = default_group(acct)
    assert sdk_call(acct.user, "ModifyResourceGroup", resourceGroupId=gid,
                    name="Main").name == "Main"
    assert groups(acct) == {gid: "Main"}
    [iid] = create_instances(acct.zec, 1)
    assert group_of(acct, iid) == (gid, "Main")
    assert sdk_status_error(acct.user, "DeleteResourceGroup",
                            resourceGroupId=gid) == DEFAULT_DENIED
    # Its old name is free now.
    create_group(acct, DEFAULT_GROUP_NAME)


# ---- DeleteResourceGroup ----

def test_an_empty_group_is_deleted(acct):
    gid = create_group(acct, "temp")
    assert sdk_call(acct.user, "DeleteResourceGroup", resourceGroupId=gid).requestId
    assert gid not in groups(acct)
    # Gone for every action that names it.
    assert sdk_status_error(acct.user, "DeleteResourceGroup",
                            resourceGroupId=gid) == GROUP_NOT_FOUND
    assert sdk_status_error(acct.user, "ModifyResourceGroup", resourceGroupId=gid,
                            name="x") == GROUP_NOT_FOUND
    assert sdk_status_error(acct.zec, "CreateZecInstances",
                            **_create(resourceGroupId=gid)) == GROUP_NOT_FOUND
    assert members(acct, gid) == []
    # Its name may be used again, by a new group.
    assert create_group(acct, "temp") != gid


def test_the_default_group_cannot_be_deleted(acct):
    gid = default_group(acct)
    assert sdk_status_error(acct.user, "DeleteResourceGroup",
                            resourceGroupId=gid) == DEFAULT_DENIED
    assert groups(acct) == {gid: DEFAULT_GROUP_NAME}


def test_deleting_an_unknown_group_is_not_found(acct):
    for gid in (str(uuid.uuid4()), "nope", default_group(acct).upper()):
        assert sdk_status_error(acct.user, "DeleteResourceGroup",
                                resourceGroupId=gid) == GROUP_NOT_FOUND
    assert sdk_status_error(acct.user, "DeleteResourceGroup")[0] == "MISSING_PARAMETER"


def test_a_group_holding_instances_in_any_status_cannot_be_deleted(server, acct):
    """One group per status, each holding one instance in that status; none can be deleted
    until its instance has left (moved out, or released all the way out of the recycle
    bin)."""
    c = acct
    gid = {s: create_group(c, s.lower()) for s in (
        "DEPLOYING", "RUNNING", "STOPPING", "STOPPED", "RELEASING", "RECYCLE", "RECYCLING",
        "CREATE_FAILED", "PURGED")}
    iid = {}
    for s in ("RUNNING", "STOPPING", "STOPPED", "RELEASING", "RECYCLE", "RECYCLING", "PURGED"):
        [iid[s]] = create_instances(c.zec, 1, resourceGroupId=gid[s])
    server.create_faults(failures=[{"phase": "deploy", "count": 1}])
    [iid["CREATE_FAILED"]] = create_instances(c.zec, 1, resourceGroupId=gid["CREATE_FAILED"])
    server.advance("3s")  # deployed (one failed)
    sdk_call(c.zec, "StopInstances", instanceIds=[iid["STOPPED"]])
    sdk_call(c.zec, "ReleaseInstances",
             instanceIds=[iid["RECYCLE"], iid["RECYCLING"], iid["PURGED"]])
    server.advance("2s")  # stopped; released into the recycle bin
    sdk_call(c.zec, "ReleaseInstances", instanceIds=[iid["PURGED"]])
    server.advance("2s")  # purged
    # The transient states begin now; the clock stands still from here.
    sdk_call(c.zec, "ReleaseInstances", instanceIds=[iid["RECYCLING"]])
    sdk_call(c.zec, "StopInstances", instanceIds=[iid["STOPPING"]])
    sdk_call(c.zec, "ReleaseInstances", instanceIds=[iid["RELEASING"]])
    [iid["DEPLOYING"]] = create_instances(c.zec, 1, resourceGroupId=gid["DEPLOYING"])

    live = {s: i for s, i in iid.items() if s != "PURGED"}
    resp = sdk_call(c.zec, "DescribeInstances", instanceIds=list(live.values()))
    assert {i.instanceId: i.status for i in resp.dataSet} == {i: s for s, i in live.items()}
    for s, i in live.items():
        assert members(c, gid[s]) == [i], s
    assert members(c, gid["PURGED"]) == []

    for s in live:
        assert sdk_status_error(c.user, "DeleteResourceGroup",
                                resourceGroupId=gid[s]) == NOT_EMPTY, s
    assert set(groups(c)) == set(gid.values()) | {default_group(c)}
    # The purged instance's group is empty again.
    sdk_call(c.user, "DeleteResourceGroup", resourceGroupId=gid["PURGED"])
    # Moved out, whatever their status, the others can go.
    home = default_group(c)
    for s, i in live.items():
        sdk_call(c.user, "AddResourceResourceGroup", resourceGroupId=home, resources=[i])
        assert members(c, gid[s]) == []
        sdk_call(c.user, "DeleteResourceGroup", resourceGroupId=gid[s])
    assert groups(c) == {home: DEFAULT_GROUP_NAME}
    assert statuses_of(c, list(live.values())) == {i: s for s, i in live.items()}


def statuses_of(c, ids):
    resp = sdk_call(c.zec, "DescribeInstancesStatus", instanceIds=ids)
    return {s.instanceId: s.instanceStatus for s in resp.dataSet}


# ---- CreateZecInstances with resourceGroupId ----

def test_instances_are_created_into_the_group_named(acct):
    gid = create_group(acct, "batch")
    ids = create_instances(acct.zec, 3, resourceGroupId=gid)
    assert members(acct, gid) == ids
    for iid in ids:
        assert group_of(acct, iid) == (gid, "batch")
    [info] = sdk_call(acct.zec, "DescribeInstances", instanceIds=ids[:1]).dataSet
    assert info.nics[0].resourceGroup.resourceGroupId == gid
    assert info.nics[0].resourceGroup.resourceGroupName == "batch"


def test_creating_into_an_unknown_group_creates_nothing(server, acct):
    for gid in (str(uuid.uuid4()), "nope"):
        assert sdk_status_error(acct.zec, "CreateZecInstances",
                                **_create(resourceGroupId=gid, instanceCount=2)) \
            == GROUP_NOT_FOUND
    assert sdk_call(acct.zec, "DescribeInstancesStatus").totalCount == 0


# ---- AddResourceResourceGroup ----

def test_add_resource_resource_group_moves_instances(acct):
    home = default_group(acct)
    gid = create_group(acct, "dest")
    ids = create_instances(acct.zec, 4)
    assert sdk_call(acct.user, "AddResourceResourceGroup", resourceGroupId=gid,
                    resources=[ids[1], ids[3]]).requestId
    assert members(acct, gid) == [ids[1], ids[3]]
    assert members(acct, home) == [ids[0], ids[2]]
    assert describe_members(acct, gid) == [ids[1], ids[3]]
    assert members(acct, gid, V2024) == [ids[1], ids[3]]
    assert group_of(acct, ids[1]) == (gid, "dest")
    # Into the group they are in: nothing to do, and no error; back to the default group.
    sdk_call(acct.user, "AddResourceResourceGroup", resourceGroupId=gid, resources=[ids[1]])
    sdk_call(acct.user, "AddResourceResourceGroup", resourceGroupId=home,
             resources=[ids[3], ids[3]])
    assert where(acct, ids) == {ids[0]: home, ids[1]: gid, ids[2]: home, ids[3]: home}


def test_a_move_changes_nothing_but_the_group(server, acct):
    gid = create_group(acct, "only-group")
    ids = create_instances(acct.zec, 2, tags={"tags": [{"key": "k", "value": "v"}]},
                           instanceName="mover")
    before = snapshot(server, acct, ids)
    sdk_call(acct.user, "AddResourceResourceGroup", resourceGroupId=gid, resources=ids[:1])
    sdk_call(acct.zec24, "ModifyInstancesResourceGroup", resourceGroupId=gid,
             instanceIds=ids[1:])
    after = snapshot(server, acct, ids)
    for iid in ids:
        assert after[iid]["resourceGroupId"] == gid
        assert after[iid]["resourceGroupName"] == "only-group"
        assert without_group(after[iid]) == without_group(before[iid])


@pytest.mark.parametrize("position", ["first", "last"])
def test_add_resource_with_an_unknown_resource_moves_nothing(acct, position):
    home = default_group(acct)
    gid = create_group(acct, "dest")
    ids = create_instances(acct.zec, 2)
    # (The id right after an instance's is its primary NIC's, itself a resource: an id well
    # past every one made names nothing.)
    for unknown in (NO_SUCH_INSTANCE, "not-an-id", str(int(ids[-1]) + 10**9)):
        resources = [unknown] + ids if position == "first" else ids + [unknown]
        assert sdk_status_error(acct.user, "AddResourceResourceGroup", resourceGroupId=gid,
                                resources=resources) == RESOURCE_NOT_FOUND
    assert where(acct, ids) == {i: home for i in ids}
    assert members(acct, gid) == []


def test_add_resource_into_an_unknown_group_moves_nothing(acct):
    home = default_group(acct)
    ids = create_instances(acct.zec, 2)
    for gid in (str(uuid.uuid4()), "nope"):
        assert sdk_status_error(acct.user, "AddResourceResourceGroup", resourceGroupId=gid,
                                resources=ids) == GROUP_NOT_FOUND
    assert where(acct, ids) == {i: home for i in ids}


def test_add_resource_into_a_deleted_group_is_not_found(acct):
    gid = create_group(acct, "short-lived")
    sdk_call(acct.user, "DeleteResourceGroup", resourceGroupId=gid)
    [iid] = create_instances(acct.zec, 1)
    assert sdk_status_error(acct.user, "AddResourceResourceGroup", resourceGroupId=gid,
                            resources=[iid]) == GROUP_NOT_FOUND
    assert group_of(acct, iid)[0] == default_group(acct)


@pytest.mark.parametrize("fields", [
    {"resources": []},
    {"resourceGroupId": None},
    {},
])
def test_add_resource_requires_a_group_and_resources(acct, fields):
    gid = create_group(acct, "g")
    [iid] = create_instances(acct.zec, 1)
    request = {"resourceGroupId": gid, "resources": [iid], **fields}
    request = {k: v for k, v in request.items() if v is not None}
    if fields == {}:
        request = {}
    assert sdk_status_error(acct.user, "AddResourceResourceGroup", **request)[0] \
        == "MISSING_PARAMETER"
    assert members(acct, gid) == []


# ---- ModifyInstancesResourceGroup (zec 2024-04-01) ----

def test_modify_instances_resource_group_moves_instances(acct):
    gid = create_group(acct, "zec-move")
    ids = create_instances(acct.zec, 3)
    assert sdk_call(acct.zec24, "ModifyInstancesResourceGroup", instanceIds=ids[:2],
                    resourceGroupId=gid).requestId
    assert members(acct, gid) == ids[:2]
    assert members(acct, default_group(acct)) == ids[2:]
    assert group_of(acct, ids[0]) == (gid, "zec-move")


def test_modify_instances_resource_group_with_an_unknown_instance_moves_nothing(acct):
    home = default_group(acct)
    gid = create_group(acct, "zec-move")
    ids = create_instances(acct.zec, 2)
    for unknown in (NO_SUCH_INSTANCE, "not-an-id"):
        assert sdk_status_error(acct.zec24, "ModifyInstancesResourceGroup",
                                instanceIds=ids + [unknown],
                                resourceGroupId=gid) == INSTANCE_NOT_FOUND
    assert where(acct, ids) == {i: home for i in ids}


def test_modify_instances_resource_group_into_an_unknown_group_moves_nothing(acct):
    home = default_group(acct)
    ids = create_instances(acct.zec, 2)
    assert sdk_status_error(acct.zec24, "ModifyInstancesResourceGroup", instanceIds=ids,
                            resourceGroupId=str(uuid.uuid4())) == GROUP_NOT_FOUND
    assert where(acct, ids) == {i: home for i in ids}


# ---- the resourceGroupId filter ----

@pytest.mark.parametrize("version", [V2025, V2024])
def test_the_group_filter_lists_exactly_the_members_in_creation_order(acct, version):
    a, b = create_group(acct, "a"), create_group(acct, "b")
    home = default_group(acct)
    made = []
    for gid in (a, b, home, a, None, b, a):
        made += [(i, gid or home) for i in create_instances(
            acct.zec, 1, **({"resourceGroupId": gid} if gid else {}))]
    # A move reorders nothing: lists stay in creation order.
    sdk_call(acct.user, "AddResourceResourceGroup", resourceGroupId=a, resources=[made[2][0]])
    made[2] = (made[2][0], a)
    for gid in (a, b, home):
        expected = [i for i, g in made if g == gid]
        assert members(acct, gid, version) == expected
        assert describe_members(acct, gid, version) == expected
    # Paged, two at a time.
    client = acct.zec if version == V2025 else acct.zec24
    expected = [i for i, g in made if g == a]
    pages = []
    for page in range(1, 4):
        resp = sdk_call(client, "DescribeInstancesStatus", resourceGroupId=a, pageSize=2,
                        pageNum=page)
        assert resp.totalCount == len(expected)
        pages += [s.instanceId for s in resp.dataSet]
    assert pages == expected


@pytest.mark.parametrize("version", [V2025, V2024])
def test_a_filter_naming_an_unknown_group_is_empty(acct, version):
    create_instances(acct.zec, 2)
    client = acct.zec if version == V2025 else acct.zec24
    for gid in (str(uuid.uuid4()), "nope"):
        for action in ("DescribeInstancesStatus", "DescribeInstances"):
            resp = sdk_call(client, action, resourceGroupId=gid)
            assert (resp.totalCount, resp.dataSet) == (0, []), (action, gid)


def test_a_group_filter_with_instance_ids_is_their_intersection(acct):
    gid = create_group(acct, "x")
    inside = create_instances(acct.zec, 2, resourceGroupId=gid)
    outside = create_instances(acct.zec, 2)
    both = [outside[0], inside[1], outside[1], inside[0]]
    resp = sdk_call(acct.zec, "DescribeInstancesStatus", instanceIds=both, resourceGroupId=gid)
    assert (resp.totalCount, [s.instanceId for s in resp.dataSet]) == (2, inside)
    resp = sdk_call(acct.zec, "DescribeInstances", instanceIds=both, resourceGroupId=gid)
    assert (resp.totalCount, [i.instanceId for i in resp.dataSet]) == (2, inside)


# ---- concurrency: a group is never deleted from under its instances ----

def _race(first, second) -> tuple[object, object]:
    """Runs two calls at the same moment; returns their results (an exception's code if
    one raised)."""
    results: list[object] = [None, None]
    barrier = threading.Barrier(2)

    def run(n, call):
        barrier.wait()
        try:
            results[n] = call()
        except ZenlayerCloudSdkException as e:
            results[n] = e.code

    threads = [threading.Thread(target=run, args=(n, call))
               for n, call in enumerate((first, second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results[0], results[1]


RACERS = {
    "CreateZecInstances": lambda c, gid, iid: sdk_call(
        c.zec, "CreateZecInstances", **_create(resourceGroupId=gid)).instanceIdSet,
    "AddResourceResourceGroup": lambda c, gid, iid: sdk_call(
        c.user, "AddResourceResourceGroup", resourceGroupId=gid, resources=[iid]),
    "ModifyInstancesResourceGroup": lambda c, gid, iid: sdk_call(
        c.zec24, "ModifyInstancesResourceGroup", resourceGroupId=gid, instanceIds=[iid]),
}


@pytest.mark.parametrize("action", sorted(RACERS))
def test_a_group_deleted_while_instances_join_it_never_leaves_them_in_no_group(server, acct,
                                                                              action):
    """DeleteResourceGroup and an action putting an instance into the same group, sent at the
    same moment, 25 times: either the instance joined and the group stays (NOT_EMPTY), or the
    group went and the action failed (GROUP_NOT_FOUND) — never both succeeding."""
    [iid] = create_instances(acct.zec, 1)
    both = []
    for n in range(25):
        gid = create_group(acct, f"race-{n}")
        joined, deleted = _race(lambda: RACERS[action](acct, gid, iid),
                                lambda: sdk_call(acct.user, "DeleteResourceGroup",
                                                 resourceGroupId=gid))
        if not isinstance(joined, str) and not isinstance(deleted, str):
            both.append(gid)
        else:
            assert joined == GROUP_NOT_FOUND[0] or deleted == NOT_EMPTY[0], (joined, deleted)
    listed = set(groups(acct))
    resp = sdk_call(acct.zec, "DescribeInstances", pageSize=1000)
    orphans = {i.instanceId: i.resourceGroupId for i in resp.dataSet
               if i.resourceGroupId not in listed}
    assert not both and not orphans, (
        f"{len(both)} of 25 rounds both succeeded; instances in groups that do not exist: "
        f"{orphans}")


def test_concurrent_creates_of_one_name_make_one_group(acct):
    made, refused = _race(lambda: create_group(acct, "once"), lambda: create_group(acct, "once"))
    results = sorted([made, refused], key=str)
    assert NAME_TAKEN[0] in results, results
    assert list(groups(acct).values()).count("once") == 1
