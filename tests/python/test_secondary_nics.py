"""Secondary network interfaces (issue 12; notes/issue12-design.md "Network interfaces
(secondary)", "Instances"; spec zec-resources.md §7, §8, §12 zec_vnics, §13, §14, §16, §0),
through the official Python SDK on a zecd with a manual clock:

* the provider's ``zenlayercloud_zec_vnic``, ``zenlayercloud_zec_vnic_attachment`` and
  ``zenlayercloud_zec_vnic_ipv4`` replayed call for call with their versions (tfeip.py):
  CreateNetworkInterface v2 and a Read that waits out PENDING; updates of name and group, then
  resource group and tags; DeleteNetworkInterface v1 that must leave the NIC gone (or
  DELETING); AttachNetworkInterface v2 whose ``instanceId`` shows at once, the NIC's Read waiting
  out ATTACHING, DetachNetworkInterface v2 done at once (so that the vNIC's delete right after
  it succeeds), OPERATION_DENIED_NIC_NOT_EXIST_INSTANCE for a NIC not attached; secondary IPv4s
  by addresses and by count, their update and delete (Unassign of ``secondaryIpv4s``); the
  2024-04-01 client, whose Unassign method sends ``UnAssignNetworkInterfaceIpv4``;
* what an attachment shows (InstanceInfo.nics with nicType Secondary, privateIpAddresses, the
  security group's nicIdList, EIPs on the NIC in publicIpAddresses and DescribeEips {instanceId})
  and the detach reversing it at once;
* ReleaseInstances' ``dependResource`` (2024-04-01: none, i.e. false; 2025-09-01: default true),
  taken from the release that starts the purge and applied at the purge: EIPs unbound or
  released, secondary NICs detached or deleted, no address ever leaking;
* every refusal with the design's code (and HTTP status where it gives one), nothing changed;
* the nic-create fault rule; DescribeNetworkInterfaces' filters and paging with secondary NICs,
  and the zec_vnics data source; isolation, read-only and group-scoped credentials.

Assumptions beyond the design (the tests pin them):
* A NIC made by CreateNetworkInterface has ``nicType`` "Secondary" from its creation on, attached
  or not (the zec_vnics data source dereferences nicType for every NIC, §0.5).
* A NIC with no group named takes its VPC's bound group, else the catalog's default group (as
  instances do since issue 11); in a catalog subnet, the catalog VPC's group.
* ``InstanceInfo.nics`` lists a secondary NIC from the attach call on (its instanceId is set at
  once), after the primary; ``privateIpAddresses`` starts with the primary NIC's primary IPv4,
  the order of the rest is not pinned. A detached NIC keeps its own addresses.
* A refusal the design names no code for (an unknown NIC or instance on attach, a bad name, an
  unknown subnet, group or resource group, a NIC ATTACHING on delete) only needs a 4xx with a code
  Terraform does not retry; a missing required field is MISSING_PARAMETER. DeleteSubnet and
  DeleteSecurityGroup are refused (a 4xx) while a secondary NIC uses them.
* Under a release without dependResource, what happens to an EIP bound to a *secondary* NIC is
  left open (the design's "EIPs on its NICs are unbound" and "detach: EIPs on it stay bound"
  could each be meant); with dependResource it is released (RECYCLED) with its NIC.
* NICs are scoped by resource group (issue 11); a scoped credential's attach of its NIC to an
  instance outside its groups is AUTHFAILURE_UNAUTHORIZED_OPERATION (as any action touching such
  an instance).
"""

from __future__ import annotations

import re

import pytest

from conftest import REGION, create_instances
from netkit import (
    CATALOG_SG,
    CATALOG_VPC,
    RELEASES,
    UNAUTHORIZED,
    answer,
    call,
    check_time,
    every_page,
    new_account,
    nth_address,
    refused,
    scoped,
    tag_association,
    terraform_list,
    usable_host,
)
from tfeip import (
    IDS,
    NOT_ATTACHED,
    NOWHERE,
    PHASE_MS,
    Provider,
    TerraformError,
    VnicConfig,
    attach,
    bind,
    eip_ids,
    eip_wire,
    instance_of,
    members,
    ms,
    new_eip,
    new_nic,
    nic_ids,
    nic_wire,
    primary_of,
    refused_as,
    run_instance,
    snapshot,
    unbound,
    usage,
)
from tfnet import SubnetConfig, VpcConfig

CIDR = "172.16.1.0/24"
SMALL_CIDR = "172.16.9.0/29"           # .2 – .6 usable
OTHER_REGION = "asia-southwest-1"
OTHER_SUBNET = "1272168087751233113"   # the catalog's subnet of asia-southwest-1
MAC = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$", re.IGNORECASE)
IN_USE = "INVALID_SUBNET_PRIVATE_IPV4_IN_USED"
BAD_INSTANCE_STATUS = "OPERATION_DENIED_INSTANCE_STATUS_NOT_SUPPORT"


def addr(n: int, cidr: str = CIDR) -> str:
    """The n-th address of a block."""
    return nth_address(cidr, n)


@pytest.fixture(scope="module")
def server(manual_zecd):
    return manual_zecd


@pytest.fixture
def acct(server):
    return new_account(server, "vnic")


@pytest.fixture
def tf(acct):
    return Provider(acct)


@pytest.fixture
def net(acct):
    """A VPC 172.16.0.0/16 (no group bound), a subnet 172.16.1.0/24 and two security groups."""
    t = Provider(acct)
    vpc = t.vpc_create(VpcConfig(cidr_block="172.16.0.0/16", name="vnics"))[0]
    subnet = t.subnet_create(SubnetConfig(vpc_id=vpc, cidr_block=CIDR))[0]
    return {"vpc": vpc, "subnet": subnet, "sg1": t.sg_create("vnic-one")[0],
            "sg2": t.sg_create("vnic-two")[0]}


@pytest.fixture
def faults(server):
    server.delete_faults()
    yield server
    server.delete_faults()


def private_of(acct, iid: str) -> list[str]:
    return list(instance_of(acct, iid).privateIpAddresses or [])


def nics_of(acct, iid: str) -> list[tuple[str, str]]:
    return [(n.nicId, n.nicType) for n in instance_of(acct, iid).nics]


def secondaries(acct, nid: str) -> list[str]:
    return sorted(nic_wire(acct, nid).get("secondaryIpv4s") or [])


# --------------------------------------------------------------------------------------------
# zenlayercloud_zec_vnic.

def test_the_providers_vnic_create_reads_until_available(tf, acct, net):
    cfg = VnicConfig(subnet_id=net["subnet"], name="example", security_group_id=net["sg1"])
    nid, state = tf.run(tf.vnic_create(cfg))
    assert IDS.match(nid), nid
    assert tf.calls == [("v2", "CreateNetworkInterface")] + \
        [("v2", "DescribeNetworkInterfaces")] * 3
    assert tf.observed[f"vnic:{nid}"] == ["PENDING", "PENDING", "AVAILABLE"]
    assert tf.clock == 1.5
    assert (state["subnet_id"], state["name"], state["security_group_id"],
            state["primary_ipv6"]) == (net["subnet"], "example", net["sg1"], "")
    assert usable_host(state["primary_ipv4"], CIDR)
    assert (state["resource_group_id"], state["resource_group_name"]) == (
        acct.default_group, "Default Resource Group")
    check_time(state["create_time"])
    assert Provider.vnic_plan(cfg, tf.run(tf.vnic_read(nid))) == {}
    n = nic_wire(acct, nid)
    assert (n["nicType"], n["status"], n["instanceId"]) == ("Secondary", "AVAILABLE", None)
    assert (n["subnetId"], n["vpcId"], n["regionId"], n["nicSubnetType"]) == (
        net["subnet"], net["vpc"], REGION, "IPv4")
    assert n["primaryIpv4"] == state["primary_ipv4"]
    assert n["privateIpList"] == [n["primaryIpv4"]]
    assert not n.get("secondaryIpv4s") and not n.get("publicIpList")
    assert MAC.match(n["macAddress"]), n["macAddress"]
    assert members(acct, net["sg1"]) == {nid}
    assert usage(acct, net["subnet"]) == 1


def test_the_nic_create_phase_lasts_exactly_its_duration(acct, net, server):
    nid = new_nic(acct, net["subnet"], settle=False)
    n = nic_wire(acct, nid)
    assert n["status"] == "PENDING" and usable_host(n["primaryIpv4"], CIDR), n
    server.advance(ms(PHASE_MS["nic-create"] - 1))
    assert nic_wire(acct, nid)["status"] == "PENDING"
    server.advance("1ms")
    assert nic_wire(acct, nid)["status"] == "AVAILABLE"


def test_a_vnic_without_a_group_takes_the_vpcs_else_the_catalog_default(acct, net):
    plain = new_nic(acct, net["subnet"])
    assert nic_wire(acct, plain)["securityGroupId"] == CATALOG_SG
    call(acct.zec, "AssignSecurityGroupVpc", vpcId=net["vpc"], securityGroupId=net["sg2"])
    in_bound_vpc = new_nic(acct, net["subnet"], securityGroupId="")
    assert nic_wire(acct, in_bound_vpc)["securityGroupId"] == net["sg2"]
    assert nic_wire(acct, plain)["securityGroupId"] == CATALOG_SG
    catalog = nic_wire(acct, new_nic(acct, OTHER_SUBNET))
    assert (catalog["securityGroupId"], catalog["vpcId"], catalog["regionId"]) == (
        CATALOG_SG, CATALOG_VPC, OTHER_REGION)


def test_the_providers_vnic_update_then_group_and_tags(tf, acct, net):
    nid, state = tf.run(tf.vnic_create(VnicConfig(subnet_id=net["subnet"], name="one",
                                                  security_group_id=net["sg1"])))
    new = VnicConfig(subnet_id=net["subnet"], name="two", security_group_id=net["sg2"])
    mark = len(tf.calls)
    state = tf.run(tf.vnic_update(nid, state, new))
    assert tf.calls_since(mark) == [("v2", "ModifyNetworkInterfaceAttribute"),
                                    ("v2", "DescribeNetworkInterfaces")]
    assert (state["name"], state["security_group_id"]) == ("two", net["sg2"])
    assert (members(acct, net["sg1"]), members(acct, net["sg2"])) == (set(), {nid})
    newer = VnicConfig(subnet_id=net["subnet"], name="two", security_group_id=net["sg2"],
                       resource_group_id=acct.group("blue"), tags={"tier": "db"})
    mark = len(tf.calls)
    state = tf.run(tf.vnic_update(nid, state, newer))
    assert tf.calls_since(mark) == [("user", "AddResourceResourceGroup"),
                                    ("zrm", "ModifyResourceTags"),
                                    ("v2", "DescribeNetworkInterfaces")]
    assert (state["resource_group_name"], state["tags"]) == ("blue", {"tier": "db"})
    assert Provider.vnic_plan(newer, state) == {}


def test_the_providers_vnic_delete_is_done_at_once_and_frees_the_address(tf, acct, net):
    nid, state = tf.run(tf.vnic_create(VnicConfig(subnet_id=net["subnet"],
                                                  security_group_id=net["sg1"])))
    mark, start = len(tf.calls), tf.clock
    assert tf.run(tf.vnic_delete(nid)) == "ok"
    assert tf.calls_since(mark) == [("v1", "DeleteNetworkInterface"),
                                    ("v2", "DescribeNetworkInterfaces")]
    assert tf.clock == start
    assert nic_wire(acct, nid) is None
    assert members(acct, net["sg1"]) == set() and usage(acct, net["subnet"]) == 0
    # A stale state: "not found" is tolerated.
    assert tf.run(tf.vnic_delete(nid)) == "OPERATION_FAILED_RESOURCE_NOT_FOUND"
    # Its address is free: another NIC can take it.
    other = new_nic(acct, net["subnet"])
    if nic_wire(acct, other)["primaryIpv4"] != state["primary_ipv4"]:
        call(acct.zec, "BatchAssignNetworkInterfaceIpv4", nicId=other,
             ipAddresses=[state["primary_ipv4"]])
    assert state["primary_ipv4"] in nic_wire(acct, other)["privateIpList"]


# --------------------------------------------------------------------------------------------
# zenlayercloud_zec_vnic_attachment, and what an attachment shows.

def test_the_providers_attachment_shows_at_once_and_its_detach_is_done_at_once(
        tf, acct, net):
    iid = run_instance(acct, net["subnet"], securityGroupId=net["sg1"])
    p = primary_of(acct, iid)
    nid, nic_state = tf.run(tf.vnic_create(VnicConfig(subnet_id=net["subnet"], name="eth1",
                                                      security_group_id=net["sg1"])))
    ip = nic_state["primary_ipv4"]
    mark = len(tf.calls)
    state = tf.vnic_attachment_create(nid, iid)
    assert tf.calls_since(mark) == [("v2", "AttachNetworkInterface"),
                                    ("v2", "DescribeNetworkInterfaces")]
    assert state == {"vnic_id": nid, "instance_id": iid}
    n = nic_wire(acct, nid)
    assert (n["status"], n["instanceId"], n["nicType"]) == ("ATTACHING", iid, "Secondary")
    assert nics_of(acct, iid) == [(p.nicId, "Primary"), (nid, "Secondary")]
    private = private_of(acct, iid)
    assert private[0] == p.primaryIpv4 and sorted(private) == sorted([p.primaryIpv4, ip])
    assert nic_ids(acct.zec, instanceId=iid) == (2, [p.nicId, nid])
    found = tf.data_vnics(instance_id=iid)
    assert [(v["id"], v["primary"]) for v in found] == [(p.nicId, True), (nid, False)]
    assert members(acct, net["sg1"]) == {p.nicId, nid}
    # The vNIC's own refresh waits the attach out.
    start = tf.clock
    assert tf.run(tf.vnic_read(nid))["primary_ipv4"] == ip
    assert tf.observed[f"vnic:{nid}"][-3:] == ["ATTACHING", "ATTACHING", "USED"]
    assert tf.clock - start == 1.5
    assert nic_wire(acct, nid)["status"] == "USED"

    # Destroy: the attachment, then at once the vNIC.
    mark = len(tf.calls)
    assert tf.vnic_attachment_delete(nid) == "ok"
    n = nic_wire(acct, nid)
    assert (n["status"], n["instanceId"]) == ("AVAILABLE", None)
    assert nics_of(acct, iid) == [(p.nicId, "Primary")]
    assert private_of(acct, iid) == [p.primaryIpv4]
    assert nic_ids(acct.zec, instanceId=iid) == (1, [p.nicId])
    assert tf.vnic_attachment_read(nid) is None
    # A second detach (a stale state) is "not attached", which the provider takes as done.
    assert tf.vnic_attachment_delete(nid) == NOT_ATTACHED
    refused_as(acct.zec, "DetachNetworkInterface", NOT_ATTACHED, 403, nicId=nid)
    assert tf.run(tf.vnic_delete(nid)) == "ok"
    assert tf.calls_since(mark) == [
        ("v2", "DetachNetworkInterface"), ("v2", "DescribeNetworkInterfaces"),
        ("v2", "DetachNetworkInterface"), ("v1", "DeleteNetworkInterface"),
        ("v2", "DescribeNetworkInterfaces")]
    assert members(acct, net["sg1"]) == {p.nicId}


def test_the_nic_attach_phase_lasts_exactly_its_duration(acct, net, server):
    iid = run_instance(acct, net["subnet"])
    nid = new_nic(acct, net["subnet"])
    attach(acct, nid, iid, settle=False)
    server.advance(ms(PHASE_MS["nic-attach"] - 1))
    assert nic_wire(acct, nid)["status"] == "ATTACHING"
    before = snapshot(acct)
    # Not USED yet: it cannot be detached.
    refused_as(acct.zec, "DetachNetworkInterface", "INVALID_NIC_STATUS", 400, nicId=nid)
    assert snapshot(acct) == before
    server.advance("1ms")
    assert nic_wire(acct, nid)["status"] == "USED"


def test_an_eip_on_a_secondary_nic_follows_its_attachment(acct, net):
    iid = run_instance(acct, net["subnet"])
    nid = new_nic(acct, net["subnet"])
    extra = addr(150)
    call(acct.zec, "BatchAssignNetworkInterfaceIpv4", nicId=nid, ipAddresses=[extra])
    eid = new_eip(acct)
    [ip] = eip_wire(acct, eid)["publicIpAddresses"]
    bind(acct, eid, nid, extra)
    e = eip_wire(acct, eid)
    assert (e["associatedId"], e["instanceId"], e["privateIpAddress"]) == (nid, None, extra)
    assert nic_wire(acct, nid)["publicIpList"] == [ip]
    assert eip_ids(acct.zec, instanceId=iid) == (0, [])
    attach(acct, nid, iid)
    assert eip_wire(acct, eid)["instanceId"] == iid
    assert list(instance_of(acct, iid).publicIpAddresses or []) == [ip]
    assert eip_ids(acct.zec, instanceId=iid) == (1, [eid])
    assert extra in private_of(acct, iid)
    call(acct.zec, "DetachNetworkInterface", nicId=nid)
    e = eip_wire(acct, eid)
    assert (e["status"], e["associatedId"], e["instanceId"], e["privateIpAddress"]) == (
        "BINDED", nid, None, extra)
    assert list(instance_of(acct, iid).publicIpAddresses or []) == []
    assert eip_ids(acct.zec, instanceId=iid) == (0, [])
    assert extra not in private_of(acct, iid)
    assert nic_wire(acct, nid)["publicIpList"] == [ip]


def test_create_with_eip_ids_binds_them_to_the_new_nics_primary_ipv4_at_once(acct, net):
    eid = new_eip(acct)
    [ip] = eip_wire(acct, eid)["publicIpAddresses"]
    nid = new_nic(acct, net["subnet"], settle=False, eipIds=[eid], eipBindType="Passthrough")
    n = nic_wire(acct, nid)
    e = eip_wire(acct, eid)
    assert (e["status"], e["associatedId"], e["privateIpAddress"], e["bindType"],
            e["instanceId"]) == ("BINDED", nid, n["primaryIpv4"], "Passthrough", None)
    assert n["publicIpList"] == [ip]


def test_security_group_members_and_subnet_use_include_secondary_nics(acct, net):
    iid = run_instance(acct, net["subnet"], securityGroupId=net["sg1"])
    p = primary_of(acct, iid).nicId
    n1 = new_nic(acct, net["subnet"], securityGroupId=net["sg1"])
    n2 = new_nic(acct, net["subnet"], securityGroupId=net["sg2"])
    assert (members(acct, net["sg1"]), members(acct, net["sg2"])) == ({p, n1}, {n2})
    assert nic_ids(acct.zec, securityGroupId=net["sg1"]) == (2, [p, n1])
    attach(acct, n1, iid)
    assert members(acct, net["sg1"]) == {p, n1}
    call(acct.zec, "ModifyNetworkInterfaceAttribute", nicId=n1, securityGroupId=net["sg2"])
    assert (members(acct, net["sg1"]), members(acct, net["sg2"])) == ({p}, {n1, n2})
    assert usage(acct, net["subnet"]) >= 3
    # A subnet with nothing but a secondary NIC in it is in use.
    lone = Provider(acct).subnet_create(SubnetConfig(vpc_id=net["vpc"],
                                                     cidr_block="172.16.5.0/24"))[0]
    n3 = new_nic(acct, lone, securityGroupId=net["sg2"])
    assert usage(acct, lone) == 1
    before = snapshot(acct)
    refused(acct.zec24, "DeleteSecurityGroup", securityGroupId=net["sg2"])
    refused(acct.zec24, "DeleteSubnet", subnetId=lone)
    assert snapshot(acct) == before
    call(acct.zec, "DetachNetworkInterface", nicId=n1)
    for nid in (n1, n2, n3):
        call(acct.zec24, "DeleteNetworkInterface", nicId=nid)
    assert members(acct, net["sg2"]) == set() and usage(acct, lone) == 0
    call(acct.zec24, "DeleteSubnet", subnetId=lone)
    call(acct.zec24, "DeleteSecurityGroup", securityGroupId=net["sg2"])


# --------------------------------------------------------------------------------------------
# zenlayercloud_zec_vnic_ipv4.

def test_the_providers_secondary_addresses_by_address(tf, acct, net):
    iid = run_instance(acct, net["subnet"])
    nid = new_nic(acct, net["subnet"])
    attach(acct, nid, iid)
    primary_ip = nic_wire(acct, nid)["primaryIpv4"]
    a, b, c = addr(201), addr(202), addr(203)
    mark = len(tf.calls)
    state = tf.vnic_ipv4_create(nid, addresses=[a, b])
    assert tf.calls_since(mark) == [("v2", "BatchAssignNetworkInterfaceIpv4"),
                                    ("v2", "DescribeNetworkInterfaces")]
    assert sorted(state["secondary_private_ip_addresses"]) == [a, b]
    assert state["secondary_private_ip_count"] == 2
    n = nic_wire(acct, nid)
    assert n["privateIpList"][0] == primary_ip and sorted(n["privateIpList"]) == sorted(
        [primary_ip, a, b])
    assert {a, b} <= set(private_of(acct, iid))
    # a out, c in.
    mark = len(tf.calls)
    tf.vnic_ipv4_update(nid, state, addresses=[b, c])
    assert tf.calls_since(mark) == [("v2", "UnassignNetworkInterfaceIpv4"),
                                    ("v2", "BatchAssignNetworkInterfaceIpv4")]
    state = tf.vnic_ipv4_read(nid)
    assert sorted(state["secondary_private_ip_addresses"]) == [b, c]
    assert a not in private_of(acct, iid) and c in private_of(acct, iid)
    # Delete: what the NIC has, read first.
    mark = len(tf.calls)
    assert sorted(tf.vnic_ipv4_delete(nid)) == [b, c]
    assert tf.calls_since(mark) == [("v2", "DescribeNetworkInterfaces"),
                                    ("v2", "UnassignNetworkInterfaceIpv4")]
    assert tf.vnic_ipv4_read(nid) is None
    assert nic_wire(acct, nid)["privateIpList"] == [primary_ip]
    assert sorted(private_of(acct, iid)) == sorted([primary_of(acct, iid).primaryIpv4,
                                                    primary_ip])
    # All three are free again.
    other = new_nic(acct, net["subnet"])
    resp = call(acct.zec, "BatchAssignNetworkInterfaceIpv4", nicId=other, ipAddresses=[a, b, c])
    assert sorted(resp.ipAddresses) == [a, b, c] == secondaries(acct, other)


def test_the_providers_secondary_addresses_by_count(tf, acct, net):
    nid = new_nic(acct, net["subnet"])
    primary_ip = nic_wire(acct, nid)["primaryIpv4"]
    state = tf.vnic_ipv4_create(nid, count=2)
    two = state["secondary_private_ip_addresses"]
    assert len(set(two)) == 2 and primary_ip not in two
    assert all(usable_host(x, CIDR) for x in two)
    mark = len(tf.calls)
    tf.vnic_ipv4_update(nid, state, count=3)
    assert tf.calls_since(mark) == [("v2", "BatchAssignNetworkInterfaceIpv4")]
    state = tf.vnic_ipv4_read(nid)
    three = state["secondary_private_ip_addresses"]
    assert len(three) == 3 and set(two) <= set(three)
    mark = len(tf.calls)
    tf.vnic_ipv4_update(nid, state, count=1)
    assert tf.calls_since(mark) == [("v2", "UnassignNetworkInterfaceIpv4")]
    assert tf.vnic_ipv4_read(nid)["secondary_private_ip_addresses"] == three[2:]
    tf.vnic_ipv4_delete(nid)
    assert tf.vnic_ipv4_read(nid) is None
    assert usage(acct, net["subnet"]) >= 1


def test_batch_assign_answers_what_it_assigned_and_addresses_win_over_a_count(acct, net):
    nid = new_nic(acct, net["subnet"])
    resp = call(acct.zec, "BatchAssignNetworkInterfaceIpv4", nicId=nid, ipAddressCount=3)
    assert len(resp.ipAddresses) == 3 and sorted(resp.ipAddresses) == secondaries(acct, nid)
    resp = call(acct.zec, "BatchAssignNetworkInterfaceIpv4", nicId=nid, ipAddresses=[addr(77)],
                ipAddressCount=5)
    assert list(resp.ipAddresses) == [addr(77)]
    assert len(secondaries(acct, nid)) == 4
    call(acct.zec, "AssignNetworkInterfaceIpv4", nicId=nid, ipAddress=addr(78))
    assert addr(78) in secondaries(acct, nid)


def test_secondary_addresses_on_a_primary_nic(acct, net):
    iid = run_instance(acct, net["subnet"])
    p = primary_of(acct, iid)
    call(acct.zec, "BatchAssignNetworkInterfaceIpv4", nicId=p.nicId, ipAddresses=[addr(90)])
    assert primary_of(acct, iid).secondaryIpv4s == [addr(90)]
    assert sorted(private_of(acct, iid)) == sorted([p.primaryIpv4, addr(90)])
    call(acct.zec, "UnassignNetworkInterfaceIpv4", nicId=p.nicId, ipAddresses=[addr(90)])
    assert private_of(acct, iid) == [p.primaryIpv4]


def test_the_2024_04_01_client_and_its_unassign_spelling(acct, net, server):
    v1 = acct.zec24
    iid = run_instance(acct, net["subnet"])
    nid = call(v1, "CreateNetworkInterface", subnetId=net["subnet"], name="old-client").nicId
    [n] = call(v1, "DescribeNetworkInterfaces", nicIds=[nid]).dataSet
    assert (n.status, n.nicType) == ("PENDING", "Secondary")
    server.advance(ms(PHASE_MS["nic-create"]))
    call(v1, "AttachNetworkInterface", nicId=nid, instanceId=iid)
    server.advance(ms(PHASE_MS["nic-attach"]))
    a, b, c = addr(111), addr(112), addr(113)
    call(v1, "AssignNetworkInterfaceIpv4", nicId=nid, ipAddress=a)
    assert sorted(call(v1, "BatchAssignNetworkInterfaceIpv4", nicId=nid,
                       ipAddresses=[b, c]).ipAddresses) == [b, c]
    [n] = call(v1, "DescribeNetworkInterfaces", nicIds=[nid]).dataSet
    assert (n.status, n.instanceId, sorted(n.secondaryIpv4s)) == ("USED", iid, [a, b, c])
    # The 2024-04-01 SDK's UnassignNetworkInterfaceIpv4 sends "UnAssignNetworkInterfaceIpv4".
    call(v1, "UnassignNetworkInterfaceIpv4", nicId=nid, ipAddresses=[a])
    assert secondaries(acct, nid) == [b, c]
    # The Go SDK's 2024-04-01 spelling, and the deprecated single ipAddress.
    acct.wire("UnassignNetworkInterfaceIpv4", {"nicId": nid, "ipAddress": b}, version="v1")
    assert secondaries(acct, nid) == [c]
    acct.wire("UnAssignNetworkInterfaceIpv4", {"nicId": nid, "ipAddresses": [c]}, version="v1")
    assert secondaries(acct, nid) == []
    call(v1, "DetachNetworkInterface", nicId=nid)
    call(v1, "DeleteNetworkInterface", nicId=nid)
    assert call(v1, "DescribeNetworkInterfaces", nicIds=[nid]).dataSet == []


# --------------------------------------------------------------------------------------------
# ReleaseInstances: dependResource, taken from the release that starts the purge.


@pytest.fixture
def wired(acct, net):
    """An instance with an EIP on its primary NIC and a secondary NIC (USED) that has two more
    addresses, one of them with an EIP."""
    iid = run_instance(acct, net["subnet"], securityGroupId=net["sg1"])
    p = primary_of(acct, iid)
    nid = new_nic(acct, net["subnet"], securityGroupId=net["sg1"])
    attach(acct, nid, iid)
    extra = sorted(call(acct.zec, "BatchAssignNetworkInterfaceIpv4", nicId=nid,
                        ipAddressCount=2).ipAddresses)
    on_primary, on_secondary = new_eip(acct), new_eip(acct)
    bind(acct, on_primary, p.nicId, p.primaryIpv4)
    bind(acct, on_secondary, nid, extra[0])
    return {"instance": iid, "primary": p.nicId, "lan": p.primaryIpv4, "nic": nid,
            "nic_ip": nic_wire(acct, nid)["primaryIpv4"], "extra": extra,
            "on_primary": on_primary, "on_secondary": on_secondary}


@pytest.mark.parametrize("first, second, depend", [
    ("v1", "v1", False),                 # the provider's destroy
    ("v2", "v2", True),                  # 2025-09-01's default
    ("v2-keep", "v2-keep", False),
    ("v2-depend", "v1", False),          # the second release decides ...
    ("v1", "v2", True),
    ("v2-keep", "v2-depend", True),
])
def test_release_lets_go_of_eips_and_secondary_nics_at_the_purge(
        acct, net, wired, server, first, second, depend):
    iid, nid = wired["instance"], wired["nic"]
    RELEASES[first](acct, iid)
    server.advance("2s")
    assert instance_of(acct, iid).status == "RECYCLE"

    def still_held():
        assert eip_wire(acct, wired["on_primary"])["associatedId"] == wired["primary"]
        assert eip_wire(acct, wired["on_secondary"])["associatedId"] == nid
        n = nic_wire(acct, nid)
        assert (n["status"], n["instanceId"]) == ("USED", iid)

    still_held()
    RELEASES[second](acct, iid)
    server.advance("1999ms")
    assert instance_of(acct, iid) is not None
    still_held()
    server.advance("1ms")
    assert instance_of(acct, iid) is None
    assert nic_wire(acct, wired["primary"]) is None
    assert eip_ids(acct.zec, instanceId=iid) == (0, [])
    e = eip_wire(acct, wired["on_primary"])
    assert e["status"] == ("RECYCLED" if depend else "UNBIND") and unbound(e), e
    if depend:
        e = eip_wire(acct, wired["on_secondary"])
        assert e["status"] == "RECYCLED" and unbound(e), e
        assert nic_wire(acct, nid) is None
        assert members(acct, net["sg1"]) == set()
        assert usage(acct, net["subnet"]) == 0
        for eid in (wired["on_primary"], wired["on_secondary"]):
            call(acct.zec, "DeleteEip", eipId=eid)       # RECYCLED → gone at once
            assert eip_wire(acct, eid) is None
    else:
        n = nic_wire(acct, nid)
        assert (n["status"], n["instanceId"]) == ("AVAILABLE", None)
        assert sorted(n["privateIpList"]) == sorted([wired["nic_ip"]] + wired["extra"])
        assert members(acct, net["sg1"]) == {nid}
        # What was let go can be used again, the purged instance's address included.
        again = run_instance(acct, net["subnet"], lanIp=wired["lan"])
        assert primary_of(acct, again).primaryIpv4 == wired["lan"]
        attach(acct, nid, again)
        p = primary_of(acct, again)
        bind(acct, wired["on_primary"], p.nicId, p.primaryIpv4)
        assert eip_wire(acct, wired["on_primary"])["instanceId"] == again
        call(acct.zec, "UnassociateEipAddress", eipIds=[wired["on_primary"],
                                                       wired["on_secondary"]])
        call(acct.zec, "DetachNetworkInterface", nicId=nid)
        call(acct.zec24, "DeleteNetworkInterface", nicId=nid)
    # Nothing leaked: the NIC's addresses (and the purged instance's) are free.
    taker = new_nic(acct, net["subnet"])
    wanted = [wired["nic_ip"]] + wired["extra"] + ([wired["lan"]] if depend else [])
    wanted = [a for a in wanted if a != nic_wire(acct, taker)["primaryIpv4"]]
    call(acct.zec, "BatchAssignNetworkInterfaceIpv4", nicId=taker, ipAddresses=wanted)
    assert set(wanted) <= set(secondaries(acct, taker))


# --------------------------------------------------------------------------------------------
# Refusals: the design's code, and nothing changed.

def test_deleting_a_nic_in_use_is_refused(acct, net, server):
    iid = run_instance(acct, net["subnet"])
    p = primary_of(acct, iid)
    used = new_nic(acct, net["subnet"])
    attach(acct, used, iid)
    with_eip = new_nic(acct, net["subnet"])
    eid = new_eip(acct)
    bind(acct, eid, with_eip, nic_wire(acct, with_eip)["primaryIpv4"])
    pending = new_nic(acct, net["subnet"], settle=False)
    before = snapshot(acct)
    for client in (acct.zec24, acct.zec):
        refused_as(client, "DeleteNetworkInterface", "INVALID_NIC_ATTACHED", 400, nicId=used)
        refused_as(client, "DeleteNetworkInterface", "INVALID_NIC_PRIMARY_CANT_DELETE", 409,
                   nicId=p.nicId)
        refused_as(client, "DeleteNetworkInterface", "INVALID_NIC_STATUS", 400, nicId=pending)
        refused_as(client, "DeleteNetworkInterface", "INVALID_NIC_HAS_PUBLIC_IP_CANT_DETACH",
                   409, nicId=with_eip)
        refused_as(client, "DeleteNetworkInterface", "OPERATION_FAILED_RESOURCE_NOT_FOUND",
                   nicId=NOWHERE)
    assert snapshot(acct) == before
    server.advance(ms(PHASE_MS["nic-create"]))
    attaching = pending
    attach(acct, attaching, iid, settle=False)
    before = snapshot(acct)
    refused(acct.zec24, "DeleteNetworkInterface", nicId=attaching)
    assert snapshot(acct) == before


def test_attach_preconditions(acct, net, server):
    running = run_instance(acct, net["subnet"])
    stopped = run_instance(acct, net["subnet"])
    call(acct.zec, "StopInstances", instanceIds=[stopped])
    server.advance("2s")
    elsewhere = run_instance(acct, net["subnet"])
    free = new_nic(acct, net["subnet"])
    taken = new_nic(acct, net["subnet"])
    attach(acct, taken, elsewhere)
    pending = new_nic(acct, net["subnet"], settle=False)
    far = new_nic(acct, OTHER_SUBNET, settle=False)
    server.advance(ms(PHASE_MS["nic-create"]))
    pending2 = new_nic(acct, net["subnet"], settle=False)
    [deploying] = create_instances(acct.zec, 1, subnetId=net["subnet"])
    before = snapshot(acct)
    refused_as(acct.zec, "AttachNetworkInterface", BAD_INSTANCE_STATUS, 400, nicId=free,
               instanceId=stopped)
    refused_as(acct.zec, "AttachNetworkInterface", BAD_INSTANCE_STATUS, 400, nicId=free,
               instanceId=deploying)
    refused_as(acct.zec, "AttachNetworkInterface", "INVALID_NIC_ATTACHED", 400, nicId=taken,
               instanceId=running)
    refused_as(acct.zec, "AttachNetworkInterface", "INVALID_NIC_STATUS", 400, nicId=pending2,
               instanceId=running)
    refused_as(acct.zec, "AttachNetworkInterface", "INVALID_NIC_INSTANCE_REGION_MISMATCH", 409,
               nicId=far, instanceId=running)
    refused(acct.zec, "AttachNetworkInterface", nicId=primary_of(acct, elsewhere).nicId,
            instanceId=running)
    refused(acct.zec, "AttachNetworkInterface", nicId=NOWHERE, instanceId=running)
    refused(acct.zec, "AttachNetworkInterface", nicId=free, instanceId=NOWHERE)
    refused(acct.zec, "AttachNetworkInterface", "MISSING_PARAMETER", nicId=free)
    assert snapshot(acct) == before
    attach(acct, pending, running)     # settled by now: attachable
    assert nic_wire(acct, pending)["status"] == "USED"


def test_a_ninth_nic_is_refused(acct, net):
    iid = run_instance(acct, net["subnet"])
    nics = [new_nic(acct, net["subnet"], settle=False, name=f"eth{n}") for n in range(1, 9)]
    acct.server.advance(ms(PHASE_MS["nic-create"]))
    for nid in nics[:7]:
        attach(acct, nid, iid, settle=False)
    acct.server.advance(ms(PHASE_MS["nic-attach"]))
    assert len(instance_of(acct, iid).nics) == 8
    before = snapshot(acct)
    refused_as(acct.zec, "AttachNetworkInterface", "INVALID_INSTANCE_NIC_LIMIT", nicId=nics[7],
               instanceId=iid)
    assert snapshot(acct) == before
    call(acct.zec, "DetachNetworkInterface", nicId=nics[0])
    attach(acct, nics[7], iid)
    assert [n for n, _ in nics_of(acct, iid)][1:] == nics[1:]


def test_detach_preconditions(acct, net, server):
    iid = run_instance(acct, net["subnet"])
    p = primary_of(acct, iid)
    loose = new_nic(acct, net["subnet"])
    used = new_nic(acct, net["subnet"])
    attach(acct, used, iid)
    before = snapshot(acct)
    for client in (acct.zec, acct.zec24):
        refused_as(client, "DetachNetworkInterface", "INVALID_NIC_PRIMARY_CANT_DETACH", 409,
                   nicId=p.nicId)
        refused_as(client, "DetachNetworkInterface", NOT_ATTACHED, 403, nicId=loose)
        refused(client, "DetachNetworkInterface", nicId=NOWHERE)
    assert snapshot(acct) == before
    call(acct.zec, "StopInstances", instanceIds=[iid])
    server.advance("2s")
    before = snapshot(acct)
    refused_as(acct.zec, "DetachNetworkInterface", BAD_INSTANCE_STATUS, nicId=used)
    assert snapshot(acct) == before


def test_bad_addresses_are_refused_all_or_nothing(acct, net, server):
    iid = run_instance(acct, net["subnet"])
    inst_ip = primary_of(acct, iid).primaryIpv4
    nid = new_nic(acct, net["subnet"])
    own = nic_wire(acct, nid)["primaryIpv4"]
    other = new_nic(acct, net["subnet"])
    call(acct.zec, "BatchAssignNetworkInterfaceIpv4", nicId=other, ipAddresses=[addr(60)])
    pending = new_nic(acct, net["subnet"], settle=False)
    good = addr(61)
    before = snapshot(acct)
    cases = [
        ("172.16.2.5", "INVALID_IP_OUT_OF_RANGE", 400),
        ("10.16.0.9", "INVALID_IP_OUT_OF_RANGE", 400),
        (addr(0), "INVALID_IP_NETWORK_ADDRESS", 400),
        (addr(1), "INVALID_IP_FIRST_ADDRESS", 400),
        (addr(255), "INVALID_IP_BROADCAST_ADDRESS", 400),
        (inst_ip, IN_USE, 409),
        (own, IN_USE, 409),
        (addr(60), IN_USE, 409),
    ]
    for bad, code, status in cases:
        refused_as(acct.zec, "BatchAssignNetworkInterfaceIpv4", code, status, nicId=nid,
                   ipAddresses=[good, bad])
        refused_as(acct.zec, "AssignNetworkInterfaceIpv4", code, status, nicId=nid,
                   ipAddress=bad)
    refused(acct.zec, "BatchAssignNetworkInterfaceIpv4", nicId=nid, ipAddresses=["not-an-ip"])
    refused_as(acct.zec, "BatchAssignNetworkInterfaceIpv4", "INVALID_NIC_STATUS", 400,
               nicId=pending, ipAddresses=[good])
    refused_as(acct.zec, "AssignNetworkInterfaceIpv4", "INVALID_NIC_STATUS", 400,
               nicId=pending, ipAddress=good)
    refused(acct.zec, "BatchAssignNetworkInterfaceIpv4", nicId=NOWHERE, ipAddresses=[good])
    refused(acct.zec, "BatchAssignNetworkInterfaceIpv4", nicId=nid)
    assert snapshot(acct) == before
    # An ATTACHING NIC is neither AVAILABLE nor USED.
    attach(acct, nid, iid, settle=False)
    before = snapshot(acct)
    refused_as(acct.zec, "BatchAssignNetworkInterfaceIpv4", "INVALID_NIC_STATUS", 400,
               nicId=nid, ipAddresses=[good])
    assert snapshot(acct) == before
    server.advance(ms(PHASE_MS["nic-attach"]))
    call(acct.zec, "BatchAssignNetworkInterfaceIpv4", nicId=nid, ipAddresses=[good])


def test_twenty_secondary_addresses_at_most(acct, net):
    nid = new_nic(acct, net["subnet"])
    fresh = new_nic(acct, net["subnet"])
    before = snapshot(acct)
    refused_as(acct.zec, "BatchAssignNetworkInterfaceIpv4",
               "INVALID_NIC_PRIVATE_IP_EXCEED_LIMIT", 403, nicId=fresh, ipAddressCount=21)
    assert snapshot(acct) == before
    call(acct.zec, "BatchAssignNetworkInterfaceIpv4", nicId=nid, ipAddressCount=20)
    assert len(secondaries(acct, nid)) == 20
    before = snapshot(acct)
    refused_as(acct.zec, "AssignNetworkInterfaceIpv4", "INVALID_NIC_PRIVATE_IP_EXCEED_LIMIT",
               403, nicId=nid, ipAddress=addr(222))
    refused_as(acct.zec, "BatchAssignNetworkInterfaceIpv4",
               "INVALID_NIC_PRIVATE_IP_EXCEED_LIMIT", 403, nicId=nid, ipAddressCount=1)
    assert snapshot(acct) == before


def test_a_full_subnet_is_refused(acct, net):
    small = Provider(acct).subnet_create(SubnetConfig(vpc_id=net["vpc"],
                                                      cidr_block=SMALL_CIDR))[0]
    nid = new_nic(acct, small)                       # takes one of .2 – .6
    before = snapshot(acct)
    refused_as(acct.zec, "BatchAssignNetworkInterfaceIpv4", "INVALID_SUBNET_IPV4_INSUFFICIENT",
               nicId=nid, ipAddressCount=5)
    assert snapshot(acct) == before
    call(acct.zec, "BatchAssignNetworkInterfaceIpv4", nicId=nid, ipAddressCount=4)
    assert sorted(nic_wire(acct, nid)["privateIpList"]) == sorted(
        addr(n, SMALL_CIDR) for n in range(2, 7))
    before = snapshot(acct)
    refused_as(acct.zec, "BatchAssignNetworkInterfaceIpv4", "INVALID_SUBNET_IPV4_INSUFFICIENT",
               nicId=nid, ipAddressCount=1)
    refused(acct.zec, "CreateNetworkInterface", subnetId=small, name="no-room")
    assert snapshot(acct) == before


def test_unassign_preconditions(acct, net):
    nid = new_nic(acct, net["subnet"])
    own = nic_wire(acct, nid)["primaryIpv4"]
    call(acct.zec, "BatchAssignNetworkInterfaceIpv4", nicId=nid,
         ipAddresses=[addr(40), addr(41)])
    eid = new_eip(acct)
    bind(acct, eid, nid, addr(41))
    before = snapshot(acct)
    for client in (acct.zec, acct.zec24):
        refused_as(client, "UnassignNetworkInterfaceIpv4", "INVALID_NIC_PRIMARY_IP_CANT_DETACH",
                   409, nicId=nid, ipAddresses=[own])
        refused_as(client, "UnassignNetworkInterfaceIpv4", "INVALID_NIC_PRIMARY_IP_CANT_DETACH",
                   409, nicId=nid, ipAddresses=[addr(40), own])
        refused_as(client, "UnassignNetworkInterfaceIpv4",
                   "INVALID_NIC_HAS_PUBLIC_IP_CANT_DETACH", 409, nicId=nid,
                   ipAddresses=[addr(41)])
        refused_as(client, "UnassignNetworkInterfaceIpv4", "INVALID_PARAMETER_VALUE",
                   nicId=nid, ipAddresses=[addr(40), addr(42)])
    assert snapshot(acct) == before
    call(acct.zec, "UnassociateEipAddress", eipIds=[eid])
    call(acct.zec, "UnassignNetworkInterfaceIpv4", nicId=nid, ipAddresses=[addr(40), addr(41)])
    assert secondaries(acct, nid) == []


@pytest.mark.parametrize("fields, code", [
    ({"nicStackType": "IPv6"}, "INVALID_IP_STACK_TYPE_NOT_SUPPORT"),
    ({"nicStackType": "IPv4_IPv6"}, "INVALID_IP_STACK_TYPE_NOT_SUPPORT"),
    ({"subnetId": None}, "MISSING_PARAMETER"),
    ({"name": None}, "MISSING_PARAMETER"),
    ({"name": "x"}, None),
    ({"name": "bad name"}, None),
    ({"name": "-nic"}, None),
    ({"name": "n" * 64}, None),
    ({"subnetId": NOWHERE}, None),
    ({"securityGroupId": NOWHERE}, None),
    ({"resourceGroupId": NOWHERE}, None),
    ({"eipIds": [NOWHERE]}, None),
])
def test_bad_creates_are_refused_and_change_nothing(acct, net, fields, code):
    req = dict(subnetId=net["subnet"], name="good")
    req.update(fields)
    req = {k: v for k, v in req.items() if v is not None}
    before = snapshot(acct)
    refused(acct.zec, "CreateNetworkInterface", code, **req)
    assert snapshot(acct) == before


def test_names_take_slashes_and_ipv4_is_the_stack(acct, net):
    nid = new_nic(acct, net["subnet"], name="eth0/1_a.b-c", nicStackType="IPv4")
    n = nic_wire(acct, nid)
    assert (n["name"], n["nicSubnetType"]) == ("eth0/1_a.b-c", "IPv4")


# --------------------------------------------------------------------------------------------
# Faults.

def test_a_nic_create_failure_ends_in_create_failed_which_the_provider_drops(
        tf, acct, net, faults):
    [rule] = faults.create_faults(failures=[{"phase": "nic-create", "count": 1}])
    with pytest.raises(TerraformError, match="inconsistent result"):
        tf.run(tf.vnic_create(VnicConfig(subnet_id=net["subnet"], name="unlucky",
                                         security_group_id=net["sg1"])))
    [nid] = nic_ids(acct.zec, nicType="Secondary")[1]
    assert tf.observed[f"vnic:{nid}"] == ["PENDING", "PENDING", "CREATE_FAILED"]
    assert rule not in [r["id"] for r in faults.faults()["failures"]]
    assert nic_wire(acct, nid)["status"] == "CREATE_FAILED"
    iid = run_instance(acct, net["subnet"])
    before = snapshot(acct)
    refused_as(acct.zec, "AttachNetworkInterface", "INVALID_NIC_STATUS", 400, nicId=nid,
               instanceId=iid)
    refused_as(acct.zec, "BatchAssignNetworkInterfaceIpv4", "INVALID_NIC_STATUS", 400,
               nicId=nid, ipAddressCount=1)
    assert snapshot(acct) == before
    # A failed NIC is deleted the provider's way, at once, and nothing of it is left.
    assert tf.run(tf.vnic_delete(nid)) == "ok"
    assert nic_wire(acct, nid) is None
    assert members(acct, net["sg1"]) == set()
    assert usage(acct, net["subnet"]) == 1          # the instance's
    assert tf.run(tf.vnic_create(VnicConfig(subnet_id=net["subnet"])))[1]["primary_ipv4"]


def test_a_fault_rule_with_a_zone_fails_only_nics_of_that_region(acct, net, faults):
    faults.create_faults(failures=[{"phase": "nic-create", "count": 1, "zone": OTHER_REGION}])
    here = new_nic(acct, net["subnet"], settle=False)
    there = new_nic(acct, OTHER_SUBNET, settle=False)
    again = new_nic(acct, OTHER_SUBNET, settle=False)
    assert faults.faults()["failures"] == []
    faults.advance(ms(PHASE_MS["nic-create"]))
    assert [nic_wire(acct, n)["status"] for n in (here, there, again)] == [
        "AVAILABLE", "CREATE_FAILED", "AVAILABLE"]


# --------------------------------------------------------------------------------------------
# DescribeNetworkInterfaces with secondary NICs; the zec_vnics data source.

@pytest.fixture
def fleet(acct, net, server):
    """In creation order: pa (instance a's primary, sg1), used ("eth1-web", sg1, attached to a),
    blue ("db-blue", sg2, group blue, tagged), far (asia-southwest-1, catalog subnet), new
    ("web-new", sg1, PENDING)."""
    a = run_instance(acct, net["subnet"], securityGroupId=net["sg1"])
    pa = primary_of(acct, a).nicId
    used = new_nic(acct, net["subnet"], settle=False, name="eth1-web",
                   securityGroupId=net["sg1"])
    blue = new_nic(acct, net["subnet"], settle=False, name="db-blue",
                   securityGroupId=net["sg2"], resourceGroupId=acct.group("blue"),
                   tags=tag_association({"env": "prod"}))
    far = new_nic(acct, OTHER_SUBNET, settle=False, name="far")
    server.advance(ms(PHASE_MS["nic-create"]))
    attach(acct, used, a)
    new = new_nic(acct, net["subnet"], settle=False, name="web-new", securityGroupId=net["sg1"])
    return {"a": a, "pa": pa, "used": used, "blue": blue, "far": far, "new": new}


def test_every_filter_with_secondary_nics(acct, net, fleet):
    from zenlayercloud.zec.v20250901 import models as m2
    pa, used, blue, far, new = (fleet[k] for k in ("pa", "used", "blue", "far", "new"))
    every = [pa, used, blue, far, new]
    here = [pa, used, blue, new]
    z = acct.zec
    assert nic_ids(z) == (5, every)
    assert nic_ids(z, nicType="Secondary") == (4, [used, blue, far, new])
    assert nic_ids(z, nicType="Primary") == (1, [pa])
    assert nic_ids(z, status="AVAILABLE") == (2, [blue, far])
    assert nic_ids(z, status="USED") == (2, [pa, used])
    assert nic_ids(z, status="PENDING") == (1, [new])
    assert nic_ids(z, status="ATTACHING") == (0, [])
    assert nic_ids(z, instanceId=fleet["a"]) == (2, [pa, used])
    assert nic_ids(z, subnetId=net["subnet"]) == (4, here)
    assert nic_ids(z, subnetId=OTHER_SUBNET) == (1, [far])
    assert nic_ids(z, vpcId=net["vpc"]) == (4, here)
    assert nic_ids(z, vpcId=CATALOG_VPC) == (1, [far])
    assert nic_ids(z, regionId=REGION) == (4, here)
    assert nic_ids(z, regionId=OTHER_REGION) == (1, [far])
    assert nic_ids(z, securityGroupId=net["sg1"]) == (3, [pa, used, new])
    assert nic_ids(z, securityGroupId=net["sg2"]) == (1, [blue])
    assert nic_ids(z, securityGroupId=CATALOG_SG) == (1, [far])
    assert nic_ids(z, resourceGroupId=acct.group("blue")) == (1, [blue])
    assert nic_ids(z, resourceGroupId=acct.default_group) == (4, [pa, used, far, new])
    assert nic_ids(z, tagKeys=["env"]) == (1, [blue])
    assert nic_ids(z, tags=[m2.Tag({"key": "env", "value": "prod"})]) == (1, [blue])
    assert nic_ids(z, name="web") == (2, [used, new])
    assert nic_ids(z, nicSubnetType="IPv4") == (5, every)
    assert nic_ids(z, nicType="Secondary", status="AVAILABLE", regionId=REGION) == (1, [blue])
    assert nic_ids(z, instanceId=fleet["a"], nicType="Secondary") == (1, [used])
    assert nic_ids(z, nicIds=[new, far, pa]) == (3, [pa, far, new])
    assert nic_ids(z, nicType="", status="", instanceId="", subnetId="", vpcId="", regionId="",
                   securityGroupId="", resourceGroupId="", name="") == (5, every)
    # 2024-04-01.
    assert nic_ids(acct.zec24, nicType="Secondary") == (4, [used, blue, far, new])
    assert nic_ids(acct.zec24, status="USED", instanceId=fleet["a"]) == (2, [pa, used])
    # An attach in progress.
    attach(acct, blue, fleet["a"], settle=False)
    assert nic_ids(z, status="ATTACHING") == (1, [blue])
    assert nic_ids(z, instanceId=fleet["a"]) == (3, [pa, used, blue])
    acct.server.advance(ms(PHASE_MS["nic-attach"]))


def test_the_zec_vnics_data_source_with_secondary_nics(tf, acct, net, fleet):
    ids = lambda found: [v["id"] for v in found]  # noqa: E731
    mark = len(tf.calls)
    found = tf.data_vnics(instance_id=fleet["a"])
    assert tf.calls_since(mark) == [("v2", "DescribeNetworkInterfaces")]
    assert [(v["id"], v["primary"], v["instance_id"]) for v in found] == [
        (fleet["pa"], True, fleet["a"]), (fleet["used"], False, fleet["a"])]
    assert ids(tf.data_vnics(name_regex="^db")) == [fleet["blue"]]
    assert ids(tf.data_vnics(region_id=OTHER_REGION)) == [fleet["far"]]
    assert ids(tf.data_vnics(subnet_id=net["subnet"], resource_group_id=acct.group("blue"))) \
        == [fleet["blue"]]
    [v] = tf.data_vnics(ids=[fleet["new"]])
    assert (v["primary"], v["instance_id"], v["security_group_id"]) == (False, None, net["sg1"])


def test_nics_page_in_creation_order(tf, acct, net, fleet):
    more = [new_nic(acct, net["subnet"], settle=False, name=f"more{n}") for n in range(18)]
    every = [fleet[k] for k in ("pa", "used", "blue", "far", "new")] + more
    for size in (1, 7, 20):
        assert every_page(acct.zec, "DescribeNetworkInterfaces", "nicId", size) == every
    assert nic_ids(acct.zec) == (23, every[:20])
    assert nic_ids(acct.zec, pageNum=2) == (23, every[20:])
    assert terraform_list(acct.zec, "DescribeNetworkInterfaces", "nicId") == every
    assert [v["id"] for v in tf.data_vnics()] == every
    assert nic_ids(acct.zec, nicType="Secondary", pageSize=5, pageNum=4) == (
        22, every[16:21])


# --------------------------------------------------------------------------------------------
# Accounts and credentials.

def test_another_accounts_nics_answer_as_ones_that_never_existed(acct, server, net):
    iid = run_instance(acct, net["subnet"])
    nid = new_nic(acct, net["subnet"])
    call(acct.zec, "BatchAssignNetworkInterfaceIpv4", nicId=nid, ipAddresses=[addr(33)])
    intruder = new_account(server, "vnicintruder")
    their_iid = run_instance(intruder, "1272168087751233112")
    their_nic = new_nic(intruder, "1272168087751233112")
    before = snapshot(acct)
    assert nic_ids(intruder.zec, nicIds=[nid]) == (0, [])
    assert nic_ids(intruder.zec, instanceId=iid) == (0, [])
    assert nid not in nic_ids(intruder.zec, pageSize=1000)[1]
    probes = [
        ("AttachNetworkInterface", lambda n: dict(nicId=n, instanceId=their_iid)),
        ("DetachNetworkInterface", lambda n: dict(nicId=n)),
        ("DeleteNetworkInterface", lambda n: dict(nicId=n)),
        ("BatchAssignNetworkInterfaceIpv4", lambda n: dict(nicId=n, ipAddressCount=1)),
        ("AssignNetworkInterfaceIpv4", lambda n: dict(nicId=n, ipAddress=addr(34))),
        ("UnassignNetworkInterfaceIpv4", lambda n: dict(nicId=n, ipAddresses=[addr(33)])),
        ("ModifyNetworkInterfaceAttribute", lambda n: dict(nicId=n, name="mine")),
    ]
    for action, fields in probes:
        assert answer(intruder.zec, action, **fields(nid)) == \
            answer(intruder.zec, action, **fields(NOWHERE)), action
    # Its own NIC onto the other account's instance, or into its subnet: as unknown ones.
    assert answer(intruder.zec, "AttachNetworkInterface", nicId=their_nic, instanceId=iid) == \
        answer(intruder.zec, "AttachNetworkInterface", nicId=their_nic, instanceId=NOWHERE)
    assert answer(intruder.zec, "CreateNetworkInterface", subnetId=net["subnet"],
                  name="sneaky") == answer(intruder.zec, "CreateNetworkInterface",
                                           subnetId=NOWHERE, name="sneaky")
    assert snapshot(acct) == before


def test_read_only_and_group_scoped_credentials(acct, net):
    inside_iid = run_instance(acct, net["subnet"], resourceGroupId=acct.group("g1"))
    outside_iid = run_instance(acct, net["subnet"], resourceGroupId=acct.group("g2"))
    inside = new_nic(acct, net["subnet"], resourceGroupId=acct.group("g1"))
    outside = new_nic(acct, net["subnet"], resourceGroupId=acct.group("g2"))
    before = snapshot(acct)
    ro = scoped(acct, read_only=True)
    assert nic_ids(ro.zec, nicIds=[inside, outside]) == (2, [inside, outside])
    writes = [
        ("CreateNetworkInterface", dict(subnetId=net["subnet"], name="ro",
                                        resourceGroupId=acct.group("g1"))),
        ("AttachNetworkInterface", dict(nicId=inside, instanceId=inside_iid)),
        ("DetachNetworkInterface", dict(nicId=inside)),
        ("DeleteNetworkInterface", dict(nicId=inside)),
        ("BatchAssignNetworkInterfaceIpv4", dict(nicId=inside, ipAddressCount=1)),
        ("AssignNetworkInterfaceIpv4", dict(nicId=inside, ipAddress=addr(50))),
        ("UnassignNetworkInterfaceIpv4", dict(nicId=inside, ipAddresses=[addr(50)])),
    ]
    for action, fields in writes:
        assert answer(ro.zec, action, **fields) == UNAUTHORIZED, action
    g1 = scoped(acct, "g1")
    assert nic_ids(g1.zec, nicIds=[inside, outside]) == (1, [inside])
    for action, fields in (
            ("DeleteNetworkInterface", dict(nicId=outside)),
            ("AttachNetworkInterface", dict(nicId=outside, instanceId=inside_iid)),
            ("AttachNetworkInterface", dict(nicId=inside, instanceId=outside_iid)),
            ("BatchAssignNetworkInterfaceIpv4", dict(nicId=outside, ipAddressCount=1)),
            ("CreateNetworkInterface", dict(subnetId=net["subnet"], name="dflt"))):
        assert answer(g1.zec, action, **fields) == UNAUTHORIZED, action
    assert snapshot(acct) == before
    # Inside its group it does everything.
    mine = new_nic(g1, net["subnet"], resourceGroupId=acct.group("g1"))
    attach(g1, mine, inside_iid)
    call(g1.zec, "BatchAssignNetworkInterfaceIpv4", nicId=mine, ipAddresses=[addr(51)])
    call(g1.zec, "UnassignNetworkInterfaceIpv4", nicId=mine, ipAddresses=[addr(51)])
    call(g1.zec, "DetachNetworkInterface", nicId=mine)
    call(g1.zec24, "DeleteNetworkInterface", nicId=mine)
    assert nic_wire(acct, mine) is None
