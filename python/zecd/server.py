"""``zecd.Server``: a zecd on a free port with a data directory of its own, for as long as a
``with`` block (or a test session) lasts."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import subprocess
import sysconfig
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from pathlib import Path
from typing import Iterable, Mapping, Optional, Union

from .admin import Admin, Credentials, ZecdError

_LISTENING = re.compile(r"zecd listening on (https?)://(\S+)")


def binary() -> str:
    """The zecd binary: ``$ZECD_BINARY``, else the one this package installed (the wheel's
    ``zecd`` script), else ``zecd`` on ``PATH``."""
    env = os.environ.get("ZECD_BINARY")
    if env:
        return env
    candidates = [Path(sysconfig.get_path("scripts")) / "zecd"]
    try:
        candidates.append(Path(sysconfig.get_path("scripts", f"{os.name}_user")) / "zecd")
    except KeyError:
        pass
    for c in candidates:
        if c.is_file() and os.access(c, os.X_OK):
            return str(c)
    found = shutil.which("zecd")
    if found:
        return found
    raise ZecdError("NO_BINARY", "no zecd binary: install the zecd wheel, or set ZECD_BINARY")


def _transitions(value: Union[None, str, Mapping[str, str]]) -> Optional[str]:
    if value is None or isinstance(value, str):
        return value or None
    return ",".join(f"{k}={v}" for k, v in value.items())


class Server:
    """A zecd of its own.

    ``clock="manual"`` stops the lifecycle clock (``server.admin.advance("3s")`` moves it);
    ``transitions`` sets phase durations (``{"deploy": "1s"}`` or ``"deploy=1s"``); ``faults``
    is a fault file's path, or rules to add once it runs (``{"failures": [...], "errors":
    [...]}``); ``catalog`` a catalog file; ``database_url`` a PostgreSQL database instead of
    SQLite; ``tls=True`` also serves HTTPS with a local CA (``server.ca_file``); ``args`` more
    ``zecd serve`` flags.
    """

    def __init__(self, *, clock: str = "system",
                 transitions: Union[None, str, Mapping[str, str]] = None,
                 faults: Union[None, str, os.PathLike, Mapping] = None,
                 catalog: Union[None, str, os.PathLike] = None,
                 database_url: Optional[str] = None, tls: bool = False,
                 binary: Optional[str] = None, args: Iterable[str] = (),
                 env: Optional[Mapping[str, str]] = None, data_dir: Optional[str] = None,
                 start_timeout: float = 30.0):
        if clock not in ("system", "manual"):
            raise ValueError("clock is 'system' or 'manual'")
        self.clock = clock
        self.transitions = _transitions(transitions)
        self.faults = faults
        self.catalog = catalog
        self.database_url = database_url
        self.tls = tls
        self.binary = binary
        self.args = list(args)
        self.env = dict(env or {})
        self.start_timeout = start_timeout
        self._own_dir = data_dir is None
        self.data_dir: Optional[Path] = Path(data_dir) if data_dir else None
        self.credentials = Credentials("ZECD" + secrets.token_hex(8).upper(),
                                       secrets.token_urlsafe(24))
        self.endpoint = ""
        self.tls_endpoint: Optional[str] = None
        self.ca_file: Optional[Path] = None
        self.admin: Optional[Admin] = None
        self.startup_seconds: Optional[float] = None
        self._proc: Optional[subprocess.Popen] = None
        self._pump: Optional[threading.Thread] = None
        self._log: deque = deque(maxlen=200)

    # ---- lifecycle ----

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> "Server":
        """Starts zecd and returns once it is ready (``/_zecd/ready`` answers 200)."""
        started = time.perf_counter()
        if self.data_dir is None:
            self.data_dir = Path(tempfile.mkdtemp(prefix="zecd-"))
        cmd = [self.binary or binary(), "serve", "--listen", "127.0.0.1:0",
               "--data-dir", str(self.data_dir), "--clock", self.clock]
        if self.transitions:
            cmd += ["--transition", self.transitions]
        if isinstance(self.faults, (str, os.PathLike)):
            cmd += ["--faults", str(self.faults)]
        if self.catalog:
            cmd += ["--catalog", str(self.catalog)]
        if self.database_url:
            cmd += ["--database-url", self.database_url]
        if self.tls:
            cmd += ["--listen-tls", "127.0.0.1:0", "--tls", "self-signed"]
        cmd += self.args
        env = {k: v for k, v in os.environ.items() if not k.startswith("ZECD_")}
        env.update(self.env)
        # The user's filter, if any (the environment's or `env`), plus what this class reads:
        # the "listening" line of the zecd target.
        log = self.env.get("ZECD_LOG", os.environ.get("ZECD_LOG", "info,zecd::access=off"))
        env.update({
            "ZECD_ACCESS_KEY_ID": self.credentials.access_key_id,
            "ZECD_ACCESS_KEY_PASSWORD": self.credentials.access_key_password,
            "ZECD_LOG": f"{log},zecd=info",
        })
        self._proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                      text=True, start_new_session=True)
        found: dict = {}
        listening = threading.Event()

        def pump(stream) -> None:
            for line in stream:
                self._log.append(line.rstrip("\n"))
                m = _LISTENING.search(line)
                if m:
                    found[m.group(1)] = m.group(2)
                    if m.group(1) == "http":
                        listening.set()
            listening.set()

        self._pump = threading.Thread(target=pump, args=(self._proc.stderr,), daemon=True)
        self._pump.start()
        if not listening.wait(self.start_timeout) or "http" not in found:
            self.stop()
            raise ZecdError("START_FAILED", "zecd did not start:\n" + self.log())
        self.endpoint = found["http"]
        self.tls_endpoint = found.get("https")
        if self.tls:
            self.ca_file = self.data_dir / "tls" / "ca.pem"
        self.admin = Admin(self.endpoint, self.credentials)
        self._wait_ready(started)
        if isinstance(self.faults, Mapping):
            self.admin.create_faults(self.faults.get("failures", ()),
                                     self.faults.get("errors", ()), self.faults.get("seed"))
        self.startup_seconds = time.perf_counter() - started
        return self

    def _wait_ready(self, started: float) -> None:
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/_zecd/ready", timeout=5) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            if time.perf_counter() - started > self.start_timeout:
                self.stop()
                raise ZecdError("START_FAILED", "zecd did not become ready:\n" + self.log())
            time.sleep(0.005)

    def stop(self) -> Optional[int]:
        """Stops zecd (SIGTERM, then SIGKILL after 30 s) and removes the data directory it
        made; returns its exit status."""
        code = None
        if self._proc is not None:
            if self._proc.poll() is None:
                self._proc.send_signal(signal.SIGTERM)
                try:
                    self._proc.wait(30)
                except subprocess.TimeoutExpired:
                    self._proc.kill()
                    self._proc.wait()
            code = self._proc.returncode
            self._proc = None
            # The last lines zecd wrote, before the log is read.
            if self._pump is not None:
                self._pump.join(5)
        if self._own_dir and self.data_dir is not None:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            self.data_dir = None
        return code

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def log(self) -> str:
        """The last lines zecd logged."""
        return "\n".join(self._log)

    @property
    def url(self) -> str:
        return f"http://{self.endpoint}"

    # ---- official SDK clients (``pip install zecd[sdk]``) ----

    def sdk_config(self, **overrides):
        """A ``zenlayercloud`` ``Config`` pointed at this zecd (plain HTTP)."""
        from zenlayercloud.common.config import Config
        settings = dict(scheme="http", domain=self.endpoint)
        settings.update(overrides)
        return Config(**settings)

    def sdk_credential(self, credentials: Optional[Credentials] = None):
        from zenlayercloud.common.credential import Credential
        c = credentials or self.credentials
        return Credential(c.access_key_id, c.access_key_password)

    def zec_client(self, credentials: Optional[Credentials] = None, version: str = "2025-09-01",
                   **config):
        """An official ``ZecClient`` (``version`` 2025-09-01 or 2024-04-01)."""
        if version == "2025-09-01":
            from zenlayercloud.zec.v20250901.zec_client import ZecClient
        elif version == "2024-04-01":
            from zenlayercloud.zec.v20240401.zec_client import ZecClient
        else:
            raise ValueError(f"zec version {version}")
        return ZecClient(self.sdk_credential(credentials), self.sdk_config(**config))

    def user_client(self, credentials: Optional[Credentials] = None, **config):
        """An official ``UserClient`` (resource groups)."""
        from zenlayercloud.user.v20240529.user_client import UserClient
        return UserClient(self.sdk_credential(credentials), self.sdk_config(**config))

    def zrm_client(self, credentials: Optional[Credentials] = None, **config):
        """An official ``ZrmClient`` (tags)."""
        from zenlayercloud.zrm.v20251014.zrm_client import ZrmClient
        return ZrmClient(self.sdk_credential(credentials), self.sdk_config(**config))

    def ccs_client(self, credentials: Optional[Credentials] = None, **config):
        """An official ``CcsClient`` (key pairs)."""
        from zenlayercloud.ccs.v20250901.ccs_client import CcsClient
        return CcsClient(self.sdk_credential(credentials), self.sdk_config(**config))

    def new_account(self, name: Optional[str] = None) -> Credentials:
        """A fresh account and an access key of it (no restart: milliseconds)."""
        name = name or "acct-" + secrets.token_hex(6)
        self.admin.create_account(name)
        return self.admin.create_key(name)
