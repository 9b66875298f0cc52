"""Running zecd as a service (issue 13): HTTPS, health and readiness, Prometheus metrics,
per-credential request limits, and the state of accounts exported, imported and reset.

* HTTPS: ``--listen-tls ADDR --tls self-signed [--tls-name N]...`` makes a local CA once
  (DATA_DIR/tls/ca.pem, its key 0600), signs a server certificate for localhost, 127.0.0.1, ::1
  and the names at every start, prints the CA's path on stdout; ``--tls-cert``/``--tls-key``
  serve PEM files. Plain HTTP keeps listening on ``--listen``. The official SDK (``Config
  .certification``), ``requests`` (REQUESTS_CA_BUNDLE) and ``ssl`` trust the CA and nothing else.
* ``GET /_zecd/health`` and ``/_zecd/ready``: no credential, JSON that names no account; any
  other method gets the vendor's error envelope.
* ``GET /metrics``: OpenMetrics text, read with ``prometheus_client``'s two parsers; the
  counters move by exactly what was done; ``--metrics-token`` guards it.
* ``--rate-limit`` (and ZECD_RATE_LIMIT): token buckets per credential and per action;
  REQUEST_LIMIT_EXCEEDED (429) in the vendor's envelope, no Retry-After; the admin API is never
  limited; the SDK's own retry gets through.
* Admin ExportState / ImportState / ResetAccount and the offline ``zecd export`` / ``zecd
  import``: a varied account answers every Describe identically after a round trip into a fresh
  zecd, phases in flight keep the time they had left, bad documents change nothing.

Servers started here (2 cores): module-scoped where they can be shared; a test starts its own
only to restart or stop one, or to import into a zecd that has never seen the account.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from prometheus_client import parser as classic_parser
from prometheus_client.openmetrics import parser as om_parser

from conftest import (
    DEFAULT_ACCOUNT,
    DEFAULT_GROUP_NAME,
    IMAGE,
    INSTANCE_TYPE,
    ON_POSTGRES,
    PASSWORD,
    REGION,
    ROOT_KEY_ID,
    ROOT_KEY_PASSWORD,
    SUBNET,
    V2025,
    ZECD_BIN,
    ZONE,
    RawResponse,
    ZecdServer,
    ZenlayerCloudSdkException,
    _start,
    create_instances,
    first_use,
    sdk_call,
    sdk_error,
    statuses,
    wait_for_status,
    wait_until,
)
from ssh_keys import ED25519

HTTPS_LISTENING = re.compile(r"zecd listening on https://127\.0\.0\.1:(\d+)")
HTTP_LISTENING = re.compile(r"zecd listening on http://127\.0\.0\.1:(\d+)")
CA_LINE = re.compile(r"^zecd: HTTPS certificates are signed by the local CA (.+)$")

# The SAN of every self-signed certificate, and the names this module adds.
LOCAL_SANS = (("DNS", "localhost"), ("IP Address", "127.0.0.1"),
              ("IP Address", "0:0:0:0:0:0:0:1"))
EXTRA_NAME = "zecd.test"
EXTRA_ADDRESS = "10.1.2.3"

METRICS_TOKEN = "scrape-me-0123456789"
OPENMETRICS = "application/openmetrics-text"

USER_PATH, USER_VERSION = "/api/v2/user", "2024-05-29"
CCS_PATH, CCS_VERSION = "/api/v2/ccs", "2025-09-01"
ZEC_PATH = "/api/v2/zec"

# The phases of a manual-clock zecd (DEFAULT_PHASE_MS and `zecd serve --help`), in ms.
DEPLOY, STOP, DISK_CREATE, SNAPSHOT_CREATE, EIP_CREATE, NIC_CREATE = (
    3000, 2000, 2000, 2000, 1000, 1000)

_counter = iter(range(10**6))


def unique(prefix: str) -> str:
    return f"{prefix}{next(_counter)}"


# --------------------------------------------------------------------------------------------
# Plain HTTP, HTTPS and subprocess helpers.

def http_request(port: int, path: str, method: str = "GET", headers: dict | None = None,
                 body: bytes | None = None) -> RawResponse:
    """One plain-HTTP request with no credential unless ``headers`` carry one."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return RawResponse(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
    finally:
        conn.close()


def tls_port(server: ZecdServer) -> int:
    """The HTTPS port of a zecd started with --listen-tls, from its log."""
    for line in server.log_lines:
        m = HTTPS_LISTENING.search(line)
        if m:
            return int(m.group(1))
    raise AssertionError("no `zecd listening on https://` line in the log:\n" + server.log)


def peer_cert(port: int, cafile: str | Path, server_hostname: str) -> dict:
    """Handshakes with 127.0.0.1:port trusting only ``cafile`` and checking ``server_hostname``
    against the certificate; returns the verified peer certificate."""
    ctx = ssl.create_default_context(cafile=str(cafile))
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        with ctx.wrap_socket(sock, server_hostname=server_hostname) as tls:
            return tls.getpeercert()


_REQUESTS_GET = r"""
import json, sys, requests
try:
    r = requests.get(sys.argv[1], timeout=10)
    print(json.dumps({"status": r.status_code, "body": r.text}))
except requests.exceptions.SSLError as e:
    print(json.dumps({"ssl_error": str(e)}))
"""


def requests_get(url: str, ca_bundle: str | Path | None) -> dict:
    """``requests.get(url)`` in a child Python whose environment has REQUESTS_CA_BUNDLE set to
    ``ca_bundle`` (or no CA variable at all): ``{"status", "body"}`` or ``{"ssl_error"}``."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR")
           and "proxy" not in k.lower()}
    if ca_bundle is not None:
        env["REQUESTS_CA_BUNDLE"] = str(ca_bundle)
    out = subprocess.run([sys.executable, "-c", _REQUESTS_GET, url], env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def https_client(server: ZecdServer, port: int, ca: str | Path | None, host: str = "127.0.0.1",
                 **config):
    """The official SDK's ZecClient over HTTPS: ``Config(scheme="https", domain=HOST:PORT,
    certification=ca)``."""
    return server.client(domain=f"{host}:{port}", scheme="https",
                         certification=None if ca is None else str(ca), **config)


def zecd_env() -> dict:
    return {k: v for k, v in os.environ.items() if not k.startswith("ZECD_")}


def serve_fails(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    """Runs ``zecd serve`` with ``args``, expecting it to exit (not to serve)."""
    cmd = [str(ZECD_BIN), "serve", "--listen", "127.0.0.1:0", "--data-dir", str(tmp), *args]
    try:
        return subprocess.run(cmd, env=zecd_env(), capture_output=True, text=True, timeout=20,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"`zecd serve {' '.join(args)}` kept running; it must refuse")


class Serving:
    """``zecd serve`` with stdout and stderr kept apart (conftest merges them), for what must
    be printed on stdout."""

    def __init__(self, data_dir: Path, *args: str):
        self.data_dir = data_dir
        self.out_path = data_dir.parent / f"{data_dir.name}.{unique('o')}.stdout"
        self.err_path = data_dir.parent / f"{data_dir.name}.{unique('e')}.stderr"
        env = zecd_env()
        env.update({"ZECD_ACCESS_KEY_ID": ROOT_KEY_ID,
                    "ZECD_ACCESS_KEY_PASSWORD": ROOT_KEY_PASSWORD})
        self.out = open(self.out_path, "wb")
        self.err = open(self.err_path, "wb")
        self.proc = subprocess.Popen(
            [str(ZECD_BIN), "serve", "--listen", "127.0.0.1:0", "--data-dir", str(data_dir),
             *args], env=env, stdin=subprocess.DEVNULL, stdout=self.out, stderr=self.err)

        def listening():
            if self.proc.poll() is not None:
                raise AssertionError(f"zecd exited: {self.stderr}")
            return HTTP_LISTENING.search(self.stderr)

        m = wait_until(listening, timeout=30, message="zecd to listen")
        self.port = int(m.group(1))
        self.tls_port = int(HTTPS_LISTENING.search(self.stderr).group(1))

    @property
    def stdout(self) -> str:
        return self.out_path.read_text()

    @property
    def stderr(self) -> str:
        return self.err_path.read_text()

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.out.close()
        self.err.close()
        return self.proc.returncode


# --------------------------------------------------------------------------------------------
# Servers shared by the module.

@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    """A zecd serving HTTPS with a self-signed certificate that also names zecd.test and
    10.1.2.3, and plain HTTP beside it."""
    s = _start(tmp_path_factory.mktemp("zecd-tls") / "data",
               extra_args=["--listen-tls", "127.0.0.1:0", "--tls", "self-signed",
                           "--tls-name", EXTRA_NAME, "--tls-name", EXTRA_ADDRESS])
    yield s
    s.stop()


@pytest.fixture(scope="module")
def other_ca_server(tmp_path_factory):
    """Another self-signed zecd: another data directory, so another CA."""
    s = _start(tmp_path_factory.mktemp("zecd-tls-other") / "data",
               extra_args=["--listen-tls", "127.0.0.1:0", "--tls", "self-signed"])
    yield s
    s.stop()


def ca_of(server: ZecdServer) -> Path:
    return server.data_dir / "tls" / "ca.pem"


@pytest.fixture(scope="module")
def ops_server(tmp_path_factory):
    """A zecd with a manual clock whose /metrics needs a bearer token; nothing else creates
    resources on it but the metrics tests."""
    s = _start(tmp_path_factory.mktemp("zecd-ops") / "data", transition="",
               extra_args=["--clock", "manual", "--metrics-token", METRICS_TOKEN])
    yield s
    s.stop()


@pytest.fixture(scope="module")
def rate_server(tmp_path_factory):
    """``--rate-limit DescribeInstances=2/m --rate-limit DescribeInstancesStatus=2/s``: two
    actions limited, no limit on every action."""
    s = _start(tmp_path_factory.mktemp("zecd-rate") / "data",
               extra_args=["--rate-limit", "DescribeInstances=2/m",
                           "--rate-limit", "DescribeInstancesStatus=2/s"])
    yield s
    s.stop()


@dataclass
class EnvRate:
    server: ZecdServer
    keys: dict[str, tuple[str, str]]


@pytest.fixture(scope="module")
def env_rate(tmp_path_factory):
    """``ZECD_RATE_LIMIT=3/m,DescribeZones=1/h``: 3 calls a minute of anything per credential,
    DescribeZones once an hour. Its accounts and keys are made before it starts, so that no
    call is spent waiting for a new key to be accepted."""
    s = ZecdServer(data_dir=tmp_path_factory.mktemp("zecd-env-rate") / "data",
                   extra_env={"ZECD_RATE_LIMIT": "3/m,DescribeZones=1/h"})
    keys = {}
    for name in ("every", "hourly"):
        s.create_account(name)
        keys[name] = s.create_key(name)
    s.start()
    yield EnvRate(s, keys)
    s.stop()


# --------------------------------------------------------------------------------------------
# 1. HTTPS.

def test_sdk_over_https_trusting_the_local_ca(tls_server):
    """As a user I start zecd with --listen-tls and --tls self-signed, point the official SDK's
    Config at https://127.0.0.1:PORT with certification = the CA file zecd printed, and make
    real calls over HTTPS while plain HTTP keeps answering on --listen."""
    ca = ca_of(tls_server)
    lines = tls_server.log_lines
    ca_lines = [CA_LINE.match(line) for line in lines if CA_LINE.match(line)]
    assert [m.group(1) for m in ca_lines] == [str(ca)], tls_server.log
    https_at = [i for i, line in enumerate(lines) if HTTPS_LISTENING.search(line)]
    http_at = [i for i, line in enumerate(lines) if HTTP_LISTENING.search(line)]
    assert len(https_at) == 1 and len(http_at) == 1 and https_at[0] < http_at[0], tls_server.log
    port = tls_port(tls_server)
    assert port != tls_server.port

    sdk = https_client(tls_server, port, ca)
    [iid] = create_instances(sdk, 1)
    assert statuses(sdk, [iid])[iid] in ("DEPLOYING", "RUNNING")
    wait_for_status(sdk, [iid], "RUNNING")
    # The same server over plain HTTP.
    assert statuses(tls_server.client(), [iid]) == {iid: "RUNNING"}
    assert sdk.last_status == 200


def test_tls_files_are_private_and_the_server_cert_is_signed_by_the_ca(tls_server):
    """As an operator I find the CA (ca.pem), its key (0600) and the server's certificate in
    DATA_DIR/tls, the certificate issued by the CA for the local names."""
    tls = tls_server.data_dir / "tls"
    assert sorted(p.name for p in tls.iterdir()) == [
        "ca-key.pem", "ca.pem", "server-key.pem", "server.pem"]
    assert (tls / "ca-key.pem").stat().st_mode & 0o777 == 0o600
    assert (tls / "server-key.pem").stat().st_mode & 0o777 == 0o600
    ca = ssl._ssl._test_decode_cert(str(tls / "ca.pem"))
    leaf = ssl._ssl._test_decode_cert(str(tls / "server.pem"))
    assert leaf["issuer"] == ca["subject"]


def test_requests_trusts_the_ca_through_requests_ca_bundle(tls_server):
    """As a user of plain `requests` I export REQUESTS_CA_BUNDLE=<the CA file> and GET
    https://localhost:PORT/_zecd/health; without it, verification fails."""
    url = f"https://localhost:{tls_port(tls_server)}/_zecd/health"
    assert requests_get(url, ca_of(tls_server)) == {"status": 200, "body": '{"status":"ok"}'}
    refused = requests_get(url, None)
    assert "CERTIFICATE_VERIFY_FAILED" in refused.get("ssl_error", ""), refused
    other = requests_get(url, ca_of(tls_server).parent / "server.pem")  # not a CA
    assert "CERTIFICATE_VERIFY_FAILED" in other.get("ssl_error", ""), other


def test_a_wrong_ca_is_refused_by_every_client(tls_server, other_ca_server):
    """As a user, trusting the wrong CA (another zecd's), or only the public CAs, I get a TLS
    verification error from the SDK, requests and ssl alike: nothing reaches the API."""
    port = tls_port(tls_server)
    wrong = ca_of(other_ca_server)
    assert wrong.read_bytes() != ca_of(tls_server).read_bytes()
    for ca in (wrong, None):  # None: the SDK's own bundle (certifi)
        e = sdk_error(https_client(tls_server, port, ca), "DescribeInstancesStatus")
        assert e.code == "NETWORK_ERROR", (ca, e.code, e.message)
        assert "CERTIFICATE_VERIFY_FAILED" in e.message, (ca, e.message)
    got = requests_get(f"https://127.0.0.1:{port}/_zecd/health", wrong)
    assert "CERTIFICATE_VERIFY_FAILED" in got.get("ssl_error", ""), got
    with pytest.raises(ssl.SSLCertVerificationError):
        peer_cert(port, wrong, "localhost")
    # And the other way round: the right CA for the other server is the wrong one here.
    with pytest.raises(ssl.SSLCertVerificationError):
        peer_cert(tls_port(other_ca_server), ca_of(tls_server), "localhost")


def test_tls_name_adds_subject_alternative_names(tls_server, other_ca_server):
    """As an operator who reaches zecd by another name I add --tls-name zecd.test and
    --tls-name 10.1.2.3: the certificate is valid for them as well as the local names, and
    for nothing else; a zecd without --tls-name has only the local names."""
    port = tls_port(tls_server)
    ca = ca_of(tls_server)
    cert = peer_cert(port, ca, EXTRA_NAME)
    assert tuple(cert["subjectAltName"]) == LOCAL_SANS + (
        ("DNS", EXTRA_NAME), ("IP Address", EXTRA_ADDRESS))
    for name in ("localhost", "127.0.0.1", EXTRA_ADDRESS):
        assert peer_cert(port, ca, name)["serialNumber"] == cert["serialNumber"]
    with pytest.raises(ssl.SSLCertVerificationError):
        peer_cert(port, ca, "elsewhere.test")
    plain = peer_cert(tls_port(other_ca_server), ca_of(other_ca_server), "localhost")
    assert tuple(plain["subjectAltName"]) == LOCAL_SANS
    # The SDK reaching the server as "localhost" (the Host it signs) works too.
    sdk = https_client(tls_server, port, ca, host="localhost")
    assert sdk_call(sdk, "DescribeInstancesStatus", pageSize=1).requestId


def test_the_ca_is_kept_across_restarts_and_the_server_cert_is_signed_again(tmp_path):
    """As a user who trusted the CA once, I restart zecd on the same data directory: ca.pem
    and its key are the same bytes, the server certificate is a new one signed by the same CA,
    my old copy of the CA still verifies it, and the CA's path is printed on stdout each time."""
    data = tmp_path / "data"
    first = Serving(data, "--listen-tls", "127.0.0.1:0", "--tls", "self-signed")
    try:
        tls = data / "tls"
        kept = tmp_path / "trusted-ca.pem"
        shutil.copy(tls / "ca.pem", kept)
        ca_key = (tls / "ca-key.pem").read_bytes()
        leaf1 = peer_cert(first.tls_port, kept, "localhost")
    finally:
        assert first.stop() == 0
    assert f"zecd: HTTPS certificates are signed by the local CA {tls / 'ca.pem'}\n" in \
        first.stdout, first.stdout
    assert "signed by the local CA" not in first.stderr

    second = Serving(data, "--listen-tls", "127.0.0.1:0", "--tls", "self-signed")
    try:
        assert (tls / "ca.pem").read_bytes() == kept.read_bytes()
        assert (tls / "ca-key.pem").read_bytes() == ca_key
        leaf2 = peer_cert(second.tls_port, kept, "localhost")
        assert leaf2["serialNumber"] != leaf1["serialNumber"]
        assert leaf2["issuer"] == leaf1["issuer"]
        server = ZecdServer(data_dir=data, port=second.port)
        sdk = https_client(server, second.tls_port, kept)
        assert sdk_call(sdk, "DescribeInstancesStatus", pageSize=1).totalCount == 0
    finally:
        assert second.stop() == 0
    assert f"zecd: HTTPS certificates are signed by the local CA {tls / 'ca.pem'}\n" in \
        second.stdout, second.stdout


def test_certificate_and_key_files(start_zecd, other_ca_server, tmp_path):
    """As an operator with my own certificate I start zecd with --tls-cert and --tls-key (PEM
    files; here the certificate another zecd made): clients trusting that certificate's CA
    get through, zecd makes no CA of its own, and a client trusting another CA is refused."""
    files = tmp_path / "pki"
    files.mkdir()
    cert, key = files / "cert.pem", files / "key.pem"
    shutil.copy(other_ca_server.data_dir / "tls" / "server.pem", cert)
    shutil.copy(other_ca_server.data_dir / "tls" / "server-key.pem", key)
    server = start_zecd(tmp_path / "files-data",
                        extra_args=["--listen-tls", "127.0.0.1:0", "--tls-cert", str(cert),
                                    "--tls-key", str(key)])
    port = tls_port(server)
    trusted = ca_of(other_ca_server)
    assert not any(CA_LINE.match(line) for line in server.log_lines), server.log
    assert not (server.data_dir / "tls" / "ca.pem").exists()
    served = peer_cert(port, trusted, "localhost")
    assert served == peer_cert(tls_port(other_ca_server), trusted, "localhost")
    sdk = https_client(server, port, trusted)
    [iid] = create_instances(sdk, 1)
    assert list(statuses(sdk, [iid])) == [iid]
    assert requests_get(f"https://localhost:{port}/_zecd/ready", trusted) == {
        "status": 200, "body": '{"status":"ready"}'}
    # A name the certificate does not have, or only the public CAs: refused.
    with pytest.raises(ssl.SSLCertVerificationError):
        peer_cert(port, trusted, "elsewhere.test")
    e = sdk_error(https_client(server, port, None), "DescribeInstancesStatus")
    assert e.code == "NETWORK_ERROR" and "CERTIFICATE_VERIFY_FAILED" in e.message, e.message


def test_https_half_configured_is_refused_at_start(tmp_path):
    """As an operator who forgot half of the HTTPS settings, zecd tells me and exits non-zero
    instead of serving without them: --listen-tls without a certificate, or a certificate
    (self-signed or files) without --listen-tls."""
    pem = tmp_path / "x.pem"
    pem.write_text("not used")
    cases = [
        ["--listen-tls", "127.0.0.1:0"],
        ["--tls", "self-signed"],
        ["--tls-cert", str(pem), "--tls-key", str(pem)],
    ]
    for n, args in enumerate(cases):
        r = serve_fails(tmp_path / f"d{n}", *args)
        assert r.returncode != 0, (args, r.stdout, r.stderr)
        assert "--listen-tls" in r.stderr, (args, r.stderr)
        assert "listening on" not in r.stderr + r.stdout, (args, r.stderr)
    # Files that are not a certificate: refused, naming the file.
    r = serve_fails(tmp_path / "d-bad", "--listen-tls", "127.0.0.1:0", "--tls-cert", str(pem),
                    "--tls-key", str(pem))
    assert r.returncode != 0 and str(pem) in r.stderr, r.stderr


# --------------------------------------------------------------------------------------------
# 2. Health and readiness.

def test_health_and_ready_need_no_credential_and_name_no_account(ops_server):
    """As a load balancer I GET /_zecd/health and /_zecd/ready with no credential at all and
    get 200 with a small JSON body that says nothing about any account."""
    health = http_request(ops_server.port, "/_zecd/health")
    assert (health.status, health.json) == (200, {"status": "ok"})
    assert health.headers["content-type"].startswith("application/json")
    ready = http_request(ops_server.port, "/_zecd/ready")
    assert (ready.status, ready.json) == (200, {"status": "ready"})
    for r in (health, ready):
        text = r.body.decode()
        assert DEFAULT_ACCOUNT not in text and ROOT_KEY_ID not in text


@pytest.mark.parametrize("path", ["/_zecd/health", "/_zecd/ready", "/metrics"])
@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_other_methods_get_the_vendor_error_envelope(ops_server, path, method):
    """As a client that sends the wrong method to a service endpoint I get the vendor's error
    envelope (requestId, code INVALID_PARAMETER_VALUE, message), like any refused API call."""
    r = http_request(ops_server.port, path, method=method, body=b"{}",
                     headers={"Content-Type": "application/json",
                              "Authorization": f"Bearer {METRICS_TOKEN}"})
    assert r.status == 400, r
    body = r.json
    assert set(body) == {"requestId", "code", "message"}, body
    assert body["code"] == "INVALID_PARAMETER_VALUE"
    assert body["requestId"] and r.request_id_header == body["requestId"]
    assert method in body["message"], body


def test_ready_answers_503_draining_during_the_shutdown_delay(start_zecd):
    """As a load balancer I see /_zecd/ready turn 503 {"status": "draining"} as soon as zecd is
    told to stop (with --shutdown-delay), while health and the API still answer, so that I
    stop sending before zecd stops accepting."""
    server = start_zecd(extra_args=["--shutdown-delay", "3s"])
    assert http_request(server.port, "/_zecd/ready").status == 200
    server.process.send_signal(signal.SIGTERM)
    draining = wait_until(lambda: (lambda r: r if r.status == 503 else None)(
        http_request(server.port, "/_zecd/ready")), timeout=2, interval=0.05,
        message="ready to answer 503")
    assert draining.json["status"] == "draining", draining
    assert set(draining.json) == {"status", "reason"} and draining.json["reason"], draining
    assert http_request(server.port, "/_zecd/health").json == {"status": "ok"}
    assert sdk_call(server.client(), "DescribeInstancesStatus").requestId
    assert server.process.wait(15) == 0


# --------------------------------------------------------------------------------------------
# 3. Metrics.

def scrape(server: ZecdServer, token: str | None = METRICS_TOKEN) -> RawResponse:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return http_request(server.port, "/metrics", headers=headers)


def families(text: str) -> dict:
    """The OpenMetrics families by name (prometheus_client's OpenMetrics parser, which also
    checks the text is well-formed)."""
    return {f.name: f for f in om_parser.text_string_to_metric_families(text)}


def metrics_of(server: ZecdServer) -> dict:
    r = scrape(server)
    assert r.status == 200, r
    return families(r.body.decode())


def value(fams: dict, family: str, sample: str, **labels) -> float:
    """The value of the sample named ``sample`` with exactly ``labels``; 0 when absent (a
    counter or series not made yet)."""
    f = fams.get(family)
    if f is None:
        return 0.0
    found = [s.value for s in f.samples if s.name == sample and s.labels == labels]
    assert len(found) <= 1, (family, sample, labels, found)
    return found[0] if found else 0.0


def requests_total(fams, action: str, code: str = "OK", service: str = "zec",
                   version: str = V2025) -> float:
    return value(fams, "zecd_requests", "zecd_requests_total", service=service, action=action,
                 version=version, code=code)


def resources(fams, kind: str) -> dict[str, float]:
    """status -> count of zecd_resources{kind}."""
    return {s.labels["status"]: s.value for s in fams["zecd_resources"].samples
            if s.labels["kind"] == kind}


EXPECTED_FAMILIES = {
    "zecd_requests": "counter",
    "zecd_request_duration_seconds": "histogram",
    "zecd_requests_in_flight": "gauge",
    "zecd_resources": "gauge",
    "zecd_writer_rounds": "counter",
    "zecd_writer_batch_size": "histogram",
    "zecd_writer_commit_seconds": "histogram",
    "zecd_deadlines_queued": "gauge",
    "zecd_phase_lateness_seconds": "histogram",
}
REPLICA_FAMILIES = {
    "zecd_replica_catch_up_lag_seconds": "gauge",
    "zecd_replica_reconnects": "counter",
}


def test_metrics_are_openmetrics_both_parsers_read(ops_server):
    """As an operator I point Prometheus at /metrics: the answer is OpenMetrics 1.0.0 text
    with every family of the issue, typed, which prometheus_client's OpenMetrics parser and
    its classic text parser both read (the replica families only on PostgreSQL)."""
    sdk_call(ops_server.client(), "DescribeInstancesStatus", pageSize=1)
    r = scrape(ops_server)
    assert r.status == 200, r
    media, *params = [p.strip() for p in r.headers["content-type"].split(";")]
    assert media == OPENMETRICS and "version=1.0.0" in params, r.headers
    text = r.body.decode()
    assert text.endswith("# EOF\n")
    om = families(text)
    expected = dict(EXPECTED_FAMILIES)
    if ON_POSTGRES:
        expected.update(REPLICA_FAMILIES)
    assert {n: om[n].type for n in expected if n in om} == expected, sorted(om)
    if not ON_POSTGRES:
        assert not set(REPLICA_FAMILIES) & set(om), sorted(om)
    # The classic text parser reads the same samples (it types OpenMetrics counters, whose
    # TYPE line names the family without `_total`, as untyped `_total` series; the gauges and
    # histograms it types as OpenMetrics does).
    classic = {f.name: f for f in classic_parser.text_string_to_metric_families(text)}
    samples = lambda fams: sorted(  # noqa: E731
        (s.name, sorted(s.labels.items()), s.value) for f in fams.values() for s in f.samples)
    assert samples(classic) == samples(om)
    assert {n: classic[n].type for n, t in expected.items() if t != "counter"} == \
        {n: t for n, t in expected.items() if t != "counter"}
    # Idle: nothing in flight (the scrape is not an API request).
    assert value(om, "zecd_requests_in_flight", "zecd_requests_in_flight") == 0


def test_request_counters_move_by_exactly_the_calls_made(ops_server):
    """As an operator I count calls: after N DescribeInstancesStatus calls the counter
    {service="zec", action="DescribeInstancesStatus", version="2025-09-01", code="OK"} and the
    action's latency histogram have grown by exactly N; 2024-04-01 calls are counted apart."""
    client, client24 = ops_server.client(), ops_server.client_2024()
    before = metrics_of(ops_server)
    n = 7
    for _ in range(n):
        sdk_call(client, "DescribeInstancesStatus")
    for _ in range(2):
        sdk_call(client24, "DescribeInstancesStatus")
    after = metrics_of(ops_server)
    action = "DescribeInstancesStatus"
    assert requests_total(after, action) - requests_total(before, action) == n
    assert requests_total(after, action, version="2024-04-01") - \
        requests_total(before, action, version="2024-04-01") == 2
    labels = dict(service="zec", action=action)
    count = lambda f: value(f, "zecd_request_duration_seconds",  # noqa: E731
                            "zecd_request_duration_seconds_count", **labels)
    assert count(after) - count(before) == n + 2
    buckets = [s for s in after["zecd_request_duration_seconds"].samples
               if s.name.endswith("_bucket") and s.labels["action"] == action]
    assert buckets and [b.labels["le"] for b in buckets][-1] == "+Inf"
    assert buckets[-1].value == count(after)
    assert [b.value for b in buckets] == sorted(b.value for b in buckets)
    assert value(after, "zecd_request_duration_seconds", "zecd_request_duration_seconds_sum",
                 **labels) > 0


def test_errors_are_counted_under_their_code(ops_server):
    """As an operator I see refusals by code: a StopInstances of an unknown instance is
    counted once under INVALID_INSTANCE_NOT_FOUND, not under OK."""
    client = ops_server.client()
    before = metrics_of(ops_server)
    for _ in range(3):
        e = sdk_error(client, "StopInstances", instanceIds=["999999999999999999"])
        assert e.code == "INVALID_INSTANCE_NOT_FOUND", e.code
    after = metrics_of(ops_server)
    code = "INVALID_INSTANCE_NOT_FOUND"
    assert requests_total(after, "StopInstances", code) - \
        requests_total(before, "StopInstances", code) == 3
    assert requests_total(after, "StopInstances") == requests_total(before, "StopInstances")


def test_resource_gauges_follow_the_lifecycle(ops_server):
    """As an operator I watch zecd_resources: 3 instances created on a manual clock show as
    {kind="instances", status="DEPLOYING"} 3 (with 3 deadlines queued), and after AdvanceClock
    past the deploy phase as RUNNING 3; kinds without a status (key pairs, resource groups)
    are counted under status ""; every status is the one the API shows."""
    acct_clients = ops_server.account_clients(unique("metrics"))
    before = metrics_of(ops_server)
    assert resources(before, "instances") == {}, "nothing else makes instances here"
    ids = create_instances(acct_clients.zec, 3)
    # The new account's default group exists once it has been used (it is made on demand,
    # and on PostgreSQL possibly by the directory's reload in between): count from here.
    groups_before = resources(metrics_of(ops_server), "resource_groups")
    sdk_call(acct_clients.user, "CreateResourceGroup", name=unique("metrics-group"))
    shown = statuses(acct_clients.zec, ids)
    assert set(shown.values()) == {"DEPLOYING"}
    during = metrics_of(ops_server)
    assert resources(during, "instances") == {"DEPLOYING": 3}
    assert sum(resources(during, "nics").values()) == 3  # each instance's primary NIC
    # The group made here (the account's default group was counted before).
    assert resources(during, "resource_groups") == {"": groups_before.get("", 0) + 1}
    assert value(during, "zecd_deadlines_queued", "zecd_deadlines_queued") == 3
    lateness = value(during, "zecd_phase_lateness_seconds", "zecd_phase_lateness_seconds_count")

    ops_server.advance(f"{DEPLOY}ms")
    assert set(statuses(acct_clients.zec, ids).values()) == {"RUNNING"}
    after = metrics_of(ops_server)
    assert resources(after, "instances") == {"RUNNING": 3}
    assert value(after, "zecd_deadlines_queued", "zecd_deadlines_queued") == 0
    assert value(after, "zecd_phase_lateness_seconds",
                 "zecd_phase_lateness_seconds_count") - lateness == 3


def _request(client, action: str, **fields):
    req = getattr(client.models, action + "Request")()
    for k, v in fields.items():
        setattr(req, k, v)
    return req


def test_key_pairs_and_disks_counted_with_the_api_status(ops_server):
    """As an operator I see a disk counted under the status DescribeDisks shows (creating,
    then available) and a key pair under "" (key pairs have no status)."""
    name = unique("metricsdisk")
    ops_server.create_account(name)
    key = ops_server.create_key(name)
    clients = first_use(ops_server.clients(*key))
    before = metrics_of(ops_server)
    ops_server.key_pair(unique("mkey"), *key)
    resp = clients.zec._api_call("CreateDisks", _request(clients.zec, "CreateDisks", zoneId=ZONE,
                                                         diskName="m", diskSize=20))
    [did] = resp["diskIds"]

    def disk_status():
        [d] = sdk_call(clients.zec, "DescribeDisks", diskIds=[did]).dataSet
        return d.diskStatus

    shown = disk_status()
    during = metrics_of(ops_server)
    disks_before = resources(before, "disks")
    grown = {s: n - disks_before.get(s, 0) for s, n in resources(during, "disks").items()
             if n != disks_before.get(s, 0)}
    assert grown == {shown: 1}, (shown, grown)
    assert resources(during, "key_pairs").get("", 0) - \
        resources(before, "key_pairs").get("", 0) == 1
    assert set(resources(during, "key_pairs")) == {""}
    ops_server.advance(f"{DISK_CREATE}ms")
    settled = disk_status()
    assert settled != shown
    after = metrics_of(ops_server)
    grown = {s: n - disks_before.get(s, 0) for s, n in resources(after, "disks").items()
             if n != disks_before.get(s, 0)}
    assert grown == {settled: 1}, (settled, grown)


def test_writer_rounds_grow_with_writes(ops_server):
    """As an operator I see the single writer work: writes make zecd_writer_rounds grow, each
    round's batch size is observed once, each write is committed (a commit time observed),
    reads make no round."""
    client = ops_server.client()
    before = metrics_of(ops_server)
    rounds = lambda f: value(f, "zecd_writer_rounds", "zecd_writer_rounds_total")  # noqa: E731
    batches = lambda f: value(f, "zecd_writer_batch_size",  # noqa: E731
                              "zecd_writer_batch_size_count")
    commits = lambda f: value(f, "zecd_writer_commit_seconds",  # noqa: E731
                              "zecd_writer_commit_seconds_count")
    for _ in range(3):
        sdk_call(client, "DescribeInstancesStatus")
    reads = metrics_of(ops_server)
    assert rounds(reads) == rounds(before)
    user = ops_server.user_client()
    for _ in range(4):
        sdk_call(user, "CreateResourceGroup", name=unique("writes"))
    after = metrics_of(ops_server)
    assert rounds(after) >= rounds(before) + 4, (rounds(before), rounds(after))
    assert batches(after) == rounds(after)
    # A round with nothing to write commits nothing.
    assert commits(before) + 4 <= commits(after) <= rounds(after)
    assert value(after, "zecd_writer_batch_size", "zecd_writer_batch_size_sum") >= \
        value(before, "zecd_writer_batch_size", "zecd_writer_batch_size_sum") + 4


def test_metrics_token_is_required(ops_server):
    """As an operator who set --metrics-token I know /metrics answers only a scraper with
    `Authorization: Bearer <token>`: none, a wrong one, or an API signature get 401."""
    assert scrape(ops_server, None).status == 401
    assert scrape(ops_server, METRICS_TOKEN + "x").status == 401
    assert scrape(ops_server, METRICS_TOKEN[:-1]).status == 401
    r = http_request(ops_server.port, "/metrics", headers={"Authorization": METRICS_TOKEN})
    assert r.status == 401
    denied = scrape(ops_server, "nope")
    assert b"zecd_" not in denied.body
    ok = scrape(ops_server)
    assert ok.status == 200 and b"zecd_writer_rounds_total" in ok.body


def test_metrics_need_no_token_unless_set(rate_server):
    """As an operator who set no --metrics-token I scrape /metrics with no header at all."""
    r = scrape(rate_server, None)
    assert r.status == 200 and r.headers["content-type"].startswith(OPENMETRICS)
    assert "zecd_writer_rounds" in families(r.body.decode())


# --------------------------------------------------------------------------------------------
# 4. Request limits.

def new_key(server: ZecdServer, account: str | None = None) -> tuple[str, str]:
    """A key of a new account (or of ``account``), accepted by the running server."""
    if account is None:
        account = unique("rate")
        server.create_account(account)
    key = server.create_key(account)

    def accepted():
        r = server.raw("DescribeZones", key_id=key[0], password=key[1])
        if r.status == 200:
            return True
        assert r.json["code"] == "AUTHFAILURE_SIGNATURE_FAILURE", r
        return False

    wait_until(accepted, timeout=5, interval=0.05, message="a new key to be accepted")
    return key


def check_limited(r: RawResponse, action: str | None = None) -> dict:
    """A refusal for exceeding a limit, as the vendor answers it."""
    assert r.status == 429, r
    assert "retry-after" not in r.headers, r.headers
    body = r.json
    assert set(body) == {"requestId", "code", "message"}, body
    assert body["code"] == "REQUEST_LIMIT_EXCEEDED"
    assert body["requestId"] and r.request_id_header == body["requestId"]
    if action is not None:
        assert action in body["message"], body
    return body


def test_one_action_limited_per_credential(rate_server):
    """As a tester of my client's throttling I set DescribeInstances=2/m: a credential's third
    DescribeInstances within the minute is refused 429 REQUEST_LIMIT_EXCEEDED in the vendor's
    envelope with no Retry-After, while its other actions, another key of the same account and
    another account's key still get through."""
    account = unique("rate")
    rate_server.create_account(account)
    k1 = new_key(rate_server, account)
    for _ in range(2):
        assert rate_server.raw("DescribeInstances", key_id=k1[0], password=k1[1]).status == 200
    check_limited(rate_server.raw("DescribeInstances", key_id=k1[0], password=k1[1]),
                  "DescribeInstances")
    # Not another action of the same credential.
    for action in ("DescribeZones", "DescribeVpcs", "DescribeInstancesStatus"):
        assert rate_server.raw(action, key_id=k1[0], password=k1[1]).status == 200, action
    # Not another credential: a second key of the account, another account's key.
    for key in (new_key(rate_server, account), new_key(rate_server)):
        for _ in range(2):
            assert rate_server.raw("DescribeInstances", key_id=key[0],
                                   password=key[1]).status == 200
        check_limited(rate_server.raw("DescribeInstances", key_id=key[0], password=key[1]))
    # Still refused for the first key: the bucket refills one call every 30 s.
    check_limited(rate_server.raw("DescribeInstances", key_id=k1[0], password=k1[1]))


def test_sdk_without_retries_sees_request_limit_exceeded(rate_server):
    """As an SDK user with rate_limit_max_retries=0 I get ZenlayerCloudSdkException
    REQUEST_LIMIT_EXCEEDED (HTTP 429) on the call over the limit."""
    key = new_key(rate_server)
    client = rate_server.client(*key)  # conftest's Config: rate_limit_max_retries=0
    for _ in range(2):
        sdk_call(client, "DescribeInstances")
    e = sdk_error(client, "DescribeInstances")
    assert (e.code, client.last_status) == ("REQUEST_LIMIT_EXCEEDED", 429)


def test_sdk_retry_gets_through_a_per_second_limit(rate_server):
    """As an SDK user with its default retry (1 s, 2 s, 4 s on REQUEST_LIMIT_EXCEEDED) against
    DescribeInstancesStatus=2/s, every one of a burst of calls succeeds: zecd refused some
    (counted under REQUEST_LIMIT_EXCEEDED) and the SDK's retries got them through."""
    key = new_key(rate_server)
    code = "REQUEST_LIMIT_EXCEEDED"
    action = "DescribeInstancesStatus"
    before = requests_total(families(scrape(rate_server, None).body.decode()), action, code)
    client = rate_server.client(*key, rate_limit_max_retries=3)
    answers = [sdk_call(client, action, pageSize=1) for _ in range(5)]
    assert all(a.requestId for a in answers)
    after = requests_total(families(scrape(rate_server, None).body.decode()), action, code)
    assert 1 <= after - before <= 3, (before, after)
    # Without retries, the same burst is refused.
    quick = rate_server.client(*key)
    with pytest.raises(ZenlayerCloudSdkException) as e:
        for _ in range(4):
            sdk_call(quick, action, pageSize=1)
    assert e.value.code == code


def test_every_action_limit_from_the_environment(env_rate):
    """As an operator I set ZECD_RATE_LIMIT=3/m,DescribeZones=1/h (comma separated): a
    credential's fourth call of any action within the minute is refused, whatever the action;
    another credential is not affected."""
    s = env_rate.server
    k = env_rate.keys["every"]
    for action in ("DescribeInstancesStatus", "DescribeInstances", "DescribeVpcs"):
        assert s.raw(action, key_id=k[0], password=k[1]).status == 200, action
    for action in ("DescribeInstancesStatus", "DescribeInstances", "DescribeVpcs"):
        check_limited(s.raw(action, key_id=k[0], password=k[1]))
    assert s.raw("DescribeInstancesStatus").status == 200  # the root key


def test_one_action_per_hour(env_rate):
    """As an operator I limit DescribeZones to 1/h: the second DescribeZones of a credential
    is refused, naming the action, while its other actions are still allowed."""
    s = env_rate.server
    k = env_rate.keys["hourly"]
    assert s.raw("DescribeZones", key_id=k[0], password=k[1]).status == 200
    check_limited(s.raw("DescribeZones", key_id=k[0], password=k[1]), "DescribeZones")
    assert s.raw("DescribeInstancesStatus", key_id=k[0], password=k[1]).status == 200


def test_the_admin_api_is_not_limited(env_rate):
    """As a test harness I drive zecd's admin API as often as I like: with the root key's API
    bucket empty, admin calls (DescribeClock, ExportState) still answer 200."""
    s = env_rate.server
    refused = None
    for _ in range(5):
        r = s.raw("DescribeInstancesStatus")
        if r.status != 200:
            refused = r
            break
    assert refused is not None, "the root key was never limited"
    check_limited(refused)
    for _ in range(6):
        assert s.admin_api("DescribeClock").status == 200
    assert s.admin_api("ExportState", {"account": "every"}).status == 200
    check_limited(s.raw("DescribeInstancesStatus"))


def test_bad_rate_limits_are_refused_at_start(tmp_path):
    """As an operator who mistyped a limit, zecd refuses to start and says which."""
    for spec, said in (("Nope=5/s", "Nope"), ("5/d", "5/d"), ("0/s", "0/s")):
        r = serve_fails(tmp_path / unique("d"), "--rate-limit", spec)
        assert r.returncode != 0 and said in r.stderr, (spec, r.stderr)


# --------------------------------------------------------------------------------------------
# 5. State: export, import, reset.

def api(server: ZecdServer, key: tuple[str, str], action: str, body: dict | None = None,
        service: str = "zec") -> dict:
    """The ``response`` (minus requestId) of a successful call signed by ``key``."""
    path, version = {"zec": (ZEC_PATH, V2025), "user": (USER_PATH, USER_VERSION),
                     "ccs": (CCS_PATH, CCS_VERSION)}[service]
    r = server.raw(action, json.dumps(body or {}), path=path, version=version, key_id=key[0],
                   password=key[1])
    assert r.status == 200, (action, body, r)
    response = r.json["response"]
    response.pop("requestId", None)
    return response


def view(server: ZecdServer, key: tuple[str, str]) -> dict:
    """Every Describe of the account, as raw JSON."""
    big = {"pageSize": 100}
    out = {a: api(server, key, a, big) for a in (
        "DescribeInstances", "DescribeInstancesStatus", "DescribeDisks", "DescribeEips",
        "DescribeNetworkInterfaces", "DescribeVpcs", "DescribeSubnets",
        "DescribeSecurityGroups", "DescribeSnapshots")}
    out["DescribeSecurityGroupRule"] = {
        g["securityGroupId"]: api(server, key, "DescribeSecurityGroupRule",
                                  {"securityGroupId": g["securityGroupId"]})
        for g in out["DescribeSecurityGroups"]["dataSet"]}
    out["DescribeResourceGroups"] = api(server, key, "DescribeResourceGroups", big, "user")
    out["DescribeKeyPairs"] = api(server, key, "DescribeKeyPairs", big, "ccs")
    return out


def own(v: dict, action: str) -> int:
    return v[action]["totalCount"]


RULES = [
    {"direction": "ingress", "policy": "accept", "priority": 1, "ipProtocol": "tcp",
     "portRange": "22", "cidrIp": "0.0.0.0/0", "desc": "ssh"},
    {"direction": "egress", "policy": "accept", "priority": 1, "ipProtocol": "all",
     "portRange": "-1", "cidrIp": "0.0.0.0/0", "desc": "out"},
]


@dataclass
class World:
    name: str
    key: tuple[str, str]
    ids: dict


def build_world(server: ZecdServer) -> World:
    """A varied account on a manual-clock zecd: a resource group, a key pair, a tagged VPC with
    a subnet and a security group (rules, bound to the VPC), instances RUNNING, STOPPED, and in
    flight (one DEPLOYING with 1 s left, one STOPPING with 2 s left), a data disk and its
    snapshot, an EIP bound to an instance's primary NIC, a secondary NIC."""
    name = unique("state")
    server.create_account(name)
    key = server.create_key(name)
    first_use(server.clients(*key))
    call = lambda action, body, service="zec": api(server, key, action, body, service)  # noqa
    adv = lambda ms: server.advance(f"{ms}ms")  # noqa: E731
    ids: dict = {}
    ids["group"] = call("CreateResourceGroup", {"name": "state-group"}, "user")["resourceGroupId"]
    ids["key"] = call("ImportKeyPair", {"keyName": "state_key", "publicKey": ED25519,
                                        "keyDescription": "kept"}, "ccs")["keyId"]
    tags = {"tags": [{"key": "env", "value": "state"}, {"key": "team", "value": "ops"}]}
    ids["vpc"] = call("CreateVpc", {"name": "state-vpc", "cidrBlock": "172.20.0.0/16",
                                    "resourceGroupId": ids["group"], "tags": tags})["vpcId"]
    ids["subnet"] = call("CreateSubnet", {"vpcId": ids["vpc"], "regionId": REGION,
                                          "name": "state-subnet", "stackType": "IPv4",
                                          "cidrBlock": "172.20.1.0/24"})["subnetId"]
    ids["sg"] = call("CreateSecurityGroup", {"securityGroupName": "state-sg",
                                             "ruleInfos": RULES})["securityGroupId"]
    call("AssignSecurityGroupVpc", {"vpcId": ids["vpc"], "securityGroupId": ids["sg"]})
    base = {"zoneId": ZONE, "imageId": IMAGE, "instanceType": INSTANCE_TYPE,
            "subnetId": ids["subnet"], "keyId": ids["key"]}
    running = call("CreateZecInstances", {**base, "instanceCount": 3,
                                          "instanceName": "state-vm",
                                          "resourceGroupId": ids["group"],
                                          "tags": tags})["instanceIdSet"]
    ids["on_catalog"] = call("CreateZecInstances", {
        "zoneId": ZONE, "imageId": IMAGE, "instanceType": INSTANCE_TYPE, "subnetId": SUBNET,
        "password": PASSWORD, "instanceCount": 1})["instanceIdSet"][0]
    adv(DEPLOY)
    ids["running"], ids["stopping"], ids["stopped"] = running
    call("StopInstances", {"instanceIds": [ids["stopped"]]})
    adv(STOP)
    [ids["disk"]] = call("CreateDisks", {"zoneId": ZONE, "diskName": "state-disk",
                                         "diskSize": 20, "tags": tags})["diskIds"]
    adv(DISK_CREATE)
    ids["snapshot"] = call("CreateSnapshot", {"diskId": ids["disk"],
                                              "snapshotName": "state-snap"})["snapshotId"]
    adv(SNAPSHOT_CREATE)
    [ids["eip"]] = call("CreateEips", {"regionId": REGION, "name": "state-eip",
                                       "internetChargeType": "ByBandwidth",
                                       "bandwidth": 2})["eipIds"]
    adv(EIP_CREATE)
    [nic] = [n for n in call("DescribeNetworkInterfaces",
                             {"instanceId": ids["running"]})["dataSet"]
             if n["nicType"] == "Primary"]
    ids["primary_nic"] = nic["nicId"]
    call("AssociateEipAddress", {"eipIds": [ids["eip"]], "nicId": nic["nicId"],
                                 "lanIp": nic["primaryIpv4"]})
    ids["nic"] = call("CreateNetworkInterface", {"subnetId": ids["subnet"],
                                                 "name": "state-nic"})["nicId"]
    adv(NIC_CREATE)
    # In flight at the export: DEPLOYING with 1 s left, STOPPING with 2 s left.
    [ids["deploying"]] = call("CreateZecInstances", {**base, "instanceCount": 1,
                                                     "instanceName": "late"})["instanceIdSet"]
    adv(DEPLOY - 1000)
    call("StopInstances", {"instanceIds": [ids["stopping"]]})
    v = view(server, key)
    got = {s["instanceId"]: s["instanceStatus"] for s in v["DescribeInstancesStatus"]["dataSet"]}
    assert got == {ids["running"]: "RUNNING", ids["stopping"]: "STOPPING",
                   ids["stopped"]: "STOPPED", ids["on_catalog"]: "RUNNING",
                   ids["deploying"]: "DEPLOYING"}, got
    [eip] = v["DescribeEips"]["dataSet"]
    assert (eip["status"], eip["associatedId"]) == ("BINDED", ids["primary_nic"]), eip
    assert [s["status"] for s in v["DescribeSnapshots"]["dataSet"]] == ["AVAILABLE"]
    return World(name, key, ids)


def export(server: ZecdServer, account: str | None) -> dict:
    body = {"account": account} if account is not None else {}
    return server.admin_call("ExportState", body)["state"]


def doc_resources(doc: dict) -> int:
    return sum(len(docs) for a in doc["accounts"] for docs in a["resources"].values())


def manual(start_zecd, tmp_path: Path, name: str) -> ZecdServer:
    return start_zecd(tmp_path / name, transition="", extra_args=["--clock", "manual"])


@pytest.fixture(scope="module")
def source(manual_zecd):
    return manual_zecd


def test_export_document_names_the_account_and_carries_no_credential(source):
    """As a tester I export one account with ExportState {"account": NAME}: a zecd-state
    version 1 document stamped with the clock, one entry for the account with its resources by
    kind (each kind holding what the Describes list), and no key or password anywhere."""
    w = build_world(source)
    clock = source.clock()
    doc = export(source, w.name)
    assert set(doc) == {"format", "version", "exportedAt", "exportedAtMillis", "accounts"}
    assert (doc["format"], doc["version"]) == ("zecd-state", 1)
    assert (doc["exportedAt"], doc["exportedAtMillis"]) == (clock["now"], clock["nowMillis"])
    [acct] = doc["accounts"]
    assert set(acct) == {"name", "resources"} and acct["name"] == w.name
    res = acct["resources"]
    v = view(source, w.key)
    counts = {k: len(res.get(k, [])) for k in (
        "instances", "disks", "eips", "nics", "snapshots", "key_pairs", "resource_groups")}
    assert counts == {
        "instances": own(v, "DescribeInstances"), "disks": own(v, "DescribeDisks"),
        "eips": 1, "nics": own(v, "DescribeNetworkInterfaces"), "snapshots": 1,
        "key_pairs": 1, "resource_groups": 2}, counts
    assert (counts["instances"], counts["nics"]) == (5, 6)
    assert (len(res["vpcs"]), len(res["subnets"]), len(res["security_groups"])) == (1, 1, 1)
    text = json.dumps(doc)
    for secret in (w.key[0], w.key[1], ROOT_KEY_ID, ROOT_KEY_PASSWORD):
        assert secret not in text
    # Every account at once: the same entry, beside the default account's.
    everything = export(source, None)
    named = {a["name"]: a for a in everything["accounts"]}
    assert {DEFAULT_ACCOUNT, w.name} <= set(named)
    assert named[w.name] == acct
    # An account that does not exist.
    r = source.admin_api("ExportState", {"account": "no-such-account"})
    assert r.status == 400 and r.json["code"] == "INVALID_PARAMETER_VALUE", r


def test_round_trip_into_a_fresh_zecd_answers_every_describe_identically(
        source, start_zecd, tmp_path):
    """As a tester I export a varied account and import it into a fresh zecd (manual clock):
    the account is made, a key I create for it sees every Describe answer exactly as the
    source did; phases in flight keep the time they had left: the instance DEPLOYING with 1 s
    left is still DEPLOYING 999 ms later and RUNNING 1 ms after that, the one STOPPING is
    STOPPED 2 s after the export, on both zecds alike."""
    w = build_world(source)
    doc = export(source, w.name)
    before = view(source, w.key)
    target = manual(start_zecd, tmp_path, "target")
    target.advance("37s")  # its clock is not the source's
    answer = target.admin_call("ImportState", {"state": doc})
    assert answer == {"requestId": answer["requestId"], "accounts": 1,
                      "resources": doc_resources(doc)}
    key = target.create_key(w.name)
    first_use(target.clients(*key))
    assert view(target, key) == before

    def both(by_ms: int) -> dict:
        source.advance(f"{by_ms}ms")
        target.advance(f"{by_ms}ms")
        got = view(target, key)
        assert got == view(source, w.key)
        return {s["instanceId"]: s["instanceStatus"]
                for s in got["DescribeInstancesStatus"]["dataSet"]}

    ids = w.ids
    s = both(999)
    assert (s[ids["deploying"]], s[ids["stopping"]]) == ("DEPLOYING", "STOPPING")
    s = both(1)
    assert (s[ids["deploying"]], s[ids["stopping"]]) == ("RUNNING", "STOPPING")
    s = both(999)
    assert s[ids["stopping"]] == "STOPPING"
    s = both(1)
    assert s[ids["stopping"]] == "STOPPED"
    # The imported account writes as any other.
    call = lambda a, b: api(target, key, a, b)  # noqa: E731
    call("StartInstances", {"instanceIds": [ids["stopping"]]})
    [iid] = call("CreateZecInstances", {"zoneId": ZONE, "imageId": IMAGE,
                                        "instanceType": INSTANCE_TYPE, "subnetId": ids["subnet"],
                                        "password": PASSWORD,
                                        "instanceCount": 1})["instanceIdSet"]
    assert iid not in s


def test_importing_the_same_export_twice_is_idempotent(source, start_zecd, tmp_path):
    """As a tester who restores the same snapshot before every test case, importing one export
    twice answers the same counts and leaves the same state as importing it once."""
    w = build_world(source)
    doc = export(source, w.name)
    before = view(source, w.key)
    target = manual(start_zecd, tmp_path, "target")
    first = target.admin_call("ImportState", {"state": doc})
    key = target.create_key(w.name)
    first_use(target.clients(*key))
    once = view(target, key)
    second = target.admin_call("ImportState", {"state": doc})
    assert (first["accounts"], first["resources"]) == (second["accounts"],
                                                       second["resources"]) == (
        1, doc_resources(doc))
    assert view(target, key) == once == before
    # Still exactly one account of that name.
    assert target.admin("accounts", "list").count(w.name) == 1


def test_import_replaces_what_the_account_has_now(source):
    """As a tester I restore an account to an export after changing it: resources made since
    are gone, resources deleted since are back, renamed ones have their old names."""
    w = build_world(source)
    doc = export(source, w.name)
    before = view(source, w.key)
    call = lambda a, b, s="zec": api(source, w.key, a, b, s)  # noqa: E731
    call("CreateVpc", {"name": "later", "cidrBlock": "172.30.0.0/16"})
    call("ModifyInstancesAttribute", {"instanceIds": [w.ids["running"]],
                                      "instanceName": "renamed"})
    call("DeleteSnapshots", {"snapshotIds": [w.ids["snapshot"]]})
    call("DeleteKeyPairs", {"keyIds": [w.ids["key"]]}, "ccs")
    assert view(source, w.key) != before
    answer = source.admin_call("ImportState", {"state": doc})
    assert (answer["accounts"], answer["resources"]) == (1, doc_resources(doc))
    assert view(source, w.key) == before


@pytest.mark.parametrize("change, said", [
    ({"version": 2}, "version 2"),
    ({"format": "other"}, "other"),
])
def test_documents_of_another_format_or_version_are_refused(source, change, said):
    """As a tester who feeds ImportState a document of another version or format, I get
    INVALID_PARAMETER_VALUE with a message that says what is wrong, and nothing changes: the
    named account keeps its resources, an account it names is not made."""
    w = build_world(source)
    before = view(source, w.key)
    ghost = unique("ghost")
    doc = export(source, w.name)
    doc["accounts"][0]["resources"] = {}
    doc["accounts"].append({"name": ghost, "resources": {}})
    doc.update(change)
    r = source.admin_api("ImportState", {"state": doc})
    assert r.status == 400, r
    assert set(r.json) == {"requestId", "code", "message"}, r
    assert r.json["code"] == "INVALID_PARAMETER_VALUE", r
    assert said in r.json["message"], r.json["message"]
    assert view(source, w.key) == before
    assert ghost not in source.admin("accounts", "list")


def test_reset_account_empties_it_and_keeps_its_keys(source):
    """As a tester between two test cases I ResetAccount {"account": NAME}: every Describe of
    it answers as for a brand-new account (its default resource group kept, same id), the same
    key still works and can create again, phases that were under way never land, and other
    accounts are untouched."""
    w = build_world(source)
    other = build_world(source)
    untouched = view(source, other.key)
    groups = api(source, w.key, "DescribeResourceGroups", {}, "user")["resourceGroups"]
    [default] = [g for g in groups if g["name"] == DEFAULT_GROUP_NAME]
    fresh = unique("fresh")
    source.create_account(fresh)
    fresh_key = source.create_key(fresh)
    first_use(source.clients(*fresh_key))
    fresh_default = api(source, fresh_key, "DescribeResourceGroups", {},
                        "user")["resourceGroups"][0]["resourceGroupId"]

    answer = source.admin_call("ResetAccount", {"account": w.name})
    assert set(answer) == {"requestId"}, answer
    after = view(source, w.key)
    # A brand-new account's view, its default group's id (shown on the catalog's VPC) being
    # the reset account's.
    empty = json.loads(json.dumps(view(source, fresh_key)).replace(
        fresh_default, default["resourceGroupId"]))
    for action in ("DescribeInstances", "DescribeInstancesStatus", "DescribeDisks",
                   "DescribeEips", "DescribeNetworkInterfaces", "DescribeSnapshots",
                   "DescribeKeyPairs", "DescribeVpcs", "DescribeSubnets",
                   "DescribeSecurityGroups", "DescribeSecurityGroupRule"):
        assert after[action] == empty[action], action
    for action in ("DescribeInstances", "DescribeDisks", "DescribeEips",
                   "DescribeNetworkInterfaces", "DescribeSnapshots", "DescribeKeyPairs"):
        assert after[action]["totalCount"] == 0, action
    kept = after["DescribeResourceGroups"]["resourceGroups"]
    assert [(g["resourceGroupId"], g["name"]) for g in kept] == [
        (default["resourceGroupId"], DEFAULT_GROUP_NAME)]
    # The other account is untouched.
    assert view(source, other.key) == untouched
    # Phases that were under way do not bring anything back.
    source.advance("5s")
    assert view(source, w.key) == after
    # The key still works, for writes too.
    [iid] = api(source, w.key, "CreateZecInstances", {
        "zoneId": ZONE, "imageId": IMAGE, "instanceType": INSTANCE_TYPE, "subnetId": SUBNET,
        "password": PASSWORD, "instanceCount": 1})["instanceIdSet"]
    assert [s["instanceId"] for s in api(source, w.key, "DescribeInstancesStatus")["dataSet"]] \
        == [iid]
    # Unknown account.
    r = source.admin_api("ResetAccount", {"account": "no-such-account"})
    assert r.status == 400 and r.json["code"] == "INVALID_PARAMETER_VALUE", r


def test_offline_export_and_import(start_zecd, tmp_path):
    """As an operator I stop zecd and run `zecd export [--account NAME] [--output FILE]` on its
    data: the same document ExportState gave (stdout by default); `zecd import FILE` loads it
    into another data directory, where a zecd started on it answers every Describe as the
    first one did."""
    server = manual(start_zecd, tmp_path, "offline-src")
    w = build_world(server)
    doc = export(server, w.name)
    everything = export(server, None)
    before = view(server, w.key)
    assert server.stop() == 0

    out = server.admin("export", "--account", w.name)
    assert json.loads(out) == doc
    file = tmp_path / "state.json"
    server.admin("export", "--account", w.name, "--output", str(file))
    assert json.loads(file.read_text()) == doc
    assert json.loads(server.admin("export")) == everything

    dest = ZecdServer(data_dir=tmp_path / "offline-dest", transition="",
                      extra_args=["--clock", "manual"])
    dest.admin("import", str(file))
    # The operator starts zecd a little later: on a manual clock that time does not count.
    time.sleep(1.2)
    dest.start()
    try:
        key = dest.create_key(w.name)
        first_use(dest.clients(*key))
        # The phase in flight kept its remaining second.
        assert statuses(dest.client(*key), [w.ids["deploying"]]) == {
            w.ids["deploying"]: "DEPLOYING"}
        assert view(dest, key) == before
        dest.advance("999ms")
        assert statuses(dest.client(*key), [w.ids["deploying"]]) == {
            w.ids["deploying"]: "DEPLOYING"}
        dest.advance("1ms")
        assert statuses(dest.client(*key), [w.ids["deploying"]]) == {
            w.ids["deploying"]: "RUNNING"}
    finally:
        dest.stop()
