"""The Terraform provider's `zenlayercloud_zec_instance` replayed call for call (issue 3 item 6,
spec §4.3 and §7, /work/notes/terraform.md): the same actions, with the same API versions (v2 =
2025-09-01 for CreateZecInstances, DescribeInstances, ModifyInstancesAttribute and
ResetInstance; v1 = 2024-04-01 for Start/Stop/ReleaseInstances, ResetInstancePassword and
Start/StopIpForward), the same request fields, the same waits and the same reactions to what
comes back, in the order the provider makes them.

`Provider` below mirrors resourceZenlayerCloudZecInstance{Create,Read,Update,Delete} of the
provider (commit e3237d0): where the provider would fail, panic on a null it dereferences, or
taint the resource, it raises. Its waits run on zecd's manual clock: where the provider
sleeps, the test advances the clock by the same amount (StateChangeConf: Delay 10 s, then
5 s, then 10 s; RetryContext: at once, then 0.5, 1, 2, 4, 8, 10 s ...). After every apply,
`plan` compares what Read put in the state with the configuration, with the schema's rules
(Required, Optional, Optional+Computed), as the next `terraform plan` would: no diff means
the server echoes exactly what was configured.

Everything runs twice: with zecd's default phase durations (most phases are over before the
provider's first poll) and with slow ones (every wait sees its pending statuses first)."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field, replace

import pytest

from conftest import (
    IMAGE,
    INSTANCE_TYPE,
    PASSWORD,
    SUBNET,
    V2024,
    V2025,
    ZONE,
    ZecdServer,
    ZenlayerCloudSdkException,
    sdk_call,
)

PROFILES = {
    "default-durations": "",
    "slow": "deploy=25s,boot=12s,stop=12s,reboot=12s,rebuild=27s,resize=12s,release=12s,"
            "recycle=12s",
}


@pytest.fixture(scope="module", params=list(PROFILES))
def profile(request, tmp_path_factory):
    server = ZecdServer(data_dir=tmp_path_factory.mktemp("terraform"),
                        transition=PROFILES[request.param],
                        extra_args=["--clock", "manual"]).start()
    server.profile = request.param
    yield server
    server.stop()


# --------------------------------------------------------------------------------------------
# The provider.

# extension_zec.go: instanceIsOperating.
OPERATING = frozenset({"PENDING", "DEPLOYING", "REBUILDING", "BOOTING", "STOPPING",
                       "RELEASING", "RECYCLING", "RESIZING"})
NOT_FOUND = ("INVALID_INSTANCE_NOT_FOUND", "OPERATION_FAILED_RESOURCE_NOT_FOUND")
# common/errors.go: always retried; and the extra sets the steps pass.
ALWAYS_RETRIED = ("SERVICE_TEMPORARY_UNAVAILABLE",)
SET_A = ("INTERNAL_SERVER_ERROR", "NETWORK_ERROR")
SET_B = ("INTERNAL_SERVER_ERROR",)

MINUTE = 60.0
CREATE_TIMEOUT = 90 * MINUTE
UPDATE_TIMEOUT = 90 * MINUTE
DEFAULT_TIMEOUT = 20 * MINUTE  # read and delete declare none


class TerraformError(Exception):
    """What the provider reports as an error (the apply fails)."""


class TerraformPanic(Exception):
    """A nil-pointer dereference in the provider."""


class Retry(Exception):
    """resource.RetryableError."""


def retry_error(e: ZenlayerCloudSdkException, *extra: str):
    """common2.RetryError: retryable for SERVICE_TEMPORARY_UNAVAILABLE and ``extra``."""
    if e.code in ALWAYS_RETRIED + extra:
        raise Retry(str(e))
    raise TerraformError(str(e))


@dataclass
class Config:
    """A `zenlayercloud_zec_instance` block; None is "not set"."""
    availability_zone: str = ZONE
    instance_type: str = INSTANCE_TYPE
    image_id: str = IMAGE
    instance_name: str = "Terraform-Instance"       # Optional, Default
    password: str | None = PASSWORD                  # Optional, never read back
    key_id: str | None = None                        # Optional
    tags: dict[str, str] = field(default_factory=dict)  # Optional
    subnet_id: str = SUBNET
    security_group_id: str | None = None             # Optional+Computed
    resource_group_id: str | None = None             # Optional+Computed
    system_disk_category: str | None = None          # Optional+Computed, ForceNew
    system_disk_size: int = 20
    time_zone: str | None = None                     # Optional+Computed
    disable_qga_agent: bool | None = None            # Optional+Computed
    enable_ip_forwarding: bool | None = None         # Optional+Computed
    force_delete: bool = True                        # Optional, Default
    running_flag: bool | None = None                 # Optional+Computed
    instance_options: dict | None = None             # Optional, ForceNew: {"nested_virtualization": b}


class Provider:
    def __init__(self, server: ZecdServer):
        self.server = server
        self.v1 = server.client(version=V2024)
        self.v2 = server.client(version=V2025)
        self.calls: list[tuple[str, str]] = []  # (version, action), in order
        self.waits: list[list[str]] = []        # the statuses each wait saw
        self.instances_seen = 0

    # ---- plumbing ----

    def call(self, version: str, action: str, **fields):
        self.calls.append((version, action))
        client = self.v1 if version == "v1" else self.v2
        return sdk_call(client, action, **fields)

    def sleep(self, seconds: float) -> None:
        self.server.advance(f"{round(seconds * 1000)}ms")

    def calls_since(self, mark: int) -> list[tuple[str, str]]:
        return self.calls[mark:]

    def describe_instance_by_id(self, iid: str):
        """ZecService.DescribeInstanceById: DescribeInstances v2 {instanceIds:[id]}."""
        resp = self.call("v2", "DescribeInstances", instanceIds=[iid])
        if resp.dataSet is None:
            raise TerraformPanic("response.Response.DataSet is null")
        if not resp.dataSet:
            return None
        instance = resp.dataSet[0]
        self.instances_seen += 1
        check_dereferenced(instance)
        return instance

    def retry_context(self, timeout: float, attempt):
        """resource.RetryContext: at once, then about 0.5, 1, 2, 4, 8, 10, 10 ... s apart."""
        gaps = itertools.chain([0.5, 1, 2, 4, 8], itertools.repeat(10))
        waited = 0.0
        while True:
            try:
                return attempt()
            except Retry as e:
                gap = next(gaps)
                if waited + gap > timeout:
                    raise TerraformError(f"timeout while waiting: {e}") from e
                self.sleep(gap)
                waited += gap

    def state_change_conf(self, iid: str, pending: set[str], target: set[str], fail: str,
                          timeout: float) -> list[str]:
        """resource.StateChangeConf with InstanceStateRefreshFunc: Delay 10 s, MinTimeout 5 s,
        NotFoundChecks 3; returns the statuses seen."""
        seen: list[str] = []
        self.waits.append(seen)
        self.sleep(10)
        waited, not_found = 10.0, 0
        gaps = itertools.chain([5], itertools.repeat(10))
        while True:
            instance = self.describe_instance_by_id(iid)  # any API error fails the wait
            if instance is None:
                seen.append("<none>")
                not_found += 1
                if not_found > 3:
                    raise TerraformError("couldn't find resource")
            else:
                not_found = 0
                status = instance.status
                seen.append(status)
                if status == fail:
                    raise TerraformError(f"Failed to reach target status, status {status}")
                if status in target:
                    return seen
                if status not in pending:
                    raise TerraformError(
                        f"unexpected state '{status}', wanted target '{sorted(target)}'")
            gap = next(gaps)
            if waited + gap > timeout:
                raise TerraformError("timeout while waiting for state")
            self.sleep(gap)
            waited += gap

    # ---- Create ----

    def create(self, cfg: Config) -> str:
        m = self.v2.models
        disk = m.SystemDisk()
        disk.diskSize = cfg.system_disk_size
        if cfg.system_disk_category:
            disk.diskCategory = cfg.system_disk_category
        fields = dict(instanceCount=1, zoneId=cfg.availability_zone,
                      instanceType=cfg.instance_type, imageId=cfg.image_id,
                      instanceName=cfg.instance_name)
        if cfg.password:
            fields["password"] = cfg.password
        if cfg.key_id:
            fields["keyId"] = cfg.key_id
        fields["systemDisk"] = disk
        if cfg.security_group_id:
            fields["securityGroupId"] = cfg.security_group_id
        if cfg.tags:
            tags = m.TagAssociation()
            tags.tags = []
            for k, v in cfg.tags.items():
                tag = m.Tag()
                tag.key, tag.value = k, v
                tags.tags.append(tag)
            fields["tags"] = tags
        fields["subnetId"] = cfg.subnet_id
        if cfg.resource_group_id:
            fields["resourceGroupId"] = cfg.resource_group_id
        if cfg.time_zone:
            fields["timeZone"] = cfg.time_zone
        fields["enableAgent"] = not cfg.disable_qga_agent if cfg.disable_qga_agent else True
        if cfg.enable_ip_forwarding:
            fields["enableIpForward"] = True
        if cfg.instance_options is not None:
            options = m.InstanceOptions()
            options.nestedVirtualization = bool(cfg.instance_options.get("nested_virtualization"))
            fields["instanceOptions"] = options

        def attempt():
            try:
                resp = self.call("v2", "CreateZecInstances", **fields)
            except ZenlayerCloudSdkException as e:
                retry_error(e, "INVALID_OPERATION_TIMEOUT")
            if not resp.instanceIdSet:
                raise TerraformError("instance id is nil")
            return resp.instanceIdSet[0]

        iid = self.retry_context(CREATE_TIMEOUT, attempt)
        self.created = iid  # d.SetId(id) comes before the wait (L726)
        self.state_change_conf(iid, {"PENDING", "DEPLOYING"}, {"RUNNING"}, "CREATE_FAILED",
                               CREATE_TIMEOUT - MINUTE)
        return iid

    # ---- Read ----

    def read(self, iid: str) -> dict | None:
        """The state Read writes; None when Read drops the resource from the state."""
        def attempt():
            try:
                instance = self.describe_instance_by_id(iid)
            except ZenlayerCloudSdkException as e:
                if e.code in NOT_FOUND:
                    return None
                retry_error(e)
            if instance is not None and instance.status in OPERATING:
                raise Retry(f"instance {iid} is {instance.status}")
            return instance

        i = self.retry_context(DEFAULT_TIMEOUT - MINUTE, attempt)
        if i is None or i.status in ("CREATE_FAILED", "RECYCLE"):
            return None
        disk = i.systemDisk
        state = {
            "availability_zone": i.zoneId,
            "instance_type": i.instanceType,
            "image_id": i.imageId,
            "instance_name": i.instanceName,
            "key_id": i.keyId or "",
            "tags": {t.key: t.value for t in (i.tags.tags or [])} if i.tags else {},
            "subnet_id": i.subnetId,
            "security_group_id": i.securityGroupId or "",
            "resource_group_id": i.resourceGroupId or "",
            "system_disk_category": (disk.diskCategory or "") if disk else "",
            "system_disk_size": disk.diskSize if disk else 0,
            "time_zone": i.timeZone or "",
            "disable_qga_agent": not i.enableAgent,
            "enable_ip_forwarding": i.enableIpForward,
            "running_flag": i.status == "RUNNING",
            "instance_options": (
                [{"nested_virtualization": bool(i.instanceOptions.nestedVirtualization)}]
                if getattr(i, "instanceOptions", None) is not None else []),
            "instance_status": i.status,
        }
        return state

    # ---- Update ----

    def update(self, iid: str, old: Config, new: Config) -> None:
        changed = {name for name in vars(new) if getattr(new, name) != getattr(old, name)}

        def step(version, action, retried, **fields):
            def attempt():
                try:
                    return self.call(version, action, **fields)
                except ZenlayerCloudSdkException as e:
                    retry_error(e, *retried)
            return self.retry_context(UPDATE_TIMEOUT - MINUTE, attempt)

        if "instance_name" in changed:
            step("v2", "ModifyInstancesAttribute", SET_A, instanceIds=[iid],
                 instanceName=new.instance_name)
        if "enable_ip_forwarding" in changed:
            action = "StartIpForward" if new.enable_ip_forwarding else "StopIpForward"
            step("v1", action, SET_A, instanceId=iid)

        reset = bool(changed & {"image_id", "key_id", "time_zone", "disable_qga_agent"})
        if reset:
            try:
                self.call("v1", "StopInstances", instanceIds=[iid])
            except ZenlayerCloudSdkException:
                # L411-414: the provider returns success and does nothing more.
                raise TerraformError("StopInstances failed: Update silently did nothing")

            def stopped():
                try:
                    instance = self.describe_instance_by_id(iid)
                except ZenlayerCloudSdkException as e:
                    retry_error(e, *SET_B)
                if instance is None:
                    raise TerraformPanic("*instance.Status of a nil instance (stop wait)")
                if instance.status == "STOPPED":
                    return
                if instance.status in OPERATING:
                    raise Retry(instance.status)
                # The provider never checks this error, and goes on to ResetInstance; a
                # server that makes it happen is wrong (notes §3.3 4.2), so fail here.
                raise TerraformError(f"vm instance status is not stopped: {instance.status}")

            self.retry_context(UPDATE_TIMEOUT - MINUTE, stopped)
            fields = {"instanceId": iid}
            if new.image_id:
                fields["imageId"] = new.image_id
            if new.key_id:
                fields["keyId"] = new.key_id
            if new.time_zone:
                fields["timezone"] = new.time_zone
            if new.password:
                fields["password"] = new.password
            fields["enableAgent"] = not new.disable_qga_agent if new.disable_qga_agent else True
            try:
                self.call("v2", "ResetInstance", **fields)
            except ZenlayerCloudSdkException as e:
                raise TerraformError(str(e)) from e
            self.state_change_conf(iid, {"REBUILDING"}, {"RUNNING"}, "REINSTALL_FAILED",
                                   CREATE_TIMEOUT - MINUTE)

        if not reset and "password" in changed:
            step("v1", "StartInstances", SET_A, instanceIds=[iid])

            def running():
                try:
                    instance = self.describe_instance_by_id(iid)
                except ZenlayerCloudSdkException as e:
                    retry_error(e, *SET_B)
                if instance is None:
                    raise TerraformPanic("*instance.Status of a nil instance (start wait)")
                if instance.status == "RUNNING":
                    return
                if instance.status in OPERATING:
                    raise Retry(instance.status)
                raise TerraformError(f"vm instance status is not running: {instance.status}")

            self.retry_context(UPDATE_TIMEOUT - MINUTE, running)
            if new.password:
                step("v1", "ResetInstancePassword", SET_A, instanceId=iid,
                     password=new.password)

        if "running_flag" in changed and new.running_flag is not None:
            target = "RUNNING" if new.running_flag else "STOPPED"
            action = "StartInstances" if new.running_flag else "StopInstances"
            try:
                self.call("v1", action, instanceIds=[iid])
            except ZenlayerCloudSdkException as e:
                raise TerraformError(str(e)) from e

            def reached():
                try:
                    instance = self.describe_instance_by_id(iid)
                except ZenlayerCloudSdkException as e:
                    retry_error(e, *SET_B)
                if instance is None or instance.status != target:
                    raise Retry(instance.status if instance else "<none>")

            self.retry_context(DEFAULT_TIMEOUT - MINUTE, reached)

    # ---- Delete ----

    def delete(self, iid: str, cfg: Config) -> None:
        def release(tolerate_not_found: bool, retried=()):
            def attempt():
                try:
                    self.call("v1", "ReleaseInstances", instanceIds=[iid])
                except ZenlayerCloudSdkException as e:
                    if tolerate_not_found and e.code == "INVALID_INSTANCE_NOT_FOUND":
                        return "not found"
                    retry_error(e, *retried)
                return "released"
            return self.retry_context(DEFAULT_TIMEOUT - MINUTE, attempt)

        self.release_results = [release(False)]
        not_exist = False

        def recycled():
            nonlocal not_exist
            try:
                instance = self.describe_instance_by_id(iid)
            except ZenlayerCloudSdkException as e:
                if e.code in NOT_FOUND:
                    not_exist = True
                    return
                retry_error(e)
            if instance is None:
                not_exist = True
                return
            if instance.status == "RECYCLE":
                return
            if instance.status in OPERATING:
                raise Retry(instance.status)
            raise TerraformError(f"vm instance status is not recycle, current status "
                                 f"{instance.status}")

        self.retry_context(DEFAULT_TIMEOUT - MINUTE, recycled)
        if not_exist or not cfg.force_delete:
            return
        if self.before_second_release:
            self.before_second_release()
        try:
            self.release_results.append(release(True, SET_B))
        except TerraformError:
            pass  # L318: the second release's error is overwritten, never checked

        def gone():
            try:
                instance = self.describe_instance_by_id(iid)
            except ZenlayerCloudSdkException as e:
                if e.code in NOT_FOUND:
                    return
                retry_error(e)
            if instance is None:
                return
            if instance.status in OPERATING:
                raise Retry(instance.status)
            raise TerraformError(f"vm instance status is not recycle, current status "
                                 f"{instance.status}")

        self.retry_context(DEFAULT_TIMEOUT - MINUTE, gone)

    before_second_release = None


def check_dereferenced(instance) -> None:
    """What the provider dereferences without a nil check (notes §2.3)."""
    for name in ("status", "enableAgent", "enableIpForward"):
        if getattr(instance, name, None) is None:
            raise TerraformPanic(f"{name} is null")
    nics = instance.nics or []
    for nic in nics:
        if nic.nicType is None:
            raise TerraformPanic("nics[].nicType is null")
    primary = [nic for nic in nics if nic.nicType == "Primary"]
    if not primary or primary[0].nicId is None:
        raise TerraformPanic("no Primary NIC with a nicId")


def plan(cfg: Config, state: dict | None) -> dict:
    """What the next `terraform plan` would change: attribute -> (config, state). Empty:
    "No changes". With the schema's rules: Required and Optional (not Computed) attributes
    must equal the configuration (unset ones the empty value); Optional+Computed ones only
    when configured."""
    if state is None:
        return {"<resource>": ("exists", "gone from the state")}
    want = {
        "availability_zone": cfg.availability_zone,
        "instance_type": cfg.instance_type,
        "image_id": cfg.image_id,
        "instance_name": cfg.instance_name,
        "key_id": cfg.key_id or "",
        "tags": dict(cfg.tags),
        "subnet_id": cfg.subnet_id,
        "system_disk_size": cfg.system_disk_size,
        "instance_options": [cfg.instance_options] if cfg.instance_options is not None else [],
    }
    for name in ("security_group_id", "resource_group_id", "system_disk_category",
                 "time_zone", "disable_qga_agent", "enable_ip_forwarding", "running_flag"):
        if getattr(cfg, name) is not None:
            want[name] = getattr(cfg, name)
    return {k: (v, state[k]) for k, v in want.items() if state[k] != v}


def apply_create(tf: Provider, cfg: Config) -> tuple[str, dict]:
    iid = tf.create(cfg)
    state = tf.read(iid)
    assert state is not None, "Read dropped the new instance"
    return iid, state


def instances_of(server, iid: str):
    return sdk_call(server.client(), "DescribeInstances", instanceIds=[iid]).dataSet


SLOW = "slow"


# --------------------------------------------------------------------------------------------
# Create and Read.

def test_create_polls_until_running_then_reads_back_the_minimal_configuration(profile):
    tf = Provider(profile)
    cfg = Config()
    iid, state = apply_create(tf, cfg)
    # The calls: one create, then DescribeInstances v2 until RUNNING, then Read's.
    create_wait = tf.waits[0]
    assert tf.calls == [("v2", "CreateZecInstances")] + \
        [("v2", "DescribeInstances")] * (len(create_wait) + 1)
    assert create_wait[-1] == "RUNNING"
    assert set(create_wait[:-1]) <= {"DEPLOYING"}
    if profile.profile == SLOW:
        # Deploy takes 25 s: polls at 10 s and 15 s see DEPLOYING, at 25 s RUNNING.
        assert create_wait == ["DEPLOYING", "DEPLOYING", "RUNNING"]
    else:
        assert create_wait == ["RUNNING"]
    assert plan(cfg, state) == {}
    # What a password instance without tags or options reads back.
    assert state["key_id"] == "" and state["tags"] == {} and state["instance_options"] == []
    [info] = instances_of(profile, iid)
    assert info.keyId is None
    assert getattr(info, "instanceOptions", None) is None
    assert info.enableAgent is True and info.enableIpForward is False
    assert state["instance_name"] == "Terraform-Instance"
    # On the wire: keyId and instanceOptions are null (or absent), not "" or {}.
    raw = profile.raw("DescribeInstances", json.dumps({"instanceIds": [iid]}))
    [wire] = raw.json["response"]["dataSet"]
    assert wire.get("keyId") is None and wire.get("instanceOptions") is None, wire
    assert wire["tags"] in (None, {"tags": []}, {"tags": None}), wire["tags"]


def test_create_reads_back_every_configured_value(profile):
    tf = Provider(profile)
    cfg = Config(instance_name="tf-full-1", tags={"env": "test", "team": "zecd", "z": "last"},
                 security_group_id="791721259766392536", system_disk_category="Basic NVMe SSD",
                 system_disk_size=40, time_zone="America/Los_Angeles", disable_qga_agent=True,
                 enable_ip_forwarding=True, instance_type="z2a.cpu.2")
    iid, state = apply_create(tf, cfg)
    assert plan(cfg, state) == {}
    assert state["tags"] == {"env": "test", "team": "zecd", "z": "last"}
    assert state["instance_options"] == []
    [info] = instances_of(profile, iid)
    assert [(t.key, t.value) for t in info.tags.tags] == [
        ("env", "test"), ("team", "zecd"), ("z", "last")]


def test_create_with_a_key_pair_and_instance_options(profile):
    tf = Provider(profile)
    key = profile.key_pair()
    cfg = Config(password=None, key_id=key,
                 instance_options={"nested_virtualization": True})
    iid, state = apply_create(tf, cfg)
    assert plan(cfg, state) == {}
    assert state["key_id"] == key
    assert state["instance_options"] == [{"nested_virtualization": True}]
    # A block that leaves the flag unset sends false, and reads back false.
    cfg = Config(instance_options={})
    tf2 = Provider(profile)
    iid, state = apply_create(tf2, cfg)
    assert state["instance_options"] == [{"nested_virtualization": False}]


def test_a_failed_create_fails_the_wait_and_read_drops_it(profile):
    tf = Provider(profile)
    profile.create_faults(failures=[{"phase": "deploy", "count": 1}])
    with pytest.raises(TerraformError, match="Failed to reach target status"):
        tf.create(Config())
    [(_, action), *_] = tf.calls
    assert action == "CreateZecInstances"
    [info] = instances_of(profile, tf.created)
    assert info.status == "CREATE_FAILED"
    # The next refresh drops the tainted resource from the state.
    assert tf.read(tf.created) is None


# --------------------------------------------------------------------------------------------
# Update.

def test_update_the_name(profile):
    tf = Provider(profile)
    cfg = Config(instance_name="tf-name-1")
    iid, _ = apply_create(tf, cfg)
    mark = len(tf.calls)
    new = replace(cfg, instance_name="tf-name-2")
    tf.update(iid, cfg, new)
    assert tf.calls_since(mark) == [("v2", "ModifyInstancesAttribute")]
    state = tf.read(iid)
    assert state["instance_name"] == "tf-name-2" and plan(new, state) == {}


def test_update_ip_forwarding_on_and_off(profile):
    tf = Provider(profile)
    cfg = Config()
    iid, _ = apply_create(tf, cfg)
    on = replace(cfg, enable_ip_forwarding=True)
    mark = len(tf.calls)
    tf.update(iid, cfg, on)
    assert tf.calls_since(mark) == [("v1", "StartIpForward")]
    state = tf.read(iid)
    assert state["enable_ip_forwarding"] is True and plan(on, state) == {}
    off = replace(on, enable_ip_forwarding=False)
    mark = len(tf.calls)
    tf.update(iid, on, off)
    assert tf.calls_since(mark) == [("v1", "StopIpForward")]
    state = tf.read(iid)
    assert state["enable_ip_forwarding"] is False and plan(off, state) == {}


RESETS = {
    "image_id": (Config(), {"image_id": "debian12_20251225"}),
    "time_zone": (Config(), {"time_zone": "Europe/Berlin"}),
    "disable_qga_agent": (Config(), {"disable_qga_agent": True}),
    # Key pairs are imported by the test: "first" and "second" stand for their ids.
    "key_id": (Config(password=None, key_id="first"), {"key_id": "second"}),
}


@pytest.mark.parametrize("attribute", list(RESETS))
def test_update_that_reinstalls_stops_resets_and_waits_rebuilding_then_running(
        profile, attribute):
    tf = Provider(profile)
    cfg, change = RESETS[attribute]
    if attribute == "key_id":
        cfg = replace(cfg, key_id=profile.key_pair())
        change = {"key_id": profile.key_pair()}
    iid, _ = apply_create(tf, cfg)
    new = replace(cfg, **change)
    mark, waits = len(tf.calls), len(tf.waits)
    tf.update(iid, cfg, new)
    calls = tf.calls_since(mark)
    # StopInstances v1, DescribeInstances v2 until STOPPED, ResetInstance v2, then the
    # StateChangeConf's DescribeInstances v2 until RUNNING.
    stop_polls = calls.index(("v2", "ResetInstance")) - 1
    reset_wait = tf.waits[waits]
    assert calls == ([("v1", "StopInstances")] + [("v2", "DescribeInstances")] * stop_polls
                     + [("v2", "ResetInstance")]
                     + [("v2", "DescribeInstances")] * len(reset_wait))
    assert reset_wait[-1] == "RUNNING" and set(reset_wait[:-1]) <= {"REBUILDING"}
    if profile.profile == SLOW:
        assert stop_polls > 1, "the stop wait should have seen STOPPING first"
        assert reset_wait[0] == "REBUILDING"
    state = tf.read(iid)
    assert state["instance_status"] == "RUNNING"
    assert plan(new, state) == {}


def test_a_reinstall_of_a_stopped_instance_still_happens(profile):
    # running_flag = false earlier; then the image changes: the provider stops the instance
    # again, and zecd must accept that, or the reinstall silently never happens.
    tf = Provider(profile)
    cfg = Config()
    iid, _ = apply_create(tf, cfg)
    stopped = replace(cfg, running_flag=False)
    tf.update(iid, cfg, stopped)
    assert tf.read(iid)["instance_status"] == "STOPPED"
    new = replace(stopped, image_id="ubuntu2204_20240712")
    mark = len(tf.calls)
    tf.update(iid, stopped, new)
    assert tf.calls_since(mark)[:3] == [("v1", "StopInstances"), ("v2", "DescribeInstances"),
                                        ("v2", "ResetInstance")]
    state = tf.read(iid)
    assert state["image_id"] == "ubuntu2204_20240712"
    assert state["instance_status"] == "RUNNING"


@pytest.mark.parametrize("start_from", ["RUNNING", "STOPPED"])
def test_update_of_the_password_only_starts_the_instance_then_resets_the_password(
        profile, start_from):
    tf = Provider(profile)
    cfg = Config()
    iid, _ = apply_create(tf, cfg)
    if start_from == "STOPPED":
        stopped = replace(cfg, running_flag=False)
        tf.update(iid, cfg, stopped)
        cfg = stopped
    new = replace(cfg, password="An0ther-Pass!")
    mark = len(tf.calls)
    tf.update(iid, cfg, new)
    calls = tf.calls_since(mark)
    polls = len(calls) - 2
    assert calls == ([("v1", "StartInstances")] + [("v2", "DescribeInstances")] * polls
                     + [("v1", "ResetInstancePassword")])
    if start_from == "RUNNING":
        assert polls == 1  # already RUNNING at the first poll
    state = tf.read(iid)
    assert state["instance_status"] == "RUNNING"


def test_update_running_flag_stops_and_starts(profile):
    tf = Provider(profile)
    cfg = Config()
    iid, _ = apply_create(tf, cfg)
    off = replace(cfg, running_flag=False)
    mark = len(tf.calls)
    tf.update(iid, cfg, off)
    calls = tf.calls_since(mark)
    assert calls[0] == ("v1", "StopInstances")
    assert set(calls[1:]) == {("v2", "DescribeInstances")}
    state = tf.read(iid)
    assert state["instance_status"] == "STOPPED" and plan(off, state) == {}
    on = replace(off, running_flag=True)
    mark = len(tf.calls)
    tf.update(iid, off, on)
    assert tf.calls_since(mark)[0] == ("v1", "StartInstances")
    state = tf.read(iid)
    assert state["instance_status"] == "RUNNING" and plan(on, state) == {}


def test_one_apply_that_changes_several_attributes_runs_the_steps_in_order(profile):
    tf = Provider(profile)
    cfg = Config(instance_name="tf-many-1")
    iid, _ = apply_create(tf, cfg)
    new = replace(cfg, instance_name="tf-many-2", enable_ip_forwarding=True,
                  image_id="ubuntu2204_20240712", running_flag=True)
    mark = len(tf.calls)
    tf.update(iid, cfg, new)
    actions = [a for _, a in tf.calls_since(mark) if a != "DescribeInstances"]
    assert actions == ["ModifyInstancesAttribute", "StartIpForward", "StopInstances",
                       "ResetInstance", "StartInstances"]
    state = tf.read(iid)
    assert plan(new, state) == {}


# --------------------------------------------------------------------------------------------
# Delete.

@pytest.mark.parametrize("start_from", ["RUNNING", "STOPPED"])
def test_delete_releases_waits_for_the_recycle_bin_releases_again_and_waits_until_gone(
        profile, start_from):
    tf = Provider(profile)
    cfg = Config()
    iid, _ = apply_create(tf, cfg)
    if start_from == "STOPPED":
        new = replace(cfg, running_flag=False)
        tf.update(iid, cfg, new)
        cfg = new
    mark = len(tf.calls)
    tf.delete(iid, cfg)
    calls = tf.calls_since(mark)
    second = calls.index(("v1", "ReleaseInstances"), 1)
    assert calls[0] == ("v1", "ReleaseInstances")
    assert set(calls[1:second]) == {("v2", "DescribeInstances")}
    assert set(calls[second + 1:]) == {("v2", "DescribeInstances")}
    assert tf.release_results == ["released", "released"]
    assert instances_of(profile, iid) == []
    # A release of the instance now answers INVALID_INSTANCE_NOT_FOUND: the answer Terraform
    # takes for "already gone" on its second release.
    for client in (profile.client(version=V2024), profile.client(version=V2025)):
        with pytest.raises(ZenlayerCloudSdkException) as e:
            sdk_call(client, "ReleaseInstances", instanceIds=[iid])
        assert e.value.code == "INVALID_INSTANCE_NOT_FOUND"
    # And Read drops it.
    assert tf.read(iid) is None


def test_delete_when_the_instance_is_gone_before_the_second_release(profile):
    tf = Provider(profile)
    cfg = Config()
    iid, _ = apply_create(tf, cfg)
    other = profile.client()

    def purge_meanwhile():
        # Someone else empties the recycle bin between the wait and the second release.
        sdk_call(other, "ReleaseInstances", instanceIds=[iid])
        profile.advance("1h")
        assert instances_of(profile, iid) == []

    tf.before_second_release = purge_meanwhile
    tf.delete(iid, cfg)
    assert tf.release_results == ["released", "not found"]
    assert tf.calls[-1] == ("v2", "DescribeInstances")


def test_delete_without_force_leaves_the_instance_in_the_recycle_bin(profile):
    tf = Provider(profile)
    cfg = Config(force_delete=False)
    iid, _ = apply_create(tf, cfg)
    tf.delete(iid, cfg)
    assert tf.release_results == ["released"]
    [info] = instances_of(profile, iid)
    assert info.status == "RECYCLE"
    assert tf.read(iid) is None  # Read drops a recycled instance from the state


def test_every_instance_the_provider_read_had_what_it_dereferences(profile):
    # check_dereferenced ran on every DescribeInstances answer of the tests above; make sure
    # there were some, on this server.
    tf = Provider(profile)
    iid, _ = apply_create(tf, Config())
    tf.delete(iid, Config())
    assert tf.instances_seen >= 3
