"""Tags through the official Python SDK (issue 4 item 2): tags given to CreateZecInstances
(``tags: {"tags": [...]}``, the 2025 client's TagAssociation), the ``zrm`` service's
ModifyResourceTags (ZrmClient, 2025-10-14), and the ``tagKeys``/``tags`` filters of
DescribeInstances as tags change.

Limits (issue 4, notes/groups-tags.md §2): a key is 1–64 characters, a value 0–64, keys are
unique within a request, a resource carries at most 20 tags (INVALID_PARAMETER_EXCEED_LENGTH),
tags need not be created before ModifyResourceTags uses them, and an unknown resource is
INVALID_RESOURCE_NOT_FOUND (404). DescribeInstances takes at most 20 tag keys and 20 tags.

One zecd with a manual clock for the module; each test has an account of its own."""

from __future__ import annotations

import itertools
import json
import threading

import pytest

from conftest import (
    ZenlayerCloudSdkException,
    create_fields,
    create_instances,
    models_2025,
    sdk_call,
    sdk_status_error,
    zrm_models,
)

EXCEED = ("INVALID_PARAMETER_EXCEED_LENGTH", 400)
LESS = ("INVALID_PARAMETER_LESS_LENGTH", 400)
DUPLICATE = ("INVALID_PARAMETER_VALUE", 400)
RESOURCE_NOT_FOUND = ("INVALID_RESOURCE_NOT_FOUND", 404)
NO_SUCH_INSTANCE = "1000001"

_accounts = itertools.count()


@pytest.fixture(scope="module")
def server(manual_zecd):
    return manual_zecd


@pytest.fixture
def acct(server):
    return server.account_clients(f"tags{next(_accounts)}")


# ---- helpers ----

def zec_tags(pairs) -> models_2025.TagAssociation:
    """CreateZecInstances' ``tags``: {"tags": [{key, value}, ...]} (value None: left out)."""
    return models_2025.TagAssociation({"tags": [
        {"key": k} if v is None else {"key": k, "value": v} for k, v in pairs]})


def zrm_tags(pairs) -> list:
    return [zrm_models.Tag({"key": k, "value": v}) for k, v in pairs]


def filter_tags(pairs) -> list:
    return [models_2025.Tag({"key": k, "value": v}) for k, v in pairs]


def tags_of(c, iid: str) -> dict[str, str]:
    [info] = sdk_call(c.zec, "DescribeInstances", instanceIds=[iid]).dataSet
    pairs = [(t.key, t.value) for t in info.tags.tags]
    assert len({k for k, _ in pairs}) == len(pairs), f"a key is listed twice: {pairs}"
    return dict(pairs)


def modify(c, iid: str, replace=(), delete=None):
    fields = {"resourceUuid": iid}
    if replace is not None:
        fields["replaceTags"] = zrm_tags(replace)
    if delete is not None:
        fields["deleteTagKeys"] = list(delete)
    return sdk_call(c.zrm, "ModifyResourceTags", **fields)


def modify_error(c, iid: str, replace=(), delete=None):
    fields = {"resourceUuid": iid, "replaceTags": zrm_tags(replace)}
    if delete is not None:
        fields["deleteTagKeys"] = list(delete)
    return sdk_status_error(c.zrm, "ModifyResourceTags", **fields)


def matching(c, **fields) -> list[str]:
    resp = sdk_call(c.zec, "DescribeInstances", pageSize=1000, **fields)
    ids = [i.instanceId for i in resp.dataSet]
    assert resp.totalCount == len(ids)
    return ids


def count(c) -> int:
    return sdk_call(c.zec, "DescribeInstancesStatus").totalCount


def n_tags(n: int, prefix: str = "k") -> list[tuple[str, str]]:
    return [(f"{prefix}{i}", f"v{i}") for i in range(n)]


# ---- tags at creation ----

def test_tags_given_at_creation_are_on_every_instance_created(acct):
    given = [("env", "prod"), ("team", "core"), ("empty", ""), ("no-value", None)]
    ids = create_instances(acct.zec, 3, tags=zec_tags(given))
    for iid in ids:
        assert tags_of(acct, iid) == {"env": "prod", "team": "core", "empty": "",
                                      "no-value": ""}


def test_an_instance_created_without_tags_has_an_empty_tag_list(acct):
    [iid] = create_instances(acct.zec, 1)
    [info] = sdk_call(acct.zec, "DescribeInstances", instanceIds=[iid]).dataSet
    assert info.tags.tags == []


def test_keys_and_values_of_64_characters_and_20_tags_are_accepted(acct):
    given = [("k" * 64, "v" * 64), ("ключ" * 16, "值" * 64)] + n_tags(18)
    [iid] = create_instances(acct.zec, 1, tags=zec_tags(given))
    assert tags_of(acct, iid) == dict(given)


@pytest.mark.parametrize("given, code", [
    (n_tags(21), EXCEED),
    ([("", "v")], LESS),
    ([("k" * 65, "v")], EXCEED),
    ([("k", "v" * 65)], EXCEED),
    ([("dup", "1"), ("other", "x"), ("dup", "2")], DUPLICATE),
    ([("dup", "1"), ("dup", "1")], DUPLICATE),
], ids=["21-tags", "empty-key", "long-key", "long-value", "duplicate-key", "duplicate-tag"])
def test_tags_outside_the_limits_create_nothing(acct, given, code):
    assert sdk_status_error(acct.zec, "CreateZecInstances",
                            **create_fields(tags=zec_tags(given))) == code
    assert count(acct) == 0


# ---- ModifyResourceTags ----

def test_tags_never_created_before_can_be_put_on_an_instance(acct):
    [iid] = create_instances(acct.zec, 1)
    assert modify(acct, iid, [("brand-new", "tag"), ("another", "")]).requestId
    assert tags_of(acct, iid) == {"brand-new": "tag", "another": ""}


def test_replace_tags_sets_values_by_key_and_leaves_other_keys(acct):
    [iid] = create_instances(acct.zec, 1, tags=zec_tags([("env", "dev"), ("team", "a")]))
    modify(acct, iid, [("env", "prod"), ("tier", "web")])
    assert tags_of(acct, iid) == {"env": "prod", "team": "a", "tier": "web"}


def test_delete_tag_keys_removes_keys_and_ignores_absent_ones(acct):
    [iid] = create_instances(acct.zec, 1, tags=zec_tags([("a", "1"), ("b", "2"), ("c", "3")]))
    modify(acct, iid, replace=None, delete=["a", "c", "never-there"])
    assert tags_of(acct, iid) == {"b": "2"}
    modify(acct, iid, replace=None, delete=["b"])
    assert tags_of(acct, iid) == {}


def test_replace_and_delete_in_one_request(acct):
    [iid] = create_instances(acct.zec, 1, tags=zec_tags([("a", "1"), ("b", "2")]))
    modify(acct, iid, replace=[("c", "3"), ("a", "one")], delete=["b"])
    assert tags_of(acct, iid) == {"a": "one", "c": "3"}


def test_the_terraform_update_sequence(acct):
    """Terraform sends the whole new map as replaceTags and the keys it dropped as
    deleteTagKeys (notes/groups-tags.md §2.5); the instance then carries exactly the new map."""
    old = {"env": "dev", "team": "a", "owner": "kim"}
    new = {"env": "prod", "team": "a", "cost": "42"}
    [iid] = create_instances(acct.zec, 1, tags=zec_tags(old.items()))
    modify(acct, iid, replace=new.items(), delete=[k for k in old if k not in new])
    assert tags_of(acct, iid) == new
    # Removing every tag: no replaceTags at all.
    modify(acct, iid, replace=None, delete=list(new))
    assert tags_of(acct, iid) == {}


def test_a_request_naming_no_change_changes_nothing(acct):
    [iid] = create_instances(acct.zec, 1, tags=zec_tags([("a", "1")]))
    modify(acct, iid, replace=None, delete=None)
    modify(acct, iid, replace=[], delete=[])
    assert tags_of(acct, iid) == {"a": "1"}


def test_a_resource_may_carry_20_tags_and_no_more(acct):
    [iid] = create_instances(acct.zec, 1, tags=zec_tags(n_tags(19)))
    modify(acct, iid, [("k19", "v19")])
    full = dict(n_tags(20))
    assert tags_of(acct, iid) == full
    # A 21st key is refused and changes nothing, even alongside valid changes.
    assert modify_error(acct, iid, [("k21", "x")]) == EXCEED
    assert modify_error(acct, iid, [("k0", "changed"), ("k21", "x")]) == EXCEED
    assert modify_error(acct, iid, [("k21", "x"), ("k22", "y")], delete=["k0"]) == EXCEED
    assert tags_of(acct, iid) == full
    # At 20, changing values and swapping one key for another are fine.
    modify(acct, iid, [("k0", "changed")])
    modify(acct, iid, [("k-new", "n")], delete=["k1"])
    full.update({"k0": "changed", "k-new": "n"})
    del full["k1"]
    assert tags_of(acct, iid) == full


def test_more_than_20_tags_in_one_request_are_refused(acct):
    [iid] = create_instances(acct.zec, 1)
    assert modify_error(acct, iid, n_tags(21)) == EXCEED
    assert tags_of(acct, iid) == {}


@pytest.mark.parametrize("replace, code", [
    ([("", "v")], LESS),
    ([("k" * 65, "v")], EXCEED),
    ([("k", "v" * 65)], EXCEED),
    ([("dup", "1"), ("dup", "2")], DUPLICATE),
    ([("ok", "1"), ("dup", "1"), ("dup", "1")], DUPLICATE),
], ids=["empty-key", "long-key", "long-value", "duplicate-key", "duplicate-tag"])
def test_invalid_tags_change_nothing(acct, replace, code):
    [iid] = create_instances(acct.zec, 1, tags=zec_tags([("keep", "me")]))
    assert modify_error(acct, iid, replace, delete=["keep"]) == code
    assert tags_of(acct, iid) == {"keep": "me"}


def test_keys_and_values_of_64_characters_are_accepted(acct):
    [iid] = create_instances(acct.zec, 1)
    modify(acct, iid, [("k" * 64, "v" * 64), ("ключ" * 16, "")])
    assert tags_of(acct, iid) == {"k" * 64: "v" * 64, "ключ" * 16: ""}


def test_an_unknown_resource_is_not_found(server, acct):
    [gone] = create_instances(acct.zec, 1)
    # Released and purged: its id names nothing any more.
    server.advance("3s")
    sdk_call(acct.zec, "ReleaseInstances", instanceIds=[gone])
    server.advance("2s")
    sdk_call(acct.zec, "ReleaseInstances", instanceIds=[gone])
    server.advance("2s")
    assert sdk_call(acct.zec, "DescribeInstancesStatus", instanceIds=[gone]).totalCount == 0
    for uuid in (NO_SUCH_INSTANCE, "not-an-id", gone, str(int(gone) + 1)):
        assert modify_error(acct, uuid, [("a", "b")]) == RESOURCE_NOT_FOUND, uuid
    assert sdk_status_error(acct.zrm, "ModifyResourceTags",
                            replaceTags=zrm_tags([("a", "b")]))[0] == "MISSING_PARAMETER"


def test_tags_change_nothing_else_about_the_instance(server, acct):
    [iid] = create_instances(acct.zec, 1, tags=zec_tags([("a", "1")]))
    key = acct.zec.credential

    def raw():
        r = server.raw("DescribeInstances", json.dumps({"instanceIds": [iid]}),
                       key_id=key.access_key_id, password=key.access_key_password)
        [info] = r.json["response"]["dataSet"]
        info.pop("tags")
        for nic in info["nics"]:
            nic.pop("updateTime", None)
        return info

    before = raw()
    modify(acct, iid, [("b", "2")], delete=["a"])
    assert raw() == before


def test_tags_survive_a_rename_and_a_move(acct):
    [iid] = create_instances(acct.zec, 1, tags=zec_tags([("a", "1")]))
    gid = sdk_call(acct.user, "CreateResourceGroup", name="g").resourceGroupId
    sdk_call(acct.user, "AddResourceResourceGroup", resourceGroupId=gid, resources=[iid])
    sdk_call(acct.zec, "ModifyInstancesAttribute", instanceIds=[iid], instanceName="renamed")
    assert tags_of(acct, iid) == {"a": "1"}


# ---- the tag filters follow the changes ----

def test_tag_filters_follow_every_change(acct):
    a, b, c = create_instances(acct.zec, 3, tags=zec_tags([("env", "dev")]))
    assert matching(acct, tagKeys=["env"]) == [a, b, c]
    assert matching(acct, tags=filter_tags([("env", "dev")])) == [a, b, c]
    modify(acct, b, [("env", "prod")])
    modify(acct, c, replace=None, delete=["env"])
    assert matching(acct, tagKeys=["env"]) == [a, b]
    assert matching(acct, tags=filter_tags([("env", "dev")])) == [a]
    assert matching(acct, tags=filter_tags([("env", "prod")])) == [b]
    modify(acct, c, [("env", "prod"), ("tier", "web")])
    assert matching(acct, tags=filter_tags([("env", "prod")])) == [b, c]
    assert matching(acct, tagKeys=["env", "tier"]) == [c]
    assert matching(acct, tagKeys=["tier"], tags=filter_tags([("env", "prod")])) == [c]
    modify(acct, c, replace=None, delete=["tier", "env"])
    assert matching(acct, tagKeys=["tier"]) == []
    assert matching(acct, tagKeys=["env"]) == [a, b]


def test_tag_filters_match_keys_and_values_exactly(acct):
    a, b, c, d = create_instances(acct.zec, 4)
    modify(acct, a, [("env", "prod")])
    modify(acct, b, [("env", "production")])
    modify(acct, c, [("env", "")])
    modify(acct, d, [("environment", "prod")])
    assert matching(acct, tags=filter_tags([("env", "prod")])) == [a]
    assert matching(acct, tags=filter_tags([("env", "")])) == [c]
    assert matching(acct, tags=filter_tags([("env", "prod"), ("env", "production")])) == []
    assert matching(acct, tagKeys=["env"]) == [a, b, c]
    assert matching(acct, tagKeys=["environment"]) == [d]
    assert matching(acct, tagKeys=["env", "environment"]) == []
    assert matching(acct, tagKeys=["en"]) == []


def test_unusual_keys_and_values_round_trip_and_filter(acct):
    odd = [("cost-center:1", "a/b=c"), ("成本中心", "研发"), ("with space", " padded "),
           ("quote\"s", "back\\slash")]
    [iid] = create_instances(acct.zec, 1, tags=zec_tags(odd[:2]))
    modify(acct, iid, odd[2:])
    assert tags_of(acct, iid) == dict(odd)
    for k, v in odd:
        assert matching(acct, tags=filter_tags([(k, v)])) == [iid], k
        assert matching(acct, tagKeys=[k]) == [iid], k


@pytest.mark.parametrize("field", ["tagKeys", "tags"])
def test_tag_filters_take_at_most_20_entries(acct, field):
    [iid] = create_instances(acct.zec, 1, tags=zec_tags(n_tags(20)))

    def value(n):
        pairs = n_tags(n)
        return [k for k, _ in pairs] if field == "tagKeys" else filter_tags(pairs)

    assert matching(acct, **{field: value(20)}) == [iid]
    assert sdk_status_error(acct.zec, "DescribeInstances", **{field: value(21)}) == EXCEED


# ---- concurrency: the 20-tag limit holds for requests sent together ----

def test_concurrent_tag_changes_never_exceed_20_tags(acct):
    """Four ModifyResourceTags calls sent at the same moment, each adding 11 new keys to an
    instance without tags: at most one can succeed, and the instance never carries more than
    20 tags. 10 rounds."""
    too_many = {}
    for n in range(10):
        [iid] = create_instances(acct.zec, 1)
        barrier = threading.Barrier(4)
        outcomes: list[object] = [None] * 4

        def run(k, iid=iid, barrier=barrier, outcomes=outcomes):
            barrier.wait()
            try:
                modify(acct, iid, [(f"t{k}-{j}", "v") for j in range(11)])
                outcomes[k] = "ok"
            except ZenlayerCloudSdkException as e:
                outcomes[k] = e.code

        threads = [threading.Thread(target=run, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert set(outcomes) <= {"ok", EXCEED[0]}, outcomes
        carried = len(tags_of(acct, iid))
        if carried > 20 or outcomes.count("ok") > 1:
            too_many[iid] = (carried, outcomes)
    assert not too_many, f"instances with more than 20 tags (count, outcomes): {too_many}"
