"""CreateZecInstances checks its request against the catalog and the rules of spec §5, each
failure with its own code (issue 2 item 6), and a rejected request creates nothing."""

import pytest

from conftest import (
    VERSIONS,
    create_fields,
    create_instances,
    sdk_call,
    sdk_error,
)


@pytest.fixture(params=VERSIONS)
def client(request, zecd):
    return zecd.client(version=request.param)


def create_error(client, **overrides):
    return sdk_error(client, "CreateZecInstances", **create_fields(**overrides))


def total(client):
    return sdk_call(client, "DescribeInstancesStatus").totalCount


@pytest.mark.parametrize("field,value,code", [
    ("zoneId", "asia-nowhere-9z", "INVALID_ZONE_NOT_FOUND"),
    ("imageId", "ubuntu1004_20100101", "INVALID_IMAGE_NOT_FOUND"),
    ("instanceType", "z9x.cpu.999", "INVALID_INSTANCE_TYPE_NOT_FOUND"),
    ("subnetId", "1272168087751239999", "INVALID_SUBNET_NOT_FOUND"),
])
def test_an_unknown_catalog_code_is_not_found(client, field, value, code):
    e = create_error(client, **{field: value})
    assert e.code == code, e
    assert e.request_id


def test_a_subnet_of_another_region_does_not_fit_the_zone(client):
    # 1272168087751233114 is the default subnet of na-west-1, not of asia-east-1.
    e = create_error(client, subnetId="1272168087751233114")
    assert e.code == "OPERATION_DENIED_SUBNET_ZONE_MISMATCH", e


def test_an_instance_type_not_sold_in_the_zone_is_not_found(client):
    # z2a.cpu.16 is sold in asia-southwest-1a but not in asia-east-1a.
    assert create_error(client, instanceType="z2a.cpu.16").code == \
        "INVALID_INSTANCE_TYPE_NOT_FOUND"


def test_a_sold_out_instance_type_is_out_of_stock(client):
    assert create_error(client, instanceType="z2a.mem.4").code == "STOCK_INSUFFICIENT"


@pytest.mark.parametrize("field", ["zoneId", "imageId", "instanceType", "subnetId"])
def test_a_missing_required_parameter_is_named(client, field):
    e = create_error(client, **{field: None})
    assert e.code == "MISSING_PARAMETER", e
    assert field in e.message


@pytest.mark.parametrize("count,code", [
    (0, "INVALID_PARAMETER_LESS_MINIMUM"),
    (-1, "INVALID_PARAMETER_LESS_MINIMUM"),
    (101, "INVALID_PARAMETER_EXCEED_MAXIMUM"),
    (1000, "INVALID_PARAMETER_EXCEED_MAXIMUM"),
])
def test_instance_count_must_be_from_1_to_100(client, count, code):
    e = create_error(client, instanceCount=count)
    assert e.code == code, e
    assert "instanceCount" in e.message


def test_an_instance_count_of_100_creates_100_instances(zecd):
    client = zecd.client()
    ids = create_instances(client, 100)
    assert len(set(ids)) == 100
    resp = sdk_call(client, "DescribeInstancesStatus", instanceIds=ids)
    assert resp.totalCount == 100 and len(resp.dataSet) == 100


def test_instance_count_defaults_to_1(zecd):
    client = zecd.client()
    resp = sdk_call(client, "CreateZecInstances", **create_fields(instanceCount=None))
    assert len(resp.instanceIdSet) == 1


@pytest.mark.parametrize("password", [
    "Pw0rd!",               # too short
    "Passw0rd!Passw0rd!",   # too long (18)
    "password",             # no digit, no symbol
    "Password1",            # no symbol
    "Password!",            # no digit
    "12345678!",            # no letter
    "Passw0rd!\u00e9",      # a character outside the allowed set
])
def test_a_malformed_password_is_rejected(client, password):
    assert create_error(client, password=password).code == "INVALID_PASSWORD_MALFORMED"


def test_a_password_or_a_key_pair_is_required(client):
    e = create_error(client, password=None)
    assert e.code == "INVALID_PASSWORD_KEY_PAIR_MISSING", e


def test_a_password_and_a_key_pair_together_conflict(client):
    e = create_error(client, keyId="key-abcd1234")
    assert e.code == "INVALID_LOGIN_SETTING_CONFLICT", e


@pytest.mark.parametrize("name,code", [
    ("a", "INVALID_PARAMETER_INSTANCE_NAME_EXCEED_MINIMUM_LENGTH"),
    ("x" * 64, "INVALID_PARAMETER_INSTANCE_NAME_EXCEED"),
    ("-web", "INVALID_PARAMETER_INSTANCE_NAME_MALFORMED"),
    ("web-", "INVALID_PARAMETER_INSTANCE_NAME_MALFORMED"),
    ("web_1", "INVALID_PARAMETER_INSTANCE_NAME_MALFORMED"),
    ("web server", "INVALID_PARAMETER_INSTANCE_NAME_MALFORMED"),
    ("web-[1,3", "INVALID_PARAMETER_INSTANCE_NAME_MALFORMED"),
    ("web-[x,3]", "INVALID_PARAMETER_INSTANCE_NAME_MALFORMED"),
])
def test_a_bad_instance_name_is_rejected(client, name, code):
    assert create_error(client, instanceName=name).code == code


def test_names_of_2_and_63_characters_are_accepted(zecd):
    client = zecd.client()
    for name in ("ab", "a" * 63):
        [iid] = create_instances(client, 1, instanceName=name)
        info = sdk_call(client, "DescribeInstances", instanceIds=[iid]).dataSet[0]
        assert info.instanceName == name


def test_a_wrongly_typed_field_is_named(client):
    e = create_error(client, instanceCount="2")
    assert e.code == "INVALID_PARAMETER_TYPE", e
    assert "instanceCount" in e.message


def test_a_rejected_request_creates_nothing(zecd):
    client = zecd.client()
    before = total(client)
    for overrides in ({"zoneId": "nowhere"}, {"imageId": "nothing"}, {"instanceType": "none"},
                      {"subnetId": "1"}, {"instanceCount": 101}, {"password": "weak"},
                      {"password": None}, {"instanceName": "-bad-"},
                      {"instanceCount": 5, "instanceName": "ok-[1,1]-" + "x" * 60}):
        create_error(client, **overrides)
    assert total(client) == before
