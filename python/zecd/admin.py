"""zecd's admin API (``POST /_zecd/api``, root key only), signed with ZC2-HMAC-SHA256 as every
Zenlayer API request is, with typed helpers: the lifecycle clock, fault rules, state (export,
import, reset of an account), accounts and access keys."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Iterable, Optional

ADMIN_PATH = "/_zecd/api"
ADMIN_VERSION = "2026-11-01"
ALGORITHM = "ZC2-HMAC-SHA256"
CONTENT_TYPE = "application/json"


class ZecdError(Exception):
    """An error answer of zecd: the vendor's code, message and request id."""

    def __init__(self, code: str, message: str, request_id: str = "", status: int = 0):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.request_id = request_id
        self.status = status


@dataclass(frozen=True)
class Credentials:
    """An access key: what the official SDKs' ``Credential(id, password)`` takes."""

    access_key_id: str
    access_key_password: str
    account: str = "default"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def authorization(key_id: str, password: str, host: str, timestamp: int, body: bytes) -> str:
    """The ``Authorization`` header of a request with this body to this host."""
    canonical = "\n".join([
        "POST", "/", "",
        f"content-type:{CONTENT_TYPE}\nhost:{host}\n",
        "content-type;host",
        _sha256(body),
    ])
    to_sign = "\n".join([ALGORITHM, str(timestamp), _sha256(canonical.encode())])
    signature = hmac.new(password.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
    return (f"{ALGORITHM} Credential={key_id}, SignedHeaders=content-type;host, "
            f"Signature={signature}")


class Admin:
    """The admin API of one zecd, as its root key."""

    def __init__(self, endpoint: str, credentials: Credentials, timeout: float = 60.0):
        self.endpoint = endpoint
        self.credentials = credentials
        self.timeout = timeout

    def call(self, action: str, body: Optional[dict] = None) -> dict:
        """One admin action; its ``response`` object, or :class:`ZecdError`."""
        data = json.dumps(body or {}).encode()
        ts = int(time.time())
        req = urllib.request.Request(
            f"http://{self.endpoint}{ADMIN_PATH}", data=data, method="POST",
            headers={
                "Content-Type": CONTENT_TYPE,
                "Host": self.endpoint,
                "x-zc-action": action,
                "x-zc-version": ADMIN_VERSION,
                "x-zc-timestamp": str(ts),
                "x-zc-signature-method": ALGORITHM,
                "Authorization": authorization(self.credentials.access_key_id,
                                               self.credentials.access_key_password,
                                               self.endpoint, ts, data),
            })
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                envelope = json.loads(resp.read())
        except urllib.error.HTTPError as e:
            try:
                err = json.loads(e.read())
            except ValueError:
                raise ZecdError("HTTP_ERROR", str(e), status=e.code) from None
            raise ZecdError(err.get("code", ""), err.get("message", ""),
                            err.get("requestId", ""), e.code) from None
        return envelope["response"]

    # ---- the lifecycle clock ----

    def clock(self) -> dict:
        """``{"mode", "now", "nowMillis"}``."""
        return self.call("DescribeClock")

    def advance(self, by: str) -> dict:
        """Moves a manual clock (``--clock manual``) by ``"2s"``, ``"1500ms"``, ``"1h"``...;
        returns once every phase that came due is written down."""
        return self.call("AdvanceClock", {"by": by})

    # ---- faults ----

    def faults(self) -> dict:
        """The rules in force: ``{"failures": [...], "errors": [...]}``."""
        return self.call("DescribeFaults")

    def create_faults(self, failures: Iterable[dict] = (), errors: Iterable[dict] = (),
                      seed: Optional[int] = None) -> list:
        """Adds rules (``{"phase": "deploy", "count": 1}``, ``{"action": "StopInstances",
        "code": "INTERNAL_SERVER_ERROR"}``); returns their ids."""
        body: dict[str, Any] = {"failures": list(failures), "errors": list(errors)}
        if seed is not None:
            body["seed"] = seed
        return self.call("CreateFaults", body)["ids"]

    def delete_faults(self, ids: Optional[Iterable[str]] = None) -> int:
        """Removes rules by id, or every rule; returns how many went."""
        return self.call("DeleteFaults", {} if ids is None else {"ids": list(ids)})["deleted"]

    # ---- real guests (zecd serve --guests qemu) ----

    def guests(self, instance_ids: Iterable[str] = ()) -> list:
        """The machines behind these instances (all if none are named): ``{"instanceId",
        "state", "pid", "sshHost", "sshPort", "vcpus", "memoryMib", "rssMib", "disk",
        "console"}`` each; empty without real guests."""
        return self.call("DescribeGuests", {"instanceIds": list(instance_ids)})["guestSet"]

    def guest_console(self, instance_id: str) -> str:
        """The last 64 KiB of a real guest's serial console."""
        return self.call("DescribeGuestConsole", {"instanceId": instance_id})["output"]

    # ---- state ----

    def export_state(self, account: Optional[str] = None) -> dict:
        """The state document of one account, or of every account."""
        return self.call("ExportState", {} if account is None else {"account": account})["state"]

    def import_state(self, state: dict) -> dict:
        """Replaces the resources of the accounts ``state`` names; ``{"accounts", "resources"}``."""
        return self.call("ImportState", {"state": state})

    def reset_account(self, account: str = "default") -> None:
        """Every resource of the account gone; its keys keep working."""
        self.call("ResetAccount", {"account": account})

    # ---- accounts and keys ----

    def accounts(self) -> list:
        """Every account and its access keys (ids and scopes, never a password)."""
        return self.call("DescribeAccounts")["accounts"]

    def create_account(self, name: str) -> dict:
        """A new account: ``{"name", "defaultResourceGroupId"}``."""
        return self.call("CreateAccount", {"name": name})

    def create_key(self, account: str, read_only: bool = False,
                   resource_group_ids: Iterable[str] = ()) -> Credentials:
        """An access key of the account (read-only, or limited to resource groups)."""
        body: dict[str, Any] = {"account": account, "readOnly": read_only}
        groups = list(resource_group_ids)
        if groups:
            body["resourceGroupIds"] = groups
        r = self.call("CreateAccessKey", body)
        return Credentials(r["accessKeyId"], r["accessKeyPassword"], account)
