"""The zecd pytest plugin (entry point ``pytest11``; active once ``zecd`` is installed).

Fixtures:

- ``zecd_server``: one :class:`zecd.Server` for the session (``--zecd-clock``,
  ``--zecd-transitions``, ``--zecd-binary``).
- ``zecd_admin``: the admin API of the test's server (clock, faults, state, accounts).
- ``zecd_account``: the credentials the test's clients use: with ``--zecd-isolation=account``
  (the default) a fresh account for every test (made through the admin API, no restart); with
  ``shared``, the default account's root key.
- ``zec_client`` (official ``ZecClient``, 2025-09-01), ``zec_client_2024``, ``user_client``,
  ``zrm_client``, ``ccs_client``: official SDK clients for that account.

Marker ``@pytest.mark.zecd(transitions={"deploy": "1s"}, clock="manual", faults={...})``:
``transitions`` and ``clock`` give the test a server started with them (one per distinct
setting, kept for the session); ``faults`` are added for the test and removed after it.
"""

from __future__ import annotations

import time
from typing import Dict, Optional, Tuple

import pytest

from .admin import Credentials
from .server import Server


def pytest_addoption(parser) -> None:
    group = parser.getgroup("zecd", "a local Zenlayer cloud (zecd)")
    group.addoption("--zecd-binary", default=None,
                    help="the zecd binary (default: the one installed with the zecd package)")
    group.addoption("--zecd-clock", default="system", choices=("system", "manual"),
                    help="the lifecycle clock of the session's zecd (default: system)")
    group.addoption("--zecd-transitions", default=None,
                    help="phase durations of the session's zecd, e.g. deploy=1s,stop=500ms")
    group.addoption("--zecd-isolation", default="account", choices=("account", "shared"),
                    help="account: each test gets a fresh account (default); shared: every "
                         "test uses the default account")


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers",
        "zecd(transitions=None, clock=None, faults=None): run the test on a zecd with these "
        "phase durations or clock, and with these fault rules in force")


class _Servers:
    """The session's servers, one per distinct (clock, transitions)."""

    def __init__(self, config) -> None:
        self.config = config
        self.servers: Dict[Tuple[str, Optional[str]], Server] = {}
        self.started = 0
        self.first_ready: Optional[float] = None

    def get(self, clock: str, transitions) -> Server:
        from .server import _transitions
        key = (clock, _transitions(transitions))
        server = self.servers.get(key)
        if server is None:
            requested = time.perf_counter()
            server = Server(clock=clock, transitions=transitions,
                            binary=self.config.getoption("--zecd-binary"))
            server.start()
            self.started += 1
            if self.first_ready is None:
                self.first_ready = time.perf_counter() - requested
            self.servers[key] = server
        return server

    def close(self) -> None:
        for s in self.servers.values():
            s.stop()
        self.servers.clear()


@pytest.fixture(scope="session")
def _zecd_servers(pytestconfig):
    servers = _Servers(pytestconfig)
    pytestconfig._zecd_servers = servers
    yield servers
    servers.close()


@pytest.fixture(scope="session")
def zecd_server(_zecd_servers, pytestconfig) -> Server:
    """The session's zecd."""
    return _zecd_servers.get(pytestconfig.getoption("--zecd-clock"),
                             pytestconfig.getoption("--zecd-transitions"))


@pytest.fixture
def _zecd_test_server(request, _zecd_servers, pytestconfig) -> Server:
    """The server of this test: the session's, or one with the marker's clock/transitions."""
    marker = request.node.get_closest_marker("zecd")
    clock = pytestconfig.getoption("--zecd-clock")
    transitions = pytestconfig.getoption("--zecd-transitions")
    faults = None
    if marker is not None:
        clock = marker.kwargs.get("clock") or clock
        transitions = marker.kwargs.get("transitions") or transitions
        faults = marker.kwargs.get("faults")
    server = _zecd_servers.get(clock, transitions)
    ids = []
    if faults:
        ids = server.admin.create_faults(faults.get("failures", ()), faults.get("errors", ()),
                                         faults.get("seed"))
    yield server
    if ids:
        server.admin.delete_faults(ids)


@pytest.fixture
def zecd_admin(_zecd_test_server):
    """The admin API of the test's zecd."""
    return _zecd_test_server.admin


@pytest.fixture
def zecd_account(_zecd_test_server, pytestconfig) -> Credentials:
    """The test's credentials: a fresh account's key, or the root key (``shared``)."""
    if pytestconfig.getoption("--zecd-isolation") == "shared":
        return _zecd_test_server.credentials
    return _zecd_test_server.new_account()


@pytest.fixture
def zec_client(_zecd_test_server, zecd_account):
    """An official ``ZecClient`` (2025-09-01) for the test's account."""
    return _zecd_test_server.zec_client(zecd_account)


@pytest.fixture
def zec_client_2024(_zecd_test_server, zecd_account):
    """An official ``ZecClient`` of API version 2024-04-01 for the test's account."""
    return _zecd_test_server.zec_client(zecd_account, version="2024-04-01")


@pytest.fixture
def user_client(_zecd_test_server, zecd_account):
    """An official ``UserClient`` (resource groups) for the test's account."""
    return _zecd_test_server.user_client(zecd_account)


@pytest.fixture
def zrm_client(_zecd_test_server, zecd_account):
    """An official ``ZrmClient`` (tags) for the test's account."""
    return _zecd_test_server.zrm_client(zecd_account)


@pytest.fixture
def ccs_client(_zecd_test_server, zecd_account):
    """An official ``CcsClient`` (key pairs) for the test's account."""
    return _zecd_test_server.ccs_client(zecd_account)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    servers = getattr(config, "_zecd_servers", None)
    if servers is not None and servers.first_ready is not None:
        terminalreporter.write_line(
            f"zecd: {servers.started} server(s); the first was ready "
            f"{servers.first_ready * 1000:.0f} ms after it was asked for")
