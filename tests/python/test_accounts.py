"""Accounts (issue 2 item 4): a second account made with `zecd accounts create` and given a key
with `zecd keys create` while the server runs; each account sees and lists only its own
instances, even when it names the other's instances explicitly."""

import pytest

from conftest import (
    DEFAULT_ACCOUNT,
    VERSIONS,
    create_instances,
    sdk_call,
    wait_until,
)

OTHER = "acme"


class Account:
    def __init__(self, name, client, ids):
        self.name, self.client, self.ids = name, client, ids


@pytest.fixture(scope="module")
def accounts(zecd):
    out = zecd.create_account(OTHER)
    assert OTHER in out
    key_id, password = zecd.create_key(OTHER)
    other_client = zecd.client(key_id=key_id, password=password)

    def usable():
        try:
            return sdk_call(other_client, "DescribeInstancesStatus").totalCount == 0
        except Exception:  # noqa: BLE001
            return False

    wait_until(usable, timeout=5, message="the new account's key to work")
    root_client = zecd.client()
    root = Account(DEFAULT_ACCOUNT, root_client, create_instances(root_client, 3))
    other = Account(OTHER, other_client, create_instances(other_client, 2))
    other.key = (key_id, password)
    return root, other


def listing(client, **fields):
    resp = sdk_call(client, "DescribeInstancesStatus", **fields)
    return resp.totalCount, [s.instanceId for s in resp.dataSet]


@pytest.mark.parametrize("version", VERSIONS)
def test_each_account_lists_only_its_own_instances(zecd, accounts, version):
    root, other = accounts
    for account in accounts:
        key = getattr(account, "key", (None, None))
        client = zecd.client(*key, version=version)
        assert listing(client) == (len(account.ids), account.ids)
        assert listing(client, pageSize=1000) == (len(account.ids), account.ids)


def test_instance_ids_of_another_account_are_omitted(accounts):
    root, other = accounts
    assert listing(root.client, instanceIds=other.ids) == (0, [])
    assert listing(other.client, instanceIds=root.ids) == (0, [])


def test_mixed_instance_ids_return_only_the_callers_own(accounts):
    root, other = accounts
    mixed = other.ids + root.ids
    assert listing(root.client, instanceIds=mixed) == (3, root.ids)
    assert listing(other.client, instanceIds=mixed) == (2, other.ids)


def test_describe_instances_is_isolated_too(accounts):
    root, other = accounts
    for me, them in ((root, other), (other, root)):
        resp = sdk_call(me.client, "DescribeInstances", pageSize=1000)
        assert [i.instanceId for i in resp.dataSet] == me.ids
        assert resp.totalCount == len(me.ids)
        resp = sdk_call(me.client, "DescribeInstances", instanceIds=them.ids)
        assert resp.totalCount == 0 and resp.dataSet == []


def test_each_account_has_its_own_default_resource_group(accounts):
    root, other = accounts
    root_group = sdk_call(root.client, "DescribeInstances",
                          instanceIds=root.ids[:1]).dataSet[0].resourceGroupId
    other_group = sdk_call(other.client, "DescribeInstances",
                           instanceIds=other.ids[:1]).dataSet[0].resourceGroupId
    assert root_group != other_group
    # The other account's group, named explicitly, shows nothing.
    assert listing(root.client, resourceGroupId=other_group) == (0, [])
    assert listing(other.client, resourceGroupId=root_group) == (0, [])
    assert listing(other.client, resourceGroupId=other_group) == (2, other.ids)


def test_a_token_of_the_second_account_sees_that_accounts_instances(zecd, accounts):
    root, other = accounts
    _, token = zecd.create_token(OTHER)
    client = zecd.token_client(token)
    assert listing(client) == (2, other.ids)
    assert listing(client, instanceIds=root.ids) == (0, [])


def test_instances_created_by_one_account_do_not_count_for_the_other(zecd, accounts):
    root, other = accounts
    before = listing(root.client)[0]
    _, token = zecd.create_token(OTHER)
    new = create_instances(zecd.token_client(token), 2)
    assert listing(root.client)[0] == before
    assert listing(root.client, instanceIds=new) == (0, [])
    assert listing(other.client, instanceIds=new) == (2, new)


def test_accounts_list_shows_both_accounts(zecd, accounts):
    out = zecd.admin("accounts", "list")
    names = {line.split()[1] for line in out.splitlines()[1:] if line.strip()}
    assert {DEFAULT_ACCOUNT, OTHER} <= names


def test_keys_list_shows_the_key_id_but_never_its_secret(zecd, accounts):
    _, other = accounts
    key_id, password = other.key
    out = zecd.admin("keys", "list", "--account", OTHER)
    assert key_id in out
    assert password not in out


def test_a_key_cannot_be_deleted_through_another_account(zecd, accounts):
    _, other = accounts
    key_id, _ = other.key
    result = zecd.admin_run("keys", "delete", key_id, "--account", DEFAULT_ACCOUNT)
    assert result.returncode != 0
    assert listing(other.client)[0] >= 2
