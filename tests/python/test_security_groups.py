"""Security groups, their rules and their VPC binding (issue 11, spec zec-resources.md §3, §4,
§5, §0, §16), through the official Python SDK: the provider's zenlayercloud_zec_security_group,
zenlayercloud_zec_security_group_rule_set and zenlayercloud_zec_vpc_security_group_attachment
replayed call for call (versions, fields sent and omitted, reads right after writes, the delete
pre-wait on nicIdList / natIdList, not-found tolerance), rules stored and echoed verbatim and
validated (protocol, ports, CIDR, direction, policy, priority, duplicates), ``nicIdList`` and
``vpcIds`` exact at every moment, the refusals of §16 with nothing changed, DescribeSecurityGroups'
ids, filters and paging, isolation and read-only credentials.

Assumptions where the spec says UNKNOWN (the tests pin them):
* Refusals without a vendor code (a bad rule, a duplicate rule, a group bound to a VPC or used
  by a NIC, the catalog's groups) only need a 4xx with a code Terraform does not retry
  (netkit.refused), and change nothing. The issue requires DeleteSecurityGroup to refuse a group
  still bound to NICs or to a VPC (the spec leaves it open).
* A new group's default rules are not asserted; its ``ingressRuleList`` is a list, never null.
* Ports: the provider's doc forms ("80", "80-90", "80,90", "-1") and the CLI's ("1/200",
  "-1/-1") are accepted and echoed verbatim; "0", "65536", reversed ranges and words are
  refused. Protocols are case sensitive (CLI). ``gre``, ``icmpv6`` and policy ``deny`` (which the
  provider allows, the CLI does not document) may be accepted — then echoed verbatim — or
  refused cleanly.
* "Duplicate" means the same rule, field for field, twice in one direction; the same rule once
  per direction is fine.
* UnAssignSecurityGroupVpc leaves ``VpcInfo.securityGroupId`` null (what the provider needs to
  see the binding gone), and the group's ``vpcIds`` without the VPC.
* A NIC created in a VPC with a bound group and no explicit group gets the VPC's group (GO/CLI).
* The catalog's shared groups list, in ``nicIdList``, only the caller's NICs.
"""

from __future__ import annotations

import pytest

from conftest import IMAGE, INSTANCE_TYPE, PASSWORD, ZONE, create_instances
from netkit import (
    CATALOG_SG,
    CATALOG_SUBNET,
    CATALOG_WEB_SG,
    UNAUTHORIZED,
    answer,
    call,
    check_time,
    every_page,
    fails,
    listing,
    new_account,
    refused,
    rule,
    scoped,
    terraform_list,
)
from tfnet import Rule, SubnetConfig, Terraform, VpcConfig

NOWHERE = "1000001"


@pytest.fixture(scope="module")
def server(manual_zecd):
    return manual_zecd


@pytest.fixture
def acct(server):
    return new_account(server, "sg")


@pytest.fixture
def tf(acct):
    return Terraform(acct)


@pytest.fixture
def network(tf) -> tuple[str, str]:
    """(VPC, subnet) made the provider's way: 172.16.0.0/16, 172.16.1.0/24 in asia-east-1."""
    vpc = tf.vpc_create(VpcConfig(cidr_block="172.16.0.0/16", name="sg-vpc"))[0]
    return vpc, tf.subnet_create(SubnetConfig(vpc_id=vpc, cidr_block="172.16.1.0/24"))[0]


def group(acct, sg: str):
    [g] = call(acct.zec, "DescribeSecurityGroups", securityGroupIds=[sg]).dataSet
    return g


def nics_of(acct, sg: str) -> set[str]:
    return set(group(acct, sg).nicIdList or [])


def primary_nic(acct, iid: str) -> str:
    [info] = call(acct.zec, "DescribeInstances", instanceIds=[iid]).dataSet
    return next(n.nicId for n in info.nics if n.nicType == "Primary")


def instance(acct, subnet: str, **fields) -> str:
    [iid] = create_instances(acct.zec, 1, subnetId=subnet, **fields)
    acct.server.advance("3s")
    return iid


def rules_of(acct, sg: str) -> dict:
    return acct.wire("DescribeSecurityGroupRule", {"securityGroupId": sg})


# --------------------------------------------------------------------------------------------
# zenlayercloud_zec_security_group.

def test_create_then_read_gives_back_the_name(tf, acct):
    sg, state = tf.sg_create("tf-sg-1")
    assert tf.calls == [("v2", "CreateSecurityGroup"), ("v2", "DescribeSecurityGroups")]
    assert state == {"name": "tf-sg-1"}
    wire = acct.wire("DescribeSecurityGroups", {"securityGroupIds": [sg]})
    assert wire["totalCount"] == 1
    [g] = wire["dataSet"]
    assert g["isDefault"] is False
    assert not g.get("nicIdList") and not g.get("natIdList") and not g.get("vpcIds"), g
    check_time(g["createTime"])
    # The rule set's Read needs ingressRuleList to be a list, even for a new group.
    assert isinstance(rules_of(acct, sg)["ingressRuleList"], list)


def test_a_rename_goes_through_the_2024_call(tf):
    sg, _ = tf.sg_create("before")
    mark = len(tf.calls)
    assert tf.sg_update(sg, "after") == {"name": "after"}
    assert tf.calls_since(mark) == [("v1", "ModifySecurityGroupsAttribute"),
                                    ("v2", "DescribeSecurityGroups")]


@pytest.mark.parametrize("name", ["", "g" * 65, "my group", "sg_1", "sg/1"])
def test_a_name_outside_the_vendor_rules_is_refused(acct, name):
    # CLI create-security-group: 1 to 64 letters, digits, '-' and '.'.
    before = acct.snapshot()
    refused(acct.zec, "CreateSecurityGroup", securityGroupName=name)
    assert acct.snapshot() == before


def test_names_at_the_limits_are_accepted(tf):
    for name in ("g", "g" * 64, "web.tier-2"):
        assert tf.sg_create(name)[1] == {"name": name}


# --------------------------------------------------------------------------------------------
# zenlayercloud_zec_security_group_rule_set.

RULES = [
    Rule("ingress", "accept", "0.0.0.0/0", "22", "tcp", desc="ssh", priority=1),
    Rule("ingress", "accept", "10.0.0.0/8", "80-90", "tcp", priority=10),
    Rule("ingress", "accept", "192.168.0.0/16", "80,90", "udp", desc="dns-ish"),
    Rule("ingress", "accept", "0.0.0.0/0", "-1", "icmp", priority=100),
    Rule("ingress", "accept", "172.16.5.4/32", "1/200", "tcp"),
    Rule("egress", "accept", "0.0.0.0/0", "-1", "all"),
    Rule("egress", "accept", "0.0.0.0/0", "-1/-1", "icmp", desc="ping out", priority=5),
]


def test_a_rule_set_is_stored_verbatim_and_read_back_as_terraform_hashes_it(tf, acct):
    sg, _ = tf.sg_create("rules")
    mark = len(tf.calls)
    tf.rules_apply(sg, RULES)
    state = tf.rules_read(sg)
    assert tf.calls_since(mark) == [("v2", "ConfigureSecurityGroupRules"),
                                    ("v2", "DescribeSecurityGroupRule")]
    assert Terraform.rules_plan(RULES, state) == (set(), set())
    wire = rules_of(acct, sg)
    assert len(wire["ingressRuleList"]) == 5 and len(wire["egressRuleList"]) == 2
    for r in wire["ingressRuleList"] + wire["egressRuleList"]:
        assert r["direction"] in ("ingress", "egress") and r["priority"] >= 1, r
    # In 2024-04-01 too.
    v1 = call(acct.zec24, "DescribeSecurityGroupRule", securityGroupId=sg)
    assert sorted(r.portRange for r in v1.ingressRuleList) == sorted(
        ["22", "80-90", "80,90", "-1", "1/200"])


def test_an_update_overwrites_the_whole_set(tf):
    sg, _ = tf.sg_create("overwrite")
    tf.rules_apply(sg, RULES)
    new = [RULES[0], Rule("ingress", "accept", "0.0.0.0/0", "443", "tcp", desc="https"),
           Rule("egress", "accept", "10.0.0.0/8", "53", "udp")]
    tf.rules_apply(sg, new)
    assert Terraform.rules_plan(new, tf.rules_read(sg)) == (set(), set())


def test_delete_sends_no_rule_infos_and_clears_every_rule(tf, acct):
    sg, _ = tf.sg_create("cleared")
    tf.rules_apply(sg, RULES)
    tf.rules_delete(sg)
    wire = rules_of(acct, sg)
    assert wire["ingressRuleList"] == [], "the provider reads egress only if ingress is a list"
    assert not wire.get("egressRuleList")
    assert tf.rules_read(sg) == set()


def test_egress_rules_alone_still_come_with_an_ingress_list(tf, acct):
    sg, _ = tf.sg_create("egress-only")
    only = [Rule("egress", "accept", "0.0.0.0/0", "-1", "all")]
    tf.rules_apply(sg, only)
    assert rules_of(acct, sg)["ingressRuleList"] == []
    assert Terraform.rules_plan(only, tf.rules_read(sg)) == (set(), set())


BAD_RULES = {
    "direction": ["inbound", "", "INGRESS"],
    "policy": ["drop", "", "allow"],
    "ip_protocol": ["TCP", "http", "", "6"],
    "port_range": ["0", "65536", "90-80", "200/1", "80-", "http", "1-2-3", ""],
    "cidr_ip": ["10.0.0.0/33", "300.1.1.1/32", "anywhere", "10.0.0.0/8/8"],
    "priority": [101, -1, 1000],
    "desc": ["d" * 256],
}


@pytest.mark.parametrize("field,value", [(f, v) for f, vs in BAD_RULES.items() for v in vs])
def test_a_rule_out_of_range_is_refused_and_the_old_rules_stay(tf, acct, field, value):
    sg, _ = tf.sg_create("strict")
    tf.rules_apply(sg, RULES[:2])
    before = acct.snapshot()
    good = rule("ingress", "accept", "0.0.0.0/0", "443", "tcp")
    fields = dict(direction="ingress", policy="accept", cidr_ip="0.0.0.0/0", port_range="8080",
                  ip_protocol="tcp")
    extra = {}
    if field in ("priority", "desc"):
        extra[field] = value
    else:
        fields[field] = value
    bad = rule(**fields, **extra)
    refused(acct.zec, "ConfigureSecurityGroupRules", securityGroupId=sg, ruleInfos=[good, bad])
    assert acct.snapshot() == before


@pytest.mark.parametrize("candidate", [
    Rule("ingress", "accept", "0.0.0.0/0", "-1", "gre"),
    Rule("ingress", "accept", "::/0", "-1", "icmpv6"),
    Rule("ingress", "deny", "0.0.0.0/0", "22", "tcp"),
])
def test_what_the_provider_allows_beyond_the_cli_is_echoed_or_refused_cleanly(tf, acct,
                                                                            candidate):
    sg, _ = tf.sg_create("beyond")
    before = acct.snapshot()
    try:
        tf.rules_apply(sg, [candidate])
    except Exception:  # noqa: BLE001 - judged below
        code, status = answer(acct.zec, "ConfigureSecurityGroupRules", securityGroupId=sg,
                              ruleInfos=[rule(candidate.direction, candidate.policy,
                                              candidate.cidr_ip, candidate.port_range,
                                              candidate.ip_protocol)])
        assert 400 <= status < 500 and code != "INTERNAL_SERVER_ERROR", (code, status)
        assert acct.snapshot() == before
        return
    assert Terraform.rules_plan([candidate], tf.rules_read(sg)) == (set(), set())


def test_the_same_rule_twice_in_one_direction_is_refused_but_once_per_direction_is_fine(
        tf, acct):
    sg, _ = tf.sg_create("dupes")
    before = acct.snapshot()
    same = [rule("ingress", "accept", "0.0.0.0/0", "22", "tcp")] * 2
    refused(acct.zec, "ConfigureSecurityGroupRules", securityGroupId=sg, ruleInfos=same)
    refused(acct.zec, "CreateSecurityGroup", securityGroupName="dupes2", ruleInfos=same)
    assert acct.snapshot() == before
    both = [Rule("ingress", "accept", "0.0.0.0/0", "22", "tcp"),
            Rule("egress", "accept", "0.0.0.0/0", "22", "tcp")]
    tf.rules_apply(sg, both)
    assert Terraform.rules_plan(both, tf.rules_read(sg)) == (set(), set())


def test_rules_given_at_create_are_stored_like_configured_ones(acct):
    sg = call(acct.zec, "CreateSecurityGroup", securityGroupName="born-with-rules",
              ruleInfos=[rule("ingress", "accept", "0.0.0.0/0", "22", "tcp", desc="ssh")]
              ).securityGroupId
    [r] = call(acct.zec, "DescribeSecurityGroupRule", securityGroupId=sg).ingressRuleList
    assert (r.portRange, r.ipProtocol, r.cidrIp, r.policy, r.desc, r.priority) == (
        "22", "tcp", "0.0.0.0/0", "accept", "ssh", 1)


def test_the_catalog_groups_rules_are_read_only_and_readable_by_everyone(acct, server):
    other = new_account(server, "sgother")
    before = (acct.snapshot(), other.snapshot())
    for sg in (CATALOG_SG, CATALOG_WEB_SG):
        assert isinstance(rules_of(acct, sg)["ingressRuleList"], list)
        refused(acct.zec, "ConfigureSecurityGroupRules", securityGroupId=sg,
                ruleInfos=[rule(port_range="8443")])
        refused(acct.zec, "ConfigureSecurityGroupRules", securityGroupId=sg)
        refused(acct.zec24, "ModifySecurityGroupsAttribute", securityGroupIds=[sg],
                securityGroupName="mine")
        refused(acct.zec24, "DeleteSecurityGroup", securityGroupId=sg)
    assert (acct.snapshot(), other.snapshot()) == before


def test_the_rules_of_an_unknown_group_are_a_clean_not_found(acct):
    refused(acct.zec, "DescribeSecurityGroupRule", securityGroupId=NOWHERE)
    refused(acct.zec, "ConfigureSecurityGroupRules", securityGroupId=NOWHERE,
            ruleInfos=[rule()])


# --------------------------------------------------------------------------------------------
# zenlayercloud_zec_vpc_security_group_attachment.

def test_binding_a_group_to_a_vpc_the_providers_way(tf, acct, network):
    vpc, _ = network
    sg, _ = tf.sg_create("bound")
    mark = len(tf.calls)
    assert tf.attachment_create(vpc, sg) == {"vpc_id": vpc, "security_group_id": sg}
    assert tf.calls_since(mark) == [("v2", "AssignSecurityGroupVpc"), ("v2", "DescribeVpcs")]
    assert group(acct, sg).vpcIds == [vpc]


def test_unassign_makes_the_binding_null_and_terraform_sees_it_gone(tf, acct, network):
    vpc, _ = network
    sg, _ = tf.sg_create("unbound")
    tf.attachment_create(vpc, sg)
    tf.attachment_delete(vpc)
    assert tf.attachment_read(vpc) is None
    [v] = acct.wire("DescribeVpcs", {"vpcIds": [vpc]})["dataSet"]
    assert v.get("securityGroupId") is None, v
    assert not group(acct, sg).vpcIds


def test_assign_rebinds_and_leaves_the_groups_of_existing_nics_alone(tf, acct, network):
    vpc, subnet = network
    sg1, _ = tf.sg_create("first")
    sg2, _ = tf.sg_create("second")
    tf.attachment_create(vpc, sg1)
    old = instance(acct, subnet)  # no securityGroupId: the VPC's group
    assert call(acct.zec, "DescribeInstances", instanceIds=[old]).dataSet[0].securityGroupId \
        == sg1
    assert nics_of(acct, sg1) == {primary_nic(acct, old)}
    tf.attachment_create(vpc, sg2)
    assert (group(acct, sg1).vpcIds or []) == [] and group(acct, sg2).vpcIds == [vpc]
    assert call(acct.zec, "DescribeInstances", instanceIds=[old]).dataSet[0].securityGroupId \
        == sg1
    assert nics_of(acct, sg1) == {primary_nic(acct, old)} and nics_of(acct, sg2) == set()
    new = instance(acct, subnet)
    assert call(acct.zec, "DescribeInstances", instanceIds=[new]).dataSet[0].securityGroupId \
        == sg2
    # An explicit group wins over the VPC's.
    explicit = instance(acct, subnet, securityGroupId=sg1)
    assert nics_of(acct, sg1) == {primary_nic(acct, old), primary_nic(acct, explicit)}


def test_binding_to_an_unknown_vpc_or_group_is_refused(tf, acct, network):
    vpc, _ = network
    sg, _ = tf.sg_create("lonely")
    before = acct.snapshot()
    refused(acct.zec, "AssignSecurityGroupVpc", vpcId=NOWHERE, securityGroupId=sg)
    refused(acct.zec, "AssignSecurityGroupVpc", vpcId=vpc, securityGroupId=NOWHERE)
    refused(acct.zec, "AssignSecurityGroupVpc", "MISSING_PARAMETER", vpcId=vpc)
    assert acct.snapshot() == before


# --------------------------------------------------------------------------------------------
# Delete.

def test_delete_prewaits_then_deletes_and_a_second_delete_counts_as_done(tf, acct):
    sg, _ = tf.sg_create("doomed")
    mark = len(tf.calls)
    assert tf.run(tf.sg_delete(sg)) == "deleted"
    assert tf.calls_since(mark) == [("v2", "DescribeSecurityGroups"),
                                    ("v1", "DeleteSecurityGroup")]
    assert tf.sg_read(sg) is None
    wire = acct.wire("DescribeSecurityGroups", {"securityGroupIds": [sg]})
    assert (wire["totalCount"], wire["dataSet"]) == (0, [])
    assert answer(acct.zec24, "DeleteSecurityGroup", securityGroupId=sg) == (
        "OPERATION_FAILED_RESOURCE_NOT_FOUND", 404)


def test_a_group_bound_to_a_vpc_is_not_deleted_until_unbound(tf, acct, network):
    vpc, _ = network
    sg, _ = tf.sg_create("busy")
    tf.attachment_create(vpc, sg)
    before = acct.snapshot()
    refused(acct.zec24, "DeleteSecurityGroup", securityGroupId=sg)
    assert acct.snapshot() == before
    tf.attachment_delete(vpc)
    assert tf.run(tf.sg_delete(sg)) == "deleted"


def test_a_group_on_a_nic_is_deleted_once_the_provider_prewait_sees_the_instance_purged(
        tf, acct, network):
    _, subnet = network
    sg, _ = tf.sg_create("on-a-nic")
    iid = instance(acct, subnet, securityGroupId=sg)
    nic = primary_nic(acct, iid)
    before = acct.snapshot()
    refused(acct.zec24, "DeleteSecurityGroup", securityGroupId=sg)
    assert acct.snapshot() == before
    # Terraform destroys the instance and the group at the same time (nothing orders them
    # here): the group's pre-wait polls until the purge takes the NIC off nicIdList.
    seen = []
    tf.sg_poll_hook = lambda g: seen.append((list(g.nicIdList or []), bool(call(
        acct.zec, "DescribeInstances", instanceIds=[iid]).dataSet)))
    tf.run_parallel([
        ("instance", [], lambda: tf.instance_delete(iid)),
        ("group", [], lambda: tf.sg_delete(sg)),
    ])
    assert seen[0] == ([nic], True), "the NIC of an instance being released is still listed"
    assert seen[-1][0] == []  # (whether a recycled instance's NIC stays listed is open)
    # Once the instance is gone, its NIC is off the list at once.
    assert all(nics == [] for nics, present in seen if not present), seen
    assert call(acct.zec, "DescribeInstances", instanceIds=[iid]).dataSet == []
    assert tf.sg_read(sg) is None


# --------------------------------------------------------------------------------------------
# nicIdList, exact.

def test_nic_id_lists_follow_creates_moves_and_purges(tf, acct, network):
    _, subnet = network
    sg1, _ = tf.sg_create("one")
    sg2, _ = tf.sg_create("two")
    a = instance(acct, subnet, securityGroupId=sg1)
    b = instance(acct, subnet, securityGroupId=sg2)
    na, nb = primary_nic(acct, a), primary_nic(acct, b)
    assert (nics_of(acct, sg1), nics_of(acct, sg2)) == ({na}, {nb})
    call(acct.zec, "ModifyNetworkInterfaceAttribute", nicId=na, securityGroupId=sg2)
    assert (nics_of(acct, sg1), nics_of(acct, sg2)) == (set(), {na, nb})
    call(acct.zec24, "ReleaseInstances", instanceIds=[b])
    acct.server.advance("2s")
    call(acct.zec24, "ReleaseInstances", instanceIds=[b])
    acct.server.advance("2s")
    assert nics_of(acct, sg2) == {na}
    nics = call(acct.zec, "DescribeNetworkInterfaces", securityGroupId=sg2).dataSet
    assert [n.nicId for n in nics] == [na]


def test_a_shared_catalog_group_lists_only_the_callers_nics(acct, server):
    other = new_account(server, "sgother")
    mine = instance(acct, CATALOG_SUBNET)
    theirs = instance(other, CATALOG_SUBNET)
    assert nics_of(acct, CATALOG_SG) == {primary_nic(acct, mine)}
    assert nics_of(other, CATALOG_SG) == {primary_nic(other, theirs)}


# --------------------------------------------------------------------------------------------
# DescribeSecurityGroups.

def make_groups(acct) -> list[str]:
    return [call(acct.zec, "CreateSecurityGroup", securityGroupName=n).securityGroupId
            for n in ("app-front", "app-back", "db", "cache")]


def sg_ids(acct, **filters):
    return listing(acct.zec, "DescribeSecurityGroups", "securityGroupId", **filters)


def test_group_ids_are_exact_and_unknown_ids_find_nothing(acct):
    a, b, c, d = make_groups(acct)
    assert sg_ids(acct, securityGroupIds=[c]) == (1, [c])
    assert sg_ids(acct, securityGroupIds=[d, a]) == (2, [a, d])
    assert sg_ids(acct, securityGroupIds=[a, NOWHERE]) == (1, [a])
    for unknown in ([NOWHERE], ["sg-x"], [str(int(d) + 1)]):
        wire = acct.wire("DescribeSecurityGroups", {"securityGroupIds": unknown})
        assert (wire["totalCount"], wire["dataSet"]) == (0, [])


def test_every_filter_of_describe_security_groups(acct):
    created = make_groups(acct)
    a, b, c, d = created
    assert sg_ids(acct, securityGroupName="app-") == (2, [a, b])
    assert sg_ids(acct, securityGroupName="db", securityGroupIds=created) == (1, [c])
    assert sg_ids(acct, isDefault=True) == (1, [CATALOG_SG])
    total, ids = sg_ids(acct, isDefault=False, pageSize=1000)
    assert [i for i in ids if i in created] == created and CATALOG_SG not in ids
    total, ids = sg_ids(acct, securityGroupName="", pageSize=1000)
    assert [i for i in ids if i in created] == created
    assert {CATALOG_SG, CATALOG_WEB_SG} <= set(ids) and total == len(ids)
    v1 = listing(acct.zec24, "DescribeSecurityGroups", "securityGroupId",
                 securityGroupIds=[b, a])
    assert v1 == (2, [a, b])


def test_describe_security_groups_pages_in_creation_order(acct):
    created = make_groups(acct)
    for size in (1, 3):
        ids = every_page(acct.zec, "DescribeSecurityGroups", "securityGroupId", size)
        assert [i for i in ids if i in created] == created
    assert terraform_list(acct.zec, "DescribeSecurityGroups", "securityGroupId",
                          securityGroupIds=created) == created
    assert answer(acct.zec, "DescribeSecurityGroups", pageSize=1001)[0] == \
        "INVALID_PARAMETER_EXCEED_MAXIMUM"


# --------------------------------------------------------------------------------------------
# Accounts and credentials.

def test_another_accounts_group_answers_as_one_that_never_existed(tf, acct, server):
    sg, _ = tf.sg_create("owned")
    tf.rules_apply(sg, RULES[:1])
    intruder = new_account(server, "intruder")
    itf = Terraform(intruder)
    vpc = itf.vpc_create(VpcConfig(cidr_block="172.16.0.0/16"))[0]
    subnet = itf.subnet_create(SubnetConfig(vpc_id=vpc, cidr_block="172.16.1.0/24"))[0]
    nic = primary_nic(intruder, instance(intruder, subnet))
    before = acct.snapshot()
    assert sg_ids(intruder, securityGroupIds=[sg]) == (0, [])
    assert sg not in sg_ids(intruder, securityGroupName="owned", pageSize=1000)[1]
    attempts = [
        (intruder.zec24, "ModifySecurityGroupsAttribute",
         lambda i: dict(securityGroupIds=[i], securityGroupName="taken")),
        (intruder.zec24, "DeleteSecurityGroup", lambda i: dict(securityGroupId=i)),
        (intruder.zec, "DescribeSecurityGroupRule", lambda i: dict(securityGroupId=i)),
        (intruder.zec, "ConfigureSecurityGroupRules", lambda i: dict(securityGroupId=i)),
        (intruder.zec, "AssignSecurityGroupVpc", lambda i: dict(vpcId=vpc, securityGroupId=i)),
        (intruder.zec, "ModifyNetworkInterfaceAttribute", lambda i: dict(nicId=nic,
                                                                         securityGroupId=i)),
        (intruder.zec, "CreateZecInstances", lambda i: dict(
            zoneId=ZONE, imageId=IMAGE, instanceType=INSTANCE_TYPE, subnetId=subnet,
            password=PASSWORD, instanceCount=1, securityGroupId=i)),
    ]
    for client, action, make in attempts:
        got = fails(client, action, **make(sg))
        got_status = client.last_status
        base = fails(client, action, **make(NOWHERE))
        assert (got.code, got_status) == (base.code, client.last_status), action
        assert 400 <= got_status < 500, (action, got.code)
    assert fails(intruder.zec, "CreateZecInstances", **attempts[-1][2](sg)).code == \
        "INVALID_SECURITY_GROUP_NOT_FOUND"
    assert acct.snapshot() == before


def test_a_read_only_credential_may_describe_groups_but_not_change_them(tf, acct, network):
    vpc, _ = network
    sg, _ = tf.sg_create("ro")
    before = acct.snapshot()
    ro = scoped(acct, read_only=True)
    assert sg_ids(ro, securityGroupIds=[sg]) == (1, [sg])
    assert isinstance(call(ro.zec, "DescribeSecurityGroupRule", securityGroupId=sg
                           ).ingressRuleList, list)
    for client, action, fields in [
        (ro.zec, "CreateSecurityGroup", dict(securityGroupName="ro2")),
        (ro.zec24, "ModifySecurityGroupsAttribute", dict(securityGroupIds=[sg],
                                                         securityGroupName="x")),
        (ro.zec24, "DeleteSecurityGroup", dict(securityGroupId=sg)),
        (ro.zec, "ConfigureSecurityGroupRules", dict(securityGroupId=sg, ruleInfos=[rule()])),
        (ro.zec, "AssignSecurityGroupVpc", dict(vpcId=vpc, securityGroupId=sg)),
    ]:
        assert answer(client, action, **fields) == UNAUTHORIZED, action
    assert acct.snapshot() == before

