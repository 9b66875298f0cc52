"""The catalog lookups (DescribeZones, DescribeZoneInstanceConfigInfos, DescribeImages,
DescribeVpcs, DescribeSubnets, DescribeSecurityGroups) give a client everything
CreateZecInstances needs (issue 2 item 6), with the fields the SDK's models name."""

import pytest

from conftest import (
    IMAGE,
    INSTANCE_TYPE,
    REGION,
    SUBNET,
    VERSIONS,
    ZONE,
    sdk_call,
    sdk_error,
    wait_for_status,
)


@pytest.fixture(params=VERSIONS)
def client(request, zecd):
    return zecd.client(version=request.param)


def test_describe_zones_lists_the_zones_with_their_regions(client):
    zones = sdk_call(client, "DescribeZones").zoneSet
    by_id = {z.zoneId: z for z in zones}
    assert ZONE in by_id
    assert by_id[ZONE].regionId == REGION
    assert by_id[ZONE].zoneName
    for z in zones:
        assert z.zoneId.startswith(z.regionId)


def test_describe_zones_at_2025_has_the_location_fields(zecd):
    [z] = sdk_call(zecd.client(), "DescribeZones", zoneIds=[ZONE]).zoneSet
    assert z.zoneId == ZONE
    assert z.timeZone and z.cityName and z.cityCode and z.countryCode and z.countryName
    assert z.supportSecurityGroup in (True, False)
    assert z.supportHaVip in (True, False)


def test_describe_zones_filters_by_zone_ids(client):
    assert [z.zoneId for z in sdk_call(client, "DescribeZones", zoneIds=[ZONE]).zoneSet] == [ZONE]
    assert sdk_call(client, "DescribeZones", zoneIds=["nowhere-1a"]).zoneSet == []


def test_describe_zone_instance_config_infos_lists_the_types_of_a_zone(client):
    items = sdk_call(client, "DescribeZoneInstanceConfigInfos",
                     zoneId=ZONE).instanceTypeQuotaSet
    assert items and {i.zoneId for i in items} == {ZONE}
    by_type = {i.instanceType: i for i in items}
    t = by_type[INSTANCE_TYPE]
    assert t.cpuCount == 1 and t.memory == 2
    assert t.withStock is True
    assert t.instanceTypeName
    assert isinstance(t.internetMaxBandwidthOutLimit, int)
    assert isinstance(t.internetChargeTypes, list)


def test_describe_zone_instance_config_infos_filters_by_instance_type(client):
    items = sdk_call(client, "DescribeZoneInstanceConfigInfos",
                     instanceType=INSTANCE_TYPE).instanceTypeQuotaSet
    assert items and {i.instanceType for i in items} == {INSTANCE_TYPE}
    assert ZONE in {i.zoneId for i in items}


def test_describe_zone_instance_config_infos_of_an_unknown_zone_is_not_found(client):
    e = sdk_error(client, "DescribeZoneInstanceConfigInfos", zoneId="nowhere-1a")
    assert e.code == "INVALID_ZONE_NOT_FOUND"


def test_describe_images_lists_the_images_of_a_zone(client):
    resp = sdk_call(client, "DescribeImages", zoneId=ZONE)
    by_id = {i.imageId: i for i in resp.dataSet}
    assert IMAGE in by_id
    assert resp.totalCount >= len(resp.dataSet)
    img = by_id[IMAGE]
    assert img.imageName and img.osType == "linux" and img.category
    assert img.imageType == "PUBLIC_IMAGE"
    assert img.imageStatus == "AVAILABLE"
    assert isinstance(img.imageSize, str)


def test_describe_images_filters_and_pages(client):
    assert [i.imageId for i in sdk_call(client, "DescribeImages", zoneId=ZONE,
                                        imageIds=[IMAGE]).dataSet] == [IMAGE]
    ubuntu = sdk_call(client, "DescribeImages", zoneId=ZONE, imageName="ubuntu").dataSet
    assert ubuntu and all("ubuntu" in i.imageName.lower() for i in ubuntu)
    one = sdk_call(client, "DescribeImages", zoneId=ZONE, pageSize=1)
    assert len(one.dataSet) == 1 and one.totalCount >= 1


def test_describe_images_needs_a_zone(client):
    e = sdk_error(client, "DescribeImages")
    assert e.code == "MISSING_PARAMETER" and "zoneId" in e.message


def test_describe_vpcs_lists_the_default_vpc(client):
    resp = sdk_call(client, "DescribeVpcs")
    assert resp.totalCount == len(resp.dataSet) >= 1
    default = [v for v in resp.dataSet if v.isDefault]
    assert len(default) == 1
    v = default[0]
    assert v.vpcId and v.cidrBlock and v.securityGroupId
    assert v.resourceGroup.resourceGroupId


def test_describe_subnets_lists_a_default_subnet_for_the_region(client):
    resp = sdk_call(client, "DescribeSubnets", regionId=REGION)
    assert resp.dataSet and {s.regionId for s in resp.dataSet} == {REGION}
    assert SUBNET in {s.subnetId for s in resp.dataSet}
    s = next(s for s in resp.dataSet if s.subnetId == SUBNET)
    assert s.cidrBlock and s.vpcId and s.stackType


def test_describe_security_groups_lists_the_default_group(client):
    resp = sdk_call(client, "DescribeSecurityGroups")
    assert resp.totalCount == len(resp.dataSet) >= 1
    assert [g for g in resp.dataSet if g.isDefault]
    for g in resp.dataSet:
        assert g.securityGroupId and g.securityGroupName
        assert isinstance(g.vpcIds, list)


def test_the_lookups_give_everything_create_zec_instances_needs(client):
    """A client that knows nothing but the zone's name finds the rest and creates an instance."""
    zone = next(z for z in sdk_call(client, "DescribeZones").zoneSet if z.zoneId == ZONE)
    itype = next(t for t in sdk_call(client, "DescribeZoneInstanceConfigInfos",
                                     zoneId=zone.zoneId).instanceTypeQuotaSet if t.withStock)
    image = next(i for i in sdk_call(client, "DescribeImages", zoneId=zone.zoneId,
                                     osType="linux").dataSet)
    vpc = next(v for v in sdk_call(client, "DescribeVpcs").dataSet if v.isDefault)
    subnet = next(s for s in sdk_call(client, "DescribeSubnets", regionId=zone.regionId).dataSet
                  if s.vpcId == vpc.vpcId)
    group = next(g for g in sdk_call(client, "DescribeSecurityGroups").dataSet if g.isDefault)

    resp = sdk_call(client, "CreateZecInstances", zoneId=zone.zoneId, imageId=image.imageId,
                    instanceType=itype.instanceType, subnetId=subnet.subnetId,
                    password="Passw0rd!", instanceCount=1, instanceName="from-lookups")
    [iid] = resp.instanceIdSet
    wait_for_status(client, [iid], "RUNNING", timeout=60)
    info = sdk_call(client, "DescribeInstances", instanceIds=[iid]).dataSet[0]
    assert info.zoneId == zone.zoneId
    assert info.imageId == image.imageId
    assert info.instanceType == itype.instanceType
    assert info.cpu == itype.cpuCount and info.memory == itype.memory
    assert info.subnetId == subnet.subnetId
    assert info.nics[0].vpcId == vpc.vpcId
    assert info.nics[0].regionId == zone.regionId
    if client.models.__name__.endswith("v20250901.models"):
        # Without a securityGroupId the instance joins its VPC's security group.
        assert info.securityGroupId == vpc.securityGroupId
        assert info.nics[0].securityGroupId == info.securityGroupId
        assert group.securityGroupId


CUSTOM_CATALOG = """
[[regions]]
id = "test-north-1"
name = "Testville"
public_ipv4_pool = "198.51.100.0/24"

[[zones]]
id = "test-north-1a"
region = "test-north-1"
name = "Testville A"
city = "Testville"
city_code = "TST"
country_code = "TS"
country = "Testland"
time_zone = "UTC"
instance_types = ["t1.cpu.3"]

[[instance_types]]
id = "t1.cpu.3"
name = "Test 3 vCPU 5 GiB"
cpu = 3
memory = 5
frequency = "1.0GHz"
bps = 1000
pps = 10
max_bandwidth_out = 100
internet_charge_types = ["ByBandwidth"]

[[images]]
id = "testos1_20250101"
name = "Test OS 1"
category = "OTHERS"
os_type = "linux"
version = "1"
size = 10
min_disk_size = 10

[[vpcs]]
id = "9000000000000000001"
name = "Test VPC"
cidr = "172.16.0.0/12"
mtu = 1500
is_default = true
security_group = "9000000000000000002"

[[subnets]]
id = "9000000000000000003"
vpc = "9000000000000000001"
region = "test-north-1"
name = "Test Subnet"
cidr = "172.20.0.0/16"
is_default = true

[[security_groups]]
id = "9000000000000000002"
name = "Test Security Group"
is_default = true
"""


def test_a_catalog_from_a_toml_file_replaces_the_built_in_one(start_zecd, tmp_path):
    path = tmp_path / "catalog.toml"
    path.write_text(CUSTOM_CATALOG)
    server = start_zecd(extra_env={"ZECD_CATALOG": str(path)})
    client = server.client()
    assert [z.zoneId for z in sdk_call(client, "DescribeZones").zoneSet] == ["test-north-1a"]
    [t] = sdk_call(client, "DescribeZoneInstanceConfigInfos").instanceTypeQuotaSet
    assert (t.instanceType, t.cpuCount, t.memory) == ("t1.cpu.3", 3, 5)
    assert [i.imageId for i in sdk_call(client, "DescribeImages",
                                        zoneId="test-north-1a").dataSet] == ["testos1_20250101"]
    assert [s.subnetId for s in sdk_call(client, "DescribeSubnets").dataSet] == \
        ["9000000000000000003"]
    # The built-in entries are gone ...
    assert sdk_error(client, "CreateZecInstances", zoneId=ZONE, imageId=IMAGE,
                     instanceType=INSTANCE_TYPE, subnetId=SUBNET, password="Passw0rd!"
                     ).code == "INVALID_ZONE_NOT_FOUND"
    # ... and the file's are what instances are made of.
    resp = sdk_call(client, "CreateZecInstances", zoneId="test-north-1a",
                    imageId="testos1_20250101", instanceType="t1.cpu.3",
                    subnetId="9000000000000000003", password="Passw0rd!")
    [iid] = resp.instanceIdSet
    info = sdk_call(client, "DescribeInstances", instanceIds=[iid]).dataSet[0]
    assert (info.zoneId, info.cpu, info.memory) == ("test-north-1a", 3, 5)
    assert info.privateIpAddresses[0].startswith("172.20.")
