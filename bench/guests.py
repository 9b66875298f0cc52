#!/usr/bin/env python3
"""Real guests (issue 17): how fast an instance becomes a machine you can SSH into, what each
machine costs, and how many this host holds.

    .venv/bin/python bench/guests.py [--count 16] [--zecd target/debug/zecd] [--images DIR]

Starts ``zecd serve --guests qemu`` on a scratch data directory, creates ``--count`` instances in
one CreateZecInstances call through the official Python SDK (with a key pair), and prints:
create to RUNNING (first, median, last), create to RUNNING for one instance alone, each QEMU's
resident memory, the host memory the fleet took (MemAvailable before and after), the CPU the
booted, idle guests use, and from these how many guests the host holds by memory and by CPU.
Needs what tests/python/test_guests.py needs (scripts/kvm-up prints the images directory).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "python"))

from conftest import ZecdServer, create_fields, sdk_call  # noqa: E402
from test_guests import import_key  # noqa: E402


def meminfo(field: str) -> int:
    """A /proc/meminfo field, in KiB."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def wait_running(client, ids: list[str], started: float, timeout: float) -> dict[str, float]:
    """Seconds from ``started`` to RUNNING, per id."""
    at: dict[str, float] = {}
    deadline = time.monotonic() + timeout
    while len(at) < len(ids):
        if time.monotonic() > deadline:
            raise SystemExit(f"only {len(at)} of {len(ids)} RUNNING after {timeout} s")
        resp = sdk_call(client, "DescribeInstancesStatus", instanceIds=ids, pageSize=100)
        now = time.monotonic() - started
        for s in resp.dataSet:
            if s.instanceStatus == "RUNNING" and s.instanceId not in at:
                at[s.instanceId] = now
            if s.instanceStatus == "CREATE_FAILED":
                raise SystemExit(f"{s.instanceId} CREATE_FAILED")
        time.sleep(0.1)
    return at


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--count", type=int, default=16)
    p.add_argument("--zecd", default=str(REPO / "target" / "debug" / "zecd"))
    p.add_argument("--images", default=os.environ.get("ZECD_GUEST_IMAGES")
                   or str(REPO / "target" / "guest" / "guests" / "images"))
    a = p.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(tmp / "key")],
                       check=True)
        server = ZecdServer(
            data_dir=tmp / "data", binary=Path(a.zecd), transition="",
            extra_args=["--guests", "qemu", "--guests-images", a.images,
                        "--guests-max", str(a.count + 1), "--guests-memory", "1TiB",
                        "--log", "info,zecd::access=off"]).start()
        try:
            client = server.client()
            key_id = import_key(server, (tmp / "key.pub").read_text().strip())
            driver = server.admin_call("DescribeGuests", {})

            def create(n: int, name: str) -> list[str]:
                fields = create_fields(instanceCount=n, instanceName=name, keyId=key_id)
                fields.pop("password")
                return list(sdk_call(client, "CreateZecInstances", **fields).instanceIdSet)

            # One alone, then the fleet at once.
            started = time.monotonic()
            [alone] = create(1, "alone")
            one = wait_running(client, [alone], started, 300)[alone]
            sdk_call(client, "ReleaseInstances", instanceIds=[alone])

            available_before = meminfo("MemAvailable")
            started = time.monotonic()
            ids = create(a.count, "fleet")
            at = wait_running(client, ids, started, 60 + 30 * a.count)
            time.sleep(5)  # settled: every guest idle at its prompt
            guests = server.admin_call("DescribeGuests", {"instanceIds": ids})["guestSet"]
            available_after = meminfo("MemAvailable")
            pids = [g["pid"] for g in guests]
            hz = os.sysconf("SC_CLK_TCK")
            t0 = [cpu_ticks(pid) for pid in pids]
            time.sleep(10)
            idle_cpu = sum(cpu_ticks(pid) - t for pid, t in zip(pids, t0)) / hz / 10
            out = subprocess.run(
                ["ssh", "-p", str(guests[0]["sshPort"]), "-i", str(tmp / "key"),
                 "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                 "-o", "LogLevel=ERROR", "-o", "BatchMode=yes", "root@127.0.0.1", "uname -r"],
                capture_output=True, text=True, timeout=30)
        finally:
            server.stop()

    times = sorted(at.values())
    rss = [g["rssMib"] for g in guests]
    taken_mib = (available_before - available_after) / 1024
    per_guest_mib = taken_mib / a.count
    total_mib = meminfo("MemTotal") / 1024
    cores = os.cpu_count() or 1
    by_memory = int(total_mib * 0.9 / max(per_guest_mib, 1))
    by_cpu = int(cores / max(idle_cpu / a.count, 1e-6))
    print(f"real guests: {driver['driver']} ({driver.get('accel')}), "
          f"{guests[0]['memoryMib']} MiB / {guests[0]['vcpus']} vCPU each, "
          f"guest kernel {out.stdout.strip() or '?'}; {cores} cores, {total_mib / 1024:.1f} GiB")
    print(f"| measure | value |\n|---|---|")
    print(f"| create to RUNNING, one instance alone | {one:.2f} s |")
    print(f"| create to RUNNING, {a.count} at once: first / median / last | "
          f"{times[0]:.2f} / {statistics.median(times):.2f} / {times[-1]:.2f} s |")
    print(f"| QEMU resident per guest (min / median / max) | "
          f"{min(rss)} / {statistics.median(rss):.0f} / {max(rss)} MiB |")
    print(f"| host memory taken per guest (MemAvailable) | {per_guest_mib:.0f} MiB |")
    print(f"| CPU of {a.count} idle guests | {idle_cpu * 100:.1f}% of one core "
          f"({idle_cpu * 100 / a.count:.2f}% each) |")
    print(f"| guests this host holds: by memory (90% of RAM) / by idle CPU | "
          f"{by_memory} / {by_cpu} |")


if __name__ == "__main__":
    main()
