"""Key pairs, service ``ccs`` 2025-09-01 (issue 11, spec zec-resources.md §6, §12 key_pairs,
§0.4, §0.5), through the official Python SDK's CcsClient: the provider's zenlayercloud_key_pair
replayed call for call (ImportKeyPair → DescribeKeyPairs {keyIds} at once, ModifyKeyPairAttribute
with "" clearing the description, DeleteKeyPairs with no not-found tolerance), the public key
echoed byte for byte, public keys validated, names unique per account, the data source's
unpaged read (the server's default page of 20), ids and filters, CreateZecInstances and
ResetInstance taking key pairs by id (INVALID_KEY_PAIR_NOT_FOUND for any other), isolation and
read-only credentials.

Assumptions where the spec says UNKNOWN (the tests pin them):
* Refusals without a vendor code (a malformed public key, a duplicate name, a bad name or
  description, a delete naming an unknown key) only need a 4xx with a code Terraform does not
  retry (netkit.refused), and change nothing; DeleteKeyPairs with any unknown id deletes none
  (CLI: "If any illegal keyIds exists, the request will fail").
* Valid public keys are OpenSSH lines ``<type> <base64 blob> [comment]`` of types ssh-rsa,
  ssh-ed25519 and ecdsa-sha2-nistp256/384/521, whose blob names the same type and parses whole;
  up to 5 of them separated by newlines (CLI); the text is stored exactly as sent (a trailing
  newline included). The fingerprint the issue asks zecd to compute is in no SDK model, so it is
  not tested here.
* Key names: 2 to 32 letters, digits, '-' and '_' (provider: 2–32; CLI: letters, digits, -_).
  A cleared description reads back null or "" (the provider maps both to "").
* Key ids look like ``key-`` followed by letters and digits (CLI example ``key-zCcHQB9u``).
* Deleting a key pair an instance was created with is allowed (CLI) and leaves the instance as
  it was.
"""

from __future__ import annotations

import base64
import re

import pytest

from conftest import IMAGE, PASSWORD, SUBNET, create_instances
from netkit import (
    UNAUTHORIZED,
    answer,
    call,
    check_time,
    every_page,
    fails,
    listing,
    new_account,
    refused,
    scoped,
)
from ssh_keys import ECDSA_256, ECDSA_384, ECDSA_521, ED25519, ED25519_MANY, RSA_2048, RSA_3072
from tfnet import Terraform

NO_KEY = "key-00000000"
KEY_ID = re.compile(r"^key-[A-Za-z0-9]+$")


@pytest.fixture(scope="module")
def server(manual_zecd):
    return manual_zecd


@pytest.fixture
def acct(server):
    return new_account(server, "keys")


@pytest.fixture
def tf(acct):
    return Terraform(acct)


def key_ids(acct, **filters) -> tuple[int, list[str]]:
    return listing(acct.ccs, "DescribeKeyPairs", "keyId", **filters)


def import_key(acct, name: str, public_key: str = ED25519, **fields) -> str:
    return call(acct.ccs, "ImportKeyPair", keyName=name, publicKey=public_key, **fields).keyId


def blob(line: str) -> bytes:
    return base64.b64decode(line.split()[1])


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


# --------------------------------------------------------------------------------------------
# zenlayercloud_key_pair.

VALID = {
    "rsa-2048-from-a-file": RSA_2048 + "\n",
    "rsa-3072": RSA_3072,
    "ecdsa-256": ECDSA_256,
    "ecdsa-384": ECDSA_384,
    "ecdsa-521": ECDSA_521,
    "ed25519": ED25519,
    "ed25519-without-comment": ED25519_MANY[0],
    "comment-with-spaces": ED25519_MANY[1] + " alice@laptop work key",
    "two-keys": RSA_2048 + "\n" + ED25519,
    "five-keys": "\n".join(ED25519_MANY[2:7]),
}


@pytest.mark.parametrize("kind", list(VALID))
def test_import_then_read_echoes_the_public_key_byte_for_byte(tf, acct, kind):
    public_key = VALID[kind]
    kid, state = tf.key_create("tf-key", public_key)
    assert tf.calls == [("ccs", "ImportKeyPair"), ("ccs", "DescribeKeyPairs")]
    assert KEY_ID.match(kid), kid
    assert state == {"key_name": "tf-key", "public_key": public_key, "key_description": ""}
    wire = acct.wire("DescribeKeyPairs", {"keyIds": [kid]}, version="ccs")
    assert wire["totalCount"] == 1
    [k] = wire["dataSet"]
    assert k["publicKey"] == public_key and k["keyId"] == kid
    check_time(k["createTime"])


def test_a_description_is_set_changed_and_cleared_the_providers_way(tf, acct):
    kid, state = tf.key_create("described", ED25519, "first")
    assert state["key_description"] == "first"
    mark = len(tf.calls)
    assert tf.key_update(kid, "second")["key_description"] == "second"
    assert tf.calls_since(mark) == [("ccs", "ModifyKeyPairAttribute"),
                                    ("ccs", "DescribeKeyPairs")]
    # Removed from the configuration: the provider sends "" (§0.4), which clears it.
    assert tf.key_update(kid, "")["key_description"] == ""
    [k] = acct.wire("DescribeKeyPairs", {"keyIds": [kid]}, version="ccs")["dataSet"]
    assert k.get("keyDescription") in (None, ""), k
    assert (k["keyName"], k["publicKey"]) == ("described", ED25519)


def test_delete_removes_the_key_pair_and_a_second_delete_is_an_error(tf, acct):
    kid, _ = tf.key_create("doomed", ED25519)
    tf.key_delete(kid)
    assert tf.key_read(kid) is None
    wire = acct.wire("DescribeKeyPairs", {"keyIds": [kid]}, version="ccs")
    assert (wire["totalCount"], wire["dataSet"]) == (0, [])
    refused(acct.ccs, "DeleteKeyPairs", keyIds=[kid])


def test_a_delete_naming_one_unknown_key_deletes_none(acct):
    a, b = import_key(acct, "keep-a", ED25519_MANY[0]), import_key(acct, "keep-b",
                                                                    ED25519_MANY[1])
    before = acct.snapshot()
    for ids in ([a, NO_KEY], [NO_KEY, b], [a, b, "not-a-key-id"]):
        refused(acct.ccs, "DeleteKeyPairs", keyIds=ids)
    assert acct.snapshot() == before
    call(acct.ccs, "DeleteKeyPairs", keyIds=[a, b])
    assert key_ids(acct, keyIds=[a, b]) == (0, [])


def test_a_key_pair_an_instance_uses_may_be_deleted(acct):
    kid = import_key(acct, "in-use")
    [iid] = create_instances(acct.zec, 1, password=None, keyId=kid)
    acct.server.advance("3s")
    call(acct.ccs, "DeleteKeyPairs", keyIds=[kid])
    [info] = call(acct.zec, "DescribeInstances", instanceIds=[iid]).dataSet
    assert info.status == "RUNNING"


# --------------------------------------------------------------------------------------------
# Validation.

def malformed() -> dict[str, str]:
    rsa, ed = blob(RSA_2048), blob(ED25519)
    return {
        "empty": "",
        "words": "not a key",
        "type only": "ssh-rsa",
        "not base64": "ssh-rsa !!!!not-base64!!!! comment",
        "blob of another type": "ssh-rsa " + b64(ed) + " mismatch",
        "unknown type": "ssh-foo " + b64(ed),
        "truncated blob": "ssh-rsa " + b64(rsa[:-20]),
        "trailing bytes in the blob": "ssh-ed25519 " + b64(ed + b"\x00\x00\x00\x01x"),
        "short ed25519 key": "ssh-ed25519 " + b64(ed[:-1]),
        "private key": "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n"
                       "-----END OPENSSH PRIVATE KEY-----",
        "pem public key": "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----",
        "six keys": "\n".join(ED25519_MANY[:6]),
        "a good key then junk": ED25519 + "\nssh-rsa AAAA",
    }


@pytest.mark.parametrize("kind", list(malformed()))
def test_a_malformed_public_key_is_refused(acct, kind):
    before = acct.snapshot()
    refused(acct.ccs, "ImportKeyPair", keyName="bad-key", publicKey=malformed()[kind])
    assert acct.snapshot() == before


def test_a_missing_public_key_or_name_is_missing_a_parameter(acct):
    before = acct.snapshot()
    refused(acct.ccs, "ImportKeyPair", "MISSING_PARAMETER", keyName="no-key")
    refused(acct.ccs, "ImportKeyPair", "MISSING_PARAMETER", publicKey=ED25519)
    assert acct.snapshot() == before


def test_names_and_descriptions_within_the_limits_are_accepted(acct):
    for n, name in enumerate(["ab", "k" * 32, "my_key", "my-key-2", "UPPER_lower_09"]):
        kid = import_key(acct, name, ED25519_MANY[n])
        [k] = call(acct.ccs, "DescribeKeyPairs", keyIds=[kid]).dataSet
        assert k.keyName == name
    kid = import_key(acct, "long-desc", ED25519_MANY[9], keyDescription="d" * 255)
    assert call(acct.ccs, "DescribeKeyPairs", keyIds=[kid]).dataSet[0].keyDescription == \
        "d" * 255


@pytest.mark.parametrize("fields", [
    {"keyName": "a"}, {"keyName": "k" * 33}, {"keyName": "my key"}, {"keyName": "my.key"},
    {"keyName": "key/1"}, {"keyName": ""}, {"keyDescription": "d" * 256},
], ids=lambda f: next(iter(f)) + ":" + str(next(iter(f.values())))[:12])
def test_names_and_descriptions_outside_the_limits_are_refused(acct, fields):
    before = acct.snapshot()
    refused(acct.ccs, "ImportKeyPair", **{"keyName": "fine", "publicKey": ED25519, **fields})
    assert acct.snapshot() == before


def test_a_name_is_unique_in_an_account_but_not_across_accounts(acct, server):
    import_key(acct, "shared-name", ED25519_MANY[0])
    before = acct.snapshot()
    refused(acct.ccs, "ImportKeyPair", keyName="shared-name", publicKey=ED25519_MANY[1])
    assert acct.snapshot() == before
    other = new_account(server, "keysother")
    kid = import_key(other, "shared-name", ED25519_MANY[0])
    assert key_ids(other, keyName="shared-name") == (1, [kid])


def test_a_description_longer_than_255_is_refused_on_modify_too(acct):
    kid = import_key(acct, "modify-me", keyDescription="kept")
    before = acct.snapshot()
    refused(acct.ccs, "ModifyKeyPairAttribute", keyId=kid, keyDescription="d" * 256)
    refused(acct.ccs, "ModifyKeyPairAttribute", keyId=NO_KEY, keyDescription="x")
    assert acct.snapshot() == before


# --------------------------------------------------------------------------------------------
# DescribeKeyPairs.

def test_the_data_source_read_without_paging_fields_gets_the_first_20(acct):
    ids = [import_key(acct, f"many-{n:02d}", ED25519_MANY[n]) for n in range(21)]
    resp = call(acct.ccs, "DescribeKeyPairs")
    assert resp.totalCount == 21 and [k.keyId for k in resp.dataSet] == ids[:20]
    for k in resp.dataSet:
        assert k.keyId and k.keyName and k.publicKey, "KeyPair.keyId is dereferenced (§0.5)"
    assert key_ids(acct, pageSize=20, pageNum=2) == (21, ids[20:])
    assert every_page(acct.ccs, "DescribeKeyPairs", "keyId", 8) == ids
    assert key_ids(acct, pageSize=1000) == (21, ids)
    assert answer(acct.ccs, "DescribeKeyPairs", pageSize=1001)[0] == \
        "INVALID_PARAMETER_EXCEED_MAXIMUM"


def test_key_ids_are_exact_names_fuzzy_and_unknown_ids_find_nothing(acct):
    a = import_key(acct, "deploy-web", ED25519_MANY[0])
    b = import_key(acct, "deploy-db", ED25519_MANY[1])
    c = import_key(acct, "laptop", ED25519_MANY[2])
    assert key_ids(acct, keyIds=[b]) == (1, [b])
    assert key_ids(acct, keyIds=[c, a]) == (2, [a, c])
    assert key_ids(acct, keyIds=[a, NO_KEY]) == (1, [a])
    assert key_ids(acct, keyName="deploy") == (2, [a, b])
    assert key_ids(acct, keyName="laptop", keyIds=[a, c]) == (1, [c])
    assert key_ids(acct, keyName="") == (3, [a, b, c])
    for unknown in ([NO_KEY], ["nonsense"]):
        wire = acct.wire("DescribeKeyPairs", {"keyIds": unknown}, version="ccs")
        assert (wire["totalCount"], wire["dataSet"]) == (0, [])


# --------------------------------------------------------------------------------------------
# Instances use key pairs by id.

def test_an_instance_is_created_and_reinstalled_with_a_key_pair_of_the_account(acct):
    kid = import_key(acct, "login")
    other = import_key(acct, "login-2", ED25519_MANY[3])
    [iid] = create_instances(acct.zec, 1, password=None, keyId=kid)
    acct.server.advance("3s")
    [info] = call(acct.zec, "DescribeInstances", instanceIds=[iid]).dataSet
    assert info.keyId == kid
    call(acct.zec24, "StopInstances", instanceIds=[iid])
    acct.server.advance("2s")
    call(acct.zec, "ResetInstance", instanceId=iid, imageId=IMAGE, keyId=other)
    acct.server.advance("4s")
    [info] = call(acct.zec, "DescribeInstances", instanceIds=[iid]).dataSet
    assert (info.keyId, info.status) == (other, "RUNNING")


def test_a_key_of_another_account_or_no_key_at_all_is_not_found(acct, server):
    intruder = new_account(server, "keysintruder")
    theirs = import_key(intruder, "theirs")
    [iid] = create_instances(acct.zec, 1)
    acct.server.advance("3s")
    call(acct.zec24, "StopInstances", instanceIds=[iid])
    acct.server.advance("2s")
    before = acct.snapshot()
    for key in (theirs, NO_KEY, "key-" + theirs[4:][::-1]):
        assert answer(acct.zec, "CreateZecInstances", zoneId="asia-east-1a", imageId=IMAGE,
                      instanceType="z2a.cpu.1", subnetId=SUBNET, keyId=key,
                      instanceCount=1) == ("INVALID_KEY_PAIR_NOT_FOUND", 404), key
        assert answer(acct.zec, "ResetInstance", instanceId=iid, imageId=IMAGE,
                      keyId=key) == ("INVALID_KEY_PAIR_NOT_FOUND", 404), key
    assert acct.snapshot() == before
    # A deleted key pair is not found either.
    gone = import_key(acct, "short-lived")
    call(acct.ccs, "DeleteKeyPairs", keyIds=[gone])
    assert answer(acct.zec, "CreateZecInstances", zoneId="asia-east-1a", imageId=IMAGE,
                  instanceType="z2a.cpu.1", subnetId=SUBNET, keyId=gone,
                  instanceCount=1)[0] == "INVALID_KEY_PAIR_NOT_FOUND"


# --------------------------------------------------------------------------------------------
# Accounts and credentials.

def test_another_accounts_key_pair_answers_as_one_that_never_existed(acct, server):
    kid = import_key(acct, "owned", keyDescription="mine")
    intruder = new_account(server, "keysintruder")
    before = acct.snapshot()
    assert key_ids(intruder, keyIds=[kid]) == (0, [])
    assert key_ids(intruder, keyName="owned") == (0, [])
    for action, make in (
        ("ModifyKeyPairAttribute", lambda i: dict(keyId=i, keyDescription="taken")),
        ("DeleteKeyPairs", lambda i: dict(keyIds=[i])),
    ):
        got = fails(intruder.ccs, action, **make(kid))
        got_status = intruder.ccs.last_status
        base = fails(intruder.ccs, action, **make(NO_KEY))
        assert (got.code, got_status) == (base.code, intruder.ccs.last_status), action
        assert 400 <= got_status < 500, (action, got.code)
    assert acct.snapshot() == before


@pytest.mark.parametrize("token", [False, True], ids=["key", "token"])
def test_a_read_only_credential_may_list_key_pairs_but_not_change_them(acct, token):
    kid = import_key(acct, "ro-visible")
    before = acct.snapshot()
    ro = scoped(acct, read_only=True, token=token)
    assert key_ids(ro, keyIds=[kid]) == (1, [kid])
    for action, fields in (
        ("ImportKeyPair", dict(keyName="ro-new", publicKey=ED25519_MANY[5])),
        ("ModifyKeyPairAttribute", dict(keyId=kid, keyDescription="x")),
        ("DeleteKeyPairs", dict(keyIds=[kid])),
    ):
        assert answer(ro.ccs, action, **fields) == UNAUTHORIZED, action
    assert acct.snapshot() == before


def test_a_password_instance_still_needs_no_key_pair(acct):
    [iid] = create_instances(acct.zec, 1, password=PASSWORD)
    assert call(acct.zec, "DescribeInstances", instanceIds=[iid]).dataSet[0].keyId is None
