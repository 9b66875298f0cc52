"""An example test module for code that uses the official Zenlayer SDK, run against a local
zecd through the zecd pytest plugin: nothing here knows where zecd runs or how it is signed.

    pip install zecd[sdk] pytest
    pytest --zecd-clock manual test_example.py
"""

import time

import pytest
from zenlayercloud.common.excpetion.zenlayer_cloud_sdk_exception import (
    ZenlayerCloudSdkException,
)
from zenlayercloud.zec.v20250901 import models


# ---- the code under test: what an application would do with the SDK ----

def launch(client, count=1, name="web"):
    req = models.CreateZecInstancesRequest()
    req.zoneId = "asia-east-1a"
    req.imageId = "ubuntu2404_20240712"
    req.instanceType = "z2a.cpu.1"
    req.subnetId = "1272168087751233112"      # the catalog's shared subnet in asia-east-1
    req.password = "Passw0rd!"
    req.instanceCount = count
    req.instanceName = name
    return client.CreateZecInstances(req).instanceIdSet


def statuses(client, ids):
    req = models.DescribeInstancesStatusRequest()
    req.instanceIds = ids
    return {i.instanceId: i.instanceStatus for i in client.DescribeInstancesStatus(req).dataSet}


def stop(client, ids):
    req = models.StopInstancesRequest()
    req.instanceIds = ids
    client.StopInstances(req)


def wait_for(client, ids, status, advance=None, timeout=30):
    """Polls as an application would; on the manual clock, moves it instead of sleeping."""
    deadline = time.monotonic() + timeout
    while set(statuses(client, ids).values()) != {status}:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{ids} never became {status}: {statuses(client, ids)}")
        if advance:
            advance("1s")
        else:
            time.sleep(0.1)


# ---- the tests ----

def test_create_wait_and_stop(zec_client, zecd_admin):
    ids = launch(zec_client, 2)
    assert set(statuses(zec_client, ids).values()) == {"DEPLOYING"}
    advance = zecd_admin.advance if zecd_admin.clock()["mode"] == "manual" else None
    wait_for(zec_client, ids, "RUNNING", advance)
    stop(zec_client, ids[:1])
    wait_for(zec_client, ids[:1], "STOPPED", advance)
    assert statuses(zec_client, ids)[ids[1]] == "RUNNING"


def test_each_test_has_an_account_of_its_own(zec_client, zecd_admin, zecd_account):
    # Whatever other tests made is not here (--zecd-isolation=account, the default).
    assert statuses(zec_client, []) == {}
    [mine] = [a for a in zecd_admin.accounts() if a["name"] == zecd_account.account]
    assert [k["accessKeyId"] for k in mine["accessKeys"]] == [zecd_account.access_key_id]


@pytest.mark.zecd(clock="manual", transitions={"deploy": "5s"})
def test_the_manual_clock_moves_only_when_told(zec_client, zecd_admin):
    [iid] = launch(zec_client)
    zecd_admin.advance("4999ms")
    assert statuses(zec_client, [iid]) == {iid: "DEPLOYING"}
    zecd_admin.advance("1ms")
    assert statuses(zec_client, [iid]) == {iid: "RUNNING"}


@pytest.mark.zecd(clock="manual", faults={"failures": [{"phase": "deploy", "count": 1}]})
def test_a_failed_deployment_is_handled(zec_client, zecd_admin):
    [bad, good] = launch(zec_client, 2)
    zecd_admin.advance("1h")
    assert statuses(zec_client, [bad, good]) == {bad: "CREATE_FAILED", good: "RUNNING"}


@pytest.mark.zecd(faults={"errors": [{"action": "StopInstances", "code": "INTERNAL_SERVER_ERROR"}]})
def test_an_api_error_reaches_the_code(zec_client):
    ids = launch(zec_client)
    with pytest.raises(ZenlayerCloudSdkException) as e:
        stop(zec_client, ids)
    assert e.value.code == "INTERNAL_SERVER_ERROR"


def test_state_can_be_saved_and_restored(zec_client, zecd_admin, zecd_account):
    [keep] = launch(zec_client, name="keep")
    saved = zecd_admin.export_state(zecd_account.account)
    launch(zec_client, name="scratch")
    zecd_admin.import_state(saved)
    assert list(statuses(zec_client, [])) == [keep]
    zecd_admin.reset_account(zecd_account.account)
    assert statuses(zec_client, []) == {}
