"""Accounts are strictly isolated (issue 4 item 4), through the official Python SDK: every
action one account can send, aimed at another account's instance ids (real ones and guessed
neighbours: ids are time-ordered decimal numbers, so id-1, id+1, id+2), resource groups or
tags, answers exactly as it would for an id that never existed (INVALID_INSTANCE_NOT_FOUND,
OPERATION_FAILED_RESOURCE_GROUP_NOT_FOUND, OPERATION_FAILED_RESOURCE_NOT_FOUND,
INVALID_RESOURCE_NOT_FOUND, all 404 — same code, same HTTP status, same message but for the id),
reveals nothing through Describe* (by id, group, tag, name or address), and changes nothing:
afterwards both accounts' instances and groups are exactly as before.

The actions tried are every one the SDK clients offer that zecd serves: zec 2025-09-01 and
2024-04-01 Start/Stop/Reboot/ReleaseInstances, ModifyInstancesAttribute, ModifyInstanceType,
ResetInstance, ResetInstancePassword, Start/StopIpForward, ModifyInstancesResourceGroup,
CreateZecInstances, DescribeInstances, DescribeInstancesStatus; user AddResourceResourceGroup,
ModifyResourceGroup, DeleteResourceGroup, DescribeResourceGroups, CreateResourceGroup; zrm
ModifyResourceTags.

One zecd with a manual clock: nothing moves while the intruder tries."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

import pytest

from conftest import (
    IMAGE,
    PASSWORD,
    SUBNET,
    SdkClients,
    ZecdServer,
    create_fields,
    create_instances,
    first_use,
    models_2025,
    sdk_call,
    sdk_error,
    zrm_models,
)

INSTANCE_NOT_FOUND = ("INVALID_INSTANCE_NOT_FOUND", 404)
GROUP_NOT_FOUND = ("OPERATION_FAILED_RESOURCE_GROUP_NOT_FOUND", 404)
RESOURCE_NOT_FOUND = ("OPERATION_FAILED_RESOURCE_NOT_FOUND", 404)
TAG_RESOURCE_NOT_FOUND = ("INVALID_RESOURCE_NOT_FOUND", 404)

# An instance id nobody has, and a group id nobody has: the answers to compare with.
NOWHERE = "1000001"
NO_GROUP = "00000000-0000-4000-8000-000000000000"

SECRET_TAGS = [("owner-secret", "alpha-42"), ("cost-center", "cc-owner-only")]


@dataclass
class Account:
    name: str
    key: tuple[str, str]
    clients: SdkClients
    groups: dict[str, str]  # name -> id
    ids: list[str]


@dataclass
class Worlds:
    server: ZecdServer
    owner: Account
    intruder: Account
    intruder_token: SdkClients


def state(server: ZecdServer, acct: Account) -> dict:
    key_id, password = acct.key
    r = server.raw("DescribeInstances", json.dumps({"pageSize": 1000}),
                   key_id=key_id, password=password)
    assert r.status == 200, r
    r2 = server.raw("DescribeResourceGroups", "{}", path="/api/v2/user", version="2024-05-29",
                    key_id=key_id, password=password)
    assert r2.status == 200, r2
    return {"instances": r.json["response"]["dataSet"],
            "groups": r2.json["response"]["resourceGroups"]}


@pytest.fixture(scope="module")
def worlds(manual_zecd) -> Worlds:
    server = manual_zecd
    accounts = {}
    for name in ("owner", "intruder"):
        server.create_account(name)
        key = server.create_key(name)
        c = first_use(server.clients(*key))
        groups = {g.name: g.resourceGroupId
                  for g in sdk_call(c.user, "DescribeResourceGroups").resourceGroups}
        for g in ("projects", "spare"):
            groups[g] = sdk_call(c.user, "CreateResourceGroup", name=g).resourceGroupId
        accounts[name] = Account(name, key, c, groups, [])
    owner, intruder = accounts["owner"], accounts["intruder"]
    tags = models_2025.TagAssociation({"tags": [{"key": k, "value": v} for k, v in SECRET_TAGS]})
    # Interleaved, so that the owner's ids and the intruder's are neighbours.
    plan = [
        (owner, dict(instanceName="owner-web", internetChargeType="ByBandwidth", tags=tags)),
        (intruder, dict(instanceName="intruder-a")),
        (owner, dict(instanceName="owner-db", resourceGroupId=owner.groups["projects"],
                     tags=tags)),
        (owner, dict(instanceName="owner-fwd", enableIpForward=True,
                     resourceGroupId=owner.groups["projects"])),
        (intruder, dict(instanceName="intruder-b", resourceGroupId=intruder.groups["projects"])),
        (owner, dict(instanceName="owner-stopped", internetChargeType="ByBandwidth")),
    ]
    for acct, fields in plan:
        acct.ids += create_instances(acct.clients.zec, 1, **fields)
    server.advance("3s")
    for acct, stop in ((owner, owner.ids[-1]), (intruder, intruder.ids[-1])):
        sdk_call(acct.clients.zec, "StopInstances", instanceIds=[stop])
    server.advance("2s")
    _, token = server.create_token("intruder")
    return Worlds(server, owner, intruder, first_use(server.clients(token=token)))


def owner_targets(w: Worlds) -> list[str]:
    """The owner's ids and their neighbours, but never the intruder's own."""
    guesses = set(w.owner.ids)
    for i in w.owner.ids:
        guesses |= {str(int(i) + d) for d in (-1, 1, 2)}
    guesses -= set(w.intruder.ids)
    return sorted(guesses, key=int)


def answer(client, action: str, fields: dict) -> tuple[str, int, str]:
    e = sdk_error(client, action, **fields)
    return e.code, client.last_status, e.message


def same_as_nowhere(client, action: str, make, target: str, nowhere: str = NOWHERE,
                    expected: tuple[str, int] | None = None):
    """``make(id)`` is a request's fields; the answer for ``target`` must be the answer for an
    id that never existed, message included (but for the id), and ``expected`` if given."""
    got = answer(client, action, make(target))
    base = answer(client, action, make(nowhere))
    assert got[:2] == base[:2], (action, target, got, base)
    assert got[2].replace(target, "<id>") == base[2].replace(nowhere, "<id>"), (action, got, base)
    if expected is not None:
        assert got[:2] == expected, (action, target, got)


# Requests that name one instance, as (client, action, fields-of-id, expected answer).
def instance_requests() -> list[tuple[str, str, object, tuple[str, int]]]:
    one = lambda **f: (lambda i: {"instanceId": i, **f})  # noqa: E731
    many = lambda **f: (lambda i: {"instanceIds": [i], **f})  # noqa: E731
    tag = lambda pairs: (lambda i: {"resourceUuid": i, "replaceTags": [  # noqa: E731
        zrm_models.Tag({"key": k, "value": v}) for k, v in pairs]})
    nf, rnf = INSTANCE_NOT_FOUND, RESOURCE_NOT_FOUND
    reqs = []
    for client in ("zec", "zec24"):
        reqs += [
            (client, "StartInstances", many(), nf),
            (client, "StopInstances", many(), nf),
            (client, "RebootInstances", many(), nf),
            (client, "ReleaseInstances", many(), nf),
            (client, "ModifyInstancesAttribute", many(instanceName="taken-over"), nf),
            (client, "ModifyInstanceType", one(instanceType="z2a.cpu.2"), nf),
            (client, "ModifyInstanceType", one(instanceType="z2a.cpu.1"), nf),  # its own type
            (client, "ModifyInstanceType", one(instanceType="z2a.cpu.16"), nf),  # not in its zone
            (client, "ResetInstance", one(imageId=IMAGE, password=PASSWORD), nf),
            (client, "ResetInstance", one(imageId="freebsd141_20250610", password=PASSWORD), nf),
            (client, "ResetInstancePassword", one(password="N3w-Passw0rd!"), nf),
            (client, "StartIpForward", one(), nf),
            (client, "StopIpForward", one(), nf),
        ]
    reqs += [
        ("zec", "RebootInstances", many(forceReboot=True), nf),
        ("zec", "ReleaseInstances", many(dependResource=True), nf),
        ("zec", "StopInstances", many(forceShutdown=False), nf),
        ("user", "AddResourceResourceGroup", None, rnf),  # filled in by the test (a group)
        ("zrm", "ModifyResourceTags", tag([("k", "v")]), TAG_RESOURCE_NOT_FOUND),
        ("zrm", "ModifyResourceTags", tag([(f"k{n}", "v") for n in range(19)]),
         TAG_RESOURCE_NOT_FOUND),  # 19 more than the 2 it has
        ("zrm", "ModifyResourceTags", tag(SECRET_TAGS), TAG_RESOURCE_NOT_FOUND),
        ("zrm", "ModifyResourceTags", lambda i: {"resourceUuid": i,
                                                 "deleteTagKeys": ["owner-secret"]},
         TAG_RESOURCE_NOT_FOUND),
    ]
    return reqs


@pytest.fixture(params=["key", "token"])
def intruder(request, worlds) -> SdkClients:
    return worlds.intruder.clients if request.param == "key" else worlds.intruder_token


# ---- instance ids ----

def test_every_action_on_the_owners_instance_ids_answers_as_if_they_did_not_exist(worlds,
                                                                                    intruder):
    w = worlds
    before = (state(w.server, w.owner), state(w.server, w.intruder))
    targets = owner_targets(w)
    assert len(targets) >= 10 and set(w.owner.ids) <= set(targets)
    own_group = w.intruder.groups["projects"]
    for client, action, make, expected in instance_requests():
        if make is None:
            make = (lambda g: lambda i: {"resourceGroupId": g, "resources": [i]})(own_group)
        for t in targets:
            same_as_nowhere(getattr(intruder, client), action, make, t, expected=expected)
    for t in targets:
        same_as_nowhere(intruder.zec24, "ModifyInstancesResourceGroup",
                        lambda i: {"instanceIds": [i], "resourceGroupId": own_group}, t,
                        expected=INSTANCE_NOT_FOUND)
    assert (state(w.server, w.owner), state(w.server, w.intruder)) == before


def test_mixed_with_the_intruders_own_ids_nothing_is_done_to_either(worlds, intruder):
    w = worlds
    before = (state(w.server, w.owner), state(w.server, w.intruder))
    mine_running, mine_stopped = w.intruder.ids
    for t in w.owner.ids:
        for action, own in (("StopInstances", mine_running), ("RebootInstances", mine_running),
                            ("ReleaseInstances", mine_running),
                            ("StartInstances", mine_stopped)):
            for ids in ([own, t], [t, own]):
                assert answer(intruder.zec, action, {"instanceIds": ids})[:2] == \
                    INSTANCE_NOT_FOUND, (action, ids)
        assert answer(intruder.zec, "ModifyInstancesAttribute",
                      {"instanceIds": [mine_running, t], "instanceName": "both"})[:2] == \
            INSTANCE_NOT_FOUND
        assert answer(intruder.user, "AddResourceResourceGroup",
                      {"resourceGroupId": w.intruder.groups["spare"],
                       "resources": [mine_running, t]})[:2] == RESOURCE_NOT_FOUND
        assert answer(intruder.zec24, "ModifyInstancesResourceGroup",
                      {"instanceIds": [t, mine_running],
                       "resourceGroupId": w.intruder.groups["spare"]})[:2] == INSTANCE_NOT_FOUND
    assert (state(w.server, w.owner), state(w.server, w.intruder)) == before


def test_describe_by_the_owners_ids_is_empty(worlds, intruder):
    w = worlds
    targets = owner_targets(w)
    for client in (intruder.zec, intruder.zec24):
        for action in ("DescribeInstances", "DescribeInstancesStatus"):
            for t in targets:
                resp = sdk_call(client, action, instanceIds=[t])
                assert (resp.totalCount, resp.dataSet) == (0, []), (action, t)
            resp = sdk_call(client, action, instanceIds=targets + w.intruder.ids, pageSize=100)
            listed = [getattr(x, "instanceId") for x in resp.dataSet]
            assert (resp.totalCount, listed) == (2, w.intruder.ids), action


# ---- resource groups ----

def test_the_owners_groups_answer_as_if_they_did_not_exist(worlds, intruder):
    w = worlds
    before = (state(w.server, w.owner), state(w.server, w.intruder))
    mine = w.intruder.ids[0]
    # The owner's default group (which cannot be deleted), one holding instances (which
    # cannot be deleted either), an empty one, and guesses.
    owner_groups = list(w.owner.groups.values()) + [str(uuid.uuid4())]
    for g in owner_groups:
        for client, action, make, expected in (
            ("user", "ModifyResourceGroup", lambda g: {"resourceGroupId": g, "name": "mine"},
             GROUP_NOT_FOUND),
            ("user", "DeleteResourceGroup", lambda g: {"resourceGroupId": g}, GROUP_NOT_FOUND),
            ("user", "AddResourceResourceGroup",
             lambda g: {"resourceGroupId": g, "resources": [mine]}, GROUP_NOT_FOUND),
            ("zec24", "ModifyInstancesResourceGroup",
             lambda g: {"instanceIds": [mine], "resourceGroupId": g}, GROUP_NOT_FOUND),
            ("zec", "CreateZecInstances", lambda g: create_fields(resourceGroupId=g),
             GROUP_NOT_FOUND),
            ("zec24", "CreateZecInstances", lambda g: create_fields(resourceGroupId=g),
             GROUP_NOT_FOUND),
        ):
            same_as_nowhere(getattr(intruder, client), action, make, g, nowhere=NO_GROUP,
                            expected=expected)
        for client in (intruder.zec, intruder.zec24):
            for action in ("DescribeInstances", "DescribeInstancesStatus"):
                resp = sdk_call(client, action, resourceGroupId=g)
                assert (resp.totalCount, resp.dataSet) == (0, []), (action, g)
    assert (state(w.server, w.owner), state(w.server, w.intruder)) == before


def test_describe_resource_groups_lists_only_the_callers_groups(worlds, intruder):
    w = worlds
    listed = {g.resourceGroupId: g.name for g in
              sdk_call(intruder.user, "DescribeResourceGroups").resourceGroups}
    assert listed == {v: k for k, v in w.intruder.groups.items()}
    assert set(listed).isdisjoint(w.owner.groups.values())


# ---- filters ----

def test_no_filter_reveals_the_owners_instances(worlds, intruder):
    w = worlds
    owner_info = sdk_call(w.owner.clients.zec, "DescribeInstances", pageSize=1000).dataSet
    mine = sdk_call(w.intruder.clients.zec, "DescribeInstances", pageSize=1000).dataSet
    assert {i.instanceId for i in owner_info} == set(w.owner.ids)
    filters = []
    for i in owner_info:
        filters += [{"name": i.instanceName}, {"name": "owner"}, {"zoneId": i.zoneId},
                    {"imageId": i.imageId}, {"instanceType": i.instanceType},
                    {"status": i.status}, {"instanceTypeSeries": "z2a"}]
        filters += [{"ipv4Address": ip} for ip in i.publicIpAddresses + i.privateIpAddresses]
    filters += [{"tagKeys": [k]} for k, _ in SECRET_TAGS]
    filters += [{"tags": [models_2025.Tag({"key": k, "value": v})]} for k, v in SECRET_TAGS]
    for f in filters:
        for client in (intruder.zec, intruder.zec24):
            if client is intruder.zec24 and set(f) & {"instanceType", "instanceTypeSeries",
                                                       "tagKeys", "tags"}:
                continue
            resp = sdk_call(client, "DescribeInstances", pageSize=1000, **f)
            listed = [i.instanceId for i in resp.dataSet]
            assert resp.totalCount == len(listed)
            assert set(listed) <= set(w.intruder.ids), f
            # And exactly the intruder's own matches (a private address may be both's).
            assert listed == [i.instanceId for i in mine if _matches(i, f)], f


def _matches(i, f: dict) -> bool:
    (k, v), = f.items()
    if k == "name":
        return v.lower() in i.instanceName.lower()
    if k == "ipv4Address":
        return v in i.publicIpAddresses + i.privateIpAddresses
    if k == "instanceTypeSeries":
        return i.instanceType.split(".")[0] == v
    if k == "tagKeys":
        return any(t.key == v[0] for t in i.tags.tags)
    if k == "tags":
        return any((t.key, t.value) == (v[0].key, v[0].value) for t in i.tags.tags)
    return getattr(i, k) == v


def test_address_usage_counts_only_the_callers_instances(worlds, intruder):
    w = worlds
    [subnet] = sdk_call(intruder.zec, "DescribeSubnets", subnetIds=[SUBNET]).dataSet
    assert subnet.usageIpv4Count == len(w.intruder.ids)
    [owner_subnet] = sdk_call(w.owner.clients.zec, "DescribeSubnets",
                              subnetIds=[SUBNET]).dataSet
    assert owner_subnet.usageIpv4Count == len(w.owner.ids)


# ---- and the other way round ----

def test_the_owner_sees_nothing_of_the_intruder_either(worlds):
    w = worlds
    c = w.owner.clients
    for t in w.intruder.ids:
        assert sdk_call(c.zec, "DescribeInstancesStatus", instanceIds=[t]).totalCount == 0
        assert answer(c.zec, "StopInstances", {"instanceIds": [t]})[:2] == INSTANCE_NOT_FOUND
    for g in w.intruder.groups.values():
        assert answer(c.user, "DeleteResourceGroup", {"resourceGroupId": g})[:2] == \
            GROUP_NOT_FOUND


def test_group_names_are_the_accounts_own(worlds):
    """Both accounts have a "projects" group; the intruder may make any name the owner has, and
    the owner's groups stay as they were."""
    w = worlds
    before = state(w.server, w.owner)
    made = sdk_call(w.intruder.clients.user, "CreateResourceGroup", name="owner-only-name")
    sdk_call(w.owner.clients.user, "CreateResourceGroup", name="owner-only-name-2")
    sdk_call(w.intruder.clients.user, "ModifyResourceGroup", resourceGroupId=made.resourceGroupId,
             name="owner-only-name-2")
    after = state(w.server, w.owner)
    assert after["instances"] == before["instances"]
    assert [g for g in after["groups"] if g["name"] != "owner-only-name-2"] == before["groups"]
    sdk_call(w.intruder.clients.user, "DeleteResourceGroup",
             resourceGroupId=made.resourceGroupId)


def test_the_owners_private_address_is_free_for_the_intruder(worlds):
    """Private addresses are the account's own: asking for the owner's (lanIp) answers as for
    an address nobody uses. (Last in the module: it adds an instance to the intruder.)"""
    w = worlds
    owner_ips = {i.privateIpAddresses[0] for i in sdk_call(
        w.owner.clients.zec, "DescribeInstances", pageSize=1000).dataSet}
    mine = {i.privateIpAddresses[0] for i in sdk_call(
        w.intruder.clients.zec, "DescribeInstances", pageSize=1000).dataSet}
    ip = sorted(owner_ips - mine)[0]
    before = state(w.server, w.owner)
    [new] = create_instances(w.intruder.clients.zec, 1, lanIp=ip)
    w.intruder.ids.append(new)
    [info] = sdk_call(w.intruder.clients.zec, "DescribeInstances", instanceIds=[new]).dataSet
    assert info.privateIpAddresses == [ip]
    assert state(w.server, w.owner) == before
