"""Real guests (issue 17): ``zecd serve --guests qemu`` makes every instance a QEMU/KVM virtual
machine booted from the image of ``scripts/guest-image``, and DescribeInstancesStatus reports what
the machine does. Driven through the official Python SDK; the guest is reached over SSH.

Needs /dev/kvm, qemu-system-x86_64, ssh and the built image (``$ZECD_GUEST_IMAGES``, as
``--guests-images`` takes it). Without them the tests are skipped, unless ``ZECD_REQUIRE_KVM=1``
(scripts/test sets it where /dev/kvm exists): then they fail.

The measurements (create to RUNNING, memory per guest, how many guests this machine holds) are
printed; run with ``-s`` to see them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from conftest import (
    ZECD_BIN,
    create_fields,
    sdk_call,
    sdk_error,
    statuses,
    wait_for_status,
    wait_until,
)

IMAGES = os.environ.get("ZECD_GUEST_IMAGES", "")
REQUIRED = os.environ.get("ZECD_REQUIRE_KVM") == "1"
BOOT_TIMEOUT = 120.0


def _missing() -> str | None:
    if not os.path.exists("/dev/kvm"):
        return "/dev/kvm is absent"
    for tool in ("qemu-system-x86_64", "qemu-img", "ssh", "ssh-keygen"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    if not IMAGES or not (Path(IMAGES) / "linux" / "manifest").is_file():
        return "the guest image is not built (scripts/guest-image; $ZECD_GUEST_IMAGES)"
    return None


@pytest.fixture(scope="module", autouse=True)
def kvm():
    missing = _missing()
    if missing:
        if REQUIRED:
            pytest.fail(f"ZECD_REQUIRE_KVM=1 but {missing}")
        pytest.skip(missing)


def guest_args(*more: str) -> list[str]:
    return ["--guests", "qemu", "--guests-images", IMAGES, *more]


@pytest.fixture
def ssh_key(tmp_path) -> tuple[Path, str]:
    """A fresh Ed25519 key: (private key file, public key line)."""
    key = tmp_path / "id_ed25519"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "zecd-guest-test",
                    "-f", str(key)], check=True)
    return key, (tmp_path / "id_ed25519.pub").read_text().strip()


def import_key(server, public_key: str) -> str:
    from zenlayercloud.ccs.v20250901 import models as ccs_models
    from zenlayercloud.ccs.v20250901.ccs_client import CcsClient
    c = CcsClient(server._credential(None, None, None), server.config())
    req = ccs_models.ImportKeyPairRequest()
    req.keyName = f"guest-{uuid.uuid4().hex[:12]}"
    req.publicKey = public_key
    return c.ImportKeyPair(req).keyId


def guest(server, instance_id: str) -> dict:
    found = server.admin_call("DescribeGuests", {"instanceIds": [instance_id]})["guestSet"]
    assert len(found) == 1, found
    return found[0]


def ssh(server, instance_id: str, key: Path, command: str, timeout: float = 30) -> str:
    port = guest(server, instance_id)["sshPort"]
    out = subprocess.run(
        ["ssh", "-p", str(port), "-i", str(key), "-o", "StrictHostKeyChecking=no",
         "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "BatchMode=yes",
         "-o", "ConnectTimeout=10", "root@127.0.0.1", command],
        capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, f"ssh {command!r}: {out.returncode} {out.stderr}"
    return out.stdout


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is not a machine.
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


def create_guest(server, client, key_id: str | None = None, **overrides) -> tuple[str, float]:
    """Creates one instance and waits for RUNNING; (id, seconds from create to RUNNING)."""
    fields = create_fields(instanceName="guest-1", **overrides)
    if key_id:
        fields.pop("password", None)
        fields["keyId"] = key_id
    started = time.monotonic()
    [iid] = list(sdk_call(client, "CreateZecInstances", **fields).instanceIdSet)
    wait_for_status(client, [iid], "RUNNING", timeout=BOOT_TIMEOUT)
    return iid, time.monotonic() - started


def test_an_instance_is_a_real_machine_through_its_whole_life(start_zecd, ssh_key, tmp_path):
    key, public = ssh_key
    server = start_zecd(transition="release=1s,recycle=1s",
                        extra_args=guest_args("--guests-max", "2"))
    client = server.client()
    key_id = import_key(server, public)

    # Create with a key pair: DEPLOYING until the guest has booted, then RUNNING.
    iid, to_running = create_guest(server, client, key_id=key_id)
    g = guest(server, iid)
    assert g["state"] == "running" and g["pid"] and g["sshHost"] == "127.0.0.1", g
    assert Path(g["disk"]).is_file()
    uname = ssh(server, iid, key, "uname -a")
    assert uname.startswith("Linux guest-1 "), uname
    # The same through `zec ssh`, which finds the port with DescribeGuests.
    out = subprocess.run(
        [str(ZECD_BIN.parent / "zec"), "--endpoint", f"http://{server.domain}",
         "--access-key-id", server.key_id, "--access-key-secret", server.password,
         "ssh", iid, "-i", str(key), "--", "uname", "-n"],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert (out.returncode, out.stdout.strip()) == (0, "guest-1"), out.stderr
    console = server.admin_call("DescribeGuestConsole", {"instanceId": iid})["output"]
    assert "ZECD-GUEST-READY" in console
    # The root filesystem fills the system disk (the image's is 128 MiB).
    assert "root filesystem grown" in console, console[-2000:]
    disk_gib = sdk_call(client, "DescribeInstances", instanceIds=[iid]).dataSet[0].systemDisk.diskSize
    root_kib = int(ssh(server, iid, key, "df -k / | tail -n 1").split()[1])
    assert root_kib > disk_gib * 1024 * 1024 * 0.9, (root_kib, disk_gib)
    rss = guest(server, iid)["rssMib"]
    total_mib = int(Path("/proc/meminfo").read_text().split()[1]) // 1024
    print(f"\n[guests] create to RUNNING: {to_running:.2f} s; machine {g['memoryMib']} MiB, "
          f"{g['vcpus']} vCPU ({server.admin_call('DescribeGuests', {})['accel']}); QEMU "
          f"resident {rss} MiB; this host ({os.cpu_count()} cores, {total_mib} MiB) holds about "
          f"{int(total_mib * 0.9 / max(rss, 1))} such guests by memory (bench/guests.py "
          "measures more)")

    # What the guest writes to its disk stays across stop and start.
    ssh(server, iid, key, "echo kept > /root/marker && sync")

    # Stop: the machine powers off (its QEMU process ends), STOPPED.
    pid = g["pid"]
    sdk_call(client, "StopInstances", instanceIds=[iid])
    wait_for_status(client, [iid], "STOPPED", timeout=60)
    wait_until(lambda: not process_alive(pid), timeout=10, message="QEMU to exit")
    assert guest(server, iid)["state"] == "off"

    # Start: a new machine on the same disk.
    sdk_call(client, "StartInstances", instanceIds=[iid])
    assert statuses(client, [iid])[iid] in ("BOOTING", "RUNNING")
    wait_for_status(client, [iid], "RUNNING", timeout=BOOT_TIMEOUT)
    assert ssh(server, iid, key, "cat /root/marker").strip() == "kept"

    # Reboot: the guest boots again (a new boot id, its uptime restarts).
    boot_id = ssh(server, iid, key, "cat /proc/sys/kernel/random/boot_id").strip()
    time.sleep(2)
    before = float(ssh(server, iid, key, "cut -d' ' -f1 /proc/uptime"))
    sdk_call(client, "RebootInstances", instanceIds=[iid])
    wait_for_status(client, [iid], "RUNNING", timeout=BOOT_TIMEOUT)
    assert ssh(server, iid, key, "cat /proc/sys/kernel/random/boot_id").strip() != boot_id
    after = float(ssh(server, iid, key, "cut -d' ' -f1 /proc/uptime"))
    assert after < before + 60, (before, after)

    # Release twice: the machine ends at once; once recycled, its disk goes too.
    pid = guest(server, iid)["pid"]
    disk = Path(guest(server, iid)["disk"])
    sdk_call(client, "ReleaseInstances", instanceIds=[iid])
    wait_for_status(client, [iid], "RECYCLE", timeout=30)
    wait_until(lambda: not process_alive(pid), timeout=10, message="QEMU to exit")
    sdk_call(client, "ReleaseInstances", instanceIds=[iid])
    wait_until(lambda: statuses(client, [iid]) == {}, timeout=30, message="the purge")
    wait_until(lambda: not disk.exists(), timeout=10, message="the disk to be deleted")
    assert server.admin_call("DescribeGuests", {})["guestSet"] == []


def test_a_guest_that_powers_itself_off_is_stopped_and_reset_rebuilds_its_disk(
        start_zecd, ssh_key):
    key, public = ssh_key
    server = start_zecd(extra_args=guest_args())
    client = server.client()
    iid, _ = create_guest(server, client, key_id=import_key(server, public))
    ssh(server, iid, key, "echo gone-after-reset > /root/marker && sync")
    pid = guest(server, iid)["pid"]
    # The guest powers itself off: STOPPED, with no API call.
    subprocess.run(["ssh", "-p", str(guest(server, iid)["sshPort"]), "-i", str(key),
                    "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                    "-o", "LogLevel=ERROR", "root@127.0.0.1", "poweroff"],
                   capture_output=True, timeout=30)
    wait_for_status(client, [iid], "STOPPED", timeout=60)
    assert not process_alive(pid)
    # ResetInstance rebuilds the disk from the image: REBUILDING, then RUNNING on a fresh
    # disk (the key pair set again at its first boot).
    sdk_call(client, "ResetInstance", instanceId=iid, imageId=create_fields()["imageId"],
             keyId=import_key(server, public))
    assert statuses(client, [iid])[iid] == "REBUILDING"
    wait_for_status(client, [iid], "RUNNING", timeout=BOOT_TIMEOUT)
    assert ssh(server, iid, key, "cat /root/marker 2>/dev/null || echo fresh").strip() == "fresh"
    # A stop with forceShutdown=false presses the ACPI power button: the guest shuts itself
    # down (its shutdown script writes to the console), then QEMU exits. Without it (the
    # default), the plug is pulled: nothing more on the console.
    def shutdowns() -> int:
        console = server.admin_call("DescribeGuestConsole", {"instanceId": iid})["output"]
        return console.count("zecd-guest: shutting down")

    before = shutdowns()
    sdk_call(client, "StopInstances", instanceIds=[iid], forceShutdown=False)
    wait_for_status(client, [iid], "STOPPED", timeout=60)
    assert shutdowns() == before + 1
    sdk_call(client, "StartInstances", instanceIds=[iid])
    wait_for_status(client, [iid], "RUNNING", timeout=BOOT_TIMEOUT)
    sdk_call(client, "StopInstances", instanceIds=[iid])
    wait_for_status(client, [iid], "STOPPED", timeout=60)
    assert shutdowns() == before + 1


def test_budget_password_login_and_restarts(start_zecd, tmp_path, ssh_key):
    key, public = ssh_key
    data = tmp_path / "data"
    server = start_zecd(data_dir=data,
                        extra_args=guest_args("--guests-max", "2", "--guests-memory", "1GiB"))
    client = server.client()
    # A password instance (no key): the password is set at first boot (root's shadow entry).
    iid, _ = create_guest(server, client)
    pid = guest(server, iid)["pid"]
    # Beyond --guests-max: the quota code; beyond --guests-memory: the stock code (a 32 GiB
    # type, z2a.mem.4, is a 2 GiB machine at the default scale of 16); an image with no guest:
    # stock.
    err = sdk_error(client, "CreateZecInstances", **create_fields(instanceCount=2))
    assert err.code == "OPERATION_DENIED_INSTANCE_QUOTA_EXCEED", err
    err = sdk_error(client, "CreateZecInstances", **create_fields(instanceType="z2a.mem.4"))
    assert err.code == "STOCK_INSUFFICIENT", err
    err = sdk_error(client, "CreateZecInstances",
                    **create_fields(imageId="windows2022_20250301", password=None))
    assert err.code == "STOCK_INSUFFICIENT", err
    # A machine that would grow past the memory budget at its next start.
    err = sdk_error(client, "ModifyInstanceType", instanceId=iid, instanceType="z2a.mem.4")
    assert err.code == "STOCK_INSUFFICIENT", err
    console = server.admin_call("DescribeGuestConsole", {"instanceId": iid})["output"]
    assert "root password set" in console, console[-2000:]

    # kill -9: the machine lives on and the next zecd adopts it (same process, still RUNNING).
    server.kill()
    assert process_alive(pid)
    server = start_zecd(data_dir=data, extra_args=guest_args("--guests-max", "2"))
    client = server.client()
    wait_until(lambda: guest(server, iid)["state"] == "running", timeout=10,
               message="the guest to be adopted")
    assert guest(server, iid)["pid"] == pid
    assert statuses(client, [iid])[iid] == "RUNNING"

    # SIGTERM: zecd powers its guests off on the way out ...
    assert server.stop() == 0
    wait_until(lambda: not process_alive(pid), timeout=10, message="QEMU to exit with zecd")
    # ... and boots them again when it comes back: BOOTING, then RUNNING.
    server = start_zecd(data_dir=data, extra_args=guest_args("--guests-max", "2"))
    client = server.client()
    wait_for_status(client, [iid], "RUNNING", timeout=BOOT_TIMEOUT)
    assert guest(server, iid)["pid"] != pid
    # zec ssh finds the port (the root key is the CLI's credential).
    zec = ZECD_BIN.parent / "zec"
    out = subprocess.run(
        [str(zec), "--endpoint", f"http://{server.domain}", "--access-key-id", server.key_id,
         "--access-key-secret", server.password, "ssh", iid, "--print"],
        capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert f"-p {guest(server, iid)['sshPort']} " in out.stdout
    assert out.stdout.strip().endswith("root@127.0.0.1")


def test_guests_refuse_to_start_without_their_image(tmp_path):
    bad = subprocess.run([str(ZECD_BIN), "serve", "--listen", "127.0.0.1:0", "--data-dir",
                          str(tmp_path / "d"), "--guests", "qemu", "--guests-images",
                          str(tmp_path / "no-images")],
                         capture_output=True, text=True, timeout=30)
    assert bad.returncode != 0
    assert "scripts/guest-image" in bad.stderr, bad.stderr
