"""The provider's zenlayercloud_zec_instance doc example end to end (issue 11 "Tests", spec
zec-resources.md §1–§7 and §16 "TF destroy order"), through the official Python SDK with the
provider's API versions, on a zecd with a manual clock:

    resource "zenlayercloud_zec_vpc" "vpc"                                { cidr_block }
    resource "zenlayercloud_zec_security_group" "sg"                      { name }
    resource "zenlayercloud_zec_vpc_security_group_attachment" "binding"  { vpc, sg }
    resource "zenlayercloud_zec_subnet" "subnet"                          { vpc, cidr_block }
    resource "zenlayercloud_key_pair" "key"                               { public_key = file() }
    resource "zenlayercloud_zec_instance" "instance"                      { subnet, key, sg }

Apply walks the dependency graph (independent resources at the same time), every create followed
at once by its Read; then the instance's security group changes the provider's way
(DescribeInstances → the Primary NIC → ModifyNetworkInterfaceAttribute {nicId,
securityGroupId}); then destroy in the provider's order: the instance (released twice, waited
until gone) and the binding's UnAssign in parallel, the subnet, the key pair and the new group
after the instance, the first group after the binding (its pre-wait polls nicIdList), the VPC
last. Afterwards the account is exactly as it was before the apply: nothing is left and every
address is free.

The second test is the doc example as written, where the instance names no group and takes the
VPC's: destroying the group then starts while the instance is still being released, and the
group's pre-wait must see the NIC until the purge takes it off nicIdList.

Assumptions (see the per-resource suites): user VPCs in 172.16.0.0/12; the instance's NIC takes
the VPC's group when it names none; whether a recycled instance's NIC stays in nicIdList is
left open (only "gone from DescribeInstances ⇒ gone from nicIdList" is required).
"""

from __future__ import annotations

import pytest

from netkit import account_of, call, fails, new_account, usable_host
from ssh_keys import RSA_2048
from tfnet import InstanceConfig, Rule, SubnetConfig, Terraform, VpcConfig, instant

VPC_CIDR = "172.16.0.0/16"
SUBNET_CIDR = "172.16.10.0/24"


@pytest.fixture(scope="module")
def server(manual_zecd):
    return manual_zecd


@pytest.fixture
def acct(server):
    return new_account(server, "tfnet")


@pytest.fixture
def tf(acct):
    return Terraform(acct)


class Example:
    """The doc example's resources and their states, applied and destroyed by ``tf``."""

    def __init__(self, tf: Terraform, explicit_group: bool):
        self.tf = tf
        self.explicit_group = explicit_group
        self.ids: dict[str, str] = {}
        self.states: dict[str, dict] = {}
        self.vpc_cfg = VpcConfig(cidr_block=VPC_CIDR, name="example-vpc")

    # ---- apply ----

    def apply(self) -> dict[str, tuple[float, float]]:
        tf = self.tf

        def vpc():
            self.ids["vpc"], self.states["vpc"] = tf.vpc_create(self.vpc_cfg)

        def sg():
            self.ids["sg"], self.states["sg"] = tf.sg_create("example-sg")

        def key():
            self.ids["key"], self.states["key"] = tf.key_create("example-key", RSA_2048 + "\n")

        def binding():
            self.states["binding"] = tf.attachment_create(self.ids["vpc"], self.ids["sg"])

        def subnet():
            self.subnet_cfg = SubnetConfig(vpc_id=self.ids["vpc"], cidr_block=SUBNET_CIDR,
                                           name="example-subnet")
            self.ids["subnet"], self.states["subnet"] = tf.subnet_create(self.subnet_cfg)

        def instance():
            cfg = InstanceConfig(subnet_id=self.ids["subnet"], key_id=self.ids["key"],
                                 security_group_id=self.ids["sg"] if self.explicit_group
                                 else None, instance_name="example-instance")
            self.ids["instance"], self.states["instance"] = yield from tf.instance_create(cfg)

        # In the doc example the instance does not depend on the binding; here it does when
        # it names no group, so that it takes the VPC's group deterministically.
        instance_deps = ["subnet", "key", "sg"] + ([] if self.explicit_group else ["binding"])
        return tf.run_parallel([
            ("vpc", [], lambda: instant(vpc)),
            ("sg", [], lambda: instant(sg)),
            ("key", [], lambda: instant(key)),
            ("binding", ["vpc", "sg"], lambda: instant(binding)),
            ("subnet", ["vpc"], lambda: instant(subnet)),
            ("instance", instance_deps, instance),
        ])

    def plan(self) -> dict:
        """What a refresh followed by a plan would change: nothing, if zecd echoes."""
        tf, ids = self.tf, self.ids
        diff = {}
        if d := Terraform.vpc_plan(self.vpc_cfg, tf.vpc_read(ids["vpc"])):
            diff["vpc"] = d
        if d := Terraform.subnet_plan(self.subnet_cfg, tf.subnet_read(ids["subnet"])):
            diff["subnet"] = d
        if tf.sg_read(ids["sg"]) != {"name": "example-sg"}:
            diff["sg"] = tf.sg_read(ids["sg"])
        if tf.attachment_read(ids["vpc"]) != {"vpc_id": ids["vpc"],
                                               "security_group_id": ids["sg"]}:
            diff["binding"] = tf.attachment_read(ids["vpc"])
        k = tf.key_read(ids["key"])
        if (k["key_name"], k["public_key"]) != ("example-key", RSA_2048 + "\n"):
            diff["key"] = k
        i = tf.instance_read(ids["instance"])
        want_sg = self.ids.get("sg2") or (ids["sg"] if self.explicit_group else None)
        if i["subnet_id"] != ids["subnet"] or i["key_id"] != ids["key"] or (
                want_sg and i["security_group_id"] != want_sg):
            diff["instance"] = i
        return diff

    # ---- destroy ----

    def destroy(self, checks) -> dict[str, tuple[float, float]]:
        """The provider's destroy order (reverse dependencies, independent ones at once);
        ``checks(name)`` runs just before each delete starts."""
        tf, ids = self.tf, self.ids

        def step(name, operation):
            def run():
                checks(name)
                return (yield from operation())
            return run

        tasks = [
            ("instance", [], step("instance", lambda: tf.instance_delete(ids["instance"]))),
            ("binding", [], step("binding", lambda: instant(
                lambda: tf.attachment_delete(ids["vpc"])))),
            ("subnet", ["instance"], step("subnet", lambda: tf.subnet_delete(ids["subnet"]))),
            ("key", ["instance"], step("key", lambda: instant(
                lambda: tf.key_delete(ids["key"])))),
            ("sg", ["binding"] + (["instance"] if self.explicit_group and "sg2" not in ids
                                  else []),
             step("sg", lambda: tf.sg_delete(ids["sg"]))),
            ("vpc", ["subnet", "binding"], step("vpc", lambda: instant(
                lambda: tf.vpc_delete(ids["vpc"])))),
        ]
        if "sg2" in ids:
            tasks.insert(4, ("sg2", ["instance"], step("sg2", lambda: tf.sg_delete(ids["sg2"]))))
        return tf.run_parallel(tasks)


def nics_of(acct, sg: str) -> list[str]:
    [g] = call(acct.zec, "DescribeSecurityGroups", securityGroupIds=[sg]).dataSet
    return list(g.nicIdList or [])


def usage(acct, action: str, field: str, rid: str) -> int:
    [x] = call(acct.zec, action, **{field: [rid]}).dataSet
    return x.usageIpv4Count


def test_the_instance_example_applies_changes_its_group_and_destroys_to_nothing(tf, acct):
    before = acct.snapshot()
    ex = Example(tf, explicit_group=True)
    spans = ex.apply()
    ids = ex.ids
    # The graph: the instance came last, after the subnet, the key pair and the group.
    assert spans["instance"][0] >= max(spans[r][1] for r in ("subnet", "key", "sg"))
    creates = [a for v, a in tf.calls if a.startswith(("Create", "Import", "Assign"))]
    assert sorted(creates) == sorted(["CreateVpc", "CreateSecurityGroup", "ImportKeyPair",
                                      "AssignSecurityGroupVpc", "CreateSubnet",
                                      "CreateZecInstances"])
    # What the instance is made of.
    i = ex.states["instance"]
    assert (i["subnet_id"], i["key_id"], i["security_group_id"], i["status"]) == (
        ids["subnet"], ids["key"], ids["sg"], "RUNNING")
    [address] = i["private_ip_addresses"]
    assert usable_host(address, SUBNET_CIDR)
    nic = i["primary_nic"]
    assert nics_of(acct, ids["sg"]) == [nic]
    [n] = call(acct.zec, "DescribeNetworkInterfaces", instanceId=ids["instance"]).dataSet
    assert (n.nicId, n.subnetId, n.vpcId, n.securityGroupId, n.primaryIpv4) == (
        nic, ids["subnet"], ids["vpc"], ids["sg"], address)
    assert usage(acct, "DescribeSubnets", "subnetIds", ids["subnet"]) == 1
    assert usage(acct, "DescribeVpcs", "vpcIds", ids["vpc"]) == 1
    assert ex.plan() == {}

    # Apply 2: a new group, and the instance moved to it.
    ids["sg2"], _ = tf.sg_create("example-sg-2")
    mark = len(tf.calls)
    state = tf.instance_update_security_group(ids["instance"], ids["sg2"])
    assert tf.calls_since(mark) == [("v2", "DescribeInstances"),
                                    ("v2", "ModifyNetworkInterfaceAttribute"),
                                    ("v2", "DescribeInstances")]
    assert state["security_group_id"] == ids["sg2"]
    assert (nics_of(acct, ids["sg"]), nics_of(acct, ids["sg2"])) == ([], [nic])
    assert ex.plan() == {}

    # Destroy.
    observed = {}

    def checks(name):
        if name in ("subnet", "key", "sg2"):
            # Only once the instance is gone from DescribeInstances, and its NIC with it.
            assert call(acct.zec, "DescribeInstances", instanceIds=[ids["instance"]]
                        ).dataSet == []
            assert nics_of(acct, ids["sg2"]) == []
            assert call(acct.zec, "DescribeNetworkInterfaces", nicIds=[nic]).dataSet == []
        if name == "subnet":
            assert usage(acct, "DescribeSubnets", "subnetIds", ids["subnet"]) == 0
        if name == "vpc":
            assert usage(acct, "DescribeVpcs", "vpcIds", ids["vpc"]) == 0
        observed[name] = True

    spans = ex.destroy(checks)
    assert spans["instance"][0] == spans["binding"][0] == 0
    assert spans["subnet"][0] >= spans["instance"][1]
    assert spans["sg"][0] >= spans["binding"][1]
    assert spans["vpc"][0] >= max(spans["subnet"][1], spans["binding"][1])
    assert tf.observed[f"sg_delete:{ids['sg']}"] == [([], [])]
    assert tf.observed[f"sg_delete:{ids['sg2']}"] == [([], [])]
    # Nothing is left, every address is free: the account is as it was.
    for read, rid in ((tf.vpc_read, "vpc"), (tf.subnet_read, "subnet"), (tf.sg_read, "sg"),
                      (tf.sg_read, "sg2"), (tf.key_read, "key"),
                      (tf.instance_read, "instance")):
        assert read(ids[rid]) is None, rid
    assert acct.snapshot() == before


def test_the_example_as_written_waits_for_the_purge_before_deleting_the_vpcs_group(tf, acct):
    before = acct.snapshot()
    ex = Example(tf, explicit_group=False)
    ex.apply()
    ids = ex.ids
    i = ex.states["instance"]
    assert i["security_group_id"] == ids["sg"], "no group named: the VPC's"
    nic = i["primary_nic"]
    assert nics_of(acct, ids["sg"]) == [nic]
    assert ex.plan() == {}

    seen = []
    tf.sg_poll_hook = lambda g: seen.append((list(g.nicIdList or []), bool(call(
        acct.zec, "DescribeInstances", instanceIds=[ids["instance"]]).dataSet)))
    spans = ex.destroy(lambda name: None)
    # The group's delete began while the instance was still being released ...
    assert spans["sg"][0] < spans["instance"][1]
    assert seen[0] == ([nic], True)
    # ... and waited: its NIC left nicIdList no later than the instance left DescribeInstances.
    assert seen[-1][0] == []
    assert all(nics == [] for nics, present in seen if not present), seen
    assert len(seen) > 1
    assert acct.snapshot() == before


def test_a_second_destroy_finds_everything_already_gone_and_tolerates_it(tf, acct):
    ex = Example(tf, explicit_group=True)
    ex.apply()
    ex.destroy(lambda name: None)
    ids = ex.ids
    # A stale state: the deletes the provider tolerates "not found" on.
    assert tf.vpc_delete(ids["vpc"]) in ("OPERATION_FAILED_RESOURCE_NOT_FOUND",
                                         "INVALID_VPC_NOT_FOUND")
    assert tf.run(tf.subnet_delete(ids["subnet"])) == "OPERATION_FAILED_RESOURCE_NOT_FOUND"
    assert fails(acct.zec24, "DeleteSecurityGroup", securityGroupId=ids["sg"]).code == \
        "OPERATION_FAILED_RESOURCE_NOT_FOUND"
    assert fails(acct.zec24, "ReleaseInstances", instanceIds=[ids["instance"]]).code == \
        "INVALID_INSTANCE_NOT_FOUND"

def test_the_example_survives_kill_9_and_a_restart_exactly(start_zecd, tmp_path):
    """Issue 11 "Tests": kill -9 loses nothing that was acknowledged (on either backend)."""
    server = start_zecd(data_dir=tmp_path / "data", transition="",
                        extra_args=["--clock", "manual"])
    acct = new_account(server, "durable")
    tf = Terraform(acct)
    ex = Example(tf, explicit_group=True)
    ex.apply()
    tf.rules_apply(ex.ids["sg"], [Rule("ingress", "accept", "0.0.0.0/0", "22", "tcp",
                                       desc="ssh")])
    tf.key_update(ex.ids["key"], "kept across a crash")
    before = acct.snapshot()
    server.kill()
    again = start_zecd(data_dir=tmp_path / "data", transition="",
                       extra_args=["--clock", "manual"])
    same = account_of(again, acct.name, acct.key)
    assert same.snapshot() == before
    # And it still works: the destroy goes through on the restarted server.
    ex.tf = Terraform(same)
    ex.destroy(lambda name: None)
    assert call(same.zec, "DescribeVpcs", vpcIds=[ex.ids["vpc"]]).dataSet == []
