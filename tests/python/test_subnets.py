"""Subnets (issue 11, spec zec-resources.md §2, §0, §12 zec_subnets, §16), through the official
Python SDK: the provider's zenlayercloud_zec_subnet replayed call for call (CreateSubnet v1 →
DescribeSubnets v2 at once; ModifySubnetAttribute v1 with both fields always sent;
ModifySubnetStackType v1; DeleteSubnet v1 with its not-found tolerance and 1 s sleep), CIDR
rules (inside the VPC, no overlap, growth only around what is in use), addresses given to
instances from the subnet's block, the subnet an instance uses refused for deletion until the
instance is purged, DescribeSubnets' ids, filters and paging, isolation and credentials, and the
catalog's subnets staying usable by every account.

Assumptions where the spec says UNKNOWN (the tests pin them):
* Refusals without a vendor code (CIDR outside the VPC, overlapping, narrowing, a subnet in use,
  the default subnet, a private IPv6 subnet in a VPC without IPv6) only need a 4xx with a code
  Terraform does not retry (netkit.refused: DeleteSubnet on a 5xx would spin for 19 minutes),
  and change nothing. A missing required field is MISSING_PARAMETER.
* A subnet's usable addresses exclude its network address, its first address (the gateway) and
  its broadcast address; a /28 is a valid subnet; a subnet with no address left refuses the
  next instance with INVALID_SUBNET_IPV4_INSUFFICIENT (zecd's existing code for it).
* An instance's address is free again once the instance is purged (gone from
  DescribeInstances); whether an instance in the recycle bin still holds it is not tested.
* Ids, paging and "" filters behave as for VPCs (test_vpcs.py).
* The catalog's VPC is shared: no account may add a subnet to it, nor rename or delete one of
  its subnets; every account may put instances in them, each with its own address space.
"""

from __future__ import annotations

import ipaddress
import threading

import pytest

from conftest import IMAGE, INSTANCE_TYPE, PASSWORD, REGION, ZONE, create_instances
from netkit import (
    CATALOG_SG,
    CATALOG_SUBNET,
    CATALOG_SUBNET_CIDR,
    CATALOG_SUBNETS,
    CATALOG_VPC,
    CATALOG_WEB_SG,
    UNAUTHORIZED,
    answer,
    call,
    check_time,
    every_page,
    fails,
    in_cidr,
    listing,
    new_account,
    refused,
    scoped,
    terraform_list,
    usable_host,
)
from tfnet import SubnetConfig, Terraform, VpcConfig

NOWHERE = "1000001"


@pytest.fixture(scope="module")
def server(manual_zecd):
    return manual_zecd


@pytest.fixture
def acct(server):
    return new_account(server, "subnet")


@pytest.fixture
def tf(acct):
    return Terraform(acct)


@pytest.fixture
def vpc(tf) -> str:
    """A VPC 172.16.0.0/16 made the provider's way."""
    return tf.vpc_create(VpcConfig(cidr_block="172.16.0.0/16", name="subnets"))[0]


def subnet_ids(acct, **filters) -> tuple[int, list[str]]:
    return listing(acct.zec, "DescribeSubnets", "subnetId", **filters)


def new_instances(acct, subnet: str, count: int = 1, **fields) -> list[str]:
    """Instances in ``subnet``, RUNNING (the deploy phase is 3 s on the manual clock)."""
    ids = create_instances(acct.zec, count, subnetId=subnet, **fields)
    acct.server.advance("3s")
    return ids


def purge(acct, ids: list[str]) -> None:
    """Release twice (recycle bin, then for good), as Terraform's force_delete does."""
    call(acct.zec24, "ReleaseInstances", instanceIds=ids)
    acct.server.advance("2s")
    call(acct.zec24, "ReleaseInstances", instanceIds=ids)
    acct.server.advance("2s")
    assert call(acct.zec, "DescribeInstances", instanceIds=ids).dataSet == []


def usage(acct, subnet: str) -> int:
    [s] = call(acct.zec, "DescribeSubnets", subnetIds=[subnet]).dataSet
    return s.usageIpv4Count


# --------------------------------------------------------------------------------------------
# Create and Read.

def test_create_then_read_gives_back_what_terraform_sent(tf, acct, vpc):
    cfg = SubnetConfig(vpc_id=vpc, cidr_block="172.16.1.0/24", name="tf-subnet-1")
    sid, state = tf.subnet_create(cfg)
    assert tf.calls[-2:] == [("v1", "CreateSubnet"), ("v2", "DescribeSubnets")]
    assert Terraform.subnet_plan(cfg, state) == {}
    assert state["stack_type"] == "IPv4" and state["is_default"] is False
    check_time(state["create_time"])
    wire = acct.wire("DescribeSubnets", {"subnetIds": [sid]})
    assert wire["totalCount"] == 1
    [s] = wire["dataSet"]
    assert s.get("ipv6CidrBlock") is None and s.get("ipv6Type") is None, s
    assert s["vpcName"] == "subnets" and s["usageIpv4Count"] == 0
    assert in_cidr(s["gatewayIpAddress"], "172.16.1.0/24")
    # And in 2024-04-01.
    [v1] = call(acct.zec24, "DescribeSubnets", subnetIds=[sid]).dataSet
    assert (v1.subnetId, v1.cidrBlock, v1.vpcId, v1.regionId) == (
        sid, "172.16.1.0/24", vpc, REGION)


def test_the_provider_default_name_is_accepted(tf, vpc):
    cfg = SubnetConfig(vpc_id=vpc, cidr_block="172.16.2.0/24")
    _, state = tf.subnet_create(cfg)
    assert state["name"] == "Terraform-Subnet" and Terraform.subnet_plan(cfg, state) == {}


def test_a_vpc_lists_its_subnets_and_only_them(tf, acct, vpc):
    other = tf.vpc_create(VpcConfig(cidr_block="192.168.0.0/16"))[0]
    a = tf.subnet_create(SubnetConfig(vpc_id=vpc, cidr_block="172.16.1.0/24"))[0]
    b = tf.subnet_create(SubnetConfig(vpc_id=other, cidr_block="192.168.1.0/24",
                                      region_id="na-west-1"))[0]
    c = tf.subnet_create(SubnetConfig(vpc_id=vpc, cidr_block="172.16.2.0/24",
                                      region_id="eu-west-1"))[0]
    assert subnet_ids(acct, vpcIds=[vpc]) == (2, [a, c])
    assert subnet_ids(acct, vpcIds=[other]) == (1, [b])
    assert subnet_ids(acct, vpcIds=[vpc, other]) == (3, [a, b, c])


# --------------------------------------------------------------------------------------------
# Update.

def test_a_rename_resends_the_same_cidr_and_is_accepted(tf, vpc):
    cfg = SubnetConfig(vpc_id=vpc, cidr_block="172.16.1.0/24", name="before")
    sid, _ = tf.subnet_create(cfg)
    new = SubnetConfig(vpc_id=vpc, cidr_block="172.16.1.0/24", name="after")
    mark = len(tf.calls)
    state = tf.subnet_update(sid, cfg, new)
    assert tf.calls_since(mark) == [("v1", "ModifySubnetAttribute"), ("v2", "DescribeSubnets")]
    assert Terraform.subnet_plan(new, state) == {}


def test_a_subnet_in_use_may_grow_around_its_block_but_not_shrink_or_move(tf, acct, vpc):
    cfg = SubnetConfig(vpc_id=vpc, cidr_block="172.16.1.0/25", name="grow")
    sid, _ = tf.subnet_create(cfg)
    tf.subnet_create(SubnetConfig(vpc_id=vpc, cidr_block="172.16.4.0/24", name="neighbour"))
    new_instances(acct, sid)
    bigger = SubnetConfig(vpc_id=vpc, cidr_block="172.16.0.0/23", name="grow")
    assert Terraform.subnet_plan(bigger, tf.subnet_update(sid, cfg, bigger)) == {}
    before = acct.snapshot()
    for cidr in ("172.16.0.0/24",     # smaller: leaves part of the old block out
                 "172.16.2.0/23",     # elsewhere
                 "172.16.0.0/21",     # overlaps the neighbour 172.16.4.0/24
                 "172.16.0.0/15",     # outside the VPC
                 "172.16.0.0/33"):    # malformed
        refused(acct.zec24, "ModifySubnetAttribute", subnetId=sid, subnetName="grow",
                cidrBlock=cidr)
    assert acct.snapshot() == before


def test_the_cidr_of_an_unused_subnet_may_move_within_its_vpc(tf, vpc):
    cfg = SubnetConfig(vpc_id=vpc, cidr_block="172.16.1.0/24", name="move")
    sid, _ = tf.subnet_create(cfg)
    new = SubnetConfig(vpc_id=vpc, cidr_block="172.16.9.0/24", name="move")
    assert Terraform.subnet_plan(new, tf.subnet_update(sid, cfg, new)) == {}


def test_adding_private_ipv6_later_with_modify_subnet_stack_type(tf, acct):
    vpc = tf.vpc_create(VpcConfig(cidr_block="172.16.0.0/16", enable_ipv6=True))[0]
    cfg = SubnetConfig(vpc_id=vpc, cidr_block="172.16.1.0/24")
    sid, _ = tf.subnet_create(cfg)
    new = SubnetConfig(vpc_id=vpc, cidr_block="172.16.1.0/24", ipv6_type="Private")
    mark = len(tf.calls)
    state = tf.subnet_update(sid, cfg, new)
    assert tf.calls_since(mark) == [("v1", "ModifySubnetStackType"), ("v2", "DescribeSubnets")]
    assert Terraform.subnet_plan(new, state) == {}
    assert state["stack_type"] == "IPv4_IPv6"
    [s] = call(acct.zec, "DescribeSubnets", subnetIds=[sid]).dataSet
    assert ipaddress.ip_network(s.ipv6CidrBlock).version == 6


def test_a_dual_stack_subnet_made_at_once_echoes_its_ipv6_type(tf):
    vpc = tf.vpc_create(VpcConfig(cidr_block="172.16.0.0/16", enable_ipv6=True))[0]
    cfg = SubnetConfig(vpc_id=vpc, cidr_block="172.16.1.0/24", ipv6_type="Private")
    _, state = tf.subnet_create(cfg)
    assert state["stack_type"] == "IPv4_IPv6" and Terraform.subnet_plan(cfg, state) == {}


def test_an_ipv6_only_subnet_has_no_ipv4_block_and_renames_with_an_empty_cidr(tf, acct):
    vpc = tf.vpc_create(VpcConfig(cidr_block="172.16.0.0/16", enable_ipv6=True))[0]
    cfg = SubnetConfig(vpc_id=vpc, ipv6_type="Private", name="v6only")
    sid, state = tf.subnet_create(cfg)
    assert state["stack_type"] == "IPv6" and Terraform.subnet_plan(cfg, state) == {}
    assert acct.wire("DescribeSubnets", {"subnetIds": [sid]})["dataSet"][0].get(
        "cidrBlock") is None
    # The provider's rename sends cidrBlock "" (a pointer field): "" is "not given" (§0.4).
    new = SubnetConfig(vpc_id=vpc, ipv6_type="Private", name="v6only-renamed")
    assert Terraform.subnet_plan(new, tf.subnet_update(sid, cfg, new)) == {}


def test_a_private_ipv6_subnet_needs_a_vpc_with_ipv6(tf, acct, vpc):
    sid = tf.subnet_create(SubnetConfig(vpc_id=vpc, cidr_block="172.16.1.0/24"))[0]
    before = acct.snapshot()
    refused(acct.zec24, "CreateSubnet", vpcId=vpc, regionId=REGION, name="v6",
            stackType="IPv4_IPv6", cidrBlock="172.16.2.0/24", ipv6Type="Private")
    refused(acct.zec24, "ModifySubnetStackType", subnetId=sid, stackType="IPv4_IPv6",
            ipv6Type="Private")
    assert acct.snapshot() == before


def test_the_catalog_subnets_can_be_neither_renamed_nor_deleted(acct, server):
    other = new_account(server, "subnetother")
    before = (acct.snapshot(), other.snapshot())
    refused(acct.zec24, "ModifySubnetAttribute", subnetId=CATALOG_SUBNET, subnetName="mine",
            cidrBlock=CATALOG_SUBNET_CIDR)
    refused(acct.zec24, "DeleteSubnet", subnetId=CATALOG_SUBNET)
    refused(acct.zec24, "CreateSubnet", vpcId=CATALOG_VPC, regionId=REGION, name="intruding",
            stackType="IPv4", cidrBlock="10.100.0.0/24")
    assert (acct.snapshot(), other.snapshot()) == before


# --------------------------------------------------------------------------------------------
# Delete.

def test_delete_removes_the_subnet_and_a_second_delete_counts_as_done(tf, acct, vpc):
    sid, _ = tf.subnet_create(SubnetConfig(vpc_id=vpc, cidr_block="172.16.1.0/24"))
    mark = len(tf.calls)
    assert tf.run(tf.subnet_delete(sid)) == "deleted"
    assert tf.calls_since(mark) == [("v1", "DeleteSubnet")]
    assert tf.subnet_read(sid) is None
    wire = acct.wire("DescribeSubnets", {"subnetIds": [sid]})
    assert (wire["totalCount"], wire["dataSet"]) == (0, [])
    assert subnet_ids(acct, vpcIds=[vpc]) == (0, [])
    assert tf.run(tf.subnet_delete(sid)) == "OPERATION_FAILED_RESOURCE_NOT_FOUND"
    assert answer(acct.zec24, "DeleteSubnet", subnetId=NOWHERE) == (
        "OPERATION_FAILED_RESOURCE_NOT_FOUND", 404)


def test_a_subnet_used_by_an_instance_is_not_deleted_until_the_instance_is_purged(tf, acct, vpc):
    sid, _ = tf.subnet_create(SubnetConfig(vpc_id=vpc, cidr_block="172.16.1.0/24"))
    [iid] = new_instances(acct, sid)
    before = acct.snapshot()
    refused(acct.zec24, "DeleteSubnet", subnetId=sid)
    refused(acct.zec, "DeleteSubnet", subnetId=sid)
    assert acct.snapshot() == before
    # While the instance is being created, too.
    [deploying] = create_instances(acct.zec, 1, subnetId=sid)
    refused(acct.zec24, "DeleteSubnet", subnetId=sid)
    acct.server.advance("3s")
    purge(acct, [iid, deploying])
    assert usage(acct, sid) == 0
    assert tf.run(tf.subnet_delete(sid)) == "deleted"


def test_a_subnet_deleted_while_instances_are_created_into_it_ends_consistent(tf, acct, vpc):
    """The race of issue 11 point 3: either the instance got the subnet (and the delete was
    refused) or the subnet went first (and the create was refused); never an instance in a
    subnet that no longer exists."""
    for n in range(6):
        sid, _ = tf.subnet_create(SubnetConfig(vpc_id=vpc, cidr_block=f"172.16.{n}.0/24"))
        results: dict[str, object] = {}

        def create():
            try:
                results["create"] = call(acct.zec, "CreateZecInstances", zoneId=ZONE,
                                         imageId=IMAGE, instanceType=INSTANCE_TYPE,
                                         subnetId=sid, password=PASSWORD,
                                         instanceCount=1).instanceIdSet
            except Exception as e:  # noqa: BLE001 - recorded and judged below
                results["create"] = e

        def delete():
            try:
                results["delete"] = call(acct.zec24, "DeleteSubnet", subnetId=sid)
            except Exception as e:  # noqa: BLE001
                results["delete"] = e

        threads = [threading.Thread(target=f) for f in ((create, delete) if n % 2
                                                        else (delete, create))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        created = isinstance(results["create"], list)
        deleted = not isinstance(results["delete"], Exception)
        assert created != deleted, results
        exists = subnet_ids(acct, subnetIds=[sid])[1] == [sid]
        assert exists == created
        if created:
            [iid] = results["create"]
            [info] = call(acct.zec, "DescribeInstances", instanceIds=[iid]).dataSet
            assert info.subnetId == sid and usage(acct, sid) == 1
            assert getattr(results["delete"], "code", None) not in (
                "INTERNAL_SERVER_ERROR", "SERVICE_TEMPORARY_UNAVAILABLE"), results["delete"]
        else:
            assert results["create"].code == "INVALID_SUBNET_NOT_FOUND", results["create"]


# --------------------------------------------------------------------------------------------
# CIDR rules and bad input.

@pytest.mark.parametrize("cidr", [
    "192.168.1.0/24",   # outside the VPC
    "172.16.0.0/15",    # larger than the VPC
    "172.17.255.0/24",  # outside, next to it
    "172.16.1.0/24",    # the same block as a sibling
    "172.16.0.0/23",    # contains the sibling
    "172.16.1.128/25",  # inside the sibling
    "172.16.1.0/33", "172.16.1.0", "subnet", "2001:db8::/64", "",
])
def test_a_cidr_block_outside_the_vpc_or_overlapping_a_sibling_is_refused(tf, acct, vpc, cidr):
    tf.subnet_create(SubnetConfig(vpc_id=vpc, cidr_block="172.16.1.0/24", name="sibling"))
    before = acct.snapshot()
    fields = dict(vpcId=vpc, regionId=REGION, name="bad", stackType="IPv4")
    if cidr:
        fields["cidrBlock"] = cidr
    refused(acct.zec24, "CreateSubnet", **fields)
    refused(acct.zec, "CreateSubnet", **fields)
    assert acct.snapshot() == before


def test_subnets_next_to_each_other_are_fine(tf, acct, vpc):
    for cidr in ("172.16.0.0/24", "172.16.1.0/24", "172.16.2.0/23", "172.16.255.240/28"):
        tf.subnet_create(SubnetConfig(vpc_id=vpc, cidr_block=cidr))
    assert subnet_ids(acct, vpcIds=[vpc])[0] == 4


@pytest.mark.parametrize("missing", ["vpcId", "regionId", "stackType"])
def test_a_subnet_without_a_required_field_is_missing_a_parameter(acct, vpc, missing):
    fields = dict(vpcId=vpc, regionId=REGION, name="partial", stackType="IPv4",
                  cidrBlock="172.16.1.0/24")
    del fields[missing]
    before = acct.snapshot()
    refused(acct.zec24, "CreateSubnet", "MISSING_PARAMETER", **fields)
    assert acct.snapshot() == before


@pytest.mark.parametrize("field,value", [
    ("regionId", "nowhere-1"), ("stackType", "IPv5"), ("name", "x"), ("name", "bad name"),
    ("name", "y" * 64), ("vpcId", NOWHERE),
])
def test_a_bad_region_stack_type_name_or_vpc_is_refused(acct, vpc, field, value):
    fields = dict(vpcId=vpc, regionId=REGION, name="good", stackType="IPv4",
                  cidrBlock="172.16.1.0/24")
    fields[field] = value
    before = acct.snapshot()
    refused(acct.zec24, "CreateSubnet", **fields)
    assert acct.snapshot() == before


# --------------------------------------------------------------------------------------------
# Addresses.

def test_instances_get_distinct_usable_addresses_of_their_subnet(tf, acct, vpc):
    sid, _ = tf.subnet_create(SubnetConfig(vpc_id=vpc, cidr_block="172.16.7.0/24"))
    ids = new_instances(acct, sid, 3)
    infos = call(acct.zec, "DescribeInstances", instanceIds=ids).dataSet
    addresses = [i.privateIpAddresses[0] for i in infos]
    assert len(set(addresses)) == 3
    for info, address in zip(infos, addresses):
        assert usable_host(address, "172.16.7.0/24"), address
        assert info.subnetId == sid
        [nic] = [n for n in info.nics if n.nicType == "Primary"]
        assert (nic.subnetId, nic.vpcId, nic.primaryIpv4) == (sid, vpc, address)
    assert usage(acct, sid) == 3
    [v] = call(acct.zec, "DescribeVpcs", vpcIds=[vpc]).dataSet
    assert v.usageIpv4Count == 3
    # DescribeInstances finds them by address.
    assert [i.instanceId for i in call(acct.zec, "DescribeInstances",
                                       ipv4Address=addresses[1]).dataSet] == [ids[1]]


def test_a_full_subnet_refuses_the_next_instance_and_a_purge_frees_an_address(tf, acct, vpc):
    block = "172.16.9.0/28"
    sid, _ = tf.subnet_create(SubnetConfig(vpc_id=vpc, cidr_block=block))
    # More than the block can hold, in one call: refused whole.
    before = acct.snapshot()
    refused(acct.zec, "CreateZecInstances", "INVALID_SUBNET_IPV4_INSUFFICIENT", zoneId=ZONE,
            imageId=IMAGE, instanceType=INSTANCE_TYPE, subnetId=sid, password=PASSWORD,
            instanceCount=14)
    assert acct.snapshot() == before
    ids: list[str] = []
    while True:
        try:
            ids += create_instances(acct.zec, 1, subnetId=sid)
        except Exception as e:  # noqa: BLE001
            assert getattr(e, "code", None) == "INVALID_SUBNET_IPV4_INSUFFICIENT", e
            break
        assert len(ids) <= 13, "a /28 has 13 usable addresses at most"
    assert len(ids) >= 8
    acct.server.advance("3s")
    addresses = {i.privateIpAddresses[0]: i.instanceId for i in
                 call(acct.zec, "DescribeInstances", instanceIds=ids, pageSize=100).dataSet}
    assert len(addresses) == len(ids) and all(usable_host(a, block) for a in addresses)
    assert usage(acct, sid) == len(ids)
    freed = ids[3]
    freed_address = next(a for a, i in addresses.items() if i == freed)
    purge(acct, [freed])
    assert usage(acct, sid) == len(ids) - 1
    [again] = create_instances(acct.zec, 1, subnetId=sid)
    [info] = call(acct.zec, "DescribeInstances", instanceIds=[again]).dataSet
    assert info.privateIpAddresses[0] == freed_address


def test_the_same_address_space_in_two_accounts_is_independent(server):
    a, b = new_account(server, "addr"), new_account(server, "addr")
    subnets = []
    for acct in (a, b):
        tf = Terraform(acct)
        vpc = tf.vpc_create(VpcConfig(cidr_block="172.16.0.0/16"))[0]
        subnets.append(tf.subnet_create(SubnetConfig(vpc_id=vpc, cidr_block="172.16.1.0/24"))[0])
    assert subnets[0] != subnets[1]
    addresses = []
    for acct, sid in zip((a, b), subnets):
        [iid] = new_instances(acct, sid)
        addresses.append(call(acct.zec, "DescribeInstances", instanceIds=[iid]
                              ).dataSet[0].privateIpAddresses[0])
    assert all(usable_host(x, "172.16.1.0/24") for x in addresses)
    assert usage(a, subnets[0]) == usage(b, subnets[1]) == 1


# --------------------------------------------------------------------------------------------
# DescribeSubnets: ids, filters, paging.

def make_subnets(tf, vpc) -> list[str]:
    other = tf.vpc_create(VpcConfig(cidr_block="192.168.0.0/16", name="other"))[0]
    plan = [(vpc, "172.16.1.0/24", "web-a", REGION), (vpc, "172.16.2.0/24", "db-a", REGION),
            (other, "192.168.1.0/24", "web-b", "na-west-1"),
            (vpc, "172.16.3.0/24", "cache", "eu-west-1")]
    return [tf.subnet_create(SubnetConfig(vpc_id=v, cidr_block=c, name=n, region_id=r))[0]
            for v, c, n, r in plan]


def test_subnet_ids_are_exact_and_unknown_ids_find_nothing(tf, acct, vpc):
    a, b, c, d = make_subnets(tf, vpc)
    assert subnet_ids(acct, subnetIds=[c]) == (1, [c])
    assert subnet_ids(acct, subnetIds=[d, a]) == (2, [a, d])
    for unknown in ([NOWHERE], ["subnet-x"], [str(int(d) + 1)]):
        wire = acct.wire("DescribeSubnets", {"subnetIds": unknown})
        assert (wire["totalCount"], wire["dataSet"]) == (0, [])
    assert subnet_ids(acct, subnetIds=[a, NOWHERE]) == (1, [a])


def test_every_filter_of_describe_subnets(tf, acct, vpc):
    created = make_subnets(tf, vpc)
    a, b, c, d = created
    assert subnet_ids(acct, name="web") == (2, [a, c])
    assert subnet_ids(acct, cidrBlock="172.16.2.") == (1, [b])
    assert subnet_ids(acct, regionId="na-west-1", subnetIds=created) == (1, [c])
    assert subnet_ids(acct, vpcIds=[vpc], regionId=REGION) == (2, [a, b])
    assert subnet_ids(acct, vpcIds=[vpc], name="cache") == (1, [d])
    assert subnet_ids(acct, name="no-such-subnet") == (0, [])
    total, ids = subnet_ids(acct, name="", cidrBlock="", regionId="", pageSize=1000)
    assert [i for i in ids if i in created] == created
    assert set(CATALOG_SUBNETS) <= set(ids) and total == len(ids)


def test_describe_subnets_pages_in_creation_order_and_as_the_provider_reads(tf, acct, vpc):
    created = make_subnets(tf, vpc)
    for size in (1, 3):
        ids = every_page(acct.zec, "DescribeSubnets", "subnetId", size)
        assert [i for i in ids if i in created] == created
    assert terraform_list(acct.zec, "DescribeSubnets", "subnetId", subnetIds=created) == created
    assert terraform_list(acct.zec, "DescribeSubnets", "subnetId", regionId="eu-west-1",
                          subnetIds=created) == [created[3]]
    assert answer(acct.zec, "DescribeSubnets", pageSize=1001)[0] == \
        "INVALID_PARAMETER_EXCEED_MAXIMUM"
    assert answer(acct.zec, "DescribeSubnets", subnetIds=[str(n) for n in range(101)])[0] == \
        "INVALID_PARAMETER_EXCEED_LENGTH"


# --------------------------------------------------------------------------------------------
# The catalog's subnets stay usable by everyone.

def test_the_readme_quickstart_subnet_works_for_every_account(server):
    for acct in (new_account(server, "quick"), new_account(server, "quick")):
        assert subnet_ids(acct, subnetIds=[CATALOG_SUBNET]) == (1, [CATALOG_SUBNET])
        [iid] = new_instances(acct, CATALOG_SUBNET)
        [plain] = call(acct.zec, "DescribeInstances", instanceIds=[iid]).dataSet
        assert usable_host(plain.privateIpAddresses[0], CATALOG_SUBNET_CIDR)
        # No group asked for: the catalog VPC's group; or the catalog's other group.
        assert plain.securityGroupId == CATALOG_SG
        [web] = new_instances(acct, CATALOG_SUBNET, securityGroupId=CATALOG_WEB_SG)
        assert call(acct.zec, "DescribeInstances", instanceIds=[web]
                    ).dataSet[0].securityGroupId == CATALOG_WEB_SG
        assert usage(acct, CATALOG_SUBNET) == 2


# --------------------------------------------------------------------------------------------
# Accounts and credentials.

def test_another_accounts_subnet_answers_as_one_that_never_existed(tf, acct, server, vpc):
    sid, _ = tf.subnet_create(SubnetConfig(vpc_id=vpc, cidr_block="172.16.1.0/24",
                                           name="owned"))
    intruder = new_account(server, "intruder")
    before = acct.snapshot()
    assert subnet_ids(intruder, subnetIds=[sid]) == (0, [])
    assert sid not in subnet_ids(intruder, name="owned", pageSize=1000)[1]
    writes = [
        (intruder.zec24, "ModifySubnetAttribute", lambda i: dict(
            subnetId=i, subnetName="taken", cidrBlock="172.16.1.0/24")),
        (intruder.zec24, "ModifySubnetStackType", lambda i: dict(
            subnetId=i, stackType="IPv4_IPv6", ipv6Type="Private")),
        (intruder.zec24, "DeleteSubnet", lambda i: dict(subnetId=i)),
        (intruder.zec, "CreateZecInstances", lambda i: dict(
            zoneId=ZONE, imageId=IMAGE, instanceType=INSTANCE_TYPE, subnetId=i,
            password=PASSWORD, instanceCount=1)),
    ]
    for client, action, make in writes:
        got = fails(client, action, **make(sid))
        got_status = client.last_status
        base = fails(client, action, **make(NOWHERE))
        assert (got.code, got_status) == (base.code, client.last_status), action
        assert 400 <= got_status < 500, (action, got.code)
    assert fails(intruder.zec, "CreateZecInstances", **writes[-1][2](sid)).code == \
        "INVALID_SUBNET_NOT_FOUND"
    assert acct.snapshot() == before


def test_a_read_only_credential_may_describe_subnets_but_not_change_them(tf, acct, vpc):
    sid, _ = tf.subnet_create(SubnetConfig(vpc_id=vpc, cidr_block="172.16.1.0/24"))
    before = acct.snapshot()
    ro = scoped(acct, read_only=True)
    assert subnet_ids(ro, subnetIds=[sid]) == (1, [sid])
    for action, fields in [
        ("CreateSubnet", dict(vpcId=vpc, regionId=REGION, name="ro", stackType="IPv4",
                              cidrBlock="172.16.2.0/24")),
        ("ModifySubnetAttribute", dict(subnetId=sid, subnetName="ro",
                                       cidrBlock="172.16.1.0/24")),
        ("ModifySubnetStackType", dict(subnetId=sid, stackType="IPv4_IPv6", ipv6Type="Private")),
        ("DeleteSubnet", dict(subnetId=sid)),
    ]:
        assert answer(ro.zec24, action, **fields) == UNAUTHORIZED, action
    assert acct.snapshot() == before
