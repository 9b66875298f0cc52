"""Durability of the lifecycle (issue 3 item 5): kill -9 zecd while instances are in
transition; after a restart on the same data directory they are still in transition and
finish exactly when their deadline comes, neither at once nor never. With the manual clock
the deadlines are checked to the millisecond; with the system clock, in real time."""

from __future__ import annotations

import time

from conftest import (
    DEFAULT_PHASE_MS,
    IMAGE,
    PASSWORD,
    create_instances,
    sdk_call,
    statuses,
    wait_until,
)

MANUAL = ["--clock", "manual"]


def ms(n: int) -> str:
    return f"{n}ms"


def test_transitions_survive_kill_9_and_finish_on_time_with_the_manual_clock(
        start_zecd, tmp_path):
    data = tmp_path / "data"
    server = start_zecd(data, transition="", extra_args=MANUAL)
    client = server.client()
    # t = 0: five instances; one of them will be stopped, one rebooted, one reinstalled, one
    # released, one left running.
    stopping, rebooting, rebuilding, releasing, booting = create_instances(client, 5)
    server.advance(ms(DEFAULT_PHASE_MS["deploy"]))
    sdk_call(client, "StopInstances", instanceIds=[rebuilding, booting])
    server.advance(ms(DEFAULT_PHASE_MS["stop"]))
    t0 = server.clock()["nowMillis"]

    sdk_call(client, "StopInstances", instanceIds=[stopping])            # due t0 + 2 s
    sdk_call(client, "ResetInstance", instanceId=rebuilding, imageId=IMAGE,
             password=PASSWORD)                                          # due t0 + 4 s
    server.advance("1s")
    sdk_call(client, "RebootInstances", instanceIds=[rebooting])         # due t0 + 3 s
    sdk_call(client, "ReleaseInstances", instanceIds=[releasing])        # due t0 + 3 s
    sdk_call(client, "StartInstances", instanceIds=[booting])            # due t0 + 3 s
    deploying = create_instances(client, 1)[0]                           # due t0 + 4 s
    server.create_faults(failures=[{"phase": "deploy", "count": 1}])
    failing = create_instances(client, 1)[0]                             # fails at t0 + 4 s
    deadline = {
        stopping: (t0 + 2000, "STOPPING", "STOPPED"),
        rebooting: (t0 + 3000, "REBOOT", "RUNNING"),
        releasing: (t0 + 3000, "RELEASING", "RECYCLE"),
        booting: (t0 + 3000, "BOOTING", "RUNNING"),
        rebuilding: (t0 + 4000, "REBUILDING", "RUNNING"),
        deploying: (t0 + 4000, "DEPLOYING", "RUNNING"),
        failing: (t0 + 4000, "DEPLOYING", "CREATE_FAILED"),
    }
    ids = list(deadline)
    during = {i: d[1] for i, d in deadline.items()}
    assert statuses(client, ids) == during
    now = server.clock()["nowMillis"]
    assert now == t0 + 1000

    server.kill()
    again = start_zecd(data, transition="", extra_args=MANUAL)
    client = again.client()
    # The clock resumes where it stood; everything is still in transition, and stays so.
    assert again.clock()["nowMillis"] == now
    assert statuses(client, ids) == during
    time.sleep(0.5)
    assert statuses(client, ids) == during
    assert again.clock()["nowMillis"] == now

    # Walk the clock to each deadline: 1 ms short, nothing; at it, exactly those finish.
    for due in sorted({d[0] for d in deadline.values()}):
        again.advance(ms(due - 1 - now))
        now = due - 1
        expected = {i: (d[2] if d[0] <= now else d[1]) for i, d in deadline.items()}
        assert statuses(client, ids) == expected, f"at t0+{now - t0} ms"
        again.advance("1ms")
        now = due
        expected = {i: (d[2] if d[0] <= now else d[1]) for i, d in deadline.items()}
        assert statuses(client, ids) == expected, f"at t0+{now - t0} ms"


def test_an_advanced_clock_survives_a_kill_9(start_zecd, tmp_path):
    data = tmp_path / "data"
    server = start_zecd(data, extra_args=MANUAL)
    server.advance("10day")
    now = server.clock()["nowMillis"]
    server.kill()
    again = start_zecd(data, extra_args=MANUAL)
    assert again.clock()["nowMillis"] == now


def test_transitions_survive_kill_9_and_finish_on_time_with_the_system_clock(
        start_zecd, tmp_path):
    data = tmp_path / "data"
    transition = "deploy=1500ms,stop=1500ms"
    server = start_zecd(data, transition="deploy=200ms")
    client = server.client()
    [stopping] = create_instances(client, 1)
    wait_until(lambda: statuses(client, [stopping]) == {stopping: "RUNNING"}, timeout=10)
    server.stop()

    server = start_zecd(data, transition=transition)
    client = server.client()
    started = time.monotonic()
    sdk_call(client, "StopInstances", instanceIds=[stopping])
    [deploying] = create_instances(client, 1)
    ids = [stopping, deploying]
    server.kill()
    again = start_zecd(data, transition=transition)
    client = again.client()
    # Not instantly ...
    first = statuses(client, ids)
    if time.monotonic() - started < 1.2:
        assert first == {stopping: "STOPPING", deploying: "DEPLOYING"}
    # ... and not never: about 1.5 s after the calls.
    wait_until(lambda: statuses(client, ids) == {stopping: "STOPPED", deploying: "RUNNING"},
               timeout=10, interval=0.05)
    took = time.monotonic() - started
    assert 1.3 <= took <= 6.0, took


def test_a_manual_clock_that_was_never_advanced_survives_a_kill_9(start_zecd, tmp_path):
    # "--clock manual stands still until AdvanceClock moves it (and resumes where it was after
    # a restart)": real time that passed while zecd ran, or while it was down, is not
    # lifecycle time, even if the clock was never advanced.
    data = tmp_path / "data"
    server = start_zecd(data, transition="", extra_args=MANUAL)
    client = server.client()
    now = server.clock()["nowMillis"]
    [iid] = create_instances(client, 1)  # due now + 3 s
    time.sleep(0.5)
    assert server.clock()["nowMillis"] == now
    server.kill()
    time.sleep(0.5)
    again = start_zecd(data, transition="", extra_args=MANUAL)
    client = again.client()
    assert again.clock()["nowMillis"] == now
    again.advance(ms(DEFAULT_PHASE_MS["deploy"] - 1))
    assert statuses(client, [iid]) == {iid: "DEPLOYING"}
    again.advance("1ms")
    assert statuses(client, [iid]) == {iid: "RUNNING"}


def test_a_deadline_that_passed_while_zecd_was_down_is_over_at_restart(start_zecd, tmp_path):
    data = tmp_path / "data"
    server = start_zecd(data, transition="deploy=50ms")
    client = server.client()
    [stopping] = create_instances(client, 1)
    wait_until(lambda: statuses(client, [stopping]) == {stopping: "RUNNING"}, timeout=10)
    server.stop()
    transition = "deploy=800ms,stop=800ms"
    server = start_zecd(data, transition=transition)
    client = server.client()
    sdk_call(client, "StopInstances", instanceIds=[stopping])
    [deploying] = create_instances(client, 1)
    assert statuses(client, [stopping, deploying]) == {
        stopping: "STOPPING", deploying: "DEPLOYING"}
    server.kill()
    time.sleep(1.0)
    again = start_zecd(data, transition=transition)
    assert statuses(again.client(), [stopping, deploying]) == {
        stopping: "STOPPED", deploying: "RUNNING"}
