"""vNICs as far as instances need them (issue 11, spec zec-resources.md §7, §8, §0.3–§0.5,
§12 zec_vnics, §16), through the official Python SDK: every instance's primary NIC, in
``InstanceInfo.nics[]`` and on its own in DescribeNetworkInterfaces, with what the provider
dereferences; the provider's security-group change (DescribeInstances v2 → the Primary entry
of nics[] → ModifyNetworkInterfaceAttribute v2 {nicId, securityGroupId} → the instance shows
the new group at once, the NIC moves between the groups' nicIdList); ``""`` meaning "not given"; the NIC
gone with its purged instance; DescribeNetworkInterfaces' ids, filters and paging in both
versions; isolation and read-only / group-scoped credentials.

Assumptions where the spec says UNKNOWN (the tests pin them):
* The primary NIC of a RUNNING instance has status ``USED`` (the status of an attached NIC,
  spec §16 "inferred"), ``nicSubnetType`` ``IPv4``, a MAC address, a ``name`` (never null: the
  data source dereferences it), and the instance's resource group.
* A NIC is in DescribeNetworkInterfaces from the CreateZecInstances answer on, and gone once its
  instance is purged; whether an instance in the recycle bin keeps it listed is not tested.
* Refusals without a vendor code (an unknown NIC, an unknown group, a bad name) only need a 4xx
  with a code Terraform does not retry, and change nothing.
* A credential scoped to resource groups sees the NICs of its groups only, and may not modify
  another's (AUTHFAILURE_UNAUTHORIZED_OPERATION, as for instances). Security groups, subnets and
  key pairs carry no resource group in any SDK model, so how scoped credentials treat them is
  not tested anywhere.
* The 2024-04-01 SDK has no ModifyNetworkInterfaceAttribute (the provider sends it as
  2025-09-01 only); its DescribeNetworkInterfaces takes ``DescribeNicsRequest``.
"""

from __future__ import annotations

import re

import pytest

from conftest import create_instances
from netkit import (
    CATALOG_SG,
    CATALOG_SUBNET,
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
    terraform_list,
    usable_host,
)
from tfnet import SubnetConfig, Terraform, VpcConfig

NOWHERE = "1000001"
MAC = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$", re.IGNORECASE)
CIDR = "172.16.1.0/24"


@pytest.fixture(scope="module")
def server(manual_zecd):
    return manual_zecd


@pytest.fixture
def acct(server):
    return new_account(server, "nic")


@pytest.fixture
def tf(acct):
    return Terraform(acct)


@pytest.fixture
def net(tf):
    """A VPC, a subnet 172.16.1.0/24 and two security groups, made the provider's way."""
    vpc = tf.vpc_create(VpcConfig(cidr_block="172.16.0.0/16", name="nics"))[0]
    subnet = tf.subnet_create(SubnetConfig(vpc_id=vpc, cidr_block=CIDR))[0]
    sg1 = tf.sg_create("nic-one")[0]
    sg2 = tf.sg_create("nic-two")[0]
    return {"vpc": vpc, "subnet": subnet, "sg1": sg1, "sg2": sg2}


def instance(acct, subnet: str, **fields) -> str:
    [iid] = create_instances(acct.zec, 1, subnetId=subnet, **fields)
    acct.server.advance("3s")
    return iid


def info(acct, iid: str):
    [i] = call(acct.zec, "DescribeInstances", instanceIds=[iid]).dataSet
    return i


def primary(acct, iid: str):
    [nic] = [n for n in info(acct, iid).nics if n.nicType == "Primary"]
    return nic


def nic_ids(client, **filters) -> tuple[int, list[str]]:
    return listing(client, "DescribeNetworkInterfaces", "nicId", **filters)


def members(acct, sg: str) -> set[str]:
    [g] = call(acct.zec, "DescribeSecurityGroups", securityGroupIds=[sg]).dataSet
    return set(g.nicIdList or [])


def purge(acct, ids: list[str]) -> None:
    call(acct.zec24, "ReleaseInstances", instanceIds=ids)
    acct.server.advance("2s")
    call(acct.zec24, "ReleaseInstances", instanceIds=ids)
    acct.server.advance("2s")


# --------------------------------------------------------------------------------------------
# The primary NIC.

def test_every_instance_has_one_primary_nic_also_listed_on_its_own(acct, net):
    iid = instance(acct, net["subnet"], securityGroupId=net["sg1"])
    i = info(acct, iid)
    [entry] = i.nics
    assert entry.nicType == "Primary" and entry.nicId
    wire = acct.wire("DescribeNetworkInterfaces", {"nicIds": [entry.nicId]})
    assert wire["totalCount"] == 1
    [n] = wire["dataSet"]
    assert n["nicId"] == entry.nicId and n["instanceId"] == iid
    assert n["nicType"] == "Primary" and n["status"] == "USED"
    assert (n["subnetId"], n["vpcId"], n["regionId"]) == (net["subnet"], net["vpc"], "asia-east-1")
    assert n["primaryIpv4"] == i.privateIpAddresses[0] and usable_host(n["primaryIpv4"], CIDR)
    assert n["primaryIpv4"] in n["privateIpList"]
    assert MAC.match(n["macAddress"]), n["macAddress"]
    assert n["securityGroupId"] == net["sg1"] == i.securityGroupId
    assert n["resourceGroup"] == {"resourceGroupId": i.resourceGroupId,
                                  "resourceGroupName": i.resourceGroupName}
    assert isinstance(n["name"], str) and n["nicSubnetType"] == "IPv4"
    assert not n.get("publicIpList") and not n.get("secondaryIpv4s")
    check_time(n["createTime"])
    # The instance's own view of it agrees.
    assert (entry.subnetId, entry.vpcId, entry.primaryIpv4, entry.securityGroupId) == (
        net["subnet"], net["vpc"], n["primaryIpv4"], net["sg1"])
    assert i.subnetId == net["subnet"]


def test_a_nic_is_listed_from_the_create_answer_on(acct, net):
    [iid] = create_instances(acct.zec, 1, subnetId=net["subnet"])
    [entry] = info(acct, iid).nics  # still DEPLOYING
    assert entry.nicType == "Primary"
    assert nic_ids(acct.zec, instanceId=iid) == (1, [entry.nicId])
    assert nic_ids(acct.zec24, instanceId=iid) == (1, [entry.nicId])
    acct.server.advance("3s")


def test_the_nic_follows_its_instance_into_a_resource_group(acct, net):
    group = acct.group("blue")
    iid = instance(acct, net["subnet"], resourceGroupId=group)
    [n] = call(acct.zec, "DescribeNetworkInterfaces", instanceId=iid).dataSet
    assert (n.resourceGroup.resourceGroupId, n.resourceGroup.resourceGroupName) == (group, "blue")


def test_the_nic_of_a_purged_instance_is_gone_everywhere(acct, net):
    iid = instance(acct, net["subnet"], securityGroupId=net["sg1"])
    nic = primary(acct, iid).nicId
    purge(acct, [iid])
    assert call(acct.zec, "DescribeInstances", instanceIds=[iid]).dataSet == []
    wire = acct.wire("DescribeNetworkInterfaces", {"nicIds": [nic]})
    assert (wire["totalCount"], wire["dataSet"]) == (0, [])
    assert nic_ids(acct.zec, instanceId=iid) == (0, [])
    assert members(acct, net["sg1"]) == set()
    [s] = call(acct.zec, "DescribeSubnets", subnetIds=[net["subnet"]]).dataSet
    assert s.usageIpv4Count == 0
    refused(acct.zec, "ModifyNetworkInterfaceAttribute", nicId=nic, securityGroupId=net["sg2"])


# --------------------------------------------------------------------------------------------
# ModifyNetworkInterfaceAttribute.

def test_the_providers_security_group_change_shows_at_once(tf, acct, net):
    iid = instance(acct, net["subnet"], securityGroupId=net["sg1"])
    nic = primary(acct, iid).nicId
    mark = len(tf.calls)
    state = tf.instance_update_security_group(iid, net["sg2"])
    assert tf.calls_since(mark) == [("v2", "DescribeInstances"),
                                    ("v2", "ModifyNetworkInterfaceAttribute"),
                                    ("v2", "DescribeInstances")]
    assert state["security_group_id"] == net["sg2"] and state["primary_nic"] == nic
    assert primary(acct, iid).securityGroupId == net["sg2"]
    [n] = call(acct.zec, "DescribeNetworkInterfaces", nicIds=[nic]).dataSet
    assert n.securityGroupId == net["sg2"]
    assert (members(acct, net["sg1"]), members(acct, net["sg2"])) == (set(), {nic})
    # The same group again is no error and changes nothing.
    before = acct.snapshot()
    assert tf.instance_update_security_group(iid, net["sg2"])["security_group_id"] == net["sg2"]
    assert acct.snapshot() == before


def test_a_catalog_group_and_back(tf, acct, net):
    iid = instance(acct, net["subnet"], securityGroupId=net["sg1"])
    nic = primary(acct, iid).nicId
    assert tf.instance_update_security_group(iid, CATALOG_SG)["security_group_id"] == CATALOG_SG
    assert nic in members(acct, CATALOG_SG) and members(acct, net["sg1"]) == set()
    assert tf.instance_update_security_group(iid, net["sg1"])["security_group_id"] == net["sg1"]
    assert nic not in members(acct, CATALOG_SG)


def test_an_empty_security_group_id_means_not_given(acct, net):
    iid = instance(acct, net["subnet"], securityGroupId=net["sg1"])
    nic = primary(acct, iid).nicId
    before = acct.snapshot()
    call(acct.zec, "ModifyNetworkInterfaceAttribute", nicId=nic, securityGroupId="")
    assert acct.snapshot() == before
    call(acct.zec, "ModifyNetworkInterfaceAttribute", nicId=nic, name="renamed-nic",
         securityGroupId="")
    [n] = call(acct.zec, "DescribeNetworkInterfaces", nicIds=[nic]).dataSet
    assert (n.name, n.securityGroupId) == ("renamed-nic", net["sg1"])
    assert info(acct, iid).securityGroupId == net["sg1"]


def test_bad_modifications_are_refused_and_change_nothing(acct, net):
    iid = instance(acct, net["subnet"], securityGroupId=net["sg1"])
    nic = primary(acct, iid).nicId
    before = acct.snapshot()
    refused(acct.zec, "ModifyNetworkInterfaceAttribute", nicId=NOWHERE, securityGroupId=net["sg2"])
    refused(acct.zec, "ModifyNetworkInterfaceAttribute", nicId=nic, securityGroupId=NOWHERE)
    refused(acct.zec, "ModifyNetworkInterfaceAttribute", "MISSING_PARAMETER",
            securityGroupId=net["sg2"])
    for name in ("x" * 64, "bad name", "-nic"):
        refused(acct.zec, "ModifyNetworkInterfaceAttribute", nicId=nic, name=name,
                securityGroupId=net["sg2"])
    assert acct.snapshot() == before


def test_a_primary_nic_goes_only_with_its_instance(acct, net):
    iid = instance(acct, net["subnet"])
    nic = primary(acct, iid).nicId
    before = acct.snapshot()
    for client in (acct.zec, acct.zec24):
        code, status = answer(client, "DeleteNetworkInterface", nicId=nic)
        assert 400 <= status < 500 and code != "INTERNAL_SERVER_ERROR", (code, status)
    assert acct.snapshot() == before


# --------------------------------------------------------------------------------------------
# DescribeNetworkInterfaces.

@pytest.fixture
def fleet(acct, net):
    """Three instances: a (sg1, group "blue"), b (sg2), c in the catalog subnet."""
    a = instance(acct, net["subnet"], securityGroupId=net["sg1"],
                 resourceGroupId=acct.group("blue"))
    b = instance(acct, net["subnet"], securityGroupId=net["sg2"])
    c = instance(acct, CATALOG_SUBNET)
    return {k: primary(acct, i).nicId for k, i in (("a", a), ("b", b), ("c", c))} | {
        "ia": a, "ib": b, "ic": c}


def test_nic_ids_are_exact_and_unknown_ids_find_nothing(acct, fleet):
    a, b, c = fleet["a"], fleet["b"], fleet["c"]
    assert nic_ids(acct.zec, nicIds=[b]) == (1, [b])
    assert nic_ids(acct.zec, nicIds=[c, a]) == (2, [a, c])
    assert nic_ids(acct.zec, nicIds=[a, NOWHERE]) == (1, [a])
    assert nic_ids(acct.zec24, nicIds=[c, a]) == (2, [a, c])
    for unknown in ([NOWHERE], ["eni-x"], [str(int(c) + 1)]):
        wire = acct.wire("DescribeNetworkInterfaces", {"nicIds": unknown})
        assert (wire["totalCount"], wire["dataSet"]) == (0, [])


def test_every_filter_of_describe_network_interfaces(acct, net, fleet):
    a, b, c = fleet["a"], fleet["b"], fleet["c"]
    assert nic_ids(acct.zec, instanceId=fleet["ib"]) == (1, [b])
    assert nic_ids(acct.zec, subnetId=net["subnet"]) == (2, [a, b])
    assert nic_ids(acct.zec, vpcId=net["vpc"]) == (2, [a, b])
    assert nic_ids(acct.zec, securityGroupId=net["sg1"]) == (1, [a])
    assert nic_ids(acct.zec, securityGroupId=CATALOG_SG) == (1, [c])
    assert nic_ids(acct.zec, resourceGroupId=acct.group("blue")) == (1, [a])
    assert nic_ids(acct.zec, resourceGroupId=acct.default_group) == (2, [b, c])
    assert nic_ids(acct.zec, nicType="Primary") == (3, [a, b, c])
    assert nic_ids(acct.zec, nicType="Secondary") == (0, [])
    assert nic_ids(acct.zec, status="USED") == (3, [a, b, c])
    assert nic_ids(acct.zec, regionId="asia-east-1") == (3, [a, b, c])
    assert nic_ids(acct.zec, regionId="eu-west-1") == (0, [])
    assert nic_ids(acct.zec, nicSubnetType="IPv4") == (3, [a, b, c])
    assert nic_ids(acct.zec, vpcId=net["vpc"], securityGroupId=net["sg2"]) == (1, [b])
    # "" is "not given" (§0.4): the provider's data source sends only what is configured,
    # other clients send "".
    assert nic_ids(acct.zec, instanceId="", subnetId="", vpcId="", regionId="",
                   resourceGroupId="", securityGroupId="", name="") == (3, [a, b, c])
    # v1 filters.
    assert nic_ids(acct.zec24, instanceId=fleet["ia"]) == (1, [a])
    assert nic_ids(acct.zec24, subnetId=net["subnet"], nicType="Primary") == (2, [a, b])


def test_name_filter_is_fuzzy(acct, fleet):
    call(acct.zec, "ModifyNetworkInterfaceAttribute", nicId=fleet["b"], name="frontend-eth0")
    assert nic_ids(acct.zec, name="frontend") == (1, [fleet["b"]])


def test_describe_network_interfaces_pages_in_creation_order_and_as_the_data_source_reads(
        acct, fleet):
    every = [fleet["a"], fleet["b"], fleet["c"]]
    for size in (1, 2):
        assert every_page(acct.zec, "DescribeNetworkInterfaces", "nicId", size) == every
    assert terraform_list(acct.zec, "DescribeNetworkInterfaces", "nicId") == every
    assert answer(acct.zec, "DescribeNetworkInterfaces", pageSize=1001)[0] == \
        "INVALID_PARAMETER_EXCEED_MAXIMUM"
    assert answer(acct.zec, "DescribeNetworkInterfaces",
                  nicIds=[str(n) for n in range(101)])[0] == "INVALID_PARAMETER_EXCEED_LENGTH"


# --------------------------------------------------------------------------------------------
# Accounts and credentials.

def test_another_accounts_nic_answers_as_one_that_never_existed(acct, server, net):
    iid = instance(acct, net["subnet"], securityGroupId=net["sg1"])
    nic = primary(acct, iid).nicId
    intruder = new_account(server, "nicintruder")
    theirs = call(intruder.zec, "CreateSecurityGroup", securityGroupName="theirs"
                  ).securityGroupId
    before = acct.snapshot()
    assert nic_ids(intruder.zec, nicIds=[nic]) == (0, [])
    assert nic_ids(intruder.zec, instanceId=iid) == (0, [])
    assert nic_ids(intruder.zec, subnetId=net["subnet"]) == (0, [])
    assert nic not in nic_ids(intruder.zec, pageSize=1000)[1]
    for fields in (lambda i: dict(nicId=i, securityGroupId=theirs),
                   lambda i: dict(nicId=i, name="taken")):
        got = fails(intruder.zec, "ModifyNetworkInterfaceAttribute", **fields(nic))
        got_status = intruder.zec.last_status
        base = fails(intruder.zec, "ModifyNetworkInterfaceAttribute", **fields(NOWHERE))
        assert (got.code, got_status) == (base.code, intruder.zec.last_status)
        assert 400 <= got_status < 500
    assert acct.snapshot() == before


def test_read_only_and_group_scoped_credentials(acct, net):
    inside = instance(acct, net["subnet"], resourceGroupId=acct.group("g1"))
    outside = instance(acct, net["subnet"], resourceGroupId=acct.group("g2"))
    n_in, n_out = primary(acct, inside).nicId, primary(acct, outside).nicId
    before = acct.snapshot()
    ro = scoped(acct, read_only=True)
    assert nic_ids(ro.zec, nicIds=[n_in, n_out]) == (2, [n_in, n_out])
    assert answer(ro.zec, "ModifyNetworkInterfaceAttribute", nicId=n_in,
                  securityGroupId=net["sg2"]) == UNAUTHORIZED
    g1 = scoped(acct, "g1")
    assert nic_ids(g1.zec, nicIds=[n_in, n_out]) == (1, [n_in])
    assert nic_ids(g1.zec, pageSize=1000) == (1, [n_in])
    assert answer(g1.zec, "ModifyNetworkInterfaceAttribute", nicId=n_out,
                  securityGroupId=net["sg2"]) == UNAUTHORIZED
    assert acct.snapshot() == before
    # Its own NIC it may change (a name: which groups a security group is in is not settled).
    call(g1.zec, "ModifyNetworkInterfaceAttribute", nicId=n_in, name="scoped-ok")
    assert primary(acct, inside).name == "scoped-ok"
