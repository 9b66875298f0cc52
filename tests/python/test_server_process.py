"""The zecd process (issue 2 items 1 and 4): it logs where it listens, takes its flags from
ZECD_* environment variables too, stops gracefully on SIGTERM, keeps every committed write
across a restart and a kill -9, and makes (and prints once) a first key when none exists."""

import json
import re
import signal

import pytest

from conftest import (
    ON_POSTGRES,
    create_instances,
    sdk_call,
    sdk_error,
    wait_for_status,
    wait_until,
)


def listing(client):
    resp = sdk_call(client, "DescribeInstancesStatus", pageSize=1000)
    return [s.instanceId for s in resp.dataSet]


def test_sigterm_stops_the_server_gracefully(fresh_zecd):
    assert sdk_call(fresh_zecd.client(), "DescribeInstancesStatus").requestId
    assert fresh_zecd.stop() == 0, fresh_zecd.log
    assert "zecd stopped" in fresh_zecd.log


def test_sigint_stops_the_server_gracefully(start_zecd):
    server = start_zecd()
    assert sdk_call(server.client(), "DescribeInstancesStatus").requestId
    server.process.send_signal(signal.SIGINT)
    assert server.process.wait(15) == 0, server.log


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_sent_as_soon_as_the_listening_line_appears_still_stops_gracefully(
        start_zecd, tmp_path, sig):
    # A supervisor may stop zecd the moment it announces itself. The race is narrow, so try
    # it a number of times.
    exits = []
    for attempt in range(20):
        server = start_zecd(tmp_path / f"data-{attempt}")
        server.process.send_signal(sig)
        exits.append(server.process.wait(15))
    assert exits == [0] * len(exits), f"exit statuses: {exits}"


def test_instances_survive_a_restart_in_order(start_zecd, tmp_path):
    data = tmp_path / "data"
    server = start_zecd(data)
    ids = create_instances(server.client(), 4) + create_instances(server.client(), 2)
    wait_for_status(server.client(), ids, "RUNNING")
    assert server.stop() == 0

    again = start_zecd(data)
    assert listing(again.client()) == ids
    assert set(wait_for_status(again.client(), ids, "RUNNING")[-1].values()) == {"RUNNING"}


def test_a_committed_create_survives_kill_9(start_zecd, tmp_path):
    data = tmp_path / "data"
    server = start_zecd(data)
    ids = create_instances(server.client(), 3)
    server.kill()

    again = start_zecd(data)
    assert listing(again.client()) == ids
    # Their deployment finishes after the restart.
    wait_for_status(again.client(), ids, "RUNNING")


def test_an_instance_deploying_at_shutdown_becomes_running_after_a_restart(start_zecd, tmp_path):
    data = tmp_path / "data"
    server = start_zecd(data, transition="deploy=3s")
    ids = create_instances(server.client(), 2)
    assert server.stop() == 0

    again = start_zecd(data)
    history = wait_for_status(again.client(), ids, "RUNNING")
    assert set(history[-1].values()) == {"RUNNING"}


def test_flags_can_come_from_zecd_environment_variables(start_zecd, tmp_path):
    server = start_zecd(tmp_path / "env-data", use_flags=False)
    ids = create_instances(server.client(), 1)
    history = wait_for_status(server.client(), ids, "RUNNING")
    assert history[0][ids[0]] == "DEPLOYING"
    if not ON_POSTGRES:
        assert (tmp_path / "env-data").is_dir() and any((tmp_path / "env-data").iterdir())


def test_a_first_start_without_any_key_creates_one_and_prints_it_once(start_zecd, tmp_path):
    data = tmp_path / "data"
    server = start_zecd(data, key_id=None, password=None)

    def printed():
        text = server.log
        key = re.search(r"ZENLAYERCLOUD_ACCESS_KEY_ID=(\S+)", text)
        secret = re.search(r"ZENLAYERCLOUD_ACCESS_KEY_PASSWORD=(\S+)", text)
        return key and secret and (key.group(1), secret.group(1))

    key_id, password = wait_until(printed, timeout=5, message="the first key to be printed")
    assert sdk_call(server.client(key_id=key_id, password=password),
                    "DescribeInstancesStatus").requestId
    assert server.stop() == 0

    again = start_zecd(data, key_id=None, password=None)
    assert sdk_call(again.client(key_id=key_id, password=password),
                    "DescribeInstancesStatus").requestId
    assert password not in again.log
    assert "ZENLAYERCLOUD_ACCESS_KEY_PASSWORD" not in again.log


def test_the_root_key_from_the_environment_is_made_current_at_every_start(start_zecd, tmp_path):
    data = tmp_path / "data"
    first = start_zecd(data, key_id="ROOTKEYFROMENV00000000001", password="first-password-1")
    assert sdk_call(first.client(), "DescribeInstancesStatus").requestId
    assert first.stop() == 0

    second = start_zecd(data, key_id="ROOTKEYFROMENV00000000001", password="second-password-2")
    assert sdk_call(second.client(), "DescribeInstancesStatus").requestId
    old = second.client(password="first-password-1")
    assert sdk_error(old, "DescribeInstancesStatus").code == "AUTHFAILURE_SIGNATURE_FAILURE"


def test_the_body_limit_can_be_set_through_the_environment(start_zecd):
    server = start_zecd(extra_env={"ZECD_MAX_BODY_BYTES": "100"})
    fits = b"{}" + b" " * 98
    assert server.raw(body=fits).status == 200
    r = server.raw(body=fits + b" ")
    assert r.status == 400 and r.json["code"] == "INVALID_PARAMETER_EXCEED_LENGTH"


def test_json_logs_are_one_json_object_per_line(start_zecd):
    server = start_zecd(extra_env={"ZECD_LOG_FORMAT": "json"})
    sdk_call(server.client(), "DescribeInstancesStatus")
    assert server.stop() == 0
    lines = [line for line in server.log_lines if line.strip()]
    assert len(lines) >= 2
    for line in lines:
        json.loads(line)
