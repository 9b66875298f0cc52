"""Bad input on the wire (issue 2 item 2), sent as raw signed requests because the SDK cannot
produce it: each gets its own vendor-shaped error, never a panic or a plain-text page, and the
server keeps answering normally afterwards.

Every error is HTTP 4xx with a JSON body of exactly requestId, code and message, the requestId
being the x-zc-request-id response header; every success carries its requestId both outside
and inside `response`."""

import json
import time

import pytest

from conftest import V2024, V2025, sdk_call, sdk_error

MIB = 1 << 20


@pytest.fixture(autouse=True)
def server_still_answers(zecd):
    """After every test here, the same server still answers a normal SDK request."""
    yield
    assert zecd.alive(), "zecd exited:\n" + zecd.log
    assert sdk_call(zecd.client(), "DescribeInstancesStatus").requestId


def assert_error(r, code, status=400):
    assert r.status == status, r
    assert r.headers.get("content-type", "").startswith("application/json"), r.headers
    body = r.json
    assert set(body) == {"requestId", "code", "message"}, body
    assert all(isinstance(body[k], str) and body[k] for k in body), body
    assert body["code"] == code, body
    assert body["requestId"] == r.request_id_header
    return body


def assert_vendor_error(r):
    """Any vendor-shaped client error."""
    assert 400 <= r.status < 500, r
    body = r.json
    assert set(body) == {"requestId", "code", "message"}, body
    assert body["code"] and body["message"]
    assert body["requestId"] == r.request_id_header
    return body


def assert_success(r):
    assert r.status == 200, r
    body = r.json
    assert set(body) == {"requestId", "response"}
    assert body["response"]["requestId"] == body["requestId"] == r.request_id_header
    return body["response"]


# ---- bodies ----

@pytest.mark.parametrize("body", [
    b'{"pageSize": 1',
    b'{"pageSize": }',
    b"{'pageSize': 1}",
    b'{"pageSize": 1} trailing',
    b'{"pageSize": 1,}',
    b"{",
    b'{"resourceGroupId": "\xff\xfe"}',
])
def test_malformed_json_is_an_invalid_parameter_value(zecd, body):
    assert_error(zecd.raw(body=body), "INVALID_PARAMETER_VALUE")


@pytest.mark.parametrize("body", [b"[]", b"[{}]", b'"{}"', b"42", b"true", b"null",
                                  b"not json at all"])
def test_a_body_that_is_not_a_json_object_is_an_invalid_parameter_type(zecd, body):
    assert_error(zecd.raw(body=body), "INVALID_PARAMETER_TYPE")


@pytest.mark.parametrize("body,field", [
    (b'{"pageSize": "20"}', "pageSize"),
    (b'{"pageSize": 20.5}', "pageSize"),
    (b'{"pageSize": true}', "pageSize"),
    (b'{"pageNum": "1"}', "pageNum"),
    (b'{"pageNum": [1]}', "pageNum"),
    (b'{"instanceIds": "ins-1"}', "instanceIds"),
    (b'{"instanceIds": [1, 2]}', "instanceIds"),
    (b'{"instanceIds": {"a": 1}}', "instanceIds"),
    (b'{"resourceGroupId": 7}', "resourceGroupId"),
])
def test_a_wrongly_typed_field_is_an_invalid_parameter_type_naming_the_field(zecd, body, field):
    body = assert_error(zecd.raw(body=body), "INVALID_PARAMETER_TYPE")
    assert field in body["message"]


def test_a_wrongly_typed_field_is_named_at_the_2024_version_too(zecd):
    body = assert_error(zecd.raw(body=b'{"pageSize": "20"}', version=V2024),
                        "INVALID_PARAMETER_TYPE")
    assert "pageSize" in body["message"]


def test_a_deeply_nested_value_is_rejected_without_harm(zecd):
    body = b'{"instanceIds": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    assert_vendor_error(zecd.raw(body=body))


def test_unknown_fields_are_ignored(zecd):
    r = zecd.raw(body=b'{"pageSize": 1, "somethingNew": {"x": [1, 2]}, "filter": null}')
    assert len(assert_success(r)["dataSet"]) <= 1


def test_json_with_escapes_and_any_spacing_is_accepted(zecd):
    r = zecd.raw(body=b'\n{ "resourceGroupId" : "\\u540d\\u5b57" ,\t"pageSize":5 }\n')
    assert assert_success(r)["totalCount"] == 0


def test_a_body_over_1_mib_exceeds_the_length_limit(zecd):
    body = b'{"resourceGroupId": "' + b"a" * MIB + b'"}'
    assert_error(zecd.raw(body=body), "INVALID_PARAMETER_EXCEED_LENGTH")


def test_a_much_larger_body_exceeds_the_length_limit_too(zecd):
    body = b'{"resourceGroupId": "' + b"a" * (16 * MIB) + b'"}'
    assert_error(zecd.raw(body=body), "INVALID_PARAMETER_EXCEED_LENGTH")


def test_a_chunked_body_over_1_mib_exceeds_the_length_limit(zecd):
    body = b'{"resourceGroupId": "' + b"a" * (2 * MIB) + b'"}'
    assert_error(zecd.raw(body=body, chunked=True), "INVALID_PARAMETER_EXCEED_LENGTH")


def test_a_body_of_exactly_1_mib_is_accepted(zecd):
    body = b"{}" + b" " * (MIB - 2)
    assert len(body) == MIB
    assert_success(zecd.raw(body=body))


def test_an_oversized_body_from_the_sdk_is_reported_by_code(zecd):
    e = sdk_error(zecd.client(), "DescribeInstancesStatus", resourceGroupId="a" * (2 * MIB))
    assert e.code == "INVALID_PARAMETER_EXCEED_LENGTH"


# ---- headers ----

@pytest.mark.parametrize("action", ["NoSuchAction", "describeinstancesstatus",
                                    "DescribeInstancesStatusX", "CreateInstances"])
def test_an_unknown_action_is_an_unauthorized_operation(zecd, action):
    assert_error(zecd.raw(action=action), "AUTHFAILURE_UNAUTHORIZED_OPERATION", status=401)


def test_a_missing_action_header_is_a_missing_parameter(zecd):
    body = assert_error(zecd.raw(action=None), "MISSING_PARAMETER")
    assert "x-zc-action" in body["message"]


def test_an_empty_action_header_is_a_missing_parameter(zecd):
    assert_error(zecd.raw(action=""), "MISSING_PARAMETER")


@pytest.mark.parametrize("version", ["2023-01-01", "2025-09-02", "v2", "latest"])
def test_an_unsupported_version_is_an_invalid_parameter_value(zecd, version):
    body = assert_error(zecd.raw(version=version), "INVALID_PARAMETER_VALUE")
    assert version in body["message"]


@pytest.mark.parametrize("version", [V2025, V2024, None])
def test_both_versions_and_no_version_at_all_are_accepted(zecd, version):
    assert_success(zecd.raw(version=version))


def test_no_x_zc_service_header_is_needed(zecd):
    # raw() sends none by default; the SDKs' x-zc-service and x-zc-sdk-* are optional.
    assert_success(zecd.raw())
    assert_success(zecd.raw(headers={"x-zc-service": "zec", "x-zc-sdk-lang": "Python"}))


def test_header_names_are_case_insensitive(zecd):
    r = zecd.raw(action=None, version=None,
                 headers={"X-ZC-ACTION": "DescribeInstancesStatus", "X-Zc-Version": V2024})
    assert_success(r)


# ---- method and path ----

@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
def test_a_method_other_than_post_gets_a_vendor_error(zecd, method):
    body = b"" if method in ("GET", "DELETE") else b"{}"
    assert_vendor_error(zecd.raw(method=method, body=body))


@pytest.mark.parametrize("path", ["/api/v2/nope", "/api/v2/ZEC", "/", "/api/v2", "/zec",
                                  "/api/v2/zec/extra", "/api/v1/zec"])
def test_an_unknown_path_is_resource_not_found(zecd, path):
    assert_error(zecd.raw(path=path), "OPERATION_FAILED_RESOURCE_NOT_FOUND", status=404)


def test_an_unknown_path_is_resource_not_found_for_get_too(zecd):
    assert_error(zecd.raw(method="GET", path="/favicon.ico", body=b""),
                 "OPERATION_FAILED_RESOURCE_NOT_FOUND", status=404)


def test_an_unknown_path_needs_no_authorization_to_be_answered_in_json(zecd):
    assert_error(zecd.raw(path="/nope", authorization=None),
                 "OPERATION_FAILED_RESOURCE_NOT_FOUND", status=404)


# ---- the envelope ----

def test_a_success_has_the_request_id_outside_and_inside_the_response(zecd):
    inner = assert_success(zecd.raw())
    assert set(inner) == {"requestId", "totalCount", "dataSet"}


def test_every_request_gets_a_fresh_request_id(zecd):
    ids = [zecd.raw().request_id_header for _ in range(5)]
    ids += [zecd.raw(action="Nope").request_id_header for _ in range(5)]
    assert all(ids) and len(set(ids)) == 10


def test_the_sdk_reports_the_request_id_of_an_error(zecd):
    e = sdk_error(zecd.client(), "DescribeInstancesStatus", pageSize=0)
    assert e.request_id and e.request_id.startswith("T")


def test_the_server_still_answers_after_a_burst_of_bad_requests(zecd):
    bad = [
        dict(body=b"{"), dict(body=b"[]"), dict(body=b'{"pageSize":"x"}'),
        dict(action="Nope"), dict(action=None), dict(version="1999-01-01"),
        dict(method="GET", body=b""), dict(path="/nope"), dict(authorization=None),
        dict(authorization="junk"), dict(password="wrong"),
        dict(body=b'{"x": "' + b"a" * (MIB + 1) + b'"}'),
    ]
    for _ in range(3):
        for kwargs in bad:
            assert_vendor_error(zecd.raw(**kwargs))
    assert_success(zecd.raw())
    assert json.loads(zecd.raw().body)["response"]["dataSet"] == []


def test_the_request_id_is_written_in_the_access_log(zecd):
    ok = zecd.raw().request_id_header
    bad = zecd.raw(action="Nope").request_id_header
    lost = zecd.raw(path="/nope").request_id_header
    time.sleep(0.2)  # let the log pump catch up
    for rid in (ok, bad, lost):
        assert rid in zecd.log
