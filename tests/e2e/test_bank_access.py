"""Who may call what on a bank `harness up` started: the tokens are in no command line, the
edge and the public listeners refuse admin routes, inner services refuse callers without the
service credential (DESIGN.md §4, docs/security.md)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import httpx

from tests.e2e.tiny import bank_location, start_bank


def _stop(up: subprocess.Popen[str]) -> None:
    if up.poll() is None:
        up.terminate()
        try:
            up.wait(timeout=60)
        except subprocess.TimeoutExpired:
            up.kill()
            up.wait()


def test_up_keeps_tokens_off_command_lines_and_admin_off_the_edge(tmp_path: Path) -> None:
    up = start_bank(tmp_path)
    try:
        where = bank_location(up)
        credentials = Path(where["credentials"])
        assert stat.S_IMODE(credentials.stat().st_mode) == 0o600
        tokens = json.loads(credentials.read_text())
        admin, service = tokens["admin_token"], tokens["service_token"]
        assert len(admin) >= 16 and len(service) >= 16 and admin != service

        every_command_line = subprocess.run(
            ["ps", "-eo", "args", "ww"], capture_output=True, text=True, check=True
        ).stdout
        assert "targets.core_banking" in every_command_line  # ps does show the bank
        assert admin not in every_command_line and service not in every_command_line

        edge, core = where["edge_url"], where["services"]["core-dc-a"]
        core_admin = where["admin"]["core-dc-a"]
        as_admin = {"X-Admin-Token": admin}
        assert httpx.get(f"{edge}/admin/export", headers=as_admin).status_code == 404
        revoke = httpx.post(f"{edge}/admin/sessions/revoke-all", headers=as_admin, json={})
        assert revoke.status_code == 404
        assert httpx.get(f"{core}/admin/export", headers=as_admin).status_code == 404

        account = f"{core}/v1/accounts/ACC-0001"
        refused = httpx.get(account)
        assert (refused.status_code, refused.json()["error"]) == (
            401,
            "service_credential_required",
        )
        assert httpx.get(account, headers={"X-Service-Token": admin}).status_code == 401
        assert httpx.get(account, headers={"X-Service-Token": service}).status_code == 200
        journal = {"transfer_id": "t-1", "postings": []}
        moved = httpx.post(f"{core}/v1/journals", json=journal, headers={"Idempotency-Key": "k"})
        assert moved.status_code == 401

        assert httpx.get(f"{core_admin}/admin/export").status_code == 401
        assert httpx.get(f"{core_admin}/admin/export", headers=as_admin).status_code == 200
        assert httpx.get(f"{core_admin}/v1/accounts/ACC-0001").status_code == 404
        assert httpx.get(f"{core_admin}/health/live").status_code == 200
    finally:
        _stop(up)
    assert up.returncode == 0, up.stderr.read() if up.stderr else ""
    assert os.path.exists(credentials)  # the run folder keeps it; the bank is gone
