"""DescribeInstancesStatus, every parameter and limit (spec describe-instances-status.md, issue 2
item 5), through the official SDK at both API versions, and on the wire where the shape matters.

One server for the module, holding 30 instances of the root account made by two
CreateZecInstances calls (25, then 5): their creation order is the first call's instanceIdSet
followed by the second's.
"""

import random

import pytest

from conftest import (
    STATUSES,
    V2024,
    V2025,
    VERSIONS,
    create_instances,
    sdk_call,
    sdk_error,
    wait_for_status,
)

TOTAL = 30


@pytest.fixture(scope="module")
def fleet(zecd):
    """The ids of the module's 30 instances, in creation order; all RUNNING."""
    client = zecd.client()
    first = create_instances(client, 25, instanceName="fleet-a-[1,2]")
    second = create_instances(client, 5, instanceName="fleet-b-[1,2]")
    ids = first + second
    assert len(set(ids)) == TOTAL
    wait_for_status(client, ids, "RUNNING")
    return ids


@pytest.fixture(params=VERSIONS)
def client(request, zecd):
    """The SDK client of each API version (2025-09-01 and the legacy 2024-04-01)."""
    return zecd.client(version=request.param)


@pytest.fixture(scope="module")
def default_group(zecd, fleet):
    """The root account's default resource group, as DescribeInstances reports it."""
    info = sdk_call(zecd.client(), "DescribeInstances", instanceIds=fleet[:1]).dataSet[0]
    assert info.resourceGroupId
    return info.resourceGroupId


def describe(client, **fields):
    resp = sdk_call(client, "DescribeInstancesStatus", **fields)
    return resp.totalCount, [s.instanceId for s in resp.dataSet]


def error_code(client, **fields):
    return sdk_error(client, "DescribeInstancesStatus", **fields).code


# ---- {} and the response ----

def test_an_empty_request_returns_the_first_20_instances_in_creation_order(client, fleet):
    total, ids = describe(client)
    assert ids == fleet[:20]
    assert total == TOTAL


def test_total_count_counts_every_instance_not_the_page(client, fleet):
    assert describe(client, pageSize=1)[0] == TOTAL
    assert describe(client, pageSize=3, pageNum=2)[0] == TOTAL


def test_every_status_is_from_the_documented_enum_and_the_fleet_is_running(client, fleet):
    resp = sdk_call(client, "DescribeInstancesStatus", instanceIds=fleet)
    assert {s.instanceStatus for s in resp.dataSet} <= STATUSES
    assert {s.instanceStatus for s in resp.dataSet} == {"RUNNING"}


@pytest.mark.parametrize("version", VERSIONS)
def test_the_documented_example_request_gets_exactly_the_documented_response_shape(
        zecd, fleet, version):
    r = zecd.raw("DescribeInstancesStatus", b"{}", version=version)
    assert r.status == 200
    body = r.json
    assert set(body) == {"requestId", "response"}
    inner = body["response"]
    assert set(inner) == {"requestId", "totalCount", "dataSet"}
    assert inner["requestId"] == body["requestId"] == r.request_id_header
    assert inner["totalCount"] == TOTAL
    assert isinstance(inner["dataSet"], list) and len(inner["dataSet"]) == 20
    for item in inner["dataSet"]:
        assert set(item) == {"instanceId", "instanceStatus"}
        assert isinstance(item["instanceId"], str)
        assert item["instanceStatus"] in STATUSES
    assert [i["instanceId"] for i in inner["dataSet"]] == fleet[:20]


def test_the_response_model_fields_are_attributes_of_the_sdk_objects(client, fleet):
    resp = sdk_call(client, "DescribeInstancesStatus", instanceIds=fleet[:2])
    assert resp.requestId
    assert resp.totalCount == 2
    assert [(s.instanceId, s.instanceStatus) for s in resp.dataSet] == [
        (fleet[0], "RUNNING"), (fleet[1], "RUNNING")]


def test_null_parameters_are_treated_as_absent(zecd, fleet):
    r = zecd.raw(body=b'{"instanceIds": null, "pageSize": null, "pageNum": null, '
                      b'"resourceGroupId": null}')
    assert r.status == 200, r
    assert [i["instanceId"] for i in r.json["response"]["dataSet"]] == fleet[:20]
    assert r.json["response"]["totalCount"] == TOTAL


# ---- pageSize ----

@pytest.mark.parametrize("size", [1, 2, 19, 20, 29, 30, 31, 1000])
def test_page_size_from_1_to_1000_returns_that_many_instances_from_the_start(
        client, fleet, size):
    total, ids = describe(client, pageSize=size)
    assert ids == fleet[:size]
    assert total == TOTAL


@pytest.mark.parametrize("size", [0, -1, -1000])
def test_a_page_size_below_1_is_less_than_the_minimum(client, fleet, size):
    assert error_code(client, pageSize=size) == "INVALID_PARAMETER_LESS_MINIMUM"


@pytest.mark.parametrize("size", [1001, 5000, 2 ** 31])
def test_a_page_size_above_1000_exceeds_the_maximum(client, fleet, size):
    assert error_code(client, pageSize=size) == "INVALID_PARAMETER_EXCEED_MAXIMUM"


# ---- pageNum ----

def test_page_num_defaults_to_1(client, fleet):
    assert describe(client, pageSize=7) == describe(client, pageSize=7, pageNum=1)
    assert describe(client, pageNum=1) == describe(client)


@pytest.mark.parametrize("num", [0, -1, -100])
def test_a_page_num_below_1_is_less_than_the_minimum(client, fleet, num):
    assert error_code(client, pageNum=num) == "INVALID_PARAMETER_LESS_MINIMUM"


@pytest.mark.parametrize("size", [1, 4, 7, 20, 29, 30])
def test_paging_through_every_page_never_skips_or_repeats_an_instance(client, fleet, size):
    seen = []
    num = 1
    while True:
        total, ids = describe(client, pageSize=size, pageNum=num)
        assert total == TOTAL
        assert len(ids) <= size
        if not ids:
            break
        seen += ids
        num += 1
    assert seen == fleet
    assert num - 1 == -(-TOTAL // size)


def test_the_last_page_holds_the_remainder(client, fleet):
    assert describe(client, pageSize=7, pageNum=5) == (TOTAL, fleet[28:])
    assert describe(client, pageSize=20, pageNum=2) == (TOTAL, fleet[20:])


@pytest.mark.parametrize("size,num", [(20, 3), (30, 2), (1, 31), (1000, 2), (1000, 10 ** 9)])
def test_a_page_past_the_end_is_an_empty_data_set_with_the_true_total_count(
        client, fleet, size, num):
    resp = sdk_call(client, "DescribeInstancesStatus", pageSize=size, pageNum=num)
    assert resp.dataSet == []
    assert resp.totalCount == TOTAL


# ---- instanceIds ----

def unknown_ids(n):
    return [str(100000000000000000 + i) for i in range(n)]


def test_101_instance_ids_exceed_the_length_limit(client, fleet):
    ids = fleet + unknown_ids(101 - len(fleet))
    assert len(ids) == 101
    assert error_code(client, instanceIds=ids) == "INVALID_PARAMETER_EXCEED_LENGTH"


def test_101_instance_ids_exceed_the_length_limit_even_with_a_page_size(client, fleet):
    ids = fleet + unknown_ids(101 - len(fleet))
    assert error_code(client, instanceIds=ids, pageSize=10) == "INVALID_PARAMETER_EXCEED_LENGTH"


def test_100_instance_ids_are_accepted(client, fleet):
    ids = unknown_ids(100 - len(fleet)) + fleet
    assert len(ids) == 100
    assert describe(client, instanceIds=ids) == (TOTAL, fleet)


def test_unknown_instance_ids_are_omitted_not_errors(client, fleet):
    ids = ["999999999999999999", fleet[3], "ins-does-not-exist", "0", fleet[1], "-5", "12abc"]
    assert describe(client, instanceIds=ids) == (2, [fleet[1], fleet[3]])


def test_only_unknown_instance_ids_give_an_empty_result(client, fleet):
    assert describe(client, instanceIds=unknown_ids(5)) == (0, [])


def test_instance_ids_without_a_page_size_return_every_listed_instance(client, fleet):
    # 30 ids: more than the default page of 20.
    assert describe(client, instanceIds=fleet) == (TOTAL, fleet)


def test_instance_ids_come_back_in_creation_order(client, fleet):
    shuffled = fleet[:]
    random.Random(7).shuffle(shuffled)
    assert describe(client, instanceIds=shuffled) == (TOTAL, fleet)


def test_instance_ids_with_a_page_size_are_paged_and_counted_in_full(client, fleet):
    assert describe(client, instanceIds=fleet, pageSize=10) == (TOTAL, fleet[:10])
    assert describe(client, instanceIds=fleet, pageSize=10, pageNum=3) == (TOTAL, fleet[20:])
    assert describe(client, instanceIds=fleet, pageSize=10, pageNum=4) == (TOTAL, [])


def test_instance_ids_with_a_page_num_and_no_page_size_are_paged(client, fleet):
    # Without pageSize every listed instance fits on page 1, so page 2 is past the end.
    assert describe(client, instanceIds=fleet[:5], pageNum=2) == (5, [])


def test_instance_ids_and_page_limits_are_still_checked_together(client, fleet):
    assert error_code(client, instanceIds=fleet[:3], pageSize=0) == \
        "INVALID_PARAMETER_LESS_MINIMUM"
    assert error_code(client, instanceIds=fleet[:3], pageSize=1001) == \
        "INVALID_PARAMETER_EXCEED_MAXIMUM"
    assert error_code(client, instanceIds=fleet[:3], pageNum=0) == \
        "INVALID_PARAMETER_LESS_MINIMUM"


def test_an_empty_instance_ids_list_is_no_filter(client, fleet):
    assert describe(client, instanceIds=[]) == (TOTAL, fleet[:20])


# ---- resourceGroupId ----

def test_the_default_resource_group_holds_every_instance(client, fleet, default_group):
    assert describe(client, resourceGroupId=default_group) == (TOTAL, fleet[:20])
    assert describe(client, resourceGroupId=default_group, pageSize=1000) == (TOTAL, fleet)


def test_an_unknown_resource_group_gives_an_empty_result(client, fleet):
    assert describe(client, resourceGroupId="00000000-0000-0000-0000-000000000000") == (0, [])
    assert describe(client, resourceGroupId="no-such-group", instanceIds=fleet) == (0, [])


def test_the_resource_group_filter_combines_with_instance_ids_and_paging(
        client, fleet, default_group):
    assert describe(client, resourceGroupId=default_group, instanceIds=fleet[5:8]) == \
        (3, fleet[5:8])
    assert describe(client, resourceGroupId=default_group, pageSize=4, pageNum=2) == \
        (TOTAL, fleet[4:8])


def test_both_api_versions_give_the_same_answer(zecd, fleet, default_group):
    for fields in ({}, {"pageSize": 7, "pageNum": 3}, {"instanceIds": fleet[::-3]},
                   {"resourceGroupId": default_group, "pageSize": 1000}):
        new = sdk_call(zecd.client(version=V2025), "DescribeInstancesStatus", **fields)
        old = sdk_call(zecd.client(version=V2024), "DescribeInstancesStatus", **fields)
        assert new.totalCount == old.totalCount
        assert [(s.instanceId, s.instanceStatus) for s in new.dataSet] == \
            [(s.instanceId, s.instanceStatus) for s in old.dataSet]


def test_an_instance_listed_twice_is_returned_once(client, fleet):
    assert describe(client, instanceIds=[fleet[2], fleet[0], fleet[2], fleet[0]]) == \
        (2, [fleet[0], fleet[2]])
