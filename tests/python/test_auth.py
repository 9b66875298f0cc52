"""Authentication (spec §1.3-§1.5, issue 2 item 3): ZC2-HMAC-SHA256 over the raw body and the
literal content-type and host, a 300 s clock window, bearer tokens, keys and tokens changed by
the admin subcommands while the server runs, and HTTP 401 for every AUTHFAILURE_*."""

import time

import pytest
import zenlayercloud.common.abstract_client as sdk_abstract_client

from conftest import (
    ROOT_KEY_ID,
    ROOT_KEY_PASSWORD,
    VERSIONS,
    create_instances,
    sdk_call,
    sdk_error,
    wait_until,
    zc2_authorization,
    zc2_signature,
)

SIGNATURE_FAILURE = "AUTHFAILURE_SIGNATURE_FAILURE"
SIGNATURE_EXPIRED = "AUTHFAILURE_SIGNATURE_EXPIRED"
INVALID_AUTHORIZATION = "AUTHFAILURE_INVALID_AUTHORIZATION"
JAVA_CONTENT_TYPE = "application/json; charset=utf-8"


def describe_error(client):
    return sdk_error(client, "DescribeInstancesStatus")


def assert_auth_error(r, code):
    assert r.status == 401, r
    assert set(r.json) == {"requestId", "code", "message"}, r
    assert r.json["code"] == code, r
    assert r.json["requestId"] == r.request_id_header


class ShiftedTime:
    """Stands in for the `time` module the SDK signs with, its clock `offset` seconds off."""

    def __init__(self, offset):
        self.offset = offset

    def time(self):
        return time.time() + self.offset

    def sleep(self, seconds):
        time.sleep(seconds)


@pytest.fixture
def sdk_clock(monkeypatch):
    """Sets how far the SDK's clock is from the real one."""
    def shift(offset):
        monkeypatch.setattr(sdk_abstract_client, "time", ShiftedTime(offset))
    return shift


# ---- the harness's own signer, against the spec's vectors ----

@pytest.mark.parametrize("content_type,body,signature", [
    ("application/json", b"{}",
     "ea2fb76330357998e4e98979884848cd10204d378f965c5a6d98a369fb8abc2a"),
    ("application/json", b'{"instanceIds":["ins-1"]}',
     "328822e480420577b95cdacd5ad8ee68fc6423f0e9600460331204a193702127"),
    ("application/json", b'{"instanceIds": ["ins-1"]}',
     "c53430206d00f6696f95069249aec2d2540c9aa610e97caa5ba3cb071e826836"),
    (JAVA_CONTENT_TYPE, b"{}",
     "0a8a84a57967e88174646c816db63099623b98448d5ef96b002cf81dba462b62"),
])
def test_the_harness_signer_reproduces_the_spec_test_vectors(content_type, body, signature):
    assert zc2_signature("secretEXAMPLE", content_type, "127.0.0.1:8080", 1700000000,
                         body) == signature


def test_the_harness_signer_reproduces_the_documentation_example():
    assert zc2_signature("Gu5t9xGARNpq86cd98joQYCN3", JAVA_CONTENT_TYPE, "console.zenlayer.com",
                         1673361177, b'{"pageSize":10,"pageNum":1,"zoneId":"HKG-A"}') == \
        "efb356c32e55c781e10dc676da59462c22596d82e91c57803666243379555b2f"
    assert zc2_authorization("AKIDEXAMPLE", "secretEXAMPLE", "application/json",
                             "127.0.0.1:8080", 1700000000, b"{}") == (
        "ZC2-HMAC-SHA256 Credential=AKIDEXAMPLE, SignedHeaders=content-type;host, "
        "Signature=ea2fb76330357998e4e98979884848cd10204d378f965c5a6d98a369fb8abc2a")


# ---- HMAC keys ----

@pytest.mark.parametrize("version", VERSIONS)
def test_the_root_key_from_the_environment_is_accepted(zecd, version):
    resp = sdk_call(zecd.client(version=version), "DescribeInstancesStatus")
    assert resp.requestId and resp.totalCount >= 0


def test_a_signed_raw_request_is_accepted(zecd):
    r = zecd.raw()
    assert r.status == 200, r


def test_the_sdk_works_through_localhost_as_the_host(zecd):
    client = zecd.client(domain=f"localhost:{zecd.port}")
    assert sdk_call(client, "DescribeInstancesStatus").requestId


@pytest.mark.parametrize("version", VERSIONS)
def test_an_unknown_access_key_id_fails_the_signature(zecd, version):
    client = zecd.client(key_id="NOSUCHKEY0000000000000000", version=version)
    assert describe_error(client).code == SIGNATURE_FAILURE


@pytest.mark.parametrize("version", VERSIONS)
def test_a_wrong_password_fails_the_signature(zecd, version):
    client = zecd.client(password=ROOT_KEY_PASSWORD + "x", version=version)
    assert describe_error(client).code == SIGNATURE_FAILURE


def test_a_key_id_in_another_case_is_another_key(zecd):
    assert describe_error(zecd.client(key_id=ROOT_KEY_ID.lower())).code == SIGNATURE_FAILURE


@pytest.mark.parametrize("offset", [310, 600, 86400, -310, -600, -86400])
def test_a_timestamp_more_than_300_seconds_off_is_expired(zecd, sdk_clock, offset):
    sdk_clock(offset)
    assert describe_error(zecd.client()).code == SIGNATURE_EXPIRED


@pytest.mark.parametrize("offset", [250, -250])
def test_a_timestamp_within_300_seconds_is_accepted(zecd, sdk_clock, offset):
    sdk_clock(offset)
    assert sdk_call(zecd.client(), "DescribeInstancesStatus").requestId


@pytest.mark.parametrize("offset", [310, -310])
def test_an_expired_raw_request_is_expired_with_http_401(zecd, offset):
    assert_auth_error(zecd.raw(timestamp=int(time.time()) + offset), SIGNATURE_EXPIRED)


@pytest.mark.parametrize("version", VERSIONS)
def test_a_missing_authorization_header_is_invalid_authorization(zecd, version):
    assert_auth_error(zecd.raw(authorization=None, version=version), INVALID_AUTHORIZATION)


@pytest.mark.parametrize("authorization", [
    "",
    "garbage",
    "Basic dXNlcjpwYXNz",
    "ZC2-HMAC-SHA256",
    "ZC2-HMAC-SHA256 garbage",
    "ZC2-HMAC-SHA256 Credential=" + ROOT_KEY_ID,
    "ZC2-HMAC-SHA256 Credential=" + ROOT_KEY_ID + ", SignedHeaders=content-type;host",
    "HMAC-SHA256 Credential=" + ROOT_KEY_ID + ", SignedHeaders=content-type;host, Signature="
    + "0" * 64,
    "Bearer",
])
def test_a_malformed_authorization_header_is_invalid_authorization(zecd, authorization):
    assert_auth_error(zecd.raw(authorization=authorization), INVALID_AUTHORIZATION)


def test_an_hmac_request_without_a_timestamp_is_invalid_authorization(zecd):
    assert_auth_error(zecd.raw(omit=["x-zc-timestamp"]), INVALID_AUTHORIZATION)


def test_a_non_numeric_timestamp_is_invalid_authorization(zecd):
    assert_auth_error(zecd.raw(timestamp="yesterday"), INVALID_AUTHORIZATION)


def test_a_tampered_body_with_a_valid_looking_signature_fails(zecd):
    r = zecd.raw(body=b'{"pageSize": 1}', sign_body=b'{"pageSize": 2}')
    assert_auth_error(r, SIGNATURE_FAILURE)


def test_the_raw_body_is_signed_not_a_reserialization(zecd):
    # The same JSON value with other spacing is other bytes, hence another signature.
    r = zecd.raw(body=b'{"pageSize":1}', sign_body=b'{"pageSize": 1}')
    assert_auth_error(r, SIGNATURE_FAILURE)
    assert zecd.raw(body=b'{ "pageSize" :1 }').status == 200


def test_a_signature_for_another_host_fails(zecd):
    r = zecd.raw(sign_host=f"localhost:{zecd.port}")
    assert_auth_error(r, SIGNATURE_FAILURE)


def test_the_host_header_is_signed_as_received(zecd):
    assert zecd.raw(host=f"localhost:{zecd.port}").status == 200
    assert zecd.raw(host="console.zenlayer.com").status == 200


def test_a_java_style_content_type_signed_literally_is_accepted(zecd):
    r = zecd.raw(content_type=JAVA_CONTENT_TYPE)
    assert r.status == 200, r


def test_a_content_type_is_not_normalised_before_checking_the_signature(zecd):
    r = zecd.raw(content_type=JAVA_CONTENT_TYPE, sign_content_type="application/json")
    assert_auth_error(r, SIGNATURE_FAILURE)


def test_the_sdk_with_a_java_style_content_type_is_accepted(zecd, monkeypatch):
    monkeypatch.setattr(sdk_abstract_client, "_json_content_type", JAVA_CONTENT_TYPE)
    assert sdk_call(zecd.client(), "DescribeInstancesStatus").requestId


def test_every_auth_failure_is_http_401_with_a_vendor_error_body(zecd):
    cases = {
        SIGNATURE_FAILURE: [zecd.raw(key_id="NOSUCHKEY"), zecd.raw(password="wrong"),
                            zecd.raw(token="pat_" + "0" * 64)],
        SIGNATURE_EXPIRED: [zecd.raw(timestamp=int(time.time()) - 3600)],
        INVALID_AUTHORIZATION: [zecd.raw(authorization=None), zecd.raw(authorization="x")],
        "AUTHFAILURE_UNAUTHORIZED_OPERATION": [zecd.raw(action="NoSuchAction")],
    }
    for code, responses in cases.items():
        for r in responses:
            assert_auth_error(r, code)


# ---- bearer tokens ----

@pytest.mark.parametrize("version", VERSIONS)
def test_a_bearer_token_made_by_zecd_tokens_create_works(zecd, version):
    _, token = zecd.create_token()
    assert token.startswith("pat_")
    root = zecd.client()
    [iid] = create_instances(root, 1)
    via_token = zecd.token_client(token, version=version)
    resp = sdk_call(via_token, "DescribeInstancesStatus", instanceIds=[iid])
    assert [s.instanceId for s in resp.dataSet] == [iid]
    assert resp.totalCount == sdk_call(root, "DescribeInstancesStatus",
                                       instanceIds=[iid]).totalCount


def test_a_bearer_token_can_create_instances(zecd):
    _, token = zecd.create_token()
    client = zecd.token_client(token)
    [iid] = create_instances(client, 1)
    assert [s.instanceId for s in sdk_call(zecd.client(), "DescribeInstancesStatus",
                                           instanceIds=[iid]).dataSet] == [iid]


def test_a_bearer_token_request_carries_no_timestamp_and_needs_none(zecd):
    _, token = zecd.create_token()
    r = zecd.raw(token=token)
    assert r.status == 200, r


@pytest.mark.parametrize("token", ["pat_" + "0" * 64, "pat_unknown", "not-a-token"])
def test_an_unknown_bearer_token_fails(zecd, token):
    e = describe_error(zecd.token_client(token))
    assert e.code == SIGNATURE_FAILURE, e
    assert_auth_error(zecd.raw(token=token), SIGNATURE_FAILURE)


def test_a_deleted_token_stops_working(zecd):
    token_id, token = zecd.create_token()
    client = zecd.token_client(token)
    assert sdk_call(client, "DescribeInstancesStatus").requestId
    zecd.delete_token(token_id)

    def rejected():
        try:
            sdk_call(client, "DescribeInstancesStatus")
        except Exception as e:  # noqa: BLE001
            return getattr(e, "code", None) == SIGNATURE_FAILURE
        return False

    wait_until(rejected, timeout=5, message="the deleted token to be rejected")


# ---- keys changed beside the running server ----

def test_a_key_created_while_the_server_runs_works(zecd):
    key_id, password = zecd.create_key()
    client = zecd.client(key_id=key_id, password=password)

    def accepted():
        try:
            return sdk_call(client, "DescribeInstancesStatus").requestId
        except Exception:  # noqa: BLE001
            return None

    wait_until(accepted, timeout=5, message="the new key to be accepted")


@pytest.mark.parametrize("version", VERSIONS)
def test_a_key_deleted_while_the_server_runs_stops_working_within_seconds(zecd, version):
    key_id, password = zecd.create_key()
    client = zecd.client(key_id=key_id, password=password, version=version)
    assert sdk_call(client, "DescribeInstancesStatus").requestId
    zecd.delete_key(key_id)
    codes = []

    def rejected():
        try:
            sdk_call(client, "DescribeInstancesStatus")
            codes.append("OK")
            return False
        except Exception as e:  # noqa: BLE001
            codes.append(getattr(e, "code", repr(e)))
            return codes[-1] == SIGNATURE_FAILURE

    wait_until(rejected, timeout=5, interval=0.1, message="the deleted key to be rejected")
    # And it stays rejected.
    assert describe_error(client).code == SIGNATURE_FAILURE
    # The root key is unaffected.
    assert sdk_call(zecd.client(), "DescribeInstancesStatus").requestId


def test_secrets_never_appear_in_the_log(zecd):
    key_id, password = zecd.create_key()
    _, token = zecd.create_token()
    sdk_call(zecd.client(key_id=key_id, password=password), "DescribeInstancesStatus")
    sdk_call(zecd.token_client(token), "DescribeInstancesStatus")
    describe_error(zecd.client(key_id=key_id, password=password + "x"))
    describe_error(zecd.token_client(token + "0"))
    sdk_call(zecd.client(), "DescribeInstancesStatus")
    time.sleep(0.2)  # let the log pump catch up
    log = zecd.log
    assert "DescribeInstancesStatus" in log  # the access log is there ...
    for secret in (password, token, token[4:], ROOT_KEY_PASSWORD):
        assert secret not in log  # ... but no secret in it


def test_bearer_tokens_are_stored_hashed(zecd):
    _, token = zecd.create_token()
    assert sdk_call(zecd.token_client(token), "DescribeInstancesStatus").requestId
    stored = b"".join(p.read_bytes() for p in zecd.data_dir.rglob("*") if p.is_file())
    for form in (token, token[4:], token[4:].upper()):
        assert form.encode() not in stored


def test_an_unknown_signature_method_is_invalid_authorization(zecd):
    r = zecd.raw(headers={"x-zc-signature-method": "HMAC-SHA1"})
    assert_auth_error(r, INVALID_AUTHORIZATION)
