"""Elastic IPs (issue 12; notes/issue12-design.md "EIPs", spec zec-resources.md §11, §12
zec_eips, §13, §14, §16, §0), through the official Python SDK on a zecd with a manual clock:

* the provider's ``zenlayercloud_zec_eip`` and ``zenlayercloud_zec_eip_association`` replayed call
  for call with their versions (tfeip.py): CreateEips v2 with ``eipV4Type: ""``, the Read that
  waits out CREATING, the echo of what was sent (``eipV4Type``, null ``cidrId`` /
  ``peerRegionId`` / ``bandwidthCluster`` unless given), updates in the provider's order, the
  delete (DeleteEip → RECYCLING → RECYCLED → DeleteEip → gone); the association found through
  the zec_vnics data source {instance_id} (lanIp = the primary NIC's primary IPv4), every target
  field sent, ``associatedId`` null = gone, UnassociateEipAddress followed at once by DeleteEip;
* what a binding shows everywhere at once (NicInfo.publicIpList, InstanceInfo.publicIpAddresses,
  DescribeEips {instanceId} / {associatedId} / {privateIpAddress}) and the unbinding reversing it;
* the eip-create / eip-release phases to the millisecond, and the eip-create fault rule;
* every refusal with the design's code (and HTTP status where it gives one) and nothing changed;
* DescribeEips' ids, filters, paging and the zec_eips data source; both API versions;
* isolation between accounts, read-only and group-scoped credentials;
* the region's public pool: an address is held until its EIP is gone, shared with instances'
  own public addresses, and create/delete cycles never exhaust it.

Assumptions beyond the design (the tests pin them):
* An unbound EIP's association fields are all null on the wire, ``associatedType`` included
  (the design lists ``associatedType ("NIC")`` and says "all association fields null" after an
  unbind).
* The ``name`` filter of DescribeEips is a substring match (the vendor documents it as fuzzy, as
  every other name filter of zecd is); ``cidrIds`` matches nothing (zecd has no CIDR blocks).
* A refusal whose code the design does not name (a bad name, amount, bandwidth or rate-limit mode
  on create, an unknown resource group, an unknown instance) only needs a 4xx with a code
  Terraform does not retry; a missing required field is MISSING_PARAMETER (zecd's code for it);
  paging limits are INVALID_PARAMETER_EXCEED_MAXIMUM / INVALID_PARAMETER_EXCEED_LENGTH as for
  every other Describe of zecd. An exhausted public pool refuses with a 4xx (code not pinned).
* With pool "198.18.0.0/29" the pool has at least two addresses; how many exactly (whether the
  network and broadcast addresses count) is not pinned.
* EIPs are scoped by resource group like instances and NICs: a scoped credential sees only its
  groups' EIPs, and touching another's, or creating into a group outside its scope (the default
  group when none is named), is AUTHFAILURE_UNAUTHORIZED_OPERATION; AddResourceResourceGroup and
  ModifyResourceTags take EIP ids (spec §0.7).
* A CreateEips with ``instanceIds`` binds when its phase ends (the status goes CREATING → BINDED);
  what it shows during CREATING is not tested.
"""

from __future__ import annotations

import ipaddress

import pytest

from conftest import REGION, ZenlayerCloudSdkException
from netkit import (
    UNAUTHORIZED,
    answer,
    call,
    check_time,
    every_page,
    fails,
    new_account,
    refused,
    scoped,
    tag_association,
    terraform_list,
    unique,
)
from tfeip import (
    IDS,
    NOWHERE,
    PHASE_MS,
    EipConfig,
    Provider,
    TerraformError,
    bind,
    catalog_with_pool,
    eip_ids,
    eip_wire,
    in_pool,
    instance_of,
    ms,
    new_eip,
    nic_wire,
    primary_of,
    refused_as,
    release_eip,
    run_instance,
    snapshot,
    unbound,
)
from tfnet import SubnetConfig, VpcConfig

CIDR = "172.16.1.0/24"
OTHER_REGION = "asia-southwest-1"
OTHER_SUBNET = "1272168087751233113"   # the catalog's subnet of asia-southwest-1
STATUS_NOT_SUPPORT = "OPERATION_DENIED_EIP_STATUS_NOT_SUPPORT"


@pytest.fixture(scope="module")
def server(manual_zecd):
    return manual_zecd


@pytest.fixture
def acct(server):
    return new_account(server, "eip")


@pytest.fixture
def tf(acct):
    return Provider(acct)


@pytest.fixture
def net(acct):
    """A VPC, a subnet 172.16.1.0/24 and a security group (made the provider's way, by a
    provider of their own so that ``tf.calls`` starts empty)."""
    t = Provider(acct)
    vpc = t.vpc_create(VpcConfig(cidr_block="172.16.0.0/16", name="eips"))[0]
    subnet = t.subnet_create(SubnetConfig(vpc_id=vpc, cidr_block=CIDR))[0]
    sg = t.sg_create("eips")[0]
    return {"vpc": vpc, "subnet": subnet, "sg": sg}


@pytest.fixture
def faults(server):
    server.delete_faults()
    yield server
    server.delete_faults()


def public_of(acct, iid: str) -> list[str]:
    return list(instance_of(acct, iid).publicIpAddresses or [])


def public_ip(acct, eip_id: str) -> str:
    [ip] = eip_wire(acct, eip_id)["publicIpAddresses"]
    return ip


# --------------------------------------------------------------------------------------------
# zenlayercloud_zec_eip.

def test_the_providers_create_sends_an_empty_eipv4type_and_reads_until_unbind(tf, acct):
    cfg = EipConfig(name="example", bandwidth=10)
    eid, state = tf.run(tf.eip_create(cfg))
    assert IDS.match(eid), eid
    assert tf.calls == [("v2", "CreateEips")] + [("v2", "DescribeEips")] * 3
    # The Read retried while CREATING: at 0 s, 0.5 s, then 1.5 s (the phase ended at 1 s).
    assert tf.observed[f"eip:{eid}"] == ["CREATING", "CREATING", "UNBIND"]
    assert tf.clock == 1.5
    assert state["status"] == "UNBIND"
    assert (state["name"], state["region_id"], state["internet_charge_type"],
            state["bandwidth"]) == ("example", REGION, "ByBandwidth", 10)
    assert (state["ip_network_type"], state["cidr_id"], state["peer_region_id"],
            state["rate_limit_mode"], state["bandwidth_cluster_id"]) == ("", "", "", "", None)
    assert (state["resource_group_id"], state["resource_group_name"]) == (
        acct.default_group, "Default Resource Group")
    assert in_pool(state["public_ip_address"]), state
    assert Provider.eip_plan(cfg, tf.run(tf.eip_read(eid))) == {}
    # On the wire: what was not given is null, never "" (§0.3).
    e = eip_wire(acct, eid)
    for key in ("eipV4Type", "cidrId", "peerRegionId", "bandwidthCluster", "rateLimitMode",
                "expiredTime"):
        assert e[key] is None, (key, e)
    assert unbound(e), e
    assert e["isDefault"] is False and e["networkLineType"] == "PremiumBGP"
    assert (e["flowPackages"], e["eipGeoRefs"], e["blockInfoList"]) == ([], [], [])
    assert e["publicIpAddresses"] == [state["public_ip_address"]]
    check_time(e["createTime"])


def test_what_the_provider_gives_comes_back_exactly(tf, acct):
    cfg = EipConfig(name="echo.eip_1", internet_charge_type="BandwidthCluster", bandwidth=20,
                    ip_network_type="BGPLine", peer_region_id="na-west-1",
                    resource_group_id=acct.group("blue"), bandwidth_cluster_id="bc-7",
                    rate_limit_mode="STRICT", tags={"env": "prod"})
    eid, state = tf.run(tf.eip_create(cfg))
    assert Provider.eip_plan(cfg, state) == {}
    assert (state["resource_group_name"], state["tags"]) == ("blue", {"env": "prod"})
    e = eip_wire(acct, eid)
    assert (e["eipV4Type"], e["peerRegionId"], e["rateLimitMode"], e["bandwidth"]) == (
        "BGPLine", "na-west-1", "STRICT", 20)
    assert e["bandwidthCluster"] == {"bandwidthClusterId": "bc-7", "bandwidthClusterName": ""}
    assert e["cidrId"] is None and e["internetChargeType"] == "BandwidthCluster"
    assert isinstance(e["networkLineType"], str) and e["networkLineType"]


@pytest.mark.parametrize("fields, line", [
    ({}, "PremiumBGP"),
    ({"eipV4Type": ""}, "PremiumBGP"),
    ({"networkLineType": "CN2"}, "CN2"),
    ({"networkLineType": "StandardBGP", "eipV4Type": ""}, "StandardBGP"),
])
def test_network_line_type_as_sent_else_premium_bgp(acct, fields, line):
    e = eip_wire(acct, new_eip(acct, bandwidth=5, **fields))
    assert (e["networkLineType"], e["eipV4Type"], e["bandwidth"]) == (line, None, 5)


def test_bandwidth_defaults_to_one(acct):
    e = eip_wire(acct, new_eip(acct))
    assert e["bandwidth"] == 1 and e["internetChargeType"] == "ByBandwidth"


def test_the_eip_phases_last_exactly_their_durations(acct, server):
    eid = new_eip(acct, settle=False)
    assert eip_wire(acct, eid)["status"] == "CREATING"
    assert in_pool(public_ip(acct, eid)), "the address is held from the create on"
    server.advance(ms(PHASE_MS["eip-create"] - 1))
    assert eip_wire(acct, eid)["status"] == "CREATING"
    server.advance("1ms")
    assert eip_wire(acct, eid)["status"] == "UNBIND"
    call(acct.zec, "DeleteEip", eipId=eid)
    assert eip_wire(acct, eid)["status"] == "RECYCLING"
    server.advance(ms(PHASE_MS["eip-release"] - 1))
    assert eip_wire(acct, eid)["status"] == "RECYCLING"
    server.advance("1ms")
    assert eip_wire(acct, eid)["status"] == "RECYCLED"
    # No automatic purge: a recycled EIP stays until it is released again.
    server.advance("1h")
    assert eip_wire(acct, eid)["status"] == "RECYCLED"
    call(acct.zec, "DeleteEip", eipId=eid)
    assert eip_wire(acct, eid) is None


def test_the_providers_updates_go_in_its_order_and_read_back(tf, acct):
    old = EipConfig(name="before", bandwidth=10, tags={"a": "1"})
    eid, _ = tf.run(tf.eip_create(old))
    new = EipConfig(name="after", bandwidth=200, rate_limit_mode="LOOSE",
                    resource_group_id=acct.group("moved"), tags={"b": "2"})
    mark = len(tf.calls)
    state = tf.run(tf.eip_update(eid, old, new))
    assert tf.calls_since(mark) == [
        ("v2", "ModifyEipAttribute"), ("v2", "ModifyEipBandwidth"),
        ("v2", "ModifyEipBandwidthLimitMode"), ("user", "AddResourceResourceGroup"),
        ("zrm", "ModifyResourceTags"), ("v2", "DescribeEips")]
    assert Provider.eip_plan(new, state) == {}
    assert (state["name"], state["bandwidth"], state["rate_limit_mode"],
            state["resource_group_name"], state["tags"]) == (
        "after", 200, "LOOSE", "moved", {"b": "2"})
    assert eip_wire(acct, eid)["status"] == "UNBIND"


def test_the_providers_delete_recycles_then_purges(tf, acct):
    eid, _ = tf.run(tf.eip_create(EipConfig(name="doomed")))
    mark, start = len(tf.calls), tf.clock
    assert tf.run(tf.eip_delete(eid)) == "purged"
    assert tf.calls_since(mark) == [("v2", "DeleteEip")] + [("v2", "DescribeEips")] * 3 + [
        ("v2", "DeleteEip"), ("v2", "DescribeEips")]
    assert tf.observed[f"eip_delete:{eid}"] == ["ok", "RECYCLING", "RECYCLING", "RECYCLED",
                                                "ok"]
    assert tf.clock - start == 1.5
    wire = acct.wire("DescribeEips", {"eipIds": [eid]})
    assert (wire["totalCount"], wire["dataSet"]) == (0, [])
    # A stale state: every step tolerates "not found".
    assert tf.run(tf.eip_delete(eid)) == "gone"
    assert tf.observed[f"eip_delete:{eid}"][-1] == "OPERATION_FAILED_RESOURCE_NOT_FOUND"


def test_the_provider_drops_a_recycled_eip_and_its_delete_purges_it(tf, acct, server):
    eid, _ = tf.run(tf.eip_create(EipConfig(name="recycled")))
    call(acct.zec, "DeleteEip", eipId=eid)
    server.advance(ms(PHASE_MS["eip-release"]))
    assert tf.run(tf.eip_read(eid)) is None
    assert eip_wire(acct, eid)["status"] == "RECYCLED"
    # Its destroy: the first DeleteEip of a RECYCLED EIP removes it at once.
    assert tf.run(tf.eip_delete(eid)) == "gone"
    assert eip_wire(acct, eid) is None


# --------------------------------------------------------------------------------------------
# zenlayercloud_zec_eip_association, and what a binding shows everywhere.

def test_the_providers_association_to_the_primary_nic_found_by_the_vnics_data_source(
        tf, acct, net):
    iid = run_instance(acct, net["subnet"], securityGroupId=net["sg"])
    eid, eip_state = tf.run(tf.eip_create(EipConfig(name="web")))
    ip = eip_state["public_ip_address"]
    mark = len(tf.calls)
    [vnic] = tf.data_vnics(instance_id=iid)
    assert vnic["primary"] and vnic["instance_id"] == iid
    lan = vnic["primary_ipv4_address"]
    assert lan == instance_of(acct, iid).privateIpAddresses[0]
    state = tf.eip_association_create(eid, vnic["id"], "NIC", private_ip_address=lan)
    assert tf.calls_since(mark) == [("v2", "DescribeNetworkInterfaces"), ("v2", "DescribeEips"),
                                    ("v2", "AssociateEipAddress"), ("v2", "DescribeEips")]
    assert state == {"eip_id": eid, "associated_id": vnic["id"], "associated_type": "NIC",
                     "private_ip_address": lan, "bind_type": "FullNat"}
    assert Provider.eip_association_plan(tf.eip_association_read(eid), vnic["id"], "NIC",
                                         lan) == {}
    # Bound at once, and shown everywhere at once.
    e = eip_wire(acct, eid)
    assert (e["status"], e["associatedId"], e["nicId"], e["associatedType"], e["instanceId"],
            e["privateIpAddress"], e["bindType"]) == (
        "BINDED", vnic["id"], vnic["id"], "NIC", iid, lan, "FullNat")
    assert nic_wire(acct, vnic["id"])["publicIpList"] == [ip]
    assert public_of(acct, iid) == [ip]
    assert primary_of(acct, iid).publicIpList == [ip]
    assert eip_ids(acct.zec, instanceId=iid) == (1, [eid])
    assert eip_ids(acct.zec, associatedId=vnic["id"]) == (1, [eid])
    assert eip_ids(acct.zec, privateIpAddress=lan) == (1, [eid])
    assert tf.data_vnics(instance_id=iid)[0]["public_ips"] == [ip]
    [seen] = tf.data_eips(associated_id=vnic["id"])
    assert (seen["id"], seen["private_ip_address"], seen["public_ip_address"]) == (eid, lan, ip)
    # The EIP's own refresh sees a BINDED EIP unchanged.
    assert tf.run(tf.eip_read(eid))["status"] == "BINDED"

    # Destroy: the association, then at once the EIP.
    mark = len(tf.calls)
    tf.eip_association_delete(eid)
    e = eip_wire(acct, eid)
    assert e["status"] == "UNBIND" and unbound(e), e
    assert not nic_wire(acct, vnic["id"])["publicIpList"]
    assert public_of(acct, iid) == []
    for f in ({"instanceId": iid}, {"associatedId": vnic["id"]}, {"privateIpAddress": lan}):
        assert eip_ids(acct.zec, **f) == (0, []), f
    assert tf.eip_association_read(eid) is None
    assert tf.run(tf.eip_delete(eid)) == "purged"
    destroy = [c for c in tf.calls_since(mark) if c != ("v2", "DescribeEips")]
    assert destroy[:2] == [("v2", "UnassociateEipAddress"), ("v2", "DeleteEip")]
    assert tf.observed[f"eip_delete:{eid}"][0] == "ok"


def test_a_passthrough_eip_beside_the_instances_own_public_address(acct, net):
    iid = run_instance(acct, net["subnet"], internetChargeType="ByBandwidth", bandwidth=5)
    [own] = public_of(acct, iid)
    nic = primary_of(acct, iid)
    eid = new_eip(acct)
    ip = public_ip(acct, eid)
    assert ip != own
    resp = bind(acct, eid, nic.nicId, nic.primaryIpv4, bindType="Passthrough")
    assert not resp.failedEipIds
    assert eip_wire(acct, eid)["bindType"] == "Passthrough"
    assert public_of(acct, iid) == [own, ip]
    assert nic_wire(acct, nic.nicId)["publicIpList"] == [own, ip]
    resp = call(acct.zec, "UnassociateEipAddress", eipIds=[eid])
    assert not resp.failedEipIds
    assert public_of(acct, iid) == [own]
    assert nic_wire(acct, nic.nicId)["publicIpList"] == [own]


def test_an_association_in_place_is_adopted_and_another_target_is_an_error(tf, acct, net):
    a = run_instance(acct, net["subnet"])
    b = run_instance(acct, net["subnet"])
    na, nb = primary_of(acct, a), primary_of(acct, b)
    eid = new_eip(acct)
    bind(acct, eid, na.nicId, na.primaryIpv4)
    mark = len(tf.calls)
    state = tf.eip_association_create(eid, na.nicId, "NIC", na.primaryIpv4)
    assert tf.calls_since(mark) == [("v2", "DescribeEips"), ("v2", "DescribeEips")]
    assert state["associated_id"] == na.nicId
    before = snapshot(acct)
    with pytest.raises(TerraformError, match="already associated"):
        tf.eip_association_create(eid, nb.nicId, "NIC", nb.primaryIpv4)
    assert snapshot(acct) == before


def test_unbinding_an_unbound_eip_is_no_error(acct):
    eid = new_eip(acct)
    before = snapshot(acct)
    resp = call(acct.zec, "UnassociateEipAddress", eipIds=[eid])
    assert not resp.failedEipIds
    assert snapshot(acct) == before


def test_modifications_of_a_bound_eip(acct, net):
    iid = run_instance(acct, net["subnet"])
    nic = primary_of(acct, iid)
    eid = new_eip(acct)
    bind(acct, eid, nic.nicId, nic.primaryIpv4)
    call(acct.zec, "ModifyEipAttribute", eipId=eid, name="renamed")
    call(acct.zec, "ModifyEipBandwidth", eipId=eid, bandwidth=10000)
    call(acct.zec, "ModifyEipBandwidthLimitMode", eipId=eid, rateLimitMode="LOOSE")
    e = eip_wire(acct, eid)
    assert (e["name"], e["bandwidth"], e["rateLimitMode"], e["status"], e["associatedId"]) == (
        "renamed", 10000, "LOOSE", "BINDED", nic.nicId)


def test_create_with_instance_ids_binds_each_to_its_primary_nic(acct, net, server):
    a = run_instance(acct, net["subnet"])
    b = run_instance(acct, net["subnet"])
    resp = call(acct.zec, "CreateEips", regionId=REGION, name="bound", amount=2,
                internetChargeType="ByBandwidth", instanceIds=[a, b], bindType="Passthrough")
    ea, eb = resp.eipIds
    assert all(eip_wire(acct, e)["status"] == "CREATING" for e in (ea, eb))
    server.advance(ms(PHASE_MS["eip-create"]))
    for eid, iid in ((ea, a), (eb, b)):
        nic = primary_of(acct, iid)
        e = eip_wire(acct, eid)
        assert (e["status"], e["associatedId"], e["instanceId"], e["privateIpAddress"],
                e["bindType"]) == ("BINDED", nic.nicId, iid, nic.primaryIpv4, "Passthrough")
        assert public_of(acct, iid) == e["publicIpAddresses"]
    before = snapshot(acct)
    refused(acct.zec, "CreateEips", regionId=REGION, name="short", amount=2,
            internetChargeType="ByBandwidth", instanceIds=[a])
    assert snapshot(acct) == before


def test_creating_with_instance_ids_and_an_eip_create_failure_binds_nothing(
        acct, net, faults):
    iid = run_instance(acct, net["subnet"])
    faults.create_faults(failures=[{"phase": "eip-create", "count": 1}])
    [eid] = call(acct.zec, "CreateEips", regionId=REGION, name="failing",
                 internetChargeType="ByBandwidth", instanceIds=[iid]).eipIds
    faults.advance(ms(PHASE_MS["eip-create"]))
    e = eip_wire(acct, eid)
    assert e["status"] == "CREATE_FAILED" and e["associatedId"] is None, e
    assert public_of(acct, iid) == []
    assert eip_ids(acct.zec, instanceId=iid) == (0, [])


# --------------------------------------------------------------------------------------------
# Refusals: the design's code, and nothing changed.

@pytest.mark.parametrize("fields, code", [
    ({"regionId": "mars-1"}, "INVALID_REGION_NOT_FOUND"),
    ({"regionId": None}, "MISSING_PARAMETER"),
    ({"name": None}, "MISSING_PARAMETER"),
    ({"internetChargeType": None}, "MISSING_PARAMETER"),
    ({"cidrId": "cidr-1"}, "OPERATION_FAILED_RESOURCE_NOT_FOUND"),
    ({"name": "x"}, None),
    ({"name": "bad name"}, None),
    ({"name": "n" * 64}, None),
    ({"internetChargeType": "ByMagic"}, None),
    ({"amount": 0}, None),
    ({"amount": 101}, None),
    ({"bandwidth": 0}, None),
    ({"bandwidth": 10001}, None),
    ({"rateLimitMode": "FAST"}, None),
    ({"resourceGroupId": NOWHERE}, None),
    ({"instanceIds": [NOWHERE]}, None),
])
def test_bad_creates_are_refused_and_change_nothing(acct, fields, code):
    req = dict(regionId=REGION, name="good", internetChargeType="ByBandwidth")
    req.update(fields)
    req = {k: v for k, v in req.items() if v is not None}
    before = snapshot(acct)
    refused(acct.zec, "CreateEips", code, **req)
    assert snapshot(acct) == before


def test_an_empty_cidr_id_is_not_given(acct):
    e = eip_wire(acct, new_eip(acct, cidrId="", eipV4Type=""))
    assert e["cidrId"] is None and e["status"] == "UNBIND"


def test_bad_modifications_are_refused_and_change_nothing(acct, server):
    eid = new_eip(acct)
    creating = new_eip(acct, settle=False)
    before = snapshot(acct)
    refused_as(acct.zec, "ModifyEipBandwidth", "INVALID_PARAMETER_BANDWIDTH", 400, eipId=eid,
               bandwidth=0)
    refused_as(acct.zec, "ModifyEipBandwidth", "INVALID_PARAMETER_BANDWIDTH_EXCEED", 400,
               eipId=eid, bandwidth=10001)
    for action, extra in (("ModifyEipAttribute", {"name": "fine"}),
                          ("ModifyEipBandwidth", {"bandwidth": 5}),
                          ("ModifyEipBandwidthLimitMode", {"rateLimitMode": "LOOSE"})):
        refused_as(acct.zec, action, "INVALID_EIP_NOT_FOUND", 404, eipId=NOWHERE, **extra)
    for action, extra in (("ModifyEipBandwidth", {"bandwidth": 5}),
                          ("ModifyEipBandwidthLimitMode", {"rateLimitMode": "LOOSE"})):
        refused_as(acct.zec, action, STATUS_NOT_SUPPORT, 400, eipId=creating, **extra)
    refused(acct.zec, "ModifyEipBandwidthLimitMode", eipId=eid, rateLimitMode="FAST")
    for name in ("x", "bad name", "n" * 64):
        refused(acct.zec, "ModifyEipAttribute", eipId=eid, name=name)
    refused(acct.zec, "ModifyEipAttribute", "MISSING_PARAMETER", name="no-id")
    assert snapshot(acct) == before
    # RECYCLING and RECYCLED EIPs are not modified either.
    server.advance(ms(PHASE_MS["eip-create"]))
    call(acct.zec, "DeleteEip", eipId=eid)
    for settle in (0, PHASE_MS["eip-release"]):
        server.advance(ms(settle))
        before = snapshot(acct)
        refused_as(acct.zec, "ModifyEipBandwidth", STATUS_NOT_SUPPORT, 400, eipId=eid,
                   bandwidth=5)
        refused_as(acct.zec, "ModifyEipBandwidthLimitMode", STATUS_NOT_SUPPORT, 400,
                   eipId=eid, rateLimitMode="STRICT")
        assert snapshot(acct) == before


def test_associating_a_bound_eip_fails_it_and_nothing_changes(acct, net):
    a = run_instance(acct, net["subnet"])
    b = run_instance(acct, net["subnet"])
    na, nb = primary_of(acct, a), primary_of(acct, b)
    bound, free = new_eip(acct), new_eip(acct)
    bind(acct, bound, na.nicId, na.primaryIpv4)
    before = snapshot(acct)
    # Every EIP fails: the call fails.
    refused_as(acct.zec, "AssociateEipAddress", STATUS_NOT_SUPPORT, 400, eipIds=[bound],
               nicId=nb.nicId, lanIp=nb.primaryIpv4)
    # A lanIp that already has an EIP.
    refused_as(acct.zec, "AssociateEipAddress", STATUS_NOT_SUPPORT, 400, eipIds=[free],
               nicId=na.nicId, lanIp=na.primaryIpv4)
    assert snapshot(acct) == before
    # Some fail: those are listed, the others are bound.
    resp = call(acct.zec, "AssociateEipAddress", eipIds=[bound, free], nicId=nb.nicId,
                lanIp=nb.primaryIpv4)
    assert list(resp.failedEipIds) == [bound]
    assert eip_wire(acct, free)["associatedId"] == nb.nicId
    assert eip_wire(acct, bound)["associatedId"] == na.nicId


def test_associating_in_a_transition_is_refused(acct, net, server):
    iid = run_instance(acct, net["subnet"])
    nic = primary_of(acct, iid)
    creating = new_eip(acct, settle=False)
    before = snapshot(acct)
    refused_as(acct.zec, "AssociateEipAddress", STATUS_NOT_SUPPORT, 400, eipIds=[creating],
               nicId=nic.nicId, lanIp=nic.primaryIpv4)
    assert snapshot(acct) == before
    server.advance(ms(PHASE_MS["eip-create"]))
    call(acct.zec, "DeleteEip", eipId=creating)
    for settle in (0, PHASE_MS["eip-release"]):  # RECYCLING, then RECYCLED
        server.advance(ms(settle))
        before = snapshot(acct)
        refused_as(acct.zec, "AssociateEipAddress", STATUS_NOT_SUPPORT, 400,
                   eipIds=[creating], nicId=nic.nicId, lanIp=nic.primaryIpv4)
        assert snapshot(acct) == before


def test_bad_association_targets_are_refused_with_the_designs_codes(acct, net):
    iid = run_instance(acct, net["subnet"])
    nic = primary_of(acct, iid)
    eid = new_eip(acct)
    elsewhere = new_eip(acct, regionId=OTHER_REGION)
    lan = nic.primaryIpv4
    other_lan = str(ipaddress.ip_address(lan) + 100)   # in the subnet, not the NIC's

    def tf_style(**target):
        """The provider's request: every target field, unused ones "" (§0.4)."""
        fields = {"loadBalancerId": "", "nicId": "", "natId": "", "haVipId": "", "lanIp": "",
                  "bindType": "", "eipIds": [eid]}
        fields.update(target)
        return fields

    before = snapshot(acct)
    cases = [
        (tf_style(nicId=NOWHERE, lanIp=lan), "INVALID_NIC_NOT_FOUND"),
        (tf_style(nicId=nic.nicId, lanIp=other_lan), "INVALID_IP_OUT_OF_RANGE"),
        (tf_style(nicId=nic.nicId, lanIp="10.99.0.5"), "INVALID_IP_OUT_OF_RANGE"),
        (tf_style(nicId=nic.nicId), "MISSING_PARAMETER"),
        (dict(eipIds=[eid], nicId=nic.nicId), "MISSING_PARAMETER"),
        (tf_style(loadBalancerId="lb-1"), "INVALID_LB_NOT_FOUND"),
        (tf_style(natId="nat-1"), "INVALID_NAT_NOT_FOUND"),
        (tf_style(haVipId="havip-1", bindType="FullNat"), "INVALID_HAVIP_NOT_FOUND"),
        (tf_style(), "MISSING_PARAMETER"),
        (dict(eipIds=[eid]), "MISSING_PARAMETER"),
        (tf_style(nicId=nic.nicId, lanIp=lan, natId="nat-1"), "INVALID_PARAMETER_VALUE"),
        (tf_style(nicId=nic.nicId, lanIp=lan, eipIds=[NOWHERE]), "INVALID_EIP_NOT_FOUND"),
        (tf_style(nicId=nic.nicId, lanIp=lan, eipIds=[eid, NOWHERE]), "INVALID_EIP_NOT_FOUND"),
        (tf_style(nicId=nic.nicId, lanIp=lan, eipIds=[elsewhere]), "INVALID_PARAMETER_VALUE"),
    ]
    for fields, code in cases:
        refused(acct.zec, "AssociateEipAddress", code, **fields)
    refused(acct.zec, "AssociateEipAddress", **tf_style(nicId=nic.nicId, lanIp=lan,
                                                        bindType="Sideways"))
    assert snapshot(acct) == before
    # The right request (the provider's, bindType "" = the default) goes through.
    call(acct.zec, "AssociateEipAddress", **tf_style(nicId=nic.nicId, lanIp=lan))
    assert eip_wire(acct, eid)["bindType"] == "FullNat"


def test_delete_and_unassociate_preconditions(acct, net, server):
    iid = run_instance(acct, net["subnet"])
    nic = primary_of(acct, iid)
    bound = new_eip(acct)
    bind(acct, bound, nic.nicId, nic.primaryIpv4)
    creating = new_eip(acct, settle=False)
    before = snapshot(acct)
    refused_as(acct.zec, "DeleteEip", "OPERATION_DENIED_EIP_IS_NOT_UN_ASSIGN", 400,
               eipId=bound)
    refused_as(acct.zec, "DeleteEip", STATUS_NOT_SUPPORT, eipId=creating)
    refused_as(acct.zec, "DeleteEip", "OPERATION_FAILED_RESOURCE_NOT_FOUND", eipId=NOWHERE)
    refused_as(acct.zec, "UnassociateEipAddress", "INVALID_EIP_NOT_FOUND", eipIds=[NOWHERE])
    refused_as(acct.zec, "UnassociateEipAddress", "INVALID_EIP_NOT_FOUND",
               eipIds=[bound, NOWHERE])
    assert snapshot(acct) == before
    server.advance(ms(PHASE_MS["eip-create"]))
    call(acct.zec, "DeleteEip", eipId=creating)
    before = snapshot(acct)
    refused_as(acct.zec, "DeleteEip", STATUS_NOT_SUPPORT, eipId=creating)   # RECYCLING
    assert snapshot(acct) == before


# --------------------------------------------------------------------------------------------
# Faults.

def test_an_eip_create_failure_ends_in_create_failed_which_the_provider_drops(tf, acct, faults):
    [rule] = faults.create_faults(failures=[{"phase": "eip-create", "count": 1}])
    with pytest.raises(TerraformError, match="inconsistent result"):
        tf.run(tf.eip_create(EipConfig(name="unlucky")))
    [eid] = eip_ids(acct.zec)[1]
    assert tf.observed[f"eip:{eid}"] == ["CREATING", "CREATING", "CREATE_FAILED"]
    assert rule not in [r["id"] for r in faults.faults()["failures"]]
    e = eip_wire(acct, eid)
    assert e["status"] == "CREATE_FAILED" and unbound(e)
    before = snapshot(acct)
    refused_as(acct.zec, "ModifyEipBandwidth", STATUS_NOT_SUPPORT, 400, eipId=eid, bandwidth=5)
    assert snapshot(acct) == before
    # A failed EIP is released the usual way; the next create succeeds.
    assert tf.run(tf.eip_delete(eid)) == "purged"
    assert eip_wire(acct, eid) is None
    assert tf.run(tf.eip_create(EipConfig(name="lucky")))[1]["status"] == "UNBIND"


def test_a_fault_rule_with_a_zone_fails_only_eips_of_that_region(acct, faults):
    faults.create_faults(failures=[{"phase": "eip-create", "count": 1, "zone": OTHER_REGION}])
    here = new_eip(acct, settle=False)
    there = new_eip(acct, settle=False, regionId=OTHER_REGION)
    again = new_eip(acct, settle=False, regionId=OTHER_REGION)
    assert faults.faults()["failures"] == []
    faults.advance(ms(PHASE_MS["eip-create"]))
    assert [eip_wire(acct, e)["status"] for e in (here, there, again)] == [
        "UNBIND", "CREATE_FAILED", "UNBIND"]


# --------------------------------------------------------------------------------------------
# DescribeEips: ids, filters, paging, the zec_eips data source.

@pytest.fixture
def fleet(acct, net, server):
    """Four EIPs, in creation order: bound (to instance a's primary NIC), blue (group blue,
    tagged, ByTrafficPackage), far (asia-southwest-1) and old (RECYCLED)."""
    a = run_instance(acct, net["subnet"])
    nic = primary_of(acct, a)
    bound = new_eip(acct, settle=False, name="web-bound")
    blue = new_eip(acct, settle=False, name="db-blue", resourceGroupId=acct.group("blue"),
                   internetChargeType="ByTrafficPackage", flowPackage=1.0,
                   tags=tag_association({"env": "prod"}))
    far = new_eip(acct, settle=False, name="web-far", regionId=OTHER_REGION)
    old = new_eip(acct, settle=False, name="old")
    server.advance(ms(PHASE_MS["eip-create"]))
    bind(acct, bound, nic.nicId, nic.primaryIpv4)
    call(acct.zec, "DeleteEip", eipId=old)
    server.advance(ms(PHASE_MS["eip-release"]))
    return {"bound": bound, "blue": blue, "far": far, "old": old, "instance": a,
            "nic": nic.nicId, "lan": nic.primaryIpv4}


def test_eip_ids_are_exact_and_unknown_ids_find_nothing(acct, fleet):
    bound, far = fleet["bound"], fleet["far"]
    assert eip_ids(acct.zec, eipIds=[far, bound]) == (2, [bound, far])
    assert eip_ids(acct.zec, eipIds=[bound, NOWHERE]) == (1, [bound])
    assert eip_ids(acct.zec24, eipIds=[far, bound]) == (2, [bound, far])
    for unknown in ([NOWHERE], ["eip-x"], [str(int(far) + 1)]):
        wire = acct.wire("DescribeEips", {"eipIds": unknown})
        assert (wire["totalCount"], wire["dataSet"]) == (0, [])


def test_every_filter_of_describe_eips(acct, fleet):
    from zenlayercloud.zec.v20250901 import models as m2
    bound, blue, far, old = fleet["bound"], fleet["blue"], fleet["far"], fleet["old"]
    every = [bound, blue, far, old]
    ip = {k: public_ip(acct, fleet[k]) for k in ("bound", "blue", "far", "old")}
    z = acct.zec
    assert eip_ids(z) == (4, every)
    assert eip_ids(z, regionId=REGION) == (3, [bound, blue, old])
    assert eip_ids(z, regionId=OTHER_REGION) == (1, [far])
    assert eip_ids(z, name="web") == (2, [bound, far])
    assert eip_ids(z, name="db-blue") == (1, [blue])
    assert eip_ids(z, status="BINDED") == (1, [bound])
    assert eip_ids(z, status="UNBIND") == (2, [blue, far])
    assert eip_ids(z, status="RECYCLED") == (1, [old])
    assert eip_ids(z, isDefault=False) == (4, every)
    assert eip_ids(z, isDefault=True) == (0, [])
    assert eip_ids(z, privateIpAddress=fleet["lan"]) == (1, [bound])
    assert eip_ids(z, ipAddress=ip["blue"]) == (1, [blue])
    assert eip_ids(z, ipAddresses=[ip["far"], ip["bound"]]) == (2, [bound, far])
    assert eip_ids(z, instanceId=fleet["instance"]) == (1, [bound])
    assert eip_ids(z, associatedId=fleet["nic"]) == (1, [bound])
    assert eip_ids(z, cidrIds=["cidr-1"]) == (0, [])
    assert eip_ids(z, resourceGroupId=acct.group("blue")) == (1, [blue])
    assert eip_ids(z, resourceGroupId=acct.default_group) == (3, [bound, far, old])
    assert eip_ids(z, tagKeys=["env"]) == (1, [blue])
    assert eip_ids(z, tags=[m2.Tag({"key": "env", "value": "prod"})]) == (1, [blue])
    assert eip_ids(z, tags=[m2.Tag({"key": "env", "value": "dev"})]) == (0, [])
    assert eip_ids(z, internetChargeType="ByTrafficPackage") == (1, [blue])
    assert eip_ids(z, internetChargeType="ByBandwidth") == (3, [bound, far, old])
    assert eip_ids(z, regionId=REGION, status="UNBIND") == (1, [blue])
    assert eip_ids(z, instanceId=NOWHERE) == (0, [])
    # "" is "not given" (§0.4): the zec_eips data source always sends privateIpAddress and
    # associatedId, "" when unset.
    assert eip_ids(z, privateIpAddress="", associatedId="", regionId="", name="", status="",
                   instanceId="", ipAddress="", resourceGroupId="",
                   internetChargeType="") == (4, every)
    # 2024-04-01.
    assert eip_ids(acct.zec24, instanceId=fleet["instance"]) == (1, [bound])
    assert eip_ids(acct.zec24, status="UNBIND", regionId=REGION) == (1, [blue])
    assert eip_ids(acct.zec24, privateIpAddress=fleet["lan"]) == (1, [bound])


def test_the_zec_eips_data_source(tf, acct, fleet):
    ids = lambda found: [e["id"] for e in found]  # noqa: E731
    every = [fleet["bound"], fleet["blue"], fleet["far"], fleet["old"]]
    mark = len(tf.calls)
    assert ids(tf.data_eips()) == every
    assert tf.calls_since(mark) == [("v2", "DescribeEips")]
    assert ids(tf.data_eips(name_regex="^web")) == [fleet["bound"], fleet["far"]]
    assert ids(tf.data_eips(public_ip_address=public_ip(acct, fleet["far"]))) == [fleet["far"]]
    assert ids(tf.data_eips(status="RECYCLED")) == [fleet["old"]]
    assert ids(tf.data_eips(region_id=OTHER_REGION)) == [fleet["far"]]
    [b] = tf.data_eips(private_ip_address=fleet["lan"])
    assert (b["id"], b["associated_id"], b["associated_type"], b["bind_type"]) == (
        fleet["bound"], fleet["nic"], "NIC", "FullNat")
    [blue] = tf.data_eips(ids=[fleet["blue"]])
    assert (blue["associated_id"], blue["private_ip_address"], blue["tags"]) == (
        None, None, {"env": "prod"})


def test_describe_eips_pages_in_creation_order(tf, acct, server):
    resp = call(acct.zec, "CreateEips", regionId=REGION, name="many", amount=25,
                internetChargeType="ByBandwidth")
    every = list(resp.eipIds)
    assert len(every) == len(set(every)) == 25 and all(IDS.match(e) for e in every)
    server.advance(ms(PHASE_MS["eip-create"]))
    addresses = [public_ip(acct, e) for e in every]
    assert len(set(addresses)) == 25, "an address is never given twice"
    for size in (7, 20):
        assert every_page(acct.zec, "DescribeEips", "eipId", size) == every
    assert eip_ids(acct.zec) == (25, every[:20])              # pageSize defaults to 20
    assert eip_ids(acct.zec, pageNum=2) == (25, every[20:])
    assert terraform_list(acct.zec, "DescribeEips", "eipId") == every
    assert [e["id"] for e in tf.data_eips()] == every
    assert answer(acct.zec, "DescribeEips", pageSize=1001)[0] == \
        "INVALID_PARAMETER_EXCEED_MAXIMUM"
    assert answer(acct.zec, "DescribeEips", eipIds=[str(n) for n in range(101)])[0] == \
        "INVALID_PARAMETER_EXCEED_LENGTH"


# --------------------------------------------------------------------------------------------
# 2024-04-01.

def test_every_eip_action_answers_in_2024_04_01(acct, net, server):
    v1 = acct.zec24
    iid = run_instance(acct, net["subnet"])
    nic = primary_of(acct, iid)
    [eid] = call(v1, "CreateEips", regionId=REGION, name="old-client",
                 internetChargeType="ByBandwidth", bandwidth=3).eipIds
    [e] = call(v1, "DescribeEips", eipIds=[eid]).dataSet
    assert (e.status, e.bandwidth, e.eipV4Type) == ("CREATING", 3, None)
    server.advance(ms(PHASE_MS["eip-create"]))
    call(v1, "ModifyEipAttribute", eipId=eid, name="old-client-2")
    call(v1, "ModifyEipBandwidth", eipId=eid, bandwidth=4)
    # Not in the 2024-04-01 SDK; zecd serves it in both versions.
    acct.wire("ModifyEipBandwidthLimitMode", {"eipId": eid, "rateLimitMode": "STRICT"},
              version="v1")
    resp = call(v1, "AssociateEipAddress", eipIds=[eid], nicId=nic.nicId, lanIp=nic.primaryIpv4)
    assert not resp.failedEipIds
    w = eip_wire(acct, eid, version="v1")
    assert (w["name"], w["bandwidth"], w["status"], w["associatedId"],
            w["privateIpAddress"]) == ("old-client-2", 4, "BINDED", nic.nicId, nic.primaryIpv4)
    assert eip_wire(acct, eid)["rateLimitMode"] == "STRICT"
    assert e.publicIpAddresses == w["publicIpAddresses"]
    assert not call(v1, "UnassociateEipAddress", eipIds=[eid]).failedEipIds
    call(v1, "DeleteEip", eipId=eid)
    server.advance(ms(PHASE_MS["eip-release"]))
    assert eip_wire(acct, eid, version="v1")["status"] == "RECYCLED"
    call(v1, "DeleteEip", eipId=eid)
    assert eip_wire(acct, eid, version="v1") is None
    assert fails(v1, "DeleteEip", eipId=eid).code == "OPERATION_FAILED_RESOURCE_NOT_FOUND"


# --------------------------------------------------------------------------------------------
# Accounts and credentials.

def test_another_accounts_eip_answers_as_one_that_never_existed(acct, server, net):
    iid = run_instance(acct, net["subnet"])
    nic = primary_of(acct, iid)
    eid = new_eip(acct)
    bind(acct, eid, nic.nicId, nic.primaryIpv4)
    ip = public_ip(acct, eid)
    intruder = new_account(server, "eipintruder")
    theirs = new_eip(intruder)
    before = snapshot(acct)
    assert eip_ids(intruder.zec, eipIds=[eid]) == (0, [])
    assert eip_ids(intruder.zec, ipAddress=ip) == (0, [])
    assert eip_ids(intruder.zec, instanceId=iid) == (0, [])
    assert eip_ids(intruder.zec, associatedId=nic.nicId) == (0, [])
    assert eid not in eip_ids(intruder.zec, pageSize=1000)[1]
    probes = [
        ("ModifyEipAttribute", lambda e: dict(eipId=e, name="mine")),
        ("ModifyEipBandwidth", lambda e: dict(eipId=e, bandwidth=7)),
        ("ModifyEipBandwidthLimitMode", lambda e: dict(eipId=e, rateLimitMode="LOOSE")),
        ("UnassociateEipAddress", lambda e: dict(eipIds=[e])),
        ("DeleteEip", lambda e: dict(eipId=e)),
        ("AssociateEipAddress", lambda e: dict(eipIds=[e], nicId=nic.nicId,
                                               lanIp=nic.primaryIpv4)),
    ]
    for action, fields in probes:
        assert answer(intruder.zec, action, **fields(eid)) == \
            answer(intruder.zec, action, **fields(NOWHERE)), action
    # Its own EIP onto the other account's NIC: as a NIC that does not exist.
    assert answer(intruder.zec, "AssociateEipAddress", eipIds=[theirs], nicId=nic.nicId,
                  lanIp=nic.primaryIpv4)[0] == "INVALID_NIC_NOT_FOUND"
    assert snapshot(acct) == before


def test_read_only_and_group_scoped_credentials(acct, net):
    iid = run_instance(acct, net["subnet"], resourceGroupId=acct.group("g1"))
    nic = primary_of(acct, iid)
    inside = new_eip(acct, resourceGroupId=acct.group("g1"))
    outside = new_eip(acct, resourceGroupId=acct.group("g2"))
    before = snapshot(acct)
    ro = scoped(acct, read_only=True)
    assert eip_ids(ro.zec, eipIds=[inside, outside]) == (2, [inside, outside])
    writes = [
        ("CreateEips", dict(regionId=REGION, name="ro", internetChargeType="ByBandwidth",
                            resourceGroupId=acct.group("g1"))),
        ("ModifyEipAttribute", dict(eipId=inside, name="ro")),
        ("ModifyEipBandwidth", dict(eipId=inside, bandwidth=9)),
        ("ModifyEipBandwidthLimitMode", dict(eipId=inside, rateLimitMode="LOOSE")),
        ("AssociateEipAddress", dict(eipIds=[inside], nicId=nic.nicId, lanIp=nic.primaryIpv4)),
        ("UnassociateEipAddress", dict(eipIds=[inside])),
        ("DeleteEip", dict(eipId=inside)),
    ]
    for action, fields in writes:
        assert answer(ro.zec, action, **fields) == UNAUTHORIZED, action
    g1 = scoped(acct, "g1")
    assert eip_ids(g1.zec, eipIds=[inside, outside]) == (1, [inside])
    assert eip_ids(g1.zec, pageSize=1000) == (1, [inside])
    for action, fields in (("ModifyEipAttribute", dict(eipId=outside, name="nope")),
                           ("DeleteEip", dict(eipId=outside)),
                           ("CreateEips", dict(regionId=REGION, name="dflt",
                                               internetChargeType="ByBandwidth"))):
        assert answer(g1.zec, action, **fields) == UNAUTHORIZED, action
    assert snapshot(acct) == before
    # Inside its group it does everything.
    mine = new_eip(g1, resourceGroupId=acct.group("g1"))
    bind(g1, mine, nic.nicId, nic.primaryIpv4)
    assert eip_wire(acct, mine)["associatedId"] == nic.nicId
    call(g1.zec, "UnassociateEipAddress", eipIds=[mine])
    release_eip(g1, mine)
    assert eip_wire(acct, mine) is None


# --------------------------------------------------------------------------------------------
# The region's public pool.

def test_the_public_pool_holds_an_address_until_its_eip_is_gone_and_never_runs_dry(
        start_zecd, tmp_path):
    catalog = catalog_with_pool(tmp_path / "catalog.toml", pool="198.18.0.0/29")
    server = start_zecd(data_dir=tmp_path / "data", transition="",
                        extra_args=["--clock", "manual"], extra_env={"ZECD_CATALOG": str(catalog)})
    acct = new_account(server, "pool")
    held = []
    while True:
        try:
            [eid] = call(acct.zec, "CreateEips", regionId=REGION, name=unique("p"),
                         internetChargeType="ByBandwidth").eipIds
        except ZenlayerCloudSdkException as e:  # the pool ran dry: a plain refusal
            assert 400 <= acct.zec.last_status < 500, (e.code, acct.zec.last_status)
            break
        held.append(eid)
        assert len(held) <= 8, "more EIPs than the /29 has addresses"
    capacity = len(held)
    assert capacity >= 2
    server.advance(ms(PHASE_MS["eip-create"]))
    addresses = {public_ip(acct, e) for e in held}
    assert len(addresses) == capacity and all(in_pool(a, "198.18.0.0/29") for a in addresses)
    before = snapshot(acct)
    refused(acct.zec, "CreateEips", regionId=REGION, name="one-more",
            internetChargeType="ByBandwidth")
    # Another account draws on the same pool.
    other = new_account(server, "poolother")
    refused(other.zec, "CreateEips", regionId=REGION, name="theirs",
            internetChargeType="ByBandwidth")
    assert snapshot(acct) == before
    # A RECYCLED EIP still holds its address; gone, it gives it back.
    first = held.pop(0)
    freed = public_ip(acct, first)
    call(acct.zec, "DeleteEip", eipId=first)
    server.advance(ms(PHASE_MS["eip-release"]))
    assert eip_wire(acct, first)["status"] == "RECYCLED"
    refused(acct.zec, "CreateEips", regionId=REGION, name="still-full",
            internetChargeType="ByBandwidth")
    call(acct.zec, "DeleteEip", eipId=first)
    again = new_eip(other)
    assert public_ip(other, again) == freed
    release_eip(other, again)
    # Instances' own public addresses come from the same pool.
    [iid] = call(acct.zec, "CreateZecInstances", zoneId="asia-east-1a",
                 imageId="ubuntu2404_20240712", instanceType="z2a.cpu.1",
                 subnetId="1272168087751233112", password="Passw0rd!", instanceCount=1,
                 internetChargeType="ByBandwidth", bandwidth=1).instanceIdSet
    server.advance("3s")
    [own] = instance_of(acct, iid).publicIpAddresses
    assert own == freed
    refused(acct.zec, "CreateEips", regionId=REGION, name="taken-by-instance",
            internetChargeType="ByBandwidth")
    for _ in range(2):
        call(acct.zec24, "ReleaseInstances", instanceIds=[iid])
        server.advance("2s")
    assert instance_of(acct, iid) is None
    # Create/delete cycles, three times the pool's size, never run dry.
    for n in range(3 * capacity):
        eid = new_eip(acct, name=f"cycle{n}")
        assert public_ip(acct, eid) == freed
        release_eip(acct, eid)
    for eid in held:
        release_eip(acct, eid)
    assert eip_ids(acct.zec) == (0, [])
    fresh = [new_eip(acct, name=f"refill{n}") for n in range(capacity)]
    assert {public_ip(acct, e) for e in fresh} == addresses


def test_accounts_and_instances_share_the_pool_but_never_an_address(acct, server, net):
    other = new_account(server, "eipneighbour")
    mine = [new_eip(acct, settle=False) for _ in range(3)]
    theirs = [new_eip(other, settle=False) for _ in range(3)]
    iid = run_instance(acct, net["subnet"], internetChargeType="ByBandwidth")
    addresses = [public_ip(acct, e) for e in mine] + [public_ip(other, e) for e in theirs] + \
        public_of(acct, iid)
    assert len(addresses) == len(set(addresses)) == 7
    assert all(in_pool(a) for a in addresses)
