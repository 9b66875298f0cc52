"""Read-only and resource-group-scoped credentials through the official Python SDK (issue 4
item 4): ``zecd keys create --read-only`` / ``--resource-group ID`` (repeatable), and the same
for ``zecd tokens create``.

* A read-only credential may call Describe* actions only; any other action is
  AUTHFAILURE_UNAUTHORIZED_OPERATION (HTTP 401) and changes nothing.
* A credential scoped to resource groups sees only the instances in them (lists, counts,
  explicit ids, every filter), DescribeResourceGroups lists only them, it may not create,
  rename or delete groups, and any action touching an instance outside them — or creating
  into, or moving into, a group outside them (the default group too, when none is named) — is
  AUTHFAILURE_UNAUTHORIZED_OPERATION with nothing changed.

Each test builds its own account ("world") on a zecd with a manual clock, so that nothing
moves unless a test acts; "nothing changed" compares everything the account's full key sees
(every instance's DescribeInstances record, every group) before and after."""

from __future__ import annotations

import itertools
import json
import threading
from dataclasses import dataclass, field

import pytest

from conftest import (
    DEFAULT_GROUP_NAME,
    IMAGE,
    PASSWORD,
    ZONE,
    SdkClients,
    ZecdServer,
    ZenlayerCloudSdkException,
    create_fields,
    create_instances,
    first_use,
    models_2025,
    sdk_call,
    sdk_status_error,
    zrm_models,
)

UNAUTHORIZED = ("AUTHFAILURE_UNAUTHORIZED_OPERATION", 401)
NEW_PASSWORD = "N3w-Passw0rd!"
OTHER_TYPE = "z2a.cpu.2"  # instances are made z2a.cpu.1 in asia-east-1a

_accounts = itertools.count()


@pytest.fixture(scope="module")
def server(manual_zecd):
    return manual_zecd


@dataclass
class World:
    """An account with groups g1, g2 (and an empty one) and instances in them and in the
    default group, RUNNING or STOPPED; ``full`` is a key of the whole account."""
    server: ZecdServer
    account: str
    full: SdkClients
    key: tuple[str, str]
    groups: dict[str, str]  # "g1", "g2", "empty", "default" -> id
    # (group, status) -> instance ids; statuses "RUNNING", "STOPPED"
    ids: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def running(self, group: str, n: int = 0) -> str:
        return self.ids[(group, "RUNNING")][n]

    def stopped(self, group: str, n: int = 0) -> str:
        return self.ids[(group, "STOPPED")][n]

    def members(self, *groups: str) -> list[str]:
        """The ids of the instances in ``groups``, in creation order."""
        ids = [i for (g, _), l in self.ids.items() if g in groups for i in l]
        return sorted(ids, key=int)

    def scoped(self, *groups: str, read_only: bool = False, token: bool = False) -> SdkClients:
        """The clients of a new key (or token) limited to ``groups``."""
        gids = [self.groups[g] for g in groups]
        if token:
            _, t = self.server.create_token(self.account, read_only=read_only,
                                            resource_groups=gids)
            return first_use(self.server.clients(token=t))
        return first_use(self.server.clients(*self.server.create_key(
            self.account, read_only=read_only, resource_groups=gids)))

    def state(self) -> dict:
        """Everything the account's full key sees: instances and groups, raw."""
        key_id, password = self.key
        r = self.server.raw("DescribeInstances", json.dumps({"pageSize": 1000}),
                            key_id=key_id, password=password)
        assert r.status == 200, r
        instances = r.json["response"]["dataSet"]
        r = self.server.raw("DescribeResourceGroups", "{}", path="/api/v2/user",
                            version="2024-05-29", key_id=key_id, password=password)
        assert r.status == 200, r
        return {"instances": instances, "groups": r.json["response"]["resourceGroups"]}

    def group_of(self, iid: str) -> str:
        [info] = sdk_call(self.full.zec, "DescribeInstances", instanceIds=[iid]).dataSet
        return info.resourceGroupId


@pytest.fixture
def world(server) -> World:
    name = f"perm{next(_accounts)}"
    server.create_account(name)
    key = server.create_key(name)
    full = first_use(server.clients(*key))
    groups = {g: sdk_call(full.user, "CreateResourceGroup", name=g).resourceGroupId
              for g in ("g1", "g2", "empty")}
    groups["default"] = [g.resourceGroupId for g in
                         sdk_call(full.user, "DescribeResourceGroups").resourceGroups
                         if g.name == DEFAULT_GROUP_NAME][0]
    w = World(server, name, full, key, groups)
    for g in ("g1", "g2", "default"):
        extra = {} if g == "default" else {"resourceGroupId": groups[g]}
        tags = models_2025.TagAssociation({"tags": [{"key": "team", "value": g}]})
        w.ids[(g, "RUNNING")] = create_instances(full.zec, 2, instanceName=f"{g}-run-[1,1]",
                                                 tags=tags, **extra)
        w.ids[(g, "STOPPED")] = create_instances(full.zec, 1, instanceName=f"{g}-stop",
                                                 tags=tags, **extra)
    server.advance("3s")
    stopped = [i for (g, s), l in w.ids.items() if s == "STOPPED" for i in l]
    sdk_call(full.zec, "StopInstances", instanceIds=stopped)
    server.advance("2s")
    return w


# ---- what each write looks like, aimed at given instances ----

def writes(w: World, running: str, stopped: str, group: str) -> list[tuple[str, str, dict]]:
    """Every action zecd serves that is not a Describe*, as (client, action, fields): a valid
    request on a RUNNING and a STOPPED instance, ``group`` being a group to create into or move
    to."""
    return [
        ("zec", "CreateZecInstances", create_fields(resourceGroupId=group)),
        ("zec", "StartInstances", {"instanceIds": [stopped]}),
        ("zec", "StopInstances", {"instanceIds": [running]}),
        ("zec", "RebootInstances", {"instanceIds": [running]}),
        ("zec", "ReleaseInstances", {"instanceIds": [running]}),
        ("zec", "ModifyInstancesAttribute", {"instanceIds": [running], "instanceName": "renamed"}),
        ("zec", "ModifyInstanceType", {"instanceId": stopped, "instanceType": OTHER_TYPE}),
        ("zec", "ResetInstance", {"instanceId": stopped, "imageId": IMAGE, "password": PASSWORD}),
        ("zec", "ResetInstancePassword", {"instanceId": running, "password": NEW_PASSWORD}),
        ("zec", "StartIpForward", {"instanceId": running}),
        ("zec", "StopIpForward", {"instanceId": running}),
        ("zec24", "StopInstances", {"instanceIds": [running]}),
        ("zec24", "ModifyInstancesResourceGroup", {"instanceIds": [running],
                                                   "resourceGroupId": group}),
        ("user", "CreateResourceGroup", {"name": "new-group"}),
        ("user", "ModifyResourceGroup", {"resourceGroupId": group, "name": "renamed"}),
        ("user", "DeleteResourceGroup", {"resourceGroupId": w.groups["empty"]}),
        ("user", "AddResourceResourceGroup", {"resourceGroupId": group, "resources": [running]}),
        ("zrm", "ModifyResourceTags", {"resourceUuid": running,
                                       "replaceTags": [zrm_models.Tag({"key": "k",
                                                                       "value": "v"})]}),
    ]


def error(clients: SdkClients, client: str, action: str, fields: dict) -> tuple[str, int]:
    return sdk_status_error(getattr(clients, client), action, **fields)


def listing(client, action: str = "DescribeInstancesStatus", **fields) -> tuple[int, list[str]]:
    resp = sdk_call(client, action, pageSize=1000, **fields)
    if action == "DescribeInstancesStatus":
        return resp.totalCount, [s.instanceId for s in resp.dataSet]
    return resp.totalCount, [i.instanceId for i in resp.dataSet]


CREDENTIALS = ["key", "token"]


# ---- read-only ----

@pytest.mark.parametrize("kind", CREDENTIALS)
def test_a_read_only_credential_may_not_write(world, kind):
    w = world
    ro = w.scoped(read_only=True, token=kind == "token")
    # Instances for the control below, RUNNING.
    fresh = iter(create_instances(w.full.zec, 12))
    w.server.advance("3s")
    before = w.state()
    requests = writes(w, w.running("g1"), w.stopped("g1"), w.groups["g2"])
    for client, action, fields in requests:
        assert error(ro, client, action, fields) == UNAUTHORIZED, (client, action)
    # Refused before the request is even read: an empty one gets the same answer.
    for client, action, _ in requests:
        assert error(ro, client, action, {}) == UNAUTHORIZED, (client, action)
    assert w.state() == before
    # The requests were valid: the full key may make each of them (each on an instance of
    # its own, so that one does not get in the way of the next).
    for client, action, fields in requests:
        fields = dict(fields)
        if "instanceIds" in fields and action != "StartInstances":
            fields["instanceIds"] = [next(fresh)]
        elif action in ("ResetInstancePassword", "StartIpForward", "StopIpForward"):
            fields["instanceId"] = next(fresh)
        elif action == "AddResourceResourceGroup":
            fields["resources"] = [next(fresh)]
        elif action == "ModifyResourceTags":
            fields["resourceUuid"] = next(fresh)
        elif action == "ModifyInstanceType":
            fields["instanceId"] = w.stopped("g2")
        elif action == "StartInstances":
            fields["instanceIds"] = [w.stopped("default")]
        sdk_call(getattr(w.full, client), action, **fields)


@pytest.mark.parametrize("kind", CREDENTIALS)
def test_a_read_only_credential_may_describe_everything(world, kind):
    w = world
    ro = w.scoped(read_only=True, token=kind == "token")
    everyone = w.members("g1", "g2", "default")
    assert listing(ro.zec) == listing(w.full.zec) == (len(everyone), everyone)
    assert listing(ro.zec, "DescribeInstances") == (len(everyone), everyone)
    assert listing(ro.zec24, "DescribeInstances") == (len(everyone), everyone)
    assert listing(ro.zec, "DescribeInstances", resourceGroupId=w.groups["g2"])[1] == \
        w.members("g2")
    assert {g.resourceGroupId for g in sdk_call(ro.user, "DescribeResourceGroups")
            .resourceGroups} == set(w.groups.values())
    for action, fields in (("DescribeZones", {}), ("DescribeZoneInstanceConfigInfos", {}),
                           ("DescribeImages", {"zoneId": ZONE}), ("DescribeVpcs", {}),
                           ("DescribeSubnets", {}), ("DescribeSecurityGroups", {})):
        assert sdk_call(ro.zec, action, **fields).requestId, action


@pytest.mark.parametrize("kind", CREDENTIALS)
def test_a_read_only_scoped_credential_reads_its_groups_and_writes_nothing(world, kind):
    w = world
    ro = w.scoped("g1", read_only=True, token=kind == "token")
    assert listing(ro.zec) == (3, w.members("g1"))
    assert [g.resourceGroupId for g in sdk_call(ro.user, "DescribeResourceGroups")
            .resourceGroups] == [w.groups["g1"]]
    before = w.state()
    for client, action, fields in writes(w, w.running("g1"), w.stopped("g1"), w.groups["g1"]):
        assert error(ro, client, action, fields) == UNAUTHORIZED, (client, action)
    assert w.state() == before


# ---- scoped to groups: what it sees ----

@pytest.mark.parametrize("kind", CREDENTIALS)
def test_a_scoped_credential_lists_and_counts_only_its_groups(world, kind):
    w = world
    c = w.scoped("g1", token=kind == "token")
    mine = w.members("g1")
    for client in (c.zec, c.zec24):
        for action in ("DescribeInstancesStatus", "DescribeInstances"):
            assert listing(client, action) == (3, mine), action
            everyone = w.members("g1", "g2", "default")
            assert listing(client, action, instanceIds=everyone) == (3, mine)
            assert listing(client, action, instanceIds=w.members("g2", "default")) == (0, [])
            assert listing(client, action, resourceGroupId=w.groups["g1"]) == (3, mine)
            for g in ("g2", "default", "empty"):
                assert listing(client, action, resourceGroupId=w.groups[g]) == (0, []), g
    # Counted and paged within the groups only.
    resp = sdk_call(c.zec, "DescribeInstancesStatus", pageSize=2, pageNum=2)
    assert (resp.totalCount, [s.instanceId for s in resp.dataSet]) == (3, mine[2:])


def test_every_filter_of_a_scoped_credential_stays_in_its_groups(world):
    w = world
    c = w.scoped("g2")
    outside = sdk_call(w.full.zec, "DescribeInstances",
                       instanceIds=w.members("g1", "default")).dataSet
    for info in outside:
        for f in ({"name": info.instanceName}, {"ipv4Address": info.privateIpAddresses[0]},
                  {"tags": [models_2025.Tag({"key": "team", "value": info.tags.tags[0].value})]},
                  {"instanceIds": [info.instanceId]}, {"status": info.status},
                  {"zoneId": info.zoneId}, {"tagKeys": ["team"]}):
            total, ids = listing(c.zec, "DescribeInstances", **f)
            assert info.instanceId not in ids
            assert set(ids) <= set(w.members("g2")), f


def test_a_scoped_credential_lists_only_its_resource_groups(world):
    w = world
    assert [g.resourceGroupId for g in sdk_call(w.scoped("g1").user, "DescribeResourceGroups")
            .resourceGroups] == [w.groups["g1"]]
    two = w.scoped("g1", "g2")
    assert {g.resourceGroupId for g in sdk_call(two.user, "DescribeResourceGroups")
            .resourceGroups} == {w.groups["g1"], w.groups["g2"]}
    assert {g.name for g in sdk_call(two.user, "DescribeResourceGroups").resourceGroups} == \
        {"g1", "g2"}


def test_what_a_scoped_credential_sees_follows_moves(world):
    w = world
    c = w.scoped("g1")
    b = w.running("g2")
    sdk_call(w.full.user, "AddResourceResourceGroup", resourceGroupId=w.groups["g1"],
             resources=[b])
    assert b in listing(c.zec)[1]
    assert listing(c.zec, instanceIds=[b]) == (1, [b])
    sdk_call(w.full.zec24, "ModifyInstancesResourceGroup", instanceIds=[b],
             resourceGroupId=w.groups["default"])
    assert listing(c.zec) == (3, w.members("g1"))
    assert listing(c.zec, instanceIds=[b]) == (0, [])


# ---- scoped to groups: what it may do ----

@pytest.mark.parametrize("kind", CREDENTIALS)
def test_a_scoped_credential_may_not_manage_resource_groups(world, kind):
    w = world
    c = w.scoped("g1", "empty", token=kind == "token")
    before = w.state()
    for action, fields in (("CreateResourceGroup", {"name": "mine"}),
                           ("ModifyResourceGroup", {"resourceGroupId": w.groups["g1"],
                                                    "name": "renamed"}),
                           ("ModifyResourceGroup", {"resourceGroupId": w.groups["g2"],
                                                    "name": "renamed"}),
                           ("DeleteResourceGroup", {"resourceGroupId": w.groups["empty"]}),
                           ("DeleteResourceGroup", {"resourceGroupId": w.groups["g2"]})):
        assert sdk_status_error(c.user, action, **fields) == UNAUTHORIZED, (action, fields)
    assert w.state() == before


@pytest.mark.parametrize("kind", CREDENTIALS)
def test_a_scoped_credential_creates_only_into_its_groups(world, kind):
    w = world
    c = w.scoped("g1", token=kind == "token")
    before = w.state()
    for group in (None, w.groups["g2"], w.groups["default"]):
        fields = create_fields() if group is None else create_fields(resourceGroupId=group)
        assert sdk_status_error(c.zec, "CreateZecInstances", **fields) == UNAUTHORIZED, group
    assert w.state() == before
    [new] = create_instances(c.zec, 1, resourceGroupId=w.groups["g1"])
    assert w.group_of(new) == w.groups["g1"]
    assert new in listing(c.zec)[1]


@pytest.mark.parametrize("kind", CREDENTIALS)
def test_a_scoped_credential_may_not_touch_instances_outside_its_groups(world, kind):
    w = world
    c = w.scoped("g1", token=kind == "token")
    before = w.state()
    inside_run, inside_stop = w.running("g1"), w.stopped("g1")
    for outside in ("g2", "default"):
        run, stop = w.running(outside), w.stopped(outside)
        for client, action, fields in writes(w, run, stop, w.groups["g1"]):
            if client == "user" or action == "CreateZecInstances":
                continue  # not about an instance; see the tests above
            assert error(c, client, action, fields) == UNAUTHORIZED, (outside, action)
        # Mixed with instances of its own group, nothing is done either.
        for action in ("StartInstances", "StopInstances", "RebootInstances", "ReleaseInstances"):
            target = stop if action == "StartInstances" else run
            mine = inside_stop if action == "StartInstances" else inside_run
            for ids in ([mine, target], [target, mine]):
                assert sdk_status_error(c.zec, action, instanceIds=ids) == UNAUTHORIZED
        assert sdk_status_error(c.zec, "ModifyInstancesAttribute", instanceIds=[inside_run, run],
                                instanceName="renamed") == UNAUTHORIZED
        assert sdk_status_error(c.user, "AddResourceResourceGroup",
                                resourceGroupId=w.groups["g1"],
                                resources=[inside_run, run]) == UNAUTHORIZED
        assert sdk_status_error(c.user, "AddResourceResourceGroup",
                                resourceGroupId=w.groups["g1"], resources=[run]) == UNAUTHORIZED
        assert sdk_status_error(c.zec24, "ModifyInstancesResourceGroup",
                                instanceIds=[run, inside_run],
                                resourceGroupId=w.groups["g1"]) == UNAUTHORIZED
    assert w.state() == before


@pytest.mark.parametrize("kind", CREDENTIALS)
def test_a_scoped_credential_may_not_move_its_instances_out(world, kind):
    w = world
    c = w.scoped("g1", token=kind == "token")
    before = w.state()
    mine = w.running("g1")
    for g in ("g2", "default", "empty"):
        assert sdk_status_error(c.zec24, "ModifyInstancesResourceGroup", instanceIds=[mine],
                                resourceGroupId=w.groups[g]) == UNAUTHORIZED, g
        assert sdk_status_error(c.user, "AddResourceResourceGroup", resourceGroupId=w.groups[g],
                                resources=[mine]) == UNAUTHORIZED, g
    assert w.state() == before


@pytest.mark.parametrize("kind", CREDENTIALS)
def test_a_scoped_credential_does_everything_inside_its_groups(world, kind):
    w = world
    c = w.scoped("g1", token=kind == "token")
    run = w.ids[("g1", "RUNNING")]
    stop = w.stopped("g1")
    sdk_call(c.zec, "ModifyInstancesAttribute", instanceIds=run, instanceName="mine")
    sdk_call(c.zrm, "ModifyResourceTags", resourceUuid=run[0],
             replaceTags=[zrm_models.Tag({"key": "by", "value": "scoped"})])
    sdk_call(c.zec, "StartIpForward", instanceId=run[0])
    sdk_call(c.zec, "ResetInstancePassword", instanceId=run[0], password=NEW_PASSWORD)
    sdk_call(c.zec, "RebootInstances", instanceIds=[run[1]])
    sdk_call(c.zec, "ModifyInstanceType", instanceId=stop, instanceType=OTHER_TYPE)
    sdk_call(c.user, "AddResourceResourceGroup", resourceGroupId=w.groups["g1"], resources=run)
    sdk_call(c.zec24, "ModifyInstancesResourceGroup", instanceIds=run,
             resourceGroupId=w.groups["g1"])
    resp = sdk_call(w.full.zec, "DescribeInstances", instanceIds=run + [stop])
    info = {i.instanceId: i for i in resp.dataSet}
    assert [info[i].instanceName for i in run] == ["mine", "mine"]
    assert {t.key: t.value for t in info[run[0]].tags.tags} == {"team": "g1", "by": "scoped"}
    assert info[run[0]].enableIpForward is True
    assert info[run[1]].status == "REBOOT"
    assert (info[stop].status, info[stop].instanceType) == ("RESIZING", OTHER_TYPE)
    # Others are untouched.
    assert all(i.instanceName != "mine" for i in sdk_call(
        w.full.zec, "DescribeInstances", instanceIds=w.members("g2", "default")).dataSet)


def test_a_credential_of_two_groups_moves_instances_between_them(world):
    w = world
    c = w.scoped("g1", "g2")
    a, b = w.running("g1"), w.running("g2")
    assert listing(c.zec) == (6, w.members("g1", "g2"))
    sdk_call(c.user, "AddResourceResourceGroup", resourceGroupId=w.groups["g2"], resources=[a])
    sdk_call(c.zec24, "ModifyInstancesResourceGroup", instanceIds=[b],
             resourceGroupId=w.groups["g1"])
    assert (w.group_of(a), w.group_of(b)) == (w.groups["g2"], w.groups["g1"])
    [new] = create_instances(c.zec, 1, resourceGroupId=w.groups["g2"])
    assert w.group_of(new) == w.groups["g2"]
    before = w.state()
    assert sdk_status_error(c.user, "AddResourceResourceGroup",
                            resourceGroupId=w.groups["default"], resources=[a]) == UNAUTHORIZED
    assert sdk_status_error(c.zec, "CreateZecInstances", **create_fields()) == UNAUTHORIZED
    assert w.state() == before


# A scoped credential must learn nothing about an instance outside its groups: the refusal
# comes before anything about the instance is checked. Each probe fails for the full key by
# what the instance is (its type, zone, OS type, guest agent, tag count, status); the scoped
# credential must hear only AUTHFAILURE_UNAUTHORIZED_OPERATION.
PROBES = {
    "same-type": lambda w, i: ("zec", "ModifyInstanceType",
                               {"instanceId": i["stopped"], "instanceType": "z2a.cpu.1"}),
    "type-not-in-its-zone": lambda w, i: ("zec", "ModifyInstanceType",
                                          {"instanceId": i["stopped"],
                                           "instanceType": "z2a.cpu.16"}),
    "agentless-password-reset": lambda w, i: ("zec", "ResetInstancePassword",
                                              {"instanceId": i["agentless"],
                                               "password": NEW_PASSWORD}),
    "21st-tag": lambda w, i: ("zrm", "ModifyResourceTags",
                              {"resourceUuid": i["tagged"],
                               "replaceTags": [zrm_models.Tag({"key": "one-more",
                                                               "value": "x"})]}),
    "reset-to-another-os-type": lambda w, i: ("zec", "ResetInstance",
                                              {"instanceId": i["stopped"],
                                               "imageId": "freebsd141_20250610",
                                               "password": PASSWORD}),
    "reboot-a-stopped-one": lambda w, i: ("zec", "RebootInstances",
                                          {"instanceIds": [i["stopped"]]}),
    "reset-a-running-one": lambda w, i: ("zec", "ResetInstance",
                                         {"instanceId": w.running("g2"), "imageId": IMAGE,
                                          "password": PASSWORD}),
}


@pytest.mark.parametrize("probe", sorted(PROBES))
def test_a_scoped_credential_learns_nothing_about_instances_outside_its_groups(world, probe):
    w = world
    g2 = {"resourceGroupId": w.groups["g2"]}
    [agentless] = create_instances(w.full.zec, 1, enableAgent=False, **g2)
    [tagged] = create_instances(w.full.zec, 1, **g2, tags=models_2025.TagAssociation(
        {"tags": [{"key": f"k{n}", "value": "v"} for n in range(20)]}))
    w.server.advance("3s")
    extra = {"stopped": w.stopped("g2"), "agentless": agentless, "tagged": tagged}
    client, action, fields = PROBES[probe](w, extra)
    # What the full key would hear: an error about the instance itself.
    assert error(w.full, client, action, fields)[0] != UNAUTHORIZED[0]
    before = w.state()
    assert error(w.scoped("g1"), client, action, fields) == UNAUTHORIZED
    assert w.state() == before


# ---- the admin subcommands ----

def test_a_credential_cannot_be_scoped_to_a_group_the_account_does_not_have(server, world):
    w = world
    other = f"perm{next(_accounts)}"
    server.create_account(other)
    other_group = [g.resourceGroupId for g in sdk_call(
        first_use(server.clients(*server.create_key(other))).user, "DescribeResourceGroups")
        .resourceGroups][0]
    for kind in ("keys", "tokens"):
        for group in (other_group, "00000000-0000-4000-8000-000000000000", "nope"):
            result = server.admin_run(kind, "create", "--account", w.account,
                                      "--resource-group", group)
            assert result.returncode != 0, (kind, group, result.stdout)
            assert "ZENLAYERCLOUD_ACCESS_KEY_PASSWORD" not in result.stdout
            assert "token id" not in result.stdout


def test_keys_and_tokens_list_what_each_may_do(world):
    w = world
    key_id, _ = w.server.create_key(w.account, read_only=True,
                                    resource_groups=[w.groups["g1"], w.groups["g2"]])
    token_id, _ = w.server.create_token(w.account, resource_groups=[w.groups["g1"]])
    keys = w.server.admin("keys", "list", "--account", w.account)
    [line] = [l for l in keys.splitlines() if l.startswith(key_id)]
    assert "read-only" in line and w.groups["g1"] in line and w.groups["g2"] in line
    tokens = w.server.admin("tokens", "list", "--account", w.account)
    [line] = [l for l in tokens.splitlines() if l.startswith(token_id)]
    assert w.groups["g1"] in line and "read-only" not in line


def test_a_new_credential_is_accepted_on_its_first_requests_even_at_once(server, world):
    """A key or token made by ``zecd keys/tokens create`` while the server runs works from its
    very first request, also when several arrive together (as a client pool's would): 25 new
    credentials, each used by 8 requests sent at the same moment."""
    w = world
    refused = []
    for n in range(25):
        if n % 3 == 2:
            _, t = server.create_token(w.account, resource_groups=[w.groups["g1"]])
            clients = [server.clients(token=t) for _ in range(8)]
        else:
            key = server.create_key(w.account, read_only=bool(n % 2))
            clients = [server.clients(*key) for _ in range(8)]
        outcomes: list[object] = [None] * 8
        barrier = threading.Barrier(8)

        def run(k, clients=clients, outcomes=outcomes, barrier=barrier):
            barrier.wait()
            try:
                sdk_call(clients[k].zec, "DescribeInstancesStatus")
                outcomes[k] = "ok"
            except ZenlayerCloudSdkException as e:
                outcomes[k] = e.code

        threads = [threading.Thread(target=run, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if set(outcomes) != {"ok"}:
            refused.append((n, outcomes))
    assert not refused, f"new credentials refused on first use (round, outcomes): {refused}"
