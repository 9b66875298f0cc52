"""CreateZecInstances and what follows: instances are created DEPLOYING and are *observed*
turning RUNNING (issue 2 item 6), and DescribeInstances shows them as full InstanceInfo objects
of spec §5 that the SDK exposes as attributes."""

import ipaddress
import re

import pytest

from conftest import (
    IMAGE,
    INSTANCE_TYPE,
    REGION,
    SUBNET,
    V2024,
    V2025,
    VERSIONS,
    ZONE,
    create_instances,
    sdk_call,
    sdk_error,
    wait_for_status,
)

API_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def describe_one(client, instance_id):
    resp = sdk_call(client, "DescribeInstances", instanceIds=[instance_id])
    assert resp.totalCount == 1 and len(resp.dataSet) == 1, resp
    return resp.dataSet[0]


@pytest.mark.parametrize("version", VERSIONS)
def test_created_instances_are_seen_deploying_first_and_running_later(zecd, version):
    client = zecd.client(version=version)
    ids = create_instances(client, 3)
    history = wait_for_status(client, ids, "RUNNING", timeout=60)
    first, last = history[0], history[-1]
    assert first == {i: "DEPLOYING" for i in ids}, history
    assert last == {i: "RUNNING" for i in ids}
    for seen in history:
        assert set(seen) == set(ids)
        assert set(seen.values()) <= {"DEPLOYING", "RUNNING"}, history
    # Once RUNNING, an instance never goes back to DEPLOYING.
    for i in ids:
        trail = [seen[i] for seen in history]
        assert trail == sorted(trail, key=["DEPLOYING", "RUNNING"].index), trail


def test_describe_instances_shows_the_same_transition(zecd):
    client = zecd.client()
    [iid] = create_instances(client, 1)
    assert describe_one(client, iid).status == "DEPLOYING"
    wait_for_status(client, [iid], "RUNNING", timeout=60)
    assert describe_one(client, iid).status == "RUNNING"


def test_the_create_response_has_an_order_number_and_the_instance_ids(zecd):
    client = zecd.client()
    resp = sdk_call(client, "CreateZecInstances", zoneId=ZONE, imageId=IMAGE,
                    instanceType=INSTANCE_TYPE, subnetId=SUBNET, password="Passw0rd!",
                    instanceCount=2)
    assert resp.requestId
    assert resp.orderNumber
    assert len(resp.instanceIdSet) == 2 and len(set(resp.instanceIdSet)) == 2
    assert all(isinstance(i, str) and i for i in resp.instanceIdSet)
    # Without data disks there are no disk ids to report.
    assert resp.instances == []
    total = sdk_call(client, "DescribeInstancesStatus", instanceIds=resp.instanceIdSet)
    assert {s.instanceId for s in total.dataSet} == set(resp.instanceIdSet)


def test_describe_instances_returns_a_full_instance_info(zecd):
    client = zecd.client()
    [iid] = create_instances(client, 1, instanceName="full-info-1")
    wait_for_status(client, [iid], "RUNNING", timeout=60)
    subnet = sdk_call(client, "DescribeSubnets", subnetIds=[SUBNET]).dataSet[0]
    i = describe_one(client, iid)

    assert i.instanceId == iid
    assert i.instanceName == "full-info-1"
    assert i.zoneId == ZONE
    assert i.instanceType == INSTANCE_TYPE
    assert i.cpu == 1 and i.memory == 2
    assert i.imageId == IMAGE and i.imageName
    assert i.timeZone
    assert i.nicNetworkType in {"Auto", "FailOver", "VirtioOnly", "VfOnly"}
    assert i.status == "RUNNING"

    assert i.systemDisk.diskId
    assert isinstance(i.systemDisk.diskSize, int) and i.systemDisk.diskSize >= 20
    assert i.systemDisk.diskCategory in {"Basic NVMe SSD", "Standard NVMe SSD"}
    assert i.systemDisk.burstingEnabled in (True, False)
    assert i.dataDisks == []

    assert i.publicIpAddresses == []
    assert len(i.privateIpAddresses) == 1
    private = ipaddress.ip_address(i.privateIpAddresses[0])
    assert private in ipaddress.ip_network(subnet.cidrBlock)
    assert i.keyId is None
    assert i.subnetId == SUBNET
    assert i.securityGroupId
    assert i.enableAgent is True
    assert i.enableAgentMonitor in (True, False)
    assert i.enableIpForward is False
    assert API_TIME.match(i.createTime), i.createTime
    assert i.resourceGroupId and i.resourceGroupName

    assert len(i.nics) == 1
    nic = i.nics[0]
    assert nic.nicType == "Primary"
    assert nic.nicId
    assert nic.instanceId == iid
    assert nic.regionId == REGION
    assert nic.subnetId == SUBNET
    assert nic.vpcId == subnet.vpcId
    assert nic.privateIpList == i.privateIpAddresses
    assert nic.primaryIpv4 == i.privateIpAddresses[0]
    assert nic.publicIpList == []
    assert nic.secondaryIpv4s == []
    assert nic.status
    assert nic.macAddress
    assert nic.securityGroupId == i.securityGroupId
    assert nic.resourceGroup.resourceGroupId == i.resourceGroupId
    assert nic.resourceGroup.resourceGroupName == i.resourceGroupName
    assert nic.tags.tags == []

    assert i.tags.tags == []
    assert i.loadBalancerIds == []
    # Null unless given at creation, as the Terraform provider needs (the SDK then leaves the
    # attribute unset).
    assert getattr(i, "instanceOptions", None) is None


def test_describe_instances_at_the_2024_version_returns_its_instance_info(zecd):
    client = zecd.client(version=V2024)
    [iid] = create_instances(client, 1, instanceName="legacy-1")
    i = describe_one(client, iid)
    assert i.instanceId == iid and i.instanceName == "legacy-1"
    assert i.status in {"DEPLOYING", "RUNNING"}
    assert i.systemDisk.diskId
    assert i.nics[0].nicType == "Primary" and i.nics[0].nicId
    assert i.nics[0].resourceGroup.resourceGroupId == i.resourceGroupId
    assert i.privateIpAddresses == i.nics[0].privateIpList
    # An instance made at one version is the same instance at the other.
    assert describe_one(zecd.client(version=V2025), iid).instanceName == "legacy-1"


def test_every_instance_gets_its_own_private_address_and_ids(zecd):
    client = zecd.client()
    ids = create_instances(client, 5)
    infos = sdk_call(client, "DescribeInstances", instanceIds=ids).dataSet
    assert [i.instanceId for i in infos] == ids
    for attr in (lambda i: i.privateIpAddresses[0], lambda i: i.nics[0].nicId,
                 lambda i: i.systemDisk.diskId, lambda i: i.nics[0].macAddress):
        assert len({attr(i) for i in infos}) == 5


def test_a_name_pattern_numbers_the_instances(zecd):
    client = zecd.client()
    ids = create_instances(client, 3, instanceName="web-[1,3]")
    infos = sdk_call(client, "DescribeInstances", instanceIds=ids).dataSet
    assert {i.instanceId: i.instanceName for i in infos} == dict(
        zip(ids, ["web-001", "web-002", "web-003"]))


def test_a_name_pattern_can_sit_between_text(zecd):
    client = zecd.client()
    ids = create_instances(client, 2, instanceName="db[7,2].prod")
    names = [i.instanceName for i in sdk_call(client, "DescribeInstances",
                                              instanceIds=ids).dataSet]
    assert names == ["db07.prod", "db08.prod"]


def test_tags_given_at_creation_are_returned(zecd):
    client = zecd.client()
    tags = client.models.TagAssociation()
    tag = client.models.Tag()
    tag.key, tag.value = "env", "test"
    tags.tags = [tag]
    [iid] = create_instances(client, 1, tags=tags)
    i = describe_one(client, iid)
    assert [(t.key, t.value) for t in i.tags.tags] == [("env", "test")]


def test_instance_options_given_at_creation_are_returned(zecd):
    client = zecd.client()
    options = client.models.InstanceOptions()
    options.nestedVirtualization = True
    [iid] = create_instances(client, 1, instanceOptions=options)
    assert describe_one(client, iid).instanceOptions.nestedVirtualization is True


def test_a_data_disk_created_with_the_instance_is_reported(zecd):
    client = zecd.client()
    resp = sdk_call(client, "CreateZecInstances", zoneId=ZONE, imageId=IMAGE,
                    instanceType=INSTANCE_TYPE, subnetId=SUBNET, password="Passw0rd!",
                    instanceCount=1, dataDisks=[{"diskSize": 40}])
    [iid] = resp.instanceIdSet
    assert len(resp.instances) == 1
    assert resp.instances[0].instanceId == iid
    assert len(resp.instances[0].diskIdSet) == 1
    i = describe_one(client, iid)
    assert [d.diskId for d in i.dataDisks] == resp.instances[0].diskIdSet
    assert i.dataDisks[0].diskSize == 40


def test_describe_instances_filters_by_status_zone_and_name(zecd):
    client = zecd.client()
    ids = create_instances(client, 2, instanceName="filter-me-[1,1]")
    wait_for_status(client, ids, "RUNNING", timeout=60)

    def found(**fields):
        resp = sdk_call(client, "DescribeInstances", pageSize=1000, **fields)
        return {i.instanceId for i in resp.dataSet}

    assert found(name="filter-me") == set(ids)
    assert set(ids) <= found(status="RUNNING")
    assert set(ids) <= found(zoneId=ZONE)
    assert found(zoneId="na-west-1a") & set(ids) == set()
    assert found(status="STOPPED") & set(ids) == set()


def test_describe_instances_pages_like_describe_instances_status(zecd):
    client = zecd.client()
    create_instances(client, 3)
    status = sdk_call(client, "DescribeInstancesStatus", pageSize=1000)
    full = sdk_call(client, "DescribeInstances", pageSize=1000)
    assert full.totalCount == status.totalCount
    assert [i.instanceId for i in full.dataSet] == [s.instanceId for s in status.dataSet]
    first = sdk_call(client, "DescribeInstances")
    assert [i.instanceId for i in first.dataSet] == [s.instanceId for s in status.dataSet][:20]
    assert first.totalCount == status.totalCount


@pytest.mark.parametrize("fields,code", [
    ({"pageSize": 0}, "INVALID_PARAMETER_LESS_MINIMUM"),
    ({"pageSize": 1001}, "INVALID_PARAMETER_EXCEED_MAXIMUM"),
    ({"pageNum": 0}, "INVALID_PARAMETER_LESS_MINIMUM"),
    ({"instanceIds": [str(10 ** 17 + i) for i in range(101)]}, "INVALID_PARAMETER_EXCEED_LENGTH"),
    ({"status": "SLEEPING"}, "INVALID_PARAMETER_VALUE"),
])
def test_describe_instances_checks_its_limits(zecd, fields, code):
    assert sdk_error(zecd.client(), "DescribeInstances", **fields).code == code


def test_describe_instances_filters_by_image_type_and_tags(zecd):
    client = zecd.client()
    tags = client.models.TagAssociation()
    tag = client.models.Tag()
    tag.key, tag.value = "team", "blue"
    tags.tags = [tag]
    [tagged] = create_instances(client, 1, instanceType="z2a.cpu.2", imageId="debian12_20251225",
                                tags=tags)

    def found(**fields):
        resp = sdk_call(client, "DescribeInstances", pageSize=1000, **fields)
        return {i.instanceId for i in resp.dataSet}

    assert tagged in found(instanceType="z2a.cpu.2")
    assert tagged not in found(instanceType=INSTANCE_TYPE)
    assert tagged in found(imageId="debian12_20251225")
    assert tagged not in found(imageId=IMAGE)
    assert found(tagKeys=["team"]) == {tagged}
    filter_tag = client.models.Tag()
    filter_tag.key, filter_tag.value = "team", "blue"
    assert found(tags=[filter_tag]) == {tagged}
    filter_tag.value = "red"
    assert found(tags=[filter_tag]) == set()
