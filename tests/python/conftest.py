"""Harness for testing zecd with the official, unmodified Python SDK (zenlayercloud-sdk-python).

* ``zecd`` (one server per test module) and ``fresh_zecd`` (one per test) start
  ``zecd serve --listen 127.0.0.1:0 --data-dir <tmp> --transition deploy=1s`` with a known root
  access key, read the port from its "zecd listening on http://127.0.0.1:PORT" log line, and stop
  it with SIGTERM at teardown; ``start_zecd`` starts more on demand (own data dir, catalog,
  environment), e.g. to restart one on the same data directory.
* ``manual_zecd`` (one per module) is a zecd with ``--clock manual`` and the default phase
  durations (``DEFAULT_PHASE_MS``): nothing moves until a test advances its clock.
* ``ZecdServer`` builds SDK clients (HMAC ``Credential`` or ``TokenCredential``, API version
  2025-09-01 or 2024-04-01, any ``Config`` keyword, e.g. ``rate_limit_max_retries``; the
  ``user`` and ``zrm`` clients with ``user_client``/``zrm_client``, all four at once with
  ``clients``; every client records the HTTP status of its last answer in ``last_status``), runs the
  admin subcommands on its data directory, sends raw requests signed with ZC2-HMAC-SHA256
  (implemented here, spec §1.4) for what the SDK cannot send, calls the admin API
  (``admin_api``/``admin_call``, and ``clock``, ``advance``, ``create_faults``, ``faults``,
  ``delete_faults``), and reads its access log (``access_log``).

The binary comes from ``$ZECD_BIN``, else ``<repo>/target/debug/zecd``.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import os
import re
import signal
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import pytest

# The SDK reads HTTP(S)_PROXY itself and ignores NO_PROXY (notes/sdk-python.md §1), and requests
# honours the proxy variables too: none of them may reach a test.
for _var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
    os.environ.pop(_var, None)
    os.environ.pop(_var.lower(), None)

from zenlayercloud.common.config import Config  # noqa: E402
from zenlayercloud.common.credential import Credential, TokenCredential  # noqa: E402
from zenlayercloud.common.excpetion.zenlayer_cloud_sdk_exception import (  # noqa: E402
    ZenlayerCloudSdkException,
)
from zenlayercloud.zec.v20240401 import models as models_2024  # noqa: E402
from zenlayercloud.zec.v20240401.zec_client import ZecClient as ZecClient2024  # noqa: E402
from zenlayercloud.zec.v20250901 import models as models_2025  # noqa: E402
from zenlayercloud.zec.v20250901.zec_client import ZecClient as ZecClient2025  # noqa: E402
from zenlayercloud.user.v20240529 import models as user_models  # noqa: E402
from zenlayercloud.user.v20240529.user_client import UserClient  # noqa: E402
from zenlayercloud.zrm.v20251014 import models as zrm_models  # noqa: E402
from zenlayercloud.zrm.v20251014.zrm_client import ZrmClient  # noqa: E402

REPO = Path(__file__).resolve().parents[2]

# `ZECD_FUZZ_CORPUS=DIR`: every request the SDK sends is kept as a seed for the front_door
# fuzz target (`@Action\n`, a version byte, the body), see scripts/fuzz.
_CORPUS = os.environ.get("ZECD_FUZZ_CORPUS")
if _CORPUS:
    import requests

    _send = requests.request

    def _recording(method, url, **kwargs):
        headers = {k.lower(): v for k, v in (kwargs.get("headers") or {}).items()}
        action = headers.get("x-zc-action")
        body = kwargs.get("data") or b""
        if isinstance(body, str):
            body = body.encode()
        if action and isinstance(body, bytes):
            version = b"\x01" if headers.get("x-zc-version") == "2024-04-01" else b"\x00"
            seed = b"@" + action.encode() + b"\n" + version + body
            Path(_CORPUS).mkdir(parents=True, exist_ok=True)
            name = hashlib.sha1(seed).hexdigest()[:20]
            (Path(_CORPUS) / name).write_bytes(seed)
        return _send(method, url, **kwargs)

    requests.request = _recording
ZECD_BIN = Path(os.environ.get("ZECD_BIN") or REPO / "target" / "debug" / "zecd")

ROOT_KEY_ID = "ZECDTESTROOTKEY0000000001"
ROOT_KEY_PASSWORD = "zecd-test-root-password-0123456789"
DEFAULT_ACCOUNT = "default"

V2025 = "2025-09-01"
V2024 = "2024-04-01"
VERSIONS = (V2025, V2024)
USER_VERSION = "2024-05-29"
ZRM_VERSION = "2025-10-14"
DEFAULT_GROUP_NAME = "Default Resource Group"

ALGORITHM = "ZC2-HMAC-SHA256"

# zecd's admin API (root credential only).
ADMIN_PATH = "/_zecd/api"

# What CreateZecInstances needs, as the built-in catalog offers it.
ZONE = "asia-east-1a"
REGION = "asia-east-1"
IMAGE = "ubuntu2404_20240712"
INSTANCE_TYPE = "z2a.cpu.1"
SUBNET = "1272168087751233112"
PASSWORD = "Passw0rd!"

# Every status DescribeInstancesStatus may report (spec §4.1).
STATUSES = {
    "DEPLOYING", "REBUILDING", "REBOOT", "RUNNING", "STOPPED", "BOOTING", "RELEASING",
    "STOPPING", "RECYCLE", "RECYCLING", "CREATE_FAILED", "IMAGING", "RESIZING",
}

START_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0
LISTENING = re.compile(r"zecd listening on http://127\.0\.0\.1:(\d+)")


# --------------------------------------------------------------------------------------------
# ZC2-HMAC-SHA256 (spec §1.4), independent of the SDK's own signer.

def _sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def zc2_signature(password: str, content_type: str, host: str, timestamp: str | int,
                  body: bytes) -> str:
    """The lowercase hex signature of a request (spec §1.4)."""
    canonical_request = "\n".join([
        "POST",
        "/",
        "",
        f"content-type:{content_type}\nhost:{host}\n",
        "content-type;host",
        _sha256_hex(body),
    ])
    string_to_sign = "\n".join([
        ALGORITHM,
        str(timestamp),
        _sha256_hex(canonical_request.encode("utf-8")),
    ])
    return hmac.new(password.encode("utf-8"), string_to_sign.encode("utf-8"),
                    hashlib.sha256).hexdigest()


def zc2_authorization(key_id: str, password: str, content_type: str, host: str,
                      timestamp: str | int, body: bytes) -> str:
    signature = zc2_signature(password, content_type, host, timestamp, body)
    return f"{ALGORITHM} Credential={key_id}, SignedHeaders=content-type;host, Signature={signature}"


# --------------------------------------------------------------------------------------------
# Raw HTTP.

@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]  # names lower-cased
    body: bytes

    @property
    def json(self):
        return json.loads(self.body)

    @property
    def request_id_header(self) -> str | None:
        return self.headers.get("x-zc-request-id")

    def __repr__(self) -> str:
        return f"RawResponse({self.status}, {self.body[:300]!r})"


_UNSET = object()


# --------------------------------------------------------------------------------------------
# SDK helpers.

def sdk_request(client, action: str, **fields):
    """An empty request model of ``action`` for the client's API version, fields assigned."""
    req = getattr(client.models, action + "Request")()
    for name, value in fields.items():
        setattr(req, name, value)
    return req


def sdk_call(client, action: str, **fields):
    """Calls ``action`` through the SDK and returns its response model."""
    return getattr(client, action)(sdk_request(client, action, **fields))


def sdk_error(client, action: str, **fields) -> ZenlayerCloudSdkException:
    """Calls ``action`` expecting the SDK to raise; returns the exception."""
    try:
        resp = sdk_call(client, action, **fields)
    except ZenlayerCloudSdkException as e:
        return e
    raise AssertionError(f"{action}({fields}) succeeded but an error was expected: {resp}")


def create_fields(**overrides) -> dict:
    """A valid CreateZecInstances request (one instance), with ``overrides`` applied; an
    override of None removes the field."""
    fields = {
        "zoneId": ZONE,
        "imageId": IMAGE,
        "instanceType": INSTANCE_TYPE,
        "subnetId": SUBNET,
        "password": PASSWORD,
        "instanceCount": 1,
    }
    fields.update(overrides)
    return {k: v for k, v in fields.items() if v is not None}


def create_instances(client, count: int = 1, **overrides) -> list[str]:
    """Creates ``count`` instances and returns their ids in the order given."""
    resp = sdk_call(client, "CreateZecInstances", **create_fields(instanceCount=count, **overrides))
    ids = list(resp.instanceIdSet)
    assert len(ids) == count, resp
    return ids


def statuses(client, ids: list[str]) -> dict[str, str]:
    resp = sdk_call(client, "DescribeInstancesStatus", instanceIds=ids)
    return {s.instanceId: s.instanceStatus for s in resp.dataSet}


def wait_until(predicate: Callable[[], object], timeout: float = 30.0, interval: float = 0.1,
               message: str = "condition"):
    """Polls ``predicate`` until it returns something truthy; returns that value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {message}")
        time.sleep(interval)


def wait_for_status(client, ids: list[str], status: str = "RUNNING",
                    timeout: float = 30.0) -> list[dict[str, str]]:
    """Polls DescribeInstancesStatus until every id has ``status``; returns every observation."""
    history: list[dict[str, str]] = []

    def done():
        seen = statuses(client, ids)
        history.append(seen)
        return len(seen) == len(ids) and all(s == status for s in seen.values())

    wait_until(done, timeout=timeout, message=f"{ids} to be {status} (seen {history[-1:]})")
    return history


def _record_status(client) -> None:
    """Makes ``client.last_status`` the HTTP status of the client's last answer (the SDK's
    exceptions do not carry it). Only this client instance is wrapped; the SDK is unchanged."""
    send = client._send_request
    client.last_status = None

    def recording(req):
        resp = send(req)
        client.last_status = resp.status
        return resp

    client._send_request = recording


@dataclass
class SdkClients:
    """The SDK clients of one credential: zec 2025-09-01 and 2024-04-01, user, zrm."""
    zec: object
    zec24: object
    user: object
    zrm: object


def first_use(clients: "SdkClients") -> "SdkClients":
    """Waits (up to 5 s) until a credential made by ``zecd keys/tokens create`` beside the
    running server is accepted, and returns its clients. A brand-new credential can be refused
    (AUTHFAILURE_SIGNATURE_FAILURE) while the server's directory reload races with its first
    request; test_permissions.py tests that race on its own, the other tests wait it out."""

    def accepted():
        try:
            sdk_call(clients.zec, "DescribeInstancesStatus", pageSize=1)
            return True
        except ZenlayerCloudSdkException as e:
            if e.code != "AUTHFAILURE_SIGNATURE_FAILURE":
                raise
            return False

    wait_until(accepted, timeout=5, interval=0.05, message="a new credential to be accepted")
    return clients


def sdk_status_error(client, action: str, **fields) -> tuple[str, int]:
    """Calls ``action`` expecting an error; returns its (code, HTTP status)."""
    e = sdk_error(client, action, **fields)
    return e.code, client.last_status


# --------------------------------------------------------------------------------------------
# The backend: SQLite in each server's data directory, or, with ZECD_TEST_BACKEND=postgres (the
# second run of scripts/test), a PostgreSQL database per data directory on the server
# ZECD_TEST_DATABASE_URL names (so that a restart on the same data directory finds its data).

ON_POSTGRES = os.environ.get("ZECD_TEST_BACKEND") == "postgres"
_DATABASES: set[str] = set()


def _psql(sql: str) -> None:
    url = os.environ["ZECD_TEST_DATABASE_URL"]
    subprocess.run(["psql", url, "-qc", sql], check=True, capture_output=True, timeout=60)


def database_for(data_dir: Path) -> str:
    """The PostgreSQL database of a data directory, made on first use."""
    name = "zecd_py_" + hashlib.sha1(str(data_dir.resolve()).encode()).hexdigest()[:16]
    if name not in _DATABASES:
        _psql(f"CREATE DATABASE {name}")
        _DATABASES.add(name)
    base = os.environ["ZECD_TEST_DATABASE_URL"]
    head, _, query = base.partition("?")
    url = head.rsplit("/", 1)[0] + "/" + name
    return url + ("?" + query if query else "")


def pytest_sessionfinish(session, exitstatus):
    for name in _DATABASES:
        try:
            _psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        except Exception:  # noqa: BLE001 - best effort at the end
            pass


def sqlite_only(what: str) -> None:
    """Skips a test about the SQLite data directory itself on the PostgreSQL run."""
    if ON_POSTGRES:
        pytest.skip(f"{what} is about the SQLite data directory")


# --------------------------------------------------------------------------------------------
# The server.

@dataclass
class ZecdServer:
    data_dir: Path
    transition: str = "deploy=1s"
    key_id: str = ROOT_KEY_ID
    password: str = ROOT_KEY_PASSWORD
    extra_env: dict[str, str] = field(default_factory=dict)
    # False: pass --listen, --data-dir and --transition as ZECD_* environment variables.
    use_flags: bool = True
    # More command-line arguments for ``zecd serve``, e.g. ``["--clock", "manual"]``.
    extra_args: list[str] = field(default_factory=list)
    binary: Path = ZECD_BIN
    port: int | None = None
    process: subprocess.Popen | None = None
    log_lines: list[str] = field(default_factory=list)

    # ---- process ----

    def start(self) -> "ZecdServer":
        if not self.binary.is_file():
            pytest.fail(f"zecd binary not found at {self.binary}; build it or set ZECD_BIN")
        env = {k: v for k, v in os.environ.items() if not k.startswith("ZECD_")}
        if self.key_id is not None:
            env.update({
                "ZECD_ACCESS_KEY_ID": self.key_id,
                "ZECD_ACCESS_KEY_PASSWORD": self.password,
            })
        settings = {"listen": "127.0.0.1:0", "data-dir": str(self.data_dir),
                    "transition": self.transition}
        if ON_POSTGRES:
            settings["database-url"] = database_for(self.data_dir)
        command = [str(self.binary), "serve"]
        if self.use_flags:
            for flag, value in settings.items():
                command += [f"--{flag}", value]
        else:
            for flag, value in settings.items():
                env["ZECD_" + flag.upper().replace("-", "_")] = value
        command += [str(a) for a in self.extra_args]
        env.update(self.extra_env)
        self.log_lines = []
        self.port = None
        listening = threading.Event()
        self.process = subprocess.Popen(
            command,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        proc = self.process

        def pump():
            # Reads the merged output for the process's whole life, so the pipe never fills.
            for raw in proc.stdout:
                line = raw.decode("utf-8", "replace").rstrip("\n")
                self.log_lines.append(line)
                m = LISTENING.search(line)
                if m and not listening.is_set():
                    self.port = int(m.group(1))
                    listening.set()
            listening.set()

        self.pump = threading.Thread(target=pump, name="zecd-log", daemon=True)
        self.pump.start()
        if not listening.wait(START_TIMEOUT) or self.port is None:
            self.kill()
            pytest.fail("zecd did not report a listening port; its log:\n" + self.log)
        return self

    def stop(self) -> int | None:
        """SIGTERM, then wait; returns the exit status."""
        proc = self.process
        if proc is None:
            return None
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.drain()
        return proc.returncode

    def drain(self) -> None:
        """Once zecd has exited: waits for the last lines it wrote to reach the log."""
        pump = getattr(self, "pump", None)
        if pump is not None:
            pump.join(5)

    def kill(self) -> None:
        """SIGKILL, as a crash would."""
        proc = self.process
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()
            self.drain()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def log(self) -> str:
        return "\n".join(self.log_lines)

    @property
    def domain(self) -> str:
        return f"127.0.0.1:{self.port}"

    # ---- admin subcommands (they work on the data directory beside the running server) ----

    def store_args(self) -> list[str]:
        """Where the data is, as the admin subcommands take it."""
        if ON_POSTGRES:
            return ["--database-url", database_for(self.data_dir)]
        return ["--data-dir", str(self.data_dir)]

    def admin_run(self, *args: str) -> subprocess.CompletedProcess:
        """Runs ``zecd ARGS --data-dir D`` (or ``--database-url``), whatever its outcome."""
        return subprocess.run(
            [str(self.binary), *args, *self.store_args()],
            capture_output=True, text=True, timeout=30,
            env={k: v for k, v in os.environ.items() if not k.startswith("ZECD_")},
        )

    def admin(self, *args: str) -> str:
        """Runs an admin subcommand that must succeed; returns its standard output."""
        result = self.admin_run(*args)
        assert result.returncode == 0, (
            f"zecd {' '.join(args)} failed ({result.returncode}):\n{result.stdout}{result.stderr}")
        return result.stdout

    def create_account(self, name: str) -> str:
        return self.admin("accounts", "create", name)

    @staticmethod
    def _scope_args(read_only: bool, resource_groups: Iterable[str]) -> list[str]:
        args = ["--read-only"] if read_only else []
        for g in resource_groups:
            args += ["--resource-group", g]
        return args

    def create_key(self, account: str = DEFAULT_ACCOUNT, read_only: bool = False,
                   resource_groups: Iterable[str] = ()) -> tuple[str, str]:
        """``zecd keys create``; ``read_only``/``resource_groups`` limit what the key may do."""
        out = self.admin("keys", "create", "--account", account,
                         *self._scope_args(read_only, resource_groups))
        values = dict(
            line.strip().split("=", 1) for line in out.splitlines() if "=" in line)
        return (values["ZENLAYERCLOUD_ACCESS_KEY_ID"], values["ZENLAYERCLOUD_ACCESS_KEY_PASSWORD"])

    def delete_key(self, key_id: str, account: str = DEFAULT_ACCOUNT) -> str:
        return self.admin("keys", "delete", key_id, "--account", account)

    def create_token(self, account: str = DEFAULT_ACCOUNT, read_only: bool = False,
                     resource_groups: Iterable[str] = ()) -> tuple[str, str]:
        """Returns (token id, token)."""
        out = self.admin("tokens", "create", "--account", account,
                         *self._scope_args(read_only, resource_groups))
        lines = [l.strip() for l in out.splitlines() if l.strip()]
        for i, line in enumerate(lines):
            m = re.match(r"token id (tok-\S+)$", line)
            if m:
                return m.group(1), lines[i + 1]
        raise AssertionError(f"no token in {lines}")

    def delete_token(self, token_id: str, account: str = DEFAULT_ACCOUNT) -> str:
        return self.admin("tokens", "delete", token_id, "--account", account)

    def account_clients(self, name: str) -> "SdkClients":
        """Creates the account ``name`` and a key of it; returns that key's SDK clients, once
        the key works (see :func:`first_use`)."""
        self.create_account(name)
        return first_use(self.clients(*self.create_key(name)))

    # ---- SDK clients ----

    def config(self, domain: str | None = None, timeout: float = 20, **overrides) -> Config:
        """The SDK Config of the test clients: no retry on REQUEST_LIMIT_EXCEEDED unless
        ``overrides`` (Config's keyword arguments) say otherwise."""
        settings = dict(scheme="http", domain=domain or self.domain, request_timeout=timeout,
                        rate_limit_max_retries=0)
        settings.update(overrides)
        return Config(**settings)

    def client(self, key_id: str | None = None, password: str | None = None,
               version: str = V2025, domain: str | None = None, **config):
        """An SDK ZecClient with HMAC credentials (the root key unless given); ``config`` goes
        to :meth:`config`."""
        cred = Credential(key_id or self.key_id, password or self.password)
        return self._client(cred, version, domain, **config)

    def client_2024(self, key_id: str | None = None, password: str | None = None):
        return self.client(key_id, password, version=V2024)

    def token_client(self, token: str, version: str = V2025):
        return self._client(TokenCredential(token), version, None)

    def user_client(self, key_id: str | None = None, password: str | None = None,
                    token: str | None = None):
        """An SDK UserClient (resource groups, 2024-05-29): a token's, else an HMAC key's (the
        root key unless given)."""
        return self._client(self._credential(key_id, password, token), USER_VERSION, None)

    def zrm_client(self, key_id: str | None = None, password: str | None = None,
                   token: str | None = None):
        """An SDK ZrmClient (tags, 2025-10-14), credentials as :meth:`user_client`."""
        return self._client(self._credential(key_id, password, token), ZRM_VERSION, None)

    def key_pair(self, name: str | None = None, key_id: str | None = None,
                 password: str | None = None) -> str:
        """Imports a key pair (an Ed25519 key of ssh_keys.py) into the account of a credential
        (the root key unless given) through the SDK's CcsClient; its ``keyId``."""
        from ssh_keys import ED25519
        from zenlayercloud.ccs.v20250901 import models as ccs_models
        from zenlayercloud.ccs.v20250901.ccs_client import CcsClient
        c = CcsClient(self._credential(key_id, password, None), self.config())
        req = ccs_models.ImportKeyPairRequest()
        req.keyName = name or f"k-{uuid.uuid4().hex[:16]}"
        req.publicKey = ED25519
        return c.ImportKeyPair(req).keyId

    def clients(self, key_id: str | None = None, password: str | None = None,
                token: str | None = None) -> "SdkClients":
        """The four SDK clients of one credential."""
        cred = self._credential(key_id, password, token)
        return SdkClients(*(self._client(cred, v, None)
                            for v in (V2025, V2024, USER_VERSION, ZRM_VERSION)))

    def _credential(self, key_id: str | None, password: str | None, token: str | None):
        if token is not None:
            return TokenCredential(token)
        return Credential(key_id or self.key_id, password or self.password)

    def _client(self, cred, version: str, domain: str | None, **config):
        if version == V2025:
            c, m = ZecClient2025(cred, self.config(domain, **config)), models_2025
        elif version == V2024:
            c, m = ZecClient2024(cred, self.config(domain, **config)), models_2024
        elif version == USER_VERSION:
            c, m = UserClient(cred, self.config(domain, **config)), user_models
        elif version == ZRM_VERSION:
            c, m = ZrmClient(cred, self.config(domain, **config)), zrm_models
        else:
            raise ValueError(version)
        c.models = m
        _record_status(c)
        return c

    # ---- the admin API (POST /_zecd/api, root key only) ----

    def admin_api(self, action: str, body: dict | None = None, **raw_kwargs) -> RawResponse:
        """One admin API call, signed like a zec call (by the root key unless ``key_id`` and
        ``password`` say otherwise); returns the raw answer, whatever it is."""
        raw_kwargs.setdefault("version", None)
        return self.raw(action, json.dumps(body if body is not None else {}),
                        path=ADMIN_PATH, **raw_kwargs)

    def admin_call(self, action: str, body: dict | None = None) -> dict:
        """An admin API call that must succeed; returns its ``response`` object."""
        r = self.admin_api(action, body)
        assert r.status == 200, f"{action}({body}): {r}"
        envelope = r.json
        assert envelope["response"]["requestId"] == envelope["requestId"], envelope
        return envelope["response"]

    def clock(self) -> dict:
        """DescribeClock: ``{"mode", "now", "nowMillis", ...}``."""
        return self.admin_call("DescribeClock")

    def advance(self, by: str) -> dict:
        """AdvanceClock by a duration such as ``"2s"`` or ``"1999ms"``; returns the clock."""
        return self.admin_call("AdvanceClock", {"by": by})

    def create_faults(self, failures: list[dict] = (), errors: list[dict] = ()) -> list[str]:
        """CreateFaults; returns the ids given to the rules."""
        body = {"failures": list(failures), "errors": list(errors)}
        return self.admin_call("CreateFaults", body)["ids"]

    def faults(self) -> dict:
        """DescribeFaults: the rules in force, with the counts they have left."""
        return self.admin_call("DescribeFaults")

    def delete_faults(self, ids: list[str] | None = None) -> int:
        """DeleteFaults (all of them unless ``ids``); returns how many went."""
        return self.admin_call("DeleteFaults", {"ids": ids} if ids is not None else {})["deleted"]

    def access_log(self, action: str) -> list[str]:
        """The access-log lines of calls of ``action`` so far."""
        pattern = re.compile(r'zecd::access.*\baction="?' + re.escape(action) + r'(?:"|\s|$)')
        return [line for line in list(self.log_lines) if pattern.search(line)]

    # ---- raw signed requests ----

    def raw(self, action: str | None = "DescribeInstancesStatus", body: bytes | str = b"{}", *,
            method: str = "POST", path: str = "/api/v2/zec",
            content_type: str | None = "application/json", host: str | None = None,
            timestamp: int | str | None = None, version: str | None = V2025,
            key_id: str | None = None, password: str | None = None,
            token: str | None = None, authorization=_UNSET,
            sign_body: bytes | None = None, sign_content_type: str | None = None,
            sign_host: str | None = None, headers: dict[str, str] | None = None,
            omit: Iterable[str] = (), chunked: bool = False,
            timeout: float = 30) -> RawResponse:
        """Sends one request with full control of the bytes.

        By default it is signed with ZC2-HMAC-SHA256 by the root key over exactly what is sent;
        ``sign_*`` sign something else than what is sent, ``token`` uses a bearer token,
        ``authorization`` sends a literal header (None: no header). ``omit`` drops headers by
        (lower-case) name; ``headers`` adds or replaces headers (sent with the case given)."""
        if isinstance(body, str):
            body = body.encode("utf-8")
        host = self.domain if host is None else host
        ts = str(int(time.time()) if timestamp is None else timestamp)
        hdrs: dict[str, str] = {"Host": host}
        if content_type is not None:
            hdrs["Content-Type"] = content_type
        if action is not None:
            hdrs["x-zc-action"] = action
        if version is not None:
            hdrs["x-zc-version"] = version
        if authorization is _UNSET:
            if token is not None:
                hdrs["Authorization"] = f"Bearer {token}"
            else:
                hdrs["x-zc-signature-method"] = ALGORITHM
                hdrs["x-zc-timestamp"] = ts
                hdrs["Authorization"] = zc2_authorization(
                    key_id or self.key_id, password or self.password,
                    sign_content_type if sign_content_type is not None else (content_type or ""),
                    sign_host if sign_host is not None else host,
                    ts,
                    sign_body if sign_body is not None else body,
                )
        elif authorization is not None:
            hdrs["x-zc-signature-method"] = ALGORITHM
            hdrs["x-zc-timestamp"] = ts
            hdrs["Authorization"] = authorization
        for name, value in (headers or {}).items():
            for existing in [k for k in hdrs if k.lower() == name.lower()]:
                del hdrs[existing]
            hdrs[name] = value
        dropped = {o.lower() for o in omit}
        hdrs = {k: v for k, v in hdrs.items() if k.lower() not in dropped}

        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            try:
                if chunked:
                    pieces = [body[i:i + 65536] for i in range(0, len(body), 65536)]
                    conn.request(method, path, body=iter(pieces), headers=hdrs,
                                 encode_chunked=True)
                else:
                    send_body = body if (body or method == "POST") else None
                    conn.request(method, path, body=send_body, headers=hdrs)
            except (BrokenPipeError, ConnectionResetError):
                # The server may answer (e.g. "body too large") and close before reading the
                # whole body; like urllib3, read the answer it sent.
                pass
            resp = conn.getresponse()
            data = resp.read()
            return RawResponse(resp.status, {k.lower(): v for k, v in resp.getheaders()}, data)
        finally:
            conn.close()


def pytest_configure(config):
    # The 2025 SDK model warns on every ZoneInfo it reads (supportSecurityGroup is deprecated).
    config.addinivalue_line(
        "filterwarnings", "ignore:supportSecurityGroup:DeprecationWarning")


def _start(data_dir: Path, **kwargs) -> ZecdServer:
    return ZecdServer(data_dir=data_dir, **kwargs).start()


@pytest.fixture(scope="module")
def zecd(tmp_path_factory):
    """One zecd shared by the tests of a module."""
    server = _start(tmp_path_factory.mktemp("zecd"))
    yield server
    server.stop()


# The documented default phase durations (issue 3, `zecd serve --help`), in milliseconds.
DEFAULT_PHASE_MS = {
    "deploy": 3000, "boot": 2000, "stop": 2000, "reboot": 2000,
    "rebuild": 4000, "resize": 3000, "release": 2000, "recycle": 2000,
}


@pytest.fixture(scope="module")
def manual_zecd(tmp_path_factory):
    """One zecd with a manual lifecycle clock and the default phase durations, shared by the
    tests of a module. Its clock moves only when a test advances it."""
    server = _start(tmp_path_factory.mktemp("zecd-manual"), transition="",
                    extra_args=["--clock", "manual"])
    yield server
    server.stop()


@pytest.fixture
def fresh_zecd(tmp_path):
    """A zecd of this test's own."""
    server = _start(tmp_path / "data")
    yield server
    server.stop()


@pytest.fixture
def start_zecd(tmp_path):
    """Starts servers on demand (``start_zecd(data_dir=..., extra_env=...)``); all are stopped
    at teardown."""
    started: list[ZecdServer] = []

    def start(data_dir: Path | None = None, **kwargs) -> ZecdServer:
        server = _start(data_dir or tmp_path / "data", **kwargs)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
