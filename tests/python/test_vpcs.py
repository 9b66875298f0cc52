"""VPCs (issue 11, spec zec-resources.md §1, §0, §12 zec_vpcs, §16), through the official Python
SDK: the provider's zenlayercloud_zec_vpc replayed call for call (CreateVpc v2 → DescribeVpcs v2
at once; ModifyVpcAttribute v2 with the unchanged CIDR re-sent; AddResourceResourceGroup and
ModifyResourceTags; DeleteVpc v1 with its not-found tolerance), the null-not-empty rule for
``securityGroupId``, DescribeVpcs' ids, filters and paging, the refusals of §16 with nothing
changed, isolation between accounts and read-only / group-scoped credentials.

Assumptions where the spec says UNKNOWN (the tests pin them):
* Refusals whose vendor code no source names (a VPC with subnets, the default VPC, a CIDR that
  leaves a subnet out, a bad MTU / CIDR / name) are only required to be a 4xx with a code
  Terraform does not retry (netkit.refused), and to change nothing.
* A missing required field is MISSING_PARAMETER (the common code zecd already uses).
* Paging limits and id lists behave as for instances (README "Choices"): pageSize > 1000
  INVALID_PARAMETER_EXCEED_MAXIMUM, < 1 and pageNum < 1 INVALID_PARAMETER_LESS_MINIMUM, more than
  100 ids INVALID_PARAMETER_EXCEED_LENGTH, a page past the end is empty with the true count.
* Describe* answers in creation order, whatever the order of the ids asked for (as instances).
* A VPC's CIDR must lie in one of the vendor's private ranges (CLI create-vpc: 10.0.0.0/9,
  10.128.0.0/9, 172.16.0.0/12, 192.168.0.0/16): a public block is refused.
* The IPv6 block of ``enablePriIpv6`` only has to parse as an IPv6 network (format UNKNOWN).
* The catalog's VPC is listed for every account (in its default resource group), can be used, and
  cannot be modified or deleted by anyone.
* A credential scoped to resource groups treats a VPC outside them as it treats an instance
  outside them: invisible to Describe, AUTHFAILURE_UNAUTHORIZED_OPERATION (401) for a write.
"""

from __future__ import annotations

import ipaddress

import pytest

from conftest import DEFAULT_GROUP_NAME
from netkit import (
    CATALOG_SG,
    CATALOG_VPC,
    UNAUTHORIZED,
    answer,
    call,
    check_time,
    every_page,
    fails,
    listing,
    new_account,
    refused,
    scoped,
    tag_association,
    terraform_list,
)
from tfnet import SubnetConfig, Terraform, VpcConfig

NOWHERE = "1000001"  # an id no object ever had


@pytest.fixture(scope="module")
def server(manual_zecd):
    return manual_zecd


@pytest.fixture
def acct(server):
    return new_account(server, "vpc")


@pytest.fixture
def tf(acct):
    return Terraform(acct)


def vpc_ids(acct, **filters) -> tuple[int, list[str]]:
    return listing(acct.zec, "DescribeVpcs", "vpcId", **filters)


def mine(acct, ids: list[str], created: list[str]) -> list[str]:
    """``ids`` without the catalog's VPC (listed for everyone), in their order."""
    return [i for i in ids if i in created]


# --------------------------------------------------------------------------------------------
# Create and Read.

def test_create_then_read_gives_back_what_terraform_sent(tf, acct):
    cfg = VpcConfig(cidr_block="172.16.0.0/16", name="tf-vpc-1")
    vid, state = tf.vpc_create(cfg)
    assert tf.calls == [("v2", "CreateVpc"), ("v2", "DescribeVpcs")]
    assert Terraform.vpc_plan(cfg, state) == {}
    assert state["is_default"] is False
    assert state["ipv6_cidr_block"] == "" and state["enable_ipv6"] is False
    assert state["resource_group_id"] == acct.default_group
    assert state["resource_group_name"] == DEFAULT_GROUP_NAME
    check_time(state["create_time"])
    # On the wire: one VPC, totalCount 1, no security group yet: null (or absent), never "".
    wire = acct.wire("DescribeVpcs", {"vpcIds": [vid]})
    assert wire["totalCount"] == 1 and len(wire["dataSet"]) == 1
    [v] = wire["dataSet"]
    assert v.get("securityGroupId") is None, v
    assert v.get("ipv6CidrBlock") is None, v
    assert v["resourceGroup"] == {"resourceGroupId": acct.default_group,
                                  "resourceGroupName": DEFAULT_GROUP_NAME}
    assert v["usageIpv4Count"] == 0


@pytest.mark.parametrize("mtu", [1300, 1500, 9000])
def test_every_mtu_the_provider_allows_is_echoed(tf, mtu):
    cfg = VpcConfig(cidr_block="192.168.0.0/16", mtu=mtu)  # the provider's default name
    _, state = tf.vpc_create(cfg)
    assert state["mtu"] == mtu and state["name"] == "Terraform-Global-VPC"
    assert Terraform.vpc_plan(cfg, state) == {}


def test_create_into_a_resource_group_with_tags_reads_both_back(tf, acct):
    group = acct.group("projects")
    cfg = VpcConfig(cidr_block="172.20.0.0/16", name="tagged", resource_group_id=group,
                    tags={"env": "test", "team": "net"})
    _, state = tf.vpc_create(cfg)
    assert Terraform.vpc_plan(cfg, state) == {}
    assert (state["resource_group_id"], state["resource_group_name"]) == (group, "projects")
    assert state["tags"] == {"env": "test", "team": "net"}


def test_enable_ipv6_allocates_a_private_ipv6_block(tf):
    cfg = VpcConfig(cidr_block="172.17.0.0/16", enable_ipv6=True)
    _, state = tf.vpc_create(cfg)
    assert state["enable_ipv6"] is True, "an empty ipv6CidrBlock flips enable_ipv6 to false"
    assert ipaddress.ip_network(state["ipv6_cidr_block"]).version == 6
    assert Terraform.vpc_plan(cfg, state) == {}


def test_a_vpc_is_in_the_very_next_describe_in_both_versions(acct):
    vid = call(acct.zec, "CreateVpc", name="next", cidrBlock="172.18.0.0/16", mtu=1500,
               enablePriIpv6=False).vpcId
    for client in (acct.zec, acct.zec24):
        resp = call(client, "DescribeVpcs", vpcIds=[vid])
        assert (resp.totalCount, [v.vpcId for v in resp.dataSet]) == (1, [vid])
        assert resp.dataSet[0].resourceGroup.resourceGroupId == acct.default_group


# --------------------------------------------------------------------------------------------
# Update.

def test_a_rename_resends_the_unchanged_cidr_and_is_accepted(tf):
    cfg = VpcConfig(cidr_block="172.16.0.0/16", name="before")
    vid, _ = tf.vpc_create(cfg)
    new = VpcConfig(cidr_block=cfg.cidr_block, name="after")
    mark = len(tf.calls)
    state = tf.vpc_update(vid, cfg, new)
    assert tf.calls_since(mark) == [("v2", "ModifyVpcAttribute"), ("v2", "DescribeVpcs")]
    assert Terraform.vpc_plan(new, state) == {}


def test_turning_ipv6_on_later_sends_enable_ipv6_and_reads_a_block_back(tf):
    cfg = VpcConfig(cidr_block="172.16.0.0/16")
    vid, _ = tf.vpc_create(cfg)
    new = VpcConfig(cidr_block=cfg.cidr_block, enable_ipv6=True)
    state = tf.vpc_update(vid, cfg, new)
    assert state["enable_ipv6"] is True
    assert ipaddress.ip_network(state["ipv6_cidr_block"]).version == 6
    assert Terraform.vpc_plan(new, state) == {}


def test_the_cidr_of_a_vpc_with_subnets_may_grow_but_not_leave_a_subnet_out(tf, acct):
    cfg = VpcConfig(cidr_block="172.16.0.0/16", name="grow")
    vid, _ = tf.vpc_create(cfg)
    tf.subnet_create(SubnetConfig(vpc_id=vid, cidr_block="172.16.1.0/24"))
    wider = VpcConfig(cidr_block="172.16.0.0/12", name="grow")
    assert tf.vpc_update(vid, cfg, wider)["cidr_block"] == "172.16.0.0/12"
    before = acct.snapshot()
    for cidr in ("172.17.0.0/16", "172.16.2.0/24", "172.16.0.0/24"):
        refused(acct.zec, "ModifyVpcAttribute", vpcId=vid, vpcName="grow", cidrBlock=cidr)
    assert acct.snapshot() == before


def test_the_cidr_of_an_empty_vpc_may_change_freely(tf):
    cfg = VpcConfig(cidr_block="172.16.0.0/16", name="move")
    vid, _ = tf.vpc_create(cfg)
    new = VpcConfig(cidr_block="192.168.0.0/16", name="move")
    assert Terraform.vpc_plan(new, tf.vpc_update(vid, cfg, new)) == {}


def test_moving_to_another_resource_group_and_retagging_the_providers_way(tf, acct):
    cfg = VpcConfig(cidr_block="172.16.0.0/16", tags={"env": "dev", "gone": "soon"})
    vid, _ = tf.vpc_create(cfg)
    new = VpcConfig(cidr_block=cfg.cidr_block, resource_group_id=acct.group("moved"),
                    tags={"env": "prod", "new": "tag"})
    mark = len(tf.calls)
    state = tf.vpc_update(vid, cfg, new)
    assert tf.calls_since(mark) == [("user", "AddResourceResourceGroup"),
                                    ("zrm", "ModifyResourceTags"), ("v2", "DescribeVpcs")]
    assert Terraform.vpc_plan(new, state) == {}
    assert state["resource_group_name"] == "moved"


def test_the_default_vpc_can_be_neither_modified_nor_deleted(acct, server):
    other = new_account(server, "vpcother")
    before = (acct.snapshot(), other.snapshot())
    [catalog] = call(acct.zec, "DescribeVpcs", vpcIds=[CATALOG_VPC]).dataSet
    refused(acct.zec, "ModifyVpcAttribute", vpcId=CATALOG_VPC, vpcName="mine",
            cidrBlock=catalog.cidrBlock)
    refused(acct.zec, "ModifyVpcAttribute", vpcId=CATALOG_VPC, vpcName=catalog.name,
            cidrBlock=catalog.cidrBlock, enableIPv6=True)
    refused(acct.zec24, "DeleteVpc", vpcId=CATALOG_VPC)
    assert (acct.snapshot(), other.snapshot()) == before


# --------------------------------------------------------------------------------------------
# Delete.

def test_delete_removes_the_vpc_and_a_second_delete_counts_as_done(tf, acct):
    vid, _ = tf.vpc_create(VpcConfig(cidr_block="172.16.0.0/16"))
    assert tf.vpc_delete(vid) == "deleted"
    assert tf.vpc_read(vid) is None
    wire = acct.wire("DescribeVpcs", {"vpcIds": [vid]})
    assert (wire["totalCount"], wire["dataSet"]) == (0, [])
    # Terraform deletes again when its state is stale: one of the two not-found codes.
    assert tf.vpc_delete(vid) in ("OPERATION_FAILED_RESOURCE_NOT_FOUND", "INVALID_VPC_NOT_FOUND")
    code, _ = refused(acct.zec24, "DeleteVpc", vpcId=NOWHERE)
    assert code in ("OPERATION_FAILED_RESOURCE_NOT_FOUND", "INVALID_VPC_NOT_FOUND")


def test_a_vpc_with_a_subnet_is_not_deleted_until_the_subnet_goes(tf, acct):
    vid, _ = tf.vpc_create(VpcConfig(cidr_block="172.16.0.0/16"))
    sid, _ = tf.subnet_create(SubnetConfig(vpc_id=vid, cidr_block="172.16.0.0/24"))
    before = acct.snapshot()
    refused(acct.zec24, "DeleteVpc", vpcId=vid)
    refused(acct.zec, "DeleteVpc", vpcId=vid)
    assert acct.snapshot() == before
    assert tf.run(tf.subnet_delete(sid)) == "deleted"
    assert tf.vpc_delete(vid) == "deleted"


# --------------------------------------------------------------------------------------------
# Bad input.

@pytest.mark.parametrize("mtu", [0, 1400, 1501, 9001, -1])
def test_an_mtu_other_than_1300_1500_or_9000_is_refused(acct, mtu):
    before = acct.snapshot()
    refused(acct.zec, "CreateVpc", name="bad-mtu", cidrBlock="172.16.0.0/16", mtu=mtu,
            enablePriIpv6=False)
    assert acct.snapshot() == before


@pytest.mark.parametrize("cidr", [
    "172.16.0.0/33", "172.16.0.0", "172.16.0.0/-1", "172.16.0/16", "256.16.0.0/16", "vpc",
    " 172.16.0.0/16", "8.8.0.0/16", "100.64.0.0/16", "2001:db8::/32",
])
def test_a_malformed_or_public_cidr_block_is_refused(acct, cidr):
    before = acct.snapshot()
    refused(acct.zec, "CreateVpc", name="bad-cidr", cidrBlock=cidr, mtu=1500,
            enablePriIpv6=False)
    assert acct.snapshot() == before


def test_a_vpc_without_a_cidr_block_is_missing_a_parameter(acct):
    before = acct.snapshot()
    refused(acct.zec, "CreateVpc", "MISSING_PARAMETER", name="no-cidr", mtu=1500)
    assert acct.snapshot() == before


@pytest.mark.parametrize("name", ["a", "x" * 64, "-vpc", "vpc-", "my vpc", "vpc_1", "vpc/1"])
def test_a_name_outside_the_vendor_rules_is_refused(acct, name):
    # CLI create-vpc: 2 to 63 letters, digits, '-' and '.', starting and ending with a letter
    # or digit.
    before = acct.snapshot()
    refused(acct.zec, "CreateVpc", name=name, cidrBlock="172.16.0.0/16", mtu=1500,
            enablePriIpv6=False)
    assert acct.snapshot() == before


def test_names_at_the_limits_are_accepted(tf):
    for name in ("ab", "x" * 63, "a.b-c.9"):
        _, state = tf.vpc_create(VpcConfig(cidr_block="172.16.0.0/16", name=name))
        assert state["name"] == name


def test_an_unknown_resource_group_is_refused(acct):
    before = acct.snapshot()
    refused(acct.zec, "CreateVpc", "OPERATION_FAILED_RESOURCE_GROUP_NOT_FOUND", name="nogroup",
            cidrBlock="172.16.0.0/16", mtu=1500, enablePriIpv6=False,
            resourceGroupId="00000000-0000-4000-8000-000000000000")
    assert acct.snapshot() == before


# --------------------------------------------------------------------------------------------
# DescribeVpcs: ids, filters, paging (§0.2, §0.6, §12).

def make_vpcs(acct) -> list[str]:
    """Five VPCs: a-c in the default group, d-e in group "blue" with tags."""
    ids = []
    for n, (cidr, name) in enumerate([("172.16.0.0/16", "alpha-web"), ("172.17.0.0/16", "alpha-db"),
                                      ("192.168.0.0/20", "beta"), ("172.18.0.0/16", "gamma-web"),
                                      ("192.168.16.0/20", "delta")]):
        fields = dict(name=name, cidrBlock=cidr, mtu=1500, enablePriIpv6=False)
        if n >= 3:
            fields["resourceGroupId"] = acct.group("blue")
            fields["tags"] = tag_association({"tier": name})
        ids.append(call(acct.zec, "CreateVpc", **fields).vpcId)
    return ids


def test_vpc_ids_are_exact_and_unknown_ids_find_nothing(acct):
    a, b, c, d, e = make_vpcs(acct)
    assert vpc_ids(acct, vpcIds=[b]) == (1, [b])
    assert vpc_ids(acct, vpcIds=[e, a]) == (2, [a, e])
    assert vpc_ids(acct, vpcIds=[b, NOWHERE, b]) == (1, [b])
    for unknown in ([NOWHERE], ["vpc-nothing"], [str(int(e) + 1)]):
        assert vpc_ids(acct, vpcIds=unknown) == (0, [])
        wire = acct.wire("DescribeVpcs", {"vpcIds": unknown})
        assert (wire["totalCount"], wire["dataSet"]) == (0, [])


def test_every_filter_of_describe_vpcs(acct):
    created = make_vpcs(acct)
    a, b, c, d, e = created
    assert vpc_ids(acct, name="alpha") == (2, [a, b])
    assert vpc_ids(acct, name="-web") == (2, [a, d])
    assert vpc_ids(acct, cidrBlock="172.17.") == (1, [b])
    assert vpc_ids(acct, cidrBlock="192.168.0.0/20") == (1, [c])
    assert vpc_ids(acct, resourceGroupId=acct.group("blue")) == (2, [d, e])
    assert vpc_ids(acct, tagKeys=["tier"]) == (2, [d, e])
    from zenlayercloud.zec.v20250901 import models as m2
    assert vpc_ids(acct, tags=[m2.Tag({"key": "tier", "value": "delta"})]) == (1, [e])
    assert vpc_ids(acct, name="alpha", vpcIds=[b, c]) == (1, [b])
    assert vpc_ids(acct, name="nothing-like-it") == (0, [])
    # "" is "not given" (§0.4).
    total, ids = vpc_ids(acct, name="", cidrBlock="", resourceGroupId="")
    assert mine(acct, ids, created) == created and CATALOG_VPC in ids
    assert total == len(ids)


def test_describe_vpcs_pages_in_creation_order_and_as_the_provider_reads(acct):
    created = make_vpcs(acct)
    for size in (1, 2, 4):
        ids = every_page(acct.zec, "DescribeVpcs", "vpcId", size)
        assert mine(acct, ids, created) == created
        assert ids.count(CATALOG_VPC) == 1
    ids = terraform_list(acct.zec, "DescribeVpcs", "vpcId")
    assert mine(acct, ids, created) == created
    assert terraform_list(acct.zec, "DescribeVpcs", "vpcId", vpcIds=created[:2],
                          cidrBlock="172.1") == created[:2]


def test_describe_vpcs_paging_limits_are_those_of_instances(acct):
    assert answer(acct.zec, "DescribeVpcs", pageSize=1001)[0] == \
        "INVALID_PARAMETER_EXCEED_MAXIMUM"
    assert answer(acct.zec, "DescribeVpcs", pageSize=0)[0] == "INVALID_PARAMETER_LESS_MINIMUM"
    assert answer(acct.zec, "DescribeVpcs", pageNum=0)[0] == "INVALID_PARAMETER_LESS_MINIMUM"
    assert answer(acct.zec, "DescribeVpcs", vpcIds=[str(n) for n in range(101)])[0] == \
        "INVALID_PARAMETER_EXCEED_LENGTH"
    assert vpc_ids(acct, vpcIds=[str(n) for n in range(100)]) == (0, [])


def test_the_catalog_vpc_is_listed_for_every_account_in_its_default_group(acct, server):
    other = new_account(server, "vpcother")
    for a in (acct, other):
        [v] = call(a.zec, "DescribeVpcs", vpcIds=[CATALOG_VPC]).dataSet
        assert v.isDefault is True and v.securityGroupId == CATALOG_SG
        assert v.resourceGroup.resourceGroupId == a.default_group


# --------------------------------------------------------------------------------------------
# Accounts and credentials.

def test_another_accounts_vpc_answers_as_one_that_never_existed(tf, acct, server):
    vid, _ = tf.vpc_create(VpcConfig(cidr_block="172.16.0.0/16", name="owned"))
    intruder = new_account(server, "intruder")
    sg = call(intruder.zec, "CreateSecurityGroup", securityGroupName="intruder-sg"
              ).securityGroupId
    before = acct.snapshot()
    assert vpc_ids(intruder, vpcIds=[vid]) == (0, [])
    assert vid not in vpc_ids(intruder, name="owned", pageSize=1000)[1]
    assert vid not in vpc_ids(intruder, pageSize=1000)[1]
    writes = [
        (intruder.zec, "ModifyVpcAttribute", lambda i: dict(vpcId=i, vpcName="taken",
                                                             cidrBlock="172.16.0.0/16")),
        (intruder.zec24, "DeleteVpc", lambda i: dict(vpcId=i)),
        (intruder.zec, "DeleteVpc", lambda i: dict(vpcId=i)),
        (intruder.zec, "AssignSecurityGroupVpc", lambda i: dict(vpcId=i, securityGroupId=sg)),
        (intruder.zec, "UnAssignSecurityGroupVpc", lambda i: dict(vpcId=i)),
        (intruder.zec24, "CreateSubnet", lambda i: dict(vpcId=i, regionId="asia-east-1",
                                                        name="sneaky", stackType="IPv4",
                                                        cidrBlock="172.16.9.0/24")),
    ]
    for client, action, make in writes:
        got = fails(client, action, **make(vid))
        got_status = client.last_status
        base = fails(client, action, **make(NOWHERE))
        assert (got.code, got_status) == (base.code, client.last_status), action
        assert 400 <= got_status < 500, (action, got.code)
        assert got.message.replace(vid, "<id>") == base.message.replace(NOWHERE, "<id>"), action
    assert acct.snapshot() == before


def test_a_read_only_credential_may_describe_vpcs_but_not_change_them(tf, acct):
    vid, _ = tf.vpc_create(VpcConfig(cidr_block="172.16.0.0/16"))
    sg = call(acct.zec, "CreateSecurityGroup", securityGroupName="ro-sg").securityGroupId
    before = acct.snapshot()
    for token in (False, True):
        ro = scoped(acct, read_only=True, token=token)
        assert vpc_ids(ro, vpcIds=[vid]) == (1, [vid])
        for client, action, fields in [
            (ro.zec, "CreateVpc", dict(name="ro", cidrBlock="192.168.0.0/16", mtu=1500,
                                       enablePriIpv6=False)),
            (ro.zec, "ModifyVpcAttribute", dict(vpcId=vid, vpcName="ro",
                                                cidrBlock="172.16.0.0/16")),
            (ro.zec24, "DeleteVpc", dict(vpcId=vid)),
            (ro.zec, "AssignSecurityGroupVpc", dict(vpcId=vid, securityGroupId=sg)),
            (ro.zec, "UnAssignSecurityGroupVpc", dict(vpcId=vid)),
        ]:
            assert answer(client, action, **fields) == UNAUTHORIZED, action
    assert acct.snapshot() == before


def test_a_group_scoped_credential_sees_and_changes_only_the_vpcs_of_its_groups(acct):
    inside = call(acct.zec, "CreateVpc", name="inside", cidrBlock="172.16.0.0/16", mtu=1500,
                  enablePriIpv6=False, resourceGroupId=acct.group("g1")).vpcId
    outside = call(acct.zec, "CreateVpc", name="outside", cidrBlock="172.17.0.0/16", mtu=1500,
                   enablePriIpv6=False, resourceGroupId=acct.group("g2")).vpcId
    in_default = call(acct.zec, "CreateVpc", name="default", cidrBlock="172.18.0.0/16",
                      mtu=1500, enablePriIpv6=False).vpcId
    c = scoped(acct, "g1")
    assert vpc_ids(c, vpcIds=[inside, outside, in_default]) == (1, [inside])
    assert outside not in vpc_ids(c, pageSize=1000)[1]
    assert vpc_ids(c, resourceGroupId=acct.group("g2")) == (0, [])
    before = acct.snapshot()
    for fields in ({}, {"resourceGroupId": acct.group("g2")},
                   {"resourceGroupId": acct.default_group}):
        assert answer(c.zec, "CreateVpc", name="scoped", cidrBlock="192.168.0.0/16", mtu=1500,
                      enablePriIpv6=False, **fields) == UNAUTHORIZED, fields
    for vid in (outside, in_default):
        assert answer(c.zec, "ModifyVpcAttribute", vpcId=vid, vpcName="scoped",
                      cidrBlock="172.17.0.0/16") == UNAUTHORIZED
        assert answer(c.zec24, "DeleteVpc", vpcId=vid) == UNAUTHORIZED
    assert acct.snapshot() == before
    # Inside its group it may do everything.
    made = call(c.zec, "CreateVpc", name="scoped", cidrBlock="192.168.0.0/16", mtu=1500,
                enablePriIpv6=False, resourceGroupId=acct.group("g1")).vpcId
    call(c.zec, "ModifyVpcAttribute", vpcId=inside, vpcName="renamed",
         cidrBlock="172.16.0.0/16")
    call(c.zec24, "DeleteVpc", vpcId=made)
    assert vpc_ids(c, vpcIds=[inside, made]) == (1, [inside])
