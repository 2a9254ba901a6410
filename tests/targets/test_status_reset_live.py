"""A forced password reset ordered on the mobile API reaches the status service: the hardened
bank announces it on its page (a security incident on `login`) and asks to notify every
customer; the fragile bank's page says nothing. Real processes on loopback: core-banking, a
status service and a mobile API started with `--status-url`."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.credentials import ADMIN
from tests.targets.test_mobile_api_live import start, start_core, stop, unused_url
from tests.targets.test_status_live import await_page, start_status

pytestmark = pytest.mark.integration


def _revoke_with_forced_change(tmp_path: Path, profile: str) -> tuple[dict[str, Any], Any]:
    core = start_core(tmp_path)
    status = start_status(tmp_path, profile)
    args = ["--profile", profile, "--customers", "3", "--core-url", core.url,
            "--payments-url", unused_url(), "--status-url", status.url]  # fmt: skip
    mobile = None
    try:
        mobile = start("targets.mobile_api", args, tmp_path / "mobile.log")
        revoked = httpx.post(
            mobile.url + "/admin/sessions/revoke-all",
            json={"force_password_change": True}, headers=ADMIN, timeout=5,
        )  # fmt: skip
        assert revoked.status_code == 200, revoked.text
        if profile == "hardened":
            page = await_page(status, lambda p: bool(p["incidents"]))
        else:
            time.sleep(1.0)  # the fragile page must stay silent: nothing to await
            page = httpx.get(status.url + "/v1/status", timeout=5).json()
        export = httpx.get(status.url + "/admin/export", headers=ADMIN, timeout=5).json()
        return page, export
    finally:
        for service in (mobile, status, core):
            if service is not None:
                stop(service)


def test_the_hardened_bank_announces_a_forced_reset_and_notifies_everyone(
    tmp_path: Path,
) -> None:
    page, export = _revoke_with_forced_change(tmp_path, "hardened")
    (incident,) = page["incidents"]
    assert (incident["kind"], incident["components"]) == ("security", ["login"])
    (notice,) = export["notifications_requested"]
    assert (notice["reason"], notice["customers"]) == ("reset", "all")


def test_the_fragile_bank_says_nothing_of_a_forced_reset(tmp_path: Path) -> None:
    page, export = _revoke_with_forced_change(tmp_path, "fragile")
    assert page["incidents"] == [] and export["notifications_requested"] == []
