"""The whole stack of issue 12: one account builds everything an instance can have around it and
takes it all down again, through the official Python SDK on a zecd with a manual clock and a
small public pool (asia-east-1: 198.18.0.0/29), replayed call for call as the Terraform provider
0.2.28 sends it (tfnet.py, tfstorage.py and tfeip.py, combined in :class:`Stack`):

    zenlayercloud_key_pair                        ImportKeyPair (ccs)
    zenlayercloud_zec_vpc / _subnet               CreateVpc v2 / CreateSubnet v1
    zenlayercloud_zec_security_group (+ rules)    CreateSecurityGroup v2,
                                                  ConfigureSecurityGroupRules v2
    zenlayercloud_zec_vpc_security_group_attachment   AssignSecurityGroupVpc
    zenlayercloud_zec_instance                    CreateZecInstances v2 {subnet, key, group}
    zenlayercloud_zec_disk (+ _attachment)        CreateDisks v2, AttachDisks v2
    zenlayercloud_zec_eip (+ _association)        CreateEips v2; data zec_vnics {instance_id}
                                                  (DescribeNetworkInterfaces {instanceId}) gives
                                                  the primary NIC and its primary IPv4 (lanIp)
    zenlayercloud_zec_vnic (+ _attachment, _ipv4) CreateNetworkInterface v2, AttachNetworkInterface
                                                  v2, BatchAssignNetworkInterfaceIpv4 (2 addresses)

DescribeInstances must then show the data disk, the EIP's address, both NICs (primary first) and
every private address. The first test destroys it in Terraform's order (association; EIP deleted,
recycled, deleted again; NIC detached, its addresses unassigned, deleted; disk detached, released
twice; instance released twice; subnet; binding, rules, group; VPC; key pair) and checks that
nothing is left and every address is free: the account reads exactly as before, the subnet's
addresses can all be taken again, and the public pool holds exactly the addresses it held before.

The second test releases the instance with everything still on it, with ReleaseInstances
``dependResource`` true (2025-09-01, also its default) or false (2025-09-01 false, and 2024-04-01,
which has no such field): at the purge the attached portable disk is RECYCLED or AVAILABLE, the
EIP RECYCLED or UNBIND, the secondary NIC deleted or AVAILABLE (notes/issue12-design.md
"Instances"); before the purge nothing moves; nothing is ever attached to two things and no
address leaks.

Assumptions beyond the spec and the design (pinned here):
* An instance created without a public bandwidth has no public address of its own, so its
  ``publicIpAddresses`` are exactly the EIPs bound to its NICs.
* ``privateIpAddresses`` starts with the primary NIC's primary IPv4; the order of the rest is not
  pinned.
* A NIC created with no group takes the group bound to its VPC (as instances do).
* The public pool refuses with a 4xx once it is dry (its code is not pinned).
"""

from __future__ import annotations

import pytest

from conftest import REGION, ZecdServer, ZenlayerCloudSdkException
from netkit import RELEASES, call, new_account, nth_address, usable_host
from ssh_keys import ED25519
from tfeip import (
    PHASE_MS,
    EipConfig,
    Provider,
    VnicConfig,
    catalog_with_pool,
    eip_wire,
    members,
    ms,
    new_nic,
    nic_wire,
    release_eip,
    run_instance,
    snapshot,
    unbound,
    usage,
)
from tfnet import InstanceConfig, Rule, SubnetConfig, VpcConfig
from tfstorage import DiskConfig, Storage, disk_wire, instance_wire

POOL = "198.18.0.0/29"
VPC_CIDR = "172.20.0.0/16"
SUBNET_CIDR = "172.20.1.0/24"


# The secondary NIC's two more addresses.
EXTRA = [nth_address(SUBNET_CIDR, 20), nth_address(SUBNET_CIDR, 21)]


class Stack(Storage, Provider):
    """The provider with every resource of the stack: tfnet's networks and key pairs,
    tfstorage's disks, tfeip's EIPs and vNICs."""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A zecd with a manual clock whose asia-east-1 public pool is a /29, so that a test can
    read the whole pool and see every address come back."""
    root = tmp_path_factory.mktemp("zecd-stack")
    catalog = catalog_with_pool(root / "catalog.toml", pool=POOL)
    s = ZecdServer(data_dir=root / "data", transition="", extra_args=["--clock", "manual"],
                   extra_env={"ZECD_CATALOG": str(catalog)}).start()
    yield s
    s.stop()


@pytest.fixture
def acct(server):
    return new_account(server, "stack")


@pytest.fixture
def tf(acct):
    return Stack(acct)


# --------------------------------------------------------------------------------------------
# Helpers.

def free_public_addresses(acct) -> list[str]:
    """Every address the region's public pool can give right now: EIPs are created until the
    pool refuses, read, and released to nothing again."""
    held = []
    while True:
        try:
            [eid] = call(acct.zec, "CreateEips", regionId=REGION, name="pool-probe",
                         internetChargeType="ByBandwidth").eipIds
        except ZenlayerCloudSdkException as e:
            assert 400 <= acct.zec.last_status < 500, (e.code, acct.zec.last_status)
            break
        held.append(eid)
        assert len(held) <= 8, "more EIPs than a /29 has addresses"
    acct.server.advance(ms(PHASE_MS["eip-create"]))
    addresses = sorted(eip_wire(acct, e)["publicIpAddresses"][0] for e in held)
    for eid in held:
        release_eip(acct, eid)
        assert eip_wire(acct, eid) is None
    return addresses


def apply_stack(tf: Stack) -> dict:
    """Applies the stack the provider's way, resource by resource; returns the ids and
    addresses."""
    ids: dict[str, object] = {}
    ids["key"], _ = tf.key_create("stack-key", ED25519)
    ids["vpc"], _ = tf.vpc_create(VpcConfig(cidr_block=VPC_CIDR, name="stack-vpc"))
    ids["subnet"], _ = tf.subnet_create(SubnetConfig(vpc_id=ids["vpc"], cidr_block=SUBNET_CIDR,
                                                     name="stack-subnet"))
    ids["sg"], _ = tf.sg_create("stack-sg")
    tf.rules_apply(ids["sg"], [Rule(port_range="22")])
    assert tf.attachment_create(ids["vpc"], ids["sg"]) == {"vpc_id": ids["vpc"],
                                                           "security_group_id": ids["sg"]}
    ids["instance"], state = tf.run(tf.instance_create(InstanceConfig(
        subnet_id=ids["subnet"], key_id=ids["key"], security_group_id=ids["sg"],
        instance_name="stack-instance")))
    assert (state["key_id"], state["security_group_id"], state["status"]) == (
        ids["key"], ids["sg"], "RUNNING")
    ids["system_disk"] = instance_wire(tf.acct, ids["instance"])["systemDisk"]["diskId"]
    ids["disk"], _ = tf.run(tf.disk_create(DiskConfig(disk_name="stack-data", disk_size=50,
                                                      force_delete=True)))
    assert tf.run(tf.disk_attachment_create(ids["disk"], ids["instance"])) == {
        "disk_id": ids["disk"], "instance_id": ids["instance"]}
    ids["eip"], eip_state = tf.run(tf.eip_create(EipConfig(name="stack-eip")))
    ids["public_ip"] = eip_state["public_ip_address"]
    [primary] = tf.data_vnics(instance_id=ids["instance"])
    assert primary["primary"] is True
    ids["primary_nic"], ids["primary_ip"] = primary["id"], primary["primary_ipv4_address"]
    assert tf.eip_association_create(ids["eip"], ids["primary_nic"], "NIC",
                                     private_ip_address=ids["primary_ip"]) == {
        "eip_id": ids["eip"], "associated_id": ids["primary_nic"], "associated_type": "NIC",
        "private_ip_address": ids["primary_ip"], "bind_type": "FullNat"}
    ids["nic"], nic_state = tf.run(tf.vnic_create(VnicConfig(subnet_id=ids["subnet"],
                                                             name="stack-vnic")))
    ids["nic_ip"] = nic_state["primary_ipv4"]
    assert nic_state["security_group_id"] == ids["sg"]     # the VPC's group
    # zec_vnic_ipv4 and zec_vnic_attachment both depend on the vNIC only; the addresses go
    # first here (BatchAssign is refused while the NIC is ATTACHING: AVAILABLE or USED only).
    assert sorted(tf.vnic_ipv4_create(ids["nic"], addresses=EXTRA)[
        "secondary_private_ip_addresses"]) == EXTRA
    assert tf.vnic_attachment_create(ids["nic"], ids["instance"]) == {
        "vnic_id": ids["nic"], "instance_id": ids["instance"]}
    tf.sleep(PHASE_MS["nic-attach"] / 1000)           # ATTACHING → USED
    return ids


def private_addresses(ids: dict) -> list[str]:
    return [ids["primary_ip"], ids["nic_ip"]] + EXTRA


def check_instance_shows_the_stack(acct, ids: dict) -> None:
    """DescribeInstances shows the data disk, the EIP's address, both NICs (primary first) and
    every private address; the objects themselves point back at the instance."""
    iid = ids["instance"]
    i = instance_wire(acct, iid)
    assert (i["status"], i["keyId"], i["subnetId"], i["securityGroupId"]) == (
        "RUNNING", ids["key"], ids["subnet"], ids["sg"])
    [data] = i["dataDisks"]
    assert (data["diskId"], data["diskName"], data["diskSize"], data["portable"]) == (
        ids["disk"], "stack-data", 50, True)
    assert i["systemDisk"]["diskId"] == ids["system_disk"]
    assert i["publicIpAddresses"] == [ids["public_ip"]]
    assert [(n["nicId"], n["nicType"]) for n in i["nics"]] == [
        (ids["primary_nic"], "Primary"), (ids["nic"], "Secondary")]
    assert i["privateIpAddresses"][0] == ids["primary_ip"]
    assert sorted(i["privateIpAddresses"]) == sorted(private_addresses(ids))
    for address in private_addresses(ids):
        assert usable_host(address, SUBNET_CIDR), address
    assert len(set(private_addresses(ids))) == 4
    # The objects agree.
    d = disk_wire(acct, ids["disk"])
    assert (d["diskStatus"], d["instanceId"]) == ("IN_USE", iid)
    e = eip_wire(acct, ids["eip"])
    assert (e["status"], e["associatedId"], e["associatedType"], e["instanceId"],
            e["privateIpAddress"]) == ("BINDED", ids["primary_nic"], "NIC", iid,
                                       ids["primary_ip"])
    primary = nic_wire(acct, ids["primary_nic"])
    assert primary["publicIpList"] == [ids["public_ip"]]
    n = nic_wire(acct, ids["nic"])
    assert (n["status"], n["instanceId"], n["nicType"], n["primaryIpv4"]) == (
        "USED", iid, "Secondary", ids["nic_ip"])
    assert sorted(n["secondaryIpv4s"]) == EXTRA
    assert sorted(n["privateIpList"]) == sorted([ids["nic_ip"]] + EXTRA)
    assert members(acct, ids["sg"]) == {ids["primary_nic"], ids["nic"]}
    for action, key, expected in (("DescribeDisks", "diskId", [ids["system_disk"], ids["disk"]]),
                                  ("DescribeEips", "eipId", [ids["eip"]]),
                                  ("DescribeNetworkInterfaces", "nicId",
                                   [ids["primary_nic"], ids["nic"]])):
        found = acct.wire(action, {"instanceId": iid})
        assert sorted(x[key] for x in found["dataSet"]) == sorted(expected), action


def destroy_attached(tf: Stack, ids: dict) -> None:
    """Terraform's destroy of what hangs on the instance, and of the instance: association;
    EIP (DeleteEip, RECYCLED, DeleteEip); NIC attachment, its addresses, the NIC; disk
    attachment, the disk (force_delete: released twice); the instance (released twice)."""
    tf.eip_association_delete(ids["eip"])
    assert tf.run(tf.eip_delete(ids["eip"])) == "purged"
    log = tf.observed[f"eip_delete:{ids['eip']}"]
    assert log[0] == log[-1] == "ok" and "RECYCLED" in log, log
    assert tf.vnic_attachment_delete(ids["nic"]) == "ok"
    assert sorted(tf.vnic_ipv4_delete(ids["nic"])) == EXTRA
    assert tf.run(tf.vnic_delete(ids["nic"])) == "ok"
    tf.run(tf.disk_attachment_delete(ids["disk"]))
    assert tf.run(tf.disk_delete(ids["disk"], force_delete=True)) == "released"
    assert tf.dropped == []
    assert tf.run(tf.instance_delete(ids["instance"])) == "gone"


def destroy_network(tf: Stack, ids: dict) -> None:
    """Then the subnet, the binding, the rules and the group, the VPC, the key pair."""
    assert tf.run(tf.subnet_delete(ids["subnet"])) == "deleted"
    tf.attachment_delete(ids["vpc"])
    tf.rules_delete(ids["sg"])
    assert tf.run(tf.sg_delete(ids["sg"])) == "deleted"
    assert tf.observed[f"sg_delete:{ids['sg']}"] == [([], [])]   # no NIC left in the group
    assert tf.vpc_delete(ids["vpc"]) == "deleted"
    tf.key_delete(ids["key"])


def check_subnet_addresses_free(acct, subnet: str, addresses: list[str]) -> None:
    """Nothing uses the subnet, and a new NIC can take every one of ``addresses``."""
    assert usage(acct, subnet) == 0
    probe = new_nic(acct, subnet, name="probe")
    own = nic_wire(acct, probe)["primaryIpv4"]
    wanted = [a for a in addresses if a != own]
    call(acct.zec, "BatchAssignNetworkInterfaceIpv4", nicId=probe, ipAddresses=wanted)
    assert set(addresses) <= set(nic_wire(acct, probe)["privateIpList"])
    call(acct.zec24, "DeleteNetworkInterface", nicId=probe)
    assert usage(acct, subnet) == 0


def check_gone(tf: Stack, ids: dict) -> None:
    """Every object of the stack reads as gone, the way the provider reads it."""
    assert tf.vpc_read(ids["vpc"]) is None
    assert tf.subnet_read(ids["subnet"]) is None
    assert tf.sg_read(ids["sg"]) is None
    assert tf.key_read(ids["key"]) is None
    assert tf.describe_instance(ids["instance"]) is None
    for did in (ids["disk"], ids["system_disk"]):
        assert tf.describe_disk(did) is None
    assert tf.describe_eip(ids["eip"]) is None
    for nid in (ids["nic"], ids["primary_nic"]):
        assert tf.describe_nic(nid) is None


# --------------------------------------------------------------------------------------------
# The tests.

def test_the_whole_stack_applies_and_destroys_in_terraforms_order_to_nothing(tf, acct):
    """A user applies a configuration with a VPC, subnet, group (bound to the VPC, with a rule),
    key pair, instance, data disk, EIP on the primary NIC and a secondary NIC with two more
    addresses, then runs terraform destroy: nothing is left, no address leaks."""
    pool = free_public_addresses(acct)
    assert len(pool) >= 2
    before = snapshot(acct, disks=True)
    ids = apply_stack(tf)
    assert ids["public_ip"] in pool
    check_instance_shows_the_stack(acct, ids)
    assert usage(acct, ids["subnet"]) >= 2

    destroy_attached(tf, ids)
    # The instance is gone with its primary NIC and system disk; every private address is free.
    assert members(acct, ids["sg"]) == set()
    check_subnet_addresses_free(acct, ids["subnet"], private_addresses(ids))
    destroy_network(tf, ids)

    check_gone(tf, ids)
    assert snapshot(acct, disks=True) == before
    assert free_public_addresses(acct) == pool


@pytest.mark.parametrize("how, depend", [
    ("v2", True),                  # 2025-09-01, dependResource left to its default
    ("v2-depend", True),           # dependResource true
    ("v2-keep", False),            # dependResource false
    ("v1", False),                 # 2024-04-01 has no dependResource
])
def test_releasing_the_instance_with_everything_on_it(tf, acct, server, how, depend):
    """A user releases the instance (twice: recycle bin, then purge) without taking anything off
    it first. Until the purge nothing moves; at the purge, with dependResource, the disk and the
    EIP go to the recycle bin and the secondary NIC is deleted; without, the three are let go
    (AVAILABLE / UNBIND / AVAILABLE) and can be used again. Nothing is left attached to the
    purged instance, no address leaks, and the rest can be destroyed to nothing."""
    pool = free_public_addresses(acct)
    before = snapshot(acct, disks=True)
    ids = apply_stack(tf)
    iid = ids["instance"]
    check_instance_shows_the_stack(acct, ids)

    RELEASES[how](acct, iid)
    server.advance("2s")                                   # RELEASING → RECYCLE
    assert instance_wire(acct, iid)["status"] == "RECYCLE"
    RELEASES[how](acct, iid)                               # the purge comes 2 s later
    server.advance("1999ms")
    assert instance_wire(acct, iid) is not None
    assert disk_wire(acct, ids["disk"])["instanceId"] == iid
    assert eip_wire(acct, ids["eip"])["associatedId"] == ids["primary_nic"]
    assert nic_wire(acct, ids["nic"])["instanceId"] == iid
    server.advance("1ms")

    # Purged: the instance, its primary NIC and its system disk are gone, and nothing points
    # at it any more.
    assert instance_wire(acct, iid) is None
    assert disk_wire(acct, ids["system_disk"]) is None
    assert nic_wire(acct, ids["primary_nic"]) is None
    for action in ("DescribeDisks", "DescribeEips", "DescribeNetworkInterfaces"):
        found = acct.wire(action, {"instanceId": iid})
        assert (found["totalCount"], found["dataSet"]) == (0, []), action
    d = disk_wire(acct, ids["disk"])
    e = eip_wire(acct, ids["eip"])
    assert d.get("instanceId") is None and d.get("instanceName") is None, d
    assert unbound(e), e
    assert e["publicIpAddresses"] == [ids["public_ip"]]      # held until the EIP is gone

    if depend:
        assert (d["diskStatus"], e["status"]) == ("RECYCLED", "RECYCLED")
        assert nic_wire(acct, ids["nic"]) is None
        assert members(acct, ids["sg"]) == set()
        check_subnet_addresses_free(acct, ids["subnet"], private_addresses(ids))
        # Terraform's refresh drops them all; the recycle bin is emptied by hand.
        assert tf.run(tf.disk_read(ids["disk"])) is None
        assert tf.run(tf.eip_read(ids["eip"])) is None
        call(acct.zec24, "ReleaseDisk", diskId=ids["disk"])
        call(acct.zec, "DeleteEip", eipId=ids["eip"])
        assert disk_wire(acct, ids["disk"]) is None and eip_wire(acct, ids["eip"]) is None
    else:
        assert (d["diskStatus"], e["status"]) == ("AVAILABLE", "UNBIND")
        n = nic_wire(acct, ids["nic"])
        assert (n["status"], n.get("instanceId")) == ("AVAILABLE", None)
        assert sorted(n["privateIpList"]) == sorted([ids["nic_ip"]] + EXTRA)
        assert members(acct, ids["sg"]) == {ids["nic"]}
        # Everything let go is used again by a new instance, which takes the purged one's
        # address; the disk, NIC and EIP show on it alone.
        again = run_instance(acct, ids["subnet"], lanIp=ids["primary_ip"],
                             securityGroupId=ids["sg"], keyId=ids["key"], password=None)
        [primary] = tf.data_vnics(instance_id=again)
        assert primary["primary_ipv4_address"] == ids["primary_ip"]
        tf.run(tf.disk_attachment_create(ids["disk"], again))
        tf.vnic_attachment_create(ids["nic"], again)
        server.advance(ms(PHASE_MS["nic-attach"]))
        tf.eip_association_create(ids["eip"], primary["id"], "NIC",
                                  private_ip_address=ids["primary_ip"])
        ids.update(instance=again, primary_nic=primary["id"],
                   system_disk=instance_wire(acct, again)["systemDisk"]["diskId"])
        check_instance_shows_the_stack(acct, ids)
        for action in ("DescribeDisks", "DescribeEips", "DescribeNetworkInterfaces"):
            assert acct.wire(action, {"instanceId": iid})["totalCount"] == 0, action
        destroy_attached(tf, ids)
        check_subnet_addresses_free(acct, ids["subnet"], private_addresses(ids))

    destroy_network(tf, ids)
    check_gone(tf, ids)
    assert snapshot(acct, disks=True) == before
    assert free_public_addresses(acct) == pool
